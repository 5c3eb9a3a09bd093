"""tests/markexpr.py: which `-m` expressions leave out every e2e test (conftest skips and samples by it)."""

from __future__ import annotations

import pytest

from tests.markexpr import leaves_out_e2e


@pytest.mark.parametrize("expression", [
    "not e2e",
    "  not   e2e ",
    "not e2e and asyncio",
    "not e2e and not slow",
    "not (e2e or slow)",
    "(not e2e) and (asyncio or slow)",
    "not e2e and e2e",
    "not not not e2e",
])
def test_expressions_without_e2e_tests(expression: str) -> None:
    assert leaves_out_e2e(expression)


@pytest.mark.parametrize("expression", [
    None,
    "",
    "e2e",
    "not e2e or asyncio",
    "asyncio or not e2e",
    "not slow",
    "not e2e_extra",  # another mark that only starts like it
    "not (e2e and slow)",
    "not e2e or not asyncio",
    "not e2e and",  # unreadable: the safe side
    "not e2e and (asyncio",
    "not e2e and slow(reason=1)",  # keyword matching is not read here
])
def test_expressions_that_may_select_e2e_tests(expression: str | None) -> None:
    assert not leaves_out_e2e(expression)
