"""`python -m bot ingest [--into PATH] [--source S] [--date D] [--title T] [--author A] [--strict] SOURCE...`

One report line per article on stderr (added, updated, duplicate, nothing
new, or the problem in words), a progress bar on a terminal when there is
more than a handful to do, and the exit status: 0 when something could be
ingested (or was already there), 1 when nothing could, or with --strict when
anything had a problem; 2 for unusable arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from config.settings import Settings
    from ingest.pipeline import IngestOutcome

__all__ = ["add_arguments", "format_outcome", "run_ingest"]

_PROGRESS_FROM = 5  # sources; fewer finish before a bar would help


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="saved HTML page, .txt copy, folder of them, article URL, or feed (file or URL)")
    parser.add_argument("--into", type=Path, default=None, metavar="PATH",
                        help="corpus to add to: a .jsonl file (created if missing) or a folder "
                             "(adds to <folder>/ingested.jsonl); default: CORPUS_PATH's ingest target")
    parser.add_argument("--source", dest="override_source", default=None, metavar="NAME", help="the outlet name, e.g. Antara")
    parser.add_argument("--date", dest="override_date", type=_date, default=None, metavar="YYYY-MM-DD", help="publication date YYYY-MM-DD")
    parser.add_argument("--title", dest="override_title", default=None, metavar="TEXT", help="the headline")
    parser.add_argument("--author", dest="override_author", default=None, metavar="NAME", help="the writer")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from None


def format_outcome(outcome: IngestOutcome) -> str:
    """One report line, e.g. `added: page.html: "Judul" (Antara, 2024-12-13)`."""
    where = outcome.source
    if outcome.status == "problem":
        line = f"problem: {where}: {outcome.problem}"
    elif outcome.article is not None:
        article = outcome.article
        date = article.date.isoformat() + (" (approximate)" if article.date_approximate else "") if article.date else "no date"
        line = f'{outcome.status}: {where}: "{article.title}" ({article.source}, {date})'
    else:
        line = f"{outcome.status}: {where}"
    notes = [n for n in outcome.notes if not n.startswith("no author")]
    if notes:
        line += " [" + "; ".join(notes) + "]"
    return line


class _Progress:
    """A one-line bar on stderr, redrawn in place; report lines are printed above it."""

    def __init__(self, total: int, stream: TextIO, *, enabled: bool) -> None:
        self.total, self.stream, self.enabled, self.done = total, stream, enabled, 0

    def line(self, text: str) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
        self.stream.write(text + "\n")
        self._draw()

    def start(self) -> None:
        self._draw()

    def source_done(self) -> None:
        self.done += 1
        self._draw()

    def _draw(self) -> None:
        if not self.enabled:
            return
        width = 30
        filled = width * self.done // max(1, self.total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} sources")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def run_ingest(settings: Settings, args: argparse.Namespace, *, stderr: TextIO | None = None) -> int:
    # Imported here: `python -m bot ask` builds this parser and should not pay for httpx and feedparser.
    from ingest.pipeline import IngestError, Ingestor, Overrides, ingest_target

    stderr = stderr or sys.stderr
    overrides = Overrides(
        source=args.override_source, title=args.override_title, date=args.override_date, author=args.override_author
    )
    strict = bool(getattr(args, "strict", False))
    try:
        target, _ = ingest_target(args.into if args.into is not None else settings.corpus_path)
        ingestor = Ingestor.from_settings(settings, into=args.into)
    except IngestError as exc:
        print(f"kutip: ingest: {exc}", file=stderr)
        return 2
    except (OSError, sqlite3.Error) as exc:
        print(f"kutip: ingest: cannot open the ingest state (STATE_DIR): {exc}", file=stderr)
        return 2
    progress = _Progress(len(args.sources), stderr,
                         enabled=len(args.sources) >= _PROGRESS_FROM and stderr.isatty())

    async def run() -> list[IngestOutcome]:
        progress.start()
        results: list[IngestOutcome] = []
        async with ingestor:
            for source in args.sources:
                results += await ingestor.ingest([source], overrides=overrides,
                                                 on_outcome=lambda o: progress.line(format_outcome(o)))
                progress.source_done()
        return results

    try:
        outcomes = asyncio.run(run())
    except OSError as exc:
        progress.close()
        print(f"kutip: ingest: cannot write {target}: {exc.strerror or exc}; what was stored before is kept",
              file=stderr)
        return 1
    except KeyboardInterrupt:
        progress.close()
        print("kutip: ingest: interrupted; what was stored so far is kept", file=stderr)
        return 130
    finally:
        progress.close()
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("added", "updated", "duplicate", "nothing new", "problem")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    print(f"kutip: ingest: {summary or 'nothing to do'} -> {target}", file=stderr)
    if counts["problem"] and strict:
        return 1
    if counts["problem"] and not any(counts[s] for s in ("added", "updated", "duplicate", "nothing new")):
        return 1
    return 0
