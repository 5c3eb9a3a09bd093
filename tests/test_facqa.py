"""FacQA parsing and detokenisation, the seed evaluation set's integrity, and the
benchmark's scoring, on small literal examples."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from benchmarks.facqa import (
    answer_text,
    detokenise,
    facqa_articles,
    facqa_questions,
    facqa_questions_by_passage,
    parse_row,
)
from benchmarks.quality import Bm25Reference, EvalQuestion, evaluate, load_eval_set, normalise
from retrieval.corpus import load_corpus
from retrieval.records import Article

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("tokens", "text"),
    [
        (["Ia", "datang", ",", "lalu", "pergi", "."], "Ia datang, lalu pergi."),
        (["naik", "26", "%", ";", "turun", ":", "ya", "?", "!"], "naik 26%; turun: ya?!"),
        (["harimau", "(", "Panthera", "tigris", ")", "."], "harimau (Panthera tigris)."),
        (["oleh", "Candra", "/", "Sigit", "(", "AP", ")"], "oleh Candra/Sigit (AP)"),
        (["Ia", "berkata", '"', "kami", "siap", '"', ",", "lalu", '"', "ayo", '"', "."],
         'Ia berkata "kami siap", lalu "ayo".'),
        (["tahun", "1980", "-", "an", "dan", "GA", "-", "181"], "tahun 1980-an dan GA-181"),
        (["Padang", ",", "Kompas", "-", "Presiden", "datang"], "Padang, Kompas - Presiden datang"),
        (["Rp", "6", ",", "5", "miliar", "pada", "1987", ",", "1993"], "Rp 6,5 miliar pada 1987, 1993"),
        (["22.091", ",", "5", "anak"], "22.091,5 anak"),
        (["mencapai", "22.091", ".", "039", "anak", ".", "Lalu"], "mencapai 22.091.039 anak. Lalu"),
    ],
)
def test_detokenise(tokens: list[str], text: str) -> None:
    assert detokenise(tokens) == text


def test_parse_row_reads_python_literal_lists_and_cuts_the_answer_from_the_text() -> None:
    row = parse_row(
        "['Siapa', 'ketua', 'Bapepam', '?']",
        "['Ketua', 'Bapepam', ',', 'Darmin', 'Nasution', ',', 'berkata', '\"', 'naik', '\"', '.']",
        "['O', 'O', 'O', 'B', 'I', 'O', 'O', 'O', 'O', 'O', 'O']",
    )
    assert row.question == ("Siapa", "ketua", "Bapepam", "?")
    assert answer_text(row) == "Darmin Nasution"
    assert answer_text(row) in detokenise(row.passage)


def test_answer_span_across_glued_punctuation_is_a_substring_of_the_passage() -> None:
    row = parse_row("['Berapa', '?']", "['naik', '6', ',', '5', '%', '.']", "['O', 'B', 'I', 'I', 'I', 'O']")
    assert answer_text(row) == "6,5%"


def test_parse_row_rejects_mismatched_labels_and_non_lists() -> None:
    with pytest.raises(ValueError, match="seq_label"):
        parse_row("['a']", "['b', 'c']", "['O']")
    with pytest.raises(ValueError, match="passage"):
        parse_row("['a']", "'not a list'", "['O']")


def _write_split(folder: Path, split: str, rows: list[tuple[list[str], list[str], list[str]]]) -> None:
    with (folder / f"{split}_preprocess.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question", "passage", "seq_label"])
        for question, passage, labels in rows:
            writer.writerow([repr(question), repr(passage), repr(labels)])


@pytest.fixture()
def facqa_dir(tmp_path: Path) -> Path:
    first = ["Bapepam", "dipimpin", "Darmin", "Nasution", "sejak", "2005", "."]
    second = ["Harimau", "sumatera", "(", "Panthera", "tigris", ")", "hidup", "di", "Leuser", "."]
    _write_split(tmp_path, "train", [
        (["Siapa", "ketua", "Bapepam", "?"], first, ["O", "O", "B", "I", "O", "O", "O"]),
        (["Sejak", "kapan", "?"], first, ["O", "O", "O", "O", "O", "B", "O"]),
    ])
    # The same passage again with different tokenisation, plus a new one.
    _write_split(tmp_path, "valid", [
        (["Kapan", "?"], ["Bapepam", "dipimpin", "Darmin", "Nasution", "sejak", "2005", "."],
         ["O", "O", "O", "O", "O", "B", "O"]),
        (["Apa", "nama", "latin", "harimau", "sumatera", "?"], second,
         ["O", "O", "O", "B", "I", "O", "O", "O", "O", "O"]),
        (["Tanpa", "jawaban", "?"], second, ["O"] * len(second)),
    ])
    return tmp_path


def test_facqa_articles_pool_distinct_passages_of_train_and_valid(facqa_dir: Path) -> None:
    articles = facqa_articles(facqa_dir)
    assert [a.text for a in articles] == [
        "Bapepam dipimpin Darmin Nasution sejak 2005.",
        "Harimau sumatera (Panthera tigris) hidup di Leuser.",
    ]
    assert len({a.id for a in articles}) == 2
    assert all(a.source == "FacQA" and a.date is None for a in articles)
    assert articles[1].title.startswith("Harimau sumatera")


def test_facqa_questions_pair_question_and_answer_and_skip_rows_without_answer(facqa_dir: Path) -> None:
    assert facqa_questions(facqa_dir, "valid") == [
        ("Kapan?", "2005"),
        ("Apa nama latin harimau sumatera?", "Panthera tigris"),
    ]
    assert facqa_questions(facqa_dir, "train")[0] == ("Siapa ketua Bapepam?", "Darmin Nasution")


def test_questions_by_passage_name_the_article_their_passage_became(facqa_dir: Path) -> None:
    ids = [a.id for a in facqa_articles(facqa_dir)]
    assert facqa_questions_by_passage(facqa_dir, "valid") == [
        ("Kapan?", "2005", ids[0]),
        ("Apa nama latin harimau sumatera?", "Panthera tigris", ids[1]),
    ]


def test_questions_asked_without_their_passage_are_rows_labelled_unanswerable(facqa_dir: Path) -> None:
    from benchmarks.abstention import without_own_passage

    # The second train question's answer ("2005") stands in no other passage either.
    _write_split(facqa_dir, "train", [
        (["Siapa", "ketua", "Bapepam", "?"], ["Bapepam", "dipimpin", "Darmin", "Nasution", "sejak", "2005", "."],
         ["O", "O", "B", "I", "O", "O", "O"]),
        # Its answer ("Leuser") stands in the passage left in: no row.
        (["Di", "mana", "harimau", "hidup", "?"], ["Harimau", "hidup", "di", "Leuser", "."], ["O", "O", "O", "B", "O"]),
    ])
    _write_split(facqa_dir, "valid", [
        (["Apa", "?"], ["Gajah", "hidup", "di", "Leuser", "."], ["O", "O", "O", "B", "O"]),
    ])
    rows = without_own_passage(facqa_dir)
    assert len(rows.unanswerable) == 1 and rows.unanswerable.all()


def test_facqa_questions_refuse_the_held_out_test_split(facqa_dir: Path) -> None:
    # Even when a test file is present, it is never read.
    _write_split(facqa_dir, "test", [(["a"], ["b"], ["B"])])
    with pytest.raises(ValueError, match="held out"):
        facqa_questions(facqa_dir, "test")


# --- the seed evaluation set -------------------------------------------------


def test_seed_eval_set_is_well_formed_and_each_phrase_is_in_exactly_one_article() -> None:
    questions = load_eval_set(REPO / "benchmarks" / "data" / "seed_eval.jsonl")
    answerable = [q for q in questions if q.expect is not None]
    assert len(answerable) >= 70
    assert len(questions) - len(answerable) >= 15
    assert sum(q.kind == "english" for q in questions) >= 6
    texts = [normalise(a.text) for a in load_corpus(REPO / "corpus").articles]
    for q in answerable:
        assert 3 <= len(q.expect.split()) <= 8, q
        assert sum(normalise(q.expect) in t for t in texts) == 1, q
    # Every seed article is asked about.
    hit_articles = {i for q in answerable for i, t in enumerate(texts) if normalise(q.expect) in t}
    assert hit_articles == set(range(len(texts)))


def test_load_eval_set_rejects_a_phrase_on_an_unanswerable_question(tmp_path: Path) -> None:
    path = tmp_path / "eval.jsonl"
    path.write_text(json.dumps({"question": "Apa?", "expect": "x y z", "kind": "unanswerable"}) + "\n")
    with pytest.raises(ValueError, match="null exactly"):
        load_eval_set(path)


# --- scoring -------------------------------------------------------------------


def test_evaluate_scores_ranks_and_abstentions_with_the_plain_reference() -> None:
    articles = [
        Article("a", "A", "S", None, "Lavrov bertemu Kerry di Doha. Harga minyak naik tajam."),
        Article("b", "B", "S", None, "Kerry tiba di Doha kemarin. Lavrov pulang ke Moskow."),
    ]
    reference = Bm25Reference(articles)
    metrics = evaluate(
        reference,
        [
            EvalQuestion("harga minyak", "minyak naik tajam", "plain"),
            EvalQuestion("Lavrov pulang ke Moskow", "pulang ke   MOSKOW", "plain"),
            EvalQuestion("Doha", "tidak ada di mana pun", "plain"),
            EvalQuestion("cuaca besok", None, "unanswerable"),
        ],
        k=10,
    )
    assert (metrics.answerable, metrics.unanswerable) == (3, 1)
    assert metrics.recall_at_1 == pytest.approx(2 / 3)
    assert metrics.recall_at_k == pytest.approx(2 / 3)
    assert metrics.mrr == pytest.approx(2 / 3)
    # The plain reference never declines, so it never abstains correctly.
    assert metrics.correct_abstention == 0.0
    assert metrics.wrongly_abstained == 0.0
    assert [m.question for m in metrics.misses] == ["Doha", "cuaca besok"]


def test_each_expected_phrase_lies_inside_one_indexed_sentence() -> None:
    # A phrase split across sentences (or in a sentence dropped as boilerplate)
    # could never be a hit, whatever the ranking does.
    from retrieval.build import iter_sentences
    from retrieval.search import default_analyzer

    articles = load_corpus(REPO / "corpus").articles
    sentences = [normalise(s.text) for s in iter_sentences(articles, default_analyzer())]
    for q in load_eval_set(REPO / "benchmarks" / "data" / "seed_eval.jsonl"):
        if q.expect is not None:
            assert any(normalise(q.expect) in s for s in sentences), q
