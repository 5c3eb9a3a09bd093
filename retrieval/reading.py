"""Read a question against one corpus: its words, BM25 terms, coverage units weighted by
the corpus's idf, and the things it names (`ranking.Query`). A question word the index
lacks is read as what was meant (`retrieval.typos`), an acronym the corpus defines also
asks for its long form and the other way round (`acronyms.CorpusAcronyms`), and a name
the corpus spells otherwise can be asked again with its spellings (`Reader.respelled`).
Chat words are read first as the standard ones articles use (`chatwords.ChatWords`),
and an English question's words the corpus lacks also ask for their Indonesian words
(`english.EnglishWords`).
`search.Engine` makes one `Reader`; what it reads depends on the tuning it is given.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from retrieval.acronyms import CorpusAcronyms
from retrieval.chatwords import ChatWords
from retrieval.english import EnglishWords, StopWords
from retrieval.index import Bm25Index
from retrieval.places import Names, Places
from retrieval.attribution import SourceNames, without_attribution
from retrieval.question import named, titles, without_definition_frame, without_asides
from retrieval.ranking import Query, Tuning, Unit
from retrieval.stemming import is_root_word
from retrieval.text import Analyzer
from retrieval.typos import misspelt_question_word, respelt


def rarest_idf(index: Bm25Index) -> float:
    """The idf a term found in a single sentence would have, had it no floor."""
    return math.log((index.n_docs + 0.5) / 0.5)


class Reader:
    """What reading a question needs of a corpus: its index (which terms it has, their idf),
    the analyzer and the acronyms the corpus defines."""

    def __init__(
        self,
        *,
        index: Bm25Index,
        analyzer: Analyzer,
        acronyms: CorpusAcronyms,
        chat: ChatWords | None = None,
        stop_words: StopWords | None = None,
        english: Callable[[], EnglishWords | None] | None = None,
        places: Places = Places(()),
        sources: Callable[[], SourceNames] | None = None,
    ) -> None:
        """`english` reads the English words when a question first needs them (`stop_words`
        tell it is English); `places` widens the things a question names to the places
        that stand for them; `sources` gives the corpus's source names when a question
        attributes something to a name the corpus never writes (`retrieval.attribution`)."""
        self._index = index
        self._analyzer = analyzer
        self._acronyms = acronyms
        self._chat = chat
        self._stop_words = stop_words
        self._english = english
        self._places = places
        self._sources = sources

    def read(self, query: str, *, tuning: Tuning) -> Query:
        """The question's words, BM25 terms and units; an acronym the corpus defines
        somewhere also asks for its long form, and the other way round. The Query's text is
        the question with its chat words in standard form (`standard`)."""
        standard = self.standard(query)
        # Chat writes names in lower case ("brp org tewas di palmyra"); an encyclopedia
        # question in lower case ("apa nama latin dari kukang?") is still no chat.
        chat = standard != query
        query = without_asides(standard)
        if self._sources is not None:
            query = without_attribution(query, unknown=self._unknown_name, sources=self._sources)
        # A definition question's frame ("Apa yang dimaksud dengan") is no BM25 evidence:
        # as a rare word "dimaksud" outweighed the thing asked about. Its coverage units
        # keep the frame: the answer floor was set with it, and leaving it out there too
        # answered more IDK-MRC train questions that have no answer (declined 18.4% -> 18.0%).
        asked = without_definition_frame(query)
        terms, word_terms = self._analyzer.analyse(asked)
        # An English word is no Indonesian typo: it is read in Indonesian instead.
        in_english = self._stop_words is not None and self._stop_words.asks_in_english(query)
        english = self._english() if in_english and self._english is not None else None
        fixes = self._typo_fixes(word_terms, tuning) if english is None else {}
        if fixes:
            terms, word_terms = _fixed(terms, word_terms, fixes)
        words, added = self._acronyms.expand(asked, word_terms)
        if english is not None:
            words, translated = english.translated(words, terms_of=self._analyzer.terms, known=self._index.has_term)
            added = added + translated
        units_words = words
        if asked != query:
            _full, full_terms = self._analyzer.analyse(query)
            if fixes:
                _full, full_terms = _fixed(_full, full_terms, fixes)
            units_words, _added = self._acronyms.expand(query, full_terms)
            if english is not None:
                units_words, _added = english.translated(
                    units_words, terms_of=self._analyzer.terms, known=self._index.has_term
                )
        return Query(
            text=query, words=words, terms=terms + added, units=self._units(units_words, tuning),
            names=self._names(self._chat_names(words) if chat and tuning.chat_names else words, query),
            english=in_english,
        )

    def _chat_names(self, words: list[tuple[str, tuple[str, ...]]]) -> list[tuple[str, tuple[str, ...]]]:
        """`words` with the names a chat question writes in lower case capitalised, as
        `question.named` reads names: a word the corpus uses that is no dictionary root
        and that the analyzer keeps whole (no affix stripped: "pertemuan" is no name)."""
        return [
            (word.capitalize(), terms) if i and self._chat_name(word, terms) else (word, terms)
            for i, (word, terms) in enumerate(words)
        ]

    def _chat_name(self, word: str, terms: tuple[str, ...]) -> bool:
        folded = word.casefold()
        # Three letters at least: "sm", "tu" are chat words the list may not know.
        return (
            word.islower() and len(folded) >= 3 and folded.isalpha() and folded in terms
            and not is_root_word(folded) and bool(self._known_word(word))
        )

    def standard(self, query: str) -> str:
        """`query` with its chat words as the standard ones (`chatwords.ChatWords.standard`)."""
        if self._chat is None:
            return query
        return self._chat.standard(query, known=self._known_word)

    def _unknown_name(self, name: str) -> bool:
        """Whether the corpus writes none of `name`'s words."""
        return not any(self._known_word(word) for word in name.split())

    def _known_word(self, word: str) -> bool | None:
        """Whether the corpus uses `word`; None when it has no terms (a stop word). A
        synonym group's concept term ("~pasukan" of "militer") is no part of the word: a
        corpus that writes "militer" only inside another group's phrase ("pangkalan
        militer") still uses it."""
        terms = self._analyzer.terms(word)
        own = [t for t in terms if not t.startswith("~")] or terms
        return all(self._index.has_term(t) for t in own) if own else None

    def _typo_fixes(
        self, word_terms: list[tuple[str, tuple[str, ...]]], tuning: Tuning
    ) -> dict[str, tuple[str, ...]]:
        """What to read instead of the terms of question words the index lacks (`retrieval.typos`):
        nothing for a misspelt question word, the known term one letter off for another."""
        if not tuning.respell_typos:
            return {}
        index = self._index
        fixes: dict[str, tuple[str, ...]] = {}
        for word, terms in word_terms:
            if not terms or any(index.has_term(t) for t in terms):
                continue
            # A dictionary word one letter off a question word is the word ("kapal", not "kapan").
            if misspelt_question_word(word.casefold()) and not is_root_word(word.casefold()):
                fixes.update((t, ()) for t in terms)
                continue
            # A capitalised word is a name, whose other spellings `Engine._spelled_otherwise` looks
            # for: one letter off a known word it is often another name ("Kongo", "Burma").
            # A dictionary root is a real word the corpus lacks ("kamus"), not a typo.
            if word[:1].isupper():
                continue
            for term in terms:
                if not is_root_word(term) and (other := respelt(term, index.doc_freq)) is not None:
                    fixes[term] = (other,)
        return fixes

    def _units(self, words: list[tuple[str, tuple[str, ...]]], tuning: Tuning) -> list[Unit]:
        # A phrase of several words (`Menteri Pertahanan`) is one unit, held only by its
        # concept, not by its words apart; it weighs what its words did.
        shared = _phrase_concepts(words)
        weights: dict[frozenset[str], float] = {}
        for _word, terms in words:
            key = frozenset(terms)
            if not key:
                continue
            weight = max(self._weight(t, tuning) for t in key)
            if shared and (whole := key & shared):
                weights[whole] = weights.get(whole, 0.0) + weight
            elif key not in weights:
                weights[key] = weight
        return [Unit(key, weight) for key, weight in weights.items()]

    def _weight(self, term: str, tuning: Tuning) -> float:
        # An unknown word weighs like the rarest possible term: a question full of
        # words the corpus never uses is not one it can answer.
        if self._index.has_term(term):
            return max(self._index.idf(term), 0.05)
        return tuning.unknown_weight * rarest_idf(self._index)

    def respelled(self, asked: Query, spelled: dict[str, dict[str, set[str]]], *, tuning: Tuning) -> Query:
        """`asked` with each word of a name in `spelled` (by the name's term, the corpus's
        spellings of it) also asking for the spellings found: they count for BM25 and
        coverage as the word itself would."""
        other = {term: set(spellings) for found in spelled.values() for term, spellings in found.items()}
        words = [(word, terms + tuple(sorted(set().union(*(other.get(t, ()) for t in terms)) - set(terms))))
                 for word, terms in asked.words]
        added = [t for word_terms in other.values() for t in sorted(word_terms)]
        return Query(text=asked.text, words=words, terms=asked.terms + added, units=self._units(words, tuning),
                     names=self._names(words, asked.text), english=asked.english)

    def _names(self, words: list[tuple[str, tuple[str, ...]]], text: str) -> Names:
        """The things question `text` names (`question.named`), each place also held by the places
        that stand for it (`places.Places`)."""
        return self._places.widened(named(words, skip=titles(text)))


def _phrase_concepts(words: list[tuple[str, tuple[str, ...]]]) -> frozenset[str]:
    """The concepts of synonym phrases of several words the question holds (`Menteri
    Pertahanan`: `~menhan` on both words)."""
    counts: dict[str, int] = {}
    for _word, terms in words:
        for term in terms:
            if term.startswith("~"):
                counts[term] = counts.get(term, 0) + 1
    return frozenset(term for term, count in counts.items() if count > 1)


def _fixed(
    terms: list[str], word_terms: list[tuple[str, tuple[str, ...]]], fixes: dict[str, tuple[str, ...]]
) -> tuple[list[str], list[tuple[str, tuple[str, ...]]]]:
    """`terms` and `word_terms` with each term in `fixes` replaced by what it maps to."""
    return (
        [new for term in terms for new in fixes.get(term, (term,))],
        [(word, tuple(new for term in ts for new in fixes.get(term, (term,)))) for word, ts in word_terms],
    )
