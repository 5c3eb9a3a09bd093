"""Load and fault benchmark: the real bot against the stand-in Bot API on 127.0.0.1.

    python -m benchmarks.load --questions 1000 --chats 100
    python -m benchmarks.load --questions 1000 --chats 100 --faults

Half the chats are private (any text is a question), half are groups where the
question is addressed as `/cari@bot ...` or `@bot ...` by one of three members.
Questions are pushed as fast as the bot takes them: at most `--window`
questions are outstanding (pushed and not yet answered) at any moment.

Every question must get exactly one reply, in its chat: in a group the reply
must name the asking message (`reply_parameters`); in a private chat (where
Kutip does not quote) the reply text must be the answer to that very question,
so each private chat asks questions with pairwise different answers.

`--faults` injects, on every Bot API method, a share of 429 (retry_after 1),
500, 502, slow answers, and dropped connections before and after the call
ran, for the first `--fault-share` of the questions; then the faults stop and
the rest shows the catch-up. A `drop_after` on sendMessage means Telegram
delivered the message but the bot never heard back: a repeat of that one is
reported apart, as Telegram would show it too.

Throughput is bounded by design, not by the engine: `AIORateLimiter` keeps
the bot under Telegram's 30 messages a second overall and 20 a minute per
group, and the per-user limiter (`USER_QUESTIONS_PER_MINUTE`, default 20) is
left at its default because no user here asks more than its burst.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.catalogue import Catalogue
from bot import render
from bot.app import build_app
from bot.logs import configure_logging
from bot.texts import text
from config.settings import BUNDLED_CORPUS, BUNDLED_LANGUAGE_DATA
from retrieval.search import Engine
from retrieval.store import open_engine
from tests.botapi import BotApiServer, FaultPlan, FloodLimits, settings_for

SEED_EVAL = Path(__file__).resolve().parent / "data" / "seed_eval.jsonl"
GROUP_MEMBERS = 3
APOLOGY = render.render_plain(text("id", "error"))
FAULT_KINDS = ("429", "500", "502", "slow", "drop_before", "drop_after")


@dataclass(frozen=True, slots=True)
class Question:
    """One question to push: where, by whom, how it is written, and the reply it must get."""

    chat_id: int
    user_id: int
    chat_type: str  # "private" | "supergroup"
    text: str  # what the user types
    expected: str  # the HTML the bot must send


@dataclass
class Asked:
    question: Question
    message_id: int
    update_id: int
    pushed_at: float


@dataclass
class Outcome:
    """What came through, per question."""

    asked: list[Asked]
    answered_once: int = 0
    missing: list[Asked] = field(default_factory=list)
    # Extra replies beyond the first: explained by a drop_after of that very send or not.
    repeats_after_drop: int = 0
    repeats_unexplained: list[Asked] = field(default_factory=list)
    apologies: int = 0  # the error handler's reply instead of the answer
    wrong: list[str] = field(default_factory=list)  # replies that match no question
    latencies: list[float] = field(default_factory=list)
    last_reply_at: float = 0.0

    @property
    def exactly_once(self) -> bool:
        return not self.missing and not self.repeats_unexplained and not self.wrong


# --- the questions ------------------------------------------------------------------


def question_pool() -> list[str]:
    with SEED_EVAL.open(encoding="utf-8") as lines:
        return [json.loads(line)["question"] for line in lines if line.strip()]


def expected_reply(engine: Engine, question: str, *, k: int) -> str:
    """The HTML `bot.handlers.answer_question` sends for `question` (Indonesian user)."""
    question = " ".join(question.split())
    answer = engine.search(question, k=k + 1)
    if not answer.answered:
        if answer.missing:
            return render.render_not_about(answer, lang="id")
        return render.render_no_answer(question, Catalogue.of(engine.articles), lang="id")
    return render.render_answer(answer, lang="id", k=k, context_buttons=True).text


def plan_questions(engine: Engine, *, questions: int, chats: int, bot_username: str, k: int = 3,
                   seed: int = 0) -> list[Question]:
    """`questions` questions spread round-robin over `chats` chats, half of them groups.

    Within a private chat no two questions share an answer text, so a reply can be
    matched to its question without relying on order.
    """
    rng = random.Random(seed)
    by_reply: dict[str, str] = {}
    for q in question_pool():
        by_reply.setdefault(expected_reply(engine, q, k=k), q)
    distinct = list(by_reply.items())  # (expected, question)
    per_chat = -(-questions // chats)
    if per_chat > len(distinct):
        raise ValueError(f"{per_chat} questions per chat but only {len(distinct)} distinct answers")
    picks: dict[int, list[tuple[str, str]]] = {c: rng.sample(distinct, per_chat) for c in range(chats)}
    out: list[Question] = []
    for i in range(questions):
        c, nth = i % chats, i // chats
        expected, q = picks[c][nth]
        if c % 2 == 0:
            chat_id = 10_000 + c
            out.append(Question(chat_id, chat_id, "private", q, expected))
        else:
            chat_id = -1_000_000 - c
            user = 50_000 + c * GROUP_MEMBERS + rng.randrange(GROUP_MEMBERS)
            written = f"/cari@{bot_username} {q}" if rng.random() < 0.5 else f"@{bot_username} {q}"
            out.append(Question(chat_id, user, "supergroup", written, expected))
    return out


def ask(server: BotApiServer, question: Question) -> Asked:
    mid = server.push_message(question.chat_id, question.text, user_id=question.user_id,
                              chat_type=question.chat_type)
    update_id = server._message_updates[(question.chat_id, mid)]
    return Asked(question, mid, update_id, time.monotonic())


# --- verification -----------------------------------------------------------------------


def _reply_to(params: dict) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict) and "message_id" in reply:
        return int(reply["message_id"])
    if params.get("reply_to_message_id") not in (None, ""):
        return int(params["reply_to_message_id"])
    return None


def sent_replies(server: BotApiServer, *, since: int = 0) -> list[Any]:
    """Messages Telegram actually created (executed and ok), faulted answers included."""
    return [c for c in server.calls[since:] if c.method == "sendMessage" and c.ok]


def verify(server: BotApiServer, asked: list[Asked], *, since: int = 0) -> Outcome:
    out = Outcome(asked)
    by_group_message = {(a.question.chat_id, a.message_id): a for a in asked if a.question.chat_type != "private"}
    private: dict[tuple[int, str], list[Asked]] = defaultdict(list)
    for a in asked:
        if a.question.chat_type == "private":
            private[(a.question.chat_id, a.question.expected)].append(a)
    got: dict[int, list[Any]] = defaultdict(list)  # id(asked) -> replies
    index = {id(a): a for a in asked}
    apologies_by_chat: Counter[int] = Counter()
    for call in sent_replies(server, since=since):
        chat_id = int(call.params["chat_id"])
        body = call.params.get("text", "")
        target: Asked | None = None
        if chat_id < 0:
            target = by_group_message.get((chat_id, _reply_to(call.params) or -1))
            if target is not None and body == APOLOGY:
                out.apologies += 1
            elif target is not None and body != target.question.expected:
                out.wrong.append(f"chat {chat_id}: reply to {target.message_id} has another question's text")
                continue
        else:
            if body == APOLOGY:
                apologies_by_chat[chat_id] += 1
                continue
            candidates = private.get((chat_id, body), [])
            target = candidates[0] if candidates else None
        if target is None:
            out.wrong.append(f"chat {chat_id}: reply matching no question: {body[:60]!r}")
            continue
        got[id(target)].append(call)
    # A private apology stands for one question of its chat that got no answer.
    for a in asked:
        if a.question.chat_type == "private" and not got[id(a)] and apologies_by_chat[a.question.chat_id]:
            apologies_by_chat[a.question.chat_id] -= 1
            out.apologies += 1
            got[id(a)].append(None)
    for chat_id, left in apologies_by_chat.items():
        out.wrong.extend(f"chat {chat_id}: apology with no unanswered question" for _ in range(left))
    dropped_after = Counter(
        (str(t.params.get("chat_id")), t.params.get("text"))
        for t in server.attempts if t.method == "sendMessage" and t.fault is not None and t.fault.kind == "drop_after"
    )
    for key, a in index.items():
        replies = got[key]
        if not replies:
            out.missing.append(a)
            continue
        out.answered_once += 1
        first = next((c for c in replies if c is not None), None)
        if first is not None:
            out.latencies.append(first.at - a.pushed_at)
            out.last_reply_at = max(out.last_reply_at, first.at)
        for extra in replies[1:]:
            sig = (str(a.question.chat_id), extra.params.get("text") if extra else None)
            if dropped_after[sig] > 0:
                dropped_after[sig] -= 1
                out.repeats_after_drop += 1
            else:
                out.repeats_unexplained.append(a)
    return out


# --- running the bot ----------------------------------------------------------------------


async def start_bot(server: BotApiServer, engine: Engine, **overrides: Any) -> Application:
    """The real Application long-polling `server`, started as `run_polling` starts it."""
    app = build_app(settings_for(server, **overrides), engine=engine)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)
    return app


async def stop_bot(app: Application) -> None:
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


def fault_plan(*, seed: int, share: float = 0.04, slow_delay: float = 1.5) -> FaultPlan:
    """Every kind at `share` on every method (so 6 x share of calls are faulted)."""
    plan = FaultPlan(seed=seed)
    for kind in FAULT_KINDS:
        plan.rate("*", kind, share, retry_after=1, delay=slow_delay)
    return plan


@dataclass
class LoadReport:
    outcome: Outcome
    seconds: float
    injected: Counter
    catch_up: float | None  # seconds from faults off to the last first-answer
    flood_violations: Counter
    retry_after_violations: int
    redelivered: int
    attempts: int


async def run_load(engine: Engine, *, questions: int, chats: int, window: int = 50, faults: FaultPlan | None = None,
                   fault_share: float = 0.6, enforce_flood: bool = False, timeout: float = 300.0,
                   seed: int = 0, **overrides: Any) -> LoadReport:
    limits = FloodLimits(enforce=enforce_flood)
    async with BotApiServer(flood_limits=limits) as server:
        plan = plan_questions(engine, questions=questions, chats=chats, bot_username=server.bot_username,
                              k=overrides.get("results_per_answer", 3), seed=seed)
        app = await start_bot(server, engine, **overrides)
        asked: list[Asked] = []
        off: list[float] = []
        start = time.monotonic()

        async def stop_faults() -> None:
            # Faults last until `fault_share` of the questions have been answered.
            while len(_first_replies(server)) < int(len(plan) * fault_share):
                await _changed(server, deadline=start + timeout)
            server.faults = None
            off.append(time.monotonic())

        watcher = asyncio.create_task(stop_faults()) if faults is not None else None
        try:
            server.faults = faults
            for question in plan:
                await _room(server, len(asked), window, deadline=start + timeout)
                asked.append(ask(server, question))
            await _until_settled(server, len(asked), deadline=start + timeout)
        finally:
            if watcher is not None:
                watcher.cancel()
            server.faults = None
            await stop_bot(app)
        faults_off_at = off[0] if off else None
        outcome = verify(server, asked)
        seconds = max(outcome.last_reply_at - start, 1e-9)
        catch_up = (outcome.last_reply_at - faults_off_at) if faults_off_at and outcome.last_reply_at else None
        return LoadReport(
            outcome=outcome,
            seconds=seconds,
            injected=Counter(faults.counts) if faults else Counter(),
            catch_up=catch_up,
            flood_violations=Counter(server.flood_violations),
            retry_after_violations=server.retry_after_violations,
            redelivered=len(server.delivered) - len(set(server.delivered)),
            attempts=len(server.attempts),
        )


def _first_replies(server: BotApiServer) -> set[tuple[str, Any]]:
    # Cheap progress measure while pushing: distinct (chat, reply target or text).
    return {(str(c.params["chat_id"]), _reply_to(c.params) or c.params.get("text")) for c in sent_replies(server)}


async def _room(server: BotApiServer, asked: int, window: int, *, deadline: float, stall: float = 3.0) -> None:
    """Wait until fewer than `window` questions are unanswered, or answers stall (lost ones never come)."""
    progress, since = -1, time.monotonic()
    while True:
        answered = len(_first_replies(server))
        if asked - answered < window:
            return
        if answered != progress:
            progress, since = answered, time.monotonic()
        elif time.monotonic() - since > stall:
            return
        await _changed(server, deadline=deadline)


async def _changed(server: BotApiServer, *, deadline: float) -> None:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the bot stopped taking questions")
    event = server._changed
    try:
        await asyncio.wait_for(event.wait(), min(left, 0.5))
    except TimeoutError:
        pass


async def _until_settled(server: BotApiServer, n: int, *, deadline: float, quiet: float = 1.5) -> None:
    """Wait until `n` replies arrived and no call came for `quiet` seconds (repeats land late)."""
    while time.monotonic() < deadline:
        sends = [c.at for c in server.calls[-200:] if c.method == "sendMessage"]
        last = sends[-1] if sends else 0.0
        if len(_first_replies(server)) >= n and time.monotonic() - last >= quiet and not server.pending_updates:
            return
        await _changed(server, deadline=deadline)


# --- the command ------------------------------------------------------------------------------


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def describe(report: LoadReport, *, questions: int, chats: int) -> str:
    o = report.outcome
    lines = [
        f"questions {questions} from {chats} chats ({chats - chats // 2} private, {chats // 2} groups)",
        f"answered exactly once: {o.answered_once - len(o.repeats_unexplained)}/{len(o.asked)}; "
        f"missing {len(o.missing)}; repeats after drop_after {o.repeats_after_drop}; "
        f"unexplained repeats {len(o.repeats_unexplained)}; wrong/misplaced {len(o.wrong)}; "
        f"apologies instead of answers {o.apologies}",
        f"throughput {questions / report.seconds:.1f} questions/s over {report.seconds:.1f} s",
        f"latency push->sendMessage: p50 {_pct(o.latencies, 50) * 1000:.0f} ms, "
        f"p95 {_pct(o.latencies, 95) * 1000:.0f} ms, max {max(o.latencies, default=0) * 1000:.0f} ms",
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB",
        f"Bot API requests {report.attempts}; updates redelivered {report.redelivered}; "
        f"flood windows exceeded at the server {dict(report.flood_violations) or 0}; "
        f"requests before retry_after elapsed {report.retry_after_violations}",
    ]
    if report.injected:
        kinds = Counter()
        for (_method, kind), n in report.injected.items():
            kinds[kind] += n
        by_method = Counter()
        for (method, _kind), n in report.injected.items():
            by_method[method] += n
        lines.append(f"faults injected {sum(kinds.values())}: {dict(sorted(kinds.items()))}; "
                     f"by method {dict(by_method.most_common())}")
        if report.catch_up is not None:
            lines.append(f"catch-up: last answer {report.catch_up:.1f} s after faults stopped")
    for problem in (o.wrong[:5] + [f"missing: chat {a.question.chat_id} msg {a.message_id}" for a in o.missing[:5]]):
        lines.append("  " + problem)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=100)
    parser.add_argument("--window", type=int, default=50, help="most questions outstanding at once")
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--fault-rate", type=float, default=0.04, help="share of calls per fault kind")
    parser.add_argument("--fault-share", type=float, default=0.6, help="share of questions pushed under faults")
    parser.add_argument("--enforce-flood", action="store_true", help="stand-in answers over-limit sends with 429")
    parser.add_argument("--user-questions-per-minute", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    # Failed handlers log tracebacks; what matters here is counted in the report.
    configure_logging("CRITICAL")
    engine = open_engine(BUNDLED_CORPUS, language_data_path=BUNDLED_LANGUAGE_DATA).engine
    faults = fault_plan(seed=args.seed, share=args.fault_rate) if args.faults else None
    report = asyncio.run(run_load(
        engine, questions=args.questions, chats=args.chats, window=args.window, faults=faults,
        fault_share=args.fault_share, enforce_flood=args.enforce_flood, seed=args.seed,
        user_questions_per_minute=args.user_questions_per_minute,
    ))
    print(describe(report, questions=args.questions, chats=args.chats))
    return 0 if report.outcome.exactly_once else 1


if __name__ == "__main__":
    sys.exit(main())
