"""Run the bot: long polling by default, webhook mode when `WEBHOOK_URL` is set.

Webhook mode uses PTB's own server (tornado) with `secret_token`: every request
without Telegram's `X-Telegram-Bot-Api-Secret-Token` header, or with a wrong
one, gets 403 and is never processed. A separate tiny server on
`HEALTH_PORT` answers `GET /healthz` for container orchestrators: PTB's
webhook app has no hook for extra routes, and keeping health apart means a
probe never needs the secret path.

Both `run_polling` and `run_webhook` install handlers for SIGINT, SIGTERM and
SIGABRT and shut down (stop updater, finish running handlers, close HTTP) in
a few seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from bot.app import build_app
from bot.library import Library
from config.settings import Settings
from retrieval.search import Engine

log = logging.getLogger(__name__)


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments for `run_webhook`/`Updater.start_webhook` derived from settings.

    The local path the server listens on is the path of the public URL, so a
    reverse proxy can forward it unchanged.
    """
    if not settings.webhook_url or settings.webhook_secret_token is None:
        raise ValueError("webhook mode needs WEBHOOK_URL and WEBHOOK_SECRET_TOKEN")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlsplit(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": settings.webhook_secret_token.get_secret_value(),
        "allowed_updates": Update.ALL_TYPES,
    }


def limit_request_bodies(max_bytes: int) -> None:
    """Make tornado refuse request bodies over `max_bytes` (it answers 400 and drops them).

    PTB's webhook server builds tornado's `HTTPServer` with tornado's 100 MB
    default and has no option for it; `HTTPServer` is a tornado `Configurable`,
    so its defaults can be set before PTB builds one. Process-wide on purpose:
    no server in this process should accept more.
    """
    HTTPServer.configure(None, max_body_size=max_bytes)


class _HealthHandler(RequestHandler):
    def initialize(self, library: Library) -> None:
        self.library = library

    def get(self) -> None:
        if not self.library.ready:
            self.set_status(503)
            self.write({"status": "loading"})
            return
        engine = self.library.current
        self.write(
            {
                "status": "ok",
                "articles": len(engine.articles),
                "sentences": engine.sentence_count,
                "fingerprint": engine.fingerprint,
            }
        )


class HealthServer:
    """`GET /healthz` -> 200 JSON with article and sentence counts (503 while loading)."""

    def __init__(self, library: Library) -> None:
        # No access log: orchestrators probe every few seconds.
        self._app = TornadoApplication(
            [(r"/healthz", _HealthHandler, {"library": library})], log_function=lambda _h: None
        )
        self._server: HTTPServer | None = None

    def start(self, *, listen: str, port: int) -> None:
        """Start listening; call from inside the running event loop."""
        self._server = HTTPServer(self._app)
        self._server.listen(port, address=listen)
        log.info("Health endpoint on http://%s:%d/healthz", listen, port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None


def _chain(first: Callable[[Application], Awaitable[None]] | None, then: Callable[[Application], Awaitable[None]]):
    async def both(app: Application) -> None:
        if first is not None:
            await first(app)
        await then(app)

    return both


def run_bot(settings: Settings, *, engine: Engine | None = None) -> None:
    """Run until SIGINT/SIGTERM; polling unless `settings.webhook_url` is set."""
    app = build_app(settings, engine=engine)
    if not settings.webhook_url:
        log.info("Starting long polling")
        app.run_polling(allowed_updates=Update.ALL_TYPES)
        return

    options = webhook_options(settings)
    limit_request_bodies(settings.webhook_max_body_bytes)
    health = HealthServer(app.bot_data.library)

    async def start_health(app: Application) -> None:
        health.start(listen=settings.webhook_listen, port=settings.health_port)

    async def stop_health(app: Application) -> None:
        await health.stop()

    app.post_init = _chain(app.post_init, start_health)
    app.post_stop = _chain(app.post_stop, stop_health)
    log.info("Starting webhook on %s:%d/%s", options["listen"], options["port"], options["url_path"])
    app.run_webhook(**options)
