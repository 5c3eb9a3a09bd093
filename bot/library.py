"""The one owner of the engine's life in the bot: open, refresh, extend, stop.

Modelled on the `Search` component of PTB's rules-bot: the application starts
it in `post_init` and stops it in `post_shutdown`; everything that changes the
corpus (start-up, `/reload`, SIGHUP, the feed job's appends) goes through it,
serialised by its own lock; handlers read `current` (or `edition`) once per
update and nothing else.

Opening, rebuilding and extending run in a worker thread, so the loop keeps
serving, and a new engine is swapped in with one assignment: the old one
answers until then, and a failure leaves it in place. An extension appends to
the current `Opened` (`retrieval.store.extend_engine`): the corpus is neither
re-read nor re-hashed. The strict-corpus rule lives here and
nowhere else (`open_corpus`, also used by the terminal commands).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalogue import Catalogue
from bot.keys import SentenceKey, article_key, text_key
from config.settings import Settings
from retrieval.corpus import CorpusError, Problem
from retrieval.progress import Progress
from retrieval.records import Article, Sentence
from retrieval.search import Engine
from retrieval.store import Build, Opened, extend_engine, open_engine

log = logging.getLogger(__name__)


class EngineNotReady(RuntimeError):
    """A handler ran before the first engine was opened."""


class StrictCorpusError(CorpusError):
    """STRICT is set and some articles could not be loaded."""


def open_corpus(settings: Settings, *, progress: Callable[[Progress], None] | None = None) -> Opened:
    """Open the engine `settings` describe (blocking); the one place STRICT is enforced.

    Raises `CorpusError` when nothing can be loaded, `StrictCorpusError` (with
    the problems) when STRICT is set and any article was skipped.
    """
    opened = open_engine(
        settings.corpus_path,
        language_data_path=settings.language_data_path,
        index_dir=settings.index_dir,
        progress=progress,
        workers=settings.build_workers,
    )
    if opened.problems and settings.strict:
        raise StrictCorpusError(
            f"STRICT is set and the corpus has {len(opened.problems)} problem(s)", problems=opened.problems
        )
    return opened


@dataclass(frozen=True, slots=True)
class Edition:
    """One engine and what the bot knows about it; replaced whole, never changed."""

    engine: Engine
    # Counts swaps since start: a "more" ranking made from edition n knows when it is older.
    number: int
    # When this engine was built, reopened or extended (UTC), and how.
    at: dt.datetime
    build: Build | str
    reason: str = ""
    problems: tuple[Problem, ...] = ()
    # article_key -> article id, to resolve the sentence keys buttons carry.
    _article_ids: Mapping[str, str] = field(default_factory=dict, repr=False)
    # What the store opened or extended (None for a given engine): the base of the next append.
    opened: Opened | None = field(default=None, repr=False, compare=False)
    # The corpus as /start, /sources, /status and "no answer" describe it.
    catalogue: Catalogue = field(default_factory=Catalogue, repr=False, compare=False)

    @classmethod
    def make(
        cls,
        engine: Engine,
        *,
        number: int,
        build: Build | str,
        reason: str = "",
        problems: tuple[Problem, ...] = (),
        previous: Edition | None = None,
        appended: Sequence[Article] | None = None,
        opened: Opened | None = None,
    ) -> Edition:
        """Blocking: hashes every article id `previous` did not have (about 15 µs each)
        and catalogues those articles.

        Call it in a worker thread; with the outgoing edition as `previous`, an
        append hashes only the new ids, and with the `appended` articles (new ones and
        new versions) catalogues only those.
        """
        ids = set(engine.article_ids)
        keys: dict[str, str] = {}
        if previous is not None:
            keys = {key: article_id for key, article_id in previous._article_ids.items() if article_id in ids}
            ids.difference_update(keys.values())
        keys.update((article_key(article_id), article_id) for article_id in ids)
        if previous is not None and appended is not None:
            # Within one append the last version of an id is the one kept.
            appended = list({article.id: article for article in appended}.values())
            superseded = (previous.engine.article(article.id) for article in appended)
            catalogue = previous.catalogue.extended(appended, replacing=[old for old in superseded if old is not None])
        else:
            catalogue = Catalogue.of(engine.articles)
        return cls(engine, number, dt.datetime.now(dt.UTC), build, reason, problems, keys, opened, catalogue)

    def find(self, key: SentenceKey) -> Sentence | None:
        """The sentence `key` names, if this engine still has it word for word."""
        article_id = self._article_ids.get(key.article)
        if article_id is None:
            return None
        return self.sentence(article_id, key.position, key.text)

    def sentence(self, article_id: str, position: int, text: str) -> Sentence | None:
        """Sentence `position` of `article_id` when its text still hashes to `text` (a text_key)."""
        sentence = self.engine.sentence_at(article_id, position)
        if sentence is None or text_key(sentence.text) != text:
            return None
        return sentence


class Library:
    """Owns the bot's engine: `start`, `refresh`, `extend`, `stop`; handlers read `current`."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None) -> None:
        self._settings = settings
        # A given engine (tests, tools) is served at once; `start` then opens nothing.
        self._edition = Edition.make(engine, number=0, build="given") if engine is not None else None
        self._lock = asyncio.Lock()
        self._swaps = 0
        self._before_swap: list[Callable[[Edition], Awaitable[object]]] = []
        self._stopped = False
        # When the corpus was last read whole (start, refresh) and last appended to (UTC).
        self._built_at: dt.datetime | None = None
        self._extended_at: dt.datetime | None = None
        self._index_dir: Path | None = None

    # --- what handlers read ------------------------------------------------------------

    @property
    def ready(self) -> bool:
        return self._edition is not None

    @property
    def edition(self) -> Edition:
        if self._edition is None:
            raise EngineNotReady("the engine is still loading")
        return self._edition

    @property
    def current(self) -> Engine:
        return self.edition.engine

    @property
    def busy(self) -> bool:
        """A refresh or extension is running (the current engine still answers)."""
        return self._lock.locked()

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def updated_at(self) -> dt.datetime | None:
        """When the current engine was built, reopened or extended (UTC); None before start."""
        return self._edition.at if self._edition is not None else None

    @property
    def built_at(self) -> dt.datetime | None:
        """When the corpus was last opened whole (start, /reload, SIGHUP, a fallback); UTC."""
        return self._built_at

    @property
    def extended_at(self) -> dt.datetime | None:
        """When new articles were last appended to the running engine (UTC); None if never."""
        return self._extended_at

    def before_swap(self, hook: Callable[[Edition], Awaitable[object]]) -> None:
        """Await `hook(outgoing edition)` after each new engine is built, just before the swap.

        The outgoing engine still answers meanwhile; a failing hook is logged
        and never stops the swap.
        """
        self._before_swap.append(hook)

    # --- life --------------------------------------------------------------------------

    async def start(self) -> Edition:
        """Open the engine in a worker thread unless one was given; call from `post_init`."""
        async with self._lock:
            if self._edition is None:
                self._stopped = False
                self._edition = await self._open(number=0)
            return self._edition

    async def refresh(self, *, wait: bool = False) -> Edition | None:
        """Reopen the corpus and swap the engine in one assignment.

        None when another refresh is running and `wait` is false (`/reload`,
        SIGHUP: the running one reads the same files), or when the library was
        stopped meanwhile. A failure raises and keeps the current engine.
        """
        if self._lock.locked() and not wait:
            return None
        async with self._lock:
            return await self._install(await self._open(number=self._swaps + 1))

    async def extend(self, articles: Sequence[Article]) -> Edition:
        """Serve `articles`, already appended to the corpus file by the caller (feed job, /tambah).

        Appends them to the current engine (new sids after all existing ones; an
        id already served is replaced, its old sentences never quoted again) and
        saves the index, in a worker thread, without re-reading the corpus. Waits
        for a running refresh rather than skipping: that one may have read the
        file before the append. Falls back to reopening the corpus when the
        engine was given without its store (tests, tools) or the append fails.
        """
        async with self._lock:
            current = self._edition
            if current is None:
                raise EngineNotReady("the engine is not open yet")
            # A refresh that ran meanwhile may have read these lines already.
            articles = [a for a in articles if current.engine.article(a.id) != a]
            if not articles:
                return current
            edition: Edition | None = None
            if current.opened is not None:
                try:
                    edition = await self._extend(current, current.opened, articles)
                except Exception:  # noqa: BLE001 - a full reopen still serves the appended file
                    log.exception("Appending %d article(s) to the index failed; reopening the corpus", len(articles))
            if edition is None:
                edition = await self._open(number=self._swaps + 1)
            installed = await self._install(edition)
            if installed is None:
                raise EngineNotReady("the library was stopped while extending")
            self._extended_at = installed.at
            log.info(
                "Corpus extended by %d article(s) (%s): now %d articles, %d sentences",
                len(articles),
                installed.build,
                len(installed.engine.articles),
                installed.engine.sentence_count,
            )
            return installed

    async def stop(self) -> None:
        """Drop the engine (memory only) so a process that builds apps again frees the corpus.

        Does not wait for a running refresh (a rebuild may take minutes); that
        one then installs nothing.
        """
        self._stopped = True
        self._edition = None

    async def _install(self, edition: Edition) -> Edition | None:
        """Run the before-swap hooks, then swap `edition` in with one assignment (lock held)."""
        outgoing = self._edition
        if outgoing is not None:
            for hook in self._before_swap:
                try:
                    await hook(outgoing)
                except Exception:  # noqa: BLE001 - a hook never blocks a new corpus
                    log.exception("A before-swap hook failed; swapping anyway")
        if self._stopped:
            return None
        self._swaps += 1
        self._edition = edition
        return edition

    async def _extend(self, current: Edition, opened: Opened, articles: Sequence[Article]) -> Edition:
        # Saved where the last full open kept the index: an append whose save was
        # skipped (index folder locked) leaves `opened.index_dir` None.
        index_dir = opened.index_dir or self._index_dir
        extended = await asyncio.to_thread(
            extend_engine, opened, articles, index_dir=index_dir, workers=self._settings.build_workers
        )
        return await asyncio.to_thread(
            Edition.make,
            extended.engine,
            number=self._swaps + 1,
            build=extended.build,
            reason=extended.reason,
            problems=current.problems,
            previous=current,
            appended=articles,
            opened=extended,
        )

    async def _open(self, *, number: int) -> Edition:
        settings = self._settings
        opened = await asyncio.to_thread(open_corpus, settings)
        for problem in opened.problems:
            log.warning("Corpus problem skipped: %s", problem)
        engine = opened.engine
        await asyncio.to_thread(engine.preload)
        log.info(
            "Engine ready (%s: %s): %d articles, %d sentences, fingerprint %s",
            opened.build,
            opened.reason,
            len(engine.articles),
            engine.sentence_count,
            engine.fingerprint,
        )
        edition = await asyncio.to_thread(
            Edition.make,
            engine,
            number=number,
            build=opened.build,
            reason=opened.reason,
            problems=opened.problems,
            previous=self._edition,
            opened=opened,
        )
        self._built_at, self._index_dir = edition.at, opened.index_dir
        return edition
