"""Open an answer engine over a corpus, keep its index on disk, and extend it.

Two entry points:

- `open_engine(corpus_path, ...)`: parse the corpus, then load, append to or
  build its persisted index, and return an `Opened`.
- `extend_engine(opened, articles, ...)`: the running bot's appends. Only the
  new articles are analysed and hashed (no corpus file is read), new sids come
  after all existing ones, an article whose id already exists replaces its old
  version (which is never quoted again), and the persisted index is replaced.

Both go through the one builder in `retrieval.build` (`Built`), which also
defines the sentence numbering and the fingerprint: SHA-256 over the corpus's
article versions, seeded with the format versions and the language data.

Where the index lives: `index_dir` when given (the `INDEX_DIR` setting), else a
folder of the user's cache directory (`platformdirs.user_cache_dir("kutip")`,
e.g. `~/.cache/kutip/`, or `KUTIP_CACHE_DIR`), one folder per corpus path.
A folder holds `bm25/` (the `retrieval.index_files` directory), `stream.json` (how
many article versions the saved index covers and their fingerprint: a hint,
checked, never trusted) and `.lock`.

At start-up the corpus is parsed and the fingerprint of its first `versions`
articles is compared with the saved one:
- loaded: equal, and the corpus holds nothing more: no sentence is split or
  analysed again (spans are stored beside the index);
- appended: equal, and more articles follow (lines appended to a JSONL file,
  e.g. by a bot that crashed before saving): only those are indexed;
- built: anything else (first start, a changed or removed article, other
  language data or format, a corrupt or half-written index) rebuilds.
A saved index is only ever replaced by an atomic rename, so a crash leaves the
old index or the new one, never half of one, and both are checked against the
corpus before use.

Concurrent starts: every open and every save holds the folder's lock file
(`filelock`: an OS lock the kernel drops when a process dies, so a crash never
leaves it stuck, and it works on Windows too). A second process on the same
corpus waits for the first to finish building, then loads what it saved.

The cache does not grow without bound: after each open through the cache, the
folders of other corpora are removed when their corpus path no longer exists,
when they were not used for `CACHE_MAX_AGE_DAYS` days, or beyond the
`CACHE_MAX_ENTRIES` most recently used; one corpus path has one folder, so an
index for an older state of the same corpus is replaced, never kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import platformdirs
import xxhash
from filelock import FileLock, Timeout

from retrieval.build import STORE_VERSION, Built, ProgressCallback, SentenceTable, absorb, retired_slots, stream_hasher
from retrieval.acronyms import ArticleAcronyms, CorpusAcronyms
from retrieval.corpus import Problem, load_corpus
from retrieval.index_files import IndexCorrupt, IndexMissing, IndexStale, IndexUnusable, LoadedIndex, load_index, save_index
from retrieval.records import Article
from retrieval.search import Engine, default_analyzer
from retrieval.stored import CorpusState, StoredArticles, article_arrays, article_ids
from retrieval.text import Analyzer

__all__ = [
    "CACHE_MAX_AGE_DAYS",
    "CACHE_MAX_ENTRIES",
    "Opened",
    "cache_root",
    "extend_engine",
    "index_location",
    "open_engine",
]

log = logging.getLogger(__name__)

CACHE_ENV = "KUTIP_CACHE_DIR"
CACHE_MAX_ENTRIES = 8
CACHE_MAX_AGE_DAYS = 30
# A cold build of a million sentences takes minutes on one core; a waiter gives
# up after this long and builds in memory without saving.
LOCK_WAIT_SECONDS = 30 * 60
_INDEX_SUBDIR = "bm25"
_HINT = "stream.json"
_STEMS = "stems.json"
_LOCK = ".lock"
_OWNER = "corpus.json"
_USED = "used"

Build = Literal["built", "loaded", "appended", "extended"]


@dataclass(frozen=True, slots=True)
class Opened:
    """An engine and how it came to be."""

    engine: Engine
    problems: tuple[Problem, ...]
    build: Build
    reason: str
    # Seconds per stage: parse, digest (fingerprint of the saved prefix), load_index,
    # build (split+analyse+index), append (the same for new articles only), save.
    timings: Mapping[str, float]
    corpus_path: Path | None
    # Where the index is persisted; None when it could not be (read-only disk).
    index_dir: Path | None
    built: Built = field(repr=False)


def open_engine(
    corpus_path: Path,
    *,
    language_data_path: Path | None = None,
    index_dir: Path | None = None,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> Opened:
    """The engine for `corpus_path`, with its index loaded, appended to or built and saved.

    `index_dir` None means the user's cache directory; `workers` the processes
    a build may use (`Built.build`: None or 0 every core). Raises
    `retrieval.corpus.CorpusError` when nothing at all can be loaded.
    """
    corpus_path = Path(corpus_path)
    in_cache = index_dir is None
    location = index_location(corpus_path) if in_cache else Path(index_dir)  # type: ignore[arg-type]
    # The words an earlier analyzer of the same language data stemmed (saved beside the
    # index): Sastrawi is the slow part of building an analyzer and of a question's analysis.
    stems = _read_stems(location)
    if language_data_path:
        analyzer = Analyzer.from_directory(language_data_path, stems=stems)
    else:
        analyzer = default_analyzer(stems=stems)
    timings: dict[str, float] = {}
    timed = _Timer(timings)
    with _locked(location) as usable:
        if in_cache and usable:
            _mark_used(location, corpus_path)
        # A JSONL file whose bytes are those the saved index was built from is not parsed again.
        opened = _open_saved(corpus_path, analyzer, location, timed) if usable else None
        # An index saved before stems were kept, or stems the open added (the stored
        # acronyms' words, which a build stems in its workers): kept for the next start.
        if opened is not None and (stems is None or len(analyzer.known_stems()) > len(stems[1])):
            try:
                _write_stems(location, analyzer)
            except OSError:
                pass
        if opened is None:
            with timed("parse"):
                before = _file_stamp(corpus_path)
                corpus = load_corpus(corpus_path)
            file = _ParsedFile(corpus_path, before, corpus.problems) if before is not None else None
            opened = _open(corpus.articles, corpus.problems, analyzer, location if usable else None, timed, progress,
                           file=file, workers=workers)
    opened = Opened(opened.engine, opened.problems, opened.build, opened.reason, timings, corpus_path,
                    opened.index_dir, opened.built)
    if in_cache:
        clean_cache(keep=location)
    return opened


def extend_engine(
    opened: Opened,
    articles: Sequence[Article],
    *,
    index_dir: Path | None = None,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> Opened:
    """`opened` with `articles` appended (already written to the corpus file by the caller).

    New articles get sids after all existing ones; an article whose id exists
    replaces the old version, whose sentences keep their sids but are never
    quoted again. The persisted index (`index_dir`, default where `opened`
    keeps it) is replaced atomically; `opened` stays usable and unchanged.
    """
    timings: dict[str, float] = {}
    timed = _Timer(timings)
    old = opened.built
    with timed("append"):
        built = old.extend(articles, progress=progress, workers=workers)
    replaced = len(built.retired) - len(old.retired)
    location = Path(index_dir) if index_dir is not None else opened.index_dir
    saved_to: Path | None = None
    if location is not None:
        with _locked(location) as usable:
            if usable:
                with timed("save"):
                    saved_to = location if _save(location, built) else None
    engine = _engine(built, opened.engine)
    reason = f"{len(articles)} articles added ({replaced} replacing an older version)"
    log.info("engine extended: %s; %d sentences", reason, engine.sentence_count)
    return Opened(engine, opened.problems, "extended", reason, timings, opened.corpus_path, saved_to, built)


# --- opening ------------------------------------------------------------------------------


def _open(
    articles: tuple[Article, ...],
    problems: tuple[Problem, ...],
    analyzer: Analyzer,
    location: Path | None,
    timed: _Timer,
    progress: ProgressCallback | None,
    *,
    file: _ParsedFile | None = None,
    workers: int | None = None,
) -> Opened:
    if location is None:
        with timed("build"):
            built = Built.build(articles, analyzer, progress=progress, total=len(articles), workers=workers)
        return _opened(built, problems, "built", "index not persisted (no usable index folder)", None)

    reason = "no saved index (first start)"
    hint = _read_hint(location)
    if hint is not None and hint[0] <= len(articles):
        saved, fingerprint = hint
        with timed("digest"):
            hasher = stream_hasher(analyzer)
            for article in articles[:saved]:
                absorb(hasher, article)
        if hasher.hexdigest() != fingerprint:
            reason = "the corpus changed since the index was saved"
        else:
            try:
                with timed("load_index"):
                    loaded = load_index(location / _INDEX_SUBDIR, fingerprint=fingerprint)
                built, table = _built_from_saved(analyzer, articles[:saved], loaded, hasher)
                if saved == len(articles):
                    log.info("index at %s reused (%d sentences)", location, len(built.table))
                    if file is not None and not _has_state(loaded, file):
                        # Same articles, other bytes (or an index saved before corpus
                        # states were kept): save once, so the next start skips the parse.
                        with timed("save"):
                            _save(location, built, file.state())
                    return _opened(built, problems, "loaded", "saved index matches corpus and settings", location,
                                   acronyms=table)
                with timed("append"):
                    built = built.extend(articles[saved:], progress=progress, workers=workers)
                added = len(articles) - saved
                with timed("save"):
                    saved_ok = _save(location, built, file.state() if file is not None else None)
                log.info("index at %s extended by %d appended articles", location, added)
                return _opened(built, problems, "appended", f"{added} articles appended to the corpus",
                               location if saved_ok else None)
            except IndexMissing:
                reason = "no saved index"
            except IndexCorrupt as exc:
                log.warning("index at %s is corrupt, rebuilding it: %s", location, exc)
                reason = f"corrupt index: {exc}"
            except IndexUnusable as exc:
                reason = f"stale index: {exc}"
    elif hint is not None:
        reason = "the corpus has fewer articles than the saved index"

    with timed("build"):
        built = Built.build(articles, analyzer, progress=progress, total=len(articles), workers=workers)
    with timed("save"):
        saved_ok = _save(location, built, file.state() if file is not None else None)
    log.info("index at %s built and saved (%s)", location, reason)
    return _opened(built, problems, "built", reason, location if saved_ok else None)


def _open_saved(corpus_path: Path, analyzer: Analyzer, location: Path, timed: _Timer) -> Opened | None:
    """The saved engine when the corpus file holds exactly the bytes it was built from; else None.

    Nothing is parsed: articles are read from the index folder on demand. Any
    doubt (no saved corpus state, other bytes, other language data, an index
    that does not load) returns None and the caller parses, which decides
    between load, append and rebuild and says why.
    """
    if not (corpus_path.suffix.lower() == ".jsonl" and corpus_path.is_file()):
        return None
    hint = _read_hint(location)
    if hint is None:
        return None
    saved, fingerprint = hint
    try:
        with timed("load_index"):
            loaded = load_index(location / _INDEX_SUBDIR, fingerprint=fingerprint)
    except IndexUnusable:
        return None
    state = CorpusState.from_json(loaded.meta.get("corpus"))
    if state is None or loaded.meta.get("stream_seed") != stream_hasher(analyzer).hexdigest():
        return None
    with timed("digest"):
        if not state.matches(corpus_path):
            return None
    try:
        versions = StoredArticles.load(loaded.meta.get("article_ids"), loaded.extra)
        if len(versions) != saved:
            return None
        built, table = _built_from_saved(analyzer, versions, loaded, _SavedHash(analyzer, versions, fingerprint))
    except (IndexUnusable, ValueError):
        return None
    log.info("index at %s reused without parsing the corpus (%d sentences)", location, len(built.table))
    return _opened(built, state.problems, "loaded", "saved index matches corpus and settings", location,
                   acronyms=table)


@dataclass(frozen=True, slots=True)
class _ParsedFile:
    """A corpus file as it was just before it was parsed."""

    path: Path
    stamp: tuple[int, int]
    problems: tuple[Problem, ...]

    def state(self) -> CorpusState | None:
        """The file's state, if it still is the file that was parsed (unchanged size and mtime)."""
        if not (self.path.suffix.lower() == ".jsonl" and self.path.is_file()):
            return None
        try:
            state = CorpusState.of(self.path, self.problems)
        except OSError:
            return None
        # Changed while parsed or hashed: the digest may not be of what was indexed.
        return state if _file_stamp(self.path) == self.stamp else None


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _has_state(loaded: LoadedIndex, file: _ParsedFile) -> bool:
    state = CorpusState.from_json(loaded.meta.get("corpus"))
    return state is not None and state.size == file.stamp[0] and "article_ids" in loaded.meta and state.matches(file.path)


class _SavedHash:
    """The running stream hash of stored versions, recomputed only if an append needs it."""

    __slots__ = ("_analyzer", "_versions", "_fingerprint", "_hasher")

    def __init__(self, analyzer: Analyzer, versions: Sequence[Article], fingerprint: str) -> None:
        self._analyzer = analyzer
        self._versions = versions
        self._fingerprint = fingerprint
        self._hasher: object | None = None

    def hexdigest(self) -> str:
        return self._fingerprint

    def copy(self) -> object:
        if self._hasher is None:
            hasher = stream_hasher(self._analyzer)
            for article in self._versions:
                absorb(hasher, article)
            if hasher.hexdigest() != self._fingerprint:
                raise IndexCorrupt("stored articles do not hash to the index's fingerprint")
            self._hasher = hasher
        return self._hasher.copy()  # type: ignore[attr-defined]


def _opened(
    built: Built,
    problems: tuple[Problem, ...],
    build: Build,
    reason: str,
    location: Path | None,
    *,
    acronyms: CorpusAcronyms | None = None,
) -> Opened:
    engine = Engine.from_built(built, acronyms=acronyms) if acronyms is not None else _engine(built)
    return Opened(engine, problems, build, reason, {}, None, location, built)


def _engine(built: Built, like: Engine | None = None) -> Engine:
    if like is None:
        return Engine.from_built(built)
    return Engine.from_built(built, tuning=like.tuning)


def _built_from_saved(
    analyzer: Analyzer, versions: Sequence[Article], loaded: LoadedIndex, hasher: object
) -> tuple[Built, CorpusAcronyms]:
    """The saved spans, checked against the articles just parsed (IndexCorrupt if they disagree)."""
    meta, extra = loaded.meta, loaded.extra
    if meta.get("store_version") != STORE_VERSION:
        raise IndexStale(f"store version {meta.get('store_version')!r}, expected {STORE_VERSION}")
    try:
        count = int(meta["versions"])  # type: ignore[call-overload]
        numbering = meta["numbering"]
        article, start, end = (extra[n] for n in ("sent_article", "sent_start", "sent_end"))
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexCorrupt(f"stored sentence spans incomplete: {exc}") from exc
    if count != len(versions) or not isinstance(numbering, str):
        raise IndexCorrupt(f"index meta names {count} article versions, its hint {len(versions)}")
    n = loaded.index.n_docs
    if not all(c.shape == (n,) and c.dtype == np.int32 for c in (article, start, end)):
        raise IndexCorrupt("sentence span arrays do not match the index")
    if n:
        if isinstance(versions, StoredArticles):
            lengths = versions.chars()
        else:
            lengths = np.fromiter((len(a.text) for a in versions), dtype=np.int64, count=count)
        starts_ok = bool((start >= 0).all() and (end >= start).all())
        in_range = bool(article.min() >= 0 and article.max() < count and (np.diff(article) >= 0).all())
        if not (starts_ok and in_range and (end <= lengths[article]).all()):
            raise IndexCorrupt("sentence spans out of range")
    ids = getattr(versions, "ids", None)
    # Distinct ids (the usual case) retire nothing; only repeated ones need the walk.
    retired = frozenset() if ids is not None and len(set(ids)) == len(ids) else retired_slots(versions)
    acronyms, table = _acronyms_from_saved(meta, versions, analyzer, retired)
    return Built(
        analyzer=analyzer,
        versions=versions,
        acronyms=acronyms,  # type: ignore[arg-type]
        retired=retired,
        table=SentenceTable(versions, article, start, end),
        index=loaded.index,
        fingerprint=hasher.hexdigest(),  # type: ignore[attr-defined]
        numbering=numbering,
        hasher=hasher,
    ), table


def _acronyms_from_saved(
    meta: Mapping[str, object], versions: Sequence[Article], analyzer: Analyzer, retired: frozenset[int]
) -> tuple[Sequence[ArticleAcronyms], CorpusAcronyms]:
    """Each version's acronym definitions as stored (made on first use: only an append needs
    them), and the corpus table of the live ones: a warm start reads no article text for them."""
    stored = meta.get("acronyms")
    found: dict[int, list[tuple[str, str]]] = {}
    live: dict[tuple[str, str], None] = {}
    try:
        for slot, acronym, long_form in stored:  # type: ignore[union-attr]
            if not (type(slot) is int and 0 <= slot < len(versions) and isinstance(acronym, str) and isinstance(long_form, str)):
                raise ValueError(f"bad entry {slot!r}")
            found.setdefault(slot, []).append((acronym, long_form))
            if slot not in retired:
                live.setdefault((acronym, long_form), None)
        # Every distinct definition is checked now (ValueError if it is none); the
        # corpus table over them in first-seen order is the one the live versions make.
        distinct = ArticleAcronyms.from_definitions(
            dict.fromkeys(pair for pairs in found.values() for pair in pairs), analyzer
        )
        table = CorpusAcronyms([ArticleAcronyms.from_definitions(live, analyzer)])
    except (TypeError, ValueError) as exc:
        raise IndexCorrupt(f"stored acronyms unusable: {exc}") from exc
    del distinct
    return _SavedAcronyms(found, len(versions), analyzer), table


class _SavedAcronyms(Sequence[ArticleAcronyms]):
    """`Built.acronyms` of a saved index, made from the stored definitions when first read."""

    def __init__(self, found: dict[int, list[tuple[str, str]]], count: int, analyzer: Analyzer) -> None:
        self._found, self._count, self._analyzer = found, count, analyzer
        self._made: tuple[ArticleAcronyms, ...] | None = None

    def _all(self) -> tuple[ArticleAcronyms, ...]:
        if self._made is None:
            empty = ArticleAcronyms()
            found, analyzer = self._found, self._analyzer
            self._made = tuple(
                ArticleAcronyms.from_definitions(found[slot], analyzer) if slot in found else empty
                for slot in range(self._count)
            )
        return self._made

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i):  # type: ignore[no-untyped-def,override]
        return self._all()[i]

    def __iter__(self) -> Iterator[ArticleAcronyms]:
        return iter(self._all())

    def __add__(self, other: object) -> tuple[ArticleAcronyms, ...]:
        if not isinstance(other, tuple):
            return NotImplemented
        return self._all() + other


def _save(location: Path, built: Built, corpus: CorpusState | None = None) -> bool:
    """Write `built` (and, when known, the corpus file it was built from) to `location`."""
    meta = {
        "store_version": STORE_VERSION,
        "versions": len(built.versions),
        "numbering": built.numbering,
        "acronyms": [[slot, *d] for slot, found in enumerate(built.acronyms) for d in found.definitions()],
        # What a warm start needs to skip parsing (retrieval.stored): the versions' ids,
        # the hash seed (format and language data) and the corpus file's size and digest.
        "article_ids": article_ids(built.versions),
        "stream_seed": stream_hasher(built.analyzer).hexdigest(),
        "corpus": corpus.to_json() if corpus is not None else None,
    }
    try:
        extra = {**built.table.arrays(), **article_arrays(built.versions)}
        save_index(built.index, location / _INDEX_SUBDIR, fingerprint=built.fingerprint, extra=extra, meta=meta)
        _write_json(location / _HINT, {"versions": len(built.versions), "fingerprint": built.fingerprint})
        _write_stems(location, built.analyzer)
    except OSError as exc:
        # A read-only or full disk must not stop the bot: it answers from memory.
        log.warning("could not save the index to %s (%s); it will be rebuilt next start", location, exc)
        return False
    return True


def _write_stems(location: Path, analyzer: Analyzer) -> None:
    stems = json.dumps(analyzer.known_stems(), ensure_ascii=True, separators=(",", ":"))
    _write_json(location / _STEMS, {"analyzer": analyzer.fingerprint, "stems": stems,
                                    "xxh3_128": xxhash.xxh3_128(stems.encode("ascii")).hexdigest()})


def _read_stems(location: Path) -> tuple[str, dict[str, str]] | None:
    """(analyzer fingerprint, stems) as saved, or None when absent or damaged."""
    try:
        data = json.loads((location / _STEMS).read_text(encoding="utf-8"))
        fingerprint, text, check = data["analyzer"], data["stems"], data["xxh3_128"]
        if not (isinstance(fingerprint, str) and isinstance(text, str)):
            return None
        if xxhash.xxh3_128(text.encode("ascii")).hexdigest() != check:
            return None
        stems = json.loads(text)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(stems, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in stems.items()):
        return None
    return fingerprint, stems


def _read_hint(location: Path) -> tuple[int, str] | None:
    try:
        data = json.loads((location / _HINT).read_text(encoding="utf-8"))
        versions, fingerprint = data["versions"], data["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if type(versions) is int and versions > 0 and isinstance(fingerprint, str):
        return versions, fingerprint
    return None


def _write_json(path: Path, data: object) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


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


# --- where indexes live, and who may touch them -----------------------------------------


def cache_root() -> Path:
    """The folder holding one index folder per corpus: `KUTIP_CACHE_DIR`, else the platform's user cache."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    return Path(configured) if configured else Path(platformdirs.user_cache_dir("kutip", appauthor=False))


def index_location(corpus_path: Path) -> Path:
    """The cache folder of one corpus path (its resolved path names it, so moves rebuild)."""
    resolved = str(Path(corpus_path).resolve())
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(resolved).name).strip("-.")[:40] or "corpus"
    return cache_root() / f"{slug}-{hashlib.sha256(resolved.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"


@contextmanager
def _locked(location: Path, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[bool]:
    """Hold `location`'s lock; yields False (and holds nothing) when the folder cannot be used."""
    try:
        for _attempt in range(3):
            location.mkdir(parents=True, exist_ok=True)
            lock = FileLock(location / _LOCK)
            try:
                lock.acquire(timeout=0.1)
            except Timeout:
                log.info("waiting for another Kutip process working on the index at %s", location)
                lock.acquire(timeout=wait)
            if location.is_dir():
                break
            # The cache cleaner moved the folder away while we waited: take the new one's lock.
            lock.release()
        else:
            raise OSError("the index folder keeps disappearing")
    except Timeout:
        log.warning("the index at %s stayed locked for %.0f s; building in memory", location, wait)
        yield False
        return
    except OSError as exc:
        log.warning("cannot use the index folder %s (%s); building in memory", location, exc)
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


def _mark_used(location: Path, corpus_path: Path) -> None:
    try:
        owner = location / _OWNER
        if not owner.exists():
            _write_json(owner, {"corpus": str(Path(corpus_path).resolve())})
        (location / _USED).touch()
    except OSError as exc:
        log.warning("cannot mark %s as used (%s)", location, exc)


def clean_cache(*, keep: Path | None = None, now: float | None = None) -> list[Path]:
    """Remove index folders of corpora no longer used; returns those removed.

    A folder goes when its corpus path no longer exists, when it was not used
    for `CACHE_MAX_AGE_DAYS` days, or when it is beyond the
    `CACHE_MAX_ENTRIES` most recently used. `keep` (the folder just used) and
    folders another process holds locked are left alone.
    """
    root = cache_root()
    now = time.time() if now is None else now
    try:
        folders = [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return []
    for leftover in root.glob(".trash-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    folders.sort(key=_last_used, reverse=True)
    removed: list[Path] = []
    for rank, folder in enumerate(folders):
        if keep is not None and folder == keep:
            continue
        if rank < CACHE_MAX_ENTRIES and now - _last_used(folder) < CACHE_MAX_AGE_DAYS * 86400 and _corpus_exists(folder):
            continue
        if _remove_unlocked(root, folder):
            removed.append(folder)
    if removed:
        log.info("index cache %s: removed %d unused index folder(s)", root, len(removed))
    return removed


def _last_used(folder: Path) -> float:
    for marker in (folder / _USED, folder):
        try:
            return marker.stat().st_mtime
        except OSError:
            continue
    return 0.0


def _corpus_exists(folder: Path) -> bool:
    try:
        corpus = json.loads((folder / _OWNER).read_text(encoding="utf-8"))["corpus"]
    except (OSError, ValueError, KeyError, TypeError):
        return True  # unknown owner: age and count decide
    return isinstance(corpus, str) and Path(corpus).exists()


def _remove_unlocked(root: Path, folder: Path) -> bool:
    lock = FileLock(folder / _LOCK)
    try:
        lock.acquire(timeout=0)
    except (Timeout, OSError):
        return False  # in use by another process
    try:
        # Renamed away first, so nothing ever opens a half-deleted folder.
        trash = root / f".trash-{os.getpid()}-{uuid.uuid4().hex}"
        os.rename(folder, trash)
    except OSError:
        return False
    finally:
        lock.release()
    shutil.rmtree(trash, ignore_errors=True)
    return True
