"""A trial reader (`ship.py --out DIR`) against the shipped rules, before it replaces anything.

    KUTIP_READER_CACHE=/tmp/emb-trial python -m benchmarks.reader.trial DIR [--decline-above 99]

The cache must be its own: the seed-corpus sets' scores and every set's `ruled` rows are
the trial reader's, and IDK-MRC/FacQA valid read `pred.full.*.npy` from the trial's
training run. Prints the reader's AUC over the answers the rules let pass and over the
answer floor's declines, then declines, wrongly declined and R@1 when it also overrules
the floor's declines (log-odds below v) or the shipped model's (below u).
"""
import argparse
from pathlib import Path

import numpy as np

from retrieval import reader as reading


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("trial", type=Path)
    parser.add_argument("--decline-above", type=float, default=99.0, help="99: the trial reader adds no decline")
    args = parser.parse_args()
    trial = reading.Reader.load(reading.base_model_file(), args.trial / "reader.npz", args.trial / "reader.json")
    reading.bundled = lambda: trial  # what choose.py's scores and ruled rows read
    from benchmarks.embedding_abstention import _auc
    from benchmarks.reader import choose

    sets = {}
    sets["news read"], sets["news unread"] = choose._pooled(choose.READ), choose._pooled(choose.UNREAD)
    for name in ("idk-valid", "facqa-valid"):
        sets[name] = (choose.load(name, choose.CACHE)[0], choose.scores(name), choose.ruled(name))
    for name, (rows, scores, rule) in sets.items():
        floor = np.array([x["score"] if x else np.nan for x in rule])
        answered, floored, unanswerable = ~rows.declined & ~np.isnan(scores), ~np.isnan(floor), rows.unanswerable
        for label, kept, values in (("answers", answered, scores), ("floor's declines", floored, floor)):
            if unanswerable[kept].any() and (~unanswerable[kept]).any():
                print(f"{name}: AUC over the {label} {_auc(values[kept], unanswerable[kept]):.3f} (n={kept.sum()})")
    for v in (-np.inf, -2, -1, 0, 1):
        for u in (-np.inf, -1, 0):
            print(f"v={v} u={u}: " + " | ".join(
                f"{n} {choose._fmt(choose.outcome(*sets[n], t=args.decline_above, u=u, v=v))}" for n in sets))


if __name__ == "__main__":
    main()
