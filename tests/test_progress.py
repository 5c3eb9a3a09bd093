"""The build progress line: its wording, and silence off a terminal or on a quick build."""

from __future__ import annotations

import io
import os
import pty

import pytest

from config.settings import BUNDLED_CORPUS
from retrieval.build import Built
from retrieval.corpus import load_corpus
from retrieval.progress import Progress, TerminalProgress, describe
from retrieval.search import default_analyzer


def test_describe_says_what_is_done_how_fast_and_what_is_left() -> None:
    line = describe(Progress("building", articles=2_500, total_articles=10_000, sentences=50_000, elapsed=10.0))
    assert line == (
        "kutip: building index: 50,000 sentences analysed (2,500 of 10,000 articles, 25%), "
        "5,000 sentences/s, about 0:30 left"
    )
    done = describe(Progress("adding", articles=7, total_articles=7, sentences=70, elapsed=3725.0, done=True))
    assert done.endswith("(7 of 7 articles, 100%), 0 sentences/s, done in 1:02:05")
    unknown = describe(Progress("building", articles=3, total_articles=None, sentences=30, elapsed=0.0))
    assert unknown == "kutip: building index: 30 sentences analysed (3 articles)"


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _steps(n: int, *, every: float) -> list[Progress]:
    return [
        Progress("building", articles=i, total_articles=n, sentences=10 * i, elapsed=i * every, done=i == n)
        for i in range(1, n + 1)
    ]


def test_silent_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream, delay=0.0, interval=0.0)
    for step in _steps(50, every=1.0):
        progress(step)
    assert stream.getvalue() == ""


@pytest.fixture
def terminal():
    """A real pseudo-terminal: what is written to it is read back from the other end."""
    leader, follower = pty.openpty()
    stream = open(follower, "w", encoding="utf-8", closefd=True)  # noqa: SIM115
    assert stream.isatty()

    def written() -> str:
        stream.flush()
        chunks = []
        os.set_blocking(leader, False)
        while True:
            try:
                chunk = os.read(leader, 65536)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8")

    yield stream, written
    stream.close()
    os.close(leader)


def test_silent_on_a_terminal_when_the_work_is_quick(terminal) -> None:
    stream, written = terminal
    progress = TerminalProgress(stream, delay=1.5)
    for step in _steps(10, every=0.1):  # one second in all
        progress(step)
    assert written() == ""


def test_on_a_terminal_a_slow_build_draws_one_line_rewritten_in_place(terminal) -> None:
    stream, written = terminal
    clock = _Clock()
    progress = TerminalProgress(stream, delay=1.5, interval=0.5, clock=clock)
    for step in _steps(20, every=0.25):
        clock.now = step.elapsed
        progress(step)
    out = written()
    frames = [f.strip() for f in out.replace("\r\n", "\n").split("\r") if f.strip()]
    # Nothing before 1.5 s, then at most one frame per 0.5 s, then the final figures.
    assert frames[0].startswith("kutip: building index: 60 sentences analysed (6 of 20 articles, 30%)")
    assert "about 0:04 left" in frames[0]
    assert len(frames) == 7 + 1  # at 1.5, 2.0, ... 4.5 s, then done at 5.0 s
    assert frames[-1].endswith("done in 0:05")
    # One line rewritten with carriage returns, ended once (a pty turns "\n" into "\r\n").
    assert out.replace("\r\n", "\n").count("\n") == 1 and out.endswith("\n")


def test_the_builder_reports_every_article_and_a_final_done() -> None:
    articles = load_corpus(BUNDLED_CORPUS).articles
    seen: list[Progress] = []
    built = Built.build(articles, default_analyzer(), progress=seen.append, total=len(articles))
    assert [p.articles for p in seen] == list(range(1, len(articles) + 1)) + [len(articles)]
    assert [p.done for p in seen] == [False] * len(articles) + [True]
    assert seen[-1].sentences == len(built.table) and seen[-1].total_articles == len(articles)
    more = built.extend(articles[:1], progress=seen.append)
    assert seen[-1] == Progress("adding", 1, 1, len(more.table) - len(built.table), seen[-1].elapsed, True)
