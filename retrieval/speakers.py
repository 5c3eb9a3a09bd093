"""Whose words a question asks for: "Apa kata John Kerry ...?", "Apa tanggapan Washington ...?",
"What did Kerry say ...?".

Kutip answers by quoting. A question that asks what someone said is answered only
by an article that quotes them; a sentence that merely names them ("Lavrov juga
bertemu ... dengan Menteri Luar Negeri AS John Kerry") quotes someone else, and
showing it as Kerry's answer misattributes it. A person is quoted where a word of
their name stands just before a verb of saying ("Lavrov mengatakan", "Bogdanov
menegaskan") or just after one ("kata Lavrov", "ujar sang penasihat, Walid
Phares"); the verbs are language data (`corpus/lang/abstention/speech.txt`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Speaker", "asked_speaker", "quotes"]


@dataclass(frozen=True, slots=True)
class Speaker:
    """A person whose words a question asks for: the name as written, and its words folded."""

    name: str
    words: tuple[str, ...]

# A name as a question writes it: capitalised words ("John Kerry", "Moaz Al-Khatib").
_NAME = r"([A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3})"
_ASKED = (
    re.compile(
        r"\b(?i:apa|bagaimana)\s+(?i:kata|komentar|tanggapan|reaksi|respons|respon"
        r"|yang\s+(?:dikatakan|disampaikan|diucapkan|dinyatakan)(?:\s+oleh)?)\s+"
        + _NAME
    ),
    re.compile(r"\b(?i:what)\s+(?i:did|does|do|has|had|will|would)\s+" + _NAME + r"\s+(?i:say|said|tell|told|claim)\b"),
    re.compile(r"\b(?i:how)\s+(?i:did|does|do|has|had|will|would)\s+" + _NAME + r"\s+(?i:respond|react|reply|answer)\b"),
    # The speaker first: "Lavrov mengatakan apa tentang ...?", "Kerry bilang apa?"
    re.compile(r"(?<![\w-])" + _NAME + r"\s+(?i:berkata|mengatakan|bilang|menyatakan|menyebut|berkomentar)\s+(?i:apa)\b"),
)
_WORD = re.compile(r"[\w'-]+")
# How near a verb of saying a word of the name stands: before it ("Lavrov juga
# mengatakan", "Dari Damaskus, Departemen Luar Negeri Suriah memuji") or after it
# ("ujar sang penasihat, Walid Phares").
_BEFORE = 5
_AFTER = 5
# Words of a name too common to say whose it is.
_SHORT = 3


def asked_speaker(question: str) -> Speaker | None:
    """The person whose words `question` asks for, or None when it asks none."""
    for pattern in _ASKED:
        found = pattern.search(question)
        if found:
            words = [word.casefold() for word in _WORD.findall(found.group(1))]
            kept = tuple(word for word in words if len(word) >= _SHORT)
            return Speaker(found.group(1), kept) if kept else None
    return None


def quotes(text: str, speaker: Iterable[str], *, name_first: frozenset[str], verb_first: frozenset[str]) -> bool:
    """Whether `text` quotes `speaker`: a word of the name within `_BEFORE` words before a
    verb of saying of `name_first` ("Lavrov mengatakan"), or `_AFTER` words after one of
    `verb_first` ("kata Lavrov"); both folded."""
    name = frozenset(speaker)
    words = [word.casefold() for word in _WORD.findall(text)]
    for at, word in enumerate(words):
        if word in name_first and not name.isdisjoint(words[max(0, at - _BEFORE) : at]):
            return True
        if word in verb_first and not name.isdisjoint(words[at + 1 : at + 1 + _AFTER]):
            return True
    return False
