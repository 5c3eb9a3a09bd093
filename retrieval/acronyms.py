"""Acronyms an article defines for itself: "Kebun Raya Cibodas (KRC)".

News text spells a name out once, with its acronym in brackets, and uses the
acronym from then on; a question may use either. The bundled abbreviation data
cannot know every organisation in a user's corpus, so each article's own
definitions are read from its text, and inside that article a sentence with one
form also carries the terms of the other. Questions are analysed as before: the
index side is where the article's knowledge lives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.text import Analyzer

# Words an acronym usually skips ("Badan Pengkajian dan Penerapan Teknologi (BPPT)").
_CONNECTORS = frozenset("dan dari untuk di ke pada atas bagi serta of the and for on in".split())
_BRACKETED = re.compile(r"\(\s*([A-Z][A-Za-z]{1,9})\s*\)")
_LOOK_BACK = 160  # characters before the bracket that may hold the long form


@dataclass(frozen=True, slots=True)
class _Pair:
    acronym: re.Pattern[str]
    long_form: re.Pattern[str]
    acronym_terms: tuple[str, ...]
    long_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleAcronyms:
    """The acronym definitions of one article and how they extend its sentences' terms."""

    pairs: tuple[_Pair, ...] = ()

    @classmethod
    def find(cls, text: str, analyzer: Analyzer) -> ArticleAcronyms:
        pairs: dict[str, _Pair] = {}
        for match in _BRACKETED.finditer(text):
            acronym = match.group(1)
            if sum(ch.isupper() for ch in acronym) < 2:
                continue  # "(Senin)", "(Persero)": a word in brackets, not an acronym
            long_form = _spelled_by(text[max(0, match.start() - _LOOK_BACK) : match.start()].split(), acronym)
            if long_form is None or acronym in pairs:
                continue
            acronym_terms = tuple(analyzer.terms(acronym))
            long_terms = tuple(analyzer.terms(long_form))
            # Already one concept (bundled data), or nothing to add.
            if not acronym_terms or not long_terms or set(acronym_terms) & set(long_terms):
                continue
            pairs[acronym] = _Pair(
                acronym=re.compile(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])"),
                long_form=re.compile(r"\s+".join(re.escape(w) for w in long_form.split()), re.IGNORECASE),
                acronym_terms=acronym_terms,
                long_terms=long_terms,
            )
        return cls(tuple(pairs.values()))

    def extend(self, sentence: str, terms: list[str]) -> list[str]:
        """`terms` of `sentence`, plus the other form of each acronym it uses in one form only."""
        for pair in self.pairs:
            has_acronym = pair.acronym.search(sentence) is not None
            has_long = pair.long_form.search(sentence) is not None
            if has_acronym and not has_long:
                terms = terms + list(pair.long_terms)
            elif has_long and not has_acronym:
                terms = terms + list(pair.acronym_terms)
        return terms


def _spelled_by(words: Sequence[str], acronym: str) -> str | None:
    """The shortest tail of `words` whose initials (connectors skipped) spell `acronym`."""
    letters = acronym.casefold()
    for start in range(len(words) - 1, -1, -1):
        tail = words[start:]
        if tail[0].casefold() in _CONNECTORS:
            continue
        if not tail[0][0].isupper():
            return None
        initials = "".join(w[0].casefold() for w in tail if w.casefold() not in _CONNECTORS)
        if initials == letters:
            return " ".join(tail)
        if len(initials) > len(letters):
            return None
    return None
