"""Acronyms the corpus defines for itself: "Kebun Raya Cibodas (KRC)".

News text spells a name out once, with its acronym in brackets, and uses the
acronym from then on; a question may use either. The bundled abbreviation data
cannot know every organisation in a user's corpus, so each article's own
definitions are read from its text. Inside that article a sentence with one
form also carries the terms of the other (index side, `ArticleAcronyms`). Other
articles use the acronym without defining it, so a question that uses one form
also asks for the other wherever some article defined it (query side,
`CorpusAcronyms`): that needs no re-indexing when an appended article brings a
new definition.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from retrieval.text import Analyzer

# Words an acronym usually skips ("Badan Pengkajian dan Penerapan Teknologi (BPPT)").
_CONNECTORS = frozenset("dan dari untuk di ke pada atas bagi serta of the and for on in".split())
_BRACKETED = re.compile(r"\(\s*([A-Z][A-Za-z]{1,9})\s*\)")
_LOOK_BACK = 160  # characters before the bracket that may hold the long form
_WORD = re.compile(r"[\w-]+")
# A name written out in capitalised words, connectors allowed between them ("National
# Aeronautics and Space Administration"), for `written_out`.
_CAPITALISED_RUN = re.compile(
    r"[A-Z][\w'’.-]*(?:\s+(?:(?:" + "|".join(sorted(_CONNECTORS)) + r")\s+)*[A-Z][\w'’.-]*)+"
)
# Particles inside a person's name ("Mohammed bin Salman", "Ludwig van Beethoven"), for
# `spelled_out`; with the connectors, inside an organisation's.
_PARTICLES = frozenset("bin binti ibn al el van von de der den da du la le".split())
_NAME_RUN = re.compile(
    r"[A-Z][\w'’-]*\.?(?:\s+(?:(?:" + "|".join(sorted(_CONNECTORS | _PARTICLES)) + r")\s+)*[A-Z][\w'’-]*\.?)+"
)


@dataclass(frozen=True, slots=True)
class _Pair:
    acronym_text: str
    long_text: str
    acronym_terms: tuple[str, ...]
    long_terms: tuple[str, ...]

    # Compiled on first use, not when a warm start reads the stored definitions
    # (compiling ~130 pairs' patterns took ~25 ms of a 200k-sentence start; a
    # question reads only the pairs it names).
    @property
    def acronym(self) -> re.Pattern[str]:
        return _acronym_pattern(self.acronym_text)

    @property
    def long_form(self) -> re.Pattern[str]:
        return _long_form_pattern(self.long_text)


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
            if acronym in pairs:
                continue
            long_form = _spelled_by(text[max(0, match.start() - _LOOK_BACK) : match.start()].split(), acronym)
            pair = None if long_form is None else _pair(acronym, long_form, analyzer)
            if pair is not None:
                pairs[acronym] = pair
        return cls(tuple(pairs.values()))

    def definitions(self) -> tuple[tuple[str, str], ...]:
        """(acronym, long form) pairs as found, for storing beside an index."""
        return tuple((pair.acronym_text, pair.long_text) for pair in self.pairs)

    @classmethod
    def from_definitions(cls, definitions: Iterable[tuple[str, str]], analyzer: Analyzer) -> ArticleAcronyms:
        """What `find` returned, from its stored `definitions` (no text is read again)."""
        pairs = []
        for acronym, long_form in definitions:
            pair = _pair(acronym, long_form, analyzer)
            if pair is None:
                raise ValueError(f"stored acronym {acronym!r} ({long_form!r}) is no definition for this analyzer")
            pairs.append(pair)
        return cls(tuple(pairs))

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


class CorpusAcronyms:
    """Every acronym some article of the corpus defines, with one long form only."""

    def __init__(self, found: Iterable[ArticleAcronyms]) -> None:
        first: dict[str, _Pair] = {}
        long_forms: dict[str, set[tuple[str, ...]]] = {}
        for acronyms in found:
            for pair in acronyms.pairs:
                first.setdefault(pair.acronym_text, pair)
                long_forms.setdefault(pair.acronym_text, set()).add(pair.long_terms)
        # Spelled out two ways (PAN: Partai Amanat Nasional, Pusat Arsip Nasional),
        # an acronym cannot tell a question which one it means.
        pairs = [pair for key, pair in first.items() if len(long_forms[key]) == 1]
        self._by_acronym = {pair.acronym_text: pair for pair in pairs}
        self._by_first_word: dict[str, list[_Pair]] = {}
        for pair in pairs:
            self._by_first_word.setdefault(pair.long_text.split()[0].casefold(), []).append(pair)

    def __len__(self) -> int:
        return len(self._by_acronym)

    def expand(
        self, question: str, words: list[tuple[str, tuple[str, ...]]]
    ) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
        """`words` (the question's `Analyzer.word_terms`) with the other form's terms
        joined to the words of the form the question uses, and those added terms."""
        added: list[str] = []
        for pair in self._used_in(question):
            has_acronym = pair.acronym.search(question) is not None
            has_long = pair.long_form.search(question) is not None
            if has_acronym == has_long:
                continue
            if has_acronym:
                source, other = pair.acronym_terms, pair.long_terms
            else:
                source, other = pair.long_terms, pair.acronym_terms
            words = [(word, _joined(terms, other) if set(terms) & set(source) else terms) for word, terms in words]
            added.extend(other)
        return words, added

    def _used_in(self, question: str) -> list[_Pair]:
        found: dict[str, _Pair] = {}
        for word in _WORD.findall(question):
            pair = self._by_acronym.get(word)
            if pair is not None:
                found[word] = pair
            for pair in self._by_first_word.get(word.casefold(), ()):
                found[pair.acronym_text] = pair
        return list(found.values())


def written_out(question: str) -> list[tuple[str, str]]:
    """Each name `question` writes out in two or more capitalised words, with the acronym
    their initials spell (connectors skipped): ("Universitas Brawijaya", "UB").

    An article may use only the acronym without ever defining it ("Presiden Eisenhower
    mendirikan NASA") where a question spells the name out; `uses` then finds it there.
    The question's first word is no part of a name: it is capitalised because it opens
    the sentence ("Kapan Avengers ..." does not spell "KA").
    """
    found = []
    for match in _CAPITALISED_RUN.finditer(question):
        words = match.group(0).split()
        if not question[: match.start()].strip():
            words = words[1:]
        capitalised = [w for w in words if w[0].isupper()]
        if len(capitalised) >= 2:
            found.append((" ".join(words), "".join(w[0] for w in capitalised)))
    return found


def spelled_out(text: str, acronym: str) -> str | None:
    """The first run of capitalised words in `text` whose initials spell `acronym`, the
    particles of a person's name counted ("Mohammed bin Salman" for "MBS") or skipped,
    as the connectors of an organisation's are: where a question says "MBS", "SBY" or
    "KL" of a name its article only writes out."""
    letters = acronym.casefold()
    if not 3 <= len(letters) <= 6 or not letters.isalpha():
        return None
    for match in _NAME_RUN.finditer(text):
        words = match.group(0).split()
        for start in range(len(words)):
            if not words[start][0].isupper():
                continue
            for end in range(start + 2, min(len(words), start + 2 * len(letters)) + 1):
                run = words[start:end]
                if not run[-1][0].isupper():
                    continue
                every = "".join(w[0].casefold() for w in run)
                skipped = "".join(w[0].casefold() for w in run if w[0].isupper())
                if letters in (every, skipped):
                    return " ".join(w.rstrip(".") for w in run)
    return None


def uses(text: str, acronym: str) -> bool:
    """Whether `text` writes `acronym` as a word of its own, in capitals (`_acronym_pattern`)."""
    return _acronym_pattern(acronym).search(text) is not None


# The same definitions recur across a corpus ("Komisi Pemberantasan Korupsi (KPK)"
# in every story about it): analysing and compiling each once keeps start-up short.
@lru_cache(maxsize=8192)
def _pair(acronym: str, long_form: str, analyzer: Analyzer) -> _Pair | None:
    acronym_terms = tuple(analyzer.terms(acronym))
    long_terms = tuple(analyzer.terms(long_form))
    # Already one concept (bundled data), or nothing to add.
    if not acronym_terms or not long_terms or set(acronym_terms) & set(long_terms):
        return None
    return _Pair(
        acronym_text=acronym,
        long_text=long_form,
        acronym_terms=acronym_terms,
        long_terms=long_terms,
    )


@lru_cache(maxsize=8192)
def _long_form_pattern(long_form: str) -> re.Pattern[str]:
    """The long form's words with any spacing between them, in any case."""
    return re.compile(r"\s+".join(re.escape(w) for w in long_form.split()), re.IGNORECASE)


@lru_cache(maxsize=8192)
def _acronym_pattern(acronym: str) -> re.Pattern[str]:
    """The acronym as a word of its own, neither inside a longer word nor hyphenated (`KPK`, not `KPK-nya`).

    Written `KPK(?<![\\w-]KPK)(?![\\w-])` rather than `(?<![\\w-])KPK(?![\\w-])`: the
    same matches, but a pattern that starts with its literal is searched for with a
    fast scan (the build searches every sentence of an article for each acronym).
    """
    literal = re.escape(acronym)
    return re.compile(rf"{literal}(?<![\w-]{literal})(?![\w-])")


def _joined(terms: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    return terms + tuple(term for term in other if term not in terms)


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
