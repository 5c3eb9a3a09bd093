"""What the bot says about the corpus as a whole, kept once per engine edition.

/start, /sources, /status and every "no answer" reply describe the corpus: how
many articles, which years, the main sources, the newest headlines. Reading
every article for that costs seconds at a million sentences (a warm start
reads stored articles on demand), so each edition carries a `Catalogue`, made
once from the whole corpus and extended with just the appended articles.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from retrieval.records import Article

# Newest articles kept: /sources fits a few dozen headlines in one message.
NEWEST = 200


@dataclass(frozen=True, slots=True)
class Catalogue:
    count: int = 0
    # Articles per source name.
    sources: Mapping[str, int] = field(default_factory=dict)
    # Up to NEWEST articles, newest first: by date, then the one added later.
    newest: tuple[Article, ...] = ()
    # Articles per year: a replaced version's year must be able to leave the span.
    _years: Mapping[int, int] = field(default_factory=dict, repr=False)
    # How many articles have gone in, in order: the tie-break among equal dates.
    _added: int = field(default=0, repr=False)
    _keys: tuple[tuple[dt.date, int], ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, articles: Sequence[Article]) -> Catalogue:
        """The catalogue of `articles`. Stored articles list their sources and dates
        without their texts, and then only the newest are read in full."""
        listed = getattr(articles, "sources_and_dates", None)
        if listed is None:
            return cls().extended(articles)
        sources: Counter[str] = Counter()
        years: Counter[int] = Counter()
        keys = _tally(listed(), sources, years, first=0)
        top = heapq.nlargest(NEWEST, keys)
        return cls(
            count=len(keys),
            sources=dict(sources),
            newest=tuple(articles[n] for _date, n in top),
            _years=dict(years),
            _added=len(keys),
            _keys=tuple(top),
        )

    def extended(self, added: Iterable[Article], *, replacing: Iterable[Article] = ()) -> Catalogue:
        """This catalogue with `added` articles; `replacing` are the versions they
        supersede (same id), which stop counting."""
        added = list(added)
        replaced = {article.id for article in added}
        sources = Counter(self.sources)
        years = Counter(self._years)
        count = self.count
        for old in replacing:
            count -= 1
            if old.source:
                sources[old.source] -= 1
            if old.date is not None:
                years[old.date.year] -= 1
        # A new version of an article takes the old one's place among the newest.
        ranked = [(key, article) for key, article in zip(self._keys, self.newest) if article.id not in replaced]
        keys = _tally(((a.source, a.date) for a in added), sources, years, first=self._added)
        ranked += zip(keys, added)
        top = heapq.nlargest(NEWEST, ranked, key=lambda pair: pair[0])
        return Catalogue(
            count=count + len(added),
            sources={source: k for source, k in sources.items() if k > 0},
            newest=tuple(article for _key, article in top),
            _years={year: k for year, k in years.items() if k > 0},
            _added=self._added + len(added),
            _keys=tuple(key for key, _article in top),
        )

    @property
    def first_year(self) -> int | None:
        return min(self._years, default=None)

    @property
    def last_year(self) -> int | None:
        return max(self._years, default=None)

    @property
    def span(self) -> str:
        """`2015–2016`, `2016`, or `?` when no article has a date."""
        if self.first_year is None:
            return "?"
        return str(self.first_year) if self.first_year == self.last_year else f"{self.first_year}–{self.last_year}"

    def top_sources(self, limit: int) -> list[str]:
        return sorted(self.sources, key=lambda s: (-self.sources[s], s))[:limit]


def _tally(
    fields: Iterable[tuple[str | None, dt.date | None]],
    sources: Counter[str],
    years: Counter[int],
    *,
    first: int,
) -> list[tuple[dt.date, int]]:
    """Counts each (source, date) into `sources` and `years`; returns the articles' keys
    among the newest (date, then order of arrival counting from `first`)."""
    keys = []
    for n, (source, date) in enumerate(fields, start=first):
        if source:
            sources[source] += 1
        if date is not None:
            years[date.year] += 1
        keys.append((date or dt.date.min, n))
    return keys
