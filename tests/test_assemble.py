"""Building the index: from term lists (`build_index`, `extend_index`) and from batches of arrays (`Assembler`) give the same index."""

from __future__ import annotations

import random

import numpy as np
import pytest

from config.settings import BUNDLED_CORPUS, BUNDLED_LANGUAGE_DATA
from retrieval import assemble
from retrieval.assemble import Assembler, build_index, extend_index
from retrieval.corpus import load_corpus
from retrieval.index import Bm25Index
from retrieval.text import Analyzer
from tests.test_index import _assert_same_index, _random_corpus

Doc = tuple[list[str], list[tuple[str, tuple[str, ...]]]]


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    """The bundled articles' sentences as the builder analyses them, then an empty one and a repeated term."""
    analyzer = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    articles = load_corpus(BUNDLED_CORPUS).articles
    analysed = [analyzer.analyse(s) for a in articles for s in analyzer.split_sentences(a.text)]
    return analysed + [([], []), (["sama", "sama"], [("sama", ("sama",)), ("sama", ("sama",))])]


def _add(assembler: Assembler, batch: list[Doc], vocab: dict[str, int], *, before: int = 0, source: object = None) -> None:
    """`batch` as a build worker sends it: ids of `vocab` (grown here), the names from `before` on."""
    tokens = [vocab.setdefault(t, len(vocab)) for terms, _words in batch for t in terms]
    assembler.add(
        list(vocab)[before:],
        np.array(tokens, dtype=np.int32),
        np.array([len(terms) for terms, _words in batch], dtype=np.int32),
        word_count=np.array([len(words) for _terms, words in batch], dtype=np.int32),
        word_len=np.array([len(its) for _terms, words in batch for _w, its in words], dtype=np.int32),
        word_term=np.array([vocab[t] for _terms, words in batch for _w, its in words for t in its], dtype=np.int32),
        source=source,
    )


def _assert_same_arrays(built: Bm25Index, expected: Bm25Index) -> None:
    assert built.term_names(range(built.vocabulary_size)) == expected.term_names(range(expected.vocabulary_size))
    for name in ("_term_ptr", "_doc_ids", "_tf", "_doc_len", "_weights", "_max_weight", "_idf"):
        mine, theirs = getattr(built, name), getattr(expected, name)
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs), name
    assert built.avgdl == expected.avgdl and built.average_idf == expected.average_idf
    for mine, theirs in zip(built._forward, expected._forward):
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs)
    for mine, theirs in zip(built._words, expected._words):
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs)


# ------------------------------------------------------------- from term lists


@pytest.mark.parametrize("seed", range(4))
def test_extend_equals_rebuild(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    docs = _random_corpus(rng, 150, 25, max_len=10)
    docs[0] = ["t0"]
    split = int(rng.integers(1, 149))
    more = docs[split:] + [["brand", "new", "terms"], []]
    base = build_index(docs[:split])
    before = base.scores(["t0", "t1"]).copy()
    grown = extend_index(base, iter(more))
    _assert_same_index(grown, build_index(docs[:split] + more))
    np.testing.assert_array_equal(base.scores(["t0", "t1"]), before)  # the old index is untouched
    assert base.n_docs == split and grown.n_docs == split + len(more)
    ids, _ = grown.top(["brand"], 3)
    assert ids.tolist() == [split + len(more) - 2]


def test_extend_in_several_steps_and_from_empty() -> None:
    rng = np.random.default_rng(7)
    docs = _random_corpus(rng, 90, 20, max_len=8)
    docs[0] = ["t3", "t3"]
    index = build_index([])
    assert index.n_docs == 0 and index.top(["t0"], 3)[0].size == 0 and index.scores(["t0"]).size == 0
    for lo, hi in ((0, 10), (10, 10), (10, 55), (55, 90)):
        index = extend_index(index, docs[lo:hi])
    _assert_same_index(index, build_index(docs))


def test_build_rejects_strings_where_term_lists_belong() -> None:
    with pytest.raises(TypeError):
        build_index(["a whole sentence"])
    with pytest.raises(TypeError):
        build_index([["ok", 3]])
    with pytest.raises(TypeError):
        build_index([["a"]]).top("a", 1)


# ------------------------------------------------------------- from batches


def test_assembler_in_batches_equals_one_build(docs: list[Doc]) -> None:
    # The builder's path (batches over their own vocabularies, the doc-major view
    # made batch by batch) gives the very arrays `build_index` gives.
    assembler = Assembler()
    for batch in (docs[:7], docs[7:8], docs[8:]):
        _add(assembler, batch, {})
    built, expected = assembler.index(), build_index(docs, positional=True)
    # The postings are scattered into term-major order batch by batch, not sorted at the end.
    _assert_same_arrays(built, expected)
    for doc in range(len(docs)):
        assert built.doc_terms(doc) == expected.doc_terms(doc)
        assert all(np.array_equal(m, t) for m, t in zip(built.words_of(doc), expected.words_of(doc)))


def test_assembler_maps_each_sources_own_numbering_in_stream_order(docs: list[Doc]) -> None:
    # Build workers number terms in the order each met them (its own chunks, and
    # terms it met but the stream has not reached yet) and send only the names
    # new to it; the index still numbers terms by first occurrence in the stream.
    every = list(dict.fromkeys(t for terms, _words in docs for t in terms))
    rng = random.Random(7)
    # Each source starts out knowing a shuffled part of the vocabulary, as a worker
    # that analysed later chunks first would (one knows terms of the other's chunks).
    known = {name: rng.sample(every, len(every) // 3) for name in ("a", "b")}
    numbering: dict[str, dict[str, int]] = {name: {} for name in known}
    assembler = Assembler()
    cuts = [0, 5, 6, 9, 20, len(docs) // 2, len(docs) - 1, len(docs)]
    for i, (lo, hi) in enumerate(zip(cuts, cuts[1:])):
        batch, name = docs[lo:hi], "ab"[i % 2] if i < 4 else "b"
        vocab = numbering[name]
        before = len(vocab)
        for t in known.pop(name, []):
            vocab.setdefault(t, len(vocab))
        _add(assembler, batch, vocab, before=before, source=("worker", name))
    _assert_same_arrays(assembler.index(), build_index(docs, positional=True))


@pytest.mark.parametrize("n_terms", [40, 3000, 2**41, 2**56, 2**59])
def test_batch_pairs_are_the_batch_postings_and_doc_terms(n_terms: int) -> None:
    # One sort of packed (doc, term) keys and one of packed (term, doc, tf) keys, or
    # the two plain sorts when the keys would not fit in 62 bits (the last two sizes).
    rng = np.random.default_rng(n_terms % 1000)
    for trial in range(40):
        docs = 0 if trial == 0 else int(rng.integers(1, 9) if trial % 2 else rng.integers(9, 13))
        doc_len = rng.integers(0, 30 if trial % 3 else 3, docs).astype(np.int64)
        tokens = rng.integers(0, min(n_terms, 60), int(doc_len.sum())).astype(np.int32)
        if trial % 4 == 0 and tokens.size:
            tokens[: tokens.size // 2] = tokens[0]  # high frequencies
        postings, doc_terms = assemble._batch_pairs(tokens, doc_len, n_terms, 17)
        expected = assemble._batch_postings(tokens, doc_len, 17)
        assert (postings is None) == (expected is None) == (tokens.size == 0)
        for mine, theirs in zip((postings or ()) + doc_terms, (expected or ()) + assemble._batch_doc_terms(tokens, doc_len, n_terms)):
            assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs)
