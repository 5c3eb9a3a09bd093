"""BM25 speed: `Bm25Index.top` against plain rank-bm25, side by side in one run.

    .venv/bin/python benchmarks/bm25_speed.py --docs 200000
    .venv/bin/python benchmarks/bm25_speed.py --docs 1000000 --ref-queries 10

The corpus is synthetic: doc lengths 4..36 terms, terms drawn from a Zipf
distribution (exponent 1.07) over a vocabulary that grows with N, like words
in sentences.  A query is 2..6 distinct terms taken from a random doc (a
question shares words with its answer) plus, one time in four, an unknown
term.  Frequent terms are *not* removed (`--drop-top` emulates a stop list),
so this is harsher than real questions after the analyzer.  Every compared
query is also checked: `top` must return rank-bm25's top 10 (ties aside).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rank_bm25 import BM25Okapi  # noqa: E402

from retrieval.assemble import build_index  # noqa: E402
from retrieval.index_files import load_index, save_index  # noqa: E402


def make_corpus(n_docs: int, rng: np.random.Generator) -> tuple[list[list[str]], int]:
    vocab_size = max(1000, int(60 * n_docs**0.6))
    ranks = np.arange(1, vocab_size + 1, dtype=np.float64)
    p = ranks**-1.07
    p /= p.sum()
    lengths = rng.integers(4, 37, size=n_docs)
    ids = rng.choice(vocab_size, size=int(lengths.sum()), p=p)
    words = np.array([f"w{i}" for i in range(vocab_size)], dtype=object)
    flat = words[ids].tolist()
    docs = []
    pos = 0
    for n in lengths.tolist():
        docs.append(flat[pos : pos + n])
        pos += n
    return docs, vocab_size


def make_queries(docs: list[list[str]], n: int, drop_top: int, rng: np.random.Generator) -> list[list[str]]:
    stop = {f"w{i}" for i in range(drop_top)}
    queries = []
    while len(queries) < n:
        doc = docs[int(rng.integers(len(docs)))]
        words = [w for w in dict.fromkeys(doc) if w not in stop]
        if not words:
            continue
        size = min(len(words), int(rng.integers(2, 7)))
        q = [words[i] for i in rng.choice(len(words), size=size, replace=False)]
        if rng.random() < 0.25:
            q.append("tidakadadikorpus")
        queries.append(q)
    return queries


def ms(values: list[float]) -> str:
    a = np.array(values) * 1000
    return f"median {np.median(a):8.3f} ms   p95 {np.percentile(a, 95):8.3f} ms   (n={a.size})"


def ref_top(ref: BM25Okapi, query: list[str], k: int) -> np.ndarray:
    scores = ref.get_scores(query)
    return np.argsort(scores)[::-1][:k], scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=200_000)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--ref-queries", type=int, default=30, help="queries timed on rank-bm25 (slow)")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--drop-top", type=int, default=0, help="leave the N most frequent terms out of queries")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)

    t = time.perf_counter()
    docs, vocab_size = make_corpus(args.docs, rng)
    n_tokens = sum(map(len, docs))
    print(f"corpus: {args.docs:,} docs, {n_tokens:,} tokens, vocabulary {vocab_size:,} "
          f"(generated in {time.perf_counter() - t:.1f} s)")
    queries = make_queries(docs, args.queries, args.drop_top, rng)

    t = time.perf_counter()
    index = build_index(docs)
    build = time.perf_counter() - t
    print(f"build_index: {build:.2f} s  ({index.vocabulary_size:,} terms)")

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        save_index(index, Path(tmp) / "idx", fingerprint="bench")
        saved = time.perf_counter() - t
        size = sum(f.stat().st_size for f in (Path(tmp) / "idx").iterdir())
        t = time.perf_counter()
        index = load_index(Path(tmp) / "idx", fingerprint="bench").index
        print(f"save: {saved:.2f} s ({size / 2**20:,.0f} MiB on disk)   "
              f"load (checksums verified): {time.perf_counter() - t:.2f} s")

    index.top(queries[0], args.k)  # warm-up
    fast = []
    for q in queries:
        t = time.perf_counter()
        index.top(q, args.k)
        fast.append(time.perf_counter() - t)
    print(f"Bm25Index.top(k={args.k}):           {ms(fast)}")

    t = time.perf_counter()
    ref = BM25Okapi(docs)
    print(f"rank_bm25.BM25Okapi build: {time.perf_counter() - t:.2f} s")
    slow = []
    mismatches = 0
    for q in queries[: args.ref_queries]:
        t = time.perf_counter()
        ref_ids, ref_scores = ref_top(ref, q, args.k)
        slow.append(time.perf_counter() - t)
        ids, scores = index.top(q, args.k)
        # Ties aside: same score sequence, and every id we return has that score in rank-bm25.
        if not (np.allclose(scores, ref_scores[ref_ids], rtol=1e-9, atol=0)
                and np.allclose(ref_scores[ids], scores, rtol=1e-9, atol=0)):
            mismatches += 1
    print(f"rank-bm25 get_scores+argsort:     {ms(slow)}")
    sample = fast[: len(slow)]
    print(f"speed-up (median, same queries):  {np.median(slow) / np.median(sample):,.0f}x   "
          f"(all queries: {np.median(slow) / np.median(fast):,.0f}x)")
    print(f"top-{args.k} equal to rank-bm25 (ties aside): {len(slow) - mismatches}/{len(slow)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS (whole run, incl. rank-bm25 and the corpus lists): {peak:,.0f} MiB")
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
