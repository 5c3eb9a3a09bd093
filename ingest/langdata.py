"""The language data extraction uses: outlet names, byline labels, boilerplate.

Everything here is plain text under `corpus/lang/extraction/` (see its
README.txt), plus the general `corpus/lang/boilerplate*.txt` patterns the
retriever uses, so people extend extraction without touching code. The
subfolder keeps these files out of the retriever's index fingerprint.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from retrieval.langfiles import BUNDLED_LANGUAGE_DATA, numbered_data_lines

_EXTRACTION_FOLDER = "extraction"
_TRIM = " :|-–—,.;"
_NAME_CONNECTORS = frozenset(
    {"dan", "and", "&", "bin", "binti", "van", "von", "de", "der", "da", "al", "el", "la", "y", "e"}
)


@dataclass(frozen=True, slots=True)
class LangData:
    # Folded domain or site name -> the name readers recognise.
    sources_by_domain: dict[str, str]
    sources_by_name: dict[str, str]
    roles: tuple[str, ...]  # folded, longest first
    editor_roles: tuple[str, ...]
    not_a_person: tuple[re.Pattern[str], ...]
    boilerplate: tuple[re.Pattern[str], ...]
    text_source: tuple[re.Pattern[str], ...]

    def is_boilerplate(self, line: str) -> bool:
        normal = collapse(line)
        if not normal:
            return True
        return any(pattern.search(normal) for pattern in self.boilerplate)

    def person_name(self, candidate: str | None) -> str | None:
        """A writer's name from a byline (`Pewarta: Nur Imansyah` -> `Nur Imansyah`), or None.

        None when it names no person: a company, the newsroom, a web credit,
        a login (`prwir`), or nothing left once the role labels are gone.
        """
        text = collapse(candidate or "").strip(_TRIM)
        if not text or text.startswith(("http://", "https://")):
            return None
        # Checked before the labels go too (`No Author` must not become `No`),
        # unless a comma may separate an outlet from the person.
        if "," not in text and any(pattern.search(text) for pattern in self.not_a_person):
            return None
        text = self.strip_roles(text)
        # `Laporan Wartawan Tribunnews.com, Rina Ayu`: the outlet, then the person.
        outlet, comma, rest = text.partition(", ")
        if comma and (self.is_outlet(outlet) or any(p.search(outlet) for p in self.not_a_person)):
            text = self.strip_roles(rest)
        # `Maya Sofia - VIVA.co.id`, `Rob Picheta, CNN`, `X | Editor: Y`, `X/ Red: Y`,
        # `X Editor: Y`: keep the person's part.
        text = re.split(
            r"\s+[|–—-]\s+|\s*[|/]\s*|\s*,\s*(?=[A-Z]{2,}\b)|\s+\w+\s*:\s", text
        )[0].strip(_TRIM)
        text = self.strip_roles(text)
        if not text or len(text) > 80:
            return None
        if self.is_outlet(text) or any(pattern.search(text) for pattern in self.not_a_person):
            return None
        words = text.split()
        if not 1 <= len(words) <= 8 or any(ch.isdigit() for ch in text) or "@" in text:
            return None
        # Every word of a name is capitalised, connectors aside (`dan`, `bin`).
        if any(not w[0].isupper() and w.casefold() not in _NAME_CONNECTORS for w in words):
            return None
        return text

    def is_outlet(self, name: str) -> bool:
        """True when `name` is an outlet in sources.txt (`CNN Indonesia`, `Kompas`)."""
        return bool(name) and fold_name(name) in self.sources_by_name

    def strip_roles(self, text: str) -> str:
        """`Pewarta: X` -> `X`; `X Jurnalis` -> `X` (labels from roles.txt and editor-roles.txt)."""
        roles = tuple(sorted(set(self.roles) | set(self.editor_roles), key=lambda r: (-len(r), r)))
        changed = True
        while changed and text:
            changed = False
            folded = text.casefold()
            for role in roles:
                if folded.startswith(role) and (len(text) == len(role) or not text[len(role)].isalnum()):
                    text = text[len(role):].strip(_TRIM)
                    changed = True
                    break
                if folded.endswith(role) and (len(text) == len(role) or not text[-len(role) - 1].isalnum()):
                    text = text[: -len(role)].strip(_TRIM)
                    changed = True
                    break
        return text

    def source_for_domain(self, url_or_host: str | None) -> str | None:
        """The table's name for a URL's host (subdomains included), else None."""
        host = host_of(url_or_host)
        if not host:
            return None
        path = urlsplit(url_or_host).path if url_or_host and "//" in url_or_host else ""
        labels = host.split(".")
        for start in range(len(labels) - 1):
            domain = ".".join(labels[start:])
            first_segment = path.strip("/").split("/", 1)[0]
            if first_segment and f"{domain}/{first_segment}" in self.sources_by_domain:
                return self.sources_by_domain[f"{domain}/{first_segment}"]
            if domain in self.sources_by_domain:
                return self.sources_by_domain[domain]
        return None

    def source_for_name(self, name: str | None) -> str | None:
        if not name:
            return None
        key = fold_name(name)
        if key in self.sources_by_name:
            return self.sources_by_name[key]
        # A printed domain (`KIBLAT.NET`, `Kompas.com`) names its outlet too.
        if re.fullmatch(r"[\w-]+(\.[a-z]{2,6}){1,2}", name.strip().casefold()):
            return self.source_for_domain(name.strip().casefold())
        return None


def collapse(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def fold_name(name: str) -> str:
    """Letters and digits only, case-folded: `ANTARA News` -> `antaranews`."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch.isalnum())


def fold_person(name: str) -> str:
    """Letters only, case-folded: how two spellings of one name are compared."""
    return "".join(ch for ch in name.casefold() if ch.isalpha())


def host_of(url_or_host: str | None) -> str | None:
    if not url_or_host:
        return None
    text = url_or_host.strip().casefold()
    host = urlsplit(text).hostname if "//" in text else text.split("/", 1)[0]
    if not host:
        return None
    return host.removeprefix("www.")


def load(directory: Path) -> LangData:
    """Read the extraction data in `directory` (a `corpus/lang` folder)."""
    directory = Path(directory)
    folder = directory / _EXTRACTION_FOLDER
    if not folder.is_dir():
        raise FileNotFoundError(f"extraction language data folder not found: {folder}")
    by_domain: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for number, line in _lines(folder / "sources.txt"):
        key, sep, name = line.partition("|")
        if not sep or not key.strip() or not name.strip():
            raise ValueError(f"sources.txt:{number}: expected `domain or site name | Name`, got {line!r}")
        key, name = key.strip(), collapse(name)
        if re.fullmatch(r"[\w.-]+\.[a-z]{2,}(/[\w-]+)?", key.casefold()):
            by_domain[key.casefold().removeprefix("www.")] = name
        by_name[fold_name(key)] = name
        by_name.setdefault(fold_name(name), name)
    roles = _words(folder / "roles.txt")
    editor_roles = _words(folder / "editor-roles.txt")
    not_a_person = _patterns(folder / "not-a-person.txt")
    boilerplate = tuple(
        pattern
        for path in [*sorted(directory.glob("boilerplate*.txt")), folder / "page-boilerplate.txt"]
        for pattern in _patterns(path)
    )
    text_source = _patterns(folder / "text-source.txt", case_insensitive=False)
    return LangData(
        sources_by_domain=by_domain,
        sources_by_name=by_name,
        roles=roles,
        editor_roles=editor_roles,
        not_a_person=not_a_person,
        boilerplate=boilerplate,
        text_source=text_source,
    )


@lru_cache(maxsize=4)
def at(directory: Path) -> LangData:
    """The extraction data of a language data folder (`LANGUAGE_DATA_PATH`, the setting
    the retriever reads too, e.g. /app/lang in the image) when it has an extraction
    folder, else the repository's `corpus/lang`'s; read once a process."""
    directory = Path(directory)
    if directory != BUNDLED_LANGUAGE_DATA and not (directory / _EXTRACTION_FOLDER).is_dir():
        return bundled()  # one copy of the bundled lists, however many folders lack their own
    return load(directory)


def bundled() -> LangData:
    """The repository's extraction data (`at` the bundled folder)."""
    return at(BUNDLED_LANGUAGE_DATA)


def _lines(path: Path) -> list[tuple[int, str]]:
    # The same comment and blank-line rules as the analyzer's language data.
    return numbered_data_lines(path) if path.is_file() else []


def _words(path: Path) -> tuple[str, ...]:
    words = {collapse(line).casefold() for _, line in _lines(path)}
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def _patterns(path: Path, *, case_insensitive: bool = True) -> tuple[re.Pattern[str], ...]:
    flags = re.IGNORECASE if case_insensitive else 0
    out: list[re.Pattern[str]] = []
    for number, line in _lines(path):
        try:
            out.append(re.compile(line, flags))
        except re.error as exc:
            raise ValueError(f"{path.name}:{number}: bad pattern {line!r}: {exc}") from exc
    return tuple(out)
