"""Measure one question's candidates: the BM25 pool and the neighbours of its best,
every candidate's ranking features as columns (`candidates.Measured`), read together
from the index's arrays (term runs, word positions, whole articles as slices of the
doc-major view), not sentence by sentence. `search.Engine` makes one `Measurer` and
asks it for each question's candidates; `candidates.Measured` scores them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from retrieval import ranktrees
from retrieval.candidates import Measured, TermRows
from retrieval.dating import date_units, is_year
from retrieval.index import Bm25Index, sorted_unique
from retrieval.question import Wants, defines, gives_measure, gives_reason, names_agent, offers_each
from retrieval.ranking import Features, Query, Question, Tuning, Unit, proximity
from retrieval.records import Sentence
from retrieval.text import Analyzer

_ARTICLE_CACHE_SIZE = 20_000
# A sentence whose first this many words hold a word of the question is about it.
_OPENING_WORDS = 3
_ANAPHORA = re.compile(
    r"^[\W_]*(hal\s+(ini|itu|tersebut)|(dia|ia|beliau|mereka|keduanya)\b|(pernyataan|langkah|keputusan|"
    r"kebijakan|peristiwa|kejadian)\s+(ini|itu|tersebut)|demikian|he\b|she\b|they\b|this\b)",
    re.IGNORECASE,
)


class Measurer:
    """What measuring reads of a corpus (its index, sentences and each sid's article
    number) and the caches that last across questions: each article's terms and term
    ids, where each article's sids begin, the features a tuning cannot weigh."""

    _article_bounds: np.ndarray | None = None  # see _bounds
    _skipped_for: tuple[Tuning, frozenset[str]] | None = None  # see _skipped

    def __init__(
        self,
        *,
        index: Bm25Index,
        sentences: Sequence[Sentence],
        analyzer: Analyzer,
        article_of: np.ndarray,
        retired: np.ndarray | None,
        dated: Callable[[int], frozenset[str]] | None = None,
    ) -> None:
        """`article_of`: the article (version) number of every sid, an article's sids
        consecutive; `retired`: a bool per sid, True for a sentence never quoted (None: none);
        `dated`: the terms an article (version) number's date says (`retrieval.dating`)."""
        self._dated = dated
        self._index = index
        self._sentences = sentences
        self._analyzer = analyzer
        self._article_of = article_of
        self._retired = retired
        self._article_term_cache: dict[int, frozenset[str]] = {}
        self._article_id_cache: dict[int, frozenset[int]] = {}

    def candidates(self, query: Query, *, tuning: Tuning, pool: int, full: bool) -> Measured:
        """The `pool` best BM25 sentences and the neighbours of the best of them
        (`tuning.neighbour_pool`), their features and each one's distinct term ids (for
        folding duplicates). `full` measures every feature; else those `tuning` weighs 0
        (and the ranking trees do not read) are left out: they cannot change a score."""
        query_terms = query.terms
        ids, scores = self._top(query_terms, pool)
        bm25 = dict(zip(ids.tolist(), scores.tolist()))
        # The answer often sits beside the sentence that repeats the question's
        # words ("Dia merebut medali emas ..." follows the name): neighbours of the
        # best candidates compete too, carried by their neighbour's score.
        extra = sorted(set(self._neighbours_of(ids[: tuning.neighbour_pool])) - bm25.keys())
        # The candidates in the order `bm25` keeps them once the extra ones are added,
        # and whether each has a sentence before / after it in its article (found once).
        sids = [*bm25, *extra]
        cand = np.asarray(sids, dtype=np.int64)
        flags = self._neighbour_flags(cand)
        # Every candidate's neighbours need an exact score too (`_neighbour_scores`):
        # one scoring pass for them and the extra candidates (a doc's score does not
        # depend on which others are scored with it).
        around = set((cand[flags[0]] - 1).tolist() + (cand[flags[1]] + 1).tolist()) - bm25.keys()
        wanted = sorted(around.union(extra))
        known = dict(zip(wanted, self._index.scores_for(query_terms, wanted).tolist())) if wanted else {}
        bm25.update((sid, known[sid]) for sid in extra)
        neighbours = self._neighbour_scores(bm25, known, flags=flags)
        question = Question.read(query, best=max(bm25.values(), default=0.0))
        skip = self._skipped(tuning) if not full else frozenset()
        return self._measure(
            sids, question, bm25=bm25, neighbours=neighbours, skip=skip, flags=flags, dates=tuning.article_dates
        )

    def _measure(
        self,
        sids: list[int],
        question: Question,
        *,
        bm25: dict[int, float],
        neighbours: dict[int, float],
        skip: frozenset[str],
        flags: tuple[np.ndarray, np.ndarray] | None = None,
        dates: bool = True,
    ) -> Measured:
        """Every candidate's features, measured together from the index's arrays.

        Equal, value for value, to measuring each sentence on its own
        (`tests/test_measure.py` holds the one-at-a-time reference): coverage
        sums unit weights in unit order, the shares divide the same integers.
        """
        if not sids:
            return Measured.nothing(question.wanted)
        index = self._index
        n = len(sids)
        article_of = self._article_of
        cand = np.asarray(sids, dtype=np.int64)
        arts = article_of[cand]
        # Neighbours in the same article (-1: none), as `_neighbours` finds them.
        before = cand - 1
        after = cand + 1
        has_before, has_after = flags if flags is not None else self._neighbour_flags(cand)
        # Rows: the candidates, then every neighbour that is not one.
        rows = sorted_unique(np.concatenate([cand, before[has_before], after[has_after]]))
        row_of = np.searchsorted(rows, cand)
        owner, term_ids = index.doc_term_runs(rows)
        units = question.units
        weights = [u.weight for u in units]
        # Which of the question's term sets each term is in, one bit a set: units, then
        # the question's terms, its focus and the things it names.
        sets = [u.terms for u in units]
        in_question_bit = len(sets)
        sets.append(question.terms)
        focus_bit = len(sets)
        sets.append(question.focus)
        names_bit = len(sets)
        sets += [frozenset().union(*needed) for _name, needed in question.names]
        bits = self._bits(sets)
        term_bits = bits[term_ids] if bits is not None else None
        starts = np.searchsorted(owner, np.arange(rows.shape[0] + 1))
        before_row = np.searchsorted(rows, before[has_before])
        after_row = np.searchsorted(rows, after[has_after])
        window_bits = None

        def in_window(per_row: np.ndarray) -> np.ndarray:
            # Each candidate's row ORed with its neighbours' rows in the same article.
            window = per_row[row_of]
            window[has_before] |= per_row[before_row]
            window[has_after] |= per_row[after_row]
            return window

        if term_bits is not None:
            # One mask a row; a window's is its rows' OR, read for the units and the names alike.
            row_bits = _or_runs(term_bits, starts)
            own_bits = row_bits[row_of]
            window_bits = in_window(row_bits)
            own_hits = _bit_columns(own_bits, 0, len(units))
            window_hits = _bit_columns(window_bits, 0, len(units))
        else:
            unit_hits = self._unit_hits(units, owner, term_ids, rows.shape[0])
            own_hits = unit_hits[row_of]
            window_hits = in_window(unit_hits)
        # Whole articles: one slice of the doc-major view each.
        distinct_arts, art_row = sorted_unique(arts, inverse=True)
        bounds = self._bounds()
        lo, hi = bounds[distinct_arts], bounds[distinct_arts + 1]
        art_owner, art_terms = index.doc_term_runs_between(lo, hi)
        names_in_article = None
        if bits is not None:
            art_starts = np.searchsorted(art_owner, np.arange(distinct_arts.shape[0] + 1))
            article_bits = _or_runs(bits[art_terms], art_starts)[art_row.reshape(-1)]
            article_hits = _bit_columns(article_bits, 0, len(units))
            if question.names:
                names_in_article = _bit_columns(article_bits, names_bit, len(question.names))
        else:
            article_hits = self._unit_hits(units, art_owner, art_terms, distinct_arts.shape[0])[art_row.reshape(-1)]
            if question.names:
                names_in_article = self._names_in_articles(question, distinct_arts)[art_row.reshape(-1)]
        years: tuple[str, ...] = ()
        years_in_article = None
        dated = self._dated if dates else None
        if dated is not None and (dated_units := date_units(units)):
            # Every sentence of an article holds what its date says ("2016", "Desember").
            said_by = [dated(number) for number in distinct_arts.tolist()]
            said = _date_hits(units, dated_units, said_by)[art_row.reshape(-1)]
            own_hits, window_hits, article_hits = own_hits | said, window_hits | said, article_hits | said
            year_units = [i for i in dated_units if any(map(is_year, units[i].terms))]
            if year_units:
                # A dated story of another year that never writes the one asked is not
                # about it; an undated article (a passage) may be.
                undated = np.array([not terms for terms in said_by], dtype=bool)[art_row.reshape(-1)]
                years_in_article = article_hits[:, year_units] | undated[:, None]
                years = tuple(min(t for t in units[i].terms if is_year(t)) for i in year_units)
        own_cov, window_cov, article_cov = _coverages(weights, (own_hits, window_hits, article_hits))

        # Distinct terms of each candidate (ids: the same counts and overlaps as names).
        own_terms = TermRows(owner, term_ids, starts, row_of, index.vocabulary_size)
        counts = np.diff(starts)[row_of]
        if term_bits is not None:
            asked = (term_bits >> np.uint64(in_question_bit)) & np.uint64(1)
        else:
            asked = self._member(term_ids, question.terms)
        in_question = np.bincount(owner[asked.astype(bool)], minlength=rows.shape[0])[row_of]
        # (c - q) / c of ints, as Python divides them: both exact in float64, one rounding.
        novelty = np.divide(counts - in_question, counts, out=np.zeros(n), where=counts > 0)
        focus: np.ndarray | None = None
        if question.focus:
            if term_bits is not None:
                focus = _bit_columns(own_bits, focus_bit, 1)[:, 0]
            else:
                focus = np.bincount(owner[self._member(term_ids, question.focus)], minlength=rows.shape[0])[row_of] > 0

        proximity_of, opens = self._word_features(cand, question)
        wanted = question.wanted
        predicate = None
        if question.names and "predicate" not in skip:
            named = frozenset().union(*(terms for _name, needed in question.names for terms in needed))
            rest = [i for i, unit in enumerate(units) if unit.terms.isdisjoint(named)]
            if rest and len(rest) < len(units):
                rest_weights = [weights[i] for i in rest]
                predicate = _coverage(rest_weights, own_hits[:, rest], sum(rest_weights))
        best = question.best
        texts = self._texts(sids)
        own = np.fromiter((bm25[sid] for sid in sids), dtype=np.float64, count=n)
        # A sentence opening with a reference to the one before ("Hal ini", "Dia")
        # inherits that one's BM25, when it is a candidate too.
        anaphoric = np.zeros(n, dtype=bool)
        previous = np.zeros(n)
        for i in np.flatnonzero(has_before).tolist():
            before_sid = sids[i] - 1
            if before_sid in bm25 and _ANAPHORA.match(texts[i]):
                anaphoric[i] = True
                previous[i] = bm25[before_sid]
        # The apposition only counts for a person asked about; for a time, number, place
        # or name the thing beside a question word is its own feature (`near`).
        near_kind = wanted in _NEAR_KINDS and _NEAR_KINDS[wanted] not in skip
        offers = np.asarray(
            offers_each(texts, wanted, question=question.text, beside=wanted is Wants.PERSON or near_kind),
            dtype=bool,
        ).reshape(n, 2)
        offered = offers[:, 0]
        apposition = offers[:, 1] if wanted is Wants.PERSON else np.zeros(n, dtype=bool)
        names_missing = np.zeros(n)
        if question.names and "names_missing" not in skip:
            if window_bits is not None:
                window = _bit_columns(window_bits, names_bit, len(question.names))
            else:
                held = self._names_held(question, owner, term_ids, rows.shape[0])
                window = in_window(held)
            names_missing = (~window).sum(axis=1) / len(question.names)
        definition = None
        if question.definition and "definition" not in skip:
            definition = np.fromiter((defines(text) for text in texts), dtype=bool, count=n)
        measured = Measured(
            sids=sids,
            wanted=wanted,
            own=own,
            neighbour=np.fromiter((neighbours.get(sid, 0.0) for sid in sids), dtype=np.float64, count=n),
            previous=previous,
            anaphoric=anaphoric,
            coverage=own_cov,
            window_coverage=window_cov,
            article_coverage=article_cov,
            offered=offered,
            apposition=apposition,
            focus=focus,
            own_share=own / best if best else np.zeros(n),
            proximity=proximity_of,
            novelty=novelty,
            names_missing=names_missing,
            definition=definition,
            # The first indexable sentence of its article: no earlier sid of the same one.
            lead=~has_before if "lead" not in skip else np.zeros(n, dtype=bool),
            length=index.doc_lengths(cand),
            opens=opens,
            terms=own_terms,
            names_in_article=names_in_article,
            article_sentences=(hi - lo)[art_row.reshape(-1)],
            years=years,
            years_in_article=years_in_article,
            agent=(
                np.fromiter((names_agent(text) for text in texts), dtype=bool, count=n)
                if wanted is Wants.PERSON else None
            ),
            near=offers[:, 1] if near_kind else None,
            unit=(
                np.fromiter((gives_measure(text, question.text) for text in texts), dtype=bool, count=n)
                if wanted is Wants.NUMBER and "number_unit" not in skip else None
            ),
            predicate=predicate,
            reason=(
                np.fromiter((gives_reason(text) for text in texts), dtype=bool, count=n)
                if question.reason and "reason_yes" not in skip else None
            ),
        )
        return measured

    def _skipped(self, tuning: Tuning) -> frozenset[str]:
        """`_unweighted(tuning)`, found once per tuning (hashing a Tuning costs more than the lookup)."""
        known = self._skipped_for
        if known is None or known[0] is not tuning:
            known = self._skipped_for = (tuning, _unweighted(tuning))
        return known[1]

    def _names_in_articles(self, question: Question, numbers: np.ndarray) -> np.ndarray:
        """(articles, names) bool: whether article `numbers[i]` holds a distinctive word of
        each thing the question names (`missing_names`), by term id (past the 64 sets
        `_bits` marks): a term the index lacks is in no article."""
        term_id = self._index.term_id
        needed_ids = [
            tuple(frozenset(i for t in terms if (i := term_id(t)) is not None) for terms in needed)
            for _name, needed in question.names
        ]
        held = np.zeros((len(numbers), len(needed_ids)), dtype=bool)
        for row, number in enumerate(numbers.tolist()):
            article = self._article_term_ids(int(number))
            for j, needed in enumerate(needed_ids):
                held[row, j] = any(not article.isdisjoint(ids) for ids in needed)
        return held

    def _names_held(self, question: Question, owner: np.ndarray, term_ids: np.ndarray, n_rows: int) -> np.ndarray:
        """(rows, names) bool: whether the row holds the named thing (`Question.missing`):
        a thing is held when any of its distinctive words' terms is, one lookup of their union."""
        names = question.names
        held = np.zeros((n_rows, len(names)), dtype=bool)
        for j, (_name, needed) in enumerate(names):
            held[owner[self._member(term_ids, frozenset().union(*needed))], j] = True
        return held

    def _bits(self, sets: list[frozenset[str]]) -> np.ndarray | None:
        """For every term id, the sets of `sets` holding it as bit j for set j (None past 64 sets)."""
        if len(sets) > 64:
            return None
        term_id = self._index.term_id
        # Each term's mask gathered in Python, then one assignment (not one a set).
        masks: dict[int, int] = {}
        for j, terms in enumerate(sets):
            bit = 1 << j
            for term in terms:
                if (t := term_id(term)) is not None:
                    masks[t] = masks.get(t, 0) | bit
        bits = np.zeros(self._index.vocabulary_size, dtype=np.uint64)
        if masks:
            bits[np.fromiter(masks, dtype=np.int64, count=len(masks))] = np.fromiter(
                masks.values(), dtype=np.uint64, count=len(masks)
            )
        return bits

    def _unit_hits(self, units: list[Unit], owner: np.ndarray, term_ids: np.ndarray, rows: int) -> np.ndarray:
        """(rows, units) bool: whether row's terms include one of the unit's."""
        hits = np.zeros((rows, len(units)), dtype=bool)
        for j, unit in enumerate(units):
            hits[owner[self._member(term_ids, unit.terms)], j] = True
        return hits

    def _member(self, term_ids: np.ndarray, terms: Iterable[str]) -> np.ndarray:
        """Whether each of `term_ids` is one of `terms` (a lookup table: np.isin sorts, and costs more)."""
        index = self._index
        table = np.zeros(index.vocabulary_size, dtype=bool)
        found = [t for term in terms if (t := index.term_id(term)) is not None]
        if found:
            table[found] = True
        return table[term_ids]

    def _word_features(self, cand: np.ndarray, question: Question) -> tuple[np.ndarray, np.ndarray]:
        """Every candidate's `ranking.proximity` and whether a question word is among its
        first `_OPENING_WORDS` words, from the index's word positions at once."""
        words = question.words
        n = cand.shape[0]
        if not self._index.has_words:
            word_ids = {t: name for name in frozenset().union(*words) if (t := self._index.term_id(name)) is not None}
            placed = [self._word_terms(sid, self._sentences[sid].text, word_ids) for sid in cand.tolist()]
            return (
                np.asarray([proximity(words, p) if len(words) > 1 else 0.0 for p in placed], dtype=np.float64),
                np.asarray([any(terms for _word, terms in p[:_OPENING_WORDS]) for p in placed], dtype=bool),
            )
        owner, position, term = self._index.word_runs(cand)
        opens = np.zeros(n, dtype=bool)
        in_word = self._word_bits(term, words)
        if in_word is None:
            early = (position < _OPENING_WORDS) & self._member(term, frozenset().union(*words))
        else:
            early = (position < _OPENING_WORDS) & (in_word != 0)
        opens[owner[early]] = True
        if len(words) < 2:
            return np.zeros(n), opens
        if in_word is not None:
            return self._close_pairs(owner, position, in_word, n, len(words)), opens
        # Over 64 question words: one key per (candidate, word position); positions never reach 2**32.
        key = (owner << 32) | position.astype(np.int64)
        keys = [np.sort(key[self._member(term, w)]) for w in words]
        close = np.zeros(n, dtype=np.int64)
        for a, b in zip(keys, keys[1:]):
            near = np.zeros(n, dtype=bool)
            if a.size and b.size:
                # Every step of every key of `a` searched at once, a row of _STEPS a key.
                # Stepping below position 0 lands on the previous candidate's 2**32 - 2,
                # which no sentence reaches: no false pair across candidates.
                moved = (a[:, None] + _STEPS).reshape(-1)
                at = np.minimum(np.searchsorted(b, moved), b.shape[0] - 1)
                found = (b[at] == moved).reshape(-1, _STEPS.shape[0]).any(axis=1)
                near[a[found] >> 32] = True
            close += near
        return close / (len(words) - 1), opens

    @staticmethod
    def _close_pairs(owner: np.ndarray, position: np.ndarray, in_word: np.ndarray, n: int, count: int) -> np.ndarray:
        """`ranking.proximity` of each of `n` candidates from its words' question-word bits
        (`_word_bits`, bit j for word j of `count`): the share of pairs j, j + 1 found at two
        positions of one candidate 1 or 2 words apart, every pair at once."""
        held = in_word != 0
        key = (owner[held] << 32) | position[held].astype(np.int64)
        bits = in_word[held]
        if key.size > 1 and (key[1:] < key[:-1]).any():
            order = np.argsort(key, kind="stable")
            key, bits = key[order], bits[order]
        # One entry a (candidate, position), its terms' bits together.
        if key.size:
            first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
            key, bits = key[first], np.bitwise_or.reduceat(bits, first)
        near = np.zeros(n, dtype=np.uint64)
        one = np.uint64(1)
        # Positions of one candidate rise strictly entry by entry, so two within 2 words
        # of each other are at most 2 entries apart.
        for step in (1, 2):
            if key.size <= step:
                break
            a, b = key[:-step], key[step:]
            close = ((a >> 32) == (b >> 32)) & ((b & 0xFFFFFFFF) - (a & 0xFFFFFFFF) <= 2)
            x, y = bits[:-step][close], bits[step:][close]
            # Bit j: word j at one place and word j + 1 at the other, either way round.
            pairs = (x & (y >> one)) | (y & (x >> one))
            np.bitwise_or.at(near, (a[close] >> 32), pairs)
        wanted = np.uint64((1 << (count - 1)) - 1)
        return np.bitwise_count(near & wanted).astype(np.int64) / (count - 1)

    def _word_bits(self, term_ids: np.ndarray, words: list[frozenset[str]]) -> np.ndarray | None:
        """Bit j set where a term id is one of word j's terms (None past 64 words): a search among
        the question's few term ids, not a table as long as the vocabulary for each word."""
        if len(words) > 64:
            return None
        index = self._index
        masks: dict[int, int] = {}
        for j, terms in enumerate(words):
            for name in terms:
                t = index.term_id(name)
                if t is not None:
                    masks[t] = masks.get(t, 0) | (1 << j)
        if not masks:
            return np.zeros(term_ids.shape[0], dtype=np.uint64)
        ids = np.fromiter(sorted(masks), dtype=np.int64, count=len(masks))
        bits = np.fromiter((masks[t] for t in ids.tolist()), dtype=np.uint64, count=len(masks))
        at = np.minimum(np.searchsorted(ids, term_ids), ids.shape[0] - 1)
        return np.where(ids[at] == term_ids, bits[at], np.uint64(0))

    def _texts(self, sids: list[int]) -> list[str]:
        texts = getattr(self._sentences, "texts", None)
        if callable(texts):
            return texts(sids)
        return [self._sentences[sid].text for sid in sids]

    def _bounds(self) -> np.ndarray:
        bounds = self._article_bounds
        if bounds is None:
            # First sid of every article number (and the end), found once.
            bounds = self._article_bounds = np.searchsorted(
                self._article_of, np.arange(int(self._article_of[-1]) + 2), side="left"
            )
        return bounds

    def _top(self, query_terms: list[str], pool: int) -> tuple[np.ndarray, np.ndarray]:
        """The index's `top`, without sentences of replaced article versions."""
        ids, scores = self._index.top(query_terms, pool)
        retired = self._retired
        if retired is None:
            return ids, scores
        want = pool
        while True:
            live = ~retired[ids]
            if int(live.sum()) >= pool or ids.size < want:
                return ids[live][:pool], scores[live][:pool]
            want *= 2
            ids, scores = self._index.top(query_terms, want)

    def _word_terms(self, sid: int, text: str, wanted: dict[int, str]) -> list[tuple[str, tuple[str, ...]]]:
        """`Analyzer.word_terms(text)` as far as the question's terms go, read from the index.

        Only terms in `wanted` (id -> term) are kept and surface words are left
        blank: proximity looks up nothing else, so its value is the same as over
        the full analysis, without analysing the sentence again.
        """
        if not self._index.has_words:
            return self._analyzer.word_terms(text)
        positions, term_ids = self._index.words_of(sid)
        found: dict[int, list[str]] = {}
        for position, term in zip(positions.tolist(), term_ids.tolist()):
            name = wanted.get(term)
            if name is not None:
                found.setdefault(position, []).append(name)
        if not found:
            return []
        words: list[tuple[str, tuple[str, ...]]] = [("", ())] * (max(found) + 1)
        for position, names in found.items():
            words[position] = ("", tuple(names))
        return words

    def _neighbour_flags(self, sids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether each of `sids` has a sentence before / after it in the same article."""
        article_of = self._article_of
        sids = np.asarray(sids, dtype=np.int64)
        before, after = sids - 1, sids + 1
        has_before = before >= 0
        has_before[has_before] = article_of[before[has_before]] == article_of[sids[has_before]]
        has_after = after < article_of.shape[0]
        has_after[has_after] = article_of[after[has_after]] == article_of[sids[has_after]]
        return has_before, has_after

    def _neighbours_of(self, sids: np.ndarray) -> list[int]:
        """Every neighbour of every sid of `sids` (repeats possible)."""
        sids = np.asarray(sids, dtype=np.int64)
        has_before, has_after = self._neighbour_flags(sids)
        return (sids[has_before] - 1).tolist() + (sids[has_after] + 1).tolist()

    def _neighbour_scores(
        self, bm25: dict[int, float], others: dict[int, float], *, flags: tuple[np.ndarray, np.ndarray] | None = None
    ) -> dict[int, float]:
        """Best BM25 among each candidate's neighbours (`others` scores those that are not candidates;
        `flags`: `_neighbour_flags` of the candidates in `bm25`'s order, when known)."""
        known = {**others, **bm25}
        sids = list(bm25)
        has_before, has_after = flags if flags is not None else self._neighbour_flags(np.asarray(sids, dtype=np.int64))
        out: dict[int, float] = {}
        for sid, b, a in zip(sids, has_before.tolist(), has_after.tolist()):
            # max() over the neighbours in order (before, then after).
            if b and a:
                out[sid] = max(known[sid - 1], known[sid + 1])
            elif b:
                out[sid] = known[sid - 1]
            elif a:
                out[sid] = known[sid + 1]
            else:
                out[sid] = 0.0
        return out

    def article_terms(self, sid: int) -> frozenset[str]:
        """Distinct terms of the whole article that sentence `sid` belongs to (also read by the
        engine's judging: names spelled otherwise, the abstention signals)."""
        number = self._article_of[sid]  # a NumPy scalar: searchsorted then needs no cast of the array
        terms = self._article_term_cache.get(int(number))
        if terms is None:
            if len(self._article_term_cache) >= _ARTICLE_CACHE_SIZE:
                self._article_term_cache.clear()
            bounds = self._bounds()
            lo, hi = int(bounds[number]), int(bounds[number + 1])
            # An article's sids are consecutive: its terms are one slice of the doc-major view.
            terms = frozenset(self._index.term_names(self._index.doc_term_ids(lo, hi).tolist()))
            self._article_term_cache[int(number)] = terms
        return terms

    def date_terms(self, sid: int) -> frozenset[str]:
        """The terms the date of sentence `sid`'s article says (none when undated)."""
        return frozenset() if self._dated is None else self._dated(int(self._article_of[sid]))

    def _article_term_ids(self, number: int) -> frozenset[int]:
        """Distinct term ids of article (version) `number`."""
        terms = self._article_id_cache.get(number)
        if terms is None:
            if len(self._article_id_cache) >= _ARTICLE_CACHE_SIZE:
                self._article_id_cache.clear()
            bounds = self._bounds()
            terms = frozenset(self._index.doc_term_ids(int(bounds[number]), int(bounds[number + 1])).tolist())
            self._article_id_cache[number] = terms
        return terms


# The question kinds whose wanted thing beside a question word is a feature, and its name.
_NEAR_KINDS = {Wants.TIME: "time_near", Wants.NUMBER: "number_near", Wants.PLACE: "place_near", Wants.NAME: "name_near"}


@functools.lru_cache(maxsize=16)
def _unweighted(tuning: Tuning) -> frozenset[str]:
    """Features the score cannot read: weight 0 in the learned weights and not read by the
    ranking trees (the hand formula reads none of these)."""
    optional = ("names_missing", "definition", "lead", "number_unit", "predicate", "reason_yes", *_NEAR_KINDS.values())
    if not tuning.learned:
        return frozenset(optional)
    weights = dict(zip(Features.NAMES, tuning.learned))
    # The ranking trees read some features the weights do not.
    read = frozenset(ranktrees.shipped().inputs) if tuning.trees else frozenset()
    parts = {"names_missing": ("names_missing",), "definition": ("definition_yes", "definition_no"), "lead": ("lead",)}
    parts.update((name, (name,)) for name in (*_NEAR_KINDS.values(), "number_unit", "predicate", "reason_yes"))
    return frozenset(
        name for name in optional if all(weights.get(p, 0.0) == 0.0 and p not in read for p in parts[name])
    )


# The word distances `ranking.proximity` counts as close.
_STEPS = np.array([-2, -1, 1, 2], dtype=np.int64)


def _date_hits(units: list[Unit], dated_units: list[int], said_by: list[frozenset[str]]) -> np.ndarray:
    """Which of `units` (only those at `dated_units` can) each article's date says
    (`said_by`, one article a row): a bool row per article, a column per unit."""
    hits = np.zeros((len(said_by), len(units)), dtype=bool)
    for row, said in enumerate(said_by):
        if said:
            for i in dated_units:
                hits[row, i] = not units[i].terms.isdisjoint(said)
    return hits


def _coverage(weights: list[float], hits: np.ndarray, total: float) -> np.ndarray:
    """`ranking.coverage` per row of `hits`: covered weights summed in unit order, over the total."""
    if not total or not weights:
        return np.zeros(hits.shape[0])
    # cumsum adds left to right as Python's sum does; a 0.0 for a missed unit changes nothing.
    covered = np.cumsum(np.where(hits, np.asarray(weights), 0.0), axis=1)[:, -1]
    return covered / total


def _coverages(weights: list[float], hits: tuple[np.ndarray, ...]) -> list[np.ndarray]:
    """`_coverage` of each of `hits` (arrays of one shape), in one pass over them all."""
    n = hits[0].shape[0]
    together = _coverage(weights, np.concatenate(hits), sum(weights))
    return [together[i * n : (i + 1) * n] for i in range(len(hits))]


def _or_runs(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Bitwise OR of `values[starts[i]:starts[i + 1]]` for every i (0 for an empty run)."""
    out = np.zeros(starts.shape[0] - 1, dtype=np.uint64)
    filled = starts[1:] > starts[:-1]
    if values.size and filled.any():
        out[filled] = np.bitwise_or.reduceat(values, starts[:-1][filled])
    return out


def _bit_columns(masks: np.ndarray, first: int, count: int) -> np.ndarray:
    """(len(masks), count) bool: bit `first + j` of every mask in column j."""
    shifts = np.arange(first, first + count, dtype=np.uint64)
    return ((masks[:, None] >> shifts) & np.uint64(1)).astype(bool)
