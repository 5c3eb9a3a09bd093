"""Extraction quality: Kutip's `extract_html` against trafilatura alone, side by side.

    .venv/bin/python -m benchmarks.extraction [--verbose] [--data PATH] [--seeds PATH]

Pages and gold come from `<repo root>/../shared/datasets/news-pages` (read in
place, never copied), scored exactly as its README says: title exact after
folding case, quotes, dashes and spaces (or equal to `title_alt`); date equal;
source recognisable when its letters contain one of `source_tokens`; author
when the extracted and gold names contain one another (letters only, only
where gold names one); each `text_contains` phrase found in the folded body;
each `text_excludes` phrase absent. trafilatura alone is
`bare_extraction(html, url=..., with_metadata=True)` with its `sitename` as
the source, as in that README.

The raw text copies in `../shared/seeds/` are scored against the table in
`../shared/corpus-metadata.md`: each field is right, empty (left for the
person to supply) or wrong (a value that is not the article's: the one
outcome that must not happen).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
PAGES = SHARED / "datasets" / "news-pages"
SEEDS = SHARED / "seeds"
METADATA = SHARED / "corpus-metadata.md"

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from ingest.extract import extract_html  # noqa: E402
from ingest.rawtext import extract_text  # noqa: E402
from ingest.records import Extracted, NotAnArticle  # noqa: E402

METRICS = ("title", "date", "source", "author", "body phrases", "boilerplate out")


@dataclass
class Tally:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))

    def add(self, metric: str, ok: bool) -> None:
        self.total[metric] += 1
        self.right[metric] += int(ok)

    def share(self, metric: str) -> float:
        return self.right[metric] / self.total[metric] if self.total[metric] else 0.0

    def cell(self, metric: str) -> str:
        total = self.total[metric]
        if not total:
            return "-"
        return f"{self.right[metric]}/{total} {100 * self.right[metric] / total:3.0f}%"


def fold(text: str) -> str:
    """Case, quotes, dashes and spaces folded, as the dataset README scores titles and phrases."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\"'`‘’“”«»„]", "'", text)
    text = re.sub(r"[‐‑‒–—―-]", "-", text)
    return " ".join(text.split())


def letters(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalpha())


def score_page(result: Extracted | None, gold: dict, tally: Tally, failures: list[str]) -> None:
    def check(metric: str, ok: bool, shown: object) -> None:
        tally.add(metric, ok)
        if not ok:
            failures.append(f"{metric}: got {shown!r}")

    title = result.title if result else None
    gold_titles = {fold(gold["title"])} | ({fold(gold["title_alt"])} if gold.get("title_alt") else set())
    check("title", bool(title) and fold(title) in gold_titles, title)
    date = result.date.isoformat() if result and result.date else None
    check("date", date == gold["date"], date)
    source = letters(result.source) if result and result.source else ""
    check("source", bool(source) and any(token in source for token in gold["source_tokens"]), result and result.source)
    if gold.get("author"):
        got, want = letters(result.author) if result and result.author else "", letters(gold["author"])
        check("author", bool(got) and (got in want or want in got), result and result.author)
    body = fold(result.text) if result else ""
    for phrase in gold["text_contains"]:
        check("body phrases", fold(phrase) in body, f"missing {phrase}")
    for phrase in gold["text_excludes"]:
        check("boilerplate out", bool(result) and fold(phrase) not in body, f"kept {phrase}")


def library_alone(html: bytes, url: str | None) -> Extracted | None:
    import trafilatura

    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if document is None:
        return None
    date = None
    if document.date:
        try:
            date = dt.date.fromisoformat(document.date[:10])
        except ValueError:
            date = None
    return Extracted(
        text=document.text or "",
        title=document.title,
        source=document.sitename,
        date=date,
        author=document.author,
        url=document.url,
    )


def is_indonesian(gold: dict) -> bool:
    return gold.get("lang") == "id" or gold["file"].startswith("id-")


def evaluate_pages(
    data: Path = PAGES, *, systems: tuple[str, ...] = ("kutip", "library"), verbose: bool = False
) -> tuple[dict[tuple[str, str], Tally], dict[str, float], int]:
    """Tallies per (system, group) with group `id` (Indonesian pages) or `all`; seconds per system; pages."""
    golds = [json.loads(line) for line in (data / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    tallies = {(system, group): Tally() for system in systems for group in ("id", "all")}
    seconds = dict.fromkeys(systems, 0.0)
    for gold in golds:
        html = (data / "pages" / gold["file"]).read_bytes()
        groups = ("id", "all") if is_indonesian(gold) else ("all",)
        for system in systems:
            start = time.perf_counter()
            try:
                result = extract_html(html, url=gold.get("url")) if system == "kutip" else library_alone(html, gold.get("url"))
            except NotAnArticle as exc:
                result = None
                if verbose:
                    print(f"  {gold['file']} [{system}] NotAnArticle: {exc}")
            seconds[system] += time.perf_counter() - start
            failures: list[str] = []
            for group in groups:
                failures.clear()
                score_page(result, gold, tallies[(system, group)], failures)
            if verbose and failures and system == "kutip":
                print(f"  {gold['file']}:")
                for failure in failures:
                    print(f"      {failure}")
    return tallies, seconds, len(golds)


def run_pages(data: Path, *, verbose: bool) -> None:
    tallies, seconds, pages = evaluate_pages(data, verbose=verbose)
    n_id = tallies[("kutip", "id")].total["date"]
    print(f"\nnews pages: {data}  ({n_id} Indonesian, {pages} in all)")
    header = f"{'':16} {'Kutip (id)':>13} {'library (id)':>13}   {'Kutip (all)':>13} {'library (all)':>13}"
    print(header)
    print("-" * len(header))
    for metric in METRICS:
        print(
            f"{metric:16} {tallies[('kutip', 'id')].cell(metric):>13} {tallies[('library', 'id')].cell(metric):>13}"
            f"   {tallies[('kutip', 'all')].cell(metric):>13} {tallies[('library', 'all')].cell(metric):>13}"
        )
    print(
        f"time per page: Kutip {1000 * seconds['kutip'] / pages:.0f} ms, "
        f"trafilatura alone {1000 * seconds['library'] / pages:.0f} ms"
    )


def seed_gold(metadata: Path) -> dict[str, dict]:
    """The seed table of corpus-metadata.md: file -> title, source tokens, date, approximate."""
    golds: dict[str, dict] = {}
    for line in metadata.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not cells[0].endswith(".txt"):
            continue
        name, headline, source, date = cells[:4]
        title = None if headline.startswith("(none") else headline
        names = [source.split("(")[0]]
        names += [inner for inner in re.findall(r"\(([^)]*)\)", source) if ":" not in inner and "terjemahan" not in inner]
        golds[name] = {
            "title": title,
            "source_tokens": [letters(n) for n in names if letters(n)],
            "date": date.split(",")[0].strip(),
            "approximate": "approximate" in date,
        }
    return golds


def evaluate_seeds(
    seeds: Path = SEEDS, metadata: Path = METADATA, *, verbose: bool = False
) -> dict[str, dict[str, int]]:
    """Right / empty / wrong counts per field (title, date, source) over the seed text copies."""
    golds = seed_gold(metadata)
    counts = {metric: {"right": 0, "empty": 0, "wrong": 0} for metric in ("title", "date", "source")}
    for name, gold in sorted(golds.items()):
        result = extract_text((seeds / name).read_text(encoding="utf-8"), name=name)
        outcomes = {
            "title": _outcome(result.title, gold["title"], lambda got, want: fold(got) == fold(want)),
            "date": _outcome(result.date.isoformat() if result.date else None, gold["date"], str.__eq__),
            "source": _outcome(
                result.source,
                gold["source_tokens"] or None,
                lambda got, want: any(token in letters(got) for token in want),
            ),
        }
        for metric, outcome in outcomes.items():
            counts[metric][outcome] += 1
        if verbose:
            approx = " (approximate)" if result.date_approximate else ""
            print(f"  {name}: title={result.title!r} date={result.date}{approx} source={result.source!r} author={result.author!r}")
            for note in result.notes:
                print(f"      note: {note}")
    return counts


def run_seeds(seeds: Path, metadata: Path, *, verbose: bool) -> None:
    counts = evaluate_seeds(seeds, metadata, verbose=verbose)
    print(f"\nraw text copies: {seeds} vs {metadata.name} ({sum(counts['title'].values())} seeds)")
    print(f"{'':8} {'right':>6} {'empty':>6} {'wrong':>6}")
    for metric, c in counts.items():
        print(f"{metric:8} {c['right']:>6} {c['empty']:>6} {c['wrong']:>6}")


def _outcome(got: str | None, want, same) -> str:
    if got is None:
        return "right" if want is None else "empty"
    if want is None:
        return "wrong"
    return "right" if same(got, want) else "wrong"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=PAGES, help="news-pages folder (gold.jsonl + pages/)")
    parser.add_argument("--seeds", type=Path, default=SEEDS)
    parser.add_argument("--metadata", type=Path, default=METADATA)
    parser.add_argument("--verbose", "-v", action="store_true", help="print each miss")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    import logging

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    if not (args.data / "gold.jsonl").is_file():
        print(f"no gold.jsonl in {args.data}", file=sys.stderr)
        return 2
    run_pages(args.data, verbose=args.verbose)
    if args.metadata.is_file() and args.seeds.is_dir():
        run_seeds(args.seeds, args.metadata, verbose=args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
