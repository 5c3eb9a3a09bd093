from __future__ import annotations

import pytest

from retrieval.question import Wants, offers, wants


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Siapa pemimpin koalisi oposisi?", Wants.PERSON),
        ("siapakah yang menyerah?", Wants.PERSON),
        ("Who did Lavrov meet in Doha?", Wants.PERSON),
        ("Berapa warga sipil yang dievakuasi?", Wants.NUMBER),
        ("How many people died?", Wants.NUMBER),
        ("Kapan pertempuran Aleppo dimulai?", Wants.TIME),
        ("Tahun berapa perang dimulai?", Wants.TIME),
        ("Pada tanggal berapakah kapal itu tenggelam?", Wants.TIME),
        ("Negara manakah yang memveto?", Wants.PLACE),
        ("When did Russia invite the opposition?", Wants.TIME),
        ("Di mana pangkalan angkatan laut Rusia?", Wants.PLACE),
        ("Mengapa Rusia memveto resolusi?", Wants.ANYTHING),
    ],
)
def test_wants_reads_the_question_word(question: str, kind: Wants) -> None:
    assert wants(question) is kind


def test_person_needs_a_name_the_question_lacks() -> None:
    question = "Siapa pemimpin koalisi?"
    assert offers("Pemimpin koalisi Badr Jamus menyambut undangan itu.", Wants.PERSON, question=question)
    assert not offers("Koalisi tersebut menolak undangan.", Wants.PERSON, question=question)
    # The only name present is the one already asked about.
    assert not offers("Sergey Lavrov tidak hadir.", Wants.PERSON, question="Siapa Sergey Lavrov?")


def test_number_time_place() -> None:
    assert offers("sedikitnya 250.000 orang tewas", Wants.NUMBER, question="Berapa orang tewas?")
    assert not offers("banyak orang tewas", Wants.NUMBER, question="Berapa orang tewas?")
    assert offers("Lavrov bertemu Kerry pada hari Rabu", Wants.TIME, question="Kapan Lavrov bertemu Kerry?")
    assert offers("Pertempuran berlangsung sejak 19 Juli 2012.", Wants.TIME, question="Kapan pertempuran?")
    assert not offers("Pertempuran berlangsung sengit.", Wants.TIME, question="Kapan pertempuran?")
    assert offers("Mereka bertemu di Jenewa.", Wants.PLACE, question="Di mana mereka bertemu?")
    assert not offers("Mereka bertemu di Jenewa.", Wants.PLACE, question="Di mana di Jenewa mereka bertemu?")


def test_anything_offers_nothing() -> None:
    assert not offers("Sergey Lavrov, 7.000 warga, Rabu (14/12).", Wants.ANYTHING, question="Mengapa?")
