"""How far a build or an append has come, and a quiet terminal line that shows it.

The builder reports a `Progress` record to whatever callback it is handed and
prints nothing itself. `TerminalProgress` is the callback the command line
uses: one line on stderr, rewritten in place, and only when it helps: the
stream is a terminal and the work has already taken `delay` seconds. Under a
pipe, a log file or a quick build it writes nothing at all.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

__all__ = ["Progress", "TerminalProgress", "describe"]


@dataclass(frozen=True, slots=True)
class Progress:
    stage: str  # "building", "adding"
    articles: int
    total_articles: int | None
    sentences: int
    elapsed: float
    done: bool = False


def describe(p: Progress) -> str:
    """One line: what is done, how fast, and how long the rest should take."""
    parts = [f"kutip: {p.stage} index: {p.sentences:,} sentences analysed"]
    if p.total_articles:
        share = min(p.articles / p.total_articles, 1.0)
        parts.append(f"({p.articles:,} of {p.total_articles:,} articles, {share:.0%})")
    else:
        parts.append(f"({p.articles:,} articles)")
    line = " ".join(parts)
    if p.elapsed > 0:
        line += f", {p.sentences / p.elapsed:,.0f} sentences/s"
    if p.done:
        return line + f", done in {_clock(p.elapsed)}"
    if p.total_articles and 0 < p.articles < p.total_articles:
        left = p.elapsed * (p.total_articles - p.articles) / p.articles
        line += f", about {_clock(left)} left"
    return line


def _clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class TerminalProgress:
    """A `Progress` callback drawing one line on a terminal, silent elsewhere or when quick."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        delay: float = 1.5,
        interval: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._delay = delay
        self._interval = interval
        self._clock = clock
        self._enabled = _is_terminal(self._stream)
        self._last: float | None = None
        self._width = 0

    def __call__(self, p: Progress) -> None:
        if not self._enabled:
            return
        if p.done:
            if self._last is not None:  # something was shown: leave the final figures on their own line
                self._draw(describe(p))
                self._stream.write("\n")
                self._stream.flush()
                self._last = None
            return
        if p.elapsed < self._delay:
            return
        now = self._clock()
        if self._last is not None and now - self._last < self._interval:
            return
        self._last = now
        self._draw(describe(p))

    def _draw(self, line: str) -> None:
        pad = max(0, self._width - len(line))
        self._stream.write("\r" + line + " " * pad)
        self._stream.flush()
        self._width = len(line)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False
