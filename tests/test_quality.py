"""Quality floors, a little below what `python -m benchmarks.quality` measures
(README has the latest figures), so a regression fails CI."""

from __future__ import annotations

import pytest

from benchmarks.facqa import facqa_articles
from benchmarks.quality import BUNDLED_CORPUS, DEFAULT_FACQA, evaluate, facqa_eval_set, load_eval_set
from retrieval.corpus import load_corpus
from retrieval.search import Engine


def test_seed_evaluation_set_floors() -> None:
    engine = Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)
    metrics = evaluate(engine, load_eval_set(), k=10)
    assert metrics.answerable >= 60 and metrics.unanswerable >= 10
    assert metrics.recall_at_1 >= 0.91  # measured 0.942
    assert metrics.recall_at_3 >= 0.96  # measured 0.990
    assert metrics.correct_abstention is not None and metrics.correct_abstention >= 0.90  # measured 0.95
    assert metrics.wrongly_abstained <= 0.02  # measured 0.000


@pytest.mark.skipif(not DEFAULT_FACQA.is_dir(), reason="FacQA lives in ../shared/datasets/facqa")
def test_facqa_valid_floors() -> None:
    engine = Engine.from_articles(facqa_articles(DEFAULT_FACQA))
    metrics = evaluate(engine, facqa_eval_set(DEFAULT_FACQA, "valid"), k=10)
    assert metrics.recall_at_1 >= 0.75  # measured 0.778; plain rank-bm25 0.685
    assert metrics.recall_at_3 >= 0.89  # measured 0.913; plain rank-bm25 0.855
