"""`PoolLookup.find` equals looking each doc up one at a time, on both of its paths."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.pool import PoolLookup


def _reference(place_of: dict[int, int], docs: np.ndarray) -> tuple[list[int], list[int]]:
    found = [(i, place_of[doc]) for i, doc in enumerate(docs.tolist()) if doc in place_of]
    return [i for i, _p in found], [p for _i, p in found]


# n_docs not a multiple of 8 or 64 (the bitmap's padding); pools small (binary
# search) and large (bitmap); lists shorter and longer than the pool.
@pytest.mark.parametrize("n_docs, pool_size", [(1001, 40), (70_003, 9000), (70_003, 60_000), (64 * 300, 64 * 300)])
def test_find_equals_one_at_a_time(n_docs: int, pool_size: int) -> None:
    rng = np.random.default_rng(n_docs + pool_size)
    pool = np.sort(rng.choice(n_docs, size=pool_size, replace=False)).astype(np.int32)
    lookup = PoolLookup(pool, n_docs)
    place_of = {doc: place for place, doc in enumerate(pool.tolist())}  # once a pool: it was half the time
    for size, dtype in [(s, np.int32) for s in (0, 1, 50, 5000, n_docs // 2, n_docs)] + [(5000, np.int64)]:
        docs = np.sort(rng.choice(n_docs, size=min(size, n_docs), replace=False)).astype(dtype)
        if size == n_docs:
            docs = np.arange(n_docs, dtype=dtype)  # the first and last doc too
        at, place = lookup.find(docs)
        want_at, want_place = _reference(place_of, docs)
        assert at.tolist() == want_at
        assert place.tolist() == want_place
    # The large pools did go through the bitmap, the small one never did.
    assert (lookup._words is not None) == (pool_size >= 4096)
