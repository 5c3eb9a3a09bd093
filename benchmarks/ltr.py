"""Fit the weights of the engine's log-linear ranking score on FacQA *train* (and the seed set).

    python -m benchmarks.ltr [--valid]

Every question's candidates (`Engine._candidates`) become feature vectors; a
candidate is right when its sentence contains the expected phrase. Pairwise
logistic regression (right vs wrong candidate of one question, plain NumPy,
L2) learns the weights, which then ship as plain numbers in `Tuning`.
`--valid` also prints candidate-level Recall@1 on FacQA valid (report only).
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence

import numpy as np

from benchmarks.facqa import facqa_articles
from benchmarks.quality import BUNDLED_CORPUS, DEFAULT_FACQA, EvalQuestion, facqa_eval_set, load_eval_set, normalise
from retrieval.corpus import load_corpus
import dataclasses

from retrieval.search import FEATURE_NAMES, Engine, Tuning


def collect(engine: Engine, questions: Sequence[EvalQuestion]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per answerable question: candidate features, right/wrong labels, current engine scores."""
    tuning = dataclasses.replace(engine._tuning, learned=())
    out = []
    for item in questions:
        if item.expect is None:
            continue
        units = engine._units(item.question)
        if not units:
            continue
        wanted = normalise(item.expect)
        rows, labels, base = [], [], []
        for sid, features in engine._candidates(item.question, units, pool=tuning.candidates + 10):
            if features.window_coverage < tuning.hit_coverage:
                continue
            rows.append(features.vector(tuning))
            labels.append(wanted in normalise(engine.sentence(sid).text))
            base.append(features.hand_score(tuning) - 1e-9 * sid)
        if rows:
            out.append((np.array(rows), np.array(labels), np.array(base)))
    return out


def fit(groups, *, l2: float = 1.0, iterations: int = 300) -> np.ndarray:
    diffs = []
    for x, y, _ in groups:
        if y.any() and not y.all():
            pos, neg = x[y], x[~y]
            d = (pos[:, None, :] - neg[None, :, :]).reshape(-1, x.shape[1])
            # Each question weighs the same however many pairs it has.
            diffs.append((d, np.full(len(d), 1.0 / len(d))))
    d = np.concatenate([a for a, _ in diffs])
    w_pair = np.concatenate([b for _, b in diffs])
    w = np.zeros(d.shape[1])
    n_q = len(diffs)
    for _ in range(iterations):  # Newton steps on the L2-regularised logistic loss
        z = d @ w
        p = 1 / (1 + np.exp(-z))
        grad = -(d.T @ (w_pair * (1 - p))) / n_q + l2 * w / n_q
        hess = (d.T * (w_pair * p * (1 - p))) @ d / n_q + l2 * np.eye(len(w)) / n_q
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fit_listwise(groups, *, l2: float = 1.0, steps: int = 1500) -> np.ndarray:
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


def recall_at(groups, scorer, k: int = 1) -> float:
    hits = 0
    for x, y, base in groups:
        s = scorer(x, base)
        order = np.argsort(-s, kind="stable")
        hits += bool(y[order[:k]].any())
    return hits / len(groups)


LISTWISE = True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--valid", action="store_true")
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--drop", default="", help="comma-separated feature names to leave out")
    parser.add_argument("--pairwise", action="store_true")
    args = parser.parse_args(argv)
    global LISTWISE
    LISTWISE = not args.pairwise
    facqa_engine = Engine.from_articles(facqa_articles(DEFAULT_FACQA))
    seed_engine = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
    train = collect(facqa_engine, facqa_eval_set(DEFAULT_FACQA, "train"))
    seed = collect(seed_engine, load_eval_set())
    valid = collect(facqa_engine, facqa_eval_set(DEFAULT_FACQA, "valid")) if args.valid else []
    keep = np.array([name not in args.drop.split(",") for name in FEATURE_NAMES])
    base_scorer = lambda x, base: base  # noqa: E731
    print(f"candidate R@1 now: train {recall_at(train, base_scorer):.3f} seed {recall_at(seed, base_scorer):.3f}"
          + (f" valid {recall_at(valid, base_scorer):.3f}" if valid else ""))
    # 5-fold cross-validation on train questions, so the figure is not in-sample.
    order = list(range(len(train)))
    random.Random(7).shuffle(order)
    cv_hits = 0.0
    for fold in range(5):
        held = set(order[fold::5])
        w = _fit_kept([g for i, g in enumerate(train) if i not in held] + seed, keep, args.l2)
        cv_hits += recall_at([train[i] for i in held], lambda x, b: x @ w) * len(held)
    w = _fit_kept(train + seed, keep, args.l2)
    scorer = lambda x, base: x @ w  # noqa: E731
    print(f"fitted: train cv {cv_hits / len(train):.3f} train {recall_at(train, scorer):.3f}"
          f" R@3 {recall_at(train, scorer, 3):.3f} seed {recall_at(seed, scorer):.3f}/{recall_at(seed, scorer, 3):.3f}"
          + (f" valid {recall_at(valid, scorer):.3f}/{recall_at(valid, scorer, 3):.3f}" if valid else ""))
    for name, value in zip(FEATURE_NAMES, w):
        print(f"  {name:>20} {value:+.4f}")
    print("learned=(" + ", ".join(f"{value:.3f}" for value in w) + ")")
    return 0


def _fit_kept(groups, keep, l2):
    sub = [(x[:, keep], y, b) for x, y, b in groups]
    w = np.zeros(len(keep))
    w[keep] = (fit_listwise if LISTWISE else fit)(sub, l2=l2)
    return w


if __name__ == "__main__":
    raise SystemExit(main())
