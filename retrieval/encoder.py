"""Sentences analysed straight into flat term-id arrays: the build's fast path (`TermEncoder`).

Gives exactly `text.Analyzer.analyse`'s terms and word terms, as numbers. It reads
the analyzer's per-word pieces and phrase tables (`_word_pieces`, `_phrases_by_first`,
`_match_keys`): it is the analyzer's other half, kept apart because only the
build needs it.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any

import numpy as np

from retrieval.text import WORD, Analyzer

# `WORD`s and breaks, for sentences joined by `_BREAK` (not a word character, so a
# word's lookbehinds and lookaheads see it as they see a text's start or end).
_BREAK = "\x00"
_WORDS_AND_BREAKS = re.compile(f"{WORD.pattern}|{_BREAK}").findall
# The same words, faster, from text with no `_` and no citation mark (`_words_and_breaks`):
# `\w` is `[^\W_]` there, and no lookaround can reject a place this one matches at.
_PLAIN_WORDS_AND_BREAKS = re.compile(rf"\w+(?:(?:[-‐‑'’ʼ]|(?<=\d)[.,/:](?=\d))\w+)*|{_BREAK}").findall
_CITATION_NUMBER = re.compile(r"\[\d{1,3}\]")


def _words_and_breaks(text: str) -> list[str]:
    r"""`_WORDS_AND_BREAKS(text)`, about a third faster.

    `_` and a citation mark `[12]` are replaced by a space, which, like them,
    is no word character and joins no words: the words are the same. Without
    them, `\w` is `WORD`'s `[^\W_]` (a negated class, much slower to scan) and
    `WORD`'s lookarounds never reject a place: the first lookbehind only stops
    a word from starting inside a citation mark's number (elsewhere a word
    starts after a non-word character, as greedy runs end before one), and the
    lookahead only rejects a mark's number.
    """
    text = text.replace("_", " ")
    if "[" in text:
        text = _CITATION_NUMBER.sub(" ", text)
    return _PLAIN_WORDS_AND_BREAKS(text)


class TermEncoder:
    """Sentences analysed straight into term-id arrays: the build's fast path.

    Gives exactly `Analyzer.analyse`'s terms and word terms, as ids of
    `vocabulary` (an id per term in the order this encoder first met it), into
    flat arrays instead of Python lists per sentence. A word's terms depend
    only on the word (and the language data), so each surface form is analysed
    once and kept as a tuple of ids; a sentence without any word that may start
    a synonym phrase is then just its words' ids, one after another. Sentences
    that have one go through `Analyzer.analyse` itself.

    Per sentence: `doc` gets its terms followed by `extra` (the article's
    acronym terms), `doc_len` their number; per word, `word_len` the number of
    its terms and `word_term` the terms; `word_count` the sentence's words.
    """

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.vocabulary: dict[str, int] = {}
        self.terms: list[str] = []  # by id
        self._forms = _Forms(self._form)  # form -> doc term ids
        self._word_forms: dict[str, tuple[int, ...]] = {}  # form -> word term ids (filled by `_form`)
        # Forms' pieces (keys, exact forms, ids per piece), for sentences with a synonym phrase.
        self._keys = _Forms(self._add_pieces)  # fills the three below
        self._exacts: dict[str, tuple[str, ...]] = {}
        self._piece_ids: dict[str, tuple[tuple[int, ...], ...]] = {}
        self._raw: dict[str, tuple[int, ...]] = {}
        # Forms that may start a phrase longer than themselves (see `_form`), and
        # the second pieces of those phrases (None: a form of several pieces).
        self._phrase_forms: set[str] = set()
        self._follow: dict[str, frozenset[str] | None] = {}
        # Form numbers (`add_many`) and, per number, its doc and word term ids, flat.
        self._form_ids = _Forms(self._new_form)
        # Whitespace-separated tokens (`add_many`): a token's words are the words the
        # word pattern finds in it alone, as no word holds or touches whitespace. Per
        # token number, its words' form numbers (flat) and its words.
        self._token_ids = _Forms(self._new_token)
        self._token_ids[_BREAK] = -1  # between sentences in `add_many`: no token
        self._token_form_len = array("q")
        self._token_form = array("q")
        self._token_words: list[tuple[str, ...]] = []
        self._token_table: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._form_doc_len = array("q")
        self._form_doc = array("i")
        self._form_word_len = array("q")
        self._form_word = array("i")
        # Per form number, for telling in bulk where a longer phrase may match (`_may_join`):
        # 0 no phrase starts at it, 1 phrases start at its one piece, 2 at one of its several
        # pieces (`_follow` None); the ids (`_strings`) of its first piece's key and exact form.
        self._form_phrase = array("b")
        self._form_key = array("q")
        self._form_exact = array("q")
        self._strings: dict[str, int] = {}
        # (form number << 32 | string id) of every phrase form and a second piece of its phrases.
        self._seconds: list[int] = []
        # Form numbers of a word's entries where a longer phrase matched over it, by (doc, word) ids.
        self._variants: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}
        self._variant_numbers: dict[tuple[str, str, int], int] = {}  # `_variant`'s answers
        self._tables: _FormTable | None = None
        self.clear()

    def clear(self) -> None:
        """Empty the arrays (the vocabulary and the per-form memo stay)."""
        self.doc, self.doc_len = array("i"), array("i")
        self.word_len, self.word_term, self.word_count = array("i"), array("i"), array("i")

    def add(
        self,
        sentence: str,
        extra: list[str] | tuple[str, ...] = (),
        *,
        words: list[str] | None = None,
        phrases: bool | None = None,
    ) -> None:
        """`words`: `Analyzer.words(sentence)`, and `phrases`: whether a phrase longer than
        one piece may match (`_may_join`), when the caller knows them and every form of
        `words` has been analysed already (`add_many`)."""
        if words is None:
            words = WORD.findall(sentence)
        doc_entries = None
        if phrases is None:
            doc_entries = list(map(self._forms.__getitem__, words))  # analyses new forms
            phrases = not self._phrase_forms.isdisjoint(words) and self._may_join(words)
        doc = self.doc
        before = len(doc)
        if not phrases:
            if doc_entries is None:
                doc_entries = list(map(self._forms.__getitem__, words))
            doc.extend(chain.from_iterable(doc_entries))
            word_entries = list(map(self._word_forms.__getitem__, words))
            self.word_term.extend(chain.from_iterable(word_entries))
            self.word_len.extend(map(len, word_entries))
        else:
            self._add_with_phrases(words)
        if extra:
            doc.extend(self._ids(extra))
        self.word_count.append(len(words))
        self.doc_len.append(len(doc) - before)

    def add_many(self, sentences: Sequence[str], extras: Sequence[Sequence[str]]) -> None:
        """`add(sentence, extra)` for each, with the per-sentence work done in bulk.

        Every word becomes its form's number (a C-level dict lookup once the form
        is known) and the terms are gathered from per-form tables with NumPy.
        Where a phrase longer than one piece may match (a phrase form followed by
        a second piece of its phrases, found with NumPy), the sentence is matched
        and the words of a longer phrase get the form number of their entries in
        it (`_phrase_variants`). Sentences with acronym terms or a form of several
        pieces that starts a phrase go through `add` and their arrays are spliced
        in, in their place.
        """
        n = len(sentences)
        # Every sentence's tokens from one split of them all, joined by a break token
        # (number -1) that no sentence holds; each token is a dict lookup once known.
        joined = f" {_BREAK} ".join(sentences)
        if joined.count(_BREAK) == n - 1:
            token = np.fromiter(map(self._token_ids.__getitem__, joined.split()), dtype=np.int64)  # reads new tokens
            del joined
            breaks = np.flatnonzero(token < 0)
            token_ends = breaks - np.arange(breaks.shape[0])
            token = token[token >= 0]
            token_ends = np.append(token_ends, token.shape[0])
            token_form, token_start, token_len = self._tokens()
            words_in = token_len[token]
            form = _gather(token_form, token_start[token], words_in)
            word_cum = np.concatenate(([0], np.cumsum(words_in)))
            ends = word_cum[token_ends]
            counts = np.diff(ends, prepend=0)
            token_words = self._token_words

            def words_of(i: int) -> list[str]:
                tokens = token[(token_ends[i - 1] if i else 0) : token_ends[i]].tolist()
                return list(chain.from_iterable(map(token_words.__getitem__, tokens)))
        else:  # a sentence holds the break character itself
            del joined
            per_sentence = list(map(WORD.findall, sentences))
            words = list(chain.from_iterable(per_sentence))
            counts = np.fromiter(map(len, per_sentence), dtype=np.int64, count=n)
            form = np.fromiter(map(self._form_ids.__getitem__, words), dtype=np.int64, count=len(words))
            ends = np.cumsum(counts)

            def words_of(i: int) -> list[str]:
                return per_sentence[i]
        starts = ends - counts
        table = self._table()

        # `_may_join` of every sentence at once: a form of several pieces that starts a
        # phrase (2) always may, and sends its sentence through `add`; a one-piece phrase
        # form (1) may where the next word's first piece is a second piece of its phrases.
        kind = table.phrase[form]
        sentence_of = np.repeat(np.arange(n, dtype=np.int64), counts)
        several = np.unique(sentence_of[kind == 2])
        lead = np.flatnonzero(kind[:-1] == 1)
        lead = lead[sentence_of[lead] == sentence_of[lead + 1]]
        if lead.shape[0]:
            follower = form[lead + 1]
            code = form[lead] << 32
            key, exact = table.key[follower], table.exact[follower]
            may = (key < 0) | np.isin(code | key, table.seconds) | np.isin(code | exact, table.seconds)
            lead = lead[may]  # where a longer phrase may start: elsewhere none can
            joins = np.unique(sentence_of[lead])
            joins = joins[~np.isin(joins, several)]
        else:
            joins = lead
        special = sorted(set(several.tolist()).union(i for i, extra in enumerate(extras) if extra))
        if joins.shape[0]:
            form = form.copy()
            # Each joining sentence's leads, as places in it.
            first_lead = np.searchsorted(lead, starts[joins]).tolist()
            last_lead = np.searchsorted(lead, ends[joins]).tolist()
            lead_list = lead.tolist()
            for i, lo, hi in zip(joins.tolist(), first_lead, last_lead):
                at = int(starts[i])
                for place, number in self._phrase_variants(words_of(i), [p - at for p in lead_list[lo:hi]]):
                    form[at + place] = number
            table = self._table()
        # Every word's entries as if no sentence were special.
        doc_n = table.doc_len[form]
        word_n = table.word_len[form]
        doc_all = _gather(table.doc, table.doc_start[form], doc_n)
        word_all = _gather(table.word, table.word_start[form], word_n)
        doc_cum = np.concatenate(([0], np.cumsum(doc_n)))
        word_cum = np.concatenate(([0], np.cumsum(word_n)))
        sentence_doc = doc_cum[ends] - doc_cum[starts]
        if not special:
            self.doc.frombytes(doc_all.astype(np.int32).tobytes())
            self.doc_len.frombytes(sentence_doc.astype(np.int32).tobytes())
            self.word_term.frombytes(word_all.astype(np.int32).tobytes())
            self.word_len.frombytes(word_n.astype(np.int32).tobytes())
            self.word_count.frombytes(counts.astype(np.int32).tobytes())
            return
        # The special sentences through `add`, into arrays of their own ...
        kept = (self.doc, self.doc_len, self.word_len, self.word_term, self.word_count)
        self.clear()
        try:
            for i in special:
                self.add(sentences[i], extras[i], words=words_of(i))
            own = (np.frombuffer(self.doc, dtype=np.int32), np.frombuffer(self.doc_len, dtype=np.int32),
                   np.frombuffer(self.word_len, dtype=np.int32), np.frombuffer(self.word_term, dtype=np.int32))
            own = tuple(a.astype(np.int64) for a in own)
        finally:
            self.doc, self.doc_len, self.word_len, self.word_term, self.word_count = kept
        s_doc, s_doc_len, s_word_len, s_word_term = own
        # ... then each sentence's slice taken from the bulk arrays or from those.
        which = np.asarray(special, dtype=np.int64)
        s_counts = counts[which]
        s_word_cum = np.concatenate(([0], np.cumsum(s_word_len)))
        s_word_ends = np.cumsum(s_counts)
        s_word_terms = s_word_cum[s_word_ends] - s_word_cum[s_word_ends - s_counts]
        doc_start = doc_cum[starts]
        doc_len = sentence_doc.copy()
        doc_start[which] = doc_all.shape[0] + np.cumsum(s_doc_len) - s_doc_len
        doc_len[which] = s_doc_len
        wl_start = starts.copy()
        wl_start[which] = word_n.shape[0] + s_word_ends - s_counts
        wt_start = word_cum[starts]
        wt_len = word_cum[ends] - wt_start
        wt_start[which] = word_all.shape[0] + s_word_cum[s_word_ends - s_counts]
        wt_len[which] = s_word_terms
        self.doc.frombytes(_gather(np.concatenate((doc_all, s_doc)), doc_start, doc_len).astype(np.int32).tobytes())
        self.doc_len.frombytes(doc_len.astype(np.int32).tobytes())
        self.word_len.frombytes(
            _gather(np.concatenate((word_n, s_word_len)), wl_start, counts).astype(np.int32).tobytes())
        self.word_term.frombytes(
            _gather(np.concatenate((word_all, s_word_term)), wt_start, wt_len).astype(np.int32).tobytes())
        self.word_count.frombytes(counts.astype(np.int32).tobytes())

    def _phrase_variants(self, words: list[str], leads: list[int]) -> list[tuple[int, int]]:
        """(place, form number) of each word of a sentence whose entries differ from its
        form's because a phrase longer than one piece matched over it (`_add_with_phrases`'s
        terms for it); no form of the sentence has several pieces that start a phrase, and
        `leads` (in order) are the places of the one-piece forms where a longer phrase may
        start (`_may_join`).

        Elsewhere a form's own entries are the sentence's: a word no phrase matched over
        has none of its one-piece phrase's concept (it has none, or the phrase matched).
        Only the leads decide where longer phrases match (`_match_keys` left to right: a
        one-piece match skips nothing, and no other piece starts a longer phrase), so each
        lead is tried on the pieces from it as far as its longest phrase reaches; a word
        under a match has that one phrase's concept, after its last piece if it is there.
        """
        by_first = self.analyzer._phrases_by_first
        keys_of, exacts_of = self._keys, self._exacts
        count = len(words)
        covered = -1  # the last word of the last longer phrase matched
        out: list[tuple[int, int]] = []
        for lead in leads:
            if lead <= covered:
                continue
            word = words[lead]
            keys = list(keys_of[word])  # one piece
            exacts = list(exacts_of[word])
            phrases = by_first[keys[0]]  # longest first
            reach = len(phrases[0].pieces)
            owners = [lead]
            place = lead + 1
            while len(keys) < reach and place < count:
                pieces = keys_of[words[place]]  # analyses new forms' pieces
                keys += pieces
                exacts += exacts_of[words[place]]
                owners += [place] * len(pieces)
                place += 1
            for phrase in phrases:
                length = len(phrase.pieces)
                if length == 1:
                    break  # the rest are one-piece phrases too
                if length <= len(keys) and (exacts if phrase.case_sensitive else keys)[:length] == phrase.forms:
                    last = owners[length - 1]
                    at_piece = length - 1 - owners.index(last)
                    for place in range(lead, last + 1):
                        number = self._variant(words[place], phrase.concept, at_piece if place == last else -1)
                        if number >= 0:
                            out.append((place, number))
                    covered = last
                    break
        return out

    def _variant(self, word: str, concept: str, last_piece: int) -> int:
        """The form number of `word`'s entries under a phrase of `concept` that ends at its
        piece `last_piece` (-1: ends after it), or -1 when those are its form's own entries."""
        memo_key = (word, concept, last_piece)
        number = self._variant_numbers.get(memo_key)
        if number is None:
            cid = self._ids((concept,))[0]
            doc: list[int] = []
            for index, ids in enumerate(self._piece_ids[word]):
                doc += ids
                if index == last_piece:
                    doc.append(cid)
            terms = self._raw[word]
            if cid not in terms:
                terms = (*terms, cid)
            entries = (tuple(doc), tuple(terms))
            if entries == (self._forms[word], self._word_forms[word]):
                number = -1
            else:
                number = self._variants.get(entries)
                if number is None:
                    number = self._variants[entries] = self._add_form_entries(*entries, phrase=0, first=None)
            self._variant_numbers[memo_key] = number
        return number

    def _new_token(self, token: str) -> int:
        """The next token number for `token`, its words' form numbers appended to the token table."""
        words = tuple(_words_and_breaks(token))
        number = len(self._token_words)
        self._token_words.append(words)
        self._token_form_len.append(len(words))
        self._token_form.extend(map(self._form_ids.__getitem__, words))  # analyses new forms
        return number

    def _tokens(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(form numbers, start, length) per token number, as NumPy arrays (made again when tokens were added)."""
        table = self._token_table
        if table is None or table[1].shape[0] != len(self._token_form_len):
            length = _copied(self._token_form_len, np.int64)
            table = self._token_table = (_copied(self._token_form, np.int64), np.cumsum(length) - length, length)
        return table

    def _new_form(self, word: str) -> int:
        """The next form number for `word`, its entries appended to the per-form tables."""
        doc = self._forms[word]  # analyses the form
        seconds = self._follow.get(word, ())
        number = self._add_form_entries(
            doc, self._word_forms[word], phrase=0 if word not in self._follow else 2 if seconds is None else 1,
            first=word)
        for second in seconds or ():
            self._seconds.append(number << 32 | self._string(second))
        return number

    def _add_form_entries(self, doc: tuple[int, ...], words: tuple[int, ...], *, phrase: int, first: str | None) -> int:
        number = len(self._form_doc_len)
        self._form_doc_len.append(len(doc))
        self._form_doc.extend(doc)
        self._form_word_len.append(len(words))
        self._form_word.extend(words)
        self._form_phrase.append(phrase)
        if first is None:
            self._form_key.append(-1)
            self._form_exact.append(-1)
        else:
            # `_keys[first][0]` and `_exacts[first][0]`, without making the form's piece ids.
            pieces = self.analyzer._word_pieces(first)
            self._form_key.append(self._string(pieces[0].key) if pieces else -1)
            self._form_exact.append(self._string(pieces[0].exact) if pieces else -1)
        return number

    def _string(self, text: str) -> int:
        number = self._strings.get(text)
        if number is None:
            number = self._strings[text] = len(self._strings)
        return number

    def _table(self) -> _FormTable:
        """The per-form tables as NumPy arrays (made again only when forms were added)."""
        table = self._tables
        if table is None or table.doc_len.shape[0] != len(self._form_doc_len):
            doc_len = _copied(self._form_doc_len, np.int64)
            word_len = _copied(self._form_word_len, np.int64)
            table = self._tables = _FormTable(
                doc=_copied(self._form_doc, np.int32).astype(np.int64),
                doc_start=np.cumsum(doc_len) - doc_len,
                doc_len=doc_len,
                word=_copied(self._form_word, np.int32).astype(np.int64),
                word_start=np.cumsum(word_len) - word_len,
                word_len=word_len,
                phrase=_copied(self._form_phrase, np.int8),
                key=_copied(self._form_key, np.int64),
                exact=_copied(self._form_exact, np.int64),
                seconds=np.unique(np.array(self._seconds, dtype=np.int64)),
            )
        return table

    def _may_join(self, words: list[str]) -> bool:
        """Whether a phrase longer than one piece may match: some word starts one and the
        next piece is that phrase's second (a multi-piece form always may)."""
        follow = self._follow
        last = len(words) - 1
        for index in [i for i, word in enumerate(words) if word in follow]:
            seconds = follow[words[index]]
            if seconds is None:
                return True
            if index < last:
                keys = self._keys[words[index + 1]]
                if not keys or keys[0] in seconds or self._exacts[words[index + 1]][0] in seconds:
                    return True
        return False

    def _add_with_phrases(self, words: list[str]) -> None:
        """`Analyzer.analyse` in ids: concepts follow their phrase's last piece in
        the doc's terms, and join every word of the phrase once."""
        keys = list(map(self._keys.__getitem__, words))  # analyses new forms' pieces
        flat_keys = list(chain.from_iterable(keys))
        found = self.analyzer._match_keys(flat_keys, list(chain.from_iterable(map(self._exacts.__getitem__, words))))
        raw = list(map(self._raw.__getitem__, words))  # each word's pieces' terms, no concepts
        concept_ids = {concept: self._ids((concept,))[0] for concepts in found.values() for concept in concepts}
        if len(flat_keys) == len(words) and all(len(k) == 1 for k in keys):
            # One piece a word (the usual case): piece index == word index.
            owners: Sequence[int] = range(len(words))
            doc_parts = raw.copy()
            for last, concepts in found.items():
                doc_parts[last] = raw[last] + tuple(concept_ids[c] for c in concepts)
            self.doc.extend(chain.from_iterable(doc_parts))
        else:
            owners = list(chain.from_iterable(map(repeat, range(len(words)), map(len, keys))))
            doc = self.doc
            for index, ids in enumerate(chain.from_iterable(map(self._piece_ids.__getitem__, words))):
                doc.extend(ids)
                concepts = found.get(index)
                if concepts:
                    doc.extend([concept_ids[c] for c in concepts])
        per_word: list[Sequence[int]] = raw.copy()
        for last, concepts in found.items():
            for concept, length in concepts.items():
                cid = concept_ids[concept]
                for index in range(last - length + 1, last + 1):
                    owner = owners[index]
                    terms = per_word[owner]
                    if cid not in terms:
                        per_word[owner] = (*terms, cid)
        self.word_len.extend(map(len, per_word))
        self.word_term.extend(chain.from_iterable(per_word))

    def _add_pieces(self, word: str) -> tuple[str, ...]:
        pieces = self.analyzer._word_pieces(word)
        self._exacts[word] = tuple(piece.exact for piece in pieces)
        self._piece_ids[word] = per_piece = tuple(tuple(self._ids(piece.terms)) for piece in pieces)
        self._raw[word] = tuple(chain.from_iterable(per_piece))
        return tuple(piece.key for piece in pieces)

    def _ids(self, terms: Iterable[str]) -> list[int]:
        vocabulary = self.vocabulary
        out = []
        for term in terms:
            i = vocabulary.get(term)
            if i is None:
                i = vocabulary[term] = len(vocabulary)
                self.terms.append(term)
            out.append(i)
        return out

    def _form(self, word: str) -> tuple[int, ...]:
        """A form's doc term ids (and its word term ids, kept in `_word_forms`).

        A form with no piece that starts a synonym phrase yields its pieces'
        terms. A one-piece form that starts phrases matches its one-piece phrase
        (if any) wherever no longer phrase matches, so that concept is part of
        its entry; a longer phrase can only match where a form that starts one
        is followed by that phrase's second piece (`_may_join`), and only those
        sentences go through the full phrase matching (`_add_with_phrases`).
        """
        analyzer = self.analyzer
        by_first = analyzer._phrases_by_first
        pieces = analyzer._word_pieces(word)
        ids = tuple(self._ids(term for piece in pieces for term in piece.terms))
        starts = [piece for piece in pieces if piece.key in by_first]
        doc, words = ids, ids
        if starts:
            if len(pieces) == 1:
                # Where no longer phrase matches, its one-piece phrase (if any) does.
                found = analyzer._match_keys([pieces[0].key], [pieces[0].exact])
                concepts = self._ids(found[0]) if found else []
                doc = ids + tuple(concepts)
                words = ids + tuple(dict.fromkeys(c for c in concepts if c not in ids))
                seconds = frozenset(p.pieces[1] for p in by_first[pieces[0].key] if len(p.pieces) > 1)
                if seconds:
                    self._phrase_forms.add(word)
                    self._follow[word] = seconds
            else:
                self._phrase_forms.add(word)
                self._follow[word] = None
        self._word_forms[word] = words
        return doc


@dataclass(frozen=True, slots=True)
class _FormTable:
    """Per form number: its doc term ids and word term ids (flat, with starts and lengths)."""

    doc: np.ndarray
    doc_start: np.ndarray
    doc_len: np.ndarray
    word: np.ndarray
    word_start: np.ndarray
    word_len: np.ndarray
    phrase: np.ndarray  # int8: 0, or the phrases it starts have 1 piece / several pieces (see `TermEncoder`)
    key: np.ndarray  # string id of its first piece's key (-1: none)
    exact: np.ndarray  # ... and of that piece's exact form
    seconds: np.ndarray  # sorted (form number << 32 | string id) pairs: may be followed by a second piece


def _copied(values: array, dtype: type) -> np.ndarray:
    """A NumPy copy of an `array.array` (one copy of its buffer, no Python ints made)."""
    return np.frombuffer(values, dtype=dtype).copy() if len(values) else np.zeros(0, dtype=dtype)


def _gather(flat: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """`flat[starts[i]:starts[i] + lengths[i]]` for every i, concatenated."""
    total = int(lengths.sum())
    if total == 0:
        return flat[:0]
    ends = np.cumsum(lengths)
    # Position of every output element in `flat`: its run's start plus its place in the run.
    offsets = np.repeat(starts - (ends - lengths), lengths)
    return flat[offsets + np.arange(total, dtype=np.int64)]


class _Forms(dict):  # type: ignore[type-arg]
    """surface form -> what `make` makes of it, made on first sight (a C-level lookup otherwise)."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[str], Any]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, word: str) -> Any:
        ids = self[word] = self._make(word)
        return ids

