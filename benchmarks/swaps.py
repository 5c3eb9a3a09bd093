"""Mine swapped words from IDK-MRC train's question pairs (`corpus/lang/abstention/swaps.txt`).

    python -m benchmarks.swaps [--min-paragraphs 2] [--min-precision 0.8]

IDK-MRC writes an unanswerable question by changing an answerable one on the same
paragraph: often one word (`Kapan Bahasa Tionghoa *ditemukan*?` ->
`... *dilarang*?`). For every unanswerable question the closest answerable one on
its paragraph is found; when the two differ by one word, both lower case and
dictionary roots (no names, no numbers), the pair (asked: held) is a candidate.
A pair is kept when it comes from at least `--min-paragraphs` paragraphs and, read
as the abstention signal reads opposites (the question asks the word, its own
paragraph lacks it and holds the other), at least `--min-precision` of the train
questions it fires on are unanswerable.

It prints the candidates of all of train, then the generalisation estimate: the
list mined on one half of the paragraphs, measured on the other half. Which pairs
go into the file is decided by hand (general language only, not topic swaps); the
test split is never read.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from benchmarks.quality import DEFAULT_IDKMRC
from retrieval.search import default_analyzer
from retrieval.stemming import is_root_word
from retrieval.text import Analyzer

_WORD = re.compile(r"\w+")
_NEGATION = re.compile(r"\b(tidak|tak|bukan|belum|tanpa|non)\b", re.I)
Paragraph = tuple[int, dict]
Pair = tuple[str, str]  # (asked term, held term)


def one_word_swaps(paragraphs: Sequence[Paragraph]) -> list[tuple[int, str, str]]:
    """(paragraph, answerable word, unanswerable word) for each unanswerable question that
    differs by one word from the closest answerable question on its paragraph."""
    out = []
    for number, paragraph in paragraphs:
        answerable = [_WORD.findall(q["question"]) for q in paragraph["qas"] if not q["is_impossible"]]
        for qa in paragraph["qas"]:
            if not qa["is_impossible"] or not answerable:
                continue
            changed = _WORD.findall(qa["question"])
            best = max(
                answerable,
                key=lambda words: difflib.SequenceMatcher(
                    a=[w.lower() for w in words], b=[w.lower() for w in changed], autojunk=False
                ).ratio(),
            )
            matcher = difflib.SequenceMatcher(
                a=[w.lower() for w in best], b=[w.lower() for w in changed], autojunk=False
            )
            edits = [op for op in matcher.get_opcodes() if op[0] != "equal"]
            if len(edits) == 1:
                kind, a_start, a_end, b_start, b_end = edits[0]
                if kind == "replace" and a_end - a_start == 1 == b_end - b_start:
                    out.append((number, best[a_start], changed[b_start]))
    return out


def candidates(paragraphs: Sequence[Paragraph], analyzer: Analyzer, *, min_paragraphs: int) -> dict[Pair, int]:
    """Pairs of general words (lower case, one dictionary-root term each) and in how many paragraphs."""
    seen: dict[Pair, set[int]] = defaultdict(set)
    for number, held, asked in one_word_swaps(paragraphs):
        if not (held.islower() and asked.islower() and held.isalpha() and asked.isalpha()):
            continue
        h, a = analyzer.terms(held), analyzer.terms(asked)
        if len(h) == len(a) == 1 and h != a and is_root_word(h[0]) and is_root_word(a[0]):
            seen[(a[0], h[0])].add(number)
    return {pair: len(where) for pair, where in seen.items() if len(where) >= min_paragraphs}


def fires(paragraphs: Sequence[Paragraph], analyzer: Analyzer, pairs: Sequence[Pair]) -> dict[Pair, Counter[str]]:
    """For each pair, how many unanswerable ("U") and answerable ("A") questions it fires on,
    each read against its own paragraph (a negated question never fires, as in the signal)."""
    out: dict[Pair, Counter[str]] = {pair: Counter() for pair in pairs}
    for _number, paragraph in paragraphs:
        article = set(analyzer.terms(paragraph["context"]))
        for qa in paragraph["qas"]:
            if _NEGATION.search(qa["question"]):
                continue
            lacking = set(analyzer.terms(qa["question"])) - article
            for pair in pairs:
                if pair[0] in lacking and pair[1] in article:
                    out[pair]["U" if qa["is_impossible"] else "A"] += 1
    return out


def mine(
    paragraphs: Sequence[Paragraph], analyzer: Analyzer, *, min_paragraphs: int, min_precision: float
) -> list[Pair]:
    found = candidates(paragraphs, analyzer, min_paragraphs=min_paragraphs)
    counts = fires(paragraphs, analyzer, list(found))
    return sorted(
        pair for pair, c in counts.items() if c["U"] >= min_paragraphs and c["U"] >= min_precision * (c["U"] + c["A"])
    )


def caught(paragraphs: Sequence[Paragraph], analyzer: Analyzer, pairs: Sequence[Pair]) -> tuple[int, int, int, int]:
    """(unanswerable caught, unanswerable, answerable caught, answerable): questions any pair fires on."""
    pairs_by_asked: dict[str, set[str]] = defaultdict(set)
    for asked, held in pairs:
        pairs_by_asked[asked].add(held)
    u = a = u_all = a_all = 0
    for _number, paragraph in paragraphs:
        article = set(analyzer.terms(paragraph["context"]))
        for qa in paragraph["qas"]:
            hit = not _NEGATION.search(qa["question"]) and any(
                not pairs_by_asked[t].isdisjoint(article)
                for t in set(analyzer.terms(qa["question"])) - article
                if t in pairs_by_asked
            )
            if qa["is_impossible"]:
                u_all += 1
                u += hit
            else:
                a_all += 1
                a += hit
    return u, u_all, a, a_all


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.swaps", description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-paragraphs", type=int, default=2)
    parser.add_argument("--min-precision", type=float, default=0.8)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_IDKMRC)
    args = parser.parse_args(argv)
    analyzer = default_analyzer()
    paragraphs = list(enumerate(json.loads((args.dataset / "train.json").read_text(encoding="utf-8"))))
    options = {"min_paragraphs": args.min_paragraphs, "min_precision": args.min_precision}
    kept = mine(paragraphs, analyzer, **options)
    counts = fires(paragraphs, analyzer, kept)
    print(f"{len(kept)} pairs mined from all of train (asked: held, questions fired on):")
    for pair in sorted(kept, key=lambda p: -counts[p]["U"]):
        print(f"  {pair[0]}: {pair[1]}  unanswerable {counts[pair]['U']}, answerable {counts[pair]['A']}")
    halves = (paragraphs[0::2], paragraphs[1::2])
    for side in (0, 1):
        pairs = mine(halves[side], analyzer, **options)
        u, u_all, a, a_all = caught(halves[1 - side], analyzer, pairs)
        print(
            f"mined on half {side} ({len(pairs)} pairs), measured on the other: "
            f"unanswerable {u} of {u_all} ({u / u_all:.1%}), answerable {a} of {a_all} ({a / a_all:.2%})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
