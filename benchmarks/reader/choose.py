"""Choose the reader's threshold on train, out of fold, and report valid and the news sets.

    python -m benchmarks.reader.choose [--precision 0.95] [--facqa-lost 3]

`decline_above` (`retrieval/reader.json`): the lowest log-odds at which the declines the
reader adds to the rules and the shipped abstention model stay `--precision` right on
IDK-MRC train, lose at most `--facqa-lost` FacQA train answers and no answer of the news
sets read while working. Reader scores of IDK-MRC and FacQA train are the half-A/half-B
models' (`train.py --hold`), each row read by the model that did not train on it; the
seed-corpus sets' are the shipped reader's. Then, measured and not kept: the reader
overruling the answer floor's or the model's declines when it reads the window as
answering (the floor's declines re-asked without the floor, read by the shipped reader,
which never trained on them).
"""
import argparse, dataclasses, json, os
from pathlib import Path

import numpy as np

from benchmarks.abstention import IDK_SHARD, alone, probabilities
from benchmarks.embedding_abstention import ALONE, _auc, _texts_rows, load
from benchmarks.facqa import facqa_articles
from benchmarks.quality import (
    BUNDLED_CORPUS, DEFAULT_FACQA, DEFAULT_IDKMRC, SEED_EVAL, _first_right, facqa_eval_set, idkmrc_eval_set, load_eval_set,
)
from retrieval.corpus import load_corpus
from retrieval import reader as reading
from retrieval.abstention import bundled
from retrieval.search import Engine

CACHE = Path(os.environ.get("KUTIP_READER_CACHE", "/tmp/emb"))
SOLO = tuple(ALONE.split(","))
NEWS_ENGINE = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
# Seed-corpus sets read while working (README, "Blind question sets"): chosen on beside
# train; the others are only reported, summed.
READ = ["seed_eval"] + [f"seed_blind{i}" for i in (1, 2, 3, 4, 8, 10, 11, 14, 15, 18, 20, 22)]
UNREAD = [f"seed_blind{i}" for i in (5, 6, 7, 9, 12, 13, 16, 17, 19, 21, 23, 24)]


def _asked(name: str):
    """(engine, questions) in the order `embedding_abstention.load` asked them."""
    set_name, _, split = name.partition("-")
    if set_name == "idk":
        articles, questions = idkmrc_eval_set(DEFAULT_IDKMRC, split)
        size = IDK_SHARD if split == "train" else len(articles)
        for start in range(0, len(articles), size):
            shard = articles[start : start + size]
            ids = {a.id for a in shard}
            yield Engine.from_articles(shard).abstaining(None), [q for q in questions if q.article_id in ids]
    elif set_name == "facqa":
        yield Engine.from_articles(facqa_articles(DEFAULT_FACQA)).abstaining(None), facqa_eval_set(DEFAULT_FACQA, split)
    else:  # a seed-corpus set: "seed_eval", "seed_blind1", ...
        yield NEWS_ENGINE.abstaining(None), load_eval_set(SEED_EVAL.with_name(f"{name}.jsonl"))


def relaxed(engine: Engine) -> Engine:
    """`engine` without the answer floor: what a floor decline would have answered."""
    return engine.tuned(dataclasses.replace(engine.tuning, answer_coverage=0.0, answer_mass=0.0, hit_coverage=0.0))


def ruled(name: str) -> list[dict | None]:
    """Per question: what the rules' decline shows closest (None when they answer or show nothing)."""
    file = CACHE / f"{name}.ruled.json"
    if file.is_file():
        return json.loads(file.read_text(encoding="utf-8"))
    reader = reading.bundled()
    out: list[dict | None] = []
    for engine, questions in _asked(name):
        floorless = relaxed(engine)
        for item in questions:
            answer, _signals = engine.judge(item.question, k=10)
            unfloored = floorless.judge(item.question, k=10)[0]
            if answer.answered or answer.missing or answer.unquoted or not unfloored.answered:
                out.append(None)
                continue
            best = unfloored.hits[0].sentence
            window = [s.text for s in engine.context(best.sid, before=1, after=1)]
            rank = None if item.expect is None else _first_right(unfloored.hits, (item.expect, *item.also), item.article_id)
            out.append({"score": reader.unanswered(engine.read(item.question).text, window), "right1": rank == 1,
                        "right3": rank is not None and rank <= 3})
    file.write_text(json.dumps(out), encoding="utf-8")
    return out


def rows_of(name: str):
    """Rows as `embedding_abstention.load` makes them, for the seed-corpus sets too."""
    if name.startswith(("idk-", "facqa-")):
        return load(name, CACHE)[0]
    engine, questions = next(_asked(name))
    return _texts_rows(engine, questions)[0]


def scores(name: str) -> np.ndarray:
    if name.startswith("seed"):
        # The shipped reader's own scores: no seed-corpus text was trained on.
        file = CACHE / f"{name}.read.npy"
        if not file.is_file():
            engine, questions = next(_asked(name))
            reader = reading.bundled()
            records = _texts_rows(engine, questions)[1]
            np.save(file, np.array([np.nan if r is None else reader.unanswered(r["question"], r["window"]) for r in records]))
        return np.load(file)
    if name.endswith("train"):
        a, b = (np.load(CACHE / f"pred.half{h}.{name}.npy") for h in "AB")
        return np.where(np.isnan(a), b, a)
    return np.load(CACHE / f"pred.full.{name}.npy")


def outcome(rows, r, rule, *, t: float, u: float, v: float) -> dict:
    ruled_score = np.array([x["score"] if x else np.nan for x in rule])
    ruled_right = np.array([bool(x and x["right1"]) for x in rule])
    model = bundled()
    answered = ~rows.declined & ~np.isnan(rows.x).any(axis=1)
    by_model = alone(rows, model.alone) | (answered & (probabilities(model, np.nan_to_num(rows.x)) >= model.threshold))
    overruled = rows.declined & (ruled_score < v)
    declined = (rows.declined & ~overruled) | (by_model & ~(r < u)) | (answered & (r > t))
    right1 = np.where(overruled, ruled_right, rows.right1) & ~declined
    ans, unans = ~rows.unanswerable, rows.unanswerable
    return {"abst": declined[unans].mean() if unans.any() else np.nan, "wrong": declined[ans].mean(),
            "wrong_n": int(declined[ans].sum()), "abst_n": int(declined[unans].sum()), "R@1": right1[ans].mean(),
            "overruled": int(overruled.sum())}


def _fmt(o: dict) -> str:
    return (f"declined {o['abst']:.3f} ({o['abst_n']}) wrongly {o['wrong']:.3f} ({o['wrong_n']}) "
            f"R@1 {o['R@1']:.3f} overruled {o['overruled']}")


def _pooled(names: list[str]):
    from benchmarks.abstention import Rows

    return (Rows.concatenated([rows_of(n) for n in names]), np.concatenate([scores(n) for n in names]),
            [x for n in names for x in ruled(n)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--precision", type=float, default=0.95,
                        help="share of the reader's added declines on IDK-MRC train that must be unanswerable")
    parser.add_argument("--facqa-lost", type=int, default=3, help="FacQA train right answers lost at most")
    args = parser.parse_args()
    sets = {n: (load(n, CACHE)[0], scores(n), ruled(n)) for n in ("idk-train", "facqa-train", "idk-valid", "facqa-valid")}
    sets["news read"], sets["news unread"] = _pooled(READ), _pooled(UNREAD)
    off = dict(u=-np.inf, v=-np.inf)
    base = {n: outcome(*sets[n], t=np.inf, **off) for n in sets}
    for n in sets:
        print(f"{n:12s} rules and the shipped model: {_fmt(base[n])}")
    for n in ("news read", "news unread"):
        rows, r, _rule = sets[n]
        answered = ~rows.declined & ~np.isnan(r)
        print(f"{n}: reader AUC over the {answered.sum()} answers the rules let pass: {_auc(r[answered], rows.unanswerable[answered]):.3f}")
    chosen = None
    for t in np.arange(6.0, 0.99, -0.25):  # the lowest threshold whose added declines stay precise
        o, f, news = (outcome(*sets[n], t=t, **off) for n in ("idk-train", "facqa-train", "news read"))
        added, wrong = o["abst_n"] + o["wrong_n"] - base["idk-train"]["abst_n"] - base["idk-train"]["wrong_n"], o["wrong_n"] - base["idk-train"]["wrong_n"]
        lost = round((base["facqa-train"]["R@1"] - f["R@1"]) * len(sets["facqa-train"][0].x))
        if added and wrong > (1 - args.precision) * added or lost > args.facqa_lost or news["wrong_n"] > base["news read"]["wrong_n"]:
            break
        chosen = t
    print(f"chosen on train: decline_above {chosen}")
    for n in sets:
        print(f"{n:12s} {_fmt(outcome(*sets[n], t=chosen, **off))}")
    print("measured, not kept: the reader overruling declines (its log-odds below u) at decline_above", chosen)
    for u in (-2, -3, -4):
        for label, kw in (("the floor", dict(u=-np.inf, v=u)), ("the shipped model", dict(u=u, v=-np.inf))):
            print(f"  {label} below {u}: " + " | ".join(f"{n} {_fmt(outcome(*sets[n], t=chosen, **kw))}" for n in (
                "idk-train", "idk-valid", "news read", "news unread")))


if __name__ == "__main__":
    main()
