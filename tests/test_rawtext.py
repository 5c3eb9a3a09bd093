"""Unit tests for ingest/rawtext.py on small text copies written here."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.rawtext import MAX_TEXT_CHARS, extract_text
from ingest.records import NotAnArticle
from tests.sampling import examples

HEADLINE = "Pemkot Perpanjang Masa Tanggap Darurat Banjir"
PARAGRAPHS = [
    "Pemerintah kota memperpanjang masa tanggap darurat banjir selama tujuh hari karena hujan masih turun.",
    "Kepala badan penanggulangan bencana mengatakan ribuan warga masih mengungsi di gedung sekolah.",
    "Bantuan logistik terus dikirim ke posko pengungsian di enam kecamatan yang terdampak paling parah.",
]


def copy(*lines: str) -> str:
    return "\n\n".join(lines)


# --- headline and body ----------------------------------------------------------


def test_headline_line_becomes_the_title_and_leaves_the_body() -> None:
    result = extract_text(copy(HEADLINE, *PARAGRAPHS))
    assert result.title == HEADLINE
    assert result.text == "\n\n".join(PARAGRAPHS)


def test_site_furniture_above_the_headline_is_skipped() -> None:
    result = extract_text(copy("Warta Kilat", "HOME ⁄ Nasional", HEADLINE, *PARAGRAPHS))
    assert result.title == HEADLINE
    assert "Warta Kilat" not in result.text and "HOME" not in result.text


def test_a_copy_that_starts_with_the_article_has_no_title() -> None:
    result = extract_text(copy(*PARAGRAPHS))
    assert result.title is None
    assert any("title" in note for note in result.notes)
    assert result.text.startswith(PARAGRAPHS[0])


def test_boilerplate_lines_go_and_repeated_captions_stay_once() -> None:
    caption = "Warga mengungsi di gedung sekolah."
    text = copy(
        HEADLINE,
        "Oleh Rina Pratiwi",
        "SHARE :",
        caption,
        caption,
        "Reuters",
        PARAGRAPHS[0],
        "Baca juga:",
        PARAGRAPHS[1],
        "Baca juga: Harga Cabai Turun Menjelang Akhir Tahun",
        PARAGRAPHS[2],
        "Situs ini menggunakan kuki. Klik di sini untuk mempelajari lebih lanjut.",
        "Terima kuki",
        "Ingin Langganan Artikel?",
        "Daftarkan emailmu di sini untuk mendapatkan update artikel terbaru.",
    )
    result = extract_text(text)
    assert result.text == "\n\n".join([caption, *PARAGRAPHS])
    assert result.author == "Rina Pratiwi"


# --- author ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "byline",
    ["Oleh Rina Pratiwi", "Oleh: Rina Pratiwi", "Reporter: Rina Pratiwi", "Penulis :\nRina Pratiwi", "Pewarta: Rina Pratiwi"],
)
def test_author_from_a_byline(byline: str) -> None:
    result = extract_text(copy(HEADLINE, *PARAGRAPHS, byline))
    assert result.author == "Rina Pratiwi"
    assert "Rina Pratiwi" not in result.text


def test_an_editor_alone_is_not_the_author() -> None:
    result = extract_text(copy(HEADLINE, *PARAGRAPHS, "Editor: Budi Santoso"))
    assert result.author is None
    assert "Budi Santoso" not in result.text


# --- date -----------------------------------------------------------------------


def test_full_date_with_its_weekday_is_the_articles() -> None:
    text = copy(HEADLINE, f"{PARAGRAPHS[0]} Hal itu disampaikan pada Kamis (12/12/2024).", "Ia menambahkan, Jumat (13/12/2024), posko tetap dibuka.", PARAGRAPHS[2])
    result = extract_text(text)
    assert (result.date, result.date_approximate) == (dt.date(2024, 12, 13), False)


def test_worded_date_with_weekday() -> None:
    result = extract_text(copy(HEADLINE, f"Jakarta, Jumat, 13 Desember 2024 - {PARAGRAPHS[0]}", *PARAGRAPHS[1:]))
    assert result.date == dt.date(2024, 12, 13)


def test_date_line_under_the_headline() -> None:
    result = extract_text(copy(HEADLINE, "12 Desember 2024", *PARAGRAPHS))
    assert (result.date, result.date_approximate) == (dt.date(2024, 12, 12), False)
    assert "12 Desember 2024" not in result.text


def test_a_date_in_passing_or_with_the_wrong_weekday_is_not_used() -> None:
    text = copy(HEADLINE, f"Banjir terbesar terjadi sejak 19 Juli 2012. {PARAGRAPHS[0]}", "Rapat digelar Senin (13/12/2024).", PARAGRAPHS[1])
    result = extract_text(text)  # 13 Dec 2024 was a Friday, not a Monday
    assert result.date is None
    assert any("date" in note for note in result.notes)


def test_date_without_a_year_is_resolved_by_the_stated_rule_and_marked_approximate() -> None:
    text = copy(HEADLINE, f"Hal itu disampaikan pada Rabu (14/12). {PARAGRAPHS[0]}", f"Banjir serupa terjadi pada 2012. {PARAGRAPHS[1]}")
    result = extract_text(text)
    # From 2012 to 2018, 14 December fell on a Wednesday only in 2016.
    assert (result.date, result.date_approximate) == (dt.date(2016, 12, 14), True)
    assert any("approximate" in note for note in result.notes)


def test_date_without_a_year_and_no_anchor_is_left_empty() -> None:
    result = extract_text(copy(HEADLINE, f"Hal itu disampaikan pada Selasa (7/2). {PARAGRAPHS[0]}", PARAGRAPHS[1]))
    assert (result.date, result.date_approximate) == (None, False)
    assert any("Selasa (7/2)" in note for note in result.notes)


def test_date_without_a_year_when_two_years_fit_is_left_empty() -> None:
    # 14 December was a Wednesday in both 2011 and 2016, both within six years of 2011.
    text = copy(HEADLINE, f"Hal itu disampaikan pada Rabu (14/12). {PARAGRAPHS[0]}", f"Sejak 2011 banjir rutin. {PARAGRAPHS[1]}")
    assert extract_text(text).date is None


# --- source ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "source"),
    [
        ("Padang (ANTARA) - ", "Antara"),
        ("KOMPAS.com - ", "Kompas"),
        ("KIBLAT.NET, Aleppo – ", "Kiblat.net"),
        ("REPUBLIKA.CO.ID, JAKARTA -- ", "Republika"),
        ("Pantau - ", "Pantau"),
    ],
)
def test_source_from_the_dateline(opening: str, source: str) -> None:
    result = extract_text(copy(HEADLINE, opening + PARAGRAPHS[0], *PARAGRAPHS[1:]))
    assert result.source == source
    assert result.text.startswith(opening.strip())  # the dateline paragraph stays


def test_source_from_a_copyright_line() -> None:
    result = extract_text(copy(HEADLINE, *PARAGRAPHS, "Hak cipta milik Harian Contoh Raya."))
    assert result.source == "Harian Contoh Raya"
    assert "Hak cipta" not in result.text


def test_a_place_before_the_dash_is_not_a_source() -> None:
    result = extract_text(copy(HEADLINE, "Surabaya - " + PARAGRAPHS[0], *PARAGRAPHS[1:]))
    assert result.source is None
    assert any("source" in note for note in result.notes)


def test_an_agency_in_capitals_in_the_dateline_is_the_source_but_a_nickname_is_not() -> None:
    assert extract_text(copy(HEADLINE, "Jenewa (AFP) - " + PARAGRAPHS[0], *PARAGRAPHS[1:])).source == "AFP"
    assert extract_text(copy(HEADLINE, "Presiden Joko Widodo (Jokowi) - " + PARAGRAPHS[0], *PARAGRAPHS[1:])).source is None


def test_an_agency_quoted_in_the_text_is_not_the_source() -> None:
    result = extract_text(copy(HEADLINE, PARAGRAPHS[0] + " kata dia kepada Reuters.", *PARAGRAPHS[1:]))
    assert result.source is None


# --- hostile input --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("  \n\n \t", "empty"),
        ("\x00\x01\x02\x03" * 500, "binary"),
        (copy("Bagikan", "Baca juga:", "Terima kuki", "Iklan"), "no article text"),
    ],
)
def test_hostile_or_empty_text_is_named(text: str, words: str) -> None:
    with pytest.raises(NotAnArticle, match=words) as raised:
        extract_text(text, name="kiriman.txt")
    assert "kiriman.txt" in str(raised.value)


def test_huge_text_is_refused() -> None:
    with pytest.raises(NotAnArticle, match="too large"):
        extract_text("a" * (MAX_TEXT_CHARS + 1))


def test_a_long_real_copy_is_still_read() -> None:
    # 600 kB in the full run; a tenth in the quick one (tests/sampling.py), still three hundred paragraphs.
    result = extract_text(copy(HEADLINE, *(PARAGRAPHS * examples(2000))))
    assert result.title == HEADLINE
    assert result.text == "\n\n".join(PARAGRAPHS)  # repeats are kept once


def test_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        extract_text(b"bytes")  # type: ignore[arg-type]


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(st.sampled_from([HEADLINE, *PARAGRAPHS, "Baca juga:", "Oleh", "Penulis :", "Rabu (14/12)", "2012", "\x00", ""]) | st.text(max_size=30), max_size=60))
def test_any_text_is_an_article_or_a_named_problem(lines: list[str]) -> None:
    try:
        result = extract_text("\n".join(lines), name="kiriman.txt")
    except NotAnArticle as problem:
        assert "kiriman.txt" in str(problem)
    else:
        assert result.text.strip()
        assert result.date is None or result.date <= dt.date.today()
