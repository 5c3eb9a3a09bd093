"""BM25 over term lists: rank-bm25's `BM25Okapi` scores, vectorised, persisted.

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

Persistence is a directory holding `manifest.json` (format version,
fingerprint, parameters, vocabulary, array names/shapes/dtypes/checksums, caller
meta) and one `.npy` file per array, read with `allow_pickle=False`.  It is
written to a temporary sibling directory and renamed into place.  The
fingerprint is the caller's: it must cover the corpus, the text processing and
the BM25 parameters it expects.
"""

from __future__ import annotations

import hashlib
import json
import math
import mmap
import os
import re
import shutil
import uuid
from array import array
from collections.abc import Hashable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import xxhash

from retrieval.durable import fsync_folder
from retrieval.pool import PoolLookup

__all__ = [
    "FORMAT_VERSION",
    "Assembler",
    "Bm25Index",
    "IndexCorrupt",
    "IndexMissing",
    "IndexStale",
    "IndexUnusable",
    "LoadedIndex",
    "sorted_unique",
]

# 2: the doc-major view and the terms of each doc by word position are stored;
# arrays are memory-mapped on load.
FORMAT_VERSION = 2
_FORMAT_NAME = "kutip-bm25"
_MANIFEST = "manifest.json"
# Docs are tokenised into postings this many at a time, which bounds the
# memory of the raw token buffers while streaming.
_CHUNK_DOCS = 65_536
# Per-array checksum: xxh3-128 finds truncation, bit flips and edits like a
# cryptographic hash would (nothing here defends against a forger who can
# write the cache anyway) and reads gigabytes a second, so checking a million
# sentences' arrays on every warm start costs a fraction of a second.
_CHECKSUM = "xxh3_128"
_EXTRA_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
# Relative slack on MaxScore upper bounds, far above float64 rounding so that
# pruning can never drop a doc whose computed score reaches the threshold.
_BOUND_SLACK = 1e-9
# `top`'s threshold seed: docs of the rarest terms' lists kept per result wanted,
# and docs sampled from each other list.
_SEED_BEST = 8
_SEED_SAMPLES = 128


class IndexUnusable(Exception):
    """A persisted index cannot be used; the caller should rebuild it."""


class IndexStale(IndexUnusable):
    """The index was written by another format version or for another fingerprint."""


class IndexCorrupt(IndexUnusable):
    """A file of the index is missing, truncated, altered or inconsistent."""


class IndexMissing(IndexCorrupt):
    """There is no index in that directory yet (a first start)."""


@dataclass(frozen=True, slots=True)
class LoadedIndex:
    index: Bm25Index
    extra: Mapping[str, np.ndarray] = field(default_factory=dict)
    meta: Mapping[str, object] = field(default_factory=dict)


class Bm25Index:
    """Immutable BM25 index; `extend` returns a new index and leaves this one usable."""

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
        # Private: use `build`, `extend` or `load`.
        self.k1 = float(k1)
        self.b = float(b)
        self.epsilon = float(epsilon)
        self._terms = terms
        self._vocab = {t: i for i, t in enumerate(terms)}
        if len(self._vocab) != len(terms):
            raise IndexCorrupt("duplicate terms in the vocabulary")
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
        self._forward: tuple[np.ndarray, np.ndarray] | None = forward
        # (ptr, word, term): doc d's (word position, term id) pairs are
        # [ptr[d], ptr[d + 1]) of `word` and `term`; None without positions.
        self._words = words

    # ------------------------------------------------------------------ build

    @classmethod
    def build(
        cls,
        docs: Iterable[Sequence[str]],
        *,
        k1: float = 1.5,
        b: float = 0.75,
        epsilon: float = 0.25,
        positional: bool = False,
    ) -> Bm25Index:
        """Index `docs` (term lists; doc id = position), reading the iterable once.

        With `positional`, each doc is a pair `(terms, word_terms)`: its BM25
        terms and, per surface word in order, the terms that word yields
        (`Analyzer.analyse`); `words_of` then returns them without re-analysis.
        """
        vocab = _Vocabulary()
        sink = _WordSink(vocab) if positional else None
        term, doc, tf, doc_len = _collect_postings(docs, vocab, first_doc=0, words=sink)
        return cls._from_postings(
            list(vocab), term, doc, tf, doc_len, k1=k1, b=b, epsilon=epsilon,
            words=sink.arrays(0) if sink is not None else None,
        )

    def extend(self, docs: Iterable[Sequence[str]], *, positional: bool = False) -> Bm25Index:
        """A new index with `docs` appended as ids `n_docs, n_docs + 1, ...`.

        Equal to rebuilding from all docs: old postings keep their raw term
        frequencies, so only idf, avgdl and weights are recomputed (vectorised).
        `positional` as in `build`; an index keeps positions only when both its
        old and new docs have them.
        """
        vocab = _Vocabulary(self._vocab)
        sink = _WordSink(vocab) if positional else None
        term, doc, tf, doc_len = _collect_postings(docs, vocab, first_doc=self.n_docs, words=sink)
        new_words = None
        if sink is not None and self._words is not None:
            new_words = sink.arrays(int(self._words[0][-1]))
        return self._appended(list(vocab), term, doc, tf, doc_len, new_words)

    def _appended(
        self,
        terms: list[str],
        term: np.ndarray,
        doc: np.ndarray,
        tf: np.ndarray,
        doc_len: np.ndarray,
        new_words: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    ) -> Bm25Index:
        """This index with the postings of new docs (ids from `n_docs` on) appended."""
        old_term = np.repeat(
            np.arange(len(self._terms), dtype=np.int32), np.diff(self._term_ptr)
        )
        words = None
        if new_words is not None and self._words is not None:
            ptr, word, term_ids = self._words
            new_ptr, new_word, new_term = new_words
            words = (
                np.concatenate([ptr[:-1], new_ptr]),
                np.concatenate([word, new_word]),
                np.concatenate([term_ids, new_term]),
            )
        return self._from_postings(
            terms,
            np.concatenate([old_term, term]),
            np.concatenate([self._doc_ids, doc]),
            np.concatenate([self._tf, tf]),
            np.concatenate([self._doc_len, doc_len]),
            k1=self.k1,
            b=self.b,
            epsilon=self.epsilon,
            words=words,
        )

    @classmethod
    def _from_postings(
        cls,
        terms: list[str],
        term: np.ndarray,
        doc: np.ndarray,
        tf: np.ndarray,
        doc_len: np.ndarray,
        *,
        k1: float,
        b: float,
        epsilon: float,
        words: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        forward: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> Bm25Index:
        # `forward`: the doc-major view when the caller already has it.
        term_ptr, doc_ids, tf = _term_major(term, doc, tf, len(terms))
        return cls(
            terms=terms,
            term_ptr=term_ptr,
            doc_ids=doc_ids,
            tf=tf,
            doc_len=doc_len,
            k1=k1,
            b=b,
            epsilon=epsilon,
            forward=forward if forward is not None else _forward(term_ptr, doc_ids, int(doc_len.shape[0])),
            words=words,
        )

    # ---------------------------------------------------------------- lookups

    @property
    def vocabulary_size(self) -> int:
        return len(self._terms)

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
        10 ms at a million sentences. The view is built once, on first use.
        """
        return frozenset(map(self._terms.__getitem__, self.doc_term_ids(doc_id, doc_id + 1).tolist()))

    def doc_term_ids(self, first: int, end: int) -> np.ndarray:
        """Term ids of docs `first..end-1` (one run per doc, ascending; duplicates across docs)."""
        doc_ptr, term_ids = self._forward_view()
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
        doc_ptr, term_ids = self._forward_view()
        row, at = _runs(doc_ptr, doc_ids)
        return row, term_ids[at]

    def doc_term_runs_between(self, first: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, term id) of the docs `first[i]..end[i]-1` for every row i (duplicates across docs kept)."""
        doc_ptr, term_ids = self._forward_view()
        row, at = _spans(doc_ptr[np.asarray(first, dtype=np.int64)], doc_ptr[np.asarray(end, dtype=np.int64)])
        return row, term_ids[at]

    def word_runs(self, doc_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, word position, term id) of the docs `doc_ids` as `words_of` gives them, row i is `doc_ids[i]`."""
        if self._words is None:
            raise LookupError("this index was built without word positions")
        ptr, word, term = self._words
        row, at = _runs(ptr, doc_ids)
        return row, word[at], term[at]

    def _forward_view(self) -> tuple[np.ndarray, np.ndarray]:
        if self._forward is None:
            self._forward = _forward(self._term_ptr, self._doc_ids, self.n_docs)
        return self._forward

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

    # ------------------------------------------------------------ persistence

    def save(
        self,
        directory: Path,
        *,
        fingerprint: str,
        extra: Mapping[str, np.ndarray] = MappingProxyType({}),
        meta: Mapping[str, object] = MappingProxyType({}),
    ) -> None:
        """Write the index (and `extra` arrays, `meta`) to `directory`, atomically."""
        directory = Path(directory)
        if directory.exists() and any(directory.iterdir()) and not (directory / _MANIFEST).is_file():
            raise FileExistsError(f"{directory} exists and does not hold an index; refusing to replace it")
        for name in extra:
            if not _EXTRA_NAME.match(name):
                raise ValueError(f"extra array name {name!r}: use letters, digits, '_', '.', '-'")
        directory.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(directory)
        tmp = directory.parent / f".{directory.name}.tmp-{os.getpid()}-{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            doc_ptr, doc_terms = self._forward_view()
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
            manifest = {
                "format": _FORMAT_NAME,
                "version": FORMAT_VERSION,
                "fingerprint": fingerprint,
                "params": {"k1": self.k1, "b": self.b, "epsilon": self.epsilon},
                "n_docs": self.n_docs,
                "vocabulary": self._terms,
                "arrays": {n: _write_array(tmp / f"{n}.npy", a) for n, a in arrays.items()},
                "extra": {
                    n: _write_array(tmp / f"extra-{n}.npy", np.asarray(a)) for n, a in extra.items()
                },
                "meta": dict(meta),
            }
            with open(tmp / _MANIFEST, "w", encoding="utf-8") as f:
                json.dump(manifest, f, ensure_ascii=False, separators=(",", ":"))
                f.flush()
                os.fsync(f.fileno())
            fsync_folder(tmp)
            # A directory cannot be renamed over a non-empty one: move the old
            # index aside first.  A crash in between leaves no index (rebuilt
            # on next start), never a half-written one.
            old = None
            if directory.exists():
                old = directory.parent / f".{directory.name}.old-{os.getpid()}-{uuid.uuid4().hex}"
                os.rename(directory, old)
            os.rename(tmp, directory)
            fsync_folder(directory.parent)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, directory: Path, *, fingerprint: str) -> LoadedIndex:
        """Read an index written by `save`; raise `IndexStale` or `IndexCorrupt`."""
        directory = Path(directory)
        path = directory / _MANIFEST
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise IndexMissing(f"no index at {directory}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise IndexCorrupt(f"{path}: unreadable ({exc})") from exc
        try:
            manifest = json.loads(text)
        except json.JSONDecodeError as exc:
            raise IndexCorrupt(f"{path}: not valid JSON ({exc})") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT_NAME:
            raise IndexCorrupt(f"{path}: not a {_FORMAT_NAME} manifest")
        if manifest.get("version") != FORMAT_VERSION:
            raise IndexStale(
                f"{directory}: format version {manifest.get('version')!r}, this code reads {FORMAT_VERSION}"
            )
        if manifest.get("fingerprint") != fingerprint:
            raise IndexStale(f"{directory}: built for another corpus or text settings (fingerprint differs)")
        try:
            return _load_checked(cls, directory, manifest)
        except IndexUnusable:
            raise
        except (KeyError, TypeError, ValueError, OSError, AttributeError) as exc:
            raise IndexCorrupt(f"{directory}: {type(exc).__name__}: {exc}") from exc


class Assembler:
    """Builds (or extends) an index from docs given as arrays of term ids, batch by batch.

    The builder's fast path: `Bm25Index.build(docs, positional=True)` reads a
    Python list of terms per doc; here each batch of consecutive docs arrives
    as flat arrays over the batch's own vocabulary (`terms`, in order of first
    occurrence within the batch, so the index's term ids keep rank-bm25's
    first-occurrence order), which is how build workers hand their work back.
    The result equals `Bm25Index.build` / `extend` over the same docs.
    """

    def __init__(self, base: Bm25Index | None = None) -> None:
        self._base = base
        self._vocab = _Vocabulary(base._vocab if base is not None else {})
        self._first = base.n_docs if base is not None else 0
        self._next = self._first
        self._postings: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._lens: list[np.ndarray] = []
        self._pairs: list[np.ndarray] = []
        self._word: list[np.ndarray] = []
        self._term: list[np.ndarray] = []
        self._doc_terms: list[tuple[np.ndarray, np.ndarray]] = []  # per batch: (distinct terms per doc, those terms)
        # Per batch with postings: each posting's place among its term's postings
        # (earlier batches' first), so `index` scatters the postings into
        # term-major order instead of sorting them all once the last batch is in.
        self._places: list[np.ndarray] = []
        self._df = np.zeros(0, dtype=np.int32)  # postings per term id so far
        self._sources: dict[Hashable, _SourceIds] = {}

    def _place(self, term: np.ndarray, n_terms: int) -> np.ndarray:
        """Places of one batch's postings (`term` ascending, one posting per term and doc)."""
        self._df = _grown(self._df, n_terms, 0)
        starts = np.flatnonzero(np.concatenate(([True], term[1:] != term[:-1])))
        sizes = np.diff(np.append(starts, term.size))
        distinct = term[starts]
        # A posting's place: the term's postings in earlier batches, plus its rank in this batch's run.
        place = np.repeat((self._df[distinct] - starts).astype(np.int32), sizes)
        place += np.arange(term.size, dtype=np.int32)
        self._df[distinct] += sizes.astype(np.int32)
        return place

    @property
    def n_docs(self) -> int:
        """Docs added so far (not counting the base index's)."""
        return self._next - self._first

    def add(
        self,
        terms: Sequence[str],
        tokens: np.ndarray,
        doc_len: np.ndarray,
        *,
        word_count: np.ndarray,
        word_len: np.ndarray,
        word_term: np.ndarray,
        source: Hashable | None = None,
    ) -> None:
        """One batch of docs: `tokens` (ids into `terms`) cut by `doc_len`; per doc
        `word_count` surface words, per word `word_len` terms, listed in `word_term`.

        With `source`, the ids are instead those of a numbering that lasts across
        batches (one build worker's encoder; any hashable names it) and `terms`
        lists only the names it gained since its previous batch: ids
        `len(names so far)...` of that numbering.
        """
        doc_len = np.asarray(doc_len, dtype=np.int64)
        if int(doc_len.sum()) != tokens.shape[0] or word_count.shape != doc_len.shape:
            raise ValueError("batch arrays do not agree")
        if source is None:
            ids = np.fromiter(map(self._vocab.__getitem__, terms), dtype=np.int32, count=len(terms))
            global_tokens = ids[tokens]
        else:
            mapping = self._sources.get(source)
            if mapping is None:
                mapping = self._sources[source] = _SourceIds()
            global_tokens = mapping.map(terms, tokens, self._vocab)
            ids = mapping.ids
        postings, doc_terms = _batch_pairs(global_tokens, doc_len, len(self._vocab), self._next)
        if postings is not None:
            self._postings.append(postings)
            if self._base is None:
                self._places.append(self._place(postings[0], len(self._vocab)))
        if self._base is None:
            # The doc-major view of this batch, made here while build workers are busy
            # instead of one sort over every posting once the last batch is in.
            self._doc_terms.append(doc_terms)
        self._lens.append(doc_len.astype(np.int32))
        self._next += int(doc_len.shape[0])
        if self._next >= 2**31:
            raise ValueError("more than 2**31 docs")
        # The (word position, term id) pairs of each doc: its words' terms in
        # order, each tagged with the word's place in the doc.
        word_len = np.asarray(word_len, dtype=np.int64)
        word_count = np.asarray(word_count, dtype=np.int64)
        term_end = np.cumsum(word_len)
        word_end = np.cumsum(word_count)
        pairs_end = term_end[word_end - 1] if word_len.size else np.zeros(word_count.shape, dtype=np.int64)
        pairs_end = np.where(word_end > 0, pairs_end, 0)
        self._pairs.append(np.diff(pairs_end, prepend=0))
        word_start = np.repeat(word_end - word_count, word_count)
        self._word.append(np.repeat((np.arange(word_len.size) - word_start).astype(np.int32), word_len))
        word_ids = ids[word_term]
        # A word's terms are among its doc's terms, so all have ids by now.
        if word_ids.size and int(word_ids.min()) < 0:
            raise ValueError("word terms that are no doc's terms")
        self._term.append(word_ids)

    def index(self, *, k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25) -> Bm25Index:
        """The built index (`Bm25Index.build(..., positional=True)`), or the base extended (its parameters kept)."""

        def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

        doc_len = cat(self._lens, np.int32)
        base = self._base
        start = int(base._words[0][-1]) if base is not None and base._words is not None else 0

        def side() -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray] | None]:
            ptr = np.zeros(self.n_docs + 1, dtype=np.int64)
            np.cumsum(cat(self._pairs, np.int64), out=ptr[1:])
            ptr += start
            words = (ptr, cat(self._word, np.int32), cat(self._term, np.int32))
            if base is not None:
                return words, None
            doc_ptr = np.zeros(self.n_docs + 1, dtype=np.int64)
            np.cumsum(cat([counts for counts, _terms in self._doc_terms], np.int64), out=doc_ptr[1:])
            return words, (doc_ptr, cat([terms for _counts, terms in self._doc_terms], np.int32))

        if base is not None:
            words, _ = side()
            term = cat([p[0] for p in self._postings], np.int32)
            doc = cat([p[1] for p in self._postings], np.int32)
            tf = cat([p[2] for p in self._postings], np.int32)
            return base._appended(list(self._vocab), term, doc, tf, doc_len, words)
        terms = list(self._vocab)
        term_ptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(self._df[: len(terms)], out=term_ptr[1:])
        doc_ids = np.empty(int(term_ptr[-1]), dtype=np.int32)
        tf = np.empty(int(term_ptr[-1]), dtype=np.int32)
        weights = np.empty(int(term_ptr[-1]), dtype=np.float64)
        n_docs = int(doc_len.shape[0])
        avgdl = int(doc_len.sum(dtype=np.int64)) / n_docs if n_docs else 0.0
        norm = _norms(doc_len, avgdl, k1, b) if weights.size else doc_len  # (no postings: no docs to weigh)

        def scatter(batches: list[tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]]) -> None:
            # Weighed batch by batch, where a batch's docs' norms are a few
            # cached lines, not gathered for every posting across all docs.
            for (term, doc, freq), place in batches:
                at = term_ptr[term]
                at += place
                doc_ids[at] = doc
                tf[at] = freq
                weights[at] = _weighed(freq, norm[doc], k1)

        # This runs alone once the build workers are done, so the cores share it
        # (NumPy's copies, scatters and arithmetic release the GIL): one thread
        # takes the word and doc-major arrays while two scatter and weigh halves
        # of the postings (each posting's place is its own: no overlap).
        batches = list(zip(self._postings, self._places))
        sizes = np.cumsum([p[0].shape[0] for p, _place in batches])
        half = int(np.searchsorted(sizes, sizes[-1] // 2)) if batches else 0
        with ThreadPoolExecutor(max_workers=2) as pool:
            aside = pool.submit(side)
            other = pool.submit(scatter, batches[half:])
            scatter(batches[:half])
            other.result()
            words, forward = aside.result()
        return Bm25Index(
            terms=terms,
            term_ptr=term_ptr,
            doc_ids=doc_ids,
            tf=tf,
            doc_len=doc_len,
            k1=k1,
            b=b,
            epsilon=epsilon,
            forward=forward,
            words=words,
            weights=weights,
        )
        return base._appended(list(self._vocab), term, doc, tf, doc_len, words)


# ------------------------------------------------------------------ helpers


class _Vocabulary(dict):
    """term -> id, giving unseen terms the next id (first-occurrence order)."""

    __slots__ = ()

    def __missing__(self, term: object) -> int:
        if not isinstance(term, str):
            raise TypeError(f"terms must be str, got {type(term).__name__}")
        i = self[term] = len(self)
        return i


class _SourceIds:
    """One numbering's term ids -> the index's (`Assembler.add` with `source`).

    Batches arrive in stream order; a numbering (a build worker's encoder) has
    met terms in the batches it analysed, in its own order, and may know a term
    that is still new to the stream or not know one another worker brought in
    earlier. So an id unmapped so far is looked up by name, in the order of its
    first occurrence in the batch: terms new to the index then get the next ids
    exactly as one pass over the whole stream gives them (rank-bm25's order).
    """

    __slots__ = ("names", "ids")

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids = np.zeros(0, dtype=np.int32)  # index id per numbering id, -1: not looked up yet

    def map(self, new_names: Sequence[str], tokens: np.ndarray, vocab: _Vocabulary) -> np.ndarray:
        names = self.names
        names.extend(new_names)
        ids = self.ids = _grown(self.ids, len(names), -1)
        mapped = ids[tokens]
        unknown = mapped < 0
        if unknown.any():
            new = tokens[unknown]
            distinct, first = np.unique(new, return_index=True)
            distinct = distinct[np.argsort(first, kind="stable")]
            lookup = vocab.__getitem__
            ids[distinct] = np.fromiter(
                (lookup(names[i]) for i in distinct.tolist()), dtype=np.int32, count=distinct.shape[0]
            )
            mapped[unknown] = ids[new]
        return mapped


class _WordSink:
    """Collects each doc's (word position, term id) pairs while postings stream."""

    __slots__ = ("_lookup", "word", "term", "counts")

    def __init__(self, vocab: _Vocabulary) -> None:
        self._lookup = vocab.__getitem__
        self.word = array("i")
        self.term = array("i")
        self.counts = array("q")

    def add(self, word_terms: Sequence[tuple[str, Sequence[str]]]) -> None:
        before = len(self.term)
        lookup, word, term = self._lookup, self.word, self.term
        for position, (_surface, terms) in enumerate(word_terms):
            if terms:
                term.extend(map(lookup, terms))
                word.extend([position] * len(terms))
        self.counts.append(len(self.term) - before)

    def arrays(self, base: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ptr, word, term), `ptr` offset by `base` (the pairs of earlier docs)."""
        ptr = np.zeros(len(self.counts) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(self.counts, dtype=np.int64), out=ptr[1:])
        ptr += base
        return ptr, np.frombuffer(self.word, dtype=np.int32).copy(), np.frombuffer(self.term, dtype=np.int32).copy()


def _forward(term_ptr: np.ndarray, doc_ids: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """Doc-major view of the postings: (doc_ptr, term ids), terms ascending within a doc."""
    posting_terms = np.repeat(np.arange(term_ptr.shape[0] - 1, dtype=np.int32), np.diff(term_ptr))
    order = np.argsort(doc_ids, kind="stable")
    doc_ptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc_ids, minlength=n_docs), out=doc_ptr[1:])
    return doc_ptr, posting_terms[order]


def _collect_postings(
    docs: Iterable[Sequence[str]], vocab: _Vocabulary, *, first_doc: int, words: _WordSink | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(term, doc, tf) postings of `docs` plus their lengths; grows `vocab`.

    The result is a sequence of doc-ordered chunks, each term-major. With
    `words`, each doc is a `(terms, word_terms)` pair and `words` gets the latter.
    """
    terms_out: list[np.ndarray] = []
    docs_out: list[np.ndarray] = []
    tfs_out: list[np.ndarray] = []
    lens_out: list[np.ndarray] = []
    tokens: list[int] = []
    lens = array("q")
    base = first_doc

    def flush() -> None:
        nonlocal tokens, lens, base
        n = len(lens)
        if n == 0:
            return
        t = np.fromiter(tokens, dtype=np.int64, count=len(tokens))
        dl = np.frombuffer(lens, dtype=np.int64)
        postings = _batch_postings(t, dl, base)
        if postings is not None:
            terms_out.append(postings[0])
            docs_out.append(postings[1])
            tfs_out.append(postings[2])
        lens_out.append(dl.astype(np.int32))
        base += n
        tokens = []
        lens = array("q")

    lookup = vocab.__getitem__
    for doc in docs:
        if words is not None:
            doc, word_terms = doc
        if isinstance(doc, str):
            raise TypeError("each doc must be a sequence of terms, not a string")
        # C-level loop; only unseen terms reach Python (`_Vocabulary.__missing__`).
        tokens += map(lookup, doc)
        if words is not None:
            # After the doc's own terms, so ids stay in their first-occurrence
            # order (rank-bm25's vocabulary order, which its average idf sums in).
            words.add(word_terms)
        lens.append(len(doc))
        if len(lens) >= _CHUNK_DOCS:
            flush()
    flush()
    if base >= 2**31:
        raise ValueError("more than 2**31 docs")

    def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    return cat(terms_out, np.int32), cat(docs_out, np.int32), cat(tfs_out, np.int32), cat(lens_out, np.int32)


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


def _grown(values: np.ndarray, size: int, fill: int) -> np.ndarray:
    """`values` with room for at least `size` entries, the new ones `fill`: doubled, so
    growing batch by batch copies each entry a bounded number of times."""
    if values.shape[0] >= size:
        return values
    grown = np.full(max(size, 2 * values.shape[0]), fill, dtype=values.dtype)
    grown[: values.shape[0]] = values
    return grown


def _term_major(
    term: np.ndarray, doc: np.ndarray, tf: np.ndarray, n_terms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term_ptr, doc ids, tf) in term-major order from postings that arrive as
    doc-ordered runs of term-major chunks: a stable sort by term alone (timsort
    merges the runs) keeps docs ascending inside each term."""
    order = np.argsort(term, kind="stable")
    term_ptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(term, minlength=n_terms), out=term_ptr[1:])
    return term_ptr, doc[order], tf[order]


def _batch_postings(
    tokens: np.ndarray, doc_len: np.ndarray, base: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(term, doc, tf) postings of consecutive docs `base..` given their concatenated
    term ids and lengths, term-major with docs ascending; None when there are none."""
    n = int(doc_len.shape[0])
    if tokens.size == 0:
        return None
    key = tokens.astype(np.int64) * n + np.repeat(np.arange(n, dtype=np.int64), doc_len)
    key.sort()
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    counts = np.diff(np.append(starts, key.size))
    uk = key[starts]
    return (uk // n).astype(np.int32), (uk % n + base).astype(np.int32), counts.astype(np.int32)


def _batch_doc_terms(tokens: np.ndarray, doc_len: np.ndarray, n_terms: int) -> tuple[np.ndarray, np.ndarray]:
    """Per doc of a batch, its distinct term ids ascending (what `_forward` gives for those docs):
    (how many each doc has, int64; the ids, int32, doc after doc)."""
    n = int(doc_len.shape[0])
    if tokens.size == 0:
        return np.zeros(n, dtype=np.int64), np.zeros(0, dtype=np.int32)
    width = max(n_terms, 1)
    key = np.repeat(np.arange(n, dtype=np.int64), doc_len) * width + tokens.astype(np.int64)
    key.sort()
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    return np.bincount(key // width, minlength=n).astype(np.int64), (key % width).astype(np.int32)


def _batch_pairs(
    tokens: np.ndarray, doc_len: np.ndarray, n_terms: int, base: int
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray] | None, tuple[np.ndarray, np.ndarray]]:
    """`_batch_postings` and `_batch_doc_terms` of one batch, from one sort of its
    tokens and one of its (fewer) distinct (doc, term) pairs, keys packed by bits."""
    n = int(doc_len.shape[0])
    if tokens.size == 0:
        return None, (np.zeros(n, dtype=np.int64), np.zeros(0, dtype=np.int32))
    term_bits = max(n_terms - 1, 1).bit_length()
    doc_bits = max(n - 1, 1).bit_length()
    if term_bits + doc_bits > 62:
        return _batch_postings(tokens, doc_len, base), _batch_doc_terms(tokens, doc_len, n_terms)
    key = np.repeat(np.arange(n, dtype=np.int64), doc_len)
    key <<= term_bits
    key |= tokens
    key.sort()
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    tf = np.diff(np.append(starts, key.size))
    pairs = key[starts]
    term_mask = (1 << term_bits) - 1
    doc_terms = (np.bincount(pairs >> term_bits, minlength=n).astype(np.int64), (pairs & term_mask).astype(np.int32))
    # Term-major with docs ascending: the same pairs keyed (term, doc, tf).
    tf_bits = max(int(tf.max()), 1).bit_length()
    if term_bits + doc_bits + tf_bits > 62:
        return _batch_postings(tokens, doc_len, base), doc_terms
    doc = pairs >> term_bits
    pairs &= term_mask
    pairs <<= doc_bits
    pairs |= doc
    pairs <<= tf_bits
    pairs |= tf
    pairs.sort()
    freq = (pairs & ((1 << tf_bits) - 1)).astype(np.int32)
    pairs >>= tf_bits
    doc = (pairs & ((1 << doc_bits) - 1)).astype(np.int32)
    doc += base
    pairs >>= doc_bits
    return (pairs.astype(np.int32), doc, freq), doc_terms


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
    return _weighed(tf, _norms(doc_len, avgdl, k1, b)[doc_ids], k1)


def _norms(doc_len: np.ndarray, avgdl: float, k1: float, b: float) -> np.ndarray:
    """k1*(1-b+b*dl/avgdl) per doc, as rank-bm25 computes it."""
    return k1 * (1 - b + b * doc_len.astype(np.float64) / avgdl)


def _weighed(tf: np.ndarray, den: np.ndarray, k1: float) -> np.ndarray:
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


def _write_array(path: Path, a: np.ndarray) -> dict[str, object]:
    if a.dtype.hasobject:
        raise TypeError(f"{path.name}: object arrays cannot be stored without pickle")
    with open(path, "wb") as f:
        np.save(f, a, allow_pickle=False)
        f.flush()
        os.fsync(f.fileno())
    return {
        "file": path.name,
        "shape": list(a.shape),
        "dtype": a.dtype.str,
        _CHECKSUM: _digest(path, _CHECKSUM),
    }


def _digest(path: Path, kind: str) -> str:
    with open(path, "rb") as f:
        if kind == "sha256":
            return hashlib.file_digest(f, "sha256").hexdigest()
        hasher = xxhash.xxh3_128()
        # Hashed through a mapping, not read in chunks: no copy of the bytes (a warm
        # start checks every file of the index: 14 ms instead of 90 ms at 200k
        # sentences). Safe as the arrays' own mappings are: files are never
        # rewritten in place. An empty file cannot be mapped.
        if os.fstat(f.fileno()).st_size:
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as view:
                hasher.update(view)
        return hasher.hexdigest()


def _read_array(directory: Path, entry: Mapping[str, object], *, mapped: bool = False) -> np.ndarray:
    name = entry["file"]
    if not isinstance(name, str) or "/" in name or name.startswith("."):
        raise IndexCorrupt(f"{directory}: bad file name {name!r} in manifest")
    path = directory / name
    # Indexes written before xxh3 carry a sha256 (5x slower to check), still accepted.
    kind = _CHECKSUM if _CHECKSUM in entry else "sha256"
    try:
        digest = _digest(path, kind)
    except FileNotFoundError:
        raise IndexCorrupt(f"{path}: missing") from None
    if digest != entry[kind]:
        raise IndexCorrupt(f"{path}: checksum mismatch (truncated or altered)")
    # Memory-mapped arrays cost no start-up time and only the pages queries
    # touch; `save` never rewrites a file in place (it renames a new directory
    # over the old), so a mapping stays valid while the index is replaced.
    # An empty array cannot be mapped (nothing to map after its header).
    mapped = mapped and all(isinstance(d, int) and d > 0 for d in entry["shape"])
    a = np.load(path, allow_pickle=False, mmap_mode="r" if mapped else None)
    if mapped:
        # A plain ndarray over the same mapping: np.memmap's Python-level
        # __getitem__ would cost microseconds on every slice a query takes.
        a = a.view(np.ndarray)
    if list(a.shape) != list(entry["shape"]) or a.dtype.str != entry["dtype"]:
        raise IndexCorrupt(f"{path}: shape/dtype {a.shape} {a.dtype.str} differ from manifest")
    return a


def _load_checked(cls: type[Bm25Index], directory: Path, manifest: Mapping[str, object]) -> LoadedIndex:
    terms = manifest["vocabulary"]
    params = manifest["params"]
    entries = manifest["arrays"]
    n_docs = manifest["n_docs"]
    if not isinstance(terms, list) or not all(type(t) is str for t in terms):
        raise IndexCorrupt(f"{directory}: vocabulary is not a list of strings")
    expect = {
        "term_ptr": np.int64, "doc_ids": np.int32, "tf": np.int32, "doc_len": np.int32, "weights": np.float64,
        "max_weight": np.float64, "doc_ptr": np.int64, "doc_terms": np.int32,
    }
    words = ("word_ptr", "word_pos", "word_term")
    expect.update({n: np.int64 if n == "word_ptr" else np.int32 for n in words if n in entries})
    # The large posting-sized arrays are mapped, not read: the checksum in the
    # manifest already vouches for their bytes, so only their ends and the
    # small per-term/per-doc arrays are checked by value (checking every value
    # would page them all in, which is what mapping avoids).
    small = ("term_ptr", "doc_len", "doc_ptr", "word_ptr", "max_weight")
    arrays = {n: _read_array(directory, entries[n], mapped=n not in small) for n in expect}
    for n, dt in expect.items():
        if arrays[n].dtype != dt or arrays[n].ndim != 1:
            raise IndexCorrupt(f"{directory}: {n} has dtype {arrays[n].dtype}, shape {arrays[n].shape}")
    term_ptr, doc_ids, tf, doc_len = (arrays[n] for n in ("term_ptr", "doc_ids", "tf", "doc_len"))
    doc_ptr, doc_terms = arrays["doc_ptr"], arrays["doc_terms"]
    nnz = doc_ids.shape[0]
    df = np.diff(term_ptr)
    consistent = (
        term_ptr.shape[0] == len(terms) + 1
        and doc_len.shape[0] == n_docs
        and tf.shape[0] == nnz
        and arrays["weights"].shape[0] == nnz
        and arrays["max_weight"].shape[0] == len(terms)
        and term_ptr[0] == 0
        and term_ptr[-1] == nnz
        and (df >= 1).all()
        and (doc_len >= 0).all()
        and _is_ptr(doc_ptr, n_docs, nnz)
        and doc_terms.shape[0] == nnz
    )
    word_arrays = None
    if "word_ptr" in arrays:
        word_ptr, word_pos, word_term = (arrays[n] for n in words)
        pairs = word_pos.shape[0]
        consistent = consistent and _is_ptr(word_ptr, n_docs, pairs) and word_term.shape[0] == pairs
        word_arrays = (word_ptr, word_pos, word_term)
    if not consistent:
        raise IndexCorrupt(f"{directory}: arrays are inconsistent with each other")
    index = cls(
        terms=terms,
        term_ptr=term_ptr,
        doc_ids=doc_ids,
        tf=tf,
        doc_len=doc_len,
        k1=float(params["k1"]),
        b=float(params["b"]),
        epsilon=float(params["epsilon"]),
        forward=(doc_ptr, doc_terms),
        words=word_arrays,
        weights=arrays["weights"],
        max_weight=arrays["max_weight"],
    )
    extra_entries = manifest["extra"]
    # Mapped too: the stored article texts are the largest of them.
    extra = {n: _read_array(directory, e, mapped=True) for n, e in extra_entries.items()}
    meta = manifest["meta"]
    if not isinstance(meta, dict):
        raise IndexCorrupt(f"{directory}: meta is not an object")
    return LoadedIndex(index=index, extra=MappingProxyType(extra), meta=MappingProxyType(meta))


def _is_ptr(ptr: np.ndarray, n: int, total: int) -> bool:
    """A CSR pointer array over `n` rows and `total` entries."""
    return bool(ptr.shape[0] == n + 1 and ptr[0] == 0 and ptr[-1] == total and (np.diff(ptr) >= 0).all())


def _remove_leftovers(directory: Path) -> None:
    """Delete temp/old siblings left by a crashed `save` of a process now gone."""
    for p in directory.parent.glob(f".{directory.name}.*-*-*"):
        m = re.fullmatch(rf"\.{re.escape(directory.name)}\.(tmp|old)-(\d+)-[0-9a-f]+", p.name)
        if m and not _alive(int(m.group(2))):
            shutil.rmtree(p, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
