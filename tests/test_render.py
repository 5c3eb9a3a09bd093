from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalogue import Catalogue
from bot import render
from bot.keys import SentenceKey
from bot.flood import FloodLimiter, Verdict
from bot.texts import language_for
from retrieval.records import Answer, Article, Hit, Sentence
from tests.botapi import parse_html
from tests.sampling import examples

ARTICLE = Article(
    id="a1",
    title='Judul "A" & <B>',
    source="Sumber <X> & Co",
    date=dt.date(2016, 12, 14),
    text="",
    url='https://example.org/a?x=1&y="2"',
)
APPROX = Article(id="a2", title="Dua", source=None, date=dt.date(2016, 12, 7), text="", date_approximate=True)


def hit(text: str, *, article: Article = ARTICLE, sid: int = 1, words: tuple[str, ...] = ()) -> Hit:
    return Hit(Sentence(sid, article.id, sid, text), article, 1.0, matched_words=words)


def visible(html_text: str) -> str:
    """The text Telegram would show; parse_html raises on anything Telegram rejects."""
    shown, _entities = parse_html(html_text)
    return shown


def test_dates_in_indonesian_and_english_with_approximate_marker() -> None:
    assert render.format_date(dt.date(2016, 12, 14)) == "14 Desember 2016"
    assert render.format_date(dt.date(2017, 2, 7), lang="en") == "7 February 2017"
    assert render.format_date(dt.date(2016, 12, 7), approximate=True) == "sekitar 7 Desember 2016"
    assert render.format_date(dt.date(2016, 12, 7), approximate=True, lang="en") == "around 7 December 2016"
    assert render.format_date(None) == "tanggal tidak diketahui"


def test_answer_escapes_everything_and_bolds_matched_words() -> None:
    answer = Answer("q", (hit("Lavrov <script> & \"kata\" Lavrov, lavrovian.", words=("Lavrov", "kata")),))
    rendered = render.render_answer(answer, context_buttons=True, cache_key=None)
    html_text = rendered.text
    assert "<script>" not in html_text and "&lt;script&gt;" in html_text
    assert html_text.count("<b>Lavrov</b>") == 2  # whole words only: not "lavrovian"
    assert "<b>kata</b>" in html_text
    assert "<blockquote>" in html_text
    assert "Sumber &lt;X&gt; &amp; Co" in html_text
    assert "14 Desember 2016" in html_text
    assert 'href="https://example.org/a?x=1&amp;y=&quot;2&quot;"' in html_text
    shown = visible(html_text)
    assert 'Judul "A" & <B>' in shown
    assert "Lavrov <script> & \"kata\"" in shown


def test_approximate_date_unknown_source_and_no_link() -> None:
    html_text = render.render_answer(Answer("q", (hit("Kalimat.", article=APPROX),))).text
    assert "sekitar 7 Desember 2016" in html_text
    assert "sumber tidak diketahui" in html_text
    assert "<a " not in html_text


def test_english_user_gets_english_dates_and_labels() -> None:
    html_text = render.render_answer(Answer("q", (hit("Kalimat.", article=APPROX),)), lang="en").text
    assert "around 7 December 2016" in html_text and "unknown source" in html_text
    assert language_for("en-GB") == "en" and language_for("id") == "id" and language_for(None) == "id"


def test_buttons_more_and_context_with_short_callback_data() -> None:
    hits = tuple(hit(f"Kalimat nomor {i}.", sid=10**9 + i) for i in range(4))
    rendered = render.render_answer(Answer("q", hits), k=3, context_buttons=True, cache_key="k" * 8)
    assert rendered.shown == 3
    rows = rendered.reply_markup.inline_keyboard
    data = [b.callback_data for row in rows for b in row]
    assert all(len(d.encode()) <= 64 for d in data)
    # A context button names its sentence by article, place and text, never by sid.
    assert [render.parse_callback(d) for d in data[:3]] == [
        render.ContextRequest(SentenceKey.of(h.sentence)) for h in hits[:3]
    ]
    assert all(re.fullmatch(render.CONTEXT_PATTERN, d) for d in data[:3])
    assert render.parse_callback(data[3]) == render.MoreRequest("k" * 8, 3)
    assert re.fullmatch(render.MORE_PATTERN, data[3])
    # A second page gets "previous" and no "more" when nothing is left.
    page = render.render_answer(Answer("q", hits[:2]), k=3, offset=3, context_buttons=True, cache_key="key")
    nav = [render.parse_callback(b.callback_data) for b in page.reply_markup.inline_keyboard[-1]]
    assert nav == [render.MoreRequest("key", 0)]
    assert "Kutipan 4–5" in page.text


def test_sentence_key_survives_renumbering_but_not_a_changed_text() -> None:
    sentence = Sentence(5, "artikel-panjang-dengan-id-yang-sangat-panjang" * 3, 2, "Kalimat yang dikutip.")
    moved = Sentence(9_000_000, sentence.article_id, 2, sentence.text)  # the corpus was rebuilt: new sid
    changed = Sentence(5, sentence.article_id, 2, "Kalimat yang dikutip, diperbarui.")
    assert render.context_data(sentence) == render.context_data(moved)
    assert render.context_data(sentence) != render.context_data(changed)
    assert len(render.context_data(Sentence(0, "x" * 1000, 999_999, "y"))) <= 64


def test_a_page_of_a_kept_ranking_numbers_quotes_by_their_place_in_it() -> None:
    hits = tuple(hit(f"Kalimat nomor {i}.", sid=i) for i in range(3))
    # Quote 5 of the ranking is gone since: the page shows 4, 6, 7 and continues after 7.
    page = render.render_answer(
        Answer("q", hits), k=3, offset=3, cache_key="key", positions=(3, 5, 6), more_beyond=True
    )
    shown = visible(page.text)
    assert "Kutipan 4–7" in shown and "[4]" in shown and "[6]" in shown and "[7]" in shown and "[5]" not in shown
    nav = [render.parse_callback(b.callback_data) for b in page.reply_markup.inline_keyboard[-1]]
    assert nav == [render.MoreRequest("key", 0), render.MoreRequest("key", 7)]


def test_parse_callback_rejects_garbage_and_old_formats() -> None:
    for data in (None, "", "x:1:2", "m:key:", "m::3", "c:fp:abc", "m", "c:0123456789abcdef:12", "c:aaaaaaaaaaa:1:bbbbbbb"):
        assert render.parse_callback(data) is None
    with pytest.raises(ValueError):
        render.more_data("k" * 70, 1)


@pytest.mark.parametrize("unit", ["a", "&", "😀", "<b>"])
def test_length_cap_counts_utf16_and_never_cuts_markup(unit: str) -> None:
    huge = unit * 6000
    hits = tuple(hit(huge, sid=i, words=(unit,) if unit.isalnum() else ()) for i in range(3))
    rendered = render.render_answer(Answer("q", hits))
    assert render.utf16_len(rendered.text) <= 4096
    shown = visible(rendered.text)  # raises on a cut tag or entity
    assert shown.count("…") >= 1
    assert rendered.shown >= 1


def test_length_cap_drops_later_excerpts_rather_than_overflowing() -> None:
    long = "kata " * 700  # ~3,500 characters each
    hits = tuple(hit(long, sid=i) for i in range(3))
    rendered = render.render_answer(Answer("q", hits), context_buttons=True, cache_key="key")
    assert render.utf16_len(rendered.text) <= 4096
    assert rendered.shown < 3
    # The context buttons match what is shown; "more" continues right after it.
    rows = rendered.reply_markup.inline_keyboard
    assert len(rows[0]) == rendered.shown
    assert render.parse_callback(rows[-1][-1].callback_data) == render.MoreRequest("key", rendered.shown)


def test_no_answer_suggests_rephrasing_and_what_the_corpus_covers() -> None:
    text = render.render_no_answer("<b>apa</b>", Catalogue.of([ARTICLE, APPROX]))
    shown = visible(text)
    assert "<b>apa</b>" in shown  # the question is echoed as text, not markup
    assert "kata kunci lain" in shown
    assert "2 artikel" in shown and "/sumber" in shown


def test_no_answer_shows_the_closest_sentence_marked_as_not_an_answer() -> None:
    closest = hit("Lavrov <menepis> klaim itu.")
    text = render.render_no_answer("apa?", Catalogue.of([ARTICLE]), closest=closest)
    shown = visible(text)
    assert shown.startswith("Tidak ada kalimat di korpus yang menjawab")
    assert "Kalimat terdekat (bukan jawaban):" in shown and "Lavrov <menepis> klaim itu." in shown
    assert shown.index("bukan jawaban") < shown.index("kata kunci lain")
    plain = render.answer_text(Answer("apa?", closest=(closest,)), catalogue=Catalogue.of([ARTICLE]))
    assert "Kalimat terdekat (bukan jawaban):\n  \u201cLavrov <menepis> klaim itu.\u201d" in plain
    # A long sentence is cut to fit one message, never dropped from a short one.
    long = hit("kata " * 2000)
    assert render.utf16_len(render.render_no_answer("apa?", Catalogue.of([ARTICLE]), closest=long)) <= 4096


def test_sources_list_fits_one_message_for_thousands_of_articles() -> None:
    articles = [
        Article(id=f"x{i}", title=f"Judul panjang nomor {i} " + "😀" * 10, source="S", date=dt.date(2020, 1, 1), text="")
        for i in range(3000)
    ]
    text = render.render_sources(Catalogue.of(articles))
    assert render.utf16_len(text) <= 4096
    shown = visible(text)
    assert "3000 artikel" in shown and "artikel lainnya" in shown


def test_context_bolds_the_quoted_sentence_and_fits() -> None:
    sentences = [Sentence(i, "a1", i, f"Kalimat {i} " + "x" * 3000) for i in range(5)]
    text = render.render_context(sentences, ARTICLE, 2)
    assert render.utf16_len(text) <= 4096
    shown = visible(text)
    assert "Kalimat 2" in shown
    assert "<b>Kalimat 2" in text


def test_inline_item_titled_by_source_and_date() -> None:
    item = render.render_inline(hit("Isi kalimat.", words=("Isi",)))
    assert item.title == "Sumber <X> & Co, 14 Desember 2016"
    assert item.description == "Isi kalimat."
    assert len(item.id.encode()) <= 64
    assert "<b>Isi</b>" in item.message and visible(item.message)


def test_a_quote_says_which_words_of_the_question_it_lacks_but_not_where_it_is_shared() -> None:
    lacking = Hit(Sentence(1, "a1", 1, "HTS merebut Aleppo."), ARTICLE, 1.0, missing_words=("pemimpin",))
    answer = Answer("Siapa pemimpin HTS?", (lacking, hit("Kalimat lain.", sid=2)))
    shown = visible(render.render_answer(answer).text)
    assert shown.count("Tidak memuat: pemimpin") == 1
    assert "Missing: pemimpin" in visible(render.render_answer(answer, lang="en").text)
    assert "\n    Tidak memuat: pemimpin\n" in render.answer_text(answer)
    many = Hit(lacking.sentence, ARTICLE, 1.0, missing_words=("a", "b", "c", "d"))
    assert render.missing_words_text(many) == "Tidak memuat: a, b, c, …"
    pasted = Hit(lacking.sentence, ARTICLE, 1.0, missing_words=("x" * 5000,))
    assert len(render.missing_words_text(pasted)) < 60
    # An inline quote is a citation dropped into another chat: no word of the asker's.
    assert "pemimpin" not in render.render_inline(lacking).message


def test_plain_renderer_uses_the_same_wording() -> None:
    answer = Answer("q", (hit("Kalimat <satu>.", words=("Kalimat",)), hit("Dua.", article=APPROX, sid=2)))
    plain = render.answer_text(answer)
    assert "[1] \u201cKalimat <satu>.\u201d" in plain
    assert "Sumber <X> & Co, 14 Desember 2016" in plain
    assert "sumber tidak diketahui, sekitar 7 Desember 2016" in plain
    assert 'https://example.org/a?x=1&y="2"' in plain
    empty = render.answer_text(Answer("zzz"), catalogue=Catalogue.of([ARTICLE]))
    assert empty.startswith("Tidak ada kalimat di korpus yang menjawab \u201czzz\u201d.")
    assert visible(render.render_no_answer("zzz", Catalogue.of([ARTICLE]))).startswith(empty.split("\n")[0])


def test_flood_limiter_warns_once_then_drops_until_refilled() -> None:
    now = [0.0]
    limiter = FloodLimiter(3, clock=lambda: now[0])
    assert [limiter.check(1) for _ in range(3)] == [Verdict.ALLOW] * 3
    assert limiter.check(1) is Verdict.WARN
    assert limiter.check(1) is Verdict.DROP
    assert limiter.check(2) is Verdict.ALLOW  # others untouched
    now[0] += 20.0  # 3 per minute -> one token per 20 s
    assert limiter.check(1) is Verdict.ALLOW
    assert limiter.check(1) is Verdict.WARN


_any_text = st.text(min_size=0, max_size=3000)


@settings(max_examples=examples(60), deadline=None)
@given(
    sentences=st.lists(st.text(min_size=1, max_size=5000), min_size=1, max_size=4),
    title=_any_text,
    source=st.none() | _any_text,
    url=st.none() | st.text(max_size=300).map(lambda s: "https://x.id/" + s),
    words=st.lists(st.text(min_size=1, max_size=20), max_size=5),
    lang=st.sampled_from(["id", "en"]),
)
def test_every_rendered_message_is_valid_telegram_html_within_the_limit(
    sentences: list[str], title: str, source: str | None, url: str | None, words: list[str], lang: str
) -> None:
    article = Article(id="z", title=title, source=source, date=dt.date(2020, 2, 29), text="", url=url)
    hits = tuple(hit(s, article=article, sid=i, words=tuple(words)) for i, s in enumerate(sentences))
    rendered = render.render_answer(Answer("q" * 200, hits), lang=lang, k=3, offset=3, context_buttons=True, cache_key="k")
    messages = [
        rendered.text,
        render.render_no_answer(sentences[0], Catalogue.of([article]), lang=lang),
        render.render_context([h.sentence for h in hits], article, 0, lang=lang),
        render.render_inline(hits[0], lang=lang).message,
        render.render_sources(Catalogue.of([article] * 50), lang=lang),
    ]
    for message in messages:
        assert render.utf16_len(message) <= 4096
        parse_html(message)  # raises on anything Telegram would reject


# --- admin: /tambah and /status --------------------------------------------------------


def test_added_names_title_source_date_and_escapes() -> None:
    from ingest.pipeline import IngestOutcome

    html_text = render.render_added(IngestOutcome("https://x.test/a", "added", article=ARTICLE))
    shown, _ = parse_html(html_text)  # valid Telegram HTML
    assert 'Judul "A" & <B>' in shown and "Sumber <X> & Co, 14 Desember 2016" in shown
    problem = render.render_added(IngestOutcome("https://x.test/<b>", "problem", problem="not found (HTTP 404) <i>"))
    assert parse_html(problem)[0] == "Tidak bisa menambahkan https://x.test/<b>: not found (HTTP 404) <i>"
    updated = render.render_added(IngestOutcome("u", "updated", article=APPROX), lang="en")
    assert parse_html(updated)[0].startswith("Article updated") and "around 7 December 2016" in parse_html(updated)[0]


def test_status_shows_corpus_newest_feeds_and_index_times() -> None:
    from ingest.state import FeedState

    good = FeedState("https://good.test/rss", last_success=1_700_000_000.0)
    broken = FeedState("https://bad.test/<rss>", last_success=1_600_000_000.0, last_error="not found <404>",
                       last_error_at=1_700_000_100.0, failures=2, next_retry=1_700_001_000.0)
    recovered = FeedState("https://ok.test/rss", last_success=1_700_000_200.0, last_error="old",
                          last_error_at=1_700_000_100.0)
    built = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
    html_text = render.render_status(
        Catalogue.of([APPROX, ARTICLE]), sentences=12, built_at=built, extended_at=None,
        feeds=[good, broken, recovered], poll_seconds=900,
    )
    lines = parse_html(html_text)[0].splitlines()
    assert "Korpus: 2 artikel, 12 kalimat." in lines
    assert lines[lines.index("Artikel terbaru:") + 1] == ARTICLE.title  # 14 Dec is newer than 7 Dec
    assert "Indeks dibangun 2026-11-30 08:00:00 UTC; terakhir ditambah belum pernah." in lines
    (bad,) = [ln for ln in lines if "bad.test" in ln]
    assert "galat 2023-11-14 22:15:00 UTC: not found <404>" in bad and "dicoba lagi 2023-11-14 22:30:00 UTC" in bad
    (ok,) = [ln for ln in lines if "ok.test" in ln]
    assert "galat" not in ok and "berhasil" in ok  # an error older than the last success is over
    assert render.render_status(Catalogue(), sentences=0, built_at=None, extended_at=None, feeds=[], poll_seconds=900).endswith(
        "Tidak ada feed (FEEDS kosong)."
    )
