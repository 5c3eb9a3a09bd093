from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from retrieval.chatwords import BUNDLED_CHAT_WORDS, ChatWords, ChatWordsError
from retrieval.records import Article
from retrieval.search import Engine

# A corpus's words as `Reader` would say: a stop word has no content (None).
_CORPUS = {
    "mengundang": True, "menyerang": True, "bertemu": True, "mengirimkan": True, "datang": True, "menganggap": True,
    "melawan": True, "melibatkan": True,
}
_STOP = {"yang", "menurut", "nama"}


def _known(word: str) -> bool | None:
    return None if word.casefold() in _STOP else _CORPUS.get(word.casefold(), False)


@pytest.fixture(scope="module")
def chat() -> ChatWords:
    return ChatWords.read(BUNDLED_CHAT_WORDS)


def test_chat_words_read_as_standard_ones_and_particles_are_dropped(chat: ChatWords) -> None:
    assert chat.standard("gimana sih sikap rusia yg baru", known=_known) == "bagaimana sikap rusia yang baru"
    assert chat.standard("Knp AS gak mau?", known=_known) == "kenapa AS tidak mau?"
    assert chat.standard("knp dulu mereka ga mau dtg", known=_known) == "kenapa dulu mereka tidak mau datang"
    assert chat.standard("mnrt dia bbrp org dtg kmrn", known=_known) == "menurut dia beberapa orang datang kemarin"
    assert chat.standard("mereka ngobrolin apa lwt telepon", known=_known) == "mereka membicarakan apa lewat telepon"
    assert chat.standard("hts tu apa kok rusia kontak mrk", known=_known) == "hts itu apa rusia kontak mereka"
    # `sm` and `ama` are chat's `sama` as "with"/"and", never "same"; `pas` is "when".
    assert chat.standard("lavrov ngobrol sm kerry pas di doha", known=_known) == "lavrov berbicara dengan kerry saat di doha"
    assert chat.standard("alesan rusia ama cina apa", known=_known) == "alasan rusia dengan cina apa"
    assert chat.standard("penasihatnya namanya sp", known=_known) == "penasihatnya namanya siapa"
    assert chat.standard("Kpan delegasi dtg? kmn mrk prgi", known=_known) == "kapan delegasi datang? ke mana mereka prgi"
    assert chat.standard("lavrov bilang bhw smua pny hak", known=_known) == "lavrov berkata bahwa semua punya hak"


def test_a_chat_verb_reads_as_its_me_form_only_when_the_corpus_uses_that(chat: ChatWords) -> None:
    assert chat.standard("kapan rusia ngundang oposisi", known=_known) == "kapan rusia mengundang oposisi"
    assert chat.standard("siapa nyerang aleppo", known=_known) == "siapa menyerang aleppo"
    assert chat.standard("apa yg dia ngirimin", known=_known) == "apa yang dia mengirimkan"
    # Chat's `e` for a closing syllable's `a`, alone and in a me- verb.
    assert chat.standard("kapan dia dateng", known=_known) == "kapan dia datang"
    assert chat.standard("rusia nganggep siapa", known=_known) == "rusia menganggap siapa"
    # `nge-` before a whole root: the root's own me- form.
    assert chat.standard("siapa ngelawan rezim", known=_known) == "siapa melawan rezim"
    # ... with chat's `-in` for `-kan`.
    assert chat.standard("koalisi hrs ngelibatin siapa", known=_known) == "koalisi harus melibatkan siapa"
    # Nothing in the corpus says "menggorok": the word stays as typed.
    assert chat.standard("siapa nggorok dia", known=_known) == "siapa nggorok dia"


def test_standard_questions_names_and_stop_words_are_left_as_typed(chat: ChatWords) -> None:
    for question in (
        "Siapa nama presiden menurut laporan itu?",  # stop words starting like a chat verb
        "Kapan LG merilis ponsel?",  # a name in capitals is no `lagi`
        "Lembaga apa yang didirikan di kaki Gunung Gede?",  # nor a capitalised one `besar`
        "Siapa yang mengundang Nasser ke Moskow?",
    ):
        assert chat.standard(question, known=_known) == question


@pytest.mark.parametrize("line", ["gimana", "| bagaimana", "dua kata | dua"])
def test_a_malformed_line_is_refused_naming_the_file_and_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "informal.txt"
    path.write_text(f"# chat\nyg | yang\n{line}\n", encoding="utf-8")
    with pytest.raises(ChatWordsError, match=r"informal\.txt:3: "):
        ChatWords.read(path)


# An article on another subject: the engine's idf reads more than one article.
_OTHER = Article(id="lain", title="Lain", source="Sumber", date=dt.date(2017, 2, 8), text="Harga kopi naik lagi.")


def test_the_engine_answers_a_chat_question_as_asked() -> None:
    jenewa = Article(
        id="jenewa", title="Jenewa", source="Sumber", date=dt.date(2017, 2, 7),
        text="Setiap minggu, kedua delegasi selalu bertemu di Jenewa. Cuaca di Jenewa dingin.",
    )
    engine = Engine.from_articles([jenewa, _OTHER])
    question = "seberapa sering delegasi itu ketemu di jenewa sih"
    answer = engine.search(question)
    assert answer.answered and answer.hits[0].sentence.text.startswith("Setiap minggu")
    assert answer.query == question  # shown as typed, read in standard words


def test_a_plural_written_with_a_2_reads_as_the_word_twice(chat: ChatWords) -> None:
    assert chat.standard("perang lawan sisa2 ISIS", known=_known) == "perang lawan sisa-sisa ISIS"
    # The first half is a chat word too, and a suffix stays at the end.
    assert chat.standard("siapa org2nya", known=_known) == "siapa orang-orangnya"
    # A code is no plural.
    assert chat.standard("berapa emisi co2 dan ps2", known=_known) == "berapa emisi co2 dan ps2"


def test_a_chat_with_is_no_word_the_answer_lacks() -> None:
    # Unread, `sm` is a word the corpus never uses: the answer said it lacked it.
    doha = Article(
        id="doha", title="Doha", source="Sumber", date=dt.date(2015, 8, 5),
        text="Lavrov juga bertemu di Doha dengan Menteri Luar Negeri AS John Kerry.",
    )
    engine = Engine.from_articles([doha, _OTHER])
    answer = engine.search("lavrov ketemu sm kerry di mana")
    assert answer.answered and answer.hits[0].sentence.text.startswith("Lavrov juga bertemu")
    assert answer.hits[0].missing_words == ()


_PALMYRA = Article(
    id="palmyra", title="Palmyra", source="Sumber", date=dt.date(2016, 12, 12),
    text="Pasukan pemerintah merebut kembali Palmyra dari ISIS. Kota kuno itu kini sepi.",
)
_IDLIB = Article(
    id="idlib", title="Idlib", source="Sumber", date=dt.date(2016, 12, 13),
    text="Sebanyak 20 orang tewas dalam serangan udara di Idlib. Warga mengungsi ke utara.",
)


@pytest.mark.parametrize("tuned", [True, False])
def test_a_chat_question_in_lower_case_names_what_the_corpus_knows_and_the_dictionary_does_not(tuned: bool) -> None:
    engine = Engine.from_articles([_PALMYRA, _IDLIB, _OTHER])
    engine = engine.tuned(dataclasses.replace(engine.tuning, chat_names=tuned))
    chat = "brp org tewas di palmyra"
    assert [name for name, _terms in engine.read(chat).names] == (["Palmyra"] if tuned else [])
    answer = engine.search(chat)
    # Read as a name, "palmyra" keeps the Idlib story's dead from being quoted as Palmyra's.
    quoted_idlib = answer.answered and answer.hits[0].sentence.article_id == "idlib"
    assert quoted_idlib is not tuned
    # A question without chat words is read as typed: lower case there says nothing
    # (encyclopedia questions write "apa nama latin dari kukang?").
    assert engine.read("berapa orang tewas di palmyra?").names == ()
    # Dictionary words and words the corpus never uses stay words.
    assert engine.read("brp org tewas di kota kuno tadmur").names == ()
