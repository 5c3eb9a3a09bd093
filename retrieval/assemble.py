"""Building a `Bm25Index`: from term lists, or from batches of term-id arrays.

`build_index(docs)` indexes a stream of docs given as term lists (rank-bm25's
input; with `positional`, each doc also brings its terms per surface word) and
`extend_index(index, docs)` appends docs to a copy of an index. `Assembler` is
the builder's fast path: batches of consecutive docs as flat arrays over a
batch's own vocabulary or a numbering that lasts across batches (a build
worker's encoder), merged in stream order. Every path numbers terms in order
of first occurrence in the stream (rank-bm25's vocabulary order, which the
average idf is summed in) and gives the same arrays for the same docs.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from retrieval.index import Bm25Index, length_norms, posting_weights

__all__ = ["Assembler", "build_index", "extend_index"]

# Docs are tokenised into postings this many at a time, which bounds the
# memory of the raw token buffers while streaming.
_CHUNK_DOCS = 65_536


def build_index(
    docs: Iterable[Sequence[str]],
    *,
    k1: float = 1.5,
    b: float = 0.75,
    epsilon: float = 0.25,
    positional: bool = False,
) -> Bm25Index:
    """Index `docs` (term lists; doc id = position), reading the iterable once.

    With `positional`, each doc is a pair `(terms, word_terms)`: its BM25
    terms and, per surface word in order, the terms that word yields
    (`Analyzer.analyse`); `words_of` then returns them without re-analysis.
    """
    vocab = _Vocabulary()
    sink = _WordSink(vocab) if positional else None
    term, doc, tf, doc_len = _collect_postings(docs, vocab, first_doc=0, words=sink)
    return _from_postings(
        list(vocab), term, doc, tf, doc_len, k1=k1, b=b, epsilon=epsilon,
        words=sink.arrays(0) if sink is not None else None,
    )


def extend_index(index: Bm25Index, docs: Iterable[Sequence[str]], *, positional: bool = False) -> Bm25Index:
    """A new index with `docs` appended to `index` as ids `n_docs, n_docs + 1, ...`.

    Equal to rebuilding from all docs: old postings keep their raw term
    frequencies, so only idf, avgdl and weights are recomputed (vectorised).
    `positional` as in `build_index`; an index keeps positions only when both its
    old and new docs have them.
    """
    vocab = _Vocabulary(index.vocabulary)
    sink = _WordSink(vocab) if positional else None
    term, doc, tf, doc_len = _collect_postings(docs, vocab, first_doc=index.n_docs, words=sink)
    new_words = None
    if sink is not None and index.has_words:
        new_words = sink.arrays(_word_pairs(index))
    return _appended(index, list(vocab), term, doc, tf, doc_len, new_words)


class Assembler:
    """Builds (or extends) an index from docs given as arrays of term ids, batch by batch.

    The builder's fast path: `build_index(docs, positional=True)` reads a
    Python list of terms per doc; here each batch of consecutive docs arrives
    as flat arrays over the batch's own vocabulary (`terms`, in order of first
    occurrence within the batch, so the index's term ids keep rank-bm25's
    first-occurrence order), which is how build workers hand their work back.
    The result equals `build_index` / `extend_index` over the same docs.
    """

    def __init__(self, base: Bm25Index | None = None) -> None:
        self._base = base
        self._vocab = _Vocabulary(base.vocabulary if base is not None else {})
        self._first = base.n_docs if base is not None else 0
        self._next = self._first
        self._postings: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._lens: list[np.ndarray] = []
        self._pairs: list[np.ndarray] = []
        self._word: list[np.ndarray] = []
        self._term: list[np.ndarray] = []
        self._doc_terms: list[tuple[np.ndarray, np.ndarray]] = []  # per batch: (distinct terms per doc, those terms)
        # Per batch with postings: each posting's place among its term's postings
        # (earlier batches' first), so `index` scatters the postings into
        # term-major order instead of sorting them all once the last batch is in.
        self._places: list[np.ndarray] = []
        self._df = np.zeros(0, dtype=np.int32)  # postings per term id so far
        self._sources: dict[Hashable, _SourceIds] = {}

    def _place(self, term: np.ndarray, n_terms: int) -> np.ndarray:
        """Places of one batch's postings (`term` ascending, one posting per term and doc)."""
        self._df = _grown(self._df, n_terms, 0)
        starts = np.flatnonzero(np.concatenate(([True], term[1:] != term[:-1])))
        sizes = np.diff(np.append(starts, term.size))
        distinct = term[starts]
        # A posting's place: the term's postings in earlier batches, plus its rank in this batch's run.
        place = np.repeat((self._df[distinct] - starts).astype(np.int32), sizes)
        place += np.arange(term.size, dtype=np.int32)
        self._df[distinct] += sizes.astype(np.int32)
        return place

    @property
    def n_docs(self) -> int:
        """Docs added so far (not counting the base index's)."""
        return self._next - self._first

    def add(
        self,
        terms: Sequence[str],
        tokens: np.ndarray,
        doc_len: np.ndarray,
        *,
        word_count: np.ndarray,
        word_len: np.ndarray,
        word_term: np.ndarray,
        source: Hashable | None = None,
    ) -> None:
        """One batch of docs: `tokens` (ids into `terms`) cut by `doc_len`; per doc
        `word_count` surface words, per word `word_len` terms, listed in `word_term`.

        With `source`, the ids are instead those of a numbering that lasts across
        batches (one build worker's encoder; any hashable names it) and `terms`
        lists only the names it gained since its previous batch: ids
        `len(names so far)...` of that numbering.
        """
        doc_len = np.asarray(doc_len, dtype=np.int64)
        if int(doc_len.sum()) != tokens.shape[0] or word_count.shape != doc_len.shape:
            raise ValueError("batch arrays do not agree")
        if source is None:
            ids = np.fromiter(map(self._vocab.__getitem__, terms), dtype=np.int32, count=len(terms))
            global_tokens = ids[tokens]
        else:
            mapping = self._sources.get(source)
            if mapping is None:
                mapping = self._sources[source] = _SourceIds()
            global_tokens = mapping.map(terms, tokens, self._vocab)
            ids = mapping.ids
        postings, doc_terms = _batch_pairs(global_tokens, doc_len, len(self._vocab), self._next)
        if postings is not None:
            self._postings.append(postings)
            if self._base is None:
                self._places.append(self._place(postings[0], len(self._vocab)))
        if self._base is None:
            # The doc-major view of this batch, made here while build workers are busy
            # instead of one sort over every posting once the last batch is in.
            self._doc_terms.append(doc_terms)
        self._lens.append(doc_len.astype(np.int32))
        self._next += int(doc_len.shape[0])
        if self._next >= 2**31:
            raise ValueError("more than 2**31 docs")
        # The (word position, term id) pairs of each doc: its words' terms in
        # order, each tagged with the word's place in the doc.
        word_len = np.asarray(word_len, dtype=np.int64)
        word_count = np.asarray(word_count, dtype=np.int64)
        term_end = np.cumsum(word_len)
        word_end = np.cumsum(word_count)
        pairs_end = term_end[word_end - 1] if word_len.size else np.zeros(word_count.shape, dtype=np.int64)
        pairs_end = np.where(word_end > 0, pairs_end, 0)
        self._pairs.append(np.diff(pairs_end, prepend=0))
        word_start = np.repeat(word_end - word_count, word_count)
        self._word.append(np.repeat((np.arange(word_len.size) - word_start).astype(np.int32), word_len))
        word_ids = ids[word_term]
        # A word's terms are among its doc's terms, so all have ids by now.
        if word_ids.size and int(word_ids.min()) < 0:
            raise ValueError("word terms that are no doc's terms")
        self._term.append(word_ids)

    def index(self, *, k1: float = 1.5, b: float = 0.75, epsilon: float = 0.25) -> Bm25Index:
        """The built index (`build_index(..., positional=True)`), or the base extended (its parameters kept)."""

        def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

        doc_len = cat(self._lens, np.int32)
        base = self._base
        start = _word_pairs(base) if base is not None and base.has_words else 0

        def side() -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray] | None]:
            ptr = np.zeros(self.n_docs + 1, dtype=np.int64)
            np.cumsum(cat(self._pairs, np.int64), out=ptr[1:])
            ptr += start
            words = (ptr, cat(self._word, np.int32), cat(self._term, np.int32))
            if base is not None:
                return words, None
            doc_ptr = np.zeros(self.n_docs + 1, dtype=np.int64)
            np.cumsum(cat([counts for counts, _terms in self._doc_terms], np.int64), out=doc_ptr[1:])
            return words, (doc_ptr, cat([terms for _counts, terms in self._doc_terms], np.int32))

        if base is not None:
            words, _ = side()
            term = cat([p[0] for p in self._postings], np.int32)
            doc = cat([p[1] for p in self._postings], np.int32)
            tf = cat([p[2] for p in self._postings], np.int32)
            return _appended(base, list(self._vocab), term, doc, tf, doc_len, words)
        terms = list(self._vocab)
        term_ptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(self._df[: len(terms)], out=term_ptr[1:])
        doc_ids = np.empty(int(term_ptr[-1]), dtype=np.int32)
        tf = np.empty(int(term_ptr[-1]), dtype=np.int32)
        weights = np.empty(int(term_ptr[-1]), dtype=np.float64)
        n_docs = int(doc_len.shape[0])
        avgdl = int(doc_len.sum(dtype=np.int64)) / n_docs if n_docs else 0.0
        norm = length_norms(doc_len, avgdl, k1, b) if weights.size else doc_len  # (no postings: no docs to weigh)

        def scatter(batches: list[tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]]) -> None:
            # Weighed batch by batch, where a batch's docs' norms are a few
            # cached lines, not gathered for every posting across all docs.
            for (term, doc, freq), place in batches:
                at = term_ptr[term]
                at += place
                doc_ids[at] = doc
                tf[at] = freq
                weights[at] = posting_weights(freq, norm[doc], k1)

        # This runs alone once the build workers are done, so the cores share it
        # (NumPy's copies, scatters and arithmetic release the GIL): one thread
        # takes the word and doc-major arrays while two scatter and weigh halves
        # of the postings (each posting's place is its own: no overlap).
        batches = list(zip(self._postings, self._places))
        sizes = np.cumsum([p[0].shape[0] for p, _place in batches])
        half = int(np.searchsorted(sizes, sizes[-1] // 2)) if batches else 0
        with ThreadPoolExecutor(max_workers=2) as pool:
            aside = pool.submit(side)
            other = pool.submit(scatter, batches[half:])
            scatter(batches[:half])
            other.result()
            words, forward = aside.result()
        return Bm25Index(
            terms=terms,
            term_ptr=term_ptr,
            doc_ids=doc_ids,
            tf=tf,
            doc_len=doc_len,
            k1=k1,
            b=b,
            epsilon=epsilon,
            forward=forward,
            words=words,
            weights=weights,
        )


# ------------------------------------------------------------------ helpers


def _appended(
    base: Bm25Index,
    terms: list[str],
    term: np.ndarray,
    doc: np.ndarray,
    tf: np.ndarray,
    doc_len: np.ndarray,
    new_words: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> Bm25Index:
    """`base` with the postings of new docs (ids from `base.n_docs` on) appended."""
    old = base.arrays()
    old_term = np.repeat(np.arange(base.vocabulary_size, dtype=np.int32), np.diff(old["term_ptr"]))
    words = None
    if new_words is not None and base.has_words:
        ptr, word, term_ids = old["word_ptr"], old["word_pos"], old["word_term"]
        new_ptr, new_word, new_term = new_words
        words = (
            np.concatenate([ptr[:-1], new_ptr]),
            np.concatenate([word, new_word]),
            np.concatenate([term_ids, new_term]),
        )
    return _from_postings(
        terms,
        np.concatenate([old_term, term]),
        np.concatenate([old["doc_ids"], doc]),
        np.concatenate([old["tf"], tf]),
        np.concatenate([old["doc_len"], doc_len]),
        k1=base.k1,
        b=base.b,
        epsilon=base.epsilon,
        words=words,
    )


def _from_postings(
    terms: list[str],
    term: np.ndarray,
    doc: np.ndarray,
    tf: np.ndarray,
    doc_len: np.ndarray,
    *,
    k1: float,
    b: float,
    epsilon: float,
    words: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> Bm25Index:
    term_ptr, doc_ids, tf = _term_major(term, doc, tf, len(terms))
    return Bm25Index(
        terms=terms, term_ptr=term_ptr, doc_ids=doc_ids, tf=tf, doc_len=doc_len, k1=k1, b=b, epsilon=epsilon, words=words
    )


def _word_pairs(index: Bm25Index) -> int:
    """How many (word position, term id) pairs a positional index holds."""
    return int(index.arrays()["word_ptr"][-1])



class _Vocabulary(dict):
    """term -> id, giving unseen terms the next id (first-occurrence order)."""

    __slots__ = ()

    def __missing__(self, term: object) -> int:
        if not isinstance(term, str):
            raise TypeError(f"terms must be str, got {type(term).__name__}")
        i = self[term] = len(self)
        return i


class _SourceIds:
    """One numbering's term ids -> the index's (`Assembler.add` with `source`).

    Batches arrive in stream order; a numbering (a build worker's encoder) has
    met terms in the batches it analysed, in its own order, and may know a term
    that is still new to the stream or not know one another worker brought in
    earlier. So an id unmapped so far is looked up by name, in the order of its
    first occurrence in the batch: terms new to the index then get the next ids
    exactly as one pass over the whole stream gives them (rank-bm25's order).
    """

    __slots__ = ("names", "ids")

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids = np.zeros(0, dtype=np.int32)  # index id per numbering id, -1: not looked up yet

    def map(self, new_names: Sequence[str], tokens: np.ndarray, vocab: _Vocabulary) -> np.ndarray:
        names = self.names
        names.extend(new_names)
        ids = self.ids = _grown(self.ids, len(names), -1)
        mapped = ids[tokens]
        unknown = mapped < 0
        if unknown.any():
            new = tokens[unknown]
            distinct, first = np.unique(new, return_index=True)
            distinct = distinct[np.argsort(first, kind="stable")]
            lookup = vocab.__getitem__
            ids[distinct] = np.fromiter(
                (lookup(names[i]) for i in distinct.tolist()), dtype=np.int32, count=distinct.shape[0]
            )
            mapped[unknown] = ids[new]
        return mapped


class _WordSink:
    """Collects each doc's (word position, term id) pairs while postings stream."""

    __slots__ = ("_lookup", "word", "term", "counts")

    def __init__(self, vocab: _Vocabulary) -> None:
        self._lookup = vocab.__getitem__
        self.word = array("i")
        self.term = array("i")
        self.counts = array("q")

    def add(self, word_terms: Sequence[tuple[str, Sequence[str]]]) -> None:
        before = len(self.term)
        lookup, word, term = self._lookup, self.word, self.term
        for position, (_surface, terms) in enumerate(word_terms):
            if terms:
                term.extend(map(lookup, terms))
                word.extend([position] * len(terms))
        self.counts.append(len(self.term) - before)

    def arrays(self, base: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ptr, word, term), `ptr` offset by `base` (the pairs of earlier docs)."""
        ptr = np.zeros(len(self.counts) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(self.counts, dtype=np.int64), out=ptr[1:])
        ptr += base
        return ptr, np.frombuffer(self.word, dtype=np.int32).copy(), np.frombuffer(self.term, dtype=np.int32).copy()


def _collect_postings(
    docs: Iterable[Sequence[str]], vocab: _Vocabulary, *, first_doc: int, words: _WordSink | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(term, doc, tf) postings of `docs` plus their lengths; grows `vocab`.

    The result is a sequence of doc-ordered chunks, each term-major. With
    `words`, each doc is a `(terms, word_terms)` pair and `words` gets the latter.
    """
    terms_out: list[np.ndarray] = []
    docs_out: list[np.ndarray] = []
    tfs_out: list[np.ndarray] = []
    lens_out: list[np.ndarray] = []
    tokens: list[int] = []
    lens = array("q")
    base = first_doc

    def flush() -> None:
        nonlocal tokens, lens, base
        n = len(lens)
        if n == 0:
            return
        t = np.fromiter(tokens, dtype=np.int64, count=len(tokens))
        dl = np.frombuffer(lens, dtype=np.int64)
        postings = _batch_postings(t, dl, base)
        if postings is not None:
            terms_out.append(postings[0])
            docs_out.append(postings[1])
            tfs_out.append(postings[2])
        lens_out.append(dl.astype(np.int32))
        base += n
        tokens = []
        lens = array("q")

    lookup = vocab.__getitem__
    for doc in docs:
        if words is not None:
            doc, word_terms = doc
        if isinstance(doc, str):
            raise TypeError("each doc must be a sequence of terms, not a string")
        # C-level loop; only unseen terms reach Python (`_Vocabulary.__missing__`).
        tokens += map(lookup, doc)
        if words is not None:
            # After the doc's own terms, so ids stay in their first-occurrence
            # order (rank-bm25's vocabulary order, which its average idf sums in).
            words.add(word_terms)
        lens.append(len(doc))
        if len(lens) >= _CHUNK_DOCS:
            flush()
    flush()
    if base >= 2**31:
        raise ValueError("more than 2**31 docs")

    def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

    return cat(terms_out, np.int32), cat(docs_out, np.int32), cat(tfs_out, np.int32), cat(lens_out, np.int32)


def _grown(values: np.ndarray, size: int, fill: int) -> np.ndarray:
    """`values` with room for at least `size` entries, the new ones `fill`: doubled, so
    growing batch by batch copies each entry a bounded number of times."""
    if values.shape[0] >= size:
        return values
    grown = np.full(max(size, 2 * values.shape[0]), fill, dtype=values.dtype)
    grown[: values.shape[0]] = values
    return grown


def _term_major(
    term: np.ndarray, doc: np.ndarray, tf: np.ndarray, n_terms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term_ptr, doc ids, tf) in term-major order from postings that arrive as
    doc-ordered runs of term-major chunks: a stable sort by term alone (timsort
    merges the runs) keeps docs ascending inside each term."""
    order = np.argsort(term, kind="stable")
    term_ptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(term, minlength=n_terms), out=term_ptr[1:])
    return term_ptr, doc[order], tf[order]


def _batch_postings(
    tokens: np.ndarray, doc_len: np.ndarray, base: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(term, doc, tf) postings of consecutive docs `base..` given their concatenated
    term ids and lengths, term-major with docs ascending; None when there are none."""
    n = int(doc_len.shape[0])
    if tokens.size == 0:
        return None
    key = tokens.astype(np.int64) * n + np.repeat(np.arange(n, dtype=np.int64), doc_len)
    key.sort()
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    counts = np.diff(np.append(starts, key.size))
    uk = key[starts]
    return (uk // n).astype(np.int32), (uk % n + base).astype(np.int32), counts.astype(np.int32)


def _batch_doc_terms(tokens: np.ndarray, doc_len: np.ndarray, n_terms: int) -> tuple[np.ndarray, np.ndarray]:
    """Per doc of a batch, its distinct term ids ascending (what the index's doc-major view holds for those docs):
    (how many each doc has, int64; the ids, int32, doc after doc)."""
    n = int(doc_len.shape[0])
    if tokens.size == 0:
        return np.zeros(n, dtype=np.int64), np.zeros(0, dtype=np.int32)
    width = max(n_terms, 1)
    key = np.repeat(np.arange(n, dtype=np.int64), doc_len) * width + tokens.astype(np.int64)
    key.sort()
    key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    return np.bincount(key // width, minlength=n).astype(np.int64), (key % width).astype(np.int32)


def _batch_pairs(
    tokens: np.ndarray, doc_len: np.ndarray, n_terms: int, base: int
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray] | None, tuple[np.ndarray, np.ndarray]]:
    """`_batch_postings` and `_batch_doc_terms` of one batch, from one sort of its
    tokens and one of its (fewer) distinct (doc, term) pairs, keys packed by bits."""
    n = int(doc_len.shape[0])
    if tokens.size == 0:
        return None, (np.zeros(n, dtype=np.int64), np.zeros(0, dtype=np.int32))
    term_bits = max(n_terms - 1, 1).bit_length()
    doc_bits = max(n - 1, 1).bit_length()
    if term_bits + doc_bits > 62:
        return _batch_postings(tokens, doc_len, base), _batch_doc_terms(tokens, doc_len, n_terms)
    key = np.repeat(np.arange(n, dtype=np.int64), doc_len)
    key <<= term_bits
    key |= tokens
    key.sort()
    starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    tf = np.diff(np.append(starts, key.size))
    pairs = key[starts]
    term_mask = (1 << term_bits) - 1
    doc_terms = (np.bincount(pairs >> term_bits, minlength=n).astype(np.int64), (pairs & term_mask).astype(np.int32))
    # Term-major with docs ascending: the same pairs keyed (term, doc, tf).
    tf_bits = max(int(tf.max()), 1).bit_length()
    if term_bits + doc_bits + tf_bits > 62:
        return _batch_postings(tokens, doc_len, base), doc_terms
    doc = pairs >> term_bits
    pairs &= term_mask
    pairs <<= doc_bits
    pairs |= doc
    pairs <<= tf_bits
    pairs |= tf
    pairs.sort()
    freq = (pairs & ((1 << tf_bits) - 1)).astype(np.int32)
    pairs >>= tf_bits
    doc = (pairs & ((1 << doc_bits) - 1)).astype(np.int32)
    doc += base
    pairs >>= doc_bits
    return (pairs.astype(np.int32), doc, freq), doc_terms
