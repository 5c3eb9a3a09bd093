"""Acronyms an article defines for itself, in both directions, in both build paths."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from retrieval.acronyms import ArticleAcronyms
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


def test_a_persisted_index_holds_the_same_terms(tmp_path: Path) -> None:
    articles = [_article("krc", _STORY), _article("zoo", _OTHER)]
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


@pytest.mark.parametrize("text", ["", "(KRC)", "Kebun (KRC)", "A B C (ABC)" * 50])
def test_odd_text_does_not_break_the_reader(text: str) -> None:
    ArticleAcronyms.find(text, default_analyzer())
