"""Where the postings of a term fall in a sorted pool of candidate docs.

Scoring a question's candidate pool exactly (`Bm25Index._score_sorted`) needs,
for each posting of a query term, whether its doc is a candidate and at which
place of the pool. Measured at a million docs:
- a flag per doc (a bool array, ~1 MB, mostly in cache) says whether a doc is a
  candidate in ~1.5 ns a posting, where a binary search of the pool costs
  log2(pool) probes of ~2-3 ns;
- for the candidates found, a binary search of an 18,000-doc pool costs ~27 ns
  each; a rank read from a bitmap of the pool (64 docs a word, with the count
  of candidates before each word) ~7 ns, once the bitmap is made (~120 µs,
  packing the flags). A question's pools get ~40,000 such finds at a million
  sentences, so the bitmap is made for a pool of some thousands, when a term
  first finds many docs (`top` then spends 10-20% less than with the binary
  searches alone).
"""

from __future__ import annotations

import numpy as np

__all__ = ["PoolLookup"]

# Below these the bitmap costs more than the binary searches it saves.
_RANK_POOL = 4096
_RANK_FOUND = 2048
# Bits below bit i of a word, for every i: a lookup instead of a shift and a subtraction
# over every doc found (with the casts they need).
_BELOW = (np.uint64(1) << np.arange(64, dtype=np.uint64)) - np.uint64(1)
# Bit d % 64 of word d // 64 is doc d's flag: np.packbits(..., bitorder="little")
# puts doc 8j + i at bit i of byte j, and little-endian words keep that order.
_WORD = np.dtype("<u8")


class PoolLookup:
    """Finds, for a sorted list of doc ids, the entries that are in `pool` and their places there."""

    __slots__ = ("_pool", "_flags", "_words", "_before")

    def __init__(self, pool: np.ndarray, n_docs: int) -> None:
        """`pool`: sorted distinct doc ids below `n_docs`."""
        self._pool = pool
        self._flags = np.zeros(n_docs, dtype=bool)
        self._flags[pool] = True
        self._words: np.ndarray | None = None
        self._before: np.ndarray | None = None

    def find(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(i, place) for every `docs[i]` in the pool: `pool[place] == docs[i]`, i ascending."""
        at = np.flatnonzero(np.take(self._flags, docs))
        found = docs[at]
        if self._words is None:
            if at.size < _RANK_FOUND or self._pool.size < _RANK_POOL:
                return at, np.searchsorted(self._pool, found)
            self._bitmap()
        assert self._words is not None and self._before is not None
        word = found >> 6
        return at, self._before[word] + np.bitwise_count(self._words[word] & _BELOW[found & 63])

    def _bitmap(self) -> None:
        packed = np.packbits(self._flags, bitorder="little")
        pad = (-packed.shape[0]) % 8
        if pad:
            packed = np.concatenate([packed, np.zeros(pad, dtype=np.uint8)])
        words = packed.view(_WORD)
        counts = np.bitwise_count(words)
        self._words = words
        # Candidates in all earlier words: the place of a word's first candidate.
        self._before = np.cumsum(counts, dtype=np.int64) - counts
