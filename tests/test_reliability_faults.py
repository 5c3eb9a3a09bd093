"""Load and Bot API faults, small: every question answered exactly once, in its chat.

The same harness as `python -m benchmarks.load` (which prints the figures), cut
down to 60 questions from 12 chats. No timing is asserted: only completeness,
exactly-once delivery (a repeat is allowed only where the stand-in executed a
send and then dropped the connection, as Telegram can), and placement.
"""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.load import FAULT_KINDS, fault_plan, run_load, verify
from tests.botapi import BotApiServer

pytestmark = pytest.mark.e2e


async def test_sixty_questions_from_twelve_chats_are_each_answered_once(engine) -> None:
    report = await run_load(engine, questions=60, chats=12, window=20, timeout=60)
    outcome = report.outcome
    assert outcome.exactly_once, (outcome.missing, outcome.wrong, outcome.repeats_unexplained)
    assert outcome.answered_once == 60
    assert outcome.repeats_after_drop == 0 and outcome.apologies == 0
    assert report.redelivered == 0
    assert report.retry_after_violations == 0


async def test_faults_on_every_method_lose_nothing_and_repeat_only_dropped_sends(engine) -> None:
    # 6 kinds x 5% = ~30% of all Bot API calls faulted for the first 70% of the questions.
    plan = fault_plan(seed=7, share=0.06, slow_delay=1.0)
    report = await run_load(engine, questions=60, chats=12, window=20, faults=plan, fault_share=0.7, timeout=90)
    outcome = report.outcome
    injected = Counter()
    for (_method, kind), n in plan.counts.items():
        injected[kind] += n
    assert set(injected) == set(FAULT_KINDS), injected  # every kind really happened
    assert plan.counts[("sendMessage", "500")] + plan.counts[("sendMessage", "502")] > 0
    assert not outcome.missing, [(a.question.chat_id, a.message_id) for a in outcome.missing]
    assert not outcome.repeats_unexplained
    assert not outcome.wrong
    assert outcome.answered_once == 60
    # A retried send is the answer itself, not the error handler's apology.
    assert outcome.apologies <= 1


async def test_verify_catches_a_lost_a_repeated_and_a_misplaced_reply(engine) -> None:
    """The checker itself: a harness that cannot fail proves nothing."""
    from benchmarks.load import ask, plan_questions

    async with BotApiServer() as server:
        plan = plan_questions(engine, questions=4, chats=2, bot_username=server.bot_username)
        asked = [ask(server, q) for q in plan]
        private = [a for a in asked if a.question.chat_type == "private"]
        group = [a for a in asked if a.question.chat_type != "private"]
        bot = server._m_sendmessage  # what the bot would send, straight into the stand-in's state
        for a in private[:1]:
            server.calls.append(_call(bot, {"chat_id": a.question.chat_id, "text": a.question.expected}))
            server.calls.append(_call(bot, {"chat_id": a.question.chat_id, "text": a.question.expected}))
        g = group[0]
        server.calls.append(_call(bot, {"chat_id": g.question.chat_id, "text": g.question.expected,
                                        "reply_parameters": {"message_id": group[1].message_id}}))
        outcome = verify(server, asked)
    assert len(outcome.repeats_unexplained) == 1
    assert {a.message_id for a in outcome.missing} >= {private[1].message_id}
    assert outcome.wrong or g in outcome.missing
    assert not outcome.exactly_once


def _call(send, params):
    from tests.botapi import Call

    result = send({**params, "parse_mode": "HTML"})
    return Call("sendMessage", params, {"ok": True, "result": result})
