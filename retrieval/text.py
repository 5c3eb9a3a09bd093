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
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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
# A terminator run, the closing quotes/brackets and citation marks that belong to it, then space.
_BOUNDARY = re.compile(rf"([.?!…]+)((?:[\"'”’»)\]]|{_CITATION})*)(\s+)")
_OPENERS = "\"'“‘«([—–-"
_LINE_END_TERMINAL = ".?!…:;\"'”’)]"
_DOTTED = re.compile(r"^(?:[^\W\d_]\.)+[^\W\d_]$")


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
    abbr = abbreviations if abbreviations is not None else _bundled_abbreviations()
    sentences: list[str] = []
    for start, end in _blocks(text):
        sentences.extend(_split_block(text, start, end, abbr))
    return sentences


def _blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the newline-delimited blocks, wrapped lines joined."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        lines.append((pos, pos + len(line)))
        pos += len(line)
    blocks: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for start, end in lines:
        content = text[start:end].strip()
        if not content:
            if current is not None:
                blocks.append(current)
                current = None
            continue
        if current is None:
            current = (start, end)
            continue
        previous = text[current[0]:current[1]].rstrip()
        if previous[-1] not in _LINE_END_TERMINAL and content[0].islower():
            current = (current[0], end)
        else:
            blocks.append(current)
            current = (start, end)
    if current is not None:
        blocks.append(current)
    return blocks


def _split_block(text: str, start: int, end: int, abbr: _Abbreviations) -> list[str]:
    block = text[start:end]
    pieces: list[str] = []
    sentence_start = 0
    for match in _BOUNDARY.finditer(block):
        if match.end() >= len(block):
            break  # trailing whitespace: the block's end closes the sentence anyway
        if _is_boundary(block, match, abbr):
            pieces.append(block[sentence_start:match.end(2)])
            sentence_start = match.end()
    pieces.append(block[sentence_start:])
    return [p.strip() for p in pieces if p.strip()]


def _is_boundary(block: str, match: re.Match[str], abbr: _Abbreviations) -> bool:
    following = block[match.end():].lstrip(_OPENERS + " ")
    if not following:
        return True
    first = following[0]
    # A lower-case continuation is never a new sentence: `dll. dan`,
    # `?” tanya dia`, `berlanjut." kata Lavrov`.
    if first.islower():
        return False
    if match.group(1) != ".":
        return True  # ? ! and ellipses before a capital, digit or symbol
    word = _word_before(block, match.start())
    folded = word.casefold()
    if folded in abbr.never_final:
        return False
    if len(word) == 1 and word.isupper():
        return False  # an initial: `J. Kerry`, `H. Ahmad`
    if _DOTTED.match(word):
        return False  # `a.n.`, `u.p.`, `S.H.`
    if folded in abbr.may_end:
        return first.isupper()
    return True


def _word_before(block: str, position: int) -> str:
    start = position
    while start > 0 and not block[start - 1].isspace():
        start -= 1
    return block[start:position].lstrip(_OPENERS)


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
_HYPHENS = re.compile(r"[-‐‑]")
_APOSTROPHES = re.compile(r"['’ʼ]")
_POSSESSIVE = re.compile(r"['’ʼ]s$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
_STEMMABLE = re.compile(r"^[a-z]+$")
_NOUN_PREFIXES = ("ke", "pe")  # pe- covers per- and peN-


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
    ) -> None:
        self._stopwords = stopwords
        self._stem_overrides = dict(stem_overrides)
        self._abbreviations = abbreviations
        self._fingerprint = fingerprint
        self._boilerplate = tuple(re.compile(p, re.IGNORECASE) for p in boilerplate)
        self._sastrawi = _sastrawi()
        # `stems`: what an analyzer of the same language data stemmed before
        # (`known_stems`), so a warm start does not run Sastrawi on them again.
        self._stems: dict[str, str] = dict(stems) if stems else {}
        self._words: dict[str, tuple[_Piece, ...]] = {}
        # Synonyms are resolved after the word cache exists: phrases are split
        # into pieces exactly like running text.
        self._phrases_by_first: dict[str, list[_Phrase]] = {}
        self._build_phrases(synonym_groups)

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
        )

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def known_stems(self) -> dict[str, str]:
        """Every word stemmed so far and its stem (for `from_directory(..., stems=...)`)."""
        return dict(self._stems)

    def split_sentences(self, text: str) -> list[str]:
        """`split_sentences` with this analyzer's abbreviation lists."""
        return split_sentences(text, abbreviations=self._abbreviations)

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
        normal = " ".join(unicodedata.normalize("NFKC", sentence).split())
        if not normal:
            return True
        return any(pattern.search(normal) for pattern in self._boilerplate)

    # --- internals ---------------------------------------------------------

    def _pieces(self, text: str) -> tuple[list[str], list[_Piece], list[int]]:
        words: list[str] = []
        pieces: list[_Piece] = []
        owners: list[int] = []
        cache = self._words
        for match in _WORD.finditer(text):
            word = match.group()
            word_pieces = cache.get(word)
            if word_pieces is None:
                word_pieces = self._analyse_word(word)
                cache[word] = word_pieces
            owner = len(words)
            words.append(word)
            pieces.extend(word_pieces)
            owners.extend([owner] * len(word_pieces))
        return words, pieces, owners

    def _match_phrases(self, pieces: list[_Piece]) -> dict[int, dict[str, int]]:
        """Concept terms keyed by the index of the phrase's last piece (longest match wins)."""
        found: dict[int, dict[str, int]] = {}
        by_first = self._phrases_by_first
        if not by_first:
            return found
        index = 0
        count = len(pieces)
        while index < count:
            candidates = by_first.get(pieces[index].key)
            matched = 0
            if candidates:
                for phrase in candidates:  # longest first
                    length = len(phrase.pieces)
                    if index + length > count:
                        continue
                    if phrase.case_sensitive:
                        ok = all(pieces[index + i].exact == phrase.pieces[i] for i in range(length))
                    else:
                        ok = all(pieces[index + i].key == phrase.pieces[i] for i in range(length))
                    if ok:
                        found.setdefault(index + length - 1, {})[phrase.concept] = length
                        matched = length
                        break
            index += matched or 1
        return found

    def _build_phrases(self, groups: tuple[tuple[str, ...], ...]) -> None:
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
                    _Phrase(pieces=forms, case_sensitive=case_sensitive, concept=concept)
                )
        for phrases in by_first.values():
            phrases.sort(key=lambda phrase: -len(phrase.pieces))
        self._phrases_by_first = by_first

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
            stem = self._sastrawi.stem_word(folded)
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
                stem = self._sastrawi.stem_word(word) if _STEMMABLE.match(word) else word
                stem = _noun_of_k_root(word, stem) or stem
                stem = self._stem_overrides.get(stem, stem) or word
            self._stems[word] = stem
        return stem


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


def _fold(text: str) -> str:
    """Case folding plus punctuation folding: accents, apostrophes, hyphen variants."""
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
    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


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
