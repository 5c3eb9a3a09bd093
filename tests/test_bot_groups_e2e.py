"""End to end: group rules and inline mode."""

from __future__ import annotations

import asyncio

import pytest

from bot.render import format_date
from tests.botapi import parse_html
from tests.conftest import RunningBot

pytestmark = pytest.mark.e2e

QUESTION = "Siapa pemimpin koalisi oposisi Suriah?"
BOT = "kutip_test_bot"


def shown(call) -> str:
    return parse_html(call.params["text"])[0]


def replied_to(call) -> int | None:
    params = call.params.get("reply_parameters") or {}
    return params.get("message_id", call.params.get("reply_to_message_id"))


async def _ignored_then_sentinel(bot: RunningBot, chat: int, ignored: list[dict]) -> None:
    """Push messages the bot must ignore, then one it must answer; only that one gets a reply."""
    since = bot.server.mark()
    for kwargs in ignored:
        bot.push(chat, kwargs.pop("text"), chat_type="group", **kwargs)
    sentinel = bot.push(chat, f"/cari@{BOT} {QUESTION}", chat_type="group", user_id=9)
    reply = await bot.reply(chat, since=since)
    await asyncio.sleep(0.2)  # room for a wrong reply to show up
    replies = bot.replies(chat, since=since)
    assert [replied_to(c) for c in replies] == [sentinel]
    assert replied_to(reply) == sentinel


async def test_addressed_command_is_answered_as_a_reply(bot: RunningBot) -> None:
    chat = -1001
    mid = bot.push(chat, f"/cari@{BOT} {QUESTION}", chat_type="supergroup", user_id=5)
    reply = await bot.reply(chat, since=0)
    assert replied_to(reply) == mid
    assert bot.engine.search(QUESTION).hits[0].sentence.text in shown(reply)


async def test_bare_command_is_answered_too(bot: RunningBot) -> None:
    chat = -1002
    mid = bot.push(chat, f"/tanya {QUESTION}", chat_type="group", user_id=5)
    reply = await bot.reply(chat, since=0)
    assert replied_to(reply) == mid and "<blockquote>" in reply.params["text"]


async def test_mention_is_a_question_without_the_mention(bot: RunningBot) -> None:
    chat = -1003
    mid = bot.push(chat, f"@{BOT} {QUESTION}", chat_type="group", user_id=5)
    reply = await bot.reply(chat, since=0)
    assert replied_to(reply) == mid
    assert bot.engine.search(QUESTION).hits[0].sentence.text in shown(reply)


async def test_reply_to_the_bots_message_is_a_question(bot: RunningBot) -> None:
    chat = -1004
    first = await bot.ask(chat, f"/cari {QUESTION}", chat_type="group", user_id=5)
    since = bot.server.mark()
    mid = bot.push(chat, "Lavrov Kerry", chat_type="group", user_id=6, reply_to_message_id=first.result["message_id"])
    reply = await bot.reply(chat, since=since)
    assert replied_to(reply) == mid
    assert "Kerry" in shown(reply)


async def test_group_chatter_and_other_bots_commands_are_ignored(bot: RunningBot) -> None:
    chat = -1005
    human = bot.push(chat, "halo semua", chat_type="group", user_id=7)
    await _ignored_then_sentinel(
        bot,
        chat,
        [
            {"text": QUESTION, "user_id": 7},  # a question, but not for the bot
            {"text": f"/cari@other_bot {QUESTION}", "user_id": 7},
            {"text": "@someone_else apa kabar", "user_id": 7},
            {"text": "setuju", "user_id": 8, "reply_to_message_id": human},  # reply to a human
            {"text": None, "user_id": 7, "sticker": True},
            {"text": "foto", "user_id": 7, "photo": True},
        ],
    )


async def test_group_edits_are_ignored(bot: RunningBot) -> None:
    chat = -1006
    first = await bot.ask(chat, f"/cari {QUESTION}", chat_type="group", user_id=5)
    assert first
    await _ignored_then_sentinel(bot, chat, [{"text": "/cari Rusia", "user_id": 5, "edited": True}])


async def test_inline_query_lists_up_to_ten_titled_quotes(bot: RunningBot) -> None:
    since = bot.server.mark()
    bot.server.push_inline_query("Rusia", user_id=301)
    call = await bot.server.wait_for("answerInlineQuery", since=since)
    assert call.ok
    results = call.params["results"]
    expected = bot.engine.search("Rusia", k=10).hits
    assert 1 <= len(results) <= 10 and len(results) == len(expected)
    for result, hit in zip(results, expected):
        date = format_date(hit.article.date, approximate=hit.article.date_approximate)
        assert result["title"] == f"{hit.article.source}, {date}"
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        assert content["link_preview_options"]["is_disabled"] is True
        text = parse_html(content["message_text"])[0]
        assert hit.sentence.text in text and date in text and hit.article.source in text


async def test_inline_empty_query_shows_a_hint(bot: RunningBot) -> None:
    since = bot.server.mark()
    bot.server.push_inline_query("", user_id=302)
    call = await bot.server.wait_for("answerInlineQuery", since=since)
    assert call.ok and call.params["results"] == []
    assert call.params["button"]["text"] == "Ketik pertanyaan untuk mengutip"
    assert call.params["button"]["start_parameter"] == "inline"


async def test_inline_nothing_found_in_english(bot: RunningBot) -> None:
    since = bot.server.mark()
    bot.server.push_inline_query("weather forecast tomorrow", user_id=303, language_code="en")
    call = await bot.server.wait_for("answerInlineQuery", since=since)
    assert call.ok and call.params["results"] == []
    assert call.params["button"]["text"] == "No matching quotes"
