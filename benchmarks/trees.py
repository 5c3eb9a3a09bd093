"""Fit the ranking trees (`retrieval/ranktrees.py`) on top of the shipped log-linear score.

    python -m benchmarks.ltr --trees [--valid] [--write] [--cache DIR]

LightGBM (the `bench` extra; only here, never at run time) grows a few shallow
trees by lambdarank on the same question groups `benchmarks/ltr.py` collects
(IDK-MRC train in valid-sized shards, FacQA train, the seed set, weighted as
the linear fit weighs them), each question's `Tuning.learned` log score its
starting point, so the trees only correct the order the weights give. The
figures are computed by the engine's own evaluator (`RankTrees`) on the JSON
that would ship, 5-fold out of fold on train, and before/after on valid.
`--write` replaces `retrieval/ranktrees.json`.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval import ranktrees
from retrieval.ranking import Features, Tuning
from retrieval.ranktrees import RankTrees

# Not `place_near` and `name_near`: the weights hold them at 0, so search measures them
# only when the trees read them, and they cost ~0.15 ms a question for nothing measurable.
UNREAD = ("place_near", "name_near")
INPUTS = (*Features.NAMES, *ranktrees.EXTRA)
# Strong shrinkage, few shallow trees, many questions a leaf: the trees nudge the
# order of close candidates and cannot learn one data set's quirks (chosen on
# IDK-MRC and FacQA train out of fold; see the README's quality section).
PARAMS = {
    "objective": "lambdarank",
    "learning_rate": 0.15,
    "num_leaves": 8,
    "max_depth": 3,
    "min_data_in_leaf": 50,
    "lambda_l2": 10.0,
    "lambdarank_truncation_level": 10,
    "verbose": -1,
    "num_threads": 2,
    "deterministic": True,
    "seed": 7,
}
ROUNDS = 150
_UNREAD = np.array([name in UNREAD for name in Features.NAMES])


# What benchmarks/ltr.py records of each candidate beside its feature vector (`record`),
# read back by name: `inputs` forms the trees' `ranktrees.EXTRA` from them.
RECORDED = ("wants", "coverage", "own", "predicate", "listed")


def record(features: Features, listed: bool) -> list[float]:
    """One candidate's `RECORDED` values; `listed`: `Measured.listed`, whether the engine may list it."""
    values = {
        "wants": float(ranktrees.WANTS.index(features.wanted)),
        "coverage": features.coverage,
        "own": features.own,
        "predicate": features.predicate,
        "listed": float(listed),
    }
    return [values[name] for name in RECORDED]


def inputs(x: np.ndarray, z: np.ndarray, learned: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A group's tree inputs (`INPUTS` order) and log-linear scores, as the engine forms them
    (`ranktrees.log_own`, `ranktrees.gap`), and which candidates the engine may list (the
    others are never answers, whatever their order: the trees are fitted on those listed)."""
    linear = x @ learned
    recorded = dict(zip(RECORDED, z.T))
    listed = recorded["listed"] > 0
    extra = {
        "wants": recorded["wants"],
        "coverage": recorded["coverage"],
        "log_own": ranktrees.log_own(recorded["own"]),
        "predicate": recorded["predicate"],
        "linear": linear,
        "gap": ranktrees.gap(linear, listed),
    }
    x = np.where(_UNREAD, 0.0, x)  # a constant column: never split on
    return np.column_stack([x, *(extra[name] for name in ranktrees.EXTRA)])[listed], linear[listed], listed


def fit(parts: Sequence[tuple[list, float]], learned: np.ndarray, *, rounds: int = ROUNDS, params: dict | None = None) -> dict:
    """The trees' JSON (`ranktrees.FORMAT`) fitted on `(groups, weight)` parts."""
    import lightgbm

    xs, ys, init, sizes, weights = [], [], [], [], []
    for groups, weight in parts:
        for x, y, _base, _kind, z in groups:
            features, linear, listed = inputs(x, z, learned)
            if not y[listed].any():
                continue
            xs.append(features)
            ys.append(y[listed].astype(np.int32))
            init.append(linear)
            sizes.append(len(linear))
            weights.append(np.full(len(linear), weight))
    data = lightgbm.Dataset(
        np.vstack(xs), np.concatenate(ys), group=sizes, init_score=np.concatenate(init), weight=np.concatenate(weights),
        feature_name=list(INPUTS), free_raw_data=True,
    )
    booster = lightgbm.train(params or PARAMS, data, num_boost_round=rounds)
    return to_json(booster.dump_model())


def lightgbm_trees(dump: dict) -> tuple[list[dict], set[str]]:
    """LightGBM's `dump_model()` as `ranktrees`' nested split/leaf objects, and the
    inputs they split on (the ranking trees' and the abstention model's alike)."""
    names = dump["feature_names"]
    used: set[str] = set()

    def node(tree: dict) -> dict:
        if "leaf_value" in tree:
            return {"leaf": float(tree["leaf_value"])}
        if tree["decision_type"] != "<=":
            raise ValueError(f"unsupported split {tree['decision_type']!r}")
        name = names[tree["split_feature"]]
        used.add(name)
        return {"input": name, "at": float(tree["threshold"]), "le": node(tree["left_child"]), "gt": node(tree["right_child"])}

    return [node(info["tree_structure"]) for info in dump["tree_info"]], used


def to_json(dump: dict) -> dict:
    """LightGBM's `dump_model()` as `ranktrees.FORMAT`, naming only the inputs the trees split on."""
    trees, used = lightgbm_trees(dump)
    return {
        "format": ranktrees.FORMAT,
        "about": "Ranking trees added to the log-linear score; written by `python -m benchmarks.ltr --trees --write`.",
        "inputs": [name for name in INPUTS if name in used],
        "wants": [w.value for w in ranktrees.WANTS],
        "trees": trees,
    }


def ranks_right(groups: list, learned: np.ndarray, model: RankTrees | None, k: int) -> list[bool]:
    """Per group, whether a right candidate is among the `k` best (log-linear plus `model`)."""
    out = []
    for x, y, _base, _kind, z in groups:
        features, linear, listed = inputs(x, z, learned)
        score = linear if model is None else linear + model.evaluate(features[:, [INPUTS.index(n) for n in model.inputs]])
        order = np.argsort(-score, kind="stable")
        out.append(bool(y[listed][order[:k]].any()))
    return out


def report(
    *, facqa: list, idk: list, seed: list, facqa_valid: list, idk_valid: list, weights: tuple[float, float, float],
    write: bool, cv: bool = True, rounds: int = ROUNDS,
) -> None:
    learned = np.array(Tuning().learned)
    facqa_w, idk_w, seed_w = weights

    def figures(groups: list, model: RankTrees | None) -> str:
        if not groups:
            return "-"
        return "/".join(f"{np.mean(ranks_right(groups, learned, model, k)):.4f}" for k in (1, 3))

    if cv:
        folds = {name: list(range(len(groups))) for name, groups in (("facqa", facqa), ("idk", idk))}
        for order in folds.values():
            random.Random(7).shuffle(order)
        right = {(name, k, after): 0 for name in folds for k in (1, 3) for after in (False, True)}
        by_kind: dict[tuple[str, bool], list[int]] = {}
        for fold in range(5):
            held = {name: set(order[fold::5]) for name, order in folds.items()}
            model = RankTrees.parse(fit(
                [([g for i, g in enumerate(facqa) if i not in held["facqa"]], facqa_w),
                 ([g for i, g in enumerate(idk) if i not in held["idk"]], idk_w), (seed, seed_w)],
                learned, rounds=rounds,
            ))
            for name, groups in (("facqa", facqa), ("idk", idk)):
                part = [groups[i] for i in sorted(held[name])]
                for after in (False, True):
                    for k in (1, 3):
                        hits = ranks_right(part, learned, model if after else None, k)
                        right[name, k, after] += sum(hits)
                        if name == "idk" and k == 1:
                            for g, hit in zip(part, hits):
                                tally = by_kind.setdefault((g[3], after), [0, 0])
                                tally[0] += hit
                                tally[1] += 1
        for name, groups in (("facqa", facqa), ("idk", idk)):
            before, after = ("/".join(f"{right[name, k, a] / len(groups):.4f}" for k in (1, 3)) for a in (False, True))
            print(f"5-fold cv candidate R@1/R@3 {name} train: linear {before} -> trees {after}")
        print("  idk train by type (R@1 linear -> trees, n): " + "  ".join(
            f"{kind} {by_kind[kind, False][0] / n:.3f}->{by_kind[kind, True][0] / n:.3f} ({n})"
            for kind, n in sorted((kind, tally[1]) for (kind, a), tally in by_kind.items() if not a)))
    data = fit([(facqa, facqa_w), (idk, idk_w), (seed, seed_w)], learned, rounds=rounds)
    model = RankTrees.parse(data)
    for name, groups in (("seed", seed), ("facqa valid", facqa_valid), ("idk valid", idk_valid)):
        if groups:
            print(f"candidate R@1/R@3 {name}: linear {figures(groups, None)} -> trees {figures(groups, model)}")
    print(f"{len(data['trees'])} trees reading {len(data['inputs'])} inputs: {', '.join(data['inputs'])}")
    if write:
        _write(ranktrees.MODEL_PATH, data)
        print(f"wrote {ranktrees.MODEL_PATH}")


def _write(path: Path, data: dict) -> None:
    """Whole or not at all: a temporary file beside it, fsynced, then renamed over it."""
    text = json.dumps(data, indent=1) + "\n"
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(out.name, 0o644)
    os.replace(out.name, path)
