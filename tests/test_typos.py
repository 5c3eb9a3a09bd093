from __future__ import annotations

import datetime as dt

import pytest

from retrieval.records import Article
from retrieval.search import Engine
from retrieval.typos import edits, misspelt_question_word, respelt


@pytest.mark.parametrize("word", ["berapkah", "aoakah", "dimnakah", "bagaimankah", "kapna", "mengpa", "siappakah"])
def test_a_question_word_one_letter_off_is_a_misspelt_question_word(word: str) -> None:
    assert misspelt_question_word(word)


@pytest.mark.parametrize("word", ["kepala", "jerman", "gunung", "apa", "ibu", "berapa2"])
def test_a_content_word_or_a_short_one_is_not(word: str) -> None:
    assert not misspelt_question_word(word)


def test_edits_without_substitution_never_replace_a_letter() -> None:
    assert "pertama" in set(edits("petama", substitute=False))  # insertion
    assert "susun" in set(edits("suusn", substitute=False)) or "susun" in set(edits("ssuun", substitute=False))
    assert "mikro" not in set(edits("makro", substitute=False))
    assert "mikro" in set(edits("makro", substitute=True))


def test_respelt_picks_the_most_frequent_known_term_one_letter_off() -> None:
    counts = {"percaya": 40, "genggam": 7, "pertama": 90, "pertamax": 2}
    assert respelt("percya", lambda t: counts.get(t, 0)) == "percaya"
    assert respelt("petama", lambda t: counts.get(t, 0)) == "pertama"
    # A replaced letter is another word, not a typo; short words are left alone.
    assert respelt("gengnam", lambda t: counts.get(t, 0)) is None
    assert respelt("perca", lambda t: {"percaya": 1}.get(t, 0)) is None
    assert respelt("kawal", lambda t: {"awal": 9}.get(t, 0)) is None  # nothing shorter than five letters
    assert respelt("zorblat", lambda t: counts.get(t, 0)) is None


def _article(article_id: str, text: str) -> Article:
    return Article(id=article_id, title=article_id, source="Sumber", date=dt.date(2021, 3, 1), text=text)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_articles(
        [
            _article("danau", "Danau Toba terbentuk dari letusan gunung api purba. Luas danau itu sekitar 1.130 km²."),
            _article("kopi", "Kopi Gayo ditanam di dataran tinggi Aceh. Petani memetik buahnya setiap musim."),
            _article("pesawat", "Komputer mikro mulai dikembangkan pada tahun 1970-an oleh beberapa perusahaan."),
        ]
    )


def test_a_misspelt_question_word_is_no_thing_the_question_names(engine: Engine) -> None:
    asked = engine.read("Berapkah luas Danau Toba?")
    assert all(terms == () for word, terms in asked.words if word == "Berapkah")
    answer = engine.search("Berapkah luas Danau Toba?")
    assert answer.answered and "1.130" in answer.hits[0].sentence.text


def test_a_content_word_one_letter_off_a_corpus_word_reads_as_it(engine: Engine) -> None:
    asked = "Kopi apa yang dipetik petani setiap musiim?"
    assert "musim" in engine.read(asked).terms
    answer = engine.search(asked)
    assert answer.answered and answer.hits[0].article.id == "kopi"


def test_a_word_a_letter_replaced_keeps_its_own_spelling(engine: Engine) -> None:
    asked = engine.read("Kapan komputer makro mulai dikembangkan?")
    assert "makro" in asked.terms and "mikro" not in asked.terms


def test_a_name_or_a_dictionary_word_is_no_typo(engine: Engine) -> None:
    # "Tobaa" is a name the corpus may spell otherwise; "tingi" (a tree) a word it lacks.
    assert "toba" not in engine.read("Di mana Tobaa?").terms
    assert "tinggi" not in engine.read("Di mana kopi dataran tingi?").terms


def test_a_dictionary_word_one_letter_off_a_question_word_is_the_word(engine: Engine) -> None:
    # "kapal" is one letter off "kapan", "mata" off "mana": over a corpus that never uses
    # them they are what the question asks about, not a misspelt question word.
    asked = engine.read("Berapa banyak kapal di Danau Toba?")
    assert [terms for word, terms in asked.words if word == "kapal"] == [("kapal",)]
    assert "mata" in engine.read("Apa mata uang di Aceh?").terms
