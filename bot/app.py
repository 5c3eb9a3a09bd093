"""Build Kutip's PTB `Application`: settings in, a ready-to-run bot out.

`build_app` is the one place where handlers are registered (in order), the
error handler is installed and Telegram-wide behaviour is set: HTML parse
mode, link previews off, `AIORateLimiter` for Telegram's flood limits, and
concurrent updates so one slow answer does not hold back other chats.

State shared by handlers lives in `bot.context.BotData` (PTB's `bot_data`),
each object built once here: the settings, the `Library` that owns the engine
(started in `post_init`, stopped in `post_shutdown`; `/reload`, SIGHUP and
corpus appends all go through it), the kept rankings, the flood limiter and
`Feeds` (the ingest pipeline for the feed job and /tambah, also started and
stopped there). With FEEDS set, the feed job runs on PTB's JobQueue.
Imports run one way: app -> handlers -> library/pages/render -> retrieval.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections import OrderedDict

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults, Job

from bot import handlers
from bot.context import CONTEXT_TYPES, BotData
from bot.feeds import Feeds
from bot.flood import FloodLimiter
from bot.library import Library
from bot.pages import QueryCache
from bot.texts import COMMAND_MENU
from config.settings import Settings
from retrieval.search import Engine

log = logging.getLogger(__name__)

# How many concurrent updates PTB processes; searches run in worker threads.
CONCURRENT_UPDATES = 64


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
        # Updater.stop ends with one more getUpdates that confirms what the bot took, so a
        # restart does not answer it twice. With PTB's one-connection pool that call can find
        # the connection still held by the long poll it just cancelled and fail (httpx
        # PoolTimeout, seen under load in CI); a second connection lets it through.
        .get_updates_connection_pool_size(2)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    data: BotData = app.bot_data
    library, queries = Library(settings, engine=engine), QueryCache()
    # Answers' "more" rankings are kept deeper from the old engine before each swap.
    library.before_swap(lambda outgoing: queries.settle(outgoing, k=settings.results_per_answer))
    data.install(
        settings=settings,
        library=library,
        queries=queries,
        flood=FloodLimiter(settings.user_questions_per_minute),
        feeds=Feeds(settings, library),
    )
    handlers.register(app)
    if settings.feeds:
        schedule_feed_job(app, settings)
    return app


FEED_JOB = "feeds"
# The first poll, after start-up: soon, but after the first answers of a restart.
FEED_FIRST_DELAY_SECONDS = 5.0


def schedule_feed_job(app: Application, settings: Settings, *, first: float | None = None) -> Job:
    """Poll FEEDS every FEED_POLL_SECONDS on PTB's JobQueue (APScheduler underneath).

    `max_instances=1` (APScheduler's default, stated here on purpose): a poll
    still running when the next is due makes that one skip, never overlap;
    `coalesce` folds polls missed while the loop was busy into one.
    """
    if app.job_queue is None:
        raise RuntimeError("FEEDS needs PTB's JobQueue: install python-telegram-bot[job-queue]")
    return app.job_queue.run_repeating(
        _poll_feeds,
        interval=settings.feed_poll_seconds,
        first=min(FEED_FIRST_DELAY_SECONDS, settings.feed_poll_seconds) if first is None else first,
        name=FEED_JOB,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )


async def _poll_feeds(context) -> None:  # type: ignore[no-untyped-def]
    data: BotData = context.bot_data
    try:
        await data.feeds.poll()
    except Exception:  # noqa: BLE001 - belt and braces: `poll` already catches; the job must never die
        log.exception("The feed job failed")


async def _post_init(app: Application) -> None:
    data: BotData = app.bot_data
    await data.library.start()
    await data.feeds.start()
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
        edition = await data.library.refresh()
    except Exception:  # noqa: BLE001 - any failure keeps the old engine
        log.exception("SIGHUP reload failed; still answering from the previous corpus")
        return
    if edition is None:
        log.info("SIGHUP ignored: a reload is already running")
    else:
        log.info("SIGHUP reload done: %d articles, %d problem(s)", len(edition.engine.articles), len(edition.problems))


async def _post_shutdown(app: Application) -> None:
    data: BotData = app.bot_data
    await data.feeds.stop()
    await data.library.stop()
    try:
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
    except (NotImplementedError, RuntimeError, ValueError, AttributeError):
        pass
