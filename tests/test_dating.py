"""What an article's date says of its sentences (`retrieval.dating`), and how search reads it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from retrieval.dating import date_words, may_be_date
from retrieval.records import Article
from retrieval.search import Engine


def test_a_date_says_its_year_and_month_names() -> None:
    assert date_words(dt.date(2016, 12, 14)) == ("2016", "desember", "december")
    assert date_words(dt.date(2015, 5, 1)) == ("2015", "mei", "may")
    assert date_words(dt.date(2015, 9, 30)) == ("2015", "september")
    # An approximate date ("sekitar Desember 2016") vouches for its year only.
    assert date_words(dt.date(2016, 12, 14), approximate=True) == ("2016",)
    assert date_words(None) == ()


def test_only_years_and_month_names_may_be_dates() -> None:
    assert may_be_date("2016") and may_be_date("1998") and may_be_date("desember") and may_be_date("march")
    assert not may_be_date("201") and not may_be_date("12") and not may_be_date("3000")
    assert not may_be_date("lavrov") and not may_be_date("jan")


def _article(article_id: str, text: str, date: dt.date | None) -> Article:
    return Article(id=article_id, title=f"Judul {article_id}", source="Sumber", date=date, text=text)


def _engine() -> Engine:
    return Engine.from_articles(
        [
            # A news story seldom repeats its own year.
            _article(
                "nusra",
                "Lavrov mengatakan AS melindungi kelompok al-Nusra di Aleppo. "
                "Menurut Lavrov, dialog dengan Washington tidak membuahkan hasil.",
                dt.date(2016, 12, 14),
            ),
            _article("minyak", "Harga minyak dunia naik tajam pekan ini. Pasokan terganggu.", dt.date(2020, 1, 2)),
            _article("jembatan", "Presiden meresmikan jembatan baru di Surabaya. Warga menyambutnya.", None),
        ]
    )


def test_a_question_naming_its_storys_year_or_month_is_answered() -> None:
    engine = _engine()
    for question in (
        "Apa kata Lavrov soal al-Nusra pada 2016?",
        "Apa kata Lavrov soal al-Nusra pada Desember 2016?",
        "What did Lavrov say about al-Nusra in December 2016?",
    ):
        answer = engine.search(question)
        assert answer.answered, question
        assert answer.hits[0].article.id == "nusra" and answer.hits[0].missing_words == ()
    # Read without the dates, the year is a word no sentence holds.
    blind = engine.tuned(dataclasses.replace(engine.tuning, article_dates=False))
    assert not blind.search("Apa kata Lavrov soal al-Nusra pada Desember 2016?").answered


def test_an_undated_article_holds_no_year() -> None:
    engine = _engine()
    assert engine._measurer.date_terms(engine.sentence_at("jembatan", 0).sid) == frozenset()
    assert engine._measurer.date_terms(engine.sentence_at("nusra", 0).sid) >= {"2016", "desember"}


def test_a_year_no_story_is_dated_in_nor_writes_is_not_answered() -> None:
    engine = Engine.from_articles(
        [
            *_engine().articles,
            # Dated 2016, and writes a year of its own.
            _article(
                "perang",
                "Perang saudara di Suriah sudah berlangsung sejak 2011. Lavrov menyebut al-Nusra sebagai teroris.",
                dt.date(2016, 3, 1),
            ),
            # Another story writes the year asked, so it is a word of the corpus.
            _article("pemilu", "Pemilu berikutnya digelar pada 2021. Partai-partai mulai berkampanye.", dt.date(2019, 5, 2)),
        ]
    )
    answer = engine.search("Apa kata Lavrov soal al-Nusra pada 2021?")
    assert not answer.answered and answer.missing == ("2021",)
    # The closest are shown as not an answer, the story on al-Nusra first.
    assert answer.closest and answer.closest[0].article.id in ("nusra", "perang")
    # A year the story writes keeps it on topic, though it is dated otherwise.
    written = engine.search("Apa kata Lavrov soal perang di Suriah sejak 2011?")
    assert written.answered and written.hits[0].article.id == "perang"
    # Without the dates, a story of 2016 was quoted as the answer.
    blind = engine.tuned(dataclasses.replace(engine.tuning, article_dates=False))
    quoted = blind.search("Apa kata Lavrov soal al-Nusra pada 2021?")
    assert quoted.answered and quoted.hits[0].article.date.year == 2016


def test_an_undated_article_stays_on_a_years_topic() -> None:
    engine = _engine()
    query = engine.read("Presiden meresmikan jembatan di Surabaya pada 2021?")
    measured = engine.measured(query, pool=30, full=False)
    assert measured.years == ("2021",) and measured.years_in_article is not None
    by_article = {engine.sentence(sid).article_id: bool(row.all()) for sid, row in zip(measured.sids, measured.years_in_article)}
    assert by_article["jembatan"] and not by_article.get("minyak", False)
