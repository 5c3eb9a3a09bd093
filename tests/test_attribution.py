"""Attributions to a source the corpus holds (retrieval/attribution.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from retrieval.attribution import SourceNames, without_attribution
from retrieval.records import Article
from retrieval.search import Engine

SOURCES = SourceNames.of(
    ["Associated Press (terjemahan)", "Kiblat.net (sumber: Al-Jazeera)", "Russia Beyond (Rossiyskaya Gazeta)", None]
)


def test_a_source_is_known_by_its_name_initials_and_the_names_in_its_parentheses() -> None:
    for name in ("Associated Press", "AP", "Kiblat.net", "Kiblat", "Al-Jazeera", "Rossiyskaya Gazeta", "Russia  Beyond"):
        assert name in SOURCES, name
    # A note in parentheses names nothing; a one-word source has no initials.
    assert "terjemahan" not in SOURCES and "K" not in SOURCES and "Reuters" not in SOURCES


@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("Berapa pengungsi Suriah menurut AP?", "Berapa pengungsi Suriah?"),
        ("How many refugees were there according to the AP piece?", "How many refugees were there?"),
        ("Menurut Russia Beyond, di mana mereka bertemu?", "di mana mereka bertemu?"),
        # Not a source of the corpus: a thing the question names, left for the names rule.
        ("Berapa pengungsi Suriah menurut Reuters?", "Berapa pengungsi Suriah menurut Reuters?"),
        # A source the corpus's text writes ("Kiblat") is a name its articles hold.
        ("Apa kata Kiblat soal Aleppo?", "Apa kata Kiblat soal Aleppo?"),
    ],
)
def test_an_attribution_to_a_source_the_text_never_names_is_read_out(question: str, read: str) -> None:
    assert without_attribution(question, unknown=lambda name: name != "Kiblat", sources=lambda: SOURCES) == read


def test_the_sources_are_read_only_for_a_name_the_corpus_never_writes() -> None:
    asked: list[bool] = []

    def sources() -> SourceNames:
        asked.append(True)
        return SOURCES

    assert without_attribution("Menurut Lavrov, siapa yang diundang?", unknown=lambda _name: False, sources=sources)
    assert asked == []


def test_a_question_citing_the_source_is_answered_from_the_corpus() -> None:
    refugees = Article(
        id="ap", title="Rusia undang oposisi", source="Associated Press (terjemahan)", date=dt.date(2015, 8, 5),
        text="Perang saudara Suriah menewaskan 250.000 orang. Lebih dari 4 juta orang menjadi pengungsi.",
    )
    bridge = Article(
        id="jembatan", title="Jembatan", source="Sumber", date=dt.date(2015, 8, 6),
        text="Presiden meresmikan jembatan baru di Surabaya. Warga menyambutnya.",
    )
    engine = Engine.from_articles([refugees, bridge])
    answer = engine.search("Berapa orang menjadi pengungsi perang Suriah menurut AP?")
    assert answer.answered and "4 juta" in answer.hits[0].sentence.text
    assert answer.query == "Berapa orang menjadi pengungsi perang Suriah menurut AP?"
    # Another outlet is something the corpus holds nothing about.
    other = engine.search("Berapa orang menjadi pengungsi perang Suriah menurut Reuters?")
    assert not other.answered and other.missing == ("Reuters",)
