"""The words an article's date says of every sentence in it.

A news sentence seldom repeats its article's year ("Rabu (14/12)"), so a question
that names it ("Apa kata Lavrov soal al-Nusra pada 2016?") found no sentence holding
"2016" and was declined. Read with the article's date, each of its sentences holds
the year and, unless the date is approximate, the month, in Indonesian and English.
An undated article (a passage, a page whose date was not found) holds none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from retrieval.ranking import Unit

__all__ = ["date_units", "date_words", "is_year", "may_be_date"]

# Each month's names, Indonesian and English. Not abbreviated: "Jan" is as often a name
# (Jan Egeland) and "Mar", "Des" are words of other languages.
_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("januari", "january"),
    ("februari", "february"),
    ("maret", "march"),
    ("april",),
    ("mei", "may"),
    ("juni", "june"),
    ("juli", "july"),
    ("agustus", "august"),
    ("september",),
    ("oktober", "october"),
    ("november",),
    ("desember", "december"),
)
_ALL_MONTH_NAMES = frozenset(name for names in _MONTH_NAMES for name in names)
_YEAR = re.compile(r"(?:1[89]|20)\d\d")


def date_words(date: dt.date | None, *, approximate: bool = False) -> tuple[str, ...]:
    """The year of `date` and, when it is exact, its month's names (nothing for None)."""
    if date is None:
        return ()
    if approximate:
        return (str(date.year),)
    return (str(date.year), *_MONTH_NAMES[date.month - 1])


def is_year(term: str) -> bool:
    """Whether an analyzer term is a year a date may say (1800-2099)."""
    return bool(_YEAR.fullmatch(term))


def may_be_date(term: str) -> bool:
    """Whether an analyzer term could be one of `date_words`: a question without one
    needs no article's date read."""
    return term in _ALL_MONTH_NAMES or is_year(term)


def date_units(units: Sequence[Unit]) -> list[int]:
    """The places of the question `units` an article's date may hold: none, and no date
    is read, for a question naming no year or month."""
    return [i for i, unit in enumerate(units) if any(map(may_be_date, unit.terms))]
