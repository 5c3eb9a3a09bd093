"""The ingest state (SQLite) and the corpus writer: restarts, dedupe, torn lines, replacement."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import signal
import time

import pytest

from ingest.corpus_writer import CorpusWriter, canonical_url
from ingest.state import MAX_ENTRY_ATTEMPTS, IngestState, backoff_seconds
from retrieval.corpus import load_corpus
from retrieval.records import Article


def article(n: int, *, text: str | None = None, url: str | None = "default") -> Article:
    return Article(
        id="",
        title=f"Judul berita nomor {n}",
        source="Antara",
        date=dt.date(2024, 12, n % 28 + 1),
        text=text or f"Kalimat pertama berita {n}. Kalimat kedua berita {n} yang lebih panjang.",
        author="Budi",
        url=f"https://www.antaranews.com/berita/{n}?utm_source=feed" if url == "default" else url,
    )


# --- state --------------------------------------------------------------------------


def test_seen_entries_and_feed_validators_survive_a_restart(tmp_path):
    path = tmp_path / "state.sqlite3"
    with IngestState(path) as state:
        state.entry_done("https://a/1", feed_url="https://a/feed", outcome="added")
        state.feed_succeeded("https://a/feed", etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT", now=100.0)
    with IngestState(path) as state:  # a new process would open it the same way
        assert state.unseen(["https://a/1", "https://a/2"]) == ["https://a/2"]
        feed = state.feed("https://a/feed")
        assert (feed.etag, feed.last_success, feed.failures) == ('"v1"', 100.0, 0)
        assert state.seen_count() == 1


def test_failures_back_off_and_success_resets(tmp_path):
    with IngestState(tmp_path / "s.sqlite3") as state:
        url = "https://a/feed"
        first = state.feed_failed(url, "not found", base_backoff=60.0, now=1000.0)
        assert first.failures == 1 and first.next_retry == 1030.0
        assert not first.due(1029.0) and first.due(1060.0)  # the next poll tries again
        second = state.feed_failed(url, "not found", base_backoff=60.0, now=1060.0)
        assert second.failures == 2 and second.next_retry == 1060.0 + 90.0  # one poll skipped
        state.feed_succeeded(url, etag=None, last_modified=None, now=2000.0)
        fresh = state.feed(url)
        assert fresh.failures == 0 and fresh.next_retry is None and fresh.last_error == "not found"
    assert backoff_seconds(40, 900.0) == 24 * 3600.0


def test_a_failed_entry_is_retried_then_given_up(tmp_path):
    with IngestState(tmp_path / "s.sqlite3") as state:
        for attempt in range(1, MAX_ENTRY_ATTEMPTS + 1):
            assert state.unseen(["https://a/1"]) == ["https://a/1"]
            assert state.entry_failed("https://a/1", feed_url=None, outcome="timed out") == attempt
        assert state.unseen(["https://a/1"]) == []


# --- corpus writer -----------------------------------------------------------------


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_added_articles_load_as_a_corpus(tmp_path):
    target = tmp_path / "corpus.jsonl"
    stored = CorpusWriter(target).store([article(1), article(2)])
    assert [s.status for s in stored] == ["added", "added"]
    corpus = load_corpus(target)
    assert not corpus.problems
    assert [a.title for a in corpus.articles] == ["Judul berita nomor 1", "Judul berita nomor 2"]
    assert corpus.articles[0].id == stored[0].article.id and stored[0].article.id.startswith("judul-berita-nomor-1-")
    assert corpus.articles[0].date == dt.date(2024, 12, 2)


def test_same_url_or_same_text_is_stored_once(tmp_path):
    target = tmp_path / "corpus.jsonl"
    writer = CorpusWriter(target)
    (first,) = writer.store([article(1)])
    # Same page, other tracking parameters and www-less host: a duplicate.
    same_page = article(1, url="https://antaranews.com/berita/1/#comments")
    # Same text under another address (syndication): a duplicate too.
    same_text = article(1, url="https://other.example/copy")
    again = CorpusWriter(target).store([same_page, same_text])
    assert [s.status for s in again] == ["duplicate", "duplicate"]
    assert {s.existing_id for s in again} == {first.article.id}
    assert len(lines(target)) == 1


def test_a_changed_page_replaces_its_old_version(tmp_path):
    target = tmp_path / "corpus.jsonl"
    writer = CorpusWriter(target)
    writer.store([article(1), article(2)])
    (updated,) = writer.store([article(1, text="Teks baru setelah koreksi redaksi. Kalimat kedua.")])
    assert updated.status == "updated"
    records = lines(target)
    assert len(records) == 2
    assert records[0]["text"].startswith("Teks baru") and records[0]["id"] == updated.article.id
    assert not any("Kalimat pertama berita 1" in r["text"] for r in records)
    assert not list(tmp_path.glob(".corpus.jsonl.*.tmp"))


def test_a_torn_last_line_is_repaired_before_the_next_append(tmp_path):
    target = tmp_path / "corpus.jsonl"
    CorpusWriter(target).store([article(1)])
    whole = target.read_bytes()
    # A kill in the middle of a write: half a JSON line at the end.
    with target.open("ab") as handle:
        handle.write(b'{"id": "half", "title": "Terpotong", "text": "kalimat yang terpo')
    writer = CorpusWriter(target)
    writer.store([article(2)])
    assert writer.repaired and "moved to" in writer.repaired[0]
    corpus = load_corpus(target)
    assert not corpus.problems and len(corpus.articles) == 2
    assert target.read_bytes().startswith(whole)
    assert (tmp_path / "corpus.jsonl.torn").read_bytes().startswith(b'{"id": "half"')


def test_a_last_line_missing_only_its_newline_is_kept(tmp_path):
    target = tmp_path / "corpus.jsonl"
    CorpusWriter(target).store([article(1)])
    target.write_bytes(target.read_bytes().rstrip(b"\n"))
    CorpusWriter(target).store([article(2)])
    assert len(load_corpus(target).articles) == 2


def _append_forever(path: str) -> None:
    writer = CorpusWriter(__import__("pathlib").Path(path))
    n = 100
    while True:
        writer.store([article(n, text=f"Teks artikel {n}. " * 200)])
        n += 1


@pytest.mark.e2e
def test_killed_writers_leave_a_loadable_corpus(tmp_path):
    target = tmp_path / "corpus.jsonl"
    CorpusWriter(target).store([article(1)])
    for _ in range(3):
        process = multiprocessing.get_context("spawn").Process(target=_append_forever, args=(str(target),))
        before = target.stat().st_size
        process.start()
        # Kill it while it is writing: a spawned interpreter can take seconds to start
        # on a busy machine, so wait for its first bytes rather than a fixed time.
        deadline = time.monotonic() + 60
        while target.stat().st_size == before and time.monotonic() < deadline and process.is_alive():
            time.sleep(0.02)
        time.sleep(0.3)
        os.kill(process.pid, signal.SIGKILL)
        process.join()
        # Whatever the kill interrupted, the next writer repairs it and the corpus loads.
        CorpusWriter(target).store([])
        corpus = load_corpus(target)
        assert not corpus.problems
    assert len(corpus.articles) > 1
    assert len({a.id for a in corpus.articles}) == len(corpus.articles)


def test_articles_in_a_markdown_folder_are_not_added_again(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Sudah ada\nsource: Pantau\nurl: https://pantau.example/a\n---\nTeks yang sudah ada di korpus.\n",
        encoding="utf-8",
    )
    target = tmp_path / "ingested.jsonl"
    writer = CorpusWriter(target, also=(tmp_path,))
    same = Article("", "Sudah ada", "Pantau", None, "Teks yang sudah ada di korpus.", url="https://pantau.example/b")
    same_url = Article("", "Sudah ada", "Pantau", None, "Teks lain sama sekali.", url="https://pantau.example/a")
    assert [s.status for s in writer.store([same, same_url])] == ["duplicate", "duplicate"]
    assert not target.exists() or target.read_text() == ""


def test_canonical_url():
    assert canonical_url("http://WWW.Kompas.com/read/1/?utm_medium=x&id=3#top") == "https://kompas.com/read/1?id=3"
    assert canonical_url("https://a.example:8443/x") == "https://a.example:8443/x"
    assert canonical_url(None) is None


def test_a_writer_sees_what_another_writer_added_since(tmp_path):
    target = tmp_path / "corpus.jsonl"
    bot, cli = CorpusWriter(target), CorpusWriter(target)
    bot.store([article(1)])  # the bot's writer now holds the file's records in memory
    cli.store([article(2)])
    cli.store([article(1, text="Teks yang diperbarui oleh CLI. Kalimat kedua.")])  # a rewrite
    assert [s.status for s in bot.store([article(2), article(1, text="Teks yang diperbarui oleh CLI. Kalimat kedua.")])] == [
        "duplicate", "duplicate"]
    assert [s.status for s in bot.store([article(3)])] == ["added"]
    assert len(load_corpus(target).articles) == 3
