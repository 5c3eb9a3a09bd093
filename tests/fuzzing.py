"""How many examples a Hypothesis test tries: its full count in the README's run, a tenth in the quick one.

Each test names its full count as ``@settings(max_examples=examples(400))``.
``examples`` scales it by the loaded profile: "full" (Hypothesis' default of
100 examples, so ``examples(n) == n``) or "quick" (10, a tenth). conftest
loads "quick" when the run deselects the end-to-end tests (``pytest -m "not
e2e"``) and no ``--hypothesis-profile`` is given; ``--hypothesis-profile=full``
gives the quick run the full counts.
"""

from __future__ import annotations

from hypothesis import settings

_FULL = 100
settings.register_profile("full", max_examples=_FULL)
settings.register_profile("quick", max_examples=_FULL // 10)


def examples(full: int) -> int:
    """`full` in the full profile, proportionally fewer (never under 5) in a smaller one."""
    return max(5, full * settings.default.max_examples // _FULL)
