"""benchmarks/swaps.py: mining swapped words from answerable/unanswerable question pairs."""

from __future__ import annotations

from benchmarks.swaps import caught, mine, one_word_swaps
from retrieval.search import default_analyzer


def _paragraph(context: str, answerable: list[str], unanswerable: list[str]) -> dict:
    qas = [{"question": q, "is_impossible": False} for q in answerable]
    qas += [{"question": q, "is_impossible": True} for q in unanswerable]
    return {"context": context, "qas": qas}


PARAGRAPHS = list(enumerate([
    _paragraph("Bahasa Tionghoa ditemukan pada abad ke-12.", ["Kapan Bahasa Tionghoa ditemukan?"],
               ["Kapan Bahasa Tionghoa dilarang?", "Kapan Bahasa Jepang ditemukan?"]),
    _paragraph("Mesin uap ditemukan oleh James Watt.", ["Siapa yang menemukan mesin uap?"],
               ["Siapa yang melarang mesin uap?"]),
    _paragraph("Radio ditemukan oleh Marconi di Italia.", ["Di mana radio ditemukan?"], ["Di mana radio dilarang?"]),
]))


def test_one_word_swaps_pair_each_unanswerable_question_with_its_closest_answerable_one() -> None:
    swaps = one_word_swaps(PARAGRAPHS)
    assert (0, "ditemukan", "dilarang") in swaps and (0, "Tionghoa", "Jepang") in swaps
    assert (1, "menemukan", "melarang") in swaps and (2, "ditemukan", "dilarang") in swaps


def test_mining_keeps_general_words_seen_in_enough_paragraphs_and_never_names() -> None:
    analyzer = default_analyzer()
    assert mine(PARAGRAPHS, analyzer, min_paragraphs=2, min_precision=0.8) == [("larang", "temu")]
    # A swap seen in fewer paragraphs than asked is not kept; a name swap (Tionghoa/Jepang) never is.
    assert mine(PARAGRAPHS, analyzer, min_paragraphs=4, min_precision=0.8) == []
    assert all("jepang" not in pair for pair in mine(PARAGRAPHS, analyzer, min_paragraphs=1, min_precision=0.0))


def test_caught_counts_questions_a_pair_fires_on_against_their_own_paragraph() -> None:
    analyzer = default_analyzer()
    # "dilarang" over paragraphs that say "ditemukan": the three unanswerable swaps; never the answerable ones.
    assert caught(PARAGRAPHS, analyzer, [("larang", "temu")]) == (3, 4, 0, 3)
    assert caught(PARAGRAPHS, analyzer, []) == (0, 4, 0, 3)
