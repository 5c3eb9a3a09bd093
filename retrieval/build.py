"""Index a stream of article versions: the one builder, numbering and fingerprint.

Every engine, whether built in memory (`Engine.from_articles`), opened from a
corpus file (`retrieval.store.open_engine`) or extended with new articles
while the bot runs (`retrieval.store.extend_engine`), is a `Built` made here.

- Numbering: every article version in the stream gets a slot (its place in the
  stream); its indexable sentences (`split_sentences`, boilerplate skipped)
  get consecutive sids in slot order. `extend` only appends slots, so every
  existing sentence keeps its sid.
- Versions: a later article with an id already in the stream replaces the
  earlier one (a JSONL corpus is an append log: an updated page is appended
  again under the same id). The earlier slot is *retired*: its sentences keep
  their sids and stay in the BM25 statistics (N, df, avgdl), exactly as a fresh
  build of the same stream has them, but the engine never quotes them.
- Fingerprint: SHA-256 over the stream, article after article (each one's
  fields length-prefixed), seeded with the store and index format versions and
  the analyzer's own fingerprint. `Built` keeps the running hash state, so
  appending articles hashes only them, and a fresh build of the same stream
  arrives at the same value; a saved index is valid for a corpus exactly when
  the hash over the corpus's first `versions` articles equals the saved one.
- Numbering identity (`numbering`): the fingerprint at the last full build;
  `extend` keeps it. Two engines with the same `numbering` agree on every sid
  both have (a sid from an older engine may only have been retired since).
"""

from __future__ import annotations

import collections
import contextlib
import gc
import hashlib
import itertools
import json
import logging
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, overload

import numpy as np

from retrieval.acronyms import ArticleAcronyms, CorpusAcronyms
from retrieval.assemble import Assembler
from retrieval.encoder import TermEncoder
from retrieval.index import Bm25Index
from retrieval.index_files import FORMAT_VERSION
from retrieval.progress import Progress
from retrieval.records import Article, Sentence
from retrieval.stemming import share_stems
from retrieval.text import Analyzer

__all__ = ["STORE_VERSION", "Built", "SentenceTable", "absorb", "absorb_all", "build_workers", "iter_sentences", "stream_hasher"]

log = logging.getLogger(__name__)

# Bump when how articles are cut into sentences, spans or fingerprinted changes
# meaning: saved indexes are then rebuilt.
STORE_VERSION = 3  # 3: fingerprint over article versions, retired versions

ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True, slots=True, eq=False)
class Built:
    """An indexed stream of article versions: what an `Engine` is made of."""

    analyzer: Analyzer
    # Every version in stream order; `versions[slot]`.
    versions: tuple[Article, ...]
    acronyms: tuple[ArticleAcronyms, ...]
    # Slots replaced by a later version of the same id.
    retired: frozenset[int]
    table: SentenceTable
    index: Bm25Index
    # Hex SHA-256 over `versions` (see the module doc), and its value at the last full build.
    fingerprint: str
    numbering: str
    # The running hash after `versions` (copied, never updated in place).
    hasher: Any = field(repr=False)

    @classmethod
    def build(
        cls,
        articles: Iterable[Article],
        analyzer: Analyzer,
        *,
        progress: ProgressCallback | None = None,
        total: int | None = None,
        workers: int | None = None,
    ) -> Built:
        """Analyse and index `articles` (read once, streamed); `total` only feeds `progress`.

        `workers` processes analyse chunks of articles (None: every usable core;
        a small stream stays in this process); the result is the same for any number.
        """
        run = _Run(analyzer, stream_hasher(analyzer), {}, progress, total, "building", build_workers(workers))
        assembler = Assembler()
        try:
            run.index(articles, assembler, first_slot=0)
            index = assembler.index()
        finally:
            run.release()
        run.finish()
        fingerprint = run.hasher.hexdigest()
        return cls(
            analyzer=analyzer,
            versions=tuple(run.versions),
            acronyms=tuple(run.acronyms),
            retired=frozenset(run.retired),
            table=SentenceTable(tuple(run.versions), *run.columns()),
            index=index,
            fingerprint=fingerprint,
            numbering=fingerprint,
            hasher=run.hasher,
        )

    def extend(
        self,
        articles: Iterable[Article],
        *,
        progress: ProgressCallback | None = None,
        workers: int | None = None,
    ) -> Built:
        """This stream with `articles` appended: new sids after all existing ones.

        Equal to `Built.build` over the whole stream (same sids, index and
        fingerprint), but only the new articles are analysed and hashed; the
        numbering identity is kept. `self` is left untouched.
        """
        articles = list(articles)
        if not articles:
            return self
        live = {i: slot for slot, i in enumerate(_ids(self.versions)) if slot not in self.retired}
        run = _Run(self.analyzer, self.hasher.copy(), live, progress, len(articles), "adding", build_workers(workers))
        assembler = Assembler(self.index)
        try:
            run.index(articles, assembler, first_slot=len(self.versions))
            index = assembler.index()
        finally:
            run.release()
        run.finish()
        versions = self.versions + tuple(run.versions)
        columns = [np.concatenate([old, new]) for old, new in zip(self.table.columns(), run.columns())]
        return Built(
            analyzer=self.analyzer,
            versions=versions,
            acronyms=self.acronyms + tuple(run.acronyms),
            retired=self.retired | run.retired,
            table=SentenceTable(versions, *columns),
            index=index,
            fingerprint=run.hasher.hexdigest(),
            numbering=self.numbering,
            hasher=run.hasher,
        )

    @property
    def live(self) -> tuple[Article, ...]:
        """The current version of every article, in slot order."""
        if not self.retired:
            return self.versions
        without = getattr(self.versions, "without", None)
        if without is not None:
            return without(self.retired)  # stored versions stay unread (retrieval.stored)
        return tuple(a for slot, a in enumerate(self.versions) if slot not in self.retired)

    def corpus_acronyms(self) -> CorpusAcronyms:
        return CorpusAcronyms(a for slot, a in enumerate(self.acronyms) if slot not in self.retired)

    def retired_sids(self) -> np.ndarray | None:
        """A bool per sid, True for sentences of retired versions; None when there are none."""
        if not self.retired:
            return None
        slots = np.zeros(len(self.versions), dtype=bool)
        slots[sorted(self.retired)] = True
        return slots[self.table.article_numbers()]


def retired_slots(versions: Sequence[Article]) -> frozenset[int]:
    """Slots whose article id appears again later in `versions`."""
    latest: dict[str, int] = {}
    retired: set[int] = set()
    for slot, article_id in enumerate(_ids(versions)):
        old = latest.get(article_id)
        if old is not None:
            retired.add(old)
        latest[article_id] = slot
    return frozenset(retired)


def _ids(versions: Sequence[Article]) -> Sequence[str]:
    """Every version's id; stored versions (retrieval.stored) know them without being read."""
    ids = getattr(versions, "ids", None)
    return ids if ids is not None else [a.id for a in versions]


# --- the fingerprint ---------------------------------------------------------------------


def stream_hasher(analyzer: Analyzer) -> Any:
    """A SHA-256 seeded with what else decides how a stream is indexed."""
    material = json.dumps(
        {"store": STORE_VERSION, "index": FORMAT_VERSION, "analyzer": analyzer.fingerprint}, sort_keys=True
    )
    return hashlib.sha256(material.encode("utf-8"))


def absorb(hasher: Any, article: Article) -> None:
    """Feed one article version to the stream's running hash."""
    absorb_all(hasher, (article,))


def absorb_all(hasher: Any, articles: Iterable[Article]) -> None:
    """Feed article versions to the stream's running hash, in order (one update: the same hash)."""
    parts: list[bytes] = []
    add = parts.append
    for article in articles:
        text = article.text.encode("utf-8", "surrogatepass")
        i, t, s, d, au, u = article.id, article.title, article.source, article.date, article.author, article.url
        # Length-prefixed fields: no text can make two different streams hash alike.
        head = (
            ("-" if i is None else f"{len(i)}:{i}")
            + ("-" if t is None else f"{len(t)}:{t}")
            + ("-" if s is None else f"{len(s)}:{s}")
            + ("-" if d is None else f"{len(iso := d.isoformat())}:{iso}")
            + ("1:1" if article.date_approximate else "1:0")
            + ("-" if au is None else f"{len(au)}:{au}")
            + ("-" if u is None else f"{len(u)}:{u}")
            + f"{len(text)}:"
        )
        add(head.encode("utf-8", "surrogatepass"))
        add(text)
    hasher.update(b"".join(parts))


# --- sentences ------------------------------------------------------------------------


def sentence_spans(text: str, analyzer: Analyzer) -> Iterator[tuple[int, int, str]]:
    """(start, end, sentence) of the indexable sentences of one article's text, in order."""
    spans, texts = _indexable(text, analyzer)
    for (start, end), sentence in zip(spans, texts):
        yield start, end, sentence


def _indexable(text: str, analyzer: Analyzer) -> tuple[list[tuple[int, int]], list[str]]:
    """The spans and texts of one article's indexable sentences, in order."""
    # The boilerplate test is made per article: most articles hold none of its
    # patterns' literals, and then no sentence needs checking.
    is_boilerplate = analyzer.boilerplate_test(text)
    spans = analyzer.sentence_offsets(text)
    texts = [text[at:cursor] for at, cursor in spans]
    dropped = list(map(is_boilerplate, texts))
    if any(dropped):
        spans = [span for span, drop in zip(spans, dropped) if not drop]
        texts = [sentence for sentence, drop in zip(texts, dropped) if not drop]
    return spans, texts


def iter_sentences(articles: Iterable[Article], analyzer: Analyzer) -> Iterator[Sentence]:
    """The sentences of `articles` with the sids an engine built from them gives."""
    sid = 0
    for article in articles:
        for position, (_start, _end, text) in enumerate(sentence_spans(article.text, analyzer)):
            yield Sentence(sid=sid, article_id=article.id, position=position, text=text)
            sid += 1


class SentenceTable(Sequence[Sentence]):
    """The engine's sentences as spans of their articles' text, made on demand.

    `sid` i is `articles[article[i]].text[start[i]:end[i]]`; `position` is its
    place among its article's indexable sentences (sids of one article are
    consecutive, so it is `i - first sid of that article`). 12 bytes a
    sentence instead of a Python object and a second copy of the text.
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

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self._article, self._start, self._end

    def arrays(self) -> dict[str, np.ndarray]:
        return {"sent_article": self._article, "sent_start": self._start, "sent_end": self._end}

    def texts(self, sids: Sequence[int]) -> list[str]:
        """The text of each sentence of `sids`, without making `Sentence` records (ranking reads many)."""
        ids = np.asarray(sids, dtype=np.int64)
        articles = self._articles
        spans = zip(self._article[ids].tolist(), self._start[ids].tolist(), self._end[ids].tolist())
        span_texts = getattr(articles, "span_texts", None)  # stored articles (retrieval.stored)
        if span_texts is not None:
            return span_texts(spans)
        return [articles[a].text[s:e] for a, s, e in spans]

    def article_ids(self) -> Sequence[str]:
        """Id of the article version at every slot (`article_numbers` index it)."""
        return _ids(self._articles)

    def article_numbers(self) -> np.ndarray:
        """Slot (place in the stream) of every sid's article, non-decreasing."""
        return self._article

    def first_sids(self) -> dict[str, int]:
        """First sid of every article id that has sentences; for a replaced id, its latest version's."""
        firsts = self._first.tolist()
        return {a: firsts[i] for i, a in enumerate(_ids(self._articles)) if firsts[i] < firsts[i + 1]}

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


# --- one pass over new articles -----------------------------------------------------------

# Article text per unit of work (about 3,000 sentences): small enough for
# steady progress reports and for spreading work over processes evenly.
_CHUNK_CHARS = 400_000
# Below this much text one process does all the work: starting worker
# processes (each loads the stemmer's dictionary) costs about a second.
_POOL_MIN_CHARS = 4 * _CHUNK_CHARS
# Chunks handed to the pool ahead of the one being merged, per worker.
_AHEAD = 2


def build_workers(setting: int | None = None) -> int:
    """Worker processes for a build: `setting` (BUILD_WORKERS), 0 or None meaning every usable core."""
    if setting:
        return max(1, setting)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class _Chunk:
    """What analysing a run of consecutive articles yields: compact arrays, no per-sentence objects.

    Term ids are those of the analysing process's encoder (`source` names it),
    which numbers terms as it first meets them in whatever chunks it analysed;
    `terms` lists only the names it gained since its previous chunk. The parent
    (`Assembler.add`) maps them to the index's ids, given in stream order of
    first occurrence, with one array gather per chunk instead of a name lookup
    per term, and the names of a chunk's terms need not travel back every time.
    """

    source: tuple[int, int]
    terms: list[str]
    tokens: np.ndarray  # int32, every sentence's BM25 terms, concatenated
    doc_len: np.ndarray  # int32 per sentence
    word_count: np.ndarray  # int32 per sentence: its surface words
    word_len: np.ndarray  # int32 per word: its terms
    word_term: np.ndarray  # int32: those terms
    start: np.ndarray  # int32 per sentence: span in its article's text
    end: np.ndarray
    sentences: np.ndarray  # int32 per article: how many of the sentences are its
    # (article's place in the chunk, its acronyms) for the few articles that define
    # any: a record per article would cost a pickle round trip each (`acronyms`).
    defined: tuple[tuple[int, ArticleAcronyms], ...]
    # From a worker process: the (word, stem) pairs it learned since its last chunk,
    # for the parent's analyzer (and so the saved stems): `Analyzer.stems_after`.
    stems: list[tuple[str, str]] = field(default_factory=list)

    def acronyms(self) -> list[ArticleAcronyms]:
        """Per article of the chunk, its acronyms (one shared empty record for most)."""
        found = [_NO_ACRONYMS] * int(self.sentences.shape[0])
        for at, acronyms in self.defined:
            found[at] = acronyms
        return found


_NO_ACRONYMS = ArticleAcronyms()


class _Source:
    """A term encoder and how many of its term names its chunks have carried (`_Chunk.terms`)."""

    __slots__ = ("encoder", "ident", "sent")
    _made = itertools.count()

    def __init__(self, analyzer: Analyzer) -> None:
        self.encoder = TermEncoder(analyzer)
        # Unique within a build: this process and which of its encoders.
        self.ident = (os.getpid(), next(self._made))
        self.sent = 0


def _analyse_chunk(source: _Source, articles: Sequence[Article]) -> _Chunk:
    encoder = source.encoder
    analyzer = encoder.analyzer
    encoder.clear()
    start, end, counts = array("i"), array("i"), array("i")
    found: list[tuple[int, ArticleAcronyms]] = []
    sentences: list[str] = []
    extras: list[list[str] | tuple[()]] = []
    for article in articles:
        text = article.text
        # Found once per article: the index side extends its sentences'
        # terms, and the engine's corpus table reuses the same record.
        acronyms = ArticleAcronyms.find(text, analyzer)
        if acronyms.pairs:
            found.append((len(counts), acronyms))
        spans, texts = _indexable(text, analyzer)
        if spans:
            starts, ends = zip(*spans)
            start.extend(starts)
            end.extend(ends)
        sentences += texts
        # The article's acronym terms (`extend` only appends to the terms).
        if acronyms.pairs:
            extras += [acronyms.extend(sentence, []) for sentence in texts]
        else:
            extras += itertools.repeat((), len(texts))
        counts.append(len(texts))
    # BM25 terms and the terms by word position, which ranking reads instead of analysing again.
    encoder.add_many(sentences, extras)
    names = encoder.terms
    new = names[source.sent :]
    source.sent = len(names)
    return _Chunk(
        source=source.ident,
        terms=new,
        tokens=np.frombuffer(encoder.doc, dtype=np.int32).copy(),
        doc_len=np.frombuffer(encoder.doc_len, dtype=np.int32).copy(),
        word_count=np.frombuffer(encoder.word_count, dtype=np.int32).copy(),
        word_len=np.frombuffer(encoder.word_len, dtype=np.int32).copy(),
        word_term=np.frombuffer(encoder.word_term, dtype=np.int32).copy(),
        start=np.frombuffer(start, dtype=np.int32).copy(),
        end=np.frombuffer(end, dtype=np.int32).copy(),
        sentences=np.frombuffer(counts, dtype=np.int32).copy(),
        defined=tuple(found),
    )


def _chunks(articles: Iterable[Article]) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    size = 0
    for article in articles:
        chunk.append(article)
        size += len(article.text)
        if size >= _CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _analysed(
    articles: Iterable[Article], analyzer: Analyzer, workers: int, *, after: list[Callable[[], None]] | None = None
) -> Iterator[tuple[list[Article], _Chunk]]:
    """(chunk of articles, its analysis) in stream order, from `workers` processes when worth it.

    `after`: once every chunk is in, the worker processes are let go in the
    background and what waits for them to be gone is appended here, for the
    caller to run when its own work is done; without it they are waited for.
    """
    chunks = _chunks(articles)
    head: list[list[Article]] = []
    if workers > 1:
        # Only a stream with enough text is worth the pool's start-up.
        size = 0
        for chunk in chunks:
            head.append(chunk)
            size += sum(len(a.text) for a in chunk)
            if size >= _POOL_MIN_CHARS:
                break
        else:
            workers = 1
    stream = itertools.chain(head, chunks)
    pool = None
    inherited = False
    with contextlib.ExitStack() as stack:
        if workers > 1:
            try:
                # Workers pass the words they stemmed to each other (`stemming.StemShare`).
                share = stack.enter_context(tempfile.TemporaryDirectory(prefix="kutip-stems-"))
            except OSError:
                share = None
            context = _context()
            # Forked workers find a sequence of articles in their copy of this module and are
            # sent where each chunk starts and ends in it instead of the articles themselves.
            inherited = isinstance(articles, (list, tuple)) and context.get_start_method() == "fork"
            if inherited:
                stack.callback(_set_inherited, None)
                _set_inherited(articles)  # type: ignore[arg-type]
            try:
                pool = ProcessPoolExecutor(
                    workers, mp_context=context, initializer=_start_worker, initargs=(analyzer, share)
                )
            except (ImportError, NotImplementedError, OSError) as exc:  # no working semaphores (some sandboxes)
                log.warning("building in one process: worker processes are unavailable here (%s)", exc)
        yield from _pooled(stream, analyzer, workers, pool, by_range=inherited and pool is not None, after=after)


def _pooled(
    stream: Iterable[list[Article]],
    analyzer: Analyzer,
    workers: int,
    pool: ProcessPoolExecutor | None,
    *,
    by_range: bool = False,
    after: list[Callable[[], None]] | None = None,
) -> Iterator[tuple[list[Article], _Chunk]]:
    """`by_range`: the chunks are consecutive slices of the inherited sequence, from its start."""
    if pool is None:
        source = _Source(analyzer)
        for chunk in stream:
            yield chunk, _analyse_chunk(source, chunk)
        return
    pending: collections.deque[tuple[list[Article], Future[_Chunk] | None]] = collections.deque()
    # Set once a worker has died: from then on chunks are analysed in this process.
    own: _Source | None = None
    offset = 0
    try:
        for chunk in stream:
            future = None
            if own is None:
                try:
                    if by_range:
                        future = pool.submit(_worker_range, offset, offset + len(chunk))
                    else:
                        future = pool.submit(_worker_chunk, chunk)
                except BrokenProcessPool as exc:
                    own = _fallback(analyzer, pool, exc)
            offset += len(chunk)
            pending.append((chunk, future))
            if own is None and len(pending) < workers * _AHEAD:
                continue
            done, future = pending.popleft()
            own, result = _result(done, future, own, analyzer, pool)
            yield done, result
        while pending:
            done, future = pending.popleft()
            own, result = _result(done, future, own, analyzer, pool)
            yield done, result
    finally:
        for _chunk, future in pending:
            if future is not None:
                future.cancel()
        if pending or after is None:
            pool.shutdown(wait=True, cancel_futures=True)
        else:
            # Every chunk is in: the workers exit (their address spaces torn down, a
            # fraction of a second at a million sentences) while the caller assembles.
            closing = threading.Thread(target=pool.shutdown, name="kutip-build-pool-close", daemon=True)
            closing.start()
            after.append(closing.join)


def _result(
    chunk: list[Article],
    future: Future[_Chunk] | None,
    own: _Source | None,
    analyzer: Analyzer,
    pool: ProcessPoolExecutor,
) -> tuple[_Source | None, _Chunk]:
    """A chunk's analysis from its worker; in this process from the first chunk whose
    worker died (killed, out of memory) on, so the build still completes."""
    if own is None and future is not None:
        try:
            result = future.result()
        except BrokenProcessPool as exc:
            own = _fallback(analyzer, pool, exc)
        else:
            analyzer.learn_stems(result.stems)
            return None, result
    assert own is not None
    return own, _analyse_chunk(own, chunk)


def _fallback(analyzer: Analyzer, pool: ProcessPoolExecutor, exc: BaseException) -> _Source:
    log.warning("a build worker process died (%s); analysing the rest in this process", exc)
    pool.shutdown(wait=False, cancel_futures=True)
    return _Source(analyzer)


def _context() -> multiprocessing.context.BaseContext:
    """fork where it is safe (Linux, this is the only thread): workers start at
    once and inherit the analyzer with its caches. Otherwise spawn (the bot
    builds from a worker thread, where forking may copy a lock held by another
    thread): workers rebuild the analyzer from its language data."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


_worker_source: _Source | None = None
_stems_sent = 0  # how many of the worker analyzer's stems the parent has (`_Chunk.stems`)


def _start_worker(analyzer: Analyzer, share: str | None = None) -> None:
    global _worker_source, _stems_sent
    # A forked worker holds its parent's objects (the whole parsed corpus): keep the
    # collector from walking them again and again (and copying their pages).
    gc.freeze()
    _worker_source = _Source(analyzer)
    _stems_sent = _worker_source.encoder.analyzer.stem_count
    if share is not None:
        try:
            share_stems(Path(share))
        except OSError:
            pass  # each worker stems for itself


def _worker_chunk(articles: list[Article]) -> _Chunk:
    assert _worker_source is not None, "worker not initialised"
    return _with_stems(_analyse_chunk(_worker_source, articles))


def _with_stems(chunk: _Chunk) -> _Chunk:
    """`chunk` carrying the stems this worker learned since its last chunk."""
    global _stems_sent
    assert _worker_source is not None
    analyzer = _worker_source.encoder.analyzer
    stems = analyzer.stems_after(_stems_sent)
    _stems_sent = analyzer.stem_count
    return replace(chunk, stems=stems)


# The articles of the build under way, for workers forked from this process.
_inherited: Sequence[Article] | None = None


def _set_inherited(articles: Sequence[Article] | None) -> None:
    global _inherited
    _inherited = articles


def _worker_range(start: int, end: int) -> _Chunk:
    assert _worker_source is not None and _inherited is not None, "worker not initialised"
    return _with_stems(_analyse_chunk(_worker_source, _inherited[start:end]))


class _Run:
    """Analyses articles (in worker processes when worth it), keeping spans, versions and the hash."""

    def __init__(
        self,
        analyzer: Analyzer,
        hasher: Any,
        live: dict[str, int],
        progress: ProgressCallback | None,
        total: int | None,
        stage: str,
        workers: int,
    ) -> None:
        self.analyzer = analyzer
        self.hasher = hasher
        self.live = live
        self.versions: list[Article] = []
        self.acronyms: list[ArticleAcronyms] = []
        self.retired: set[int] = set()
        self._article: list[np.ndarray] = []
        self._start: list[np.ndarray] = []
        self._end: list[np.ndarray] = []
        self._sentences = 0
        self._progress = progress
        self._total = total
        self._stage = stage
        self._workers = workers
        self._began = time.monotonic()
        self._after: list[Callable[[], None]] = []  # waits for the worker processes to be gone

    def index(self, articles: Iterable[Article], assembler: Assembler, *, first_slot: int) -> None:
        """Analyse `articles` into `assembler`, in stream order."""
        slot = first_slot
        for chunk, analysed in _analysed(articles, self.analyzer, self._workers, after=self._after):
            sentences = self._sentences
            for article, count in zip(chunk, analysed.sentences.tolist()):
                old = self.live.get(article.id)
                if old is not None:
                    self.retired.add(old)
                self.live[article.id] = slot
                self.versions.append(article)
                slot += 1
                sentences += count
                if self._progress is not None:
                    self._report(len(self.versions), sentences, done=False)
            absorb_all(self.hasher, chunk)
            self.acronyms.extend(analysed.acronyms())
            self._article.append(np.repeat(np.arange(slot - len(chunk), slot, dtype=np.int32), analysed.sentences))
            self._start.append(analysed.start)
            self._end.append(analysed.end)
            assembler.add(
                analysed.terms,
                analysed.tokens,
                analysed.doc_len,
                word_count=analysed.word_count,
                word_len=analysed.word_len,
                word_term=analysed.word_term,
                source=analysed.source,
            )
            self._sentences = sentences

    def release(self) -> None:
        """Wait for the worker processes to be gone (they exit while the index is assembled)."""
        while self._after:
            self._after.pop()()

    def finish(self) -> None:
        if self._progress is not None:
            self._report(len(self.versions), self._sentences, done=True)

    def _report(self, articles: int, sentences: int, *, done: bool) -> None:
        assert self._progress is not None
        self._progress(
            Progress(
                stage=self._stage,
                articles=articles,
                total_articles=self._total,
                sentences=sentences,
                elapsed=time.monotonic() - self._began,
                done=done,
            )
        )

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        def cat(parts: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

        return cat(self._article), cat(self._start), cat(self._end)
