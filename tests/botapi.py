"""A stand-in Telegram Bot API server on 127.0.0.1 for end-to-end tests.

The real python-telegram-bot `Application` (or a plain `Bot`) talks HTTP to it
exactly as it talks to api.telegram.org; the server keeps chats, messages and the
update queue in memory, validates requests the way Telegram does, and lets tests
push updates, inspect every call and inject faults.

Usage::

    async with BotApiServer() as server:
        app = (ApplicationBuilder().token(server.token)
               .base_url(server.base_url).build())
        mid = server.push_message(42, "/cari banjir")
        call = await server.wait_for(
            "sendMessage", lambda c: c.params["chat_id"] == 42)

Server
    ``BotApiServer(*, token=DEFAULT_TOKEN, bot_username="kutip_test_bot",
    bot_id=None, bot_first_name="Kutip", port=0, first_update_id=1,
    flood_limits=FloodLimits())``; ``await start()``, ``await stop()``
    or ``async with``. ``base_url`` is ``http://127.0.0.1:<port>/bot``; requests
    arrive at ``/bot<TOKEN>/<method>``. A wrong token gets 401 Unauthorized, a path
    that is not ``/bot...`` gets 404 Not Found, an unknown method 404 Not Found.
    Bodies may be JSON, url-encoded or multipart (PTB's ``HTTPXRequest`` sends
    url-encoded forms whose non-string values are JSON-encoded); query strings too.

Methods
    getMe, getUpdates (long polling with offset/limit/timeout/allowed_updates;
    a newer getUpdates terminates a waiting one with 409 like Telegram; 409 while a
    webhook is set), setWebhook, deleteWebhook (drop_pending_updates),
    getWebhookInfo, sendMessage, editMessageText, editMessageReplyMarkup,
    deleteMessage, answerCallbackQuery, answerInlineQuery, sendChatAction,
    setMyCommands, getMyCommands, deleteMyCommands, close, logOut.

Validation (400 ``Bad Request: ...`` unless noted; text rules live in
tests/telegram_html.py, re-exported here: ``parse_html``, ``render_text``,
``utf16_len``, ``ApiError``)
    - text empty after HTML parsing and trimming: ``message text is empty``;
      longer than 4096 UTF-16 code units after parsing: ``message is too long``.
    - ``parse_mode=HTML``: only Telegram's tags (b strong i em u ins s strike del
      span class="tg-spoiler", tg-spoiler, a href, code class, pre, blockquote
      expandable, tg-emoji emoji-id); unknown tags, unclosed or mismatched tags,
      attributes not allowed on a tag, a bare ``<`` or ``&``, and named entities
      other than ``&lt; &gt; &amp; &quot;`` give ``can't parse entities: ...``.
      (Stricter than Telegram on bare ``&``, unknown ``&foo;`` and unknown
      attributes, which Telegram's docs forbid but its parser tolerates.)
    - MarkdownV2/Markdown texts are accepted as plain text (not validated).
    - inline keyboards: callback_data over 64 bytes: ``BUTTON_DATA_INVALID``;
      a button without exactly one action: ``BUTTON_TYPE_INVALID``.
    - sending to a chat never seen in an update: ``chat not found``; to a chat
      marked with ``block_chat(chat_id)``: 403 ``Forbidden: bot was blocked by the
      user`` (groups: ``... kicked from the group chat``);
      ``reply_to_message_id`` / ``reply_parameters`` naming a missing message:
      ``message to be replied not found`` (unless allow_sending_without_reply).
    - editMessageText/ReplyMarkup: ``message to edit not found``, ``message can't
      be edited`` (not the bot's), ``message is not modified: ...``.
    - answerInlineQuery: unknown or already answered id: ``query is too old ...``;
      over 50 results: ``RESULTS_TOO_MUCH``; ids over 64 bytes:
      ``RESULT_ID_INVALID``; duplicate ids: ``RESULT_ID_DUPLICATE``; message
      texts validated like sendMessage.
    - answerCallbackQuery: unknown or answered id: ``query is too old ...``; text
      over 200 characters: ``MESSAGE_TOO_LONG``.

Test-facing API (never subject to faults)
    ``push_update(update) -> update_id``;
    ``push_message(chat_id, text, *, user_id=None, chat_type="private",
    language_code="id", first_name="Budi", username=None, chat_title=None,
    reply_to_message_id=None, entities=None, edited=False, message_id=None,
    sticker=False, photo=False) -> message_id`` (adds ``bot_command`` and
    ``mention`` entities automatically; ``edited=True`` edits ``message_id`` or the
    user's last message and pushes an ``edited_message``);
    ``push_callback_query(chat_id, message_id, data, *, user_id=None,
    language_code="id") -> callback_query_id``;
    ``push_inline_query(query, *, user_id=..., language_code="id", offset="")
    -> inline_query_id``;
    ``calls`` (executed calls, in order: ``Call(method, params, response)``,
    unpackable as a 3-tuple, plus ``at`` = ``time.monotonic()``);
    ``attempts`` (every request including faulted ones, with its fault);
    ``sent(chat_id=None)`` the bot's messages (current state, Telegram's Message
    objects); ``message(chat_id, message_id)``; ``mark()`` + ``since=`` to look only
    at later calls; ``await wait_for(method, predicate=None, *, timeout=10.0,
    since=0) -> Call``; ``await wait_for_count(method, n, *, timeout=10.0,
    predicate=None, since=0) -> list[Call]``; ``pending_updates`` (pushed and not
    yet confirmed by an offset); ``delivered`` update ids handed out by getUpdates
    (repeats show redelivery); ``clear()`` forgets calls, messages and updates.
    ``retry_after_violations`` counts requests that came for a chat (or, without a
    chat, for the bot) before a 429's ``retry_after`` had elapsed;
    ``flood_violations`` (Counter by "overall"/"group"/"chat") counts sends beyond
    ``FloodLimits`` (enforced with real 429s when ``FloodLimits(enforce=True)``);
    ``pushed_at[update_id]`` and ``latency(call)`` (seconds from pushing a message
    to the call that replies to it); ``inline_answer(query_id)`` the results given;
    ``choose_inline_result(query_id, result_id, chat_id)`` posts the chosen
    result's message ``via_bot`` (validated) and returns it; ``commands(scope=,
    language_code=)``, ``webhook``, ``chat_actions``; ``block_chat(chat_id)``.

    Long polls whose client hung up (PTB stopping) end without delivering, so
    ``delivered`` lists what a bot can actually have received. Group messages are
    all delivered (as to a bot that is a group admin): privacy-mode filtering is
    the bot's job and the tests check it.

Faults
    ``server.faults = FaultPlan(seed=1).rate("sendMessage", "429", 0.2,
    retry_after=1).rate("*", "drop_after", 0.05)`` or
    ``.sequence("getUpdates", ["502", None, Fault("slow", delay=2)])``; kinds:
    ``429`` (with ``parameters.retry_after``), ``500``, ``502``, ``slow`` (delay,
    then handled normally), ``drop_before`` (socket closed, call not executed),
    ``drop_after`` (call executed, socket closed before the answer: the client
    cannot know, which is how duplicates arise). Sequences are consumed first,
    then each rate rule in order draws from the seeded RNG (the first that fires
    wins); ``FaultPlan(spare=("getMe",
    "deleteWebhook"))`` keeps "*" rules off methods PTB needs to start (or set
    ``server.faults`` once the bot runs). ``plan.counts`` is a Counter of
    ``(method, kind)``; ``plan.total(kind=None)``. ``server.faults = None`` stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import json
import math
import random
import re
import time
import urllib.parse
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from tornado.httputil import HTTPHeaders, parse_body_arguments

from config.settings import BUNDLED_CORPUS, BUNDLED_LANGUAGE_DATA, Settings

from tests.telegram_html import (  # noqa: F401  (re-exported for tests)
    MAX_MESSAGE_UTF16,
    ApiError,
    parse_html,
    render_text,
    utf16_len,
)

DEFAULT_TOKEN = "123456:TEST-kUtIpStAnDiNtOkEn_0123456789abcd"

MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
MAX_INLINE_RESULT_ID_BYTES = 64
MAX_CALLBACK_ANSWER_CHARS = 200

FAULT_KINDS = ("429", "500", "502", "slow", "drop_before", "drop_after")

# Form fields PTB sends as raw strings; every other form value is JSON-encoded.
_RAW_STRING_FIELDS = frozenset({
    "text", "caption", "parse_mode", "inline_query_id", "callback_query_id",
    "inline_message_id", "url", "secret_token", "next_offset", "action",
    "language_code", "ip_address", "title", "description", "short_description",
    "name", "switch_pm_text", "switch_pm_parameter", "emoji", "business_connection_id",
    "message_effect_id",
})

_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice",
    "upload_voice", "upload_document", "choose_sticker", "find_location",
    "record_video_note", "upload_video_note",
})

_QUERY_TOO_OLD = ("query is too old and response timeout expired or query ID is "
                  "invalid")
_NOT_MODIFIED = ("message is not modified: specified new message content and reply "
                 "markup are exactly the same as a current content and reply markup "
                 "of the message")


# ---------------------------------------------------------------- faults

@dataclass(frozen=True)
class Fault:
    """One injected fault: `kind` in FAULT_KINDS."""

    kind: str
    retry_after: int = 1
    delay: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {FAULT_KINDS}")


class FaultPlan:
    """Which calls fail and how; set `server.faults` to one at any time."""

    def __init__(self, *, seed: int = 0, spare: tuple[str, ...] = ()) -> None:
        # `spare`: methods the "*" rules never hit (e.g. getMe and deleteWebhook,
        # which PTB needs to start at all); rules naming them still apply.
        self._spare = frozenset(spare)
        self._rng = random.Random(seed)
        self._rates: list[tuple[str, Fault, float]] = []
        self._sequences: dict[str, list[Fault | None]] = {}
        self.counts: Counter[tuple[str, str]] = Counter()
        self.log: list[tuple[str, Fault]] = []

    def rate(self, method: str, kind: str, probability: float, *,
             retry_after: int = 1, delay: float = 1.0) -> FaultPlan:
        """Fail `method` ("*" = any) with `kind` with this probability."""
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be within [0, 1]")
        self._rates.append((method, Fault(kind, retry_after, delay), probability))
        return self

    def sequence(self, method: str, faults: list[Fault | str | None]) -> FaultPlan:
        """The next calls of `method` ("*" = any) get these faults in order (None = ok)."""
        queue = self._sequences.setdefault(method, [])
        queue.extend(Fault(f) if isinstance(f, str) else f for f in faults)
        return self

    def choose(self, method: str) -> Fault | None:
        fault: Fault | None = None
        chosen = False
        keys = (method,) if method in self._spare else (method, "*")
        for key in keys:
            queue = self._sequences.get(key)
            if queue:
                fault = queue.pop(0)
                chosen = True
                break
        if not chosen:
            for target, candidate, probability in self._rates:
                if target in keys and self._rng.random() < probability:
                    fault = candidate
                    break
        if fault is not None:
            self.counts[(method, fault.kind)] += 1
            self.log.append((method, fault))
        return fault

    def total(self, kind: str | None = None) -> int:
        return sum(n for (_, k), n in self.counts.items() if kind is None or k == kind)


@dataclass(frozen=True)
class FloodLimits:
    """Telegram's sending limits as sliding windows of (messages, seconds).

    Telegram documents about 30 messages a second overall, 20 a minute per group
    and about one a second per chat "with short bursts allowed" (taken here as 3 in
    any second). Counted for sendMessage and message edits. With `enforce` the
    server answers an over-limit call with 429 and the seconds until the window
    frees; otherwise it only counts `server.flood_violations` by scope.
    """

    overall: tuple[int, float] = (30, 1.0)
    per_group: tuple[int, float] = (20, 60.0)
    per_chat: tuple[int, float] = (3, 1.0)
    enforce: bool = False


_FLOOD_METHODS = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup"})


# ---------------------------------------------------------------- records

@dataclass(frozen=True)
class Call:
    """One executed Bot API call; unpacks as (method, params, response)."""

    method: str
    params: dict
    response: dict
    at: float = field(default_factory=time.monotonic)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.method, self.params, self.response))

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def result(self) -> Any:
        return self.response.get("result")


@dataclass(frozen=True)
class Attempt:
    """One request as it arrived, with the fault injected into it (if any)."""

    method: str
    params: dict
    fault: Fault | None
    at: float = field(default_factory=time.monotonic)


class _Dropped(Exception):
    """Close the connection without answering."""


@dataclass
class _Poll:
    """The getUpdates request currently waiting."""

    wake: asyncio.Event = field(default_factory=asyncio.Event)
    conflict: bool = False


# ---------------------------------------------------------------- the server

class BotApiServer:
    def __init__(self, *, token: str = DEFAULT_TOKEN,
                 bot_username: str = "kutip_test_bot", bot_id: int | None = None,
                 bot_first_name: str = "Kutip", port: int = 0,
                 first_update_id: int = 1,
                 flood_limits: FloodLimits | None = FloodLimits()) -> None:
        self.token = token
        self.bot_username = bot_username
        prefix = token.split(":", 1)[0]
        self.bot_id = bot_id if bot_id is not None else (
            int(prefix) if prefix.isdigit() else 123456)
        self.bot_first_name = bot_first_name
        self.faults: FaultPlan | None = None
        self.flood_limits = flood_limits
        self._port = port
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task] = set()
        self._first_update_id = first_update_id
        self._reset()

    def _reset(self) -> None:
        self.calls: list[Call] = []
        self.attempts: list[Attempt] = []
        self.delivered: list[int] = []
        self.retry_after_violations = 0
        self._updates: list[dict] = []  # unconfirmed, ascending update_id
        self._next_update_id = getattr(self, "_next_update_id", self._first_update_id)
        self._chats: dict[int, dict] = {}
        self._messages: dict[int, dict[int, dict]] = {}
        self._next_message_id: dict[int, int] = {}
        self._bot_messages: list[tuple[int, int]] = []
        self._inline_messages: dict[str, dict] = {}
        self._open_callback_queries: set[str] = set()
        self._open_inline_queries: set[str] = set()
        self._inline_users: dict[str, dict] = {}
        self._query_ids = itertools.count(1)
        self._commands: dict[tuple[str, str], list[dict]] = {}
        self._webhook: dict | None = None
        self._allowed_updates: list[str] | None = None
        self._poll: _Poll | None = None
        self._changed = asyncio.Event()
        self._blocked_until: dict[Any, float] = {}
        self.chat_actions: list[tuple[Any, str]] = []
        self._blocked_chats: set[int] = set()
        self._inline_answers: dict[str, list[dict]] = {}
        self.pushed_at: dict[int, float] = {}
        self._message_updates: dict[tuple[int, int], int] = {}
        self._flood_windows: dict[Any, deque[float]] = {}
        self.flood_violations: Counter[str] = Counter()

    # -- lifecycle ------------------------------------------------------------

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self._port)
        self._port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 2.0)
        self._server = None

    async def __aenter__(self) -> BotApiServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def bot_user(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": self.bot_first_name,
                "username": self.bot_username}

    # -- HTTP -------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader,
                     writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        _CONNECTION.set(reader)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                verb, target, headers, body = request
                try:
                    status, payload = await self._handle(verb, target, headers, body)
                except _Dropped:
                    writer.transport.abort()
                    break
                data = json.dumps(payload, ensure_ascii=False).encode()
                keep = headers.get("connection", "").lower() != "close"
                writer.write(
                    f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
                    "Content-Type: application/json\r\n"
                    f"Content-Length: {len(data)}\r\n"
                    f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n"
                    .encode() + data)
                await writer.drain()
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._writers.discard(writer)
            if task is not None:
                self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _handle(self, verb: str, target: str, headers: dict[str, str],
                      body: bytes) -> tuple[int, dict]:
        url = urllib.parse.urlsplit(target)
        parts = url.path.split("/")
        if len(parts) != 3 or parts[0] != "" or not parts[1].startswith("bot"):
            return 404, ApiError(404, "Not Found").body()
        if parts[1][3:] != self.token:
            return 401, ApiError(401, "Unauthorized").body()
        method = parts[2]
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            return 404, ApiError(404, "Not Found").body()
        try:
            params = _parse_params(url.query, headers, body)
        except ValueError as exc:
            return 400, ApiError.bad(f"can't parse request: {exc}").body()
        self._check_backoff(params, method)
        fault = self.faults.choose(method) if self.faults is not None else None
        self.attempts.append(Attempt(method, params, fault))
        if fault is not None:
            if fault.kind == "slow":
                await asyncio.sleep(fault.delay)
            elif fault.kind == "drop_before":
                raise _Dropped
            elif fault.kind == "429":
                self._blocked_until[_backoff_key(params, method)] = (
                    time.monotonic() + fault.retry_after)
                err = ApiError(429, f"Too Many Requests: retry after {fault.retry_after}",
                               {"retry_after": fault.retry_after})
                return 429, err.body()
            elif fault.kind in ("500", "502"):
                code = int(fault.kind)
                text = "Internal Server Error" if code == 500 else "Bad Gateway"
                return code, ApiError(code, text).body()
        flood_wait = self._flood_check(method, params)
        if flood_wait is not None:
            err = ApiError(429, f"Too Many Requests: retry after {flood_wait}",
                           {"retry_after": flood_wait})
            self._blocked_until[_backoff_key(params, method)] = (
                time.monotonic() + flood_wait)
            return 429, err.body()
        try:
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
            response: dict = {"ok": True, "result": result}
            status = 200
        except ApiError as err:
            response = err.body()
            status = err.code
        self._record(Call(method, params, response))
        if fault is not None and fault.kind == "drop_after":
            raise _Dropped
        return status, response

    def _flood_check(self, method: str, params: dict) -> int | None:
        """Seconds to wait if this send breaks an enforced limit, else None."""
        limits = self.flood_limits
        if limits is None or method not in _FLOOD_METHODS:
            return None
        now = time.monotonic()
        chat = params.get("chat_id")
        scopes: list[tuple[str, Any, tuple[int, float]]] = [
            ("overall", "overall", limits.overall)]
        if chat not in (None, ""):
            scopes.append(("chat", ("chat", str(chat)), limits.per_chat))
            if str(chat).startswith("-"):
                scopes.append(("group", ("group", str(chat)), limits.per_group))
        wait = 0.0
        for name, key, (count, window) in scopes:
            stamps = self._flood_windows.setdefault(key, deque())
            while stamps and stamps[0] <= now - window:
                stamps.popleft()
            if len(stamps) >= count:
                self.flood_violations[name] += 1
                wait = max(wait, stamps[0] + window - now)
        if wait > 0 and limits.enforce:
            return max(1, math.ceil(wait))
        for _, key, _ in scopes:
            self._flood_windows[key].append(now)
        return None

    def _check_backoff(self, params: dict, method: str) -> None:
        key = _backoff_key(params, method)
        until = self._blocked_until.get(key)
        if until is None:
            return
        # A small slack: the client sleeps retry_after measured on its own clock.
        if time.monotonic() < until - 0.05:
            self.retry_after_violations += 1
        else:
            del self._blocked_until[key]

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # -- test-facing API ----------------------------------------------------------

    def push_update(self, update: dict) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        update_id = self._next_update_id
        self._next_update_id += 1
        update = {"update_id": update_id,
                  **{k: v for k, v in update.items() if k != "update_id"}}
        self._updates.append(update)
        self.pushed_at[update_id] = time.monotonic()
        if self._poll is not None:
            self._poll.wake.set()
        self._notify()
        return update_id

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    def _chat(self, chat_id: int, chat_type: str, *, title: str | None,
              user: dict) -> dict:
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_type == "private":
                chat = {"id": chat_id, "type": "private",
                        "first_name": user["first_name"]}
                if "username" in user:
                    chat["username"] = user["username"]
            else:
                chat = {"id": chat_id, "type": chat_type,
                        "title": title or f"Grup {abs(chat_id)}"}
            self._chats[chat_id] = chat
            self._messages.setdefault(chat_id, {})
        return chat

    def _new_message_id(self, chat_id: int) -> int:
        mid = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = mid + 1
        return mid

    def push_message(self, chat_id: int, text: str | None = None, *,
                     user_id: int | None = None, chat_type: str = "private",
                     language_code: str | None = "id", first_name: str = "Budi",
                     username: str | None = None, chat_title: str | None = None,
                     reply_to_message_id: int | None = None,
                     entities: list[dict] | None = None, edited: bool = False,
                     message_id: int | None = None, sticker: bool = False,
                     photo: bool = False) -> int:
        """Push a user's message (or its edit) as an update; returns the message_id."""
        if chat_type not in ("private", "group", "supergroup"):
            raise ValueError(f"bad chat_type {chat_type!r}")
        if user_id is None:
            if chat_type != "private":
                raise ValueError("user_id is required outside private chats")
            user_id = chat_id
        if chat_type == "private" and user_id != chat_id:
            raise ValueError("in a private chat the chat id is the user's id")
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        chat = self._chat(chat_id, chat_type, title=chat_title, user=user)
        store = self._messages[chat_id]
        now = int(time.time())
        if edited:
            if message_id is None:
                mine = [m for m in store.values() if m.get("from", {}).get("id") == user_id]
                if not mine:
                    raise ValueError("no earlier message of this user to edit")
                message_id = mine[-1]["message_id"]
            original = store.get(message_id)
            if original is None:
                raise ValueError(f"message {message_id} not found in chat {chat_id}")
            msg = {k: v for k, v in original.items() if k not in ("text", "entities")}
            msg["edit_date"] = now
        else:
            if message_id is not None:
                raise ValueError("message_id is only for edited=True")
            msg = {"message_id": self._new_message_id(chat_id), "from": user,
                   "chat": chat, "date": now}
            if reply_to_message_id is not None:
                replied = store.get(reply_to_message_id)
                if replied is None:
                    raise ValueError(
                        f"message {reply_to_message_id} not found in chat {chat_id}")
                msg["reply_to_message"] = {
                    k: v for k, v in replied.items() if k != "reply_to_message"}
        if sticker:
            msg["sticker"] = {
                "file_id": f"CAACAgIAAxkBAAI{msg['message_id']:06d}",
                "file_unique_id": f"AgAD{msg['message_id']:06d}", "type": "regular",
                "width": 512, "height": 512, "is_animated": False,
                "is_video": False, "emoji": "\U0001f600"}
        elif photo:
            msg["photo"] = [
                {"file_id": f"AgACAgIAAxkBAAI{msg['message_id']:06d}{size}",
                 "file_unique_id": f"AQAD{msg['message_id']:06d}{size}",
                 "width": size, "height": size, "file_size": size * 40}
                for size in (90, 320, 800)]
            if text:
                msg["caption"] = text
                msg["caption_entities"] = (entities if entities is not None
                                           else self._auto_entities(text))
        if text is not None and not sticker and not photo:
            msg["text"] = text
            found = entities if entities is not None else self._auto_entities(text)
            if found:
                msg["entities"] = found
        for key in ("caption_entities",):
            if key in msg and not msg[key]:
                del msg[key]
        store[msg["message_id"]] = msg
        update_id = self.push_update({"edited_message" if edited else "message": msg})
        self._message_updates[(chat_id, msg["message_id"])] = update_id
        return msg["message_id"]

    @staticmethod
    def _auto_entities(text: str) -> list[dict]:
        found: list[dict] = []
        command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", text)
        if command:
            found.append({"type": "bot_command", "offset": 0,
                          "length": utf16_len(command.group(0))})
        for m in re.finditer(r"(?<![\w/])@[A-Za-z][A-Za-z0-9_]{4,31}\b", text):
            if command and m.start() < command.end():
                continue
            found.append({"type": "mention", "offset": utf16_len(text[: m.start()]),
                          "length": utf16_len(m.group(0))})
        return found

    def push_callback_query(self, chat_id: int, message_id: int, data: str, *,
                            user_id: int | None = None,
                            language_code: str | None = "id",
                            first_name: str = "Budi") -> str:
        """A user presses an inline button under message_id; returns the query id."""
        chat = self._chats.get(chat_id)
        message = self._messages.get(chat_id, {}).get(message_id)
        if chat is None or message is None:
            raise ValueError(f"message {message_id} not found in chat {chat_id}")
        if user_id is None:
            if chat["type"] != "private":
                raise ValueError("user_id is required outside private chats")
            user_id = chat_id
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        query_id = f"{next(self._query_ids) + 4_000_000_000_000_000}"
        self._open_callback_queries.add(query_id)
        self.push_update({"callback_query": {
            "id": query_id, "from": user, "message": message,
            "chat_instance": f"{-abs(chat_id) * 7 - 1}", "data": data}})
        return query_id

    def push_inline_query(self, query: str, *, user_id: int = 777,
                          language_code: str | None = "id", first_name: str = "Budi",
                          offset: str = "", chat_type: str | None = "private") -> str:
        """A user types `@bot query` in some chat; returns the inline query id."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        query_id = f"{next(self._query_ids) + 5_000_000_000_000_000}"
        self._open_inline_queries.add(query_id)
        self._inline_users[query_id] = user
        inline: dict[str, Any] = {"id": query_id, "from": user, "query": query,
                                  "offset": offset}
        if chat_type:
            inline["chat_type"] = "sender" if chat_type == "private" else chat_type
        self.push_update({"inline_query": inline})
        return query_id

    def block_chat(self, chat_id: int, blocked: bool = True) -> None:
        """The user blocks the bot (or the group kicks it): sends then get 403."""
        if blocked:
            self._blocked_chats.add(chat_id)
        else:
            self._blocked_chats.discard(chat_id)

    def inline_answer(self, inline_query_id: str) -> list[dict] | None:
        """The results the bot gave for an inline query (None if not answered)."""
        return self._inline_answers.get(inline_query_id)

    def choose_inline_result(self, inline_query_id: str, result_id: str, chat_id: int,
                             *, chat_type: str = "private") -> dict:
        """The user picks an inline result: its message is posted `via_bot` in chat_id.

        Returns the posted Message. Raises ValueError if the query was not answered
        or has no such result; ApiError if the result's text is invalid.
        """
        results = self._inline_answers.get(inline_query_id)
        if results is None:
            raise ValueError(f"inline query {inline_query_id} was not answered")
        result = next((r for r in results if str(r.get("id")) == str(result_id)), None)
        if result is None:
            raise ValueError(f"no result {result_id!r} in inline query {inline_query_id}")
        content = result.get("input_message_content") or {}
        if "message_text" not in content:
            raise ValueError("only text results can be chosen here")
        text, entities = render_text(content["message_text"], content.get("parse_mode"),
                                     content.get("entities"))
        user = self._inline_users[inline_query_id]
        chat = self._chat(chat_id, chat_type, title=None, user=user)
        msg: dict[str, Any] = {"message_id": self._new_message_id(chat_id), "from": user,
                               "chat": chat, "date": int(time.time()), "text": text,
                               "via_bot": self.bot_user}
        if entities:
            msg["entities"] = entities
        if result.get("reply_markup"):
            msg["reply_markup"] = result["reply_markup"]
        self._messages[chat_id][msg["message_id"]] = msg
        return msg

    def latency(self, call: Call) -> float | None:
        """Seconds from pushing a user's message to this call replying to it.

        None when the call is not a reply to a message pushed by push_message. For
        an edited message, the time of its latest push counts.
        """
        chat_id = call.params.get("chat_id")
        reply_chat, reply_id, _ = _reply_target(call.params)
        if reply_id is None or chat_id in (None, ""):
            return None
        chat = reply_chat if reply_chat is not None else _int(chat_id, "chat_id")
        update_id = self._message_updates.get((chat, reply_id))
        return None if update_id is None else call.at - self.pushed_at[update_id]

    def sent(self, chat_id: int | None = None) -> list[dict]:
        """The bot's messages (current state), in the order they were sent."""
        return [self._messages[c][m] for c, m in self._bot_messages
                if (chat_id is None or c == chat_id) and m in self._messages.get(c, {})]

    def message(self, chat_id: int, message_id: int) -> dict | None:
        return self._messages.get(chat_id, {}).get(message_id)

    def mark(self) -> int:
        """Index for `since=`: only calls made after this moment."""
        return len(self.calls)

    def find(self, method: str, predicate: Callable[[Call], bool] | None = None, *,
             since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:]
                if c.method == method and (predicate is None or predicate(c))]

    async def wait_for(self, method: str, predicate: Callable[[Call], bool] | None = None,
                       *, timeout: float = 10.0, since: int = 0) -> Call:
        """The first call of `method` (matching predicate), waiting up to timeout."""
        return (await self.wait_for_count(method, 1, predicate=predicate,
                                          timeout=timeout, since=since))[0]

    async def wait_for_count(self, method: str, n: int, *, timeout: float = 10.0,
                             predicate: Callable[[Call], bool] | None = None,
                             since: int = 0) -> list[Call]:
        """Wait until at least n calls of `method` (matching predicate) were made."""
        deadline = time.monotonic() + timeout
        found: list[Call] = []
        scanned = since
        while True:
            # Scan only the calls made since the last wake-up: load tests wait for
            # thousands of calls.
            calls = self.calls
            for c in calls[scanned:]:
                if c.method == method and (predicate is None or predicate(c)):
                    found.append(c)
            scanned = max(scanned, len(calls))
            if len(found) >= n:
                return found[:n]
            left = deadline - time.monotonic()
            if left <= 0:
                recent = ", ".join(c.method for c in self.calls[-10:])
                raise TimeoutError(
                    f"{len(found)}/{n} {method} calls after {timeout}s; "
                    f"last calls: {recent or 'none'}")
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), left)

    def clear(self) -> None:
        """Forget calls, updates, chats and messages (update ids keep counting)."""
        poll = self._poll
        self._reset()
        if poll is not None:
            poll.wake.set()

    # -- Bot API methods ----------------------------------------------------------

    def _m_getme(self, params: dict) -> dict:
        return {**self.bot_user, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": True,
                "can_connect_to_business": False, "has_main_web_app": False}

    def _m_close(self, params: dict) -> bool:
        return True

    _m_logout = _m_close

    async def _m_getupdates(self, params: dict) -> list[dict]:
        if self._webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook "
                                "is active; use deleteWebhook to delete the webhook first")
        offset = _int(params.get("offset", 0), "offset")
        limit = _int(params.get("limit", 100), "limit")
        limit = 100 if limit <= 0 or limit > 100 else limit
        timeout = max(0, _int(params.get("timeout", 0), "timeout"))
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            if isinstance(allowed, str):
                allowed = json.loads(allowed) if allowed.startswith("[") else [allowed]
            self._allowed_updates = list(allowed) or None
        self._confirm(offset)
        if self._poll is not None:
            self._poll.conflict = True
            self._poll.wake.set()
        poll = self._poll = _Poll()
        deadline = time.monotonic() + timeout
        try:
            while True:
                batch = self._batch(offset, limit)
                if batch or time.monotonic() >= deadline:
                    break
                poll.wake.clear()
                # Short slices so a client that hung up (PTB stopping) is noticed and
                # its poll ends undelivered, as Telegram would not count it either.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(poll.wake.wait(),
                                           min(0.2, deadline - time.monotonic()))
                reader = _CONNECTION.get()
                if reader is not None and reader.at_eof():
                    raise _Dropped
                if poll.conflict:
                    raise ApiError(409, "Conflict: terminated by other getUpdates "
                                        "request; make sure that only one bot instance "
                                        "is running")
        finally:
            if self._poll is poll:
                self._poll = None
        self.delivered.extend(u["update_id"] for u in batch)
        return batch

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _batch(self, offset: int, limit: int) -> list[dict]:
        if self._allowed_updates:
            allowed = set(self._allowed_updates)
            self._updates = [u for u in self._updates if _update_type(u) in allowed]
        return self._updates[:limit]

    def _m_setwebhook(self, params: dict) -> bool:
        url = params.get("url")
        if not url:
            self._webhook = None
            return True
        if not str(url).startswith("https://"):
            raise ApiError.bad("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook = dict(params)
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _m_deletewebhook(self, params: dict) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _m_getwebhookinfo(self, params: dict) -> dict:
        info: dict[str, Any] = {"url": (self._webhook or {}).get("url", ""),
                                "has_custom_certificate": False,
                                "pending_update_count": len(self._updates)}
        if self._webhook and self._webhook.get("allowed_updates"):
            info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    def _target_chat(self, params: dict) -> dict:
        if "chat_id" not in params or params["chat_id"] in ("", None):
            raise ApiError.bad("chat_id is empty")
        chat_id = params["chat_id"]
        if isinstance(chat_id, str):
            if chat_id.lstrip("-").isdigit():
                chat_id = int(chat_id)
            else:
                for chat in self._chats.values():
                    if chat_id.lstrip("@") == chat.get("username"):
                        return chat
                raise ApiError.bad("chat not found")
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise ApiError.bad("chat not found")
        if chat_id in self._blocked_chats:
            raise ApiError(403, "Forbidden: bot was blocked by the user"
                           if chat_id > 0 else "Forbidden: bot was kicked from the group chat")
        return self._chats[chat_id]

    def _m_sendmessage(self, params: dict) -> dict:
        chat = self._target_chat(params)
        text, entities = render_text(params.get("text"), params.get("parse_mode"),
                                     params.get("entities"))
        markup = _check_markup(params.get("reply_markup"))
        store = self._messages[chat["id"]]
        reply_chat, reply_id, allow_missing = _reply_target(params)
        replied = None
        if reply_id is not None:
            replied = self._messages.get(
                chat["id"] if reply_chat is None else reply_chat, {}).get(reply_id)
            if replied is None and not allow_missing:
                raise ApiError.bad("message to be replied not found")
        msg: dict[str, Any] = {"message_id": self._new_message_id(chat["id"]),
                               "from": self.bot_user, "chat": chat,
                               "date": int(time.time()), "text": text}
        if entities:
            msg["entities"] = entities
        if replied is not None:
            msg["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"}
        if markup is not None:
            msg["reply_markup"] = markup
        preview = params.get("link_preview_options")
        if isinstance(preview, dict):
            msg["link_preview_options"] = preview
        store[msg["message_id"]] = msg
        self._bot_messages.append((chat["id"], msg["message_id"]))
        return msg

    def _editable(self, params: dict) -> dict | None:
        """The stored bot message to edit, or None for an inline message."""
        if params.get("inline_message_id"):
            return None
        chat = self._target_chat(params)
        if "message_id" not in params:
            raise ApiError.bad("message identifier is not specified")
        mid = _int(params["message_id"], "message_id")
        msg = self._messages[chat["id"]].get(mid)
        if msg is None:
            raise ApiError.bad("message to edit not found")
        if msg.get("from", {}).get("id") != self.bot_id:
            raise ApiError.bad("message can't be edited")
        return msg

    def _m_editmessagetext(self, params: dict) -> dict | bool:
        msg = self._editable(params)
        text, entities = render_text(params.get("text"), params.get("parse_mode"),
                                     params.get("entities"))
        markup = _check_markup(params.get("reply_markup"))
        if msg is None:
            self._inline_messages[str(params["inline_message_id"])] = {
                "text": text, "entities": entities, "reply_markup": markup}
            return True
        if (msg.get("text") == text and msg.get("entities", []) == entities
                and msg.get("reply_markup") == markup):
            raise ApiError.bad(_NOT_MODIFIED)
        msg["text"] = text
        msg.pop("entities", None)
        if entities:
            msg["entities"] = entities
        msg.pop("reply_markup", None)
        if markup is not None:
            msg["reply_markup"] = markup
        msg["edit_date"] = int(time.time())
        return msg

    def _m_editmessagereplymarkup(self, params: dict) -> dict | bool:
        msg = self._editable(params)
        markup = _check_markup(params.get("reply_markup"))
        if msg is None:
            return True
        if msg.get("reply_markup") == markup:
            raise ApiError.bad(_NOT_MODIFIED)
        msg.pop("reply_markup", None)
        if markup is not None:
            msg["reply_markup"] = markup
        msg["edit_date"] = int(time.time())
        return msg

    def _m_deletemessage(self, params: dict) -> bool:
        chat = self._target_chat(params)
        mid = _int(params.get("message_id"), "message_id")
        if self._messages[chat["id"]].pop(mid, None) is None:
            raise ApiError.bad("message to delete not found")
        return True

    def _m_answercallbackquery(self, params: dict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._open_callback_queries:
            raise ApiError.bad(_QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER_CHARS:
            raise ApiError.bad("MESSAGE_TOO_LONG")
        self._open_callback_queries.discard(query_id)
        return True

    def _m_answerinlinequery(self, params: dict) -> bool:
        query_id = str(params.get("inline_query_id", ""))
        results = params.get("results")
        if not isinstance(results, list):
            raise ApiError.bad("RESULTS_INVALID" if results is not None
                               else "results is empty")
        if query_id not in self._open_inline_queries:
            raise ApiError.bad(_QUERY_TOO_OLD)
        if len(results) > MAX_INLINE_RESULTS:
            raise ApiError.bad("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or "type" not in result:
                raise ApiError.bad("RESULT_TYPE_INVALID")
            rid = str(result.get("id", ""))
            if not rid or len(rid.encode()) > MAX_INLINE_RESULT_ID_BYTES:
                raise ApiError.bad("RESULT_ID_INVALID")
            if rid in seen:
                raise ApiError.bad("RESULT_ID_DUPLICATE")
            seen.add(rid)
            if result["type"] == "article" and not str(result.get("title", "")).strip():
                raise ApiError.bad("RESULT_TITLE_EMPTY")
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                try:
                    render_text(content["message_text"], content.get("parse_mode"),
                                content.get("entities"))
                except ApiError as err:
                    raise ApiError.bad(
                        "MESSAGE_EMPTY" if "empty" in err.description
                        else err.description.removeprefix("Bad Request: ")) from None
            _check_markup(result.get("reply_markup"))
        button = params.get("button")
        if button is not None:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise ApiError.bad("BUTTON_TEXT_INVALID")
            start = button.get("start_parameter")
            if "web_app" not in button and not re.fullmatch(
                    r"[A-Za-z0-9_-]{1,64}", str(start or "")):
                raise ApiError.bad("START_PARAM_INVALID")
        if len(str(params.get("next_offset") or "").encode()) > 64:
            raise ApiError.bad("NEXT_OFFSET_INVALID")
        self._open_inline_queries.discard(query_id)
        self._inline_answers[query_id] = results
        return True

    def _m_sendchataction(self, params: dict) -> bool:
        chat = self._target_chat(params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise ApiError.bad("wrong parameter action in request")
        self.chat_actions.append((chat["id"], action))
        return True

    def _commands_key(self, params: dict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return (json.dumps(scope, sort_keys=True), str(params.get("language_code") or ""))

    def _m_setmycommands(self, params: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError.bad("commands is empty" if commands is None
                               else "BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(name).lstrip("/")):
                raise ApiError.bad("BOT_COMMAND_INVALID")
            description = str(command.get("description", "")).strip()
            if not 1 <= len(description) <= 256:
                raise ApiError.bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(params)] = [
            {"command": str(c["command"]).lstrip("/"), "description": c["description"]}
            for c in commands]
        return True

    def _m_getmycommands(self, params: dict) -> list[dict]:
        return self._commands.get(self._commands_key(params), [])

    def _m_deletemycommands(self, params: dict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def commands(self, *, scope: dict | None = None,
                 language_code: str = "") -> list[dict]:
        """The command list set for this scope and language (test-facing)."""
        key = self._commands_key({"scope": scope, "language_code": language_code})
        return list(self._commands.get(key, []))

    @property
    def webhook(self) -> dict | None:
        return self._webhook


# ---------------------------------------------------------------- helpers

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 409: "Conflict", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway"}

_UPDATE_TYPES = ("message", "edited_message", "channel_post", "edited_channel_post",
                 "inline_query", "chosen_inline_result", "callback_query",
                 "my_chat_member", "chat_member", "chat_join_request",
                 "message_reaction", "poll", "poll_answer")


def _update_type(update: dict) -> str:
    return next((k for k in update if k != "update_id"), "")


def _backoff_key(params: dict, method: str) -> Any:
    chat = params.get("chat_id")
    return ("chat", str(chat)) if chat not in (None, "") else ("bot",)


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise ApiError.bad(f"wrong parameter {name} in request")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise ApiError.bad(f"wrong parameter {name} in request") from None


def _reply_target(params: dict) -> tuple[int | None, int | None, bool]:
    """(chat of the replied message or None = same chat, its id, allow missing)."""
    allow = bool(params.get("allow_sending_without_reply"))
    reply = params.get("reply_parameters")
    if isinstance(reply, dict) and "message_id" in reply:
        chat = reply.get("chat_id")
        return (_int(chat, "reply_parameters") if chat not in (None, "") else None,
                _int(reply["message_id"], "reply_parameters"),
                bool(reply.get("allow_sending_without_reply", allow)))
    if params.get("reply_to_message_id") not in (None, ""):
        return None, _int(params["reply_to_message_id"], "reply_to_message_id"), allow
    return None, None, allow


_BUTTON_ACTIONS = ("url", "callback_data", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                   "web_app", "login_url", "callback_game", "pay", "copy_text")


def _check_markup(markup: Any) -> dict | None:
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise ApiError.bad("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup  # reply keyboards and force_reply are not inspected further
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise ApiError.bad("field \"inline_keyboard\" of the InlineKeyboardMarkup "
                           "must be an Array of Arrays")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise ApiError.bad("BUTTON_TEXT_INVALID" if isinstance(button, dict)
                                   else "can't parse inline keyboard button")
            actions = [a for a in _BUTTON_ACTIONS if a in button]
            if len(actions) != 1:
                raise ApiError.bad("BUTTON_TYPE_INVALID")
            if "callback_data" in button:
                data = str(button["callback_data"])
                if not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
                    raise ApiError.bad("BUTTON_DATA_INVALID")
            if "url" in button and not re.match(
                    r"(https?|tg)://\S+$", str(button["url"])):
                raise ApiError.bad("BUTTON_URL_INVALID")
    return markup


def _decode_form_value(key: str, raw: str) -> Any:
    if key in _RAW_STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _parse_params(query: str, headers: dict[str, str], body: bytes) -> dict:
    params: dict[str, Any] = {}
    for key, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        params[key] = _decode_form_value(key, value)
    ctype = headers.get("content-type", "")
    if not body:
        return params
    if ctype.startswith("application/json"):
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        params.update(data)
        return params
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        args: dict[str, list[bytes]] = {}
        files: dict[str, list] = {}
        parse_body_arguments(ctype, body, args, files, HTTPHeaders(headers))
        for key, values in args.items():
            params[key] = _decode_form_value(key, values[-1].decode("utf-8"))
        for key, uploads in files.items():
            params[key] = {"file_name": uploads[-1]["filename"],
                           "size": len(uploads[-1]["body"])}
        return params
    raise ValueError(f"unsupported content type {ctype!r}")


_MAX_BODY = 20 * 1024 * 1024

# The reader of the connection whose request is being handled (per task).
_CONNECTION: contextvars.ContextVar[asyncio.StreamReader | None] = (
    contextvars.ContextVar("_CONNECTION", default=None))


async def _read_request(
        reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes] | None:
    line = await reader.readline()
    if not line:
        return None
    try:
        verb, target, _version = line.decode("latin-1").split()
    except ValueError:
        return None
    headers: dict[str, str] = {}
    while True:
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while True:
            size = int((await reader.readline()).split(b";")[0].strip(), 16)
            if size == 0:
                await reader.readline()
                break
            chunks.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(chunks)
    else:
        length = int(headers.get("content-length", "0") or 0)
        if length > _MAX_BODY:
            return None
        body = await reader.readexactly(length) if length else b""
    return verb, target, headers, body


def settings_for(server: BotApiServer, **overrides: Any) -> Settings:
    """Kutip's settings for a bot talking to `server` over the bundled corpus."""
    return Settings(
        telegram_bot_token=server.token,
        telegram_api_base_url=server.base_url,
        **{"corpus_path": BUNDLED_CORPUS, "language_data_path": BUNDLED_LANGUAGE_DATA, **overrides},
    )
