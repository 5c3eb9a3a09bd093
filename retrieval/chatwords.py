"""Chat Indonesian read as the standard language news is written in.

People ask a bot the way they chat: `gimana`, `yg`, `udah`, `ketemu`, particles
(`sih`, `dong`) and verbs without their me- (`ngundang`, `nyerang`); articles say
`bagaimana`, `yang`, `sudah`, `bertemu`, `mengundang`, `menyerang`. Unread, such a
word is one the corpus never uses, weighs like the rarest term and pushes the
question under the answer floor (`Seberapa sering ... ketemu di Jenewa?` was
declined). `ChatWords.standard` rewrites a question word by word before it is read:

- a word of the list (`corpus/lang/chat/informal.txt`, `informal | standard`; an empty
  standard side drops the word), typed in lower case or, opening the question,
  capitalised (inside it `Gunung Gede` and `LG` are names, not `besar` and `lagi`);
- a lower-case word the corpus lacks that is chat's form of a me- verb: the
  standard form is `me` + the word (`ngundang` -> `mengundang`, `nyerang` ->
  `menyerang`, `nembak` -> `menembak`, `mukul` -> `memukul`), chat's `-in` its
  `-kan` (`ngirimin` -> `mengirimkan`); or that says a closing syllable's `a` as
  `e` (`dateng` -> `datang`, `nganggep` -> `menganggap`). A form is taken only
  when the corpus knows it.

Only questions are read through it, never articles, so the list sits in a
subfolder outside the analyzer's fingerprint: editing it never invalidates an index.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retrieval.langfiles import BUNDLED_LANGUAGE_DATA, numbered_data_lines

BUNDLED_CHAT_WORDS = BUNDLED_LANGUAGE_DATA / "chat" / "informal.txt"

_WORD = re.compile(r"\w+(?:-\w+)*")
# Chat drops me- before a nasal-initial verb form: ng(e)-, ny-, m-, n- and a vowel
# (`ngundang`, `ngebom`, `nyerang`, `mukul`, `nembak`); a word already in me- form
# is standard. Five letters at least: shorter words starting so are mostly real
# words (`nama`, `mana`, `maju`).
_NASAL_VERB = re.compile(r"(?!me)(?:ng[a-z]|ny[aeiou]|[mn][aeiou])[a-z]{3,}")
# Chat says a closing syllable's `a` as `e`: `dateng`, `deket`, `seneng`, `nganggep`.
_CLOSING_E = re.compile(r"e([b-df-hj-np-tv-z]+)$")
# Chat writes a reduplicated plural with a 2 (`sisa2`, `anak2nya`); three letters at
# least before it, so a code (`co2`, `ps2`) is left alone.
_TWICE = re.compile(r"([a-z]{3,})2(nya|ku|mu)?")


class ChatWordsError(ValueError):
    """The list cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class ChatWords:
    """What a chat word stands for (lower case -> standard text, "" to drop it)."""

    table: Mapping[str, str]

    @classmethod
    def read(cls, path: Path) -> ChatWords:
        table: dict[str, str] = {}
        for number, line in numbered_data_lines(path):
            informal, bar, standard = line.partition("|")
            informal, standard = informal.strip().casefold(), " ".join(standard.split())
            if not bar or not informal or not _WORD.fullmatch(informal):
                raise ChatWordsError(f"{path}:{number}: expected 'informal | standard', got {line!r}")
            table[informal] = standard
        return cls(table)

    def standard(self, question: str, *, known: Callable[[str], bool | None]) -> str:
        """`question` with its chat words in their standard form. `known(word)` says whether
        the corpus uses a word, None for a word with no content (a stop word): a word the
        corpus lacks may be chat's me- verb, taken only when the corpus uses the me- form.
        Unchanged when nothing is chat."""

        def replace(match: re.Match[str]) -> str:
            word = match.group()
            # A capitalised word inside a question is a name (`Gunung Gede`, `Yue Shao Dong`).
            if not (word.islower() or (match.start() == first and word[1:].islower())):
                return word
            found = self.table.get(word.casefold())
            if found is not None:
                return found
            if word.islower() and (twice := _TWICE.fullmatch(word)) and known(word) is False:
                base = self.table.get(twice[1]) or twice[1]
                return f"{base}-{base}{twice[2] or ''}"
            # The forms first: most words have none, and `known` analyses the word.
            if word.islower() and len(word) >= 5 and (forms := _standard_forms(word)) and known(word) is False:
                return next((form for form in forms if known(form)), word)
            return word

        first = len(question) - len(question.lstrip())
        standard = _WORD.sub(replace, question)
        # A dropped particle leaves its spaces behind ("kenapa  rusia").
        return question if standard == question else re.sub(r"[ \t]{2,}", " ", standard).strip()


def _standard_forms(word: str) -> list[str]:
    """The standard forms chat's `word` may stand for, likeliest first: its closing
    syllable's `e` as `a` (`dateng`, `deket`), a me- verb (`nyerang`), or both (`nganggep`)."""
    bases = [word]
    if (opened := _CLOSING_E.sub(r"a\1", word)) != word:
        bases.append(opened)
    forms = bases[1:]
    for base in bases:
        if _NASAL_VERB.fullmatch(base):
            stem = "me" + base
            if base.endswith("in") and len(base) > 6:
                forms += [stem[:-2] + "kan", stem[:-2] + "i"]
            forms.append(stem)
        if base.startswith("nge") and len(base) > 6:
            # `nge-` before a whole root stands for whichever me- form the root takes:
            # `ngelawan` -> `melawan`, `ngerusak` -> `merusak`, `ngebantu` -> `membantu`.
            root = base[3:]
            roots = [root]
            if root.endswith("in") and len(root) > 4:
                # ... and its `-in` the `-kan` or `-i` (`ngelibatin` -> `melibatkan`).
                roots = [root[:-2] + "kan", root[:-2] + "i", root]
            forms += [prefix + root for root in roots for prefix in ("me", "mem", "men", "meng")]
    return forms


@lru_cache(maxsize=8)
def at(folder: Path) -> ChatWords | None:
    """The list of a language data folder's `chat/` (`folder`), read once a process,
    or None when the folder has no such file."""
    file = folder / BUNDLED_CHAT_WORDS.name
    return ChatWords.read(file) if file.is_file() else None
