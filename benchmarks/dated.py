"""Questions that name their story's year or month, as news readers ask them.

    python -m benchmarks.dated [--eval-set FILE ...]

Each answerable question of the seed-corpus sets that names no year is asked again
three ways: with its article's year (`... pada 2016?`), with its month and year
(`... pada Desember 2016?`) and with a year five later, which no article is dated in
(`... pada 2021?`, unanswerable). Kutip answers with its articles' dates
(`Tuning.article_dates`), without them, and plain rank-bm25 in the same run.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path

from benchmarks.quality import (
    BUNDLED_CORPUS,
    SEED_EVAL,
    Bm25Reference,
    EvalQuestion,
    Searcher,
    evaluate,
    load_eval_set,
)
from retrieval.dating import date_words, is_year
from retrieval.records import Article

_FORMS = ("year", "month and year", "a year no article has")


def dated_questions(questions: Sequence[EvalQuestion], articles: Sequence[Article]) -> dict[str, list[EvalQuestion]]:
    """The answerable `questions` that name no year, re-asked in each of `_FORMS`; the
    article is the question's own or, in the seed sets, the one holding its answer."""
    out: dict[str, list[EvalQuestion]] = {form: [] for form in _FORMS}
    for item in questions:
        if item.expect is None or any(map(is_year, re.findall(r"\w+", item.question))):
            continue
        # A question's own article when it names one; else the first that holds its answer.
        article = next(
            (a for a in articles if (a.id == item.article_id if item.article_id else item.expect in a.text)), None
        )
        if article is None or article.date is None:
            continue
        base = item.question.rstrip(" ?")
        month = date_words(article.date)[1].capitalize()
        out["year"].append(dataclasses.replace(item, question=f"{base} pada {article.date.year}?"))
        out["month and year"].append(dataclasses.replace(item, question=f"{base} pada {month} {article.date.year}?"))
        out["a year no article has"].append(
            EvalQuestion(f"{base} pada {article.date.year + 5}?", None, "unanswerable")
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    from retrieval.corpus import load_corpus
    from retrieval.search import Engine

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=BUNDLED_CORPUS)
    parser.add_argument("--eval-set", type=Path, action="append", help="default: the seed set and blind sets 1-5")
    args = parser.parse_args(argv)
    articles = load_corpus(args.corpus).articles
    years = {a.date.year for a in articles if a.date is not None}
    if later := {year + 5 for year in years} & years:
        raise SystemExit(f"an article is dated in a year the wrong-year questions name: {sorted(later)}")
    sets = args.eval_set or [SEED_EVAL, *(SEED_EVAL.with_name(f"seed_blind{i}.jsonl") for i in range(1, 6))]
    engine = Engine.from_articles(articles)
    systems: dict[str, Searcher] = {
        "kutip": engine,
        "kutip, no dates": engine.tuned(dataclasses.replace(engine.tuning, article_dates=False)),
        "rank-bm25": Bm25Reference(articles),
    }
    questions: dict[str, list[EvalQuestion]] = {form: [] for form in _FORMS}
    for path in sets:
        for form, asked in dated_questions(load_eval_set(path), articles).items():
            questions[form] += asked
    print(f"{len(sets)} sets, {len(questions['year'])} answerable questions naming no year, each asked three ways")
    print(f"{'':34}" + "".join(f"{name:>18}" for name in systems))
    for form in _FORMS[:2]:
        for label, read in (("R@1", lambda m: m.recall_at_1), ("answered", lambda m: 1 - m.wrongly_abstained)):
            figures = [read(evaluate(system, questions[form])) for system in systems.values()]
            print(f"{form + ': ' + label:34}" + "".join(f"{f:>18.3f}" for f in figures))
    form = _FORMS[2]
    figures = [evaluate(system, questions[form]).correct_abstention or 0.0 for system in systems.values()]
    print(f"{form + ': declined':34}" + "".join(f"{f:>18.3f}" for f in figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
