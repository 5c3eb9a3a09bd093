"""Acronyms the corpus defines: inside the article (index side) and across articles (query side)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from retrieval.acronyms import ArticleAcronyms, CorpusAcronyms, spelled_out
from retrieval.records import Article
from retrieval.search import Engine, default_analyzer
from retrieval.store import open_engine

_STORY = (
    "Taman Lumut di Kebun Raya Cibodas (KRC) akan selesai tahun ini. "
    "KRC didirikan tanggal 11 April 1852 oleh Teysmann. "
    "Badan Pengkajian dan Penerapan Teknologi (BPPT) ikut meneliti lumut di sana. "
    "Para peneliti Badan Pengkajian dan Penerapan Teknologi memetakan 200 jenis lumut."
)
_OTHER = "Kebun binatang di Surabaya menambah koleksi satwa. Pengunjung ramai pada hari libur raya."
# Uses the acronym without defining it, next to a sentence that shares the question's other words.
_ELSEWHERE = "KRC menanam 500 pohon langka tahun ini. Petugas merawat taman di sana."
_DISTRACTOR = "Kebun binatang Ragunan menanam 300 pohon peneduh."
_CROSS_QUESTION = "Berapa pohon yang ditanam Kebun Raya Cibodas?"


def _article(article_id: str, text: str) -> Article:
    return Article(id=article_id, title=f"Judul {article_id}", source="Sumber", date=dt.date(2020, 1, 1), text=text)


def test_definitions_are_read_from_the_initials() -> None:
    extra = " Menurut Kepala Dinas (Kadis) Budi, lumut tumbuh. Sabtu Esok Nanti Ia Naik (Senin)."
    acronyms = ArticleAcronyms.find(_STORY + extra, default_analyzer())
    found = {pair.acronym.pattern: pair.long_terms for pair in acronyms.pairs}
    # KRC and BPPT ("dan" skipped); "Kadis" is not spelled by initials, "(Senin)" is a word.
    assert len(found) == 2
    assert ("kebun", "raya", "cibodas") in found.values()
    assert ("badan", "kaji", "terap", "teknologi") in found.values()


def test_bundled_abbreviations_are_left_to_the_language_data() -> None:
    # AS and Amerika Serikat already share a concept term.
    assert ArticleAcronyms.find("Presiden Amerika Serikat (AS) tiba.", default_analyzer()).pairs == ()


def test_a_sentence_in_one_form_gains_the_other_form() -> None:
    analyzer = default_analyzer()
    acronyms = ArticleAcronyms.find(_STORY, analyzer)
    short = "KRC didirikan tanggal 11 April 1852 oleh Teysmann."
    assert {"kebun", "raya", "cibodas"} <= set(acronyms.extend(short, analyzer.terms(short)))
    long = "Para peneliti Badan Pengkajian dan Penerapan Teknologi memetakan 200 jenis lumut."
    assert "bppt" in acronyms.extend(long, analyzer.terms(long))
    both = "Taman Lumut di Kebun Raya Cibodas (KRC) akan selesai tahun ini."
    assert acronyms.extend(both, analyzer.terms(both)) == analyzer.terms(both)


def test_questions_find_the_other_form_inside_the_article() -> None:
    engine = Engine.from_articles([_article("krc", _STORY), _article("zoo", _OTHER)])
    assert "1852" in engine.search("Kapan Kebun Raya Cibodas didirikan?", k=1).hits[0].sentence.text
    assert "200 jenis" in engine.search("Berapa jenis lumut yang dipetakan BPPT?", k=1).hits[0].sentence.text


def test_the_corpus_table_keeps_acronyms_with_one_long_form() -> None:
    analyzer = default_analyzer()
    texts = (_STORY, "Partai Amanat Nasional (PAN) menang.", "Pusat Arsip Nasional (PAN) dibuka.")
    table = CorpusAcronyms(ArticleAcronyms.find(text, analyzer) for text in texts)
    assert len(table) == 2  # KRC and BPPT; PAN is spelled out two ways


def test_a_question_in_one_form_also_asks_for_the_other() -> None:
    analyzer = default_analyzer()
    table = CorpusAcronyms([ArticleAcronyms.find(_STORY, analyzer)])

    words, added = table.expand(_CROSS_QUESTION, analyzer.word_terms(_CROSS_QUESTION))
    assert added == ["krc"]
    assert [word for word, terms in words if "krc" in terms] == ["Kebun", "Raya", "Cibodas"]

    question = "Siapa pendiri KRC?"
    words, added = table.expand(question, analyzer.word_terms(question))
    assert added == ["kebun", "raya", "cibodas"]
    assert dict(words)["KRC"] == ("krc", "kebun", "raya", "cibodas")

    both = "Berapa luas Kebun Raya Cibodas (KRC)?"
    assert table.expand(both, analyzer.word_terms(both)) == (analyzer.word_terms(both), [])
    lower = "siapa pendiri krc?"  # an acronym is matched as written, like the article's own
    assert table.expand(lower, analyzer.word_terms(lower))[1] == []


def test_an_acronym_defined_in_one_article_answers_in_another() -> None:
    articles = [_article("krc", _STORY), _article("tanam", _ELSEWHERE), _article("zoo", _DISTRACTOR)]
    engine = Engine.from_articles(articles)
    assert engine.search(_CROSS_QUESTION, k=1).hits[0].sentence.text.startswith("KRC menanam 500 pohon")
    # The same index without the corpus table answers from the zoo: the table is what finds it.
    without = Engine(
        articles=engine.articles,
        sentences=[engine.sentence(sid) for sid in range(engine.sentence_count)],
        index=engine._index,
        analyzer=engine.analyzer,
        fingerprint=engine.fingerprint,
        acronyms=CorpusAcronyms(()),
    )
    assert without.search(_CROSS_QUESTION, k=1).hits[0].article.id == "zoo"


def test_a_persisted_index_holds_the_same_terms(tmp_path: Path) -> None:
    articles = [_article("krc", _STORY), _article("zoo", _OTHER), _article("tanam", _ELSEWHERE)]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({"id": a.id, "title": a.title, "source": a.source, "date": "2020-01-01", "url": None,
                        "text": a.text}) + "\n"
            for a in articles
        ),
        encoding="utf-8",
    )
    opened = open_engine(corpus, index_dir=tmp_path / "index")
    fresh = Engine.from_articles(articles)
    assert opened.engine.sentence_count == fresh.sentence_count
    for sid in range(fresh.sentence_count):
        assert opened.engine._index.doc_terms(sid) == fresh._index.doc_terms(sid)
    # A warm start reads the corpus table again from the parsed articles.
    reopened = open_engine(corpus, index_dir=tmp_path / "index")
    assert reopened.build == "loaded"
    # Read back from the index, not found in the text again, and the same.
    assert [a.definitions() for a in reopened.built.acronyms] == [a.definitions() for a in opened.built.acronyms]
    assert any(a.definitions() for a in reopened.built.acronyms)
    assert reopened.engine.search(_CROSS_QUESTION, k=1).hits[0].article.id == "tanam"


@pytest.mark.parametrize("text", ["", "(KRC)", "Kebun (KRC)", "A B C (ABC)" * 50])
def test_odd_text_does_not_break_the_reader(text: str) -> None:
    ArticleAcronyms.find(text, default_analyzer())


def test_acronym_pattern_matches_where_the_plain_lookbehind_pattern_does() -> None:
    # `_acronym_pattern` puts the literal first (a fast scan); it must find what
    # `(?<![\w-])KPK(?![\w-])` finds, at text edges, hyphens, letters and repeats.
    import random
    import re

    from retrieval.acronyms import _acronym_pattern

    rng = random.Random(4)
    pieces = ["KPK", "KP", "K", "PK", "AA", "A", "-", " ", "x", "é", "_", "3", ".", "(", ")", "\n"]
    for acronym in ["KPK", "AA", "A", "KPKK", "PBB"]:
        plain = re.compile(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])")
        fast = _acronym_pattern(acronym)
        for _ in range(3000):
            sample = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
            assert [m.span() for m in fast.finditer(sample)] == [m.span() for m in plain.finditer(sample)], sample
        assert fast.search(f"oleh {acronym}.") and not fast.search(f"{acronym}-nya") and not fast.search(f"x{acronym}")


@pytest.mark.parametrize(
    ("acronym", "expected"),
    [
        ("MBS", "Mohammed bin Salman"),  # a particle's initial counted
        ("SBY", "Susilo Bambang Yudhoyono"),
        ("JFK", "John F Kennedy"),
        ("MS", None),  # two letters: too many runs of two capitalised words share them
        ("XYZ", None),
    ],
)
def test_a_name_an_acronym_stands_for_is_found_written_out(acronym: str, expected: str | None) -> None:
    text = (
        "Putin bertemu Menteri Pertahanan Mohammed bin Salman di St. Petersburg. "
        "Presiden Susilo Bambang Yudhoyono tiba. John F. Kennedy tewas di Dallas."
    )
    assert spelled_out(text, acronym) == expected


def test_a_question_saying_an_acronym_finds_the_article_that_writes_the_name_out() -> None:
    engine = Engine.from_articles(
        [
            _article("saudi", "Putin bertemu Mohammed bin Salman pada bulan Juni di St. Petersburg."),
            _article("bbm", "Pemerintah Bombay Baru menaikkan harga bensin pada Juli."),
        ]
    )
    answer = engine.search("Kapan Putin bertemu MBS?")
    assert answer.answered and answer.hits[0].sentence.article_id == "saudi"
    # An acronym the language data spells out is that, not another run of its initials.
    assert engine.search("Kapan PBB menaikkan harga bensin?").missing == ("PBB",)
