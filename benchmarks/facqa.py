"""FacQA (IndoNLU `facqa_qa-factoid-itb`) as an external retrieval benchmark.

Every distinct passage of train+valid becomes one article, so the engine must
find the right passage among ~1,300 news snippets; each question's answer is
the text of its B/I-tagged span. The test split is held out on purpose and is
refused here, so nothing can tune on it by accident.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.records import Article

SPLITS = ("train", "valid")
_TITLE_WORDS = 8

# Punctuation that hugs the previous token (no space before it).
_CLOSERS = frozenset({".", ",", ";", ":", "?", "!", "%", ")", "]", "}", "..."})
_OPENERS = frozenset({"(", "[", "{"})
_QUOTES = frozenset({'"', "``", "''", "“", "”"})
_WORDISH = re.compile(r"\w", re.UNICODE)
_NUMBER = re.compile(r"\d[\d.]*\d|\d")
_DECIMALS = re.compile(r"\d{1,3}")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_GROUP = re.compile(r"\d{3}")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class FacqaRow:
    question: tuple[str, ...]
    passage: tuple[str, ...]
    labels: tuple[str, ...]


def detokenise(tokens: Sequence[str]) -> str:
    """Join word tokens back into text as a newspaper would print it."""
    text, _ = _detokenise_with_offsets(tokens)
    return text


def parse_row(question: str, passage: str, seq_label: str) -> FacqaRow:
    """Parse one CSV row whose cells are Python-literal lists of strings."""
    q, p, labels = (_literal_list(cell, name) for cell, name in
                    ((question, "question"), (passage, "passage"), (seq_label, "seq_label")))
    if len(p) != len(labels):
        raise ValueError(f"passage has {len(p)} tokens but seq_label has {len(labels)}")
    return FacqaRow(tuple(q), tuple(p), tuple(labels))


def answer_text(row: FacqaRow) -> str:
    """The first B/I span, cut from the detokenised passage so it is a true substring."""
    text, offsets = _detokenise_with_offsets(row.passage)
    span = _first_span(row.labels)
    if span is None:
        return ""
    start, end = span
    return text[offsets[start][0]:offsets[end - 1][1]]


def read_rows(dataset_dir: Path, split: str) -> list[FacqaRow]:
    _check_split(split)
    path = Path(dataset_dir) / f"{split}_preprocess.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [parse_row(r["question"], r["passage"], r["seq_label"]) for r in csv.DictReader(handle)]


def facqa_articles(dataset_dir: Path) -> list[Article]:
    """Every distinct passage of train and valid, one article each, in first-seen order."""
    seen: set[str] = set()
    articles: list[Article] = []
    for split in SPLITS:
        for row in read_rows(dataset_dir, split):
            text = detokenise(row.passage)
            key = _dedup_key(text)
            if key in seen:
                continue
            seen.add(key)
            title = " ".join(text.split()[:_TITLE_WORDS])
            articles.append(Article(id=_passage_id(key), title=title, source="FacQA", date=None, text=text))
    return articles


def facqa_questions_by_passage(dataset_dir: Path, split: str) -> list[tuple[str, str, str]]:
    """(question, answer, id of the article `facqa_articles` makes of its passage) of one split."""
    triples: list[tuple[str, str, str]] = []
    for row in read_rows(dataset_dir, split):
        answer = answer_text(row)
        if answer.strip():
            triples.append((detokenise(row.question), answer, _passage_id(_dedup_key(detokenise(row.passage)))))
    return triples


def _passage_id(key: str) -> str:
    return "facqa-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def facqa_questions(dataset_dir: Path, split: str) -> list[tuple[str, str]]:
    """(question, answer) pairs of one split; rows without an answer span are skipped."""
    pairs: list[tuple[str, str]] = []
    for row in read_rows(dataset_dir, split):
        answer = answer_text(row)
        if answer.strip():
            pairs.append((detokenise(row.question), answer))
    return pairs


def _check_split(split: str) -> None:
    if split not in SPLITS:
        # The test split is held out for the benchmark's owners; never read it.
        raise ValueError(f"split must be one of {SPLITS}, not {split!r} (the test split is held out)")


def _literal_list(cell: str, name: str) -> list[str]:
    value = ast.literal_eval(cell)
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValueError(f"{name} is not a list of strings: {cell[:60]!r}")
    return value


def _first_span(labels: Sequence[str]) -> tuple[int, int] | None:
    start: int | None = None
    for i, label in enumerate(labels):
        tag = label.split("-", 1)[0]
        if start is None:
            if tag in ("B", "I"):
                start = i
        elif tag != "I":
            return start, i
    return (start, len(labels)) if start is not None else None


def _detokenise_with_offsets(tokens: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    length = 0
    glue_next = False  # the previous token forbids a space after it
    quote_open = False
    for i, token in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        space = bool(parts) and not glue_next
        glue_after = False
        if token in _QUOTES:
            # Straight quotes carry no direction: alternate open/close.
            if quote_open:
                space = False
            else:
                glue_after = True
            quote_open = not quote_open
        elif token == "," and _is_decimal_comma(prev, nxt):
            # `10 , 23` is the decimal 10,23 split by the tokeniser; a year
            # list (`1987 , 1993`) keeps its space.
            space = False
            glue_after = True
        elif token == "." and _THOUSANDS.fullmatch(prev) and _GROUP.fullmatch(nxt):
            # `22.091 . 039` is 22.091.039 split by the tokeniser.
            space = False
            glue_after = True
        elif token in _CLOSERS:
            space = False
        elif token in _OPENERS:
            glue_after = True
        elif token == "/":
            space = False
            glue_after = True
        elif token == "-" and _joins_hyphen(prev, nxt):
            # `1980 - an`, `GA - 181`, `rata - rata`; a dateline dash
            # (`Kompas - Presiden`) keeps its spaces.
            space = False
            glue_after = True
        if space:
            parts.append(" ")
            length += 1
        offsets.append((length, length + len(token)))
        parts.append(token)
        length += len(token)
        glue_next = glue_after
    return "".join(parts), offsets


def _is_decimal_comma(prev: str, nxt: str) -> bool:
    return bool(_NUMBER.fullmatch(prev) and _DECIMALS.fullmatch(nxt))


def _joins_hyphen(prev: str, nxt: str) -> bool:
    if not prev or not nxt or not _WORDISH.search(prev[-1]) or not _WORDISH.search(nxt[0]):
        return False
    return not nxt[0].isupper()


def _dedup_key(text: str) -> str:
    # The same passage recurs with different tokenisation (`Jakarta-Tokyo` /
    # `Jakarta - Tokyo`, `?` / `??`); only its words decide distinctness.
    return " ".join(_WORD.findall(text.casefold()))
