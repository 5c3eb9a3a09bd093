"""Answer a question with the corpus sentences that answer it.

Ranking is BM25 (`retrieval.index`, rank-bm25's definition) over sentence terms,
then three judgements plain BM25 cannot make:
- relevance: the share of the question's content words (weighted by idf) that a
  sentence covers; below a floor the engine abstains instead of quoting the
  least bad sentence;
- question type: a `siapa`/`berapa`/`kapan`/`di mana` question prefers a sentence
  that offers a name, number, time or place the question does not already hold;
- near duplicates: the same fact in two articles is shown once, the other
  sources carried in `Hit.also_in`.
Each candidate is described by one `Features` record; a log-linear score over
them, with weights fitted by `benchmarks/ltr.py` (`Tuning.learned`), orders them.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.acronyms import ArticleAcronyms, CorpusAcronyms
from retrieval.build import Built, iter_sentences  # noqa: F401  (iter_sentences: the one numbering)
from retrieval.index import Bm25Index
from retrieval.question import Wants, defines, named, offers, offers_beside
from retrieval.ranking import Features, Query, Question, Tuning, Unit, coverage, missing_names, proximity
from retrieval.records import Answer, Article, Hit, Sentence
from retrieval.stored import StoredArticles
from retrieval.text import Analyzer


_ARTICLE_CACHE_SIZE = 20_000
# The candidate pool grows in steps of this many, so the pages of one question
# ("more" in the bot asks k + 1 from an offset) are cut from one ranking.
_PAGE_POOL = 10
_ANAPHORA = re.compile(
    r"^[\W_]*(hal\s+(ini|itu|tersebut)|(dia|ia|beliau|mereka|keduanya)\b|(pernyataan|langkah|keputusan|"
    r"kebijakan|peristiwa|kejadian)\s+(ini|itu|tersebut)|demikian|he\b|she\b|they\b|this\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Scored:
    score: float
    window_coverage: float
    sentence: Sentence
    terms: frozenset[str]


class Engine:
    _article_bounds: np.ndarray | None = None  # see _article_terms

    def __init__(
        self,
        *,
        articles: Sequence[Article],
        sentences: Sequence[Sentence],
        index: Bm25Index,
        analyzer: Analyzer,
        fingerprint: str,
        tuning: Tuning = Tuning(),
        acronyms: CorpusAcronyms | None = None,
        retired: np.ndarray | None = None,
        numbering: str | None = None,
    ) -> None:
        """Made by `from_built` (the one builder, `retrieval.build`); `articles` are the live ones.

        `retired` (a bool per sid) marks sentences of article versions a later
        version replaced: they keep their sids and BM25 statistics but are never
        quoted. `numbering` names the sid numbering (kept when articles are appended).
        """
        # Stored articles (retrieval.stored) are read on demand, never all at once.
        self._articles: Sequence[Article] = articles if isinstance(articles, (tuple, StoredArticles)) else tuple(articles)
        if acronyms is None:
            acronyms = CorpusAcronyms(ArticleAcronyms.find(article.text, analyzer) for article in self._articles)
        self._acronyms = acronyms
        ids = getattr(self._articles, "ids", None)
        if ids is None:
            ids = [article.id for article in self._articles]
        self._slot_of = {article_id: i for i, article_id in enumerate(ids)}
        self._sentences = sentences
        self._index = index
        self._analyzer = analyzer
        self._tuning = tuning
        self.fingerprint = fingerprint
        self.numbering = numbering if numbering is not None else fingerprint
        self._retired = retired if retired is not None and retired.any() else None
        self._article_term_cache: dict[int, frozenset[str]] = {}
        # First sid of each article, so neighbours are found without a scan;
        # a persisted sentence table knows them without building every sentence.
        first_sids = getattr(sentences, "first_sids", None)
        if callable(first_sids):
            self._first_sid: dict[str, int] = first_sids()
        else:
            self._first_sid = {}
            for sentence in sentences:
                self._first_sid.setdefault(sentence.article_id, sentence.sid)
        # Article number of every sid (sids of one article are consecutive), so
        # neighbours and an article's sentences are found without building records.
        numbers = getattr(sentences, "article_numbers", None)
        if callable(numbers):
            self._article_of: np.ndarray = numbers()
        else:
            seen: dict[str, int] = {}
            self._article_of = np.fromiter(
                (seen.setdefault(s.article_id, len(seen)) for s in sentences), dtype=np.int64, count=len(sentences)
            )
        if index.n_docs:
            index.doc_terms(0)  # build the doc-major view now, not on the first question

    @classmethod
    def from_built(cls, built: Built, *, tuning: Tuning = Tuning()) -> Engine:
        return cls(
            articles=built.live,
            sentences=built.table,
            index=built.index,
            analyzer=built.analyzer,
            fingerprint=built.fingerprint[:16],
            tuning=tuning,
            acronyms=built.corpus_acronyms(),
            retired=built.retired_sids(),
            numbering=built.numbering[:16],
        )

    @classmethod
    def from_articles(
        cls, articles: Iterable[Article], *, analyzer: Analyzer | None = None, tuning: Tuning = Tuning()
    ) -> Engine:
        """An in-memory engine over `articles` (a later article with an id already seen replaces it)."""
        return cls.from_built(Built.build(articles, analyzer if analyzer is not None else default_analyzer()), tuning=tuning)

    def tuned(self, tuning: Tuning) -> Engine:
        """The same corpus and index ranked with other knobs (for benchmarks/tune.py)."""
        twin = copy.copy(self)
        twin._tuning = tuning
        return twin

    # --- lookups --------------------------------------------------------------
    @property
    def articles(self) -> Sequence[Article]:
        """The live articles: a tuple, or for a warm start stored articles read on demand."""
        return self._articles

    @property
    def sentence_count(self) -> int:
        return len(self._sentences)

    @property
    def tuning(self) -> Tuning:
        return self._tuning

    @property
    def analyzer(self) -> Analyzer:
        return self._analyzer

    def article(self, article_id: str) -> Article | None:
        slot = self._slot_of.get(article_id)
        return None if slot is None else self._articles[slot]

    def sentence(self, sid: int) -> Sentence | None:
        """Sentence `sid`, or None when there is none or its article was replaced since."""
        if 0 <= sid < len(self._sentences) and (self._retired is None or not self._retired[sid]):
            return self._sentences[sid]
        return None

    def context(self, sid: int, *, before: int = 2, after: int = 2) -> tuple[Sentence, ...]:
        """The sentence with up to `before`/`after` neighbours from the same article."""
        centre = self.sentence(sid)
        if centre is None:
            return ()
        lo = max(self._first_sid[centre.article_id], sid - before)
        hi = min(len(self._sentences) - 1, sid + after)
        return tuple(s for s in self._sentences[lo : hi + 1] if s.article_id == centre.article_id)

    # --- search ---------------------------------------------------------------
    def search(self, query: str, *, k: int = 3, offset: int = 0) -> Answer:
        asked = self.read(query)
        units = asked.units
        if not units or k <= 0:
            return Answer(query=query)
        tuning = self._tuning
        scored: list[_Scored] = []
        pool = tuning.candidates + _PAGE_POOL * math.ceil((offset + k) / _PAGE_POOL)
        for sid, features in self.candidates(asked, pool=pool):
            scored.append(_Scored(features.score(tuning), features.window_coverage, self._sentences[sid], self._terms_of(sid)))
        scored.sort(key=lambda item: (-item.score, item.sentence.sid))
        ranked = [item for item in scored if item.window_coverage >= tuning.hit_coverage]
        # A sentence is about something else when its article lacks a thing the question
        # names ("Apa kata Lavrov tentang Korea Utara?" over Lavrov on Syria): it is no
        # answer. When no candidate holds them all, say what the closest ones lack, and
        # show those only as not an answer.
        names = asked.names
        if names and scored:
            # Scope is the article: a news story names its subject ("Aleppo") in its lead,
            # not in every sentence that answers about it.
            lacking = {item.sentence.sid: missing_names(names, self._article_terms(item.sentence.sid)) for item in scored}
            # A long question names more than one sentence repeats: an article lacking
            # fewer than `names_share` of its named things is still on its topic.
            complete = [item for item in ranked if len(lacking[item.sentence.sid]) < tuning.names_share * len(names)]
            # A question mostly about things the corpus never mentions ("Korea Utara"
            # beside "Lavrov") has no answer here, however well the rest matches.
            unknown = [name for name, needed in names if not any(self._index.has_term(t) for ts in needed for t in ts)]
            if tuning.unknown_names_decline and 2 * len(unknown) >= len(names):
                complete = []
            if not complete:
                # The closest hold as many of the named things as any candidate does (and at
                # least one); the answer says what they lack.
                nearer = sorted(scored, key=lambda item: len(lacking[item.sentence.sid]))
                missing = lacking[nearer[0].sentence.sid]
                nearer = [item for item in nearer if len(lacking[item.sentence.sid]) == len(missing) < len(names)]
                closest = self._fold_duplicates(nearer, units, limit=k)
                return Answer(query=query, missing=tuple(missing), closest=tuple(closest))
            if tuning.names_filter:
                ranked = complete
        if not ranked:
            return Answer(query=query)
        if max(item.window_coverage for item in ranked[: k + offset]) < self._answer_floor(units):
            return Answer(query=query)
        hits = self._fold_duplicates(ranked, units, limit=offset + k)
        return Answer(query=query, hits=tuple(hits[offset : offset + k]))

    def _answer_floor(self, units: list[Unit]) -> float:
        """The window coverage the best hits need before the engine answers."""
        tuning = self._tuning
        if not tuning.answer_mass:
            return tuning.answer_coverage
        return min(tuning.answer_coverage, tuning.answer_mass * self._rarest_idf() / sum(u.weight for u in units))

    def candidates(self, query: Query, *, pool: int) -> list[tuple[int, Features]]:
        """The `pool` best BM25 sentences and the neighbours of the best of them, with their features."""
        tuning = self._tuning
        query_terms = query.terms
        ids, scores = self._top(query_terms, pool)
        bm25 = dict(zip(ids.tolist(), scores.tolist()))
        # The answer often sits beside the sentence that repeats the question's
        # words ("Dia merebut medali emas ..." follows the name): neighbours of the
        # best candidates compete too, carried by their neighbour's score.
        extra = {n for sid in ids[: tuning.neighbour_pool].tolist() for n in self._neighbours(sid)} - bm25.keys()
        # Every candidate's neighbours need an exact score too (`_neighbour_scores`):
        # one scoring pass for them and the extra candidates (a doc's score does not
        # depend on which others are scored with it).
        around = {n for sid in (*bm25, *extra) for n in self._neighbours(sid)} - bm25.keys()
        wanted = sorted(extra | around)
        known = dict(zip(wanted, self._index.scores_for(query_terms, wanted).tolist())) if wanted else {}
        bm25.update((sid, known[sid]) for sid in sorted(extra))
        neighbours = self._neighbour_scores(bm25, known)
        question = Question.read(query, best=max(bm25.values(), default=0.0))
        # Term ids of the question's words, for reading positions from the index.
        word_ids = {t: name for name in frozenset().union(*question.words) if (t := self._index.term_id(name)) is not None}
        terms: dict[int, frozenset[str]] = {}
        return [
            (sid, self._features(sid, own, question=question, bm25=bm25, neighbours=neighbours, terms=terms, word_ids=word_ids))
            for sid, own in bm25.items()
        ]

    def _features(
        self,
        sid: int,
        own: float,
        *,
        question: Question,
        bm25: dict[int, float],
        neighbours: dict[int, float],
        terms: dict[int, frozenset[str]],
        word_ids: dict[int, str],
    ) -> Features:
        sentence = self._sentences[sid]
        text = sentence.text

        def terms_of(i: int) -> frozenset[str]:
            # A sentence is one candidate and the neighbour of two: read it once per question.
            found = terms.get(i)
            if found is None:
                found = terms[i] = self._terms_of(i)
            return found

        own_terms = terms_of(sid)
        window = own_terms.union(*(terms_of(n) for n in self._neighbours(sid)))
        previous = sid - 1
        anaphoric = (
            bool(_ANAPHORA.match(text)) and previous in bm25 and self._article_of[previous] == self._article_of[sid]
        )
        wanted, units = question.wanted, question.units
        offered = offers(text, wanted, question=question.text)
        return Features(
            own=own,
            neighbour=neighbours.get(sid, 0.0),
            previous=bm25[previous] if anaphoric else None,
            coverage=coverage(units, own_terms),
            window_coverage=coverage(units, window),
            article_coverage=coverage(units, self._article_terms(sid)),
            # A proper name is its own feature: capitals are a weaker sign than a
            # person's full name or a number, so it must not share their weights.
            type_match=None if wanted in (Wants.ANYTHING, Wants.NAME) else offered,
            apposition=wanted is Wants.PERSON and offered and offers_beside(text, wanted, question=question.text),
            name_match=offered if wanted is Wants.NAME else None,
            focus_match=not question.focus.isdisjoint(own_terms) if question.focus else None,
            own_share=own / question.best if question.best else 0.0,
            proximity=proximity(question.words, self._word_terms(sid, text, word_ids)) if len(question.words) > 1 else 0.0,
            novelty=len(own_terms - question.terms) / len(own_terms) if own_terms else 0.0,
            names_missing=len(question.missing(window)) / len(question.names) if question.names else 0.0,
            definition=defines(text) if question.definition else None,
            lead=sentence.position == 0,
        )

    def _top(self, query_terms: list[str], pool: int) -> tuple[np.ndarray, np.ndarray]:
        """The index's `top`, without sentences of replaced article versions."""
        ids, scores = self._index.top(query_terms, pool)
        retired = self._retired
        if retired is None:
            return ids, scores
        want = pool
        while True:
            live = ~retired[ids]
            if int(live.sum()) >= pool or ids.size < want:
                return ids[live][:pool], scores[live][:pool]
            want *= 2
            ids, scores = self._index.top(query_terms, want)

    def _word_terms(self, sid: int, text: str, wanted: dict[int, str]) -> list[tuple[str, tuple[str, ...]]]:
        """`Analyzer.word_terms(text)` as far as the question's terms go, read from the index.

        Only terms in `wanted` (id -> term) are kept and surface words are left
        blank: proximity looks up nothing else, so its value is the same as over
        the full analysis, without analysing the sentence again.
        """
        if not self._index.has_words:
            return self._analyzer.word_terms(text)
        positions, term_ids = self._index.words_of(sid)
        found: dict[int, list[str]] = {}
        for position, term in zip(positions.tolist(), term_ids.tolist()):
            name = wanted.get(term)
            if name is not None:
                found.setdefault(position, []).append(name)
        if not found:
            return []
        words: list[tuple[str, tuple[str, ...]]] = [("", ())] * (max(found) + 1)
        for position, names in found.items():
            words[position] = ("", tuple(names))
        return words

    def _neighbours(self, sid: int) -> list[int]:
        article_of = self._article_of
        return [n for n in (sid - 1, sid + 1) if 0 <= n < len(article_of) and article_of[n] == article_of[sid]]

    def _neighbour_scores(self, bm25: dict[int, float], others: dict[int, float]) -> dict[int, float]:
        """Best BM25 among each candidate's neighbours (`others` scores those that are not candidates)."""
        known = {**others, **bm25}
        return {sid: max((known[n] for n in self._neighbours(sid)), default=0.0) for sid in bm25}

    def _article_terms(self, sid: int) -> frozenset[str]:
        """Distinct terms of the whole article that sentence `sid` belongs to."""
        number = self._article_of[sid]  # a NumPy scalar: searchsorted then needs no cast of the array
        terms = self._article_term_cache.get(int(number))
        if terms is None:
            if len(self._article_term_cache) >= _ARTICLE_CACHE_SIZE:
                self._article_term_cache.clear()
            bounds = self._article_bounds
            if bounds is None:
                # First sid of every article number (and the end), found once.
                bounds = self._article_bounds = np.searchsorted(
                    self._article_of, np.arange(int(self._article_of[-1]) + 2), side="left"
                )
            lo, hi = int(bounds[number]), int(bounds[number + 1])
            # An article's sids are consecutive: its terms are one slice of the doc-major view.
            terms = frozenset(self._index.term_names(self._index.doc_term_ids(lo, hi).tolist()))
            self._article_term_cache[int(number)] = terms
        return terms

    def _terms_of(self, sid: int) -> frozenset[str]:
        return self._index.doc_terms(sid)

    def read(self, query: str) -> Query:
        """The question's words, BM25 terms and units; an acronym the corpus defines
        somewhere also asks for its long form, and the other way round."""
        terms, word_terms = self._analyzer.analyse(query)
        words, added = self._acronyms.expand(query, word_terms)
        return Query(
            text=query, words=words, terms=terms + added, units=self._units(words), names=tuple(named(words))
        )

    def _units(self, words: list[tuple[str, tuple[str, ...]]]) -> list[Unit]:
        units: list[Unit] = []
        seen: set[frozenset[str]] = set()
        for _word, terms in words:
            key = frozenset(terms)
            if not key or key in seen:
                continue
            seen.add(key)
            units.append(Unit(key, max(self._weight(t) for t in key)))
        return units

    def _weight(self, term: str) -> float:
        # An unknown word weighs like the rarest possible term: a question full of
        # words the corpus never uses is not one it can answer.
        if self._index.has_term(term):
            return max(self._index.idf(term), 0.05)
        return self._tuning.unknown_weight * self._rarest_idf()

    def _rarest_idf(self) -> float:
        """The idf a term found in a single sentence would have, had it no floor."""
        return math.log((self._index.n_docs + 0.5) / 0.5)

    def _fold_duplicates(
        self,
        ranked: list[_Scored],
        units: list[Unit],
        *,
        limit: int,
    ) -> list[Hit]:
        kept: list[tuple[frozenset[str], Hit, list[Article]]] = []
        query_terms = frozenset().union(*(u.terms for u in units))
        for item in ranked:
            score, sentence, terms = item.score, item.sentence, item.terms
            duplicate_of = next(
                (entry for entry in kept if _overlap(entry[0], terms) >= self._tuning.duplicate_overlap), None
            )
            article = self._articles[self._slot_of[sentence.article_id]]
            if duplicate_of is not None:
                if article.id != duplicate_of[1].article.id and article not in duplicate_of[2]:
                    duplicate_of[2].append(article)
                continue
            if len(kept) >= limit:
                continue
            hit = Hit(
                sentence=sentence,
                article=article,
                score=round(score, 6),
                matched_words=self._matched_words(sentence.sid, sentence.text, query_terms),
            )
            kept.append((terms, hit, []))
        return [
            Hit(hit.sentence, hit.article, hit.score, hit.matched_words, tuple(others))
            for _terms, hit, others in kept
        ]

    def _matched_words(self, sid: int, text: str, query_terms: frozenset[str]) -> tuple[str, ...]:
        """Surface words of the sentence that yield a query term, in order, each once."""
        words: list[str] = []
        if not self._index.has_words:
            for word, terms in self._analyzer.word_terms(text):
                if query_terms.intersection(terms) and word not in words:
                    words.append(word)
            return tuple(words)
        wanted = {t for term in query_terms if (t := self._index.term_id(term)) is not None}
        positions, term_ids = self._index.words_of(sid)
        hits = sorted({p for p, t in zip(positions.tolist(), term_ids.tolist()) if t in wanted})
        if hits:
            surface = self._analyzer.words(text)
            for position in hits:
                if surface[position] not in words:
                    words.append(surface[position])
        return tuple(words)

    def sentence_at(self, article_id: str, position: int) -> Sentence | None:
        """Sentence `position` of article `article_id`: a name that, unlike a sid, survives appends and rebuilds."""
        first = self._first_sid.get(article_id)
        if first is None or position < 0:
            return None
        sentence = self.sentence(first + position)
        return sentence if sentence is not None and sentence.article_id == article_id else None


_DEFAULT_ANALYZER: Analyzer | None = None


def default_analyzer() -> Analyzer:
    """The bundled language data, loaded once per process."""
    global _DEFAULT_ANALYZER
    if _DEFAULT_ANALYZER is None:
        from config.settings import BUNDLED_LANGUAGE_DATA

        _DEFAULT_ANALYZER = Analyzer.from_directory(BUNDLED_LANGUAGE_DATA)
    return _DEFAULT_ANALYZER


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller sentence's terms found in the other (containment)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
