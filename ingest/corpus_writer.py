"""Adding articles to a JSONL corpus file: deduplicated, and never half-written.

- One writer at a time: an exclusive `flock` on `<file>.lock` beside the corpus
  (the bot's feed job and `python -m bot ingest` may run together).
- Appends write whole lines in one `write` on an O_APPEND descriptor, then
  fsync. A crash or kill can still leave a torn last line (a partial write);
  the next writer repairs it first: a complete JSON object missing only its
  newline gets the newline, anything else is cut off and kept in
  `<file>.torn` (nothing is lost, and the corpus stays loadable).
- A replacement (same URL, new text) rewrites the file: temp file in the same
  folder, fsync, `os.replace`, fsync of the folder.

Duplicates: the same canonical URL with the same text, or the same text
under any URL (whitespace and case folded), is stored once. The same URL with
new text replaces the old record and keeps its id, so references stay valid.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from retrieval.durable import fsync_folder
from retrieval.records import Article

__all__ = ["CorpusWriter", "Stored", "article_record", "canonical_url", "make_id", "text_key"]

_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|ref_src|amp|_ga|page)$", re.IGNORECASE)


def canonical_url(url: str | None) -> str | None:
    """The URL without fragment, tracking parameters, default port or `www.`, scheme folded to https."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url.strip()
    host = parts.hostname.lower().removeprefix("www.")
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    return urlunsplit(("https", host, path, query, ""))


def text_key(text: str) -> str:
    folded = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def make_id(article: Article) -> str:
    """A readable, stable id: source, title words and a short hash of URL or text."""
    basis = canonical_url(article.url) or text_key(article.text)
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:10]
    words = re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKD", article.title).encode("ascii", "ignore").decode().lower())
    slug = "-".join(words[:8])[:60].strip("-") or "artikel"
    return f"{slug}-{digest}"


def article_record(article: Article) -> dict[str, object]:
    """The corpus JSONL record for an article (the fields `retrieval.corpus` reads)."""
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "date": article.date.isoformat() if article.date else None,
        "date_approximate": article.date_approximate,
        "author": article.author,
        "url": article.url,
        "text": article.text,
    }


def _line(article: Article) -> bytes:
    return (json.dumps(article_record(article), ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True, slots=True)
class Stored:
    """What happened to one article: added, updated (replaced an older version) or duplicate."""

    status: Literal["added", "updated", "duplicate"]
    article: Article  # as stored (for a duplicate: the new one, with the id of the copy kept)
    # For duplicates and updates: the id of the record already there.
    existing_id: str | None = None


@dataclass
class _Entry:
    id: str
    url: str | None
    key: str  # text_key of the text
    writable: bool


class CorpusWriter:
    """Writes to one JSONL file; `also` names other corpus files (read-only) to dedupe against."""

    def __init__(self, path: Path, *, also: Sequence[Path] = ()) -> None:
        self.path = Path(path)
        self.also = tuple(Path(p) for p in also if Path(p) != Path(path))
        self.repaired: list[str] = []
        # path -> (signature, entries): a big corpus is read once, not on every
        # store; any change by someone else changes the signature.
        self._cache: dict[Path, tuple[object, list[_Entry]]] = {}

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def store(self, articles: Sequence[Article]) -> list[Stored]:
        """Add, replace or skip each article; one locked, durable write for the lot."""
        with self._locked():
            self._repair_tail()
            entries, texts, urls, ids = self._catalog()
            results: list[Stored] = []
            appended: list[Article] = []
            replaced: dict[str, Article] = {}
            new_entries: list[_Entry] = []
            for article in articles:
                url = canonical_url(article.url)
                key = text_key(article.text)
                same_text = texts.get(key)
                if same_text is not None:
                    results.append(Stored("duplicate", dataclasses.replace(article, id=same_text.id), same_text.id))
                    continue
                same_url = urls.get(url) if url else None
                if same_url is not None and same_url.writable:
                    new = dataclasses.replace(article, id=same_url.id)
                    replaced[same_url.id] = new
                    texts.pop(same_url.key, None)
                    same_url.key = key
                    texts[key] = same_url
                    results.append(Stored("updated", new, same_url.id))
                    continue
                if same_url is not None:
                    # Lives in a file this writer does not own (a Markdown article).
                    results.append(Stored("duplicate", dataclasses.replace(article, id=same_url.id), same_url.id))
                    continue
                new_id = article.id or make_id(article)
                base, n = new_id, 2
                while new_id in ids:
                    new_id, n = f"{base}-{n}", n + 1
                new = dataclasses.replace(article, id=new_id)
                entry = _Entry(new_id, url, key, True)
                new_entries.append(entry)
                ids.add(new_id)
                texts[key] = entry
                if url:
                    urls[url] = entry
                appended.append(new)
                results.append(Stored("added", new))
            if replaced:
                self._cache.pop(self.path, None)
                self._rewrite(replaced, appended)
            elif appended:
                cached = self._cache.pop(self.path, None)
                self._append(appended)
                if cached is not None:
                    self._cache[self.path] = (_signature(self.path, skip=None), cached[1] + new_entries)
            return results

    # --- reading ------------------------------------------------------------

    def _cached(self, path: Path, *, writable: bool) -> list[_Entry]:
        signature = _signature(path, skip=self.path)
        hit = self._cache.get(path)
        if hit is not None and hit[0] == signature:
            return hit[1]
        entries = _read_entries(path, writable=writable)
        self._cache[path] = (signature, entries)
        return entries

    def _catalog(self) -> tuple[list[_Entry], dict[str, _Entry], dict[str, _Entry], set[str]]:
        mine = self._cached(self.path, writable=True)
        my_ids = {e.id for e in mine}
        entries: list[_Entry] = []
        for path in self.also:
            # A folder corpus holds the target file too; its records count as the target's.
            entries.extend(e for e in self._cached(path, writable=False) if e.id not in my_ids)
        entries.extend(mine)
        texts: dict[str, _Entry] = {}
        urls: dict[str, _Entry] = {}
        for entry in entries:
            texts.setdefault(entry.key, entry)
            if entry.url:
                # The last record for a URL is the current one.
                urls[entry.url] = entry
        return entries, texts, urls, {e.id for e in entries}

    # --- writing ------------------------------------------------------------

    def _repair_tail(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR)
        except FileNotFoundError:
            return
        try:
            size = os.fstat(fd).st_size
            if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
                return
            start = size
            while start > 0:
                step = min(1 << 16, start)
                chunk = os.pread(fd, step, start - step)
                cut = chunk.rfind(b"\n")
                if cut != -1:
                    start = start - step + cut + 1
                    break
                start -= step
            tail = os.pread(fd, size - start, start)
            try:
                complete = isinstance(json.loads(tail.decode("utf-8")), dict)
            except (UnicodeDecodeError, ValueError):
                complete = False
            if complete:
                os.lseek(fd, 0, os.SEEK_END)
                os.write(fd, b"\n")
                self.repaired.append(f"{self.path}: the last line had no line end; added it")
            else:
                torn = self.path.with_name(self.path.name + ".torn")
                with open(torn, "ab") as keep:
                    keep.write(tail + b"\n")
                    keep.flush()
                    os.fsync(keep.fileno())
                os.ftruncate(fd, start)
                self.repaired.append(
                    f"{self.path}: a half-written last line ({len(tail):,} bytes, from an interrupted write) "
                    f"was moved to {torn}"
                )
            os.fsync(fd)
        finally:
            os.close(fd)

    def _append(self, articles: Sequence[Article]) -> None:
        data = b"".join(_line(a) for a in articles)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            fsync_folder(self.path.parent)

    def _rewrite(self, replaced: dict[str, Article], appended: Sequence[Article]) -> None:
        fd, temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as out, self.path.open("rb") as source:
                for line in source:
                    record_id = _line_id(line)
                    if record_id is not None and record_id in replaced:
                        out.write(_line(replaced.pop(record_id)))
                    else:
                        out.write(line)
                for article in appended:
                    out.write(_line(article))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        fsync_folder(self.path.parent)


def _line_id(line: bytes) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if isinstance(record, dict) and isinstance(record.get("id"), (str, int)) and not isinstance(record.get("id"), bool):
        return str(record["id"])
    return None


def _read_entries(path: Path, *, writable: bool) -> list[_Entry]:
    if path.is_dir():
        return [_Entry(a.id, canonical_url(a.url), text_key(a.text), writable) for a in _folder_articles(path)]
    if not path.exists():
        return []
    entries: list[_Entry] = []
    if path.suffix.lower() == ".jsonl":
        with path.open("rb") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    continue
                record_id = record.get("id")
                if not isinstance(record_id, (str, int)) or isinstance(record_id, bool):
                    continue
                url = record.get("url") if isinstance(record.get("url"), str) else None
                entries.append(_Entry(str(record_id), canonical_url(url), text_key(record["text"]), writable))
        return entries
    return entries


def _signature(path: Path, *, skip: Path | None) -> object:
    """Changes whenever the file (or any corpus file in the folder, but `skip`) changes."""
    if path.is_dir():
        items = []
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                file = Path(root, name)
                if name.endswith((".md", ".jsonl")) and not name.startswith(".") and file != skip:
                    st = file.stat()
                    items.append((str(file), st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(items)
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _folder_articles(folder: Path) -> list[Article]:
    from retrieval.corpus import CorpusError, iter_corpus

    try:
        return [a for a in iter_corpus(folder) if isinstance(a, Article)]
    except CorpusError:
        return []
