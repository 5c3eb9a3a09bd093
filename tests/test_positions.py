"""What the index stores at build time so ranking need not analyse sentences per
question (terms by word position, the doc-major view) must equal re-analysis."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from retrieval.acronyms import ArticleAcronyms
from retrieval.corpus import load_corpus
from retrieval.assemble import build_index, extend_index
from retrieval.index_files import load_index, save_index
from retrieval.ranking import proximity
from retrieval.records import Article
from retrieval.search import Engine, default_analyzer

REPO = Path(__file__).resolve().parent.parent

_EXTRA = [
    Article(
        id="x1",
        title="Judul",
        source="Sumber",
        date=dt.date(2020, 1, 1),
        text=(
            "Komisi Pemberantasan Korupsi (KPK) memeriksa Menlu Amerika Serikat di Jenewa. "
            "KPK menyebut negara-negara anggota PBB membayar Rp250.000 pada 14/12. "
            "Juru bicara Kemenlu RI, Teuku Faizasyah, menolak berkomentar soal AS."
        ),
    )
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_articles([*load_corpus(REPO / "corpus").articles, *_EXTRA])


def _sentences(engine: Engine):
    return [engine.sentence(sid) for sid in range(engine.sentence_count)]


def test_words_by_position_equal_reanalysis(engine: Engine) -> None:
    analyzer, index = engine.analyzer, engine._index
    assert index.has_words
    for sentence in _sentences(engine):
        positions, term_ids = index.words_of(sentence.sid)
        stored = list(zip(positions.tolist(), index.term_names(term_ids.tolist())))
        expected = [(i, t) for i, (_w, terms) in enumerate(analyzer.word_terms(sentence.text)) for t in terms]
        assert stored == expected, sentence.text
        # The surface words the positions number are the analyzer's words.
        assert analyzer.words(sentence.text) == [w for w, _t in analyzer.word_terms(sentence.text)]


def test_doc_and_article_terms_equal_reanalysis(engine: Engine) -> None:
    analyzer = engine.analyzer
    by_article: dict[str, set[str]] = {}
    for sentence in _sentences(engine):
        acronyms = ArticleAcronyms.find(engine.article(sentence.article_id).text, analyzer)
        terms = set(acronyms.extend(sentence.text, analyzer.terms(sentence.text)))
        assert engine._terms_of(sentence.sid) == terms
        by_article.setdefault(sentence.article_id, set()).update(terms)
    for sentence in _sentences(engine):
        assert engine._measurer.article_terms(sentence.sid) == by_article[sentence.article_id]


def test_analyse_is_terms_and_word_terms_in_one_pass(engine: Engine) -> None:
    analyzer = engine.analyzer
    for sentence in _sentences(engine):
        assert analyzer.analyse(sentence.text) == (analyzer.terms(sentence.text), analyzer.word_terms(sentence.text))


@pytest.mark.parametrize(
    "question",
    [
        "Di mana Menlu Rusia bertemu Menlu Amerika Serikat?",
        "Berapa yang dibayar negara anggota PBB pada 14 Desember?",
        "Siapa juru bicara Kementerian Luar Negeri?",
        "Apa kata KPK tentang Jenewa?",
        "Rusia Suriah serangan udara teroris",
    ],
)
def test_proximity_and_matched_words_equal_reanalysis(engine: Engine, question: str) -> None:
    analyzer, index = engine.analyzer, engine._index
    query = engine.read(question)
    words = [frozenset(terms) for _w, terms in query.words if terms]
    ids = {index.term_id(t): t for t in frozenset().union(*words) if index.term_id(t) is not None}
    query_terms = frozenset().union(*(u.terms for u in query.units))
    for sentence in _sentences(engine):
        full = analyzer.word_terms(sentence.text)
        assert proximity(words, engine._measurer._word_terms(sentence.sid, sentence.text, ids)) == proximity(words, full)
        slow = []
        for word, terms in full:
            if query_terms.intersection(terms) and word not in slow:
                slow.append(word)
        assert engine._matched_words(sentence.sid, sentence.text, query_terms) == tuple(slow)


def _positional_docs(engine: Engine):
    analyzer = engine.analyzer
    return [analyzer.analyse(s.text) for s in _sentences(engine)]


def test_extend_with_positions_equals_build(engine: Engine) -> None:
    docs = _positional_docs(engine)
    whole = build_index(docs, positional=True)
    grown = extend_index(build_index(docs[:7], positional=True), docs[7:], positional=True)
    for doc in range(whole.n_docs):
        for a, b in zip(whole.words_of(doc), grown.words_of(doc)):
            np.testing.assert_array_equal(a, b)
        assert whole.doc_terms(doc) == grown.doc_terms(doc)


def test_saved_positions_and_forward_view_load_equal(engine: Engine, tmp_path: Path) -> None:
    index = build_index(_positional_docs(engine), positional=True)
    save_index(index, tmp_path / "idx", fingerprint="fp")
    loaded = load_index(tmp_path / "idx", fingerprint="fp").index
    assert loaded.has_words
    for doc in range(index.n_docs):
        for a, b in zip(index.words_of(doc), loaded.words_of(doc)):
            np.testing.assert_array_equal(a, b)
        assert index.doc_terms(doc) == loaded.doc_terms(doc)
    query = default_analyzer().terms("Menlu Rusia bertemu di Jenewa")
    np.testing.assert_array_equal(index.scores(query), loaded.scores(query))
