"""`python -m bot ask`: answer questions in the terminal, as text or JSON."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from retrieval.records import Answer, Hit
from retrieval.search import Engine


def answer_json(answer: Answer) -> dict[str, object]:
    """The one JSON shape that `ask --json`, `--jsonl` and the benchmarks read."""
    return {
        "query": answer.query,
        "answered": answer.answered,
        "results": [_hit_json(hit) for hit in answer.hits],
        # When the engine declined because nothing in the corpus is about a thing the
        # question names: those names, and the closest sentences (not answers).
        "missing": list(answer.missing),
        "closest": [_hit_json(hit) for hit in answer.closest],
        # When it declined because no article quotes the person whose words are asked for.
        "unquoted": answer.unquoted or None,
    }


def _hit_json(hit: Hit) -> dict[str, object]:
    return {
        "text": hit.sentence.text,
        "article_id": hit.article.id,
        "title": hit.article.title,
        "source": hit.article.source,
        "date": hit.article.date.isoformat() if hit.article.date else None,
        "url": hit.article.url,
        "score": hit.score,
        # The question's words that neither the sentence nor its neighbours hold.
        "missing_words": list(hit.missing_words),
    }


def ask(
    engine: Engine,
    question: str | None,
    *,
    k: int = 3,
    output: str = "text",
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    if output == "jsonl":
        # One object per input line, in order, even for blank lines, so callers can zip.
        for line in stdin:
            query = line.rstrip("\r\n")
            stdout.write(json.dumps(answer_json(engine.search(query, k=k)), ensure_ascii=False) + "\n")
            stdout.flush()
        return 0
    if question is None:
        print("kutip: give a question, e.g. python -m bot ask \"Siapa yang diundang Rusia ke Moskow?\"", file=sys.stderr)
        return 2
    answer = engine.search(question, k=k)
    if output == "json":
        stdout.write(json.dumps(answer_json(answer), ensure_ascii=False) + "\n")
    else:
        from bot.render import answer_text

        stdout.write(answer_text(answer) + "\n")
    return 0
