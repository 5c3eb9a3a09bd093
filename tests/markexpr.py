"""Whether a `-m` expression leaves out every e2e test, whatever other marks a test has.

conftest skips importing the modules whose every test is e2e, and samples
(tests/sampling.py), only in such a run. A substring test for "not e2e" got
`-m "not e2e or asyncio"` wrong (an e2e asyncio test is selected there, and
its module was never imported). pytest's own evaluator is private
(`_pytest.mark.expression`), so this reads the same grammar:

    expr := and ('or' and)* ; and := not ('and' not)* ; not := 'not' not | '(' expr ')' | name

and tries the expression with e2e set and every assignment of the other
names. Anything it does not read (keyword matching such as `name(arg=1)`, or
more than 12 other names) counts as "may select e2e tests": nothing is then
skipped and nothing sampled, the safe side.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([\w:+\-.\[\]\\/]+))")
_MAX_OTHER_NAMES = 12

Names = dict[str, bool]


def leaves_out_e2e(expression: str | None) -> bool:
    """True when no test marked e2e can match `expression`, whatever its other marks."""
    if not expression or not expression.strip():
        return False
    try:
        evaluate, names = _compile(expression)
    except ValueError:
        return False
    others = sorted(names - {"e2e"})
    if len(others) > _MAX_OTHER_NAMES:
        return False
    for values in itertools.product((False, True), repeat=len(others)):
        if evaluate(dict(zip(others, values)) | {"e2e": True}):
            return False
    return True


def _compile(expression: str) -> tuple[Callable[[Names], bool], set[str]]:
    tokens: list[str] = []
    at = 0
    while at < len(expression):
        if expression[at:].strip() == "":
            break
        match = _TOKEN.match(expression, at)
        if not match:
            raise ValueError(f"unreadable mark expression at {at}: {expression!r}")
        tokens.append(match.group(match.lastindex or 0))
        at = match.end()
    names: set[str] = set()
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        if position >= len(tokens):
            raise ValueError("mark expression ends too soon")
        position += 1
        return tokens[position - 1]

    def parse_or() -> Callable[[Names], bool]:
        parts = [parse_and()]
        while peek() == "or":
            take()
            parts.append(parse_and())
        return parts[0] if len(parts) == 1 else lambda env: any(p(env) for p in parts)

    def parse_and() -> Callable[[Names], bool]:
        parts = [parse_not()]
        while peek() == "and":
            take()
            parts.append(parse_not())
        return parts[0] if len(parts) == 1 else lambda env: all(p(env) for p in parts)

    def parse_not() -> Callable[[Names], bool]:
        token = take()
        if token == "not":
            inner = parse_not()
            return lambda env: not inner(env)
        if token == "(":
            inner = parse_or()
            if take() != ")":
                raise ValueError("unbalanced parenthesis")
            return inner
        if token in (")", "and", "or"):
            raise ValueError(f"unexpected {token!r}")
        if peek() == "(" and expression_has_call(token):
            raise ValueError("keyword matching is not read here")
        names.add(token)
        return lambda env: env[token]

    def expression_has_call(name: str) -> bool:
        # `name(` with no space between: pytest's keyword-argument matching.
        return re.search(re.escape(name) + r"\(", expression) is not None

    evaluate = parse_or()
    if position != len(tokens):
        raise ValueError(f"unexpected {tokens[position]!r}")
    return evaluate, names
