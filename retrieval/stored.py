"""The corpus as saved beside its index, so a warm start need not parse it again.

A JSONL corpus of a million sentences takes seconds to parse and holds its
article texts in memory; the engine only ever reads a few dozen sentences a
question. So the index folder keeps, written atomically with the index
(`retrieval.index_files` extra arrays and meta):

- every article version's text, UTF-8, in one byte array (`art_text`, with
  `art_text_ptr` marking where each version's text starts) and its other fields
  as one compact JSON object each (`art_meta`, `art_meta_ptr`); both are
  memory-mapped, so a version becomes an `Article` only when something asks
  for it (`StoredArticles`);
- the ids of all versions (meta `article_ids`), which lookups by id need at once;
- what the corpus file was (`CorpusState`: size, an xxh3-128 digest of every
  byte, the problems its parse reported).

A saved corpus state is trusted only when the file has the same size and the
same digest now: the digest reads every byte (xxh3 runs at gigabytes a second,
so a 150 MB file costs about 0.1 s), so an edit is found whatever the file's
size and modification time say. Anything else falls back to parsing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

import numpy as np
import xxhash

from retrieval.corpus import Problem
from retrieval.records import Article

__all__ = ["CorpusState", "StoredArticles", "article_arrays", "file_digest"]

# Articles materialised lately, kept so a question's candidates (often several
# sentences of one article) build each article once.
_CACHE_SIZE = 4096
_ARRAYS = ("art_text", "art_text_ptr", "art_meta", "art_meta_ptr", "art_chars")
_DECODE = json.JSONDecoder().decode


def file_digest(path: Path) -> str:
    """xxh3-128 over every byte of `path`."""
    hasher = xxhash.xxh3_128()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 22):
            hasher.update(chunk)
    return hasher.hexdigest()


@dataclass(frozen=True, slots=True)
class CorpusState:
    """What a corpus file was when its index was saved."""

    size: int
    digest: str
    problems: tuple[Problem, ...]

    @classmethod
    def of(cls, path: Path, problems: Sequence[Problem]) -> CorpusState:
        return cls(os.stat(path).st_size, file_digest(path), tuple(problems))

    def matches(self, path: Path) -> bool:
        """The file at `path` holds exactly the bytes this state was taken of."""
        try:
            return os.stat(path).st_size == self.size and file_digest(path) == self.digest
        except OSError:
            return False

    def to_json(self) -> dict[str, object]:
        return {
            "size": self.size,
            "digest": self.digest,
            "problems": [[p.location, p.field, p.message] for p in self.problems],
        }

    @classmethod
    def from_json(cls, data: object) -> CorpusState | None:
        """None for anything that is not a stored state (the caller parses instead)."""
        try:
            size, digest, problems = data["size"], data["digest"], data["problems"]  # type: ignore[index]
            found = tuple(Problem(str(loc), None if field is None else str(field), str(msg)) for loc, field, msg in problems)
        except (KeyError, TypeError, ValueError):
            return None
        if type(size) is not int or not isinstance(digest, str):
            return None
        return cls(size, digest, found)


def article_arrays(versions: Sequence[Article]) -> dict[str, np.ndarray]:
    """The extra arrays that store `versions` (see the module doc)."""
    stored = versions if isinstance(versions, StoredArticles) else None
    fresh: Sequence[Article] = versions if stored is None else stored.appended
    texts = [a.text.encode("utf-8", "surrogatepass") for a in fresh]
    metas = [_meta_bytes(a) for a in fresh]
    chars = np.fromiter((len(a.text) for a in fresh), dtype=np.int64, count=len(fresh))
    new = {
        "art_text": np.frombuffer(b"".join(texts), dtype=np.uint8),
        "art_text_ptr": _ptr([len(t) for t in texts]),
        "art_meta": np.frombuffer(b"".join(metas), dtype=np.uint8),
        "art_meta_ptr": _ptr([len(m) for m in metas]),
        "art_chars": chars,
    }
    if stored is None:
        return new
    old = stored.base_arrays()
    return {
        "art_text": np.concatenate([old["art_text"], new["art_text"]]),
        "art_text_ptr": np.concatenate([old["art_text_ptr"][:-1], new["art_text_ptr"] + old["art_text_ptr"][-1]]),
        "art_meta": np.concatenate([old["art_meta"], new["art_meta"]]),
        "art_meta_ptr": np.concatenate([old["art_meta_ptr"][:-1], new["art_meta_ptr"] + old["art_meta_ptr"][-1]]),
        "art_chars": np.concatenate([old["art_chars"], new["art_chars"]]),
    }


def article_ids(versions: Sequence[Article]) -> list[str]:
    ids = getattr(versions, "ids", None)
    return list(ids) if ids is not None else [a.id for a in versions]


class StoredArticles(Sequence[Article]):
    """Article versions read from the saved arrays on demand (plus any appended since)."""

    __slots__ = ("ids", "appended", "_arrays", "_base", "_all_ids", "_order", "_cache", "_text", "_meta")

    def __init__(
        self,
        ids: Sequence[str],
        arrays: Mapping[str, np.ndarray],
        *,
        appended: tuple[Article, ...] = (),
        order: np.ndarray | None = None,
    ) -> None:
        self._arrays = {n: arrays[n] for n in _ARRAYS}
        # The bytes as buffers: `str(view[lo:hi], encoding)` decodes a slice without the
        # NumPy slice and `tobytes` copy (0.4 against 1.8 us a sentence).
        self._text = memoryview(np.ascontiguousarray(self._arrays["art_text"]))
        self._meta = memoryview(np.ascontiguousarray(self._arrays["art_meta"]))
        # Versions held in the arrays (slots 0..base-1); `appended` come after them.
        self._base = int(self._arrays["art_text_ptr"].shape[0]) - 1
        self._all_ids = list(ids)
        self.appended = appended
        # A view of some versions only (`without`): their slots, in order.
        self._order = order
        self.ids: list[str] = self._all_ids if order is None else [self._all_ids[s] for s in order.tolist()]
        self._cache: dict[int, Article] = {}

    @classmethod
    def load(cls, ids: object, arrays: Mapping[str, np.ndarray]) -> StoredArticles:
        """Checked: `ValueError` when the stored ids and arrays do not describe one set of versions."""
        if not isinstance(ids, list) or not all(type(i) is str for i in ids):
            raise ValueError("stored article ids are not a list of strings")
        missing = [n for n in _ARRAYS if n not in arrays]
        if missing:
            raise ValueError(f"stored articles lack {', '.join(missing)}")
        n = len(ids)
        text, text_ptr, meta, meta_ptr, chars = (arrays[name] for name in _ARRAYS)
        ok = (
            text.dtype == np.uint8 and meta.dtype == np.uint8
            and all(a.dtype == np.int64 and a.ndim == 1 for a in (text_ptr, meta_ptr, chars))
            and _is_ptr(text_ptr, n, text.shape[0]) and _is_ptr(meta_ptr, n, meta.shape[0])
            and chars.shape == (n,) and bool((chars >= 0).all()) and bool((chars <= np.diff(text_ptr)).all())
        )
        if not ok:
            raise ValueError("stored article arrays are inconsistent")
        return cls(ids, arrays)

    def base_arrays(self) -> Mapping[str, np.ndarray]:
        if self._order is not None:
            raise TypeError("a view of stored articles is not saved")
        return self._arrays

    def chars(self) -> np.ndarray:
        """Length in characters of every version's text, in this sequence's order."""
        full = self._arrays["art_chars"]
        if self.appended:
            full = np.concatenate([full, np.fromiter((len(a.text) for a in self.appended), dtype=np.int64)])
        return full if self._order is None else full[self._order]

    def without(self, retired: frozenset[int]) -> StoredArticles:
        """The versions whose slot is not in `retired`, in order, still read on demand."""
        if self._order is not None:
            raise TypeError("a view of a view is not needed")
        keep = np.array([s for s in range(len(self._all_ids)) if s not in retired], dtype=np.int64)
        return StoredArticles(self._all_ids, self._arrays, appended=self.appended, order=keep)

    def __len__(self) -> int:
        return len(self.ids)

    def __add__(self, other: object) -> StoredArticles:
        if not isinstance(other, tuple) or self._order is not None:
            return NotImplemented
        return StoredArticles(
            self._all_ids + [a.id for a in other], self._arrays, appended=self.appended + other
        )

    @overload
    def __getitem__(self, i: int) -> Article: ...
    @overload
    def __getitem__(self, i: slice) -> list[Article]: ...
    def __getitem__(self, i: int | slice) -> Article | list[Article]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self.ids)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("article slot out of range")
        found = self._cache.get(i)
        if found is None:
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            found = self._cache[i] = self._make(i if self._order is None else int(self._order[i]))
        return found

    def __iter__(self) -> Iterator[Article]:
        for i in range(len(self.ids)):
            yield self[i]

    def sources_and_dates(self) -> Iterator[tuple[str | None, dt.date | None]]:
        """Each version's source and date, in order, without reading its text: what a
        summary of the whole corpus needs, at a fraction of the cost of the articles."""
        ptr = self._arrays["art_meta_ptr"].tolist()
        slots = range(len(self._all_ids)) if self._order is None else self._order.tolist()
        base = self._base
        # The stored fields are ASCII JSON arrays: one parse of them all is a single
        # C call instead of one per article (about 4x faster at 100,000 articles).
        blob = self._arrays["art_meta"].tobytes().decode("ascii")
        stored = json.loads("[" + ",".join(blob[ptr[slot] : ptr[slot + 1]] for slot in slots if slot < base) + "]")
        dates: dict[str, dt.date] = {}  # most articles share a few thousand dates
        read = iter(stored)
        for slot in slots:
            if slot >= base:
                article = self.appended[slot - base]
                yield article.source, article.date
                continue
            fields = next(read)
            day = fields[2]
            if day is None:
                yield fields[1], None
                continue
            date = dates.get(day)
            if date is None:
                date = dates[day] = dt.date.fromisoformat(day)
            yield fields[1], date

    def span_text(self, i: int, start: int, end: int) -> str:
        """`self[i].text[start:end]`, without making the Article when it is not at hand."""
        found = self._cache.get(i)
        if found is not None:
            return found.text[start:end]
        slot = i if self._order is None else int(self._order[i])
        if slot >= self._base:
            return self.appended[slot - self._base].text[start:end]
        arrays = self._arrays
        ptr = arrays["art_text_ptr"]
        lo, hi = int(ptr[slot]), int(ptr[slot + 1])
        blob = self._text
        if hi - lo == int(arrays["art_chars"][slot]):
            # One byte a character (ASCII): the span's bytes are the sentence.
            return str(blob[lo + start : lo + end], "utf-8", "surrogatepass")
        return str(blob[lo:hi], "utf-8", "surrogatepass")[start:end]

    def span_texts(self, spans: Iterable[tuple[int, int, int]]) -> list[str]:
        """`span_text(i, start, end)` of each (i, start, end), the stored bounds read in one gather
        (ranking reads some sixty sentences a question; a NumPy scalar read costs more than the decoding)."""
        spans = list(spans)
        if not spans:
            return []
        arrays, base, cache = self._arrays, self._base, self._cache
        slots = np.asarray([i for i, _s, _e in spans], dtype=np.int64)
        if self._order is not None:
            slots = self._order[slots]
        if base:
            # Appended versions' slots (base and above) read slot base - 1's bounds, unused.
            stored = np.minimum(slots, base - 1)
            ptr = arrays["art_text_ptr"]
            lows, highs = ptr[stored].tolist(), ptr[stored + 1].tolist()
            chars = arrays["art_chars"][stored].tolist()
        else:
            lows = highs = chars = [0] * len(spans)
        blob = self._text
        out: list[str] = []
        for (i, start, end), slot, lo, hi, n in zip(spans, slots.tolist(), lows, highs, chars):
            found = cache.get(i)
            if found is not None:
                out.append(found.text[start:end])
            elif slot >= base:
                out.append(self.appended[slot - base].text[start:end])
            elif hi - lo == n:
                out.append(str(blob[lo + start : lo + end], "utf-8", "surrogatepass"))
            else:
                out.append(str(blob[lo:hi], "utf-8", "surrogatepass")[start:end])
        return out

    def _make(self, slot: int) -> Article:
        if slot >= self._base:
            return self.appended[slot - self._base]
        arrays = self._arrays
        lo, hi = arrays["art_text_ptr"][slot : slot + 2].tolist()
        text = str(self._text[lo:hi], "utf-8", "surrogatepass")
        lo, hi = arrays["art_meta_ptr"][slot : slot + 2].tolist()
        # The fields are ASCII JSON (`_meta_bytes`): decoding them as such spares
        # json.loads its guess of the encoding (a "also in" line reads ~20 a question).
        meta = _DECODE(str(self._meta[lo:hi], "ascii"))
        date = meta[2]
        return Article(
            id=self._all_ids[slot],
            title=meta[0],
            source=meta[1],
            date=None if date is None else dt.date.fromisoformat(date),
            text=text,
            date_approximate=bool(meta[3]),
            author=meta[4],
            url=meta[5],
        )


def _meta_bytes(article: Article) -> bytes:
    fields = [
        article.title,
        article.source,
        article.date.isoformat() if article.date else None,
        article.date_approximate,
        article.author,
        article.url,
    ]
    # ASCII with escapes: a lone surrogate a JSON corpus may carry survives the round trip.
    return json.dumps(fields, separators=(",", ":")).encode("ascii")


def _ptr(lengths: list[int]) -> np.ndarray:
    ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    if lengths:
        np.cumsum(np.asarray(lengths, dtype=np.int64), out=ptr[1:])
    return ptr


def _is_ptr(ptr: np.ndarray, n: int, total: int) -> bool:
    return bool(ptr.shape[0] == n + 1 and ptr[0] == 0 and ptr[-1] == total and (np.diff(ptr) >= 0).all())

