"""extend_engine: the running bot's appends equal a fresh build, keep sids, retire replaced versions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from config.settings import BUNDLED_CORPUS
from retrieval.corpus import load_corpus
from retrieval.records import Article
from retrieval.search import Engine
from retrieval.store import extend_engine, open_engine
from tests.sampling import sweep
from tests.test_store import QUESTIONS, _assert_never_quoted, _assert_same_engine, _lines, _record

UPDATED = "Teks pengganti: Lavrov dan Kerry bertemu lagi di Wina pada hari Jumat untuk membahas Suriah."
NEW = Article(
    id="baru-wina",
    title="Perundingan di Wina",
    source="Sumber Uji",
    date=None,
    text="Perundingan lanjutan tentang Suriah digelar di Wina. Delegasi Rusia dipimpin Sergei Lavrov.",
)


@pytest.fixture(scope="module")
def seed_articles() -> list[Article]:
    return list(load_corpus(BUNDLED_CORPUS).articles)


def _append(path: Path, articles: list[Article]) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(_lines(articles))


def _same_results(a: Engine, b: Engine, questions: list[str]) -> None:
    """Equal answers (sids, texts, rounded scores; a sample in the quick run) and bit-equal BM25 scores of every sentence."""
    for question in sweep(questions):
        for offset in (0, 3):
            assert a.search(question, k=3, offset=offset) == b.search(question, k=3, offset=offset), question
    for question in questions:
        terms = a.analyzer.terms(question)
        assert np.array_equal(a._index.scores(terms), b._index.scores(terms)), question


def test_extend_equals_a_fresh_build_and_keeps_every_sid(tmp_path: Path, seed_articles: list[Article]) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(_lines(seed_articles[:3]), encoding="utf-8")
    before = open_engine(corpus, index_dir=tmp_path / "index")
    old_sentences = list(before.engine._sentences)

    added = seed_articles[3:] + [NEW]
    _append(corpus, added)
    after = extend_engine(before, added)

    assert (after.build, after.index_dir) == ("extended", tmp_path / "index")
    assert "save" in after.timings and "build" not in after.timings
    assert list(after.engine._sentences)[: len(old_sentences)] == old_sentences
    assert min(s.sid for s in after.engine._sentences if s.article_id == NEW.id) >= len(old_sentences)
    assert after.engine.numbering == before.engine.numbering
    assert after.engine.fingerprint != before.engine.fingerprint
    # `before` is untouched and keeps answering.
    assert list(before.engine._sentences) == old_sentences and len(before.engine.articles) == 3

    fresh = open_engine(corpus, index_dir=tmp_path / "fresh")
    assert fresh.build == "built"
    assert after.engine.fingerprint == fresh.engine.fingerprint
    assert list(after.engine._sentences) == list(fresh.engine._sentences)
    questions = QUESTIONS + ["Di mana perundingan lanjutan tentang Suriah digelar?"]
    _same_results(after.engine, fresh.engine, questions)
    # So is Engine.from_articles over the same articles.
    from_articles = Engine.from_articles(seed_articles + [NEW])
    _assert_same_engine(after.engine, from_articles)
    _same_results(after.engine, from_articles, questions[-1:])
    assert "Wina" in after.engine.search(questions[-1]).hits[0].sentence.text


def test_extend_replaces_an_article_whose_id_exists(tmp_path: Path, seed_articles: list[Article]) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(_lines(seed_articles), encoding="utf-8")
    before = open_engine(corpus, index_dir=tmp_path / "index")
    old = seed_articles[1]
    old_sids = [s.sid for s in before.engine._sentences if s.article_id == old.id]
    old_texts = [before.engine.sentence(sid).text for sid in old_sids]
    # Without the mask these questions would quote the old version: check they do before.
    assert any(
        h.sentence.sid in old_sids for t in old_texts[:3] for h in before.engine.search(t, k=3).hits
    )

    updated = Article(**(_record(old) | {"text": UPDATED, "date": old.date, "url": None}))
    _append(corpus, [updated])
    after = extend_engine(before, [updated])

    assert after.reason == "1 articles added (1 replacing an older version)"
    assert after.engine.article(old.id) == updated
    assert [a.id for a in after.engine.articles].count(old.id) == 1
    assert all(after.engine.sentence(sid) is None for sid in old_sids)
    assert after.engine.context(old_sids[0]) == ()
    _assert_never_quoted(after.engine, old_sids, old_texts)
    # Every other sentence keeps its sid and text.
    for sentence in before.engine._sentences:
        if sentence.article_id != old.id:
            assert after.engine.sentence(sentence.sid) == sentence
    hit = after.engine.search("Di mana Lavrov dan Kerry bertemu lagi pada hari Jumat?").hits[0]
    assert hit.article == updated and hit.sentence.text == UPDATED
    # The window's terms read straight off the index are those of its sentences, beside
    # the retired version's sids too.
    engine = after.engine
    for sid in range(engine.sentence_count):
        if engine.sentence(sid) is not None:
            window = engine.context(sid, before=1, after=1)
            assert engine._window_terms(sid) == frozenset().union(*(engine._terms_of(s.sid) for s in window)), sid

    # A fresh build of the same corpus file is the same engine, sid for sid.
    fresh = open_engine(corpus, index_dir=tmp_path / "fresh")
    assert list(after.engine._sentences) == list(fresh.engine._sentences)
    assert after.engine.articles == fresh.engine.articles
    _same_results(after.engine, fresh.engine, QUESTIONS + old_texts)
    # And so is Engine.from_articles over the same versions.
    _assert_same_engine(after.engine, Engine.from_articles(seed_articles + [updated]))


@pytest.mark.e2e  # a third open; quick run: test_extend_equals_a_fresh_build_and_keeps_every_sid
def test_an_extended_index_is_what_the_next_start_loads(tmp_path: Path, seed_articles: list[Article]) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(_lines(seed_articles[:2]), encoding="utf-8")
    first = open_engine(corpus)  # the user cache
    _append(corpus, seed_articles[2:4])
    extended = extend_engine(first, seed_articles[2:4])
    assert extended.index_dir == first.index_dir
    restarted = open_engine(corpus)
    assert restarted.build == "loaded"
    assert restarted.engine.numbering == extended.engine.numbering == first.engine.numbering
    assert list(restarted.engine._sentences) == list(extended.engine._sentences)
    _same_results(restarted.engine, extended.engine, QUESTIONS[:8])


@pytest.mark.e2e  # quick run: test_store's test_appended_lines_extend_the_index
def test_a_crash_between_corpus_write_and_index_save_appends_at_start(
    tmp_path: Path, seed_articles: list[Article]
) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(_lines(seed_articles[:2]), encoding="utf-8")
    first = open_engine(corpus, index_dir=tmp_path / "index")
    _append(corpus, seed_articles[2:])  # the ingest wrote, the bot died before extending
    restarted = open_engine(corpus, index_dir=tmp_path / "index")
    assert restarted.build == "appended"
    assert restarted.engine.numbering == first.engine.numbering
    _same_results(restarted.engine, Engine.from_articles(seed_articles), QUESTIONS[:8])


def test_an_index_extended_with_articles_the_file_lacks_is_never_trusted(
    tmp_path: Path, seed_articles: list[Article]
) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(_lines(seed_articles[:2]), encoding="utf-8")
    first = open_engine(corpus, index_dir=tmp_path / "index")
    extend_engine(first, [NEW])  # the caller broke the contract: NEW is not in the file
    _append(corpus, seed_articles[2:3])
    restarted = open_engine(corpus, index_dir=tmp_path / "index")
    assert restarted.build == "built"
    assert restarted.engine.article(NEW.id) is None
    assert [a.id for a in restarted.engine.articles] == [a.id for a in seed_articles[:3]]


def test_extend_without_a_usable_folder_still_extends_in_memory(
    tmp_path: Path, seed_articles: list[Article]
) -> None:
    blocker = tmp_path / "index"
    blocker.write_text("a file where the index folder should be", encoding="utf-8")
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(_lines(seed_articles[:2]), encoding="utf-8")
    first = open_engine(corpus, index_dir=blocker)
    assert first.index_dir is None
    after = extend_engine(first, [NEW])
    assert after.index_dir is None and after.engine.article(NEW.id) == NEW


def test_extending_with_nothing_changes_nothing(tmp_path: Path, seed_articles: list[Article]) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(_lines(seed_articles), encoding="utf-8")
    first = open_engine(corpus, index_dir=tmp_path / "index")
    after = extend_engine(first, [])
    assert after.engine.fingerprint == first.engine.fingerprint
    assert json.loads((tmp_path / "index" / "stream.json").read_text())["versions"] == len(seed_articles)
