"""Open an answer engine over a corpus path: load, validate, index."""

from __future__ import annotations

from pathlib import Path

from retrieval.corpus import Problem, load_corpus
from retrieval.search import Engine
from retrieval.text import Analyzer


def load_engine(
    corpus_path: Path,
    *,
    language_data_path: Path | None = None,
    index_dir: Path | None = None,
) -> tuple[Engine, tuple[Problem, ...]]:
    """Build the engine for `corpus_path`; problems are the articles that were skipped.

    Raises `retrieval.corpus.CorpusError` when nothing at all can be loaded.
    """
    analyzer = Analyzer.from_directory(language_data_path) if language_data_path else None
    corpus = load_corpus(corpus_path)
    return Engine.from_articles(corpus.articles, analyzer=analyzer), corpus.problems
