"""The Wordnet Bahasa lexicon (retrieval/wordnet.py) and its generator (benchmarks/wordnet_lexicon.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.wordnet import BUNDLED_WORDNET, Wordnet

# Synsets 0..6: "pertama" (first) against "terakhir" (last); two countries under one
# hypernym (3) and a third under another (4); a big synset that only `largest` drops.
_TINY = """\
# a comment, then synsets numbered from 0
a pertama mula-mula !1
a terakhir akhir !0
n jepang @3
n negara-asia @4
n negara
n swedia @4
v mati hidup wafat meninggal gugur lenyap
n korea @3
"""


def _tiny(tmp_path: Path, text: str = _TINY) -> Wordnet:
    path = tmp_path / "wn.txt"
    path.write_text(text, encoding="utf-8")
    return Wordnet.read(path)


def test_lemmas_find_their_synsets_and_big_synsets_can_be_left_out(tmp_path: Path) -> None:
    wn = _tiny(tmp_path)
    assert wn.synsets(["pertama"]) == {0}
    assert wn.synsets(["akhir", "jepang", "unknown"]) == {1, 2}
    assert wn.synsets(["hidup"]) == {6}
    assert wn.synsets(["hidup"], largest=5) == frozenset()
    assert wn.pos == "aannnnvn" and wn.sizes[4] == 1 and wn.sizes[3] == 1


def test_antonyms_and_siblings(tmp_path: Path) -> None:
    wn = _tiny(tmp_path)
    first, last = wn.synsets(["pertama"]), wn.synsets(["terakhir"])
    assert wn.opposed(first, last) and wn.opposed(last, first)
    assert not wn.opposed(first, first)
    japan, korea, sweden = wn.synsets(["jepang"]), wn.synsets(["korea"]), wn.synsets(["swedia"])
    assert wn.siblings(japan, korea) and wn.siblings(korea, japan)
    # Under another hypernym, or the hypernym itself, is no sibling.
    assert not wn.siblings(japan, sweden)
    assert not wn.siblings(japan, wn.synsets(["negara-asia"]))
    assert not wn.siblings(japan, japan)
    # Adjectives are no siblings unless asked for.
    assert not wn.siblings(first, last)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x pertama\n", r"wn\.txt:1: expected a part of speech"),
        ("# c\na pertama !x\n", r"wn\.txt:2: `@` and `!` need a synset number"),
        ("n jepang @7\n", r"wn\.txt:1: names a synset beyond the 1"),
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
    assert wn.opposed(wn.synsets(["pertama"]), wn.synsets(["terakhir"]))
    assert wn.opposed(wn.synsets(["lunak"]), wn.synsets(["keras"]))
    assert not wn.synsets(["wafat"]).isdisjoint(wn.synsets(["meninggal"]))
    assert BUNDLED_WORDNET.stat().st_size < 2_000_000


def test_the_generator_derives_synsets_relations_and_satellites(tmp_path: Path) -> None:
    from benchmarks.wordnet_lexicon import main

    pwn = tmp_path / "pwn"
    pwn.mkdir()
    # Two adjective heads, antonyms; a satellite of the first; two nouns under one hypernym.
    (pwn / "data.adj").write_text(
        "  1 licence header\n"
        "00000001 00 a 01 first 0 001 ! 00000002 a 0101 | first\n"
        "00000002 00 a 01 last 0 001 ! 00000001 a 0101 | last\n"
        "00000003 00 s 01 initial 0 001 & 00000001 a 0000 | initial\n",
        encoding="utf-8",
    )
    (pwn / "data.noun").write_text(
        "00000010 00 n 01 country 0 000 | country\n"
        "00000011 00 n 01 japan 0 001 @i 00000010 n 0000 | japan\n"
        "00000012 00 n 01 korea 0 001 @i 00000010 n 0000 | korea\n",
        encoding="utf-8",
    )
    (pwn / "data.verb").write_text("", encoding="utf-8")
    (pwn / "data.adv").write_text("", encoding="utf-8")
    tab = tmp_path / "wn-data-ind.tab"
    tab.write_text(
        "# Wordnet Bahasa\tind\turl\tMIT\n"
        "00000001-a\tind:lemma\tpertama\n"
        "00000002-a\tind:lemma\tterakhir\n"
        "00000003-s\tind:lemma\tawal\n"
        "00000003-s\tind:lemma\tawal mula\n"
        "00000003-s\tind:def\t0\tyang awal\n"
        "00000011-n\tind:lemma\tJepang\n"
        "00000012-n\tind:lemma\tkorea\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.txt"
    assert main([str(tab), str(pwn), "--out", str(out)]) == 0
    wn = Wordnet.read(out)
    assert "awal mula" not in wn.senses and "jepang" in wn.senses
    assert wn.opposed(wn.synsets(["awal"]), wn.synsets(["terakhir"]))
    assert wn.siblings(wn.synsets(["jepang"]), wn.synsets(["korea"]))


def test_the_generator_names_a_bad_line(tmp_path: Path) -> None:
    from benchmarks.wordnet_lexicon import read_pwn

    (tmp_path / "data.noun").write_text("00000010 00 n zz country\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"data\.noun:1: not a WordNet data line"):
        read_pwn(tmp_path)


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
    assert own._language_folder("abstention") == lang / "abstention"
    # A language folder without the subfolders falls back to the bundled ones.
    shutil.rmtree(lang / "wordnet")
    shutil.rmtree(lang / "abstention")
    bare = Engine.from_articles(articles, analyzer=Analyzer.from_directory(lang)).abstaining(None)
    assert bare._language_folder("abstention") == BUNDLED_LANGUAGE_DATA / "abstention"
    assert bare.search("Di mana raja itu dimakamkan?").answered
