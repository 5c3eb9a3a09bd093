"""The Wordnet Bahasa lexicon (retrieval/wordnet.py) and its generator (benchmarks/wordnet_lexicon.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.wordnet import BUNDLED_WORDNET, Wordnet

# Synsets 0..5: two of adjectives, three of nouns, and a big one that only `largest` drops.
_TINY = """\
# a comment, then synsets numbered from 0
a pertama mula-mula
a terakhir akhir
n jepang
n negara
n swedia
v mati hidup wafat meninggal gugur lenyap
n korea
"""


def _tiny(tmp_path: Path, text: str = _TINY) -> Wordnet:
    path = tmp_path / "wn.txt"
    path.write_text(text, encoding="utf-8")
    return Wordnet.read(path)


def test_lemmas_find_their_synsets_and_big_synsets_can_be_left_out(tmp_path: Path) -> None:
    wn = _tiny(tmp_path)
    assert wn.synsets(["pertama"]) == {0}
    assert wn.synsets(["akhir", "jepang", "unknown"]) == {1, 2}
    assert wn.synsets(["hidup"]) == {5}
    assert wn.synsets(["hidup"], largest=5) == frozenset()
    assert wn.pos == "aannnvn" and wn.sizes == (2, 2, 1, 1, 1, 6, 1)


def test_an_older_files_relations_are_skipped(tmp_path: Path) -> None:
    # Files made before the relations were dropped carry `@n` hypernyms and `!n` antonyms:
    # they still read, to the same senses and sizes.
    older = _tiny(tmp_path, "a pertama mula-mula !1\na terakhir akhir !0\nn jepang @3\nn negara\n")
    assert older.senses == {"pertama": (0,), "mula-mula": (0,), "terakhir": (1,), "akhir": (1,), "jepang": (2,),
                            "negara": (3,)}
    assert older.sizes == (2, 2, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x pertama\n", r"wn\.txt:1: expected a part of speech"),
        ("# c\na pertama\n\npertama a\n", r"wn\.txt:4: expected a part of speech"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ValueError, match=expected):
        _tiny(tmp_path, text)


def test_an_unreadable_file_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "wn.txt"
    path.write_bytes(b"n \xff\xfe\n")
    with pytest.raises(ValueError, match=r"wn\.txt: cannot read"):
        Wordnet.read(path)


def test_the_bundled_file_reads_and_relates_indonesian_words() -> None:
    wn = Wordnet.read(BUNDLED_WORDNET)
    assert not wn.synsets(["wafat"]).isdisjoint(wn.synsets(["meninggal"]))
    assert not wn.synsets(["raja"], largest=3).isdisjoint(wn.synsets(["sultan"], largest=3))
    assert wn.synsets(["pertama"]).isdisjoint(wn.synsets(["terakhir"]))
    assert all(wn.sizes) and set(wn.pos) == {"n", "v", "a", "r"}
    assert BUNDLED_WORDNET.stat().st_size < 1_000_000


def test_the_generator_derives_each_synsets_single_word_lemmas(tmp_path: Path) -> None:
    from benchmarks.wordnet_lexicon import main

    tab = tmp_path / "wn-data-ind.tab"
    tab.write_text(
        "# Wordnet Bahasa\tind\turl\tMIT\n"
        "00000012-n\tind:lemma\tkorea\n"
        "00000001-a\tind:lemma\tpertama\n"
        "00000003-s\tind:lemma\tawal\n"
        "00000003-s\tind:lemma\tawal mula\n"
        "00000003-s\tind:lemma\tAwal\n"
        "00000003-s\tind:def\t0\tyang awal\n"
        "00000001-a\tind:lemma\tmula-mula\n"
        "00000011-n\tind:lemma\tJepang\n"
        "00000013-n\tind:lemma\t1945\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.txt"
    assert main([str(tab), "--out", str(out)]) == 0
    # By part of speech, then offset (satellites are adjectives); multi-word lemmas, case
    # repeats and lemmas without a letter left out; a synset with none left is no line.
    lines = [line for line in out.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert lines == ["a pertama mula-mula", "a awal", "n jepang", "n korea"]
    wn = Wordnet.read(out)
    assert "awal mula" not in wn.senses and wn.synsets(["jepang", "korea"]) == {2, 3}


def test_the_generator_names_a_bad_line(tmp_path: Path) -> None:
    from benchmarks.wordnet_lexicon import read_lemmas

    tab = tmp_path / "wn-data-ind.tab"
    tab.write_text("00000010-n\tind:lemma\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"wn-data-ind\.tab:1: expected `offset-pos<TAB>ind:lemma<TAB>lemma`"):
        read_lemmas(tab)


def test_synonyms_are_met_through_the_analyzer_terms(tmp_path: Path) -> None:
    from retrieval.ranking import Unit
    from retrieval.search import default_analyzer
    from retrieval.wordnet import synonym_weight

    wn = _tiny(tmp_path, "v jual pasar\nn mobil kendaraan\nn truk kendaraan mobil motor sepeda\n")
    analyzer = default_analyzer()

    def said(question: str, window_text: str, *, largest: int = 3) -> float:
        words = analyzer.word_terms(question)
        window = frozenset(analyzer.terms(window_text))
        units = [Unit(frozenset(terms), 1.0) for _word, terms in words if terms]
        lacking = [u for u in units if u.terms.isdisjoint(window)]
        return synonym_weight(wn, lacking, words, window, window_text, largest=largest)

    # "mobil" is said "kendaraan" in the window, and "dijual" (term `jual`) "dipasarkan"
    # (term `pasar`): synonyms cover both words' weight.
    assert said("Kapan mobil itu dijual?", "Kendaraan itu dipasarkan pada tahun 1970.") == 2.0
    # "truk" shares only a synset of five lemmas with "kendaraan": left out at three.
    assert said("Kapan truk itu dijual?", "Kendaraan itu dipasarkan pada tahun 1970.") == 1.0
    assert said("Kapan truk itu dijual?", "Kendaraan itu dipasarkan pada tahun 1970.", largest=5) == 2.0
    # A word of no synset the window shares counts nothing; nothing lacking, nothing said.
    assert said("Kapan kapal itu dibeli?", "Kendaraan itu dipasarkan pada tahun 1970.") == 0.0
    assert said("Kapan kendaraan itu dipasarkan?", "Kendaraan itu dipasarkan pada tahun 1970.") == 0.0


# A sultan's grave among unrelated news: "raja" (king) is the Wordnet Bahasa synonym of
# "sultan"; the corpus never uses "raja", so the question's heaviest word is missing from
# every window and the coverage floor declines it unless the synonym counts.
_NEWS = {
    "sultan": "Sultan itu dimakamkan di Imogiri pada tahun 1645. Makam itu ramai dikunjungi peziarah setiap tahun.",
    "gunung": "Gunung Merapi meletus pada tahun 2010. Ribuan warga dari lereng gunung mengungsi.",
    "jembatan": "Presiden meresmikan jembatan baru di Surabaya pada hari Senin. Jembatan itu menghubungkan dua kecamatan.",
    "pahlawan": "Jenazah pahlawan itu dimakamkan di taman makam pahlawan Kalibata. Upacara dipimpin oleh gubernur.",
    "banjir": "Banjir merendam ratusan rumah di Jakarta Timur. Warga mengungsi ke masjid terdekat.",
    "pasar": "Harga cabai di pasar tradisional naik tajam. Pedagang mengeluhkan sepinya pembeli.",
    "sepakbola": "Tim nasional menang dua gol tanpa balas. Pelatih memuji kerja keras para pemain.",
    "sekolah": "Sekolah itu menerima siswa baru bulan depan. Kepala sekolah menyiapkan ruang kelas tambahan.",
}


def test_a_question_in_other_words_passes_the_floor_a_substituted_one_does_not() -> None:
    import dataclasses
    import datetime as dt

    from retrieval.records import Article
    from retrieval.search import Engine

    engine = Engine.from_articles(
        [Article(id=k, title=k, source="Sumber", date=dt.date(2016, 12, 14), text=v) for k, v in _NEWS.items()]
    ).abstaining(None)
    assert engine.tuning.floor_synonyms > 0
    paraphrased, substituted = "Di mana raja itu dimakamkan?", "Di mana petani itu dimakamkan?"
    answer = engine.search(paraphrased)
    assert answer.answered and "Imogiri" in answer.hits[0].sentence.text
    # "petani" (farmer) is no synonym of anything the corpus says: still declined.
    assert not engine.search(substituted).answered
    # Without the synonyms the floor declines the paraphrase too.
    plain = engine.tuned(dataclasses.replace(engine.tuning, floor_synonyms=0))
    assert not plain.search(paraphrased).answered


def test_the_engine_reads_the_wordnet_and_word_lists_of_its_own_language_folder(tmp_path: Path) -> None:
    # A Docker volume over /app/corpus hides the bundled corpus/lang; LANGUAGE_DATA_PATH
    # (/app/lang) keeps a copy, and the engine must read its subfolders from there.
    import datetime as dt
    import shutil

    from config.settings import BUNDLED_LANGUAGE_DATA
    from retrieval.langfiles import language_subfolder
    from retrieval.records import Article
    from retrieval.search import Engine
    from retrieval.text import Analyzer

    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    # This folder's wordnet makes "petani" say "sultan": the bundled one does not.
    (lang / "wordnet" / BUNDLED_WORDNET.name).write_text("n sultan petani\n", encoding="utf-8")
    articles = [Article(id=k, title=k, source="Sumber", date=dt.date(2016, 12, 14), text=v) for k, v in _NEWS.items()]
    own = Engine.from_articles(articles, analyzer=Analyzer.from_directory(lang)).abstaining(None)
    answer = own.search("Di mana petani itu dimakamkan?")
    assert answer.answered and "Imogiri" in answer.hits[0].sentence.text
    assert not Engine.from_articles(articles).abstaining(None).search("Di mana petani itu dimakamkan?").answered
    assert language_subfolder(own.analyzer.directory, "abstention") == lang / "abstention"
    # A language folder without the subfolders falls back to the bundled ones.
    shutil.rmtree(lang / "wordnet")
    shutil.rmtree(lang / "abstention")
    bare = Engine.from_articles(articles, analyzer=Analyzer.from_directory(lang)).abstaining(None)
    assert language_subfolder(bare.analyzer.directory, "abstention") == BUNDLED_LANGUAGE_DATA / "abstention"
    assert bare.search("Di mana raja itu dimakamkan?").answered
