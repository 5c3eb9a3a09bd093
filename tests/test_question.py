from __future__ import annotations

import re

import pytest

from retrieval.question import Wants, focus, named, offers, offers_beside, wants, written_as_name


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
        ("Seberapa sering mereka bertemu?", Wants.FREQUENCY),
        ("How often do the diplomats meet?", Wants.FREQUENCY),
        ("Berapa kali mereka bertemu?", Wants.NUMBER),
        # An end point is as often an event as a date.
        ("Sampai kapan oposisi akan melawan?", Wants.ANYTHING),
        ("Hingga kapan gencatan senjata berlaku?", Wants.ANYTHING),
        ("Dari manakah solar akan diimpor?", Wants.PLACE),
        ("Ke manakah pesawat itu terbang?", Wants.PLACE),
        ("Apa nama induk organisasi kempo di Indonesia?", Wants.NAME),
        ("Partai apakah yang memenangi pemilu?", Wants.NAME),
        ("Apakah kepanjangan PVSEC?", Wants.NAME),
        ("Universitas mana yang didirikan tahun 1459?", Wants.NAME),
        ("Siapa nama pengarang buku itu?", Wants.PERSON),
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


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        # Years before 1800, and years marked by their era or after "tahun"/"pada" (IDK-MRC `kapan` answers).
        ("Kerajaan Majapahit pernah berdiri sekitar tahun 1293 hingga 1500.", True),
        ("Aristoteles (384 SM – 322 SM) adalah seorang filsuf Yunani.", True),
        ("Al-Mas'udi dilahirkan di kota Baghdad, 283H.", True),
        ("Gotrasawala ini berlangsung pada 1599 Saka.", True),
        ("Kerajaan ini berdiri dari tahun 840 hingga 987.", True),
        ("Liturgi itu direvisi oleh Patriark Yeshuyab III kira-kira pada 650.", True),
        ("Sejarah antena parabola dapat diamati mulai dari 1970an.", True),
        ("Didong dimulai sejak zaman Reje Linge XIII.", True),
        ("Jalur itu mulai digunakan pada masa Orde Baru.", True),
        ("Atom dikenal kira-kira 800 sebelum masehi.", True),
        # Quantities and other numbers are no time: a count, metres, a price, a decimal after "pada".
        ("Desa itu dihuni 1.500 orang petani.", False),
        ("Menara itu setinggi 324 m di atas tanah.", False),
        ("Suhu turun pada 12,5 derajat.", False),
        ("Semasa kecil ia gemar membaca.", False),
    ],
)
def test_encyclopedia_times_are_found(sentence: str, found: bool) -> None:
    assert offers(sentence, Wants.TIME, question="Kapan kerajaan itu berdiri?") is found


def test_a_place_may_follow_a_few_lower_case_words_after_di() -> None:
    question = "Di manakah letak pulau Flores?"
    # "di provinsi X", "di tengah pulau X": the place is named after words that say what kind it is.
    assert offers("Ponorogo adalah sebuah kabupaten di provinsi Jawa Timur.", Wants.PLACE, question=question)
    assert offers("Danau ini terletak di tengah pulau Sumatera bagian utara.", Wants.PLACE, question=question)
    # Only the place asked about, or no capitalised name within three words: nothing offered.
    assert not offers("Nama itu dipakai untuk wilayah timur dari pulau Flores.", Wants.PLACE, question=question)
    assert not offers("Dia tinggal di rumah kecil milik keluarga itu.", Wants.PLACE, question=question)


def test_one_of_counts_nothing_and_a_century_is_a_time() -> None:
    question = "Berapa tinggi menara itu?"
    assert not offers("Menara itu salah satu bangunan tertinggi di Paris.", Wants.NUMBER, question=question)
    assert not offers("Menara itu satu-satunya bangunan besi di Paris.", Wants.NUMBER, question=question)
    assert offers("Menara itu punya satu antena.", Wants.NUMBER, question=question)
    question = "Kapan teori evolusi ditemukan?"
    assert offers("Pada awal abad ke-19, Lamarck mengajukan teorinya.", Wants.TIME, question=question)
    assert not offers("Teori ini merupakan teori evolusi pertama yang ilmiah.", Wants.TIME, question=question)


def test_anything_offers_nothing() -> None:
    assert not offers("Sergey Lavrov, 7.000 warga, Rabu (14/12).", Wants.ANYTHING, question="Mengapa?")


def test_places_and_titles_are_not_new_people() -> None:
    question = "Siapa yang memveto rencana di Aleppo?"
    # Two capitalised words ending in a compass point or "Serikat" name a place.
    assert not offers("Rencana gencatan senjata di Aleppo Timur ditolak.", Wants.PERSON, question=question)
    assert not offers("Amerika Serikat menolak.", Wants.PERSON, question=question)
    # A title before a name the question already holds brings no one new.
    assert not offers("Kontak terus terjadi, kata Lavrov.", Wants.PERSON, question="Siapa yang ditemui Lavrov?")
    assert offers("Kontak terus terjadi, kata Lavrov.", Wants.PERSON, question="Siapa yang berkata demikian?")


def test_frequency() -> None:
    question = "Seberapa sering pertemuan Rusia dan Amerika di Jenewa?"
    assert offers("Setiap minggu, kedua pihak bertemu di Jenewa.", Wants.FREQUENCY, question=question)
    assert offers("Mereka bertemu dua kali sebulan.", Wants.FREQUENCY, question=question)
    assert not offers("Kedua pihak bertemu di Jenewa, Selasa (7/2).", Wants.FREQUENCY, question=question)


def test_a_name_beside_the_role_asked_about() -> None:
    question = "Siapa Wamenlu Rusia yang mengumumkan kontak dengan HTS?"
    sentence = "Hal ini disampaikan Wakil Menteri Luar Negeri (Wamenlu) Rusia, Mikhail Bogdanov, pada Kamis."
    assert offers_beside(sentence, Wants.PERSON, question=question)
    elsewhere = "Rusia menjalin kontak dengan HTS, yang berkuasa setelah penggulingan Presiden Bashar al-Assad."
    assert offers(elsewhere, Wants.PERSON, question=question)
    assert not offers_beside(elsewhere, Wants.PERSON, question=question)
    # The role word must be the question's, and a function word is not a role.
    assert not offers_beside("Dia bertemu dengan Mikhail Bogdanov.", Wants.PERSON, question="Siapa yang datang dengan dia?")


def test_a_date_or_number_beside_a_word_of_the_question() -> None:
    question = "Kapan Jembatan Merah diresmikan?"
    # The date a few words from the predicate asked about, before or after it.
    assert offers_beside("Jembatan itu diresmikan pada tanggal 17 Agustus 1931.", Wants.TIME, question=question)
    assert offers_beside("Pada 1931 jembatan itu diresmikan.", Wants.TIME, question=question)
    # A date about something else in the sentence is offered, but not beside it.
    far = "Pada tahun 1950 kota itu diperluas ke utara, dan jembatan yang lama akhirnya diresmikan kembali."
    assert offers(far, Wants.TIME, question=question)
    assert not offers_beside(far, Wants.TIME, question=question)
    # A word that only says what kind of thing is asked ("tahun") is no sign: it stands beside any year.
    assert not offers_beside("Sungai itu meluap pada tahun 1931.", Wants.TIME, question="Tahun berapa Jembatan Merah dibangun?")
    assert offers_beside("Luas wilayahnya mencapai 120 km2.", Wants.NUMBER, question="Berapa luas wilayah Bali?")
    assert not offers_beside("Jumlah penduduknya 120 ribu jiwa.", Wants.NUMBER, question="Berapa luas wilayah Bali?")
    # The name the question is about stands beside every number of its article: only
    # what the question says of it (written in lower case) counts.
    cibodas = "Berapakah luas area Kebun Raya Cibodas?"
    assert not offers_beside("Pada ulang tahun ke-153 Kebun Raya Cibodas, taman dibuka.", Wants.NUMBER, question=cibodas)
    assert offers_beside("Kebun Raya Cibodas memiliki luas 125 hektar.", Wants.NUMBER, question=cibodas)


def test_a_name_is_a_capitalised_word_the_question_lacks() -> None:
    question = "Apa nama induk organisasi kempo di Indonesia?"
    assert offers("Induk organisasi kempo di Indonesia adalah Perkemi.", Wants.NAME, question=question)
    assert not offers("Olah raga kempo di Indonesia berkembang pesat.", Wants.NAME, question=question)
    # The capital that opens a sentence names nothing.
    assert not offers("Organisasi kempo berkembang pesat.", Wants.NAME, question=question)


def test_the_role_asked_about_may_open_the_name() -> None:
    question = "Siapakah Menteri Perhubungan Indonesia sekarang?"
    assert offers_beside("Menteri Perhubungan Hatta Rajasa meninjau bandara.", Wants.PERSON, question=question)
    assert not offers_beside("Menteri Keuangan Sri Mulyani meninjau bandara.", Wants.PERSON, question=question)


def test_initials_belong_to_names() -> None:
    question = "Siapakah atlet yang meraih dua emas?"
    assert offers("M Fauzan dari Musi Banyuasin meraih dua emas.", Wants.PERSON, question=question)
    assert offers("Atlet asal Palembang, Albert C Susanto, meraih emas.", Wants.PERSON, question=question)


def test_a_date_is_not_the_quantity_asked_for() -> None:
    question = "Berapakah jumlah karyawan kontrak pabrik itu?"
    assert not offers("Pabrik berhenti beroperasi sejak 8 September 2005.", Wants.NUMBER, question=question)
    assert not offers("Pabrik berhenti beroperasi Senin (12/9).", Wants.NUMBER, question=question)
    assert offers("Karyawan kontrak 2.000 orang.", Wants.NUMBER, question=question)
    assert offers("Pada 8 September 2005 tercatat 2.000 karyawan kontrak.", Wants.NUMBER, question=question)


def test_a_citation_mark_is_not_the_number_asked_for() -> None:
    question = "Berapa jumlah penduduk kota itu?"
    assert not offers("Kota itu padat penduduk.[2][3]", Wants.NUMBER, question=question)
    assert not offers("Kota itu padat penduduk.[note 4]", Wants.NUMBER, question=question)
    assert offers("Penduduknya 2 juta jiwa.[3]", Wants.NUMBER, question=question)


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("Badan apa yang mengurus pemilu?", "badan"),
        ("Di kota manakah konferensi itu digelar?", "kota"),
        ("Dengan kelompok mana saja Rusia berdialog?", "kelompok"),
        ("Siapa pelatih karate nasional?", "pelatih"),
        ("Berapakah jumlah karyawan kontrak?", "jumlah"),
        ("Mengapa Rusia memveto resolusi?", None),
    ],
)
def test_focus_is_the_noun_asked_about(question: str, noun: str | None) -> None:
    words = [(w, (w.casefold(),)) for w in re.findall(r"\w+", question)]
    assert focus(question, words) == ((noun,) if noun else ())


def _named(question: str) -> list[str]:
    from retrieval.question import named
    from retrieval.search import default_analyzer

    return [name for name, _terms in named(default_analyzer().word_terms(question))]


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Apa kata Lavrov tentang Korea Utara?", ["Lavrov", "Korea Utara"]),
        # Dates are not required: a news sentence rarely repeats its article's date.
        ("Siapa pendiri Cape Town pada 12 September 1852?", ["Cape Town"]),
        # The first word is capitalised because it opens the question.
        ("Rusia mengundang siapa ke Moskow?", ["Moskow"]),
        ("Siapakah yang menemukan virus polio?", []),
        # An Arabic name's article opens a word of the name in lower case.
        ("Siapa Abu Mohammed al-Jolani?", ["Abu Mohammed al-Jolani"]),
        ("Kapan al-Qaeda dibentuk?", ["al-Qaeda"]),
        # A brand's capital inside the word names it, even as the first word.
        ("When is the next iPhone coming out?", ["iPhone"]),
        ("eBay didirikan oleh siapa?", ["eBay"]),
        # ... but not a preposition run into a name, nor one word run into the next.
        ("Apakah kota yang terkenal diTurki?", []),
        ("Apa ibu kota negaraRepublik itu?", []),
        # A middle initial is part of the name, not where it ends: a story that says
        # only "Sony" is about "Sony D. Kuncoro".
        ("Tanggal berapakah Sony D. Kuncoro lahir?", ["Sony D Kuncoro"]),
        ("Kapan George W Bush bertemu Putin?", ["George W Bush", "Putin"]),
        # ... but not a capital letter standing alone.
        ("Did Lavrov say I was wrong?", ["Lavrov"]),
    ],
)
def test_named_reads_the_things_a_question_names(question: str, names: list[str]) -> None:
    assert _named(question) == names


def test_a_name_is_found_by_a_distinctive_word_not_a_generic_one() -> None:
    from retrieval.question import named
    from retrieval.ranking import missing_names
    from retrieval.search import default_analyzer

    analyzer = default_analyzer()

    def missing(question: str, sentence: str) -> list[str]:
        return missing_names(named(analyzer.word_terms(question)), frozenset(analyzer.terms(sentence)))

    # "Newman" alone names Paul Leonard Newman; "Utara" alone does not name Korea Utara,
    # nor "Kabupaten" and "Barat" a Kabupaten Mantan Barat.
    assert missing("Kapan Paul Leonard Newman lahir?", "Newman lahir pada 1925.") == []
    assert missing("Apa kata Lavrov tentang Korea Utara?", "Lavrov berbicara tentang Aleppo Utara.") == ["Korea Utara"]
    assert missing("Berapa luas Kabupaten Mantan Barat?", "Kabupaten Brebes di Jawa Barat luas.") == ["Kabupaten Mantan Barat"]
    # Nor does the article "al" (or "Al") that every al-name holds.
    assert missing("Apa kata Moaz Al-Khatib?", "Moaz tiba di Moskow.") == []
    assert missing("Apa kata Ahmed al-Sharaa?", "Kata Bashar al-Assad ditolak.") == ["Ahmed al-Sharaa"]
    assert missing("Apa kata Ahmed Al-Sharaa?", "Kata Bashar Al-Assad ditolak.") == ["Ahmed Al-Sharaa"]
    # In a name of three words or more a given name many share tells nothing either:
    # "Mohammed" of "Mohammed bin Salman" is no "Abu Mohammed al-Jolani".
    jolani = "Siapa Abu Mohammed al-Jolani?"
    assert missing(jolani, "Menteri Pertahanan Mohammed bin Salman tiba.") == ["Abu Mohammed al-Jolani"]
    assert missing(jolani, "Al-Jolani memimpin HTS.") == []
    # Two words are told apart by either: "Muhammad SAW", "Tanowi Ahmad".
    assert missing("Siapa ibu Muhammad SAW?", "Muhammad lahir di Mekkah.") == []


@pytest.mark.parametrize(
    ("question", "names"),
    [
        # Degrees after a name and abbreviated honorifics before it are no things asked
        # about: "Sc" and "IP" made the engine decline over articles that name the person.
        ("tahun berapakah Dr. Ir. Arief Yahya, M.Sc. dilahirkan?", ["Arief Yahya"]),
        ("Dimana H. Ganjar Pranowo, S.H., M.IP. lahir?", ["Ganjar Pranowo"]),
        ("Apakah pekerjaan pertama Prof. Daniel M. Rosyid PhD, M.RINA?", ["Daniel M Rosyid"]),
        # An initial is no degree, nor a capitalised word after a full stop; it is part
        # of the name it stands in (session 38; "George" and "Bush" apart before).
        ("Kapan George W. Bush lahir?", ["George W Bush"]),
        ("Di mana markas PT. Pindad?", ["PT Pindad"]),
        ("Kapan Jakarta, Indonesia. Didirikan?", ["Jakarta Indonesia Didirikan"]),
    ],
)
def test_degrees_and_honorifics_are_not_names(question: str, names: list[str]) -> None:
    from retrieval.question import named, titles
    from retrieval.search import default_analyzer

    words = default_analyzer().word_terms(question)
    assert [name for name, _terms in named(words, skip=titles(question))] == names


def test_scans_find_the_spans_of_the_patterns_themselves() -> None:
    # Ranking scans candidates with `_Scan` (lowered text, case-sensitive) instead of
    # the IGNORECASE patterns: the spans must be the same on any text.
    from config.settings import BUNDLED_CORPUS
    from retrieval.corpus import load_corpus
    from retrieval.question import _DATES, _OFFER_SCANS, _Scan
    from retrieval.sentences import split_sentences

    texts = [s for article in load_corpus(BUNDLED_CORPUS).articles for s in split_sentences(article.text)]
    texts += [
        "PADA 12 SEPTEMBER 2005, SEJAK SENIN (14/12) PUKUL 10.30, DUA KALI SETIAP PEKAN INI",
        "Rabu\u00a0(7/2) “Kemarin” – tiga ribu — Setengah… ‘sekali’",
        # Letters re.IGNORECASE folds onto ASCII ones (Kelvin sign, long s, dotted/dotless i),
        # and other non-ASCII letters: these take the pattern itself.
        "\u212aemarin \u017Fejak \u0130ni h\u0131ri Sabtu, d\u00fca kal\u00ed, 5\u00a0Jun\u0130",
        "SEK\u212aALI seti\u017Fap Jumat 2010 ſatu",
    ]
    scans = [*_OFFER_SCANS.values(), _DATES]
    assert sum(scan._exact is not None for scan in scans) >= 4  # the IGNORECASE ones take the fast path
    for scan in scans:
        for text in texts:
            assert list(scan.spans(text)) == [m.span() for m in scan.pattern.finditer(text)], (scan.pattern, text)
    with pytest.raises(ValueError, match="lower case"):
        _Scan(re.compile(r"\bSenin\b", re.I))


# Texts where a word stands whole or inside another, in any case, glued to digits or
# marks, and non-ASCII text (letters re.IGNORECASE folds onto ASCII ones among them).
_WORD_TEXTS = [
    "Stasiun itu diresmikan SEJAK 1920 dengan 22 STASIUN",
    "22 st\u00e1siun, diresmik\u00e1n 5 stasiun",
    "\u212a DIRESMIKAN SEJAK 1920 DENGAN 22 STASIUN",
    "prasejak sejak_ _sejak sejak2 2sejak Sejak-sejak (sejak) sejak.",
    "luasnya luas Luas-nya seluas LUASNYA wilayah\u00a0luas \u201cluas\u201d luas\u2026",
    "memiliki 22stasiun, 1.200 stasiunnya, 3 ribu lebih stasiun dan 5 stasiun\u00b2 serta 7 substasiun",
    "dua puluh STASIUN; ratusan stasiun; sepuluh ribu juta stasiun; 12,5 stasiun; 4 x stasiun",
    "se ratus stasiun, dua\u00a0ribu stasiun, 9stasiun_, \u017fejak 2 \u017ftasiun \u0130stasiun 3 stas\u0131un",
    "stasiun 22, stasiun. 22",
    # Each alone: a number before the noun standing inside a longer word.
    "ada 1.200 stasiunnya", "ada 5 stasiun\u00b2 saja", "ada 7 substasiun", "ada 4 STASIUN_",
    "",
]


@pytest.mark.parametrize(
    "question",
    [
        "Kapan kota itu diresmikan sejak dahulu?",
        "Berapa luas dan luasnya wilayah itu?",
        "Sejak kapan stasiun sejak_ itu ada?",
        "Di mana stasiun seluas itu?",
    ],
)
def test_a_questions_words_are_found_where_their_pattern_finds_them(question: str) -> None:
    # `_plain_words` finds the words with `str.find` instead of compiling a pattern per
    # question: the spans must be those of the pattern itself, on any text.
    from config.settings import BUNDLED_CORPUS
    from retrieval.corpus import load_corpus
    from retrieval.question import _FUNCTION_WORDS, _KIND_WORDS, _plain_words
    from retrieval.sentences import split_sentences

    words = {w for w in re.findall(r"\w+", question)
             if w == w.casefold() and not w.isdigit() and w not in _FUNCTION_WORDS | _KIND_WORDS}
    reference = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(words))) + r")\b", re.IGNORECASE)
    texts = [s for article in load_corpus(BUNDLED_CORPUS).articles for s in split_sentences(article.text)]
    found = _plain_words(question)
    assert found is not None
    for text in _WORD_TEXTS + texts + [t.upper() for t in _WORD_TEXTS]:
        assert list(found.spans(text)) == [m.span() for m in reference.finditer(text)], (question, text)


@pytest.mark.parametrize(
    ("question", "noun"),
    [("Berapa jumlah stasiun di sana?", "stasiun"), ("Ada berapa kecamatan di Jambi?", "kecamatan"),
     ("Berapa banyak orang tewas?", "orang")],
)
def test_a_counted_noun_is_found_where_its_pattern_finds_it(question: str, noun: str) -> None:
    # `gives_measure` finds a counted noun with `str.find` and one pattern compiled once,
    # instead of compiling the quantity pattern per question: it must find one exactly
    # where that pattern does.
    from config.settings import BUNDLED_CORPUS
    from retrieval.corpus import load_corpus
    from retrieval.question import _QUANTITY, gives_measure
    from retrieval.sentences import split_sentences

    reference = re.compile(_QUANTITY.format(units=re.escape(noun)), re.IGNORECASE)
    texts = [s for article in load_corpus(BUNDLED_CORPUS).articles for s in split_sentences(article.text)]
    texts += [t.replace("stasiun", noun) for t in _WORD_TEXTS]
    texts += [t.upper() for t in texts[-len(_WORD_TEXTS):]]
    found = [gives_measure(text, question) for text in texts]
    assert found == [reference.search(text) is not None for text in texts]
    assert sum(found) >= 5  # not a test of nothing found


def test_spelling_key_joins_spellings_of_one_name_only() -> None:
    from retrieval.question import spelling_key

    for one, other in [("ethiopia", "etiopia"), ("baghdad", "bagdad"), ("buddha", "budha"), ("djuanda", "juanda"),
                       ("socrates", "sokrates"), ("soekarno", "sukarno"), ("scotlandia", "skotlandia")]:
        assert spelling_key(one) == spelling_key(other), (one, other)
    # Another vowel or consonant sound is another name (IDK-MRC's unanswerable swaps).
    for one, other in [("belanda", "helanda"), ("palopo", "palapo"), ("cilacap", "ciracap"), ("tenggara", "senggara")]:
        assert spelling_key(one) != spelling_key(other), (one, other)
    # Too short or not a word: not compared.
    assert spelling_key("kpk") is None and spelling_key("a1b2c") is None


def test_an_office_spelled_in_several_words_is_not_what_a_name_is_found_by() -> None:
    # The synonym list knows "Menteri Luar Negeri" as one office (~menlu): a sentence on
    # Russia's foreign minister does not hold "Menteri Luar Negeri Indonesia" by "Luar".
    words = [("Siapa", ()), ("Menteri", ("menteri", "~menlu")), ("Luar", ("luar", "~menlu")),
             ("Negeri", ("negeri", "~menlu")), ("Indonesia", ("indonesia",)), ("sekarang", ("sekarang",))]
    assert named(words) == [("Menteri Luar Negeri Indonesia", (frozenset({"indonesia"}),))]
    # Without a title at its head the run keeps its words ("Luar Negeri" alone is no office).
    plain = [("Siapa", ()), ("Luar", ("luar", "~menlu")), ("Negeri", ("negeri", "~menlu")), ("Indonesia", ("indonesia",))]
    assert named(plain)[0][1] == (frozenset({"luar", "~menlu"}), frozenset({"negeri", "~menlu"}), frozenset({"indonesia"}))


@pytest.mark.parametrize(
    ("sentence", "agent"),
    [
        ("Jembatan itu dibangun oleh Hutama Karya pada 1998.", True),
        ("Pabrik gula ini didirikan oleh pengusaha Tionghoa Oei Tiong Ham.", True),
        ("The bridge was designed by Ove Arup.", True),
        ("Jembatan itu dibangun oleh warga desa secara gotong royong.", False),
        ("Jembatan itu dibuka pada 1998 untuk umum.", False),
    ],
)
def test_a_passive_sentence_names_who_did_it(sentence: str, agent: bool) -> None:
    from retrieval.question import names_agent

    assert names_agent(sentence) is agent


# The offer patterns as first written, one `\b` per alternative: `question.py` writes
# them so that `re` rejects most positions at once, which must find the very same spans.
_MONTHS_PLAIN = "|".join(
    "januari februari maret april mei juni juli agustus september oktober november desember january february march "
    "may june july august october december jan feb mar apr jun jul agu aug sep okt oct nov des dec".split()
)
_DAYS_PLAIN = "|".join(
    "senin selasa rabu kamis jumat sabtu minggu monday tuesday wednesday thursday friday saturday sunday".split()
)
_RELATIVE_PLAIN = (
    r"kemarin|besok|lusa|pekan\s+(ini|lalu|depan)|minggu\s+(ini|lalu|depan)|bulan\s+(ini|lalu|depan)|"
    r"tahun\s+(ini|lalu|depan)|hari\s+ini|awal\s+(pekan|tahun|bulan)|akhir\s+(pekan|tahun|bulan)|"
    r"sebelumnya|sejak|pagi|siang|sore|malam|abad|zaman|era|masa|masehi|hijriah|hijriyah"
)
_YEARS_PLAIN = (
    r"(1\d|20)\d\d(-?an)?\b|\d{1,4}\s?(sm|bc|bce|masehi|hijriah|hijriyah|saka)\b|\d{1,4}h\b|"
    r"(tahun|pada|sejak)\s+\d{2,4}\b(?![.,]\d)"
)
_PLAIN_PATTERNS = {
    "_TIME_RE": re.compile(
        rf"\(\d{{1,2}}/\d{{1,2}}(/\d{{2,4}})?\)|\b\d{{1,2}}[./]\d{{2}}\b|\b({_YEARS_PLAIN})|"
        rf"\b({_MONTHS_PLAIN})\b|\b({_DAYS_PLAIN})\b|\b({_RELATIVE_PLAIN})\b",
        re.I,
    ),
    "_DATE_RE": re.compile(
        rf"\b\d{{1,2}}\s+({_MONTHS_PLAIN})(\s+\d{{4}})?\b|\b({_MONTHS_PLAIN})\s+\d{{4}}\b|"
        r"\(\d{1,2}/\d{1,2}(/\d{2,4})?\)|\b(tahun|tanggal|sejak|pada)\s+(1[89]|20)\d\d\b",
        re.I,
    ),
    "_NUMBER_RE": re.compile(
        r"\d|(?<!salah )\bsatu\b(?!-satunya)|\b(dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|"
        r"puluhan|ratusan|ribuan|belas|puluh|ratus|ribu|juta|miliar|triliun|seratus|seribu|setengah|separuh|"
        r"one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion)\b",
        re.I,
    ),
}


def _pattern_texts() -> list[str]:
    """Corpus sentences, and strings of the pieces the patterns are made of, glued every way."""
    import random

    from config.settings import BUNDLED_CORPUS
    from retrieval.corpus import load_corpus
    from retrieval.sentences import split_sentences
    from tests.sampling import examples

    texts = [s for article in load_corpus(BUNDLED_CORPUS).articles for s in split_sentences(article.text)]
    texts += ["x(13/12) 10.30a 1930x _2005 2005_ salah satu satu-satunya Salah  satu satu-satu sebelas-dua",
              "pekan  ini, minggu ini, Minggu\u00a0lalu (1/2/2010)(3/4) 12 Mei2005 12 mei 2005 Mei 20055 tahun 19999"]
    pieces = ["(", ")", "/", ".", "-", "_", " ", "  ", "\u00a0", "1", "12", "2005", "1999", "20", "x", "Mei", "mei",
              "maret", "march", "MARET", "jan", "januari", "senin", "minggu", "ini", "lalu", "pekan", "tahun", "tanggal",
              "sejak", "pada", "salah", "satu", "-satunya", "satunya", "dua", "sebelas", "abad", "\u212a", "\u017f", "ſatu",
              "1293", "650", "SM", "sm", "h", "H", "an", "-an", "masa", "zaman", "Saka", "masehi", ","]
    rng = random.Random(12)
    texts += ["".join(rng.choices(pieces, k=rng.randint(1, 12))) for _ in range(examples(20000))]
    return texts


@pytest.mark.parametrize(
    "alternatives",
    [
        ["minggu", r"minggu\s+(ini|lalu)", "mar", "maret", "march", "mei", "may", "ma"],
        [r"minggu\s+(ini|lalu)", "minggu", "maret", "mar", "", "ma", "may"],
        ["ab", r"\d+", "abc", "a", "b", "abd", "", "ba", "abcd"],
        [*"januari februari maret mar jan senin sejak".split(), r"sejak\s+\d+", "s", "se"],
    ],
)
def test_shared_letters_match_what_the_alternatives_match_in_order(alternatives: list[str]) -> None:
    # Without a `\b` after them the order of the alternatives decides the match: the
    # shared-letter form must keep it (first to last), and read the same on any text.
    from retrieval.question import _shared_letters

    plain, shared = re.compile("|".join(alternatives)), re.compile(_shared_letters(alternatives))
    texts = ["minggu ini, maret, march mar mei may ma", "abcd abc ab a b ba abd 12 sejak 1920 se s", *alternatives]
    for text in texts + [t.upper() for t in texts]:
        assert [m.span() for m in shared.finditer(text)] == [m.span() for m in plain.finditer(text)], text
        assert [m.span() for m in re.finditer(shared.pattern, text, re.I)] == [
            m.span() for m in re.finditer(plain.pattern, text, re.I)
        ], text


@pytest.mark.parametrize("name", sorted(_PLAIN_PATTERNS))
def test_offer_patterns_find_what_the_plain_patterns_find(name: str) -> None:
    import retrieval.question as question

    fast, plain = getattr(question, name), _PLAIN_PATTERNS[name]
    assert fast.flags == plain.flags
    exact_fast, exact_plain = (re.compile(p.pattern, p.flags & ~re.I) for p in (fast, plain))
    for text in _pattern_texts():
        assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)], text
        lowered = text.lower()
        assert [m.span() for m in exact_fast.finditer(lowered)] == [m.span() for m in exact_plain.finditer(lowered)], text
        for word in text.split():
            assert bool(fast.fullmatch(word)) == bool(plain.fullmatch(word)), word


@pytest.mark.parametrize(
    ("sentence", "question", "given"),
    [
        # The unit of the measure asked: an area for "luas", a length for "tinggi", people for "penduduk".
        ("Turki menempati lahan seluas 783.562 kilometer persegi.", "Berapa luas Turki?", True),
        ("Luas wilayahnya adalah 1.984,31km², sehingga padat.", "Seberapa luaskah Bone Bolango?", True),
        ("Struktur ini memiliki tinggi 325 m (1.063 kaki).", "Berapakah ketinggian Menara Eiffel?", True),
        ("Jumlah penduduknya 56.812 jiwa.", "Berapa jumlah penduduk Sawahlunto?", True),
        ("Metro memiliki 22 stasiun, 9 di bawah tanah.", "Berapa jumlah stasiun pada Copenhagen Metro?", True),
        ("Kota Jambi memiliki 11 kecamatan dan 62 kelurahan.", "Ada berapa kecamatan di Jambi?", True),
        # News writes amounts in words: "200 ribu lebih warga", "ratusan orang".
        ("Masih ada 200 ribu lebih warga di sana.", "Berapa warga yang masih tinggal di Aleppo Timur?", True),
        ("Ratusan orang tewas di kota itu.", "Berapa jumlah penduduk kota itu?", True),
        # A number in another unit, or none: a length for an area, visitors for a height, a year.
        ("Wilayah Turki memiliki panjang lebih dari 1.600 kilometer.", "Berapa luas Turki?", False),
        ("Lebih dari 200.000.000 orang telah mengunjungi menara ini.", "Berapakah ketinggian Menara Eiffel?", False),
        ("Pada tahun 2009, metro mengangkut 50 juta penumpang.", "Berapa jumlah stasiun pada Copenhagen Metro?", False),
        ("Luas Turki tercatat pada 1923.", "Berapa luas Turki?", False),
        # A question that names no measure or counted noun asks for no unit.
        ("Turki menempati lahan seluas 783.562 kilometer persegi.", "Berapa?", False),
    ],
)
def test_a_quantity_in_the_unit_asked_is_found(sentence: str, question: str, given: bool) -> None:
    from retrieval.question import gives_measure

    assert gives_measure(sentence, question) is given


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Negara mana yang memveto resolusi itu?", {"negara"}),
        ("Di kota mana teroris memakai jeda?", {"kota"}),
        ("Tahun berapa Rusia masuk ke Suriah?", {"tahun"}),
        ("Seberapa sering mereka bertemu?", {"sering"}),
        ("How many soldiers died?", {"many"}),
        # The noun after "Siapa" is what the answer must be about, not a kind.
        ("Siapa pemimpin HTS?", set()),
    ],
)
def test_kind_words_say_what_kind_of_thing_is_asked(question: str, kinds: set[str]) -> None:
    from retrieval.question import kind_words

    assert kind_words(question) - {"mana", "berapa", "apa", "apakah"} == kinds


def test_time_words_are_years_dates_and_month_names() -> None:
    from retrieval.question import is_time_word

    assert all(is_time_word(w) for w in ("2015", "Desember", "12/12", "kemarin"))
    assert not any(is_time_word(w) for w in ("pemimpin", "Lavrov", "tentara"))


def test_a_text_tells_which_lower_case_words_are_names() -> None:
    text = (
        "Menteri Luar Negeri Rusia Sergei Lavrov berbicara di Moskow. Lavrov juga bertemu Kerry. "
        "Dialog itu tidak membuahkan hasil. “Rusia tetap membantu,” kata dia. Para diplomat-diplomat bertemu."
    )
    assert written_as_name("lavrov", text) and written_as_name("rusia", text) and written_as_name("kerry", text)
    # Capitalised only where a sentence opens: not a name.
    assert not written_as_name("dialog", text)
    # Written in lower case anywhere: not a name; nor a word the text never writes,
    # nor one found only inside another word.
    assert not written_as_name("hasil", text) and not written_as_name("aleppo", text)
    assert not written_as_name("diplomat", text)
    assert not written_as_name("Mosk", text)


def test_a_country_named_anywhere_answers_which_country() -> None:
    # "Negara mana ...?" is answered by the countries a sentence names, wherever they
    # stand; "Di negara mana ...?" asks where, a place after "di", "ke" or "dari".
    which_country = "Negara mana yang memveto gencatan senjata Aleppo di Dewan Keamanan PBB?"
    where = "Di negara mana rencana gencatan senjata Aleppo diveto?"
    named = "Rusia dan Cina memveto rencana itu."
    assert offers(named, Wants.PLACE, question=which_country)
    assert not offers(named, Wants.PLACE, question=where)
    # A country the question names is nothing new.
    assert not offers("Rusia memveto rencana itu.", Wants.PLACE, question="Negara mana selain Rusia yang memveto?")
