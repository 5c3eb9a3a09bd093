"""Indonesian text: sentence splitting and the words -> index terms pipeline.

Everything language-specific (stop words, abbreviations, synonym groups,
boilerplate patterns, stem overrides) is plain text under `corpus/lang/`, so
people extend it without touching code; `Analyzer.fingerprint` changes with it.

Stemming is Sastrawi (Nazief-Adriani/ECS). PyStemmer's Snowball Indonesian
was rejected: it strips `ke-`/`me-` without a dictionary and turns `kelompok`
into `lompok` and `menteri` into `teri`. Sastrawi only strips an affix when
the remainder is a dictionary root, which keeps names and loan words whole.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import sys
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import accumulate, chain, compress, islice, repeat
from pathlib import Path
from typing import Any

try:  # the regex parser, to derive cheap pre-tests of the boilerplate patterns
    from re import _constants as _sre_constants
    from re import _parser as _sre_parser
except ImportError:  # Python < 3.11
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parser  # type: ignore[no-redef]
import numpy as np
from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# Bump whenever the code changes the terms it produces: persisted indexes
# compare fingerprints and rebuild.
# 3: a sentence ends before a citation mark's following capital (`kota.[2][3] Ia`),
# and the mark's number is no word.
TEXT_VERSION = "3"  # 2: ke-/pe-/per- nouns of k-final roots keep their k

_STOPWORD_GLOB = "stopwords*.txt"
_SYNONYM_GLOB = "synonyms*.txt"
_BOILERPLATE_GLOB = "boilerplate*.txt"
_STEM_GLOB = "stems*.txt"
_ABBREVIATIONS = "abbreviations.txt"
_FINAL_ABBREVIATIONS = "abbreviations-final.txt"

# ---------------------------------------------------------------------------
# Sentence splitting
# ---------------------------------------------------------------------------

# A Wikipedia citation mark: `[1]`, `[2, 3]`, `[note 1]`, `[a]`, `[butuh rujukan]`.
_CITATION = (
    r"\[(?:(?:lower-alpha|lower-roman|upper-alpha|note|nb|n|catatan|ket)\s*)?\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]"
    r"|\[[a-z]\]|\[(?:butuh rujukan|rujukan\?|citation needed)\]"
)
# A terminator run (its first character, then the rest as group 1), the closing
# quotes/brackets and citation marks that belong to it (2), then space (3). Starting
# with a character class lets `re` skip ahead to a terminator (a group first makes it
# try the whole pattern at every character: twice the time). The lookahead always
# succeeds, so it changes no match: it only captures the first character after the
# openers and spaces that follow (4, None at the block's end), which decides whether
# the match ends a sentence (`_split_block`).
_OPENERS = "\"'“‘«([—–-"
_BOUNDARY = re.compile(
    rf"[.?!…]([.?!…]*)((?:[\"'”’»)\]]|{_CITATION})*)(\s+)(?=[{re.escape(_OPENERS)} ]*([\s\S])?)"
)
_LINE_END_TERMINAL = ".?!…:;\"'”’)]"
_DOTTED = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")
# `_word_before` first looks this far back for the space before a word (most words are shorter).
_WORD_WINDOW = 40


@dataclass(frozen=True, slots=True)
class _Abbreviations:
    never_final: frozenset[str]  # case-folded, without the final dot
    may_end: frozenset[str]


def split_sentences(text: str, *, abbreviations: _Abbreviations | None = None) -> list[str]:
    """Sentences of `text` exactly as printed (outer whitespace stripped), in order.

    A blank line always ends a sentence; so does a single newline, unless the
    line looks hard-wrapped (no closing punctuation and the next line starts
    in lower case), because JSONL and Markdown corpora are often wrapped.
    """
    return [text[start:end] for start, end in sentence_offsets(text, abbreviations=abbreviations)]


def sentence_offsets(text: str, *, abbreviations: _Abbreviations | None = None) -> list[tuple[int, int]]:
    """(start, end) in `text` of each of `split_sentences(text)`, in order.

    Pieces and the whitespace between them tile each block, and blocks are
    separated by blank lines, so a sentence's place is known where it is cut
    (no search for it in the text afterwards).
    """
    abbr = abbreviations if abbreviations is not None else _bundled_abbreviations()
    spans: list[tuple[int, int]] = []
    for start, end in _blocks(text):
        _split_block(text, start, end, abbr, spans)
    return spans


def _blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the newline-delimited blocks, wrapped lines joined."""
    blocks: list[tuple[int, int]] = []
    start = end = -1  # the current block, none while start < 0
    last = ""  # its last character other than whitespace
    pos = 0
    for line in text.splitlines(keepends=True):
        at = pos
        pos += len(line)
        content = line.strip()
        if not content:
            if start >= 0:
                blocks.append((start, end))
                start = -1
        elif start < 0:
            start, end = at, pos
        elif last not in _LINE_END_TERMINAL and content[0].islower():
            end = pos  # a wrapped line: the block goes on
        else:
            blocks.append((start, end))
            start, end = at, pos
        if content:
            last = content[-1]
    if start >= 0:
        blocks.append((start, end))
    return blocks


def _split_block(text: str, start: int, end: int, abbr: _Abbreviations, spans: list[tuple[int, int]]) -> None:
    """Append the (start, end) of each sentence of the block `text[start:end]` to `spans`.

    A piece after an accepted boundary starts after the boundary's whitespace run
    (the greedy `\\s+` ends before a character other than whitespace) and ends on
    the terminator or a closer, so only a block's first and last pieces need stripping.
    """
    cut = start
    for match in _BOUNDARY.finditer(text, start, end):
        after = match.end()
        if after >= end:
            break  # trailing whitespace: the block's end closes the sentence anyway
        first = match.group(4)
        # A lower-case continuation is never a new sentence: `dll. dan`,
        # `?” tanya dia`, `berlanjut." kata Lavrov`.
        if first is not None and first.islower():
            continue
        if first is not None and not match.group(1):  # a terminator alone: is it a single dot?
            at = match.start()
            if text[at] == "." and not _may_end(text, start, at, first, abbr):
                continue
        if cut == start:
            _add_stripped(spans, text, cut, match.end(2))
        else:
            spans.append((cut, match.end(2)))
        cut = after
    _add_stripped(spans, text, cut, end)


def _add_stripped(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    """The span of `text[start:end].strip()`, unless that is empty."""
    piece = text[start:end]
    kept = piece.strip()
    if kept:
        at = start + len(piece) - len(piece.lstrip())
        spans.append((at, at + len(kept)))


def _may_end(text: str, start: int, position: int, first: str, abbr: _Abbreviations) -> bool:
    """Whether a single dot at `position` (in the block starting at `start`), followed
    by `first` (not lower case), ends a sentence, given the word before it."""
    word = _word_before(text, start, position)
    folded = word.casefold()
    if folded in abbr.never_final:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: `J. Kerry`, `H. Ahmad`
    if "." in word and _DOTTED.match(word):  # (a dotted word holds a dot: no regex for most words)
        return False  # `a.n.`, `u.p.`, `S.H.`
    if folded in abbr.may_end:
        return first.isupper()
    return True


def _word_before(text: str, start: int, position: int) -> str:
    """The characters before `position` back to whitespace or `start`, openers stripped."""
    if position <= start or text[position - 1].isspace():
        return ""
    low = position - _WORD_WINDOW if position - _WORD_WINDOW > start else start
    word = text[low:position].rsplit(None, 1)[-1]
    if low > start and len(word) == position - low:  # no whitespace in the window
        word = text[start:position].rsplit(None, 1)[-1]
    return word.lstrip(_OPENERS)


def _read_abbreviations(directory: Path) -> _Abbreviations:
    def load(name: str) -> frozenset[str]:
        path = directory / name
        if not path.is_file():
            return frozenset()
        return frozenset(entry.casefold().rstrip(".") for entry in _data_lines(path))

    return _Abbreviations(never_final=load(_ABBREVIATIONS), may_end=load(_FINAL_ABBREVIATIONS))


@lru_cache(maxsize=1)
def _bundled_abbreviations() -> _Abbreviations:
    from config.settings import BUNDLED_LANGUAGE_DATA

    return _read_abbreviations(BUNDLED_LANGUAGE_DATA)


# ---------------------------------------------------------------------------
# Words and terms
# ---------------------------------------------------------------------------

# A surface word: letters/digits joined by hyphens or apostrophes; digits may
# also be joined by . , / : (250.000, 3,5, 14/12, 10.30). The number of a
# citation mark (`kota.[2]`) is no word: it would offer a number to every
# `berapa` question. (A word never starts right after a letter or digit, so the
# first lookbehind only keeps the mark's `0` of `[10]` from starting one.)
_WORD = re.compile(
    r"(?<![^\W_])(?!(?<=\[)\d{1,3}\])[^\W_]+(?:(?:[-‐‑'’ʼ]|(?<=\d)[.,/:](?=\d))[^\W_]+)*"
)
# `_WORD`s and breaks, for sentences joined by `_BREAK` (not a word character, so a
# word's lookbehinds and lookaheads see it as they see a text's start or end).
_BREAK = "\x00"
_WORDS_AND_BREAKS = re.compile(f"{_WORD.pattern}|{_BREAK}").findall
# The same words, faster, from text with no `_` and no citation mark (`_words_and_breaks`):
# `\w` is `[^\W_]` there, and no lookaround can reject a place this one matches at.
_PLAIN_WORDS_AND_BREAKS = re.compile(rf"\w+(?:(?:[-‐‑'’ʼ]|(?<=\d)[.,/:](?=\d))\w+)*|{_BREAK}").findall
_CITATION_NUMBER = re.compile(r"\[\d{1,3}\]")

_HYPHENS = re.compile(r"[-‐‑]")
_APOSTROPHES = re.compile(r"['’ʼ]")
_POSSESSIVE = re.compile(r"['’ʼ]s$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
_STEMMABLE = re.compile(r"^[a-z]+$")
_NOUN_PREFIXES = ("ke", "pe")  # pe- covers per- and peN-


def _words_and_breaks(text: str) -> list[str]:
    r"""`_WORDS_AND_BREAKS(text)`, about a third faster.

    `_` and a citation mark `[12]` are replaced by a space, which, like them,
    is no word character and joins no words: the words are the same. Without
    them, `\w` is `_WORD`'s `[^\W_]` (a negated class, much slower to scan) and
    `_WORD`'s lookarounds never reject a place: the first lookbehind only stops
    a word from starting inside a citation mark's number (elsewhere a word
    starts after a non-word character, as greedy runs end before one), and the
    lookahead only rejects a mark's number.
    """
    text = text.replace("_", " ")
    if "[" in text:
        text = _CITATION_NUMBER.sub(" ", text)
    return _PLAIN_WORDS_AND_BREAKS(text)


@dataclass(frozen=True, slots=True)
class _Piece:
    """One matchable unit of a surface word (a word splits at hyphens unless reduplicated)."""

    exact: str  # NFKC surface, for case-sensitive synonym phrases
    key: str  # folded surface, for everything else
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Phrase:
    pieces: tuple[str, ...]  # keys, or exact forms when case-sensitive
    case_sensitive: bool
    concept: str
    # `pieces` as a list, to compare with a slice of a sentence's pieces without a copy.
    forms: list[str] = field(compare=False, repr=False)


class Analyzer:
    """Turns text into index/query terms using one folder of language data."""

    def __init__(
        self,
        *,
        stopwords: frozenset[str],
        synonym_groups: tuple[tuple[str, ...], ...],
        boilerplate: tuple[str, ...],
        stem_overrides: dict[str, str],
        abbreviations: _Abbreviations,
        fingerprint: str,
        stems: Mapping[str, str] | None = None,
        directory: Path | None = None,
    ) -> None:
        self._stopwords = stopwords
        self._directory = directory
        self._stem_overrides = dict(stem_overrides)
        self._abbreviations = abbreviations
        self._fingerprint = fingerprint
        self._boilerplate = tuple(re.compile(p, re.IGNORECASE) for p in boilerplate)
        # Each pattern as a bound `match` (anchored) or `search`. On ASCII text a
        # pattern with prefixes only runs when the lower-cased text starts with
        # one, else one with needles only when it holds one (`_boilerplate_checks`).
        checks = [(p.match if anchored else p.search, needles, prefixes)
                  for anchored, needles, prefixes, p in _boilerplate_checks(self._boilerplate)]
        self._boilerplate_prefixed = tuple((prefixes, check) for check, _n, prefixes in checks if prefixes)
        self._boilerplate_prefixes = tuple(p for prefixes, _c in self._boilerplate_prefixed for p in prefixes)
        self._boilerplate_prefix_length = max(map(len, self._boilerplate_prefixes), default=0)
        needled = [(check, needles) for check, needles, prefixes in checks if needles and not prefixes]
        self._boilerplate_needles = tuple((needle, check) for check, needles in needled for needle in needles)
        # The needles once each, to see first whether a sentence holds any (most hold none).
        self._boilerplate_gate = tuple(dict.fromkeys(needle for needle, _check in self._boilerplate_needles))
        # Each needle's longest run without whitespace, which collapsing whitespace can neither
        # make nor break: a text that holds none of them holds no needle in any part of it
        # (`boilerplate_test`). None if some needle has no such run.
        runs = [max(needle.split(), key=len) if needle.split() else None for needle in self._boilerplate_gate]
        self._boilerplate_runs = None if None in runs else tuple(dict.fromkeys(runs))
        self._boilerplate_rest = tuple(check for check, needles, prefixes in checks if not needles and not prefixes)
        # Non-ASCII text with no character that matches an ASCII one under IGNORECASE
        # (`_ASCII_LOOKALIKES`) can only match a plain (ASCII) needle or prefix where its
        # lower-cased form holds it too; a pattern with some other needle always runs there.
        self._boilerplate_wide_needles = tuple(
            (needle, check) for check, needles in needled if all(n.isascii() for n in needles) for needle in needles
        )
        self._boilerplate_wide_gate = tuple(dict.fromkeys(needle for needle, _check in self._boilerplate_wide_needles))
        self._boilerplate_wide_rest = self._boilerplate_rest + tuple(
            check for check, needles in needled if not all(n.isascii() for n in needles)
        )
        # What `__reduce__` sends to a build worker process: the data, not the caches.
        self._data = dict(stopwords=stopwords, synonym_groups=synonym_groups, boilerplate=boilerplate,
                          stem_overrides=dict(stem_overrides), abbreviations=abbreviations, fingerprint=fingerprint,
                          directory=directory)
        # `stems`: what an analyzer of the same language data stemmed before
        # (`known_stems`), so a warm start does not run Sastrawi on them again.
        self._stems: dict[str, str] = dict(stems) if stems else {}
        self._words: dict[str, tuple[_Piece, ...]] = {}
        # Synonyms are resolved after the word cache exists: phrases are split
        # into pieces exactly like running text.
        self._phrases_by_first: dict[str, list[_Phrase]] = _phrase_table(self, synonym_groups)

    @classmethod
    def from_directory(cls, path: Path, *, stems: tuple[str, Mapping[str, str]] | None = None) -> Analyzer:
        """The analyzer of one language data folder; `stems` = (fingerprint, `known_stems()`) of an
        earlier analyzer, used only when that fingerprint is this folder's."""
        path = Path(path)
        if not path.is_dir():
            raise FileNotFoundError(f"language data folder not found: {path}")
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix == ".txt")
        if not files:
            raise FileNotFoundError(f"no language data (*.txt) in {path}")
        stopwords = frozenset(
            word.casefold() for p in sorted(path.glob(_STOPWORD_GLOB)) for word in _data_lines(p)
        )
        groups: list[tuple[str, ...]] = []
        for p in sorted(path.glob(_SYNONYM_GLOB)):
            for number, line in numbered_data_lines(p):
                phrases = tuple(phrase.strip() for phrase in line.split(" | ") if phrase.strip())
                if not phrases:
                    raise ValueError(f"{p.name}:{number}: empty synonym group")
                groups.append(phrases)
        boilerplate: list[str] = []
        for p in sorted(path.glob(_BOILERPLATE_GLOB)):
            for number, line in numbered_data_lines(p):
                try:
                    re.compile(line, re.IGNORECASE)
                except re.error as exc:
                    raise ValueError(f"{p.name}:{number}: bad pattern {line!r}: {exc}") from exc
                boilerplate.append(line)
        overrides: dict[str, str] = {}
        for p in sorted(path.glob(_STEM_GLOB)):
            for number, line in numbered_data_lines(p):
                parts = line.split()
                if len(parts) != 2:
                    raise ValueError(f"{p.name}:{number}: expected `form stem`, got {line!r}")
                overrides[parts[0].casefold()] = parts[1].casefold()
        return cls(
            stopwords=stopwords,
            synonym_groups=tuple(groups),
            boilerplate=tuple(boilerplate),
            stem_overrides=overrides,
            abbreviations=_read_abbreviations(path),
            fingerprint=(fingerprint := _fingerprint(files)),
            stems=stems[1] if stems is not None and stems[0] == fingerprint else None,
            directory=path,
        )

    def __reduce__(self) -> tuple[object, ...]:
        # Build workers get the language data and rebuild the rest (the stemmer's
        # dictionary, phrase tables) themselves; caches are not worth the bytes.
        return (partial(Analyzer, **self._data), ())

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    @property
    def directory(self) -> Path | None:
        """The language data folder this analyzer was read from (None when made in memory):
        the engine reads its subfolders too (`abstention/`, `wordnet/`)."""
        return self._directory

    def known_stems(self) -> dict[str, str]:
        """Every word stemmed so far and its stem (for `from_directory(..., stems=...)`)."""
        return dict(self._stems)

    @property
    def stem_count(self) -> int:
        """How many words this analyzer knows the stem of (`stems_after`'s mark)."""
        return len(self._stems)

    def stems_after(self, count: int) -> list[tuple[str, str]]:
        """The (word, stem) pairs learned after the first `count`, in the order learned.

        A build worker sends these back with each chunk, so the words it stemmed
        reach `known_stems` (and the saved stems): otherwise a later process runs
        Sastrawi again on every corpus word a question or its window reads.
        """
        stems = self._stems
        # Stems are only ever added: the newest are the dict's last entries.
        return list(islice(reversed(stems.items()), max(0, len(stems) - count)))[::-1]

    def learn_stems(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Take (word, stem) pairs another analyzer of the same language data found."""
        setdefault = self._stems.setdefault
        for word, stem in pairs:
            setdefault(word, stem)

    def split_sentences(self, text: str) -> list[str]:
        """`split_sentences` with this analyzer's abbreviation lists."""
        return split_sentences(text, abbreviations=self._abbreviations)

    def sentence_offsets(self, text: str) -> list[tuple[int, int]]:
        """`sentence_offsets` with this analyzer's abbreviation lists."""
        return sentence_offsets(text, abbreviations=self._abbreviations)

    def terms(self, text: str) -> list[str]:
        """Index/query terms in text order, duplicates kept; concepts follow their phrase."""
        words, pieces, owners = self._pieces(text)
        concepts_after = self._match_phrases(pieces)
        out: list[str] = []
        for index, piece in enumerate(pieces):
            out.extend(piece.terms)
            out.extend(concepts_after.get(index, ()))
        return out

    def word_terms(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Each surface word as printed in `text`, with the terms it yields.

        Every word of a synonym phrase also carries the phrase's concept term,
        so a renderer can bold `Amerika Serikat` when the question said `AS`.
        """
        words, pieces, owners = self._pieces(text)
        return self._word_terms(words, pieces, owners, self._match_phrases(pieces))

    def analyse(self, text: str) -> tuple[list[str], list[tuple[str, tuple[str, ...]]]]:
        """`(terms(text), word_terms(text))` from one pass over the text.

        The index keeps each sentence's terms by word position, so that ranking
        reads them instead of analysing candidate sentences again per question.
        """
        words, pieces, owners = self._pieces(text)
        concepts_after = self._match_phrases(pieces)
        out: list[str] = []
        for index, piece in enumerate(pieces):
            out.extend(piece.terms)
            out.extend(concepts_after.get(index, ()))
        return out, self._word_terms(words, pieces, owners, concepts_after)

    @staticmethod
    def words(text: str) -> list[str]:
        """The surface words of `text`, as `word_terms` numbers them (no analysis)."""
        return _WORD.findall(text)

    @staticmethod
    def _word_terms(
        words: list[str], pieces: list[_Piece], owners: list[int], concepts_after: dict[int, dict[str, int]]
    ) -> list[tuple[str, tuple[str, ...]]]:
        per_word: list[list[str]] = [[] for _ in words]
        for index, piece in enumerate(pieces):
            per_word[owners[index]].extend(piece.terms)
        for last, concepts in concepts_after.items():
            for concept, length in concepts.items():
                for index in range(last - length + 1, last + 1):
                    terms = per_word[owners[index]]
                    if concept not in terms:
                        terms.append(concept)
        return [(word, tuple(terms)) for word, terms in zip(words, per_word)]

    def is_boilerplate(self, sentence: str) -> bool:
        """True for site furniture (share prompts, cookie notices, credits...)."""
        normal = _collapsed(unicodedata.normalize("NFKC", sentence))
        if not normal:
            return True
        # Same answer as trying every pattern's `search`, cheaper (see `_boilerplate_checks`).
        lowered = normal.lower()
        if normal.isascii():
            needles, gate, checks = self._boilerplate_needles, self._boilerplate_gate, self._boilerplate_rest
        elif _ASCII_LOOKALIKE(normal) is None:
            needles, gate = self._boilerplate_wide_needles, self._boilerplate_wide_gate
            checks = self._boilerplate_wide_rest
        else:
            return any(pattern.search(normal) is not None for pattern in self._boilerplate)
        if any(map(lowered.__contains__, gate)):
            checks = [check for needle, check in needles if needle in lowered] + list(checks)
        return self._any_check(normal, lowered, checks)

    def boilerplate_test(self, text: str) -> Callable[[str], bool]:
        """`is_boilerplate` for the sentences of `text` (any parts of it), cheaper on ASCII text.

        ASCII is its own NFKC form, and a part of the text can only hold a needle
        whose whitespace-free run (`_boilerplate_runs`) the whole lower-cased text
        holds: per sentence, only those runs are looked for, and only a sentence
        holding one takes the needles' full path.
        """
        runs = self._boilerplate_runs
        if runs is None or not text.isascii():
            return self.is_boilerplate
        lowered = text.lower()
        return partial(self._is_ascii_boilerplate, tuple(run for run in runs if run in lowered))

    def _is_ascii_boilerplate(self, runs: tuple[str, ...], sentence: str) -> bool:
        """`is_boilerplate(sentence)` for an ASCII part of a text that holds only `runs` of the needles' runs."""
        normal = _collapsed(sentence)
        if not normal:
            return True
        if runs:
            lowered = normal.lower()
            if any(map(lowered.__contains__, runs)):
                return self.is_boilerplate(sentence)
        else:  # the prefixes only need its start
            lowered = normal[: self._boilerplate_prefix_length].lower()
        return self._any_check(normal, lowered, self._boilerplate_rest)

    def _any_check(self, normal: str, lowered: str, checks: Sequence[Callable[[str], object]]) -> bool:
        """Whether one of `checks`, or of the patterns for a prefix `lowered` opens with, finds `normal`."""
        if lowered.startswith(self._boilerplate_prefixes):
            checks = [check for prefixes, check in self._boilerplate_prefixed if lowered.startswith(prefixes)] + list(
                checks
            )
        for check in checks:
            if check(normal) is not None:
                return True
        return False

    # --- internals ---------------------------------------------------------

    def _pieces(self, text: str) -> tuple[list[str], list[_Piece], list[int]]:
        words: list[str] = []
        pieces: list[_Piece] = []
        owners: list[int] = []
        for match in _WORD.finditer(text):
            word = match.group()
            word_pieces = self._word_pieces(word)
            owner = len(words)
            words.append(word)
            pieces.extend(word_pieces)
            owners.extend([owner] * len(word_pieces))
        return words, pieces, owners

    def _word_pieces(self, word: str) -> tuple[_Piece, ...]:
        pieces = self._words.get(word)
        if pieces is None:
            pieces = self._words[word] = self._analyse_word(word)
        return pieces

    def _match_phrases(self, pieces: list[_Piece]) -> dict[int, dict[str, int]]:
        """Concept terms keyed by the index of the phrase's last piece (longest match wins)."""
        if not self._phrases_by_first:
            return {}
        return self._match_keys([piece.key for piece in pieces], [piece.exact for piece in pieces])

    def _match_keys(self, keys: list[str], exacts: list[str]) -> dict[int, dict[str, int]]:
        """`_match_phrases` given the pieces' keys and exact forms: left to right, a
        phrase is tried only where a piece starts one, and a match skips its pieces."""
        found: dict[int, dict[str, int]] = {}
        by_first = self._phrases_by_first
        count = len(keys)
        after = 0  # pieces before this belong to a phrase already matched
        for index in compress(range(count), map(by_first.__contains__, keys)):
            if index < after:
                continue
            for phrase in by_first[keys[index]]:  # longest first
                length = len(phrase.pieces)
                end = index + length
                if end > count:
                    continue
                if (exacts if phrase.case_sensitive else keys)[index:end] == phrase.forms:
                    found.setdefault(end - 1, {})[phrase.concept] = length
                    after = end
                    break
        return found

    def _build_phrases(self, groups: tuple[tuple[str, ...], ...]) -> dict[str, list[_Phrase]]:
        seen: dict[tuple[bool, tuple[str, ...]], str] = {}
        by_first: dict[str, list[_Phrase]] = {}
        for group in groups:
            concept = "~" + "_".join(p.key for p in self._phrase_pieces(group[0]))
            for text in group:
                pieces = self._phrase_pieces(text)
                if not pieces:
                    raise ValueError(f"synonym phrase {text!r} has no words")
                case_sensitive = _is_all_caps(text)
                forms = tuple(p.exact if case_sensitive else p.key for p in pieces)
                identity = (case_sensitive, forms)
                if identity in seen and seen[identity] != concept:
                    raise ValueError(
                        f"synonym phrase {text!r} is in two groups ({seen[identity]} and {concept})"
                    )
                seen[identity] = concept
                by_first.setdefault(pieces[0].key, []).append(
                    _Phrase(pieces=forms, case_sensitive=case_sensitive, concept=concept, forms=list(forms))
                )
        for phrases in by_first.values():
            phrases.sort(key=lambda phrase: -len(phrase.pieces))
        return by_first

    def _phrase_pieces(self, text: str) -> list[_Piece]:
        return [piece for word in _WORD.findall(text) for piece in self._analyse_word(word)]

    def _analyse_word(self, word: str) -> tuple[_Piece, ...]:
        exact = unicodedata.normalize("NFKC", word)
        folded = _fold(exact)
        if any(ch.isdigit() for ch in folded):
            return tuple(self._number_pieces(exact, folded))
        parts = _HYPHENS.split(folded)
        if len(parts) > 1:
            whole = self._reduplication(folded, parts)
            if whole is not None:
                return (_Piece(exact=exact, key=folded, terms=self._word_term(whole)),)
            exact_parts = _HYPHENS.split(exact)
            return tuple(
                _Piece(exact=e, key=p, terms=self._word_term(p))
                for e, p in zip(exact_parts, parts)
                if p
            )
        return (_Piece(exact=exact, key=folded, terms=self._word_term(folded)),)

    def _reduplication(self, folded: str, parts: list[str]) -> str | None:
        """The base of a reduplicated word (`negara-negara` -> `negara`), else None."""
        if all(part == parts[0] for part in parts):
            return parts[0]
        if len(parts) == 2 and all(_STEMMABLE.match(part) for part in parts):
            first, second = (self._stem(part) for part in parts)
            if first == second:
                return parts[0]  # `pangkalan-pangkalannya`: both halves share a stem
            # Sastrawi also resolves affixed reduplication (`berbalas-balasan`).
            stem = _sastrawi_pair_stem(*parts)
            if "-" not in stem:
                return self._stem_overrides.get(stem, stem)
        return None

    def _number_pieces(self, exact: str, folded: str) -> list[_Piece]:
        pieces: list[_Piece] = []
        for e, part in zip(_HYPHENS.split(exact), _HYPHENS.split(folded)):
            if not part:
                continue
            if part.isalpha():
                pieces.append(_Piece(exact=e, key=part, terms=self._word_term(part)))
            else:
                pieces.append(_Piece(exact=e, key=part, terms=_number_terms(part)))
        return pieces

    def _word_term(self, word: str) -> tuple[str, ...]:
        if word in self._stopwords or (len(word) == 1 and word.isalpha()):
            return ()
        return (self._stem(word),)

    def _stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stem_overrides.get(word)
            if stem is None:
                stem = _sastrawi_stem(word) if _STEMMABLE.match(word) else word
                stem = _noun_of_k_root(word, stem) or stem
                stem = self._stem_overrides.get(stem, stem) or word
            self._stems[word] = stem
        return stem


class TermEncoder:
    """Sentences analysed straight into term-id arrays: the build's fast path.

    Gives exactly `Analyzer.analyse`'s terms and word terms, as ids of
    `vocabulary` (an id per term in the order this encoder first met it), into
    flat arrays instead of Python lists per sentence. A word's terms depend
    only on the word (and the language data), so each surface form is analysed
    once and kept as a tuple of ids; a sentence without any word that may start
    a synonym phrase is then just its words' ids, one after another. Sentences
    that have one go through `Analyzer.analyse` itself.

    Per sentence: `doc` gets its terms followed by `extra` (the article's
    acronym terms), `doc_len` their number; per word, `word_len` the number of
    its terms and `word_term` the terms; `word_count` the sentence's words.
    """

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.vocabulary: dict[str, int] = {}
        self.terms: list[str] = []  # by id
        self._forms = _Forms(self._form)  # form -> doc term ids
        self._word_forms: dict[str, tuple[int, ...]] = {}  # form -> word term ids (filled by `_form`)
        # Forms' pieces (keys, exact forms, ids per piece), for sentences with a synonym phrase.
        self._keys = _Forms(self._add_pieces)  # fills the three below
        self._exacts: dict[str, tuple[str, ...]] = {}
        self._piece_ids: dict[str, tuple[tuple[int, ...], ...]] = {}
        self._raw: dict[str, tuple[int, ...]] = {}
        # Forms that may start a phrase longer than themselves (see `_form`), and
        # the second pieces of those phrases (None: a form of several pieces).
        self._phrase_forms: set[str] = set()
        self._follow: dict[str, frozenset[str] | None] = {}
        # Form numbers (`add_many`) and, per number, its doc and word term ids, flat.
        self._form_ids = _Forms(self._new_form)
        # Whitespace-separated tokens (`add_many`): a token's words are the words the
        # word pattern finds in it alone, as no word holds or touches whitespace. Per
        # token number, its words' form numbers (flat) and its words.
        self._token_ids = _Forms(self._new_token)
        self._token_ids[_BREAK] = -1  # between sentences in `add_many`: no token
        self._token_form_len = array("q")
        self._token_form = array("q")
        self._token_words: list[tuple[str, ...]] = []
        self._token_table: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._form_doc_len = array("q")
        self._form_doc = array("i")
        self._form_word_len = array("q")
        self._form_word = array("i")
        # Per form number, for telling in bulk where a longer phrase may match (`_may_join`):
        # 0 no phrase starts at it, 1 phrases start at its one piece, 2 at one of its several
        # pieces (`_follow` None); the ids (`_strings`) of its first piece's key and exact form.
        self._form_phrase = array("b")
        self._form_key = array("q")
        self._form_exact = array("q")
        self._strings: dict[str, int] = {}
        # (form number << 32 | string id) of every phrase form and a second piece of its phrases.
        self._seconds: list[int] = []
        # Form numbers of a word's entries where a longer phrase matched over it, by (doc, word) ids.
        self._variants: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
        self._variant_numbers: dict[tuple[str, str, int], int] = {}  # `_variant`'s answers
        self._tables: _FormTable | None = None
        self.clear()

    def clear(self) -> None:
        """Empty the arrays (the vocabulary and the per-form memo stay)."""
        self.doc, self.doc_len = array("i"), array("i")
        self.word_len, self.word_term, self.word_count = array("i"), array("i"), array("i")

    def add(
        self,
        sentence: str,
        extra: list[str] | tuple[str, ...] = (),
        *,
        words: list[str] | None = None,
        phrases: bool | None = None,
    ) -> None:
        """`words`: `Analyzer.words(sentence)`, and `phrases`: whether a phrase longer than
        one piece may match (`_may_join`), when the caller knows them and every form of
        `words` has been analysed already (`add_many`)."""
        if words is None:
            words = _WORD.findall(sentence)
        doc_entries = None
        if phrases is None:
            doc_entries = list(map(self._forms.__getitem__, words))  # analyses new forms
            phrases = not self._phrase_forms.isdisjoint(words) and self._may_join(words)
        doc = self.doc
        before = len(doc)
        if not phrases:
            if doc_entries is None:
                doc_entries = list(map(self._forms.__getitem__, words))
            doc.extend(chain.from_iterable(doc_entries))
            word_entries = list(map(self._word_forms.__getitem__, words))
            self.word_term.extend(chain.from_iterable(word_entries))
            self.word_len.extend(map(len, word_entries))
        else:
            self._add_with_phrases(words)
        if extra:
            doc.extend(self._ids(extra))
        self.word_count.append(len(words))
        self.doc_len.append(len(doc) - before)

    def add_many(self, sentences: Sequence[str], extras: Sequence[Sequence[str]]) -> None:
        """`add(sentence, extra)` for each, with the per-sentence work done in bulk.

        Every word becomes its form's number (a C-level dict lookup once the form
        is known) and the terms are gathered from per-form tables with NumPy.
        Where a phrase longer than one piece may match (a phrase form followed by
        a second piece of its phrases, found with NumPy), the sentence is matched
        and the words of a longer phrase get the form number of their entries in
        it (`_phrase_variants`). Sentences with acronym terms or a form of several
        pieces that starts a phrase go through `add` and their arrays are spliced
        in, in their place.
        """
        n = len(sentences)
        # Every sentence's tokens from one split of them all, joined by a break token
        # (number -1) that no sentence holds; each token is a dict lookup once known.
        joined = f" {_BREAK} ".join(sentences)
        if joined.count(_BREAK) == n - 1:
            token = np.fromiter(map(self._token_ids.__getitem__, joined.split()), dtype=np.int64)  # reads new tokens
            del joined
            breaks = np.flatnonzero(token < 0)
            token_ends = breaks - np.arange(breaks.shape[0])
            token = token[token >= 0]
            token_ends = np.append(token_ends, token.shape[0])
            token_form, token_start, token_len = self._tokens()
            words_in = token_len[token]
            form = _gather(token_form, token_start[token], words_in)
            word_cum = np.concatenate(([0], np.cumsum(words_in)))
            ends = word_cum[token_ends]
            counts = np.diff(ends, prepend=0)
            token_words = self._token_words

            def words_of(i: int) -> list[str]:
                tokens = token[(token_ends[i - 1] if i else 0) : token_ends[i]].tolist()
                return list(chain.from_iterable(map(token_words.__getitem__, tokens)))
        else:  # a sentence holds the break character itself
            del joined
            per_sentence = list(map(_WORD.findall, sentences))
            words = list(chain.from_iterable(per_sentence))
            counts = np.fromiter(map(len, per_sentence), dtype=np.int64, count=n)
            form = np.fromiter(map(self._form_ids.__getitem__, words), dtype=np.int64, count=len(words))
            ends = np.cumsum(counts)

            def words_of(i: int) -> list[str]:
                return per_sentence[i]
        starts = ends - counts
        table = self._table()

        # `_may_join` of every sentence at once: a form of several pieces that starts a
        # phrase (2) always may, and sends its sentence through `add`; a one-piece phrase
        # form (1) may where the next word's first piece is a second piece of its phrases.
        kind = table.phrase[form]
        sentence_of = np.repeat(np.arange(n, dtype=np.int64), counts)
        several = np.unique(sentence_of[kind == 2])
        lead = np.flatnonzero(kind[:-1] == 1)
        lead = lead[sentence_of[lead] == sentence_of[lead + 1]]
        if lead.shape[0]:
            follower = form[lead + 1]
            code = form[lead] << 32
            key, exact = table.key[follower], table.exact[follower]
            may = (key < 0) | np.isin(code | key, table.seconds) | np.isin(code | exact, table.seconds)
            lead = lead[may]  # where a longer phrase may start: elsewhere none can
            joins = np.unique(sentence_of[lead])
            joins = joins[~np.isin(joins, several)]
        else:
            joins = lead
        special = sorted(set(several.tolist()).union(i for i, extra in enumerate(extras) if extra))
        if joins.shape[0]:
            form = form.copy()
            # Each joining sentence's leads, as places in it.
            first_lead = np.searchsorted(lead, starts[joins]).tolist()
            last_lead = np.searchsorted(lead, ends[joins]).tolist()
            lead_list = lead.tolist()
            for i, lo, hi in zip(joins.tolist(), first_lead, last_lead):
                at = int(starts[i])
                for place, number in self._phrase_variants(words_of(i), [p - at for p in lead_list[lo:hi]]):
                    form[at + place] = number
            table = self._table()
        # Every word's entries as if no sentence were special.
        doc_n = table.doc_len[form]
        word_n = table.word_len[form]
        doc_all = _gather(table.doc, table.doc_start[form], doc_n)
        word_all = _gather(table.word, table.word_start[form], word_n)
        doc_cum = np.concatenate(([0], np.cumsum(doc_n)))
        word_cum = np.concatenate(([0], np.cumsum(word_n)))
        sentence_doc = doc_cum[ends] - doc_cum[starts]
        if not special:
            self.doc.frombytes(doc_all.astype(np.int32).tobytes())
            self.doc_len.frombytes(sentence_doc.astype(np.int32).tobytes())
            self.word_term.frombytes(word_all.astype(np.int32).tobytes())
            self.word_len.frombytes(word_n.astype(np.int32).tobytes())
            self.word_count.frombytes(counts.astype(np.int32).tobytes())
            return
        # The special sentences through `add`, into arrays of their own ...
        kept = (self.doc, self.doc_len, self.word_len, self.word_term, self.word_count)
        self.clear()
        try:
            for i in special:
                self.add(sentences[i], extras[i], words=words_of(i))
            own = (np.frombuffer(self.doc, dtype=np.int32), np.frombuffer(self.doc_len, dtype=np.int32),
                   np.frombuffer(self.word_len, dtype=np.int32), np.frombuffer(self.word_term, dtype=np.int32))
            own = tuple(a.astype(np.int64) for a in own)
        finally:
            self.doc, self.doc_len, self.word_len, self.word_term, self.word_count = kept
        s_doc, s_doc_len, s_word_len, s_word_term = own
        # ... then each sentence's slice taken from the bulk arrays or from those.
        which = np.asarray(special, dtype=np.int64)
        s_counts = counts[which]
        s_word_cum = np.concatenate(([0], np.cumsum(s_word_len)))
        s_word_ends = np.cumsum(s_counts)
        s_word_terms = s_word_cum[s_word_ends] - s_word_cum[s_word_ends - s_counts]
        doc_start = doc_cum[starts]
        doc_len = sentence_doc.copy()
        doc_start[which] = doc_all.shape[0] + np.cumsum(s_doc_len) - s_doc_len
        doc_len[which] = s_doc_len
        wl_start = starts.copy()
        wl_start[which] = word_n.shape[0] + s_word_ends - s_counts
        wt_start = word_cum[starts]
        wt_len = word_cum[ends] - wt_start
        wt_start[which] = word_all.shape[0] + s_word_cum[s_word_ends - s_counts]
        wt_len[which] = s_word_terms
        self.doc.frombytes(_gather(np.concatenate((doc_all, s_doc)), doc_start, doc_len).astype(np.int32).tobytes())
        self.doc_len.frombytes(doc_len.astype(np.int32).tobytes())
        self.word_len.frombytes(
            _gather(np.concatenate((word_n, s_word_len)), wl_start, counts).astype(np.int32).tobytes())
        self.word_term.frombytes(
            _gather(np.concatenate((word_all, s_word_term)), wt_start, wt_len).astype(np.int32).tobytes())
        self.word_count.frombytes(counts.astype(np.int32).tobytes())

    def _phrase_variants(self, words: list[str], leads: list[int]) -> list[tuple[int, int]]:
        """(place, form number) of each word of a sentence whose entries differ from its
        form's because a phrase longer than one piece matched over it (`_add_with_phrases`'s
        terms for it); no form of the sentence has several pieces that start a phrase, and
        `leads` (in order) are the places of the one-piece forms where a longer phrase may
        start (`_may_join`).

        Elsewhere a form's own entries are the sentence's: a word no phrase matched over
        has none of its one-piece phrase's concept (it has none, or the phrase matched).
        Only the leads decide where longer phrases match (`_match_keys` left to right: a
        one-piece match skips nothing, and no other piece starts a longer phrase), so each
        lead is tried on the pieces from it as far as its longest phrase reaches; a word
        under a match has that one phrase's concept, after its last piece if it is there.
        """
        by_first = self.analyzer._phrases_by_first
        keys_of, exacts_of = self._keys, self._exacts
        count = len(words)
        covered = -1  # the last word of the last longer phrase matched
        out: list[tuple[int, int]] = []
        for lead in leads:
            if lead <= covered:
                continue
            word = words[lead]
            keys = list(keys_of[word])  # one piece
            exacts = list(exacts_of[word])
            phrases = by_first[keys[0]]  # longest first
            reach = len(phrases[0].pieces)
            owners = [lead]
            place = lead + 1
            while len(keys) < reach and place < count:
                pieces = keys_of[words[place]]  # analyses new forms' pieces
                keys += pieces
                exacts += exacts_of[words[place]]
                owners += [place] * len(pieces)
                place += 1
            for phrase in phrases:
                length = len(phrase.pieces)
                if length == 1:
                    break  # the rest are one-piece phrases too
                if length <= len(keys) and (exacts if phrase.case_sensitive else keys)[:length] == phrase.forms:
                    last = owners[length - 1]
                    at_piece = length - 1 - owners.index(last)
                    for place in range(lead, last + 1):
                        number = self._variant(words[place], phrase.concept, at_piece if place == last else -1)
                        if number >= 0:
                            out.append((place, number))
                    covered = last
                    break
        return out

    def _variant(self, word: str, concept: str, last_piece: int) -> int:
        """The form number of `word`'s entries under a phrase of `concept` that ends at its
        piece `last_piece` (-1: ends after it), or -1 when those are its form's own entries."""
        memo_key = (word, concept, last_piece)
        number = self._variant_numbers.get(memo_key)
        if number is None:
            cid = self._ids((concept,))[0]
            doc: list[int] = []
            for index, ids in enumerate(self._piece_ids[word]):
                doc += ids
                if index == last_piece:
                    doc.append(cid)
            terms = self._raw[word]
            if cid not in terms:
                terms = (*terms, cid)
            entries = (tuple(doc), tuple(terms))
            if entries == (self._forms[word], self._word_forms[word]):
                number = -1
            else:
                number = self._variants.get(entries)
                if number is None:
                    number = self._variants[entries] = self._add_form_entries(*entries, phrase=0, first=None)
            self._variant_numbers[memo_key] = number
        return number

    def _new_token(self, token: str) -> int:
        """The next token number for `token`, its words' form numbers appended to the token table."""
        words = tuple(_words_and_breaks(token))
        number = len(self._token_words)
        self._token_words.append(words)
        self._token_form_len.append(len(words))
        self._token_form.extend(map(self._form_ids.__getitem__, words))  # analyses new forms
        return number

    def _tokens(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(form numbers, start, length) per token number, as NumPy arrays (made again when tokens were added)."""
        table = self._token_table
        if table is None or table[1].shape[0] != len(self._token_form_len):
            length = _copied(self._token_form_len, np.int64)
            table = self._token_table = (_copied(self._token_form, np.int64), np.cumsum(length) - length, length)
        return table

    def _new_form(self, word: str) -> int:
        """The next form number for `word`, its entries appended to the per-form tables."""
        doc = self._forms[word]  # analyses the form
        seconds = self._follow.get(word, ())
        number = self._add_form_entries(
            doc, self._word_forms[word], phrase=0 if word not in self._follow else 2 if seconds is None else 1,
            first=word)
        for second in seconds or ():
            self._seconds.append(number << 32 | self._string(second))
        return number

    def _add_form_entries(self, doc: tuple[int, ...], words: tuple[int, ...], *, phrase: int, first: str | None) -> int:
        number = len(self._form_doc_len)
        self._form_doc_len.append(len(doc))
        self._form_doc.extend(doc)
        self._form_word_len.append(len(words))
        self._form_word.extend(words)
        self._form_phrase.append(phrase)
        if first is None:
            self._form_key.append(-1)
            self._form_exact.append(-1)
        else:
            # `_keys[first][0]` and `_exacts[first][0]`, without making the form's piece ids.
            pieces = self.analyzer._word_pieces(first)
            self._form_key.append(self._string(pieces[0].key) if pieces else -1)
            self._form_exact.append(self._string(pieces[0].exact) if pieces else -1)
        return number

    def _string(self, text: str) -> int:
        number = self._strings.get(text)
        if number is None:
            number = self._strings[text] = len(self._strings)
        return number

    def _table(self) -> _FormTable:
        """The per-form tables as NumPy arrays (made again only when forms were added)."""
        table = self._tables
        if table is None or table.doc_len.shape[0] != len(self._form_doc_len):
            doc_len = _copied(self._form_doc_len, np.int64)
            word_len = _copied(self._form_word_len, np.int64)
            table = self._tables = _FormTable(
                doc=_copied(self._form_doc, np.int32).astype(np.int64),
                doc_start=np.cumsum(doc_len) - doc_len,
                doc_len=doc_len,
                word=_copied(self._form_word, np.int32).astype(np.int64),
                word_start=np.cumsum(word_len) - word_len,
                word_len=word_len,
                phrase=_copied(self._form_phrase, np.int8),
                key=_copied(self._form_key, np.int64),
                exact=_copied(self._form_exact, np.int64),
                seconds=np.unique(np.array(self._seconds, dtype=np.int64)),
            )
        return table

    def _may_join(self, words: list[str]) -> bool:
        """Whether a phrase longer than one piece may match: some word starts one and the
        next piece is that phrase's second (a multi-piece form always may)."""
        follow = self._follow
        last = len(words) - 1
        for index in [i for i, word in enumerate(words) if word in follow]:
            seconds = follow[words[index]]
            if seconds is None:
                return True
            if index < last:
                keys = self._keys[words[index + 1]]
                if not keys or keys[0] in seconds or self._exacts[words[index + 1]][0] in seconds:
                    return True
        return False

    def _add_with_phrases(self, words: list[str]) -> None:
        """`Analyzer.analyse` in ids: concepts follow their phrase's last piece in
        the doc's terms, and join every word of the phrase once."""
        keys = list(map(self._keys.__getitem__, words))  # analyses new forms' pieces
        flat_keys = list(chain.from_iterable(keys))
        found = self.analyzer._match_keys(flat_keys, list(chain.from_iterable(map(self._exacts.__getitem__, words))))
        raw = list(map(self._raw.__getitem__, words))  # each word's pieces' terms, no concepts
        concept_ids = {concept: self._ids((concept,))[0] for concepts in found.values() for concept in concepts}
        if len(flat_keys) == len(words) and all(len(k) == 1 for k in keys):
            # One piece a word (the usual case): piece index == word index.
            owners: Sequence[int] = range(len(words))
            doc_parts = raw.copy()
            for last, concepts in found.items():
                doc_parts[last] = raw[last] + tuple(concept_ids[c] for c in concepts)
            self.doc.extend(chain.from_iterable(doc_parts))
        else:
            owners = list(chain.from_iterable(map(repeat, range(len(words)), map(len, keys))))
            doc = self.doc
            for index, ids in enumerate(chain.from_iterable(map(self._piece_ids.__getitem__, words))):
                doc.extend(ids)
                concepts = found.get(index)
                if concepts:
                    doc.extend([concept_ids[c] for c in concepts])
        per_word: list[Sequence[int]] = raw.copy()
        for last, concepts in found.items():
            for concept, length in concepts.items():
                cid = concept_ids[concept]
                for index in range(last - length + 1, last + 1):
                    owner = owners[index]
                    terms = per_word[owner]
                    if cid not in terms:
                        per_word[owner] = (*terms, cid)
        self.word_len.extend(map(len, per_word))
        self.word_term.extend(chain.from_iterable(per_word))

    def _add_pieces(self, word: str) -> tuple[str, ...]:
        pieces = self.analyzer._word_pieces(word)
        self._exacts[word] = tuple(piece.exact for piece in pieces)
        self._piece_ids[word] = per_piece = tuple(tuple(self._ids(piece.terms)) for piece in pieces)
        self._raw[word] = tuple(chain.from_iterable(per_piece))
        return tuple(piece.key for piece in pieces)

    def _ids(self, terms: Iterable[str]) -> list[int]:
        vocabulary = self.vocabulary
        out = []
        for term in terms:
            i = vocabulary.get(term)
            if i is None:
                i = vocabulary[term] = len(vocabulary)
                self.terms.append(term)
            out.append(i)
        return out

    def _form(self, word: str) -> tuple[int, ...]:
        """A form's doc term ids (and its word term ids, kept in `_word_forms`).

        A form with no piece that starts a synonym phrase yields its pieces'
        terms. A one-piece form that starts phrases matches its one-piece phrase
        (if any) wherever no longer phrase matches, so that concept is part of
        its entry; a longer phrase can only match where a form that starts one
        is followed by that phrase's second piece (`_may_join`), and only those
        sentences go through the full phrase matching (`_add_with_phrases`).
        """
        analyzer = self.analyzer
        by_first = analyzer._phrases_by_first
        pieces = analyzer._word_pieces(word)
        ids = tuple(self._ids(term for piece in pieces for term in piece.terms))
        starts = [piece for piece in pieces if piece.key in by_first]
        doc, words = ids, ids
        if starts:
            if len(pieces) == 1:
                # Where no longer phrase matches, its one-piece phrase (if any) does.
                found = analyzer._match_keys([pieces[0].key], [pieces[0].exact])
                concepts = self._ids(found[0]) if found else []
                doc = ids + tuple(concepts)
                words = ids + tuple(dict.fromkeys(c for c in concepts if c not in ids))
                seconds = frozenset(p.pieces[1] for p in by_first[pieces[0].key] if len(p.pieces) > 1)
                if seconds:
                    self._phrase_forms.add(word)
                    self._follow[word] = seconds
            else:
                self._phrase_forms.add(word)
                self._follow[word] = None
        self._word_forms[word] = words
        return doc


@dataclass(frozen=True, slots=True)
class _FormTable:
    """Per form number: its doc term ids and word term ids (flat, with starts and lengths)."""

    doc: np.ndarray
    doc_start: np.ndarray
    doc_len: np.ndarray
    word: np.ndarray
    word_start: np.ndarray
    word_len: np.ndarray
    phrase: np.ndarray  # int8: 0, or the phrases it starts have 1 piece / several pieces (see `TermEncoder`)
    key: np.ndarray  # string id of its first piece's key (-1: none)
    exact: np.ndarray  # ... and of that piece's exact form
    seconds: np.ndarray  # sorted (form number << 32 | string id) pairs: may be followed by a second piece


def _copied(values: array, dtype: type) -> np.ndarray:
    """A NumPy copy of an `array.array` (one copy of its buffer, no Python ints made)."""
    return np.frombuffer(values, dtype=dtype).copy() if len(values) else np.zeros(0, dtype=dtype)


def _gather(flat: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """`flat[starts[i]:starts[i] + lengths[i]]` for every i, concatenated."""
    total = int(lengths.sum())
    if total == 0:
        return flat[:0]
    ends = np.cumsum(lengths)
    # Position of every output element in `flat`: its run's start plus its place in the run.
    offsets = np.repeat(starts - (ends - lengths), lengths)
    return flat[offsets + np.arange(total, dtype=np.int64)]


class _Forms(dict):  # type: ignore[type-arg]
    """surface form -> what `make` makes of it, made on first sight (a C-level lookup otherwise)."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[str], Any]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, word: str) -> Any:
        ids = self[word] = self._make(word)
        return ids


# Phrase tables by the language data they come from, with the stems their words
# got (in the order they were first asked for): every reopen of an engine makes
# a new analyzer of the same folder, and the tables took most of its ~20 ms.
_PHRASE_TABLES: dict[tuple[object, ...], tuple[dict[str, list[_Phrase]], dict[str, str]]] = {}


def _phrase_table(analyzer: Analyzer, groups: tuple[tuple[str, ...], ...]) -> dict[str, list[_Phrase]]:
    """`analyzer._build_phrases(groups)`, built once per language data in this process (read-only after).

    Building also stems the phrases' words into the analyzer's stems, and
    starts from the stems it was given: a table is reused only when those
    agree with the stems it was built with, and its stems are then added
    exactly as a build would add them.
    """
    key = (groups, analyzer._stopwords, tuple(analyzer._stem_overrides.items()))
    made = _PHRASE_TABLES.get(key)
    if made is None and analyzer._stems:
        # A warm start (stems read back from disk): building with them gives the
        # table the check below ends with (it rebuilds with them where they
        # disagree, else the tables are equal) and adds new stems in the same
        # order, without running Sastrawi (~0.15 s) on the words they hold. Not
        # kept: the cache holds only tables built from no stems.
        return analyzer._build_phrases(groups)
    if made is None:
        given, analyzer._stems = analyzer._stems, {}
        try:
            by_first = analyzer._build_phrases(groups)
        finally:
            learned, analyzer._stems = analyzer._stems, given
        if len(_PHRASE_TABLES) >= 8:
            del _PHRASE_TABLES[next(iter(_PHRASE_TABLES))]
        made = _PHRASE_TABLES[key] = (by_first, learned)
    by_first, learned = made
    stems = analyzer._stems
    if any(stems.get(word, stem) != stem for word, stem in learned.items()):
        return analyzer._build_phrases(groups)
    for word, stem in learned.items():
        stems.setdefault(word, stem)
    return by_first


# The characters beyond ASCII that match an ASCII one in a case-insensitive pattern
# (İ ı ſ and the Kelvin sign); tests check this against every code point.
_ASCII_LOOKALIKE = re.compile("[\u0130\u0131\u017f\u212a]").search


@lru_cache(maxsize=8)  # the same patterns for every analyzer of a folder; parsing them took ~6 ms
def _boilerplate_checks(
    patterns: tuple[re.Pattern[str], ...],
) -> tuple[tuple[bool, tuple[str, ...] | None, tuple[str, ...] | None, re.Pattern[str]], ...]:
    """(anchored, needles, prefixes, pattern) per pattern: cheaper tests with the same answer as `search`.

    Anchored: the pattern starts with `^` outside any group or alternation and
    is not multi-line, so it can only match at 0 and `match` answers for
    `search` without trying every position. Needles: text the pattern cannot
    match without (one of them): the longest run of plain ASCII letters it
    requires outside any group (`\\bdaftarkan email` needs "daftarkan email"),
    else a required group of such alternatives (`(langganan|berlangganan)`).
    Prefixes: for an anchored pattern, the run or group of them it starts with.
    On ASCII text, where IGNORECASE is plain ASCII case folding, a lower-cased
    text holding none of the needles, or starting with none of the prefixes,
    cannot match; non-ASCII text always runs the pattern. A required literal
    no ASCII character matches (`©`) is a needle that ASCII text never holds.
    Checks are read from the parsed pattern, so a construct the parse does not
    show simply gets no shortcut.
    """
    checks = []
    for pattern in patterns:
        try:
            anchored, needles, prefixes = _shortcut(pattern)
        except Exception:  # a private parser: any surprise means no shortcut, never a wrong one
            anchored, needles, prefixes = False, None, None
        checks.append((anchored, needles, prefixes, pattern))
    return tuple(checks)


def _shortcut(pattern: re.Pattern[str]) -> tuple[bool, tuple[str, ...] | None, tuple[str, ...] | None]:
    """(anchored, needles, prefixes): see `_boilerplate_checks`."""
    c = _sre_constants
    items = list(_sre_parser.parse(pattern.pattern, pattern.flags))
    anchored = bool(items) and items[0] == (c.AT, c.AT_BEGINNING) and not pattern.flags & re.MULTILINE
    # What an anchored pattern must start with: one of its leading literal runs.
    prefixes = _leads(items[1:]) if anchored else None
    best = ""
    run: list[str] = []
    groups: list[tuple[str, ...]] = []
    for op, value in items + [(None, None)]:
        if op is c.LITERAL and _plain(value):
            run.append(chr(value))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
        if op is c.LITERAL and not any(re.fullmatch(re.escape(chr(value)), chr(a), pattern.flags) for a in range(128)):
            return anchored, (chr(value),), prefixes
        if op is c.SUBPATTERN:
            alternatives = _literal_alternatives(value[-1])
            if alternatives is not None:
                groups.append(alternatives)
    if len(best.strip()) >= 3:
        return anchored, (best.lower(),), prefixes
    for alternatives in groups:
        if all(len(a.strip()) >= 3 for a in alternatives):
            return anchored, tuple(a.lower() for a in alternatives), prefixes
    return anchored, None, prefixes


def _leads(items: list[Any]) -> tuple[str, ...] | None:
    """Lower-cased literal runs, one of which every match of the parsed `items` starts
    with (each at least a character), else None: a leading run of plain literals; a
    group's own leads (of each of its alternatives); an optional item's leads and the
    rest's. Only literals no character beyond ASCII matches case-insensitively (`_lead_char`)."""
    c = _sre_constants
    if not items:
        return None
    op, value = items[0]
    if op is c.LITERAL and _lead_char(value):
        run = []
        for op, value in items:
            if op is not c.LITERAL or not _lead_char(value):
                break
            run.append(chr(value))
        return ("".join(run).lower(),)
    if op is c.SUBPATTERN:
        return _group_leads(list(value[-1]))
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        low, _high, body = value
        own = _group_leads(list(body))
        if own is None or low >= 1:
            return own
        rest = _leads(items[1:])
        return None if rest is None else tuple(dict.fromkeys(own + rest))
    return None


def _group_leads(items: list[Any]) -> tuple[str, ...] | None:
    """`_leads` of a group's content: of each alternative when it is one alternation."""
    c = _sre_constants
    if len(items) == 1 and items[0][0] is c.BRANCH:
        out: list[str] = []
        for branch in items[0][1][1]:
            leads = _leads(list(branch))
            if leads is None:
                return None
            out += leads
        return tuple(dict.fromkeys(out))
    return _leads(items)


def _lead_char(value: int) -> bool:
    return _plain(value) or chr(value) in "(["


def _plain(value: int) -> bool:
    return value < 128 and (chr(value).isalnum() or chr(value) == " ")


def _literal_alternatives(sub: object) -> tuple[str, ...] | None:
    """The alternatives of a group `(abc|de)` made of plain literals only, else None."""
    c = _sre_constants
    items = list(sub)  # type: ignore[call-overload]
    if len(items) != 1 or items[0][0] is not c.BRANCH:
        return None
    out = []
    for branch in items[0][1][1]:
        chars = list(branch)
        if not chars or not all(op is c.LITERAL and _plain(v) for op, v in chars):
            return None
        out.append("".join(chr(v) for _op, v in chars))
    return tuple(out)


def _noun_of_k_root(word: str, stem: str) -> str | None:
    """kerusakan -> rusak, not rusa (deer): Sastrawi strips -kan before -an.

    A noun prefix (ke-, pe-, per-) never takes the verb suffix -kan, so a word
    with one of them that ends in stem + "kan" is stem + "k" + "an" whenever that
    root exists. Bare words stay ambiguous (desakan is desak, katakan is kata).
    """
    if word.startswith(_NOUN_PREFIXES) and word.endswith(stem + "kan") and _sastrawi().dictionary.contains(stem + "k"):
        return stem + "k"
    return None


def _number_terms(token: str) -> tuple[str, ...]:
    """`250.000` -> 250000, `3,5` -> 3.5, `14/12` -> 14, 12; letters stay glued (`g20`)."""
    if _THOUSANDS.match(token):
        return (token.replace(".", "").replace(",", "."),)
    if _DECIMAL_COMMA.match(token):
        return (token.replace(",", "."),)
    terms: list[str] = []
    for part in re.split(r"[/:]", token):
        if part.isdigit():
            terms.append(part.lstrip("0") or "0")
        elif part:
            terms.append(part)
    return tuple(terms)


def _collapsed(text: str) -> str:
    """`" ".join(text.split())`, without the split where that is `text` itself: every
    whitespace character but the space is unprintable, so printable text with no
    space at either end and no two together has nothing to collapse."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _fold(text: str) -> str:
    """Case folding plus punctuation folding: accents, apostrophes, hyphen variants."""
    if text.isascii():
        # What the steps below come to on ASCII (most words): NFKD and NFC change no
        # ASCII character, casefold is lower, and the only apostrophe is '.
        text = text.lower()
        return _POSSESSIVE.sub("", text).replace("'", "") if "'" in text else text
    text = _POSSESSIVE.sub("", text.casefold())
    text = _APOSTROPHES.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).replace("‐", "-").replace("‑", "-")


def _is_all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


@lru_cache(maxsize=1)
def _sastrawi() -> Stemmer:
    # The bare Stemmer, not the factory's CachedStemmer: the Analyzer caches
    # the whole word -> terms pipeline itself. The dictionary is a dict in
    # PySastrawi 1.2.1, so lookups are O(1).
    _quicken_sastrawi()
    stemmer = Stemmer(ArrayDictionary(StemmerFactory().get_words()))
    _guard_prefix_rules(stemmer)
    return stemmer


class _PrefixGuard:
    """A prefix rule of Sastrawi that runs only on words one of its patterns matches.

    A word that is no dictionary root goes through every one of the ~40 prefix
    rules up to three times, each trying its regexes through Python calls (most
    of a cold build's stemming time). A rule whose every disambiguator returns
    nothing unless one of its own patterns matches the word (`_rule_patterns`)
    does nothing to any other word, so skipping it there changes nothing.
    """

    __slots__ = ("_rule", "_matches")

    def __init__(self, rule: Any, patterns: tuple[str, ...]) -> None:
        self._rule = rule
        self._matches = tuple(re.compile(p).match for p in dict.fromkeys(patterns))

    def visit(self, context: Any) -> None:
        word = context.current_word
        for match in self._matches:
            if match(word) is not None:
                self._rule.visit(context)
                return


def _guard_prefix_rules(stemmer: Stemmer) -> None:
    """Wrap each of `stemmer`'s prefix rules whose patterns are known in a `_PrefixGuard`."""
    from Sastrawi.Stemmer.Context.Visitor.AbstractDisambiguatePrefixRule import AbstractDisambiguatePrefixRule

    rules = stemmer.visitor_provider.prefix_visitors
    for i, rule in enumerate(rules):
        plain = type(rule).visit is AbstractDisambiguatePrefixRule.visit
        if not isinstance(rule, AbstractDisambiguatePrefixRule) or not plain:
            continue
        patterns = [_rule_patterns(type(d)) for d in rule.disambiguators]
        if patterns and all(p is not None for p in patterns):
            rules[i] = _PrefixGuard(rule, tuple(chain.from_iterable(patterns)))  # type: ignore[arg-type,call-overload]


@lru_cache(maxsize=None)
def _rule_patterns(disambiguator: type) -> tuple[str, ...] | None:
    """Patterns one of which `re.match`es every word `disambiguator.disambiguate` returns anything for.

    Read from its source, for the shapes Sastrawi's rules have: any number of
    `if word == 'belajar': ...`, then at most one `matches = re.match(PATTERN,
    word)` followed by `if matches: ...`, none with an `else`. Any other shape,
    or a source that cannot be read, gives None: no shortcut.
    """
    import ast
    import inspect
    import textwrap

    try:
        source = textwrap.dedent(inspect.getsource(disambiguator.disambiguate))
        function = ast.parse(source).body[0]
        if not isinstance(function, ast.FunctionDef) or len(function.args.args) != 2:
            return None
        word = function.args.args[1].arg
        body = [node for node in function.body
                if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]  # the docstring
        patterns: list[str] = []
        while body:
            node = body.pop(0)
            if not isinstance(node, (ast.If, ast.Assign)) or (isinstance(node, ast.If) and node.orelse):
                return None
            if isinstance(node, ast.If):  # if word == 'belajar':
                test = node.test
                if not (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == word
                        and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
                        and isinstance(test.comparators[0], ast.Constant)
                        and isinstance(test.comparators[0].value, str)):
                    return None
                patterns.append(re.escape(test.comparators[0].value) + r"\Z")
                continue
            # matches = re.match(PATTERN, word), then `if matches:` as the last statement
            call = node.value
            if not (len(body) == 1 and isinstance(body[0], ast.If) and not body[0].orelse
                    and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and isinstance(body[0].test, ast.Name) and body[0].test.id == node.targets[0].id
                    and isinstance(call, ast.Call) and not call.keywords and len(call.args) == 2
                    and ast.unparse(call.func) == "re.match" and isinstance(call.args[0], ast.Constant)
                    and isinstance(call.args[0].value, str)
                    and isinstance(call.args[1], ast.Name) and call.args[1].id == word):
                return None
            patterns.append(call.args[0].value)
            body.clear()
        return tuple(patterns) or None
    except Exception:  # any surprise means no shortcut, never a wrong one
        return None


_LITERAL = re.compile(r"[A-Za-z0-9-]+").fullmatch


class _SastrawiRe:
    """The `re` Sastrawi's own modules see: the same `match` and `sub`, a third faster.

    Sastrawi looks each pattern up by its text on every call (`re.match(r'^ber...', word)`,
    about 60 a word) and removes a stem with `re.sub(stem, '', word, count=1)`, a new
    pattern for every word, which keeps evicting the others from `re`'s 512-entry
    cache, so they are compiled again and again. Here the fixed patterns stay
    compiled, and a pattern of letters, digits and hyphens (which a regex matches
    literally) is removed with `str.replace`, the same first occurrence.
    """

    def __init__(self) -> None:
        self._compiled: dict[tuple[str, int], re.Pattern[str]] = {}

    def _pattern(self, pattern: str, flags: int) -> re.Pattern[str]:
        compiled = self._compiled.get((pattern, flags))
        if compiled is None:
            compiled = re.compile(pattern, flags)
            if len(self._compiled) < 1024:  # Sastrawi's own patterns are about 60
                self._compiled[pattern, flags] = compiled
        return compiled

    def match(self, pattern: str, string: str, flags: int = 0) -> re.Match[str] | None:
        return self._pattern(pattern, flags).match(string)

    def sub(self, pattern: str, repl: str, string: str, count: int = 0, flags: int = 0) -> str:
        if count == 1 and not flags and not repl and _LITERAL(pattern):
            return string.replace(pattern, "", 1)
        return self._pattern(pattern, flags).sub(repl, string, count)

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)


def _quicken_sastrawi() -> None:
    """Give every Sastrawi module that uses `re` a `_SastrawiRe` instead (see there)."""
    shim = _SastrawiRe()
    for name, module in list(sys.modules.items()):
        if name.startswith("Sastrawi.") and getattr(module, "re", None) is re:
            module.re = shim  # type: ignore[attr-defined]


@lru_cache(maxsize=1 << 20)
def _sastrawi_stem(word: str) -> str:
    # Sastrawi's answer depends on nothing but the word (its dictionary is fixed),
    # so every analyzer in the process shares it: a reload, a build worker (forked
    # with what its parent knew), a test's many engines. ~0.7 ms a word otherwise.
    share = _share
    if share is not None:
        stem = share.lookup(word)
        if stem is not None:
            return stem
    stem = _sastrawi().stem_word(word)
    if share is not None:
        share.publish(word, stem)
    return stem


def is_root_word(word: str) -> bool:
    """Whether `word` (folded) is a root word of the Indonesian dictionary Sastrawi stems with."""
    return _sastrawi().dictionary.contains(word)


# What Sastrawi's `is_plural` reads as a particle after a hyphen (`buku-nya`), not a second word.
_SASTRAWI_PARTICLES = frozenset(("ku", "mu", "nya", "lah", "kah", "tah", "pun"))


def _sastrawi_pair_stem(first: str, second: str) -> str:
    """`_sastrawi_stem(f"{first}-{second}")` for two halves of plain letters, from the halves' stems.

    Sastrawi's `stem_plural_word` stems both halves (and `me` + the second)
    afresh on every call, which took most of a cold build's stemming; this is
    its logic over the cached single-word stems (a word without a hyphen is
    stemmed by `stem_word` exactly as by `stem_singular_word`).
    """
    if second in _SASTRAWI_PARTICLES:
        return _sastrawi_stem(f"{first}-{second}")  # one word with a particle to Sastrawi
    root = _sastrawi_stem(first)
    other = _sastrawi_stem(second)
    if other == second and not _sastrawi().dictionary.contains(second):
        other = _sastrawi_stem("me" + second)  # meniru-nirukan -> tiru
    return root if root == other else f"{first}-{second}"


class StemShare:
    """Sastrawi's stems passed between the processes of one build through a folder.

    Each process appends the words it stemmed to its own file (`word\tstem`
    lines) and, before stemming a word, reads what the others appended since:
    build workers meet mostly the same words, and without this each of them
    would run Sastrawi on every one. Only a cache: a stem read here is the one
    Sastrawi gives (it depends on the word alone), so what a build yields does
    not depend on which process stemmed a word first, or whether the folder works.
    """

    def __init__(self, directory: Path) -> None:
        self._directory = Path(directory)
        self._own_name = f"{os.getpid()}-{id(self)}.tsv"
        self._own = open(self._directory / self._own_name, "ab", buffering=0)  # noqa: SIM115 (lives with the process)
        self._others: dict[str, Any] = {}  # file name -> (open file, bytes of a line not yet complete)
        self._stems: dict[str, str] = {}

    def lookup(self, word: str) -> str | None:
        stem = self._stems.get(word)
        if stem is None:
            try:
                self._read()
            except OSError:
                return None
            stem = self._stems.get(word)
        return stem

    def publish(self, word: str, stem: str) -> None:
        try:
            self._own.write(f"{word}\t{stem}\n".encode("utf-8", "surrogatepass"))
        except OSError:
            pass

    def _read(self) -> None:
        for entry in os.scandir(self._directory):
            if entry.name != self._own_name and entry.name.endswith(".tsv") and entry.name not in self._others:
                self._others[entry.name] = [open(entry.path, "rb"), b""]  # noqa: SIM115
        stems = self._stems
        for state in self._others.values():
            data = state[0].read()
            if not data:
                continue
            data = state[1] + data
            complete = data.rfind(b"\n") + 1
            state[1] = data[complete:]
            # Only "\n" ends a line written here (splitlines would also split at \x85, \u2028 ...).
            for line in data[:complete].decode("utf-8", "surrogatepass").split("\n")[:-1]:
                word, _tab, stem = line.partition("\t")
                stems[word] = stem


_share: StemShare | None = None


def share_stems(directory: Path | None) -> None:
    """Pass Sastrawi's stems to and from the other processes using `directory` (None: stop)."""
    global _share
    _share = StemShare(directory) if directory is not None else None


def _data_lines(path: Path) -> list[str]:
    return [line for _, line in numbered_data_lines(path)]


def numbered_data_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of a language-data file's lines, blank lines and `#` comments left out."""
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append((number, line))
    return out


def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    digest.update(f"text={TEXT_VERSION};sastrawi={_sastrawi_version()}".encode())
    for path in files:
        digest.update(b"\0" + path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _sastrawi_version() -> str:
    try:
        return importlib.metadata.version("PySastrawi")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
