"""The index cache as users meet it: real processes, started at once; reuse by `ask`; cleanup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import dataclasses

from config.settings import BUNDLED_CORPUS
from retrieval.corpus import load_corpus
from retrieval.records import Article
from retrieval import store
from retrieval.store import cache_root, clean_cache, index_location, open_engine
from tests.test_cli import run
from tests.test_store import _lines

REPO = Path(__file__).resolve().parent.parent

_CHILD = r"""
import json, logging, sys, time
from pathlib import Path
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s %(message)s")
from retrieval.store import open_engine
corpus, ready, go = (Path(a) for a in sys.argv[1:4])
question = json.loads(corpus.read_text(encoding="utf-8").splitlines()[7])["text"][:80]
ready.touch()
while not go.exists():
    time.sleep(0.002)
opened = open_engine(corpus)
answer = opened.engine.search(question, k=3)
print(json.dumps({"build": opened.build, "fingerprint": opened.engine.fingerprint,
                  "hits": [[h.sentence.sid, h.score] for h in answer.hits], "dir": str(opened.index_dir)}))
"""


def _small(path: Path, n: int) -> Path:
    article = Article(
        id=f"a{n}", title=f"Judul {n}", source="Sumber", date=None,
        text=f"Lavrov bertemu Kerry di Kuala Lumpur untuk ke-{n} kalinya. Mereka membahas Suriah.",
    )
    path.write_text(_lines([article]), encoding="utf-8")
    return path


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("KUTIP_CACHE_DIR", str(root))
    return root


@pytest.mark.e2e
def test_two_processes_started_at_once_build_once_and_agree(tmp_path: Path, own_cache: Path) -> None:
    from filelock import FileLock

    seed = load_corpus(BUNDLED_CORPUS).articles
    corpus = tmp_path / "big.jsonl"
    corpus.write_text(_lines([dataclasses.replace(a, id=f"{a.id}-{i}") for i in range(40) for a in seed]), encoding="utf-8")
    go = tmp_path / "go"
    children = []
    for n in range(2):
        ready = tmp_path / f"ready-{n}"
        children.append(
            (
                ready,
                subprocess.Popen(
                    [sys.executable, "-c", _CHILD, str(corpus), str(ready), str(go)],
                    cwd=REPO,
                    env={**os.environ, "KUTIP_CACHE_DIR": str(own_cache)},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _ in children):
        assert time.monotonic() < deadline, "children did not start"
        time.sleep(0.01)
    # Both meet the folder locked (as by a third process) until both say they wait: how
    # fast a build is must not decide whether the waiting path runs.
    location = index_location(corpus)
    location.mkdir(parents=True)
    held = FileLock(location / store._LOCK)
    held.acquire()
    logs: list[list[str]] = [[], []]
    readers = [threading.Thread(target=lambda f=child.stderr, out=out: out.extend(f), daemon=True)
               for (_ready, child), out in zip(children, logs)]
    for reader in readers:
        reader.start()
    go.touch()
    deadline = time.monotonic() + 120
    try:
        while not all(any("waiting for another Kutip process" in line for line in log) for log in logs):
            assert time.monotonic() < deadline, logs
            assert all(child.poll() is None for _ready, child in children), logs
            time.sleep(0.01)
    finally:
        held.release()
    results = []
    for _ready, child in children:
        assert child.stdout is not None
        out = child.stdout.read()  # stderr is the reader thread's
        assert child.wait(timeout=300) == 0, logs
        results.append(json.loads(out.strip().splitlines()[-1]))
    for reader in readers:
        reader.join(timeout=10)
    # One built and saved; the other waited for it and loaded what it saved.
    assert sorted(r["build"] for r in results) == ["built", "loaded"], logs
    # What was saved is whole: a third start loads it.
    assert open_engine(corpus).build == "loaded"
    assert not [p.name for p in Path(results[0]["dir"]).iterdir() if ".tmp" in p.name or ".old" in p.name]


@pytest.mark.e2e
def test_ask_reuses_the_index_on_the_second_call(tmp_path: Path, own_cache: Path) -> None:
    corpus = _small(tmp_path / "c.jsonl", 1)
    env = {"KUTIP_CACHE_DIR": str(own_cache), "LOG_LEVEL": "INFO"}
    question = "Di mana Lavrov bertemu Kerry?"
    first = run("ask", "--json", "--corpus", str(corpus), question, env=env)
    second = run("ask", "--json", "--corpus", str(corpus), question, env=env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "engine built (no saved index (first start))" in first.stderr
    assert "engine loaded (saved index matches corpus and settings)" in second.stderr
    assert first.stdout == second.stdout
    manifests = list(own_cache.glob("*/bm25/manifest.json"))
    assert len(manifests) == 1 and manifests[0].parent.parent == index_location(corpus)
    # Quiet by default: no log lines, and no progress bar when stderr is not a terminal.
    quiet = run("ask", "--json", "--corpus", str(corpus), question, env={"KUTIP_CACHE_DIR": str(own_cache)})
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_index_dir_overrides_the_cache(tmp_path: Path, own_cache: Path) -> None:
    corpus = _small(tmp_path / "c.jsonl", 5)
    opened = open_engine(corpus, index_dir=tmp_path / "mine")
    assert opened.index_dir == tmp_path / "mine" and (tmp_path / "mine" / "bm25" / "manifest.json").is_file()
    assert not own_cache.exists() or not any(own_cache.iterdir())


def test_the_default_cache_root_is_the_platform_user_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("KUTIP_CACHE_DIR")
    assert cache_root() == Path(platformdirs.user_cache_dir("kutip", appauthor=False))


def _age(folder: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(folder / "used", (then, then))


def test_cleanup_drops_gone_corpora_old_and_surplus_folders(
    tmp_path: Path, own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpora = [_small(tmp_path / f"c{i}.jsonl", i) for i in range(5)]
    folders = [open_engine(c).index_dir for c in corpora]
    assert all(f is not None and f.is_dir() for f in folders)
    assert clean_cache() == []

    corpora[0].unlink()  # a corpus that is gone
    _age(folders[1], store.CACHE_MAX_AGE_DAYS + 1)  # one not used for too long
    removed = clean_cache()
    assert sorted(removed) == sorted(folders[:2])
    assert not folders[0].exists() and not folders[1].exists()

    monkeypatch.setattr(store, "CACHE_MAX_ENTRIES", 2)
    for i, folder in enumerate(folders[2:]):
        _age(folder, 3 - i)  # folders[4] is the most recently used
    assert clean_cache() == [folders[2]]
    assert [f.exists() for f in folders[2:]] == [False, True, True]
    assert not list(own_cache.glob(".trash-*"))


def test_cleanup_runs_on_open_and_spares_the_folder_in_use(
    tmp_path: Path, own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "CACHE_MAX_ENTRIES", 1)
    first = _small(tmp_path / "a.jsonl", 1)
    second = _small(tmp_path / "b.jsonl", 2)
    a = open_engine(first).index_dir
    b = open_engine(second).index_dir
    assert b is not None and b.is_dir() and a is not None and not a.exists()
    assert open_engine(second).build == "loaded"


def test_cleanup_leaves_a_folder_another_process_holds(tmp_path: Path, own_cache: Path) -> None:
    from filelock import FileLock

    corpus = _small(tmp_path / "a.jsonl", 1)
    folder = open_engine(corpus).index_dir
    assert folder is not None
    corpus.unlink()
    with FileLock(folder / ".lock"):
        assert clean_cache() == []
    assert clean_cache() == [folder]


def test_an_unwritable_cache_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("KUTIP_CACHE_DIR", str(blocker))
    corpus = _small(tmp_path / "a.jsonl", 3)
    opened = open_engine(corpus)
    assert opened.build == "built" and opened.index_dir is None
    assert opened.engine.sentence_count > 0
