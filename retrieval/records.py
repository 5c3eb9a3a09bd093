"""Frozen records that cross module boundaries: corpus -> index -> search -> render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload


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
    also_in: Sequence[Article] = ()
    # Words of the question that neither the sentence nor its neighbours hold, as the
    # question wrote them: a search engine's "Missing: ...", so a reader sees what the
    # quote does not say ("Siapa *anggota* HTS?" over a sentence about HTS).
    missing_words: tuple[str, ...] = ()

    @property
    def also_in_ids(self) -> tuple[str, ...]:
        """The ids of `also_in`, without making the articles when the engine gave an
        `ArticlesAt` (a stored corpus decodes an article's whole text on each read)."""
        also_in = self.also_in
        if isinstance(also_in, ArticlesAt):
            return also_in.ids
        return tuple(article.id for article in also_in)


@dataclass(frozen=True, slots=True)
class Answer:
    query: str
    hits: tuple[Hit, ...] = field(default=())
    # When the engine declined because the best sentences do not hold something the
    # question names ("Korea Utara"): those names, and the closest sentences, which
    # are not an answer and must not be shown as one.
    missing: tuple[str, ...] = ()
    closest: tuple[Hit, ...] = ()
    # When it declined because the question asks what a person said ("Apa kata John
    # Kerry ...?") and no article quotes them: the name as the question wrote it.
    unquoted: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.hits)


class ArticlesAt(Sequence[Article]):
    """The articles at `slots` of `articles`, each made when read.

    A hit's `also_in` names about 20 articles a question, and a stored corpus
    makes an `Article` (its whole text decoded) on each read; `ask --jsonl`
    reads none of them, the bot three a hit. Equal to a tuple of the same
    articles, and hashes like one.
    """

    __slots__ = ("_articles", "_slots")

    def __init__(self, articles: Sequence[Article], slots: Sequence[int]) -> None:
        self._articles = articles
        self._slots = tuple(slots)

    def __len__(self) -> int:
        return len(self._slots)

    @property
    def ids(self) -> tuple[str, ...]:
        """The articles' ids, read from the store's `ids` where it has them (a stored
        corpus: no article made), else from the articles."""
        known = getattr(self._articles, "ids", None)
        if known is None:
            return tuple(article.id for article in self)
        return tuple(known[slot] for slot in self._slots)

    @overload
    def __getitem__(self, i: int) -> Article: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[Article, ...]: ...
    def __getitem__(self, i: int | slice) -> Article | tuple[Article, ...]:
        if isinstance(i, slice):
            return tuple(self._articles[slot] for slot in self._slots[i])
        return self._articles[self._slots[i]]

    def __iter__(self) -> Iterator[Article]:
        articles = self._articles
        return (articles[slot] for slot in self._slots)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ArticlesAt):
            if other._articles is self._articles:
                return other._slots == self._slots
            return tuple(self) == tuple(other)
        if isinstance(other, tuple):
            return tuple(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))
