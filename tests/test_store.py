"""Persisted engine: round trip, invalidation, corruption, append path, reload, extend, cache."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from config.settings import BUNDLED_CORPUS, BUNDLED_LANGUAGE_DATA
from retrieval.corpus import load_corpus
from retrieval.records import Article
from retrieval.search import Engine
from retrieval.build import SentenceTable
from retrieval.store import cache_root, open_engine
from retrieval.text import Analyzer
from tests.conftest import SavedIndex, corpus_content
from tests.sampling import sweep

SEED_EVAL = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "seed_eval.jsonl"
QUESTIONS = [
    json.loads(line)["question"] for line in SEED_EVAL.read_text(encoding="utf-8").splitlines() if line.strip()
][:24] + ["Kapan Rusia mengundang oposisi Suriah ke Moskow?", "Siapa menteri luar negeri Rusia?"]


def _answers(engine: Engine, questions: Sequence[str] | None = None) -> list:
    """Answers to `questions`, by default to QUESTIONS (a sample of them in the quick run)."""
    return [engine.search(q, k=3) for q in (sweep(QUESTIONS) if questions is None else questions)]


_EXPECTED: dict[str, list] = {}


def _expected(fresh: Engine) -> list:
    """`_answers(fresh)` for an engine built from scratch in memory, asked once per content.

    Most tests compare what they opened with a fresh build of the same seed
    articles; asking that build again in every test was half of this module's
    time. Keyed by the fingerprint, which covers the articles and the analyzer;
    every fresh build here has the default tuning. Only the reference side is
    kept: the engine under test is always asked.
    """
    if fresh.fingerprint not in _EXPECTED:
        _EXPECTED[fresh.fingerprint] = _answers(fresh)
    return _EXPECTED[fresh.fingerprint]


def _assert_same_engine(engine: Engine, reference: Engine) -> None:
    """The same articles and sentences, bit-equal BM25 scores for every question, and the same answers.

    `reference` is a fresh build (`_expected`). The answers are compared over
    QUESTIONS, a sample of them in the quick run.
    """
    assert engine.articles == reference.articles
    assert list(engine._sentences) == list(reference._sentences)
    for question in QUESTIONS:
        terms = reference.analyzer.terms(question)
        assert np.array_equal(engine._index.scores(terms), reference._index.scores(terms)), question
    assert _answers(engine) == _expected(reference)


_FRESH: dict[object, Engine] = {}


def _fresh(corpus: Path, lang: Path | None = None) -> Engine:
    """An engine built from scratch in memory; with the bundled language data, once per corpus content
    (tests only read it)."""
    if lang:
        return Engine.from_articles(load_corpus(corpus).articles, analyzer=Analyzer.from_directory(lang))
    key = corpus_content(corpus)
    if key not in _FRESH:
        _FRESH[key] = Engine.from_articles(load_corpus(corpus).articles)
    return _FRESH[key]


def _record(article: Article) -> dict[str, object]:
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "date": article.date.isoformat() if article.date else None,
        "date_approximate": article.date_approximate,
        "author": article.author,
        "text": article.text,
    }


def _lines(articles: list[Article]) -> str:
    return "".join(json.dumps(_record(a), ensure_ascii=False) + "\n" for a in articles)


def _assert_never_quoted(engine: Engine, sids: list[int], questions: Sequence[str] = ()) -> None:
    """No answer quotes a retired sentence, even when asked with that sentence's own words
    (`questions` and QUESTIONS, a sample of each in the quick run)."""
    gone = set(sids)
    asked = sweep(questions) + sweep(QUESTIONS)
    for question in asked:
        for offset in (0, 3):
            quoted = {h.sentence.sid for h in engine.search(question, k=3, offset=offset).hits}
            assert not quoted & gone, question


@pytest.fixture(scope="module")
def seed_articles() -> list[Article]:
    return list(load_corpus(BUNDLED_CORPUS).articles)


@pytest.fixture
def markdown(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for file in BUNDLED_CORPUS.glob("*.md"):
        shutil.copy(file, folder / file.name)
    return folder


@pytest.fixture
def jsonl(tmp_path: Path, seed_articles: list[Article]) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text(_lines(seed_articles), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(seed_articles: list[Article]) -> Engine:
    """The seed articles built from scratch; tests only read it."""
    return Engine.from_articles(seed_articles)


@pytest.fixture(scope="module")
def reference_answers(reference: Engine) -> list:
    answers = _expected(reference)
    # The questions must exercise the engine, or equality below proves little.
    assert sum(a.answered for a in answers) >= len(answers) // 2
    return answers


# --- round trip -------------------------------------------------------------------------


# A Markdown folder's warm start is the quick run's in test_without_index_dir_the_index_persists_in_the_cache.
@pytest.mark.parametrize("kind", [pytest.param("markdown", marks=pytest.mark.e2e), "jsonl"])
def test_warm_start_answers_exactly_like_a_fresh_build(
    kind: str, markdown: Path, jsonl: Path, tmp_path: Path, reference_answers: list
) -> None:
    corpus = markdown if kind == "markdown" else jsonl
    index_dir = tmp_path / "index"
    first = open_engine(corpus, index_dir=index_dir)
    second = open_engine(corpus, index_dir=index_dir)
    assert (first.build, second.build) == ("built", "loaded")
    fresh = _fresh(corpus)
    assert list(second.engine._sentences) == list(fresh._sentences)
    assert _answers(second.engine) == _answers(first.engine) == reference_answers
    assert second.engine.fingerprint == first.engine.fingerprint
    sid = reference_answers[1].hits[0].sentence.sid
    assert second.engine.context(sid, before=2, after=2) == fresh.context(sid, before=2, after=2)


def test_without_index_dir_the_index_persists_in_the_cache(markdown: Path, reference: Engine) -> None:
    opened = open_engine(markdown)
    assert opened.build == "built"
    assert opened.index_dir is not None and opened.index_dir.parent == cache_root()
    assert (opened.index_dir / "bm25" / "manifest.json").is_file()
    again = open_engine(markdown)
    assert (again.build, again.index_dir) == ("loaded", opened.index_dir)
    _assert_same_engine(again.engine, opened.engine)
    _assert_same_engine(opened.engine, reference)


def test_problems_are_reported_on_warm_start_too(jsonl: Path, tmp_path: Path) -> None:
    with jsonl.open("a", encoding="utf-8") as handle:
        handle.write('{"id": "x", "title": "T"}\n')
    cold = open_engine(jsonl, index_dir=tmp_path / "index")
    warm = open_engine(jsonl, index_dir=tmp_path / "index")
    assert warm.build == "loaded"
    assert len(cold.problems) == 1 and warm.problems == cold.problems


# --- invalidation ----------------------------------------------------------------------------


def test_changed_article_rebuilds(markdown: Path, tmp_path: Path, saved_index: SavedIndex) -> None:
    index_dir = tmp_path / "index"
    saved_index(markdown, index_dir)
    file = sorted(markdown.glob("*.md"))[0]
    file.write_text(
        file.read_text(encoding="utf-8") + "\nPerundingan lanjutan digelar di Wina pada hari Jumat.\n", encoding="utf-8"
    )
    opened = open_engine(markdown, index_dir=index_dir)
    assert opened.build == "built" and opened.reason.startswith("the corpus changed")
    question = "Di mana perundingan lanjutan digelar?"
    assert opened.engine.search(question) == _fresh(markdown).search(question)
    assert "Wina" in opened.engine.search(question).hits[0].sentence.text
    assert open_engine(markdown, index_dir=index_dir).build == "loaded"


@pytest.mark.e2e  # invalidation: test_changed_article_rebuilds is the quick run's
def test_added_and_removed_markdown_files_rebuild(
    markdown: Path, tmp_path: Path, saved_index: SavedIndex
) -> None:
    # Fewer articles than the saved index covers: nothing to append to.
    index_dir = tmp_path / "index"
    saved_index(markdown, index_dir)
    removed = sorted(markdown.glob("*.md"))[-1]
    removed.unlink()
    opened = open_engine(markdown, index_dir=index_dir)
    assert opened.build == "built"
    assert len(opened.engine.articles) == 4
    _assert_same_engine(opened.engine, _fresh(markdown))


def test_ingested_jsonl_in_a_folder_is_part_of_the_digest(
    markdown: Path, tmp_path: Path, saved_index: SavedIndex
) -> None:
    index_dir = tmp_path / "index"
    saved_index(markdown, index_dir)
    new = Article("ingested-1", "Zebra terbang", "Antara", None, "Seekor zebra terbang di atas Jakarta kemarin.")
    (markdown / "ingested.jsonl").write_text(_lines([new]), encoding="utf-8")
    opened = open_engine(markdown, index_dir=index_dir)
    # Never the stale saved index: its articles sort after the Markdown files, so they are appended.
    assert opened.build in ("built", "appended")
    assert len(opened.engine.articles) == 6
    assert opened.engine.search("zebra terbang", k=1).hits[0].article.id == "ingested-1"


@pytest.mark.e2e  # quick run: test_warm's test_changed_language_data_rebuilds_a_jsonl_corpus
def test_changed_language_data_rebuilds(markdown: Path, tmp_path: Path) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    index_dir = tmp_path / "index"
    assert open_engine(markdown, language_data_path=lang, index_dir=index_dir).build == "built"
    assert open_engine(markdown, language_data_path=lang, index_dir=index_dir).build == "loaded"
    stopwords = sorted(lang.glob("stopwords*.txt"))[0]
    stopwords.write_text(stopwords.read_text(encoding="utf-8") + "\nmoskow\n", encoding="utf-8")
    opened = open_engine(markdown, language_data_path=lang, index_dir=index_dir)
    assert opened.build == "built"
    assert not opened.engine._index.has_term("moskow")
    _assert_same_engine(opened.engine, _fresh(markdown, lang))


# --- corruption -------------------------------------------------------------------------------


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("target", "damage"),
    # The quick run rebuilds after one kind of damage: each kind is found by the
    # index's own unit tests (test_index: truncated, flipped, deleted, garbage);
    # what this adds is the rebuild, which is the same for all.
    [
        pytest.param("doc_ids.npy", _truncate, id="truncated-postings", marks=pytest.mark.e2e),
        pytest.param("tf.npy", _flip, id="flipped-tf"),
        pytest.param("extra-sent_start.npy", _flip, id="flipped-spans", marks=pytest.mark.e2e),
        pytest.param("extra-sent_article.npy", Path.unlink, id="deleted-spans", marks=pytest.mark.e2e),
        pytest.param("manifest.json", _truncate, id="truncated-manifest", marks=pytest.mark.e2e),
        pytest.param("manifest.json", lambda p: p.write_text("[]", encoding="utf-8"), id="not-manifest",
                     marks=pytest.mark.e2e),
    ],
)
def test_corrupt_index_is_rebuilt_never_trusted(
    target: str, damage, jsonl: Path, tmp_path: Path, reference: Engine, caplog: pytest.LogCaptureFixture,
    saved_index: SavedIndex,
) -> None:
    index_dir = tmp_path / "index"
    saved_index(jsonl, index_dir)
    damage(index_dir / "bm25" / target)
    with caplog.at_level(logging.WARNING, logger="retrieval.store"):
        opened = open_engine(jsonl, index_dir=index_dir)
    assert opened.build == "built"
    assert opened.reason.startswith("corrupt")
    assert any("corrupt" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    _assert_same_engine(opened.engine, reference)
    assert open_engine(jsonl, index_dir=index_dir).build == "loaded"


def test_deleted_index_is_rebuilt(
    jsonl: Path, tmp_path: Path, reference: Engine, saved_index: SavedIndex
) -> None:
    index_dir = tmp_path / "index"
    saved_index(jsonl, index_dir)
    shutil.rmtree(index_dir / "bm25")
    opened = open_engine(jsonl, index_dir=index_dir)
    assert opened.build == "built"
    _assert_same_engine(opened.engine, reference)


def test_unwritable_index_dir_still_answers(jsonl: Path, tmp_path: Path, reference: Engine) -> None:
    blocker = tmp_path / "index"
    blocker.write_text("a file where the index folder should be", encoding="utf-8")
    opened = open_engine(jsonl, index_dir=blocker)
    assert opened.build == "built"
    _assert_same_engine(opened.engine, reference)


# --- append path ----------------------------------------------------------------------------------


def test_appended_lines_extend_the_index(
    tmp_path: Path, seed_articles: list[Article], reference_answers: list
) -> None:
    corpus = tmp_path / "grow.jsonl"
    index_dir = tmp_path / "index"
    corpus.write_text(_lines(seed_articles[:2]), encoding="utf-8")
    assert open_engine(corpus, index_dir=index_dir).build == "built"
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write(_lines(seed_articles[2:4]))
    grown = open_engine(corpus, index_dir=index_dir)
    assert (grown.build, grown.reason) == ("appended", "2 articles appended to the corpus")
    assert "append" in grown.timings and "build" not in grown.timings
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write(_lines(seed_articles[4:]))
    grown = open_engine(corpus, index_dir=index_dir)
    assert grown.build == "appended"
    fresh = _fresh(corpus)
    assert list(grown.engine._sentences) == list(fresh._sentences)
    assert _answers(grown.engine) == reference_answers
    # Same scores as an index built from scratch, not merely the same ranking.
    full = open_engine(corpus).engine
    for question in QUESTIONS[:5]:
        terms = full.analyzer.terms(question)
        assert np.array_equal(grown.engine._index.scores(terms), full._index.scores(terms))
    assert open_engine(corpus, index_dir=index_dir).build == "loaded"


def test_appended_same_id_replaces_the_old_version(
    jsonl: Path, tmp_path: Path, seed_articles: list[Article]
) -> None:
    index_dir = tmp_path / "index"
    before = open_engine(jsonl, index_dir=index_dir)
    replaced = seed_articles[0]
    changed = _record(replaced) | {"text": "Teks pengganti tentang perundingan di Wina."}
    with jsonl.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(changed) + "\n")
    opened = open_engine(jsonl, index_dir=index_dir)
    assert (opened.build, opened.problems) == ("appended", ())
    assert opened.engine.article(replaced.id).text == changed["text"]
    assert [a.id for a in opened.engine.articles].count(replaced.id) == 1
    old_sids = [s.sid for s in before.engine._sentences if s.article_id == replaced.id]
    assert old_sids and all(opened.engine.sentence(sid) is None for sid in old_sids)
    _assert_never_quoted(opened.engine, old_sids, [before.engine.sentence(sid).text for sid in old_sids])


def test_edited_line_is_not_an_append(
    jsonl: Path, tmp_path: Path, seed_articles: list[Article], saved_index: SavedIndex
) -> None:
    index_dir = tmp_path / "index"
    saved_index(jsonl, index_dir)
    text = jsonl.read_text(encoding="utf-8").replace("Rusia", "Russia", 1)
    jsonl.write_text(text, encoding="utf-8")
    with jsonl.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "baru", "title": "Baru", "source": "S", "text": "Kalimat baru."}) + "\n")
    opened = open_engine(jsonl, index_dir=index_dir)
    assert opened.build == "built"
    _assert_same_engine(opened.engine, _fresh(jsonl))


@pytest.mark.e2e  # append edge case; quick run: test_appended_lines_extend_the_index
def test_a_last_line_without_newline_then_more_lines_is_an_append(
    tmp_path: Path, seed_articles: list[Article]
) -> None:
    # What counts is the articles the file holds, not its bytes: the old last
    # line still parses to the same article once a newline and more lines follow.
    corpus = tmp_path / "c.jsonl"
    index_dir = tmp_path / "index"
    corpus.write_text(_lines(seed_articles[:3]).rstrip("\n"), encoding="utf-8")
    open_engine(corpus, index_dir=index_dir)
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write("\n" + _lines(seed_articles[3:]))
    opened = open_engine(corpus, index_dir=index_dir)
    assert opened.build == "appended"
    assert _answers(opened.engine) == _expected(_fresh(corpus))


@pytest.mark.e2e  # append edge case; quick run: test_edited_line_is_not_an_append
def test_a_garbled_hint_rebuilds(
    jsonl: Path, tmp_path: Path, reference: Engine, saved_index: SavedIndex
) -> None:
    index_dir = tmp_path / "index"
    saved_index(jsonl, index_dir)
    for garbage in ("{", '{"versions": 2, "fingerprint": "00"}', '{"versions": 99, "fingerprint": "00"}'):
        (index_dir / "stream.json").write_text(garbage, encoding="utf-8")
        opened = open_engine(jsonl, index_dir=index_dir)
        assert opened.build == "built", garbage
        _assert_same_engine(opened.engine, reference)


# --- reload ---------------------------------------------------------------------------------------


# The cache's persistence is the quick run's in test_without_index_dir_the_index_persists_in_the_cache.
@pytest.mark.parametrize("persisted", ["index_dir", pytest.param("cache", marks=pytest.mark.e2e)])
def test_reopening_builds_a_new_engine_and_leaves_the_old_one_working(
    persisted: str, tmp_path: Path, seed_articles: list[Article], reference_answers: list
) -> None:
    corpus = tmp_path / "c.jsonl"
    index_dir = tmp_path / "index" if persisted == "index_dir" else None
    corpus.write_text(_lines(seed_articles[:3]), encoding="utf-8")
    old = open_engine(corpus, index_dir=index_dir).engine
    before = _answers(old)
    old_sentences = list(old._sentences)
    with corpus.open("a", encoding="utf-8") as handle:
        handle.write(_lines(seed_articles[3:]))
    opened = open_engine(corpus, index_dir=index_dir)
    new = opened.engine
    assert (opened.build, opened.problems) == ("appended", ())
    assert new is not old
    assert len(new.articles) == len(seed_articles) and len(old.articles) == 3
    assert list(old._sentences) == old_sentences
    assert _answers(old) == before
    # The corpus now holds all the seed articles: a fresh build of it answers as the reference does.
    assert _answers(new) == reference_answers


def test_reopening_a_broken_corpus_raises_and_keeps_the_old_engine(jsonl: Path, tmp_path: Path) -> None:
    from retrieval.corpus import CorpusError

    old = open_engine(jsonl, index_dir=tmp_path / "index").engine
    before = _answers(old)
    jsonl.write_text("", encoding="utf-8")
    with pytest.raises(CorpusError):
        open_engine(jsonl, index_dir=tmp_path / "index")
    assert _answers(old) == before


# --- sentence table ------------------------------------------------------------------------------


def test_sentence_table_slices_like_a_list(reference: Engine) -> None:
    expected = list(reference._sentences)
    table = open_engine(BUNDLED_CORPUS).engine._sentences
    assert isinstance(table, SentenceTable)
    assert len(table) == len(expected)
    assert list(table) == expected
    assert [table[i] for i in range(len(table))] == expected
    assert table[-1] == expected[-1]
    assert table[3:9] == expected[3:9]
    with pytest.raises(IndexError):
        table[len(table)]


@pytest.mark.parametrize("bad", [
    [[999, "KRC", "Kebun Raya Cibodas"]],
    # The quick run tries the first (a rebuild each, ~0.1 s); the full run every kind.
    pytest.param([[0, "ZZ", "bukan singkatan"]], marks=pytest.mark.e2e),
    pytest.param("x", marks=pytest.mark.e2e),
    pytest.param([[0]], marks=pytest.mark.e2e),
])
def test_unusable_stored_acronyms_rebuild(
    bad: object, jsonl: Path, tmp_path: Path, reference: Engine, saved_index: SavedIndex
) -> None:
    index_dir = tmp_path / "index"
    saved_index(jsonl, index_dir)
    manifest = index_dir / "bm25" / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["meta"]["acronyms"] = bad
    manifest.write_text(json.dumps(data), encoding="utf-8")
    opened = open_engine(jsonl, index_dir=index_dir)
    assert opened.build == "built" and opened.reason.startswith("corrupt"), opened.reason
    _assert_same_engine(opened.engine, reference)
