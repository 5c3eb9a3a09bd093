"""SOURCE -> articles -> corpus: the one path shared by `python -m bot ingest` and the bot's feed job.

A source is a saved HTML page, a raw text copy (`.txt`), a folder of them, an
http(s) URL of an article, or a feed (file or URL). What a file or response
is, is decided by its content, not its name.

Public surface (all on `Ingestor`, used as `async with Ingestor.from_settings(s) as ingestor`):

- `await ingest(sources, overrides=...) -> list[IngestOutcome]`: the CLI.
- `await ingest_url(url) -> IngestOutcome`: one article now (`/tambah`).
- `await poll_feeds() -> list[FeedOutcome]`: one poll of every due feed in
  `FEEDS` (the JobQueue job). Never raises for a feed's failure.
- `feed_states() -> list[FeedState]`: each feed's last success/error (`/status`).

Every outcome carries the stored `Article` (added or updated), so the caller
can extend its index; an update means the article with that id changed text.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from ingest.corpus_writer import CorpusWriter, Stored
from ingest.feeds import DEFAULT_MAX_ENTRIES, Feed, FeedEntry, NotAFeed, looks_like_feed, parse_feed
from ingest.fetch import Fetched, FetchError, Fetcher, FetchLimits, FetchProblem, decode_text
from ingest.records import Extracted, NotAnArticle
from ingest.state import IngestState, FeedState, backoff_seconds
from retrieval.records import Article

if TYPE_CHECKING:
    from config.settings import Settings

__all__ = [
    "FeedOutcome",
    "IngestError",
    "IngestOutcome",
    "Ingestor",
    "Overrides",
    "backoff_seconds",
    "ingest_target",
    "next_retry_in",
    "state_path",
]

log = logging.getLogger("kutip.ingest")

Status = Literal["added", "updated", "duplicate", "nothing new", "problem"]
_FILE_SUFFIXES = (".html", ".htm", ".xhtml", ".txt", ".xml", ".rss", ".atom")
# Fetch problems that another try will not fix: the entry is given up at once.
_PERMANENT = frozenset({FetchProblem.NOT_FOUND, FetchProblem.NOT_TEXT, FetchProblem.TOO_LARGE,
                        FetchProblem.REFUSED_ADDRESS, FetchProblem.BAD_URL, FetchProblem.TOO_MANY_REDIRECTS})
DEFAULT_MAX_NEW_PER_POLL = 30


class IngestError(Exception):
    """The ingest target itself is unusable (not a .jsonl file or a folder)."""


@dataclass(frozen=True, slots=True)
class Overrides:
    """What the person supplies; each set field wins over extraction."""

    source: str | None = None
    title: str | None = None
    date: dt.date | None = None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    source: str  # the path or URL as given (a feed entry's URL for feed entries)
    status: Status
    article: Article | None = None
    problem: str | None = None
    notes: tuple[str, ...] = ()
    feed: str | None = None  # the feed this entry came from

    @property
    def ok(self) -> bool:
        return self.status != "problem"


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    url: str
    status: Literal["polled", "unchanged", "failed", "waiting"]
    outcomes: tuple[IngestOutcome, ...] = ()
    error: str | None = None
    warning: str | None = None
    # New entries beyond the per-poll cap, taken on the next polls.
    left_for_later: int = 0
    next_retry: float | None = None

    @property
    def articles(self) -> tuple[Article, ...]:
        """Articles added or updated by this poll, for the index."""
        return tuple(o.article for o in self.outcomes if o.article and o.status in ("added", "updated"))


def ingest_target(path: Path) -> tuple[Path, tuple[Path, ...]]:
    """(JSONL file to write, corpus paths to dedupe against) for a corpus path or `--into`.

    A `.jsonl` path is the file itself (created if missing); a folder (a
    Markdown corpus) gets `<folder>/ingested.jsonl`, loaded with the folder.
    """
    path = Path(path)
    if path.suffix.lower() == ".jsonl" and not path.is_dir():
        return path, ()
    if path.is_dir():
        return path / "ingested.jsonl", (path,)
    if path.exists():
        raise IngestError(f"{path} is neither a .jsonl corpus file nor a folder: name a .jsonl file with --into")
    raise IngestError(f"{path} does not exist: name a .jsonl file (created if missing) or an existing folder")


def state_path(settings: Settings, target: Path) -> Path:
    """Where the SQLite ingest state lives: STATE_DIR, else INDEX_DIR, else `.kutip/` beside the target."""
    folder = settings.state_dir or settings.index_dir or target.parent / ".kutip"
    return Path(folder) / "ingest-state.sqlite3"


class Ingestor:
    def __init__(
        self,
        *,
        into: Path,
        state: IngestState,
        limits: FetchLimits | None = None,
        also: Sequence[Path] = (),
        feeds: Sequence[str] = (),
        poll_seconds: float = 900.0,
        feed_max_entries: int = DEFAULT_MAX_ENTRIES,
        max_new_per_poll: int = DEFAULT_MAX_NEW_PER_POLL,
        own_state: bool = False,
        language_data: Path | None = None,
    ) -> None:
        """`language_data`: the folder whose `extraction/` lists (outlets, roles, boilerplate)
        pages are read with, `LANGUAGE_DATA_PATH`; the bundled `corpus/lang` when None."""
        self.into = Path(into)
        self.state = state
        self.limits = limits or FetchLimits()
        self.feeds = tuple(feeds)
        self.poll_seconds = poll_seconds
        self.feed_max_entries = feed_max_entries
        self.max_new_per_poll = max_new_per_poll
        self.writer = CorpusWriter(self.into, also=also)
        self._fetcher = Fetcher(self.limits)
        self._own_state = own_state
        self._language_data = language_data
        self._open = False
        # Stores are serialised in-process too (flock is per open file, and
        # the bot may poll and /tambah at the same moment).
        self._store_lock = asyncio.Lock()
        # Extraction is CPU work in threads; two at a time keep the bot's
        # answers responsive on a small machine while a big poll runs.
        self._extract_slots = asyncio.Semaphore(2)

    @classmethod
    def from_settings(cls, settings: Settings, *, into: Path | None = None) -> Ingestor:
        target, also = ingest_target(into if into is not None else settings.corpus_path)
        return cls(
            into=target,
            also=also,
            state=IngestState(state_path(settings, target)),
            limits=FetchLimits(
                timeout=settings.fetch_timeout_seconds,
                connect_timeout=min(settings.fetch_connect_timeout_seconds, settings.fetch_timeout_seconds),
                read_timeout=min(settings.fetch_read_timeout_seconds, settings.fetch_timeout_seconds),
                max_bytes=settings.fetch_max_bytes,
                max_redirects=settings.fetch_max_redirects,
                per_host=settings.fetch_per_host,
                allow_private=settings.allow_private_urls,
            ),
            feeds=settings.feeds,
            poll_seconds=settings.feed_poll_seconds,
            feed_max_entries=settings.feed_max_entries,
            max_new_per_poll=settings.feed_max_new_per_poll,
            own_state=True,
            language_data=settings.language_data_path,
        )

    async def __aenter__(self) -> Ingestor:
        await self._fetcher.__aenter__()
        self._open = True
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._open:
            await self._fetcher.aclose()
            self._open = False
        if self._own_state:
            self.state.close()
            self._own_state = False

    # --- public -------------------------------------------------------------

    async def ingest(
        self,
        sources: Iterable[str],
        *,
        overrides: Overrides | None = None,
        on_outcome: Callable[[IngestOutcome], None] | None = None,
    ) -> list[IngestOutcome]:
        """Ingest each source in order (files, folders, article URLs, feeds)."""
        overrides = overrides or Overrides()
        results: list[IngestOutcome] = []
        for source in sources:
            try:
                outcomes = await self._source(source, overrides)
            except OSError:
                raise  # the corpus cannot be written: nothing after this could be stored either
            except Exception as exc:  # noqa: BLE001 - one odd source must not stop the rest
                log.exception("ingest %s: unexpected error", source)
                outcomes = [IngestOutcome(source, "problem",
                                          problem=f"could not be read (unexpected {type(exc).__name__}: {exc})")]
            for outcome in outcomes:
                results.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
        return results

    async def ingest_url(self, url: str, *, overrides: Overrides | None = None) -> IngestOutcome:
        """Fetch one article page now and store it; a feed URL is a problem here (add it to FEEDS)."""
        overrides = overrides or Overrides()
        try:
            fetched = await self._fetcher.fetch(url)
        except FetchError as exc:
            return IngestOutcome(url, "problem", problem=str(exc))
        if looks_like_feed(fetched.content):
            return IngestOutcome(
                url, "problem",
                problem="is a feed, not an article: add it to FEEDS, or run `python -m bot ingest` on it",
            )
        built = await self._from_fetched(url, fetched, overrides, hint=None)
        if isinstance(built, IngestOutcome):
            return built
        article, notes = built
        (stored,) = await self._store([article])
        return _stored_outcome(url, stored, notes)

    async def poll_feeds(self, feeds: Sequence[str] | None = None, *, now: float | None = None) -> list[FeedOutcome]:
        """Poll every due feed once, concurrently; one feed's failure never touches the others."""
        urls = list(dict.fromkeys(self.feeds if feeds is None else feeds))
        return list(await asyncio.gather(*(self._poll_one(u, now) for u in urls)))

    def feed_states(self) -> list[FeedState]:
        known = {s.url: s for s in self.state.feeds()}
        return [known.get(url, FeedState(url)) for url in self.feeds] + [
            s for url, s in known.items() if url not in self.feeds
        ]

    # --- feeds --------------------------------------------------------------

    async def _poll_one(self, url: str, now: float | None) -> FeedOutcome:
        current = time.time() if now is None else now
        state = self.state.feed(url)
        if not state.due(current):
            return FeedOutcome(url, "waiting", error=state.last_error, next_retry=state.next_retry)
        try:
            return await self._poll(url, state, Overrides())
        except Exception as exc:  # noqa: BLE001 - one feed must never stop the others or the bot
            if isinstance(exc, (FetchError, NotAFeed)):
                error = str(exc)
            elif isinstance(exc, OSError):
                # Not the feed's fault, but the poll did not complete: say where.
                error = f"cannot write the corpus {self.into}: {exc.strerror or exc}"
                log.error("feed %s: %s", url, error)
            else:
                log.exception("feed %s: unexpected error", url)
                error = f"unexpected error: {type(exc).__name__}: {exc}"
            failed = self.state.feed_failed(url, error, base_backoff=self.poll_seconds, now=current)
            log.warning("feed %s failed (%d in a row, next try in %.0f s): %s", url, failed.failures,
                        (failed.next_retry or current) - current, error)
            return FeedOutcome(url, "failed", error=error, next_retry=failed.next_retry)

    async def _poll(self, url: str, state: FeedState, overrides: Overrides) -> FeedOutcome:
        fetched = await self._fetcher.fetch(url, etag=state.etag, last_modified=state.last_modified)
        if fetched.not_modified:
            self.state.feed_succeeded(url, etag=state.etag, last_modified=state.last_modified)
            return FeedOutcome(url, "unchanged")
        feed = await asyncio.to_thread(
            parse_feed, fetched.content, url=fetched.url, content_type=fetched.headers.get("content-type"),
            max_entries=self.feed_max_entries,
        )
        outcomes, left, retry_needed = await self._entries(url, feed, overrides)
        # Keep the validators only when nothing is pending: a 304 next time
        # would hide the entries still to take.
        keep = not (left or retry_needed)
        self.state.feed_succeeded(
            url, etag=fetched.etag if keep else None, last_modified=fetched.last_modified if keep else None
        )
        return FeedOutcome(url, "polled", tuple(outcomes), warning=_feed_warning(feed, self.feed_max_entries),
                           left_for_later=left)

    async def _entries(
        self, feed_url: str, feed: Feed, overrides: Overrides
    ) -> tuple[list[IngestOutcome], int, bool]:
        by_url = {e.url: e for e in feed.entries}
        fresh = self.state.unseen(by_url)
        taken, left = fresh[: self.max_new_per_poll], max(0, len(fresh) - self.max_new_per_poll)
        built = await asyncio.gather(*(self._entry(by_url[u], feed_url, overrides) for u in taken))
        articles = [b for b in built if isinstance(b[0], Article)]
        stored = iter(await self._store([a for a, _ in articles]) if articles else [])
        outcomes: list[IngestOutcome] = []
        retry_needed = False
        for entry_url, result in zip(taken, built):
            if isinstance(result[0], Article):
                outcome = dataclasses.replace(_stored_outcome(entry_url, next(stored), result[1]), feed=feed_url)
                self.state.entry_done(entry_url, feed_url=feed_url, outcome=outcome.status)
            else:
                outcome, permanent = result  # type: ignore[misc]
                outcome = dataclasses.replace(outcome, feed=feed_url)
                if permanent:
                    self.state.entry_done(entry_url, feed_url=feed_url, outcome="problem")
                else:
                    self.state.entry_failed(entry_url, feed_url=feed_url, outcome=outcome.problem or "problem")
                    retry_needed = True
            outcomes.append(outcome)
        return outcomes, left, retry_needed

    async def _entry(
        self, entry: FeedEntry, feed_url: str, overrides: Overrides
    ) -> tuple[Article, tuple[str, ...]] | tuple[IngestOutcome, bool]:
        try:
            fetched = await self._fetcher.fetch(entry.url)
            built = await self._from_fetched(entry.url, fetched, overrides, hint=entry)
        except FetchError as exc:
            return IngestOutcome(entry.url, "problem", problem=str(exc)), exc.problem in _PERMANENT
        except Exception as exc:  # noqa: BLE001 - one odd page must not block its feed
            log.exception("feed %s: entry %s could not be read", feed_url, entry.url)
            return IngestOutcome(entry.url, "problem",
                                 problem=f"could not be read (unexpected {type(exc).__name__}; see the log)"), True
        if isinstance(built, IngestOutcome):
            return built, True
        return built

    # --- one document -------------------------------------------------------

    async def _source(self, source: str, overrides: Overrides) -> list[IngestOutcome]:
        if source.startswith(("http://", "https://")) or "://" in source:
            return await self._url_source(source, overrides)
        path = Path(source)
        if path.is_dir():
            files = _folder_files(path)
            if not files:
                return [IngestOutcome(source, "problem",
                                      problem=f"no page, text or feed file ({', '.join(_FILE_SUFFIXES)}) in the folder")]
            results: list[IngestOutcome] = []
            for file in files:
                results.extend(await self._file_source(file, overrides))
            return results
        return await self._file_source(path, overrides)

    async def _url_source(self, url: str, overrides: Overrides) -> list[IngestOutcome]:
        try:
            fetched = await self._fetcher.fetch(url)
        except FetchError as exc:
            return [IngestOutcome(url, "problem", problem=str(exc))]
        if looks_like_feed(fetched.content):
            return await self._feed_document(url, fetched.content, overrides, content_type=fetched.headers.get("content-type"),
                                             base=fetched.url)
        built = await self._from_fetched(url, fetched, overrides, hint=None)
        if isinstance(built, IngestOutcome):
            return [built]
        (stored,) = await self._store([built[0]])
        return [_stored_outcome(url, stored, built[1])]

    async def _file_source(self, path: Path, overrides: Overrides) -> list[IngestOutcome]:
        name = str(path)
        try:
            size = path.stat().st_size
            if size > self.limits.max_bytes:
                return [IngestOutcome(name, "problem", problem=f"too large: {size:,} bytes, over the "
                                                               f"{self.limits.max_bytes:,}-byte limit (FETCH_MAX_BYTES)")]
            data = path.read_bytes()
        except FileNotFoundError:
            return [IngestOutcome(name, "problem", problem="not found: no such file or folder")]
        except OSError as exc:
            return [IngestOutcome(name, "problem", problem=f"cannot be read: {exc.strerror or exc}")]
        if b"\x00" in data[:4096]:
            return [IngestOutcome(name, "problem", problem="binary data, not a saved page, a text copy or a feed")]
        if looks_like_feed(data):
            return await self._feed_document(name, data, overrides, content_type=None, base=None)
        try:
            async with self._extract_slots:
                if _looks_like_html(data):
                    extracted = await asyncio.to_thread(_extract_html, data, None, self._language_data)
                else:
                    extracted = await asyncio.to_thread(_extract_text, decode_text(data), path.name, self._language_data)
        except NotAnArticle as exc:
            return [IngestOutcome(name, "problem", problem=f"not an article: {exc}")]
        built = _build(name, extracted, overrides, hint=None, fetched_url=None)
        if isinstance(built, IngestOutcome):
            return [built]
        (stored,) = await self._store([built[0]])
        return [_stored_outcome(name, stored, built[1])]

    async def _feed_document(
        self, name: str, data: bytes, overrides: Overrides, *, content_type: str | None, base: str | None
    ) -> list[IngestOutcome]:
        try:
            feed = await asyncio.to_thread(parse_feed, data, url=base, content_type=content_type,
                                           max_entries=self.feed_max_entries)
        except NotAFeed as exc:
            return [IngestOutcome(name, "problem", problem=f"not a usable feed: {exc}")]
        outcomes, left, _ = await self._entries(base or name, feed, overrides)
        if not outcomes:
            note = f"; {left} more are left for the next run" if left else ""
            return [IngestOutcome(name, "nothing new", notes=(f"every entry was already taken in{note}",))]
        if left:
            outcomes.append(IngestOutcome(name, "nothing new", notes=(
                f"{left} more new entries are left for the next run (FEED_MAX_NEW_PER_POLL)",)))
        return outcomes

    async def _from_fetched(
        self, url: str, fetched: Fetched, overrides: Overrides, *, hint: FeedEntry | None
    ) -> tuple[Article, tuple[str, ...]] | IngestOutcome:
        try:
            async with self._extract_slots:
                if fetched.content_type == "text/plain" or (
                    fetched.content_type is None and not _looks_like_html(fetched.content)
                ):
                    name = urlsplit(fetched.url).path.rsplit("/", 1)[-1] or None
                    extracted = await asyncio.to_thread(_extract_text, fetched.text(), name, self._language_data)
                else:
                    extracted = await asyncio.to_thread(_extract_html, fetched.text(), fetched.url, self._language_data)
        except NotAnArticle as exc:
            return IngestOutcome(url, "problem", problem=f"not an article: {exc}")
        return _build(url, extracted, overrides, hint=hint, fetched_url=fetched.url)

    async def _store(self, articles: Sequence[Article]) -> list[Stored]:
        async with self._store_lock:
            stored = await asyncio.to_thread(self.writer.store, articles)
        for message in self.writer.repaired:
            log.warning("%s", message)
        self.writer.repaired.clear()
        return stored


# --- helpers ----------------------------------------------------------------------


def _extract_html(html: bytes | str, url: str | None, language_data: Path | None) -> Extracted:
    from ingest import langdata
    from ingest.extract import extract_html

    return extract_html(html, url=url, language=langdata.at(language_data) if language_data else None)


def _extract_text(text: str, name: str | None, language_data: Path | None) -> Extracted:
    from ingest import langdata
    from ingest.rawtext import extract_text

    return extract_text(text, name=name, language=langdata.at(language_data) if language_data else None)


def _looks_like_html(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<!--")) or any(
        tag in head for tag in (b"<html", b"<body", b"<head>", b"<div", b"<p>", b"<article")
    )


def _folder_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root, f) for f in files if not f.startswith(".") and f.lower().endswith(_FILE_SUFFIXES))
    return sorted(found)


def _site_name(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return host or None


def _build(
    origin: str, extracted: Extracted, overrides: Overrides, *, hint: FeedEntry | None, fetched_url: str | None
) -> tuple[Article, tuple[str, ...]] | IngestOutcome:
    notes = list(extracted.notes)
    title = overrides.title or extracted.title or (hint.title if hint else None)
    if title and not (overrides.title or extracted.title):
        notes.append("title taken from the feed")
    source = overrides.source or extracted.source
    url = extracted.url or fetched_url
    if not source and fetched_url:
        # The site's own address is a true statement of where the article
        # came from, unlike a guessed outlet name.
        source = _site_name(fetched_url)
        if source:
            notes.append(f"no source name on the page: using the site address {source} (give --source to name it)")
    date, approximate = extracted.date, extracted.date_approximate
    if overrides.date is not None:
        date, approximate = overrides.date, False
    elif date is None and hint is not None and hint.published is not None:
        date, approximate = hint.published, False
        notes.append("date taken from the feed")
    author = overrides.author or extracted.author
    missing = [name for name, value in (("title", title), ("source", source)) if not value]
    if missing:
        options = " and ".join(f"--{m}" for m in missing)
        return IngestOutcome(origin, "problem",
                             problem=f"no {' or '.join(missing)} found: give {options} to supply it", notes=tuple(notes))
    if date is None and not any("date" in n for n in notes):
        notes.append("no date found (give --date YYYY-MM-DD)")
    article = Article(
        id="",
        title=title.strip(),  # type: ignore[union-attr]
        source=source.strip(),  # type: ignore[union-attr]
        date=date,
        text=extracted.text.strip(),
        date_approximate=approximate and date is not None,
        author=author.strip() if author else None,
        url=url,
    )
    if not article.text:
        return IngestOutcome(origin, "problem", problem="no text: the page has no article text")
    return article, tuple(notes)


def _stored_outcome(origin: str, stored: Stored, notes: tuple[str, ...]) -> IngestOutcome:
    if stored.status == "duplicate":
        notes = (*notes, f"already in the corpus as {stored.existing_id}")
    return IngestOutcome(origin, stored.status, article=stored.article, notes=notes)


def _feed_warning(feed: Feed, max_entries: int) -> str | None:
    parts = [feed.warning] if feed.warning else []
    if feed.total_items > max_entries:
        parts.append(f"the feed has {feed.total_items:,} items; only the first {max_entries} are read (FEED_MAX_ENTRIES)")
    return "; ".join(parts) or None


def next_retry_in(state: FeedState, now: float | None = None) -> float | None:
    """Seconds until a failing feed is tried again (None when it is not waiting)."""
    if state.next_retry is None:
        return None
    return max(0.0, state.next_retry - (time.time() if now is None else now))

