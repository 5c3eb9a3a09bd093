"""Tests of the stand-in Bot API server itself, over real HTTP with httpx and PTB."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, InvalidToken

from tests.botapi import (
    BotApiServer,
    Fault,
    FaultPlan,
    parse_html,
    render_text,
    utf16_len,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
async def server():
    async with BotApiServer() as srv:
        yield srv


@pytest.fixture
async def client(server):
    async with httpx.AsyncClient(base_url=f"{server.base_url}{server.token}/",
                                 timeout=10) as http:
        yield http


async def call(client: httpx.AsyncClient, method: str, **params) -> dict:
    """POST like PTB does: url-encoded, strings raw, everything else JSON."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    response = await client.post(method, data=form)
    body = response.json()
    assert ("error_code" in body) == (response.status_code != 200)
    return body


# ------------------------------------------------------------------ pure parsing

def test_parse_html_entities_and_offsets_in_utf16():
    text, entities = parse_html("😀 <b>tebal</b> &lt;x&gt; <a href=\"https://a.id/?q=1&amp;r=2\">l</a>")
    assert text == "😀 tebal <x> l"
    assert entities[0] == {"type": "bold", "offset": 3, "length": 5}
    assert entities[1] == {"type": "text_link", "offset": 13, "length": 1,
                           "url": "https://a.id/?q=1&r=2"}


def test_parse_html_blockquote_spoiler_pre_code():
    text, entities = parse_html(
        '<blockquote expandable>kutip</blockquote><span class="tg-spoiler">s</span>'
        '<pre><code class="language-python">x</code></pre>&#128512;&#x41;')
    assert text == "kutips" + "x" + "😀A"
    types = [e["type"] for e in entities]
    assert types == ["expandable_blockquote", "spoiler", "pre", "pre"]


@pytest.mark.parametrize("source", [
    "<foo>x</foo>", "<b>x", "<b>x</i>", "x</b>", "a < b", "a &foo; b", "a & b",
    "<b", '<b class="x">y</b>', '<span>s</span>', '<a title="t">x</a>',
    "<br/>", "&#0;", "<tg-emoji>x</tg-emoji>",
])
def test_malformed_html_is_rejected(source):
    with pytest.raises(Exception) as err:
        render_text(source, "HTML")
    assert err.value.description.startswith("Bad Request: can't parse entities: ")


def test_length_counts_utf16_after_parsing():
    assert utf16_len("😀") == 2
    render_text("<b>" + "a" * 4096 + "</b>", "HTML")
    with pytest.raises(Exception, match="message is too long"):
        render_text("a" * 4097, None)
    with pytest.raises(Exception, match="message is too long"):
        render_text("😀" * 2049, "HTML")
    with pytest.raises(Exception, match="message text is empty"):
        render_text("<b>  </b>\n", "HTML")


# ------------------------------------------------------------------ over HTTP

async def test_token_and_unknown_method(server, client):
    assert (await call(client, "getMe"))["result"]["username"] == "kutip_test_bot"
    async with httpx.AsyncClient() as http:
        wrong = await http.post(f"{server.base_url}999:nope/getMe")
        assert wrong.status_code == 401
        assert wrong.json() == {"ok": False, "error_code": 401,
                                "description": "Unauthorized"}
        assert (await http.get(f"http://127.0.0.1:{server.port}/x")).status_code == 404
    unknown = await client.post("sendTelepathy")
    assert unknown.status_code == 404 and unknown.json()["description"] == "Not Found"


async def test_json_body_is_accepted(server, client):
    server.push_message(7, "halo")
    response = await client.post("sendMessage", json={"chat_id": 7, "text": "hai"})
    assert response.json()["result"]["text"] == "hai"


async def test_send_message_validation(server, client):
    mid = server.push_message(42, "halo")
    bad = {
        "": "message text is empty",
        "<b>x": "can't parse entities",
        "x" * 4097: "message is too long",
    }
    for text, expected in bad.items():
        body = await call(client, "sendMessage", chat_id=42, text=text, parse_mode="HTML")
        assert body["error_code"] == 400 and expected in body["description"]
    body = await call(client, "sendMessage", chat_id=99, text="x")
    assert body["description"] == "Bad Request: chat not found"
    body = await call(client, "sendMessage", chat_id=42, text="x",
                      reply_parameters={"message_id": 500})
    assert body["description"] == "Bad Request: message to be replied not found"
    body = await call(client, "sendMessage", chat_id=42, text="x",
                      reply_to_message_id=500, allow_sending_without_reply=True)
    assert body["ok"] and "reply_to_message" not in body["result"]
    keyboard = {"inline_keyboard": [[{"text": "t", "callback_data": "x" * 65}]]}
    body = await call(client, "sendMessage", chat_id=42, text="x", reply_markup=keyboard)
    assert body["description"] == "Bad Request: BUTTON_DATA_INVALID"
    body = await call(client, "sendMessage", chat_id=42, text="<b>ok</b>",
                      parse_mode="HTML", reply_parameters={"message_id": mid})
    assert body["result"]["reply_to_message"]["message_id"] == mid
    assert body["result"]["from"]["id"] == server.bot_id
    assert [m["text"] for m in server.sent(42)] == ["x", "ok"]
    assert server.sent(43) == []


async def test_message_ids_increase_per_chat(server, client):
    first = server.push_message(1, "a")
    sent = (await call(client, "sendMessage", chat_id=1, text="b"))["result"]
    assert sent["message_id"] == first + 1
    assert server.push_message(1, "c") == first + 2
    assert server.push_message(2, "d") == 1


async def test_edit_message_text(server, client):
    user_mid = server.push_message(5, "tanya")
    sent = (await call(client, "sendMessage", chat_id=5, text="jawab"))["result"]
    body = await call(client, "editMessageText", chat_id=5,
                      message_id=sent["message_id"], text="jawab")
    assert body["description"].startswith("Bad Request: message is not modified")
    body = await call(client, "editMessageText", chat_id=5, message_id=999, text="y")
    assert body["description"] == "Bad Request: message to edit not found"
    body = await call(client, "editMessageText", chat_id=5, message_id=user_mid, text="y")
    assert body["description"] == "Bad Request: message can't be edited"
    body = await call(client, "editMessageText", chat_id=5,
                      message_id=sent["message_id"], text="<i>baru</i>", parse_mode="HTML")
    assert body["result"]["text"] == "baru" and "edit_date" in body["result"]
    assert server.sent(5)[0]["text"] == "baru"


async def test_inline_query_rules(server, client):
    def article(i, text="x"):
        return {"type": "article", "id": str(i), "title": f"t{i}",
                "input_message_content": {"message_text": text, "parse_mode": "HTML"}}

    qid = server.push_inline_query("banjir")
    for results, expected in [
        ([article(i) for i in range(51)], "RESULTS_TOO_MUCH"),
        ([article("x" * 65)], "RESULT_ID_INVALID"),
        ([article(1), article(1)], "RESULT_ID_DUPLICATE"),
        ([article(1, "<b>x")], "can't parse entities"),
    ]:
        body = await call(client, "answerInlineQuery", inline_query_id=qid, results=results)
        assert expected in body["description"]
    body = await call(client, "answerInlineQuery", inline_query_id=qid,
                      results=[article(i) for i in range(50)])
    assert body == {"ok": True, "result": True}
    again = await call(client, "answerInlineQuery", inline_query_id=qid, results=[])
    assert "query is too old" in again["description"]


async def test_callback_query_answer(server, client):
    server.push_message(3, "q")
    sent = (await call(client, "sendMessage", chat_id=3, text="a"))["result"]
    qid = server.push_callback_query(3, sent["message_id"], "more:1")
    update = (await call(client, "getUpdates"))["result"][-1]
    assert update["callback_query"]["data"] == "more:1"
    assert update["callback_query"]["message"]["message_id"] == sent["message_id"]
    too_long = await call(client, "answerCallbackQuery", callback_query_id=qid,
                          text="x" * 201)
    assert too_long["description"] == "Bad Request: MESSAGE_TOO_LONG"
    assert (await call(client, "answerCallbackQuery", callback_query_id=qid))["ok"]
    assert not (await call(client, "answerCallbackQuery", callback_query_id=qid))["ok"]


async def test_push_message_entities_and_kinds(server):
    server.push_message(-100, "/cari@kutip_test_bot banjir @someone", user_id=9,
                        chat_type="supergroup")
    server.push_message(8, "😀 @kutip_test_bot apa?")
    server.push_message(8, None, sticker=True)
    server.push_message(8, "edit", edited=True, message_id=1)
    updates = server._updates
    group = updates[0]["message"]
    assert group["chat"]["type"] == "supergroup" and group["from"]["id"] == 9
    assert group["entities"] == [
        {"type": "bot_command", "offset": 0, "length": 20},
        {"type": "mention", "offset": 28, "length": 8}]
    assert updates[1]["message"]["entities"] == [
        {"type": "mention", "offset": 3, "length": 15}]
    assert "sticker" in updates[2]["message"] and "text" not in updates[2]["message"]
    assert updates[3]["edited_message"]["message_id"] == 1
    assert updates[3]["edited_message"]["text"] == "edit"
    with pytest.raises(ValueError):
        server.push_message(-100, "x", chat_type="group")  # no user id


async def test_long_poll_returns_when_update_is_pushed(server, client):
    poll = asyncio.create_task(call(client, "getUpdates", timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    server.push_message(11, "halo")
    body = await asyncio.wait_for(poll, 2)
    assert [u["message"]["text"] for u in body["result"]] == ["halo"]


async def test_long_poll_times_out_empty(server, client):
    body = await call(client, "getUpdates", timeout=1)
    assert body == {"ok": True, "result": []}


async def test_offset_confirms_and_limit(server, client):
    ids = [server.push_message(1, str(i)) and server._updates[-1]["update_id"]
           for i in range(5)]
    first = (await call(client, "getUpdates", limit=2))["result"]
    assert [u["update_id"] for u in first] == ids[:2]
    # Not confirmed yet: the same updates come again.
    assert [u["update_id"] for u in (await call(client, "getUpdates", limit=2))["result"]] == ids[:2]
    rest = (await call(client, "getUpdates", offset=ids[2]))["result"]
    assert [u["update_id"] for u in rest] == ids[2:]
    assert server.pending_updates == 3
    await call(client, "getUpdates", offset=ids[-1] + 1)
    assert server.pending_updates == 0
    assert server.delivered == ids[:2] + ids[:2] + ids[2:]


async def test_allowed_updates_filters(server, client):
    server.push_message(1, "a")
    server.push_inline_query("b")
    body = await call(client, "getUpdates", allowed_updates=["inline_query"])
    assert [list(u)[1] for u in body["result"]] == ["inline_query"]


async def test_newer_poll_terminates_older_with_conflict(server, client):
    old = asyncio.create_task(call(client, "getUpdates", timeout=5))
    await asyncio.sleep(0.2)
    async with httpx.AsyncClient(base_url=f"{server.base_url}{server.token}/") as other:
        new = asyncio.create_task(call(other, "getUpdates", timeout=1))
        body = await asyncio.wait_for(old, 2)
        assert body["error_code"] == 409
        assert (await new)["ok"]


async def test_webhook_blocks_get_updates(server, client):
    assert (await call(client, "setWebhook", url="https://example.org/hook"))["ok"]
    info = (await call(client, "getWebhookInfo"))["result"]
    assert info["url"] == "https://example.org/hook"
    assert (await call(client, "getUpdates"))["error_code"] == 409
    server.push_message(1, "a")
    assert (await call(client, "deleteWebhook", drop_pending_updates=True))["ok"]
    assert server.pending_updates == 0
    assert (await call(client, "getUpdates"))["ok"]


async def test_commands_roundtrip(server, client):
    commands = [{"command": "cari", "description": "Cari kutipan"}]
    assert (await call(client, "setMyCommands", commands=commands, language_code="id"))["ok"]
    got = await call(client, "getMyCommands", language_code="id")
    assert got["result"] == commands
    assert (await call(client, "getMyCommands"))["result"] == []
    bad = await call(client, "setMyCommands", commands=[{"command": "Cari!",
                                                          "description": "x"}])
    assert bad["description"] == "Bad Request: BOT_COMMAND_INVALID"


async def test_wait_for_sees_later_calls(server, client):
    server.push_message(4, "x")
    mark = server.mark()
    waiter = asyncio.create_task(server.wait_for(
        "sendMessage", lambda c: c.params["text"] == "dua", since=mark, timeout=5))
    await call(client, "sendMessage", chat_id=4, text="satu")
    await asyncio.sleep(0.05)
    assert not waiter.done()
    await call(client, "sendMessage", chat_id=4, text="dua")
    method, params, response = await waiter
    assert (method, params["text"], response["ok"]) == ("sendMessage", "dua", True)
    with pytest.raises(TimeoutError):
        await server.wait_for_count("sendMessage", 3, timeout=0.2)


# ------------------------------------------------------------------ faults

async def test_fault_sequence_kinds(server, client):
    server.push_message(1, "a")
    server.faults = FaultPlan().sequence("sendMessage", [
        Fault("429", retry_after=3), "500", "502", None])
    first = await client.post("sendMessage", data={"chat_id": "1", "text": "x"})
    assert first.status_code == 429
    assert first.json()["parameters"] == {"retry_after": 3}
    assert (await call(client, "sendMessage", chat_id=1, text="x"))["error_code"] == 500
    assert server.retry_after_violations == 1  # came back long before 3 s
    assert (await call(client, "sendMessage", chat_id=1, text="x"))["error_code"] == 502
    assert (await call(client, "sendMessage", chat_id=1, text="x"))["ok"]
    assert (await call(client, "getMe"))["ok"]  # other methods unaffected
    assert len(server.sent(1)) == 1
    assert server.faults.counts == {("sendMessage", "429"): 1, ("sendMessage", "500"): 1,
                                    ("sendMessage", "502"): 1}
    assert len(server.attempts) == 5 and len(server.calls) == 2


async def test_drop_before_and_after(server, client):
    server.push_message(1, "a")
    server.faults = FaultPlan().sequence("sendMessage", ["drop_before", "drop_after"])
    for _ in range(2):
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post("sendMessage", data={"chat_id": "1", "text": "x"})
    # drop_before did nothing; drop_after delivered a message nobody heard about.
    assert len(server.sent(1)) == 1
    assert server.faults.total() == 2


async def test_slow_fault_delays(server, client):
    server.faults = FaultPlan().sequence("getMe", [Fault("slow", delay=0.3)])
    loop = asyncio.get_running_loop()
    start = loop.time()
    assert (await call(client, "getMe"))["ok"]
    assert loop.time() - start >= 0.3


async def test_fault_rates_are_seeded_and_skip_test_api(server, client):
    def run(seed):
        plan = FaultPlan(seed=seed).rate("*", "500", 0.3)
        return [plan.choose("getMe") is not None for _ in range(200)], plan

    spared = FaultPlan(spare=("getMe",)).rate("*", "500", 1.0).rate("getMe", "502", 0.0)
    assert spared.choose("getMe") is None and spared.choose("sendMessage").kind == "500"

    a, plan = run(7)
    assert a == run(7)[0] and a != run(8)[0]
    assert 30 < plan.total("500") < 90
    server.faults = FaultPlan(seed=1).rate("*", "500", 1.0)
    server.push_message(1, "a")  # test-facing calls never fail
    server.push_inline_query("x")
    assert server.pending_updates == 2
    assert (await call(client, "getMe"))["error_code"] == 500
    server.faults = None
    assert (await call(client, "getMe"))["ok"]


# ------------------------------------------------------------------ real PTB

async def test_ptb_bot_smoke(server):
    async with Bot(server.token, base_url=server.base_url) as bot:
        me = await bot.get_me()
        assert (me.username, me.id) == ("kutip_test_bot", server.bot_id)
        mid = server.push_message(42, "/start")
        updates = await bot.get_updates(timeout=1)
        assert updates[0].message.text == "/start"
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Lagi", callback_data="m:1")]])
        sent = await bot.send_message(42, "<b>Halo</b> &amp; selamat", parse_mode="HTML",
                                      reply_to_message_id=mid, reply_markup=keyboard)
        assert sent.text == "Halo & selamat"
        assert sent.reply_to_message.message_id == mid
        assert sent.reply_markup == keyboard
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(42, "<blink>x</blink>", parse_mode="HTML")
    call_ = await server.wait_for("sendMessage")
    assert call_.params["parse_mode"] == "HTML" and call_.params["chat_id"] == 42
    with pytest.raises(InvalidToken):
        await Bot("1:wrong", base_url=server.base_url).initialize()


# ------------------------------------------------------------------ later additions

async def test_blocked_chat_gets_403(server, client):
    server.push_message(6, "x")
    server.block_chat(6)
    body = await call(client, "sendMessage", chat_id=6, text="y")
    assert body == {"ok": False, "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user"}
    server.block_chat(6, blocked=False)
    assert (await call(client, "sendMessage", chat_id=6, text="y"))["ok"]


async def test_reply_parameters_with_chat_id(server, client):
    mid = server.push_message(-5, "q", user_id=1, chat_type="group")
    body = await call(client, "sendMessage", chat_id=-5, text="a",
                      reply_parameters={"message_id": mid, "chat_id": -5})
    assert body["result"]["reply_to_message"]["text"] == "q"
    assert body["result"]["chat"] == {"id": -5, "type": "group", "title": "Grup 5"}


async def test_choose_inline_result_posts_via_bot(server, client):
    qid = server.push_inline_query("banjir", user_id=70)
    results = [{"type": "article", "id": "r1", "title": "Kompas",
                "input_message_content": {"message_text": "<blockquote>kutip</blockquote>",
                                          "parse_mode": "HTML"}}]
    bad_button = {"text": "Bantuan", "start_parameter": "no spaces"}
    body = await call(client, "answerInlineQuery", inline_query_id=qid, results=results,
                      button=bad_button)
    assert body["description"] == "Bad Request: START_PARAM_INVALID"
    body = await call(client, "answerInlineQuery", inline_query_id=qid, results=results,
                      button={"text": "Bantuan", "start_parameter": "help"})
    assert body["ok"] and server.inline_answer(qid) == results
    posted = server.choose_inline_result(qid, "r1", chat_id=70)
    assert posted["text"] == "kutip" and posted["via_bot"]["id"] == server.bot_id
    assert posted["entities"] == [{"type": "blockquote", "offset": 0, "length": 5}]
    with pytest.raises(ValueError):
        server.choose_inline_result(qid, "r2", chat_id=70)


async def test_flood_limits_counted_and_enforced(server, client):
    server.push_message(-9, "q", user_id=1, chat_type="supergroup")
    for _ in range(4):
        assert (await call(client, "sendMessage", chat_id=-9, text="x"))["ok"]
    assert server.flood_violations == {"chat": 1}
    server.flood_limits = type(server.flood_limits)(per_group=(2, 60.0), enforce=True)
    server.flood_violations.clear()
    body = await call(client, "sendMessage", chat_id=-9, text="x")
    assert body["error_code"] == 429 and body["parameters"]["retry_after"] >= 1
    assert server.flood_violations["group"] == 1
    assert len(server.sent(-9)) == 4


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_rate_limiter_honours_retry_after(server):
    from telegram.ext import AIORateLimiter, ExtBot

    server.push_message(1, "q")
    server.faults = FaultPlan().sequence("sendMessage", [Fault("429", retry_after=1)])
    async with ExtBot(server.token, base_url=server.base_url,
                      rate_limiter=AIORateLimiter(max_retries=2)) as bot:
        loop = asyncio.get_running_loop()
        start = loop.time()
        sent = await bot.send_message(1, "sabar")
        assert loop.time() - start >= 1.0
    assert sent.text == "sabar"
    assert server.faults.total("429") == 1 and server.retry_after_violations == 0
    assert [a.fault.kind if a.fault else None
            for a in server.attempts if a.method == "sendMessage"] == ["429", None]


async def test_abandoned_long_poll_delivers_nothing(server):
    async with httpx.AsyncClient(base_url=f"{server.base_url}{server.token}/") as http:
        poll = asyncio.create_task(http.post("getUpdates", data={"timeout": "5"}))
        await asyncio.sleep(0.2)
        poll.cancel()  # the client hangs up, as PTB does when it stops
        with pytest.raises(asyncio.CancelledError):
            await poll
    await asyncio.sleep(0.4)
    server.push_message(1, "after")
    await asyncio.sleep(0.3)
    assert server.delivered == [] and server.find("getUpdates") == []
    assert server.pending_updates == 1


async def test_latency_from_push_to_reply(server, client):
    mid = server.push_message(12, "tanya")
    await asyncio.sleep(0.1)
    await call(client, "sendMessage", chat_id=12, text="jawab",
               reply_parameters={"message_id": mid})
    await call(client, "sendMessage", chat_id=12, text="tanpa balasan")
    replied, plain = server.find("sendMessage")
    assert 0.1 <= server.latency(replied) < 5
    assert server.latency(plain) is None


async def _run_polling_app(server: BotApiServer, seen: list[int], until) -> None:
    """A minimal real PTB Application that records each update it handles."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder, TypeHandler

    async def record(update: Update, _context) -> None:
        seen.append(update.update_id)

    app = ApplicationBuilder().token(server.token).base_url(server.base_url).build()
    app.add_handler(TypeHandler(Update, record))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await until()
        await app.updater.stop()
        await app.stop()


async def test_ptb_restart_and_dropped_poll_handle_each_update_once(server):
    """Offsets as PTB uses them: a restart mid-stream and a getUpdates answer lost
    on the wire (drop_after) neither lose nor repeat an update."""
    seen: list[int] = []

    async def some_seen():  # stop while most of the batch is still queued in PTB
        while len(seen) < 5:
            await asyncio.sleep(0.01)

    async def all_seen():
        while len(seen) < 30:
            await asyncio.sleep(0.01)

    for chat in range(1, 21):
        server.push_message(chat, "q")
    await asyncio.wait_for(_run_polling_app(server, seen, some_seen), 20)
    assert sorted(seen) == list(range(1, 21)) and server.pending_updates == 0
    for chat in range(1, 11):  # these arrive while the bot is down
        server.push_message(chat, "lagi")
    server.faults = FaultPlan().sequence("getUpdates", ["drop_after"])
    await asyncio.wait_for(_run_polling_app(server, seen, all_seen), 20)
    assert sorted(seen) == list(range(1, 31))
    assert server.faults.counts == {("getUpdates", "drop_after"): 1}
    assert server.pending_updates == 0
    # The batch lost on the wire was delivered again, and handled once.
    assert server.delivered == list(range(1, 21)) + list(range(21, 31)) * 2


async def test_query_string_and_multipart_bodies(server, client):
    server.push_message(15, "x")
    got = await client.get("sendMessage", params={"chat_id": "15", "text": "lewat GET"})
    assert got.json()["result"]["text"] == "lewat GET"
    multipart = await client.post(
        "sendMessage", data={"chat_id": "15", "text": "123", "disable_notification": "true"},
        files={"thumbnail": ("a.jpg", b"\xff\xd8\xff", "image/jpeg")})
    assert multipart.json()["result"]["text"] == "123"  # text stays a string
    params = server.calls[-1].params
    assert params["chat_id"] == 15 and params["disable_notification"] is True
    assert params["thumbnail"] == {"file_name": "a.jpg", "size": 3}
    odd = await client.post("sendMessage", content=b"x", headers={"content-type": "text/plain"})
    assert odd.status_code == 400
