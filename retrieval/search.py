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
import functools
import logging
import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from retrieval import langfiles, wordnet
from retrieval.abstention import Abstention, Lexicon, Signals, bundled, measure
from retrieval.acronyms import ArticleAcronyms, CorpusAcronyms
from retrieval.build import Built
from retrieval.candidates import Lacking, Measured, Scored, TermRows, best_first
from retrieval.index import Bm25Index, sorted_unique
from retrieval.question import (
    SPELLING_MIN_LENGTH,
    Wants,
    defines,
    named,
    gives_measure,
    names_agent,
    offers_each,
    spelling_key,
    titles,
    without_definition_frame,
)
from retrieval import ranktrees
from retrieval.ranking import (
    Features,
    Query,
    Question,
    Tuning,
    Unit,
    coverage,
    honorific_terms,
    proximity,
)
from retrieval.records import Answer, Article, ArticlesAt, Hit, Sentence
from retrieval.stemming import is_root_word
from retrieval.stored import StoredArticles
from retrieval.text import Analyzer
from retrieval.typos import misspelt_question_word, respelt

log = logging.getLogger(__name__)

# How many letters a name may add at its end over the article's spelling (`Tuning.name_stems`).
_NAME_TAIL = 3


_ARTICLE_CACHE_SIZE = 20_000
# The candidate pool grows in steps of this many, so the pages of one question
# ("more" in the bot asks k + 1 from an offset) are cut from one ranking.
_PAGE_POOL = 10
# A sentence whose first this many words hold a word of the question is about it.
_OPENING_WORDS = 3
_ANAPHORA = re.compile(
    r"^[\W_]*(hal\s+(ini|itu|tersebut)|(dia|ia|beliau|mereka|keduanya)\b|(pernyataan|langkah|keputusan|"
    r"kebijakan|peristiwa|kejadian)\s+(ini|itu|tersebut)|demikian|he\b|she\b|they\b|this\b)",
    re.IGNORECASE,
)


class Engine:
    _article_bounds: np.ndarray | None = None  # see _article_terms
    _abstention_words: Lexicon | None = None  # see _lexicon
    _skipped_for: tuple[Tuning, frozenset[str]] | None = None  # see _skipped

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
        abstention: Abstention | None = None,
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
        self._abstention = abstention
        self.fingerprint = fingerprint
        self.numbering = numbering if numbering is not None else fingerprint
        self._retired = retired if retired is not None and retired.any() else None
        self._article_term_cache: dict[int, frozenset[str]] = {}
        self._article_id_cache: dict[int, frozenset[int]] = {}
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
            self._version_ids: Sequence[str] = sentences.article_ids()  # type: ignore[attr-defined]
        else:
            seen: dict[str, int] = {}
            self._article_of = np.fromiter(
                (seen.setdefault(s.article_id, len(seen)) for s in sentences), dtype=np.int64, count=len(sentences)
            )
            self._version_ids = list(seen)
        if index.n_docs:
            index.doc_terms(0)  # build the doc-major view now, not on the first question
        if tuning.trees:
            # Read now (once a process): a broken trees file fails here, naming the file
            # (`ranktrees.ModelError`), not on the first question.
            ranktrees.shipped()

    def preload(self) -> None:
        """Read now what a question would otherwise read first: the Wordnet lexicon of the
        synonym floor (~0.3 s of CPU, once a process). A server calls it at start so its first
        question is as quick as the rest; a one-shot `ask` leaves it to a question that needs it."""
        if self._tuning.floor_synonyms:
            self._wordnet()

    @classmethod
    def from_built(
        cls, built: Built, *, tuning: Tuning = Tuning(), acronyms: CorpusAcronyms | None = None
    ) -> Engine:
        """`acronyms`: the corpus table when already known (a saved index stores its definitions)."""
        return cls(
            articles=built.live,
            sentences=built.table,
            index=built.index,
            analyzer=built.analyzer,
            fingerprint=built.fingerprint[:16],
            tuning=tuning,
            acronyms=acronyms if acronyms is not None else built.corpus_acronyms(),
            retired=built.retired_sids(),
            numbering=built.numbering[:16],
            abstention=bundled(),
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

    def abstaining(self, model: Abstention | None) -> Engine:
        """The same engine deciding with another abstention model (None: the hand rules alone)."""
        twin = copy.copy(self)
        twin._abstention = model
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

    @property
    def article_ids(self) -> Collection[str]:
        """The live articles' ids, without reading the articles."""
        return self._slot_of.keys()

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
        answer, signals = self.judge(query, k=k, offset=offset)
        model = self._abstention
        if answer.answered and signals is not None and model is not None and model.declines(signals):
            # Nothing names what is missing: the best sentences are shown only as the closest.
            return Answer(query=query, closest=answer.hits)
        return answer

    def judge(self, query: str, *, k: int = 3, offset: int = 0) -> tuple[Answer, Signals | None]:
        """The answer the hand rules give, before the abstention model, and what that model
        reads of the best candidate (None when the rules decline); benchmarks/abstention.py fits on it."""
        return self._judge(self.read(query), k=k, offset=offset, respelled=False)

    def _judge(self, asked: Query, *, k: int, offset: int, respelled: bool) -> tuple[Answer, Signals | None]:
        query = asked.text
        units = asked.units
        if not units or k <= 0:
            return Answer(query=query), None
        tuning = self._tuning
        pool = tuning.candidates + _PAGE_POOL * math.ceil((offset + k) / _PAGE_POOL)
        measured = self._candidates(asked, pool=pool, full=False)
        terms = measured.terms
        # What may be listed, found once: the trees' "gap" input reads it too.
        on_topic = measured.on_topic(tuning)
        listed = measured.listed(tuning, on_topic)
        scored = list(map(
            Scored, measured.scores(tuning, listed=listed), measured.window_coverage.tolist(), measured.sids,
            range(len(measured.sids)),
        ))
        best_first(scored)
        ranked = [item for item in scored if item.window_coverage >= tuning.hit_coverage]
        # A sentence is about something else when its article lacks a thing the question
        # names ("Apa kata Lavrov tentang Korea Utara?" over Lavrov on Syria): it is no
        # answer. When no candidate holds them all, say what the closest ones lack, and
        # show those only as not an answer.
        names = asked.names
        if names and scored and measured.names_in_article is not None and on_topic is not None:
            # Scope is the article: a news story names its subject ("Aleppo") in its lead,
            # not in every sentence that answers about it. How many named things each
            # candidate's article lacks (`count`), and which (`lacking_of`): counts for
            # every candidate, the names themselves only for the few the answer may list.
            table = Lacking([name for name, _needed in names], measured.names_in_article, measured.sids)
            count, lacking_of = table.count, table.names
            unknown = [name for name, needed in names if not any(self._index.has_term(t) for ts in needed for t in ts)]
            if unknown and tuning.name_spellings:
                # A name the corpus never spells so may be one it spells otherwise
                # ("Ethiopia" over "Etiopia", "Budha" over "Buddha"): the candidates'
                # articles that do hold it.
                spelled = self._spelled_otherwise([(n, ts) for n, ts in names if n in unknown], scored)
                if spelled and not respelled:
                    # Asked again with those spellings as the words' terms: they count
                    # for BM25 and coverage as the word itself would.
                    return self._judge(
                        self._respelled(asked, spelled), k=k, offset=offset, respelled=True
                    )
            # A long question names more than one sentence repeats: an article lacking
            # fewer than `names_share` of its named things is still on its topic.
            topical = on_topic.tolist()
            complete = [item for item in ranked if topical[item.row]]
            # A question mostly about things the corpus never mentions ("Korea Utara"
            # beside "Lavrov") has no answer here, however well the rest matches.
            if tuning.unknown_names_decline and 2 * len(unknown) >= len(names):
                complete = []
            if not complete:
                # The closest hold as many of the named things as any candidate does (and at
                # least one); the answer says what they lack.
                nearer = sorted(scored, key=lambda item: count(item.sid))
                missing = lacking_of(nearer[0].sid)
                nearer = [item for item in nearer if count(item.sid) == len(missing) < len(names)]
                closest = self._fold_duplicates(nearer, units, limit=k, terms=terms)
                return Answer(query=query, missing=tuple(missing), closest=tuple(closest)), None
            if tuning.names_filter:
                ranked = complete  # those `listed` says, in score order
        if not ranked:
            return Answer(query=query), None
        if max(item.window_coverage for item in ranked[: k + offset]) < self._answer_floor(units):
            if not (tuning.floor_content and self._content_covered(asked, ranked[: k + offset])) and not (
                tuning.floor_synonyms and self._synonyms_covered(asked, ranked[: k + offset])
            ):
                return Answer(query=query), None
        hits = self._fold_duplicates(ranked, units, limit=offset + k, terms=terms)
        return Answer(query=query, hits=tuple(hits[offset : offset + k])), self._signals(asked, ranked)

    def _signals(self, asked: Query, ranked: list[Scored]) -> Signals | None:
        """What the abstention model reads of the best of `ranked` (already in order)."""
        if not ranked:
            return None
        best = self._sentences[ranked[0].sid]
        window, window_terms = self._window(best.sid)
        article = self._articles[self._slot_of[best.article_id]]
        return measure(
            question=asked.text,
            units=asked.units,
            names=asked.names,
            own=self._terms_of(best.sid),
            window=window_terms,
            article=self._article_terms(best.sid),
            window_text=" ".join(s.text for s in window),
            article_text=article.text,
            scores=tuple(item.score for item in ranked[:2]),
            known=self._index.has_term,
            rarest_idf=self._rarest_idf(),
            lexicon=self._lexicon(),
            question_words=asked.words,
            window_words=lambda: self._analyzer.word_terms(" ".join(s.text for s in window)),
        )

    def _lexicon(self) -> Lexicon:
        lexicon = self._abstention_words
        if lexicon is None:
            lexicon = self._abstention_words = Lexicon.read(self._language_folder("abstention"), self._analyzer.terms)
        return lexicon

    def _wordnet(self) -> wordnet.Wordnet | None:
        return wordnet.at(self._language_folder("wordnet"))

    def _language_folder(self, name: str) -> Path:
        """The `name` subfolder of the analyzer's language data when it has one, else the
        bundled one's: a Docker volume mounted over /app/corpus hides the bundled folder,
        while LANGUAGE_DATA_PATH (/app/lang) keeps a copy of it."""
        own = self._analyzer.directory
        if own is not None and (own / name).is_dir():
            return own / name
        bundled_folder = langfiles.BUNDLED_LANGUAGE_DATA / name
        if not bundled_folder.is_dir():
            _warn_missing_folder(name, own, bundled_folder)
        return bundled_folder

    def _respelled(self, asked: Query, spelled: dict[str, dict[str, set[str]]]) -> Query:
        """`asked` with each word of a name in `spelled` also asking for the spellings found."""
        other = {term: set(spellings) for found in spelled.values() for term, spellings in found.items()}
        words = [(word, terms + tuple(sorted(set().union(*(other.get(t, ()) for t in terms)) - set(terms))))
                 for word, terms in asked.words]
        added = [t for word_terms in other.values() for t in sorted(word_terms)]
        return Query(text=asked.text, words=words, terms=asked.terms + added, units=self._units(words),
                     names=tuple(named(words, skip=titles(asked.text))))

    def _spelled_otherwise(
        self, names: list[tuple[str, tuple[frozenset[str], ...]]], scored: list[Scored]
    ) -> dict[str, dict[str, set[str]]]:
        """For each of `names` (none of whose terms the index has), the terms of the articles
        of `scored` spelled like one of its terms (`spelling_key`), by the name's term."""
        wanted: dict[str, tuple[str, str]] = {}
        for name, needed in names:
            for terms in needed:
                for term in terms:
                    if (key := spelling_key(term)) is not None:
                        wanted.setdefault(key, (name, term))
                        if self._tuning.name_stems:
                            # A name with letters added at its end ("Galenus" for "Galen",
                            # "Afrikan" for "Afrika"), where a swapped name differs inside.
                            for cut in range(1, _NAME_TAIL + 1):
                                if len(key) - cut >= SPELLING_MIN_LENGTH:
                                    wanted.setdefault(key[:-cut], (name, term))
        found: dict[str, dict[str, set[str]]] = {}
        if not wanted:
            return found
        lengths = {len(key) for key in wanted}
        low, high = min(lengths) - 1, max(lengths) + 4
        seen: set[int] = set()
        for item in scored:
            number = int(self._article_of[item.sid])
            if number in seen:
                continue
            seen.add(number)
            for other in self._article_terms(item.sid):
                if low <= len(other) <= high and (hit := wanted.get(_spelling_key(other))) is not None:
                    found.setdefault(hit[0], {}).setdefault(hit[1], set()).add(other)
        return found

    def _window(self, sid: int) -> tuple[tuple[Sentence, ...], frozenset[str]]:
        """Sentence `sid` with one neighbour each side, and their terms: the window the
        answer floor and the abstention signals read."""
        sentences = self.context(sid, before=1, after=1)
        return sentences, frozenset().union(*(self._terms_of(s.sid) for s in sentences))

    def _content_covered(self, asked: Query, ranked: list[Scored]) -> bool:
        """Whether a window of `ranked` covers the answer floor of the question's content words,
        leaving out the words that frame it ("Apa yang *dimaksud* dengan ...", "*letak*"):
        an answer rarely repeats them, yet they weigh as much as any other word. With
        `Tuning.floor_honorifics` the honorifics before a name ("*Jenderal* Abdul Haris
        Nasution", "*Sir* Richard Arkwright") are left out too: an article about the person
        seldom repeats them."""
        units = asked.units
        lexicon = self._lexicon()
        left_out = lexicon.frame
        if self._tuning.floor_honorifics:
            left_out = left_out | honorific_terms(asked.words, lexicon.honorifics, titles(asked.text))
        content = [u for u in units if u.terms.isdisjoint(left_out)]
        if not content or len(content) == len(units):
            return False
        floor = self._answer_floor(content)
        for item in ranked:
            if coverage(content, self._window(item.sid)[1]) >= floor:
                return True
        return False

    def _synonyms_covered(self, asked: Query, ranked: list[Scored]) -> bool:
        """Whether a window of `ranked` covers the answer floor once each content word it
        lacks counts where the window holds a synonym of it (`wordnet.Wordnet`)."""
        lexicon = self._wordnet()
        if lexicon is None:
            return False
        tuning = self._tuning
        units = asked.units
        total = sum(u.weight for u in units)
        floor = self._answer_floor(units)
        for item in ranked:
            window, terms = self._window(item.sid)
            lacking = [u for u in units if u.terms.isdisjoint(terms)]
            held = total - sum(u.weight for u in lacking)
            said = wordnet.synonym_weight(
                lexicon, lacking, asked.words, terms, " ".join(s.text for s in window), largest=tuning.floor_synonyms
            )
            if total and held + said >= floor * total:
                return True
        return False

    def _answer_floor(self, units: list[Unit]) -> float:
        """The window coverage the best hits need before the engine answers."""
        tuning = self._tuning
        if not tuning.answer_mass:
            return tuning.answer_coverage
        return min(tuning.answer_coverage, tuning.answer_mass * self._rarest_idf() / sum(u.weight for u in units))

    def candidates(self, query: Query, *, pool: int, full: bool = True) -> list[tuple[int, Features]]:
        """The `pool` best BM25 sentences and the neighbours of the best of them, with their features.

        `full` (benchmarks/ltr.py) measures every feature; `search` leaves out
        those the tuning weighs 0, which cannot change a score.
        """
        measured = self._candidates(query, pool=pool, full=full)
        return list(zip(measured.sids, measured.features()))

    def _candidates(self, query: Query, *, pool: int, full: bool) -> Measured:
        """Candidates, their features and each one's distinct term ids (for folding duplicates)."""
        tuning = self._tuning
        query_terms = query.terms
        ids, scores = self._top(query_terms, pool)
        bm25 = dict(zip(ids.tolist(), scores.tolist()))
        # The answer often sits beside the sentence that repeats the question's
        # words ("Dia merebut medali emas ..." follows the name): neighbours of the
        # best candidates compete too, carried by their neighbour's score.
        extra = sorted(set(self._neighbours_of(ids[: tuning.neighbour_pool])) - bm25.keys())
        # The candidates in the order `bm25` keeps them once the extra ones are added,
        # and whether each has a sentence before / after it in its article (found once).
        sids = [*bm25, *extra]
        cand = np.asarray(sids, dtype=np.int64)
        flags = self._neighbour_flags(cand)
        # Every candidate's neighbours need an exact score too (`_neighbour_scores`):
        # one scoring pass for them and the extra candidates (a doc's score does not
        # depend on which others are scored with it).
        around = set((cand[flags[0]] - 1).tolist() + (cand[flags[1]] + 1).tolist()) - bm25.keys()
        wanted = sorted(around.union(extra))
        known = dict(zip(wanted, self._index.scores_for(query_terms, wanted).tolist())) if wanted else {}
        bm25.update((sid, known[sid]) for sid in extra)
        neighbours = self._neighbour_scores(bm25, known, flags=flags)
        question = Question.read(query, best=max(bm25.values(), default=0.0))
        return self._measure(sids, question, bm25=bm25, neighbours=neighbours, full=full, flags=flags)

    def _measure(
        self,
        sids: list[int],
        question: Question,
        *,
        bm25: dict[int, float],
        neighbours: dict[int, float],
        full: bool,
        flags: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> Measured:
        """Every candidate's features, measured together from the index's arrays.

        Equal, value for value, to measuring each sentence on its own
        (`tests/test_measure.py` holds the one-at-a-time reference): coverage
        sums unit weights in unit order, the shares divide the same integers.
        """
        if not sids:
            return Measured.nothing(question.wanted)
        index = self._index
        n = len(sids)
        article_of = self._article_of
        cand = np.asarray(sids, dtype=np.int64)
        arts = article_of[cand]
        # Neighbours in the same article (-1: none), as `_neighbours` finds them.
        before = cand - 1
        after = cand + 1
        has_before, has_after = flags if flags is not None else self._neighbour_flags(cand)
        # Rows: the candidates, then every neighbour that is not one.
        rows = sorted_unique(np.concatenate([cand, before[has_before], after[has_after]]))
        row_of = np.searchsorted(rows, cand)
        owner, term_ids = index.doc_term_runs(rows)
        units = question.units
        weights = [u.weight for u in units]
        # Which of the question's term sets each term is in, one bit a set: units, then
        # the question's terms, its focus and the things it names.
        sets = [u.terms for u in units]
        in_question_bit = len(sets)
        sets.append(question.terms)
        focus_bit = len(sets)
        sets.append(question.focus)
        names_bit = len(sets)
        sets += [frozenset().union(*needed) for _name, needed in question.names]
        bits = self._bits(sets)
        term_bits = bits[term_ids] if bits is not None else None
        starts = np.searchsorted(owner, np.arange(rows.shape[0] + 1))
        before_row = np.searchsorted(rows, before[has_before])
        after_row = np.searchsorted(rows, after[has_after])
        window_bits = None

        def in_window(per_row: np.ndarray) -> np.ndarray:
            # Each candidate's row ORed with its neighbours' rows in the same article.
            window = per_row[row_of]
            window[has_before] |= per_row[before_row]
            window[has_after] |= per_row[after_row]
            return window

        if term_bits is not None:
            # One mask a row; a window's is its rows' OR, read for the units and the names alike.
            row_bits = _or_runs(term_bits, starts)
            own_bits = row_bits[row_of]
            window_bits = in_window(row_bits)
            own_hits = _bit_columns(own_bits, 0, len(units))
            window_hits = _bit_columns(window_bits, 0, len(units))
        else:
            unit_hits = self._unit_hits(units, owner, term_ids, rows.shape[0])
            own_hits = unit_hits[row_of]
            window_hits = in_window(unit_hits)
        # Whole articles: one slice of the doc-major view each.
        distinct_arts, art_row = sorted_unique(arts, inverse=True)
        bounds = self._bounds()
        lo, hi = bounds[distinct_arts], bounds[distinct_arts + 1]
        art_owner, art_terms = index.doc_term_runs_between(lo, hi)
        names_in_article = None
        if bits is not None:
            art_starts = np.searchsorted(art_owner, np.arange(distinct_arts.shape[0] + 1))
            article_bits = _or_runs(bits[art_terms], art_starts)[art_row.reshape(-1)]
            article_hits = _bit_columns(article_bits, 0, len(units))
            if question.names:
                names_in_article = _bit_columns(article_bits, names_bit, len(question.names))
        else:
            article_hits = self._unit_hits(units, art_owner, art_terms, distinct_arts.shape[0])[art_row.reshape(-1)]
            if question.names:
                names_in_article = self._names_in_articles(question, distinct_arts)[art_row.reshape(-1)]
        own_cov, window_cov, article_cov = _coverages(weights, (own_hits, window_hits, article_hits))

        # Distinct terms of each candidate (ids: the same counts and overlaps as names).
        own_terms = TermRows(owner, term_ids, starts, row_of, index.vocabulary_size)
        counts = np.diff(starts)[row_of]
        if term_bits is not None:
            asked = (term_bits >> np.uint64(in_question_bit)) & np.uint64(1)
        else:
            asked = self._member(term_ids, question.terms)
        in_question = np.bincount(owner[asked.astype(bool)], minlength=rows.shape[0])[row_of]
        # (c - q) / c of ints, as Python divides them: both exact in float64, one rounding.
        novelty = np.divide(counts - in_question, counts, out=np.zeros(n), where=counts > 0)
        focus: np.ndarray | None = None
        if question.focus:
            if term_bits is not None:
                focus = _bit_columns(own_bits, focus_bit, 1)[:, 0]
            else:
                focus = np.bincount(owner[self._member(term_ids, question.focus)], minlength=rows.shape[0])[row_of] > 0

        proximity_of, opens = self._word_features(cand, question)
        skip = self._skipped() if not full else frozenset()
        wanted = question.wanted
        predicate = None
        if question.names and "predicate" not in skip:
            named = frozenset().union(*(terms for _name, needed in question.names for terms in needed))
            rest = [i for i, unit in enumerate(units) if unit.terms.isdisjoint(named)]
            if rest and len(rest) < len(units):
                rest_weights = [weights[i] for i in rest]
                predicate = _coverage(rest_weights, own_hits[:, rest], sum(rest_weights))
        best = question.best
        texts = self._texts(sids)
        own = np.fromiter((bm25[sid] for sid in sids), dtype=np.float64, count=n)
        # A sentence opening with a reference to the one before ("Hal ini", "Dia")
        # inherits that one's BM25, when it is a candidate too.
        anaphoric = np.zeros(n, dtype=bool)
        previous = np.zeros(n)
        for i in np.flatnonzero(has_before).tolist():
            before_sid = sids[i] - 1
            if before_sid in bm25 and _ANAPHORA.match(texts[i]):
                anaphoric[i] = True
                previous[i] = bm25[before_sid]
        # The apposition only counts for a person asked about; for a time, number, place
        # or name the thing beside a question word is its own feature (`near`).
        near_kind = wanted in _NEAR_KINDS and _NEAR_KINDS[wanted] not in skip
        offers = np.asarray(
            offers_each(texts, wanted, question=question.text, beside=wanted is Wants.PERSON or near_kind),
            dtype=bool,
        ).reshape(n, 2)
        offered = offers[:, 0]
        apposition = offers[:, 1] if wanted is Wants.PERSON else np.zeros(n, dtype=bool)
        names_missing = np.zeros(n)
        if question.names and "names_missing" not in skip:
            if window_bits is not None:
                window = _bit_columns(window_bits, names_bit, len(question.names))
            else:
                held = self._names_held(question, owner, term_ids, rows.shape[0])
                window = in_window(held)
            names_missing = (~window).sum(axis=1) / len(question.names)
        definition = None
        if question.definition and "definition" not in skip:
            definition = np.fromiter((defines(text) for text in texts), dtype=bool, count=n)
        measured = Measured(
            sids=sids,
            wanted=wanted,
            own=own,
            neighbour=np.fromiter((neighbours.get(sid, 0.0) for sid in sids), dtype=np.float64, count=n),
            previous=previous,
            anaphoric=anaphoric,
            coverage=own_cov,
            window_coverage=window_cov,
            article_coverage=article_cov,
            offered=offered,
            apposition=apposition,
            focus=focus,
            own_share=own / best if best else np.zeros(n),
            proximity=proximity_of,
            novelty=novelty,
            names_missing=names_missing,
            definition=definition,
            # The first indexable sentence of its article: no earlier sid of the same one.
            lead=~has_before if "lead" not in skip else np.zeros(n, dtype=bool),
            length=index.doc_lengths(cand),
            opens=opens,
            terms=own_terms,
            names_in_article=names_in_article,
            agent=(
                np.fromiter((names_agent(text) for text in texts), dtype=bool, count=n)
                if wanted is Wants.PERSON else None
            ),
            near=offers[:, 1] if near_kind else None,
            unit=(
                np.fromiter((gives_measure(text, question.text) for text in texts), dtype=bool, count=n)
                if wanted is Wants.NUMBER and "number_unit" not in skip else None
            ),
            predicate=predicate,
        )
        return measured

    def _skipped(self) -> frozenset[str]:
        """`_unweighted(self.tuning)`, found once per tuning (hashing a Tuning costs more than the lookup)."""
        known = self._skipped_for
        if known is None or known[0] is not self._tuning:
            known = self._skipped_for = (self._tuning, _unweighted(self._tuning))
        return known[1]

    def _names_in_articles(self, question: Question, numbers: np.ndarray) -> np.ndarray:
        """(articles, names) bool: whether article `numbers[i]` holds a distinctive word of
        each thing the question names (`missing_names`), by term id (past the 64 sets
        `_bits` marks): a term the index lacks is in no article."""
        term_id = self._index.term_id
        needed_ids = [
            tuple(frozenset(i for t in terms if (i := term_id(t)) is not None) for terms in needed)
            for _name, needed in question.names
        ]
        held = np.zeros((len(numbers), len(needed_ids)), dtype=bool)
        for row, number in enumerate(numbers.tolist()):
            article = self._article_term_ids(int(number))
            for j, needed in enumerate(needed_ids):
                held[row, j] = any(not article.isdisjoint(ids) for ids in needed)
        return held

    def _names_held(self, question: Question, owner: np.ndarray, term_ids: np.ndarray, n_rows: int) -> np.ndarray:
        """(rows, names) bool: whether the row holds the named thing (`Question.missing`):
        a thing is held when any of its distinctive words' terms is, one lookup of their union."""
        names = question.names
        held = np.zeros((n_rows, len(names)), dtype=bool)
        for j, (_name, needed) in enumerate(names):
            held[owner[self._member(term_ids, frozenset().union(*needed))], j] = True
        return held

    def _bits(self, sets: list[frozenset[str]]) -> np.ndarray | None:
        """For every term id, the sets of `sets` holding it as bit j for set j (None past 64 sets)."""
        if len(sets) > 64:
            return None
        term_id = self._index.term_id
        # Each term's mask gathered in Python, then one assignment (not one a set).
        masks: dict[int, int] = {}
        for j, terms in enumerate(sets):
            bit = 1 << j
            for term in terms:
                if (t := term_id(term)) is not None:
                    masks[t] = masks.get(t, 0) | bit
        bits = np.zeros(self._index.vocabulary_size, dtype=np.uint64)
        if masks:
            bits[np.fromiter(masks, dtype=np.int64, count=len(masks))] = np.fromiter(
                masks.values(), dtype=np.uint64, count=len(masks)
            )
        return bits

    def _unit_hits(self, units: list[Unit], owner: np.ndarray, term_ids: np.ndarray, rows: int) -> np.ndarray:
        """(rows, units) bool: whether row's terms include one of the unit's."""
        hits = np.zeros((rows, len(units)), dtype=bool)
        for j, unit in enumerate(units):
            hits[owner[self._member(term_ids, unit.terms)], j] = True
        return hits

    def _member(self, term_ids: np.ndarray, terms: Iterable[str]) -> np.ndarray:
        """Whether each of `term_ids` is one of `terms` (a lookup table: np.isin sorts, and costs more)."""
        index = self._index
        table = np.zeros(index.vocabulary_size, dtype=bool)
        found = [t for term in terms if (t := index.term_id(term)) is not None]
        if found:
            table[found] = True
        return table[term_ids]

    def _word_features(self, cand: np.ndarray, question: Question) -> tuple[np.ndarray, np.ndarray]:
        """Every candidate's `ranking.proximity` and whether a question word is among its
        first `_OPENING_WORDS` words, from the index's word positions at once."""
        words = question.words
        n = cand.shape[0]
        if not self._index.has_words:
            word_ids = {t: name for name in frozenset().union(*words) if (t := self._index.term_id(name)) is not None}
            placed = [self._word_terms(sid, self._sentences[sid].text, word_ids) for sid in cand.tolist()]
            return (
                np.asarray([proximity(words, p) if len(words) > 1 else 0.0 for p in placed], dtype=np.float64),
                np.asarray([any(terms for _word, terms in p[:_OPENING_WORDS]) for p in placed], dtype=bool),
            )
        owner, position, term = self._index.word_runs(cand)
        opens = np.zeros(n, dtype=bool)
        in_word = self._word_bits(term, words)
        if in_word is None:
            early = (position < _OPENING_WORDS) & self._member(term, frozenset().union(*words))
        else:
            early = (position < _OPENING_WORDS) & (in_word != 0)
        opens[owner[early]] = True
        if len(words) < 2:
            return np.zeros(n), opens
        if in_word is not None:
            return self._close_pairs(owner, position, in_word, n, len(words)), opens
        # Over 64 question words: one key per (candidate, word position); positions never reach 2**32.
        key = (owner << 32) | position.astype(np.int64)
        keys = [np.sort(key[self._member(term, w)]) for w in words]
        close = np.zeros(n, dtype=np.int64)
        for a, b in zip(keys, keys[1:]):
            near = np.zeros(n, dtype=bool)
            if a.size and b.size:
                # Every step of every key of `a` searched at once, a row of _STEPS a key.
                # Stepping below position 0 lands on the previous candidate's 2**32 - 2,
                # which no sentence reaches: no false pair across candidates.
                moved = (a[:, None] + _STEPS).reshape(-1)
                at = np.minimum(np.searchsorted(b, moved), b.shape[0] - 1)
                found = (b[at] == moved).reshape(-1, _STEPS.shape[0]).any(axis=1)
                near[a[found] >> 32] = True
            close += near
        return close / (len(words) - 1), opens

    @staticmethod
    def _close_pairs(owner: np.ndarray, position: np.ndarray, in_word: np.ndarray, n: int, count: int) -> np.ndarray:
        """`ranking.proximity` of each of `n` candidates from its words' question-word bits
        (`_word_bits`, bit j for word j of `count`): the share of pairs j, j + 1 found at two
        positions of one candidate 1 or 2 words apart, every pair at once."""
        held = in_word != 0
        key = (owner[held] << 32) | position[held].astype(np.int64)
        bits = in_word[held]
        if key.size > 1 and (key[1:] < key[:-1]).any():
            order = np.argsort(key, kind="stable")
            key, bits = key[order], bits[order]
        # One entry a (candidate, position), its terms' bits together.
        if key.size:
            first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
            key, bits = key[first], np.bitwise_or.reduceat(bits, first)
        near = np.zeros(n, dtype=np.uint64)
        one = np.uint64(1)
        # Positions of one candidate rise strictly entry by entry, so two within 2 words
        # of each other are at most 2 entries apart.
        for step in (1, 2):
            if key.size <= step:
                break
            a, b = key[:-step], key[step:]
            close = ((a >> 32) == (b >> 32)) & ((b & 0xFFFFFFFF) - (a & 0xFFFFFFFF) <= 2)
            x, y = bits[:-step][close], bits[step:][close]
            # Bit j: word j at one place and word j + 1 at the other, either way round.
            pairs = (x & (y >> one)) | (y & (x >> one))
            np.bitwise_or.at(near, (a[close] >> 32), pairs)
        wanted = np.uint64((1 << (count - 1)) - 1)
        return np.bitwise_count(near & wanted).astype(np.int64) / (count - 1)

    def _word_bits(self, term_ids: np.ndarray, words: list[frozenset[str]]) -> np.ndarray | None:
        """Bit j set where a term id is one of word j's terms (None past 64 words): a search among
        the question's few term ids, not a table as long as the vocabulary for each word."""
        if len(words) > 64:
            return None
        index = self._index
        masks: dict[int, int] = {}
        for j, terms in enumerate(words):
            for name in terms:
                t = index.term_id(name)
                if t is not None:
                    masks[t] = masks.get(t, 0) | (1 << j)
        if not masks:
            return np.zeros(term_ids.shape[0], dtype=np.uint64)
        ids = np.fromiter(sorted(masks), dtype=np.int64, count=len(masks))
        bits = np.fromiter((masks[t] for t in ids.tolist()), dtype=np.uint64, count=len(masks))
        at = np.minimum(np.searchsorted(ids, term_ids), ids.shape[0] - 1)
        return np.where(ids[at] == term_ids, bits[at], np.uint64(0))

    def _texts(self, sids: list[int]) -> list[str]:
        texts = getattr(self._sentences, "texts", None)
        if callable(texts):
            return texts(sids)
        return [self._sentences[sid].text for sid in sids]

    def _bounds(self) -> np.ndarray:
        bounds = self._article_bounds
        if bounds is None:
            # First sid of every article number (and the end), found once.
            bounds = self._article_bounds = np.searchsorted(
                self._article_of, np.arange(int(self._article_of[-1]) + 2), side="left"
            )
        return bounds

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

    def _neighbour_flags(self, sids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether each of `sids` has a sentence before / after it in the same article (`_neighbours`)."""
        article_of = self._article_of
        sids = np.asarray(sids, dtype=np.int64)
        before, after = sids - 1, sids + 1
        has_before = before >= 0
        has_before[has_before] = article_of[before[has_before]] == article_of[sids[has_before]]
        has_after = after < article_of.shape[0]
        has_after[has_after] = article_of[after[has_after]] == article_of[sids[has_after]]
        return has_before, has_after

    def _neighbours_of(self, sids: np.ndarray) -> list[int]:
        """Every neighbour of every sid of `sids` (repeats possible)."""
        sids = np.asarray(sids, dtype=np.int64)
        has_before, has_after = self._neighbour_flags(sids)
        return (sids[has_before] - 1).tolist() + (sids[has_after] + 1).tolist()

    def _neighbour_scores(
        self, bm25: dict[int, float], others: dict[int, float], *, flags: tuple[np.ndarray, np.ndarray] | None = None
    ) -> dict[int, float]:
        """Best BM25 among each candidate's neighbours (`others` scores those that are not candidates;
        `flags`: `_neighbour_flags` of the candidates in `bm25`'s order, when known)."""
        known = {**others, **bm25}
        sids = list(bm25)
        has_before, has_after = flags if flags is not None else self._neighbour_flags(np.asarray(sids, dtype=np.int64))
        out: dict[int, float] = {}
        for sid, b, a in zip(sids, has_before.tolist(), has_after.tolist()):
            # max() over the neighbours in `_neighbours` order (before, then after).
            if b and a:
                out[sid] = max(known[sid - 1], known[sid + 1])
            elif b:
                out[sid] = known[sid - 1]
            elif a:
                out[sid] = known[sid + 1]
            else:
                out[sid] = 0.0
        return out

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

    def _article_term_ids(self, number: int) -> frozenset[int]:
        """Distinct term ids of article (version) `number`."""
        terms = self._article_id_cache.get(number)
        if terms is None:
            if len(self._article_id_cache) >= _ARTICLE_CACHE_SIZE:
                self._article_id_cache.clear()
            bounds = self._bounds()
            terms = frozenset(self._index.doc_term_ids(int(bounds[number]), int(bounds[number + 1])).tolist())
            self._article_id_cache[number] = terms
        return terms

    def _terms_of(self, sid: int) -> frozenset[str]:
        return self._index.doc_terms(sid)

    def read(self, query: str) -> Query:
        """The question's words, BM25 terms and units; an acronym the corpus defines
        somewhere also asks for its long form, and the other way round."""
        # A definition question's frame ("Apa yang dimaksud dengan") is no BM25 evidence:
        # as a rare word "dimaksud" outweighed the thing asked about. Its coverage units
        # keep the frame: the answer floor was set with it, and leaving it out there too
        # answered more IDK-MRC train questions that have no answer (declined 18.4% -> 18.0%).
        asked = without_definition_frame(query)
        terms, word_terms = self._analyzer.analyse(asked)
        fixes = self._typo_fixes(word_terms)
        if fixes:
            terms, word_terms = _fixed(terms, word_terms, fixes)
        words, added = self._acronyms.expand(asked, word_terms)
        units_words = words
        if asked != query:
            _full, full_terms = self._analyzer.analyse(query)
            if fixes:
                _full, full_terms = _fixed(_full, full_terms, fixes)
            units_words, _added = self._acronyms.expand(query, full_terms)
        return Query(
            text=query, words=words, terms=terms + added, units=self._units(units_words),
            names=tuple(named(words, skip=titles(query))),
        )

    def _typo_fixes(self, word_terms: list[tuple[str, tuple[str, ...]]]) -> dict[str, tuple[str, ...]]:
        """What to read instead of the terms of question words the index lacks (`retrieval.typos`):
        nothing for a misspelt question word, the known term one letter off for another."""
        if not self._tuning.respell_typos:
            return {}
        index = self._index
        fixes: dict[str, tuple[str, ...]] = {}
        for word, terms in word_terms:
            if not terms or any(index.has_term(t) for t in terms):
                continue
            if misspelt_question_word(word.casefold()):
                fixes.update((t, ()) for t in terms)
                continue
            # A capitalised word is a name, whose other spellings `_spelled_otherwise` looks
            # for: one letter off a known word it is often another name ("Kongo", "Burma").
            # A dictionary root is a real word the corpus lacks ("kamus"), not a typo.
            if word[:1].isupper():
                continue
            for term in terms:
                if not is_root_word(term) and (other := respelt(term, index.doc_freq)) is not None:
                    fixes[term] = (other,)
        return fixes

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
        ranked: list[Scored],
        units: list[Unit],
        *,
        limit: int,
        terms: TermRows,
    ) -> list[Hit]:
        """Hits for `ranked` (in order) up to `limit`; a later candidate whose `overlap` with
        a hit reaches `Tuning.duplicate_overlap` is that hit's near duplicate, its article
        added to the hit's `also_in` (`terms`: each candidate's, by `Scored.row`)."""
        # Each hit with whether each candidate is its near duplicate, by row: found for all
        # at once when the hit is kept (~50 candidates against each hit a question).
        kept: list[tuple[int, Hit, list[int], set[str], list[bool]]] = []
        query_terms = frozenset().union(*(u.terms for u in units))
        version_ids, article_of = self._version_ids, self._article_of
        threshold = self._tuning.duplicate_overlap
        for item in ranked:
            sid = item.sid
            row = item.row
            duplicate_of = None
            for entry in kept:
                if entry[4][row]:
                    duplicate_of = entry
                    break
            # Live articles have distinct ids: comparing ids is comparing articles.
            article_id = version_ids[article_of[sid]]
            if duplicate_of is not None:
                if article_id != duplicate_of[1].article.id and article_id not in duplicate_of[3]:
                    duplicate_of[2].append(self._slot_of[article_id])
                    duplicate_of[3].add(article_id)
                continue
            if len(kept) >= limit:
                continue
            sentence = self._sentences[sid]
            hit = Hit(
                sentence=sentence,
                article=self._articles[self._slot_of[article_id]],
                score=round(item.score, 6),
                matched_words=self._matched_words(sid, sentence.text, query_terms),
            )
            kept.append((row, hit, [], set(), terms.near_duplicates(row, threshold)))
        return [
            # Made when read (`ArticlesAt`): most are never shown.
            Hit(hit.sentence, hit.article, hit.score, hit.matched_words, ArticlesAt(self._articles, others) if others else ())
            for _row, hit, others, _ids, _terms in kept
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


@functools.cache
def _warn_missing_folder(name: str, own: Path | None, bundled_folder: Path) -> None:
    """Said once a process: without these lists the engine still answers, but declines less."""
    where = f"{own / name} nor {bundled_folder}" if own is not None else str(bundled_folder)
    log.warning(
        "no language data folder %r (neither %s exists): the declines that need it are off;"
        " copy corpus/lang/%s into LANGUAGE_DATA_PATH",
        name,
        where,
        name,
    )


def _fixed(
    terms: list[str], word_terms: list[tuple[str, tuple[str, ...]]], fixes: dict[str, tuple[str, ...]]
) -> tuple[list[str], list[tuple[str, tuple[str, ...]]]]:
    """`terms` and `word_terms` with each term in `fixes` replaced by what it maps to."""
    return (
        [new for term in terms for new in fixes.get(term, (term,))],
        [(word, tuple(new for term in ts for new in fixes.get(term, (term,)))) for word, ts in word_terms],
    )


_DEFAULT_ANALYZER: Analyzer | None = None


@functools.lru_cache(maxsize=1 << 16)
def _spelling_key(term: str) -> str | None:
    # The articles of a question's candidates repeat from question to question.
    return spelling_key(term)


def default_analyzer(*, stems: tuple[str, Mapping[str, str]] | None = None) -> Analyzer:
    """The bundled language data, loaded once per process (`stems` as in `Analyzer.from_directory`)."""
    global _DEFAULT_ANALYZER
    if _DEFAULT_ANALYZER is None:
        _DEFAULT_ANALYZER = Analyzer.from_directory(langfiles.BUNDLED_LANGUAGE_DATA, stems=stems)
    return _DEFAULT_ANALYZER


# The question kinds whose wanted thing beside a question word is a feature, and its name.
_NEAR_KINDS = {Wants.TIME: "time_near", Wants.NUMBER: "number_near", Wants.PLACE: "place_near", Wants.NAME: "name_near"}


@functools.lru_cache(maxsize=16)
def _unweighted(tuning: Tuning) -> frozenset[str]:
    """Features the score cannot read: weight 0 in the learned weights and not read by the
    ranking trees (the hand formula reads none of these)."""
    optional = ("names_missing", "definition", "lead", "number_unit", "predicate", *_NEAR_KINDS.values())
    if not tuning.learned:
        return frozenset(optional)
    weights = dict(zip(Features.NAMES, tuning.learned))
    # The ranking trees read some features the weights do not.
    read = frozenset(ranktrees.shipped().inputs) if tuning.trees else frozenset()
    parts = {"names_missing": ("names_missing",), "definition": ("definition_yes", "definition_no"), "lead": ("lead",)}
    parts.update((name, (name,)) for name in (*_NEAR_KINDS.values(), "number_unit", "predicate"))
    return frozenset(
        name for name in optional if all(weights.get(p, 0.0) == 0.0 and p not in read for p in parts[name])
    )


# The word distances `ranking.proximity` counts as close.
_STEPS = np.array([-2, -1, 1, 2], dtype=np.int64)


def _coverage(weights: list[float], hits: np.ndarray, total: float) -> np.ndarray:
    """`ranking.coverage` per row of `hits`: covered weights summed in unit order, over the total."""
    if not total or not weights:
        return np.zeros(hits.shape[0])
    # cumsum adds left to right as Python's sum does; a 0.0 for a missed unit changes nothing.
    covered = np.cumsum(np.where(hits, np.asarray(weights), 0.0), axis=1)[:, -1]
    return covered / total


def _coverages(weights: list[float], hits: tuple[np.ndarray, ...]) -> list[np.ndarray]:
    """`_coverage` of each of `hits` (arrays of one shape), in one pass over them all."""
    n = hits[0].shape[0]
    together = _coverage(weights, np.concatenate(hits), sum(weights))
    return [together[i * n : (i + 1) * n] for i in range(len(hits))]


def _or_runs(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Bitwise OR of `values[starts[i]:starts[i + 1]]` for every i (0 for an empty run)."""
    out = np.zeros(starts.shape[0] - 1, dtype=np.uint64)
    filled = starts[1:] > starts[:-1]
    if values.size and filled.any():
        out[filled] = np.bitwise_or.reduceat(values, starts[:-1][filled])
    return out


def _bit_columns(masks: np.ndarray, first: int, count: int) -> np.ndarray:
    """(len(masks), count) bool: bit `first + j` of every mask in column j."""
    shifts = np.arange(first, first + count, dtype=np.uint64)
    return ((masks[:, None] >> shifts) & np.uint64(1)).astype(bool)
