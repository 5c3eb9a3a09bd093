"""All message text Kutip sends: Telegram HTML, inline results, and plain console text.

Rules every HTML message obeys (Telegram rejects or garbles the rest):
- everything taken from users or the corpus goes through `html.escape`;
- length is counted as Telegram counts it, in UTF-16 code units, and kept within
  4,096 by truncating or dropping excerpts *before* markup is added, so a cut
  never lands inside a tag or an entity;
- callback data stays within 64 bytes.

The plain renderer (`answer_text`) uses the same words from `bot.texts`, so the
console and the terminal `ask` command read like the bot.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.catalogue import Catalogue
from bot.keys import ARTICLE_KEY_CHARS, TEXT_KEY_CHARS, SentenceKey
from bot.texts import MONTHS, Lang, text
from retrieval.records import Answer, Article, Hit, Sentence

if TYPE_CHECKING:
    from ingest.pipeline import IngestOutcome
    from ingest.state import FeedState

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units
MAX_CALLBACK_DATA = 64  # bytes
# Inline result descriptions are shown on one or two lines; longer is wasted.
_DESCRIPTION_CHARS = 200
# How much of a user's question we echo back in a message.
_ECHO_CHARS = 120
ELLIPSIS = "…"


# --- small pieces -------------------------------------------------------------


def utf16_len(value: str) -> int:
    """Length as Telegram counts it: characters outside the BMP (emoji) count twice."""
    return len(value.encode("utf-16-le")) // 2


def format_date(date: dt.date | None, *, approximate: bool = False, lang: Lang = "id") -> str:
    """`14 Desember 2016`; `sekitar 7 Desember 2016` when the date is approximate."""
    if date is None:
        return text(lang, "date_unknown")
    shown = f"{date.day} {MONTHS[lang][date.month - 1]} {date.year}"
    return text(lang, "date_approx", date=shown) if approximate else shown


def source_label(article: Article, *, lang: Lang = "id") -> str:
    return article.source or text(lang, "source_unknown")


def citation(article: Article, *, lang: Lang = "id") -> str:
    """`Source, date` in plain text: the line under every quote and the inline title."""
    date = format_date(article.date, approximate=article.date_approximate, lang=lang)
    return f"{source_label(article, lang=lang)}, {date}"


def shorten(value: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary when one is near, with an ellipsis."""
    value = " ".join(value.split())
    if len(value) <= limit:
        return value
    cut = value[: max(limit - 1, 0)]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def _bold_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    unique = sorted({w for w in words if w and w.strip()}, key=len, reverse=True)
    if not unique:
        return None
    alternatives = "|".join(re.escape(w) for w in unique)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def highlight(sentence: str, words: Sequence[str]) -> str:
    """Escaped `sentence` with every whole-word occurrence of `words` in `<b>`."""
    pattern = _bold_pattern(words)
    if pattern is None:
        return html.escape(sentence, quote=False)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(sentence):
        out.append(html.escape(sentence[last : match.start()], quote=False))
        out.append(f"<b>{html.escape(match.group(0), quote=False)}</b>")
        last = match.end()
    out.append(html.escape(sentence[last:], quote=False))
    return "".join(out)


def _headline_html(article: Article) -> str:
    title = html.escape(article.title, quote=False)
    if article.url and article.url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(article.url, quote=True)}">{title}</a>'
    return title


def _also_in_html(hit: Hit, lang: Lang) -> str:
    if not hit.also_in:
        return ""
    sources = "; ".join(citation(a, lang=lang) for a in hit.also_in[:3])
    return "\n" + html.escape(text(lang, "also_in", sources=sources), quote=False)


# At most this many of a quote's missing words are named, each at most this long.
_MISSING_SHOWN = 3
_MISSING_CHARS = 40


def missing_words_text(hit: Hit, *, lang: Lang = "id") -> str:
    """"Tidak memuat: pemimpin" for a quote that lacks words of the question, else ""."""
    if not hit.missing_words:
        return ""
    # A "word" of a pasted question may be a long run without spaces: each is cut short.
    shown = (shorten(word, _MISSING_CHARS) for word in hit.missing_words[:_MISSING_SHOWN])
    words = ", ".join(shown) + (", …" if len(hit.missing_words) > _MISSING_SHOWN else "")
    return text(lang, "missing_words", words=words)


def _missing_html(hit: Hit, lang: Lang) -> str:
    line = missing_words_text(hit, lang=lang)
    return "\n<i>" + html.escape(line, quote=False) + "</i>" if line else ""


def _excerpt_html(hit: Hit, number: int | None, sentence_text: str, lang: Lang, *, missing: bool = True) -> str:
    """One quote block: the sentence, then `[n] <i>Source</i>, date`, then the headline,
    and (`missing`) the question's words the quote lacks."""
    art = hit.article
    date = format_date(art.date, approximate=art.date_approximate, lang=lang)
    label = f"[{number}] " if number is not None else ""
    return (
        f"<blockquote>{highlight(sentence_text, hit.matched_words)}</blockquote>\n"
        f"{label}<i>{html.escape(source_label(art, lang=lang), quote=False)}</i>, "
        f"{html.escape(date, quote=False)}\n"
        f"{_headline_html(art)}"
        f"{_also_in_html(hit, lang)}"
        f"{_missing_html(hit, lang) if missing else ''}"
    )


def _fit_excerpt(hit: Hit, number: int | None, lang: Lang, budget: int, *, missing: bool = True) -> str | None:
    """The excerpt's HTML within `budget` UTF-16 units, truncating the sentence if needed.

    The sentence is cut as plain text (then escaped and bolded), so the cut can
    never split a tag or an `&amp;`. Returns None when not even a stub fits.
    """
    full = _excerpt_html(hit, number, hit.sentence.text, lang, missing=missing)
    if utf16_len(full) <= budget:
        return full
    sentence = hit.sentence.text
    lo, hi, best = 1, len(sentence) - 1, None
    while lo <= hi:  # longest prefix that fits
        mid = (lo + hi) // 2
        candidate = _excerpt_html(hit, number, sentence[:mid].rstrip() + ELLIPSIS, lang, missing=missing)
        if utf16_len(candidate) <= budget:
            best, lo = candidate, mid + 1
        else:
            hi = mid - 1
    # A stub of a few characters is not a quote; better to drop it.
    return best if best is not None and lo > 20 else None


# --- callback data ------------------------------------------------------------
#
# Each button kind has its own prefix and pattern; `bot.handlers` routes a press
# by pattern to one handler per kind. Both kinds name things that survive a
# corpus that grows: a kept ranking (by random key) and a sentence (by
# `bot.keys.SentenceKey`), never a sid or the corpus fingerprint.

MORE_PATTERN = r"^m:[A-Za-z0-9_-]{1,16}:\d{1,6}$"
CONTEXT_PATTERN = r"^c:[A-Za-z0-9_-]{%d}:\d{1,10}:[A-Za-z0-9_-]{%d}$" % (ARTICLE_KEY_CHARS, TEXT_KEY_CHARS)


@dataclass(frozen=True, slots=True)
class MoreRequest:
    """`m:<ranking key>:<offset>`: show a kept ranking's quotes from index `offset`."""

    key: str
    offset: int


@dataclass(frozen=True, slots=True)
class ContextRequest:
    """`c:<article key>:<position>:<text key>`: show that sentence with its neighbours."""

    sentence: SentenceKey


def more_data(key: str, offset: int) -> str:
    return _checked(f"m:{key}:{offset}")


def context_data(sentence: Sentence) -> str:
    name = SentenceKey.of(sentence)
    return _checked(f"c:{name.article}:{name.position}:{name.text}")


def _checked(data: str) -> str:
    if len(data.encode("utf-8")) > MAX_CALLBACK_DATA:
        raise ValueError(f"callback data over {MAX_CALLBACK_DATA} bytes: {data!r}")
    return data


def parse_callback(data: str | None) -> MoreRequest | ContextRequest | None:
    """The request a button carries, or None for anything unknown or malformed (old formats too)."""
    if not data:
        return None
    if re.fullmatch(MORE_PATTERN, data):
        _kind, key, offset = data.split(":")
        return MoreRequest(key, int(offset))
    if re.fullmatch(CONTEXT_PATTERN, data):
        _kind, article, position, text_hash = data.split(":")
        return ContextRequest(SentenceKey(article, int(position), text_hash))
    return None


# --- whole messages -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rendered:
    text: str
    reply_markup: InlineKeyboardMarkup | None = None
    # How many of the answer's hits made it into the message.
    shown: int = 0


def render_answer(
    answer: Answer,
    *,
    lang: Lang = "id",
    k: int = 3,
    offset: int = 0,
    context_buttons: bool = False,
    cache_key: str | None = None,
    positions: Sequence[int] | None = None,
    more_beyond: bool = False,
    limit: int = MAX_MESSAGE,
) -> Rendered:
    """Up to `k` quotes of `answer` (excerpts `offset+1`...), with buttons.

    Pass one more hit than `k` to let the renderer know a next page exists. With
    `cache_key`, the message gets previous/next buttons; with `context_buttons`,
    one context button per quote. A page cut from a kept ranking passes each
    hit's index in it (`positions`: quotes gone since leave gaps) and whether
    the ranking goes on past the last hit (`more_beyond`).
    """
    hits = answer.hits[:k]
    if positions is None:
        positions = range(offset, offset + len(answer.hits))
    header = ""
    if offset > 0:
        header = html.escape(
            text(lang, "excerpts_from", first=positions[0] + 1, last=positions[len(hits) - 1] + 1, query=shorten(answer.query, _ECHO_CHARS)),
            quote=False,
        ) + "\n\n"
    blocks: list[str] = []
    used = utf16_len(header)
    for i, hit in enumerate(hits):
        separator = 2 if blocks else 0  # "\n\n"
        block = _fit_excerpt(hit, positions[i] + 1, lang, limit - used - separator)
        if block is None:
            break
        blocks.append(block)
        used += separator + utf16_len(block)
    if not blocks:
        # Even one quote did not fit (a freakishly long headline): say where to read it.
        hit = hits[0]
        block = html.escape(shorten(f"{citation(hit.article, lang=lang)}: {hit.article.title}", 1000), quote=False)
        blocks.append(block)
    if header and len(blocks) < len(hits):
        header = html.escape(
            text(lang, "excerpts_from", first=positions[0] + 1, last=positions[len(blocks) - 1] + 1, query=shorten(answer.query, _ECHO_CHARS)),
            quote=False,
        ) + "\n\n"
    body = header + "\n\n".join(blocks)
    shown = len(blocks)

    rows: list[list[InlineKeyboardButton]] = []
    if context_buttons:
        rows.append(
            [
                InlineKeyboardButton(
                    text(lang, "button_context", n=positions[i] + 1),
                    callback_data=context_data(hit.sentence),
                )
                for i, hit in enumerate(hits[:shown])
            ]
        )
    if cache_key is not None:
        nav: list[InlineKeyboardButton] = []
        if offset > 0:
            nav.append(InlineKeyboardButton(text(lang, "button_prev"), callback_data=more_data(cache_key, max(offset - k, 0))))
        if len(answer.hits) > shown or more_beyond:
            nav.append(InlineKeyboardButton(text(lang, "button_more"), callback_data=more_data(cache_key, positions[shown - 1] + 1)))
        if nav:
            rows.append(nav)
    markup = InlineKeyboardMarkup(rows) if rows else None
    return Rendered(body, markup, shown)


def render_no_answer(
    query: str, catalogue: Catalogue, *, lang: Lang = "id", closest: Hit | None = None, limit: int = MAX_MESSAGE
) -> str:
    """No answer: say so, then the `closest` sentence (when the engine has one) marked as
    not an answer, suggest how to rephrase, and say what the corpus covers."""
    head = html.escape(text(lang, "no_answer", query=shorten(query, _ECHO_CHARS)), quote=False)
    lines = [text(lang, "no_answer_tips")]
    covers = corpus_summary(catalogue, lang=lang)
    if covers:
        lines.append(covers + " " + text(lang, "see_sources"))
    return _with_closest(head, closest, html.escape("\n\n".join(lines), quote=False), lang=lang, limit=limit)


def render_not_about(answer: Answer, *, lang: Lang = "id", limit: int = MAX_MESSAGE) -> str:
    """The engine declined because the corpus holds nothing about a thing the question
    names (`answer.missing`): say so, then the closest sentence, marked as not an answer.

    Handlers call it when `not answer.answered and answer.missing`; the other
    declines keep `render_no_answer`.
    """
    return _naming_decline(answer, "not_about", "missing", answer.missing, lang=lang, limit=limit)


def render_not_quoted(answer: Answer, *, lang: Lang = "id", limit: int = MAX_MESSAGE) -> str:
    """The engine declined because the question asks what a person said and no article
    quotes them (`answer.unquoted`): say so, then the closest sentence, marked as not an
    answer."""
    return _naming_decline(answer, "not_quoted", "speaker", (answer.unquoted,), lang=lang, limit=limit)


def _naming_decline(
    answer: Answer, key: str, slot: str, names: Sequence[str], *, lang: Lang, limit: int
) -> str:
    """Text `key` with `names` in italics in its `slot`, then the closest sentence."""
    named = text(lang, "and").join(f"<i>{html.escape(name, quote=False)}</i>" for name in names)
    head = html.escape(
        text(lang, key, **{slot: "\0"}, query=shorten(answer.query, _ECHO_CHARS)), quote=False
    ).replace("\0", named)
    closest = answer.closest[0] if answer.closest else None
    return _with_closest(head, closest, "", lang=lang, limit=limit)


def _with_closest(head: str, closest: Hit | None, tail: str, *, lang: Lang, limit: int) -> str:
    """`head`, then `closest` under its not-an-answer label when an excerpt of it fits
    within `limit`, then `tail` (all HTML; an empty `tail` adds nothing)."""
    parts = [head]
    if closest is not None:
        label = html.escape(text(lang, "closest_not_answer"), quote=False)
        # The separators: two line breaks before the label, one after it, two before a tail.
        budget = limit - utf16_len(head) - utf16_len(label) - 4 - (utf16_len(tail) + 2 if tail else 0)
        block = _fit_excerpt(closest, None, lang, budget)
        if block is not None:
            parts.append(f"{label}\n{block}")
    if tail:
        parts.append(tail)
    return "\n\n".join(parts)


def corpus_summary(catalogue: Catalogue, *, lang: Lang = "id") -> str:
    if not catalogue.count:
        return ""
    top = catalogue.top_sources(5)
    sources = ", ".join(top) if top else text(lang, "source_unknown")
    if len(catalogue.sources) > len(top):
        sources += ", …"
    return text(lang, "corpus_covers", articles=catalogue.count, span=catalogue.span, sources=sources)


def example_question(catalogue: Catalogue) -> str:
    """An example that certainly finds something: the newest article's headline."""
    titled = (a for a in catalogue.newest if a.title.strip())
    newest = next(titled, None)
    if newest is None:
        return "…"
    return shorten(newest.title.rstrip(" .!?"), 100)


def render_welcome(catalogue: Catalogue, *, lang: Lang = "id") -> str:
    lines = [
        text(lang, "welcome", articles=catalogue.count),
        "",
        text(lang, "welcome_example"),
    ]
    head = html.escape("\n".join(lines), quote=False)
    example = html.escape(example_question(catalogue), quote=False)
    tail = html.escape(text(lang, "welcome_more"), quote=False)
    return f"{head}\n<i>{example}</i>\n\n{tail}"


def render_help(bot_username: str, *, lang: Lang = "id", admin: bool = False) -> str:
    """The help text; admins also see their commands (they are not in the public menu)."""
    shown = text(lang, "help", bot=bot_username)
    if admin:
        shown += "\n\n" + text(lang, "help_admin")
    return html.escape(shown, quote=False)


def render_plain(message: str) -> str:
    """A plain sentence from `bot.texts`, escaped for HTML."""
    return html.escape(message, quote=False)


def render_sources(catalogue: Catalogue, *, lang: Lang = "id", limit: int = MAX_MESSAGE) -> str:
    """The corpus, newest first: `• headline — source, date`, cut to fit one message."""
    total = catalogue.count
    head = f"<b>{html.escape(text(lang, 'sources_title', articles=total), quote=False)}</b>"
    lines = [head]
    used = utf16_len(head)
    # Reserve room for the "... and N more" line.
    reserve = utf16_len(text(lang, "sources_more", count=total)) + 2
    for i, article in enumerate(catalogue.newest):
        line = "• " + _headline_html(article) + " — " + html.escape(citation(article, lang=lang), quote=False)
        rest = total - i - 1
        needed = utf16_len(line) + 1 + (reserve if rest else 0)
        if used + needed > limit:
            lines.append(html.escape(text(lang, "sources_more", count=total - i), quote=False))
            break
        lines.append(line)
        used += utf16_len(line) + 1
    else:
        if len(catalogue.newest) < total:
            lines.append(html.escape(text(lang, "sources_more", count=total - len(catalogue.newest)), quote=False))
    return "\n".join(lines)


def render_context(
    sentences: Sequence[Sentence], article: Article, sid: int, *, lang: Lang = "id", limit: int = MAX_MESSAGE
) -> str:
    """The quoted sentence in bold between its neighbours, then where it comes from."""
    date = format_date(article.date, approximate=article.date_approximate, lang=lang)
    tail = (
        f"\n<i>{html.escape(source_label(article, lang=lang), quote=False)}</i>, {html.escape(date, quote=False)}\n"
        f"{_headline_html(article)}"
    )
    head = f"{html.escape(text(lang, 'context_title'), quote=False)}\n"
    budget = limit - utf16_len(head + tail) - utf16_len("<blockquote></blockquote>")
    # Share the room: the quoted sentence first, neighbours get what is left.
    ordered = sorted(sentences, key=lambda s: (s.sid != sid, abs(s.sid - sid)))
    pieces: dict[int, str] = {}
    for sentence in ordered:
        room = budget - sum(utf16_len(p) + 1 for p in pieces.values())
        if room <= 20:
            break
        body = sentence.text
        while True:
            piece = f"<b>{html.escape(body, quote=False)}</b>" if sentence.sid == sid else html.escape(body, quote=False)
            if utf16_len(piece) + 1 <= room or len(body) <= 1:
                break
            body = shorten(body, max(len(body) * room // (utf16_len(piece) + 1) - 2, 1))
        if utf16_len(piece) + 1 <= room:
            pieces[sentence.sid] = piece
    quote = " ".join(pieces[s.sid] for s in sorted(sentences, key=lambda s: s.sid) if s.sid in pieces)
    return f"{head}<blockquote>{quote}</blockquote>{tail}"


@dataclass(frozen=True, slots=True)
class InlineItem:
    """One inline result: what the list shows (title, description) and what choosing it posts."""

    id: str
    title: str
    description: str
    message: str


def render_inline(hit: Hit, *, lang: Lang = "id") -> InlineItem:
    # The quote goes into someone else's chat as a citation: what the asker's question
    # lacked is no part of it.
    block = _fit_excerpt(hit, None, lang, MAX_MESSAGE, missing=False)
    if block is None:
        block = html.escape(citation(hit.article, lang=lang), quote=False)
    name = SentenceKey.of(hit.sentence)
    return InlineItem(
        id=f"{name.article}:{name.position}:{name.text}",
        title=citation(hit.article, lang=lang),
        description=shorten(hit.sentence.text, _DESCRIPTION_CHARS),
        message=block,
    )


# --- plain text (console, `python -m bot ask`) --------------------------------

_DOUBLE_MARKS = "\"\u201c\u201d"
# Where a straight `"` opens a quotation rather than closing one.
_OPENS_AFTER = " \t\n([{\u2014\u2013-"


def quoted_plain(sentence: str) -> str:
    """`sentence` in one pair of double quotation marks, as a terminal shows a quote.

    A sentence that is itself one quotation keeps its own pair. Any other double
    marks of its own become single ones inside the outer pair, as a nested
    quotation is written (`\u201c\u2018Kami siap,\u2019 kata Lavrov.\u201d`), so two
    double marks never stand side by side. A quotation the excerpt cuts keeps its
    one unmatched mark: it says the speech goes on past the quote.
    """
    if (
        len(sentence) > 1 and sentence[0] in "\u201c\"" and sentence[-1] in "\u201d\""
        and not any(mark in sentence[1:-1] for mark in _DOUBLE_MARKS)
    ):
        return sentence
    nested = "".join(_single(sentence, i) if ch in _DOUBLE_MARKS else ch for i, ch in enumerate(sentence))
    return f"\u201c{nested}\u201d"


def _single(sentence: str, i: int) -> str:
    mark = sentence[i]
    if mark == "\u201c":
        return "\u2018"
    if mark == "\u201d":
        return "\u2019"
    return "\u2018" if i == 0 or sentence[i - 1] in _OPENS_AFTER else "\u2019"


def _closest_plain(answer: Answer, lang: Lang) -> list[str]:
    """The closest sentence under its not-an-answer label, in plain text (none: [])."""
    if not answer.closest:
        return []
    hit = answer.closest[0]
    return [f"{text(lang, 'closest_not_answer')}\n  {quoted_plain(hit.sentence.text)}\n    {citation(hit.article, lang=lang)}"]


def answer_text(answer: Answer, *, lang: Lang = "id", catalogue: Catalogue | None = None) -> str:
    """The same answer as the bot's, in plain text for a terminal."""
    if not answer.answered and (answer.missing or answer.unquoted):
        query = shorten(answer.query, _ECHO_CHARS)
        if answer.missing:
            said = text(lang, "not_about", missing=text(lang, "and").join(answer.missing), query=query)
        else:
            said = text(lang, "not_quoted", speaker=answer.unquoted, query=query)
        return "\n\n".join([said, *_closest_plain(answer, lang)])
    if not answer.answered:
        lines = [text(lang, "no_answer", query=shorten(answer.query, _ECHO_CHARS))]
        lines += _closest_plain(answer, lang)
        lines.append(text(lang, "no_answer_tips"))
        covers = corpus_summary(catalogue, lang=lang) if catalogue is not None else ""
        if covers:
            lines.append(covers)
        return "\n\n".join(lines)
    blocks = []
    for i, hit in enumerate(answer.hits, start=1):
        art = hit.article
        lines = [
            f"[{i}] {quoted_plain(hit.sentence.text)}",
            f"    {citation(art, lang=lang)}",
            f"    {art.title}",
        ]
        if art.url:
            lines.append(f"    {art.url}")
        if hit.also_in:
            sources = "; ".join(citation(a, lang=lang) for a in hit.also_in[:3])
            lines.append("    " + text(lang, "also_in", sources=sources))
        if missing := missing_words_text(hit, lang=lang):
            lines.append("    " + missing)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def sources_text(catalogue: Catalogue, *, lang: Lang = "id") -> str:
    lines = [text(lang, "sources_title", articles=catalogue.count)]
    lines += [f"• {a.title} — {citation(a, lang=lang)}" for a in catalogue.newest]
    if len(catalogue.newest) < catalogue.count:
        lines.append(text(lang, "sources_more", count=catalogue.count - len(catalogue.newest)))
    return "\n".join(lines)


# --- admin: /tambah and /status -----------------------------------------------------


def format_moment(moment: dt.datetime | float | None, *, lang: Lang = "id") -> str:
    """`2026-11-30 08:43:05 UTC` (or "never"): admins compare it with logs, so UTC and seconds."""
    if moment is None:
        return text(lang, "status_never")
    if isinstance(moment, (int, float)):
        moment = dt.datetime.fromtimestamp(moment, dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _article_card(article: Article, lang: Lang) -> str:
    """`<b>title</b>` / `source, date` / url: what an admin checks after an ingest."""
    lines = [f"<b>{html.escape(shorten(article.title, 300), quote=False)}</b>",
             html.escape(citation(article, lang=lang), quote=False)]
    if article.url:
        lines.append(html.escape(shorten(article.url, 300), quote=False))
    return "\n".join(lines)


def render_added(outcome: IngestOutcome, *, lang: Lang = "id", index_error: str | None = None) -> str:
    """The reply to /tambah: what was extracted (title, source, date) or why not."""
    if outcome.status == "problem" or outcome.article is None:
        problem = outcome.problem or outcome.status
        return render_plain(text(lang, "add_problem", url=shorten(outcome.source, 300), problem=shorten(problem, 600)))
    key = {"added": "add_added", "updated": "add_updated"}.get(outcome.status, "add_duplicate")
    parts = [render_plain(text(lang, key)), _article_card(outcome.article, lang)]
    if index_error is not None:
        parts.append(render_plain(text(lang, "add_not_served", error=shorten(index_error, 300))))
    return "\n".join(parts)


def render_status(
    catalogue: Catalogue,
    *,
    sentences: int,
    built_at: dt.datetime | None,
    extended_at: dt.datetime | None,
    feeds: Sequence[FeedState],
    poll_seconds: int,
    last_poll: dt.datetime | None = None,
    last_poll_articles: int = 0,
    last_poll_seconds: float = 0.0,
    last_poll_error: str | None = None,
    lang: Lang = "id",
) -> str:
    """/status for admins: corpus size, newest article, each feed's last success or error, the index."""
    out = [f"<b>{render_plain(text(lang, 'status_title'))}</b>",
           render_plain(text(lang, "status_corpus", articles=catalogue.count, sentences=sentences))]
    if catalogue.newest:
        # The latest date; among equal dates the article added last.
        out += [render_plain(text(lang, "status_newest")), _article_card(catalogue.newest[0], lang)]
    out.append(render_plain(text(lang, "status_index", built=format_moment(built_at, lang=lang),
                                 extended=format_moment(extended_at, lang=lang))))
    if not feeds:
        out.append(render_plain(text(lang, "status_no_feeds")))
    else:
        out.append(render_plain(text(lang, "status_feeds", count=len(feeds), seconds=poll_seconds)))
        for state in feeds:
            out.append(_feed_line(state, lang))
        if last_poll is not None:
            out.append(render_plain(text(lang, "status_last_poll", when=format_moment(last_poll, lang=lang),
                                         articles=last_poll_articles, seconds=f"{last_poll_seconds:.1f}")))
        if last_poll_error:
            out.append(render_plain(text(lang, "status_poll_failed", error=shorten(last_poll_error, 300))))
    return _fit("\n".join(out))


def _feed_line(state: FeedState, lang: Lang) -> str:
    facts: list[str] = []
    if state.last_success is not None:
        facts.append(text(lang, "status_feed_ok", when=format_moment(state.last_success, lang=lang)))
    if state.last_error is not None and (state.last_success is None or (state.last_error_at or 0) >= state.last_success):
        facts.append(text(lang, "status_feed_error", when=format_moment(state.last_error_at, lang=lang),
                          error=shorten(state.last_error, 300)))
        if state.next_retry is not None:
            facts.append(text(lang, "status_feed_retry", when=format_moment(state.next_retry, lang=lang)))
    if not facts:
        facts.append(text(lang, "status_feed_pending"))
    return f"• <code>{html.escape(shorten(state.url, 200))}</code>: " + render_plain("; ".join(facts))


def _fit(message: str) -> str:
    """Cut a long status (many feeds) at a line break so it stays one message."""
    if utf16_len(message) <= MAX_MESSAGE:
        return message
    lines, used = [], 0
    for line in message.split("\n"):
        if used + utf16_len(line) + 1 > MAX_MESSAGE - 2:
            lines.append(ELLIPSIS)
            break
        lines.append(line)
        used += utf16_len(line) + 1
    return "\n".join(lines)
