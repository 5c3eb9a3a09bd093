"""Scale benchmark: build, warm start, query latency against rank-bm25, append, memory.

    python -m benchmarks.scale --articles 20000      # ~200k sentences
    python -m benchmarks.scale --articles 100000     # ~1M sentences
    python -m benchmarks.scale --corpus my.jsonl

Each stage runs in its own child process so that its peak RSS
(`ru_maxrss`) is its own: cold (parse + split + analyse + index + save, then
in the same process plain rank-bm25's regex tokenising of the same sentences
and `BM25Okapi` over them), warm (reopen the saved index, then time queries:
`Engine.search`, the raw `Bm25Index.top`, and rank-bm25's
`BM25Okapi.get_scores` + argsort over the very same tokens in the same
process), ask (end to end: `python -m bot ask --jsonl` with the questions on
stdin, against rank-bm25 answering the same questions in the same run:
regex tokens, `get_scores`, top 3), append (+1% articles on a copy).
Queries are the seed evaluation questions (`benchmarks/data/seed_eval.jsonl`),
falling back to FacQA valid questions, analysed with the real analyzer; the
ask phase uses every FacQA train/valid question and the seed questions.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import psutil

from benchmarks.make_corpus import FACQA_DIR, OUT_DIR, default_path, write_corpus

if TYPE_CHECKING:
    from retrieval.search import Engine

SEED_EVAL = Path(__file__).resolve().parent / "data" / "seed_eval.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=None, help="use this JSONL corpus instead of generating one")
    parser.add_argument("--rank-bm25-queries", type=int, default=None,
                        help="queries timed through rank-bm25 (default: all up to 200k sentences, else 20)")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over the queries (fast paths)")
    parser.add_argument("--ask-rank-bm25", type=int, default=100,
                        help="questions rank-bm25 answers in the ask comparison (it takes ~0.3 s each at 200k)")
    parser.add_argument("--skip", nargs="*", default=(), choices=("warm", "ask", "append"),
                        help="phases to leave out (leaving out warm also leaves out ask and append)")
    parser.add_argument("--workers", type=int, default=None,
                        help="build worker processes (default: BUILD_WORKERS's default, every core)")
    parser.add_argument("--phase", choices=("cold", "warm", "ask", "append"), help=argparse.SUPPRESS)
    parser.add_argument("--index-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        result = _PHASES[args.phase](args)
        result["peak_rss_mb"] = _peak_rss_mb()
        print(json.dumps(result))
        return 0
    return _run(args)


# --- parent: orchestrate and print --------------------------------------------------


def _run(args: argparse.Namespace) -> int:
    print(_machine())
    corpus = args.corpus
    if corpus is None:
        corpus = default_path(args.articles, args.seed)
        if not corpus.exists():
            began = time.perf_counter()
            write_corpus(corpus, args.articles, seed=args.seed)
            print(f"generated {corpus} in {time.perf_counter() - began:.1f} s")
    print(f"corpus: {corpus} ({corpus.stat().st_size / 1e6:.1f} MB)")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="scale-", dir=OUT_DIR))
    try:
        index_dir = work / "index"
        cold = _child("cold", args, corpus, index_dir)
        print(f"articles {cold['articles']:,}, sentences {cold['sentences']:,}, vocabulary {cold['vocabulary']:,}")
        print(f"corpus load (parse only, streamed) {cold['parse_s']:.2f} s")
        print(f"cold build (split+analyse+index, {cold['workers']} worker process(es)) {cold['build_s']:.2f} s wall,"
              f" {cold['build_cpu_s']:.2f} s CPU; save {cold['save_s']:.2f} s,"
              f" index on disk {cold['index_mb']:.1f} MB; peak RSS {cold['peak_rss_before_rank_bm25_mb']:.0f} MB")
        print(f"  rank-bm25 on the same sentences: regex tokenise {cold['rank_bm25_tokenise_s']:.2f} s"
              f" + BM25Okapi {cold['rank_bm25_build_s']:.2f} s = {cold['rank_bm25_total_s']:.2f} s wall,"
              f" {cold['rank_bm25_cpu_s']:.2f} s CPU; Kutip build / rank-bm25"
              f" {cold['build_s'] / cold['rank_bm25_total_s']:.2f}x wall,"
              f" {cold['build_cpu_s'] / cold['rank_bm25_cpu_s']:.2f}x CPU"
              f" ({cold['cpus']} CPUs, load average {cold['load']})")

        if "warm" in args.skip:
            return 0
        warm = _child("warm", args, corpus, index_dir)
        print(f"warm start {warm['warm_s']:.2f} s wall, {warm['warm_cpu_s']:.2f} s CPU ({warm['build']}:"
              f" digest {warm['timings'].get('digest', 0):.2f}, load index {warm['timings'].get('load_index', 0):.2f},"
              f" parse {warm['timings'].get('parse', 0):.2f}, engine {warm['engine_s']:.2f});"
              f" RSS after warm start {warm['rss_after_warm_mb']:.0f} MB; load average {warm['load']}")
        print(f"queries: {warm['queries']} ({warm['query_source']}), {args.rounds} rounds")
        for name in ("engine_search", "engine_search_cpu", "index_top10", "rank_bm25_top10"):
            m = warm[name]
            print(f"  {name:17s} median {m['median_ms']:8.3f} ms  p95 {m['p95_ms']:8.3f} ms  (n={m['n']})")
        print(f"  rank-bm25 over {warm['rank_bm25_queries']} queries; BM25Okapi construction {warm['rank_bm25_build_s']:.1f} s,"
              f" tokenising all sentences {warm['tokenise_s']:.1f} s")
        print(f"  ratio rank-bm25 / index.top (median) {warm['ratio_median']:.0f}x,"
              f" per-query mean ratio {warm['ratio_mean']:.0f}x; same top 10 as rank-bm25 (ties aside):"
              f" {warm['same_top10']}/{warm['rank_bm25_queries']}")
        print(f"  peak RSS warm start + queries {warm['peak_rss_before_rank_bm25_mb']:.0f} MB;"
              f" with rank-bm25 loaded {warm['peak_rss_mb']:.0f} MB")

        if "ask" not in args.skip:
            ask = _child("ask", args, corpus, index_dir)
            print(f"ask --jsonl end to end, {ask['questions']} questions: {ask['kutip_total_s']:.2f} s"
                  f" ({ask['kutip_per_q_ms']:.2f} ms per question with start-up,"
                  f" {ask['kutip_steady_ms']:.2f} ms without its {ask['kutip_start_s']:.2f} s start-up)")
            print(f"  rank-bm25 (regex tokens, get_scores, top 3) over {ask['rank_bm25_questions']} of them:"
                  f" {ask['rank_bm25_per_q_ms']:.1f} ms per question; rank-bm25 / Kutip"
                  f" {ask['ratio']:.0f}x ({ask['ratio_steady']:.0f}x without start-up); load average {ask['load']}")
            print(f"  CPU time: Kutip {ask['kutip_per_q_cpu_ms']:.2f} ms per question with its"
                  f" {ask['kutip_start_cpu_s']:.2f} s start-up, rank-bm25 {ask['rank_bm25_per_q_cpu_ms']:.1f} ms;"
                  f" rank-bm25 / Kutip {ask['ratio_cpu']:.0f}x")
        if "append" in args.skip:
            return 0
        append = _child("append", args, corpus, index_dir, work=work)
        print(f"append +{append['added']:,} articles (+1%): {append['append_s']:.2f} s total ({append['build']}:"
              f" {', '.join(f'{k} {v:.2f}' for k, v in append['timings'].items())}); peak RSS {append['peak_rss_mb']:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _child(phase: str, args: argparse.Namespace, corpus: Path, index_dir: Path, *, work: Path | None = None) -> dict:
    command = [sys.executable, "-m", "benchmarks.scale", "--phase", phase, "--corpus", str(corpus),
               "--index-dir", str(index_dir), "--rounds", str(args.rounds), "--seed", str(args.seed),
               "--ask-rank-bm25", str(args.ask_rank_bm25)]
    if args.rank_bm25_queries is not None:
        command += ["--rank-bm25-queries", str(args.rank_bm25_queries)]
    if args.workers is not None:
        command += ["--workers", str(args.workers)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{phase} phase failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- children -------------------------------------------------------------------------


def _cold(args: argparse.Namespace) -> dict:
    from retrieval.build import build_workers
    from retrieval.corpus import load_corpus
    from retrieval.progress import Progress
    from retrieval.store import open_engine

    began, cpu = time.perf_counter(), time.process_time()
    corpus = load_corpus(args.corpus)
    parse_s, parse_cpu = time.perf_counter() - began, time.process_time() - cpu
    del corpus
    # CPU of every process of the build (workers are reaped before the builder
    # reports it is done): from before open_engine to that report, less a parse.
    cpu_before = _cpu_all()
    cpu_done: list[float] = []

    def progress(p: Progress) -> None:
        if p.done:
            cpu_done.append(_cpu_all())

    opened = open_engine(args.corpus, index_dir=args.index_dir, progress=progress, workers=args.workers)
    assert opened.build == "built", opened.reason
    build_cpu = cpu_done[0] - cpu_before - parse_cpu
    size = sum(p.stat().st_size for p in args.index_dir.rglob("*") if p.is_file())
    peak_before = _peak_rss_mb()
    # rank-bm25's own way over the very sentences Kutip indexed: lower-cased \w+
    # tokens (benchmarks.quality.Bm25Reference), then BM25Okapi.
    texts = [s.text for s in opened.engine._sentences]
    cpu = time.process_time()
    tokenise_s, build_s, _reference = _rank_bm25_build(texts)
    rank_bm25_cpu = time.process_time() - cpu
    del _reference, texts
    return {
        "parse_s": parse_s,
        "build_s": opened.timings["build"],
        "build_cpu_s": build_cpu,
        "workers": build_workers(args.workers),
        "rank_bm25_cpu_s": rank_bm25_cpu,
        "save_s": opened.timings["save"],
        "articles": len(opened.engine.articles),
        "sentences": opened.engine.sentence_count,
        "vocabulary": opened.engine._index.vocabulary_size,
        "index_mb": size / 1e6,
        "rank_bm25_tokenise_s": tokenise_s,
        "rank_bm25_build_s": build_s,
        "rank_bm25_total_s": tokenise_s + build_s,
        "peak_rss_before_rank_bm25_mb": peak_before,
        "cpus": os.cpu_count(),
        "load": _load(),
    }


_TOKEN = re.compile(r"\w+")


def _rank_bm25_build(texts: list[str]):  # type: ignore[no-untyped-def]
    from rank_bm25 import BM25Okapi

    began = time.perf_counter()
    tokens = [_TOKEN.findall(t.lower()) for t in texts]
    tokenise_s = time.perf_counter() - began
    began = time.perf_counter()
    reference = BM25Okapi(tokens)
    build_s = time.perf_counter() - began
    return tokenise_s, build_s, reference


def _ask(args: argparse.Namespace) -> dict:
    """`python -m bot ask --jsonl` end to end, then rank-bm25 on the same questions, in one run."""
    import numpy as np

    from retrieval.store import open_engine

    questions = _ask_questions()
    command = [sys.executable, "-m", "bot", "ask", "--jsonl", "--corpus", str(args.corpus),
               "--index-dir", str(args.index_dir)]
    root = Path(__file__).resolve().parent.parent

    cpu_used: list[float] = []

    def run(lines: list[str]) -> float:
        began = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(command, input="".join(q + "\n" for q in lines), capture_output=True, text=True,
                              cwd=root)
        took = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_used.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode != 0 or len(done.stdout.splitlines()) != len(lines):
            raise SystemExit(f"ask failed (exit {done.returncode}): {done.stderr[-2000:]}")
        return took

    start_s = min(run([]) for _ in range(2))  # start-up alone: open the saved index, answer nothing
    start_cpu_s = min(cpu_used)
    total_s = run(questions)
    total_cpu_s = cpu_used[-1]
    engine = open_engine(args.corpus, index_dir=args.index_dir).engine
    texts = [s.text for s in engine._sentences]
    del engine
    _tok, _build, reference = _rank_bm25_build(texts)
    del texts
    picks = np.linspace(0, len(questions) - 1, num=min(args.ask_rank_bm25, len(questions))).round().astype(int)
    began, began_cpu = time.perf_counter(), time.process_time()
    for i in picks.tolist():
        scores = reference.get_scores(_TOKEN.findall(questions[i].lower()))
        best = np.argpartition(-scores, 3)[:3]
        best[np.argsort(-scores[best], kind="stable")]
    ref_ms = (time.perf_counter() - began) * 1000 / len(picks)
    ref_cpu_ms = (time.process_time() - began_cpu) * 1000 / len(picks)
    per_q = total_s * 1000 / len(questions)
    steady = (total_s - start_s) * 1000 / len(questions)
    return {
        "questions": len(questions),
        "kutip_total_s": total_s,
        "kutip_start_s": start_s,
        "kutip_per_q_ms": per_q,
        "kutip_steady_ms": steady,
        "rank_bm25_questions": len(picks),
        "rank_bm25_per_q_ms": ref_ms,
        "ratio": ref_ms / per_q,
        "ratio_steady": ref_ms / steady,
        "kutip_start_cpu_s": start_cpu_s,
        "kutip_per_q_cpu_ms": total_cpu_s * 1000 / len(questions),
        "rank_bm25_per_q_cpu_ms": ref_cpu_ms,
        "ratio_cpu": ref_cpu_ms / (total_cpu_s * 1000 / len(questions)),
        "load": _load(),
    }


def _warm(args: argparse.Namespace) -> dict:
    from rank_bm25 import BM25Okapi

    import config.settings  # noqa: F401  (imported before any open by the bot and `ask`: not warm-start work)
    from retrieval.store import open_engine

    began, began_cpu = time.perf_counter(), time.process_time()
    opened = open_engine(args.corpus, index_dir=args.index_dir)
    warm_s = time.perf_counter() - began
    warm_cpu_s = time.process_time() - began_cpu
    assert opened.build == "loaded", opened.reason
    engine = opened.engine
    index = engine._index
    analyzer = engine.analyzer
    rss_after_warm = psutil.Process().memory_info().rss / 2**20

    questions, source = _questions()
    terms = [analyzer.terms(q) for q in questions]
    for q in questions[:5]:
        engine.search(q)  # warm caches (stemmer, page cache) before timing
    search_cpu: list[float] = []
    search_ms = _timed_rounds(lambda i: engine.search(questions[i]), len(questions), args.rounds, search_cpu)
    top_ms = _timed_rounds(lambda i: index.top(terms[i], 10), len(questions), args.rounds)
    peak_before = _peak_rss_mb()

    # rank-bm25 over exactly the index's tokens.
    began = time.perf_counter()
    tokens = _index_tokens(engine)
    tokenise_s = time.perf_counter() - began
    began = time.perf_counter()
    reference = BM25Okapi(tokens)
    build_s = time.perf_counter() - began
    del tokens
    n_ref = args.rank_bm25_queries
    if n_ref is None:
        n_ref = len(questions) if index.n_docs <= 250_000 else 20
    picks = np.linspace(0, len(questions) - 1, num=min(n_ref, len(questions))).round().astype(int).tolist()
    ref_ms: list[float] = []
    top_pick_ms: list[float] = []
    same = 0
    for i in picks:
        began = time.perf_counter()
        scores = reference.get_scores(terms[i])
        best = np.argsort(-scores, kind="stable")[:10]
        ref_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        ids, fast = index.top(terms[i], 10)
        top_pick_ms.append((time.perf_counter() - began) * 1000)
        same += _same_top(scores, best, ids, fast)
    ratios = [r / t for r, t in zip(ref_ms, top_pick_ms)]
    return {
        "build": opened.build,
        "timings": dict(opened.timings),
        "warm_s": warm_s,
        "warm_cpu_s": warm_cpu_s,
        "load": _load(),
        "engine_s": warm_s - sum(opened.timings.values()),
        "rss_after_warm_mb": rss_after_warm,
        "queries": len(questions),
        "query_source": source,
        "engine_search": _summary(search_ms),
        "engine_search_cpu": _summary(search_cpu),
        "index_top10": _summary(top_ms),
        "rank_bm25_top10": _summary(ref_ms),
        "rank_bm25_queries": len(picks),
        "rank_bm25_build_s": build_s,
        "tokenise_s": tokenise_s,
        "ratio_median": statistics.median(ref_ms) / statistics.median(top_ms),
        "ratio_mean": statistics.fmean(ratios),
        "same_top10": same,
        "peak_rss_before_rank_bm25_mb": peak_before,
    }


def _append(args: argparse.Namespace) -> dict:
    from retrieval.store import open_engine

    assert args.index_dir is not None
    work = args.index_dir.parent
    corpus = work / "grown.jsonl"
    index_dir = work / "index-append"
    shutil.copyfile(args.corpus, corpus)
    shutil.copytree(args.index_dir, index_dir)
    # The hint names the article versions the index covers; the copy holds them.
    existing = sum(1 for line in corpus.open("rb") if line.strip())
    added = max(1, existing // 100)
    write_corpus(corpus, added, seed=args.seed, start=existing, append=True)
    began = time.perf_counter()
    opened = open_engine(corpus, index_dir=index_dir)
    append_s = time.perf_counter() - began
    return {"build": opened.build, "added": added, "append_s": append_s, "timings": dict(opened.timings)}


_PHASES = {"cold": _cold, "warm": _warm, "ask": _ask, "append": _append}


# --- helpers ----------------------------------------------------------------------------


def _questions() -> tuple[list[str], str]:
    if SEED_EVAL.is_file():
        questions = [json.loads(line)["question"] for line in SEED_EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
        if questions:
            return questions, "seed_eval.jsonl"
    from benchmarks.facqa import facqa_questions

    return [q for q, _a in facqa_questions(FACQA_DIR, "valid")], "FacQA valid"


def _ask_questions() -> list[str]:
    """FacQA train and valid questions, then the seed questions (about 3,000)."""
    from benchmarks.facqa import SPLITS, facqa_questions

    questions = [q for split in SPLITS for q, _a in facqa_questions(FACQA_DIR, split)]
    questions += _questions()[0] if SEED_EVAL.is_file() else []
    return [" ".join(q.split()) for q in questions if q.strip()]


def _cpu_all() -> float:
    """CPU seconds (user + system) of this process and its reaped children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _index_tokens(engine: Engine) -> list[list[str]]:
    """Each sentence's terms as the index holds them (with its article's acronyms)."""
    from retrieval.acronyms import ArticleAcronyms

    analyzer, tokens = engine.analyzer, []
    article_id, acronyms = None, ArticleAcronyms()
    for sentence in engine._sentences:
        if sentence.article_id != article_id:
            article_id = sentence.article_id
            acronyms = ArticleAcronyms.find(engine.article(article_id).text, analyzer)
        tokens.append(acronyms.extend(sentence.text, analyzer.terms(sentence.text)))
    return tokens


def _timed_rounds(run, n: int, rounds: int, cpu: list[float] | None = None) -> list[float]:  # type: ignore[no-untyped-def]
    """Wall ms per call; with `cpu`, this process's CPU ms per call go there (a shared machine's
    wall clock also counts other processes' turns)."""
    times: list[float] = []
    for _ in range(rounds):
        for i in range(n):
            began, began_cpu = time.perf_counter(), time.process_time()
            run(i)
            times.append((time.perf_counter() - began) * 1000)
            if cpu is not None:
                cpu.append((time.process_time() - began_cpu) * 1000)
    return times


def _summary(ms: list[float]) -> dict:
    ordered = sorted(ms)
    return {
        "median_ms": statistics.median(ordered),
        "p95_ms": ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))],
        "n": len(ordered),
    }


def _same_top(scores: np.ndarray, best: np.ndarray, ids: np.ndarray, fast: np.ndarray) -> bool:
    """Same top 10 as rank-bm25 up to ties: equal scores rank by rank, equal ids where a score is untied."""
    k = len(fast)
    ref = scores[best[:k]]
    if k == 0 or not np.allclose(ref, fast, rtol=1e-12, atol=0.0):
        return k == 0 and not (scores > 0).any()
    for doc, fast_doc, score in zip(best[:k].tolist(), ids.tolist(), ref.tolist()):
        tied = np.count_nonzero(np.isclose(scores, score, rtol=1e-12, atol=0.0)) > 1
        if not tied and doc != fast_doc:
            return False
    return True


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return (f"machine: {cpu}, {psutil.cpu_count()} CPUs, {memory:.0f} GiB RAM; Python {platform.python_version()},"
            f" NumPy {np.__version__}")


if __name__ == "__main__":
    sys.exit(main())
