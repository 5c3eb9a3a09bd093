"""End to end: bad input, flood control, /reload."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from tests.botapi import Fault, FaultPlan, parse_html
from tests.conftest import RunningBot, running_bot

pytestmark = pytest.mark.e2e

QUESTION = "Siapa pemimpin koalisi oposisi Suriah?"
ARTICLE = {"id": "a", "title": "Veto", "source": "Uji", "date": "2020-01-02", "url": None,
           "text": "Rusia dan Cina memveto rancangan resolusi gencatan senjata di Dewan Keamanan."}


def shown(call) -> str:
    return parse_html(call.params["text"])[0]


async def test_bad_input_gets_sensible_replies(bot: RunningBot) -> None:
    chat = 201
    cases = {
        "x" * 5000: "Tidak ada kalimat",  # cut to 500 chars, searched, nothing found
        "😀🔥🙏": "Tulis pertanyaan dengan kata-kata",
        "...???": "Tulis pertanyaan dengan kata-kata",
        "<b>Lavrov</b> & <i>Kerry</i> </blockquote>": "Kerry",
        "**Lavrov** _Kerry_ [x](http://e.x)": "Kerry",
        "Quel temps fera-t-il demain à Paris ?": "Tidak ada kalimat",
        "今日の天気はどうですか": "Tidak ada kalimat",
        "/tidakada": "Perintah itu tidak saya kenal",
        "/cari     ": "Tulis pertanyaannya setelah perintah",
        "\u202e\u200b\u0000": "Tulis pertanyaan dengan kata-kata",
    }
    for question, expected in cases.items():
        call = await bot.ask(chat, question)
        assert call.ok, (question, call.response)
        assert expected in shown(call), question
    # Markup in the question is echoed as text, never interpreted.
    call = await bot.ask(chat, "<script>alert(1)</script> zzzqqq")
    assert "&lt;script&gt;" in call.params["text"]
    assert all(c.ok for c in bot.server.calls if c.method == "sendMessage")


async def test_stickers_and_photos_in_private_get_a_text_only_note(bot: RunningBot) -> None:
    assert shown(await bot.ask(202, None, sticker=True)) == "Saya hanya bisa membaca pertanyaan berupa teks."
    assert shown(await bot.ask(202, "apa ini?", photo=True)) == "Saya hanya bisa membaca pertanyaan berupa teks."


async def test_edited_private_question_is_answered_again(bot: RunningBot) -> None:
    chat = 203
    first = await bot.ask(chat, "resep rendang")
    assert "Tidak ada kalimat" in shown(first)
    edited = await bot.ask(chat, QUESTION, edited=True)
    assert bot.engine.search(QUESTION).hits[0].sentence.text in shown(edited)


async def test_a_spammer_is_slowed_politely_without_delaying_others(engine) -> None:
    async with running_bot(engine, user_questions_per_minute=3) as bot:
        spammer, other = 210, 211
        since = bot.server.mark()
        for _ in range(8):
            bot.push(spammer, QUESTION)
        await bot.server.wait_for_count("sendMessage", 4, predicate=lambda c: str(c.params["chat_id"]) == str(spammer), since=since)
        reply = await bot.ask(other, QUESTION)
        assert "<blockquote>" in reply.params["text"]
        await asyncio.sleep(0.3)
        texts = [shown(c) for c in bot.replies(spammer, since=since)]
        notes = [t for t in texts if t.startswith("Pelan-pelan")]
        answers = [t for t in texts if "Pemimpin koalisi" in t or "pemimpin koalisi" in t]
        assert len(notes) == 1 and len(answers) == 3 and len(texts) == 4


async def test_reload_is_admin_only_and_swaps_the_engine(engine) -> None:
    admin = 220
    async with running_bot(engine, admin_user_ids=frozenset({admin})) as bot:
        denied = await bot.ask(221, "/reload")
        assert shown(denied) == "Hanya admin yang boleh memuat ulang korpus."
        since = bot.server.mark()
        bot.push(admin, "/reload")
        done = await bot.server.wait_for_count(
            "sendMessage", 2, predicate=lambda c: str(c.params["chat_id"]) == str(admin), since=since
        )
        assert shown(done[0]).startswith("Memuat ulang korpus")
        assert shown(done[1]) == f"Korpus dimuat ulang: {len(engine.articles)} artikel, 0 masalah."
        assert bot.app.bot_data.library.current is not engine
        assert bot.app.bot_data.library.current.fingerprint == engine.fingerprint
        # Answers keep flowing with the new engine.
        assert "<blockquote>" in (await bot.ask(222, QUESTION)).params["text"]


async def test_reload_failure_keeps_the_old_engine(tmp_path) -> None:
    admin = 230
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps(ARTICLE) + "\n", encoding="utf-8")
    async with running_bot(None, admin_user_ids=frozenset({admin}), corpus_path=corpus) as bot:
        corpus.unlink()  # the corpus became unusable
        since = bot.server.mark()
        bot.push(admin, "/reload")
        done = await bot.server.wait_for_count(
            "sendMessage", 2, predicate=lambda c: str(c.params["chat_id"]) == str(admin), since=since
        )
        assert shown(done[1]).startswith("Gagal memuat ulang korpus; korpus lama tetap dipakai.")
        assert bot.app.bot_data.library.current is bot.engine
        assert "<blockquote>" in (await bot.ask(231, "Siapa memveto rancangan resolusi?")).params["text"]


async def test_engine_is_loaded_in_post_init_when_not_given() -> None:
    async with running_bot(None) as bot:
        assert bot.engine.sentence_count > 0
        assert "<blockquote>" in (await bot.ask(240, QUESTION)).params["text"]


async def test_a_failed_send_is_logged_without_the_token_and_apologised_for(bot: RunningBot, caplog) -> None:
    # The rate limiter retries 5xx three times; the fourth failure reaches the handler.
    bot.server.faults = FaultPlan().sequence("sendMessage", ["500"] * 4)
    with caplog.at_level(logging.DEBUG):
        reply = await bot.ask(250, QUESTION)
    assert shown(reply) == "Maaf, terjadi kesalahan. Silakan coba lagi."
    failures = [r for r in caplog.records if r.name == "bot.handlers" and r.levelno == logging.ERROR]
    assert failures and "failed" in failures[0].getMessage()
    assert bot.server.token not in caplog.text


async def test_telegram_429_is_retried_after_the_requested_wait(bot: RunningBot) -> None:
    bot.server.faults = FaultPlan().sequence("sendMessage", [Fault("429", retry_after=1)])
    reply = await bot.ask(251, QUESTION)
    assert "<blockquote>" in reply.params["text"]
    assert bot.server.retry_after_violations == 0
