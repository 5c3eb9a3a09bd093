"""What ingestion remembers across restarts, in one SQLite file (WAL).

Per feed: the validators for conditional GET (ETag, Last-Modified), the last
success and last error, consecutive failures and when to try again (backoff).
Per entry URL: that it was handled, so a restart neither re-fetches nor
duplicates it. An entry whose page failed is retried on later polls, up to
`MAX_ENTRY_ATTEMPTS` times, then remembered as given up.

Opened by the bot's feed job and by `python -m bot ingest` alike; both may
run at once (WAL, a busy timeout, short transactions).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MAX_ENTRY_ATTEMPTS", "FeedState", "IngestState", "backoff_seconds"]

MAX_ENTRY_ATTEMPTS = 3
_MAX_BACKOFF = 24 * 3600.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    last_success REAL,
    last_error TEXT,
    last_error_at REAL,
    failures INTEGER NOT NULL DEFAULT 0,
    next_retry REAL
);
CREATE TABLE IF NOT EXISTS entries (
    url TEXT PRIMARY KEY,
    feed_url TEXT,
    first_seen REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    outcome TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
_SCHEMA_VERSION = "1"


@dataclass(frozen=True, slots=True)
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: float | None = None  # Unix time
    last_error: str | None = None
    last_error_at: float | None = None
    failures: int = 0
    next_retry: float | None = None  # Unix time; None = poll whenever due

    def due(self, now: float) -> bool:
        return self.next_retry is None or now >= self.next_retry


def backoff_seconds(failures: int, base: float) -> float:
    """Wait after `failures` consecutive failures, for a job that polls every `base` seconds.

    0.5, 1.5, 3.5, 7.5 ... times `base` (capped at a day): the feed is tried
    at the next poll, then skips 1, 3, 7 ... polls. The half interval keeps a
    job that fires a little early from skipping one more poll than meant.
    """
    if failures <= 0:
        return 0.0
    return min(base * 2 ** (failures - 1) - base / 2, max(_MAX_BACKOFF, base))


class IngestState:
    """One SQLite file; open with `IngestState(path)`, close with `.close()` (or `with`)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit; writes are grouped with explicit transactions.
        self._db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._db.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema', ?)", (_SCHEMA_VERSION,)
        )

    def __enter__(self) -> IngestState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # --- feeds --------------------------------------------------------------

    def feed(self, url: str) -> FeedState:
        row = self._db.execute(
            "SELECT url, etag, last_modified, last_success, last_error, last_error_at, failures, next_retry "
            "FROM feeds WHERE url = ?",
            (url,),
        ).fetchone()
        return FeedState(*row) if row else FeedState(url)

    def feeds(self) -> list[FeedState]:
        rows = self._db.execute(
            "SELECT url, etag, last_modified, last_success, last_error, last_error_at, failures, next_retry "
            "FROM feeds ORDER BY url"
        ).fetchall()
        return [FeedState(*row) for row in rows]

    def feed_succeeded(
        self, url: str, *, etag: str | None, last_modified: str | None, now: float | None = None
    ) -> None:
        now = time.time() if now is None else now
        self._db.execute(
            "INSERT INTO feeds(url, etag, last_modified, last_success, failures, next_retry) "
            "VALUES (?, ?, ?, ?, 0, NULL) "
            "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
            "last_success = excluded.last_success, failures = 0, next_retry = NULL",
            (url, etag, last_modified, now),
        )

    def feed_failed(self, url: str, error: str, *, base_backoff: float, now: float | None = None) -> FeedState:
        now = time.time() if now is None else now
        failures = self.feed(url).failures + 1
        next_retry = now + backoff_seconds(failures, base_backoff)
        self._db.execute(
            "INSERT INTO feeds(url, last_error, last_error_at, failures, next_retry) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET last_error = excluded.last_error, "
            "last_error_at = excluded.last_error_at, failures = excluded.failures, "
            "next_retry = excluded.next_retry",
            (url, error, now, failures, next_retry),
        )
        return self.feed(url)

    # --- entries ------------------------------------------------------------

    def unseen(self, urls: Iterable[str]) -> list[str]:
        """The URLs not yet handled (and not given up on), in the order given."""
        wanted = list(dict.fromkeys(urls))
        handled: set[str] = set()
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            marks = ",".join("?" * len(batch))
            handled.update(
                row[0]
                for row in self._db.execute(
                    f"SELECT url FROM entries WHERE url IN ({marks}) AND (done = 1 OR attempts >= ?)",
                    (*batch, MAX_ENTRY_ATTEMPTS),
                )
            )
        return [u for u in wanted if u not in handled]

    def entry_done(self, url: str, *, feed_url: str | None, outcome: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._db.execute(
            "INSERT INTO entries(url, feed_url, first_seen, attempts, done, outcome) VALUES (?, ?, ?, 1, 1, ?) "
            "ON CONFLICT(url) DO UPDATE SET attempts = attempts + 1, done = 1, outcome = excluded.outcome",
            (url, feed_url, now, outcome),
        )

    def entry_failed(self, url: str, *, feed_url: str | None, outcome: str, now: float | None = None) -> int:
        """Count one failed attempt; returns the attempts so far."""
        now = time.time() if now is None else now
        self._db.execute(
            "INSERT INTO entries(url, feed_url, first_seen, attempts, done, outcome) VALUES (?, ?, ?, 1, 0, ?) "
            "ON CONFLICT(url) DO UPDATE SET attempts = attempts + 1, outcome = excluded.outcome",
            (url, feed_url, now, outcome),
        )
        row = self._db.execute("SELECT attempts FROM entries WHERE url = ?", (url,)).fetchone()
        return int(row[0])

    def seen_count(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM entries WHERE done = 1").fetchone()[0])

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None
