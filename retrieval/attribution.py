"""Attributions to a source the corpus holds: "menurut AP", "according to the AP piece".

A reader names the outlet a quote came from as Kutip cites it ("Associated Press
(terjemahan)"), often by its initials. Read as a thing the question names, such a
name is one no sentence holds, and the names rule declined the question ("nothing
about AP"). A name the corpus's text never uses that is a source's name, its
initials, or a name in its parentheses ("Rossiyskaya Gazeta", "sumber: Al-Jazeera")
is read out of the question with the words that attribute it. A source the text does
use ("Pantau - Rusia telah ...") stays a name like any other: its articles hold it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["SourceNames", "without_attribution"]

_CUE = r"(?i:menurut|kata|versi|laporan|berita|artikel|tulisan|sumber|according\s+to|per|from|in|by)"
_NAME = r"[A-Z][\w.'&-]*(?:\s+[A-Z][\w.'&-]*){0,3}"
_NOUN = r"(?i:piece|article|report|story|berita|artikel|laporan|tulisan)"
_ATTRIBUTION = re.compile(rf"[,\s]*\b{_CUE}\s+(?i:(?:the|an?)\s+)?({_NAME})(?:\s+{_NOUN})?\b")
_PARENTHESES = re.compile(r"\(([^)]*)\)")
_SOURCE_LABEL = re.compile(r"^(?i:sumber|source|via)\s*:\s*")
_DOMAIN = re.compile(r"\.(?:com|net|org|co\.id|id)$", re.I)


@dataclass(frozen=True, slots=True)
class SourceNames:
    """The corpus's source names as a question may write them, case-folded."""

    keys: frozenset[str]

    @classmethod
    def of(cls, sources: Iterable[str | None]) -> SourceNames:
        keys: set[str] = set()
        for source in set(sources):
            if source:
                keys.update(_keys(source))
        return cls(frozenset(keys))

    def __contains__(self, name: str) -> bool:
        return " ".join(name.split()).casefold() in self.keys


def without_attribution(
    question: str, *, unknown: Callable[[str], bool], sources: Callable[[], SourceNames]
) -> str:
    """`question` without the attributions to one of `sources` whose name the corpus never
    writes (`unknown`); `sources` is asked only when such a name follows a cue word."""
    def drop(match: re.Match[str]) -> str:
        name = match.group(1)
        return "" if unknown(name) and name in sources() else match.group(0)

    return _ATTRIBUTION.sub(drop, question).lstrip(" ,")


def _keys(source: str) -> set[str]:
    """A source's names: "Associated Press (terjemahan)" -> associated press, ap;
    "Kiblat.net (sumber: Al-Jazeera)" -> kiblat.net, kiblat, al-jazeera."""
    parts = [_PARENTHESES.sub(" ", source), *_PARENTHESES.findall(source)]
    keys: set[str] = set()
    for part in parts:
        name = " ".join(_SOURCE_LABEL.sub("", part.strip()).split())
        if not name[:1].isupper():
            continue  # "(terjemahan)": a note, not a name
        keys.add(name.casefold())
        keys.add(_DOMAIN.sub("", name).casefold())
        words = name.split()
        if len(words) > 1:
            keys.add("".join(word[0] for word in words).casefold())
    return keys
