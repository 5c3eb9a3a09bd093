"""Fit the weights of the engine's log-linear ranking score on FacQA *train* (and the seed set).

    python -m benchmarks.ltr [--valid]

Every question's candidates (`Engine.candidates`) become feature vectors; a
candidate is right when its sentence contains the expected phrase. A softmax
over each question's candidates (plain NumPy, Adam, L2) learns the weights that
put the most probability on the right ones; they ship as plain numbers in
`Tuning.learned`. Pairwise logistic regression gave the same figures, so only
this one is kept. 5-fold cross-validation on train reports an out-of-sample
figure; `--valid` also prints candidate-level Recall@1 on FacQA valid (report only).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
from collections.abc import Callable, Sequence

import numpy as np

from benchmarks.facqa import facqa_articles
from benchmarks.quality import BUNDLED_CORPUS, DEFAULT_FACQA, EvalQuestion, facqa_eval_set, load_eval_set, normalise
from retrieval.corpus import load_corpus
from retrieval.ranking import Features
from retrieval.search import Engine

# One question's candidates: feature rows, right/wrong labels, the hand formula's scores.
Group = tuple[np.ndarray, np.ndarray, np.ndarray]


def collect(engine: Engine, questions: Sequence[EvalQuestion]) -> list[Group]:
    """Per answerable question: candidate features, right/wrong labels, current engine scores."""
    tuning = dataclasses.replace(engine.tuning, learned=())
    out = []
    for item in questions:
        if item.expect is None:
            continue
        query = engine.read(item.question)
        if not query.units:
            continue
        wanted = normalise(item.expect)
        rows, labels, base = [], [], []
        for sid, features in engine.candidates(query, pool=tuning.candidates + 10):
            if features.window_coverage < tuning.hit_coverage:
                continue
            rows.append(features.vector(tuning))
            labels.append(wanted in normalise(engine.sentence(sid).text))
            base.append(features.hand_score(tuning) - 1e-9 * sid)
        if rows:
            out.append((np.array(rows), np.array(labels), np.array(base)))
    return out


def fit_listwise(groups: list[Group], *, l2: float = 1.0, steps: int = 1500) -> np.ndarray:
    """Softmax over each question's candidates, maximising the mass on its right ones (Adam)."""
    groups = [g for g in groups if g[1].any() and not g[1].all()]
    width = max(len(g[0]) for g in groups)
    n_f = groups[0][0].shape[1]
    x = np.zeros((len(groups), width, n_f))
    y = np.zeros((len(groups), width), dtype=bool)
    mask = np.zeros((len(groups), width), dtype=bool)
    for i, (gx, gy, _) in enumerate(groups):
        x[i, : len(gx)], y[i, : len(gy)], mask[i, : len(gx)] = gx, gy, True
    scale = x[mask].std(axis=0) + 1e-9  # Adam on standardised features, weights mapped back after
    xs = x / scale
    w = np.zeros(n_f)
    m = np.zeros(n_f)
    v = np.zeros(n_f)
    for t in range(1, steps + 1):
        s = np.where(mask, xs @ w, -np.inf)
        s -= s.max(axis=1, keepdims=True)
        e = np.exp(s)
        p = e / e.sum(axis=1, keepdims=True)
        pos = np.where(y, p, 0.0)
        q = pos / pos.sum(axis=1, keepdims=True)
        grad = np.einsum("gc,gcf->f", p - q, xs) / len(groups) + l2 * w / len(groups)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w / scale


def recall_at(groups: list[Group], scorer: Callable[[np.ndarray, np.ndarray], np.ndarray], k: int = 1) -> float:
    hits = 0
    for x, y, base in groups:
        s = scorer(x, base)
        order = np.argsort(-s, kind="stable")
        hits += bool(y[order[:k]].any())
    return hits / len(groups)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--valid", action="store_true")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--drop", default="", help="comma-separated feature names to leave out")
    parser.add_argument("--seed-weight", type=int, default=1, help="count each seed question this many times")
    args = parser.parse_args(argv)
    facqa_engine = Engine.from_articles(facqa_articles(DEFAULT_FACQA))
    seed_engine = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
    train = collect(facqa_engine, facqa_eval_set(DEFAULT_FACQA, "train"))
    seed = collect(seed_engine, load_eval_set())
    weighted_seed = seed * args.seed_weight
    valid = collect(facqa_engine, facqa_eval_set(DEFAULT_FACQA, "valid")) if args.valid else []
    keep = np.array([name not in args.drop.split(",") for name in Features.NAMES])

    def base_scorer(x: np.ndarray, base: np.ndarray) -> np.ndarray:
        return base

    print(f"candidate R@1 now: train {recall_at(train, base_scorer):.3f} seed {recall_at(seed, base_scorer):.3f}"
          + (f" valid {recall_at(valid, base_scorer):.3f}" if valid else ""))
    # 5-fold cross-validation on train questions, so the figure is not in-sample.
    order = list(range(len(train)))
    random.Random(7).shuffle(order)
    cv_hits = 0.0
    for fold in range(5):
        held = set(order[fold::5])
        w = _fit_kept([g for i, g in enumerate(train) if i not in held] + weighted_seed, keep, args.l2)
        cv_hits += recall_at([train[i] for i in held], lambda x, _base, w=w: x @ w) * len(held)
    w = _fit_kept(train + weighted_seed, keep, args.l2)

    def scorer(x: np.ndarray, base: np.ndarray) -> np.ndarray:
        return x @ w

    print(f"fitted: train cv {cv_hits / len(train):.4f} train {recall_at(train, scorer):.3f}"
          f" R@3 {recall_at(train, scorer, 3):.3f} seed {recall_at(seed, scorer):.3f}/{recall_at(seed, scorer, 3):.3f}"
          + (f" valid {recall_at(valid, scorer):.3f}/{recall_at(valid, scorer, 3):.3f}" if valid else ""))
    for name, value in zip(Features.NAMES, w):
        print(f"  {name:>20} {value:+.4f}")
    print("learned=(" + ", ".join(f"{value:.3f}" for value in w) + ")")
    return 0


def _fit_kept(groups: list[Group], keep: np.ndarray, l2: float) -> np.ndarray:
    sub = [(x[:, keep], y, b) for x, y, b in groups]
    w = np.zeros(len(keep))
    w[keep] = fit_listwise(sub, l2=l2)
    return w


if __name__ == "__main__":
    raise SystemExit(main())
