"""The line format of the language data files (`corpus/lang/*.txt` and their subfolders).

One entry a line; blank lines and `#` comments are left out, so anyone can
annotate the lists. Every reader of language data (the analyzer, the sentence
splitter's abbreviations, abstention's lexicon, extraction's lists) reads them here.
"""

from __future__ import annotations

from pathlib import Path

# The repository's language data; `LANGUAGE_DATA_PATH` (config.settings) defaults to it.
BUNDLED_LANGUAGE_DATA = Path(__file__).resolve().parent.parent / "corpus" / "lang"


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
