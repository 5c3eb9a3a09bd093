"""End to end: webhook secret, health endpoint, and clean stops on SIGTERM/SIGINT.

The subprocess tests run `bot.run.run_bot` exactly as deployed (own event
loop, PTB's signal handling) against the stand-in Bot API in this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.app import build_app
from bot.library import Library
from config.settings import BUNDLED_CORPUS, BUNDLED_LANGUAGE_DATA, Settings
from bot.run import HealthServer, limit_request_bodies, webhook_options
from tests.botapi import BotApiServer, parse_html, settings_for
from tests.conftest import same_chat

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
SECRET = "kutip-Secret_42"
QUESTION = "Siapa pemimpin koalisi oposisi Suriah?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _update_for(server: BotApiServer, chat_id: int, text: str, update_id: int) -> dict:
    """The update Telegram would POST for a message (the stand-in knows the chat then)."""
    message_id = server.push_message(chat_id, text)
    return {"update_id": update_id, "message": server.message(chat_id, message_id)}


async def test_webhook_requires_the_secret_token(engine) -> None:
    port = free_port()
    async with BotApiServer() as server:
        settings = settings_for(
            server,
            webhook_url="https://kutip.example.org/tg/hook",
            webhook_listen="127.0.0.1",
            webhook_port=port,
            webhook_secret_token=SECRET,
        )
        app = build_app(settings, engine=engine)
        await app.initialize()
        await app.start()
        limit_request_bodies(settings.webhook_max_body_bytes)
        await app.updater.start_webhook(**webhook_options(settings))
        try:
            assert server.webhook["url"] == "https://kutip.example.org/tg/hook"
            assert server.webhook["secret_token"] == SECRET
            url = f"http://127.0.0.1:{port}/tg/hook"
            async with httpx.AsyncClient(timeout=5) as client:
                since = server.mark()
                bad = [
                    await client.post(url, json=_update_for(server, 501, QUESTION, 9001)),
                    await client.post(
                        url,
                        json=_update_for(server, 502, QUESTION, 9002),
                        headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
                    ),
                ]
                assert [r.status_code for r in bad] == [403, 403]
                good = await client.post(
                    url,
                    json=_update_for(server, 503, QUESTION, 9003),
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert good.status_code == 200
                reply = await server.wait_for("sendMessage", lambda c: same_chat(c, 503), since=since)
                assert "<blockquote>" in reply.params["text"]
                await asyncio.sleep(0.2)
                assert not [c for c in server.calls[since:] if c.method == "sendMessage" and not same_chat(c, 503)]
                # An oversized body, even with the right secret, is refused and never processed.
                huge = _update_for(server, 504, QUESTION, 9004)
                huge["message"]["text"] = QUESTION + " " + "x" * settings.webhook_max_body_bytes
                try:
                    refused = await client.post(url, json=huge, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                except httpx.TransportError:
                    pass  # tornado answered 400 and closed while the body was still being sent
                else:
                    assert refused.status_code in (400, 413)
                await asyncio.sleep(0.3)
                assert not [c for c in server.calls[since:] if c.method == "sendMessage" and same_chat(c, 504)]
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()


async def test_health_endpoint_reports_counts_and_loading(engine) -> None:
    port = free_port()
    library = Library(Settings.model_construct(corpus_path=BUNDLED_CORPUS, language_data_path=BUNDLED_LANGUAGE_DATA))
    health = HealthServer(library)
    health.start(listen="127.0.0.1", port=port)
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            loading = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert loading.status_code == 503 and loading.json()["status"] == "loading"
            await library.start()
            ready = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert ready.status_code == 200
            assert ready.json() == {
                "status": "ok",
                "articles": len(engine.articles),
                "sentences": engine.sentence_count,
                "fingerprint": engine.fingerprint,
            }
            assert (await client.get(f"http://127.0.0.1:{port}/other")).status_code == 404
    finally:
        await health.stop()


@contextlib.asynccontextmanager
async def _bot_process(server: BotApiServer, **env: str) -> AsyncIterator[asyncio.subprocess.Process]:
    """`run_bot` in its own process against `server`; killed if a test leaves it running."""
    code = "from bot.run import run_bot; from config.settings import Settings; run_bot(Settings())"
    environment = {
        **{k: v for k, v in os.environ.items() if k not in ("WEBHOOK_URL", "TELEGRAM_BOT_TOKEN")},
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE_URL": server.base_url,
        "PYTHONPATH": str(REPO),
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, env=environment, cwd=REPO,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _stops_within(process: asyncio.subprocess.Process, sig: int, seconds: float) -> tuple[float, str]:
    process.send_signal(sig)
    start = time.monotonic()
    output, _ = await asyncio.wait_for(process.communicate(), timeout=seconds)
    return time.monotonic() - start, output.decode(errors="replace")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_polling_bot_answers_then_stops_cleanly_on_signal(sig: int) -> None:
    async with BotApiServer() as server:
        async with _bot_process(server) as process:
            # Pending before the bot starts: the first long poll returns it at once
            # (a long poll is only recorded when it completes).
            server.push_message(601, QUESTION)
            reply = await server.wait_for("sendMessage", lambda c: same_chat(c, 601), timeout=20)
            assert "<blockquote>" in reply.params["text"]
            _elapsed, output = await _stops_within(process, sig, 5)
        assert process.returncode == 0, output
        assert server.token not in output


async def test_webhook_bot_serves_health_and_stops_on_sigterm() -> None:
    webhook_port, health_port = free_port(), free_port()
    async with BotApiServer() as server:
        async with _bot_process(
            server,
            WEBHOOK_URL="https://kutip.example.org/hook",
            WEBHOOK_LISTEN="127.0.0.1",
            WEBHOOK_PORT=str(webhook_port),
            WEBHOOK_SECRET_TOKEN=SECRET,
            HEALTH_PORT=str(health_port),
        ) as process:
            await server.wait_for("setWebhook", timeout=20)
            async with httpx.AsyncClient(timeout=5) as client:
                for _ in range(100):  # the health server starts right after post_init
                    try:
                        health = await client.get(f"http://127.0.0.1:{health_port}/healthz")
                        break
                    except httpx.ConnectError:
                        await asyncio.sleep(0.05)
                assert health.status_code == 200 and health.json()["articles"] > 0
                since = server.mark()
                update = _update_for(server, 602, QUESTION, 9100)
                refused = await client.post(f"http://127.0.0.1:{webhook_port}/hook", json=update)
                assert refused.status_code == 403
                accepted = await client.post(
                    f"http://127.0.0.1:{webhook_port}/hook",
                    json={**update, "update_id": 9101},
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                )
                assert accepted.status_code == 200
                reply = await server.wait_for("sendMessage", lambda c: same_chat(c, 602), since=since, timeout=10)
                assert "<blockquote>" in reply.params["text"] and parse_html(reply.params["text"])[0]
                assert len([c for c in server.calls[since:] if c.method == "sendMessage"]) == 1
            _elapsed, output = await _stops_within(process, signal.SIGTERM, 5)
        assert process.returncode == 0, output
        assert server.token not in output and SECRET not in output


async def test_sighup_reloads_a_grown_corpus_without_stopping(tmp_path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    first = {"id": "a", "title": "Veto", "source": "Uji", "date": "2020-01-02", "url": None,
             "text": "Rusia dan Cina memveto rancangan resolusi gencatan senjata di Dewan Keamanan."}
    corpus.write_text(json.dumps(first) + "\n", encoding="utf-8")
    async with BotApiServer() as server:
        async with _bot_process(server, CORPUS_PATH=str(corpus), INDEX_DIR=str(tmp_path / "index")) as process:
            server.push_message(701, "Berapa ton gandum yang diekspor Ukraina?")
            before = await server.wait_for("sendMessage", lambda c: same_chat(c, 701), timeout=20)
            assert "<blockquote>" not in before.params["text"]  # nothing relevant yet
            grown = {"id": "b", "title": "Gandum", "source": "Uji", "date": "2020-01-03", "url": None,
                     "text": "Ukraina mengekspor 5 juta ton gandum melalui koridor Laut Hitam."}
            with corpus.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(grown) + "\n")
            process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 20
            while True:  # the old engine keeps answering until the swap
                since = server.mark()
                server.push_message(702, "Berapa ton gandum yang diekspor Ukraina?")
                reply = await server.wait_for("sendMessage", lambda c: same_chat(c, 702), since=since, timeout=20)
                if "koridor Laut Hitam" in reply.params["text"] or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.3)
            assert "koridor Laut Hitam" in reply.params["text"]
            _elapsed, output = await _stops_within(process, signal.SIGTERM, 5)
        assert process.returncode == 0, output


async def test_strict_bot_with_a_bad_corpus_exits_1_naming_the_problem(tmp_path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    good = {"id": "a", "title": "Veto", "source": "Uji", "date": "2020-01-02", "url": None,
            "text": "Rusia dan Cina memveto rancangan resolusi gencatan senjata di Dewan Keamanan."}
    corpus.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    async with BotApiServer() as server:
        environment = {
            **{k: v for k, v in os.environ.items() if k not in ("WEBHOOK_URL", "TELEGRAM_BOT_TOKEN")},
            "TELEGRAM_BOT_TOKEN": server.token,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "PYTHONPATH": str(REPO),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--corpus", str(corpus), "--strict", env=environment, cwd=REPO,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            _out, err = await asyncio.wait_for(process.communicate(), timeout=60)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 1
    errors = err.decode()
    assert f"{corpus} line 2" in errors and "--strict: 1 problem(s)" in errors
    assert server.token not in errors
