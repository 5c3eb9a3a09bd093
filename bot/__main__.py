"""`python -m bot`: run the Telegram bot, or without a token a console over the same engine.

    python -m bot                       # the bot (or the console when no token is set)
    python -m bot console               # the console, token or not
    python -m bot ask "pertanyaan"      # one answer in the terminal (--json, --jsonl, -k N)
    python -m bot ingest SOURCE...      # add pages, text copies, links or feeds to the corpus
    common options: --corpus PATH  --strict  --index-dir PATH
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError
from pydantic_settings import SettingsError

from config.settings import Settings

if TYPE_CHECKING:
    from bot.library import StrictCorpusError

log = logging.getLogger("kutip")

NO_TOKEN_HELP = """\
Kutip: TELEGRAM_BOT_TOKEN belum diatur / is not set.
  To run the Telegram bot: open @BotFather in Telegram, send /newbot, copy the token, then
    TELEGRAM_BOT_TOKEN=123456:ABC... python -m bot
  (or put TELEGRAM_BOT_TOKEN=... in a .env file here). Meanwhile, ask the corpus right here:
"""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", type=Path, default=argparse.SUPPRESS,
                        help="folder of Markdown articles or a .jsonl file (CORPUS_PATH)")
    common.add_argument("--strict", action="store_true", default=argparse.SUPPRESS,
                        help="exit non-zero when any article has a problem")
    common.add_argument("--index-dir", type=Path, default=argparse.SUPPRESS,
                        help="where the persisted index lives (INDEX_DIR; default: the user cache folder)")
    parser = argparse.ArgumentParser(prog="python -m bot", parents=[common],
                                     description="Kutip: answers questions by quoting news articles.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", parents=[common], help="run the Telegram bot (default)")
    commands.add_parser("console", parents=[common], help="ask questions interactively in the terminal")
    ask = commands.add_parser("ask", parents=[common], help="answer one question (or many with --jsonl)")
    ask.add_argument("question", nargs="?")
    fmt = ask.add_mutually_exclusive_group()
    fmt.add_argument("--json", dest="output", action="store_const", const="json", help="one JSON object")
    fmt.add_argument("--jsonl", dest="output", action="store_const", const="jsonl",
                     help="questions on stdin, one JSON object per line out")
    ask.add_argument("-k", type=int, default=None, help="how many excerpts (default 3)")
    ask.set_defaults(output="text")
    ingest = commands.add_parser("ingest", parents=[common],
                                 help="add saved pages, .txt copies, folders, article URLs or feeds to the corpus")
    from ingest.cli import add_arguments

    add_arguments(ingest)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if "corpus" in args:
        overrides["corpus_path"] = args.corpus
    if "strict" in args:
        overrides["strict"] = True
    if "index_dir" in args:
        overrides["index_dir"] = args.index_dir
    return Settings(**overrides)


def _explain(error: ValidationError) -> str:
    lines = ["kutip: invalid settings:"]
    for item in error.errors():
        name = "_".join(str(part) for part in item["loc"]).upper() or "SETTINGS"
        lines.append(f"  {name}: {item['msg']}")
    return "\n".join(lines)


def _strict_failure(error: StrictCorpusError) -> int:
    for problem in error.problems:
        print(f"kutip: skipped: {problem}", file=sys.stderr)
    print(f"kutip: --strict: {len(error.problems)} problem(s) in the corpus", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
    except ValidationError as error:
        print(_explain(error), file=sys.stderr)
        return 2
    except SettingsError as error:
        # A list or set setting that is not JSON (FEEDS, ADMIN_USER_IDS).
        print(f"kutip: invalid settings: {error}: write it as JSON, e.g. "
              "FEEDS='[\"https://example.org/rss\"]' or ADMIN_USER_IDS='[12345]'", file=sys.stderr)
        return 2

    from bot.logs import configure_logging

    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    secret = settings.webhook_secret_token.get_secret_value() if settings.webhook_secret_token else ""
    # The terminal commands stay quiet unless LOG_LEVEL is set explicitly.
    # (the console also opens when no token is set).
    terminal = args.command in ("ask", "console", "ingest") or not token
    quiet = terminal and "log_level" not in settings.model_fields_set
    configure_logging("WARNING" if quiet else settings.log_level, secrets=(token, secret))

    if args.command == "ingest":
        from ingest.cli import run_ingest

        return run_ingest(settings, args)

    from bot.library import StrictCorpusError, open_corpus
    from retrieval.corpus import CorpusError
    from retrieval import ranktrees

    try:
        # The ranking trees every engine reads: a broken file stops start-up, before the corpus opens.
        ranktrees.shipped()
    except ranktrees.ModelError as error:
        print(f"kutip: {error}", file=sys.stderr)
        return 2

    if args.command in ("ask", "console") or not token:
        from retrieval.progress import TerminalProgress

        try:
            opened = open_corpus(settings, progress=TerminalProgress())
        except StrictCorpusError as error:
            return _strict_failure(error)
        except CorpusError as error:
            print(f"kutip: {error}", file=sys.stderr)
            return 2
        engine = opened.engine
        # The bot logs its own "Engine ready" line; the terminal commands say it here.
        log.info(
            "engine %s (%s): %d articles, %d sentences, index %s",
            opened.build,
            opened.reason,
            len(engine.articles),
            engine.sentence_count,
            opened.index_dir or "not persisted",
        )
        for problem in opened.problems:
            print(f"kutip: skipped: {problem}", file=sys.stderr)

        if args.command == "ask":
            from bot.cli import ask

            k = args.k if args.k is not None else settings.results_per_answer
            if k < 1:
                print("kutip: -k must be at least 1", file=sys.stderr)
                return 2
            return ask(engine, args.question, k=k, output=args.output)

        from bot.console import run_console

        if not token:
            print(NO_TOKEN_HELP, file=sys.stderr)
        return run_console(engine)

    from bot.run import run_bot

    # The bot opens the corpus itself, in `post_init` (bot.library): the same
    # rules, and a failure there ends `run_bot` with the error.
    try:
        run_bot(settings)
    except StrictCorpusError as error:
        return _strict_failure(error)
    except CorpusError as error:
        print(f"kutip: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
