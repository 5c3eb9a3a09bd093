"""Unit tests for retrieval/text.py: terms, synonyms, boilerplate, fingerprint (splitting: test_sentences.py)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from config.settings import BUNDLED_LANGUAGE_DATA
from retrieval.text import Analyzer


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)


# --- terms: folding, numbers, stop words, stemming -------------------------------


def _stems(analyzer: Analyzer, text: str) -> list[str]:
    return [term for term in analyzer.terms(text) if not term.startswith("~")]


def test_stemming_joins_word_forms(analyzer: Analyzer) -> None:
    assert _stems(analyzer, "menyerang serangan diserang penyerangan") == ["serang"] * 4
    assert _stems(analyzer, "pertemuan bertemu") == ["temu", "temu"]
    assert _stems(analyzer, "perundingan berunding") == ["runding", "runding"]


def test_stemming_does_not_mangle_roots(analyzer: Analyzer) -> None:
    # Snowball Indonesian gives `lompok` and `teri` here.
    assert _stems(analyzer, "kelompok") == ["kelompok"]
    assert _stems(analyzer, "menteri") == ["menteri"]
    assert _stems(analyzer, "Lavrov Aleppo Moskow Jenewa") == ["lavrov", "aleppo", "moskow", "jenewa"]


def test_stem_overrides_fix_sastrawi_quirks(analyzer: Analyzer) -> None:
    # Sastrawi alone: disepakati -> pakat, kesepakatan -> sepakat.
    assert analyzer.terms("disepakati")[0] == analyzer.terms("kesepakatan")[0] == "sepakat"
    assert analyzer.terms("menyepakati")[0] == "sepakat"
    # Sastrawi alone: pasukan -> pasu (vase).
    assert analyzer.terms("pasukan")[0] == "pasukan"
    # Sastrawi alone: dikepalai -> ke + palai (a prefix is stripped before -i).
    assert analyzer.terms("dikepalai")[0] == analyzer.terms("mengepalai")[0] == analyzer.terms("kepala")[0] == "kepala"
    # Sastrawi alone: mengunjungi -> unjung, mengemas -> emas (gold), pengarang -> arang (charcoal).
    assert _stems(analyzer, "mengunjungi pengunjung kunjungan dikunjungi") == ["kunjung"] * 4
    assert _stems(analyzer, "mengemas dikemas kemasan emas") == ["kemas", "kemas", "kemas", "emas"]
    assert _stems(analyzer, "pengarang karangan arang") == ["karang", "karang", "arang"]
    # ... while mengawali (to begin) keeps awal and mengawal (to escort) gets kawal.
    assert _stems(analyzer, "mengawali awal mengawal dikawal") == ["awal", "awal", "kawal", "kawal"]
    # Sastrawi alone reads -kah as the particle: menikah -> meni (red lead), not nikah.
    assert _stems(analyzer, "menikah menikahi pernikahan nikah") == ["nikah"] * 4


def test_noun_of_a_k_final_root_keeps_its_k(analyzer: Analyzer) -> None:
    # Sastrawi alone reads root + -kan: kerusakan -> rusa (deer), penculikan -> culi.
    assert _stems(analyzer, "kerusakan perusakan rusak") == ["rusak"] * 3
    assert _stems(analyzer, "penculikan pergerakan peternakan") == ["culik", "gerak", "ternak"]
    # A verb with -kan keeps it: dikatakan is kata + -kan, not katak (frog).
    assert _stems(analyzer, "dikatakan melarikan") == ["kata", "lari"]
    # A bare noun is ambiguous, so stems.txt names the forms: desakan (pressure) is not desa (village).
    assert _stems(analyzer, "desakan gerakan desa") == ["desak", "gerak", "desa"]


def test_stem_overrides_are_data(tmp_path: Path, analyzer: Analyzer) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    assert analyzer.terms("pelabuhan") == ["labuh"]
    with (lang / "stems.txt").open("a", encoding="utf-8") as handle:
        handle.write("\npelabuhan pelabuhan\n")
    assert Analyzer.from_directory(lang).terms("pelabuhan") == ["pelabuhan"]


def test_case_and_punctuation_folding(analyzer: Analyzer) -> None:
    assert analyzer.terms("KELOMPOK Kelompok kelompok") == ["kelompok"] * 3
    assert analyzer.terms("Pérez Jum'at Sputnik’s") == ["perez", "jumat", "sputnik"]
    # NFKC: a full-width word folds to the plain one.
    assert analyzer.terms("ＫＥＬＯＭＰＯＫ") == ["kelompok"]


def test_a_citation_mark_is_no_word(analyzer: Analyzer) -> None:
    # `[2]` after a sentence is a footnote number, not a quantity the sentence holds.
    assert analyzer.terms("Kota besar.[2][13] Ia") == analyzer.terms("Kota besar. Ia")
    assert analyzer.words("Kota.[10] Ia lahir 1917[2] (1852) [2017]") == ["Kota", "Ia", "lahir", "1917", "1852", "2017"]
    assert [w for w, _t in analyzer.word_terms("x[23]y ke-2 250.000")] == ["x", "y", "ke-2", "250.000"]


def test_numbers_are_normalised(analyzer: Analyzer) -> None:
    assert analyzer.terms("250.000") == ["250000"]
    assert analyzer.terms("7.000 warga") == ["7000", "warga"]
    assert analyzer.terms("3,5 persen") == ["3.5", "persen"]
    assert analyzer.terms("pukul 10.30") == ["pukul", "10.30"]
    assert analyzer.terms("(13/12/2024)") == ["13", "12", "2024"]
    assert analyzer.terms("Rabu (07/02)") == analyzer.terms("Rabu (7/2)")
    assert analyzer.terms("24 jam") == ["24", "jam"]


def test_reduplication(analyzer: Analyzer) -> None:
    assert analyzer.terms("negara-negara") == ["negara"]
    assert analyzer.terms("sisa-sisa") == ["sisa"]
    assert analyzer.terms("saluran-saluran") == analyzer.terms("saluran")
    assert analyzer.terms("diplomat-diplomat") == analyzer.terms("diplomat") == ["diplomat", "~diplomat"]


def test_hyphenated_compounds_split(analyzer: Analyzer) -> None:
    assert analyzer.terms("anti-teroris") == ["anti", "teroris", "~teroris"]
    assert analyzer.terms("al-Nusra") == ["al", "nusra"]


def test_stop_words_and_question_words_are_removed(analyzer: Analyzer) -> None:
    assert analyzer.terms("yang dan di ke dari adalah bahwa tersebut") == []
    assert analyzer.terms("Siapa apa apakah kapan berapa mengapa kenapa bagaimana mana dimana") == []
    assert analyzer.terms("Who is the minister of what?") == ["minister", "~menteri"]
    assert analyzer.terms("Siapa yang menyerang kelompok oposisi?") == ["serang", "kelompok", "oposisi", "~oposisi"]


def test_stop_words_are_data(tmp_path: Path) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    (lang / "stopwords-extra.txt").write_text("# local additions\nlavrov\n", encoding="utf-8")
    assert Analyzer.from_directory(lang).terms("Lavrov bertemu Kerry") == ["temu", "~bertemu", "kerry"]


def test_terms_keep_order_and_duplicates(analyzer: Analyzer) -> None:
    assert analyzer.terms("Kerry kelompok Kerry") == ["kerry", "kelompok", "kerry"]


def test_repeated_calls_agree_with_cold_cache(analyzer: Analyzer) -> None:
    text = "Menteri Luar Negeri AS John Kerry bertemu Lavrov di Kuala Lumpur."
    fresh = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    assert analyzer.terms(text) == analyzer.terms(text) == fresh.terms(text)


# --- synonyms and abbreviations ----------------------------------------------------


def test_long_form_yields_words_and_concept(analyzer: Analyzer) -> None:
    assert analyzer.terms("Menteri Luar Negeri") == ["menteri", "luar", "negeri", "~menlu"]
    assert analyzer.terms("Menlu") == ["menlu", "~menlu"]


@pytest.mark.parametrize(
    ("short", "long", "concept"),
    [
        ("AS", "Amerika Serikat", "~as"),
        ("AS", "United States", "~as"),
        ("PBB", "Perserikatan Bangsa-Bangsa", "~pbb"),
        ("PBB", "United Nations", "~pbb"),
        ("DK PBB", "Dewan Keamanan PBB", "~dk_pbb"),
        ("DK PBB", "Dewan Keamanan Perserikatan Bangsa-Bangsa", "~dk_pbb"),
        ("DK PBB", "UN Security Council", "~dk_pbb"),
        ("Wamenlu", "Wakil Menteri Luar Negeri", "~wamenlu"),
        ("HTS", "Hayat Tahrir al-Sham", "~hts"),
        ("FSA", "Free Syrian Army", "~fsa"),
        ("ISIS", "Negara Islam", "~isis"),
        ("ISIS", "Islamic State", "~isis"),
        ("Kemlu", "Kementerian Luar Negeri", "~kemlu"),
        ("ASEAN", "Perhimpunan Bangsa-Bangsa Asia Tenggara", "~asean"),
        ("Rusia", "Russia", "~rusia"),
        ("Suriah", "Syria", "~suriah"),
        ("Moskow", "Moscow", "~moskow"),
        ("gencatan senjata", "ceasefire", "~gencatan_senjata"),
        ("gencatan senjata", "jeda tembak", "~gencatan_senjata"),
        ("terorisme", "antiteror", "~terorisme"),
        ("pengungsi", "refugees", "~pengungsi"),
        # Everyday words a reader and a reporter use for one thing.
        ("makin", "kian", "~makin"),
        ("parah", "memprihatinkan", "~parah"),
        ("parah", "memburuk", "~parah"),
        ("keadaan", "kondisi", "~keadaan"),
        ("berkali-kali", "berulang kali", "~berkali-kali"),
        ("mengumumkan", "disampaikan", "~mengumumkan"),
        ("mengungkap", "menyampaikan", "~mengumumkan"),
        ("dulu", "sebelumnya", "~dulu"),
        ("tanggapan", "respons", "~tanggapan"),
        ("meneken", "menandatangani", "~meneken"),
        ("kebuntuan", "jalan buntu", "~kebuntuan"),
        ("undangan", "ajakan", "~undangan"),
    ],
)
def test_synonyms_match_both_ways(analyzer: Analyzer, short: str, long: str, concept: str) -> None:
    assert concept in analyzer.terms(f"kata {short} kemarin")
    assert concept in analyzer.terms(f"kata {long} kemarin")


def test_all_caps_short_forms_are_case_sensitive(analyzer: Analyzer) -> None:
    assert analyzer.terms("AS") == ["~as"]
    assert analyzer.terms("as") == []
    assert "~as" not in analyzer.terms("as soon as possible")
    assert "~as" in analyzer.terms("the US and Russia")
    assert "~as" not in analyzer.terms("tell us")
    assert "~pbb" in analyzer.terms("UN envoy")
    assert "~pbb" not in analyzer.terms("un envoy")
    # Long forms are not case-sensitive.
    assert "~as" in analyzer.terms("amerika serikat")


def test_longest_phrase_wins(analyzer: Analyzer) -> None:
    terms = analyzer.terms("Wakil Menteri Luar Negeri Rusia")
    assert "~wamenlu" in terms and "~menlu" not in terms
    terms = analyzer.terms("Dewan Keamanan PBB")
    assert terms.count("~dk_pbb") == 1 and "~pbb" not in terms


def test_hyphenated_pair_matches_each_part(analyzer: Analyzer) -> None:
    terms = analyzer.terms("Kontak Rusia-AS")
    assert "~rusia" in terms and "~as" in terms


def test_a_phrase_word_with_its_possessive_or_as_a_plural_is_that_word(analyzer: Analyzer) -> None:
    assert "~pasukan" in analyzer.terms("pasukannya mundur")
    assert "~pangkalan" in analyzer.terms("dua pangkalan militernya di Suriah")
    assert "~pangkalan" in analyzer.terms("pangkalan-pangkalan tersebut")
    assert "~pangkalan" in analyzer.terms("pangkalan-pangkalannya")
    # A form that is a phrase word itself keeps its own group: `sebelumnya` (previously)
    # is no `sebelum` (before).
    assert analyzer.terms("sebelumnya") == ["~dulu"]
    # Words that merely end so are left alone.
    assert analyzer.terms("hanya itu") == []


def test_reduplicated_word_does_not_fake_a_phrase(analyzer: Analyzer) -> None:
    # `negara-negara Islam` is "Islamic countries", not the Islamic State.
    assert "~isis" not in analyzer.terms("negara-negara Islam dan Arab")


def test_synonyms_are_data(tmp_path: Path, analyzer: Analyzer) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    assert "~bi" not in analyzer.terms("Bank Indonesia")
    with (lang / "synonyms.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nBI | Bank Indonesia\n")
    extended = Analyzer.from_directory(lang)
    assert "~bi" in extended.terms("Bank Indonesia")
    assert "~bi" in extended.terms("BI")


def test_phrase_in_two_groups_is_an_error(tmp_path: Path) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    with (lang / "synonyms.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nMoscow | Moskva\n")
    with pytest.raises(ValueError, match="two groups"):
        Analyzer.from_directory(lang)


# --- word_terms ------------------------------------------------------------------


def test_word_terms_align_with_surface_words(analyzer: Analyzer) -> None:
    text = "Menteri Luar Negeri AS, John Kerry, yang bertemu Lavrov (14/12)."
    pairs = analyzer.word_terms(text)
    assert [word for word, _ in pairs] == ["Menteri", "Luar", "Negeri", "AS", "John", "Kerry", "yang", "bertemu", "Lavrov", "14/12"]
    as_dict = dict(pairs)
    assert as_dict["Menteri"] == ("menteri", "~menlu")
    assert as_dict["Negeri"] == ("negeri", "~menlu")
    assert as_dict["AS"] == ("~as",)
    assert as_dict["yang"] == ()
    assert as_dict["14/12"] == ("14", "12")
    for word, _ in pairs:
        assert word in text


def test_word_terms_cover_the_same_terms(analyzer: Analyzer) -> None:
    text = "Pangkalan-pangkalan militer Rusia di Suriah, kata Wamenlu Rusia."
    from_words = {term for _, terms in analyzer.word_terms(text) for term in terms}
    assert from_words == set(analyzer.terms(text))


def test_matching_words_can_be_found_for_a_query(analyzer: Analyzer) -> None:
    query = set(analyzer.terms("Apa kata Menlu AS?"))
    sentence = "Lavrov bertemu Menteri Luar Negeri Amerika Serikat di Doha."
    matched = [word for word, terms in analyzer.word_terms(sentence) if query & set(terms)]
    assert matched == ["Menteri", "Luar", "Negeri", "Amerika", "Serikat"]


# --- boilerplate -------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "Baca juga:",
        "Baca Juga: Rusia Tutup Pintu Negosiasi",
        "SHARE   :",
        "Situs ini menggunakan kuki.",
        "Terima kuki",
        "This website uses cookies. Cookie policy",
        "Klik di sini untuk mempelajari lebih lanjut.",
        "Hak cipta milik Rossiyskaya Gazeta.",
        "© 2024 Pantau.com",
        "Ketika mengambil atau mengutip segala materi dari Russia Beyond, mohon masukkan tautan ke artikel asli.",
        "Daftarkan emailmu di sini untuk mendapatkan update artikel terbaru.",
        "Ingin Langganan Artikel?",
        "Anda dapat berhenti langganan kapan saja.",
        "Anda mungkin juga berminat",
        "Reuters",
        "(Getty Images)",
        "Flickr / MFA Russia",
        "Foto: Antara/Reno Esnir",
        "Penulis :",
        "Reporter: Sulhi El-Izzi",
        "Oleh Khalied Malvino",
        "HOME  ⁄  Internasional",
        "   ",
    ],
)
def test_boilerplate_is_detected(analyzer: Analyzer, sentence: str) -> None:
    assert analyzer.is_boilerplate(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Dialog dengan AS terkait Suriah adalah pertemuan yang tak membuahkan hasil.",
        "Kantor berita Reuters melaporkan bahwa Lavrov menolak.",
        "Oleh karena itu, Rusia menolak tawaran tersebut.",
        "Foto: Pasukan Hayat Tahrir al-Sham (HTS) dan sekutu oposisi usai serangan kilat sejak 27 November, berhasil merebut Aleppo.",
        "Warga diminta membaca juga pengumuman resmi pemerintah.",
        "Sumber di kementerian mengatakan bahwa kontak berlanjut.",
    ],
)
def test_reporting_is_not_boilerplate(analyzer: Analyzer, sentence: str) -> None:
    assert not analyzer.is_boilerplate(sentence)


def test_boilerplate_patterns_are_data(tmp_path: Path, analyzer: Analyzer) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    sentence = "Simak kuis berhadiah setiap Jumat."
    assert not analyzer.is_boilerplate(sentence)
    (lang / "boilerplate-local.txt").write_text("^simak kuis\n", encoding="utf-8")
    assert Analyzer.from_directory(lang).is_boilerplate(sentence)


def test_bad_boilerplate_pattern_names_the_line(tmp_path: Path) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    (lang / "boilerplate-local.txt").write_text("# ok\n(unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"boilerplate-local.txt:2"):
        Analyzer.from_directory(lang)


# --- fingerprint and loading --------------------------------------------------------


def test_fingerprint_is_stable_and_changes_with_data(tmp_path: Path, analyzer: Analyzer) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    original = Analyzer.from_directory(lang).fingerprint
    assert len(original) == 64 and int(original, 16) >= 0
    assert Analyzer.from_directory(lang).fingerprint == original
    assert analyzer.fingerprint == original  # the bundled folder itself
    with (lang / "stopwords-id.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nlavrov\n")
    changed = Analyzer.from_directory(lang).fingerprint
    assert changed != original
    (lang / "synonyms-extra.txt").write_text("BI | Bank Indonesia\n", encoding="utf-8")
    assert Analyzer.from_directory(lang).fingerprint not in {original, changed}


def test_missing_language_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="language data"):
        Analyzer.from_directory(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no language data"):
        Analyzer.from_directory(tmp_path / "empty")



def test_analyzers_share_what_sastrawi_found() -> None:
    # A reload, a build worker or an analyzer of other language data does not run
    # Sastrawi again on a word already stemmed in this process.
    from retrieval.stemming import sastrawi_stem

    word = "mempersoal" + "".join(random.choices("bdgklmnrst", k=6)) + "kan"
    Analyzer.from_directory(BUNDLED_LANGUAGE_DATA).terms(f"Mereka {word} itu.")
    misses = sastrawi_stem.cache_info().misses
    second = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    assert second.terms(f"Mereka {word} itu.") and sastrawi_stem.cache_info().misses == misses
