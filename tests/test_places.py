"""Places a question may name by another (retrieval/places.py): a capital and its country."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from retrieval import places
from retrieval.places import BUNDLED_CAPITALS, Places
from retrieval.records import Article
from retrieval.search import Engine, default_analyzer


def test_a_place_is_also_held_by_its_partner_each_way_round(tmp_path: Path) -> None:
    path = tmp_path / "capitals.txt"
    path.write_text("# capitals\nMoskow | Rusia\nKuala Lumpur | Malaysia\n", encoding="utf-8")
    table = Places.read(path, default_analyzer().terms)
    moskow, rusia = frozenset({"moskow", "~moskow"}), frozenset({"rusia", "~rusia"})
    assert table.widened([("Moskow", (moskow,))]) == (("Moskow", (moskow, frozenset({"~rusia"}))),)
    assert table.widened([("Rusia", (rusia,))]) == (("Rusia", (rusia, frozenset({"~moskow"}))),)
    # A place the synonym lists do not group is said by its last word ("Lumpur", not "Kuala").
    assert table.widened([("Malaysia", (frozenset({"malaysia"}),))])[0][1][1] == frozenset({"~kuala_lumpur"})
    # Another name is left as it is.
    assert table.widened([("Lavrov", (frozenset({"lavrov"}),))]) == (("Lavrov", (frozenset({"lavrov"}),)),)


@pytest.mark.parametrize("line", ["Moskow", "Moskow | Rusia | Eropa", "| Rusia"])
def test_a_line_that_is_not_two_places_is_refused_naming_the_file_and_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "capitals.txt"
    path.write_text(f"Moskow | Rusia\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"capitals\.txt:2: expected `capital \| country`"):
        Places.read(path, default_analyzer().terms)


def test_the_bundled_list_reads() -> None:
    table = places.at(BUNDLED_CAPITALS.parent, default_analyzer().terms)
    assert (frozenset({"~moskow"}), frozenset({"~rusia"})) in table.pairs


def test_widening_finds_every_pair_a_plain_scan_finds_in_its_order() -> None:
    table = places.at(BUNDLED_CAPITALS.parent, default_analyzer().terms)
    names = [(f"place {i}", (place,)) for i, (place, _other) in enumerate(table.pairs)]
    names.append(("two places", (table.pairs[0][0], table.pairs[-1][0])))
    for name, needed in names:
        scanned = [other for place, other in table.pairs if any(not place.isdisjoint(terms) for terms in needed)]
        expected = needed + tuple(p for p in dict.fromkeys(scanned) if p not in needed)
        assert table.widened([(name, needed)]) == ((name, expected),)


def _news(article_id: str, text: str) -> Article:
    return Article(id=article_id, title=article_id, source="Sumber", date=dt.date(2016, 12, 14), text=text)


def test_a_question_naming_a_country_is_answered_from_a_story_that_names_its_capital() -> None:
    engine = Engine.from_articles(
        [
            _news("kl", "Lavrov bertemu lagi dengan Kerry pada hari Rabu di Kuala Lumpur. Keduanya membahas Suriah."),
            _news("jenewa", "Diplomat Rusia dan AS bertemu setiap minggu di Jenewa untuk membahas gencatan senjata."),
        ]
    )
    answer, signals = engine.judge("Kapan Lavrov bertemu lagi dengan Kerry di Malaysia?")
    assert answer.answered and "Kuala Lumpur" in answer.hits[0].sentence.text
    assert signals is not None and signals.names_absent == 0.0  # the story holds all three
    # A country no story names, nor its capital, is still a thing the story lacks.
    _answer, other = engine.judge("Kapan Lavrov bertemu lagi dengan Kerry di Jepang?")
    assert other is not None and other.names_absent > 0.0
    assert engine.search("Siapa yang bertemu di Jepang?").missing == ("Jepang",)
    assert engine.search("Siapa yang bertemu di Malaysia?").missing == ()
