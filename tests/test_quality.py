"""Quality floors, a little below what `python -m benchmarks.quality` measures
(README has the latest figures), so a regression fails CI."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from benchmarks.facqa import facqa_articles
from benchmarks.dated import dated_questions
from benchmarks.quality import (
    BUNDLED_CORPUS,
    DEFAULT_FACQA,
    DEFAULT_IDKMRC,
    SEED_EVAL,
    blind_sets,
    evaluate,
    facqa_eval_set,
    idkmrc_eval_set,
    load_eval_set,
)
from retrieval.abstention import bundled
from retrieval.corpus import load_corpus
from retrieval.records import Article
from retrieval.search import Engine


@pytest.mark.e2e  # the whole seed evaluation set; the behaviours it sums up have unit tests in test_search/test_question
def test_seed_evaluation_set_floors() -> None:
    engine = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
    metrics = evaluate(engine, load_eval_set(), k=10)
    assert metrics.answerable >= 60 and metrics.unanswerable >= 10
    # Ranking trees (retrieval/ranktrees.py): 0.952 / 0.990 -> 0.971 / 1.000, 0.990 once they
    # read the predicate's coverage, 0.981 with their gap measured from the best candidate the
    # engine may list; 0.95 keeps every question the linear score answered at rank 1 but one.
    assert metrics.recall_at_1 >= 0.95  # measured 0.981
    assert metrics.recall_at_3 >= 0.98  # measured 1.000
    assert metrics.correct_abstention is not None and metrics.correct_abstention >= 0.90  # measured 0.95
    assert metrics.wrongly_abstained <= 0.02  # measured 0.000


# Written blind from the articles alone (README, "Blind question sets"); measured
# 0.920 / 0.0% / 55.3%, 0.912 / 0.0% / 76.7%, 0.903 / 1.4% / 63.3%, 0.907 / 4.0% / 66.7%
# once a count must count the thing asked (session 26; 0.920 / 0.0% / 42.1%, 0.912 / 1.3% /
# 73.3%, 0.903 / 2.8% / 56.7%, 0.880 / 6.7% / 63.3% before, the fourth's R@1 and wrongly
# from chat fixes found on its misses), and once a whole story must hold every name
# (0.909 / 1.1% / 34.2%, 0.912 / 1.3% / 70.0%, 0.917 / 2.8% / 53.3%, 0.880 / 5.3% / 63.3%
# before; 0.864 / 3.4%, 0.762 / 15.0%, 0.819 / 12.5%, 0.787 / 17.3% before chat words and
# English were read). The fifth, written in session 24 and never read: 0.853 / 1.3% / 13.3%.
# The sixth, written in session 26 and never read: 0.867 / 1.3% / 20.0% (0.853 / 2.7% /
# 10.0% at the session's start); 0.880 / 1.3% / 20.0% after session 27. Session 27's
# seventh (never read, seen in aggregate) and eighth (read: its misses led that
# session's changes): 0.707 / 9.3% / 36.7% and 0.733 / 6.7% / 43.3% at its start,
# 0.773 / 4.0% / 36.7% and 0.840 / 0.0% / 43.3% at its end. Blind 10 and 11, also
# read: 0.653 / 8.0% / 36.7% and 0.693 / 5.3% / 30.0% at its start, 0.747 / 1.3% / 33.3%
# and 0.733 / 4.0% / 26.7% at its end. Blind 12 and 13, written after the rest of the
# session's changes were chosen (their misses were read; only one chat rule came from them):
# 0.640 / 6.7% / 33.3% and 0.680 / 10.7% / 36.7% at its start, 0.707 / 5.3% / 30.0% and
# 0.733 / 6.7% / 40.0% at its end. Blind 9, written early in session 27 and never read
# nor used to choose anything: 0.707 / 6.7% / 40.0% at its start, 0.733 / 4.0% / 43.3% at
# its end. At the end of session 27 the first six stood at 0.943 / 0.0% / 57.9%, 0.925 /
# 0.0% / 76.7%, 0.944 / 0.0% / 63.3%, 0.920 / 2.7% / 66.7%, 0.893 / 0.0% / 16.7% and
# 0.880 / 1.3% / 20.0%; the floors sit about three questions below. Blind 14, written and
# read late in session 27 (two chat words came from it): 0.787 / 8.0% / 50.0% at its start,
# 0.813 / 5.3% / 50.0% at its end; blind 15, likewise (two chat words): 0.733 / 8.0% /
# 26.7% -> 0.787 / 2.7% / 30.0%. The last refit of session 27 left blind 6 declining
# 16.7% (one question fewer). Blind 16 and 17, written in session 29 by helpers that
# read only the five articles and never read here (aggregates only): 0.787 / 2.7% / 16.7%
# and 0.800 / 8.0% / 13.3% at its start, 0.787 / 2.7% / 16.7% and 0.813 / 8.0% / 13.3%
# after its English words.
_BLIND_FLOORS = (
    ("seed_blind1", 0.91, 0.03, 0.55),
    ("seed_blind2", 0.89, 0.03, 0.73),
    ("seed_blind3", 0.91, 0.03, 0.60),
    ("seed_blind4", 0.89, 0.05, 0.63),
    ("seed_blind5", 0.86, 0.03, 0.13),
    ("seed_blind6", 0.85, 0.03, 0.13),
    ("seed_blind7", 0.74, 0.07, 0.33),
    ("seed_blind8", 0.80, 0.03, 0.40),
    ("seed_blind9", 0.70, 0.07, 0.40),
    ("seed_blind10", 0.71, 0.04, 0.30),
    ("seed_blind11", 0.70, 0.06, 0.23),
    ("seed_blind12", 0.65, 0.08, 0.26),
    ("seed_blind13", 0.70, 0.09, 0.36),
    ("seed_blind14", 0.78, 0.08, 0.46),
    ("seed_blind15", 0.75, 0.05, 0.26),
    ("seed_blind16", 0.74, 0.07, 0.06),
    ("seed_blind17", 0.77, 0.12, 0.03),
    ("seed_blind18", 0.81, 0.07, 0.36),
    ("seed_blind19", 0.77, 0.11, 0.23),
    # Paraphrases only (75 `word-form`), beside 30 unanswerable questions.
    ("seed_blind20", 0.48, 0.30, 0.30),
    ("seed_blind21", 0.46, 0.22, 0.36),
    # Chat Indonesian (45) and English (30) only, beside 30 unanswerable questions.
    ("seed_blind22", 0.72, 0.07, 0.30),
    ("seed_blind23", 0.72, 0.07, 0.23),
    # Written in session 39 by a helper that read only the articles, never read here:
    # 0.800 / 6.7% / 53.3% before session 38, 0.800 / 5.3% / 53.3% after it.
    ("seed_blind24", 0.76, 0.09, 0.43),
)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("name", "recall_at_1", "wrongly", "declined"),
    _BLIND_FLOORS,
)
def test_blind_seed_set_floors(name: str, recall_at_1: float, wrongly: float, declined: float) -> None:
    engine = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
    metrics = evaluate(engine, load_eval_set(SEED_EVAL.with_name(f"{name}.jsonl")), k=10)
    assert metrics.answerable >= 70 and metrics.unanswerable >= 30
    assert metrics.recall_at_1 >= recall_at_1
    assert metrics.wrongly_abstained <= wrongly
    assert metrics.correct_abstention is not None and metrics.correct_abstention >= declined


def test_every_blind_set_has_a_floor_and_they_come_in_number_order() -> None:
    names = blind_sets()
    assert names[:3] == ["blind1", "blind2", "blind3"] and names.index("blind10") == names.index("blind9") + 1
    assert {f"seed_{name}" for name in names} == {name for name, *_floors in _BLIND_FLOORS}


@pytest.mark.e2e
def test_dated_question_floors() -> None:
    # `python -m benchmarks.dated --eval-set` the seed set, blind 1 and blind 2: R@1 0.881
    # with the article's year (0.621 without dates), 0.900 with month and year; a year no
    # article is dated in declined 100% (42.4% without). README: all six sets.
    articles = load_corpus(BUNDLED_CORPUS).articles
    engine = Engine.from_articles(articles)
    asked: dict[str, list] = {}
    for name in ("seed_eval", "seed_blind1", "seed_blind2"):
        for form, questions in dated_questions(load_eval_set(SEED_EVAL.with_name(f"{name}.jsonl")), articles).items():
            asked.setdefault(form, []).extend(questions)
    assert len(asked["year"]) > 250
    assert evaluate(engine, asked["year"]).recall_at_1 >= 0.85
    assert evaluate(engine, asked["month and year"]).recall_at_1 >= 0.86
    wrong_year = evaluate(engine, asked["a year no article has"]).correct_abstention
    assert wrong_year is not None and wrong_year >= 0.95


@pytest.mark.e2e
@pytest.mark.skipif(not DEFAULT_FACQA.is_dir(), reason="FacQA lives in ../shared/datasets/facqa")
def test_facqa_valid_floors() -> None:
    engine = Engine.from_articles(facqa_articles(DEFAULT_FACQA))
    metrics = evaluate(engine, facqa_eval_set(DEFAULT_FACQA, "valid"), k=10)
    # Ranking trees: 0.791 / 0.907 -> 0.810 / 0.904; reading the predicate's coverage 0.820 / 0.900;
    # their gap from the best candidate the engine may list 0.814 / 0.904.
    assert metrics.recall_at_1 >= 0.795  # measured 0.814; plain rank-bm25 0.685
    assert metrics.recall_at_3 >= 0.89  # measured 0.904; plain rank-bm25 0.855
    assert metrics.wrongly_abstained <= 0.04  # measured 0.013


@pytest.mark.e2e
@pytest.mark.skipif(not DEFAULT_IDKMRC.is_dir(), reason="IDK-MRC lives in ../shared/datasets/idkmrc")
def test_idkmrc_valid_floors() -> None:
    # About 10-20 s on a loaded 2-core machine (764 questions over 358 paragraphs).
    articles, questions = idkmrc_eval_set(DEFAULT_IDKMRC, "valid")
    metrics = evaluate(Engine.from_articles(articles), questions, k=10)
    assert metrics.answerable == 382 and metrics.unanswerable == 382
    # 0.594 / 0.827 before encyclopedia years ("1293", "384 SM") were times and the time weights
    # refitted (0.620), and before the number_unit feature ("Berapa luas ...?" -> "... km²"): 0.631;
    # the ranking trees on top 0.647, reading the predicate's coverage 0.675 / 0.838, and their
    # gap from the best candidate the engine may list 0.686 / 0.840.
    assert metrics.recall_at_1 >= 0.65  # measured 0.686; plain rank-bm25 0.411
    assert metrics.recall_at_3 >= 0.82  # measured 0.840; plain rank-bm25 0.641
    assert metrics.by_kind["kapan"] >= 0.60  # measured 0.684 (0.526 before); plain rank-bm25 0.395
    assert metrics.by_kind["berapa"] >= 0.80  # measured 0.857 (0.755 before); plain rank-bm25 0.327
    # The abstention stage (retrieval/abstention.py) took it from 0.228 / 0.084 to 0.275 / 0.086;
    # the coverage floor's misfires fixed (frame words left out, floor 0.4 -> 0.35) to 0.196 / 0.055,
    # and 0.060 with definition frames no longer BM25 evidence; the polarity signals
    # (negated_held, negation_dropped) to 0.223 / 0.063; swaps mined from train's question pairs,
    # the qualifier signal and a threshold at 0.1% of train's answerable questions to 0.270 / 0.068;
    # the undoing, window_opposite, relation_swap, name_part, names_absent and count_absent signals to 0.332 / 0.065
    # (unchanged by the ranking trees; refitted once they read the predicate: 0.322 / 0.065, and once
    # their gap counted from the best candidate the engine may list: 0.322 / 0.065); the synonym floor
    # and a refit 0.332 / 0.065; boosted trees in place of the logistic weights 0.340 / 0.063;
    # a count that counts another thing (count_unmatched, alone) and a refit 0.348 / 0.068; an amount
    # of money 0.351 / 0.065; leading (`pimpin`) as an undoing, for the news questions, 0.359 / 0.071;
    # a phrase of several words as one content word 0.364 / 0.071; the reader (retrieval/reader.py,
    # session 42) 0.487 / 0.071, every recall the same.
    assert metrics.correct_abstention is not None and metrics.correct_abstention >= 0.45  # measured 0.487
    assert metrics.wrongly_abstained <= 0.075  # measured 0.071


def _news(article_id: str, text: str) -> Article:
    return Article(id=article_id, title=f"Judul {article_id}", source="Sumber", date=dt.date(2016, 12, 14), text=text)


@pytest.fixture(scope="module")
def lavrov() -> Engine:
    return Engine.from_articles(
        [
            _news(
                "suriah",
                "Menteri Luar Negeri Rusia Sergei Lavrov mengatakan Rusia akan terus membantu Suriah. "
                "Lavrov menyebut serangan di Aleppo sebagai operasi melawan teroris. "
                "Dia juga meminta Amerika Serikat berhenti melindungi kelompok Al-Nusra.",
            ),
            _news(
                "korea",
                "Korea Selatan dan Jepang menggelar latihan militer bersama pekan ini. "
                # Not "Pyongyang", which stands for North Korea (corpus/lang/places/capitals.txt).
                "Pemerintah Cina mengecam latihan tersebut sebagai provokasi.",
            ),
        ]
    )


def test_a_question_about_something_the_corpus_lacks_is_not_answered(lavrov: Engine) -> None:
    answer = lavrov.search("Apa kata Lavrov tentang Korea Utara?")
    assert not answer.answered and answer.hits == ()
    assert answer.missing == ("Korea Utara",)
    # The closest sentences are carried apart from the hits, those about Lavrov first.
    assert answer.closest and "Korea" not in answer.closest[0].sentence.text
    # The same question about what the corpus holds is answered, with nothing missing.
    about_syria = lavrov.search("Apa kata Lavrov tentang Suriah?")
    assert about_syria.answered and about_syria.missing == ()
    assert "Suriah" in about_syria.hits[0].sentence.text


def test_a_long_question_lacking_one_of_several_names_is_still_answered(lavrov: Engine) -> None:
    # A long question names more than one sentence repeats: one of three missing is on topic.
    answer = lavrov.search("Apa kata Sergei Lavrov tentang serangan di Aleppo dan kelompok Al-Nusra di Idlib?")
    assert answer.answered and answer.missing == ()


_KOREA_STORY = (
    "Korea Utara kembali meluncurkan rudal balistik ke arah Laut Jepang pada hari Rabu. "
    "Kepala Staf Gabungan Korea Selatan mengatakan rudal itu terbang sekitar 1.000 kilometer. "
    "Jepang memprotes keras peluncuran tersebut dan meminta sidang darurat. "
    "Peluncuran itu adalah yang ketiga dalam sebulan terakhir. "
    "Para analis menilai Pyongyang sedang menguji jangkauan rudal barunya. "
    "Amerika Serikat menyatakan akan berkonsultasi dengan sekutunya di kawasan. "
    "Pemerintah Cina meminta semua pihak menahan diri. "
    "Rudal tersebut jatuh di luar zona ekonomi eksklusif Jepang. "
    "Tidak ada laporan kerusakan kapal atau pesawat. "
    "Korea Selatan menggelar rapat darurat dewan keamanan nasional. "
    "Menurut juru bicara Korea Utara, peluncuran berikutnya akan terjadi dalam beberapa pekan."
)


_LAVROV_STORY = (
    "Menteri Luar Negeri Rusia Sergei Lavrov mengatakan Rusia akan terus membantu Suriah. "
    "Lavrov menyebut serangan di Aleppo sebagai operasi melawan teroris. "
    "Dia juga meminta Amerika Serikat berhenti melindungi kelompok Al-Nusra. "
    "Menurut Lavrov, dialog dengan Washington tidak membuahkan hasil. "
    "Setiap kali kedua negara sepakat, pihak AS mundur dari kesepakatan itu. "
    "Rusia tetap membuka pintu bagi perundingan di Jenewa. "
    "Para diplomat kedua negara bertemu setiap pekan. "
    "Lavrov menegaskan bahwa serangan udara saja tidak cukup. "
    "Pasukan darat juga diperlukan untuk mengalahkan teroris. "
    "Pernyataan itu disampaikan dalam konferensi pers di Moskow. "
    "Lavrov dijadwalkan bertemu rekannya dari Turki pekan depan."
)


def test_a_whole_story_lacking_a_named_thing_is_not_the_answer() -> None:
    # Both names are in the corpus, never in one article: a story of Korea Utara that
    # never names Lavrov says nothing of what Lavrov said about it, nor does a story of
    # Lavrov that never names Korea Utara.
    stories = [_news("suriah", _LAVROV_STORY), _news("korea-utara", _KOREA_STORY)]
    engine = Engine.from_articles(stories)
    assert engine.article("korea-utara") is not None
    assert sum(s.article_id == "korea-utara" for s in engine._sentences) >= engine.tuning.story_sentences
    answer = engine.search("Apa kata Lavrov tentang Korea Utara?")
    assert not answer.answered and answer.hits == ()
    assert answer.missing in (("Lavrov",), ("Korea Utara",)) and answer.closest
    # Each name alone is answered from its own story.
    korea = engine.search("Apa kata juru bicara Korea Utara tentang peluncuran berikutnya?")
    assert korea.answered and korea.hits[0].sentence.article_id == "korea-utara"
    assert engine.search("Apa kata Lavrov tentang Aleppo?").answered
    # A passage of a few sentences, as cut from a longer story, may have lost the lead
    # that names its subject: one of two names still keeps it on its topic (nothing named
    # is lacking), though it cannot say what Lavrov said: it quotes no Lavrov
    # (`retrieval/speakers.py`; answered before session 33).
    passage = " ".join(_KOREA_STORY.split(". ")[:3]) + "."
    short = Engine.from_articles([stories[0], _news("korea-utara", passage)])
    quoted = short.search("Apa kata Lavrov tentang Korea Utara?")
    assert not quoted.answered and quoted.missing == ()
    # Off, the whole story is read as a passage is.
    off = engine.tuned(dataclasses.replace(engine.tuning, story_sentences=0))
    assert not engine.search("Ke mana rudal Korea Utara diluncurkan menurut Lavrov?").answered
    assert off.search("Ke mana rudal Korea Utara diluncurkan menurut Lavrov?").answered


def test_a_count_the_corpus_gives_only_of_another_thing_is_declined() -> None:
    # The Korea story counts kilometres and launches, never ships: quoting "1.000
    # kilometer" for "how many ships" would pass a number off as the answer.
    engine = Engine.from_articles([_news("korea-utara", _KOREA_STORY), _news("suriah", _LAVROV_STORY)])
    ships = engine.search("Berapa jumlah kapal perang Korea Utara di Laut Jepang?")
    assert not ships.answered and ships.closest
    assert ships.missing == ("jumlah kapal",)  # said, as a thing the corpus lacks would be
    # Off (the model without the signal that declines alone), the same quote is the answer.
    model = bundled()  # the model an engine answers with unless told otherwise
    assert model is not None and "count_unmatched" in model.alone
    alone = tuple(name for name in model.alone if name != "count_unmatched")
    assert engine.abstaining(dataclasses.replace(model, alone=alone)).search(
        "Berapa jumlah kapal perang Korea Utara di Laut Jepang?"
    ).answered
    # A count the story does give is answered.
    distance = engine.search("Berapa kilometer rudal Korea Utara terbang?")
    assert distance.answered and "1.000 kilometer" in distance.hits[0].sentence.text


def test_siapa_answered_by_a_group_before_a_sentence_that_only_holds_a_name() -> None:
    engine = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
    answer = engine.search("Siapa yang diundang Rusia ke Moskow?")
    assert answer.answered
    assert "delegasi dari kelompok oposisi Koalisi Nasional Suriah telah diundang" in answer.hits[0].sentence.text


def test_a_year_the_article_is_dated_is_no_number_the_question_adds(lavrov: Engine) -> None:
    # The story is dated 14 December 2016 and never writes "2016": the year a question
    # names is given by its date, and only another year is a number the corpus lacks.
    _answer, dated = lavrov.judge("Apa yang dikatakan Lavrov tentang serangan di Aleppo pada tahun 2016?")
    _answer, other = lavrov.judge("Apa yang dikatakan Lavrov tentang serangan di Aleppo pada tahun 2019?")
    assert dated is not None and dated.number_gap == 0.0
    assert other is None or other.number_gap == 1.0


@pytest.mark.parametrize(
    "question",
    ["What will the weather be like in Moscow tomorrow?", "Berapa lama kontrak sewa pangkalan Tartus oleh Rusia?"],
)
def test_whether_a_question_is_answered_does_not_depend_on_how_many_hits_are_asked_for(question: str) -> None:
    # Neither is answered by the articles. The answer floor read as many hits as the
    # caller asked for: the 4th-10th best quotes cleared it where the first 3 did not, so
    # inline mode (10 hits) and `ask -k 10` answered what a chat reply (4) declined.
    engine = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
    assert [engine.search(question, k=k, offset=offset).answered for k, offset in ((3, 0), (10, 0), (3, 3))] == [
        False
    ] * 3
