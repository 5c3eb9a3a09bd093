"""The line format of the language data files (`corpus/lang/*.txt` and their subfolders).

One entry a line; blank lines and `#` comments are left out, so anyone can
annotate the lists. Every reader of language data (the analyzer, the sentence
splitter's abbreviations, abstention's lexicon, extraction's lists) reads them here.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

log = logging.getLogger(__name__)

# The repository's language data; `LANGUAGE_DATA_PATH` (config.settings) defaults to it.
BUNDLED_LANGUAGE_DATA = Path(__file__).resolve().parent.parent / "corpus" / "lang"


def language_subfolder(own: Path | None, name: str) -> Path:
    """The `name` subfolder of the language data folder `own` (an analyzer's `directory`)
    when it has one, else the bundled one's: a Docker volume mounted over /app/corpus hides
    the bundled folder, while LANGUAGE_DATA_PATH (/app/lang) keeps a copy of it."""
    if own is not None and (own / name).is_dir():
        return own / name
    bundled_folder = BUNDLED_LANGUAGE_DATA / name
    if not bundled_folder.is_dir():
        _warn_missing_folder(name, own, bundled_folder)
    return bundled_folder


def data_lines(path: Path) -> list[str]:
    """The text of a language-data file's lines (`numbered_data_lines` without the numbers)."""
    return [line for _, line in numbered_data_lines(path)]


def numbered_data_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of a language-data file's lines, blank lines and `#` comments left out."""
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append((number, line))
    return out


@functools.cache
def _warn_missing_folder(name: str, own: Path | None, bundled_folder: Path) -> None:
    """Said once a process: without these lists the engine still answers, but declines less."""
    where = f"{own / name} nor {bundled_folder}" if own is not None else str(bundled_folder)
    log.warning(
        "no language data folder %r (neither %s exists): the declines that need it are off;"
        " copy corpus/lang/%s into LANGUAGE_DATA_PATH",
        name,
        where,
        name,
    )
