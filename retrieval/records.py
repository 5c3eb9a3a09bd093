"""Frozen records that cross module boundaries: corpus -> index -> search -> render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    source: str | None
    date: dt.date | None
    text: str
    date_approximate: bool = False
    author: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence as printed in its article.

    `sid` is the sentence's global number in the engine that built it;
    `position` is its place within the article (0-based), so neighbours are
    `position - 1` and `position + 1` of the same article.
    """

    sid: int
    article_id: str
    position: int
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    sentence: Sentence
    article: Article
    score: float
    # Surface words of `sentence.text` that matched the question, for bolding.
    matched_words: tuple[str, ...] = ()
    # Other articles that carry a near-duplicate of this sentence.
    also_in: tuple[Article, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    query: str
    hits: tuple[Hit, ...] = field(default=())
    # When the engine declined because the best sentences do not hold something the
    # question names ("Korea Utara"): those names, and the closest sentences, which
    # are not an answer and must not be shown as one.
    missing: tuple[str, ...] = ()
    closest: tuple[Hit, ...] = ()

    @property
    def answered(self) -> bool:
        return bool(self.hits)
