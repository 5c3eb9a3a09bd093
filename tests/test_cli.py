"""`python -m bot` as a user runs it: a subprocess, real corpus, real output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "CORPUS_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**clean, **(env or {})},
        timeout=120,
    )


def test_ask_json_has_exactly_the_documented_shape() -> None:
    result = run("ask", "--json", "-k", "2", "Kapan Lavrov bertemu Kerry di Kuala Lumpur?")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"query", "answered", "results", "missing", "closest", "unquoted"}
    assert answer["answered"] is True and 1 <= len(answer["results"]) <= 2
    assert answer["missing"] == [] and answer["closest"] == [] and answer["unquoted"] is None
    first = answer["results"][0]
    assert set(first) == {"text", "article_id", "title", "source", "date", "url", "score", "missing_words"}
    assert first["missing_words"] == []
    assert "Kuala Lumpur" in first["text"]
    assert first["date"] == "2015-08-05" and first["url"] is None
    assert isinstance(first["score"], float)


def test_ask_jsonl_answers_every_line_in_order() -> None:
    questions = ["Siapa pemimpin koalisi yang menyambut baik undangan ke Moskow?", "", "Berapa harga beras di Jakarta hari ini?"]
    result = run("ask", "--jsonl", "-k", "1", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == questions
    assert [line["answered"] for line in lines] == [True, False, False]
    assert "Badr Jamus" in lines[0]["results"][0]["text"]
    assert lines[2]["results"] == []


def test_ask_json_names_what_the_corpus_lacks_and_shows_no_answer() -> None:
    result = run("ask", "--json", "Apa kata Lavrov tentang Korea Utara?")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answered"] is False and answer["results"] == []
    assert answer["missing"] == ["Korea Utara"]
    assert answer["closest"] and "Korea" not in answer["closest"][0]["text"]


def test_ask_json_names_whose_words_no_article_quotes() -> None:
    result = run("ask", "--json", "What did John Kerry say after meeting Lavrov in Kuala Lumpur?")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["answered"] is False and answer["results"] == [] and answer["missing"] == []
    assert answer["unquoted"] == "John Kerry" and answer["closest"]


def test_ask_text_shows_source_and_indonesian_date() -> None:
    result = run("ask", "Berapa warga sipil dievakuasi dari Aleppo timur dalam 24 jam?")
    assert result.returncode == 0, result.stderr
    assert "7.000 warga sipil" in result.stdout
    assert "14 Desember 2016" in result.stdout and "Russia Beyond" in result.stdout


def test_problems_are_reported_and_strict_turns_them_into_failure(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    good = {"id": "a", "title": "T", "source": "S", "date": "2020-01-02", "url": None, "text": "Rusia memveto resolusi itu."}
    corpus.write_text(json.dumps(good) + "\n" + '{"id": "b", "title": "T2", "source": "S", "date": "2020-13-40", "text": "x"}\n')
    lenient = run("ask", "--corpus", str(corpus), "--json", "Siapa memveto resolusi?")
    assert lenient.returncode == 0
    assert "line 2" in lenient.stderr and "date" in lenient.stderr
    assert json.loads(lenient.stdout)["answered"] is True
    strict = run("ask", "--corpus", str(corpus), "--strict", "--json", "Siapa memveto resolusi?")
    assert strict.returncode == 1
    assert "line 2" in strict.stderr


def test_empty_or_missing_corpus_is_a_clear_error(tmp_path: Path) -> None:
    result = run("ask", "--corpus", str(tmp_path / "nowhere"), "apa?")
    assert result.returncode == 2
    assert "nowhere" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "empty").mkdir()
    result = run("ask", "--corpus", str(tmp_path / "empty"), "apa?")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_invalid_setting_is_named() -> None:
    result = run("ask", "apa?", env={"RESULTS_PER_ANSWER": "0"})
    assert result.returncode == 2
    assert "RESULTS_PER_ANSWER" in result.stderr


def test_a_list_setting_that_is_not_json_is_named() -> None:
    result = run("ingest", "halaman.html", env={"FEEDS": "https://example.org/rss"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert '"feeds"' in result.stderr and "JSON" in result.stderr


def test_without_a_token_it_explains_and_opens_the_console() -> None:
    result = run(stdin="Kapan Lavrov bertemu Kerry?\n")
    assert result.returncode == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "BotFather" in result.stderr
    assert "Kuala Lumpur" in result.stdout


def _kerry_corpus(tmp_path: Path) -> Path:
    """A one-article JSONL corpus that answers "Kapan Lavrov bertemu Kerry?"."""
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "a1", "title": "Kerry", "source": "S", "date": "2016-01-02",
                                  "text": "Lavrov bertemu Kerry di Kuala Lumpur pada hari Senin."}) + "\n",
                      encoding="utf-8")
    return corpus


def test_ask_over_a_jsonl_corpus_imports_no_yaml_and_nothing_of_the_bot(tmp_path: Path) -> None:
    # Start-up is part of `ask --jsonl`'s speed: its path (cold and warm) must not pull in
    # PyYAML (Markdown front matter only) or the Telegram/fetching stack.
    corpus = _kerry_corpus(tmp_path)
    probe = (
        "import json, sys\n"
        "from bot.__main__ import main\n"
        f"codes = [main(['ask', '--jsonl', '--corpus', {str(corpus)!r}, '--index-dir', {str(tmp_path / 'idx')!r}])"
        " for _ in range(2)]\n"
        "heavy = ('yaml', 'telegram', 'httpx', 'trafilatura', 'feedparser')\n"
        "print(json.dumps([codes, sorted(m for m in sys.modules if m.split('.')[0] in heavy)]))\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "CORPUS_"))}
    result = subprocess.run([sys.executable, "-c", probe], input="Kapan Lavrov bertemu Kerry?\n",
                            capture_output=True, text=True, cwd=REPO, env=clean, timeout=120)
    assert result.returncode == 0, result.stderr
    answer, report = result.stdout.splitlines()[-2:]
    assert json.loads(answer)["answered"] is True
    assert json.loads(report) == [[0, 0], []]


def test_a_broken_ranking_trees_file_stops_start_up_naming_it(tmp_path: Path) -> None:
    # The shipped file sits beside retrieval/ranktrees.py; the probe points the module at a
    # broken copy before `python -m bot`'s main runs.
    broken = tmp_path / "ranktrees.json"
    broken.write_text('{"format": "kutip-ranktrees/1", "inputs": "a"}', encoding="utf-8")
    corpus = _kerry_corpus(tmp_path)
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from retrieval import ranktrees\n"
        f"ranktrees.MODEL_PATH = Path({str(broken)!r})\n"
        "from bot.__main__ import main\n"
        f"sys.exit(main(['ask', '--corpus', {str(corpus)!r}, 'Kapan Lavrov bertemu Kerry?']))\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "CORPUS_"))}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, env=clean, timeout=120)
    assert result.returncode == 2, result.stderr
    assert f"kutip: ranking trees {broken}" in result.stderr and '"inputs"' in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
