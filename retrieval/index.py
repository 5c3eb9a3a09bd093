"""BM25 over term lists: rank-bm25's `BM25Okapi` scores, vectorised.

The definition of a score is `rank_bm25.BM25Okapi(docs).get_scores(query)`
(k1=1.5, b=0.75, epsilon=0.25 by default).  This module computes the very same
floating-point operations in the same order, so `scores()` is not merely close
to rank-bm25 but normally bit-for-bit equal, and `top()` ranks exactly as a full
`get_scores` + sort would (ties broken by the lower doc id).

idf and terms found in more than half of all docs
-------------------------------------------------
For a term in `df` of `N` docs the raw idf is `log(N - df + 0.5) - log(df + 0.5)`.
It is negative when `df > N/2`.  rank-bm25 replaces every negative idf with a
floor `epsilon * average_idf`, where `average_idf` is the mean of the *raw*
idfs (negatives included) over the whole vocabulary; this module does the same
(the mean is summed in the same first-occurrence order).  Consequences worth
knowing, reproduced on purpose because rank-bm25 is the reference:

- a term in more than half of the docs gets the floor, which is usually larger
  than the idf of a term in, say, 45% of the docs;
- a term in exactly half of the docs (`df == N/2`, so `N - df == df`) has raw
  idf exactly 0.0, which is not negative, so it is *not* floored: it
  contributes nothing to any score (a doc that contains only such terms still
  "contains a query term" for `top()`, with score 0.0);
- if the average raw idf is itself negative (tiny corpora where most terms are
  everywhere) the floor is negative and so are those terms' contributions.

Unknown query terms contribute 0; a query term repeated n times counts n times.

Layout
------
Postings are stored term-major, CSC-like: the docs of term `t` are
`doc_ids[term_ptr[t]:term_ptr[t + 1]]` (ascending), with the raw term frequency
`tf` and the precomputed float64 weight `tf*(k1+1) / (tf + k1*(1-b+b*dl/avgdl))`
(the idf is multiplied in at query time, exactly as rank-bm25 orders it).
float64 rather than float32 weights: float32 would reorder near-ties and break
the "same top 10 as rank-bm25" guarantee.  Term ids are assigned in order of
first occurrence, which is also rank-bm25's vocabulary order.

`top()` scores only matched postings and prunes with MaxScore: a lower bound on
the k-th best score from a seed set of docs makes the query terms whose summed
upper bounds cannot reach it "non-essential", so only docs containing an
essential term are scored (exactly, with all query terms, in query order).
When the essential lists are large, only their docs whose partial score plus
the non-essential bounds can reach the threshold are scored.  Queries with a
negative idf (negative floor) cannot be bounded and are accumulated densely.

The index is made by `retrieval.assemble` (`build_index`, `extend_index`,
`Assembler`) and saved and read by `retrieval.index_files`; this module holds
what a score is and how it is computed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from retrieval.pool import PoolLookup

__all__ = [
    "Bm25Index",
    "length_norms",
    "posting_weights",
    "sorted_unique",
]

# Relative slack on MaxScore upper bounds, far above float64 rounding so that
# pruning can never drop a doc whose computed score reaches the threshold.
_BOUND_SLACK = 1e-9
# `top`'s threshold seed: docs of the rarest terms' lists kept per result wanted,
# and docs sampled from each other list.
_SEED_BEST = 8
_SEED_SAMPLES = 128


class Bm25Index:
    """Immutable BM25 index over its arrays.

    Made by `retrieval.assemble` (`build_index`, `extend_index`: a new index,
    this one left usable; `Assembler`) or read back by `index_files.load_index`,
    which are the constructor's callers.
    """

    __slots__ = (
        "k1",
        "b",
        "epsilon",
        "n_docs",
        "avgdl",
        "average_idf",
        "_vocab",
        "_terms",
        "_term_ptr",
        "_doc_ids",
        "_tf",
        "_doc_len",
        "_total_len",
        "_weights",
        "_idf",
        "_max_weight",
        "_forward",
        "_words",
    )

    def __init__(
        self,
        *,
        terms: list[str],
        term_ptr: np.ndarray,
        doc_ids: np.ndarray,
        tf: np.ndarray,
        doc_len: np.ndarray,
        k1: float,
        b: float,
        epsilon: float,
        forward: tuple[np.ndarray, np.ndarray] | None = None,
        words: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        weights: np.ndarray | None = None,
        max_weight: np.ndarray | None = None,
    ) -> None:
        # For the builders and the loader. `forward`: the doc-major view when the caller already has it.
        self.k1 = float(k1)
        self.b = float(b)
        self.epsilon = float(epsilon)
        self._terms = terms
        self._vocab = {t: i for i, t in enumerate(terms)}
        if len(self._vocab) != len(terms):
            raise ValueError("duplicate terms in the vocabulary")
        self._term_ptr = term_ptr
        self._doc_ids = doc_ids
        self._tf = tf
        self._doc_len = doc_len
        self.n_docs = int(doc_len.shape[0])
        self._total_len = int(doc_len.sum(dtype=np.int64))
        # Python int / int, as rank-bm25 computes it.
        self.avgdl = self._total_len / self.n_docs if self.n_docs else 0.0
        self._idf, self.average_idf = _idf_table(np.diff(term_ptr), self.n_docs, self.epsilon)
        # A saved index brings its weights (memory-mapped, computed at build
        # time by this very function), so a warm start neither recomputes nor
        # holds a private copy of them.
        self._weights = weights if weights is not None else _weights(tf, doc_ids, doc_len, self.avgdl, self.k1, self.b)
        if max_weight is not None:
            self._max_weight = max_weight
        elif terms:
            self._max_weight = np.maximum.reduceat(self._weights, term_ptr[:-1])
        else:
            self._max_weight = np.zeros(0)
        self._forward = forward if forward is not None else _forward(term_ptr, doc_ids, self.n_docs)
        # (ptr, word, term): doc d's (word position, term id) pairs are
        # [ptr[d], ptr[d + 1]) of `word` and `term`; None without positions.
        self._words = words

    # ---------------------------------------------------------------- lookups

    @property
    def vocabulary_size(self) -> int:
        return len(self._terms)

    @property
    def terms(self) -> Sequence[str]:
        """The vocabulary in term-id order (first occurrence); not to be changed."""
        return self._terms

    @property
    def vocabulary(self) -> Mapping[str, int]:
        """term -> term id; not to be changed."""
        return self._vocab

    def arrays(self) -> dict[str, np.ndarray]:
        """The index's arrays by the names `index_files` stores them under (no copies):
        postings term-major, doc lengths, weights, the doc-major view and, when
        positional, the (word position, term id) pairs."""
        doc_ptr, doc_terms = self._forward
        arrays = {
            "term_ptr": self._term_ptr,
            "doc_ids": self._doc_ids,
            "tf": self._tf,
            "doc_len": self._doc_len,
            "weights": self._weights,
            "max_weight": self._max_weight,
            "doc_ptr": doc_ptr,
            "doc_terms": doc_terms,
        }
        if self._words is not None:
            arrays.update(zip(("word_ptr", "word_pos", "word_term"), self._words))
        return arrays

    def has_term(self, term: str) -> bool:
        return term in self._vocab

    def doc_freq(self, term: str) -> int:
        t = self._vocab.get(term)
        return 0 if t is None else int(self._term_ptr[t + 1] - self._term_ptr[t])

    def idf(self, term: str) -> float:
        t = self._vocab.get(term)
        return 0.0 if t is None else float(self._idf[t])

    def doc_terms(self, doc_id: int) -> frozenset[str]:
        """The distinct terms of one doc, read from a doc-major view of the postings.

        Ranking needs which question words a sentence holds; reading them here
        instead of re-analysing the sentence's text is what keeps a query under
        10 ms at a million sentences. The view is made with the index.
        """
        return frozenset(map(self._terms.__getitem__, self.doc_term_ids(doc_id, doc_id + 1).tolist()))

    def doc_term_ids(self, first: int, end: int) -> np.ndarray:
        """Term ids of docs `first..end-1` (one run per doc, ascending; duplicates across docs)."""
        doc_ptr, term_ids = self._forward
        return term_ids[doc_ptr[first] : doc_ptr[end]]

    def term_names(self, term_ids: Iterable[int]) -> list[str]:
        terms = self._terms
        return [terms[t] for t in term_ids]

    def term_id(self, term: str) -> int | None:
        return self._vocab.get(term)

    @property
    def has_words(self) -> bool:
        """Whether `words_of` can answer (the index was built `positional`)."""
        return self._words is not None

    def words_of(self, doc_id: int) -> tuple[np.ndarray, np.ndarray]:
        """(word position, term id) pairs of one doc, in word order, as the build analysed it."""
        if self._words is None:
            raise LookupError("this index was built without word positions")
        ptr, word, term = self._words
        lo, hi = ptr[doc_id], ptr[doc_id + 1]
        return word[lo:hi], term[lo:hi]

    def doc_term_runs(self, doc_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, term id) of every distinct term of the docs `doc_ids`: row i is `doc_ids[i]`.

        One gather for a question's candidates instead of a slice per sentence.
        """
        doc_ptr, term_ids = self._forward
        row, at = _runs(doc_ptr, doc_ids)
        return row, term_ids[at]

    def doc_term_runs_between(self, first: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, term id) of the docs `first[i]..end[i]-1` for every row i (duplicates across docs kept)."""
        doc_ptr, term_ids = self._forward
        row, at = _spans(doc_ptr[np.asarray(first, dtype=np.int64)], doc_ptr[np.asarray(end, dtype=np.int64)])
        return row, term_ids[at]

    def word_runs(self, doc_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, word position, term id) of the docs `doc_ids` as `words_of` gives them, row i is `doc_ids[i]`."""
        if self._words is None:
            raise LookupError("this index was built without word positions")
        ptr, word, term = self._words
        row, at = _runs(ptr, doc_ids)
        return row, word[at], term[at]

    def doc_length(self, doc_id: int) -> int:
        return int(self._doc_len[doc_id])

    def doc_lengths(self, doc_ids: np.ndarray) -> np.ndarray:
        """`doc_length` of each of `doc_ids` (int64)."""
        return self._doc_len[doc_ids].astype(np.int64)

    # ---------------------------------------------------------------- scoring

    def scores(self, query_terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every doc (float64, length `n_docs`), as `get_scores`."""
        acc = np.zeros(self.n_docs)
        for t in self._occurrences(query_terms):
            lo, hi = self._term_ptr[t], self._term_ptr[t + 1]
            acc[self._doc_ids[lo:hi]] += self._idf[t] * self._weights[lo:hi]
        return acc

    def scores_for(self, query_terms: Sequence[str], doc_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Scores of the given docs only (like rank-bm25's `get_batch_scores`)."""
        ids = np.asarray(doc_ids, dtype=np.int64)
        if ids.size and (ids.min() < 0 or ids.max() >= self.n_docs):
            raise IndexError("doc id out of range")
        uniq, inverse = sorted_unique(ids, inverse=True)
        return self._score_sorted(uniq, self._occurrences(query_terms))[inverse]

    def top(self, query_terms: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """Ids and scores of the `k` best docs containing at least one query term.

        Descending score, ties broken by the lower doc id: the same ranking as
        sorting `scores()` over the docs that match.
        """
        occ = self._occurrences(query_terms)
        if k <= 0 or occ.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        uniq, counts = sorted_unique(occ, counts=True)
        idf = self._idf[uniq]
        lo, hi = self._term_ptr[uniq], self._term_ptr[uniq + 1]
        dfs = hi - lo
        total = int(dfs.sum())
        if total <= 4 * k or total <= 2048:
            cand = self._union(lo, hi, total)
            return _select(cand, self._score_sorted(cand, occ), k)
        if (idf < 0).any():
            # Negative contributions defeat upper bounds: score everything matched.
            return self._top_dense(occ, uniq, k)

        bound = counts * idf * self._max_weight[uniq] * (1 + _BOUND_SLACK)
        theta = self._threshold(occ, uniq, bound, lo, hi, k)
        # MaxScore: the cheapest-bounded terms whose bounds sum below theta
        # cannot lift a doc into the top k on their own.
        by_bound = np.argsort(bound, kind="stable")
        reach = np.cumsum(bound[by_bound])
        essential = by_bound[reach >= theta]
        e_total = int(dfs[essential].sum())
        if e_total * 8 > self.n_docs:
            if theta == -math.inf:
                return self._top_dense(occ, uniq, k)
            cand = self._survivors(essential, uniq, counts, lo, hi, reach, theta)
            if cand.size * 16 > self.n_docs:
                # Too many to look up one by one: a dense pass is cheaper.
                return self._top_dense(occ, uniq, k)
        else:
            cand = self._union(lo[essential], hi[essential], e_total)
        return _select(cand, self._score_sorted(cand, occ), k)

    # --------------------------------------------------------------- internals

    def _occurrences(self, query_terms: Sequence[str]) -> np.ndarray:
        if isinstance(query_terms, str):
            raise TypeError("query_terms must be a sequence of terms, not a string")
        get = self._vocab.get
        ids = [i for i in (get(q) for q in query_terms) if i is not None]
        return np.asarray(ids, dtype=np.int64)

    def _union(self, lo: np.ndarray, hi: np.ndarray, total: int) -> np.ndarray:
        """Sorted distinct docs of the posting slices [lo, hi)."""
        parts = [self._doc_ids[a:z] for a, z in zip(lo.tolist(), hi.tolist())]
        # Sorting the postings beats flagging every doc and scanning all the flags
        # until they are about an eighth of the docs (at 1M docs: 40,000 postings
        # 0.3 against 1.1 ms, 160,000 about even).
        if total * 8 < self.n_docs:
            return sorted_unique(np.concatenate(parts), runs=True) if parts else np.zeros(0, np.int32)
        mask = np.zeros(self.n_docs, dtype=bool)
        for p in parts:
            mask[p] = True
        return np.flatnonzero(mask)

    def _score_sorted(self, cand: np.ndarray, occ: np.ndarray) -> np.ndarray:
        """Exact scores of the sorted distinct docs `cand`, summed in query order."""
        acc = np.zeros(cand.shape[0])
        if cand.size == 0:
            return acc
        ptr, docs_all, w_all = self._term_ptr, self._doc_ids, self._weights
        # One dtype on both sides: searchsorted would otherwise cast a whole
        # posting list (up to millions of ids) on every call.
        cand = cand.astype(docs_all.dtype, copy=False)
        lookup: PoolLookup | None = None
        for t in occ.tolist():
            lo, hi = int(ptr[t]), int(ptr[t + 1])
            docs = docs_all[lo:hi]
            # The flags are a byte per doc, zeroed per call: the first list read by
            # them also pays for that (about n_docs / 32 postings' worth), so a pool of
            # some tens of docs (a question's neighbours) searches every list.
            setup = 0 if lookup is not None else self.n_docs >> 5
            if hi - lo + setup <= cand.size * math.log2(hi - lo + 1):
                # Read posting by posting (`retrieval.pool`: a flag per doc, then the
                # place of each that is a candidate) while the list is shorter than
                # about cand * log2(list): cheaper than a binary search per posting
                # or per candidate (measured at 1M docs: ~25% less in `top`).
                # Made per call: threads share an index.
                if lookup is None:
                    lookup = PoolLookup(cand, self.n_docs)
                at, place = lookup.find(docs)
                acc[place] += self._idf[t] * w_all[lo:hi][at]
            else:
                pos = np.searchsorted(docs, cand)
                np.minimum(pos, hi - lo - 1, out=pos)
                hit = docs[pos] == cand
                acc[hit] += self._idf[t] * w_all[lo + pos[hit]]
        return acc

    def _threshold(
        self,
        occ: np.ndarray,
        uniq: np.ndarray,
        bound: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
        k: int,
    ) -> float:
        """A lower bound on the k-th best score: the k-th best of a seed set."""
        # Seed: of the docs in the whole posting lists of the highest-bounded terms
        # (while those are small), the `_SEED_BEST * k` best on those terms alone,
        # plus an even sample of every other list, so that docs matching several
        # query terms are likely to be in it. Some hundreds of docs: scored exactly
        # by binary searches (`_score_sorted`), not by reading every list whole, which
        # scoring all the whole lists' docs took (at 1M docs ~4,000-9,000 of them:
        # `top` median 3.48 -> 3.21 and 3.53 -> 3.45 ms, mean 3.74 -> 3.57 and
        # 3.71 -> 3.64 ms, best of 7 per seed question, the two alternated).
        budget = max(64 * k, 4096)
        whole: list[int] = []
        used = 0
        order = np.argsort(-bound, kind="stable").tolist()
        for i in order:
            a, z = int(lo[i]), int(hi[i])
            if used + (z - a) <= budget:
                whole.append(i)
                used += z - a
        # With no list small enough to take whole, the samples are all there is: as many as before.
        samples = _SEED_SAMPLES if whole else 512
        seeds = [self._doc_ids[int(lo[i]) : int(hi[i]) : max(1, int(hi[i] - lo[i]) // samples)]
                 for i in order if i not in whole]
        if whole:
            docs = np.concatenate([self._doc_ids[int(lo[i]) : int(hi[i])] for i in whole])
            part = np.concatenate([self._idf[uniq[i]] * self._weights[int(lo[i]) : int(hi[i])] for i in whole])
            found, inverse = sorted_unique(docs, inverse=True)
            partial = np.bincount(inverse, weights=part, minlength=found.shape[0])
            best = min(found.shape[0], _SEED_BEST * k)
            seeds.append(found[np.argpartition(-partial, best - 1)[:best]] if best < found.shape[0] else found)
        seed = sorted_unique(np.concatenate(seeds))
        if seed.size < k:
            return -math.inf
        sc = self._score_sorted(seed, occ)
        return float(np.partition(sc, seed.size - k)[seed.size - k])

    def _survivors(
        self,
        essential: np.ndarray,
        uniq: np.ndarray,
        counts: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
        reach: np.ndarray,
        theta: float,
    ) -> np.ndarray:
        """Docs of large essential lists that can still reach `theta`.

        A doc's score is at most its summed essential contributions plus the
        bounds of all non-essential terms, so the (often largest) non-essential
        lists are never scanned; the few survivors are scored exactly later.
        """
        rest = float(reach[reach < theta][-1]) if (reach < theta).any() else 0.0
        need = theta - rest
        if essential.size == 1:
            i = int(essential[0])
            a, z = int(lo[i]), int(hi[i])
            partial = (counts[i] * self._idf[uniq[i]]) * self._weights[a:z]
            return self._doc_ids[a:z][partial * (1 + _BOUND_SLACK) >= need]
        partial = np.zeros(self.n_docs)
        for i in essential.tolist():
            a, z = int(lo[i]), int(hi[i])
            np.add.at(partial, self._doc_ids[a:z], (counts[i] * self._idf[uniq[i]]) * self._weights[a:z])
        return np.flatnonzero(partial * (1 + _BOUND_SLACK) >= need)

    def _top_dense(self, occ: np.ndarray, uniq: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        acc = np.zeros(self.n_docs)
        ptr, idf = self._term_ptr, self._idf
        for t in occ.tolist():
            lo, hi = int(ptr[t]), int(ptr[t + 1])
            # np.add.at is the fastest unbuffered scatter-add in NumPy 2 and
            # keeps rank-bm25's per-doc summation order (query order).
            np.add.at(acc, self._doc_ids[lo:hi], idf[t] * self._weights[lo:hi])
        if (idf[uniq] > 0).all():
            # Every posting adds a positive amount, so "matched" == "score > 0".
            cand = np.flatnonzero(acc > 0)
        else:
            matched = np.zeros(self.n_docs, dtype=bool)
            for t in uniq.tolist():
                matched[self._doc_ids[int(ptr[t]) : int(ptr[t + 1])]] = True
            cand = np.flatnonzero(matched)
        return _select(cand, acc[cand], k)


# ------------------------------------------------------------------ helpers


def _forward(term_ptr: np.ndarray, doc_ids: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Doc-major view of the postings: (doc_ptr, term ids), terms ascending within a doc."""
    posting_terms = np.repeat(np.arange(term_ptr.shape[0] - 1, dtype=np.int32), np.diff(term_ptr))
    order = np.argsort(doc_ids, kind="stable")
    doc_ptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc_ids, minlength=n_docs), out=doc_ptr[1:])
    return doc_ptr, posting_terms[order]


def _runs(ptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For CSR `ptr`: (i, position) of every entry of rows `rows[i]`, in order."""
    rows = np.asarray(rows, dtype=np.int64)
    return _spans(ptr[rows], ptr[rows + 1])


def _spans(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(i, position) of every position in `starts[i]..ends[i]-1`, in order."""
    starts = starts.astype(np.int64, copy=False)
    lengths = ends.astype(np.int64, copy=False) - starts
    row = np.repeat(np.arange(starts.shape[0], dtype=np.int64), lengths)
    # Entry j of the gathered run belongs to row[j], at offset j - (entries before that row).
    before = np.cumsum(lengths) - lengths
    at = np.arange(row.shape[0], dtype=np.int64) - before[row] + starts[row]
    return row, at


def _idf_table(df: np.ndarray, n_docs: int, epsilon: float) -> tuple[np.ndarray, float]:
    """rank-bm25's idf per term id, and the average raw idf."""
    if df.size == 0:
        return np.zeros(0), 0.0
    # math.log on the few distinct df values: the same libm call as rank-bm25
    # (np.log may differ in the last bit).
    distinct, inverse = sorted_unique(df, inverse=True)
    table = np.array([math.log(n_docs - d + 0.5) - math.log(d + 0.5) for d in distinct.tolist()])
    raw = table[inverse]
    # Sequential sum in vocabulary (first-occurrence) order, like rank-bm25's loop.
    average = float(np.cumsum(raw)[-1]) / df.size
    idf = raw.copy()
    idf[raw < 0] = epsilon * average
    return idf, average


def _weights(
    tf: np.ndarray, doc_ids: np.ndarray, doc_len: np.ndarray, avgdl: float, k1: float, b: float
) -> np.ndarray:
    """tf*(k1+1) / (tf + k1*(1-b+b*dl/avgdl)) per posting, in rank-bm25's operation order."""
    if tf.size == 0:
        return np.zeros(0)
    return posting_weights(tf, length_norms(doc_len, avgdl, k1, b)[doc_ids], k1)


def length_norms(doc_len: np.ndarray, avgdl: float, k1: float, b: float) -> np.ndarray:
    """k1*(1-b+b*dl/avgdl) per doc, as rank-bm25 computes it."""
    return k1 * (1 - b + b * doc_len.astype(np.float64) / avgdl)


def posting_weights(tf: np.ndarray, den: np.ndarray, k1: float) -> np.ndarray:
    """The weights of postings with frequencies `tf` in docs of norms `den` (a
    fresh array, overwritten). Element by element, so any split of the postings
    gives the same bits."""
    # In-place to spare 100 MB temporaries at a million docs; the operations
    # (and so the rounding) are rank-bm25's: tf*(k1+1) / (tf + norm).
    w = tf.astype(np.float64)
    den += w
    w *= k1 + 1
    w /= den
    return w


def sorted_unique(a: np.ndarray, *, inverse: bool = False, counts: bool = False, runs: bool = False):  # type: ignore[no-untyped-def]
    """`np.unique(a)` (sorted distinct values, optionally inverse or counts) by sorting.

    NumPy 2.4's `np.unique` takes a hash-based path that measured 30-80x slower
    than a sort on the integer arrays queries unite (8 ms vs 0.1 ms at 10,000
    ids), which was a large part of a query's time.
    """
    a = np.asarray(a).ravel()
    if inverse:
        order = np.argsort(a, kind="stable")
        ordered = a[order]
    else:
        # `runs`: `a` is sorted lists one after another (posting lists): the stable sort
        # (a merge sort that finds runs) merges them, where the default sort starts over.
        ordered = np.sort(a, kind="stable" if runs else None)
    first = np.empty(ordered.shape[0], dtype=bool)
    if ordered.size:
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    distinct = ordered[first]
    if inverse:
        inv = np.empty(a.shape[0], dtype=np.intp)
        inv[order] = np.cumsum(first) - 1
        return distinct, inv
    if counts:
        starts = np.flatnonzero(first)
        return distinct, np.diff(np.append(starts, ordered.size))
    return distinct


def _select(cand: np.ndarray, sc: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top k of (cand ascending, sc) by score desc, then doc id asc."""
    if cand.size > k:
        kth = np.partition(sc, cand.size - k)[cand.size - k]
        above = np.flatnonzero(sc > kth)
        tied = np.flatnonzero(sc == kth)[: k - above.size]
        keep = np.concatenate([above, tied])
        cand, sc = cand[keep], sc[keep]
    order = np.lexsort((cand, -sc))
    return cand[order].astype(np.int64), sc[order]
