"""Unit tests for retrieval/sentences.py: sentence splitting and its abbreviation lists."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from config.settings import BUNDLED_LANGUAGE_DATA
from retrieval.sentences import split_sentences
from retrieval.text import Analyzer


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Abbreviations that never end a sentence.
        ("Ia tinggal di Jl. Sudirman No. 5. Rumahnya besar.", ["Ia tinggal di Jl. Sudirman No. 5.", "Rumahnya besar."]),
        ("Pasien ditangani dr. Budi. Kondisinya stabil.", ["Pasien ditangani dr. Budi.", "Kondisinya stabil."]),
        ("Menurut Prof. Dr. Ahmad, hasilnya baik. Ia puas.", ["Menurut Prof. Dr. Ahmad, hasilnya baik.", "Ia puas."]),
        ("Lahir di St. Petersburg pada 1952. Ia besar di sana.", ["Lahir di St. Petersburg pada 1952.", "Ia besar di sana."]),
        ("Warga Kab. Bogor dan Kec. Cibinong hadir. Acara usai.", ["Warga Kab. Bogor dan Kec. Cibinong hadir.", "Acara usai."]),
        ("Surat a.n. Menteri dikirim u.p. Direktur. Sudah diterima.", ["Surat a.n. Menteri dikirim u.p. Direktur.", "Sudah diterima."]),
        ("Sambutan H. Ahmad singkat. Lalu acara dimulai.", ["Sambutan H. Ahmad singkat.", "Lalu acara dimulai."]),
        ("Lavrov bertemu J. Kerry di Doha. Mereka berbicara.", ["Lavrov bertemu J. Kerry di Doha.", "Mereka berbicara."]),
        # Abbreviations that may end a sentence: split only before a capital.
        ("Ada beras, gula, dll. dan semuanya murah.", ["Ada beras, gula, dll. dan semuanya murah."]),
        ("Ada beras, gula, dll. Semuanya murah.", ["Ada beras, gula, dll.", "Semuanya murah."]),
        ("Buah, sayur, dsb. Harganya naik.", ["Buah, sayur, dsb.", "Harganya naik."]),
        ("Langkah satu, dua, dst. diulang terus.", ["Langkah satu, dua, dst. diulang terus."]),
        # Numbers.
        ("Sedikitnya 250.000 orang tewas. Jutaan mengungsi.", ["Sedikitnya 250.000 orang tewas.", "Jutaan mengungsi."]),
        ("Rapat dimulai pukul 10.30 WIB. Semua hadir.", ["Rapat dimulai pukul 10.30 WIB.", "Semua hadir."]),
        ("Ekonomi tumbuh 3,5 persen. Itu rendah.", ["Ekonomi tumbuh 3,5 persen.", "Itu rendah."]),
        ("Pertempuran sejak 19 Juli 2012. Dalam 24 jam kota jatuh.", ["Pertempuran sejak 19 Juli 2012.", "Dalam 24 jam kota jatuh."]),
        # Dates in brackets.
        ("Lavrov berbicara Rabu (14/12). Ia kesal.", ["Lavrov berbicara Rabu (14/12).", "Ia kesal."]),
        ("Hal itu disampaikan Jumat (13/12/2024), mengutip Reuters. Ia menolak.", ["Hal itu disampaikan Jumat (13/12/2024), mengutip Reuters.", "Ia menolak."]),
        # Quotations: the attribution stays with its quote.
        ("“Semua orang tahu itu,” katanya. Ia pergi.", ["“Semua orang tahu itu,” katanya.", "Ia pergi."]),
        ('"Kami menolak," kata Lavrov. Ia kesal.', ['"Kami menolak," kata Lavrov.', "Ia kesal."]),
        ("“Ini sesuai prinsip kami.” Lalu ia pergi.", ["“Ini sesuai prinsip kami.”", "Lalu ia pergi."]),
        ('"Kontak berlanjut." Lavrov pergi.', ['"Kontak berlanjut."', "Lavrov pergi."]),
        ("“Mengapa kami?” tanya dia. Semua diam.", ["“Mengapa kami?” tanya dia.", "Semua diam."]),
        (
            '"Kontak berlanjut. Namun AS mundur," kata Lavrov.',
            ['"Kontak berlanjut.', 'Namun AS mundur," kata Lavrov.'],
        ),
        # Question and exclamation marks, ellipsis.
        ("Siapa pelakunya? Polisi belum tahu!  Warga marah.", ["Siapa pelakunya?", "Polisi belum tahu!", "Warga marah."]),
        ("Ia menunggu... Lalu ia pergi.", ["Ia menunggu...", "Lalu ia pergi."]),
        ("Ia menunggu… dan menunggu.", ["Ia menunggu… dan menunggu."]),
        # Em dashes do not split.
        ("Kesepakatan itu — yang disepakati September — gagal. Kontak berlanjut.", ["Kesepakatan itu — yang disepakati September — gagal.", "Kontak berlanjut."]),
        # Wikipedia citation marks after the full stop belong to the sentence they close.
        ("Aristoteles murid Plato.[2] Belakangan ia guru.", ["Aristoteles murid Plato.[2]", "Belakangan ia guru."]),
        ("Kota ini besar.[2][3] Penduduknya banyak.", ["Kota ini besar.[2][3]", "Penduduknya banyak."]),
        ("Ia lahir 384 SM.[note 1] Ayahnya tabib.", ["Ia lahir 384 SM.[note 1]", "Ayahnya tabib."]),
        ("Ia adalah kota[4]. Lalu lain.", ["Ia adalah kota[4].", "Lalu lain."]),
        ("Lahir 29 Mei 1917[10] dari pasangan pebisnis.", ["Lahir 29 Mei 1917[10] dari pasangan pebisnis."]),
        ("Ia menang.[3] dan pulang.", ["Ia menang.[3] dan pulang."]),
        # Domains and glued words are not boundaries.
        ("KIBLAT.NET, Aleppo – Oposisi menolak. Rusia diam.", ["KIBLAT.NET, Aleppo – Oposisi menolak.", "Rusia diam."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_newlines_end_sentences_but_wrapped_lines_join() -> None:
    text = "Judul Tanpa Titik\n\nReuters\nDialog itu gagal.\nKontak berlanjut di Jenewa dan\nakan diteruskan."
    assert split_sentences(text) == [
        "Judul Tanpa Titik",
        "Reuters",
        "Dialog itu gagal.",
        "Kontak berlanjut di Jenewa dan\nakan diteruskan.",
    ]


def test_sentences_are_verbatim_substrings_in_order() -> None:
    text = "  Rusia menolak.   “Kami tidak akan mundur,” ujar Lavrov.\n\n  AS diam.  "
    sentences = split_sentences(text)
    assert sentences == ["Rusia menolak.", "“Kami tidak akan mundur,” ujar Lavrov.", "AS diam."]
    cursor = 0
    for sentence in sentences:
        found = text.index(sentence, cursor)
        cursor = found + len(sentence)


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n \t") == []


def test_abbreviation_list_is_data(tmp_path: Path, analyzer: Analyzer) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    text = "Ia bertemu Gub. Anies. Lalu pulang."
    assert analyzer.split_sentences(text) == ["Ia bertemu Gub.", "Anies.", "Lalu pulang."]
    with (lang / "abbreviations.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nGub.\n")
    assert Analyzer.from_directory(lang).split_sentences(text) == ["Ia bertemu Gub. Anies.", "Lalu pulang."]
