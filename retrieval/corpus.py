"""Read a corpus of articles: a folder of Markdown files or one JSONL file.

A Markdown article is a file with YAML front matter between two `---` lines:

    ---
    id: "rusia-kontak-langsung-hts"     # optional: defaults to the file name without .md
    title: "Rusia Jalin Kontak ..."     # required
    source: "Pantau"                    # required
    date: 2024-12-13                    # YYYY-MM-DD, or null / absent when unknown
    date_approximate: false             # optional bool, default false
    author: "Khalied Malvino"           # optional, null when unknown
    url: null                           # optional
    ---
    The article's text, paragraphs separated by blank lines.

A folder is read recursively (`*.md`, and `*.jsonl` files such as the
`ingested.jsonl` that `python -m bot ingest` writes, sorted by path); folders
named `lang` (language data, not articles) and hidden files and folders are
skipped. Ids must be unique across all the files of a folder.

A JSONL corpus carries one JSON object a line with the same fields and the
body under `text`; `id`, `title`, `source` and `text` are required there (no
file name to fall back on). Blank lines are skipped. Unknown fields are
ignored in both formats. A JSONL file is an append log: a line whose id an
earlier line already used is a newer version of that article (an updated page
ingested again), and the stream carries both, in file order; the engine
quotes only the latest (`retrieval.build`). In a Markdown folder two files
with one id are a mistake: the second is reported and skipped.

Bad input never stops the load: each bad article becomes a `Problem` naming
the file (or JSONL line) and field, that article is left out, and the rest
loads. Only an unusable path or a corpus with no article at all raises
`CorpusError`.

Front matter is parsed with a SafeLoader that also refuses anchors, aliases
and explicit tags, so YAML bombs and `!!python/...` tags are reported, never
expanded or executed. Dates stay strings in YAML (no implicit timestamps) and
only `true`/`false` are booleans, so `title: No` is text, not False.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.records import Article

__all__ = [
    "DEFAULT_MAX_ARTICLE_BYTES",
    "Corpus",
    "CorpusError",
    "Problem",
    "iter_corpus",
    "load_corpus",
]

DEFAULT_MAX_ARTICLE_BYTES = 2 * 1024 * 1024
# Real front matter is a few hundred bytes; the cap bounds YAML parsing work
# (and nesting depth) whatever the article cap is.
_MAX_FRONT_MATTER_BYTES = 64 * 1024
_SKIPPED_FOLDERS = frozenset({"lang"})
_KNOWN_FIELDS = ("id", "title", "source", "date", "date_approximate", "author", "url", "text")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FENCE = re.compile(r"---[ \t]*(?:\n|$)")


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one article (file or JSONL line) was not loaded."""

    location: str
    field: str | None
    message: str

    def __str__(self) -> str:
        if self.field is None:
            return f"{self.location}: {self.message}"
        return f"{self.location}: field '{self.field}': {self.message}"


@dataclass(frozen=True, slots=True)
class Corpus:
    # Every article version in corpus order (a JSONL id may come again, newer).
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]

    @property
    def current(self) -> tuple[Article, ...]:
        """The latest version of every article, in the order the versions came."""
        latest = {a.id: i for i, a in enumerate(self.articles)}
        return tuple(a for i, a in enumerate(self.articles) if latest[a.id] == i)


class CorpusError(Exception):
    """The corpus cannot be used at all (bad path, or nothing loaded)."""

    def __init__(self, message: str, *, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


def load_corpus(path: Path, *, max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES) -> Corpus:
    """Load every good article under `path`; collect a Problem for each bad one."""
    articles: list[Article] = []
    problems: list[Problem] = []
    for item in iter_corpus(path, max_article_bytes=max_article_bytes):
        (articles if isinstance(item, Article) else problems).append(item)
    return Corpus(articles=tuple(articles), problems=tuple(problems))


def iter_corpus(
    path: Path, *, max_article_bytes: int = DEFAULT_MAX_ARTICLE_BYTES
) -> Iterator[Article | Problem]:
    """Stream articles and problems from a Markdown folder or a `.jsonl` file.

    The path is checked at once (CorpusError before the first item); the
    "no article at all" CorpusError comes when the stream ends.
    """
    path = Path(path)
    if not path.exists():
        raise CorpusError(
            f"corpus path {path} does not exist: set CORPUS_PATH (or --corpus) to a folder "
            "of Markdown articles or a .jsonl file"
        )
    if path.is_dir():
        items = _iter_markdown_folder(path, max_article_bytes)
        empty_hint = f"no Markdown article (*.md) or JSONL article (*.jsonl) found in {path}"
        versions = False
    elif path.is_file() and path.suffix.lower() == ".jsonl":
        items = _iter_jsonl(path, max_article_bytes)
        empty_hint = f"{path} contains no article lines"
        versions = True
    else:
        raise CorpusError(
            f"corpus path {path} is neither a folder nor a .jsonl file: point CORPUS_PATH "
            "(or --corpus) at a folder of Markdown articles or a file ending in .jsonl"
        )
    return _deduplicated(items, empty_hint, versions=versions)


# --- shared checks ------------------------------------------------------------


def _deduplicated(
    items: Iterator[tuple[Article | Problem, str]], empty_hint: str, *, versions: bool
) -> Iterator[Article | Problem]:
    """Report later articles whose id was already seen (unless they are `versions`); raise if nothing loaded."""
    seen: dict[str, str] = {}
    problems: list[Problem] = []
    loaded = 0
    for item, location in items:
        if isinstance(item, Problem):
            # Kept only for the final error message; bounded so a corpus of
            # nothing but bad lines cannot grow this without limit.
            if len(problems) < 5:
                problems.append(item)
            yield item
            continue
        first = seen.get(item.id)
        if first is not None and not versions:
            problem = Problem(
                location, "id", f"duplicate id {item.id!r}, already used by {first}; this copy is skipped"
            )
            if len(problems) < 5:
                problems.append(problem)
            yield problem
            continue
        seen.setdefault(item.id, location)
        loaded += 1
        yield item
    if not loaded:
        if problems:
            shown = "; ".join(str(p) for p in problems[:3])
            raise CorpusError(
                f"no article could be loaded: every article has a problem. First: {shown}",
                problems=tuple(problems),
            )
        raise CorpusError(f"the corpus is empty: {empty_hint}")


def _decode(data: bytes, location: str, field: str | None) -> str | Problem:
    nul = data.find(b"\x00")
    if nul != -1:
        return Problem(location, field, f"contains a NUL byte at byte offset {nul}: binary data, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem(
            location,
            field,
            f"bytes at byte offset {exc.start} are not UTF-8 ({data[exc.start:exc.start + 4]!r}...): "
            "re-save the file as UTF-8",
        )
    return text.removeprefix("\ufeff")


def _too_big(location: str, size: int | None, limit: int) -> Problem:
    what = f"is {size:,} bytes, over" if size is not None else "is over"
    return Problem(
        location,
        None,
        f"article {what} the {limit:,}-byte limit (split it, or raise max_article_bytes)",
    )


def _text_field(record: dict[str, Any], name: str, location: str, *, required: bool) -> str | None | Problem:
    """A string field, stripped; blank or null is None (a Problem when required)."""
    value = record.get(name)
    if value is None:
        if not required:
            return None
        if name in record:
            return Problem(location, name, "is null; it must be text")
        hint = _near_miss(record, name)
        return Problem(location, name, f"is missing{hint}")
    if not isinstance(value, str):
        return Problem(location, name, f"must be text, not {_type_name(value)} ({_short(value)})")
    value = value.strip()
    if not value:
        return Problem(location, name, "is blank") if required else None
    return value


def _build_article(record: dict[str, Any], location: str, *, body_field: str) -> Article | Problem:
    fields: dict[str, Any] = {}
    required_fields = (("id", True), ("title", True), ("source", True), ("author", False), ("url", False))
    for name, required in required_fields:
        if name == "id" and isinstance(record.get("id"), int) and not isinstance(record.get("id"), bool):
            # Exported datasets often number their articles; the number is a fine id.
            fields["id"] = str(record["id"])
            continue
        value = _text_field(record, name, location, required=required)
        if isinstance(value, Problem):
            return value
        fields[name] = value

    date = _parse_date(record.get("date"), location)
    if isinstance(date, Problem):
        return date

    approximate = record.get("date_approximate", False)
    if approximate is None:
        approximate = False
    if not isinstance(approximate, bool):
        return Problem(
            location,
            "date_approximate",
            f"must be true or false, not {_type_name(approximate)} ({_short(approximate)})",
        )
    if approximate and date is None:
        return Problem(location, "date_approximate", "is true but there is no date to be approximate about")

    text = record.get("text")
    if not isinstance(text, str):
        if text is None:
            return Problem(location, body_field, "is missing: the article has no text")
        return Problem(location, body_field, f"must be text, not {_type_name(text)}")
    text = text.strip()
    if not text:
        return Problem(location, body_field, "is empty: the article has no text")

    return Article(
        id=fields["id"],
        title=fields["title"],
        source=fields["source"],
        date=date,
        text=text,
        date_approximate=approximate,
        author=fields["author"],
        url=fields["url"],
    )


def _parse_date(value: Any, location: str) -> dt.date | None | Problem:
    if value is None:
        return None
    if not isinstance(value, str):
        return Problem(
            location, "date", f"must be a date in YYYY-MM-DD form, not {_type_name(value)} ({_short(value)})"
        )
    text = value.strip()
    if not text:
        return None
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    return Problem(location, "date", f"{_short(value)} is not a date in YYYY-MM-DD form")


def _near_miss(record: dict[str, Any], name: str) -> str:
    unknown = [k for k in record if isinstance(k, str) and k not in _KNOWN_FIELDS]
    close = [k for k in unknown if _similar(k.lower(), name)]
    return f" (found unknown field {close[0]!r}: a typo?)" if close else ""


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    # At most one edit or one swap: enough for `titel`, `tittle`, `sorce`.
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _type_name(value: Any) -> str:
    names = {str: "text", bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a mapping"}
    return names.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


# --- Markdown folder -----------------------------------------------------------


def _iter_markdown_folder(root: Path, limit: int) -> Iterator[tuple[Article | Problem, str]]:
    for file in _markdown_files(root):
        location = str(file)
        if file.suffix == ".jsonl":
            try:
                yield from _iter_jsonl(file, limit)
            except CorpusError as exc:
                yield Problem(location, None, str(exc)), location
            continue
        yield _read_markdown(file, location, limit), location


def _markdown_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in _SKIPPED_FOLDERS and not d.startswith(".")]
        found.extend(Path(folder, f) for f in files if f.endswith((".md", ".jsonl")) and not f.startswith("."))
    return sorted(found)


def _read_markdown(file: Path, location: str, limit: int) -> Article | Problem:
    try:
        size = file.stat().st_size
        if size > limit:
            return _too_big(location, size, limit)
        with file.open("rb") as handle:
            # Read one byte past the cap: the file may have grown since stat().
            data = handle.read(limit + 1)
    except OSError as exc:
        return Problem(location, None, f"cannot be read: {exc.strerror or exc}")
    if len(data) > limit:
        return _too_big(location, None, limit)
    text = _decode(data, location, None)
    if isinstance(text, Problem):
        return text
    split = _split_front_matter(text.replace("\r\n", "\n"), location)
    if isinstance(split, Problem):
        return split
    front, body = split
    meta = _parse_front_matter(front, location)
    if isinstance(meta, Problem):
        return meta
    if "text" in meta:
        return Problem(location, "text", "belongs below the front matter, not inside it")
    record = dict(meta)
    record.setdefault("id", file.stem)
    record["text"] = body
    return _build_article(record, location, body_field="body")


def _split_front_matter(text: str, location: str) -> tuple[str, str] | Problem:
    opening = _FENCE.match(text)
    if opening is None:
        return Problem(
            location, "front matter", "the file must start with a '---' line opening the YAML front matter"
        )
    rest = text[opening.end() :]
    closing = re.search(r"^(?:---|\.\.\.)[ \t]*$", rest[: _MAX_FRONT_MATTER_BYTES + 8], flags=re.MULTILINE)
    if closing is None:
        if len(rest.encode("utf-8")) > _MAX_FRONT_MATTER_BYTES:
            return Problem(
                location,
                "front matter",
                f"no closing '---' line within the first {_MAX_FRONT_MATTER_BYTES:,} bytes "
                "(front matter is missing its end, or is too large)",
            )
        return Problem(location, "front matter", "no closing '---' line after the YAML front matter")
    front = rest[: closing.start()]
    if len(front.encode("utf-8")) > _MAX_FRONT_MATTER_BYTES:
        return Problem(location, "front matter", f"is larger than {_MAX_FRONT_MATTER_BYTES:,} bytes")
    return front, rest[closing.end() :]


def _parse_front_matter(front: str, location: str) -> dict[str, Any] | Problem:
    # PyYAML is imported on the first front matter only: a warm start, or a JSONL
    # corpus, parses none (importing it took ~20 ms of `python -m bot ask`).
    from retrieval.frontmatter import FrontMatterError, load_front_matter

    try:
        meta = load_front_matter(front)
    except FrontMatterError as exc:
        return Problem(location, "front matter", str(exc))
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return Problem(
            location, "front matter", f"must be a mapping of 'field: value' lines, not {_type_name(meta)}"
        )
    return meta


# --- JSONL file -----------------------------------------------------------------


def _iter_jsonl(file: Path, limit: int) -> Iterator[tuple[Article | Problem, str]]:
    name = str(file)
    try:
        handle = file.open("rb")
    except OSError as exc:
        raise CorpusError(f"cannot read {file}: {exc.strerror or exc}") from exc
    with handle:
        for number, line, complete in _lines(handle, limit):
            location = f"{name} line {number}"
            if not complete:
                yield _too_big(location, None, limit), location
                continue
            if not line.strip():
                continue
            yield _parse_json_line(line, location), location


def _lines(handle: io.BufferedReader, limit: int) -> Iterator[tuple[int, bytes, bool]]:
    """Yield (line number, bytes, fits) without ever holding more than `limit` bytes of one line."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            # Skip the rest of the oversized line chunk by chunk.
            while line and not line.endswith(b"\n"):
                line = handle.readline(1 << 20)
            yield number, b"", False
            continue
        yield number, line, True


def _parse_json_line(line: bytes, location: str) -> Article | Problem:
    text = _decode(line, location, None)
    if isinstance(text, Problem):
        return text
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return Problem(location, None, f"is not valid JSON (column {exc.colno}: {exc.msg})")
    except (ValueError, RecursionError) as exc:
        return Problem(location, None, f"is not usable JSON ({exc})")
    if not isinstance(record, dict):
        return Problem(location, None, f"must be a JSON object {{...}}, not {_type_name(record)}")
    return _build_article(record, location, body_field="text")
