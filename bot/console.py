"""An interactive console with the bot's engine and wording, for use without a token."""

from __future__ import annotations

import sys
from typing import TextIO

from bot.catalogue import Catalogue
from bot.render import answer_text, sources_text
from bot.texts import Lang, text
from retrieval.search import Engine

PROMPT = "> "
_QUIT = {"/quit", "/exit", "/keluar"}


def run_console(engine: Engine, *, lang: Lang = "id", stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """Answer one question per line until EOF or /quit; returns the exit status (0)."""
    stdout.write(text(lang, "console_intro") + "\n")
    catalogue = Catalogue.of(engine.articles)
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            line = ""
        if not line:  # EOF (Ctrl-D) or interrupted
            stdout.write("\n")
            return 0
        question = line.strip()
        if not question:
            continue
        command = question.split(maxsplit=1)[0].split("@", 1)[0].lower()
        if command in _QUIT:
            return 0
        if command in ("/sumber", "/sources"):
            reply = sources_text(catalogue, lang=lang)
        elif command in ("/help", "/start", "/bantuan"):
            reply = text(lang, "console_help")
        else:
            if command in ("/cari", "/tanya", "/ask"):
                question = question.split(maxsplit=1)[1] if " " in question else ""
                if not question:
                    continue
            reply = answer_text(engine.search(question, k=3), lang=lang, catalogue=catalogue)
        stdout.write(reply + "\n\n")
