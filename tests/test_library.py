"""The bot's engine owner over a real JSONL corpus and index directory (no Telegram)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest

from bot.library import EngineNotReady, Library, StrictCorpusError, open_corpus
from config.settings import BUNDLED_LANGUAGE_DATA, Settings
from retrieval import wordnet
from retrieval.corpus import CorpusError
from retrieval.records import Article


def _line(i: int) -> str:
    return json.dumps({"id": f"a{i}", "title": f"Judul {i}", "source": "Uji", "date": "2020-01-02",
                       "text": f"Rusia dan Cina memveto resolusi nomor {i} di Dewan Keamanan."}) + "\n"


def _article(i: int) -> Article:
    record = json.loads(_line(i))
    # Exactly what the corpus line says: a restart then re-hashes the same versions.
    return Article(record["id"], record["title"], record["source"], dt.date.fromisoformat(record["date"]), record["text"])


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text(_line(0) + _line(1), encoding="utf-8")
    return path


def _settings(corpus: Path, tmp_path: Path, **overrides: object) -> Settings:
    return Settings.model_construct(
        corpus_path=corpus, language_data_path=BUNDLED_LANGUAGE_DATA, index_dir=tmp_path / "index", **overrides
    )


async def test_start_refresh_extend_and_stop(corpus: Path, tmp_path: Path) -> None:
    library = Library(_settings(corpus, tmp_path))
    with pytest.raises(EngineNotReady):
        library.current
    wordnet.at.cache_clear()
    first = await library.start()
    assert library.ready and first.number == 0 and len(library.current.articles) == 2
    # The synonym floor's lexicon is read at start, not by the first question that needs it.
    assert wordnet.at.cache_info().currsize == 1
    assert await library.start() is first  # idempotent

    with corpus.open("a", encoding="utf-8") as handle:
        handle.write(_line(2))
    seen: list[int] = []

    async def hook(outgoing) -> None:
        seen.append(outgoing.number)
        assert library.edition is outgoing  # still answering while the hook runs

    library.before_swap(hook)
    assert library.extended_at is None and library.built_at == first.at
    grown = await library.extend([_article(2)])
    # Appended to the running index (no corpus re-read), after the hooks, in one swap.
    assert grown.build == "extended" and grown.number == 1 and seen == [0]
    assert library.current is grown.engine and len(grown.engine.articles) == 3
    assert library.updated_at == grown.at == library.extended_at >= first.at
    assert library.built_at == first.at
    assert library.current.search("resolusi nomor 2").hits[0].article.id == "a2"
    assert await library.extend([]) is grown  # nothing to add: no swap

    # The append was saved: a restart loads the index instead of building it.
    again = Library(_settings(corpus, tmp_path))
    reopened = await again.start()
    assert reopened.build == "loaded", reopened.reason
    assert len(reopened.engine.articles) == 3

    await library.stop()
    assert not library.ready


async def test_refresh_while_busy_is_skipped_and_a_failure_keeps_the_engine(corpus: Path, tmp_path: Path) -> None:
    library = Library(_settings(corpus, tmp_path))
    await library.start()
    before = library.edition
    running = asyncio.create_task(library.refresh())
    await asyncio.sleep(0)
    assert library.busy and await library.refresh() is None  # /reload, SIGHUP: one at a time
    assert (await running).number == 1

    async def broken(_outgoing) -> None:
        raise RuntimeError("hook bug")

    library.before_swap(broken)
    assert (await library.refresh()).number == 2  # a failing hook never blocks the swap

    corpus.unlink()
    current = library.edition
    # (With INDEX_DIR the store reports a missing corpus as FileNotFoundError, without it as CorpusError.)
    with pytest.raises((CorpusError, OSError)):
        await library.refresh()
    assert library.edition is current and current is not before


async def test_strict_is_enforced_in_one_place(corpus: Path, tmp_path: Path) -> None:
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    assert len(open_corpus(_settings(corpus, tmp_path, strict=False)).problems) == 1
    with pytest.raises(StrictCorpusError) as raised:
        open_corpus(_settings(corpus, tmp_path, strict=True))
    assert "line 3" in str(raised.value.problems[0])
    with pytest.raises(StrictCorpusError):
        await Library(_settings(corpus, tmp_path, strict=True)).start()


async def test_extend_falls_back_to_a_reopen_for_a_given_engine_or_a_failed_append(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = open_corpus(_settings(corpus, tmp_path))
    given = Library(_settings(corpus, tmp_path), engine=opened.engine)  # tests and tools: no store behind it
    await given.start()
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write(_line(2))
    grown = await given.extend([_article(2)])
    assert grown.build in ("appended", "built") and len(grown.engine.articles) == 3
    assert given.extended_at == grown.at

    library = Library(_settings(corpus, tmp_path))
    await library.start()
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write(_line(3))

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")  # fault injection: the append fails, the reopen still works

    monkeypatch.setattr("bot.library.extend_engine", broken)
    grown = await library.extend([_article(3)])
    assert grown.build != "extended" and len(grown.engine.articles) == 4
    assert library.current.search("resolusi nomor 3").answered


async def test_a_new_version_replaces_the_old_one_in_the_catalogue(corpus: Path, tmp_path: Path) -> None:
    library = Library(_settings(corpus, tmp_path))
    first = await library.start()
    assert (first.catalogue.count, dict(first.catalogue.sources), first.catalogue.span) == (2, {"Uji": 2}, "2020")
    newer = Article("a1", "Judul baru", "Lain", dt.date(2023, 5, 6), "Rusia memveto resolusi baru di Dewan Keamanan.")
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "a1", "title": newer.title, "source": "Lain", "date": "2023-05-06",
                                 "text": newer.text}) + "\n")
    grown = await library.extend([newer])
    assert grown.build == "extended"
    catalogue = grown.catalogue
    assert (catalogue.count, dict(catalogue.sources), catalogue.span) == (2, {"Uji": 1, "Lain": 1}, "2020–2023")
    assert [a.title for a in catalogue.newest] == ["Judul baru", "Judul 0"]
    await library.stop()
