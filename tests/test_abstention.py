"""The abstention stage (retrieval/abstention.py) against simple references."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalogue import Catalogue
from retrieval import abstention
from retrieval.abstention import Abstention, Lexicon, Signals, bundled, counted_word, measure, within
from retrieval.question import named
from retrieval.ranking import Unit
from retrieval.records import Article
from retrieval.search import Engine, default_analyzer
from tests.sampling import examples


def _levenshtein(a: str, b: str) -> int:
    """The textbook full table, no early stop."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return table[len(a)][len(b)]


@given(st.text(alphabet="abkmor", max_size=8), st.text(alphabet="abkmor", max_size=8), st.integers(0, 3))
def test_within_agrees_with_the_full_edit_distance(a: str, b: str, limit: int) -> None:
    assert within(a, b, limit) == (_levenshtein(a, b) <= limit)


@given(st.text(alphabet="abkmo\u00e9\u212a", max_size=20), st.text(alphabet="abkmo\u00e9\u212a", max_size=20))
def test_the_bit_vector_distance_is_the_full_edit_distance(a: str, b: str) -> None:
    from retrieval.abstention import _distance, _letter_masks

    assert _distance(_letter_masks(a), len(a), b) == _levenshtein(a, b)


def test_the_model_is_a_logistic_of_its_weighted_signals() -> None:
    names = Signals.names_()
    signals = Signals(**{name: float(i % 3) for i, name in enumerate(names)})
    model = Abstention(names=("article_gap", "near_miss"), weights=(2.0, -1.5), bias=0.25, threshold=0.6, alone=("antonym",))
    z = 0.25 + 2.0 * signals.article_gap - 1.5 * signals.near_miss
    assert model.probability(signals) == pytest.approx(1 / (1 + math.exp(-z)))
    assert model.declines(signals) == (signals.antonym > 0 or 1 / (1 + math.exp(-z)) >= 0.6)
    assert Abstention(model.names, model.weights, -50.0, 0.6, ("antonym",)).declines(
        Signals(**{**{name: 0.0 for name in names}, "antonym": 1.0})
    )
    assert Abstention.from_json(model.to_json()) == model


def test_a_model_file_naming_an_unknown_signal_is_refused_with_its_name() -> None:
    text = '{"weights": {"gap_of_nothing": 1.0}, "bias": 0, "threshold": 0.5}'
    with pytest.raises(ValueError, match="model.json.*gap_of_nothing"):
        Abstention.from_json(text, source="model.json")
    with pytest.raises(ValueError, match="model.json"):
        Abstention.from_json('{"weights": [1.0]}', source="model.json")


def test_the_bundled_model_reads_only_known_signals() -> None:
    model = bundled()
    assert model is not None and set(model.names) <= set(Signals.names_()) and 0 < model.threshold < 1
    assert model.trees is None or set(model.trees.inputs) <= set(Signals.names_())


def _walk(node: dict, signals: Signals) -> float:
    """The reference: one tree from the root down (a value at the threshold goes left)."""
    if "leaf" in node:
        return node["leaf"]
    return _walk(node["le"] if getattr(signals, node["input"]) <= node["at"] else node["gt"], signals)


# Trees of uneven depth over two signals, and a third tree that is only a leaf.
TREES = [
    {"input": "article_gap", "at": 0.5, "le": {"leaf": -1.0}, "gt": {
        "input": "near_miss", "at": 0.0, "le": {"leaf": 0.5}, "gt": {"leaf": 2.0}}},
    {"input": "near_miss", "at": 1.0, "le": {"input": "article_gap", "at": 1.5, "le": {"leaf": 0.25}, "gt": {"leaf": -0.75}},
     "gt": {"leaf": 1.5}},
    {"leaf": -0.125},
]


def test_a_model_with_trees_adds_their_leaves_to_its_log_odds() -> None:
    names = Signals.names_()
    model = Abstention.from_json(
        json.dumps({"weights": {"coverage": -2.0}, "bias": 0.5, "threshold": 0.5,
                    "trees": {"inputs": ["article_gap", "near_miss"], "trees": TREES}})
    )
    assert model.trees is not None and model.trees.inputs == ("article_gap", "near_miss")
    seen = set()
    for gap in (0.0, 0.5, 1.0, 1.5, 2.0):
        for near in (-1.0, 0.0, 1.0, 2.0):
            signals = Signals(**{**{name: 0.25 for name in names}, "article_gap": gap, "near_miss": near})
            z = 0.5 - 2.0 * 0.25 + math.fsum(_walk(tree, signals) for tree in TREES)
            seen.add(z)
            assert model.probability(signals) == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-12)
            assert model.declines(signals) == (1 / (1 + math.exp(-z)) >= 0.5)
    assert len(seen) >= 5  # the rows do reach different leaves
    again = Abstention.from_json(model.to_json())
    assert again.trees is not None and again.trees.trees == model.trees.trees and again.to_json() == model.to_json()


def test_the_bundled_trees_give_what_a_plain_walk_of_the_file_gives() -> None:
    model = bundled()
    if model is None or model.trees is None:
        pytest.skip("the shipped model has no trees")
    data = json.loads((Path(abstention.__file__).with_name("abstention.json")).read_text(encoding="utf-8"))
    names = Signals.names_()
    cuts: dict[str, list[float]] = {name: [0.0, 1.0] for name in names}

    def collect(node: dict) -> None:
        if "leaf" not in node:
            cuts[node["input"]].append(node["at"])
            collect(node["le"])
            collect(node["gt"])

    for tree in data["trees"]["trees"]:
        collect(tree)
    rng = random.Random(5)
    probabilities = set()
    for _ in range(300):
        # Values on the thresholds too: there `<=` must go left, as LightGBM's did.
        signals = Signals(**{name: rng.choice(cuts[name]) if rng.random() < 0.5 else rng.uniform(-1.0, 3.0) for name in names})
        z = model.bias + math.fsum(w * getattr(signals, n) for n, w in zip(model.names, model.weights))
        z += math.fsum(_walk(tree, signals) for tree in data["trees"]["trees"])
        want = 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))
        assert model.probability(signals) == pytest.approx(want, abs=1e-9)
        probabilities.add(round(want, 6))
    assert len(probabilities) > 50


@pytest.mark.parametrize(
    ("trees", "complaint"),
    [
        ('"a"', '"trees" must be an object'),
        ('{"inputs": "a", "trees": []}', '"inputs"'),
        ('{"inputs": ["near_miss"], "trees": [{"input": "article_gap", "at": 0, "le": {"leaf": 1}, "gt": {"leaf": 2}}]}',
         "article_gap"),
        ('{"inputs": ["gap_of_nothing"], "trees": []}', "gap_of_nothing"),
        ('{"inputs": ["near_miss"], "trees": [{"input": "near_miss", "at": 0, "le": {"leaf": 1}}]}', '"le" and "gt"'),
    ],
)
def test_a_model_file_with_broken_trees_is_refused_naming_the_file(trees: str, complaint: str) -> None:
    text = f'{{"weights": {{}}, "bias": 0, "threshold": 0.5, "trees": {trees}}}'
    with pytest.raises(ValueError, match="model.json") as error:
        Abstention.from_json(text, source="model.json")
    assert complaint in str(error.value)


def _signals(
    question: str, sentence: str, article: str, *, lexicon: Lexicon = Lexicon(), with_names: bool = False
) -> Signals:
    analyzer = default_analyzer()
    question_words = analyzer.word_terms(question)
    words = [frozenset(terms) for _w, terms in analyzer.word_terms(question) if terms]
    units = [Unit(terms, 1.0) for terms in dict.fromkeys(words)]
    vocabulary = frozenset(analyzer.terms(article))
    return measure(
        question=question,
        units=units,
        names=tuple(named(question_words)) if with_names else (),
        own=frozenset(analyzer.terms(sentence)),
        window=frozenset(analyzer.terms(sentence)),
        article=vocabulary,
        window_text=sentence,
        article_text=article,
        scores=(4.0, 2.0),
        known=lambda term: term in vocabulary,
        rarest_idf=2.0,
        lexicon=lexicon,
        question_words=question_words,
        window_words=lambda: analyzer.word_terms(sentence),
    )


PARAGRAPH = "Komputer mikro mulai dikembangkan pada tahun 1970. Komputer mikro dibangun dengan prosesor tunggal."


def test_a_word_one_letter_from_an_article_word_is_a_near_miss() -> None:
    changed = _signals("Kapan komputer makro mulai dikembangkan?", "Komputer mikro mulai dikembangkan pada tahun 1970.", PARAGRAPH)
    assert changed.near_miss == 1.0 and changed.article_gap == pytest.approx(0.5) and changed.article_missing == 1
    same = _signals("Kapan komputer mikro mulai dikembangkan?", "Komputer mikro mulai dikembangkan pada tahun 1970.", PARAGRAPH)
    assert same.near_miss == 0.0 and same.article_gap == 0.0 and same.coverage == 1.0
    assert same.margin == pytest.approx(math.log(2.0))


def test_negation_numbers_and_opposites_the_article_lacks() -> None:
    lexicon = Lexicon.read(
        default_analyzer_dir(), default_analyzer().terms
    )
    sentence = "Komputer mikro dibangun dengan prosesor tunggal."
    negated = _signals("Komputer apa yang tidak dibangun dengan prosesor?", sentence, PARAGRAPH, lexicon=lexicon)
    assert negated.negation == 1.0
    # A closing "tidak?" asks yes or no ("... jadi ga?" in chat): it negates nothing.
    for tagged in ("Komputer mikro dibangun dengan prosesor tidak?", "Komputer mikro dibangun dengan prosesor atau tidak?"):
        assert _signals(tagged, sentence, PARAGRAPH, lexicon=lexicon).negation == 0.0, tagged
    # A why-question asks the reason, which the answer gives without saying "tidak" again.
    # Asked as `question.asks_reason` reads it, "Apa alasan ..." and chat's "knp" too.
    for why in (
        "Mengapa komputer mikro tidak dibangun dengan prosesor ganda?",
        "Why was it not built with two processors?",
        "Apa alasan komputer mikro tidak dibangun dengan prosesor ganda?",
        "knp komputer mikro tidak dibangun dengan prosesor ganda",
    ):
        assert _signals(why, sentence, PARAGRAPH, lexicon=lexicon).negation == 0.0, why
    # "Mengapa saja" in chat ("ngapain aja") asks what was done: the negation stands.
    assert _signals("Mengapa saja yang tidak dibangun dengan prosesor?", sentence, PARAGRAPH, lexicon=lexicon).negation == 1.0
    year = _signals("Apa yang dikembangkan pada tahun 1980?", sentence, PARAGRAPH, lexicon=lexicon)
    assert year.number_gap == 1.0
    assert _signals("Apa yang dikembangkan pada tahun 1970?", sentence, PARAGRAPH, lexicon=lexicon).number_gap == 0.0
    destroyed = _signals("Kapan komputer mikro dihancurkan?", sentence, PARAGRAPH, lexicon=lexicon)
    assert destroyed.antonym == 1.0
    assert _signals("Kapan komputer mikro dijual?", sentence, PARAGRAPH, lexicon=lexicon).antonym == 0.0
    # One way only: a question's "dibangun" over an article that says "dihancurkan" is no change of meaning...
    ruined = "Komputer mikro itu dihancurkan pada tahun 1990."
    assert _signals("Kapan komputer mikro dibangun?", ruined, ruined, lexicon=lexicon).antonym == 0.0
    # ...and a negated opposite ("tidak dibangun" over "dihancurkan") restates the article.
    assert _signals("Komputer apa yang tidak dihancurkan?", sentence, PARAGRAPH, lexicon=lexicon).antonym == 0.0


def test_a_word_the_question_negates_that_the_window_holds_plainly_is_negated_held() -> None:
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)
    sentence = "Rupiah adalah mata uang yang digunakan di Indonesia sejak tahun 1949."

    def held(question: str, window: str = sentence) -> float:
        return _signals(question, window, window, lexicon=lexicon).negated_held

    assert held("Mata uang apa yang tidak digunakan di Indonesia?") == 1.0
    assert held("Mata uang apa yang belum pernah digunakan di Indonesia?") == 1.0  # past "pernah"
    assert held("Mata uang apa yang digunakan di Indonesia?") == 0.0  # nothing negated
    # The window negates it too, within a few words ("tidak lagi digunakan", "kurang tepat").
    assert held("Mata uang apa yang tidak digunakan di Indonesia?", "Gulden tidak lagi digunakan di Indonesia.") == 0.0
    assert held("Terjemahan apa yang tidak tepat?", "Terjemahan itu kurang tepat menurut para ahli.") == 0.0
    # "tidak mau" negates no content word: the next word is no part of the negation.
    assert held("Mengapa Ani tidak mau Budi pergi ke Bandung?", "Ani melarang Budi pergi ke Bandung.") == 0.0
    # A negated opposite restates the window: "tidak berdarah panas" is "berdarah dingin".
    reptile = "Reptil adalah hewan vertebrata berdarah dingin yang bersisik."
    assert held("Hewan apa yang tidak berdarah panas?", reptile) == 0.0
    assert held("Hewan apa yang tidak bersisik?", reptile) == 1.0
    # "tak ada ... yang meminta" says that nobody asked, however long the noun phrase.
    nobody = "Tak ada seorang pun di Irak, Libya, atau khususnya Yaman yang meminta gencatan senjata sebelum dialog."
    assert held("Negara mana yang tidak meminta gencatan senjata sebelum dialog?", nobody) == 0.0
    assert held("Negara mana yang tidak meminta gencatan senjata?", "Irak dan Libya meminta gencatan senjata.") == 1.0
    # "Benar tidak ...?" asks whether; its "tidak" negates nothing after it.
    accused = "Lavrov menegaskan bahwa tuduhan Rusia memaksa warga sipil meninggalkan Aleppo tidaklah benar."
    assert held("Benar tidak Rusia memaksa warga sipil meninggalkan Aleppo?", accused) == 0.0
    assert held("benar atau tidak Rusia memaksa warga sipil meninggalkan Aleppo?", accused) == 0.0
    assert held("Siapa yang tidak memaksa warga sipil meninggalkan Aleppo?", accused) == 1.0
    # Chat asks yes or no with a "gak" after a verb of will or belief: "mau gak keluar".
    leave = "Para komandan oposisi menolak tawaran Rusia untuk keluar dari Aleppo Timur."
    assert held("oposisi mau tidak keluar dari aleppo timur", leave) == 0.0
    assert held("lavrov yakin tidak oposisi keluar dari aleppo timur", leave) == 0.0
    # ... or after accepting or refusing: "nerima gak tawaran rusia" asks whether they did.
    assert held("komandan oposisi menerima tidak tawaran rusia", leave) == 0.0
    assert held("komandan oposisi tidak tawaran rusia", leave) == 1.0
    assert held("oposisi tidak keluar dari aleppo timur", leave) == 1.0
    # A negated clause that only describes what the question asks something else of.
    deal = "Kesepakatan gencatan senjata yang berhasil disepakati pada September lalu dijalankan sebagian."
    assert held("Kapan kesepakatan yang tidak dijalankan Obama itu disepakati?", deal) == 0.0
    assert held("Kesepakatan apa yang tidak dijalankan Obama?", deal) == 1.0
    assert held("Kapan kesepakatan yang tidak dijalankan Obama itu ada?", deal) == 1.0  # no verb after it


def test_a_word_the_question_asks_plainly_that_the_window_only_negates_is_negation_dropped() -> None:
    window = "Merkurius adalah planet terdekat dari Matahari. Merkurius tidak memiliki satelit alami."

    def dropped(question: str, text: str = window) -> float:
        return _signals(question, text, text).negation_dropped

    assert dropped("Planet apa yang memiliki satelit alami?") == 1.0
    assert dropped("Planet apa yang tidak memiliki satelit alami?") == 0.0  # asked as the window says
    # Another form of the word is a paraphrase, not the window's phrase less its negation.
    trees = "Kompensasi diberikan bagi setiap pohon yang tidak ditebang."
    assert dropped("Apa yang mengatur kompensasi penebangan pohon?", trees) == 0.0
    assert dropped("Apa yang mengatur kompensasi pohon yang ditebang?", trees) == 1.0
    # "Apakah ...?" may ask yes or no, and "tidak" is then the answer.
    assert dropped("Apakah Merkurius memiliki satelit alami?") == 0.0
    # "tidak ada informasi": the first content word after the negation is negated.
    leak = "Tidak ada informasi yang dibocorkan ke media."
    assert dropped("Informasi apa yang dibocorkan ke media?", leak) == 1.0
    # The word stands plainly elsewhere in the window.
    both = "Bumi memiliki satelit alami. Merkurius tidak memiliki satelit alami."
    assert dropped("Planet apa yang memiliki satelit alami?", both) == 0.0
    # Negations that negate nothing: "paling tidak", "tidak hanya", "belum lagi".
    karantina = "Paling tidak petugas karantina melakukan pemeriksaan."
    assert dropped("Apa yang dilakukan petugas karantina?", karantina) == 0.0
    assert dropped("Apa yang diproduksi Brasil?", "Tidak hanya Brasil yang memproduksi etanol.") == 0.0
    assert dropped("Daerah apa yang terkena wabah?", "Belum lagi daerah lain yang terkena wabah.") == 0.0
    # "non profit", "kurang dari" negate nothing the question asks; nor does a negation reach
    # past the word after it ("tidak sedikit. Menurut laporan ...").
    assert dropped("Apa lembaga profit di Bonn?", "Klimaschutz adalah lembaga non profit di Bonn.") == 0.0
    assert dropped("Kapan stok beras kurang dari satu juta ton?", "Stok beras kurang dari satu juta ton.") == 0.0
    assert dropped("Apa isi laporan itu?", "Biayanya tidak sedikit. Menurut laporan itu, biayanya besar.") == 0.0
    # "enggan", "gagal" say "not" of the word after them: the question keeps the negation in other words.
    nusra = "AS sebisa mungkin tak mau menyerang kelompok teroris front al-Nusra."
    assert dropped("Kapan Lavrov menyatakan AS enggan menyerang al-Nusra?", nusra) == 0.0
    assert dropped("Kapan AS gagal menyerang al-Nusra?", nusra) == 0.0
    assert dropped("Kapan AS menyerang al-Nusra?", nusra) == 1.0
    # Chat asks yes or no with a "tidak" right after the verb: "berkurang gak di era trump".
    steady = "Frekuensi kontak kedua negara tidak akan berkurang."
    assert dropped("kontak kedua negara bakal berkurang tidak di era trump", steady) == 0.0
    assert dropped("kontak kedua negara bakal berkurang di era trump", steady) == 1.0


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("antonyms.txt", "# opposites\nakhir: awal\nbuka tutup\n", r"antonyms.txt:3: expected `asked: held"),
        ("swaps.txt", "# swaps\nlarang temu\n", r"swaps.txt:2: expected `asked: held"),
        ("relations.txt", "# relations\nayah ibu\nutara\n", r"relations.txt:3: expected two or more words"),
    ],
)
def test_a_malformed_word_list_line_is_refused_with_file_and_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        Lexicon.read(tmp_path, default_analyzer().terms)


def default_analyzer_dir():  # type: ignore[no-untyped-def]
    from config.settings import BUNDLED_LANGUAGE_DATA

    return BUNDLED_LANGUAGE_DATA / "abstention"


def test_frame_words_are_not_counted_as_missing() -> None:
    lexicon = Lexicon(frame=frozenset({"maksud"}))
    sentence = "Komputer mikro adalah komputer dengan prosesor tunggal."
    framed = _signals("Apa maksud komputer mikro?", sentence, sentence, lexicon=lexicon)
    assert framed.article_gap == 0.0 and framed.article_missing == 0
    assert _signals("Apa maksud komputer mikro?", sentence, sentence).article_missing == 1


def _news(article_id: str, text: str) -> Article:
    return Article(id=article_id, title=f"Judul {article_id}", source="Sumber", date=dt.date(2016, 12, 14), text=text)


def test_a_question_the_model_declines_is_shown_as_not_in_the_corpus_with_the_closest_sentence() -> None:
    # (bot.cli is not imported here: its `ask` binds sys.stdout when first imported,
    # and the CLI tests that capture output import it under their own capture.)
    from bot.render import answer_text
    from bot.texts import text

    engine = Engine.from_articles(
        [_news("mikro", PARAGRAPH), _news("lain", "Presiden meresmikan jembatan baru di Surabaya pada hari Senin.")]
    )
    asked = "Kapan komputer mikro mulai dikembangkan?"
    # A model that declines whatever passes the rules (this question does): a decline that
    # names nothing missing.
    always = Abstention(names=("coverage",), weights=(0.0,), bias=10.0, threshold=0.5)
    never = Abstention(names=("coverage",), weights=(0.0,), bias=-10.0, threshold=0.5)
    assert engine.abstaining(never).search(asked).answered
    answer = engine.abstaining(always).search(asked)
    assert not answer.answered and answer.hits == () and answer.missing == ()
    # The sentence the rules would have quoted is carried only as the closest, never as an answer.
    assert answer.closest and "mikro" in answer.closest[0].sentence.text
    shown = answer_text(answer, catalogue=Catalogue.of(engine.articles))
    assert shown.startswith(text("id", "no_answer", query=asked))
    # Shown under its label, after the decline: never as a numbered quote.
    label = text("id", "closest_not_answer")
    assert shown.index(label) < shown.index(answer.closest[0].sentence.text)
    assert "[1]" not in shown


MIR = (
    "Mir adalah stasiun luar angkasa yang dioperasikan Uni Soviet. Stasiun Mir dibangun pada tahun 1986 "
    "di orbit rendah Bumi. Stasiun itu menjadi tempat tinggal para kosmonot selama bertahun-tahun."
)


def test_a_question_about_the_opposite_of_what_the_article_says_is_declined() -> None:
    engine = Engine.from_articles(
        [_news("mir", MIR), _news("lain", "Presiden meresmikan jembatan baru di Surabaya pada hari Senin.")]
    )
    built = engine.search("Kapan stasiun luar angkasa Mir dibangun?")
    assert built.answered and "1986" in built.hits[0].sentence.text
    # The article says "dibangun" (built), never "dihancurkan" (destroyed): no answer, whatever else
    # matches; the decline names the word (since session 33).
    destroyed = engine.search("Kapan stasiun luar angkasa Mir dihancurkan?")
    assert not destroyed.answered and destroyed.missing == ("dihancurkan",) and destroyed.closest
    # The same question with the hand rules alone quotes the construction date as if it answered.
    assert engine.abstaining(None).search("Kapan stasiun luar angkasa Mir dihancurkan?").answered


def test_a_name_spelled_otherwise_in_the_corpus_is_not_unknown() -> None:
    engine = Engine.from_articles(
        [
            _news("etiopia", "Etiopia adalah negara di Afrika Timur. Ibu kota Etiopia adalah Addis Ababa."),
            _news("kenya", "Kenya adalah negara di Afrika Timur. Ibu kota Kenya adalah Nairobi."),
        ]
    )
    # "Ethiopia" is the corpus's "Etiopia" in another transliteration: found, and answered.
    answer = engine.search("Apa ibu kota Ethiopia?")
    assert answer.answered and "Addis Ababa" in answer.hits[0].sentence.text
    # A letter that sounds different is another name ("Etiopio" is no spelling of Etiopia): declined.
    assert not engine.search("Apa ibu kota Etiopio?").answered
    # Without the respelling the corpus is taken never to name it.
    plain = engine.tuned(dataclasses.replace(engine.tuning, name_spellings=False))
    assert plain.search("Apa ibu kota Ethiopia?").missing == ("Ethiopia",)


def test_near_any_equals_calling_within_for_every_word() -> None:
    # `_near_any` cuts `within`'s pieces once a term; it must answer as the plain loop does.
    import random

    from retrieval.abstention import _NEAR_MIN_LENGTH, _near_any

    def reference(terms: list[str], vocabulary: frozenset[str]) -> bool:
        return any(
            within(term, other, 2)
            for term in terms
            if not term.startswith("~") and len(term) >= _NEAR_MIN_LENGTH and term.isalpha()
            for other in vocabulary
            if abs(len(other) - len(term)) <= 2 and len(other) >= _NEAR_MIN_LENGTH and other != term
        )

    rng = random.Random(7)
    letters = "aeinrstk"
    answers = set()
    for _ in range(examples(3000)):  # a tenth in the quick run (tests/sampling.py)
        vocabulary = frozenset("".join(rng.choices(letters, k=rng.randint(1, 9))) for _ in range(rng.randint(0, 30)))
        terms = ["".join(rng.choices(letters, k=rng.randint(1, 9))) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.2 and vocabulary:
            terms.append(rng.choice(sorted(vocabulary)))  # the very word: not near itself
        if rng.random() < 0.1:
            terms.append("~" + terms[0])
        expected = reference(terms, vocabulary)
        assert _near_any(terms, vocabulary) == expected, (terms, sorted(vocabulary))
        answers.add(expected)
    assert answers == {True, False}


def _edited(rng, word: str, edits: int, letters: str) -> str:  # type: ignore[no-untyped-def]
    for _ in range(edits):
        i = rng.randint(0, len(word))
        kind = rng.choice("ids")
        if kind == "i" or not word:
            word = word[:i] + rng.choice(letters) + word[i:]
        elif kind == "d":
            word = word[: min(i, len(word) - 1)] + word[min(i, len(word) - 1) + 1 :]
        else:
            i = min(i, len(word) - 1)
            word = word[:i] + rng.choice(letters) + word[i + 1 :]
    return word


def test_near_misses_a_few_edits_away_are_found_wherever_the_edits_fall() -> None:
    # Words made by 1 to 3 edits of a term (edits before a piece move it): `_near_any` and
    # `within` must agree with the full edit distance however far the pieces moved.
    import random

    from retrieval.abstention import _NEAR_MIN_LENGTH, _near_any

    rng = random.Random(11)
    letters = "aeinrstk"
    found = set()
    for _ in range(examples(20000)):
        term = "".join(rng.choices(letters, k=rng.randint(_NEAR_MIN_LENGTH, 10)))
        other = _edited(rng, term, rng.randint(1, 3), letters)
        distance = _levenshtein(term, other)
        for limit in (1, 2, 3):
            assert within(term, other, limit) == (distance <= limit), (term, other, limit)
        near = other != term and len(other) >= _NEAR_MIN_LENGTH and distance <= 2
        assert _near_any([term], frozenset({other})) == near, (term, other)
        found.add(near)
    assert found == {True, False}


TIONGHOA = "Bahasa Tionghoa ditemukan pada abad ke-12 di daratan Tiongkok. Bahasa itu digunakan oleh jutaan orang."


def test_a_swapped_word_from_the_mined_list_is_an_opposite_only_when_the_article_lacks_it() -> None:
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)
    sentence = "Bahasa Tionghoa ditemukan pada abad ke-12 di daratan Tiongkok."

    def swapped(question: str, article: str = TIONGHOA) -> float:
        return _signals(question, sentence, article, lexicon=lexicon).antonym

    # swaps.txt: "larang: ... temu ...": asked "dilarang" over an article that says only "ditemukan".
    assert swapped("Kapan Bahasa Tionghoa dilarang?") == 1.0
    assert swapped("Kapan Bahasa Tionghoa ditemukan?") == 0.0
    # Must not decline: the article says it was banned too.
    assert swapped("Kapan Bahasa Tionghoa dilarang?", TIONGHOA + " Bahasa itu dilarang pada tahun 1966.") == 0.0
    # Nor a question that negates ("tidak dilarang" restates "digunakan").
    assert swapped("Bahasa apa yang tidak dilarang?") == 0.0


def test_a_qualifier_whose_word_the_article_lacks_is_a_qualifier_signal() -> None:
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)
    sentence = "Bahasa Tionghoa ditemukan pada abad ke-12 di daratan Tiongkok."

    def qualified(question: str, article: str = TIONGHOA) -> float:
        return _signals(question, sentence, article, lexicon=lexicon).qualifier

    assert qualified("Bahasa apa yang paling populer di Tiongkok?") == 1.0
    assert qualified("Kapan Bahasa Tionghoa ditemukan menurut para ahli?") == 1.0  # past "para"
    assert qualified("Bahasa apa yang digunakan di Tiongkok pada masa dinasti Ming?") == 1.0
    # Must not fire: the article holds the qualifier's word, or the question has no qualifier...
    assert qualified("Bahasa apa yang paling banyak digunakan?", TIONGHOA + " Ia yang paling banyak dipakai.") == 0.0
    # ...or the article qualifies the same way, maybe in other words ("paling berkuasa" for
    # "paling kuat"; "pada abad ke-12" for "pada abad pertengahan").
    assert qualified("Siapa yang paling kuat di Tiongkok?", TIONGHOA + " Kaisar paling berkuasa di sana.") == 0.0
    assert qualified("Bahasa apa yang digunakan di Tiongkok pada abad pertengahan?") == 0.0
    assert qualified("Kapan Bahasa Tionghoa ditemukan pada abad ke-12?") == 0.0
    assert qualified("Kapan Bahasa Tionghoa ditemukan?") == 0.0
    # Without the word list nothing is a qualifier.
    assert _signals("Bahasa apa yang paling populer di Tiongkok?", sentence, TIONGHOA).qualifier == 0.0


def test_a_word_the_window_lacks_whose_opposite_it_holds_is_a_window_opposite() -> None:
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)
    window = "Mesin tik pertama kali ditemukan sebelum tahun 1870."
    # The article says "berakhir" elsewhere, so `antonym` (article-wide) stays silent.
    article = window + " Masa kejayaan mesin tik berakhir pada abad ke-20."

    def signals(question: str) -> Signals:
        return _signals(question, window, article, lexicon=lexicon)

    last = signals("Kapan mesin tik terakhir ditemukan?")
    assert last.window_opposite == 1.0 and last.antonym == 0.0
    assert signals("Kapan mesin tik pertama kali ditemukan?").window_opposite == 0.0
    # A negated question restates an opposite, as for `antonym`.
    assert signals("Mesin apa yang tidak terakhir ditemukan?").window_opposite == 0.0


def test_a_relation_the_window_gives_only_for_another_member_of_its_set_is_a_relation_swap() -> None:
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)
    window = "Don Juan lahir di Regensburg. Ibunya adalah Barbara Blomberg, seorang biduanita."

    def swap(question: str, text: str = window) -> float:
        return _signals(question, text, text, lexicon=lexicon).relation_swap

    assert swap("Siapakah nama adik Don Juan?") == 1.0
    assert swap("Siapakah nama ibu Don Juan?") == 0.0  # the window gives what is asked
    # Nothing of the set in the window: no sign of another relation.
    assert swap("Siapakah nama adik Don Juan?", "Don Juan lahir di Regensburg pada tahun 1547.") == 0.0
    # The other member is asked too ("ayah dan ibu"), so the window's "ibu" is no swap.
    assert swap("Siapakah nama ayah dan ibu Don Juan?") == 0.0
    # Several words name one relation ("wafat" is "meninggal").
    died = "Don Juan wafat di Namur pada tahun 1578."
    assert swap("Kapan Don Juan meninggal?", died) == 0.0
    assert swap("Kapan Don Juan lahir?", died) == 1.0
    # Without the list there are no sets.
    assert _signals("Siapakah nama adik Don Juan?", window, window).relation_swap == 0.0


def test_a_name_the_article_writes_with_another_last_word_is_a_name_part_and_one_it_lacks_is_absent() -> None:
    article = "Paul Simon lahir 13 Oktober 1941 di Newark. Ia penyanyi dari Amerika Serikat."

    def signals(question: str, text: str = article) -> Signals:
        return _signals(question, text, text, with_names=True)

    swapped = signals("Kapan Paul Brunasli lahir?")
    assert swapped.name_part == 1.0 and swapped.names_absent == 0.0
    assert signals("Kapan Paul Simon lahir?").name_part == 0.0
    # The article calls him by his first name only: nothing names someone else.
    assert signals("Kapan Paul Brunasli lahir?", "Paul lahir di Newark. Ia penyanyi.").name_part == 0.0
    # Another spelling of the last word is no other name ("Motor" for "Motors").
    assert signals("Kapan Nissan Motors didirikan?", "Nissan Motor Company didirikan pada 1933.").name_part == 0.0
    elsewhere = signals("Kapan Paul Simon lahir di Inggris?")
    assert elsewhere.name_part == 0.0 and elsewhere.names_absent == 0.5
    assert signals("Kapan Paul Simon lahir di Amerika?").names_absent == 0.0


def test_a_count_asked_over_a_window_without_a_number_is_count_absent() -> None:
    def absent(question: str, window: str) -> float:
        return _signals(question, window, window).count_absent

    married = "James Hepburn menikah dengan Mary, Ratu Skotlandia."
    assert absent("Berapa banyak istri James Hepburn?", married) == 1.0
    assert absent("Berapakah istri James Hepburn?", married) == 1.0
    assert absent("Berapa banyak istri James Hepburn?", "James Hepburn menikah tiga kali.") == 0.0
    assert absent("Berapa banyak istri James Hepburn?", "James Hepburn menikah 3 kali.") == 0.0
    assert absent("Berapa banyak istri James Hepburn?", "Ia menikahi puluhan wanita.") == 0.0
    # "Tahun berapa" asks a date, which `number_gap` and the ranking read; nor is a question without "berapa" a count.
    assert absent("Tahun berapa James Hepburn menikah?", married) == 0.0
    assert absent("Siapa istri James Hepburn?", married) == 0.0


def _unmatched(question: str, window: str) -> float:
    """`count_unmatched` of `question` over `window` with the bundled word lists."""
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)
    return _signals(question, window, window, lexicon=lexicon).count_unmatched


def test_a_count_the_window_gives_only_for_another_thing_is_count_unmatched() -> None:
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)
    unmatched = _unmatched

    bases = "Rusia berharap mempertahankan dua pangkalan militernya di Suriah, yakni di Tartus dan Khmeimim."
    assert unmatched("Berapa jumlah tentara Rusia di Tartus?", bases) == 1.0
    # Chat writes the name in lower case; the window writes it as a name.
    assert unmatched("berapa jumlah tentara rusia di tartus", bases) == 1.0
    assert unmatched("Berapa jumlah pangkalan militer Rusia di Suriah?", bases) == 0.0
    # Near the number, before or after it, past "jumlah", "orang" and -kah.
    refugees = "Total pengungsi saat ini mencapai sekitar 130 ribu warga."
    assert unmatched("Berapakah total pengungsi dari Aleppo?", refugees) == 0.0
    assert unmatched("Berapa orang pengungsi dari Aleppo?", refugees) == 0.0
    assert unmatched("Berapa jumlah keseluruhan orang yang mengungsi dari Aleppo?", refugees) == 0.0  # past "keseluruhan"
    far = "Pengungsi dari Aleppo tiba di kamp yang dibangun di luar kota, kata pejabat setempat, sekitar 130 ribu."
    assert unmatched("Berapa pengungsi dari Aleppo?", far) == 1.0
    # A counter word counts whatever is asked; so does the second word of a two-word thing.
    assert unmatched("Berapa korban tewas di Aleppo?", "Serangan itu menewaskan 13 orang di Aleppo.") == 0.0
    assert unmatched("Berapa jenis statistika?", "Ada dua macam statistika, yaitu deskriptif dan inferensial.") == 0.0
    assert unmatched("Berapa jumlah karakter huruf bahasa Indonesia?", "Alfabetnya terdiri dari 26 huruf.") == 0.0
    # ...but a counter for people ("orang") counts no other thing the window names elsewhere.
    arms = "Moskow terus memasok senjata kepada rezim Assad selama perang saudara yang menewaskan sedikitnya 250.000 orang."
    assert unmatched("Berapa banyak senjata yang dipasok Rusia?", arms) == 1.0
    assert unmatched("Berapa korban perang itu?", arms) == 0.0  # not named: "orang" counts them
    assert unmatched("Berapa jumlah pejuang yang tewas?", "Para pejuang bertahan di kota. Serangan menewaskan 13 orang.") == 0.0
    # People of a kind the window never names are not counted by "orang" (people of any kind
    # are: `any:` in persons.txt).
    assert unmatched("Berapa tentara Rusia yang tewas dalam perang itu?", arms) == 1.0
    assert unmatched("Berapa warga yang tewas dalam perang itu?", arms) == 0.0
    # A window without any number counts nothing either.
    assert unmatched("Berapa jumlah pejuang FSA di Aleppo?", "Para komandan oposisi menolak tawaran Rusia.") == 1.0
    # Not a count: a measure, a date, or nothing named after "berapa".
    assert unmatched("Berapa lama perang berlangsung di Aleppo?", bases) == 0.0
    assert unmatched("Umur berapa Lavrov menjadi menteri?", bases) == 0.0
    assert unmatched("Tahun berapa Rusia membangun pangkalan di Tartus?", bases) == 0.0
    assert unmatched("Rusia punya pangkalan berapa?", bases) == 0.0
    # A rate is a measure too: the flow is given in its unit, not beside the word "debit".
    flow = "Debit air yang dikeluarkan dari pintu waduk ke areal pertanian mencapai 6.000 meter kubik per detik."
    assert unmatched("Berapakah debit air yang dikeluarkan dari pintu waduk ke areal pertanian?", flow) == 0.0
    # English puts names and stop words before what it counts, and reads the measure by
    # its Indonesian word ("years" is "tahun").
    assert unmatched("How many Russian soldiers are in Tartus?", bases) == 1.0
    assert unmatched("How many of the Russian bases are in Syria?", bases) == 0.0
    assert unmatched("How many years has Russia kept bases in Tartus?", bases) == 0.0
    # ... but a name followed by no word it qualifies is itself what is counted.
    words = default_analyzer().word_terms("How many Syrians had been forced to become refugees?")
    assert counted_word("How many Syrians had been forced to become refugees?", words, lexicon) == "Syrians"
    words = default_analyzer().word_terms("How many Russian soldiers are in Tartus?")
    assert counted_word("How many Russian soldiers are in Tartus?", words, lexicon) == "soldiers"


def test_a_number_of_a_measure_or_of_the_place_asked_counts_no_thing() -> None:
    unmatched = _unmatched
    # "dua hari" is two days, "(12/12)" a date and "tahun 2015" a year, though the
    # fighters stand beside them.
    days = "Para komandan oposisi, dua hari sebelumnya, menolak tawaran Rusia untuk keluar."
    assert unmatched("Berapa jumlah komandan oposisi di Aleppo?", days) == 1.0
    assert unmatched("Berapa hari komandan oposisi menolak tawaran itu?", days) == 0.0  # a measure asked: no count
    assert unmatched("Berapa jumlah pejuang di Aleppo?", "Pada Senin (12/12) pejuang mundur dari Aleppo.") == 1.0
    assert unmatched("Berapa jumlah pejuang di Aleppo?", "Pada tahun 2015 pejuang mundur dari Aleppo.") == 1.0
    assert unmatched("Berapa jumlah pejuang di Aleppo?", "Pada tahun 2015 sebanyak 300 pejuang mundur dari Aleppo.") == 0.0
    # "dua pangkalan militernya" counts the bases the question puts the soldiers in.
    bases = "Rusia berharap mempertahankan dua pangkalan militernya di Suriah, yakni di Tartus dan Khmeimim."
    assert unmatched("Berapa jumlah personel militer Rusia di pangkalan Tartus?", bases) == 1.0
    assert unmatched("Berapa jumlah personel militer Rusia di Suriah?", bases) == 0.0
    assert unmatched("Berapa jumlah personel militer di pangkalan Tartus?", "Ada 4.000 personel militer di dua pangkalan.") == 0.0


def test_words_for_one_people_count_as_one_thing() -> None:
    # `same:` in persons.txt: "penduduk" and "warga" name a place's people; the dead are others.
    residents = "Sampai saat ini masih terdapat 200 ribu lebih warga yang berada di Aleppo Timur."
    assert _unmatched("Berapa banyak penduduk yang masih bertahan di Aleppo Timur?", residents) == 0.0
    assert _unmatched("Berapa korban tewas di Aleppo Timur?", residents) == 1.0


def test_an_english_word_read_as_people_of_a_kind_is_not_counted_by_any_people() -> None:
    # "members" reads as "anggota" and "warga": one reading asks members, so "250.000
    # orang" (people of any kind) does not count them.
    text = (
        "Rusia mengundang delegasi oposisi Suriah ke Moskow. "
        "Moskow terus memasok senjata kepada rezim Assad selama perang yang menewaskan 250.000 orang."
    )
    # Another story uses both readings, so the English word is read as them.
    other = _news("klub", "Para anggota klub itu bertemu di balai. Warga kota ikut menonton.")
    engine = Engine.from_articles([_news("undangan", text), other])
    answer = engine.search("How many members were in the Syrian opposition delegation invited to Moscow?")
    assert not answer.answered and answer.missing == ("the number of members",)
    assert engine.search("How many people have died in the war?").answered


def test_an_amount_of_money_the_window_names_no_currency_for_is_count_unmatched() -> None:
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)

    def unmatched(question: str, window: str, *, with_lexicon: Lexicon = lexicon) -> float:
        return _signals(question, window, window, lexicon=with_lexicon).count_unmatched

    # Numbers, but no money: "empat tahun", "250.000 orang".
    arms = "Moskow terus memasok senjata kepada rezim Assad selama empat tahun perang yang menewaskan 250.000 orang."
    assert unmatched("Berapa nilai senjata yang dipasok Rusia kepada rezim Assad?", arms) == 1.0
    assert unmatched("Berapa besar biaya perang itu?", arms) == 1.0
    assert unmatched("How much were Russia's arms deliveries to Assad worth?", arms) == 1.0
    # A currency, spelled out, as a code or a sign, touching the number or not.
    for priced in (
        "Rusia memasok senjata senilai 5 miliar dolar kepada Assad.",
        "Rusia memasok senjata senilai Rp500 miliar kepada Assad.",
        "Rusia memasok senjata senilai US$5 miliar kepada Assad.",
    ):
        assert unmatched("Berapa nilai senjata yang dipasok Rusia kepada rezim Assad?", priced) == 0.0, priced
    # Not money: a grade, a weight, a count, or no list of money words at all.
    assert unmatched("Berapa nilai ujian Budi?", "Budi lulus ujian pada tahun 2010.") == 0.0
    assert unmatched("How much does the bridge weigh?", arms) == 0.0
    assert unmatched("Berapa lama perang itu berlangsung?", arms) == 0.0
    assert unmatched("Berapa nilai senjata yang dipasok Rusia kepada rezim Assad?", arms, with_lexicon=Lexicon()) == 0.0


@pytest.mark.parametrize(
    ("window", "dated"),
    [
        ("Delegasi itu tiba di Moskow pada hari Rabu.", False),  # a weekday is no date
        ("Delegasi itu tiba di Moskow pada tahun 2015.", False),  # nor is a year alone
        ("Delegasi itu tiba di Moskow pada 12 September 2015.", True),
        ("Delegasi itu tiba di Moskow, Senin (12/12).", True),
        ("Delegasi itu tiba di Moskow pada September 12, 2015.", True),
        ("Delegasi itu tiba di Moskow (8/ 9) pagi.", True),
        ("Delegasi itu berada di Moskow 20-29 September.", True),
    ],
)
def test_a_day_of_a_month_asked_over_a_window_without_one_is_count_unmatched(window: str, dated: bool) -> None:
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)
    for question in ("Tanggal berapa delegasi itu tiba di Moskow?", "On what date did the delegation arrive in Moscow?"):
        assert _signals(question, window, window, lexicon=lexicon).count_unmatched == float(not dated), question
    # "Kapan" may be answered by a weekday, a year or an event.
    assert _signals("Kapan delegasi itu tiba di Moskow?", window, window, lexicon=lexicon).count_unmatched == 0.0


def test_a_money_or_date_question_over_a_corpus_without_one_is_declined_naming_it(engine: Engine) -> None:
    answer = engine.search("Berapa nilai senjata yang dipasok Rusia kepada rezim Assad?")
    assert not answer.answered and answer.missing == ("nilai senjata",)
    assert "memasok senjata" in answer.closest[0].sentence.text
    # The delegation's arrival is reported on a Wednesday; no story gives its date.
    answer = engine.search("Tanggal berapa delegasi Koalisi Nasional Suriah tiba di Moskow?")
    assert not answer.answered and answer.missing == ("tanggal",)
    assert "pada hari Rabu" in answer.closest[0].sentence.text


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("How many Russian soldiers are stationed in Tartus?", "the number of soldiers"),
        ("How much were the weapons Russia supplied to Assad worth?", "an amount in any currency"),
        ("On what date did the Syrian National Coalition delegation arrive in Moscow?", "the date"),
        ("Berapa jumlah tentara Rusia di Tartus?", "jumlah tentara"),
    ],
)
def test_a_decline_names_what_is_lacking_in_the_language_asked(engine: Engine, question: str, missing: str) -> None:
    answer = engine.search(question)
    assert not answer.answered and answer.missing == (missing,)


def test_an_undoing_the_article_never_mentions_is_an_undoing_signal() -> None:
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)
    founded = "Google didirikan oleh Larry Page dan Sergey Brin pada tanggal 4 September 1998 di California."

    def undoing(question: str, article: str = founded) -> float:
        return _signals(question, article, article, lexicon=lexicon).undoing

    assert undoing("Kapan Google ditutup?") == 1.0
    assert undoing("Siapa yang membubarkan Google?") == 1.0  # any form of the word
    assert undoing("Kapan Google didirikan?") == 0.0  # nothing undone is asked
    # The article reports it, in another form of the word.
    assert undoing("Kapan Google ditutup?", founded + " Kantor di Beijing mengalami penutupan pada 2010.") == 0.0
    # A negated question ("tidak ditutup") asks what still stands; a yes/no question may be answered "no".
    assert undoing("Kantor mana yang tidak ditutup?") == 0.0
    assert undoing("Apakah Google akan ditutup?") == 0.0
    assert undoing("Menurut Larry Page, apakah Google akan ditutup?") == 0.0
    # Other ways to ask yes or no: "Benarkah", an English auxiliary, a chat "apa" before
    # an auxiliary, a closing "(atau) tidak?"; "Apa yang sudah ..." still asks what.
    for yes_no in (
        "Benarkah Google ditutup?",
        "Did Google ditutup?",
        "apa Google sudah memutuskan menutup kantornya?",
        "Google jadi ditutup tidak?",
        "Google sudah ditutup atau belum?",
    ):
        assert undoing(yes_no) == 0.0, yes_no
    assert undoing("Apa yang sudah ditutup Google?") == 1.0
    assert undoing("Apa Google ditutup pada 2010?") == 1.0  # no auxiliary: read as "what"
    # Without the word list nothing is an undoing.
    assert _signals("Kapan Google ditutup?", founded, founded).undoing == 0.0


def test_an_undoing_written_with_an_equals_sign_is_that_word_not_its_group(tmp_path: Path) -> None:
    # `=tewas` (killed) asks its own stem: `meninggal` (died), of its synonym group, is what an
    # encyclopedia gives by dates ("(287 SM - 212 SM)").
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)
    life = "Archimedes (287 SM - 212 SM) adalah ahli matematika Yunani dari Sirakusa."
    war = "Pertempuran Aleppo berlangsung sejak 2012. Ribuan warga mengungsi."
    assert _signals("Kapan Archimedes meninggal?", life, life, lexicon=lexicon).undoing == 0.0
    assert _signals("Berapa warga sipil yang tewas di Aleppo?", war, war, lexicon=lexicon).undoing == 1.0
    # Without the sign the word stands for its group, and the death is an undoing too.
    lang = tmp_path / "abstention"
    lang.mkdir()
    (lang / "undoing.txt").write_text("tewas\n", encoding="utf-8")
    grouped = Lexicon.read(lang, default_analyzer().terms)
    assert _signals("Kapan Archimedes meninggal?", life, life, lexicon=grouped).undoing == 1.0


def test_an_overthrow_the_article_never_reports_is_an_undoing() -> None:
    lexicon = Lexicon.read(default_analyzer_dir(), default_analyzer().terms)
    ruled = "Soeharto menjabat presiden Indonesia selama 32 tahun."
    fell = "Soeharto menjabat presiden Indonesia sampai penggulingannya pada 1998."
    assert _signals("Apa penyebab digulingkannya Soeharto?", ruled, ruled, lexicon=lexicon).undoing == 1.0
    assert _signals("Apa penyebab digulingkannya Soeharto?", fell, fell, lexicon=lexicon).undoing == 0.0


@pytest.mark.parametrize(
    "question",
    [
        "Ke negara mana Bashar al-Assad kabur setelah digulingkan?",
        "Ke negara mana Bashar al-Assad melarikan diri setelah digulingkan?",
        "Kapan Donald Trump dilantik sebagai presiden AS?",
        "Kapan delegasi Koalisi Nasional Suriah akhirnya tiba di Moskow?",
        "Siapa yang menggantikan Badr Jamus sebagai pemimpin koalisi?",
        "Berapa tentara Suriah yang gugur di Aleppo?",
        "Siapa saja yang berangkat ke Moskow bersama delegasi koalisi?",
        "Berapa tentara Rusia yang dikerahkan ke Aleppo?",
        "Kapan Rusia menarik Pasukan Kedirgantaraan dari Suriah?",
    ],
)
def test_an_event_no_story_reports_is_declined_as_an_undoing(engine: Engine, question: str) -> None:
    # The stories name Assad's fall, Trump's presidency, the delegation's invitation,
    # Badr Jamus's leadership and the soldiers in Aleppo, never a flight, a swearing-in,
    # an arrival, a successor, a soldier fallen, a departure, a deployment or a withdrawal.
    assert engine.judge(question, k=3)[1].undoing == 1.0
    answer = engine.search(question)
    assert not answer.answered
    # The decline names the word the stories never use, above the closest sentences.
    assert len(answer.missing) == 1 and answer.missing[0] in question and answer.closest


@pytest.mark.parametrize("question", ["Siapa pemimpin HTS?", "siapa yang memimpin Pasukan Kedirgantaraan Rusia"])
def test_a_leader_no_story_names_is_declined(engine: Engine, question: str) -> None:
    # The HTS story names the group, never who leads it; the 2015 story does name the
    # coalition's leader.
    assert engine.judge(question, k=3)[1].undoing == 1.0
    answer = engine.search(question)
    assert not answer.answered and answer.missing in (("pemimpin",), ("memimpin",)) and answer.closest
    assert engine.search("Siapa pemimpin Koalisi Nasional Suriah?").answered


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("Kapan Walid Phares diangkat jadi penasihat Trump?", "kapan"),
        ("Sejak kapan Rusia menggunakan Pangkalan Udara Khmeimim?", "kapan"),
        ("When was Geir Pedersen appointed UN special envoy for Syria?", "when"),
        ("Sudah berapa lama Sergey Lavrov menjabat sebagai menteri luar negeri Rusia?", "berapa lama"),
        ("How long is Russia's lease on the Tartus naval base?", "how long"),
        ("Berapa umur Mohammed bin Salman waktu bertemu Putin?", "umur"),
        ("How old is Mikhail Bogdanov?", "the age"),
        ("Apa hasil pertemuan Lavrov dan Kerry di Kuala Lumpur?", "hasil"),
        ("apa hasil kunjungan delegasi koalisi nasional suriah ke moskow", "hasil"),
        ("What was the outcome of Lavrov's meeting with Kerry in Kuala Lumpur?", "the outcome"),
        ("Bashar al-Assad lahir di mana?", "kelahiran"),
        ("Where was Badr Jamus born?", "the birth"),
        ("Siapa pejabat Rusia yang hadir dalam pertemuan dengan oposisi di Turki?", "nama pejabat"),
        ("Siapa komandan Pasukan Kedirgantaraan Rusia yang bertugas di Suriah?", "nama komandan"),
    ],
)
def test_a_question_whose_answer_form_the_closest_window_lacks_is_declined(
    engine: Engine, question: str, missing: str
) -> None:
    # The stories name Phares, Khmeimim, Pedersen, Lavrov, Tartus, the prince and Bogdanov,
    # never when he was appointed or the base first used, for how long Lavrov has served or
    # the lease runs, anyone's age, nor what came of the Kuala Lumpur meeting or the
    # invitation, nor where Assad or Jamus was born, nor who the Russian officials in Turkey
    # or the air force's commander were: the decline says what the closest sentences do not say.
    answer = engine.search(question)
    assert not answer.answered and answer.missing == (missing,) and answer.closest


@pytest.mark.parametrize(
    "question",
    [
        "Kapan Lavrov bertemu Kerry di Kuala Lumpur?",  # "pada hari Rabu"
        "Kapan situasi di Aleppo diperkirakan selesai?",  # "dalam dua atau tiga hari"
        "Kapan frekuensi pertemuan Rusia-AS dipastikan tidak berkurang?",  # "Jika struktur ... sudah jelas"
        "Berapa lama perang saudara di Suriah sudah berlangsung?",  # "selama empat tahun"
        "Dalam berapa hari Lavrov berharap situasi di Aleppo timur beres?",  # "dalam dua atau tiga hari"
        "Bagaimana hasil pertemuan di Turki menurut Zakariya?",  # "telah mencapai kebuntuan"
        "Apa hasil perundingan pemerintah Suriah dan oposisi yang diadakan di Rusia?",  # "tidak membuahkan hasil"
        "Siapa pejabat Rusia yang mengumumkan kontak dengan HTS?",  # "Wamenlu Rusia, Mikhail Bogdanov"
        # Named two sentences after the office: "ujar sang penasihat, Walid Phares".
        "Siapa penasihat presiden AS yang menyebut kemungkinan koalisi antiterorisme dengan Rusia?",
    ],
)
def test_a_question_whose_answer_form_the_window_gives_is_answered(engine: Engine, question: str) -> None:
    assert engine.search(question).answered


def test_a_story_that_reports_a_birth_answers_where_it_was() -> None:
    text = "Presiden Suriah Bashar al-Assad lahir di Damaskus pada 1965. Ia berkuasa sejak 2000."
    assert Engine.from_articles([_news("berita", text)]).search("Bashar al-Assad lahir di mana?").answered


def test_only_a_dated_story_must_say_when() -> None:
    # An encyclopedia's passage (no date) gives its times otherwise ("(1138-1194)"): its
    # sentence without a time may still answer.
    text = "Pangkalan Tartus dibangun oleh Uni Soviet untuk armada Laut Tengah. Pangkalan itu kecil."
    asked = "Kapan pangkalan Tartus dibangun oleh Uni Soviet?"
    undated = Article(id="ensiklopedia", title="Tartus", source=None, date=None, text=text)
    assert Engine.from_articles([undated]).search(asked).answered
    answer = Engine.from_articles([_news("berita", text)]).search(asked)
    assert not answer.answered and answer.missing == ("kapan",)
    dated = _news("berita", text.replace("dibangun oleh", "dibangun pada 1971 oleh"))
    assert Engine.from_articles([dated]).search(asked).answered


def test_negation_dropped_read_from_the_words_alone_first_is_the_full_analysis() -> None:
    # `measure` looks for an asked word right after a negation in the window's surface words
    # before analysing it (`_may_drop`): its signal must equal `_dropped` over the full analysis,
    # over windows of negations, "pernah"/"lagi", stop words, "paling"/"hanya" and asked words.
    import random

    from retrieval.abstention import _HELD_NEGATION, _YES_NO_TAG, _dropped
    from retrieval.question import asks_yes_no

    analyzer = default_analyzer()
    vocabulary = (
        "tidak tak bukan belum tanpa Tidak pernah lagi paling hanya lain non kurang yang di dan itu "
        "memiliki satelit alami planet Merkurius informasi dibocorkan media laporan"
    ).split()
    asked = "memiliki satelit alami planet informasi dibocorkan laporan yang apa tidak".split()
    rng = random.Random(13)
    found = set()
    for _ in range(examples(3000)):  # a tenth in the quick run (tests/sampling.py)
        window = " ".join(rng.choices(vocabulary, k=rng.randint(1, 12))) + "."
        opener = rng.choice(["Apa", "Siapa", "Apakah", "Planet apa"])
        question = opener + " " + " ".join(rng.choices(asked, k=rng.randint(1, 4))) + "?"
        question_words = analyzer.word_terms(question)
        expected = bool(
            _HELD_NEGATION.search(window)
            and not (asks_yes_no(question) or _YES_NO_TAG.search(question))
            and _dropped(question_words, analyzer.word_terms(window))
        )
        signals = measure(
            question=question, units=[], names=(), own=frozenset(), window=frozenset(), article=frozenset(),
            window_text=window, article_text=window, scores=(1.0,), known=lambda _t: True, rarest_idf=1.0,
            question_words=question_words, window_words=lambda window=window: analyzer.word_terms(window),
        )
        assert signals.negation_dropped == float(expected), (question, window)
        found.add(expected)
    assert found == {True, False}


def test_opposites_looked_up_by_term_are_every_pair_tried() -> None:
    # `antonym` and `window_opposite` find an opposite through the word lists keyed by term
    # (`_opposite_held`): the same answer as trying every (asked, opposite) pair, here over
    # random lists of words of several terms, units and vocabularies.
    import random

    from retrieval.abstention import _opposite_held

    rng = random.Random(17)
    terms = [f"t{i}" for i in range(12)]

    def some(low: int, high: int) -> frozenset[str]:
        return frozenset(rng.sample(terms, rng.randint(low, high)))

    answers = set()
    for _ in range(examples(3000)):  # a tenth in the quick run (tests/sampling.py)
        opposites = tuple((some(1, 3), some(1, 3)) for _ in range(rng.randint(0, 6)))
        lacking = [Unit(some(1, 3), 1.0) for _ in range(rng.randint(0, 3))]
        present = some(0, 4)
        expected = any(
            not u.terms.isdisjoint(word) and not present.isdisjoint(other) for u in lacking for word, other in opposites
        )
        assert _opposite_held(lacking, opposites, present) == expected, (opposites, lacking, present)
        answers.add(expected)
    assert answers == {True, False}
