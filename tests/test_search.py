from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from retrieval.records import Article, ArticlesAt, Hit, Sentence
from retrieval.search import Engine


def _article(article_id: str, text: str, *, source: str = "Sumber", day: int = 1) -> Article:
    return Article(id=article_id, title=f"Judul {article_id}", source=source, date=dt.date(2020, 1, day), text=text)


# Articles on other subjects beside the one a test asks about: the corpus the
# engine's idf and its "another article holds it" checks read is not one article.
_UNRELATED = (
    _article("minyak", "Harga minyak dunia naik tajam pekan ini. Pasokan terganggu.", day=2),
    _article("jembatan", "Presiden meresmikan jembatan baru di Surabaya. Warga menyambutnya.", day=3),
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_articles(
        [
            _article(
                "a",
                "Menteri Luar Negeri Rusia bertemu Menteri Luar Negeri AS di Jenewa. "
                "Pertemuan itu membahas gencatan senjata di Aleppo. "
                "Sebanyak 7.000 warga sipil telah dievakuasi dari Aleppo timur.\n\n"
                "Baca juga: Rusia dan Turki",
            ),
            _article(
                "b",
                "Pasukan pemerintah menyerang kota itu pada Senin (12/12). "
                "Sebanyak 7.000 warga sipil telah dievakuasi dari Aleppo timur, kata pejabat. "
                "Juru bicara Badr Jamus menolak berkomentar.",
                source="Lain",
                day=2,
            ),
            _article("c", "Harga minyak dunia naik tajam pekan ini karena pasokan terganggu."),
        ]
    )


def test_abbreviation_matches_long_form_both_ways(engine: Engine) -> None:
    answer = engine.search("Di mana Menlu Rusia bertemu Menlu Amerika Serikat?")
    assert answer.answered
    assert "Jenewa" in answer.hits[0].sentence.text


def test_word_forms_meet_through_the_stemmer(engine: Engine) -> None:
    answer = engine.search("Kapan serangan pasukan pemerintah terjadi?")
    assert answer.hits[0].sentence.text.startswith("Pasukan pemerintah menyerang")
    assert "menyerang" in answer.hits[0].matched_words


@pytest.mark.parametrize(
    ("text", "question", "answer"),
    [
        # "makin parah" asked of "kian memprihatinkan"; the other sentence shares more
        # of the question's own words.
        (
            "Beberapa pekan ini, kondisi warga kian memprihatinkan akibat blokade. "
            "Warga kota makin sering menggelar kegiatan dalam kondisi apa pun.",
            "Kenapa kondisi warga makin parah?",
            "akibat blokade",
        ),
        # "sanggup ... bahaya" asked of "mampu ... ancaman"; the other sentence repeats
        # as many of the question's own words but does not say what made it able.
        (
            "Hanya bantuan udara Rusia yang membuat Suriah mampu menghentikan ancaman kelompok itu. "
            "Tentara Suriah menghentikan serangan teroris di utara negeri pekan lalu, kata para pejabat.",
            "Apa yang membuat Suriah sanggup menghentikan bahaya teroris?",
            "bantuan udara Rusia",
        ),
        # "menyokong" asked of "mendukung": a question in other words than the story's.
        (
            "Moskow terus mendukung rezim Damaskus dengan senjata dan penasihat. "
            "Rezim itu menerima banyak senjata dari negara lain selama bertahun-tahun.",
            "Siapa yang menyokong rezim dengan senjata?",
            "Moskow",
        ),
    ],
)
def test_everyday_synonyms_find_a_sentence_that_says_it_otherwise(text: str, question: str, answer: str) -> None:
    engine = Engine.from_articles([_article("kota", text), *_UNRELATED])
    found = engine.search(question)
    assert found.answered and answer in found.hits[0].sentence.text


def test_a_news_word_said_otherwise_is_no_word_the_quote_lacks() -> None:
    engine = Engine.from_articles([
        _article(
            "hts",
            "Serangan kilat kelompok oposisi dimulai pada 27 November dari Idlib. "
            "Rusia membuka kontak langsung dengan kelompok itu sesudahnya. "
            "Perang membuat jutaan warga mengungsi dari rumah mereka. "
            "Inisiatif damai Presiden diumumkan bulan Juni. "
            "Lavrov menepis klaim bahwa Rusia bersiap mengalihkan dukungannya. "
            "Kontak kedua negara akan tetap intens tahun depan. "
            "Aliansi antiteror kedua negara mungkin terbentuk. "
            "Para pejuang keluar dari kota itu pada Senin. "
            "Rusia ingin mempertahankan pangkalan militer di pesisir. "
            "Menlu yakin hubungan kedua negara membaik.",
        ),
        *_UNRELATED,
    ])
    asked = {
        "Apakah Lavrov membantah klaim bahwa Rusia bersiap mengalihkan dukungannya?": "Lavrov menepis",
        "Will contacts between the two countries stay intense next year?": "Kontak kedua",
        "Apakah persekutuan antiteror kedua negara mungkin terbentuk?": "Aliansi antiteror",
        "Kapan para pejuang hengkang dari kota itu?": "Para pejuang keluar",
        "Apa fasilitas militer yang ingin dipertahankan Rusia?": "Rusia ingin",
        "Apakah Menlu optimistis hubungan kedua negara membaik?": "Menlu yakin",
        "Kapan serbuan kilat kubu penentang dimulai?": "Serangan kilat",
        "Dengan siapa Rusia membuka komunikasi langsung?": "Rusia membuka kontak",
        "Berapa juta warga terusir dari rumah mereka?": "Perang membuat",
        "Kapan prakarsa damai Presiden diumumkan?": "Inisiatif damai",
    }
    for question, opening in asked.items():
        first = engine.search(question).hits[0]
        assert first.sentence.text.startswith(opening) and first.missing_words == (), question


def test_a_question_pointing_at_the_article_itself_is_read_without_the_pointer() -> None:
    # "menurut artikel itu" and "sebenarnya" ask nothing: as words the corpus lacks they
    # lowered the question's coverage and read as a qualifier no article holds.
    engine = Engine.from_articles(
        [
            _article(
                "saudi",
                "Putin bertemu Mohammed bin Salman di Sochi pekan lalu. "
                "Sang pangeran adalah putra bungsu Raja Salman dan menteri pertahanan kerajaan.",
            ),
            *_UNRELATED,
        ]
    )
    for question in (
        "Siapa sebenarnya Mohammed bin Salman menurut artikel itu?",
        "Who is Mohammed bin Salman according to the article?",
    ):
        answer = engine.search(question)
        assert answer.answered, question
        assert "putra bungsu" in " ".join(hit.sentence.text for hit in answer.hits[:2]), question


def test_a_declined_question_keeps_its_closest_sentence_only_when_it_shares_more_than_a_name() -> None:
    engine = Engine.from_articles(
        [
            _article(
                "assad",
                "Lavrov menepis klaim bahwa Rusia bersiap mengalihkan dukungannya terhadap Assad. "
                "Moskow akan memperlakukan para pemberontak seperti kelompok teroris. "
                "Perundingan berlangsung di Jenewa pekan lalu.",
            ),
            *_UNRELATED,
        ]
    )
    # Said in other words: declined, with the sentence that says it as the closest.
    other_words = engine.search("Benarkah Rusia berhenti membela rezim Assad dan sekutunya, kata Lavrov?")
    assert not other_words.answered and not other_words.missing
    assert other_words.closest and "mengalihkan" in other_words.closest[0].sentence.text
    # Off the topic, sharing only "Moskow": declined with nothing to show.
    weather = engine.search("Bagaimana cuaca di Moskow besok?")
    assert not weather.answered and weather.closest == ()


def test_a_hit_names_the_question_words_neither_it_nor_its_neighbours_hold() -> None:
    engine = Engine.from_articles(
        [
            _article(
                "hts",
                "Rusia menjalin kontak langsung dengan HTS di Damaskus. Kontak itu berjalan secara konstruktif. "
                "Para diplomat kemudian bertemu pekan lalu. Pertemuan itu membahas keamanan kedutaan.",
            ),
            *_UNRELATED,
        ]
    )
    envoy = engine.search("Bagaimana kontak perwakilan HTS?")
    assert envoy.answered and all(hit.missing_words == ("perwakilan",) for hit in envoy.hits)
    # "diplomat" stands in the sentence before; "Rusia", a name, in the article's lead.
    talks = engine.search("Apa yang dibahas pertemuan diplomat Rusia?")
    assert talks.hits[0].sentence.text.startswith("Pertemuan itu membahas") and talks.hits[0].missing_words == ()
    assert ("Kontak itu", ("dibahas",)) in [(h.sentence.text[:10], h.missing_words) for h in talks.hits]
    # The words that frame a question ("dimaksud") are no words a quote lacks.
    definition = engine.search("Apa yang dimaksud dengan kontak konstruktif?")
    assert definition.hits[0].missing_words == ()
    # Nor is the word that says what kind of thing is asked: the quote names a city.
    where = engine.search("Di kota mana Rusia menjalin kontak dengan HTS?")
    assert where.hits[0].sentence.text.startswith("Rusia menjalin") and where.hits[0].missing_words == ()
    # A name typed in lower case is held as the capitalised one is: the article writes
    # "HTS" as a name. "Rusia" it writes only where a sentence opens, which tells nothing.
    chat = engine.search("apa yg dibahas pertemuan diplomat hts")
    assert chat.hits[0].sentence.text.startswith("Pertemuan itu membahas") and chat.hits[0].missing_words == ()
    assert engine.search("apa yang dibahas pertemuan diplomat rusia").hits[0].missing_words == ("rusia",)
    # A chat question's lower-case word that no dictionary has is read as a name
    # (`Tuning.chat_names`), held by the article that holds it.
    assert engine.search("apa yg dibahas pertemuan diplomat rusia").hits[0].missing_words == ()


def test_abstains_when_nothing_is_relevant(engine: Engine) -> None:
    assert not engine.search("Berapa harga beras di Jakarta hari ini?").answered
    assert not engine.search("siapa yang apa?").answered  # only question and stop words
    assert not engine.search("").answered


def test_boilerplate_is_never_returned(engine: Engine) -> None:
    answer = engine.search("Baca juga Rusia dan Turki", k=10)
    assert all("Baca juga" not in hit.sentence.text for hit in answer.hits)


def test_near_duplicates_fold_into_one_hit_keeping_the_other_source(engine: Engine) -> None:
    answer = engine.search("Berapa warga sipil dievakuasi dari Aleppo timur?", k=5)
    evacuations = [h for h in answer.hits if "7.000 warga sipil" in h.sentence.text]
    assert len(evacuations) == 1
    other = {evacuations[0].article.id, *(a.id for a in evacuations[0].also_in)}
    assert other == {"a", "b"}


class _Counted(list):
    """A list of articles that counts its reads, as a stored corpus makes an Article per read."""

    reads = 0

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        type(self).reads += 1
        return super().__getitem__(i)


def test_also_in_makes_an_article_only_when_read() -> None:
    articles = [_article(str(i), f"Kalimat nomor {i}.", day=1 + i % 28) for i in range(30)]
    store = _Counted(articles)
    slots = [7, 3, 21, 3 + 8, 29]
    lazy = ArticlesAt(store, slots)
    reference = tuple(articles[s] for s in slots)
    assert _Counted.reads == 0
    assert lazy[1] is articles[3] and lazy[-1] is articles[29]
    assert _Counted.reads == 2
    assert len(lazy) == 5 and _Counted.reads == 2
    assert lazy[:3] == reference[:3] and lazy[3:] == reference[3:] and lazy[::-2] == reference[::-2]
    assert list(lazy) == list(reference) and tuple(reversed(lazy)) == reference[::-1]
    assert lazy == reference and reference == lazy and lazy != reference[:-1] and lazy != ()
    assert lazy == ArticlesAt(store, slots) and lazy == ArticlesAt(list(articles), slots)
    assert lazy != ArticlesAt(store, slots[:-1]) and lazy != ArticlesAt(store, slots[::-1])
    assert hash(lazy) == hash(reference) and repr(lazy) == repr(reference)
    assert articles[21] in lazy and articles[0] not in lazy and lazy.index(articles[11]) == 3
    with pytest.raises(IndexError):
        lazy[5]
    # A hit holding one is equal to the hit holding the tuple.
    sentence = Sentence(sid=0, article_id="0", position=0, text="Kalimat nomor 0.")
    assert Hit(sentence, articles[0], 1.0, (), lazy) == Hit(sentence, articles[0], 1.0, (), reference)


def test_also_in_ids_without_making_articles() -> None:
    from retrieval.stored import StoredArticles, article_arrays

    articles = [_article(f"id{i}", f"Kalimat nomor {i}.", day=1 + i % 28) for i in range(12)]
    stored = StoredArticles([a.id for a in articles[:10]], article_arrays(articles[:10])) + tuple(articles[10:])
    view = StoredArticles([a.id for a in articles[:10]], article_arrays(articles[:10])).without(frozenset({0, 4}))
    slots = [9, 2, 11, 10, 0]
    for store in (articles, _Counted(articles), stored):
        lazy = ArticlesAt(store, slots)
        _Counted.reads = 0
        assert lazy.ids == tuple(a.id for a in lazy) == tuple(articles[s].id for s in slots)
    lazy = ArticlesAt(view, [0, 5, 7])
    made = len(view._cache)
    assert lazy.ids == ("id1", "id7", "id9") and len(view._cache) == made  # read from the ids, none made
    sentence = Sentence(sid=0, article_id="id0", position=0, text="Kalimat nomor 0.")
    assert Hit(sentence, articles[0], 1.0, (), lazy).also_in_ids == ("id1", "id7", "id9")
    assert len(view._cache) == made
    assert Hit(sentence, articles[0], 1.0, (), tuple(lazy)).also_in_ids == ("id1", "id7", "id9")
    assert lazy.ids == tuple(a.id for a in lazy)


def test_person_question_prefers_a_sentence_with_a_new_name(engine: Engine) -> None:
    answer = engine.search("Siapa juru bicara yang menolak berkomentar?")
    assert "Badr Jamus" in answer.hits[0].sentence.text


def test_offset_pages_through_results_without_repeats(engine: Engine) -> None:
    first = engine.search("Aleppo", k=1)
    second = engine.search("Aleppo", k=1, offset=1)
    assert first.answered and second.answered
    assert first.hits[0].sentence.sid != second.hits[0].sentence.sid


def test_context_stays_inside_the_article(engine: Engine) -> None:
    hit = engine.search("Juru bicara Badr Jamus").hits[0]
    context = engine.context(hit.sentence.sid, before=5, after=5)
    assert {s.article_id for s in context} == {"b"}
    assert [s.position for s in context] == [0, 1, 2]
    assert engine.context(10_000) == ()


def test_fingerprint_follows_the_corpus() -> None:
    one = Engine.from_articles([_article("x", "Rusia memveto rancangan resolusi.")])
    same = Engine.from_articles([_article("x", "Rusia memveto rancangan resolusi.")])
    other = Engine.from_articles([_article("x", "Cina memveto rancangan resolusi.")])
    assert one.fingerprint == same.fingerprint != other.fingerprint


def test_proximity_counts_adjacent_question_pairs_that_stay_close() -> None:
    from retrieval.ranking import proximity

    question = [frozenset({"karyawan"}), frozenset({"kontrak"}), frozenset({"pabrik"})]
    close = [("karyawan", ("karyawan",)), ("kontrak", ("kontrak",)), ("pabrik", ("pabrik",))]
    apart = [(w, (w,)) for w in ("karyawan", "a", "b", "c", "kontrak", "d", "e", "f", "pabrik")]
    assert proximity(question, close) == 1.0
    assert proximity(question, apart) == 0.0
    assert proximity(question[:1], close) == 0.0  # one word has no pairs


def test_learned_and_hand_ranking_agree_on_an_obvious_question() -> None:
    import dataclasses

    from config.settings import BUNDLED_CORPUS
    from retrieval.corpus import load_corpus
    from retrieval.search import Engine

    engine = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
    hand = engine.tuned(dataclasses.replace(engine.tuning, learned=()))
    question = "Siapa pemimpin Koalisi Nasional Suriah?"
    assert "Badr Jamus" in engine.search(question, k=1).hits[0].sentence.text
    assert "Badr Jamus" in hand.search(question, k=1).hits[0].sentence.text


@pytest.mark.parametrize("question", ["Rusia", "Aleppo", "Lavrov AS"])
def test_pages_are_cut_from_one_ranking(question: str) -> None:
    from config.settings import BUNDLED_CORPUS
    from retrieval.corpus import load_corpus
    from retrieval.search import Engine

    engine = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
    whole = [h.sentence.sid for h in engine.search(question, k=9).hits]
    # The bot asks one more than it shows, to know whether to offer "more".
    pages = [[h.sentence.sid for h in engine.search(question, k=k, offset=o).hits] for k, o in ((4, 0), (4, 3), (4, 6))]
    assert pages[0][:3] + pages[1][:3] + pages[2][:3] == whole


_FILLER = [
    f"Warga desa {name} menanam padi dan jagung di sawah mereka setiap musim hujan."
    for name in ("Ambar", "Bening", "Cemara", "Delima", "Enau", "Flamboyan", "Gaharu", "Harum", "Ilalang", "Jati")
] + [
    f"Pasar {name} ramai dikunjungi pembeli pada akhir pekan menjelang hari raya."
    for name in ("Kenari", "Lontar", "Mahoni", "Nangka", "Pinus", "Randu", "Salak", "Tanjung", "Ulin")
]


@pytest.fixture(scope="module")
def long_question_engine() -> Engine:
    story = "Rolf Soiron belajar sejarah di Basel sebelum memimpin perusahaan farmasi."
    return Engine.from_articles([_article("f", " ".join(_FILLER)), _article("s", story)])


def test_a_long_question_with_several_rare_matches_is_answered(long_question_engine: Engine) -> None:
    import dataclasses

    # Soiron, sejarah, Basel and farmasi are in one sentence; six rarer words are
    # nowhere, so the sentence covers about a third of the question's weight.
    # (Lower case: capitalised, they would name a thing the corpus lacks, which declines.)
    question = "Apakah Soiron belajar sejarah di Basel untuk farmasi zorblat quenthor vimmex ploskar drenvik yastrel?"
    answer = long_question_engine.search(question)
    assert answer.hits and "Soiron" in answer.hits[0].sentence.text
    # The share floor alone (at 0.4; the sentence covers 0.35-0.4) would abstain.
    share_only = long_question_engine.tuned(
        dataclasses.replace(long_question_engine.tuning, answer_mass=0.0, answer_coverage=0.4)
    )
    assert not share_only.search(question).hits


def test_a_short_question_with_one_rare_match_still_abstains(long_question_engine: Engine) -> None:
    assert not long_question_engine.search("Apakah Soiron menyukai Zorblat Quenthor?").hits


def test_the_coverage_floor_leaves_out_the_words_that_frame_a_question() -> None:
    import dataclasses

    engine = Engine.from_articles(
        [
            _article(
                "astro",
                "Astrologi adalah sistem pengetahuan untuk meramal nasib dari letak bintang. "
                "Ramalan itu dimuat di banyak majalah. Pembacanya tersebar di seluruh negeri. "
                "Para ahli ilmu falak menolaknya.",
            ),
            _article("lain", "Presiden meresmikan jembatan baru di Surabaya. Maksud kunjungan itu tidak dijelaskan.", day=2),
            _article("minyak", "Harga minyak dunia naik tajam pekan ini. Pasokan terganggu.", day=3),
        ]
    )
    # At a floor of 0.4 share of the question's weight (what is measured here is the framing, not the floor).
    engine = engine.tuned(dataclasses.replace(engine.tuning, answer_coverage=0.4))
    asked = "Apa yang dimaksud dengan astrologi oleh para ahli?"
    # A definition never repeats "dimaksud": of the words that say what is asked, the
    # definition's window holds one of two, enough to answer.
    answer = engine.search(asked)
    assert answer.answered and answer.hits[0].sentence.text.startswith("Astrologi adalah")
    # Counted with "dimaksud", one of three is below the floor.
    framed = engine.tuned(dataclasses.replace(engine.tuning, floor_content=False))
    assert not framed.search(asked).answered
    # A content word no window holds still leaves the question unanswered.
    assert not engine.search("Apa yang dimaksud dengan astrologi oleh para menteri?").answered


def test_a_name_the_corpus_lacks_is_found_with_letters_added_at_its_end() -> None:
    import dataclasses

    engine = Engine.from_articles(
        [
            _article(
                "galen",
                "Galen adalah tabib Yunani di Roma. Ia menulis ratusan risalah kedokteran. "
                "Karyanya menjadi rujukan kedokteran Eropa selama berabad-abad.",
            ),
            _UNRELATED[0],
        ]
    )
    asked = "Apa kontribusi Galenus terhadap kedokteran?"
    answer = engine.search(asked)
    assert answer.answered and answer.hits[0].sentence.article_id == "galen"
    # Read only in spellings of one sound, "Galenus" is a name the corpus never uses.
    by_sound = engine.tuned(dataclasses.replace(engine.tuning, name_stems=False))
    assert not by_sound.search(asked).answered
    # A name changed inside ("Gelanus") or by more than a few letters at its end is another one.
    assert not engine.search("Apa kontribusi Gelanus terhadap kedokteran?").answered
    assert not engine.search("Apa kontribusi Galenusian terhadap kedokteran?").answered


def test_a_name_the_corpus_lacks_is_found_cut_short_of_an_article_word() -> None:
    import dataclasses

    engine = Engine.from_articles(
        [
            _article(
                "utsmaniyah",
                "Kesultanan Utsmaniyah didirikan oleh Osman I pada tahun 1299. "
                "Ibu kotanya kemudian pindah ke Konstantinopel.",
            ),
            *_UNRELATED,
        ]
    )
    asked = "Siapa pendiri Utsmani?"
    answer = engine.search(asked)
    assert answer.answered and answer.hits[0].sentence.article_id == "utsmaniyah"
    # Read only as whole words and their spellings, "Utsmani" is a name the corpus never uses.
    whole = engine.tuned(dataclasses.replace(engine.tuning, name_prefixes=False))
    assert whole.search(asked).missing == ("Utsmani",)
    # A name whose other word nothing accounts for is another name, part of it kept.
    assert engine.search("Siapa pendiri Utsmani Taisel?").missing == ("Utsmani Taisel",)
    # So is one cut more than three letters short ("Utsma").
    assert not engine.search("Siapa pendiri Utsma?").answered


def test_a_name_written_out_is_found_as_the_acronym_an_article_uses() -> None:
    import dataclasses

    engine = Engine.from_articles(
        [
            _article(
                "nasa",
                "Presiden Eisenhower mendirikan NASA pada tahun 1958. "
                "Badan itu meneliti antariksa untuk keperluan sipil.",
            ),
            *_UNRELATED,
        ]
    )
    asked = "Siapa pendiri National Aeronautics and Space Administration?"
    answer = engine.search(asked)
    assert answer.answered and answer.hits[0].sentence.article_id == "nasa"
    # The article never defines NASA: without reading the initials the name is unknown.
    spelled = engine.tuned(dataclasses.replace(engine.tuning, name_initials=False))
    assert not spelled.search(asked).answered
    # Other initials ("NOAA") are another name.
    assert not engine.search("Siapa pendiri National Oceanic and Atmospheric Administration?").answered


def test_the_coverage_floor_leaves_out_an_honorific_before_a_name() -> None:
    import dataclasses

    engine = Engine.from_articles(
        [
            _article(
                "nasution",
                "Abdul Haris Nasution adalah tokoh militer Indonesia. "
                "Abdul Haris Nasution wafat di Jakarta pada 6 September 2000. Ia dimakamkan di Kalibata.",
            ),
            *_UNRELATED,
        ]
    )
    # At a floor of 0.75 share of the question's weight (what is measured here is the honorific, not the floor).
    engine = engine.tuned(dataclasses.replace(engine.tuning, answer_coverage=0.75, answer_mass=0.0))
    asked = "Di mana Kolonel Abdul Haris Nasution meninggal?"
    # The article never calls him "Kolonel": the rank he is addressed by is no word the window lacks.
    answer = engine.search(asked)
    assert answer.answered and "Jakarta" in answer.hits[0].sentence.text
    # Counted word by word, the rank is a heavy word the window lacks: below the floor.
    by_word = engine.tuned(dataclasses.replace(engine.tuning, floor_honorifics=False))
    assert not by_word.search(asked).answered
    # The honorific is left out only before a name: another word the window lacks still counts.
    assert not engine.search("Di mana Kolonel Abdul Haris Nasution bertugas?").answered
    # ...and a rank asked about, not addressing a name, is content ("kolonel" lower-case, then no name).
    assert not engine.search("Di mana kolonel kavaleri Abdul Haris Nasution meninggal?").answered


def test_a_language_folder_missing_everywhere_is_said_once_and_the_engine_still_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A custom LANGUAGE_DATA_PATH without abstention/, with the bundled corpus/lang hidden
    # (a volume over /app/corpus), silently declined less before this warning.
    import shutil

    import config.settings
    from retrieval import langfiles
    from retrieval.corpus import load_corpus
    from retrieval.text import Analyzer

    lang = tmp_path / "lang"
    shutil.copytree(config.settings.BUNDLED_LANGUAGE_DATA, lang, ignore=shutil.ignore_patterns("abstention", "wordnet"))
    monkeypatch.setattr(langfiles, "BUNDLED_LANGUAGE_DATA", tmp_path / "hidden")
    langfiles._warn_missing_folder.cache_clear()
    articles = load_corpus(config.settings.BUNDLED_CORPUS).articles
    engine = Engine.from_articles(articles, analyzer=Analyzer.from_directory(lang))
    with caplog.at_level("WARNING", logger="retrieval.langfiles"):
        first = engine.search("Siapa yang diundang Rusia ke Moskow?")
        engine.search("Kapan Rusia mengundang oposisi?")
    warned = [r.getMessage() for r in caplog.records if "abstention" in r.getMessage()]
    assert len(warned) == 1 and str(lang / "abstention") in warned[0]
    assert first.hits


def test_a_brand_written_with_an_inner_capital_is_a_name_the_corpus_lacks() -> None:
    engine = Engine.from_articles(
        [_article("doha", "Menteri Luar Negeri Sergey Lavrov bertemu John Kerry di Doha."), _UNRELATED[0]]
    )
    # Lower case first, it would read as a word; "iPad" names a thing no article mentions.
    for question in ("Apa kata Lavrov tentang iPad?", "iPad buatan siapa menurut Lavrov?"):
        answer = engine.search(question)
        assert not answer.answered and answer.missing == ("iPad",)


def test_a_question_asking_only_what_the_corpus_never_mentions_of_what_it_names_is_declined() -> None:
    import dataclasses

    engine = Engine.from_articles(
        [
            _article("doha", "Menteri Luar Negeri Sergey Lavrov bertemu John Kerry di Doha. Keduanya membahas Suriah."),
            _UNRELATED[0],
        ]
    )
    # Lavrov is in the corpus; no article ever says "umur" or "lahir".
    for question, word in (("Berapa umur Sergey Lavrov?", "umur"), ("Di mana Sergey Lavrov lahir?", "lahir")):
        answer = engine.search(question)
        assert not answer.answered and answer.missing == (word,)
        assert answer.closest and answer.closest[0].sentence.article_id == "doha"
        # Only this rule declines it, beside the one that asks an age of a dated story.
        off = engine.tuned(dataclasses.replace(engine.tuning, unknown_asked_decline=False, answer_forms=False))
        assert off.search(question).answered
    # A word the corpus has ("bertemu"), a frame word ("letak") or one not written as a
    # root, which may be a typo ("meliris"), is no reason to decline.
    for question in ("Di mana Sergey Lavrov bertemu John Kerry?", "Di mana letak Doha?", "Siapa yang meliris Lavrov?"):
        assert not engine.search(question).missing, question
    # An English word is known by the Indonesian words it reads as: "population" is a
    # word ("populasi") no article uses; "lavrovian" is none.
    answer = engine.search("What is the population of Doha?")
    assert not answer.answered and answer.missing == ("population",)
    assert not engine.search("What is the lavrovian of Doha?").missing


def test_an_english_word_meets_its_group_in_a_word_with_a_possessive() -> None:
    # `pasukannya` (its troops) held only the stem of `pasukan`, not its group: the
    # answer said it lacked `troops`.
    engine = Engine.from_articles(
        [_article("tarik", "Rusia mulai menarik pasukannya dari Suriah pada hari Selasa."), *_UNRELATED]
    )
    answer = engine.search("When did Russia start pulling its troops out of Syria?")
    assert answer.answered and answer.hits[0].sentence.text.startswith("Rusia mulai menarik")
    assert "troops" not in answer.hits[0].missing_words


def test_a_phrase_the_question_names_is_not_held_by_its_words_apart() -> None:
    # `Menteri Pertahanan` names one office: a window with `Menteri Luar Negeri` and
    # `bertahan` holds its words, not it.
    engine = Engine.from_articles(
        [
            _article(
                "lavrov",
                "Menteri Luar Negeri Rusia Sergei Lavrov mengatakan pasukan Suriah masih bertahan di Aleppo. "
                "Kota itu dikepung.",
            ),
            *_UNRELATED,
        ]
    )
    assert [sorted(unit.terms) for unit in engine.read("Siapa Menteri Pertahanan Rusia?").units][0] == ["~menhan"]
    assert not engine.search("Siapa Menteri Pertahanan Rusia?").answered
    assert engine.search("Siapa Menteri Luar Negeri Rusia?").answered


def test_of_the_two_best_the_one_saying_what_the_question_asks_for_comes_first() -> None:
    import dataclasses

    articles = [
        _article(
            "koalisi",
            "Penasihat presiden AS menyebut koalisi antiteror dengan Rusia mungkin terbentuk. "
            "Penasihat kebijakan luar negeri Walid Phares mengatakan hal itu kepada Sputnik.",
        ),
        _article(
            "turki",
            "Pertemuan oposisi dengan Rusia di Turki membahas evakuasi warga sipil dari Aleppo. "
            "Zakariya menambahkan bahwa pertemuan di Turki telah mencapai kebuntuan.",
        ),
        *_UNRELATED,
    ]
    engine = Engine.from_articles(articles)
    off = engine.tuned(dataclasses.replace(engine.tuning, form_first=False))
    asked = {
        # A name beside the office, and how the meeting ended.
        "Siapa penasihat presiden AS yang menyebut koalisi antiteror dengan Rusia?": "Penasihat kebijakan",
        "Bagaimana hasil pertemuan oposisi dengan Rusia di Turki?": "Zakariya",
    }
    for question, answer in asked.items():
        before, after = off.search(question), engine.search(question)
        assert before.answered and after.answered
        # Ranked by score alone the other sentence is first; the two trade places only.
        assert not before.hits[0].sentence.text.startswith(answer)
        assert after.hits[0].sentence.text.startswith(answer)
        assert [h.sentence.sid for h in after.hits[:2]] == [h.sentence.sid for h in before.hits[1::-1]]
    # An encyclopedia's name is not read (`_form_unsaid`'s news-only forms): undated, the
    # score's order stands.
    undated = Engine.from_articles([dataclasses.replace(article, date=None) for article in articles])
    question = "Siapa penasihat presiden AS yang menyebut koalisi antiteror dengan Rusia?"
    assert undated.search(question).hits[0].sentence.text.startswith("Penasihat presiden")


def test_a_passage_lacking_only_the_name_asked_follows_the_answers_marked_with_it() -> None:
    import dataclasses

    filler = " ".join(f"Kalimat pengisi nomor {n} tentang cuaca kota." for n in range(10))
    engine = Engine.from_articles(
        [
            _article(
                "lead",
                "Universiade Izmir resmi ditutup di stadion utama oleh gubernur. "
                "Atlet tuan rumah tampil gemilang sepanjang pekan dan meraih banyak medali.",
            ),
            # Cut from the same story after its lead: it never names the games.
            _article("later", "Para atlet tuan rumah meraih medali 10 emas, 11 perak, dan enam perunggu."),
            # Lacks the name and a word more ("tuan rumah"): about something else.
            _article("other", "Para atlet tamu meraih medali 12 emas dan tiga perak."),
            # A whole story names its subject: one that never does is not about it.
            _article("story", f"Para atlet tuan rumah meraih medali 9 emas dan dua perak. {filler}"),
            *_UNRELATED,
        ]
    )
    question = "Medali apa yang diraih atlet tuan rumah di Universiade Izmir?"
    off = engine.tuned(dataclasses.replace(engine.tuning, unnamed_passages=False))
    before, after = off.search(question, k=5), engine.search(question, k=5)
    assert before.answered and {hit.article.id for hit in before.hits} == {"lead"}
    assert [hit.sentence.sid for hit in after.hits[: len(before.hits)]] == [hit.sentence.sid for hit in before.hits]
    added = after.hits[len(before.hits) :]
    assert [(hit.article.id, hit.missing_words) for hit in added] == [("later", ("Universiade", "Izmir"))]
    # Off, every article is read as a passage (`Measured.stories`), the whole story too.
    passages = engine.tuned(dataclasses.replace(engine.tuning, story_sentences=0)).search(question, k=5)
    assert {hit.article.id for hit in passages.hits[: len(before.hits)]} == {"lead"}
    assert {hit.article.id for hit in passages.hits[len(before.hits) :]} == {"later", "story"}
    # Listed after the answers, never in their place, and never as the only quote: a
    # question no article names the subject of is still declined.
    assert engine.search(question, k=1).hits == before.hits[:1]
    assert not engine.search("Medali apa yang diraih atlet tuan rumah di Olimpiade Tokyo?").answered


def test_a_name_with_a_middle_initial_is_held_by_its_first_name() -> None:
    engine = Engine.from_articles([
        _article(
            "sony",
            "Sony mengalahkan unggulan teratas di final Kejuaraan Asia 2005. "
            "Sony, pebulu tangkis kelahiran 7 Juli 1984, meraih gelar ketiganya di kejuaraan itu.",
        ),
        _article("taufik", "Pebulu tangkis Taufik Hidayat lahir di Bandung pada 10 Agustus 1981."),
        *_UNRELATED,
    ])
    # "D." is an initial, not the end of a name: "Kuncoro", which the story never writes,
    # is no second name of which the corpus knows nothing.
    answer = engine.search("Tanggal berapakah pebulu tangkis Sony D. Kuncoro lahir?")
    assert answer.answered and "7 Juli 1984" in answer.hits[0].sentence.text


def test_a_word_the_corpus_writes_only_inside_a_synonym_phrase_is_not_read_as_chat() -> None:
    # "militer" stands in this corpus only inside "pangkalan militer", one synonym phrase;
    # its own group's concept never does. It is still a word the corpus uses, not chat's
    # bare me- verb ("memiliter").
    engine = Engine.from_articles(
        [_article("pangkalan", "Rusia ingin mempertahankan pangkalan militer di pesisir."), *_UNRELATED]
    )
    assert engine.read("Apa operasi militer Rusia?").text == "Apa operasi militer Rusia?"
