from __future__ import annotations

import dataclasses

import pytest

from retrieval.namesakes import namesake_named
from retrieval.records import Article
from retrieval.search import Engine, default_analyzer
from retrieval.stemming import is_root_word

_KATE = (
    "Kate Middleton lahir di Royal Berkshire Hospital, Reading, sebagai anak tertua dari tiga bersaudara. "
    "Ayahnya, Michael Francis Middleton, adalah mantan pramugara. Middleton bersekolah di St Andrews."
)


def _named(name: str, text: str) -> bool:
    analyzer = default_analyzer()
    needed = tuple(frozenset(analyzer.terms(word)) for word in name.split())
    article = frozenset(term for word in analyzer.words(text) for term in analyzer.terms(word))
    return namesake_named(name, needed, article, text, common=is_root_word)


def test_a_family_name_after_another_given_name_names_a_namesake() -> None:
    assert _named("Gichin Francis", _KATE)
    assert _named("Brent Rutherford", "Fisikawan Ernest Rutherford lahir di Brightwater, Selandia Baru, pada 1871.")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # The person asked, named whole.
        ("Kate Middleton", _KATE),
        # The subject called by the family name alone, beside a relative's full name.
        ("Deepika Padukone", "Padukone lahir di Kopenhagen. Ayahnya, Prakash Padukone, adalah pemain bulu tangkis."),
        # A kind of thing, not a given name: "Kepulauan" is a common word.
        ("Kepulauan Krakatau", "Festival Krakatau digelar tiap tahun di Lampung."),
        # A title, a sentence's first word or an acronym before the family name.
        ("Joko Widodo", "Para menteri bertemu Presiden Widodo di Jakarta."),
        ("Rolf Soiron", "Bertuturlah Soiron tentang masa kecilnya di Swiss."),
        ("KRI Rangsang", "Kapal Indonesia Rangsang berlayar ke utara."),
        # The first word held: the article may name the person.
        ("Francis Middleton", _KATE),
    ],
)
def test_what_names_no_namesake(name: str, text: str) -> None:
    assert not _named(name, text)


def test_a_question_about_a_namesake_is_declined_naming_the_person() -> None:
    kate = Article(id="kate", title="Kate Middleton", source=None, date=None, text=_KATE)
    # The corpus knows the given name from another story, so it is no unknown name.
    karate = Article(
        id="karate", title="Karate", source=None, date=None, text="Gichin Funakoshi mendirikan karate Shotokan di Tokyo."
    )
    engine = Engine.from_articles([kate, karate])
    answer = engine.search("Kapan Gichin Francis lahir?")
    assert not answer.answered and answer.missing == ("Gichin Francis",) and answer.closest
    assert engine.search("Di mana Kate Middleton lahir?").answered
    # Off, the sentence on Kate's birth passes for Gichin Francis's.
    untuned = engine.tuned(dataclasses.replace(engine.tuning, namesakes=False))
    assert untuned.search("Kapan Gichin Francis lahir?").answered
