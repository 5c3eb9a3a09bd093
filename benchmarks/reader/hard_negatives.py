"""Rows that teach the reader whether a window holds the answer, not only whether the
question has one (session 43, measured and not kept: README, "Measured and not kept").

    python -m benchmarks.reader.hard_negatives idk-train facqa-train
    python -m benchmarks.reader.frozen 6 idk-train-hn facqa-train-hn
    python -m benchmarks.reader.train --target window --hard-negatives --epochs 1.2 --save window.pt

For each answerable question of a training set, the relaxed engine's top 10 give the
best-ranked window whose sentence holds the answer (label 0) and the best-ranked window
that holds none of it (label 1): `{name}-hn.texts.json`, each row with `qi`, its
question's row, so that out-of-fold halves keep a question's rows together. Beside them,
`{name}.winlabel.npy` relabels the set's own rows by their window: 1 when it holds none
of the question's answers (always, for an unanswerable question), -1 where no window was read.
"""
import json, os, sys

import numpy as np

from benchmarks.quality import normalise
from benchmarks.reader.choose import _asked, relaxed

CACHE = os.environ.get("KUTIP_READER_CACHE", "/tmp/emb")


def _holds(texts, wanted) -> bool:
    return any(w in normalise(" ".join(texts)) for w in wanted)


def _wanted(item) -> list[str]:
    return [] if item.expect is None else [normalise(e) for e in (item.expect, *item.also)]


def hard_negatives(name: str) -> list[dict]:
    rows, qi = [], -1
    for engine, questions in _asked(name):
        floorless = relaxed(engine)
        for item in questions:
            qi += 1
            if item.expect is None:
                continue
            wanted = _wanted(item)
            asked = engine.read(item.question).text
            found: dict[int, dict] = {}
            for rank, hit in enumerate(floorless.judge(item.question, k=10)[0].hits):
                window = [s.text for s in engine.context(hit.sentence.sid, before=1, after=1)]
                own = item.article_id is None or hit.article.id == item.article_id
                label = 0 if own and _holds([hit.sentence.text], wanted) else 1 if not _holds(window, wanted) else None
                if label is not None and label not in found:
                    found[label] = dict(qi=qi, question=asked, window=window, label=label, rank=rank)
            rows += found.values()
    return rows


def window_labels(name: str) -> np.ndarray:
    records = json.load(open(f"{CACHE}/{name}.texts.json", encoding="utf-8"))
    questions = [q for _engine, qs in _asked(name) for q in qs]
    assert len(questions) == len(records), (name, len(questions), len(records))
    labels = np.full(len(records), -1)
    for i, (item, record) in enumerate(zip(questions, records)):
        if record is not None:
            wanted = _wanted(item)
            labels[i] = 0 if wanted and _holds(record["window"], wanted) else 1
    return labels


def main() -> None:
    for name in sys.argv[1:]:
        rows = hard_negatives(name)
        with open(f"{CACHE}/{name}-hn.texts.json", "w", encoding="utf-8") as out:
            json.dump(rows, out, ensure_ascii=False)
        labels = window_labels(name)
        np.save(f"{CACHE}/{name}.winlabel.npy", labels)
        print(f"{name}: {len(rows)} rows ({sum(r['label'] for r in rows)} lack the answer); "
              f"{int((labels == 1).sum())} of its {int((labels >= 0).sum())} own windows hold no answer")


if __name__ == "__main__":
    main()
