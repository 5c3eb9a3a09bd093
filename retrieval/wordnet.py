"""Indonesian word senses and their relations, from Wordnet Bahasa over Princeton WordNet 3.0.

`corpus/lang/wordnet/wordnet-bahasa.txt` (made by benchmarks/wordnet_lexicon.py, whose
docstring gives its format; licences in NOTICE.txt beside it) holds one synset a line:
its single-word lemmas, hypernyms and antonyms. The coverage floor asks whether a
question word the window lacks is said there in other words (`synonym_weight`: "raja"
over "sultan"; `Tuning.floor_synonyms`). Antonyms ("terakhir" for "pertama") and
siblings under one hypernym (one country for another) are looked up too (`opposed`,
`siblings`); as abstention signals they were measured and not kept (README).

Read once a process (`at(folder)`, `bundled()`: ~0.33 s of CPU, ~9 MB held, 18 MB at peak): by the bot
when its engine opens (`Engine.preload`), otherwise by the first question that needs it;
never pickled.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retrieval.ranking import Unit
from retrieval.text import Analyzer

BUNDLED_WORDNET = Path(__file__).resolve().parent.parent / "corpus" / "lang" / "wordnet" / "wordnet-bahasa.txt"
_POS = frozenset("nvar")


@dataclass(frozen=True, slots=True)
class Wordnet:
    """Synsets numbered in file order: each one's part of speech, size, hypernyms and antonyms."""

    senses: dict[str, tuple[int, ...]]  # lemma (lower case) -> its synsets
    pos: str  # one letter a synset
    sizes: tuple[int, ...]  # how many lemmas a synset has
    hypernyms: tuple[tuple[int, ...], ...]
    antonyms: tuple[tuple[int, ...], ...]

    @classmethod
    def read(cls, path: Path) -> Wordnet:
        """Parse the file at `path`; a line that is not `<pos> <lemma> ... @<n> ... !<n> ...`
        (or names a synset the file lacks) raises ValueError naming the file and line."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read the wordnet ({exc})") from exc
        senses: dict[str, list[int]] = {}
        pos: list[str] = []
        sizes: list[int] = []
        hypernyms: list[tuple[int, ...]] = []
        antonyms: list[tuple[int, ...]] = []
        numbers: list[int] = []  # line number of each synset, for errors
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split()
            if fields[0] not in _POS:
                raise ValueError(f"{path}:{number}: expected a part of speech (n, v, a, r) first, got {line!r}")
            synset = len(pos)
            up: list[int] = []
            against: list[int] = []
            size = 0
            try:
                for field in fields[1:]:
                    if field[0] == "@":
                        up.append(int(field[1:]))
                    elif field[0] == "!":
                        against.append(int(field[1:]))
                    else:
                        size += 1
                        senses.setdefault(field, []).append(synset)
            except ValueError:
                raise ValueError(f"{path}:{number}: `@` and `!` need a synset number, got {line!r}") from None
            pos.append(fields[0])
            sizes.append(size)
            hypernyms.append(tuple(up))
            antonyms.append(tuple(against))
            numbers.append(number)
        count = len(pos)
        for synset, linked in enumerate(zip(hypernyms, antonyms)):
            if any(not 0 <= n < count for links in linked for n in links):
                raise ValueError(f"{path}:{numbers[synset]}: names a synset beyond the {count} the file holds")
        return cls(
            {lemma: tuple(s) for lemma, s in senses.items()}, "".join(pos), tuple(sizes), tuple(hypernyms), tuple(antonyms)
        )

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

    def opposed(self, asked: frozenset[int], held: frozenset[int]) -> bool:
        """Whether a synset of `held` is an antonym of one of `asked`."""
        antonyms = self.antonyms
        return any(not held.isdisjoint(antonyms[s]) for s in asked)

    def siblings(self, asked: frozenset[int], held: frozenset[int], *, pos: str = "n") -> bool:
        """Whether a synset of `held` shares a direct hypernym with one of `asked` (both of a
        part of speech in `pos`), neither being the other's hypernym: two things of one kind."""
        hypernyms, kinds = self.hypernyms, self.pos
        parents: set[int] = set()
        for s in asked:
            if kinds[s] in pos:
                parents.update(hypernyms[s])
        if not parents:
            return False
        for s in held:
            if s in asked or kinds[s] not in pos or s in parents:
                continue
            ups = hypernyms[s]
            if not parents.isdisjoint(ups) and asked.isdisjoint(ups):
                return True
        return False


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
