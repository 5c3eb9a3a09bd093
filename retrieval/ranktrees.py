"""Regression trees added to the log-linear ranking score: what a weighted sum cannot say.

benchmarks/ltr.py (`--trees`) fits a few shallow trees on top of the shipped
`Tuning.learned` score (its log is their starting point), listwise per question,
and writes them to `ranktrees.json` beside this module: plain JSON, one nested
object per tree (`{"input": name, "at": threshold, "le": subtree, "gt": subtree}`
or `{"leaf": value}`; a value at or below `at` goes to `le`). The engine reads
them once and evaluates them for all of a question's candidates at once
(`RankTrees.evaluate`); the sum of the leaves reached is added to each
candidate's log score. `Tuning.trees` turns them off.

Their inputs are `Features.NAMES` (the learned score's features) and `EXTRA`:
what the question wants (`Wants`, as its index in `WANTS`), the sentence's own
coverage and BM25, the share of what the question asks beside its names that the
sentence holds (`Features.predicate`), and the log-linear score itself, absolute and as the gap to
the best candidate the engine may list (so a tree can tell a close second from a
distant one). `log_own` and `gap` form those inputs for the engine and the fitter alike.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.question import Wants

MODEL_PATH = Path(__file__).with_name("ranktrees.json")
FORMAT = "kutip-ranktrees/1"
# Read beside `Features.NAMES`: "wants" is `WANTS.index(wanted)`, "coverage" the
# sentence's idf-weighted share of the question's words, "log_own" log1p of its
# BM25 (`log_own`), "predicate" `Features.predicate`, "linear" the log-linear score and
# "gap" its distance below the best candidate the engine may list (`gap`).
EXTRA = ("wants", "coverage", "log_own", "predicate", "linear", "gap")
WANTS = tuple(Wants)
# Deeper trees would be both slower and likelier to fit one data set's quirks.
MAX_DEPTH = 6


class ModelError(ValueError):
    """The trees file cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True, slots=True, eq=False)
class RankTrees:
    """The trees, each padded to a complete tree of `depth` levels (heap order) so
    that all of them read all candidates together: through `by_outcome` when they are
    shallow, else walked one level at a time."""

    inputs: tuple[str, ...]  # the columns `evaluate` reads, in order
    depth: int
    split_input: np.ndarray  # (trees, 2**depth - 1) column of each split
    split_at: np.ndarray  # (trees, 2**depth - 1) its threshold; +inf where a leaf was padded
    leaves: np.ndarray  # (trees, 2**depth)
    trees: tuple[dict, ...]  # as read: the reference walk (tests) reads them
    # (trees, 2**splits) each tree's leaf for every combination of its splits' outcomes
    # (bit j: split j went right); None when trees are too deep for such a table.
    by_outcome: np.ndarray | None = None
    # The distinct (column, threshold) tests among all splits (trees share half of
    # theirs), and which of them each split is: each test made once a candidate.
    test_input: np.ndarray | None = None
    test_at: np.ndarray | None = None
    split_test: np.ndarray | None = None  # (trees, 2**depth - 1)

    @classmethod
    def read(cls, path: Path = MODEL_PATH) -> RankTrees:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ModelError(f"ranking trees {path}: cannot read ({error.strerror or error})") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelError(f"ranking trees {path}: not JSON ({error})") from None
        try:
            return cls.parse(data)
        except ModelError as error:
            raise ModelError(f"ranking trees {path}: {error}") from None

    @classmethod
    def parse(cls, data: object) -> RankTrees:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"not a {FORMAT} object")
        inputs, trees, wants = data.get("inputs"), data.get("trees"), data.get("wants")
        _input_names(inputs)
        if wants != [w.value for w in WANTS]:
            # The "wants" input is an index into this list: another order means other trees.
            raise ModelError(f'"wants" must be {[w.value for w in WANTS]}')
        return cls.of(inputs, trees)

    @classmethod
    def of(cls, inputs: object, trees: object) -> RankTrees:
        """Trees over any named `inputs` (a list of names, and nested split/leaf objects as
        above): the ranking trees once `parse` has checked their file, and the abstention
        model's (`retrieval.abstention`), whose inputs are `Signals`."""
        inputs = _input_names(inputs)
        if not isinstance(trees, list):
            raise ModelError('"trees" must be a list')
        depth = max((_depth(tree, inputs, f"tree {i}") for i, tree in enumerate(trees)), default=0)
        nodes = 2**depth - 1
        split_input = np.zeros((len(trees), nodes), dtype=np.intp)
        split_at = np.full((len(trees), nodes), math.inf)
        leaves = np.zeros((len(trees), 2**depth))
        for i, tree in enumerate(trees):
            _pad(tree, inputs, i, 0, 0, depth, split_input, split_at, leaves)
        tests, split_test = np.unique(
            np.stack([split_input.ravel().astype(np.float64), split_at.ravel()], axis=1), axis=0, return_inverse=True
        )
        return cls(
            tuple(inputs), depth, split_input, split_at, leaves, tuple(trees), _by_outcome(leaves, depth),
            tests[:, 0].astype(np.intp), tests[:, 1].copy(), split_test.reshape(split_input.shape),
        )

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        """The trees' sum for each row of `x` (one candidate a row, `inputs` its columns;
        fastest in Fortran order, as `retrieval.search` builds it)."""
        n, count = len(x), len(self.split_input)
        if not n or not count or not self.depth:
            return np.full(n, self.leaves.sum())
        if self.by_outcome is None or self.split_test is None:
            return self._walk(x)
        # Every distinct test at once, one row of outcomes a test (a gather of whole input
        # columns), then each tree's outcomes read as one number, one bit a split: which
        # leaf it reaches is `by_outcome`'s to say. Some 2x faster than walking the levels.
        columns = np.ascontiguousarray(x.T)
        passed = (np.take(columns, self.test_input, axis=0) > self.test_at.reshape(-1, 1)).view(np.uint8)
        split_test = self.split_test
        code = np.take(passed, split_test[:, 0], axis=0)
        for split in range(1, split_test.shape[1]):
            code |= np.take(passed, split_test[:, split], axis=0) << split
        # (candidate, tree) in C order, summed along each row as `_walk` sums: the same
        # leaves added in the same order, so the same sums to the last bit.
        at = np.ascontiguousarray(code.T) + np.arange(count) * self.by_outcome.shape[1]
        return self.by_outcome.ravel()[at].sum(axis=1)

    def _walk(self, x: np.ndarray) -> np.ndarray:
        """`evaluate` for any depth: each tree walked down by flat indexes into the
        outcomes of all splits, all trees and candidates together."""
        n, count = len(x), len(self.split_input)
        nodes = self.split_input.shape[1]
        right = (np.take(x, self.split_input.ravel(), axis=1) > self.split_at.ravel()).ravel()
        start = np.arange(n * count) * nodes  # where each (candidate, tree)'s outcomes start
        position = np.zeros(n * count, dtype=np.intp)
        for level in range(self.depth):
            position = 2 * position + right[start + ((1 << level) - 1) + position]
        leaf = position + np.tile(np.arange(count) << self.depth, n)
        return self.leaves.ravel()[leaf].reshape(n, count).sum(axis=1)


def log_own(own: np.ndarray) -> np.ndarray:
    """The "log_own" input: log1p of each candidate's own BM25 (the engine and
    benchmarks/trees.py both form it here, so they round alike). BM25 is negative only
    where the question's terms are in more than half of a tiny corpus's articles (none
    of the fitting data's): read as 0, not as a NaN log (and a warning on the console)."""
    return np.log1p(np.maximum(np.asarray(own, dtype=np.float64), 0.0))


def gap(linear: np.ndarray, listed: np.ndarray) -> np.ndarray:
    """The "gap" input: each candidate's log-linear score below that of the best candidate
    the engine may list (`listed`, `retrieval.candidates.Measured.listed`; the best of all
    when it may list none). The trees are fitted on listed candidates only, so the best
    of them is at 0 at run time as when fitting, whatever unlisted ones score."""
    linear = np.asarray(linear, dtype=np.float64)
    return linear - (linear[listed].max() if listed.any() else linear.max())


@functools.cache
def shipped() -> RankTrees:
    """The trees shipped beside this module, read once per process."""
    from retrieval.ranking import Features

    model = RankTrees.read(MODEL_PATH)
    unknown = [name for name in model.inputs if name not in (*Features.NAMES, *EXTRA)]
    if unknown:
        raise ModelError(f"ranking trees {MODEL_PATH}: inputs {unknown} are neither features nor {list(EXTRA)}")
    return model


def _depth(node: object, inputs: list[str], where: str, level: int = 0) -> int:
    if level > MAX_DEPTH:
        raise ModelError(f"{where} is deeper than {MAX_DEPTH} levels")
    if not isinstance(node, dict):
        raise ModelError(f"{where}: a node must be an object")
    if "leaf" in node:
        if not _finite(node["leaf"]):
            raise ModelError(f"{where}: leaf {node['leaf']!r} is not a finite number")
        return level
    if node.get("input") not in inputs:
        raise ModelError(f"{where}: split on {node.get('input')!r}, which is not among the inputs")
    if not _finite(node.get("at")):
        raise ModelError(f"{where}: threshold {node.get('at')!r} is not a finite number")
    if "le" not in node or "gt" not in node:
        raise ModelError(f'{where}: a split needs "le" and "gt"')
    return max(_depth(node["le"], inputs, where, level + 1), _depth(node["gt"], inputs, where, level + 1))


# Trees of up to 3 levels (7 splits): a table of 2**7 leaves a tree. Deeper ones would
# need 2**15 a tree at 4 levels; they are walked instead.
_MAX_TABLE_SPLITS = 7


def _by_outcome(leaves: np.ndarray, depth: int) -> np.ndarray | None:
    """For each tree, the leaf every combination of its splits' outcomes reaches (bit j of
    the combination: split j, in heap order, went right); None past `_MAX_TABLE_SPLITS`."""
    nodes = 2**depth - 1
    if not depth or nodes > _MAX_TABLE_SPLITS:
        return None
    outcomes = np.arange(1 << nodes)
    position = np.zeros(len(outcomes), dtype=np.intp)
    for level in range(depth):
        position = 2 * position + ((outcomes >> ((1 << level) - 1 + position)) & 1)
    return np.ascontiguousarray(leaves[:, position])


def _pad(node: dict, inputs: list[str], tree: int, level: int, position: int, depth: int,
         split_input: np.ndarray, split_at: np.ndarray, leaves: np.ndarray) -> None:
    """Write `node` at `position` of `level`; a leaf above the last level fills every leaf
    slot below it, its padded splits (threshold +inf) always going left."""
    if "leaf" in node:
        span = 1 << (depth - level)
        leaves[tree, position * span : (position + 1) * span] = float(node["leaf"])
        return
    slot = (1 << level) - 1 + position
    split_input[tree, slot] = inputs.index(node["input"])
    split_at[tree, slot] = float(node["at"])
    _pad(node["le"], inputs, tree, level + 1, 2 * position, depth, split_input, split_at, leaves)
    _pad(node["gt"], inputs, tree, level + 1, 2 * position + 1, depth, split_input, split_at, leaves)


def _input_names(inputs: object) -> list[str]:
    if not isinstance(inputs, list) or not all(isinstance(name, str) for name in inputs):
        raise ModelError('"inputs" must be a list of feature names')
    return inputs


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
