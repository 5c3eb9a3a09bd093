"""A story about a namesake: the question's person with another given name.

A question that changes one word of a name ("Kapan *Gichin* Francis lahir?", "Di mana
*Brent* Rutherford lahir?") is answered, word for word, by a story that writes the
family name after another given name ("Michael Francis Middleton" in a story on Kate
Middleton, "Ernest Rutherford"): the story names the family, not the person asked.
IDK-MRC writes such near-misses of its answerable questions, and news readers ask
about a relative the corpus never names.

A story that calls its subject by the family name alone ("Padukone" beside her father
"Prakash Padukone") may be about the person asked, and a name that opens with a common
word ("Kepulauan Krakatau" over "Festival Krakatau", "Satuan Bravo" over "Detasemen
Bravo") names a kind of thing, not a given name: neither counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from retrieval.abstention import within

__all__ = ["namesake_named"]

# Words that stand before a family name as a title, not as another given name.
_TITLES = frozenset(
    "presiden raja ratu sultan kaisar pangeran putri jenderal letnan kolonel mayor kapten dr ir prof haji hj "
    "santo saint sir lord nabi imam syekh sheikh tuan nyonya bapak ibu the".split()
)
# A capitalised word a sentence opens with says nothing of a name: "Bertuturlah Soiron".
_OPENS_SENTENCE = re.compile(r"(?:^|[.!?][\s\"'“”]*|[\"“]\s*)$")


def namesake_named(
    name: str,
    needed: tuple[frozenset[str], ...],
    article: frozenset[str],
    text: str,
    *,
    common: Callable[[str], bool],
) -> bool:
    """Whether an article (its terms `article`, its `text`) names a namesake of `name`
    (a name of several words; `needed`, the terms of its words) instead of it: it lacks
    the first word, a given name (no term of it a `common` word, no acronym), writes the
    second after another capitalised word that is neither a title, a spelling of the
    first, nor a sentence's first word, and never writes the last without a capitalised
    word before it."""
    words = name.split()
    if len(words) < 2 or len(needed) < 2 or not article.isdisjoint(needed[0]) or article.isdisjoint(needed[-1]):
        return False
    first = words[0]
    if first.isupper() or any(common(term) for term in needed[0]):
        return False
    if any(not _after_capitalised(text, match.start()) for match in _word(words[-1]).finditer(text)):
        return False
    return any(_another_given_name(text, match, first) for match in _after_other(words[1]).finditer(text))


def _another_given_name(text: str, match: re.Match[str], first: str) -> bool:
    other = match.group(1)
    return (
        other.casefold() not in _TITLES
        and not within(other.casefold(), first.casefold(), 2)
        and _OPENS_SENTENCE.search(text[max(0, match.start() - 3) : match.start()]) is None
    )


def _after_capitalised(text: str, at: int) -> bool:
    return re.search(r"[A-Z][\w'-]*\s+$", text[max(0, at - 40) : at]) is not None


@lru_cache(maxsize=256)
def _word(word: str) -> re.Pattern[str]:
    return re.compile(r"\b" + re.escape(word) + r"\b")


@lru_cache(maxsize=256)
def _after_other(word: str) -> re.Pattern[str]:
    return re.compile(r"\b([A-Z][\w'-]*)\s+" + re.escape(word) + r"\b")
