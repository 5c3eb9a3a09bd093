"""Cold build of two source trees, alternated, with a timeline of every process's CPU.

    python -m benchmarks.build_ab --other /path/to/main/tree \\
        --corpus benchmarks/out/corpus-20000-s1.jsonl --rounds 2 [--workers 2] [--rank-bm25] [--timeline]

Each round runs one child process per tree (alternating which goes first, so
both meet the same load). A child parses the corpus, then times `Built.build`
alone: wall, and CPU of itself and its reaped worker processes. This process
samples the child's process tree from /proc every 50 ms (a thread in the child
would make the builder choose spawn over fork), so `--timeline` prints, per
half second of the build, how busy the builder (parent) and each worker was:
the build's critical path in one picture. `--rank-bm25` also times rank-bm25's
regex tokenising + `BM25Okapi` over the same sentences in the same child (the
issue's yardstick; ~30 s at a million sentences).

`--save DIR` instead writes each tree's index folder (`open_engine` with
`index_dir`) under DIR/<tree name>/ and compares every file byte for byte.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, help="root of the tree to compare this one with")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--rank-bm25", action="store_true")
    parser.add_argument("--timeline", action="store_true")
    parser.add_argument("--save", type=Path, default=None, help="write both index folders here and compare them")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    trees = {"this": ROOT}
    if args.other is not None:
        trees["other"] = args.other.resolve()
    if args.save is not None:
        return _compare_saved(trees, args)
    results: dict[str, list[dict]] = {name: [] for name in trees}
    for r in range(args.rounds):
        order = list(trees) if r % 2 == 0 else list(trees)[::-1]
        for name in order:
            result = _run(trees[name], args)
            results[name].append(result)
            line = (f"round {r + 1} {name:5}: build {result['wall']:.2f} s wall, {result['cpu']:.2f} s CPU"
                    f" (builder {result['parent_cpu']:.2f} s), {result['sentences']:,} sentences,"
                    f" load {result['load']}")
            if "bm25_wall" in result:
                line += (f"; rank-bm25 {result['bm25_wall']:.2f} s wall, {result['bm25_cpu']:.2f} s CPU"
                         f" = {result['wall'] / result['bm25_wall']:.2f}x")
            print(line, flush=True)
            if args.timeline:
                print(_picture(result["samples"], result["began"], result["ended"]), flush=True)
    for name, rs in results.items():
        walls = sorted(r["wall"] for r in rs)
        cpus = sorted(r["cpu"] for r in rs)
        print(f"{name:5} ({trees[name]}): wall min {walls[0]:.2f} s, CPU min {cpus[0]:.2f} s over {len(rs)} round(s)")
    return 0


def _run(tree: Path, args: argparse.Namespace) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--corpus", str(args.corpus.resolve())]
    if args.workers is not None:
        command += ["--workers", str(args.workers)]
    if args.rank_bm25:
        command.append("--rank-bm25")
    child = subprocess.Popen(command, cwd=tree, stdout=subprocess.PIPE, text=True)
    samples: list[tuple[float, dict[int, float]]] = []
    while child.poll() is None:
        samples.append((time.time(), _tree_cpu(child.pid)))
        time.sleep(0.05)
    assert child.stdout is not None
    out = child.stdout.read()
    if child.returncode != 0:
        raise SystemExit(f"the child in {tree} failed (exit {child.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    result["samples"] = [(t, {pid: cpu for pid, cpu in cpus.items()}) for t, cpus in samples]
    result["parent_cpu"] = _parent_cpu(samples, child.pid, result["began"], result["ended"])
    return result


def _tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds so far of `root` and its live descendants."""
    out: dict[int, float] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rpartition(")")[2].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / _TICK
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError, IndexError):
            continue
    return out


def _parent_cpu(samples: list[tuple[float, dict[int, float]]], pid: int, began: float, ended: float) -> float:
    inside = [cpus.get(pid, 0.0) for t, cpus in samples if began <= t <= ended]
    return inside[-1] - inside[0] if len(inside) > 1 else 0.0


def _picture(samples: list[tuple[float, dict[int, float]]], began: float, ended: float, step: float = 0.5) -> str:
    """Per `step` seconds of the build: each process's share of a core, as a digit 0-9 (# = full)."""
    inside = [(t, cpus) for t, cpus in samples if began - step <= t <= ended + step]
    if len(inside) < 2:
        return "  (no samples)"
    root = min(inside[0][1])  # the child itself has the lowest pid of its tree
    pids = sorted({pid for _t, cpus in inside for pid in cpus})
    buckets = int((ended - began) / step) + 1
    used = {pid: [0.0] * buckets for pid in pids}
    for (t0, c0), (t1, c1) in zip(inside, inside[1:]):
        b = int((t1 - began) / step)
        if not 0 <= b < buckets:
            continue
        for pid in pids:
            if pid in c1:
                used[pid][b] += c1[pid] - c0.get(pid, c1[pid])
    lines = [f"  timeline, {step} s a column, 0-9 = tenths of a core, # = a whole core:"]
    for pid in pids:
        total = sum(used[pid])
        if total < 0.05:
            continue
        name = "builder" if pid == root else f"worker {pid}"
        cells = "".join("#" if u >= step * 0.95 else str(min(9, int(u / step * 10))) for u in used[pid])
        lines.append(f"  {name:>13} {cells} {total:.1f} s")
    return "\n".join(lines)


def _child(args: argparse.Namespace) -> int:
    import gc
    import resource

    sys.path.insert(0, os.getcwd())
    from retrieval.build import Built
    from retrieval.corpus import load_corpus
    from retrieval.search import default_analyzer

    def cpu_all() -> float:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    articles = load_corpus(args.corpus).articles
    analyzer = default_analyzer()
    gc.collect()
    cpu, began, wall = cpu_all(), time.time(), time.perf_counter()
    built = Built.build(articles, analyzer, workers=args.workers)
    wall, ended, cpu = time.perf_counter() - wall, time.time(), cpu_all() - cpu
    result = {"wall": wall, "cpu": cpu, "began": began, "ended": ended, "sentences": len(built.table),
              "load": " ".join(f"{x:.1f}" for x in os.getloadavg())}
    if args.rank_bm25:
        from rank_bm25 import BM25Okapi

        texts = [s.text for s in built.table]
        del built
        gc.collect()
        token = re.compile(r"\w+")
        cpu, wall = time.process_time(), time.perf_counter()
        BM25Okapi([token.findall(t.lower()) for t in texts])
        result["bm25_wall"], result["bm25_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
    print(json.dumps(result))
    return 0


def _compare_saved(trees: dict[str, Path], args: argparse.Namespace) -> int:
    code = (
        "import sys; sys.path.insert(0, '.'); from pathlib import Path;"
        "from retrieval.store import open_engine;"
        f"o = open_engine(Path({str(args.corpus.resolve())!r}), index_dir=Path(sys.argv[1]), workers={args.workers!r});"
        "print(o.build, len(o.engine.articles))"
    )
    folders = {}
    for name, tree in trees.items():
        folder = folders[name] = args.save / name
        shutil.rmtree(folder, ignore_errors=True)
        done = subprocess.run([sys.executable, "-c", code, str(folder)], cwd=tree, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"saving in {tree} failed")
        print(f"{name}: {done.stdout.strip()}")
    a, b = folders.values()
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    others = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    differ = [str(p) for p in files if not filecmp.cmp(a / p, b / p, shallow=False)] if files == others else ["(file lists)"]
    print(f"{len(files)} files; {'all identical' if not differ else 'DIFFER: ' + ', '.join(differ)}")
    return 0 if not differ else 1


if __name__ == "__main__":
    raise SystemExit(main())
