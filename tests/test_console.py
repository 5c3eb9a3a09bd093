from __future__ import annotations

import io

from bot.catalogue import Catalogue
from bot.console import run_console
from bot.render import answer_text

QUESTION = "Siapa pemimpin koalisi oposisi Suriah?"


def test_console_answers_with_the_bot_wording_and_exits_cleanly(engine) -> None:
    stdin = io.StringIO(f"\n{QUESTION}\n/cari Lavrov Kerry\n/sumber\n/help\nresep rendang\n/quit\nnever read\n")
    stdout = io.StringIO()
    assert run_console(engine, stdin=stdin, stdout=stdout) == 0
    out = stdout.getvalue()
    assert answer_text(engine.search(QUESTION, k=3), catalogue=Catalogue.of(engine.articles)) in out
    assert answer_text(engine.search("Lavrov Kerry", k=3), catalogue=Catalogue.of(engine.articles)) in out
    assert all(article.title in out for article in engine.articles)
    assert "Tidak ada kalimat di korpus yang menjawab \u201cresep rendang\u201d." in out
    assert "never read" not in out


def test_console_exits_zero_on_eof_and_speaks_english(engine) -> None:
    stdout = io.StringIO()
    assert run_console(engine, lang="en", stdin=io.StringIO("zzzz qqqq"), stdout=stdout) == 0
    assert "No sentence in the corpus answers \u201czzzz qqqq\u201d." in stdout.getvalue()
