"""Which hand rule declines which IDK-MRC question, and the word it blames.

    python -m benchmarks.declines [--split train|valid] [--out FILE.jsonl] [--jobs N]

Every question of the split is asked with the hand rules alone (`Engine.judge`,
train in valid-sized shards as benchmarks/abstention.py asks it). A declined
question is put down to one rule:

- `unknown_names`: at least half the things the question names are words the corpus never uses;
- `names`: no candidate's article holds one of the things the question names;
- `hit_coverage` / `floor`: no candidate's window covers enough of the question;
- `antonym`, `negated_held`, `negation_dropped`, `count_unmatched`: the abstention signals that decline alone.

It prints, per rule, how many answerable and unanswerable questions it declines,
and with `--out` writes a JSON line per declined question (the rule, the names
missing, the heaviest question words the question's own paragraph lacks) for
reading the wrong declines one by one. Report only: nothing is fitted here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks.abstention import IDK_SHARD
from benchmarks.quality import DEFAULT_IDKMRC, EvalQuestion, idkmrc_eval_set
from retrieval.records import Article
from retrieval.search import Engine

ALONE = ("antonym", "negated_held", "negation_dropped", "count_unmatched")


def _rule(engine: Engine, item: EvalQuestion) -> dict[str, object] | None:
    answer, signals = engine.judge(item.question, k=10)
    asked = engine.read(item.question)
    rule = None
    if answer.missing:
        unknown = [n for n, needed in asked.names if not any(engine._index.has_term(t) for ts in needed for t in ts)]
        rule = "unknown_names" if 2 * len(unknown) >= len(asked.names) else "names"
    elif not answer.answered:
        loose = engine.tuned(dataclasses.replace(engine.tuning, hit_coverage=0.0))
        rule = "hit_coverage" if loose.judge(item.question, k=10)[0].answered else "floor"
    elif signals is not None:
        set_ = [name for name in ALONE if getattr(signals, name) > 0]
        rule = set_[0] if set_ else None
    if rule is None:
        return None
    own = next(i for i, a in enumerate(engine.articles) if a.id == item.article_id)
    first = engine._first_sid[item.article_id]
    own_terms = engine._measurer.article_terms(first)
    lacking = []
    for u in sorted(asked.units, key=lambda u: -u.weight):
        if u.terms.isdisjoint(own_terms):
            words = [w for w, ts in asked.words if not u.terms.isdisjoint(ts)]
            lacking.append(f"{words[0] if words else '?'}:{u.weight:.1f}")
    return {
        "rule": rule,
        "answerable": item.expect is not None,
        "question": item.question,
        "missing": list(answer.missing),
        "lacking": lacking[:4],
        "article": engine.articles[own].text,
    }


def _shard(args: tuple[Sequence[Article], Sequence[EvalQuestion]]) -> list[dict[str, object]]:
    articles, questions = args
    engine = Engine.from_articles(articles).abstaining(None)
    rows = []
    for item in questions:
        row = _rule(engine, item)
        rows.append(row if row is not None else {"rule": None, "answerable": item.expect is not None})
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.declines", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("train", "valid"), default="train")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    articles, questions = idkmrc_eval_set(DEFAULT_IDKMRC, args.split)
    size = IDK_SHARD if args.split == "train" else len(articles)
    shards = []
    for start in range(0, len(articles), size):
        part = articles[start : start + size]
        ids = {a.id for a in part}
        shards.append((part, [q for q in questions if q.article_id in ids]))
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = [row for rows in pool.map(_shard, shards) for row in rows]
    else:
        results = [row for shard in shards for row in _shard(shard)]
    answerable = sum(1 for r in results if r["answerable"])
    unanswerable = len(results) - answerable
    counts = Counter((r["rule"], r["answerable"]) for r in results if r["rule"] is not None)
    print(f"IDK-MRC {args.split}: {answerable} answerable, {unanswerable} unanswerable")
    print(f"{'rule':18} {'unanswerable':>18} {'answerable':>18}")
    for rule in ("unknown_names", "names", "hit_coverage", "floor", *ALONE):
        right, wrong = counts[(rule, False)], counts[(rule, True)]
        print(f"{rule:18} {right:7d} ({right / unanswerable:6.2%}) {wrong:7d} ({wrong / answerable:6.2%})")
    right = sum(v for (_r, a), v in counts.items() if not a)
    wrong = sum(v for (_r, a), v in counts.items() if a)
    print(f"{'all':18} {right:7d} ({right / unanswerable:6.2%}) {wrong:7d} ({wrong / answerable:6.2%})")
    if args.out is not None:
        with args.out.open("w", encoding="utf-8") as out:
            for r in results:
                if r["rule"] is not None:
                    out.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
