"""What the ranking features say about a candidate (retrieval/ranking.py, read by retrieval/search.py)."""

from __future__ import annotations

import dataclasses
import math

import pytest

from retrieval.question import (
    Wants,
    asks_definition,
    asks_reason,
    gives_reason,
    without_asides,
    without_definition_frame,
)
from retrieval.ranking import Features, Tuning
from retrieval.records import Article
from retrieval.search import Engine


def _features(**changes: object) -> Features:
    base = Features(
        own=5.0, neighbour=1.0, previous=None, coverage=0.5, window_coverage=0.5, article_coverage=0.5,
        type_match=None, apposition=False, name_match=None, focus_match=None, own_share=1.0, proximity=0.0,
        novelty=0.5,
    )
    return dataclasses.replace(base, **changes)


def _value(features: Features, name: str) -> float:
    return features.vector(Tuning())[Features.NAMES.index(name)]


def test_every_feature_has_a_name_and_a_weight() -> None:
    assert len(_features().vector(Tuning())) == len(Features.NAMES) == len(Tuning().learned)


def test_answer_type_agreement_is_kept_apart_by_kind() -> None:
    date = _features(wanted=Wants.TIME, type_match=True)
    assert _value(date, "type_yes") == _value(date, "time_yes") == 1.0
    assert _value(date, "number_yes") == _value(date, "time_no") == 0.0
    no_number = _features(wanted=Wants.NUMBER, type_match=False)
    assert _value(no_number, "number_no") == _value(no_number, "type_no") == 1.0
    assert _value(no_number, "number_yes") == 0.0
    assert _value(_features(wanted=Wants.PLACE, type_match=True), "place_yes") == 1.0
    assert _value(_features(wanted=Wants.PERSON, type_match=True), "person_yes") == 1.0
    assert _value(_features(wanted=Wants.ANYTHING), "time_yes") == 0.0


def test_the_wanted_thing_beside_a_question_word_is_kept_apart_by_kind() -> None:
    assert _value(_features(wanted=Wants.TIME, type_match=True, near=True), "time_near") == 1.0
    assert _value(_features(wanted=Wants.TIME, type_match=True, near=True), "number_near") == 0.0
    assert _value(_features(wanted=Wants.NUMBER, type_match=True, near=True), "number_near") == 1.0
    assert _value(_features(wanted=Wants.PLACE, type_match=True, near=True), "place_near") == 1.0
    assert _value(_features(wanted=Wants.NAME, name_match=True, near=True), "name_near") == 1.0
    assert _value(_features(wanted=Wants.TIME, type_match=True, near=False), "time_near") == 0.0


def test_an_opening_word_counts_only_for_a_definition_question() -> None:
    assert _value(_features(opens=True, definition=True), "definition_opens") == 1.0
    assert _value(_features(opens=True, definition=None), "definition_opens") == 0.0
    assert _value(_features(opens=False, definition=True), "definition_opens") == 0.0


def test_kepanjangan_asks_for_a_long_form_not_a_definition() -> None:
    assert asks_definition("Apa yang dimaksud dengan invasi?")
    assert asks_definition("Apa itu pura?")
    assert not asks_definition("Apakah kepanjangan PVSEC?")
    # The same asked of a person or an office; not "whom did Lavrov mean".
    assert asks_definition("Siapakah yang dimaksud dengan Uskup?")
    assert asks_definition("Siapa itu Kan Kikuchi?")
    assert not asks_definition("Siapa yang dimaksud Lavrov?")
    assert not asks_definition("Siapa yang membangun jembatan itu?")


def test_a_definition_question_prefers_the_sentence_that_says_what_it_is() -> None:
    # Plain BM25 prefers the short sentence; "Pura adalah ..." is what "Apa itu pura?" asks.
    text = (
        "Di Bali ada ribuan pura. "
        "Pura adalah tempat ibadah umat Hindu yang dibangun dengan aturan arsitektur tertentu di seluruh Indonesia."
    )
    engine = Engine.from_articles([Article(id="pura", title="Pura", source="Wiki", date=None, text=text)])
    by_text = {engine.sentence(sid).text[:12]: f for sid, f in engine.candidates(engine.read("Apa itu pura?"), pool=10)}
    assert by_text["Pura adalah "].opens and by_text["Pura adalah "].definition
    assert not by_text["Di Bali ada "].opens and by_text["Di Bali ada "].definition is False
    assert engine.search("Apa itu pura?").hits[0].sentence.text.startswith("Pura adalah")
    # Without the definition features the short sentence wins: they decide it.
    learned = list(Tuning().learned)
    for name in ("definition_yes", "definition_no", "definition_opens"):
        learned[Features.NAMES.index(name)] = 0.0
    plain = engine.tuned(dataclasses.replace(Tuning(), learned=tuple(learned)))
    assert plain.search("Apa itu pura?").hits[0].sentence.text.startswith("Di Bali")


def test_the_frame_of_a_definition_question_is_no_evidence() -> None:
    assert without_definition_frame("Apakah yang di maksud dengan Uskup?") == "Apakah Uskup?"
    assert without_definition_frame("Apa pengertian dari budaya?") == "Apa budaya?"
    assert without_definition_frame("Siapa yang dimaksud Lavrov?") == "Siapa yang dimaksud Lavrov?"
    assert without_definition_frame("Siapakah yang dimaksud dengan Uskup?") == "Siapakah Uskup?"
    assert without_definition_frame("Siapa yang disebut dengan Paus?") == "Siapa Paus?"
    # "dimaksud" is rarer than "budaya" here: as a question word it won the sentence that uses it.
    engine = Engine.from_articles(
        [
            Article(id="budaya", title="Budaya", source="Wiki", date=None,
                    text="Budaya adalah cara hidup yang dimiliki bersama oleh sebuah kelompok orang. "
                         "Budaya diwariskan dari generasi ke generasi. Budaya Jawa dan budaya Bali berbeda."),
            Article(id="tim", title="Tim", source="Wiki", date=None,
                    text="Pemisahan karakter ke dalam tim dimaksudkan untuk memberi rasa budaya tertentu."),
        ]
    )
    asked = engine.read("Apa yang dimaksud dengan Budaya?")
    assert asked.terms == ["budaya"] and [name for name, _terms in asked.names] == ["Budaya"]
    # The coverage units keep the frame: the answer floor was set with it.
    assert {term for unit in asked.units for term in unit.terms} == {"maksud", "budaya"}
    # BM25 no longer rewards the sentence for "dimaksudkan".
    own = {engine.sentence(sid).text[:9]: f.own for sid, f in engine.candidates(asked, pool=10)}
    assert own["Pemisahan"] < own["Budaya ad"]
    framed = engine.read("Apa yang dimaksud dengan Budaya?")
    plain = dataclasses.replace(framed, terms=["maksud", "budaya"])
    own = {engine.sentence(sid).text[:9]: f.own for sid, f in engine.candidates(plain, pool=10)}
    assert own["Pemisahan"] > own["Budaya ad"]



@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("Siapa sebenarnya Mohammed bin Salman menurut artikel itu?", "Siapa Mohammed bin Salman?"),
        ("Menurut berita tersebut, berapa korban yang tewas?", "berapa korban yang tewas?"),
        ("Who is he according to the article?", "Who is he?"),
        # "menurut berita tahun 2015" dates what is asked; "isi laporan itu" asks about one.
        ("Berapa orang tewas menurut berita tahun 2015?", "Berapa orang tewas menurut berita tahun 2015?"),
        ("Apa isi laporan itu?", "Apa isi laporan itu?"),
    ],
)
def test_asides_that_point_at_the_text_itself_are_read_out(question: str, read: str) -> None:
    assert without_asides(question) == read


def test_the_frame_of_a_count_question_is_no_evidence() -> None:
    assert without_definition_frame("Ada berapakah jumlah pulau di Maluku?") == "Ada berapakah pulau di Maluku?"
    assert without_definition_frame("Berapa banyak sapi yang dipelihara?") == "Berapa sapi yang dipelihara?"
    assert without_definition_frame("Berapa luas Maluku?") == "Berapa luas Maluku?"
    # "jumlah" in the question would favour the sentence that counts something else.
    engine = Engine.from_articles(
        [
            Article(
                id="desa",
                title="Desa Sukamaju",
                source="Wiki",
                date=None,
                text="Desa Sukamaju memiliki 14 sumur tua. Jumlah penduduk desa Sukamaju tercatat 3.200 jiwa pada 2019. "
                "Warga bertani padi.",
            ),
            Article(id="lain", title="Lain", source="Wiki", date=None, text="Jumlah sapi di kota itu naik. Harga beras turun."),
        ]
    )
    answer = engine.search("Berapa jumlah sumur di desa Sukamaju?")
    assert answer.hits[0].sentence.text.startswith("Desa Sukamaju memiliki 14 sumur")


def _jembatan_merah(text: str) -> Engine:
    """An article about the bridge with `text`, beside one about something else."""
    return Engine.from_articles(
        [
            Article(id="jembatan", title="Jembatan Merah", source="Wiki", date=None, text=text),
            Article(id="lain", title="Lain", source="Wiki", date=None, text="Sungai itu meluap setiap musim hujan."),
        ]
    )


def test_a_siapa_question_prefers_the_sentence_that_says_who_did_it() -> None:
    # The answer is a group, named after "oleh"; the other sentence merely holds a person's name.
    engine = _jembatan_merah(
        "Pembangunan Jembatan Merah diresmikan Bupati Hendra Wijaya pada tahun 1931. "
        "Sungai di bawahnya lebar. Jembatan Merah dibangun oleh Perkumpulan Dagang Tionghoa."
    )
    answer = engine.search("Siapa yang membangun Jembatan Merah?")
    assert "oleh Perkumpulan" in answer.hits[0].sentence.text
    learned = list(engine.tuning.learned)
    learned[Features.NAMES.index("person_agent")] = 0.0
    plain = engine.tuned(dataclasses.replace(engine.tuning, learned=tuple(learned)))
    assert "Hendra Wijaya" in plain.search("Siapa yang membangun Jembatan Merah?").hits[0].sentence.text
    assert engine.search("Kapan Jembatan Merah dibangun?").hits[0].sentence.text.startswith("Pembangunan")


@pytest.mark.parametrize(
    ("question", "why"),
    [
        ("Mengapa Rusia memveto rencana itu?", True),
        ("knp pangkalan rusia msh ada di suriah", True),
        ("Apa alasan Rusia dan Cina memveto?", True),
        ("Apa penyebab banjir bandang?", True),
        ("Why did Russia veto the plan?", True),
        ("What caused the flood?", True),
        # Chat's "ngapain aja" ("mengapa saja" once read) asks what was done.
        ("rusia as udh mengapa saja di jenewa", False),
        ("Kapan Rusia memveto rencana itu?", False),
    ],
)
def test_a_why_question_is_told_by_its_words(question: str, why: bool) -> None:
    assert asks_reason(question) is why


def test_a_why_question_prefers_the_sentence_that_gives_a_reason() -> None:
    assert gives_reason("Rusia dan Cina beralasan, gencatan hanya memberi kesempatan bagi teroris.")
    assert gives_reason("Situasi kian memprihatinkan akibat blokade.")
    assert not gives_reason("Kedua anggota DK PBB itu memveto rencana gencatan senjata.")
    # Both sentences hold every word asked; only the second says why.
    engine = _jembatan_merah(
        "Jembatan Merah ditutup untuk kendaraan pada tahun 1950. "
        "Sungai di bawahnya lebar. "
        "Jembatan Merah ditutup karena tiangnya retak."
    )
    learned = list(engine.tuning.learned)
    assert learned[Features.NAMES.index("reason_yes")] > 0
    learned[Features.NAMES.index("reason_yes")] = 0.0
    plain = engine.tuned(dataclasses.replace(engine.tuning, learned=tuple(learned)))
    for question in ("Mengapa Jembatan Merah ditutup?", "Why was the Jembatan Merah closed?"):
        assert "karena" in engine.search(question).hits[0].sentence.text
        assert "karena" not in plain.search(question).hits[0].sentence.text
    # Another kind of question reads no reason.
    assert "karena" not in engine.search("Kapan Jembatan Merah ditutup?").hits[0].sentence.text


def test_a_kapan_question_marks_the_date_beside_what_it_asks() -> None:
    # Both sentences hold a date; only the second says it beside "diresmikan".
    engine = _jembatan_merah(
        "Banjir tahun 1950 merusak Jembatan Merah yang lalu diperbaiki warga dan diresmikan kembali. "
        "Sungai di bawahnya lebar. Jembatan Merah diresmikan pada tahun 1931 oleh pemerintah kota."
    )
    found = {
        engine.sentence(sid).text[:6]: features
        for sid, features in engine.candidates(engine.read("Kapan Jembatan Merah diresmikan?"), pool=10)
    }
    assert found["Jembat"].near and found["Jembat"].type_match
    assert not found["Banjir"].near and found["Banjir"].type_match
    tuning = engine.tuning
    weight = tuning.learned[Features.NAMES.index("time_near")]
    assert weight > 0
    apart = dataclasses.replace(found["Jembat"], near=False)
    assert math.isclose(found["Jembat"].score(tuning), apart.score(tuning) * math.exp(weight))


def test_which_country_is_answered_by_the_sentence_that_names_the_countries(engine: Engine) -> None:
    # "Kedua anggota DK PBB itu memveto ..." says more of the question's words; the
    # sentence before it names who vetoed (`question._ASKS_COUNTRY`).
    answer = engine.search("Negara mana yang memveto gencatan senjata Aleppo di Dewan Keamanan PBB?")
    assert answer.answered and "Rusia dan Cina" in answer.hits[0].sentence.text
