"""Open an answer engine over a corpus path: load, validate, index, persist.

Without `index_dir` the engine is built in memory. With it, the first start
builds and saves a `retrieval.index` directory (`index_dir/bm25`) and later
starts reuse it:

- loaded: the saved index was built for exactly these corpus bytes and text
  settings; the corpus is parsed (articles are served from memory) but no
  sentence is split or analysed again: sentence spans (article number, start,
  end offsets into `Article.text`) are stored beside the index.
- appended: a JSONL corpus that only grew by whole appended lines (its first
  bytes are exactly the bytes the saved index was built from) has only its new
  articles split, analysed and added with `Bm25Index.extend`, then saved.
  A Markdown folder has no such cheap test of "only additions", so any change
  there rebuilds from scratch.
- built: anything else (first start, changed or removed articles, other
  language data, another format version, or a corrupt/truncated index, which
  is logged and never trusted) rebuilds from scratch and saves.

The fingerprint handed to the index covers this store's format, the index
format, the analyzer's fingerprint and the corpus: length and SHA-256 of the
JSONL file, or of every `.md` file's relative path and bytes in a folder.
`index_dir/corpus.json` only remembers which prefix (length, digest) the saved
index was built from, so an append can be recognised; it is a hint, never
trusted: the index itself is opened with the fingerprint recomputed from the
current file's bytes.

Sentences are served by `SentenceTable`, a lazy sequence that slices them out
of the articles' text on demand (12 bytes per sentence instead of a Python
object and a second copy of the text).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, overload

import numpy as np

from retrieval.corpus import Problem, iter_corpus
from retrieval.acronyms import ArticleAcronyms
from retrieval.index import FORMAT_VERSION, Bm25Index, LoadedIndex, IndexCorrupt, IndexMissing, IndexStale, IndexUnusable
from retrieval.records import Article, Sentence
from retrieval.search import Engine, _analysed, default_analyzer
from retrieval.text import Analyzer

__all__ = [
    "STORE_VERSION",
    "Opened",
    "SentenceTable",
    "corpus_digest",
    "load_engine",
    "open_engine",
    "reload_engine",
]

log = logging.getLogger(__name__)

# Bump when what is stored beside the index, or how articles are cut into
# sentences and spans, changes meaning: old indexes are then rebuilt.
STORE_VERSION = 2  # 2: sentences carry their article's acronym definitions
_INDEX_SUBDIR = "bm25"
_HINT = "corpus.json"
_CHUNK = 1 << 20

Build = Literal["memory", "built", "loaded", "appended"]


@dataclass(frozen=True, slots=True)
class Opened:
    engine: Engine
    problems: tuple[Problem, ...]
    # How the index came to be, and why (for logs, the CLI and tests).
    build: Build
    reason: str
    # Seconds per stage: digest, load_index, parse, build (parse+split+analyse+index
    # in one streaming pass), append (split+analyse+extend), save.
    timings: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CorpusDigest:
    kind: Literal["jsonl", "markdown"]
    size: int
    sha256: str
    # For a JSONL file and a remembered prefix length: the digest of that prefix
    # and whether it ends a line (an append must start on a fresh line).
    prefix_sha256: str | None = None
    prefix_ends_line: bool = False


def load_engine(
    corpus_path: Path,
    *,
    language_data_path: Path | None = None,
    index_dir: Path | None = None,
) -> tuple[Engine, tuple[Problem, ...]]:
    """Build (or reopen) the engine for `corpus_path`; problems are the articles skipped.

    Raises `retrieval.corpus.CorpusError` when nothing at all can be loaded.
    """
    opened = open_engine(corpus_path, language_data_path=language_data_path, index_dir=index_dir)
    return opened.engine, opened.problems


def reload_engine(
    current: Engine,
    corpus_path: Path,
    *,
    language_data_path: Path | None = None,
    index_dir: Path | None = None,
) -> tuple[Engine, tuple[Problem, ...]]:
    """A new engine for the corpus as it is now; `current` is left untouched.

    Meant to run in a worker thread while `current` keeps answering: nothing
    here mutates `current` (indexes are immutable, `extend` returns a new one,
    and the saved index is replaced by an atomic rename, while `current` holds
    its arrays in memory). With `index_dir`, an appended JSONL corpus only
    indexes its new lines. Raises `CorpusError` if the corpus became unusable;
    the caller then keeps `current`.
    """
    opened = open_engine(corpus_path, language_data_path=language_data_path, index_dir=index_dir)
    log.info(
        "reloaded corpus %s: %s (%s), %d articles, %d sentences (was %d articles)",
        corpus_path,
        opened.build,
        opened.reason,
        len(opened.engine.articles),
        opened.engine.sentence_count,
        len(current.articles),
    )
    return opened.engine, opened.problems


def open_engine(
    corpus_path: Path,
    *,
    language_data_path: Path | None = None,
    index_dir: Path | None = None,
) -> Opened:
    """`load_engine` with the build kind ("memory", "built", "loaded", "appended") and reason."""
    corpus_path = Path(corpus_path)
    analyzer = Analyzer.from_directory(language_data_path) if language_data_path else default_analyzer()
    timings: dict[str, float] = {}
    timed = _Timer(timings)
    if index_dir is None:
        with timed("build"):
            articles, problems, table, index = _build(iter_corpus(corpus_path), analyzer)
        with timed("digest"):
            digest = corpus_digest(corpus_path)
        engine = _engine(articles, table, index, analyzer, _fingerprint(digest, analyzer))
        return Opened(engine, problems, "memory", "no index_dir: built in memory", timings)

    index_dir = Path(index_dir)
    bm25_dir = index_dir / _INDEX_SUBDIR
    hint = _read_hint(index_dir)
    with timed("digest"):
        digest = corpus_digest(corpus_path, prefix=hint)
    fingerprint = _fingerprint(digest, analyzer)

    reason = "no saved index"
    try:
        with timed("load_index"):
            loaded = Bm25Index.load(bm25_dir, fingerprint=fingerprint)
        with timed("parse"):
            articles, problems = _parse(corpus_path)
        table = _table_from_saved(articles, loaded)
        engine = _engine(articles, table, loaded.index, analyzer, fingerprint)
        log.info("index at %s reused (%d sentences)", bm25_dir, len(table))
        return Opened(engine, problems, "loaded", "saved index matches corpus and settings", timings)
    except IndexMissing:
        reason = "no saved index (first start)"
    except IndexCorrupt as exc:
        log.warning("index at %s is corrupt, rebuilding it: %s", bm25_dir, exc)
        reason = f"corrupt index: {exc}"
    except IndexUnusable as exc:
        reason = f"stale index: {exc}"

    if _may_append(digest, hint):
        assert hint is not None
        old_fingerprint = _fingerprint(CorpusDigest("jsonl", hint[0], hint[1]), analyzer)
        try:
            with timed("load_index"):
                loaded = Bm25Index.load(bm25_dir, fingerprint=old_fingerprint)
            with timed("parse"):
                articles, problems = _parse(corpus_path)
            old_table = _table_from_saved(articles, loaded, allow_more_articles=True)
            with timed("append"):
                table, index = _append(articles, old_table, loaded.index, analyzer)
            added = len(articles) - old_table.article_count
            with timed("save"):
                _save(index_dir, index, table, articles, digest, fingerprint)
            engine = _engine(articles, table, index, analyzer, fingerprint)
            log.info("index at %s extended by %d appended articles", bm25_dir, added)
            return Opened(
                engine, problems, "appended", f"{added} articles appended to the JSONL corpus", timings
            )
        except IndexCorrupt as exc:
            log.warning("index at %s is corrupt, rebuilding it: %s", bm25_dir, exc)
            reason = f"corrupt index: {exc}"
        except IndexUnusable as exc:
            reason = f"cannot append: {exc}"

    with timed("build"):
        articles, problems, table, index = _build(iter_corpus(corpus_path), analyzer)
    with timed("save"):
        _save(index_dir, index, table, articles, digest, fingerprint)
    log.info("index at %s built and saved (%s)", bm25_dir, reason)
    return Opened(_engine(articles, table, index, analyzer, fingerprint), problems, "built", reason, timings)


class _Timer:
    def __init__(self, timings: dict[str, float]) -> None:
        self._timings = timings

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self._timings[stage] = self._timings.get(stage, 0.0) + time.perf_counter() - began


# --- sentences ------------------------------------------------------------------


class SentenceTable(Sequence[Sentence]):
    """The engine's sentences as spans of their articles' text, made on demand.

    `sid` i is `articles[article[i]].text[start[i]:end[i]]`; `position` is its
    place among its article's indexable sentences (sids of one article are
    consecutive, so it is `i - first sid of that article`).
    """

    __slots__ = ("_articles", "_article", "_start", "_end", "_first")

    def __init__(
        self, articles: Sequence[Article], article: np.ndarray, start: np.ndarray, end: np.ndarray
    ) -> None:
        self._articles = articles
        self._article = article
        self._start = start
        self._end = end
        # First sid of every article (== next article's when it has none).
        self._first = np.searchsorted(article, np.arange(len(articles) + 1), side="left")

    @property
    def article_count(self) -> int:
        return len(self._articles)

    def arrays(self) -> dict[str, np.ndarray]:
        return {"sent_article": self._article, "sent_start": self._start, "sent_end": self._end}

    def article_numbers(self) -> np.ndarray:
        """Article number (order in the corpus) of every sid, non-decreasing."""
        return self._article

    def first_sids(self) -> dict[str, int]:
        """First sid of every article that has sentences (what Engine indexes neighbours by)."""
        firsts = self._first.tolist()
        return {a.id: firsts[i] for i, a in enumerate(self._articles) if firsts[i] < firsts[i + 1]}

    def __len__(self) -> int:
        return int(self._article.shape[0])

    @overload
    def __getitem__(self, i: int) -> Sentence: ...
    @overload
    def __getitem__(self, i: slice) -> list[Sentence]: ...
    def __getitem__(self, i: int | slice) -> Sentence | list[Sentence]:
        if isinstance(i, slice):
            return [self._make(j) for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("sentence id out of range")
        return self._make(i)

    def __iter__(self) -> Iterator[Sentence]:
        articles, firsts = self._articles, self._first.tolist()
        for sid, (a, s, e) in enumerate(zip(self._article.tolist(), self._start.tolist(), self._end.tolist())):
            article = articles[a]
            yield Sentence(sid=sid, article_id=article.id, position=sid - firsts[a], text=article.text[s:e])

    def _make(self, sid: int) -> Sentence:
        a = int(self._article[sid])
        article = self._articles[a]
        return Sentence(
            sid=sid,
            article_id=article.id,
            position=sid - int(self._first[a]),
            text=article.text[int(self._start[sid]) : int(self._end[sid])],
        )


def _spans(text: str, analyzer: Analyzer) -> Iterator[tuple[int, int, str]]:
    """(start, end, sentence) of the indexable sentences, as `search.iter_sentences` numbers them."""
    cursor = 0
    for sentence in analyzer.split_sentences(text):
        at = text.find(sentence, cursor)
        if at < 0:
            # split_sentences promises substrings; if that ever breaks, spans
            # cannot describe the sentences and persisting them would be wrong.
            raise ValueError(f"split_sentences returned text not found in the article: {sentence[:60]!r}")
        cursor = at + len(sentence)
        if analyzer.is_boilerplate(sentence):
            continue
        yield at, cursor, sentence


class _Spans:
    """Growable int32 span columns."""

    def __init__(self) -> None:
        self.article, self.start, self.end = array("i"), array("i"), array("i")

    def docs(
        self, articles: Iterable[tuple[int, Article]], analyzer: Analyzer
    ) -> Iterator[tuple[list[str], list[tuple[str, tuple[str, ...]]]]]:
        for number, article in articles:
            acronyms = ArticleAcronyms.find(article.text, analyzer)
            for start, end, sentence in _spans(article.text, analyzer):
                self.article.append(number)
                self.start.append(start)
                self.end.append(end)
                yield _analysed(sentence, acronyms, analyzer)

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return tuple(np.frombuffer(c, dtype=np.int32).copy() for c in (self.article, self.start, self.end))  # type: ignore[return-value]


# --- build, load, append ------------------------------------------------------------


def _build(
    items: Iterable[Article | Problem], analyzer: Analyzer
) -> tuple[tuple[Article, ...], tuple[Problem, ...], SentenceTable, Bm25Index]:
    """One streaming pass: parse, split, analyse and index as articles arrive."""
    articles: list[Article] = []
    problems: list[Problem] = []

    def numbered() -> Iterator[tuple[int, Article]]:
        for item in items:
            if isinstance(item, Article):
                articles.append(item)
                yield len(articles) - 1, item
            else:
                problems.append(item)

    spans = _Spans()
    index = Bm25Index.build(spans.docs(numbered(), analyzer), positional=True)
    frozen = tuple(articles)
    return frozen, tuple(problems), SentenceTable(frozen, *spans.columns()), index


def _append(
    articles: tuple[Article, ...], old: SentenceTable, index: Bm25Index, analyzer: Analyzer
) -> tuple[SentenceTable, Bm25Index]:
    first_new = old.article_count
    spans = _Spans()
    extended = index.extend(
        spans.docs(((i, articles[i]) for i in range(first_new, len(articles))), analyzer), positional=True
    )
    new = spans.columns()
    columns = [np.concatenate([o, n]) for o, n in zip((old._article, old._start, old._end), new)]
    return SentenceTable(articles, *columns), extended


def _parse(corpus_path: Path) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    articles: list[Article] = []
    problems: list[Problem] = []
    for item in iter_corpus(corpus_path):
        (articles if isinstance(item, Article) else problems).append(item)
    return tuple(articles), tuple(problems)


def _table_from_saved(
    articles: tuple[Article, ...],
    loaded: LoadedIndex,
    *,
    allow_more_articles: bool = False,
) -> SentenceTable:
    """The saved spans, checked against the articles just parsed (IndexCorrupt if they disagree)."""
    meta, extra = loaded.meta, loaded.extra
    try:
        count = int(meta["articles"])  # type: ignore[call-overload]
        lengths = extra["article_len"]
        ids_sha = meta["article_ids_sha256"]
        article, start, end = (extra[n] for n in ("sent_article", "sent_start", "sent_end"))
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexCorrupt(f"stored sentence spans incomplete: {exc}") from exc
    if meta.get("store_version") != STORE_VERSION:
        raise IndexStale(f"store version {meta.get('store_version')!r}, expected {STORE_VERSION}")
    if count > len(articles) or (count != len(articles) and not allow_more_articles):
        raise IndexStale(f"index holds {count} articles, the corpus {len(articles)}")
    old = articles[:count]
    # The corpus bytes matched the fingerprint, so a mismatch here means the
    # parser changed how it reads them: the spans would point at wrong text.
    if _ids_sha256(old) != ids_sha or lengths.shape != (count,) or not np.array_equal(
        lengths, np.fromiter((len(a.text) for a in old), dtype=np.int64, count=count)
    ):
        raise IndexStale("articles parse differently from when the index was built")
    n = loaded.index.n_docs
    shapes_ok = all(c.shape == (n,) and c.dtype == np.int32 for c in (article, start, end))
    if not shapes_ok:
        raise IndexCorrupt("sentence span arrays do not match the index")
    if n:
        starts_ok = bool((start >= 0).all() and (end >= start).all())
        in_range = bool(article.min() >= 0 and article.max() < count and (np.diff(article) >= 0).all())
        if not (starts_ok and in_range and (end <= lengths[article]).all()):
            raise IndexCorrupt("sentence spans out of range")
    return SentenceTable(old, article, start, end)


def _save(
    index_dir: Path,
    index: Bm25Index,
    table: SentenceTable,
    articles: tuple[Article, ...],
    digest: CorpusDigest,
    fingerprint: str,
) -> None:
    extra = dict(table.arrays())
    extra["article_len"] = np.fromiter((len(a.text) for a in articles), dtype=np.int64, count=len(articles))
    meta = {
        "store_version": STORE_VERSION,
        "corpus_kind": digest.kind,
        "corpus_bytes": digest.size,
        "corpus_sha256": digest.sha256,
        "articles": len(articles),
        "article_ids_sha256": _ids_sha256(articles),
    }
    try:
        index.save(index_dir / _INDEX_SUBDIR, fingerprint=fingerprint, extra=extra, meta=meta)
    except OSError as exc:
        # A read-only or full disk must not stop the bot: it answers from memory.
        log.warning("could not save the index to %s (%s); it will be rebuilt next start", index_dir, exc)
        return
    _write_hint(index_dir, digest)


def _engine(
    articles: tuple[Article, ...], table: SentenceTable, index: Bm25Index, analyzer: Analyzer, fingerprint: str
) -> Engine:
    return Engine(articles=articles, sentences=table, index=index, analyzer=analyzer, fingerprint=fingerprint[:10])


# --- fingerprints -------------------------------------------------------------------


def corpus_digest(path: Path, *, prefix: tuple[int, str] | None = None) -> CorpusDigest:
    """Length and SHA-256 of a JSONL file, or of a Markdown folder's `.md` files (streamed).

    With `prefix=(length, _)` on a JSONL file, also the digest of its first
    `length` bytes, computed in the same pass.
    """
    path = Path(path)
    if path.is_dir():
        digest = hashlib.sha256(b"kutip-markdown\0")
        size = 0
        for file in _markdown_files(path):
            relative = file.relative_to(path).as_posix().encode("utf-8")
            with file.open("rb") as handle:
                data = handle.read()
            digest.update(len(relative).to_bytes(8, "little") + relative + len(data).to_bytes(8, "little"))
            digest.update(data)
            size += len(data)
        return CorpusDigest("markdown", size, digest.hexdigest())
    cut = prefix[0] if prefix is not None else -1
    digest = hashlib.sha256()
    prefix_sha: str | None = None
    ends_line = False
    size = 0
    with path.open("rb") as handle:
        while True:
            want = _CHUNK if not (size < cut) else min(_CHUNK, cut - size)
            chunk = handle.read(want)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
            if size == cut:
                prefix_sha = digest.copy().hexdigest()
                ends_line = chunk.endswith(b"\n")
    return CorpusDigest("jsonl", size, digest.hexdigest(), prefix_sha, ends_line)


def _markdown_files(root: Path) -> list[Path]:
    # Every .md file outside hidden folders: a superset of what corpus.py reads
    # (it also skips `lang/`), so nothing it reads can change unnoticed.
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found.extend(Path(folder, f) for f in files if f.endswith(".md") and not f.startswith("."))
    return sorted(found)


def _fingerprint(digest: CorpusDigest, analyzer: Analyzer) -> str:
    material = json.dumps(
        {
            "store": STORE_VERSION,
            "index": FORMAT_VERSION,
            "analyzer": analyzer.fingerprint,
            "corpus": [digest.kind, digest.size, digest.sha256],
        },
        sort_keys=True,
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _ids_sha256(articles: Sequence[Article]) -> str:
    digest = hashlib.sha256()
    for article in articles:
        digest.update(article.id.encode("utf-8") + b"\0")
    return digest.hexdigest()


def _may_append(digest: CorpusDigest, hint: tuple[int, str] | None) -> bool:
    return (
        digest.kind == "jsonl"
        and hint is not None
        and 0 < hint[0] < digest.size
        and digest.prefix_sha256 == hint[1]
        and digest.prefix_ends_line
    )


def _read_hint(index_dir: Path) -> tuple[int, str] | None:
    try:
        data = json.loads((index_dir / _HINT).read_text(encoding="utf-8"))
        size, sha = data["corpus_bytes"], data["corpus_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0 and isinstance(sha, str):
        return size, sha
    return None


def _write_hint(index_dir: Path, digest: CorpusDigest) -> None:
    path = index_dir / _HINT
    tmp = path.with_name(f".{_HINT}.{os.getpid()}.tmp")
    try:
        tmp.write_text(
            json.dumps({"corpus_kind": digest.kind, "corpus_bytes": digest.size, "corpus_sha256": digest.sha256}),
            encoding="utf-8",
        )
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("could not write %s (%s); appends will rebuild fully", path, exc)
