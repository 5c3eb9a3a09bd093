"""Stemming: Sastrawi, made faster, with its stems shared between processes.

Stemming is Sastrawi (Nazief-Adriani/ECS). PyStemmer's Snowball Indonesian
was rejected: it strips `ke-`/`me-` without a dictionary and turns `kelompok`
into `lompok` and `menteri` into `teri`. Sastrawi only strips an affix when
the remainder is a dictionary root, which keeps names and loan words whole.

Sastrawi's answers are kept exactly; what changes is their cost: its prefix
rules run only on words their patterns match (`_PrefixGuard`), its modules see
a `re` that keeps their patterns compiled (`_SastrawiRe`), reduplicated pairs
are stemmed from their halves' cached stems (`sastrawi_pair_stem`), and a
build's processes pass stems to each other through a folder (`StemShare`).
The analyzer's own overrides (`stems*.txt`) apply on top, in `text.Analyzer`.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import sys
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

_NOUN_PREFIXES = ("ke", "pe")  # pe- covers per- and peN-


def noun_of_k_root(word: str, stem: str) -> str | None:
    """kerusakan -> rusak, not rusa (deer): Sastrawi strips -kan before -an.

    A noun prefix (ke-, pe-, per-) never takes the verb suffix -kan, so a word
    with one of them that ends in stem + "kan" is stem + "k" + "an" whenever that
    root exists. Bare words stay ambiguous (desakan is desak, katakan is kata).
    """
    if word.startswith(_NOUN_PREFIXES) and word.endswith(stem + "kan") and _sastrawi().dictionary.contains(stem + "k"):
        return stem + "k"
    return None


@lru_cache(maxsize=1)
def _sastrawi() -> Stemmer:
    # The bare Stemmer, not the factory's CachedStemmer: the Analyzer caches
    # the whole word -> terms pipeline itself. The dictionary is a dict in
    # PySastrawi 1.2.1, so lookups are O(1).
    _quicken_sastrawi()
    stemmer = Stemmer(ArrayDictionary(StemmerFactory().get_words()))
    _guard_prefix_rules(stemmer)
    return stemmer


class _PrefixGuard:
    """A prefix rule of Sastrawi that runs only on words one of its patterns matches.

    A word that is no dictionary root goes through every one of the ~40 prefix
    rules up to three times, each trying its regexes through Python calls (most
    of a cold build's stemming time). A rule whose every disambiguator returns
    nothing unless one of its own patterns matches the word (`_rule_patterns`)
    does nothing to any other word, so skipping it there changes nothing.
    """

    __slots__ = ("_rule", "_matches")

    def __init__(self, rule: Any, patterns: tuple[str, ...]) -> None:
        self._rule = rule
        self._matches = tuple(re.compile(p).match for p in dict.fromkeys(patterns))

    def visit(self, context: Any) -> None:
        word = context.current_word
        for match in self._matches:
            if match(word) is not None:
                self._rule.visit(context)
                return


def _guard_prefix_rules(stemmer: Stemmer) -> None:
    """Wrap each of `stemmer`'s prefix rules whose patterns are known in a `_PrefixGuard`."""
    from Sastrawi.Stemmer.Context.Visitor.AbstractDisambiguatePrefixRule import AbstractDisambiguatePrefixRule

    rules = stemmer.visitor_provider.prefix_visitors
    for i, rule in enumerate(rules):
        plain = type(rule).visit is AbstractDisambiguatePrefixRule.visit
        if not isinstance(rule, AbstractDisambiguatePrefixRule) or not plain:
            continue
        patterns = [_rule_patterns(type(d)) for d in rule.disambiguators]
        if patterns and all(p is not None for p in patterns):
            rules[i] = _PrefixGuard(rule, tuple(chain.from_iterable(patterns)))  # type: ignore[arg-type,call-overload]


@lru_cache(maxsize=None)
def _rule_patterns(disambiguator: type) -> tuple[str, ...] | None:
    """Patterns one of which `re.match`es every word `disambiguator.disambiguate` returns anything for.

    Read from its source, for the shapes Sastrawi's rules have: any number of
    `if word == 'belajar': ...`, then at most one `matches = re.match(PATTERN,
    word)` followed by `if matches: ...`, none with an `else`. Any other shape,
    or a source that cannot be read, gives None: no shortcut.
    """
    import ast
    import inspect
    import textwrap

    try:
        source = textwrap.dedent(inspect.getsource(disambiguator.disambiguate))
        function = ast.parse(source).body[0]
        if not isinstance(function, ast.FunctionDef) or len(function.args.args) != 2:
            return None
        word = function.args.args[1].arg
        body = [node for node in function.body
                if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]  # the docstring
        patterns: list[str] = []
        while body:
            node = body.pop(0)
            if not isinstance(node, (ast.If, ast.Assign)) or (isinstance(node, ast.If) and node.orelse):
                return None
            if isinstance(node, ast.If):  # if word == 'belajar':
                test = node.test
                if not (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == word
                        and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)
                        and isinstance(test.comparators[0], ast.Constant)
                        and isinstance(test.comparators[0].value, str)):
                    return None
                patterns.append(re.escape(test.comparators[0].value) + r"\Z")
                continue
            # matches = re.match(PATTERN, word), then `if matches:` as the last statement
            call = node.value
            if not (len(body) == 1 and isinstance(body[0], ast.If) and not body[0].orelse
                    and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and isinstance(body[0].test, ast.Name) and body[0].test.id == node.targets[0].id
                    and isinstance(call, ast.Call) and not call.keywords and len(call.args) == 2
                    and ast.unparse(call.func) == "re.match" and isinstance(call.args[0], ast.Constant)
                    and isinstance(call.args[0].value, str)
                    and isinstance(call.args[1], ast.Name) and call.args[1].id == word):
                return None
            patterns.append(call.args[0].value)
            body.clear()
        return tuple(patterns) or None
    except Exception:  # any surprise means no shortcut, never a wrong one
        return None


_LITERAL = re.compile(r"[A-Za-z0-9-]+").fullmatch


class _SastrawiRe:
    """The `re` Sastrawi's own modules see: the same `match` and `sub`, a third faster.

    Sastrawi looks each pattern up by its text on every call (`re.match(r'^ber...', word)`,
    about 60 a word) and removes a stem with `re.sub(stem, '', word, count=1)`, a new
    pattern for every word, which keeps evicting the others from `re`'s 512-entry
    cache, so they are compiled again and again. Here the fixed patterns stay
    compiled, and a pattern of letters, digits and hyphens (which a regex matches
    literally) is removed with `str.replace`, the same first occurrence.
    """

    def __init__(self) -> None:
        self._compiled: dict[tuple[str, int], re.Pattern[str]] = {}

    def _pattern(self, pattern: str, flags: int) -> re.Pattern[str]:
        compiled = self._compiled.get((pattern, flags))
        if compiled is None:
            compiled = re.compile(pattern, flags)
            if len(self._compiled) < 1024:  # Sastrawi's own patterns are about 60
                self._compiled[pattern, flags] = compiled
        return compiled

    def match(self, pattern: str, string: str, flags: int = 0) -> re.Match[str] | None:
        return self._pattern(pattern, flags).match(string)

    def sub(self, pattern: str, repl: str, string: str, count: int = 0, flags: int = 0) -> str:
        if count == 1 and not flags and not repl and _LITERAL(pattern):
            return string.replace(pattern, "", 1)
        return self._pattern(pattern, flags).sub(repl, string, count)

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)


def _quicken_sastrawi() -> None:
    """Give every Sastrawi module that uses `re` a `_SastrawiRe` instead (see there)."""
    shim = _SastrawiRe()
    for name, module in list(sys.modules.items()):
        if name.startswith("Sastrawi.") and getattr(module, "re", None) is re:
            module.re = shim  # type: ignore[attr-defined]


@lru_cache(maxsize=1 << 20)
def sastrawi_stem(word: str) -> str:
    # Sastrawi's answer depends on nothing but the word (its dictionary is fixed),
    # so every analyzer in the process shares it: a reload, a build worker (forked
    # with what its parent knew), a test's many engines. ~0.7 ms a word otherwise.
    share = _share
    if share is not None:
        stem = share.lookup(word)
        if stem is not None:
            return stem
    stem = _sastrawi().stem_word(word)
    if share is not None:
        share.publish(word, stem)
    return stem


def is_root_word(word: str) -> bool:
    """Whether `word` (folded) is a root word of the Indonesian dictionary Sastrawi stems with."""
    return _sastrawi().dictionary.contains(word)


# What Sastrawi's `is_plural` reads as a particle after a hyphen (`buku-nya`), not a second word.
_SASTRAWI_PARTICLES = frozenset(("ku", "mu", "nya", "lah", "kah", "tah", "pun"))


def sastrawi_pair_stem(first: str, second: str) -> str:
    """`sastrawi_stem(f"{first}-{second}")` for two halves of plain letters, from the halves' stems.

    Sastrawi's `stem_plural_word` stems both halves (and `me` + the second)
    afresh on every call, which took most of a cold build's stemming; this is
    its logic over the cached single-word stems (a word without a hyphen is
    stemmed by `stem_word` exactly as by `stem_singular_word`).
    """
    if second in _SASTRAWI_PARTICLES:
        return sastrawi_stem(f"{first}-{second}")  # one word with a particle to Sastrawi
    root = sastrawi_stem(first)
    other = sastrawi_stem(second)
    if other == second and not _sastrawi().dictionary.contains(second):
        other = sastrawi_stem("me" + second)  # meniru-nirukan -> tiru
    return root if root == other else f"{first}-{second}"


class StemShare:
    """Sastrawi's stems passed between the processes of one build through a folder.

    Each process appends the words it stemmed to its own file (`word\tstem`
    lines) and, before stemming a word, reads what the others appended since:
    build workers meet mostly the same words, and without this each of them
    would run Sastrawi on every one. Only a cache: a stem read here is the one
    Sastrawi gives (it depends on the word alone), so what a build yields does
    not depend on which process stemmed a word first, or whether the folder works.
    """

    def __init__(self, directory: Path) -> None:
        self._directory = Path(directory)
        self._own_name = f"{os.getpid()}-{id(self)}.tsv"
        self._own = open(self._directory / self._own_name, "ab", buffering=0)  # noqa: SIM115 (lives with the process)
        self._others: dict[str, Any] = {}  # file name -> (open file, bytes of a line not yet complete)
        self._stems: dict[str, str] = {}

    def lookup(self, word: str) -> str | None:
        stem = self._stems.get(word)
        if stem is None:
            try:
                self._read()
            except OSError:
                return None
            stem = self._stems.get(word)
        return stem

    def publish(self, word: str, stem: str) -> None:
        try:
            self._own.write(f"{word}\t{stem}\n".encode("utf-8", "surrogatepass"))
        except OSError:
            pass

    def _read(self) -> None:
        for entry in os.scandir(self._directory):
            if entry.name != self._own_name and entry.name.endswith(".tsv") and entry.name not in self._others:
                self._others[entry.name] = [open(entry.path, "rb"), b""]  # noqa: SIM115
        stems = self._stems
        for state in self._others.values():
            data = state[0].read()
            if not data:
                continue
            data = state[1] + data
            complete = data.rfind(b"\n") + 1
            state[1] = data[complete:]
            # Only "\n" ends a line written here (splitlines would also split at \x85, \u2028 ...).
            for line in data[:complete].decode("utf-8", "surrogatepass").split("\n")[:-1]:
                word, _tab, stem = line.partition("\t")
                stems[word] = stem


_share: StemShare | None = None


def share_stems(directory: Path | None) -> None:
    """Pass Sastrawi's stems to and from the other processes using `directory` (None: stop)."""
    global _share
    _share = StemShare(directory) if directory is not None else None


def sastrawi_version() -> str:
    """The installed PySastrawi's version (part of the analyzer's fingerprint: its stems depend on it)."""
    try:
        return importlib.metadata.version("PySastrawi")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
