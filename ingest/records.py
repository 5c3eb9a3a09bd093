"""Frozen records that cross the ingest stages: fetch -> extract -> corpus."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Extracted:
    """What extraction found in one page or text copy, before it becomes an `Article`.

    Anything that could not be found is None (never invented); `notes` says in
    words what is missing or was guessed, for the ingest report.
    """

    text: str
    title: str | None = None
    source: str | None = None
    date: dt.date | None = None
    date_approximate: bool = False
    author: str | None = None
    # The canonical URL when the page names one, else the URL it was read from.
    url: str | None = None
    notes: tuple[str, ...] = ()


class NotAnArticle(ValueError):
    """The input holds no article (no text, a list page, binary data); the message says why."""
