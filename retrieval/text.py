"""Indonesian text: the words -> index terms pipeline (`Analyzer`).

Everything language-specific (stop words, abbreviations, synonym groups,
boilerplate patterns, stem overrides) is plain text under `corpus/lang/`, so
people extend it without touching code; `Analyzer.fingerprint` changes with it.
The analyzer splits sentences with `retrieval.sentences`, stems with
`retrieval.stemming` (Sastrawi), and tells site furniture from reporting
(`is_boilerplate`); the build turns its terms into numbers with `retrieval.encoder`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from itertools import compress, islice
from pathlib import Path
from typing import Any

try:  # the regex parser, to derive cheap pre-tests of the boilerplate patterns
    from re import _constants as _sre_constants
    from re import _parser as _sre_parser
except ImportError:  # Python < 3.11
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parser  # type: ignore[no-redef]

from retrieval.langfiles import data_lines, numbered_data_lines
from retrieval.sentences import Abbreviations, read_abbreviations, sentence_offsets, split_sentences
from retrieval.stemming import noun_of_k_root, sastrawi_pair_stem, sastrawi_stem, sastrawi_version

# Bump whenever the code changes the terms it produces: persisted indexes
# compare fingerprints and rebuild.
# 3: a sentence ends before a citation mark's following capital (`kota.[2][3] Ia`),
# and the mark's number is no word.
# 4: a synonym phrase's word matches with a possessive `-nya` and reduplicated.
TEXT_VERSION = "4"  # 2: ke-/pe-/per- nouns of k-final roots keep their k

_STOPWORD_GLOB = "stopwords*.txt"
_SYNONYM_GLOB = "synonyms*.txt"
_BOILERPLATE_GLOB = "boilerplate*.txt"
_STEM_GLOB = "stems*.txt"

# A surface word: letters/digits joined by hyphens or apostrophes; digits may
# also be joined by . , / : (250.000, 3,5, 14/12, 10.30). The number of a
# citation mark (`kota.[2]`) is no word: it would offer a number to every
# `berapa` question. (A word never starts right after a letter or digit, so the
# first lookbehind only keeps the mark's `0` of `[10]` from starting one.)
# `Analyzer.words` finds these; the build's encoder reads them in bulk.
WORD = re.compile(
    r"(?<![^\W_])(?!(?<=\[)\d{1,3}\])[^\W_]+(?:(?:[-‐‑'’ʼ]|(?<=\d)[.,/:](?=\d))[^\W_]+)*"
)

_HYPHENS = re.compile(r"[-‐‑]")
_APOSTROPHES = re.compile(r"['’ʼ]")
_POSSESSIVE = re.compile(r"['’ʼ]s$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
_STEMMABLE = re.compile(r"^[a-z]+$")



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
        abbreviations: Abbreviations,
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
        # The words of phrases matched in any case, which a possessive `-nya` may carry,
        # and the one-word phrases, which a plural may be (`_phrase_key`).
        self._phrase_words = frozenset(
            form for phrases in self._phrases_by_first.values() for phrase in phrases
            if not phrase.case_sensitive for form in phrase.pieces
        )
        self._plural_words = frozenset(
            first for first, phrases in self._phrases_by_first.items()
            if any(len(p.pieces) == 1 and not p.case_sensitive for p in phrases)
        )

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
            word.casefold() for p in sorted(path.glob(_STOPWORD_GLOB)) for word in data_lines(p)
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
            abbreviations=read_abbreviations(path),
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
        return WORD.findall(text)

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
        for match in WORD.finditer(text):
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
            pieces = self._analyse_word(word)
            if any(piece.key.endswith("nya") or "-" in piece.key for piece in pieces):
                pieces = tuple(replace(piece, key=self._phrase_key(piece.key)) for piece in pieces)
            self._words[word] = pieces
        return pieces

    def _phrase_key(self, key: str) -> str:
        """`key` as synonym phrases read it: a word of a phrase with a possessive `-nya`
        (`pangkalan militer*nya*` is a `pangkalan militer`, `pasukan*nya*` the `pasukan`
        group's) is that word, unless the form itself is one too (`sebelumnya`); a plural
        (`pangkalan-pangkalan`: a piece holds a hyphen only when reduplicated) is the
        word when that is a phrase alone (`negara-negara Islam`, Islamic countries, is
        no `Negara Islam`: `negara` is no phrase alone)."""
        words = self._phrase_words
        if key in words:
            return key
        if "-" in key:
            base = key.partition("-")[0]  # `pangkalan-pangkalannya`
            return base if base in self._plural_words else key
        if len(key) >= 6 and key.endswith("nya") and key[:-3] in words:
            return key[:-3]
        return key

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
        return [piece for word in WORD.findall(text) for piece in self._analyse_word(word)]

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
            stem = sastrawi_pair_stem(*parts)
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
                stem = sastrawi_stem(word) if _STEMMABLE.match(word) else word
                stem = noun_of_k_root(word, stem) or stem
                stem = self._stem_overrides.get(stem, stem) or word
            self._stems[word] = stem
        return stem



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




def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    digest.update(f"text={TEXT_VERSION};sastrawi={sastrawi_version()}".encode())
    for path in files:
        digest.update(b"\0" + path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


