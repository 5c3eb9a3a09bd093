"""How much the sampling tests try: everything in the README's run, a sample in the quick one.

The quick run is ``pytest -m "not e2e"``; conftest calls `quick()` for it.
Three kinds of test sample, and all take their full size otherwise:

- Hypothesis tests name their full example count, ``@settings(max_examples=
  examples(400))``. `examples` scales it by the loaded profile: "full"
  (Hypothesis' default of 100 examples, so ``examples(n) == n``) or "quick"
  (a tenth). ``--hypothesis-profile=full`` gives the quick run full counts.
  Tests that draw random inputs themselves (a seeded `random.Random`) size
  them the same way, ``examples(600)`` sentences.
- Answer-equivalence sweeps (two engines answer a list of questions alike)
  ask ``sample(questions)``: all of them, or at most 4 spread over the list
  in the quick run (``sample(words, at_most=400)`` for a longer list). What the sweeps guard is also checked in full there:
  equal sentences and bit-equal BM25 scores for every question.
- Persistence sweeps (an engine loaded, appended to or extended answers as a
  fresh build does: test_store, test_warm, test_extend) ask ``sweep(questions)``,
  2 of them in the quick run (the first and one from the middle). Those
  searches were ~2 s of the quick run's CPU, and a reload or append bug shows
  in any answered question; the full run asks every one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

from hypothesis import settings

T = TypeVar("T")

_FULL = 100
settings.register_profile("full", max_examples=_FULL)
settings.register_profile("quick", max_examples=_FULL // 10)
_QUICK_SWEEP = 4
_QUICK_PERSISTENCE_SWEEP = 2
_quick = False


def quick(*, hypothesis_profile: bool = True) -> None:
    """Sample: a tenth of the Hypothesis examples (unless a profile was named) and short sweeps."""
    global _quick
    _quick = True
    if hypothesis_profile:
        settings.load_profile("quick")


def examples(full: int) -> int:
    """`full` in the full profile, proportionally fewer (never under 5) in a smaller one."""
    return max(5, full * settings.default.max_examples // _FULL)


def sample(items: Sequence[T], *, at_most: int = _QUICK_SWEEP) -> list[T]:
    """All of `items`, or in the quick run at most `at_most` of them, first and spread evenly."""
    if not _quick or len(items) <= at_most:
        return list(items)
    return list(items[:: math.ceil(len(items) / at_most)])


def sweep(items: Sequence[T]) -> list[T]:
    """All of `items`, or in the quick run the first and one from the middle (persistence sweeps)."""
    return sample(items, at_most=_QUICK_PERSISTENCE_SWEEP)
