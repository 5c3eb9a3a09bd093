"""Fit the abstention model (retrieval/abstention.py) on IDK-MRC and FacQA *train*.

    python -m benchmarks.abstention [--cache DIR] [--trees ROUNDS] [--removed] [--write] [--report]

Every question of IDK-MRC train (half of them unanswerable) and FacQA train (all
answerable) is asked with the hand rules alone (`Engine.judge`); the questions
those rules answer become rows of `Signals`, labelled unanswerable or not. A
logistic regression (plain NumPy, L2), or with `--trees` LightGBM's boosted trees
(the `bench` extra), learns P(unanswerable); the threshold is
the lowest at which the model declines at most `--budget` of IDK-MRC train's
answerable questions and at most `--facqa-lost` FacQA train questions the rules
answer right at rank 1. `--removed` also fits on FacQA train asked over the news
passages without its own (`without_own_passage`), labelled unanswerable.
`--write` stores the model as JSON in retrieval/abstention.json. `--report`
prints what the model does on the valid splits, the seed set and the blind
seed-corpus sets (report only: nothing is fitted on them).
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.facqa import facqa_articles, facqa_questions_by_passage
from benchmarks.quality import (
    BUNDLED_CORPUS,
    DEFAULT_FACQA,
    DEFAULT_IDKMRC,
    SEED_EVAL,
    EvalQuestion,
    _first_right,
    blind_sets,
    facqa_eval_set,
    idkmrc_eval_set,
    load_eval_set,
    normalise,
)
from retrieval.abstention import Abstention, Signals
from retrieval.ranktrees import RankTrees
from retrieval.corpus import load_corpus
from retrieval.records import Article
from retrieval.search import Engine

# IDK-MRC valid has 358 paragraphs: train is asked in shards of about that many.
IDK_SHARD = 366
MODEL_PATH = Path(__file__).resolve().parent.parent / "retrieval" / "abstention.json"


@dataclass(frozen=True, slots=True)
class Rows:
    """One question set asked with the hand rules: a row per question."""

    x: np.ndarray  # Signals.vector() (NaN row when the rules declined)
    unanswerable: np.ndarray  # bool
    declined: np.ndarray  # the hand rules declined
    right1: np.ndarray  # answerable and right at rank 1 (with the rules)
    right3: np.ndarray  # ... within rank 3
    kinds: np.ndarray  # question type (str)

    @classmethod
    def concatenated(cls, parts: Sequence[Rows]) -> Rows:
        """The rows of `parts` one after another (a set asked in shards or blocks)."""
        return cls(*(np.concatenate([getattr(p, f) for p in parts]) for f in cls.__dataclass_fields__))


def collect(engine: Engine, questions: Sequence[EvalQuestion]) -> Rows:
    width = len(Signals.names_())
    x, unans, declined, r1, r3, kinds = [], [], [], [], [], []
    for item in questions:
        answer, signals = engine.judge(item.question, k=10)
        x.append(signals.vector() if signals is not None else [np.nan] * width)
        unans.append(item.expect is None)
        declined.append(not answer.answered)
        rank = None if item.expect is None else _first_right(answer.hits, (item.expect, *item.also), item.article_id)
        r1.append(rank == 1)
        r3.append(rank is not None and rank <= 3)
        kinds.append(item.kind)
    return Rows(
        np.array(x, dtype=float).reshape(-1, width), np.array(unans, dtype=bool), np.array(declined, dtype=bool),
        np.array(r1, dtype=bool), np.array(r3, dtype=bool), np.array(kinds, dtype=str),
    )


def load_rows(name: str, cache: Path | None) -> Rows:
    """Rows of one question set (`idk-train`, `idk-valid`, `facqa-train`, `facqa-valid`, `seed`), cached as .npz."""
    file = cache / f"{name}.npz" if cache is not None else None
    if file is not None and file.is_file():
        with np.load(file, allow_pickle=False) as data:
            if data["x"].shape[1] == len(Signals.names_()):
                return Rows(*(data[key] for key in ("x", "unanswerable", "declined", "right1", "right3", "kinds")))
    set_name, _, split = name.partition("-")
    if name == "facqa-removed":
        rows = without_own_passage()
        _save(file, rows)
        return rows
    if set_name == "idk":
        articles, questions = idkmrc_eval_set(DEFAULT_IDKMRC, split)
        if split == "train":
            rows = _sharded(articles, questions)
            _save(file, rows)
            return rows
    elif set_name == "facqa":
        articles, questions = facqa_articles(DEFAULT_FACQA), facqa_eval_set(DEFAULT_FACQA, split)
    else:
        # "seed", or a blind seed-corpus set ("blind1" is seed_blind1.jsonl): reported, never fitted on.
        path = SEED_EVAL if name == "seed" else SEED_EVAL.with_name(f"seed_{name}.jsonl")
        articles, questions = load_corpus(BUNDLED_CORPUS).articles, load_eval_set(path)
    rows = collect(Engine.from_articles(articles).abstaining(None), questions)
    _save(file, rows)
    return rows


def _sharded(articles: Sequence[Article], questions: Sequence[EvalQuestion], *, size: int = IDK_SHARD) -> Rows:
    """IDK-MRC train asked over shards of `size` paragraphs, the size of its valid split.

    Over all 3,659 paragraphs at once the idf of every word and the competition
    between paragraphs differ from a corpus of a few hundred, and a model fitted
    there reads valid-sized corpora wrong.
    """
    parts: list[Rows] = []
    for start in range(0, len(articles), size):
        shard = articles[start : start + size]
        ids = {a.id for a in shard}
        asked = [q for q in questions if q.article_id in ids]
        parts.append(collect(Engine.from_articles(shard).abstaining(None), asked))
    return Rows.concatenated(parts)


# Blocks of FacQA train passages taken out of the corpus at a time (`without_own_passage`).
REMOVED_BLOCKS = 20


def without_own_passage(dataset_dir: Path = DEFAULT_FACQA, *, blocks: int = REMOVED_BLOCKS) -> Rows:
    """FacQA train questions asked over the pooled news passages without their own: news
    questions the corpus does not answer though it holds their names and words elsewhere,
    the kind a reader asks of a news corpus (IDK-MRC's are one word changed). A question
    whose answer text still stands in a passage left in is no row: it may be answered."""
    articles = facqa_articles(dataset_dir)
    triples = facqa_questions_by_passage(dataset_dir, "train")
    passages = sorted({passage for _q, _a, passage in triples})
    blocks = min(blocks, len(passages))
    block_of = {passage: i * blocks // len(passages) for i, passage in enumerate(passages)}
    parts: list[Rows] = []
    for block in range(blocks):
        kept = [a for a in articles if block_of.get(a.id) != block]
        texts = [normalise(a.text) for a in kept]
        asked = [
            EvalQuestion(question, None, "facqa-removed")
            for question, answer, passage in triples
            if block_of[passage] == block and not any(normalise(answer) in text for text in texts)
        ]
        parts.append(collect(Engine.from_articles(kept).abstaining(None), asked))
    return Rows.concatenated(parts)


def _save(file: Path | None, rows: Rows) -> None:
    if file is None:
        return
    file.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        file, x=rows.x, unanswerable=rows.unanswerable, declined=rows.declined, right1=rows.right1,
        right3=rows.right3, kinds=rows.kinds.astype(str),
    )


def fit_logistic(x: np.ndarray, y: np.ndarray, *, weight: np.ndarray, l2: float = 1.0, steps: int = 3000) -> tuple[np.ndarray, float]:
    """Weighted logistic regression on standardised columns (Newton steps), mapped back to raw units."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    xs = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(xs.shape[1])
    penalty = np.full(xs.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(xs @ w)))
        grad = xs.T @ (weight * (p - y)) + penalty * w
        hess = (xs * (weight * p * (1 - p))[:, None]).T @ xs + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    raw = w[:-1] / scale
    bias = w[-1] - float((w[:-1] * mean / scale).sum())
    return raw, bias


def probabilities(model: Abstention, x: np.ndarray) -> np.ndarray:
    columns = [Signals.names_().index(name) for name in model.names]
    z = model.bias + np.nan_to_num(x[:, columns]) @ np.array(model.weights)
    if model.trees is not None:
        read = [Signals.names_().index(name) for name in model.trees.inputs]
        z = z + model.trees.evaluate(np.nan_to_num(x[:, read]))
    return 1 / (1 + np.exp(-np.clip(z, -50, 50)))


# Boosted trees (`--trees ROUNDS`): stumps of up to 4 leaves, so that each reads at most
# a few signals together, and a leaf needs 50 questions, so that none is one data set's quirk.
TREE_PARAMS = {
    "objective": "binary", "num_leaves": 4, "learning_rate": 0.05, "min_data_in_leaf": 50,
    "seed": 1, "deterministic": True, "num_threads": 1, "verbose": -1,
}


def fit_model(x: np.ndarray, y: np.ndarray, *, l2: float, rounds: int, solo: Sequence[str]) -> Abstention:
    """The model fitted on rows `x` (all `Signals`) labelled `y` (1: unanswerable), threshold 1:
    logistic weights, or with `rounds` > 0 boosted trees alone (LightGBM, the `bench` extra)."""
    names = Signals.names_()
    if rounds <= 0:
        raw, bias = fit_logistic(x, y, weight=np.ones(len(y)), l2=l2)
        return Abstention(names, tuple(float(v) for v in raw), float(bias), 1.0, tuple(solo))
    import lightgbm

    from benchmarks.trees import lightgbm_trees

    booster = lightgbm.train(TREE_PARAMS, lightgbm.Dataset(np.nan_to_num(x), y, feature_name=list(names)), rounds)
    trees, used = lightgbm_trees(booster.dump_model())
    # The dump's first tree holds LightGBM's starting log-odds (the train share), so the
    # leaves' sum is the whole log-odds and the bias stays 0.
    return Abstention((), (), 0.0, 1.0, tuple(solo), RankTrees.of([n for n in names if n in used], trees))


def alone(rows: Rows, names: Sequence[str]) -> np.ndarray:
    """Questions the rules answer and one of the `names` signals declines by itself."""
    ok = ~rows.declined & ~np.isnan(rows.x).any(axis=1)
    columns = [Signals.names_().index(name) for name in names]
    return ok & (np.nan_to_num(rows.x)[:, columns] > 0).any(axis=1) if columns else np.zeros(len(ok), dtype=bool)


def outcome(
    rows: Rows, model: Abstention | None, *, p: np.ndarray | None = None, threshold: float | None = None
) -> dict[str, float]:
    """Correct abstention, wrongly abstained, R@1 and R@3 with the rules plus `model`
    (`p`, `threshold`: probabilities and threshold to read instead of the model's own)."""
    declined = rows.declined.copy()
    if model is not None:
        ok = ~np.isnan(rows.x).any(axis=1)
        declined |= alone(rows, model.alone)
        p = probabilities(model, np.nan_to_num(rows.x)) if p is None else np.nan_to_num(p)
        declined |= ok & (p >= (model.threshold if threshold is None else threshold))
    ans = ~rows.unanswerable
    return {
        "R@1": float((rows.right1 & ~declined)[ans].mean()) if ans.any() else float("nan"),
        "R@3": float((rows.right3 & ~declined)[ans].mean()) if ans.any() else float("nan"),
        "abstained": float(declined[rows.unanswerable].mean()) if rows.unanswerable.any() else float("nan"),
        "wrongly": float(declined[ans].mean()) if ans.any() else float("nan"),
        "lost@1": int((rows.right1 & declined & ~rows.declined)[ans].sum()),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.abstention", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=None, help="keep the asked rows here (.npz) for refits")
    parser.add_argument(
        "--budget", type=float, default=0.0, help="share of IDK-MRC train's answerable questions the model may decline"
    )
    parser.add_argument(
        "--facqa-lost", type=int, default=2, help="FacQA train questions right at rank 1 the model may decline"
    )
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument(
        "--trees", type=int, default=0, help="boosted trees of this many rounds instead of logistic weights (0: logistic)"
    )
    parser.add_argument(
        "--folds", type=int, default=10, help="choose the threshold on out-of-fold probabilities (<= 1: in sample)"
    )
    parser.add_argument(
        "--alone", default="antonym", help="binary signals that decline by themselves (comma-separated; '' for none)"
    )
    parser.add_argument(
        "--removed",
        action="store_true",
        help="fit on FacQA train asked without its own passage too (labelled unanswerable)",
    )
    parser.add_argument("--write", action="store_true", help=f"store the model in {MODEL_PATH}")
    parser.add_argument(
        "--report", action="store_true", help="print the valid splits, the seed set and the blind sets too"
    )
    args = parser.parse_args(argv)
    print(fit_and_report(args))
    return 0


def fit_and_report(args: argparse.Namespace) -> str:
    idk, facqa = load_rows("idk-train", args.cache), load_rows("facqa-train", args.cache)
    fitted = [(idk, "idk"), (facqa, "facqa")]
    if args.removed:
        fitted.append((load_rows("facqa-removed", args.cache), "removed"))
    lines = []
    xs, ys = [], []
    solo = tuple(args.alone.split(",")) if args.alone else ()
    for rows, _tag in fitted:
        keep = keep_of(rows, solo)
        xs.append(rows.x[keep])
        ys.append(rows.unanswerable[keep].astype(float))
    x, y = np.vstack(xs), np.concatenate(ys)
    model = fit_model(x, y, l2=args.l2, rounds=args.trees, solo=solo)
    if args.folds > 1:
        # The threshold is chosen on out-of-fold probabilities: each block of rows scored
        # by a model fitted without it, so the budget holds for questions it never saw.
        oof = {tag: np.full(len(rows.x), np.nan) for rows, tag in fitted}
        fold_of = {tag: (np.arange(len(rows.x)) * args.folds) // len(rows.x) for rows, tag in fitted}
        kept_index = {tag: np.flatnonzero(keep_of(rows, solo)) for rows, tag in fitted}
        row_fold = np.concatenate([fold_of[tag][kept_index[tag]] for _rows, tag in fitted])
        for fold in range(args.folds):
            train = row_fold != fold
            f_model = fit_model(x[train], y[train], l2=args.l2, rounds=args.trees, solo=solo)
            for rows, tag in fitted:
                held = fold_of[tag] == fold
                oof[tag][held] = probabilities(f_model, np.nan_to_num(rows.x[held]))
        threshold = choose_threshold(
            model, idk, facqa, budget=args.budget, facqa_lost=args.facqa_lost, given=(oof["idk"], oof["facqa"])
        )
        lines.append(f"out of fold ({args.folds} blocks): " + _fmt(outcome(idk, model, p=oof["idk"], threshold=threshold)))
        if args.removed:
            removed = fitted[-1][0]
            lines.append("  FacQA train without its passage, out of fold: " + _fmt(outcome(removed, model, p=oof["removed"], threshold=threshold)))
    else:
        threshold = choose_threshold(model, idk, facqa, budget=args.budget, facqa_lost=args.facqa_lost)
    model = dataclasses.replace(model, threshold=threshold)
    if model.trees is None:
        lines.append("weights: " + ", ".join(f"{n}={v:+.3f}" for n, v in zip(model.names, model.weights)) + f", bias={model.bias:+.3f}")
    else:
        lines.append(f"{len(model.trees.trees)} trees over {len(model.trees.inputs)} signals: {', '.join(model.trees.inputs)}")
    lines.append(f"threshold {threshold:.4f}")
    sets = [("idk-train", idk), ("facqa-train", facqa)]
    if args.report:
        sets += [
            (name, load_rows(name, args.cache))
            for name in ("idk-valid", "facqa-valid", "seed", *blind_sets())
        ]
    for name, rows in sets:
        before, after = outcome(rows, None), outcome(rows, model)
        lines.append(f"{name:12} rules: " + _fmt(before) + "  | with model: " + _fmt(after))
    if args.write:
        MODEL_PATH.write_text(model.to_json(), encoding="utf-8")
        lines.append(f"wrote {MODEL_PATH}")
    return "\n".join(lines)


def keep_of(rows: Rows, solo: Sequence[str]) -> np.ndarray:
    """Rows the model is fitted on: answered by the rules and not declined by an `alone` signal."""
    return ~rows.declined & ~np.isnan(rows.x).any(axis=1) & ~alone(rows, solo)


def choose_threshold(
    model: Abstention,
    idk: Rows,
    facqa: Rows,
    *,
    budget: float,
    facqa_lost: int,
    given: tuple[np.ndarray, np.ndarray] | None = None,
) -> float:
    """The lowest threshold at which the model declines at most `budget` of IDK-MRC train's
    answerable questions that the rules answer, and at most `facqa_lost` FacQA train questions
    the rules answer right at rank 1 (FacQA's recall must not pay for IDK-MRC's abstention)."""

    def passed(rows: Rows) -> np.ndarray:
        return ~rows.declined & ~np.isnan(rows.x).any(axis=1) & ~alone(rows, model.alone)

    # `given`: the probabilities to read (out of fold) instead of the model's own.
    idk_all, facqa_all = given if given is not None else (
        probabilities(model, np.nan_to_num(idk.x)), probabilities(model, np.nan_to_num(facqa.x))
    )
    idk_p = idk_all[passed(idk) & ~idk.unanswerable]
    facqa_p = facqa_all[passed(facqa) & facqa.right1]
    allowed = int(budget * int((~idk.unanswerable).sum()))
    ordered = np.sort(idk_p)[::-1]
    threshold = float(ordered[allowed]) + 1e-9 if allowed < len(ordered) else 0.0
    if facqa_lost < len(facqa_p):
        threshold = max(threshold, float(np.sort(facqa_p)[::-1][facqa_lost]) + 1e-9)
    return threshold


def _fmt(o: dict[str, float]) -> str:
    return f"R@1 {o['R@1']:.3f} R@3 {o['R@3']:.3f} abst {o['abstained']:.3f} wrong {o['wrongly']:.3f} lost@1 {o['lost@1']}"


if __name__ == "__main__":
    raise SystemExit(main())
