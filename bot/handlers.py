"""Thin Telegram handlers: parse the update, ask the engine, send what `bot.render` made.

Who gets an answer:
- private chats: any text is a question; commands /start /help /cari /tanya
  /ask /sumber (/reload, /tambah /add and /status for admins: everyone else
  gets "unknown command" for the last three); an edited question is answered again
  (the user fixed a typo); stickers, photos and other media get a short
  "text only" note;
- groups: commands addressed to the bot (`/cari@bot` and bare `/cari`), text
  that @mentions the bot, and replies to the bot's own messages; the answer
  replies to the asking message. Everything else, and edits, are ignored on
  purpose so the bot never chatters in a group;
- inline mode: `@bot question` lists up to 10 quotes.

Flood control runs once, before every handler (`flood_gate`, group -1), for
everything a user can trigger that some handler would take: messages,
commands, inline queries and button presses. Buttons are routed by pattern,
one handler per kind. The engine is read from `bot.library.Library`, once per
update.
"""

from __future__ import annotations

import asyncio
import logging
import traceback

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import render
from bot.context import Context
from bot.flood import Verdict
from bot.library import EngineNotReady
from bot.pages import PAGES, Ranking
from bot.texts import Lang, language_for, text
from retrieval.records import Answer
from retrieval.search import Engine

log = logging.getLogger(__name__)

# A question longer than this is cut before searching: Telegram allows 4,096
# characters, but no real question needs more, and BM25 cost grows with terms.
MAX_QUESTION_CHARS = 500
INLINE_RESULTS = 10
ASK_COMMANDS = ("cari", "tanya", "ask")
ADD_COMMANDS = ("tambah", "add")
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# The flood gate runs in this group, before every other handler (groups above it).
FLOOD_GROUP = -10

_GROUP_EDIT = filters.UpdateType.EDITED_MESSAGE & filters.ChatType.GROUPS


class _AddressedToBot(filters.MessageFilter):
    """Group text meant for the bot: it @mentions the bot or replies to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        return _addressed_question(message, bot.id, bot.username) is not None


def register(app: Application) -> None:
    """Every handler, in order. Commands first, so `/cari` is never taken for a question."""
    app.add_handler(TypeHandler(Update, flood_gate), group=FLOOD_GROUP)
    not_group_edit = ~_GROUP_EDIT
    app.add_handler(CommandHandler("start", on_start, filters=not_group_edit))
    app.add_handler(CommandHandler("help", on_help, filters=not_group_edit))
    app.add_handler(CommandHandler(ASK_COMMANDS, on_ask, filters=not_group_edit))
    app.add_handler(CommandHandler("sumber", on_sources, filters=not_group_edit))
    app.add_handler(CommandHandler("reload", on_reload, filters=filters.UpdateType.MESSAGE))
    # Admins only: for anyone else these fall through to "unknown command" (or silence in groups).
    admins = filters.User(user_id=app.bot_data.settings.admin_user_ids)
    app.add_handler(CommandHandler(ADD_COMMANDS, on_add, filters=filters.UpdateType.MESSAGE & admins))
    app.add_handler(CommandHandler("status", on_status, filters=filters.UpdateType.MESSAGE & admins))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, on_unknown_command))
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT, on_private_text))
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & filters.TEXT & filters.UpdateType.MESSAGE & _AddressedToBot(), on_group_text
        )
    )
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT & filters.UpdateType.MESSAGE, on_private_media)
    )
    app.add_handler(InlineQueryHandler(on_inline_query))
    app.add_handler(CallbackQueryHandler(on_more, pattern=render.MORE_PATTERN))
    app.add_handler(CallbackQueryHandler(on_context, pattern=render.CONTEXT_PATTERN))
    app.add_handler(CallbackQueryHandler(on_unknown_button))  # old formats, garbage: "expired"
    app.add_error_handler(on_error)


# --- helpers ----------------------------------------------------------------------


def _lang(update: Update) -> Lang:
    user = update.effective_user
    return language_for(user.language_code if user else None)


def _in_group(message: Message) -> bool:
    return message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


async def _reply(message: Message, html_text: str, **kwargs: object) -> Message:
    """Reply in the message's chat; in groups as a reply to the asking message."""
    return await message.reply_text(html_text, do_quote=_in_group(message), **kwargs)


def _clean_question(raw: str) -> str:
    return " ".join(raw.split())[:MAX_QUESTION_CHARS].strip()


async def _search(engine: Engine, question: str, *, k: int, offset: int = 0) -> Answer:
    # Searching is CPU work; a thread keeps other chats flowing meanwhile.
    return await asyncio.to_thread(engine.search, question, k=k, offset=offset)


# --- flood control ----------------------------------------------------------------


def _handled(app: Application, update: Update) -> bool:
    """Whether some handler after the gate would take `update` (chatter is never counted)."""
    return any(
        handler.check_update(update) not in (None, False)
        for group, handlers in app.handlers.items()
        if group > FLOOD_GROUP
        for handler in handlers
    )


async def flood_gate(update: Update, context: Context) -> None:
    """Per-user flood control for everything a user can trigger, before any handler runs.

    Over the limit: a button press gets the polite note as its toast and an
    inline query an empty answer whose button says it; a message gets the
    note once, then silence until the user may ask again. Either way no
    handler runs (`ApplicationHandlerStop`).
    """
    user = update.effective_user
    if user is None or not _handled(context.application, update):
        return
    verdict = context.bot_data.flood.check(user.id)
    if verdict is Verdict.ALLOW:
        return
    note = text(_lang(update), "slow_down")
    if update.callback_query is not None:
        await update.callback_query.answer(note)
    elif update.inline_query is not None:
        button = InlineQueryResultsButton(text=note, start_parameter="inline")
        await update.inline_query.answer([], button=button, cache_time=0)
    elif verdict is Verdict.WARN and update.effective_message is not None:
        await _reply(update.effective_message, render.render_plain(note))
    raise ApplicationHandlerStop


# --- questions --------------------------------------------------------------------


async def answer_question(update: Update, context: Context, raw: str) -> None:
    """The one path from a question to a reply, shared by commands, private text and groups."""
    message = update.effective_message
    if message is None:
        return
    data = context.bot_data
    lang = _lang(update)
    edition = data.library.edition
    engine = edition.engine
    question = _clean_question(raw)
    if not question:
        example = render.example_question(edition.catalogue)
        await _reply(message, render.render_plain(text(lang, "usage", example=example)))
        return
    if not any(ch.isalnum() for ch in question):
        example = render.example_question(edition.catalogue)
        await _reply(message, render.render_plain(text(lang, "no_words", example=example)))
        return
    k = data.settings.results_per_answer
    answer = await _search(engine, question, k=k + 1)  # one extra tells whether "more" exists
    if not answer.answered:
        if answer.missing:  # the corpus holds nothing about a thing the question names
            await _reply(message, render.render_not_about(answer, lang=lang))
        elif answer.unquoted:  # no article quotes the person whose words are asked for
            await _reply(message, render.render_not_quoted(answer, lang=lang))
        else:
            closest = answer.closest[0] if answer.closest else None
            await _reply(message, render.render_no_answer(question, edition.catalogue, lang=lang, closest=closest))
        return
    cache_key = None
    if len(answer.hits) > k:  # kept for "more"; deepened on the first press or before a swap
        cache_key = data.queries.put(Ranking.first(answer, edition=edition.number))
    rendered = render.render_answer(answer, lang=lang, k=k, context_buttons=True, cache_key=cache_key)
    await _reply(message, rendered.text, reply_markup=rendered.reply_markup)


# --- commands -------------------------------------------------------------------------


async def on_start(update: Update, context: Context) -> None:
    if update.effective_message:
        catalogue = context.bot_data.library.edition.catalogue
        await _reply(update.effective_message, render.render_welcome(catalogue, lang=_lang(update)))


async def on_help(update: Update, context: Context) -> None:
    if update.effective_message:
        user = update.effective_user
        admin = user is not None and user.id in context.bot_data.settings.admin_user_ids
        help_text = render.render_help(context.bot.username, lang=_lang(update), admin=admin)
        await _reply(update.effective_message, help_text)


async def on_ask(update: Update, context: Context) -> None:
    await answer_question(update, context, " ".join(context.args or ()))


async def on_sources(update: Update, context: Context) -> None:
    if update.effective_message:
        catalogue = context.bot_data.library.edition.catalogue
        await _reply(update.effective_message, render.render_sources(catalogue, lang=_lang(update)))


async def on_unknown_command(update: Update, context: Context) -> None:
    if update.effective_message:
        await _reply(update.effective_message, render.render_plain(text(_lang(update), "unknown_command")))


async def on_reload(update: Update, context: Context) -> None:
    """Admin-only: rebuild the engine in a thread; the old one answers until the swap."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    data = context.bot_data
    library = data.library
    lang = _lang(update)
    if user.id not in data.settings.admin_user_ids:
        await _reply(message, render.render_plain(text(lang, "reload_denied")))
        return
    if library.busy:
        await _reply(message, render.render_plain(text(lang, "reload_busy")))
        return
    await _reply(message, render.render_plain(text(lang, "reload_started")))
    try:
        edition = await library.refresh()
    except Exception as error:  # noqa: BLE001 - any failure keeps the old engine
        log.exception("Reload failed; keeping the old engine")
        reason = render.shorten(f"{type(error).__name__}: {error}", 300)
        await _reply(message, render.render_plain(text(lang, "reload_failed", error=reason)))
        return
    if edition is None:
        await _reply(message, render.render_plain(text(lang, "reload_busy")))
        return
    await _reply(
        message,
        render.render_plain(
            text(lang, "reload_done", articles=len(edition.engine.articles), problems=len(edition.problems))
        ),
    )


async def on_add(update: Update, context: Context) -> None:
    """Admin-only (by filter): ingest one article URL now and say what was extracted, or why not."""
    message = update.effective_message
    if message is None:
        return
    lang = _lang(update)
    url = " ".join(context.args or ()).strip()
    if not url or len(context.args or ()) != 1:
        await _reply(message, render.render_plain(text(lang, "add_usage")))
        return
    await message.chat.send_action(ChatAction.TYPING)
    added = await context.bot_data.feeds.add(url)
    await _reply(message, render.render_added(added.outcome, lang=lang, index_error=added.index_error))


async def on_status(update: Update, context: Context) -> None:
    """Admin-only (by filter): corpus size, newest article, feeds, when the index was built/extended."""
    message = update.effective_message
    if message is None:
        return
    data = context.bot_data
    library, feeds = data.library, data.feeds
    edition = library.edition
    engine = edition.engine
    poll = feeds.last_poll
    status = render.render_status(
        edition.catalogue,
        sentences=engine.sentence_count,
        built_at=library.built_at,
        extended_at=library.extended_at,
        feeds=feeds.feed_states(),
        poll_seconds=data.settings.feed_poll_seconds,
        last_poll=poll.started if poll else None,
        last_poll_articles=poll.articles if poll else 0,
        last_poll_seconds=poll.seconds if poll else 0.0,
        last_poll_error=poll.error if poll else None,
        lang=_lang(update),
    )
    await _reply(message, status)


# --- plain messages -------------------------------------------------------------------


async def on_private_text(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await answer_question(update, context, message.text)


async def on_private_media(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.from_user is None or message.from_user.is_bot:
        return
    await _reply(message, render.render_plain(text(_lang(update), "text_only")))


def _addressed_question(message: Message, bot_id: int, username: str) -> str | None:
    """The question in a group message meant for the bot, or None when it is chatter."""
    body = message.text or ""
    mention = f"@{username}".casefold()
    mentioned = False
    pieces: list[str] = []
    last = 0
    for entity, value in message.parse_entities([MessageEntity.MENTION]).items():
        if value.casefold() == mention:
            mentioned = True
            # Offsets are UTF-16 based; parse_entities gives the decoded text, so
            # cut by locating the decoded value rather than by raw offsets.
            start = body.find(value, last)
            if start >= 0:
                pieces.append(body[last:start])
                last = start + len(value)
    pieces.append(body[last:])
    reply = message.reply_to_message
    replied_to_bot = reply is not None and reply.from_user is not None and reply.from_user.id == bot_id
    if not (mentioned or replied_to_bot):
        return None
    return "".join(pieces)


async def on_group_text(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    question = _addressed_question(message, context.bot.id, context.bot.username)
    if question is not None:
        await answer_question(update, context, question)


# --- inline mode ----------------------------------------------------------------------


async def on_inline_query(update: Update, context: Context) -> None:
    query = update.inline_query
    if query is None:
        return
    lang = _lang(update)
    question = _clean_question(query.query)
    if not any(ch.isalnum() for ch in question):
        hint = InlineQueryResultsButton(text=text(lang, "inline_hint"), start_parameter="inline")
        await query.answer([], button=hint, cache_time=300)
        return
    engine = context.bot_data.library.current
    answer = await _search(engine, question, k=INLINE_RESULTS)
    results = []
    seen: set[str] = set()
    for hit in answer.hits[:INLINE_RESULTS]:
        item = render.render_inline(hit, lang=lang)
        if item.id in seen:
            continue
        seen.add(item.id)
        results.append(
            InlineQueryResultArticle(
                id=item.id,
                title=item.title,
                description=item.description,
                input_message_content=InputTextMessageContent(
                    item.message, parse_mode=ParseMode.HTML, link_preview_options=_NO_PREVIEW
                ),
            )
        )
    button = None
    if not results:
        button = InlineQueryResultsButton(text=text(lang, "inline_no_results"), start_parameter="inline")
    await query.answer(results, button=button, cache_time=60)


# --- buttons ------------------------------------------------------------------------------


async def on_more(update: Update, context: Context) -> None:
    """The next or previous page of a kept ranking (see `bot.pages`)."""
    query = update.callback_query
    request = render.parse_callback(query.data if query else None)
    if query is None or not isinstance(request, render.MoreRequest):
        return
    data = context.bot_data
    lang = _lang(update)
    ranking = data.queries.get(request.key)
    if ranking is None:
        await query.answer(text(lang, "expired"))
        return
    edition = data.library.edition
    k = data.settings.results_per_answer
    if ranking.needs(request.offset, k) and ranking.edition == edition.number:
        # Deeper than kept: only the engine the ranking came from may continue it.
        wanted = request.offset + k * PAGES + 1
        ranking = ranking.extended(await _search(edition.engine, ranking.query, k=wanted), wanted=wanted)
        data.queries.replace(request.key, ranking)
    page = ranking.page(edition, offset=request.offset, k=k)
    if not page.answer.hits:
        await query.answer(text(lang, "expired" if ranking.edition == edition.number else "corpus_changed"))
        return
    rendered = render.render_answer(
        page.answer,
        lang=lang,
        k=k,
        offset=request.offset,
        context_buttons=True,
        cache_key=request.key,
        positions=page.positions,
        more_beyond=page.more_beyond,
    )
    await query.answer()
    await query.edit_message_text(rendered.text, reply_markup=rendered.reply_markup)


async def on_context(update: Update, context: Context) -> None:
    """The quoted sentence between its neighbours, while the corpus still has it word for word."""
    query = update.callback_query
    request = render.parse_callback(query.data if query else None)
    if query is None or not isinstance(request, render.ContextRequest):
        return
    lang = _lang(update)
    edition = context.bot_data.library.edition
    engine = edition.engine
    sentence = edition.find(request.sentence)
    article = engine.article(sentence.article_id) if sentence is not None else None
    if sentence is None or article is None or query.message is None:
        await query.answer(text(lang, "expired"))
        return
    sentences = engine.context(sentence.sid, before=2, after=2)
    await query.answer()
    await context.bot.send_message(
        query.message.chat.id,
        render.render_context(sentences, article, sentence.sid, lang=lang),
        reply_parameters=ReplyParameters(message_id=query.message.message_id, allow_sending_without_reply=True),
    )


async def on_unknown_button(update: Update, context: Context) -> None:
    """A button of a format this version does not make (older releases, garbage)."""
    if update.callback_query is not None:
        await update.callback_query.answer(text(_lang(update), "expired"))


# --- errors --------------------------------------------------------------------------------


async def on_error(update: object, context: Context) -> None:
    """Log the failure (never the token) and, when a chat is waiting, apologise once."""
    error = context.error
    token = context.bot.token
    detail = "".join(traceback.format_exception(error)) if error else "unknown error"
    if token:
        detail = detail.replace(token, "[token]")
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("Update %s failed:\n%s", update_id, detail)
    if not isinstance(update, Update):
        return
    # Updates that arrive before the first engine is open (webhook mode) are told to wait.
    apology = text(_lang(update), "not_ready" if isinstance(error, EngineNotReady) else "error")
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(apology)
        except Exception:  # noqa: BLE001 - the apology is best effort
            log.debug("Could not answer the callback query after an error")
        return
    message = update.effective_message
    if message is None or (update.edited_message is not None and _in_group(message)):
        return
    try:
        await _reply(message, render.render_plain(apology))
    except Exception:  # noqa: BLE001
        log.debug("Could not apologise in chat after an error")
