"""Sentence splitting: a text's sentences as printed, and where they are in it.

Terminators, closing quotes and Wikipedia citation marks end a sentence before
a capital; abbreviations (`abbreviations.txt`: never end one; `abbreviations-final.txt`:
end one only before a capital) and initials do not. The lists are language data,
read with the rest of a folder by `text.Analyzer`; without one, the bundled lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retrieval.langfiles import BUNDLED_LANGUAGE_DATA, data_lines

_ABBREVIATIONS = "abbreviations.txt"
_FINAL_ABBREVIATIONS = "abbreviations-final.txt"

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
class Abbreviations:
    never_final: frozenset[str]  # case-folded, without the final dot
    may_end: frozenset[str]


def split_sentences(text: str, *, abbreviations: Abbreviations | None = None) -> list[str]:
    """Sentences of `text` exactly as printed (outer whitespace stripped), in order.

    A blank line always ends a sentence; so does a single newline, unless the
    line looks hard-wrapped (no closing punctuation and the next line starts
    in lower case), because JSONL and Markdown corpora are often wrapped.
    """
    return [text[start:end] for start, end in sentence_offsets(text, abbreviations=abbreviations)]


def sentence_offsets(text: str, *, abbreviations: Abbreviations | None = None) -> list[tuple[int, int]]:
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


def _split_block(text: str, start: int, end: int, abbr: Abbreviations, spans: list[tuple[int, int]]) -> None:
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


def _may_end(text: str, start: int, position: int, first: str, abbr: Abbreviations) -> bool:
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


def read_abbreviations(directory: Path) -> Abbreviations:
    def load(name: str) -> frozenset[str]:
        path = directory / name
        if not path.is_file():
            return frozenset()
        return frozenset(entry.casefold().rstrip(".") for entry in data_lines(path))

    return Abbreviations(never_final=load(_ABBREVIATIONS), may_end=load(_FINAL_ABBREVIATIONS))


@lru_cache(maxsize=1)
def _bundled_abbreviations() -> Abbreviations:
    return read_abbreviations(BUNDLED_LANGUAGE_DATA)

