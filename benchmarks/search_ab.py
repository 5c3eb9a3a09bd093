"""Engine.search CPU time of two source trees, side by side, over one saved index.

    python -m benchmarks.search_ab --other /path/to/main/worktree \\
        --corpus benchmarks/out/corpus-100000-s1.jsonl --index-dir /tmp/idx1m --rounds 5

On a shared machine two runs one after the other differ by more than a speed
change does (measured here: the same code 8.2 and 11.3 ms median a few minutes
apart). This starts one worker process per tree, both opening the same saved
index (built by the first if missing), and hands them the same question in
turn, alternating which goes first, so both meet the same load. Each worker
times its own `Engine.search` in CPU time (`time.process_time`). Questions are
the seed evaluation questions, as `benchmarks.scale` times them, or with
`--questions ask` the ~3,000 questions its ask phase sends `python -m bot ask`.
Each worker first answers every question once, untimed, so caches are warm;
`--cold` skips that and asks each question once, as `bot ask` meets them.
Prints, for each tree, the median and p95 over every call and over each
question's best round, the mean of the best rounds (what a run of every question
costs a question), and the median of the per-question ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, required=True, help="root of the tree to compare this one with")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--questions", choices=("seed", "ask"), default="seed",
                        help="the seed evaluation questions, or those of benchmarks.scale's ask phase")
    parser.add_argument("--cold", action="store_true",
                        help="no warm-up pass: each worker meets each question once, as `python -m bot ask` does"
                             " (the analyser's and the engine's caches cold; forces one round)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--question-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args)
    if args.cold:
        args.rounds = 1
    trees = {"this": ROOT, "other": args.other.resolve()}
    with tempfile.TemporaryDirectory() as scratch:
        # Both workers read the same list, made here (the other tree need not have this benchmark).
        args.question_file = Path(scratch) / "questions.json"
        args.question_file.write_text(json.dumps(_questions(args.questions)), encoding="utf-8")
        workers = {name: _start(tree, args) for name, tree in trees.items()}
        return _compare(trees, workers, args)


def _compare(trees: dict[str, Path], workers: dict[str, subprocess.Popen[str]], args: argparse.Namespace) -> int:
    loaded = {}
    for name, worker in workers.items():
        assert worker.stdout is not None
        count, _, where = worker.stdout.readline().strip().partition(" ")
        if not count:
            raise SystemExit(f"the worker of {trees[name]} failed")
        questions, loaded[name] = int(count), where
    times: dict[str, list[list[float]]] = {name: [[] for _ in range(questions)] for name in workers}
    for r in range(args.rounds):
        for i in range(questions):
            order = list(workers) if (r + i) % 2 == 0 else list(workers)[::-1]
            for name in order:
                worker = workers[name]
                assert worker.stdin is not None and worker.stdout is not None
                worker.stdin.write(f"{i}\n")
                worker.stdin.flush()
                times[name][i].append(float(worker.stdout.readline()))
    for worker in workers.values():
        assert worker.stdin is not None
        worker.stdin.close()
        worker.wait()
    print(f"{questions} questions x {args.rounds} rounds, CPU ms per Engine.search; load average {os.getloadavg()[0]:.1f}")
    for name in trees:
        every = [t for per in times[name] for t in per]
        best = [min(per) for per in times[name]]
        print(f"  {name:5s} {loaded[name]}: median {statistics.median(every):.3f} p95 {_p95(every):.3f};"
              f" best round per question: median {statistics.median(best):.3f} p95 {_p95(best):.3f}"
              f" mean {statistics.fmean(best):.3f}")
    ratios = [min(a) / min(b) for a, b in zip(times["this"], times["other"])]
    totals = [sum(min(per) for per in times[name]) for name in ("this", "other")]
    print(f"  this / other per question (best rounds): median {statistics.median(ratios):.3f};"
          f" of the best rounds' sums {totals[0] / totals[1]:.3f}")
    return 0


def _questions(which: str) -> list[str]:
    if which == "ask":
        from benchmarks.scale import _ask_questions

        return _ask_questions()
    seed = ROOT / "benchmarks" / "data" / "seed_eval.jsonl"
    return [json.loads(line)["question"] for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]


def _start(tree: Path, args: argparse.Namespace) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    # This file run as a script under the tree's PYTHONPATH: the tree's `retrieval`, this
    # file's questions (the other tree need not have this benchmark).
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", "--other", str(tree),
               "--corpus", str(args.corpus.resolve()), "--index-dir", str(args.index_dir.resolve()),
               "--question-file", str(args.question_file)] + (["--cold"] if args.cold else [])
    return subprocess.Popen(command, cwd=tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _worker(args: argparse.Namespace) -> int:
    import config.settings  # noqa: F401  (as the bot imports it before opening)
    from retrieval.store import open_engine

    questions = json.loads(args.question_file.read_text(encoding="utf-8"))
    engine = open_engine(args.corpus, index_dir=args.index_dir).engine
    if not args.cold:
        for question in questions:
            engine.search(question)  # caches and pages warm before timing
    import retrieval

    print(len(questions), Path(retrieval.__file__).resolve().parent, flush=True)
    for line in sys.stdin:
        question = questions[int(line)]
        began = time.process_time()
        engine.search(question)
        print(f"{(time.process_time() - began) * 1000:.6f}", flush=True)
    return 0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


if __name__ == "__main__":
    raise SystemExit(main())
