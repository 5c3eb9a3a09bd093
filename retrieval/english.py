"""English questions over an Indonesian corpus: an English word also asks for its Indonesian words.

`corpus/lang/wordnet/english.txt` (made by `python -m benchmarks.wordnet_lexicon ...
--english PWN_DICT_DIR`, whose docstring gives its format) gives each single-word
Princeton WordNet 3.0 lemma the Indonesian lemmas Wordnet Bahasa files under its
first senses (`invite mengundang ...`, `talk percakapan berunding ...`), and
irregular forms their lemma (`led = lead`). A question is read as English when it
has at least two English stop words and no Indonesian one; then a
word the corpus does not use (`invited`, `Moscow`) also asks for the terms of its
Indonesian words that the corpus does use, found by WordNet's own inflection rules
(`invited` -> `invite`). Indonesian questions are never touched.

Read once a process (`at(folder)`), only by the first English question; never pickled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retrieval.langfiles import BUNDLED_LANGUAGE_DATA, data_lines, numbered_data_lines

BUNDLED_ENGLISH = BUNDLED_LANGUAGE_DATA / "wordnet" / "english.txt"
# Hand-written news words the first WordNet senses miss ("official" -> pejabat), added to those.
BUNDLED_ENGLISH_NEWS = BUNDLED_ENGLISH.with_name("english-news.txt")

# WordNet's detachment rules (its `morphy`), all parts of speech together: an
# inflected form and the lemma it may come from, tried in this order.
_DETACH = (
    ("ies", "y"), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
    ("es", "e"), ("es", ""), ("s", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""),
    ("est", "e"), ("est", ""), ("er", "e"), ("er", ""),
)
_WORD = re.compile(r"[a-z]+")


class EnglishWordsError(ValueError):
    """The file cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class StopWords:
    """The stop words that tell an English question from an Indonesian one (those of one
    language only)."""

    english: frozenset[str]
    indonesian: frozenset[str]

    @classmethod
    def of(cls, english: Iterable[str], indonesian: Iterable[str]) -> StopWords:
        english, indonesian = frozenset(english), frozenset(indonesian)
        return cls(english - indonesian, indonesian - english)

    def asks_in_english(self, question: str) -> bool:
        """Two English stop words and no Indonesian one: an Indonesian question naming an
        English title (`Kapan Fly to the Sky mulai debut?`) is Indonesian."""
        tokens = _WORD.findall(question.casefold())
        return sum(t in self.english for t in tokens) >= 2 and not any(t in self.indonesian for t in tokens)


@dataclass(frozen=True, slots=True)
class EnglishWords:
    """English lemma -> its Indonesian words; irregular form -> its lemma."""

    words: dict[str, tuple[str, ...]]
    lemma_of: dict[str, str]

    @classmethod
    def read(cls, path: Path) -> EnglishWords:
        words: dict[str, tuple[str, ...]] = {}
        lemma_of: dict[str, str] = {}
        try:
            lines = numbered_data_lines(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise EnglishWordsError(f"{path}: cannot read the English words ({exc})") from exc
        for number, line in lines:
            fields = line.split()
            if len(fields) == 3 and fields[1] == "=" and _WORD.fullmatch(fields[0]) and _WORD.fullmatch(fields[2]):
                lemma_of[fields[0]] = fields[2]
            elif len(fields) >= 2 and _WORD.fullmatch(fields[0]) and "=" not in fields:
                words[fields[0]] = tuple(fields[1:])
            else:
                raise EnglishWordsError(f"{path}:{number}: expected 'lemma word ...' or 'form = lemma', got {line!r}")
        return cls(words, lemma_of)

    def merged(self, more: EnglishWords) -> EnglishWords:
        """These words with `more`'s added: a lemma in both has the Indonesian words of each,
        and so does an inflected form WordNet lists as a lemma of its own (`decided` ->
        `nyata`, where `decide` gains `memutuskan`)."""
        words = dict(self.words)
        for lemma, indonesian in more.words.items():
            words[lemma] = tuple(dict.fromkeys(words.get(lemma, ()) + indonesian))
        # Only a form one detachment rule makes of a lemma of `more` can come from it: those
        # are tried, not all of WordNet's lemmas (which doubled the first English question's read).
        made = {
            lemma[: len(lemma) - len(ending)] + suffix
            for lemma in more.words
            for suffix, ending in _DETACH
            if lemma.endswith(ending)
        }
        for form in sorted((made & self.words.keys()) - more.words.keys()):
            lemma = next((lemma for lemma in self._detached(form) if lemma in more.words), None)
            if lemma is not None:
                words[form] = tuple(dict.fromkeys(words[form] + more.words[lemma]))
        return EnglishWords(words, {**self.lemma_of, **more.lemma_of})

    def indonesian(self, word: str) -> tuple[str, ...]:
        """The Indonesian words of English `word` (any case, maybe inflected); () when unknown."""
        word = word.casefold()
        # A lemma that is also another's irregular form has both senses: `offer` (a
        # noun and a verb; `offer = off`, the adjective's comparative), `found`.
        own = self.words.get(word, ()) + self.words.get(self.lemma_of.get(word, ""), ())
        if own:
            return tuple(dict.fromkeys(own))
        for lemma in self._detached(word):
            found = self.words.get(lemma)
            if found:
                return found
        return ()

    def _detached(self, word: str) -> Iterable[str]:
        for suffix, ending in _DETACH:
            if word.endswith(suffix) and len(word) - len(suffix) + len(ending) >= 3:
                yield word[: len(word) - len(suffix)] + ending

    def translated(
        self,
        words: list[tuple[str, tuple[str, ...]]],
        *,
        terms_of: Callable[[str], list[str]],
        known: Callable[[str], bool],
    ) -> tuple[list[tuple[str, tuple[str, ...]]], list[str]]:
        """`words` (surface word, its terms) with each word whose terms the corpus lacks also
        carrying the known terms of its Indonesian words; and those added terms, for BM25."""
        out: list[tuple[str, tuple[str, ...]]] = []
        added: list[str] = []
        for word, terms in words:
            if terms and not any(known(t) for t in terms) and _WORD.fullmatch(word.casefold()):
                indonesian = self.indonesian(word)
                if indonesian and not any(terms_of(w) for w in indonesian):
                    # Only function words in Indonesian (`according` -> `menurut`): it asks
                    # for nothing, where as an unknown English term it weighed like the
                    # rarest word and was listed as one the quote lacks.
                    out.append((word, ()))
                    continue
                extra = [t for w in indonesian for t in terms_of(w) if known(t) and t not in terms]
                extra = list(dict.fromkeys(extra))
                if extra:
                    terms = terms + tuple(extra)
                    added.extend(extra)
            out.append((word, terms))
        return out, added


@lru_cache(maxsize=4)
def at(folder: Path) -> EnglishWords | None:
    """The English words of a language data folder's `wordnet/` (`folder`), read once a
    process (~0.06 s), or None when it has no such file."""
    file = folder / BUNDLED_ENGLISH.name
    if not file.is_file():
        return None
    words = EnglishWords.read(file)
    news = folder / BUNDLED_ENGLISH_NEWS.name
    return words.merged(EnglishWords.read(news)) if news.is_file() else words


@lru_cache(maxsize=4)
def stop_words(folder: Path) -> StopWords:
    """The stop words of the language data folder `folder` (its `stopwords-*.txt`)."""

    def listed(name: str) -> list[str]:
        path = folder / name
        return [w.casefold() for w in data_lines(path)] if path.is_file() else []

    return StopWords.of(listed("stopwords-en.txt"), listed("stopwords-id.txt") + listed("stopwords-questions.txt"))
