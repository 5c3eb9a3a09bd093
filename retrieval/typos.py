"""Question words the corpus never uses, read as the word the asker most likely meant.

A question typed in a hurry misspells: `berapkah`, `dimnakah` (question words)
or `kepercyaan`, `mneyusun` (content words). A word no sentence uses weighs as
much as the rarest term (the engine reads it as a thing the corpus does not
know) and matches nothing, so such a question is often declined or answered
from the wrong words. Only words the index lacks are looked at, and only against
what the corpus or the language data holds, so a word the corpus knows never
changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# The question words (a closed class) and their -kah forms: the only stop words a
# typo is read as, so a content word one letter off a stop word ("kepala",
# "kepada") stays a content word.
_QUESTION_WORDS = frozenset(
    form
    for word in "siapa apa kapan berapa mengapa kenapa bagaimana mana dimana kemana darimana bilamana".split()
    for form in (word, word + "kah")
)
# Shorter words are too often another word one letter off.
MIN_LENGTH = 5


def edits(word: str, *, substitute: bool) -> Iterator[str]:
    """Every string one deletion, adjacent swap or insertion (and, with
    `substitute`, one replaced letter) away from `word`."""
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]
        if i + 1 < len(word) and word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    for i in range(len(word) + 1):
        for letter in _LETTERS:
            yield word[:i] + letter + word[i:]
    if substitute:
        for i in range(len(word)):
            for letter in _LETTERS:
                if letter != word[i]:
                    yield word[:i] + letter + word[i + 1 :]


def misspelt_question_word(word: str) -> bool:
    """Whether `word` (folded) is one edit from a question word of at least `MIN_LENGTH - 1`
    letters ("berapkah", "aoakah", "dimnakah")."""
    if len(word) < MIN_LENGTH - 1 or not word.isalpha():
        return False
    return any(len(other) >= MIN_LENGTH - 1 and other in _QUESTION_WORDS for other in edits(word, substitute=True))


def respelt(term: str, frequency: Callable[[str], int]) -> str | None:
    """The most frequent known term (`frequency` > 0) one deletion, swap or insertion away
    from `term`, or None. A replaced letter is not tried: "makro" for "mikro" is another
    word, not a typo, and the corpus knowing one of them says nothing of the other."""
    if len(term) < MIN_LENGTH or not term.isalpha():
        return None
    best: str | None = None
    best_count = 0
    for other in edits(term, substitute=False):
        if len(other) < MIN_LENGTH:
            continue  # "kong" from "kongo", "awal" from "kawal": a short word is too often another one
        count = frequency(other)
        # Ties go to the first in alphabetical order, so the answer does not depend on edit order.
        if count > best_count or (count and count == best_count and best is not None and other < best):
            best, best_count = other, count
    return best
