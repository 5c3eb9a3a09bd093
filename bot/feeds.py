"""The bot's intake: polls FEEDS on PTB's JobQueue and adds admins' URLs, then extends the engine.

A component with a life like `bot.library.Library`: `start()` in `post_init`
opens the `ingest.pipeline.Ingestor` (fetcher, SQLite ingest state, corpus
writer) when FEEDS is set, `stop()` in `post_shutdown` closes it. Without
FEEDS the Ingestor is opened on the first `/tambah`, so a bot that never
ingests creates no state files.

Every article stored here is served through `Library.extend` (an append to
the running index, swapped in when ready). One feed's failure never touches
the others (the pipeline isolates them) and nothing raised here stops the bot:
`poll` logs the unexpected and returns. Polls never overlap (APScheduler's
`max_instances=1` for the job, and a lock here for direct calls).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass

from bot.library import Library
from config.settings import Settings
from ingest.pipeline import FeedOutcome, IngestOutcome, Ingestor
from ingest.state import FeedState
from retrieval.records import Article

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollReport:
    """One run of the feed job, kept for /status."""

    started: dt.datetime
    seconds: float
    outcomes: tuple[FeedOutcome, ...] = ()
    articles: int = 0  # added or updated, and served
    error: str | None = None  # something unexpected: the poll (or the extension) did not finish


@dataclass(frozen=True, slots=True)
class Added:
    """What `/tambah` did: the ingest outcome and, when stored, whether the engine serves it."""

    outcome: IngestOutcome
    served: bool = False
    index_error: str | None = None


class Feeds:
    """Owns the Ingestor for the running bot: `start`, `poll` (the job), `add` (/tambah), `stop`."""

    def __init__(self, settings: Settings, library: Library) -> None:
        self._settings = settings
        self._library = library
        self._ingestor: Ingestor | None = None
        self._opening = asyncio.Lock()
        self._polling = asyncio.Lock()
        self._last: PollReport | None = None

    @property
    def feeds(self) -> tuple[str, ...]:
        return tuple(self._settings.feeds)

    @property
    def last_poll(self) -> PollReport | None:
        return self._last

    async def start(self) -> None:
        """Open the Ingestor when FEEDS is set; a failure is logged and retried on the next use."""
        if self.feeds:
            try:
                await self._open()
            except Exception:  # noqa: BLE001 - the bot answers from its corpus without feeds
                log.exception("Could not open the ingest state; feeds are polled once it can be opened")

    async def stop(self) -> None:
        async with self._opening:
            ingestor, self._ingestor = self._ingestor, None
        if ingestor is not None:
            await ingestor.aclose()

    # --- the feed job -------------------------------------------------------------------

    async def poll(self) -> PollReport | None:
        """Poll every due feed once and serve what was added; None when a poll is already running."""
        if self._polling.locked():
            log.info("Feed poll skipped: the previous one is still running")
            return None
        async with self._polling:
            started, clock = dt.datetime.now(dt.UTC), time.monotonic()
            outcomes: list[FeedOutcome] = []
            articles: list[Article] = []
            error: str | None = None
            try:
                ingestor = await self._open()
                outcomes = await ingestor.poll_feeds()
                articles = [article for outcome in outcomes for article in outcome.articles]
                for outcome in outcomes:
                    _log_outcome(outcome)
                if articles:
                    await self._library.extend(articles)
            except Exception as exc:  # noqa: BLE001 - the job must never take the bot down
                log.exception("Feed poll failed")
                error = f"{type(exc).__name__}: {exc}"
            report = PollReport(started, time.monotonic() - clock, tuple(outcomes), len(articles), error)
            self._last = report
            return report

    # --- /tambah ------------------------------------------------------------------------

    async def add(self, url: str) -> Added:
        """Fetch one article page now (an admin's URL), store it and serve it."""
        try:
            ingestor = await self._open()
        except Exception as exc:  # noqa: BLE001 - e.g. CORPUS_PATH is neither a .jsonl file nor a folder
            log.exception("Could not open the ingest pipeline for %s", url)
            return Added(IngestOutcome(url, "problem", problem=f"cannot ingest here ({exc})"))
        outcome = await ingestor.ingest_url(url)
        if outcome.article is None or outcome.status not in ("added", "updated"):
            return Added(outcome)
        try:
            await self._library.extend([outcome.article])
        except Exception as exc:  # noqa: BLE001 - stored in the corpus; /reload serves it later
            log.exception("Stored %s but could not extend the engine", url)
            return Added(outcome, served=False, index_error=f"{type(exc).__name__}: {exc}")
        return Added(outcome, served=True)

    # --- /status ------------------------------------------------------------------------

    def feed_states(self) -> list[FeedState]:
        """Each feed's last success or error and next retry (from the SQLite state), FEEDS first."""
        if self._ingestor is None:
            return [FeedState(url) for url in self.feeds]
        configured = set(self.feeds)
        return [s for s in self._ingestor.feed_states() if s.url in configured]

    # --- internals ----------------------------------------------------------------------

    async def _open(self) -> Ingestor:
        async with self._opening:
            if self._ingestor is None:
                ingestor = Ingestor.from_settings(self._settings)
                await ingestor.__aenter__()
                self._ingestor = ingestor
                log.info("Ingesting into %s; %d feed(s) every %ss", ingestor.into, len(self.feeds),
                         self._settings.feed_poll_seconds)
            return self._ingestor


def _log_outcome(outcome: FeedOutcome) -> None:
    # A failed feed is logged by the pipeline itself (with its backoff); entries are logged here.
    if outcome.outcomes or outcome.warning:
        problems = [o for o in outcome.outcomes if o.status == "problem"]
        log.info("Feed %s: %d new article(s), %d problem(s)%s", outcome.url, len(outcome.articles), len(problems),
                 f"; {outcome.warning}" if outcome.warning else "")
        for problem in problems:
            log.warning("Feed entry %s: %s", problem.source, problem.problem)

