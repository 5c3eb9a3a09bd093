"""Places a question may name by another: a capital and its country.

News writes the capital for the government it seats ("Moskow dan Washington belum
meneken perjanjian apa pun") and places a city in its country ("bertemu ... di
Kuala Lumpur" answers "... di Malaysia?"). `corpus/lang/places/capitals.txt`
(`capital | country` a line) makes a thing the question names held, for the names
rule and the signals that read it, by a story that names its partner
(`Places.widened`). BM25 and coverage are untouched: a question about Moskow still
ranks the sentences that say Moskow first.

Read once a process (`at(folder)`); never pickled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from retrieval.langfiles import BUNDLED_LANGUAGE_DATA, numbered_data_lines

BUNDLED_CAPITALS = BUNDLED_LANGUAGE_DATA / "places" / "capitals.txt"

Names = tuple[tuple[str, tuple[frozenset[str], ...]], ...]


@dataclass(frozen=True, slots=True)
class Places:
    """Pairs of the terms that say a place, each way round: (named, held instead)."""

    pairs: tuple[tuple[frozenset[str], frozenset[str]], ...]
    # Each term to the pairs whose named side holds it, in order: the engine widens every
    # question's names, and a scan of ~400 pairs for each cost ~6% of a question.
    _pairs_of: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pairs_of: dict[str, list[int]] = {}
        for i, (place, _other) in enumerate(self.pairs):
            for term in place:
                pairs_of.setdefault(term, []).append(i)
        object.__setattr__(self, "_pairs_of", {term: tuple(found) for term, found in pairs_of.items()})

    @classmethod
    def read(cls, path: Path, terms: Callable[[str], list[str]]) -> Places:
        """The pairs of `path`, each side read into terms by `terms` (the analyzer's); a
        line that is not two places is refused naming the file and line."""
        try:
            lines = numbered_data_lines(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"{path}: cannot read the places ({exc})") from exc
        pairs: list[tuple[frozenset[str], frozenset[str]]] = []
        for number, line in lines:
            sides = [_place_terms(side.strip(), terms) for side in line.split("|")]
            if len(sides) != 2 or not all(sides):
                raise ValueError(f"{path}:{number}: expected `capital | country`, got {line!r}")
            pairs += [(sides[0], sides[1]), (sides[1], sides[0])]
        return cls(tuple(pairs))

    def widened(self, names: Sequence[tuple[str, tuple[frozenset[str], ...]]]) -> Names:
        """`names` (`question.named`), each place among them also held by its partner's terms."""
        out: list[tuple[str, tuple[frozenset[str], ...]]] = []
        for name, needed in names:
            found = sorted({i for terms in needed for term in terms for i in self._pairs_of.get(term, ())})
            partners = [self.pairs[i][1] for i in found]
            out.append((name, needed + tuple(p for p in dict.fromkeys(partners) if p not in needed)))
        return tuple(out)


def _place_terms(text: str, terms: Callable[[str], list[str]]) -> frozenset[str]:
    """The terms that say a place: its concept terms when the synonym lists group it
    ("Rusia" -> `~rusia`, "Kuala Lumpur" -> `~kuala_lumpur`), else its last word's
    ("Malaysia", "Lumpur" of "Kuala Lumpur"): a first word alone ("Kuala") says too little."""
    if not text:
        return frozenset()
    concepts = frozenset(t for t in terms(text) if t.startswith("~"))
    return concepts or frozenset(terms(text.split()[-1]))


@lru_cache(maxsize=4)
def at(folder: Path, terms: Callable[[str], list[str]]) -> Places:
    """The places of a language data folder's `places/` (`folder`), read once a process;
    none when it has no such file."""
    file = folder / BUNDLED_CAPITALS.name
    return Places.read(file, terms) if file.is_file() else Places(())
