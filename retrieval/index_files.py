"""A `Bm25Index` on disk: `save_index` and `load_index`.

An index is a directory holding `manifest.json` (format version,
fingerprint, parameters, vocabulary, array names/shapes/dtypes/checksums, caller
meta) and one `.npy` file per array, read with `allow_pickle=False`.  It is
written to a temporary sibling directory and renamed into place.  The
fingerprint is the caller's: it must cover the corpus, the text processing and
the BM25 parameters it expects.  On load the large arrays are memory-mapped.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import re
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import xxhash

from retrieval.durable import fsync_folder
from retrieval.index import Bm25Index

__all__ = [
    "FORMAT_VERSION",
    "IndexCorrupt",
    "IndexMissing",
    "IndexStale",
    "IndexUnusable",
    "LoadedIndex",
    "load_index",
    "save_index",
]

# 2: the doc-major view and the terms of each doc by word position are stored;
# arrays are memory-mapped on load.
FORMAT_VERSION = 2
_FORMAT_NAME = "kutip-bm25"
_MANIFEST = "manifest.json"
# Per-array checksum: xxh3-128 finds truncation, bit flips and edits like a
# cryptographic hash would (nothing here defends against a forger who can
# write the cache anyway) and reads gigabytes a second, so checking a million
# sentences' arrays on every warm start costs a fraction of a second.
_CHECKSUM = "xxh3_128"
_EXTRA_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


class IndexUnusable(Exception):
    """A persisted index cannot be used; the caller should rebuild it."""


class IndexStale(IndexUnusable):
    """The index was written by another format version or for another fingerprint."""


class IndexCorrupt(IndexUnusable):
    """A file of the index is missing, truncated, altered or inconsistent."""


class IndexMissing(IndexCorrupt):
    """There is no index in that directory yet (a first start)."""


@dataclass(frozen=True, slots=True)
class LoadedIndex:
    index: Bm25Index
    extra: Mapping[str, np.ndarray] = field(default_factory=dict)
    meta: Mapping[str, object] = field(default_factory=dict)


def save_index(
    index: Bm25Index,
    directory: Path,
    *,
    fingerprint: str,
    extra: Mapping[str, np.ndarray] = MappingProxyType({}),
    meta: Mapping[str, object] = MappingProxyType({}),
) -> None:
    """Write `index` (and `extra` arrays, `meta`) to `directory`, atomically."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()) and not (directory / _MANIFEST).is_file():
        raise FileExistsError(f"{directory} exists and does not hold an index; refusing to replace it")
    for name in extra:
        if not _EXTRA_NAME.match(name):
            raise ValueError(f"extra array name {name!r}: use letters, digits, '_', '.', '-'")
    directory.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(directory)
    tmp = directory.parent / f".{directory.name}.tmp-{os.getpid()}-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        manifest = {
            "format": _FORMAT_NAME,
            "version": FORMAT_VERSION,
            "fingerprint": fingerprint,
            "params": {"k1": index.k1, "b": index.b, "epsilon": index.epsilon},
            "n_docs": index.n_docs,
            "vocabulary": index.terms,
            "arrays": {n: _write_array(tmp / f"{n}.npy", a) for n, a in index.arrays().items()},
            "extra": {
                n: _write_array(tmp / f"extra-{n}.npy", np.asarray(a)) for n, a in extra.items()
            },
            "meta": dict(meta),
        }
        with open(tmp / _MANIFEST, "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, separators=(",", ":"))
            f.flush()
            os.fsync(f.fileno())
        fsync_folder(tmp)
        # A directory cannot be renamed over a non-empty one: move the old
        # index aside first.  A crash in between leaves no index (rebuilt
        # on next start), never a half-written one.
        old = None
        if directory.exists():
            old = directory.parent / f".{directory.name}.old-{os.getpid()}-{uuid.uuid4().hex}"
            os.rename(directory, old)
        os.rename(tmp, directory)
        fsync_folder(directory.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def load_index(directory: Path, *, fingerprint: str) -> LoadedIndex:
    """Read an index written by `save_index`; raise `IndexStale` or `IndexCorrupt`."""
    directory = Path(directory)
    path = directory / _MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise IndexMissing(f"no index at {directory}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"{path}: unreadable ({exc})") from exc
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IndexCorrupt(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != _FORMAT_NAME:
        raise IndexCorrupt(f"{path}: not a {_FORMAT_NAME} manifest")
    if manifest.get("version") != FORMAT_VERSION:
        raise IndexStale(
            f"{directory}: format version {manifest.get('version')!r}, this code reads {FORMAT_VERSION}"
        )
    if manifest.get("fingerprint") != fingerprint:
        raise IndexStale(f"{directory}: built for another corpus or text settings (fingerprint differs)")
    try:
        return _load_checked(directory, manifest)
    except IndexUnusable:
        raise
    except (KeyError, TypeError, ValueError, OSError, AttributeError) as exc:
        raise IndexCorrupt(f"{directory}: {type(exc).__name__}: {exc}") from exc


def _write_array(path: Path, a: np.ndarray) -> dict[str, object]:
    if a.dtype.hasobject:
        raise TypeError(f"{path.name}: object arrays cannot be stored without pickle")
    with open(path, "wb") as f:
        np.save(f, a, allow_pickle=False)
        f.flush()
        os.fsync(f.fileno())
    return {
        "file": path.name,
        "shape": list(a.shape),
        "dtype": a.dtype.str,
        _CHECKSUM: _digest(path, _CHECKSUM),
    }


def _digest(path: Path, kind: str) -> str:
    with open(path, "rb") as f:
        if kind == "sha256":
            return hashlib.file_digest(f, "sha256").hexdigest()
        hasher = xxhash.xxh3_128()
        # Hashed through a mapping, not read in chunks: no copy of the bytes (a warm
        # start checks every file of the index: 14 ms instead of 90 ms at 200k
        # sentences). Safe as the arrays' own mappings are: files are never
        # rewritten in place. An empty file cannot be mapped.
        if os.fstat(f.fileno()).st_size:
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as view:
                hasher.update(view)
        return hasher.hexdigest()


def _read_array(directory: Path, entry: Mapping[str, object], *, mapped: bool = False) -> np.ndarray:
    name = entry["file"]
    if not isinstance(name, str) or "/" in name or name.startswith("."):
        raise IndexCorrupt(f"{directory}: bad file name {name!r} in manifest")
    path = directory / name
    # Indexes written before xxh3 carry a sha256 (5x slower to check), still accepted.
    kind = _CHECKSUM if _CHECKSUM in entry else "sha256"
    try:
        digest = _digest(path, kind)
    except FileNotFoundError:
        raise IndexCorrupt(f"{path}: missing") from None
    if digest != entry[kind]:
        raise IndexCorrupt(f"{path}: checksum mismatch (truncated or altered)")
    # Memory-mapped arrays cost no start-up time and only the pages queries
    # touch; `save_index` never rewrites a file in place (it renames a new directory
    # over the old), so a mapping stays valid while the index is replaced.
    # An empty array cannot be mapped (nothing to map after its header).
    mapped = mapped and all(isinstance(d, int) and d > 0 for d in entry["shape"])
    a = np.load(path, allow_pickle=False, mmap_mode="r" if mapped else None)
    if mapped:
        # A plain ndarray over the same mapping: np.memmap's Python-level
        # __getitem__ would cost microseconds on every slice a query takes.
        a = a.view(np.ndarray)
    if list(a.shape) != list(entry["shape"]) or a.dtype.str != entry["dtype"]:
        raise IndexCorrupt(f"{path}: shape/dtype {a.shape} {a.dtype.str} differ from manifest")
    return a


def _load_checked(directory: Path, manifest: Mapping[str, object]) -> LoadedIndex:
    terms = manifest["vocabulary"]
    params = manifest["params"]
    entries = manifest["arrays"]
    n_docs = manifest["n_docs"]
    if not isinstance(terms, list) or not all(type(t) is str for t in terms):
        raise IndexCorrupt(f"{directory}: vocabulary is not a list of strings")
    expect = {
        "term_ptr": np.int64, "doc_ids": np.int32, "tf": np.int32, "doc_len": np.int32, "weights": np.float64,
        "max_weight": np.float64, "doc_ptr": np.int64, "doc_terms": np.int32,
    }
    words = ("word_ptr", "word_pos", "word_term")
    expect.update({n: np.int64 if n == "word_ptr" else np.int32 for n in words if n in entries})
    # The large posting-sized arrays are mapped, not read: the checksum in the
    # manifest already vouches for their bytes, so only their ends and the
    # small per-term/per-doc arrays are checked by value (checking every value
    # would page them all in, which is what mapping avoids).
    small = ("term_ptr", "doc_len", "doc_ptr", "word_ptr", "max_weight")
    arrays = {n: _read_array(directory, entries[n], mapped=n not in small) for n in expect}
    for n, dt in expect.items():
        if arrays[n].dtype != dt or arrays[n].ndim != 1:
            raise IndexCorrupt(f"{directory}: {n} has dtype {arrays[n].dtype}, shape {arrays[n].shape}")
    term_ptr, doc_ids, tf, doc_len = (arrays[n] for n in ("term_ptr", "doc_ids", "tf", "doc_len"))
    doc_ptr, doc_terms = arrays["doc_ptr"], arrays["doc_terms"]
    nnz = doc_ids.shape[0]
    df = np.diff(term_ptr)
    consistent = (
        term_ptr.shape[0] == len(terms) + 1
        and doc_len.shape[0] == n_docs
        and tf.shape[0] == nnz
        and arrays["weights"].shape[0] == nnz
        and arrays["max_weight"].shape[0] == len(terms)
        and term_ptr[0] == 0
        and term_ptr[-1] == nnz
        and (df >= 1).all()
        and (doc_len >= 0).all()
        and _is_ptr(doc_ptr, n_docs, nnz)
        and doc_terms.shape[0] == nnz
    )
    word_arrays = None
    if "word_ptr" in arrays:
        word_ptr, word_pos, word_term = (arrays[n] for n in words)
        pairs = word_pos.shape[0]
        consistent = consistent and _is_ptr(word_ptr, n_docs, pairs) and word_term.shape[0] == pairs
        word_arrays = (word_ptr, word_pos, word_term)
    if not consistent:
        raise IndexCorrupt(f"{directory}: arrays are inconsistent with each other")
    index = Bm25Index(
        terms=terms,
        term_ptr=term_ptr,
        doc_ids=doc_ids,
        tf=tf,
        doc_len=doc_len,
        k1=float(params["k1"]),
        b=float(params["b"]),
        epsilon=float(params["epsilon"]),
        forward=(doc_ptr, doc_terms),
        words=word_arrays,
        weights=arrays["weights"],
        max_weight=arrays["max_weight"],
    )
    extra_entries = manifest["extra"]
    # Mapped too: the stored article texts are the largest of them.
    extra = {n: _read_array(directory, e, mapped=True) for n, e in extra_entries.items()}
    meta = manifest["meta"]
    if not isinstance(meta, dict):
        raise IndexCorrupt(f"{directory}: meta is not an object")
    return LoadedIndex(index=index, extra=MappingProxyType(extra), meta=MappingProxyType(meta))


def _is_ptr(ptr: np.ndarray, n: int, total: int) -> bool:
    """A CSR pointer array over `n` rows and `total` entries."""
    return bool(ptr.shape[0] == n + 1 and ptr[0] == 0 and ptr[-1] == total and (np.diff(ptr) >= 0).all())


def _remove_leftovers(directory: Path) -> None:
    """Delete temp/old siblings left by a crashed `save_index` of a process now gone."""
    for p in directory.parent.glob(f".{directory.name}.*-*-*"):
        m = re.fullmatch(rf"\.{re.escape(directory.name)}\.(tmp|old)-(\d+)-[0-9a-f]+", p.name)
        if m and not _alive(int(m.group(2))):
            shutil.rmtree(p, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
