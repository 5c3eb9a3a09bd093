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

import hashlib
import json
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np

from retrieval.acronyms import ArticleAcronyms, CorpusAcronyms
from retrieval.index import FORMAT_VERSION, Bm25Index
from retrieval.progress import Progress
from retrieval.records import Article, Sentence
from retrieval.text import Analyzer

__all__ = ["STORE_VERSION", "Built", "SentenceTable", "absorb", "iter_sentences", "stream_hasher"]

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
    ) -> Built:
        """Analyse and index `articles` (read once, streamed); `total` only feeds `progress`."""
        run = _Run(analyzer, stream_hasher(analyzer), {}, progress, total, "building")
        index = Bm25Index.build(run.docs(articles, first_slot=0), positional=True)
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

    def extend(self, articles: Iterable[Article], *, progress: ProgressCallback | None = None) -> Built:
        """This stream with `articles` appended: new sids after all existing ones.

        Equal to `Built.build` over the whole stream (same sids, index and
        fingerprint), but only the new articles are analysed and hashed; the
        numbering identity is kept. `self` is left untouched.
        """
        articles = list(articles)
        if not articles:
            return self
        live = {i: slot for slot, i in enumerate(_ids(self.versions)) if slot not in self.retired}
        run = _Run(self.analyzer, self.hasher.copy(), live, progress, len(articles), "adding")
        index = self.index.extend(run.docs(articles, first_slot=len(self.versions)), positional=True)
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
    text = article.text.encode("utf-8", "surrogatepass")
    # Length-prefixed fields: no text can make two different streams hash alike.
    head = "".join(
        "-" if p is None else f"{len(p)}:{p}"
        for p in (
            article.id,
            article.title,
            article.source,
            article.date.isoformat() if article.date else None,
            "1" if article.date_approximate else "0",
            article.author,
            article.url,
        )
    )
    hasher.update(f"{head}{len(text)}:".encode("utf-8", "surrogatepass"))
    hasher.update(text)


# --- sentences ------------------------------------------------------------------------


def sentence_spans(text: str, analyzer: Analyzer) -> Iterator[tuple[int, int, str]]:
    """(start, end, sentence) of the indexable sentences of one article's text, in order."""
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
        span_text = getattr(articles, "span_text", None)  # stored articles (retrieval.stored)
        if span_text is not None:
            return [span_text(a, s, e) for a, s, e in spans]
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


class _Run:
    """Analyses articles as the index consumes their sentences' terms, keeping spans and the hash."""

    def __init__(
        self,
        analyzer: Analyzer,
        hasher: Any,
        live: dict[str, int],
        progress: ProgressCallback | None,
        total: int | None,
        stage: str,
    ) -> None:
        self.analyzer = analyzer
        self.hasher = hasher
        self.live = live
        self.versions: list[Article] = []
        self.acronyms: list[ArticleAcronyms] = []
        self.retired: set[int] = set()
        self.article, self.start, self.end = array("i"), array("i"), array("i")
        self._progress = progress
        self._total = total
        self._stage = stage
        self._began = time.monotonic()

    def docs(
        self, articles: Iterable[Article], *, first_slot: int
    ) -> Iterator[tuple[list[str], list[tuple[str, tuple[str, ...]]]]]:
        analyzer = self.analyzer
        slot = first_slot
        sentences = 0
        for article in articles:
            old = self.live.get(article.id)
            if old is not None:
                self.retired.add(old)
            self.live[article.id] = slot
            self.versions.append(article)
            absorb(self.hasher, article)
            # Found once per article: the index side extends its sentences'
            # terms, and the engine's corpus table reuses the same record.
            acronyms = ArticleAcronyms.find(article.text, analyzer)
            self.acronyms.append(acronyms)
            for start, end, sentence in sentence_spans(article.text, analyzer):
                self.article.append(slot)
                self.start.append(start)
                self.end.append(end)
                sentences += 1
                # BM25 terms (with the article's acronyms) and the terms by word
                # position, which ranking reads instead of analysing candidates again.
                terms, words = analyzer.analyse(sentence)
                yield acronyms.extend(sentence, terms), words
            slot += 1
            if self._progress is not None:
                self._report(len(self.versions), sentences, done=False)

    def finish(self) -> None:
        if self._progress is not None:
            self._report(len(self.versions), len(self.article), done=True)

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
        return tuple(np.frombuffer(c, dtype=np.int32).copy() for c in (self.article, self.start, self.end))  # type: ignore[return-value]
