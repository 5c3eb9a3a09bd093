"""Warm start without parsing: the saved corpus state, stored articles, and what must still be detected."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from config.settings import BUNDLED_CORPUS, BUNDLED_LANGUAGE_DATA
from retrieval.corpus import load_corpus
from retrieval.records import Article
from retrieval.search import Engine
from retrieval.store import extend_engine, open_engine
from retrieval.stored import CorpusState, StoredArticles, article_arrays
from retrieval.text import Analyzer
from tests.conftest import SavedIndex
from tests.sampling import sweep
from tests.test_store import QUESTIONS, _answers, _expected, _fresh, _lines, _record


@pytest.fixture(scope="module")
def seed_articles() -> list[Article]:
    return list(load_corpus(BUNDLED_CORPUS).articles)


@pytest.fixture
def jsonl(tmp_path: Path, seed_articles: list[Article]) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text(_lines(seed_articles), encoding="utf-8")
    return path


def _manifest(index_dir: Path) -> dict:
    return json.loads((index_dir / "bm25" / "manifest.json").read_text(encoding="utf-8"))


def test_second_start_reads_no_corpus_and_serves_the_same_engine(jsonl: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    cold = open_engine(jsonl, index_dir=index_dir)
    warm = open_engine(jsonl, index_dir=index_dir)
    assert (cold.build, warm.build) == ("built", "loaded")
    # Not parsed: the articles come from the index folder, read on demand.
    assert "parse" in cold.timings and "parse" not in warm.timings
    assert isinstance(warm.engine.articles, StoredArticles)
    fresh = _fresh(jsonl)
    assert list(warm.engine.articles) == list(fresh.articles)
    assert list(warm.engine._sentences) == list(fresh._sentences)
    assert _answers(warm.engine) == _expected(fresh)
    assert warm.engine.fingerprint == cold.engine.fingerprint and warm.engine.numbering == cold.engine.numbering
    some = fresh.articles[3]
    assert warm.engine.article(some.id) == some and warm.engine.article("no such id") is None
    assert warm.built.fingerprint == cold.built.fingerprint


def test_a_same_size_edit_with_the_old_mtime_is_detected(
    jsonl: Path, tmp_path: Path, saved_index: SavedIndex
) -> None:
    # The check reads every byte: size and modification time prove nothing.
    index_dir = tmp_path / "index"
    saved_index(jsonl, index_dir)
    before = os.stat(jsonl)
    data = jsonl.read_bytes()
    assert b"Rusia" in data
    jsonl.write_bytes(data.replace(b"Rusia", b"Rosia", 1))
    os.utime(jsonl, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(jsonl)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    opened = open_engine(jsonl, index_dir=index_dir)
    assert opened.build == "built" and "parse" in opened.timings
    assert _answers(opened.engine) == _expected(_fresh(jsonl))


@pytest.mark.e2e  # quick run: test_a_same_size_edit_with_the_old_mtime_is_detected
def test_other_bytes_for_the_same_articles_load_then_save_the_new_state(
    jsonl: Path, tmp_path: Path, saved_index: SavedIndex
) -> None:
    index_dir = tmp_path / "index"
    saved_index(jsonl, index_dir)
    # Same articles, other bytes (JSON spacing): the parse path loads, then the next start skips it.
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=True, indent=None, separators=(", ", ": ")) + "\n\n"
                             for r in records), encoding="utf-8")
    reparsed = open_engine(jsonl, index_dir=index_dir)
    assert reparsed.build == "loaded" and "parse" in reparsed.timings
    again = open_engine(jsonl, index_dir=index_dir)
    assert again.build == "loaded" and "parse" not in again.timings
    assert _answers(again.engine) == _expected(_fresh(jsonl))


@pytest.mark.e2e  # upgrade path; quick run: test_second_start_reads_no_corpus_and_serves_the_same_engine
def test_an_index_without_a_corpus_state_is_parsed_once_then_upgraded(
    jsonl: Path, tmp_path: Path, saved_index: SavedIndex
) -> None:
    index_dir = tmp_path / "index"
    saved_index(jsonl, index_dir)
    path = index_dir / "bm25" / "manifest.json"
    manifest = _manifest(index_dir)
    manifest["meta"]["corpus"] = None
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert "parse" in open_engine(jsonl, index_dir=index_dir).timings
    assert _manifest(index_dir)["meta"]["corpus"]["size"] == jsonl.stat().st_size
    assert "parse" not in open_engine(jsonl, index_dir=index_dir).timings


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: m["meta"].update(article_ids=m["meta"]["article_ids"][:-1]),
        lambda m: m["meta"].update(article_ids="x"),
        lambda m: m["meta"].update(corpus={"size": "big"}),
        lambda m: m["meta"].update(stream_seed="00"),
    ],
    ids=["ids-short", "ids-type", "state-garbled", "seed"],
)
def test_doubtful_stored_state_falls_back_to_parsing(
    edit, jsonl: Path, tmp_path: Path, saved_index: SavedIndex
) -> None:
    index_dir = tmp_path / "index"
    saved_index(jsonl, index_dir)
    path = index_dir / "bm25" / "manifest.json"
    manifest = _manifest(index_dir)
    edit(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")
    opened = open_engine(jsonl, index_dir=index_dir)
    assert "parse" in opened.timings
    assert _answers(opened.engine) == _expected(_fresh(jsonl))


def test_changed_language_data_rebuilds_a_jsonl_corpus(jsonl: Path, tmp_path: Path) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    index_dir = tmp_path / "index"
    open_engine(jsonl, language_data_path=lang, index_dir=index_dir)
    assert "parse" not in open_engine(jsonl, language_data_path=lang, index_dir=index_dir).timings
    stopwords = sorted(lang.glob("stopwords*.txt"))[0]
    stopwords.write_text(stopwords.read_text(encoding="utf-8") + "\nmoskow\n", encoding="utf-8")
    opened = open_engine(jsonl, language_data_path=lang, index_dir=index_dir)
    assert opened.build == "built"
    assert not opened.engine._index.has_term("moskow")


@pytest.mark.e2e  # quick run: test_extend's test_extend_equals_a_fresh_build_and_keeps_every_sid
def test_extending_an_engine_loaded_without_parsing_equals_a_fresh_build(
    tmp_path: Path, seed_articles: list[Article]
) -> None:
    corpus = tmp_path / "c.jsonl"
    index_dir = tmp_path / "index"
    corpus.write_text(_lines(seed_articles[:3]), encoding="utf-8")
    open_engine(corpus, index_dir=index_dir)
    warm = open_engine(corpus, index_dir=index_dir)
    assert "parse" not in warm.timings
    replaced = _record(seed_articles[0]) | {"text": "Teks pengganti tentang perundingan di Wina."}
    added = [*seed_articles[3:], load_corpus_line(replaced)]
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write(_lines(added))
    extended = extend_engine(warm, added)
    fresh = open_engine(corpus, index_dir=tmp_path / "fresh")
    assert extended.built.fingerprint == fresh.built.fingerprint
    assert list(extended.engine._sentences) == list(fresh.engine._sentences)
    assert list(extended.engine.articles) == list(fresh.engine.articles)
    assert _answers(extended.engine) == _expected(fresh.engine)
    # The saved extension is what the next start loads (parsed once: appends keep no file state).
    again = open_engine(corpus, index_dir=index_dir)
    assert again.build == "loaded"
    assert _answers(again.engine) == _expected(fresh.engine)
    # ...and the start after that reads no corpus, the replaced version retired as before.
    last = open_engine(corpus, index_dir=index_dir)
    assert "parse" not in last.timings
    assert list(last.engine.articles) == list(fresh.engine.articles)
    assert last.engine.article(seed_articles[0].id).text == replaced["text"]
    assert _answers(last.engine) == _expected(fresh.engine)


def load_corpus_line(record: dict) -> Article:
    return Article(
        id=record["id"], title=record["title"], source=record["source"],
        date=dt.date.fromisoformat(record["date"]) if record["date"] else None, text=record["text"],
        date_approximate=record["date_approximate"], author=record["author"],
    )


def test_stored_articles_round_trip_every_field() -> None:
    articles = [
        Article("a", "Judul", "Sumber", dt.date(2024, 1, 2), "Teks “kutip” é.", True, "Penulis", "https://x.id/a"),
        Article("b", "T\ud800", None, None, "Surrogate \udc00 and ascii", False, None, None),
        Article("c", "Kosong", "S", None, "x"),
    ]
    stored = StoredArticles([a.id for a in articles], article_arrays(articles))
    assert list(stored) == articles and len(stored) == 3
    assert stored[-1] == articles[-1] and stored[0:2] == articles[0:2]
    assert list(stored.chars()) == [len(a.text) for a in articles]
    grown = stored + (Article("d", "D", "S", None, "baru"),)
    assert [a.id for a in grown] == ["a", "b", "c", "d"] and grown.ids == ["a", "b", "c", "d"]
    again = StoredArticles.load(grown.ids, article_arrays(grown))
    assert list(again) == list(grown)
    view = grown.without(frozenset({1}))
    assert [a.id for a in view] == ["a", "c", "d"] and view.ids == ["a", "c", "d"]
    with pytest.raises(IndexError):
        stored[3]
    with pytest.raises(ValueError):
        StoredArticles.load(["a", "b"], article_arrays(articles))


def test_corpus_state_reads_every_byte(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"abc\n")
    state = CorpusState.of(path, ())
    assert state.matches(path)
    assert CorpusState.from_json(json.loads(json.dumps(state.to_json()))) == state
    path.write_bytes(b"abd\n")
    assert not state.matches(path)
    path.unlink()
    assert not state.matches(path)
    assert CorpusState.from_json(None) is None and CorpusState.from_json({"size": 1}) is None


def test_engine_from_stored_articles_equals_one_from_a_tuple(seed_articles: list[Article]) -> None:
    analyzer = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    stored = StoredArticles([a.id for a in seed_articles], article_arrays(seed_articles))
    lazy = Engine.from_articles(stored, analyzer=analyzer)
    plain = Engine.from_articles(seed_articles, analyzer=analyzer)
    assert [lazy.search(q).hits for q in sweep(QUESTIONS)] == [plain.search(q).hits for q in sweep(QUESTIONS)]


def test_saved_stems_seed_only_an_analyzer_of_the_same_language_data(jsonl: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    cold = open_engine(jsonl, language_data_path=BUNDLED_LANGUAGE_DATA, index_dir=index_dir)
    saved = json.loads((index_dir / "stems.json").read_text(encoding="utf-8"))
    stems = json.loads(saved["stems"])
    assert len(stems) > 500 and saved["analyzer"] == cold.engine.analyzer.fingerprint
    fresh = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    seeded = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA, stems=(fresh.fingerprint, stems))
    sample = " ".join(QUESTIONS) + " " + " ".join(a.text for a in load_corpus(jsonl).articles[:5])
    assert seeded.terms(sample) == fresh.terms(sample)
    # A wrong stem under another fingerprint is never used; under the right one it would be.
    bogus = {word: "zzz" for word in stems}
    assert Analyzer.from_directory(BUNDLED_LANGUAGE_DATA, stems=("other", bogus)).terms(sample) == fresh.terms(sample)
    assert Analyzer.from_directory(BUNDLED_LANGUAGE_DATA, stems=(fresh.fingerprint, bogus)).terms(sample) != fresh.terms(sample)
    # A damaged file is ignored, not trusted.
    saved["stems"] = json.dumps(bogus)
    (index_dir / "stems.json").write_text(json.dumps(saved), encoding="utf-8")
    warm = open_engine(jsonl, language_data_path=BUNDLED_LANGUAGE_DATA, index_dir=index_dir)
    assert warm.engine.analyzer.terms(sample) == fresh.terms(sample)


def test_seeded_analyzer_builds_the_phrase_tables_and_stems_of_a_fresh_one() -> None:
    # A warm start builds its phrase tables with the saved stems instead of
    # asking Sastrawi again: the tables, and the stems in the order a build
    # saves them, must be a fresh analyzer's whether the saved stems hold every
    # phrase word or only some (an older file) of them.
    from retrieval import text

    text._PHRASE_TABLES.clear()
    fresh = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    stems = fresh.known_stems()
    assert len(stems) > 500
    partial = dict(list(stems.items())[::3])
    for given in (stems, partial):
        seeded = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA, stems=(fresh.fingerprint, given))
        assert seeded._phrases_by_first == fresh._phrases_by_first
        assert list(seeded.known_stems().items()) == list(given.items()) + [
            (word, stem) for word, stem in stems.items() if word not in given
        ]
    assert list(seeded.known_stems().items())[: len(partial)] == list(partial.items())


def test_warm_start_keeps_the_stems_it_adds_for_the_next_start(jsonl: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    open_engine(jsonl, language_data_path=BUNDLED_LANGUAGE_DATA, index_dir=index_dir)
    saved = json.loads(json.loads((index_dir / "stems.json").read_text(encoding="utf-8"))["stems"])
    # As an older build saved them: without the stored acronyms' words, which the open stems.
    first = dict(list(saved.items())[: len(saved) // 2])
    text = json.dumps(first, separators=(",", ":"))
    import xxhash

    (index_dir / "stems.json").write_text(json.dumps({
        "analyzer": json.loads((index_dir / "stems.json").read_text(encoding="utf-8"))["analyzer"],
        "stems": text, "xxh3_128": xxhash.xxh3_128(text.encode("ascii")).hexdigest()}), encoding="utf-8")
    warm = open_engine(jsonl, language_data_path=BUNDLED_LANGUAGE_DATA, index_dir=index_dir)
    assert warm.build == "loaded"
    kept = json.loads(json.loads((index_dir / "stems.json").read_text(encoding="utf-8"))["stems"])
    assert len(kept) > len(first) and kept == warm.engine.analyzer.known_stems()
    again = open_engine(jsonl, language_data_path=BUNDLED_LANGUAGE_DATA, index_dir=index_dir)
    assert again.engine.analyzer.known_stems() == kept
    assert [again.engine.search(q).hits for q in sweep(QUESTIONS)] == [warm.engine.search(q).hits for q in sweep(QUESTIONS)]


def test_stored_span_text_is_the_articles_slice() -> None:
    articles = [
        Article("a", "A", "S", None, "Plain ascii text here."),
        Article("b", "B", "S", None, "Teks “kutip” dengan é dan \udc00 lagi."),
    ]
    stored = StoredArticles([a.id for a in articles], article_arrays(articles))
    grown = stored + (Article("c", "C", "S", None, "tambahan"),)
    for i, article in enumerate(list(articles) + [grown[2]]):
        n = len(article.text)
        for start, end in ((0, n), (2, 9), (5, 5), (n - 4, n)):
            assert grown.span_text(i, start, end) == article.text[start:end]
    # Many at once (`span_texts`, what ranking reads): stored, appended and already made
    # articles alike, in any order; and through a view that leaves a version out.
    spans = [(i, start, end) for i in (2, 0, 1, 0) for start, end in ((0, 4), (3, 8), (6, 6))]
    texts = [(list(articles) + [grown[2]])[i].text for i in range(3)]
    assert grown.span_texts(spans) == [texts[i][s:e] for i, s, e in spans]
    grown[1]  # made once and kept: read from it, not the arrays
    assert grown.span_texts(spans) == [texts[i][s:e] for i, s, e in spans]
    assert grown.span_texts([]) == []
    view = stored.without(frozenset({0}))
    assert view.span_texts([(0, 2, 9), (0, 0, 4)]) == [texts[1][2:9], texts[1][0:4]]
    only_new = StoredArticles([], article_arrays([])) + (Article("c", "C", "S", None, "tambahan"),)
    assert only_new.span_texts([(0, 1, 5)]) == ["amba"]


def test_stored_articles_read_from_memory_mapped_arrays(tmp_path: Path) -> None:
    # A warm start reads the arrays memory-mapped (`retrieval.index_files`): texts, slices and
    # whole articles decoded from the mapping as from the arrays in memory.
    import numpy as np

    articles = [
        Article("a", "A", "S", None, "Plain ascii text here."),
        Article("b", "B é", "S", dt.date(2020, 1, 2), "Teks “kutip” dengan é dan \udc00 lagi.", author="Ä"),
    ]
    arrays = article_arrays(articles)
    for name, array in arrays.items():
        np.save(tmp_path / f"{name}.npy", array)
    mapped = {name: np.load(tmp_path / f"{name}.npy", mmap_mode="r") for name in arrays}
    stored = StoredArticles.load([a.id for a in articles], mapped)
    spans = [(i, start, end) for i in (1, 0) for start, end in ((0, 4), (3, 12), (6, 6), (0, len(articles[i].text)))]
    assert stored.span_texts(spans) == [articles[i].text[s:e] for i, s, e in spans]
    assert [stored.span_text(i, s, e) for i, s, e in spans] == [articles[i].text[s:e] for i, s, e in spans]
    assert list(stored) == articles
