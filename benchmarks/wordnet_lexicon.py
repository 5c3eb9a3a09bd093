"""Derive the Indonesian wordnet the coverage floor reads (corpus/lang/wordnet/).

    python -m benchmarks.wordnet_lexicon WN_DATA_IND_TAB [--out FILE]

`WN_DATA_IND_TAB` is Wordnet Bahasa's `wn-data-ind.tab` (Open Multilingual Wordnet,
`wns/msa/wn-data-ind.tab`: `offset-pos<TAB>ind:lemma<TAB>lemma` over Princeton
WordNet 3.0 synsets; MIT licence). Nothing is downloaded: it is read from the given path.

The output (default `corpus/lang/wordnet/wordnet-bahasa.txt`) is plain text, one
synset a line, numbered in file order from 0 (by part of speech, then WordNet offset):

    <pos> <lemma> ...

`pos` is `n`, `v`, `a` (adjectives with their satellites) or `r`; lemmas are the
synset's single-word Indonesian lemmas, lower case, in the order the source gives
them (multi-word lemmas are left out: the engine reads words). Lines starting with
`#` are comments. Earlier files also carried Princeton WordNet's hypernyms (`@n`) and
antonyms (`!n`) for abstention signals that were measured and not kept (README);
the engine reads only the lemmas, so they are gone.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "corpus" / "lang" / "wordnet" / "wordnet-bahasa.txt"


def read_lemmas(path: Path) -> dict[str, list[str]]:
    """Each synset's single-word Indonesian lemmas, lower case, in file order."""
    lemmas: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.startswith("#") or not line.strip():
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[1] != "ind:lemma":
                continue  # definitions (`ind:def`) and examples
            if len(parts) != 3:
                raise ValueError(f"{path}:{number}: expected `offset-pos<TAB>ind:lemma<TAB>lemma`, got {line!r}")
            synset, kind, lemma = parts
            if kind != "ind:lemma":
                continue
            word = lemma.strip().casefold().replace("_", " ")
            if not word or " " in word or not any(c.isalpha() for c in word):
                continue
            synset = synset[:-1] + "a" if synset.endswith("-s") else synset
            if word not in lemmas[synset]:
                lemmas[synset].append(word)
    return lemmas


def derive(lemmas: dict[str, list[str]]) -> list[str]:
    """The output's lines (without the header): one per synset with lemmas, by (pos, offset)."""
    order = sorted((key for key, words in lemmas.items() if words), key=lambda k: (k[-1], k))
    return [" ".join([key[-1], *lemmas[key]]) for key in order]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wordnet_lexicon", description=__doc__.split("\n\n")[0])
    parser.add_argument("lemmas", type=Path, help="Wordnet Bahasa's wn-data-ind.tab")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    lines = derive(read_lemmas(args.lemmas))
    header = [
        "# Wordnet Bahasa (MIT licence) over Princeton WordNet 3.0 synsets (WordNet 3.0 licence):",
        "# see NOTICE.txt beside this file. Made by `python -m benchmarks.wordnet_lexicon` (its docstring",
        "# gives the format): one synset a line, numbered from 0 in file order, `<pos> <lemma> ...`.",
        "# Do not edit by hand.",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    temp = args.out.with_suffix(".tmp")
    temp.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    temp.replace(args.out)
    print(f"wrote {args.out}: {len(lines)} synsets, {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
