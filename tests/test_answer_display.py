"""What a user sees of an answer: one pair of quotation marks, and a decline that says
what the corpus lacks with the closest sentence marked as not an answer."""

from __future__ import annotations

import datetime as dt

from bot import render
from retrieval.records import Answer, Article, Hit, Sentence
from tests.botapi import parse_html

ARTICLE = Article(id="a", title="Judul", source="Sumber & Co", date=dt.date(2016, 12, 14), text="")


def hit(text: str, *, sid: int = 1) -> Hit:
    return Hit(Sentence(sid, ARTICLE.id, sid, text), ARTICLE, 1.0)


def test_a_sentence_that_is_one_quotation_gets_one_pair_of_marks() -> None:
    plain = render.answer_text(Answer("q", (hit("\u201cSetiap minggu, kami bertemu.\u201d"), hit("Dia datang.", sid=2))))
    assert "[1] \u201cSetiap minggu, kami bertemu.\u201d\n" in plain
    assert "\u201c\u201c" not in plain and "\u201d\u201d" not in plain
    assert "[2] \u201cDia datang.\u201d" in plain
    # A quotation followed by its speaker is wrapped, its own marks nested as single ones.
    spoken = render.answer_text(Answer("q", (hit("\u201cKami siap,\u201d kata Lavrov."),)))
    assert "[1] \u201c\u2018Kami siap,\u2019 kata Lavrov.\u201d" in spoken


def test_quotation_marks_of_a_sentence_nest_inside_the_outer_pair() -> None:
    cases = {
        # the corpus's straight marks: a quotation the sentence cuts keeps its one opening mark
        '"Tak seperti di Suriah, tak ada yang meminta.': "\u201c\u2018Tak seperti di Suriah, tak ada yang meminta.\u201d",
        'Itu terjadi di Palmyra (Tadmur)," kata Lavrov.': "\u201cItu terjadi di Palmyra (Tadmur),\u2019 kata Lavrov.\u201d",
        'Dia menyebut "gencatan senjata" sebagai jeda.': "\u201cDia menyebut \u2018gencatan senjata\u2019 sebagai jeda.\u201d",
        '"Kami siap," kata dia, "untuk berunding."': "\u201c\u2018Kami siap,\u2019 kata dia, \u2018untuk berunding.\u2019\u201d",
        '"Kami siap berunding."': '"Kami siap berunding."',
        "Tanpa tanda kutip.": "\u201cTanpa tanda kutip.\u201d",
        "Apa yang disebut 'jeda' itu.": "\u201cApa yang disebut 'jeda' itu.\u201d",
    }
    for sentence, shown in cases.items():
        assert render.quoted_plain(sentence) == shown, sentence
        assert "\u201c\u201c" not in shown and '\u201c"' not in shown


def test_a_decline_names_what_is_missing_and_marks_the_closest_as_no_answer() -> None:
    answer = Answer("Apa kata Lavrov tentang Korea Utara?", missing=("Korea Utara",), closest=(hit("Lavrov <bicara> Suriah."),))
    assert not answer.answered
    shown, _entities = parse_html(render.render_not_about(answer))
    assert "tidak menyebut Korea Utara" in shown
    assert "Kalimat terdekat (bukan jawaban):" in shown
    assert "Lavrov <bicara> Suriah." in shown and "Sumber & Co" in shown
    assert "<i>Korea Utara</i>" in render.render_not_about(answer)
    english, _ = parse_html(render.render_not_about(answer, lang="en"))
    assert "do not mention Korea Utara" in english and "(not an answer)" in english
    plain = render.answer_text(answer)
    assert "tidak menyebut Korea Utara" in plain and "bukan jawaban" in plain and "[1]" not in plain
    # Nothing close enough: only the sentence about what is missing.
    bare, _ = parse_html(render.render_not_about(Answer("q", missing=("Korea Utara", "1852"))))
    assert "Korea Utara dan 1852" in bare and "bukan jawaban" not in bare


def test_a_decline_for_words_nobody_quoted_names_the_speaker() -> None:
    answer = Answer(
        "What did John Kerry say in Kuala Lumpur?", closest=(hit("Lavrov bertemu Kerry di Kuala Lumpur."),),
        unquoted="John Kerry",
    )
    assert not answer.answered
    shown, _entities = parse_html(render.render_not_quoted(answer))
    assert "Tidak ada artikel di korpus yang mengutip John Kerry" in shown
    assert "Kalimat terdekat (bukan jawaban):" in shown and "Lavrov bertemu Kerry" in shown
    assert "<i>John Kerry</i>" in render.render_not_quoted(answer)
    english, _ = parse_html(render.render_not_quoted(answer, lang="en"))
    assert "No article in the corpus quotes John Kerry" in english
    plain = render.answer_text(answer)
    assert "mengutip John Kerry" in plain and "bukan jawaban" in plain and "[1]" not in plain
