"""Questions that ask for a name without `siapa` ("Apa nama ...", "Badan apa ...",
"Kepanjangan dari LIPI?") and whether a sentence offers a name the question lacks."""

from __future__ import annotations

import re

_FUNCTION_WORDS = frozenset(
    """yang dengan untuk oleh karena dari di ke pada adalah ialah itu ini dan atau hal sebagai dalam
    tentang terhadap akan sudah telah bisa dapat merupakan menjadi oleh""".split()
)
_NAME_WORDS = re.compile(r"\b(nama|namanya|kepanjangan|singkatan|judul|julukan|merek|merk)\b", re.I)
_NOUN_WHICH = re.compile(r"\b(\w+)\s+(apa|apakah|manakah)\b", re.I)
# A capitalised word or an acronym that does not open the sentence.
_PROPER = re.compile(r"(?<=[\s(\"'“,/-])[A-Z][\w'’.-]*")


def wants_name(question: str) -> bool:
    if _NAME_WORDS.search(question):
        return True
    return any(m.group(1).casefold() not in _FUNCTION_WORDS for m in _NOUN_WHICH.finditer(question))


def offers_name(sentence: str, *, question: str) -> bool:
    """True when `sentence` holds a capitalised word (not its first) that `question` lacks."""
    asked = {w.casefold() for w in re.findall(r"\w+", question)}
    for match in _PROPER.finditer(sentence):
        words = {w.casefold() for w in re.findall(r"\w+", match.group(0))}
        if words - asked:
            return True
    return False


# Questions asking for a reason or a manner ("mengapa", "bagaimana") have no focus noun.
_WH = frozenset("apa apakah siapa siapakah berapa berapakah kapan kapankah mana manakah dimana dimanakah".split())
_NOT_FOCUS = frozenset("nama namanya kepanjangan singkatan yang".split())


def focus(question: str, words: list[tuple[str, tuple[str, ...]]]) -> tuple[str, ...]:
    """Terms of the question's focus noun: the word just before "apa"/"manakah"
    ("*Badan* apa yang ...", "Di *kota* manakah ..."), else the first content word
    after the question word ("Siapa *pelatih* karate ...", "Berapakah *jumlah*
    karyawan ..."); () when there is none."""
    terms_of = {word.casefold(): terms for word, terms in words}
    for match in _NOUN_WHICH.finditer(question):
        noun = match.group(1).casefold()
        if noun not in _FUNCTION_WORDS and noun not in _NOT_FOCUS and terms_of.get(noun):
            return terms_of[noun]
    for i, (word, _terms) in enumerate(words):
        if word.casefold() not in _WH:
            continue
        for later, terms in words[i + 1 :]:
            if later.casefold() in _NOT_FOCUS:
                continue
            if terms:
                return terms
            if later.casefold() in _WH:
                continue
            return ()
        return ()
    return ()
