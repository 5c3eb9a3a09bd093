"""Speed of the text pipeline: stemming unseen words and analysing 200k sentences.

    .venv/bin/python benchmarks/text_speed.py [--sentences 200000] [--facqa PATH]

Sentences are synthesised by sampling words (with their real frequencies) and
sentence lengths from the FacQA *train* passages, so the vocabulary grows the
way a real news corpus does. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import ast
import csv
import itertools
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.settings import BUNDLED_LANGUAGE_DATA  # noqa: E402
from retrieval.sentences import split_sentences  # noqa: E402
from retrieval.text import Analyzer  # noqa: E402

DEFAULT_FACQA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "facqa" / "train_preprocess.csv"
_NO_SPACE_BEFORE = {".", ",", ";", ":", "?", "!", "%", ")"}


def _passages(path: Path) -> list[list[str]]:
    seen: set[tuple[str, ...]] = set()
    out: list[list[str]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            tokens = tuple(ast.literal_eval(row["passage"]))
            if tokens not in seen:
                seen.add(tokens)
                out.append(list(tokens))
    return out


def _detokenize(tokens: list[str]) -> str:
    text = ""
    for token in tokens:
        if not text or token in _NO_SPACE_BEFORE or text.endswith("("):
            text += token
        else:
            text += " " + token
    return text


def _synthesise(passages: list[list[str]], count: int, rng: random.Random) -> list[str]:
    words = Counter(t for p in passages for t in p if any(ch.isalnum() for ch in t))
    vocabulary = list(words)
    cumulative = list(itertools.accumulate(words[w] for w in vocabulary))
    lengths = [len(p) // max(1, sum(t in {".", "?", "!"} for t in p)) for p in passages]
    sentences: list[str] = []
    batch = 10_000
    while len(sentences) < count:
        for length in rng.choices(lengths, k=batch):
            chosen = rng.choices(vocabulary, cum_weights=cumulative, k=max(3, length))
            if len(chosen) > 6:
                chosen.insert(len(chosen) // 2, ",")
            sentences.append(_detokenize([*chosen, "."]))
    return sentences[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200_000)
    parser.add_argument("--facqa", type=Path, default=DEFAULT_FACQA)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    passages = _passages(args.facqa)
    texts = [_detokenize(p) for p in passages]

    # Unseen words: a fresh analyzer, every distinct surface word once.
    vocabulary = sorted({w for p in passages for w in p if any(ch.isalpha() for ch in w)})
    analyzer = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    started = time.perf_counter()
    for word in vocabulary:
        analyzer.terms(word)
    elapsed = time.perf_counter() - started
    print(f"unseen words:      {len(vocabulary):>9,} in {elapsed:6.2f} s = {len(vocabulary) / elapsed:10,.0f} words/s (Sastrawi, cold cache)")

    try:
        import Stemmer as snowball  # PyStemmer, for comparison only
    except ImportError:
        snowball = None
    if snowball is not None:
        stemmer = snowball.Stemmer("indonesian")
        lowered = [w.lower() for w in vocabulary]
        started = time.perf_counter()
        stemmer.stemWords(lowered)
        elapsed = time.perf_counter() - started
        sample = {w: stemmer.stemWord(w) for w in ("kelompok", "menteri", "menyerang", "serangan", "diserang")}
        print(f"snowball (compare): {len(lowered) / elapsed:10,.0f} words/s, but {sample}")

    # Sentence splitting over the real passages.
    started = time.perf_counter()
    split_count = sum(len(split_sentences(t)) for t in texts * 20)
    elapsed = time.perf_counter() - started
    print(f"split_sentences:   {split_count:>9,} sentences in {elapsed:6.2f} s = {split_count / elapsed:10,.0f} sentences/s")

    # 200k synthetic sentences through a fresh analyzer (cold cache included).
    rng = random.Random(args.seed)
    sentences = _synthesise(passages, args.sentences, rng)
    analyzer = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    started = time.perf_counter()
    total_terms = 0
    for sentence in sentences:
        total_terms += len(analyzer.terms(sentence))
    elapsed = time.perf_counter() - started
    print(
        f"terms():           {len(sentences):>9,} sentences in {elapsed:6.2f} s = "
        f"{len(sentences) / elapsed:10,.0f} sentences/s ({total_terms / len(sentences):.1f} terms/sentence)"
    )
    started = time.perf_counter()
    for sentence in sentences[:50_000]:
        analyzer.word_terms(sentence)
    elapsed = time.perf_counter() - started
    print(f"word_terms() warm: {50_000:>9,} sentences in {elapsed:6.2f} s = {50_000 / elapsed:10,.0f} sentences/s")


if __name__ == "__main__":
    main()
