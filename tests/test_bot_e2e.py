"""End to end, private chats: the real Application against the stand-in Bot API server."""

from __future__ import annotations

import re

import pytest

from bot.keys import SentenceKey
from bot.render import format_date, parse_callback, MoreRequest, ContextRequest
from tests.botapi import parse_html
from tests.conftest import RunningBot

pytestmark = pytest.mark.e2e

QUESTION = "Siapa pemimpin koalisi oposisi Suriah?"


def shown(call) -> str:
    text, _ = parse_html(call.params["text"])
    return text


def buttons(call) -> list[str]:
    markup = call.params.get("reply_markup") or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def test_start_welcomes_with_an_example_that_finds_an_answer(bot: RunningBot) -> None:
    call = await bot.ask(101, "/start")
    text = shown(call)
    assert text.startswith("Halo! Saya Kutip.")
    assert f"{len(bot.engine.articles)} artikel" in text
    example = text.split("misalnya:\n", 1)[1].split("\n", 1)[0]
    assert bot.engine.search(example).answered


async def test_help_lists_commands_and_bot_name(bot: RunningBot) -> None:
    text = shown(await bot.ask(102, "/help"))
    for command in ("/cari", "/tanya", "/ask", "/sumber", "@kutip_test_bot"):
        assert command in text


async def test_private_question_is_answered_with_quotes_sources_dates(bot: RunningBot) -> None:
    call = await bot.ask(103, QUESTION)
    html = call.params["text"]
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"]["is_disabled"] is True
    expected = bot.engine.search(QUESTION, k=3)
    assert html.count("<blockquote>") == len(expected.hits) == 3
    text = shown(call)
    for hit in expected.hits:
        assert hit.sentence.text in text
        assert hit.article.title in text
        assert hit.article.source in text
        assert format_date(hit.article.date, approximate=hit.article.date_approximate) in text
        for word in hit.matched_words:
            assert f"<b>{word}</b>" in html
    assert re.search(r"\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember) \d{4}", text)


async def test_cari_tanya_ask_are_the_same_question(bot: RunningBot) -> None:
    texts = [shown(await bot.ask(104, f"/{cmd} {QUESTION}")) for cmd in ("cari", "tanya", "ask")]
    assert texts[0] == texts[1] == texts[2]
    assert bot.engine.search(QUESTION).hits[0].sentence.text in texts[0]


async def test_empty_command_explains_usage(bot: RunningBot) -> None:
    text = shown(await bot.ask(105, "/cari"))
    assert text.startswith("Tulis pertanyaannya setelah perintah")


async def test_sumber_lists_every_article(bot: RunningBot) -> None:
    text = shown(await bot.ask(106, "/sumber"))
    for article in bot.engine.articles:
        assert article.title in text
    assert "sekitar" in text or not any(a.date_approximate for a in bot.engine.articles)


async def test_nothing_relevant_says_so_and_suggests(bot: RunningBot) -> None:
    text = shown(await bot.ask(107, "resep nasi goreng kampung"))
    assert text.startswith("Tidak ada kalimat di korpus yang menjawab")
    assert "kata kunci lain" in text and "/sumber" in text


async def test_english_user_gets_english(bot: RunningBot) -> None:
    call = await bot.ask(108, "/start", language_code="en")
    assert shown(call).startswith("Hello! I am Kutip.")
    text = shown(await bot.ask(108, "zzzz qqqq", language_code="en-US"))
    assert text.startswith("No sentence in the corpus answers")
    text = shown(await bot.ask(108, QUESTION, language_code="en"))
    assert re.search(r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}", text)


async def test_more_button_pages_through_excerpts(bot: RunningBot) -> None:
    chat = 110
    first = await bot.ask(chat, "Rusia")
    data = buttons(first)
    more = [parse_callback(d) for d in data if isinstance(parse_callback(d), MoreRequest)]
    assert more == [MoreRequest(more[0].key, 3)]
    message_id = first.result["message_id"]
    since = bot.server.mark()
    bot.server.push_callback_query(chat, message_id, data[-1])
    edit = await bot.server.wait_for("editMessageText", since=since)
    await bot.server.wait_for("answerCallbackQuery", since=since)
    page = bot.engine.search("Rusia", k=3, offset=3)
    text = shown(edit)
    assert text.startswith("Kutipan 4–6 untuk")
    assert all(h.sentence.text in text for h in page.hits)
    # The edited message offers the way back.
    back = [parse_callback(d) for d in buttons(edit)]
    assert MoreRequest(more[0].key, 0) in back


async def test_context_button_shows_neighbouring_sentences(bot: RunningBot) -> None:
    chat = 111
    first = await bot.ask(chat, QUESTION)
    context_data = [d for d in buttons(first) if isinstance(parse_callback(d), ContextRequest)]
    assert len(context_data) == 3
    sid = bot.engine.search(QUESTION, k=3).hits[0].sentence.sid
    since = bot.server.mark()
    bot.server.push_callback_query(chat, first.result["message_id"], context_data[0])
    reply = await bot.reply(chat, since=since)
    assert reply.params["reply_parameters"]["message_id"] == first.result["message_id"]
    text = shown(reply)
    for sentence in bot.engine.context(sid, before=2, after=2):
        assert sentence.text in text
    assert f"<b>{_escaped(bot.engine.sentence(sid).text)}</b>" in reply.params["text"]


def _escaped(value: str) -> str:
    import html

    return html.escape(value, quote=False)


async def test_buttons_from_before_a_restart_are_politely_expired(bot: RunningBot) -> None:
    chat = 112
    first = await bot.ask(chat, "Rusia")
    message_id = first.result["message_id"]
    gone = SentenceKey.of(bot.engine.sentence(0))
    stale = [
        "m:gone1234:3",  # a ranking this process never kept (or evicted)
        "c:0000000000:1",  # the format before sentence keys
        f"c:{gone.article}:{gone.position}:AAAAAA",  # the sentence's text is not what the button quoted
        f"c:{gone.article}:999999:{gone.text}",  # no such sentence in that article
        "c:AAAAAAAAAAA:0:AAAAAA",  # no such article
        "nonsense",
    ]
    for data in stale:
        since = bot.server.mark()
        bot.server.push_callback_query(chat, message_id, data)
        call = await bot.server.wait_for("answerCallbackQuery", since=since)
        assert call.params["text"] == "Tombol ini sudah kedaluwarsa. Silakan bertanya lagi."
    assert not bot.server.find("editMessageText")


async def test_command_menu_is_set_in_both_languages(bot: RunningBot) -> None:
    assert [c["command"] for c in bot.server.commands()] == ["cari", "tanya", "sumber", "help"]
    assert [c["command"] for c in bot.server.commands(language_code="en")] == ["ask", "cari", "sumber", "help"]


async def test_what_a_person_the_corpus_never_quotes_said_is_declined_naming_them(bot: RunningBot) -> None:
    question = "What did John Kerry say after meeting Lavrov in Kuala Lumpur?"
    expected = bot.engine.search(question, k=4)
    assert not expected.answered and expected.unquoted == "John Kerry"
    call = await bot.ask(110, question)
    html, text = call.params["text"], shown(call)
    assert "<i>John Kerry</i>" in html and "mengutip" in text
    assert "bukan jawaban" in text and not buttons(call)


async def test_a_question_about_something_the_corpus_never_names_says_so(bot: RunningBot) -> None:
    question = "Apa kata Lavrov tentang Korea Utara?"
    expected = bot.engine.search(question, k=4)
    assert not expected.answered and expected.missing
    call = await bot.ask(108, question)
    html, text = call.params["text"], shown(call)
    assert "<i>Korea Utara</i>" in html
    assert "tidak menyebut" in text
    # The closest sentence is shown only as not an answer: no buttons to page through it.
    assert not buttons(call)


async def test_a_question_in_other_words_that_is_declined_shows_the_closest_sentence(bot: RunningBot) -> None:
    # "berhenti membela" is said "mengalihkan dukungannya" in the article: too little of
    # the question is held for an answer, so the sentence comes only as the closest.
    question = "Menurut Lavrov, apakah Rusia bakal berhenti membela Assad?"
    expected = bot.engine.search(question, k=4)
    assert not expected.answered and not expected.missing and expected.closest
    call = await bot.ask(111, question)
    text = shown(call)
    assert text.startswith("Tidak ada kalimat di korpus yang menjawab")
    assert "Kalimat terdekat (bukan jawaban):" in text and "mengalihkan dukungannya" in text
    assert "kata kunci lain" in text
    assert not buttons(call)


async def test_a_quote_that_lacks_a_word_of_the_question_says_which(bot: RunningBot) -> None:
    # HTS is in the corpus, its members are not: the quotes are about HTS.
    question = "Siapa anggota HTS?"
    expected = bot.engine.search(question, k=3)
    assert expected.answered and all(hit.missing_words == ("anggota",) for hit in expected.hits)
    text = shown(await bot.ask(109, question))
    assert text.count("Tidak memuat: anggota") == len(expected.hits)
