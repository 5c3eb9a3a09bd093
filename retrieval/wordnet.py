"""Indonesian word senses, from Wordnet Bahasa over Princeton WordNet 3.0 synsets.

`corpus/lang/wordnet/wordnet-bahasa.txt` (made by benchmarks/wordnet_lexicon.py, whose
docstring gives its format; licences in NOTICE.txt beside it) holds one synset a line:
its part of speech and single-word lemmas. The coverage floor asks whether a question
word the window lacks is said there in other words (`synonym_weight`: "raja" over
"sultan"; `Tuning.floor_synonyms`). Antonyms and siblings under one hypernym were
measured as abstention signals and not kept (README), so the file no longer holds
the relations.

Read once a process (`at(folder)`, `bundled()`: ~0.09 s of CPU, ~5.6 MB held, 12 MB at peak): by the bot
when its engine opens (`Engine.preload`), otherwise by the first question that needs it;
never pickled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retrieval.langfiles import BUNDLED_LANGUAGE_DATA, numbered_data_lines
from retrieval.ranking import Unit
from retrieval.text import Analyzer

BUNDLED_WORDNET = BUNDLED_LANGUAGE_DATA / "wordnet" / "wordnet-bahasa.txt"
_POS = frozenset("nvar")


@dataclass(frozen=True, slots=True)
class Wordnet:
    """Synsets numbered in file order: each one's part of speech and size."""

    senses: dict[str, tuple[int, ...]]  # lemma (lower case) -> its synsets
    pos: str  # one letter a synset
    sizes: tuple[int, ...]  # how many lemmas a synset has

    @classmethod
    def read(cls, path: Path) -> Wordnet:
        """Parse the file at `path`; a line that is not `<pos> <lemma> ...` raises ValueError
        naming the file and line. An older file's relations (`@n` hypernyms, `!n` antonyms)
        are skipped: nothing reads them."""
        try:
            lines = numbered_data_lines(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read the wordnet ({exc})") from exc
        senses: dict[str, list[int]] = {}
        pos: list[str] = []
        sizes: list[int] = []
        for number, line in lines:
            fields = line.split()
            if fields[0] not in _POS:
                raise ValueError(f"{path}:{number}: expected a part of speech (n, v, a, r) first, got {line!r}")
            synset = len(pos)
            size = 0
            for field in fields[1:]:
                if field[0] not in "@!":
                    size += 1
                    senses.setdefault(field, []).append(synset)
            pos.append(fields[0])
            sizes.append(size)
        return cls({lemma: tuple(s) for lemma, s in senses.items()}, "".join(pos), tuple(sizes))

    def synsets(self, words: Iterable[str], *, largest: int = 0) -> frozenset[int]:
        """The synsets of any of `words` (lower case), leaving out those of more than
        `largest` lemmas when `largest` is set (Wordnet Bahasa's biggest synsets gather
        loosely related words: "hidup" beside "mati")."""
        out: set[int] = set()
        senses, sizes = self.senses, self.sizes
        for word in words:
            for synset in senses.get(word, ()):
                if not largest or sizes[synset] <= largest:
                    out.add(synset)
        return frozenset(out)


@lru_cache(maxsize=4)
def at(folder: Path) -> Wordnet | None:
    """The wordnet of a language data folder's `wordnet/` (`folder`), read once a process,
    or None when the folder has no such file."""
    file = folder / BUNDLED_WORDNET.name
    return Wordnet.read(file) if file.is_file() else None


def bundled() -> Wordnet | None:
    """The shipped wordnet (`at` the bundled folder)."""
    return at(BUNDLED_WORDNET.parent)


def synonym_weight(
    wordnet: Wordnet,
    lacking: Sequence[Unit],
    question_words: Sequence[tuple[str, tuple[str, ...]]],
    window: frozenset[str],
    window_text: str,
    *,
    largest: int,
) -> float:
    """The weight of the `lacking` units (question words the window's terms `window` lack)
    that the window says in other words: a lemma of the window (`window_text`'s words as
    written, cut by the analyzer's `words` as the question's are, or its terms) shares a
    synset with the question word. Words are looked up as written and as the analyzer's
    terms, so "dipasarkan" (term `pasar`) meets the lemma "pasar"; synsets of more than
    `largest` lemmas are left out."""
    if not lacking:
        return 0.0
    written: dict[frozenset[str], list[str]] = {}
    for word, terms in question_words:
        written.setdefault(frozenset(terms), []).append(word.casefold())
    held_keys = {word.casefold() for word in Analyzer.words(window_text)}
    held_keys.update(window)
    held = wordnet.synsets(held_keys, largest=largest)
    if not held:
        return 0.0
    covered = 0.0
    for unit in lacking:
        keys = [t for t in unit.terms if not t.startswith("~")]
        keys.extend(written.get(unit.terms, ()))
        if not wordnet.synsets(keys, largest=largest).isdisjoint(held):
            covered += unit.weight
    return covered
