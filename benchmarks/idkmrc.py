"""IDK-MRC (Indonesian answerable and unanswerable questions) as an external benchmark.

The paragraphs of one split are the corpus (one article per distinct paragraph,
source "IDK-MRC", no date, titled by its first words); every question of that
split is asked. An answerable question is a hit at rank k when the k-th excerpt
comes from its own paragraph and holds one of its answer texts; an unanswerable
one is right when the engine abstains. The test split is held out on purpose and
is refused here, so nothing can tune on it by accident.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from retrieval.records import Article

SPLITS = ("train", "valid")
_TITLE_WORDS = 8
# Question types reported apart, by the question word that opens (or ends) the question.
_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("berapa", re.compile(r"\b(se)?berapa(kah)?\b", re.I)),
    ("kapan", re.compile(r"\b(kapan(kah)?|tahun\s+(berapa|apa)|tanggal\s+berapa|bilamana)\b", re.I)),
    ("siapa", re.compile(r"\bsiapa(kah)?\b", re.I)),
    ("di mana", re.compile(r"\b(di|ke|dari)\s*mana(kah)?\b", re.I)),
    ("mengapa", re.compile(r"\b(mengapa|kenapa)\b", re.I)),
    ("bagaimana", re.compile(r"\bbagaimana(kah)?\b", re.I)),
    ("apa", re.compile(r"\b(apa|apakah|apa(kah)?\s+nama)\b", re.I)),
)


@dataclass(frozen=True, slots=True)
class IdkQuestion:
    question: str
    article_id: str
    answers: tuple[str, ...]  # () for an unanswerable question
    kind: str  # question type: siapa, kapan, berapa, di mana, apa, mengapa, bagaimana, lain


def question_type(question: str) -> str:
    for name, pattern in _TYPES:
        if pattern.search(question):
            return name
    return "lain"


def load_split(dataset_dir: Path, split: str) -> tuple[list[Article], list[IdkQuestion]]:
    """The articles (one per distinct paragraph) and every question of one split."""
    if split not in SPLITS:
        # The test split is held out for the benchmark's owners; never read it.
        raise ValueError(f"split must be one of {SPLITS}, not {split!r} (the test split is held out)")
    path = Path(dataset_dir) / f"{split}.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    articles: dict[str, Article] = {}
    questions: list[IdkQuestion] = []
    for record in records:
        text = record["context"].strip()
        article_id = "idkmrc-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
        if article_id not in articles:
            title = " ".join(text.split()[:_TITLE_WORDS])
            articles[article_id] = Article(id=article_id, title=title, source="IDK-MRC", date=None, text=text)
        for qa in record["qas"]:
            answers = () if qa["is_impossible"] else tuple(
                dict.fromkeys(a["text"] for a in qa["answers"] if a["text"].strip())
            )
            if not qa["is_impossible"] and not answers:
                continue
            questions.append(IdkQuestion(qa["question"].strip(), article_id, answers, question_type(qa["question"])))
    return list(articles.values()), questions
