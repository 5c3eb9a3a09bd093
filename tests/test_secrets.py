"""The bot token never shows up in logs, error messages or exception reports, at any level.

The real Application runs against the stand-in Bot API with a distinctive
token; logging is set up exactly as `python -m bot` does (`configure_logging`)
at each level the settings allow. Then it is made to fail every way it can
here: 5xx on every send (until the retries give up and the error handler
reports the traceback), connections dropped under the long poll and under
sends, a handler that raises. Everything written to the log stream and
everything pytest captured is searched for the token, raw and URL-encoded.
"""

from __future__ import annotations

import io
import logging
import urllib.parse

import pytest

from benchmarks.load import start_bot, stop_bot
from bot.logs import configure_logging
from tests.botapi import BotApiServer, FaultPlan

pytestmark = pytest.mark.e2e

TOKEN = "987654321:AAE-kutipSECRET_tokenZZ-0123456789xy"
QUESTION = "Siapa pemimpin koalisi oposisi Suriah?"


def _leaks(text: str) -> list[str]:
    forms = {TOKEN, urllib.parse.quote(TOKEN), urllib.parse.quote(TOKEN, safe=""), TOKEN.split(":", 1)[1]}
    return [form for form in forms if form in text]


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING", "ERROR"])
async def test_token_never_logged_at_any_level(engine, caplog, level: str) -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level, logging.getLogger("httpx").level, logging.getLogger("httpcore").level)
    handler = configure_logging(level, secrets=[TOKEN], stream=stream)
    root.addHandler(caplog.handler)  # after the redacting handler, as any extra handler would be
    caplog.handler.setLevel(logging.DEBUG)
    try:
        async with BotApiServer(token=TOKEN) as server:
            app = await start_bot(server, engine)

            async def explode(update, context) -> None:  # a handler bug with the token in reach
                raise RuntimeError(f"handler failed while talking to {context.bot.base_url}")

            from telegram.ext import CommandHandler

            app.add_handler(CommandHandler("boom", explode), group=-1)
            try:
                # Every send fails with 500 and 502 until the retries give up: error handler path.
                server.faults = FaultPlan(seed=1).sequence("sendMessage", ["500", "502", "500", "502"])
                server.push_message(71, QUESTION)
                apology = await server.wait_for("sendMessage", timeout=15)
                assert apology.params["text"] == "Maaf, terjadi kesalahan. Silakan coba lagi."
                # Dropped connections under the long poll and under a send.
                server.faults = FaultPlan(seed=2).sequence("getUpdates", ["drop_before", "502"]).sequence(
                    "sendMessage", ["drop_before"])
                since = server.mark()
                server.push_message(72, QUESTION)
                await server.wait_for("sendMessage", lambda c: str(c.params["chat_id"]) == "72", since=since, timeout=15)
                server.faults = None
                since = server.mark()
                server.push_message(73, "/boom")
                await server.wait_for("sendMessage", lambda c: str(c.params["chat_id"]) == "73", since=since, timeout=15)
            finally:
                await stop_bot(app)
            sent = " ".join(str(c.params) for c in server.calls)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.getLogger("httpx").setLevel(saved[2])
        logging.getLogger("httpcore").setLevel(saved[3])
        handler.close()
    written = stream.getvalue()
    # The failures really were logged, so the search below searched something.
    assert "Update" in written and "failed" in written
    assert "RuntimeError: handler failed" in written
    assert _leaks(written) == []
    assert _leaks(caplog.text) == []
    assert _leaks(sent) == []  # nothing the bot sent to a chat carries it either
