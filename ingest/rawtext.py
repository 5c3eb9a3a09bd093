"""Raw text copy of an article (copied from a page or an e-mail) -> `Extracted`.

The five bundled articles arrived like this: a headline line (sometimes after
the site's name and a breadcrumb), bylines, repeated photo captions, share
and subscribe prompts, `Baca juga:`, a copyright line. The headline becomes
the title, the furniture goes (patterns in `corpus/lang/`), and metadata is
taken only where the text states it:

- source: a dateline (`Jakarta (ANTARA) -`, `KOMPAS.com -`, `KIBLAT.NET,
  Aleppo –`, a known outlet's `Pantau -`) or a copyright line (`Hak cipta milik
  Rossiyskaya Gazeta`); never guessed from the subject.
- date: a full date the article gives as its own: a date line at the top, or
  the latest `Jumat (13/12/2024)` / `Jumat, 13 Desember 2024` whose weekday is
  right for that date. A date in passing (`sejak 19 Juli 2012`) is not one.
- a date without its year (`Rabu (14/12)`) is resolved by one stated rule and
  marked approximate: the year is the one, from the latest year the text
  mentions up to six years after it (and not after this year), in which that
  day fell on the weekday named; when no year or more than one fits, the date
  is left empty.
- author: a byline (`Oleh X`, `Penulis : X`, `Reporter: X`).
"""

from __future__ import annotations

import datetime as dt
import re

from ingest import langdata
from ingest.records import Extracted, NotAnArticle

MAX_TEXT_CHARS = 4_000_000
_MIN_TEXT_CHARS = 80
_HEADLINE_MAX_WORDS = 30
# How many substantive lines may stand above the headline (site name, breadcrumb).
_HEADLINE_SEARCH_LINES = 6
_YEAR_WINDOW = 6

_WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5, "minggu": 6, "ahad": 6,
}
_MONTHS = {
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11, "desember": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "ags": 8, "sep": 9,
    "okt": 10, "nov": 11, "des": 12,
}
_WEEKDAY = r"(?P<weekday>senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)"
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# `Jumat (13/12/2024)`, `Jumat, 13/12/2024`
_NUMERIC_FULL = re.compile(_WEEKDAY + r"\s*[,(]\s*(?P<day>\d{1,2})/(?P<mon>\d{1,2})/(?P<year>\d{4})\)?", re.IGNORECASE)
# `Jumat, 13 Desember 2024`, `13 Desember 2024` (weekday optional here, checked by the caller)
_WORDED_FULL = re.compile(
    r"(?:" + _WEEKDAY + r"\s*,?\s*\(?\s*)?\b(?P<day>\d{1,2})\s+" + _MONTH + r"\s+(?P<year>\d{4})\b", re.IGNORECASE
)
# `Rabu (14/12)`: a day and month with no year.
_NUMERIC_PARTIAL = re.compile(_WEEKDAY + r"\s*\(\s*(?P<day>\d{1,2})/(?P<mon>\d{1,2})\s*\)", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_BYLINE = re.compile(r"^(?:oleh|penulis|reporter|pewarta|wartawan|kontributor|laporan)\b\s*:?\s*(?P<name>.*)$", re.IGNORECASE)


def extract_text(text: str, *, name: str | None = None, language: langdata.LangData | None = None) -> Extracted:
    """Extract one article from a raw text copy; raise `NotAnArticle` when it holds none.

    `name` (a file name or label) is only used in messages; `language` as in
    `extract.extract_html`.
    """
    where = name or "the text"
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise NotAnArticle(f"{where}: too large ({len(text):,} characters; the limit is {MAX_TEXT_CHARS:,})")
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch in "\x00\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f"))
    if controls > max(8, len(sample) // 50):
        raise NotAnArticle(f"{where}: binary data, not a text copy of an article")
    data = language or langdata.bundled()
    lines = [langdata.collapse(line) for line in text.replace("\x00", "").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise NotAnArticle(f"{where}: empty (no text at all)")

    notes: list[str] = []
    headline_at = _headline_index(data, lines)
    title = lines[headline_at] if headline_at is not None else None
    if title is None:
        notes.append("no headline line: the text starts with the article itself; supply a title")
    rest = lines[headline_at + 1 :] if headline_at is not None else lines

    author: str | None = None
    body: list[str] = []
    seen: set[str] = set()
    folded_title = langdata.fold_name(title) if title else None
    pending_byline = False
    for line in rest:
        if pending_byline:
            pending_byline = False
            person = data.person_name(line)
            if person:
                author = author or person
                continue
        byline = _BYLINE.match(line)
        if byline and len(line.split()) <= 8:
            person = data.person_name(byline.group("name")) if byline.group("name") else None
            if person:
                author = author or person
            elif not byline.group("name").strip(" :"):
                pending_byline = True  # `Penulis :` with the name on the next line
            if person or pending_byline:
                continue
        key = langdata.fold_name(line)
        if not key or key in seen or key == folded_title:
            continue  # repeated captions and the headline printed again
        if data.is_boilerplate(line):
            continue
        seen.add(key)
        body.append(line)

    body_text = "\n\n".join(body)
    if len(body_text) < _MIN_TEXT_CHARS:
        raise NotAnArticle(
            f"{where}: no article text (under {_MIN_TEXT_CHARS} characters once site furniture is removed)"
        )

    source = _source(data, body, lines)
    if source is None:
        notes.append("no source: the text names no outlet (no dateline or copyright line); supply it")
    date, approximate, date_note = _date(lines, headline_at)
    if date_note:
        notes.append(date_note)
    if author is None:
        notes.append("no author named in the text")
    return Extracted(
        text=body_text,
        title=title,
        source=source,
        date=date,
        date_approximate=approximate,
        author=author,
        url=None,
        notes=tuple(notes),
    )


def _headline_index(data: langdata.LangData, lines: list[str]) -> int | None:
    """The headline: the first substantive line, when it reads as a headline and not a sentence.

    Lines above it that are site furniture (the site's name, a breadcrumb) are
    skipped; running text first means the copy has no headline.
    """
    substantive = 0
    for index, line in enumerate(lines):
        words = line.split()
        if data.is_boilerplate(line) or len(words) < 4:
            continue  # `Pantau Flash`, `HOME ⁄ Internasional`
        substantive += 1
        if substantive > _HEADLINE_SEARCH_LINES:
            return None
        if _BYLINE.match(line):
            continue
        if len(words) > _HEADLINE_MAX_WORDS or line.endswith((".", ",", ";", ":")) or line.endswith(".”"):
            return None  # running text: the copy starts with the article itself
        if re.match(r"^[A-Z][\w.]*(?:[ ,]+[\w.()]+){0,4}\s*[-–—]{1,2}\s", line) and len(words) > 12:
            return None  # a dateline paragraph
        return index
    return None


def _source(data: langdata.LangData, body: list[str], lines: list[str]) -> str | None:
    """The outlet the text names in a dateline (opening paragraphs) or a copyright line (anywhere)."""
    opening = body[:3]
    for line in opening:
        for pattern in data.text_source:
            match = pattern.search(line)
            if not match:
                continue
            groups = match.groupdict()
            if groups.get("source"):
                found = groups["source"].strip()
                return data.source_for_name(found) or _tidy(found)
            if groups.get("agency"):
                agency = groups["agency"].strip()
                # `(ANTARA)`, `(AFP)`; not `Presiden (Jokowi) -`.
                if data.source_for_name(agency) or agency.split()[0].isupper():
                    return data.source_for_name(agency) or agency
            if groups.get("known"):
                known = data.source_for_name(groups["known"])
                if known:
                    return known
    for line in lines:
        for pattern in data.text_source:
            match = pattern.search(line)
            if match and match.groupdict().get("copyright"):
                found = match.group("copyright").strip(" .,")
                return data.source_for_name(found) or _tidy(found)
    return None


def _tidy(name: str) -> str:
    """`KOMPAS.COM` -> `Kompas.com`; names in mixed case stay as printed."""
    return name.capitalize() if name.isupper() and len(name) > 4 else name


def _date(lines: list[str], headline_at: int | None) -> tuple[dt.date | None, bool, str | None]:
    text = "\n".join(lines)
    # A date line at the top (under the headline) is the page's own date.
    top = lines[(headline_at or 0) : (headline_at or 0) + 4]
    for line in top:
        match = _WORDED_FULL.search(line)
        if match and len(line.split()) <= 8:
            found = _calendar(int(match.group("year")), _MONTHS[match.group("month").casefold()], int(match.group("day")))
            if found:
                return found, False, None
    full: list[dt.date] = []
    for match in _NUMERIC_FULL.finditer(text):
        found = _calendar(int(match.group("year")), int(match.group("mon")), int(match.group("day")))
        if found and found.weekday() == _WEEKDAYS[match.group("weekday").casefold()]:
            full.append(found)
    for match in _WORDED_FULL.finditer(text):
        if not match.group("weekday"):
            continue  # a date in passing (`sejak 19 Juli 2012`), not the day of the report
        found = _calendar(int(match.group("year")), _MONTHS[match.group("month").casefold()], int(match.group("day")))
        if found and found.weekday() == _WEEKDAYS[match.group("weekday").casefold()]:
            full.append(found)
    if full:
        return max(full), False, None
    partial = list(_NUMERIC_PARTIAL.finditer(text))
    if not partial:
        return None, False, "no date in the text; supply it"
    today = dt.date.today()
    years = [int(y) for y in _YEAR.findall(text) if int(y) <= today.year]
    shown = partial[0].group(0)
    if not years:
        return None, False, f"the text dates the report only as {shown!r}, with no year; supply the date"
    anchor = max(years)
    resolved: list[dt.date] = []
    for match in partial:
        weekday = _WEEKDAYS[match.group("weekday").casefold()]
        fits = [
            found
            for year in range(anchor, min(anchor + _YEAR_WINDOW, today.year) + 1)
            if (found := _calendar(year, int(match.group("mon")), int(match.group("day"))))
            and found.weekday() == weekday
            and found <= today
        ]
        if len(fits) == 1:
            resolved.append(fits[0])
    if not resolved:
        return None, False, f"the text dates the report only as {shown!r}, and no single year fits; supply the date"
    date = max(resolved)
    return date, True, (
        f"date approximate: {shown!r} has no year; {date.year} is the only year from {anchor} "
        f"(the latest year the text mentions) to {anchor + _YEAR_WINDOW} in which that day fits the weekday"
    )


def _calendar(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
