"""Generate a large, realistic JSONL corpus for the scale benchmark, deterministically.

Material: the detokenised sentences of the FacQA *train* passages (real Indonesian
news prose) and of the bundled seed articles. A pool of ~3,000 sentences repeated
hundreds of times would be a poor stand-in for a real archive (every sentence a
duplicate, a tiny vocabulary), so each generated sentence is one of:
- an original sentence (about a third: real text stays findable),
- a splice of the head of one sentence and the tail of another, cut near the
  middle at a word boundary (new word combinations, same vocabulary and length),
- an original with its numbers redrawn and some capitalised names swapped for
  names found elsewhere in the pool (new entities, as an archive has).
Articles hold 7-13 sentences (10 on average) in paragraphs of 2-4, with an id,
a title (the first words of the lead), one of a dozen sources and a date.

Article `i` depends only on `(seed, i)`, so `--start` continues an existing corpus
with exactly the articles a larger run would have produced (the append benchmark).

    python -m benchmarks.make_corpus --articles 20000            # ~200k sentences
    python -m benchmarks.make_corpus --articles 100000 --out X.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.facqa import detokenise, read_rows
from benchmarks.quality import DEFAULT_FACQA

REPO_ROOT = Path(__file__).resolve().parent.parent
FACQA_DIR = DEFAULT_FACQA
SEED_CORPUS = REPO_ROOT / "corpus"
OUT_DIR = REPO_ROOT / "benchmarks" / "out"

_SOURCES = (
    "Antara", "Kompas", "Tempo", "Republika", "Detik", "Kontan", "Bisnis Indonesia",
    "Media Indonesia", "Suara Pembaruan", "Jawa Pos", "Pikiran Rakyat", "Kiblat.net",
)
_AUTHORS = ("Ahmad Fauzi", "Siti Rahma", "Budi Santoso", "Dewi Lestari", "Rizky Pratama", "Nur Aini")
_TITLE_WORDS = 8
_FIRST_DAY = dt.date(2005, 1, 1).toordinal()
_LAST_DAY = dt.date(2024, 12, 31).toordinal()
# A deliberately simple splitter: the generator must not depend on how
# retrieval.text splits, or the corpus would change whenever the splitter does.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(]?[A-Z0-9])")
_NUMBER = re.compile(r"\d+")
_NAME = re.compile(r"(?<!^)\b[A-Z][a-z]{2,}\b")


@dataclass(frozen=True, slots=True)
class _Pool:
    sentences: tuple[str, ...]
    names: tuple[str, ...]


def load_pool(*, facqa_dir: Path = FACQA_DIR, seed_corpus: Path = SEED_CORPUS) -> _Pool:
    """Distinct sentences of FacQA train passages and the seed articles, in a fixed order."""
    texts: list[str] = []
    for row in read_rows(facqa_dir, "train"):
        texts.append(detokenise(row.passage))
    for file in sorted(seed_corpus.glob("*.md")):
        body = file.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        texts.extend(p for p in body.split("\n\n") if p.strip())
    seen: set[str] = set()
    sentences: list[str] = []
    for text in texts:
        for sentence in _SENTENCE_END.split(" ".join(text.split())):
            sentence = sentence.strip()
            if len(sentence.split()) >= 4 and sentence not in seen:
                seen.add(sentence)
                sentences.append(sentence)
    names = sorted({m.group(0) for s in sentences for m in _NAME.finditer(s)})
    return _Pool(tuple(sentences), tuple(names))


def generate_articles(pool: _Pool, count: int, *, seed: int = 1, start: int = 0) -> Iterator[dict[str, object]]:
    for i in range(start, start + count):
        yield _article(pool, random.Random(f"{seed}:{i}"), i)


def write_corpus(path: Path, articles: int, *, seed: int = 1, start: int = 0, append: bool = False) -> Path:
    """Write articles `start .. start+articles-1` as JSONL (appending if asked)."""
    pool = load_pool()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a" if append else "w", encoding="utf-8") as handle:
        for record in generate_articles(pool, articles, seed=seed, start=start):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def default_path(articles: int, seed: int = 1) -> Path:
    return OUT_DIR / f"corpus-{articles}-s{seed}.jsonl"


def _article(pool: _Pool, rng: random.Random, i: int) -> dict[str, object]:
    sentences = [_sentence(pool, rng) for _ in range(rng.randint(7, 13))]
    paragraphs: list[str] = []
    at = 0
    while at < len(sentences):
        size = rng.randint(2, 4)
        paragraphs.append(" ".join(sentences[at : at + size]))
        at += size
    lead_words = re.sub(r"[^\w\s-]", "", sentences[0]).split()
    record: dict[str, object] = {
        "id": f"scale-{i:07d}",
        "title": " ".join(lead_words[:_TITLE_WORDS]) or f"Artikel {i}",
        "source": rng.choice(_SOURCES),
        "date": dt.date.fromordinal(rng.randint(_FIRST_DAY, _LAST_DAY)).isoformat(),
        "text": "\n\n".join(paragraphs),
    }
    if rng.random() < 0.6:
        record["author"] = rng.choice(_AUTHORS)
    return record


def _sentence(pool: _Pool, rng: random.Random) -> str:
    roll = rng.random()
    first = rng.choice(pool.sentences)
    if roll < 0.35:
        return first
    if roll < 0.7:
        second = rng.choice(pool.sentences)
        a, b = first.split(), second.split()
        head = a[: max(2, int(len(a) * rng.uniform(0.35, 0.65)))]
        tail = b[max(1, int(len(b) * rng.uniform(0.35, 0.65))) :]
        text = " ".join(head + tail)
        return text if text[-1] in ".!?" else text + "."
    text = _NUMBER.sub(lambda m: _redraw(m.group(0), rng), first)
    return _NAME.sub(lambda m: rng.choice(pool.names) if rng.random() < 0.5 else m.group(0), text)


def _redraw(number: str, rng: random.Random) -> str:
    """Another number of the same width; a year stays a plausible year."""
    if len(number) == 4 and number[:2] in ("19", "20"):
        return str(rng.randint(1950, 2024))
    if len(number) == 1:
        return str(rng.randint(0, 9))
    return str(rng.randint(10 ** (len(number) - 1), 10 ** len(number) - 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="number of the first article (to continue a corpus)")
    parser.add_argument("--append", action="store_true", help="append to --out instead of overwriting it")
    parser.add_argument("--out", type=Path, default=None, help="JSONL path (default benchmarks/out/corpus-N-sS.jsonl)")
    args = parser.parse_args(argv)
    out = args.out or default_path(args.articles, args.seed)
    began = time.perf_counter()
    write_corpus(out, args.articles, seed=args.seed, start=args.start, append=args.append)
    size = out.stat().st_size
    print(f"wrote {args.articles:,} articles to {out} ({size / 1e6:.1f} MB) in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
