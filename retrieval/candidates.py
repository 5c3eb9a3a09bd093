"""The candidates of one question, measured: every candidate's ranking features as
columns (`Measured`), scored all at once (`Measured.scores`, bit for bit the
`ranking.Features.score` of each row), which of them the engine may list
(`Measured.listed`), and the records that ordering and folding near duplicates
read (`Scored`, `TermRows`, `Lacking`). `measure.Measurer` measures; this module
scores and sorts.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

import numpy as np

from retrieval import ranktrees
from retrieval.question import Wants
from retrieval.ranking import Features, Tuning


class Lacking:
    """For each candidate sid, the named things (and years) of the question its article
    lacks (`names`) and how many (`count`), read from a bool column each (row i is `sids[i]`)."""

    __slots__ = ("_labels", "_held", "_row_of", "_counts")

    def __init__(self, labels: list[str], held: np.ndarray, sids: list[int]) -> None:
        self._labels = labels
        self._held = held
        self._row_of = {sid: row for row, sid in enumerate(sids)}
        self._counts = dict(zip(sids, (~held).sum(axis=1).tolist()))

    def count(self, sid: int) -> int:
        return self._counts[sid]

    def names(self, sid: int) -> list[str]:
        held = self._held[self._row_of[sid]].tolist()
        return [name for name, has in zip(self._labels, held) if not has]


class TermRows:
    """Each candidate's distinct term ids (`[i]`: `Measured.sids[i]`'s), kept as the index's
    runs of them: folding near duplicates asks how much of each candidate a kept hit's
    terms cover, for every candidate at once (`near_duplicates`), not pair by pair."""

    __slots__ = ("_owner", "_term_ids", "_starts", "_row_of", "_sizes", "_vocabulary")

    def __init__(
        self, owner: np.ndarray, term_ids: np.ndarray, starts: np.ndarray, row_of: np.ndarray, vocabulary: int
    ) -> None:
        """`term_ids[starts[r]:starts[r + 1]]` are row r's distinct terms (`owner` r), and
        candidate i is row `row_of[i]`."""
        self._owner = owner
        self._term_ids = term_ids
        self._starts = starts
        self._row_of = row_of
        self._sizes = np.diff(starts)
        self._vocabulary = vocabulary

    def __len__(self) -> int:
        return int(self._row_of.shape[0])

    def __getitem__(self, i: int) -> frozenset[int]:
        row = int(self._row_of[i])
        return frozenset(self._term_ids[self._starts[row] : self._starts[row + 1]].tolist())

    def __iter__(self) -> Iterator[frozenset[int]]:
        return (self[i] for i in range(len(self)))

    def near_duplicates(self, i: int, threshold: float) -> list[bool]:
        """Whether `overlap(self[i], self[j]) >= threshold`, for every candidate j: the same
        integer counts, divided as Python divides them (both exact in float64, one rounding)."""
        row = int(self._row_of[i])
        mine = np.zeros(self._vocabulary, dtype=bool)
        mine[self._term_ids[self._starts[row] : self._starts[row + 1]]] = True
        shared = np.bincount(self._owner[mine[self._term_ids]], minlength=self._sizes.shape[0])[self._row_of]
        smaller = np.minimum(self._sizes[row], self._sizes[self._row_of])
        overlap = np.divide(shared, smaller, out=np.zeros(smaller.shape[0]), where=smaller > 0)
        return (overlap >= threshold).tolist()


class Scored(NamedTuple):
    # A tuple, not a frozen dataclass: ~60 are made a question, and a frozen
    # dataclass sets each field through object.__setattr__.
    score: float
    window_coverage: float
    sid: int
    row: int  # the candidate's place in `Measured.sids` (and its other columns)


_SCORE, _SID = itemgetter(0), itemgetter(2)  # `Scored.score`, `Scored.sid`


def best_first(scored: list[Scored]) -> None:
    """Sort `scored` by score, best first, ties by sid: the order of `key=lambda item:
    (-item.score, item.sid)` (scores are finite), from two stable sorts on C-level keys
    instead of a tuple made per candidate (1% of a question's CPU at 200k)."""
    scored.sort(key=_SID)
    scored.sort(key=_SCORE, reverse=True)


@dataclass(frozen=True, slots=True)
class Measured:
    """Every candidate's features as columns (row i is `sids[i]`): scored all at once,
    and made into `Features` records only when asked (`features`, for benchmarks/ltr.py)."""

    sids: list[int]
    wanted: Wants
    own: np.ndarray
    neighbour: np.ndarray
    previous: np.ndarray  # BM25 of the sentence before where `anaphoric`, else 0.0
    anaphoric: np.ndarray
    coverage: np.ndarray
    window_coverage: np.ndarray
    article_coverage: np.ndarray
    offered: np.ndarray
    apposition: np.ndarray
    focus: np.ndarray | None  # None: the question has no focus noun
    own_share: np.ndarray
    proximity: np.ndarray
    novelty: np.ndarray
    names_missing: np.ndarray
    definition: np.ndarray | None  # None: no definition question (or not measured)
    lead: np.ndarray
    length: np.ndarray
    opens: np.ndarray
    # Not ranking features: each candidate's distinct term ids (folding near duplicates
    # compares them) and whether its article holds each thing the question names
    # (None when it names nothing).
    terms: TermRows
    names_in_article: np.ndarray | None
    agent: np.ndarray | None = None  # None: not measured (no `siapa` question), all False
    near: np.ndarray | None = None  # None: not measured (no time/number/place/name question), all False
    unit: np.ndarray | None = None  # None: not measured (no `berapa` question, or weight 0), all False
    predicate: np.ndarray | None = None  # None: not measured (trees off, or nothing named), all -1.0
    reason: np.ndarray | None = None  # None: not measured (no why-question), all False
    article_sentences: np.ndarray | None = None  # how many sentences each candidate's article has
    # The years the question names (`years`) and, a column each, whether each candidate's
    # article writes it or is dated in it, or is undated (`years_in_article`); both
    # empty/None unless the question names a year and `Tuning.article_dates`.
    years: tuple[str, ...] = ()
    years_in_article: np.ndarray | None = None

    @classmethod
    def nothing(cls, wanted: Wants) -> Measured:
        no, none = np.zeros(0), np.zeros(0, dtype=bool)
        return cls([], wanted, no, no, no, none, no, no, no, none, none, None, no, no, no, no, None, none,
                   np.zeros(0, dtype=np.int64), none, [], None)

    def on_topic(self, tuning: Tuning) -> np.ndarray | None:
        """Whether each candidate's article holds enough of what the question names to be
        on its topic (lacks fewer than `Tuning.names_share` of them, or, a whole story of
        `Tuning.story_sentences`, none); None when it names nothing."""
        held = self.names_in_article
        in_year = None if self.years_in_article is None else self.years_in_article.all(axis=1)
        if held is None:
            return in_year
        lacking = (~held).sum(axis=1)
        on_topic = lacking < tuning.names_share * held.shape[1]
        # A whole story names what it is about, so one lacking a named thing is not
        # about it; a short passage cut from a story may have lost the lead that names it.
        story = self.stories(tuning)
        on_topic[story] = lacking[story] == 0
        return on_topic if in_year is None else on_topic & in_year

    def stories(self, tuning: Tuning) -> np.ndarray:
        """Whether each candidate's article is a whole story (`Tuning.story_sentences`
        sentences or more) rather than a passage cut from one; with the setting off, or
        the sizes unmeasured, every article is read as a passage."""
        if not tuning.story_sentences or self.article_sentences is None:
            return np.zeros(len(self.sids), dtype=bool)
        return self.article_sentences >= tuning.story_sentences

    def lacking(self, names: list[str]) -> Lacking | None:
        """Which of the question's `names` (`names_in_article`'s columns) and years each
        candidate's article lacks; None when the question names neither."""
        columns = [c for c in (self.names_in_article, self.years_in_article) if c is not None]
        if not columns:
            return None
        labels = [*(names if self.names_in_article is not None else ()), *self.years]
        return Lacking(labels, np.hstack(columns) if len(columns) > 1 else columns[0], self.sids)

    def listed(self, tuning: Tuning, on_topic: np.ndarray | None = None) -> np.ndarray:
        """Which candidates the engine may list as answers: their window covers
        `Tuning.hit_coverage` of the question and, with `Tuning.names_filter`, they are
        `on_topic` (as `on_topic(tuning)` gives it). The one definition that search, the
        ranking trees' "gap" input (`ranktrees.gap`) and their fitting (benchmarks/ltr.py) read."""
        listed = self.window_coverage >= tuning.hit_coverage
        if tuning.names_filter:
            if on_topic is None:
                on_topic = self.on_topic(tuning)
            if on_topic is not None:
                listed &= on_topic
        return listed

    def features(self) -> list[Features]:
        """The `Features` of every candidate, in `sids` order."""
        wanted = self.wanted
        typed = wanted not in (Wants.ANYTHING, Wants.NAME)
        focus = self.focus.tolist() if self.focus is not None else [None] * len(self.sids)
        definition = self.definition.tolist() if self.definition is not None else [None] * len(self.sids)
        agent = self.agent.tolist() if self.agent is not None else [False] * len(self.sids)
        near = self.near.tolist() if self.near is not None else [False] * len(self.sids)
        unit = self.unit.tolist() if self.unit is not None else [False] * len(self.sids)
        predicate = self.predicate.tolist() if self.predicate is not None else [-1.0] * len(self.sids)
        reason = self.reason.tolist() if self.reason is not None else [False] * len(self.sids)
        return [
            Features(
                own=own,
                neighbour=neighbour,
                previous=previous if anaphoric else None,
                coverage=coverage,
                window_coverage=window,
                article_coverage=article,
                # A proper name is its own feature: capitals are a weaker sign than a
                # person's full name or a number, so it must not share their weights.
                type_match=offered if typed else None,
                apposition=apposition,
                name_match=offered if wanted is Wants.NAME else None,
                focus_match=focus_match,
                own_share=share,
                proximity=close,
                novelty=novelty,
                names_missing=names_missing,
                definition=defines,
                lead=lead,
                wanted=wanted,
                length=length,
                opens=opens,
                agent=by,
                near=beside,
                unit=measured,
                predicate=said,
                reason=because,
            )
            for (own, neighbour, previous, anaphoric, coverage, window, article, offered, apposition, focus_match,
                 share, close, novelty, names_missing, defines, lead, length, opens, by, beside, measured, said,
                 because) in zip(
                self.own.tolist(), self.neighbour.tolist(), self.previous.tolist(), self.anaphoric.tolist(),
                self.coverage.tolist(), self.window_coverage.tolist(), self.article_coverage.tolist(),
                self.offered.tolist(), self.apposition.tolist(), focus, self.own_share.tolist(),
                self.proximity.tolist(), self.novelty.tolist(), self.names_missing.tolist(), definition,
                self.lead.tolist(), self.length.tolist(), self.opens.tolist(), agent, near, unit, predicate, reason,
            )
        ]

    def scores(self, tuning: Tuning, *, listed: np.ndarray | None = None) -> list[float]:
        """`Features.score(tuning)` of every candidate, bit for bit: the same IEEE
        operations in the same order, column by column instead of row by row
        (`math` for the logarithms and exp, whose NumPy versions may round differently);
        with `tuning.trees`, times exp of the ranking trees' sum (`retrieval.ranktrees`),
        which read the question's other candidates too (`listed`: `self.listed(tuning)`,
        when the caller has it already)."""
        hand = self._hand_scores(tuning)
        if not tuning.learned:
            return hand.tolist()
        log, log1p = math.log, math.log1p
        n = len(self.sids)
        wanted = self.wanted
        typed = wanted not in (Wants.ANYTHING, Wants.NAME)
        named = wanted is Wants.NAME
        never = np.zeros(n, dtype=bool)
        yes = self.offered if typed else never
        no = ~self.offered if typed else never
        focus_yes = self.focus if self.focus is not None else never
        focus_no = ~self.focus if self.focus is not None else never
        define_yes = self.definition if self.definition is not None else never
        define_no = ~self.definition if self.definition is not None else never
        columns: list[np.ndarray | list[float]] = [
            np.array([log(max(h, 1e-6)) for h in hand.tolist()]),
            np.array([log1p(x) for x in self.neighbour.tolist()]),
            np.array([log1p(x) for x in self.previous.tolist()]),  # 0.0 where not anaphoric: log1p(0.0)
            self.window_coverage,
            self.article_coverage,
            yes,
            no,
            self.own_share,
            self.proximity,
            self.novelty,
            self.offered if named else never,
            ~self.offered if named else never,
            focus_yes,
            focus_no,
            self.apposition,
            self.names_missing,
            define_yes,
            define_no,
            self.lead,
            yes if wanted is Wants.TIME else never,
            no if wanted is Wants.TIME else never,
            yes if wanted is Wants.NUMBER else never,
            no if wanted is Wants.NUMBER else never,
            yes if wanted is Wants.PLACE else never,
            yes if wanted is Wants.PERSON else never,
            np.array([log1p(x) for x in self.length.tolist()]),
            self.opens & define_yes,
            self.agent if self.agent is not None and wanted is Wants.PERSON else never,
            self.near if self.near is not None and wanted is Wants.TIME else never,
            self.near if self.near is not None and wanted is Wants.NUMBER else never,
            self.near if self.near is not None and wanted is Wants.PLACE else never,
            self.near if self.near is not None and wanted is Wants.NAME else never,
            self.unit if self.unit is not None and wanted is Wants.NUMBER else never,
            self.reason if self.reason is not None else never,
        ]
        if len(columns) != len(Features.NAMES):
            # `Features.vector` changed and these columns were not told: score row by row.
            rows = self.features()
            if not tuning.trees or not rows:
                return [features.score(tuning) for features in rows]
            columns = [list(column) for column in zip(*(features.vector(tuning) for features in rows), strict=True)]
        # sum(map(mul, learned, vector)) left to right: 0 + w0*v0 + w1*v1 + ...
        total = np.zeros(n)
        for weight, column in zip(tuning.learned, columns):
            if column is never or weight == 0.0:
                # Adds a zero to every row (the columns are finite): no row changes, as
                # a sum that starts at +0.0 is never -0.0. Most questions leave half the
                # columns `never` (the kinds they do not ask for).
                continue
            total = total + weight * np.asarray(column, dtype=np.float64)
        if tuning.trees and n:
            total = total + self._trees(columns, total, tuning, listed)
        exp = math.exp
        return [exp(x) for x in total.tolist()]

    def _trees(
        self, columns: list[np.ndarray | list[float]], linear: np.ndarray, tuning: Tuning, listed: np.ndarray | None
    ) -> np.ndarray:
        """The shipped ranking trees' sum for every candidate, from `Features.NAMES`'
        columns and `ranktrees.EXTRA`."""
        model = ranktrees.shipped()
        by_name = dict(zip(Features.NAMES, columns))
        # Column-major: each column written in one stretch, and `evaluate` reads them so.
        x = np.empty((len(linear), len(model.inputs)), order="F")
        for i, name in enumerate(model.inputs):
            if name in by_name:
                column = by_name[name]
            elif name == "wants":
                column = float(ranktrees.WANTS.index(self.wanted))
            elif name == "coverage":
                column = self.coverage
            elif name == "log_own":
                column = ranktrees.log_own(self.own)
            elif name == "predicate":
                column = self.predicate if self.predicate is not None else -1.0
            elif name == "linear":
                column = linear
            elif name == "gap":
                column = ranktrees.gap(linear, self.listed(tuning) if listed is None else listed)
            else:
                raise ranktrees.ModelError(f"ranking trees {ranktrees.MODEL_PATH}: unknown input {name!r}")
            x[:, i] = column
        return model.evaluate(x)

    def _hand_scores(self, tuning: Tuning) -> np.ndarray:
        """`Features.hand_score` of every candidate, operation for operation."""
        score = self.own + tuning.context_weight * self.neighbour
        if tuning.anaphora_weight:
            score = np.where(self.anaphoric, np.maximum(score, self.own + tuning.anaphora_weight * self.previous), score)
        score = score * (1.0 + tuning.coverage_weight * self.coverage)
        score = score * (1.0 + tuning.article_weight * self.article_coverage)
        if self.wanted not in (Wants.ANYTHING, Wants.NAME):
            score = np.where(self.offered, score * (1.0 + tuning.type_bonus), score * (1.0 - tuning.type_penalty))
        return np.where(self.apposition, score * (1.0 + tuning.apposition_bonus), score)


def overlap(a: frozenset[int], b: frozenset[int]) -> float:
    """Share of the smaller sentence's terms found in the other (containment)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
