"""English questions over an Indonesian corpus (retrieval/english.py) and the generator of
their word list (benchmarks/wordnet_lexicon.py --english)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from retrieval import english
from retrieval.english import BUNDLED_ENGLISH, EnglishWords, EnglishWordsError
from retrieval.langfiles import BUNDLED_LANGUAGE_DATA
from retrieval.records import Article
from retrieval.search import Engine


@pytest.fixture(scope="module")
def stop() -> english.StopWords:
    return english.stop_words(BUNDLED_LANGUAGE_DATA)


@pytest.mark.parametrize(
    ("question", "is_english"),
    [
        ("Where are Russian and US diplomats continuing their talks?", True),
        ("Who is Badr Jamus?", True),
        ("Siapa yang diundang Rusia ke Moskow?", False),
        # Indonesian questions naming an English title.
        ("Kapan Fly to the Sky mulai debut?", False),
        ("Siapa pengarang buku The Clash of Civilizations?", False),
        ("Moskow", False),
        # "per" is a stop word of both: it tells neither language.
        ("In which countries, per Lavrov, did nobody demand a ceasefire?", True),
        ("Berapa harga per liter bensin di Jakarta?", False),
    ],
)
def test_a_question_is_english_by_its_stop_words(stop: english.StopWords, question: str, is_english: bool) -> None:
    assert stop.asks_in_english(question) is is_english


def test_inflected_and_irregular_forms_find_their_lemma(tmp_path: Path) -> None:
    path = tmp_path / "english.txt"
    path.write_text("# a comment\ninvite mengundang mengajak\nlead memimpin\ntalks perundingan\nled = lead\n", encoding="utf-8")
    words = EnglishWords.read(path)
    assert words.indonesian("Invited") == ("mengundang", "mengajak")
    assert words.indonesian("led") == ("memimpin",)
    assert words.indonesian("talks") == ("perundingan",)  # a lemma as written comes first
    assert words.indonesian("zorblat") == ()


def test_a_lemma_that_is_also_an_irregular_form_keeps_its_own_words_first(tmp_path: Path) -> None:
    # WordNet lists `offer` as the comparative of `off` too: read only as `off`, "What did
    # Putin's initiative offer?" asked for "menghentikan" and was declined as an undoing.
    path = tmp_path / "english.txt"
    path.write_text("offer menawarkan tawaran\noff mematikan menghentikan\noffer = off\n", encoding="utf-8")
    assert EnglishWords.read(path).indonesian("offer") == ("menawarkan", "tawaran", "mematikan", "menghentikan")
    bundled = english.at(BUNDLED_ENGLISH.parent)
    assert bundled is not None and "menawarkan" in bundled.indonesian("offer")


@pytest.mark.parametrize("line", ["invite", "led = ", "led = lead = x", "1945 tahun"])
def test_a_malformed_line_is_refused_naming_the_file_and_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "english.txt"
    path.write_text(f"invite mengundang\n{line}\n", encoding="utf-8")
    with pytest.raises(EnglishWordsError, match=r"english\.txt:2: "):
        EnglishWords.read(path)


def test_the_bundled_list_reads_english_news_words_in_indonesian() -> None:
    words = english.at(BUNDLED_ENGLISH.parent)
    assert words is not None
    assert "mengundang" in words.indonesian("invited")
    assert "diplomat" in words.indonesian("diplomats")
    assert "rundingan" in words.indonesian("talks")


def test_news_words_the_first_wordnet_senses_miss_are_added_to_them(tmp_path: Path) -> None:
    # WordNet's first senses of "lead" are "mendahului", "memandu"...; a news story says "memimpin".
    (tmp_path / "english.txt").write_text("lead mendahului memandu\nled = lead\ndecided nyata\n", encoding="utf-8")
    (tmp_path / "english-news.txt").write_text("lead memimpin\nofficial pejabat\ndecide memutuskan\n", encoding="utf-8")
    words = english.at(tmp_path)
    assert words is not None
    assert words.indonesian("led") == ("mendahului", "memandu", "memimpin")
    # WordNet lists "decided" as an adjective of its own, read before any lemma it may come from.
    assert words.indonesian("decided") == ("nyata", "memutuskan")
    assert words.indonesian("officials") == ("pejabat",)
    bundled = english.at(BUNDLED_ENGLISH.parent)
    assert bundled is not None and "pejabat" in bundled.indonesian("officials")
    assert "memimpin" in bundled.indonesian("led") and "faksi" in bundled.indonesian("factions")
    # synonyms.txt matches only the forms it writes out ("ceasefire"); this list every inflection.
    assert "gencatan" in bundled.indonesian("ceasefires")


def _engine() -> Engine:
    return Engine.from_articles(
        [
            Article(
                id="jenewa", title="Jenewa", source="Sumber", date=dt.date(2017, 2, 7),
                text="Diplomat Rusia dan AS melanjutkan perundingan di Jenewa. Cuaca di kota itu dingin.",
            ),
            Article(
                id="moskow", title="Moskow", source="Sumber", date=dt.date(2015, 8, 5),
                text="Rusia mengundang oposisi ke Moskow. Harga gandum di Moskow naik.",
            ),
        ]
    )


def test_an_english_question_finds_the_indonesian_sentence() -> None:
    engine = _engine()
    answer = engine.search("Where do the diplomats continue their talks?")
    assert answer.answered and answer.hits[0].sentence.text.startswith("Diplomat Rusia")
    answer = engine.search("Who was invited to Moscow by Russia?")
    assert answer.answered and answer.hits[0].sentence.text.startswith("Rusia mengundang")


def test_news_words_find_a_sentence_that_shares_no_wordnet_sense_with_the_question() -> None:
    # WordNet reads "resident" as "penduduk", "penghuni"; a news story writes "warga".
    # Every sentence names Aleppo Timur; only one says what its residents did.
    engine = Engine.from_articles(
        [
            Article(
                id="aleppo", title="Aleppo", source="Sumber", date=dt.date(2016, 12, 7),
                text="Pasukan pemerintah Suriah terus maju di Aleppo Timur. "
                "Listrik di Aleppo Timur padam sejak pekan lalu. "
                "Warga Aleppo Timur mengungsi ke barat kota. "
                "Oposisi bersumpah bertahan di Aleppo Timur sampai akhir.",
            ),
        ]
    )
    answer = engine.search("Where did the residents of East Aleppo go?")
    assert answer.answered and answer.hits[0].sentence.text.startswith("Warga Aleppo Timur")


def test_an_english_word_that_is_only_a_function_word_in_indonesian_asks_for_nothing() -> None:
    # `according` is `menurut`, `every` is `setiap`: Indonesian stop words. Read as unknown
    # English terms they weighed like the rarest words and were listed as missing.
    engine = _engine()
    question = "According to Russia, who was invited to Moscow?"
    asked = engine.read(question)
    # No coverage unit (the answer floor, the abstention signals) and no listable word;
    # BM25 never finds the term in an Indonesian index either way.
    assert all("according" not in u.terms for u in asked.units)
    assert dict(asked.words)["According"] == ()
    assert any("invited" in u.terms for u in asked.units)  # a content word keeps its own term
    answer = engine.search(question)
    assert answer.answered and "According" not in answer.hits[0].missing_words


def test_an_indonesian_question_is_read_as_written() -> None:
    engine = _engine()
    asked = engine.read("Apakah the talks dilanjutkan?")  # an Indonesian stop word: not English
    assert "runding" not in asked.terms


def test_the_generator_writes_each_lemmas_first_senses_and_irregular_forms(tmp_path: Path) -> None:
    from benchmarks.wordnet_lexicon import main

    tab = tmp_path / "wn-data-ind.tab"
    tab.write_text(
        "00000001-v\tind:lemma\tmemimpin\n00000002-n\tind:lemma\tplumbum\n00000003-v\tind:lemma\tmemandu\n"
        "00000004-v\tind:lemma\tmembawa\n00000005-n\tind:lemma\tpemimpin\n",
        encoding="utf-8",
    )
    pwn = tmp_path / "pwn"
    pwn.mkdir()
    licence = "  1 This software and database is being provided to you\n"
    # `lead` v: senses 00000001, 00000099 (no Indonesian lemma), 00000003, 00000004: the
    # first two with lemmas are kept. `leader_board` is a collocation.
    (pwn / "index.verb").write_text(licence + "lead v 4 1 @ 4 2 00000001 00000099 00000003 00000004  \n", encoding="latin-1")
    (pwn / "index.noun").write_text(
        licence + "lead n 1 0 1 0 00000002  \nleader n 1 0 1 0 00000005  \nleader_board n 1 0 1 0 00000005  \n",
        encoding="latin-1",
    )
    for name in ("adj", "adv"):
        (pwn / f"index.{name}").write_text(licence, encoding="latin-1")
    (pwn / "verb.exc").write_text("led lead\nzapped zap\n", encoding="latin-1")
    for name in ("noun", "adj", "adv"):
        (pwn / f"{name}.exc").write_text("", encoding="latin-1")
    out = tmp_path / "wordnet-bahasa.txt"
    assert main([str(tab), "--out", str(out), "--english", str(pwn)]) == 0
    lines = [line for line in (tmp_path / "english.txt").read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines == ["lead plumbum memimpin memandu", "leader pemimpin", "led = lead"]
    assert EnglishWords.read(tmp_path / "english.txt").indonesian("led") == ("plumbum", "memimpin", "memandu")
