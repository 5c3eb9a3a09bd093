"""End to end: buttons that outlive a growing corpus, and flood control for every kind of update.

The bot runs over a JSONL corpus with a persisted index; articles are appended
(or one is changed) and the engine is refreshed through the bot's `Library`,
as the feed job and /reload do, while answers with buttons are already out.
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import json
from pathlib import Path

import pytest

from bot.render import ContextRequest, MoreRequest, parse_callback
from config.settings import BUNDLED_CORPUS
from retrieval.corpus import load_corpus
from retrieval.records import Article
from tests.botapi import parse_html
from tests.conftest import RunningBot, running_bot

pytestmark = pytest.mark.e2e

QUESTION = "Rusia"  # many quotes: page 1 has a "more" button
EXPIRED = "Tombol ini sudah kedaluwarsa. Silakan bertanya lagi."
SLOW_DOWN = "Pelan-pelan ya: terlalu banyak pertanyaan dalam waktu singkat. Coba lagi sebentar lagi."
# Appended articles that mention Rusia in every sentence: a fresh ranking puts them first.
APPENDED = [
    Article(
        id=f"tambahan-{i}",
        title=f"Rusia hari ini {i}",
        source="Uji",
        date=None,
        text=f"Rusia, Rusia dan Rusia lagi nomor {i}. Rusia menyatakan sikap Rusia {i}. Rusia dan Rusia.",
    )
    for i in range(4)
]


def shown(call) -> str:
    return parse_html(call.params["text"])[0]


def buttons(call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


def _record(article: Article) -> dict:
    return {"id": article.id, "title": article.title, "source": article.source,
            "date": article.date.isoformat() if article.date else None, "url": article.url, "text": article.text}


def write_corpus(path: Path, articles: list[Article], *, mode: str = "w") -> None:
    with path.open(mode, encoding="utf-8") as handle:
        for article in articles:
            handle.write(json.dumps(_record(article), ensure_ascii=False) + "\n")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The bundled articles as a JSONL corpus (which the store extends in place when it only grows)."""
    path = tmp_path / "corpus.jsonl"
    write_corpus(path, list(load_corpus(BUNDLED_CORPUS).articles))
    return path


async def press(bot: RunningBot, chat: int, message_id: int, data: str, **kwargs) -> str:
    """Press a button and return the query's id (the bot's answer is awaited by the caller)."""
    return bot.server.push_callback_query(chat, message_id, data, **kwargs)


async def callback_answer(bot: RunningBot, query_id: str) -> dict:
    call = await bot.server.wait_for("answerCallbackQuery", lambda c: c.params["callback_query_id"] == query_id)
    return call.params


async def test_buttons_keep_working_after_articles_are_appended(corpus: Path, tmp_path: Path) -> None:
    async with running_bot(None, corpus_path=corpus, index_dir=tmp_path / "index") as bot:
        library = bot.app.bot_data.library
        old = library.current
        chat = 301
        first = await bot.ask(chat, QUESTION)
        message_id = first.result["message_id"]
        data = buttons(first)
        contexts = [d for d in data if isinstance(parse_callback(d), ContextRequest)]
        (more,) = [d for d in data if isinstance(parse_callback(d), MoreRequest)]
        page1 = old.search(QUESTION, k=3).hits
        page2 = old.search(QUESTION, k=4, offset=3).hits[:3]  # what "more" showed before this change

        write_corpus(corpus, APPENDED, mode="a")
        edition = await library.extend(APPENDED)  # as the feed job will
        assert edition.build == "extended" and library.current is not old  # appended in memory, corpus not re-read
        assert len(library.current.articles) == len(old.articles) + len(APPENDED)
        fresh = library.current.search(QUESTION, k=6).hits
        assert any(h.article.id.startswith("tambahan-") for h in fresh)  # a fresh ranking would differ

        # "context" still works on the answer given before the append.
        since = bot.server.mark()
        query_id = await press(bot, chat, message_id, contexts[1])
        reply = await bot.reply(chat, since=since)
        assert "text" not in await callback_answer(bot, query_id)
        assert f"<b>{html.escape(page1[1].sentence.text, quote=False)}</b>" in reply.params["text"]
        assert page1[1].article.title in shown(reply)

        # "more" continues the ranking page 1 came from: quotes 4-6 of the old engine, none repeated.
        since = bot.server.mark()
        await press(bot, chat, message_id, more)
        edit = await bot.server.wait_for("editMessageText", since=since)
        text = shown(edit)
        assert text.startswith("Kutipan 4–6 untuk")
        assert all(h.sentence.text in text for h in page2)
        assert not any(h.sentence.text in text for h in page1)
        assert "tambahan-" not in text and "Rusia hari ini" not in text
        # ...and back: page 1 again, the same quotes as before the append.
        (back,) = [d for d in buttons(edit) if parse_callback(d) == MoreRequest(parse_callback(more).key, 0)]
        since = bot.server.mark()
        await press(bot, chat, message_id, back)
        again = await bot.server.wait_for("editMessageText", since=since)
        assert [h.sentence.text in shown(again) for h in page1] == [True] * 3

        # Past what was kept, a ranking from a swapped-out engine is not made up: the bot says so.
        since = bot.server.mark()
        query_id = await press(bot, chat, message_id, f"m:{parse_callback(more).key}:60")
        answer = await callback_answer(bot, query_id)
        assert answer["text"].startswith("Korpus sudah berubah sejak jawaban ini.")

        # New answers rank the grown corpus.
        assert "Rusia hari ini" in shown(await bot.ask(chat, QUESTION))


async def test_context_of_a_changed_article_expires_but_others_survive_a_rebuild(
    corpus: Path, tmp_path: Path
) -> None:
    question = "Suriah Rusia Amerika"  # its quotes come from several articles
    articles = list(load_corpus(corpus).articles)
    async with running_bot(None, corpus_path=corpus, index_dir=tmp_path / "index") as bot:
        library = bot.app.bot_data.library
        chat = 302
        first = await bot.ask(chat, question)
        message_id = first.result["message_id"]
        contexts = [d for d in buttons(first) if isinstance(parse_callback(d), ContextRequest)]
        hits = library.current.search(question, k=3).hits
        changed = next(a for a in articles if a.id == hits[0].article.id)
        survivor = next(i for i, h in enumerate(hits) if h.article.id != changed.id)

        # The quoted sentence's article is edited, and the corpus written in reverse order: a rebuild
        # that renumbers every sentence.
        new_text = changed.text.replace(hits[0].sentence.text, hits[0].sentence.text.rstrip(".") + ", kata sumber.")
        assert new_text != changed.text
        write_corpus(corpus, [dataclasses.replace(a, text=new_text) if a is changed else a for a in reversed(articles)])
        edition = await library.refresh()
        assert edition is not None and edition.build == "built"
        moved = library.current.search(question, k=6).hits
        same = [h for h in moved if h.sentence.text == hits[survivor].sentence.text]
        assert same and same[0].sentence.sid != hits[survivor].sentence.sid  # renumbered

        query_id = await press(bot, chat, message_id, contexts[0])
        assert (await callback_answer(bot, query_id))["text"] == EXPIRED

        since = bot.server.mark()
        query_id = await press(bot, chat, message_id, contexts[survivor])
        reply = await bot.reply(chat, since=since)
        assert f"<b>{html.escape(hits[survivor].sentence.text, quote=False)}</b>" in reply.params["text"]


async def test_reload_by_an_admin_goes_through_the_library_and_buttons_survive(corpus: Path) -> None:
    admin = 303
    async with running_bot(None, corpus_path=corpus, admin_user_ids=frozenset({admin})) as bot:
        first = await bot.ask(admin, QUESTION)
        contexts = [d for d in buttons(first) if isinstance(parse_callback(d), ContextRequest)]
        before = bot.app.bot_data.library.edition
        since = bot.server.mark()
        bot.push(admin, "/reload")
        await bot.server.wait_for_count("sendMessage", 2, predicate=lambda c: str(c.params["chat_id"]) == str(admin),
                                        since=since)
        after = bot.app.bot_data.library.edition
        assert after.number == before.number + 1 and after.at >= before.at
        since = bot.server.mark()
        await press(bot, admin, first.result["message_id"], contexts[0])
        assert "<blockquote>" in (await bot.reply(admin, since=since)).params["text"]


async def test_flood_control_covers_inline_queries_and_button_presses(engine) -> None:
    async with running_bot(engine, user_questions_per_minute=3) as bot:
        # Inline queries: the fourth within the minute gets no quotes, only the note.
        user = 310
        answers = []
        for _ in range(4):
            query_id = bot.server.push_inline_query(QUESTION, user_id=user)
            call = await bot.server.wait_for("answerInlineQuery",
                                             lambda c, q=query_id: c.params["inline_query_id"] == q)
            answers.append(call.params)
        assert [len(a["results"]) > 0 for a in answers] == [True, True, True, False]
        assert answers[3]["button"]["text"] == SLOW_DOWN
        assert all(not a.get("button") for a in answers[:3])

        # Button presses: a question and two presses use the three tokens; the next press is refused
        # with the note as its toast, and nothing is sent to the chat.
        chat = 311
        first = await bot.ask(chat, QUESTION)
        context = next(d for d in buttons(first) if isinstance(parse_callback(d), ContextRequest))
        for _ in range(2):
            since = bot.server.mark()
            await press(bot, chat, first.result["message_id"], context)
            await bot.reply(chat, since=since)
        since = bot.server.mark()
        query_id = await press(bot, chat, first.result["message_id"], context)
        assert (await callback_answer(bot, query_id))["text"] == SLOW_DOWN
        await asyncio.sleep(0.3)
        assert not bot.replies(chat, since=since)

        # Other users are untouched.
        other = bot.server.push_inline_query(QUESTION, user_id=312)
        call = await bot.server.wait_for("answerInlineQuery", lambda c: c.params["inline_query_id"] == other)
        assert call.params["results"]


async def test_group_chatter_never_uses_up_a_members_questions(engine) -> None:
    async with running_bot(engine, user_questions_per_minute=1) as bot:
        group, member = -3200, 320
        for _ in range(3):  # talk among members the bot ignores
            bot.push(group, "ngobrol soal Rusia saja", chat_type="supergroup", user_id=member)
        reply = await bot.ask(group, f"/cari@{bot.app.bot.username} {QUESTION}", chat_type="supergroup",
                              user_id=member)
        assert "<blockquote>" in reply.params["text"]
