"""Grid-search the ranking knobs on FacQA *train* and the seed set (valid stays a fair report).

    python -m benchmarks.tune [--train-sample 800] [--grid name=v1,v2 ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import random
from collections.abc import Sequence

from benchmarks.facqa import facqa_articles
from benchmarks.quality import BUNDLED_CORPUS, DEFAULT_FACQA, evaluate, facqa_eval_set, load_eval_set
from retrieval.corpus import load_corpus
from retrieval.ranking import Tuning
from retrieval.search import Engine

DEFAULT_GRID: dict[str, list[float]] = {
    "context_weight": [0.0, 0.3],
    "coverage_weight": [0.5, 1.0],
    "type_bonus": [0.25, 0.5],
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train-sample", type=int, default=800)
    parser.add_argument("--grid", action="append", default=[], help="knob=v1,v2 (float values)")
    args = parser.parse_args(argv)
    grid = dict(DEFAULT_GRID)
    for item in args.grid:
        name, values = item.split("=", 1)
        grid[name] = [float(v) if "." in v else int(v) for v in values.split(",")]
    seed_engine = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
    seed_questions = load_eval_set()
    facqa_engine = Engine.from_articles(facqa_articles(DEFAULT_FACQA))
    train = facqa_eval_set(DEFAULT_FACQA, "train")
    random.Random(7).shuffle(train)
    train = train[: args.train_sample]
    names = list(grid)
    print(" ".join(f"{n:>15}" for n in names), "  seedR1 seedR3 abst  wrong | trR1  trR3  wrong")
    for values in itertools.product(*(grid[n] for n in names)):
        tuning = dataclasses.replace(Tuning(), **dict(zip(names, values)))
        seed = evaluate(seed_engine.tuned(tuning), seed_questions, k=10)
        fac = evaluate(facqa_engine.tuned(tuning), train, k=10)
        print(
            " ".join(f"{v:>15}" for v in values),
            f"  {seed.recall_at_1:.3f}  {seed.recall_at_3:.3f} {seed.correct_abstention or 0:.2f} {seed.wrongly_abstained:.3f}"
            f" | {fac.recall_at_1:.3f} {fac.recall_at_3:.3f} {fac.wrongly_abstained:.3f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
