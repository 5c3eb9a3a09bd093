"""Build Kutip's PTB `Application`: settings in, a ready-to-run bot out.

`build_app` is the one place where handlers are registered (in order), the
error handler is installed and Telegram-wide behaviour is set: HTML parse
mode, link previews off, `AIORateLimiter` for Telegram's flood limits, and
concurrent updates so one slow answer does not hold back other chats.

State shared by handlers lives in `BotData` (PTB's `bot_data`, typed through
`ContextTypes`). The engine sits behind the single attribute `BotData.engine`:
handlers read it once per update, and `/reload` swaps it with one assignment,
so a reload never mixes two corpora inside one answer.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from collections import OrderedDict
from typing import TypeAlias

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, CallbackContext, ContextTypes, Defaults, ExtBot

from bot import handlers
from bot.flood import FloodLimiter
from bot.texts import COMMAND_MENU
from config.settings import Settings
from retrieval.corpus import Problem
from retrieval.search import Engine
from retrieval.store import load_engine

log = logging.getLogger(__name__)

# How many concurrent updates PTB processes; searches run in worker threads.
CONCURRENT_UPDATES = 64
# Questions remembered for "more quotes" buttons. Keys are random, so a button
# from before a restart (or evicted) finds nothing and is answered "expired".
QUERY_CACHE_SIZE = 20_000


class PatientRateLimiter(AIORateLimiter):
    """`AIORateLimiter` plus what a bot that must not lose answers needs.

    - One message a second per private chat: AIORateLimiter paces only groups
      (20/min) and the bot overall (30/s), so a user who pastes ten questions got
      ten answers in a burst, Telegram's per-chat limit answered 429, and after
      `max_retries` the answers were lost.
    - Transient failures (HTTP 5xx, dropped connections, timeouts: PTB's
      `NetworkError`) are retried with exponential backoff instead of failing the
      handler. A send whose lost response hid a success then shows twice, which
      is Telegram's own at-least-once behaviour and better than a lost answer.
    """

    def __init__(self, *, max_retries: int = 5, network_retries: int = 3, backoff: float = 0.25) -> None:
        super().__init__(max_retries=max_retries)
        self._network_retries = network_retries
        self._backoff = backoff
        self._chat_limiters: OrderedDict[int, AsyncLimiter] = OrderedDict()

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chat_limiters.get(chat_id)
        if limiter is None:
            limiter = self._chat_limiters[chat_id] = AsyncLimiter(1, 1)
            if len(self._chat_limiters) > 10_000:
                self._chat_limiters.popitem(last=False)
        self._chat_limiters.move_to_end(chat_id)
        return limiter

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[no-untyped-def]
        chat_id = data.get("chat_id")
        private = isinstance(chat_id, int) and chat_id > 0 or (isinstance(chat_id, str) and chat_id.isdigit())
        for attempt in range(self._network_retries + 1):
            try:
                if private:
                    async with self._chat_limiter(int(chat_id)):
                        return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise  # PTB makes it a NetworkError, but a refused request fails the same way again
            except NetworkError:
                if attempt == self._network_retries:
                    raise
                log.info("Bot API %s failed transiently; retry %d", endpoint, attempt + 1)
                await asyncio.sleep(self._backoff * 2**attempt)
        raise AssertionError("unreachable")


class EngineNotReady(RuntimeError):
    pass


class QueryCache:
    """Recent questions by short random key, for the "more quotes" buttons (LRU)."""

    def __init__(self, size: int = QUERY_CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[str, str] = OrderedDict()

    def put(self, query: str) -> str:
        key = secrets.token_urlsafe(6)  # 8 characters
        self._items[key] = query
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> str | None:
        query = self._items.get(key)
        if query is not None:
            self._items.move_to_end(key)
        return query

    def __len__(self) -> int:
        return len(self._items)


class BotData:
    """Everything handlers share. PTB creates it with no arguments; `build_app` fills it in."""

    def __init__(self) -> None:
        # Defaults without reading the environment; `build_app` sets the real ones.
        self.settings: Settings = Settings.model_construct()
        self._engine: Engine | None = None
        self.queries = QueryCache()
        self.flood = FloodLimiter(self.settings.user_questions_per_minute)
        self.reload_lock = asyncio.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise EngineNotReady("the engine is still loading")
        return self._engine

    @engine.setter
    def engine(self, engine: Engine) -> None:
        self._engine = engine

    @property
    def ready(self) -> bool:
        return self._engine is not None

    async def build_engine(self) -> tuple[Engine, tuple[Problem, ...]]:
        """A fresh engine for `settings`, built in a worker thread so the loop keeps serving.

        Not installed here: the caller assigns `engine` when it wants the swap.
        """
        settings = self.settings
        engine, problems = await asyncio.to_thread(
            load_engine, settings.corpus_path, language_data_path=settings.language_data_path, index_dir=settings.index_dir
        )
        for problem in problems:
            log.warning("Corpus problem skipped: %s", problem)
        log.info(
            "Engine ready: %d articles, %d sentences, fingerprint %s",
            len(engine.articles),
            engine.sentence_count,
            engine.fingerprint,
        )
        return engine, problems

    async def reload(self) -> tuple[Engine, tuple[Problem, ...]] | None:
        """Rebuild and swap in one assignment; None when a reload is already running.

        The old engine answers until the new one is ready; a failure raises and
        leaves the old engine in place. `/reload` and SIGHUP both come here.
        """
        if self.reload_lock.locked():
            return None
        async with self.reload_lock:
            engine, problems = await self.build_engine()
            if problems and self.settings.strict:
                raise ValueError(f"STRICT is set and the corpus has {len(problems)} problem(s)")
            self.engine = engine
            return engine, problems


Context: TypeAlias = CallbackContext[ExtBot[None], dict, dict, BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)


def build_app(settings: Settings, *, engine: Engine | None = None) -> Application:
    """The bot for `settings`; the engine is loaded in `post_init` unless given."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    app = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(CONCURRENT_UPDATES)
        # Telegram's limits (30/s overall, 20/min per group, 1/s per private chat);
        # retry on 429 as told and on transient network/5xx failures.
        .rate_limiter(PatientRateLimiter())
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    data: BotData = app.bot_data
    data.settings = settings
    data.flood = FloodLimiter(settings.user_questions_per_minute)
    if engine is not None:
        data.engine = engine
    handlers.register(app)
    return app


async def _post_init(app: Application) -> None:
    data: BotData = app.bot_data
    if not data.ready:
        data.engine, _problems = await data.build_engine()
    try:
        await app.bot.set_my_commands([BotCommand(*c) for c in COMMAND_MENU["id"]])
        await app.bot.set_my_commands([BotCommand(*c) for c in COMMAND_MENU["en"]], language_code="en")
    except TelegramError as error:  # a missing menu is cosmetic; never block start-up on it
        log.warning("Could not set the command menu: %s", error)
    _install_sighup(app)
    log.info("Bot @%s is up", app.bot.username)


def _install_sighup(app: Application) -> None:
    """SIGHUP reloads the corpus, as daemons do (main thread on Unix only)."""
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, lambda: app.create_task(_reload_on_signal(app)))
    except (NotImplementedError, RuntimeError, ValueError, AttributeError):
        log.debug("SIGHUP reload unavailable here")


async def _reload_on_signal(app: Application) -> None:
    data: BotData = app.bot_data
    try:
        outcome = await data.reload()
    except Exception:  # noqa: BLE001 - any failure keeps the old engine
        log.exception("SIGHUP reload failed; still answering from the previous corpus")
        return
    if outcome is None:
        log.info("SIGHUP ignored: a reload is already running")
    else:
        log.info("SIGHUP reload done: %d articles, %d problem(s)", len(outcome[0].articles), len(outcome[1]))


async def _post_shutdown(app: Application) -> None:
    # The engine holds only memory (arrays, records); drop it so a long-lived
    # process that rebuilds apps (tests, reloads) does not keep corpora alive.
    data: BotData = app.bot_data
    data._engine = None
    try:
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
    except (NotImplementedError, RuntimeError, ValueError, AttributeError):
        pass
