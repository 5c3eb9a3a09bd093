"""The index on disk: `save_index`/`load_index` round trip, atomic replacement, and every way a folder can be unusable."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval.assemble import build_index, extend_index
from retrieval.index import Bm25Index
from retrieval.index_files import (
    FORMAT_VERSION,
    IndexCorrupt,
    IndexMissing,
    IndexStale,
    IndexUnusable,
    load_index,
    save_index,
)
from tests.test_index import _assert_same_index, _random_corpus


@pytest.fixture
def small_index() -> tuple[Bm25Index, list[list[str]]]:
    rng = np.random.default_rng(3)
    docs = _random_corpus(rng, 60, 15, max_len=9)
    docs[0] = ["kata", "ulang", "ulang"]
    return build_index(docs), docs


def _saved(tmp_path: Path, index: Bm25Index) -> Path:
    target = tmp_path / "idx"
    save_index(
        index,
        target,
        fingerprint="fp-1",
        extra={"spans": np.arange(12, dtype=np.int64).reshape(6, 2)},
        meta={"articles": 3, "note": "ké"},
    )
    return target


def test_save_load_round_trip(tmp_path: Path, small_index) -> None:
    index, docs = small_index
    target = _saved(tmp_path, index)
    loaded = load_index(target, fingerprint="fp-1")
    _assert_same_index(loaded.index, index)
    assert (loaded.index.k1, loaded.index.b, loaded.index.epsilon) == (1.5, 0.75, 0.25)
    np.testing.assert_array_equal(loaded.extra["spans"], np.arange(12).reshape(6, 2))
    assert loaded.extra["spans"].dtype == np.int64
    assert dict(loaded.meta) == {"articles": 3, "note": "ké"}
    ref = BM25Okapi(docs)
    np.testing.assert_allclose(loaded.index.scores(["ulang", "t1"]), ref.get_scores(["ulang", "t1"]), rtol=1e-9)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == FORMAT_VERSION and manifest["fingerprint"] == "fp-1"
    assert manifest["vocabulary"][:2] == ["kata", "ulang"]
    # Only the index directory remains: no temporary or old siblings.
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]


def test_save_replaces_an_existing_index(tmp_path: Path, small_index) -> None:
    index, _ = small_index
    target = _saved(tmp_path, index)
    bigger = extend_index(index, [["baru", "sekali"]])
    save_index(bigger, target, fingerprint="fp-2")
    loaded = load_index(target, fingerprint="fp-2")
    assert loaded.index.n_docs == index.n_docs + 1 and dict(loaded.extra) == {}
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]


def test_failed_save_leaves_previous_index_intact(tmp_path: Path, small_index) -> None:
    index, _ = small_index
    target = _saved(tmp_path, index)
    # An object array cannot be written without pickle: save fails midway.
    with pytest.raises(TypeError):
        save_index(index, target, fingerprint="fp-2", extra={"bad": np.array([{"a": 1}], dtype=object)})
    assert load_index(target, fingerprint="fp-1").index.n_docs == index.n_docs
    assert [p.name for p in tmp_path.iterdir()] == ["idx"]


def test_save_refuses_to_replace_a_directory_that_is_not_an_index(tmp_path: Path, small_index) -> None:
    index, _ = small_index
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        save_index(index, tmp_path, fingerprint="fp")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_missing_index_is_reported_as_missing(tmp_path: Path) -> None:
    with pytest.raises(IndexMissing):
        load_index(tmp_path / "nowhere", fingerprint="fp")
    assert issubclass(IndexMissing, IndexCorrupt) and issubclass(IndexCorrupt, IndexUnusable)


def test_other_fingerprint_is_stale(tmp_path: Path, small_index) -> None:
    target = _saved(tmp_path, small_index[0])
    with pytest.raises(IndexStale):
        load_index(target, fingerprint="fp-2")


@pytest.mark.parametrize("version", [FORMAT_VERSION - 1, FORMAT_VERSION + 1, "1", None])
def test_other_format_version_is_stale(tmp_path: Path, small_index, version) -> None:
    target = _saved(tmp_path, small_index[0])
    manifest_path = target / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["version"] = version
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexStale):
        load_index(target, fingerprint="fp-1")


_FILES = [
    "term_ptr.npy", "doc_ids.npy", "tf.npy", "doc_len.npy", "weights.npy", "max_weight.npy", "doc_ptr.npy",
    "doc_terms.npy", "extra-spans.npy",
]


@pytest.mark.parametrize("name", _FILES)
def test_truncated_file_is_corrupt(tmp_path: Path, small_index, name: str) -> None:
    target = _saved(tmp_path, small_index[0])
    path = target / name
    path.write_bytes(path.read_bytes()[:-9])
    with pytest.raises(IndexCorrupt, match="checksum"):
        load_index(target, fingerprint="fp-1")


@pytest.mark.parametrize("name", _FILES)
def test_flipped_byte_is_corrupt(tmp_path: Path, small_index, name: str) -> None:
    target = _saved(tmp_path, small_index[0])
    path = target / name
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt, match="checksum"):
        load_index(target, fingerprint="fp-1")


@pytest.mark.parametrize("name", [*_FILES, "manifest.json"])
def test_deleted_file_is_corrupt(tmp_path: Path, small_index, name: str) -> None:
    target = _saved(tmp_path, small_index[0])
    (target / name).unlink()
    with pytest.raises(IndexCorrupt):
        load_index(target, fingerprint="fp-1")


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"\x00\xff\xfe garbage",
        b'{"format": "kutip-bm25", "version": 1',
        b"[1, 2, 3]",
        b'{"format": "something-else", "version": 1}',
    ],
)
def test_garbage_manifest_is_corrupt(tmp_path: Path, small_index, garbage: bytes) -> None:
    target = _saved(tmp_path, small_index[0])
    (target / "manifest.json").write_bytes(garbage)
    with pytest.raises(IndexCorrupt):
        load_index(target, fingerprint="fp-1")


def _edit_manifest(target: Path, edit) -> None:
    path = target / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(
    "edit",
    [
        lambda m: m["arrays"]["doc_ids"].update(shape=[3]),
        lambda m: m["arrays"]["tf"].update(dtype="<f8"),
        lambda m: m["arrays"].pop("tf"),
        lambda m: m.update(n_docs=m["n_docs"] + 1),
        lambda m: m["vocabulary"].pop(),
        lambda m: m["vocabulary"].__setitem__(1, m["vocabulary"][0]),
        lambda m: m.update(vocabulary="not a list"),
        lambda m: m["arrays"]["tf"].update(file="../elsewhere.npy"),
        lambda m: m.pop("params"),
        lambda m: m.update(meta=[1, 2]),
    ],
    ids=["shape", "dtype", "array-entry", "n_docs", "vocab-length", "vocab-duplicate",
         "vocab-type", "path-escape", "params", "meta-type"],
)
def test_manifest_inconsistent_with_arrays_is_corrupt(tmp_path: Path, small_index, edit) -> None:
    target = _saved(tmp_path, small_index[0])
    _edit_manifest(target, edit)
    with pytest.raises(IndexCorrupt):
        load_index(target, fingerprint="fp-1")


def test_arrays_are_never_unpickled(tmp_path: Path, small_index) -> None:
    # A pickled object array with a matching checksum in the manifest must
    # still be refused: np.load runs with allow_pickle=False.
    target = _saved(tmp_path, small_index[0])
    path = target / "extra-spans.npy"
    np.save(path, np.array([{"boom": 1}] * 6, dtype=object), allow_pickle=True)
    import xxhash

    # A matching checksum, so only allow_pickle=False stands in the way.
    digest = xxhash.xxh3_128(path.read_bytes()).hexdigest()
    _edit_manifest(target, lambda m: m["extra"]["spans"].update(xxh3_128=digest, dtype="|O", shape=[6]))
    with pytest.raises(IndexCorrupt):
        load_index(target, fingerprint="fp-1")
    with pytest.raises(TypeError):
        save_index(small_index[0], tmp_path / "other", fingerprint="fp", extra={"o": np.array([None], dtype=object)})


def test_an_index_checksummed_with_sha256_still_loads_and_is_still_checked(tmp_path: Path, small_index) -> None:
    # Indexes written before xxh3 carry sha256 digests: read (and verified) as before.
    import hashlib

    target = _saved(tmp_path, small_index[0])

    def to_sha256(m: dict) -> None:
        for group in ("arrays", "extra"):
            for entry in m[group].values():
                del entry["xxh3_128"]
                entry["sha256"] = hashlib.sha256((target / entry["file"]).read_bytes()).hexdigest()

    _edit_manifest(target, to_sha256)
    loaded = load_index(target, fingerprint="fp-1")
    assert loaded.index.n_docs == small_index[0].n_docs
    path = target / "tf.npy"
    data = bytearray(path.read_bytes())
    data[-3] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt, match="checksum"):
        load_index(target, fingerprint="fp-1")


def test_array_checksums_cover_every_byte_of_empty_and_large_files(tmp_path: Path) -> None:
    # The checksum is taken through a memory mapping, which an empty file cannot have.
    import xxhash

    from retrieval.index_files import _digest

    for size in (0, 1, (1 << 22) + 3):
        path = tmp_path / f"a{size}.npy"
        data = bytes(range(256)) * (size // 256) + bytes(size % 256)
        path.write_bytes(data)
        assert _digest(path, "xxh3_128") == xxhash.xxh3_128(data).hexdigest()
