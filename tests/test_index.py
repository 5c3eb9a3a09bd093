"""Bm25Index: scores, idf and `top` equal rank-bm25's; `sorted_unique`."""

from __future__ import annotations

import ast
import csv
import re
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval.assemble import build_index
from retrieval.index import Bm25Index, sorted_unique
from tests.sampling import examples, sample

FACQA_TRAIN = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "facqa" / "train_preprocess.csv"
_WORD = re.compile(r"\w+")


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _random_corpus(rng: np.random.Generator, n_docs: int, vocab: int, max_len: int) -> list[list[str]]:
    # Zipfian draws over a small vocabulary: the first few terms are in more
    # than half of the docs (epsilon floor), and some docs are empty.
    return [
        [f"t{x % vocab}" for x in rng.zipf(1.4, size=int(rng.integers(0, max_len + 1)))]
        for _ in range(n_docs)
    ]


def _random_query(rng: np.random.Generator, vocab: int) -> list[str]:
    # May repeat a term, may include terms absent from the corpus.
    return [f"t{x}" for x in rng.integers(0, vocab + 4, size=int(rng.integers(1, 7)))]


def _assert_top_matches_reference(index: Bm25Index, ref_scores: np.ndarray, docs, query, k: int) -> None:
    ids, scores = index.top(query, k)
    qset = set(query)
    matched = np.array([i for i, d in enumerate(docs) if qset.intersection(d)], dtype=np.int64)
    expected = matched[np.argsort(-ref_scores[matched], kind="stable")][:k]
    assert len(ids) == len(expected)
    # Ties aside: the same score at every rank, and each returned doc really has that score.
    np.testing.assert_allclose(scores, ref_scores[expected], rtol=1e-9, atol=0)
    np.testing.assert_allclose(ref_scores[ids], scores, rtol=1e-9, atol=0)
    assert len(set(ids.tolist())) == len(ids)
    assert set(ids.tolist()) <= set(matched.tolist())
    # Descending score, lower doc id first among equal scores.
    for (i1, s1), (i2, s2) in zip(zip(ids, scores), zip(ids[1:], scores[1:])):
        assert s1 > s2 or (s1 == s2 and i1 < i2)


def _assert_same_index(a: Bm25Index, b: Bm25Index) -> None:
    assert a.n_docs == b.n_docs
    assert a._terms == b._terms
    for name in ("_term_ptr", "_doc_ids", "_tf", "_doc_len", "_weights", "_idf"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.avgdl == b.avgdl
    assert a.average_idf == b.average_idf


# ------------------------------------------------------------- equivalence


@pytest.mark.parametrize("seed", sample(range(12)))  # every third seed in the quick run
def test_scores_and_top_equal_rank_bm25_on_random_corpora(seed: int) -> None:
    rng = np.random.default_rng(seed)
    vocab = int(rng.integers(3, 40))
    docs = _random_corpus(rng, int(rng.integers(2, 120)), vocab, max_len=15)
    docs[0] = ["t0", "t0", "t1"]  # never an all-empty corpus (rank-bm25 divides by zero there)
    docs[-1] = []
    ref = BM25Okapi(docs)
    index = build_index(iter(docs))  # a one-shot iterator: build reads it once
    assert index.n_docs == len(docs)
    for _ in range(25):
        query = _random_query(rng, vocab)
        ref_scores = ref.get_scores(query)
        got = index.scores(query)
        assert got.dtype == np.float64 and got.shape == (len(docs),)
        np.testing.assert_allclose(got, ref_scores, rtol=1e-9, atol=1e-12)
        for k in (1, 3, 10, len(docs) + 5):
            _assert_top_matches_reference(index, ref_scores, docs, query, k)


def test_idf_and_doc_freq_follow_rank_bm25_including_epsilon_floor() -> None:
    rng = np.random.default_rng(99)
    docs = _random_corpus(rng, 200, 30, max_len=12)
    ref = BM25Okapi(docs)
    index = build_index(docs)
    floored = [t for t in ref.idf if index.doc_freq(t) > len(docs) / 2]
    assert floored, "the corpus must contain terms in more than half of the docs"
    for term, idf in ref.idf.items():
        assert index.idf(term) == pytest.approx(idf, rel=1e-12)
        assert index.doc_freq(term) == sum(term in d for d in docs)
    for term in floored:
        assert index.idf(term) == pytest.approx(0.25 * ref.average_idf, rel=1e-12)
    assert index.average_idf == pytest.approx(ref.average_idf, rel=1e-12)
    assert index.idf("absent") == 0.0 and not index.has_term("absent") and index.doc_freq("absent") == 0


def test_term_in_exactly_half_the_docs_has_idf_zero_yet_still_matches() -> None:
    docs = [["x", "a"], ["x", "b"], ["c"], ["d", "a"]]
    ref = BM25Okapi(docs)
    index = build_index(docs)
    assert ref.idf["x"] == 0.0 and index.idf("x") == 0.0  # df == N/2: not negative, not floored
    assert ref.idf["a"] == 0.0
    np.testing.assert_array_equal(index.scores(["x"]), ref.get_scores(["x"]))
    ids, scores = index.top(["x"], 10)
    assert ids.tolist() == [0, 1] and scores.tolist() == [0.0, 0.0]
    ids, scores = index.top(["b", "x"], 10)
    assert ids.tolist() == [1, 0] and scores[0] > 0 and scores[1] == 0.0


def test_duplicate_and_unknown_query_terms() -> None:
    docs = [["a", "b"], ["b", "c", "c"], ["d"], ["a", "a", "e"], ["f"]]
    ref = BM25Okapi(docs)
    index = build_index(docs)
    np.testing.assert_allclose(index.scores(["c", "c", "zz"]), ref.get_scores(["c", "c", "zz"]), rtol=1e-12)
    np.testing.assert_allclose(index.scores(["c", "c"]), 2 * index.scores(["c"]), rtol=1e-12)
    assert index.top(["zz", "yy"], 5)[0].size == 0
    assert index.top([], 5)[0].size == 0
    assert index.top(["a"], 0)[0].size == 0
    assert not index.scores(["zz"]).any()


def _zipf_docs(rng: np.random.Generator, count: int, vocab: int) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """`count` docs of 3-24 terms t0, t1, ... drawn from a Zipf law, with the term numbers in one
    array and the doc sizes.

    Drawn in one call and cut by list slices: the same distribution as one draw
    per doc, without 20,000 calls or arrays.
    """
    sizes = rng.integers(3, 25, size=count)
    flat = rng.zipf(1.1, size=int(sizes.sum())) % vocab
    names = [f"t{x}" for x in range(vocab)]
    tokens = [names[x] for x in flat.tolist()]
    ends = np.cumsum(sizes).tolist()
    return [tokens[end - size : end] for end, size in zip(ends, sizes.tolist())], flat, sizes


def test_top_matches_full_ranking_on_a_corpus_large_enough_to_prune() -> None:
    # 20,000 docs over a Zipfian vocabulary: queries mix terms in most docs
    # with rare ones, so MaxScore pruning, the dense fallback and the small
    # path all run.  `scores` is checked against rank-bm25 above; here `top`
    # must rank exactly as sorting `scores` over the matched docs.
    rng = np.random.default_rng(5)
    docs, flat, sizes = _zipf_docs(rng, 20_000, 3000)
    index = build_index(docs)
    # The doc of each token, to find a query's matched docs without the index under test.
    doc_of = np.repeat(np.arange(len(docs)), sizes)
    # Queries made only of the most frequent terms force large essential lists.
    frequent = [["t0", "t1"], ["t0", "t1", "t2", "t1"], ["t2", "t0", "t7", "t2999"], ["t0"]]
    # 40 random queries; 5 in the quick run (tests/sampling.py), which still take every path above.
    for n in range(examples(40) + len(frequent)):
        if n < len(frequent):
            query = frequent[n]
        else:
            source = docs[int(rng.integers(len(docs)))]
            query = list(rng.choice(source, size=min(len(source), int(rng.integers(1, 6))), replace=False))
        full = index.scores(query)
        wanted = np.zeros(3000, dtype=bool)
        wanted[[int(t[1:]) for t in query]] = True
        matched = np.unique(doc_of[wanted[flat]])
        ranked = matched[np.lexsort((matched, -full[matched]))]
        for k in (1, 10, 100, 3000):
            ids, scores = index.top(query, k)
            np.testing.assert_array_equal(ids, ranked[:k])
            np.testing.assert_array_equal(scores, full[ranked[:k]])


def test_scores_of_a_few_docs_equal_the_full_scores_for_any_pool_size() -> None:
    # `scores_for` (and `top`'s exact scoring) looks a posting list up either by a
    # binary search per candidate or by a flag per posting, by the sizes of the two;
    # either way each doc's score is the full dense pass's, bit for bit.
    rng = np.random.default_rng(11)
    index = build_index(_zipf_docs(rng, 20_000, 2000)[0])
    # t0 is in most docs: against 3 candidates it is searched, against 15,000 flagged;
    # t1500 is rare: flagged against a large pool, searched against a few (making the
    # flags costs more than those searches).
    assert index.doc_freq("t0") > 3 * np.log2(index.doc_freq("t0") + 1)
    assert index.doc_freq("t0") < 15_000 * np.log2(index.doc_freq("t0") + 1)
    for query in (["t0", "t1"], ["t1500", "t0", "t3", "t0"], ["t2", "t1999", "t7"]):
        full = index.scores(query)
        for size in (1, 3, 50, 2_000, 15_000, 20_000):
            pool = rng.choice(20_000, size=size, replace=False)
            np.testing.assert_array_equal(index.scores_for(query, pool), full[pool])


def test_negative_epsilon_floor_on_a_larger_corpus() -> None:
    # Most of the vocabulary is in ~90% of the docs, so the average idf and
    # with it the floor are negative: contributions can be negative, and
    # `top` must still rank exactly as rank-bm25 (no pruning by bounds).
    rng = np.random.default_rng(11)
    docs = [[f"c{j}" for j in range(10) if rng.random() < 0.9] + (["rare"] if i % 97 == 0 else []) for i in range(3000)]
    ref = BM25Okapi(docs)
    index = build_index(docs)
    assert ref.average_idf < 0 and index.idf("c0") < 0
    for query in (["c0", "c1", "rare"], ["c3"], ["rare", "c2", "c2"]):
        ref_scores = ref.get_scores(query)
        np.testing.assert_allclose(index.scores(query), ref_scores, rtol=1e-9, atol=1e-12)
        for k in (1, 10, 50):
            _assert_top_matches_reference(index, ref_scores, docs, query, k)


def _facqa_passages_and_questions() -> tuple[list[str], list[str]]:
    passages: dict[str, None] = {}
    questions = []
    with open(FACQA_TRAIN, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            passages[" ".join(ast.literal_eval(row["passage"]))] = None
            questions.append(" ".join(ast.literal_eval(row["question"])))
    return list(passages), questions


@pytest.mark.e2e
@pytest.mark.skipif(not FACQA_TRAIN.is_file(), reason="FacQA train split not available")
def test_equivalence_on_indonesian_facqa_passages() -> None:
    passages, questions = _facqa_passages_and_questions()
    docs = [_tokens(p) for p in passages]
    assert len(docs) > 500
    ref = BM25Okapi(docs)
    index = build_index(docs)
    common = max(ref.idf, key=lambda t: index.doc_freq(t))
    assert index.doc_freq(common) > len(docs) / 2  # e.g. "yang": the epsilon floor is exercised
    for question in questions[::10]:
        query = _tokens(question)
        ref_scores = ref.get_scores(query)
        np.testing.assert_allclose(index.scores(query), ref_scores, rtol=1e-9, atol=1e-12)
        _assert_top_matches_reference(index, ref_scores, docs, query, 10)


@pytest.mark.parametrize("runs", [False, True])
def test_sorted_unique_equals_numpy_unique(runs: bool) -> None:
    # `runs` only picks the sort (posting lists one after another merge faster stably);
    # the distinct values, their counts and the inverse are np.unique's either way.
    rng = np.random.default_rng(3)
    for parts in (0, 1, 3, 12):
        lists = [np.sort(rng.choice(5000, size=int(rng.integers(0, 900)), replace=False)).astype(np.int32)
                 for _ in range(parts)]
        a = np.concatenate(lists) if lists else np.zeros(0, dtype=np.int32)
        if not runs:
            a = rng.permutation(a)
        want, want_counts = np.unique(a, return_counts=True)
        np.testing.assert_array_equal(sorted_unique(a, runs=runs), want)
        got, got_counts = sorted_unique(a, counts=True, runs=runs)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(got_counts, want_counts)
        got, inverse = sorted_unique(a, inverse=True)
        np.testing.assert_array_equal(got[inverse], a)
