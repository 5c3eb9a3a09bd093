"""Every answer of the quality question sets, in full, one JSON line per question.

    python -m benchmarks.same_answers > before.jsonl
    ... change the engine's internals ...
    python -m benchmarks.same_answers > after.jsonl && cmp before.jsonl after.jsonl

A speed change must not change a single answer: this prints, for the seed set over
the bundled corpus and for FacQA train and valid over the pooled FacQA passages,
each hit's sentence id, exact score (repr), matched words and `also_in`, for
k=10 and for a second page (offset 3), so `cmp` says whether anything moved.
`--corpus X.jsonl --questions N` adds N FacQA questions over a large corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from benchmarks.facqa import SPLITS, facqa_articles, facqa_questions
from benchmarks.quality import BUNDLED_CORPUS, DEFAULT_FACQA, SEED_EVAL, load_eval_set
from retrieval.records import Answer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facqa", type=Path, default=DEFAULT_FACQA)
    parser.add_argument("--corpus", type=Path, default=None, help="also ask FacQA questions over this corpus")
    parser.add_argument("--questions", type=int, default=500)
    args = parser.parse_args(argv)
    from retrieval.corpus import load_corpus
    from retrieval.search import Engine

    out = sys.stdout
    engine = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
    _dump("seed", engine, [q.question for q in load_eval_set(SEED_EVAL)], out)
    engine = Engine.from_articles(facqa_articles(args.facqa))
    for split in SPLITS:
        _dump(f"facqa-{split}", engine, [q for q, _a in facqa_questions(args.facqa, split)], out)
    if args.corpus is not None:
        from retrieval.store import open_engine

        engine = open_engine(args.corpus).engine
        questions = [q for split in SPLITS for q, _a in facqa_questions(args.facqa, split)][: args.questions]
        _dump(args.corpus.name, engine, questions, out)
    return 0


def _dump(name: str, engine: object, questions: Iterable[str], out) -> None:  # type: ignore[no-untyped-def]
    for question in questions:
        first = engine.search(question, k=10)  # type: ignore[attr-defined]
        page = engine.search(question, k=4, offset=3)  # type: ignore[attr-defined]
        out.write(json.dumps({"set": name, "q": question, "k10": _hits(first), "page2": _hits(page)},
                             ensure_ascii=False) + "\n")


def _hits(answer: Answer) -> list[list[object]]:
    return [
        [hit.sentence.sid, repr(hit.score), list(hit.matched_words), [a.id for a in hit.also_in]]
        for hit in answer.hits
    ]


if __name__ == "__main__":
    sys.exit(main())
