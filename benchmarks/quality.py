"""Answer quality and speed of the engine, next to plain rank-bm25.

    python -m benchmarks.quality [--json] [--split train|valid] [--verbose]

Three question sets: the seed evaluation set (`benchmarks/data/seed_eval.jsonl`,
answerable questions with the phrase the right excerpt contains, plus
questions the corpus cannot answer) over the bundled corpus; FacQA
(`--split`, default `valid`) over every distinct FacQA passage pooled; and
IDK-MRC (same `--split`) over the paragraphs of that split, half of its
questions unanswerable. A hit is an excerpt whose text contains the expected
phrase (case and whitespace folded) and, for IDK-MRC, comes from the question's
own paragraph. Tune on `--split train` so `valid` stays a fair report.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from rank_bm25 import BM25Okapi

from benchmarks.facqa import SPLITS, facqa_articles, facqa_questions
from benchmarks.idkmrc import load_split
from retrieval.records import Answer, Article, Hit, Sentence

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_EVAL = REPO_ROOT / "benchmarks" / "data" / "seed_eval.jsonl"
BUNDLED_CORPUS = REPO_ROOT / "corpus"
# The shared data set lives beside the repository; FACQA_DIR overrides it.
DEFAULT_FACQA = Path(os.environ.get("FACQA_DIR", REPO_ROOT.parent / "shared" / "datasets" / "facqa"))
DEFAULT_IDKMRC = Path(os.environ.get("IDKMRC_DIR", REPO_ROOT.parent / "shared" / "datasets" / "idkmrc"))
KINDS = ("plain", "word-form", "abbreviation", "english", "siapa", "berapa", "kapan", "unanswerable")


class Searcher(Protocol):
    def search(self, query: str, *, k: int = 3) -> Answer: ...


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    question: str
    expect: str | None  # None: the corpus cannot answer it
    kind: str
    # Other texts that also count as the answer (IDK-MRC lists several).
    also: tuple[str, ...] = ()
    # When set, a right excerpt must also come from this article (IDK-MRC: short
    # answers such as "Indonesia" occur in many paragraphs).
    article_id: str | None = None


@dataclass(frozen=True, slots=True)
class Miss:
    question: str
    expect: str | None
    kind: str
    rank: int | None  # rank of the first right excerpt within k, None if absent
    first: str | None  # text of the top excerpt, None when the engine abstained


@dataclass(frozen=True, slots=True)
class Metrics:
    answerable: int
    unanswerable: int
    recall_at_1: float
    recall_at_3: float
    recall_at_k: float  # right excerpt anywhere in the top k
    mrr: float
    # Share of unanswerable questions the engine declined (None: no such questions).
    correct_abstention: float | None
    # Share of answerable questions the engine declined.
    wrongly_abstained: float
    query_ms_median: float
    query_ms_p95: float
    by_kind: dict[str, float] = field(default_factory=dict)  # Recall@1 (abstention rate for unanswerable)
    misses: tuple[Miss, ...] = ()


def blind_sets() -> list[str]:
    """The blind seed-corpus sets beside the seed set ("blind1" is seed_blind1.jsonl), in number order."""
    numbers = sorted(int(path.stem.removeprefix("seed_blind")) for path in SEED_EVAL.parent.glob("seed_blind*.jsonl"))
    return [f"blind{number}" for number in numbers]


def load_eval_set(path: Path = SEED_EVAL) -> list[EvalQuestion]:
    questions: list[EvalQuestion] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        question, expect, kind = record.get("question"), record.get("expect"), record.get("kind")
        if not isinstance(question, str) or not question.strip():
            raise ValueError(f"{path}:{number}: 'question' must be a non-empty string")
        if expect is not None and (not isinstance(expect, str) or not expect.strip()):
            raise ValueError(f"{path}:{number}: 'expect' must be a non-empty string or null")
        if kind not in KINDS:
            raise ValueError(f"{path}:{number}: 'kind' must be one of {KINDS}, not {kind!r}")
        if (kind == "unanswerable") != (expect is None):
            raise ValueError(f"{path}:{number}: 'expect' is null exactly for kind 'unanswerable'")
        # Where two sentences answer alike, either counts.
        also = record.get("also", [])
        if not isinstance(also, list) or not all(isinstance(a, str) and a.strip() for a in also) or (also and expect is None):
            raise ValueError(f"{path}:{number}: 'also' must be a list of non-empty strings beside an 'expect'")
        questions.append(EvalQuestion(question, expect, kind, tuple(also)))
    return questions


def facqa_eval_set(dataset_dir: Path, split: str) -> list[EvalQuestion]:
    return [EvalQuestion(q, a, "facqa") for q, a in facqa_questions(dataset_dir, split)]


def idkmrc_eval_set(dataset_dir: Path, split: str) -> tuple[list[Article], list[EvalQuestion]]:
    """IDK-MRC paragraphs of one split as articles, and its questions typed by question word."""
    articles, questions = load_split(dataset_dir, split)
    return articles, [
        EvalQuestion(q.question, q.answers[0] if q.answers else None, q.kind, q.answers[1:], q.article_id)
        for q in questions
    ]


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def evaluate(engine: Searcher, questions: Iterable[EvalQuestion], *, k: int = 10) -> Metrics:
    """Ask every question and score the excerpts against the expected phrases."""
    ranks: list[int | None] = []
    declined_answerable = 0
    declined_unanswerable = 0
    unanswerable = 0
    timings: list[float] = []
    kind_scores: dict[str, list[float]] = defaultdict(list)
    misses: list[Miss] = []
    for item in questions:
        started = time.perf_counter()
        answer = engine.search(item.question, k=k)
        timings.append((time.perf_counter() - started) * 1000)
        hits = answer.hits[:k]
        first = hits[0].sentence.text if hits else None
        if item.expect is None:
            unanswerable += 1
            declined = not answer.answered
            declined_unanswerable += declined
            kind = item.kind if item.kind == "unanswerable" else f"{item.kind} unanswerable"
            kind_scores[kind].append(float(declined))
            if not declined:
                misses.append(Miss(item.question, None, item.kind, None, first))
            continue
        rank = _first_right(hits, (item.expect, *item.also), item.article_id)
        ranks.append(rank)
        declined_answerable += not answer.answered
        kind_scores[item.kind].append(float(rank == 1))
        if rank != 1:
            misses.append(Miss(item.question, item.expect, item.kind, rank, first))
    answerable = len(ranks)
    return Metrics(
        answerable=answerable,
        unanswerable=unanswerable,
        recall_at_1=_share(sum(r == 1 for r in ranks), answerable),
        recall_at_3=_share(sum(r is not None and r <= 3 for r in ranks), answerable),
        recall_at_k=_share(sum(r is not None for r in ranks), answerable),
        mrr=_share(sum(1 / r for r in ranks if r is not None), answerable),
        correct_abstention=declined_unanswerable / unanswerable if unanswerable else None,
        wrongly_abstained=_share(declined_answerable, answerable),
        query_ms_median=statistics.median(timings) if timings else 0.0,
        query_ms_p95=_percentile(timings, 0.95),
        by_kind={kind: sum(v) / len(v) for kind, v in sorted(kind_scores.items())},
        misses=tuple(misses),
    )


class Bm25Reference:
    """The plain baseline the FacQA README quotes: rank-bm25 `BM25Okapi` defaults,
    lower-cased `\\w+` tokens, no stemming or stop words, naive sentence split,
    never abstains."""

    _SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
    _TOKEN = re.compile(r"\w+")

    def __init__(self, articles: Sequence[Article]) -> None:
        self._sentences: list[Sentence] = []
        self._articles: dict[str, Article] = {a.id: a for a in articles}
        for article in articles:
            parts = [p for p in self._SENTENCE_END.split(article.text.strip()) if p.strip()]
            for position, text in enumerate(parts):
                self._sentences.append(Sentence(len(self._sentences), article.id, position, text.strip()))
        self._bm25 = BM25Okapi([self._tokens(s.text) for s in self._sentences])

    @property
    def sentence_count(self) -> int:
        return len(self._sentences)

    def _tokens(self, text: str) -> list[str]:
        return self._TOKEN.findall(text.lower())

    def search(self, query: str, *, k: int = 3) -> Answer:
        scores = self._bm25.get_scores(self._tokens(query))
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
        hits = tuple(
            Hit(self._sentences[i], self._articles[self._sentences[i].article_id], float(scores[i])) for i in order
        )
        return Answer(query, hits)


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    system: str
    build_seconds: float
    sentences: int
    metrics: Metrics


def run(
    *,
    corpus: Path = BUNDLED_CORPUS,
    eval_set: Path = SEED_EVAL,
    facqa_dir: Path | None = DEFAULT_FACQA,
    idkmrc_dir: Path | None = DEFAULT_IDKMRC,
    split: str = "valid",
    trees: bool = True,
    reader: bool = True,
    k: int = 10,
) -> list[Report]:
    from retrieval.corpus import load_corpus

    reports: list[Report] = []
    seed_articles = load_corpus(corpus).articles
    reports += _both("seed", seed_articles, load_eval_set(eval_set), k=k, trees=trees, reader=reader)
    if facqa_dir is not None:
        reports += _both(f"facqa-{split}", facqa_articles(facqa_dir), facqa_eval_set(facqa_dir, split), k=k, trees=trees, reader=reader)
    if idkmrc_dir is not None:
        reports += _both(f"idkmrc-{split}", *idkmrc_eval_set(idkmrc_dir, split), k=k, trees=trees, reader=reader)
    return reports


def _both(
    name: str, articles: Sequence[Article], questions: list[EvalQuestion], *, k: int, trees: bool = True, reader: bool = True
) -> list[Report]:
    from retrieval.ranking import Tuning
    from retrieval.search import Engine

    def kutip() -> tuple[Searcher, int]:
        engine = Engine.from_articles(articles, tuning=Tuning(trees=trees, reader=reader))
        return engine, engine.sentence_count

    def reference() -> tuple[Searcher, int]:
        engine = Bm25Reference(articles)
        return engine, engine.sentence_count

    return [_measure(name, "kutip", kutip, questions, k=k), _measure(name, "rank-bm25", reference, questions, k=k)]


def _measure(
    name: str, system: str, build: Callable[[], tuple[Searcher, int]], questions: list[EvalQuestion], *, k: int
) -> Report:
    started = time.perf_counter()
    engine, sentences = build()
    build_seconds = time.perf_counter() - started
    return Report(name, system, build_seconds, sentences, evaluate(engine, questions, k=k))


def format_table(reports: Sequence[Report]) -> str:
    columns = [f"{r.name}/{r.system}" for r in reports]
    width = max(12, *(len(c) for c in columns))
    rows: list[tuple[str, list[str]]] = [
        ("questions (ans/unans)", [f"{r.metrics.answerable}/{r.metrics.unanswerable}" for r in reports]),
        ("sentences", [str(r.sentences) for r in reports]),
        ("Recall@1", [f"{r.metrics.recall_at_1:.3f}" for r in reports]),
        ("Recall@3", [f"{r.metrics.recall_at_3:.3f}" for r in reports]),
        ("Recall@10", [f"{r.metrics.recall_at_k:.3f}" for r in reports]),
        ("MRR@10", [f"{r.metrics.mrr:.3f}" for r in reports]),
        ("correct abstention", [_maybe(r.metrics.correct_abstention) for r in reports]),
        ("wrongly abstained", [f"{r.metrics.wrongly_abstained:.3f}" for r in reports]),
        ("index build (s)", [f"{r.build_seconds:.2f}" for r in reports]),
        ("query ms median", [f"{r.metrics.query_ms_median:.2f}" for r in reports]),
        ("query ms p95", [f"{r.metrics.query_ms_p95:.2f}" for r in reports]),
    ]
    kinds = sorted({kind for r in reports for kind in r.metrics.by_kind})
    for kind in kinds:
        label = f"  {kind} ({'abstained' if kind.endswith('unanswerable') else 'R@1'})"
        rows.append((label, [_maybe(r.metrics.by_kind.get(kind)) for r in reports]))
    label_width = max(len(label) for label, _ in rows)
    lines = [" " * label_width + "  " + "  ".join(c.rjust(width) for c in columns)]
    lines += [label.ljust(label_width) + "  " + "  ".join(v.rjust(width) for v in values) for label, values in rows]
    return "\n".join(lines)


def format_misses(reports: Sequence[Report]) -> str:
    lines: list[str] = []
    for report in reports:
        if report.system != "kutip":
            continue
        lines.append(f"\n## misses at rank 1: {report.name} ({len(report.metrics.misses)})")
        for miss in report.metrics.misses:
            got = "(abstained)" if miss.first is None else miss.first
            where = "not in top 10" if miss.rank is None else f"rank {miss.rank}"
            lines.append(f"- [{miss.kind}] {miss.question}\n    expected: {miss.expect!r} ({where})\n    first: {got}")
    return "\n".join(lines)


def as_json(reports: Sequence[Report]) -> dict[str, object]:
    out: dict[str, dict[str, object]] = {}
    for report in reports:
        figures = {key: _rounded(value) for key, value in asdict(report.metrics).items() if key != "misses"}
        figures["build_seconds"] = round(report.build_seconds, 4)
        figures["sentences"] = report.sentences
        out.setdefault(report.name, {})[report.system] = figures
    return dict(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--split", choices=SPLITS, default="valid", help="FacQA split to ask (default: valid)")
    parser.add_argument("--verbose", action="store_true", help="list every question the engine missed at rank 1")
    parser.add_argument("--corpus", type=Path, default=BUNDLED_CORPUS)
    parser.add_argument("--eval-set", type=Path, default=SEED_EVAL)
    parser.add_argument("--facqa", type=Path, default=DEFAULT_FACQA, help="FacQA folder (env FACQA_DIR)")
    parser.add_argument("--no-facqa", action="store_true", help="leave FacQA out")
    parser.add_argument("--idkmrc", type=Path, default=DEFAULT_IDKMRC, help="IDK-MRC folder (env IDKMRC_DIR)")
    parser.add_argument("--no-idkmrc", action="store_true", help="leave IDK-MRC out")
    parser.add_argument("--no-trees", action="store_true", help="rank without the ranking trees (Tuning.trees off)")
    parser.add_argument("--no-reader", action="store_true", help="abstain without the reader (Tuning.reader off)")
    args = parser.parse_args(argv)

    facqa_dir: Path | None = None if args.no_facqa else args.facqa
    if facqa_dir is not None and not (facqa_dir / f"{args.split}_preprocess.csv").is_file():
        print(f"FacQA not found in {facqa_dir}; skipping it (set FACQA_DIR or --facqa)", file=sys.stderr)
        facqa_dir = None
    idkmrc_dir: Path | None = None if args.no_idkmrc else args.idkmrc
    if idkmrc_dir is not None and not (idkmrc_dir / f"{args.split}.json").is_file():
        print(f"IDK-MRC not found in {idkmrc_dir}; skipping it (set IDKMRC_DIR or --idkmrc)", file=sys.stderr)
        idkmrc_dir = None
    reports = run(
        corpus=args.corpus, eval_set=args.eval_set, facqa_dir=facqa_dir, idkmrc_dir=idkmrc_dir, split=args.split,
        trees=not args.no_trees, reader=not args.no_reader,
    )
    if args.json:
        print(json.dumps(as_json(reports), ensure_ascii=False))
    else:
        print(format_table(reports))
    if args.verbose:
        print(format_misses(reports), file=sys.stderr if args.json else sys.stdout)
    return 0


def _first_right(hits: Sequence[Hit], expected: Sequence[str], article_id: str | None = None) -> int | None:
    wanted = [normalise(expect) for expect in expected]
    for rank, hit in enumerate(hits, start=1):
        if article_id is not None and hit.article.id != article_id:
            continue
        text = normalise(hit.sentence.text)
        if any(w in text for w in wanted):
            return rank
    return None


def _share(count: float, total: int) -> float:
    return count / total if total else 0.0


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(v) for key, v in value.items()}
    return value


def _maybe(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    raise SystemExit(main())
