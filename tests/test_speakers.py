from __future__ import annotations

import pytest

from config.settings import BUNDLED_CORPUS
from retrieval.corpus import load_corpus
from retrieval.search import Engine
from retrieval.speakers import Speaker, asked_speaker, quotes

_NAME_FIRST = frozenset({"mengatakan", "menegaskan", "memuji"})
_VERB_FIRST = frozenset({"kata", "ujar"})


@pytest.mark.parametrize(
    ("question", "name", "words"),
    [
        ("Apa kata John Kerry tentang Aleppo?", "John Kerry", ("john", "kerry")),
        ("Apa yang dikatakan oleh Moaz Al-Khatib di Qatar?", "Moaz Al-Khatib", ("moaz", "al-khatib")),
        ("What did Kerry tell Lavrov in Kuala Lumpur?", "Kerry", ("kerry",)),
        ("What does Lavrov claim happened in Palmyra?", "Lavrov", ("lavrov",)),
        ("Lavrov mengatakan apa tentang rudal Korea Utara?", "Lavrov", ("lavrov",)),
        ("Apa komentar Bogdanov soal HTS?", "Bogdanov", ("bogdanov",)),
        # A response is words too.
        ("Bagaimana tanggapan Washington atas tuduhan Lavrov?", "Washington", ("washington",)),
        ("How did Washington respond to Lavrov's claim?", "Washington", ("washington",)),
    ],
)
def test_the_speaker_a_question_asks_for(question: str, name: str, words: tuple[str, ...]) -> None:
    assert asked_speaker(question) == Speaker(name, words)


@pytest.mark.parametrize(
    "question",
    [
        # What a group or a lower-case (chat) name said, and questions that ask no one's words.
        "Apa kata oposisi Suriah soal negosiasi?",
        "apa kata lavrov soal aleppo",
        "Apa yang dibahas Lavrov dan Kerry?",
        "What did the rebel fighters say?",
    ],
)
def test_a_question_that_asks_no_named_persons_words(question: str) -> None:
    assert asked_speaker(question) is None


def test_a_name_quoted_stands_by_a_verb_of_saying() -> None:
    def quoted(text: str, speaker: tuple[str, ...]) -> bool:
        return quotes(text, speaker, name_first=_NAME_FIRST, verb_first=_VERB_FIRST)

    assert quoted("Lavrov juga mengatakan bahwa AS enggan.", ("lavrov",))
    assert quoted("“Ini sesuai prinsip kami,” ujar sang penasihat, Walid Phares.", ("walid", "phares"))
    # A city for its government, a few words before the ministry that speaks for it.
    assert quoted("Dari Damaskus, Departemen Luar Negeri Suriah memuji sikap Rusia.", ("damaskus",))
    # Named beside someone else's words, not quoted: the object of `mengatakan`, or before `kata`.
    assert not quoted("Lavrov mengatakan kepada John Kerry bahwa dialog berlanjut.", ("john", "kerry"))
    assert not quoted("Lavrov bertemu John Kerry, kata juru bicara kementerian.", ("john", "kerry"))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)


def test_what_someone_never_quoted_said_is_declined(engine: Engine) -> None:
    # The stories say Lavrov met Kerry in Kuala Lumpur, and quote Lavrov, never Kerry.
    kerry = engine.search("What did John Kerry say after meeting Lavrov in Kuala Lumpur?")
    assert not kerry.answered and kerry.unquoted == "John Kerry" and kerry.missing == ()
    # The closest sentence is shown, as not an answer.
    assert kerry.closest and "Kerry" in kerry.closest[0].sentence.text
    assert engine.search("What did Lavrov say about humanitarian corridors for civilians in Aleppo?").answered
