"""What installs Kutip: one lock behind every install command, and the Docker image replayed.

No Docker daemon runs where these tests run, so the image's layout is replayed
from the Dockerfile itself (its COPY, WORKDIR and ENV lines) into a temporary
folder and the bot is asked a question there, as `docker run` would.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from config.settings import Settings

REPO = Path(__file__).resolve().parent.parent
# Installers' own tools: .ci/lock leaves them out of the lock on purpose.
_TOOLS = {"pip", "setuptools", "wheel"}


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text(encoding="utf-8"))
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## The two commands", 1)[1]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _pip_installs(line: str) -> list[list[str]]:
    """The arguments of each `pip install` in one shell line."""
    installs = []
    for part in re.split(r"&&|;", line):
        words = shlex.split(part)
        for i, word in enumerate(words[:-1]):
            if word.endswith("pip") and words[i + 1] == "install":
                installs.append(words[i + 2 :])
    return installs


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_every_install_command_installs_with_the_lock() -> None:
    lines = {
        "README": _readme_commands(),
        ".ci/run": [line for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines() if not line.startswith("#")],
        "Dockerfile": [args for word, args in _instructions() if word == "RUN"],
    }
    for where, shell_lines in lines.items():
        installs = [args for line in shell_lines for args in _pip_installs(line)]
        assert installs, f"{where} installs nothing"
        for args in installs:
            assert "constraints.txt" in args and args[args.index("constraints.txt") - 1] == "-c", (where, args)
    readme = _readme_commands()
    assert len(readme) == 2 and readme[0].endswith("-m bot") and readme[1].endswith("-m pytest")
    assert readme[1] in (REPO / ".ci" / "run").read_text(encoding="utf-8"), ".ci/run must run the README's test command verbatim"


def test_the_lock_pins_every_distribution_kutip_installs() -> None:
    """A dependency added to pyproject.toml without `bash .ci/lock` would install its newest release."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = _pins()
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for extra in ("test", "bench") for r in project["optional-dependencies"][extra]]
    seen: set[str] = set()
    while wanted:
        requirement = wanted.pop()
        name = canonicalize_name(requirement.name)
        if name in seen or name in _TOOLS:
            continue
        seen.add(name)
        assert name in pins, f"{requirement.name} is installed but not pinned in constraints.txt: run bash .ci/lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (requirement, pins[name])
        try:
            distribution = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            continue  # an extra this environment did not install (bench): pinned, not walked
        for extra in requirement.extras or {""}:
            for text in distribution.requires or ():
                child = Requirement(text)
                if child.marker is None or child.marker.evaluate({**default_environment(), "extra": extra}):
                    wanted.append(child)
    assert {"python-telegram-bot", "rank-bm25", "pydantic-settings", "httpx", "pytest"} <= seen


def test_the_image_copies_every_package_before_installing_it() -> None:
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    steps = _instructions()
    install = next(i for i, (word, args) in enumerate(steps) if word == "RUN" and _pip_installs(args))
    copied = {Path(src).parts[0] for word, args in steps[:install] if word == "COPY" for src in args.split()[:-1]}
    assert set(setuptools["packages"]) <= copied
    assert {"pyproject.toml", "constraints.txt", "README.md"} <= copied
    for package, files in setuptools["package-data"].items():
        for name in files:
            assert (REPO / package / name).is_file(), f"package data {package}/{name} is missing"


def test_the_image_sets_only_settings_that_exist() -> None:
    """A misspelt ENV name is silently ignored by pydantic-settings (extra="ignore")."""
    fields = {name.upper() for name in Settings.model_fields}
    named = set()
    for word, args in _instructions():
        if word == "ENV":
            named |= {pair.split("=", 1)[0] for pair in shlex.split(args)}
    header = (REPO / "Dockerfile").read_text(encoding="utf-8")
    named |= set(re.findall(r"-e ([A-Z_]+)=", header))
    ours = {name for name in named if not name.startswith(("PYTHON", "PIP_"))}
    assert ours and ours <= fields, ours - fields


def _replay_image(app: Path) -> dict[str, str]:
    """Copy what the Dockerfile copies into `app` (its /app) and return its ENV, paths mapped."""
    env: dict[str, str] = {}
    workdir = app
    for word, args in _instructions():
        if word == "WORKDIR":
            workdir = app / Path(args).relative_to("/app")
            workdir.mkdir(parents=True, exist_ok=True)
        elif word == "COPY":
            *sources, dest = args.split()
            target = app / Path(dest).relative_to("/app") if dest.startswith("/") else workdir / dest
            for source in sources:
                origin = REPO / source
                into = target / origin.name if dest.endswith("/") else target
                if origin.is_dir():
                    shutil.copytree(origin, into, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    into.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, into)
        elif word == "ENV":
            for pair in shlex.split(args):
                key, value = pair.split("=", 1)
                env[key] = str(app / Path(value).relative_to("/app")) if value.startswith("/app") else value
        elif word == "RUN" and "mkdir" in args:
            for folder in re.findall(r"mkdir -p (\S+)", args):
                (app / Path(folder).relative_to("/app")).mkdir(parents=True, exist_ok=True)
    return env


@pytest.mark.e2e
def test_the_replayed_image_answers_even_with_a_corpus_mounted_over_its_own(tmp_path: Path) -> None:
    app = tmp_path / "app"
    env = _replay_image(app)
    # `docker run -v /srv/articles:/app/corpus:ro`: a folder of articles with no lang/ of its own.
    shutil.rmtree(app / "corpus" / "lang")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "CORPUS_", "INDEX_", "LANGUAGE_"))}
    # `python -m bot` in /app imports the copied packages (the working folder comes first on sys.path).
    probe = "import runpy, sys, bot; print('package', bot.__file__, file=sys.stderr); runpy.run_module('bot', run_name='__main__', alter_sys=True)"
    result = subprocess.run(
        [sys.executable, "-c", probe, "ask", "--json", "Siapa yang diundang Rusia ke Moskow?"],
        capture_output=True, text=True, cwd=app, env={**clean, **env}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"package {app / 'bot' / '__init__.py'}" in result.stderr
    assert "no language data folder" not in result.stderr
    answer = json.loads(result.stdout)
    assert answer["answered"] is True
    assert "delegasi" in answer["results"][0]["text"] and answer["results"][0]["source"] == "Associated Press (terjemahan)"
    assert any((app / "index").iterdir()), "the index was not persisted where INDEX_DIR points"
