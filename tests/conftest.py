"""Shared fixtures: one engine over the bundled corpus, the stand-in Bot API, a running bot."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests import sampling  # registers the Hypothesis profiles before the plugin loads one
from tests.markexpr import leaves_out_e2e

if TYPE_CHECKING:
    from retrieval.search import Engine
    from tests.botapi import BotApiServer, Call

# Kutip, PTB and the stand-in server are imported by the fixtures that use
# them, not here: with pytest-xdist (`-n 2`) the controlling process loads
# this file too but runs no test, and importing them took it ~1.5 s of CPU
# before any worker started.

# Keep the polling loop's HTTP lines out of test logs (they carry the token).
logging.getLogger("httpx").setLevel(logging.WARNING)


def _scratch_in_memory(folder: str = "/dev/shm", *, free: int = 2 << 30) -> None:
    """Scratch files (tmp_path, the cache below, subprocesses' temp files) on tmpfs when there is room.

    Every index save fsyncs each file it writes; on a shared disk those fsyncs
    took most of the quick run's wall time (a 60 s run became 300 s while other
    jobs wrote). tmpfs acknowledges them at once. What the tests check of
    crash safety (temp file + os.replace, a killed process) holds the same there.
    An explicit TMPDIR wins.
    """
    if "TMPDIR" in os.environ or not os.path.isdir(folder) or not os.access(folder, os.W_OK | os.X_OK):
        return
    if shutil.disk_usage(folder).free < free:
        return
    os.environ["TMPDIR"] = folder
    tempfile.tempdir = folder


_scratch_in_memory()


def _bytecode_outside_the_tree() -> None:
    """With PYTHONDONTWRITEBYTECODE set, keep compiled code in a private temp folder instead of nowhere.

    Without any bytecode every run compiled Kutip's modules and pytest
    assertion-rewrote every test module again: ~2 s of each process's
    collection (each pytest-xdist worker pays it too), a fifth of the quick
    run. The setting's purpose, no __pycache__ folders in the tree, still
    holds: `sys.pycache_prefix` puts them (pytest's rewritten tests too) in
    one folder under the temp dir, private to this user; a PYTHONPYCACHEPREFIX
    of one's own wins, and so does a folder that is not safely ours.
    """
    if not sys.dont_write_bytecode or sys.pycache_prefix:
        return
    folder = Path(tempfile.gettempdir()) / f"kutip-test-pycache-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = folder.lstat()
    except OSError:
        return
    # Python runs whatever bytecode it finds there: never a folder someone else could write to.
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
        return
    # Only this process: an interpreter started with PYTHONPYCACHEPREFIX looks for
    # all its bytecode there, the standard library's too, and (still told not to
    # write) compiled everything anew; xdist workers run this conftest themselves.
    sys.pycache_prefix = str(folder)
    sys.dont_write_bytecode = False


_bytecode_outside_the_tree()

# Tests never write to the real ~/.cache: persisted indexes (and those of the
# `python -m bot` subprocesses tests start, which inherit the environment) go here.
_CACHE = tempfile.mkdtemp(prefix="kutip-test-cache-")
os.environ["KUTIP_CACHE_DIR"] = _CACHE


# The cyclic garbage collector, not the tests, took a sixth of the quick run's
# CPU: importing and assertion-rewriting every test module makes millions of
# objects that live for the whole run, and each full collection walked them
# again. Off while collecting; then they are frozen (never scanned again) and
# young objects are collected every 10,000 allocations instead of 700.
gc.disable()


def pytest_collection_finish(session: pytest.Session) -> None:
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    gc.enable()


def pytest_configure(config: pytest.Config) -> None:
    # The quick run (`-m "not e2e"`, or any `-m` that leaves out every e2e test)
    # samples: a tenth of each Hypothesis test's examples and short answer
    # sweeps (tests/sampling.py).
    if leaves_out_e2e(config.option.markexpr):
        sampling.quick(hypothesis_profile=config.getoption("hypothesis_profile", None) is None)


_WHOLE_MODULE_E2E = "\npytestmark = pytest.mark.e2e\n"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # A run whose `-m` leaves out every e2e test (tests/markexpr.py) does not
    # import a module whose every test is one: it would only be
    # assertion-rewritten and imported to be dropped (~0.6 s of the quick
    # run's CPU for the twelve such modules). `-m "not e2e or asyncio"` selects
    # e2e asyncio tests, so it imports them all.
    if (
        collection_path.suffix == ".py"
        and collection_path.name.startswith("test_")
        and leaves_out_e2e(config.option.markexpr)
        and _WHOLE_MODULE_E2E in collection_path.read_text(encoding="utf-8")
    ):
        return True
    return None


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def engine() -> Engine:
    """Built once per test session from the corpus the bot ships with."""
    from config.settings import BUNDLED_CORPUS, BUNDLED_LANGUAGE_DATA
    from retrieval.store import open_engine

    opened = open_engine(BUNDLED_CORPUS, language_data_path=BUNDLED_LANGUAGE_DATA)
    assert not opened.problems
    return opened.engine


SavedIndex = Callable[[Path, Path], None]


@pytest.fixture(scope="session")
def saved_index(tmp_path_factory: pytest.TempPathFactory) -> SavedIndex:
    """`saved_index(corpus, index_dir)` leaves `index_dir` as `open_engine(corpus, index_dir=index_dir)`
    with the bundled language data would: built once per corpus content, copied after that.

    Many persistence tests start from a saved index and then damage or change
    something; building it again for each of them was most of their time.
    """
    from retrieval.store import open_engine

    built: dict[object, Path] = {}

    def save(corpus: Path, index_dir: Path) -> None:
        key = corpus_content(corpus)
        if key not in built:
            folder = tmp_path_factory.mktemp("saved")
            assert open_engine(corpus, index_dir=folder / "index").build == "built"
            # A copy must be what the tests think it is: the index this corpus loads.
            shutil.copytree(folder / "index", folder / "copy")
            assert open_engine(corpus, index_dir=folder / "copy").build == "loaded"
            built[key] = folder / "index"
        shutil.copytree(built[key], index_dir)

    return save


def corpus_content(corpus: Path) -> object:
    """What a corpus file or folder holds, as a key: equal keys, equal corpora."""
    if corpus.is_dir():
        return tuple((p.name, p.read_bytes()) for p in sorted(corpus.iterdir()) if p.is_file())
    return corpus.read_bytes()


@dataclass
class RunningBot:
    server: BotApiServer
    app: Any
    engine: Engine

    async def ask(self, chat_id: int, question: str | None, *, timeout: float = 5.0, **kwargs: Any) -> Call:
        """Push a message and wait for the bot's next sendMessage into that chat."""
        since = self.server.mark()
        self.push(chat_id, question, **kwargs)
        return await self.reply(chat_id, since=since, timeout=timeout)

    def push(self, chat_id: int, question: str | None, **kwargs: Any) -> int:
        return self.server.push_message(chat_id, question, **kwargs)

    async def reply(self, chat_id: int, *, since: int, timeout: float = 5.0) -> Call:
        return await self.server.wait_for("sendMessage", lambda c: same_chat(c, chat_id), since=since, timeout=timeout)

    def replies(self, chat_id: int, *, since: int = 0) -> list[Call]:
        return [c for c in self.server.calls[since:] if c.method == "sendMessage" and same_chat(c, chat_id)]


def same_chat(call: Call, chat_id: int) -> bool:
    return str(call.params.get("chat_id")) == str(chat_id)


@contextlib.asynccontextmanager
async def running_bot(engine: Engine | None, **overrides: Any) -> AsyncIterator[RunningBot]:
    """The real Application, long-polling the stand-in server, as `python -m bot` runs it."""
    from bot.app import build_app
    from tests.botapi import BotApiServer, settings_for

    async with BotApiServer() as server:
        app = build_app(settings_for(server, **overrides), engine=engine)
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield RunningBot(server, app, app.bot_data.library.current)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)


@pytest.fixture
async def bot(engine: Engine) -> AsyncIterator[RunningBot]:
    async with running_bot(engine) as running:
        yield running
