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
The candidates are gathered and measured by `measure.Measurer` (one an engine) and
scored by `candidates.Measured`; this module reads the question, judges, and folds.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
from collections.abc import Collection, Iterable, Mapping, Sequence

import numpy as np

from retrieval import chatwords, english, langfiles, places, wordnet
from retrieval import reader as reading
from retrieval.abstention import Abstention, Lexicon, Signals, bundled, counted_word, measure, money_asked
from retrieval import acronyms as _acronyms
from retrieval.acronyms import ArticleAcronyms, CorpusAcronyms
from retrieval.answer_forms import AnswerForm, answer_form
from retrieval.build import Built
from retrieval.candidates import Measured, Scored, TermRows, best_first
from retrieval.dating import date_units, date_words
from retrieval.index import Bm25Index
from retrieval.measure import Measurer
from retrieval.namesakes import namesake_named
from retrieval.reading import Reader, rarest_idf
from retrieval.question import SPELLING_MIN_LENGTH, asks_day, is_time_word, kind_words, spelling_key, titles, written_as_name
from retrieval import ranktrees
from retrieval.ranking import Features, Query, Tuning, Unit, coverage, honorific_terms
from retrieval.attribution import SourceNames
from retrieval.records import Answer, Article, ArticlesAt, Hit, Sentence
from retrieval.speakers import asked_speaker, quotes
from retrieval.stemming import is_root_word
from retrieval.stored import StoredArticles
from retrieval.text import Analyzer

# How many letters a name may add at its end over the article's spelling (`Tuning.name_stems`),
# or lack at its end (`Tuning.name_prefixes`).
_NAME_TAIL = 3
# The shortest spelling key a name lacking letters at its end is read by (`Tuning.name_prefixes`):
# shorter ones begin too many other words.
_PREFIX_MIN = 6
# The candidate pool grows in steps of this many, so the pages of one question
# ("more" in the bot asks k + 1 from an offset) are cut from one ranking.
_PAGE_POOL = 10
# A decline that names nothing missing shows its closest sentence (not as an answer)
# only when that sentence's window holds this many of the question's words. Of such
# declines on the development sets, 10 of the 11 answerable questions whose closest
# sentence was the answer keep it; 5 of the 28 unanswerable ones that had a closest
# sentence still show one (the others shared a name and little else).
_CLOSEST_WORDS = 3
# Negations a quote may say in other words ("menolak" for "tidak mau"): never listed as missing.
_NEGATIONS = frozenset("tidak tak bukan belum jangan not no never".split())
# Article versions whose date terms are kept; cleared when full (a question reads a few dozen).
_DATE_CACHE_SIZE = 4096


class Engine:
    _abstention_words: Lexicon | None = None  # see _lexicon

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
        self._reader = Reader(
            index=index, analyzer=analyzer, acronyms=acronyms,
            chat=chatwords.at(langfiles.language_subfolder(analyzer.directory, "chat")),
            stop_words=english.stop_words(analyzer.directory or langfiles.BUNDLED_LANGUAGE_DATA),
            english=lambda: english.at(langfiles.language_subfolder(analyzer.directory, "wordnet")),
            places=places.at(langfiles.language_subfolder(analyzer.directory, "places"), analyzer.terms),
            sources=self._source_names,
        )
        self._date_terms: dict[int, frozenset[str]] = {}  # see _version_date_terms
        # Dates repeat across articles: a date's words are analysed once (years x months).
        self._date_words_terms: dict[tuple[str, ...], frozenset[str]] = {}
        self._sources: SourceNames | None = None  # see _source_names
        self._measurer = Measurer(
            index=index, sentences=sentences, analyzer=analyzer, article_of=self._article_of, retired=self._retired,
            dated=self._version_date_terms,
        )
        if tuning.trees:
            # Read now (once a process): a broken trees file fails here, naming the file
            # (`ranktrees.ModelError`), not on the first question.
            ranktrees.shipped()

    def preload(self) -> None:
        """Read now what a question would otherwise read first: the Wordnet lexicon of the
        synonym floor (~0.3 s of CPU, once a process) and the reader (~0.7 s). A server calls it at
        start so its first question is as quick as the rest; a one-shot `ask` leaves it to a question that needs it."""
        if self._tuning.floor_synonyms:
            self._wordnet()
        if self._tuning.reader and self._abstention is not None:
            reading.bundled()

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
        asked = self.read(query)
        answer, signals = self._judged(query, asked, k=k, offset=offset)
        model = self._abstention
        if answer.answered and signals is not None and model is not None and self._declines(
            asked, answer, signals, model, offset=offset
        ):
            # The best sentences are shown only as the closest. A count they give only of
            # another thing is named ("jumlah tentara"), as a thing they lack would be, and
            # so is an undoing or event their story never reports ("pemimpin", "dilantik");
            # the model's other declines name nothing.
            missing = self._count_missing(asked, signals, model) or self._undoing_missing(asked, signals, answer)
            closest = list(answer.hits) if missing else self._worth_showing(asked, list(answer.hits))
            return Answer(query=query, missing=missing, closest=tuple(closest))
        return answer

    def _declines(self, asked: Query, answer: Answer, signals: Signals, model: Abstention, *, offset: int) -> bool:
        """Whether an answer the rules let pass is declined: by the abstention model, or by the
        reader (`retrieval/reader.py`) when it reads the best sentence's window as not answering."""
        if model.declines(signals):
            return True
        reader = reading.bundled() if self._tuning.reader else None
        if reader is None:
            return False
        unanswered = self._best_unanswered(reader, asked, answer, offset=offset)
        return unanswered is not None and unanswered > reader.settings.decline_above

    def _best_unanswered(self, reader: reading.Reader, asked: Query, answer: Answer, *, offset: int) -> float | None:
        """The reader's log-odds that the best sentence's window does not answer (None: no answer).
        Any page of an answer is judged by its best sentence, as the signals are."""
        best = answer if offset == 0 or not answer.answered else self._judged(asked.text, asked, k=1, offset=0)[0]
        if not best.answered:
            return None
        window = [sentence.text for sentence in self.context(best.hits[0].sentence.sid, before=1, after=1)]
        return reader.unanswered(asked.text, window)

    def _count_missing(self, asked: Query, signals: Signals, model: Abstention) -> tuple[str, ...]:
        if not (signals.count_unmatched and "count_unmatched" in model.alone):
            return ()
        # Named in the question's language: "jumlah soldiers" would read as neither.
        lexicon = self._lexicon()
        word = counted_word(asked.text, asked.words, lexicon)
        if word:
            return (f"the number of {word}",) if asked.english else (f"jumlah {word}",)
        # An amount of money the window gives none of ("Berapa nilai senjata ...?"). An
        # English question's money word is often a verb ("spent", "worth"): the thing
        # lacking is said instead.
        priced = money_asked(asked.text, asked.words, lexicon.money)
        if priced:
            return ("an amount in any currency",) if asked.english else (priced,)
        if asks_day(asked.text):
            return ("the date",) if asked.english else ("tanggal",)
        return ()

    def _undoing_missing(self, asked: Query, signals: Signals, answer: Answer) -> tuple[str, ...]:
        """The question's words of `undoing.txt` that the best sentence's window lacks, as
        written, when the `undoing` signal fired (its story never reports them)."""
        if not signals.undoing or not answer.hits:
            return ()
        lexicon = self._lexicon()
        window = self._window_terms(answer.hits[0].sentence.sid, asked)
        return tuple(dict.fromkeys(
            word for word, terms in asked.words
            if terms and window.isdisjoint(terms) and lexicon.undoes(frozenset(terms))
        ))

    def judge(self, query: str, *, k: int = 3, offset: int = 0) -> tuple[Answer, Signals | None]:
        """The answer the hand rules give, before the abstention model, and what that model
        reads of the best candidate (None when the rules decline); benchmarks/abstention.py fits on it."""
        return self._judged(query, self.read(query), k=k, offset=offset)

    def _judged(self, query: str, asked: Query, *, k: int, offset: int) -> tuple[Answer, Signals | None]:
        """`judge` of `query`, already read as `asked`."""
        answer, signals = self._judge(asked, k=k, offset=offset, respelled=False)
        # Read in standard words (`chatwords`), answered as asked.
        return (answer if answer.query == query else dataclasses.replace(answer, query=query)), signals

    def _judge(self, asked: Query, *, k: int, offset: int, respelled: bool) -> tuple[Answer, Signals | None]:
        query = asked.text
        units = asked.units
        if not units or k <= 0:
            return Answer(query=query), None
        tuning = self._tuning
        pool = tuning.candidates + _PAGE_POOL * math.ceil((offset + k) / _PAGE_POOL)
        measured = self.measured(asked, pool=pool, full=False)
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
        unnamed: list[Scored] = []  # passages off the question's topic only by its names
        table = measured.lacking([name for name, _needed in names])
        if table is not None and scored and on_topic is not None:
            # Scope is the article: a news story names its subject ("Aleppo") in its lead,
            # not in every sentence that answers about it, and its date says its year.
            # How many named things and years each candidate's article lacks (`count`),
            # and which (`lacking_of`): counts for every candidate, the names themselves
            # only for the few the answer may list.
            count, lacking_of = table.count, table.names
            unknown = [name for name, needed in names if not any(self._index.has_term(t) for ts in needed for t in ts)]
            if unknown and tuning.name_spellings:
                # A name the corpus never spells so may be one it spells otherwise
                # ("Ethiopia" over "Etiopia", "Budha" over "Buddha"): the candidates'
                # articles that do hold it.
                spelled = self._spelled_otherwise([(n, ts) for n, ts in names if n in unknown], scored, query)
                if spelled and not respelled:
                    # Asked again with those spellings as the words' terms: they count
                    # for BM25 and coverage as the word itself would.
                    return self._judge(
                        self._reader.respelled(asked, spelled, tuning=tuning), k=k, offset=offset, respelled=True
                    )
            # A long question names more than one sentence repeats: an article lacking
            # fewer than `names_share` of its named things is still on its topic.
            topical = on_topic.tolist()
            complete = [item for item in ranked if topical[item.row]]
            # A question mostly about things the corpus never mentions ("Korea Utara"
            # beside "Lavrov") has no answer here, however well the rest matches.
            if names and tuning.unknown_names_decline and 2 * len(unknown) >= len(names):
                complete = []
            if not complete:
                # The closest hold as many of the named things as any candidate does (and at
                # least one); the answer says what they lack.
                nearer = sorted(scored, key=lambda item: count(item.sid))
                missing = lacking_of(nearer[0].sid)
                asked_for = len(names) + len(measured.years)
                nearer = [item for item in nearer if count(item.sid) == len(missing) < asked_for]
                closest = self._fold_duplicates(nearer, units, limit=k, terms=terms)
                if not missing:
                    closest = self._worth_showing(asked, closest)
                return Answer(query=query, missing=tuple(missing), closest=tuple(closest)), None
            if tuning.names_filter:
                if tuning.unnamed_passages:
                    # A passage cut from a story may have lost the lead that names its subject.
                    story = measured.stories(tuning).tolist()
                    unnamed = [item for item in ranked if not topical[item.row] and not story[item.row]]
                ranked = complete  # those `listed` says, in score order
        if not ranked:
            return Answer(query=query), None
        if tuning.unknown_asked_decline and (unasked := self._asked_unknown(asked)):
            closest = self._fold_duplicates(ranked, units, limit=k, terms=terms)
            return Answer(query=query, missing=unasked, closest=tuple(closest)), None
        # The floor reads `floor_depth` hits whatever page or depth is asked: a question is
        # answered or declined alike in a chat reply, inline, by `ask -k 10` and on "more".
        first = ranked[: tuning.floor_depth]
        if max(item.window_coverage for item in first) < self._answer_floor(units):
            if not (tuning.floor_content and self._content_covered(asked, first)) and not (
                tuning.floor_synonyms and self._synonyms_covered(asked, first)
            ):
                # Too little of the question is said for an answer; what says most of it is
                # shown as the closest, never as an answer (a question in other words than
                # the article's may find its sentence there).
                closest = self._fold_duplicates(ranked, units, limit=k, terms=terms)
                return Answer(query=query, closest=tuple(self._worth_showing(asked, closest))), None
        if (speaker := asked_speaker(query)) and not self._quoted(speaker.words, first):
            # "Apa kata John Kerry ...?" over stories that name Kerry and quote others: what
            # they say is not his (`retrieval/speakers.py`).
            closest = self._fold_duplicates(ranked, units, limit=k, terms=terms)
            closest = self._worth_showing(asked, closest)
            return Answer(query=query, closest=tuple(closest), unquoted=speaker.name), None
        if tuning.namesakes and (namesake := self._namesake(asked, ranked[0].sid)):
            # "Kapan Gichin Francis lahir?" over a story on Kate Middleton that names her
            # father Michael Francis Middleton: another of the family, not the one asked.
            closest = self._fold_duplicates(ranked, units, limit=k, terms=terms)
            return Answer(query=query, missing=(namesake,), closest=tuple(closest)), None
        # The form every answer to the question takes, read once for both its uses below.
        form = answer_form(asked.text) if tuning.answer_forms else None
        if form is not None and (unsaid := self._form_unsaid(asked, form, ranked[0].sid)):
            # "Kapan ...?", "Berapa lama ...?", "Apa hasil pertemuan ...?" over a window that
            # says no time, no span, no outcome: the closest, and what they do not say.
            closest = self._fold_duplicates(ranked, units, limit=k, terms=terms)
            return Answer(query=query, missing=(unsaid,), closest=tuple(closest)), None
        quoted = self._form_first(form, ranked) if form is not None and tuning.form_first else ranked
        hits = self._fold_duplicates(quoted, units, limit=offset + k, terms=terms)
        if len(hits) < offset + k and (said := self._said_but_unnamed(asked, unnamed)):
            # Fewer answers than the page holds: after them, the passages that say all the
            # question asks but the thing it names, each marked with the name it lacks.
            hits = self._fold_duplicates(quoted + said, units, limit=offset + k, terms=terms)
        hits = hits[offset : offset + k]
        lacking = self._words_lacking(asked, [hit.sentence.sid for hit in hits])
        shown = tuple(dataclasses.replace(hit, missing_words=words) for hit, words in zip(hits, lacking))
        return Answer(query=query, hits=shown), self._signals(asked, ranked)

    def _said_but_unnamed(self, asked: Query, unnamed: list[Scored]) -> list[Scored]:
        """Of `unnamed`, those whose window lacks no word of the question but the words
        of the things it names ("Siapa juru kamera film Brokeback Mountain?" over a later
        passage of its review: "Film ... ini, oleh juru kamera Rodrigo Prieto ...")."""
        if not unnamed:
            return []
        named = {word.casefold() for name, _needed in asked.names for word in name.split()}
        lacking = self._words_lacking(asked, [item.sid for item in unnamed])
        return [
            item for item, words in zip(unnamed, lacking)
            if words and all(word.casefold() in named for word in words)
        ]

    def _namesake(self, asked: Query, sid: int) -> str | None:
        """The name of several words the question asks whose namesake, not it, the article
        of `sid` names (`namesakes.namesake_named`), or None."""
        several = [(name, needed) for name, needed in asked.names if " " in name]
        if not several:
            return None
        article = self._measurer.article_terms(sid)
        for name, needed in several:
            # The article's text is read only when its terms leave room for a namesake.
            if article.isdisjoint(needed[0]) and not article.isdisjoint(needed[-1]):
                if namesake_named(name, needed, article, self._article_holding(sid).text, common=is_root_word):
                    return name
        return None

    def _form_first(self, form: AnswerForm, ranked: list[Scored]) -> list[Scored]:
        """`ranked` with its second sentence first when the question asks for an answer
        `form` (`answer_forms`) that the second sentence says and the best does not: "Siapa
        penasihat ...?" quotes the sentence naming him before the one that only names the
        office, "Bagaimana hasil pertemuan ...?" the one that says how it ended. A time, a
        span, an age, a birth or a name counts only in a news story, as in `_form_unsaid`."""
        if len(ranked) < 2:
            return ranked
        first, second = (self._sentences[item.sid] for item in ranked[:2])
        if form.news_only and self._article_holding(second.sid).date is None:
            return ranked
        if form.gives(first.text) or not form.gives(second.text):
            return ranked
        return [ranked[1], ranked[0], *ranked[2:]]

    def _form_unsaid(self, asked: Query, form: AnswerForm, sid: int) -> str | None:
        """What a question asks for in a `form` every answer takes (`answer_forms`: "kapan",
        "berapa lama", "umur", "kelahiran", "hasil", "nama pejabat"), when the window of the
        best sentence, `sid` (the form's `reach` sentences either side), says nothing in that
        form; else None. A time, a span, an age, a birth or a name must be said only by a
        news story (a dated article)."""
        if form.news_only and self._article_holding(sid).date is None:
            return None
        # The window's sentences only: `_window` also reads their terms, which nothing here needs.
        window = self.context(sid, before=form.reach, after=form.reach)
        return None if any(form.gives(sentence.text) for sentence in window) else form.named(english=asked.english)

    def _worth_showing(self, asked: Query, closest: list[Hit]) -> list[Hit]:
        """`closest` when the first one's window holds `_CLOSEST_WORDS` of the question's
        words, else none: a sentence that shares only a name with an off-topic question
        ("Bagaimana cuaca di Moskow besok?") is no help, while a question asked in other
        words than its article's usually shares its names and a word or two more."""
        if not closest:
            return closest
        terms = self._window_terms(closest[0].sentence.sid, asked)
        held = sum(not unit.terms.isdisjoint(terms) for unit in asked.units)
        return closest if held >= _CLOSEST_WORDS else []

    def _words_lacking(self, asked: Query, sids: list[int]) -> list[tuple[str, ...]]:
        """For each of `sids`, the question's words (`Hit.missing_words`) that the sentence
        and its neighbours lack. A word of a name counts as held when the article holds the
        name: a story names its subject in its lead, not in every sentence. Left out: the
        words that frame a question ("letak", "maksud"), as for the answer floor; those that
        say what kind of thing it asks ("*Negara* mana", "berapa *banyak*": `kind_words`);
        numbers and dates, which a news sentence seldom repeats; and a negation, which a
        quote says or not in other words."""
        frame = self._lexicon().frame
        kinds = kind_words(asked.text)
        # What may be listed depends on the question alone: read once for every hit.
        listable: list[tuple[str, str, frozenset[str]]] = []
        for word, terms in asked.words:
            found = frozenset(terms)
            folded = word.casefold()
            if not found or not found.isdisjoint(frame) or folded in kinds or folded in _NEGATIONS or is_time_word(word):
                continue
            listable.append((folded, word, found))
        out: list[tuple[str, ...]] = []
        for sid in sids:
            window = self._window_terms(sid)
            article = self._measurer.article_terms(sid)
            held_names = frozenset().union(*(
                terms for _name, needed in asked.names if any(not article.isdisjoint(t) for t in needed) for terms in needed
            ))
            lacking: dict[str, str] = {}
            text: str | None = None  # the article's, read once a hit and only when needed
            for folded, word, found in listable:
                if not (found.isdisjoint(held_names) and found.isdisjoint(window)):
                    continue
                # A name asked in lower case ("lavrov") is held as a capitalised one is.
                if word[:1].islower() and not found.isdisjoint(article):
                    text = self._article_holding(sid).text if text is None else text
                    if written_as_name(word, text):
                        continue
                lacking.setdefault(folded, word)
            out.append(tuple(lacking.values()))
        return out

    def _signals(self, asked: Query, ranked: list[Scored]) -> Signals | None:
        """What the abstention model reads of the best of `ranked` (already in order)."""
        if not ranked:
            return None
        best = self._sentences[ranked[0].sid]
        window, window_terms = self._window(best.sid)
        article = self._article_holding(best.sid)
        dated = self._dated(best.sid, asked)
        return measure(
            question=asked.text,
            units=asked.units,
            names=asked.names,
            own=self._terms_of(best.sid) | dated,
            window=window_terms | dated,
            article=self._measurer.article_terms(best.sid) | dated,
            window_text=" ".join(s.text for s in window),
            article_text=article.text,
            scores=tuple(item.score for item in ranked[:2]),
            known=self._index.has_term,
            rarest_idf=rarest_idf(self._index),
            lexicon=self._lexicon(),
            question_words=asked.words,
            window_words=lambda: self._analyzer.word_terms(" ".join(s.text for s in window)),
        )

    def _lexicon(self) -> Lexicon:
        lexicon = self._abstention_words
        if lexicon is None:
            lexicon = self._abstention_words = Lexicon.read(langfiles.language_subfolder(self._analyzer.directory, "abstention"), self._analyzer.terms)
        return lexicon

    def _wordnet(self) -> wordnet.Wordnet | None:
        return wordnet.at(langfiles.language_subfolder(self._analyzer.directory, "wordnet"))

    def _spelled_otherwise(
        self, names: list[tuple[str, tuple[frozenset[str], ...]]], scored: list[Scored], question: str
    ) -> dict[str, dict[str, set[str]]]:
        """For each of `names` (none of whose terms the index has), the terms of the articles
        of `scored` spelled like one of its terms (`spelling_key`), by the name's term; with
        `Tuning.name_prefixes` and `name_initials` also the articles' words that begin with a
        name's spelling or write the name `question` spells out as its acronym."""
        wanted: dict[str, tuple[str, str]] = {}
        prefixes: dict[str, tuple[str, str]] = {}
        for name, needed in names:
            for terms in needed:
                for term in terms:
                    if (key := spelling_key(term)) is not None:
                        wanted.setdefault(key, (name, term))
                        if self._tuning.name_prefixes and len(key) >= _PREFIX_MIN:
                            # A name cut short of the article's ending ("Indonesi", "Paleolitik"
                            # and "Utsmani" for "Indonesia", "Paleolitikum", "Utsmaniyah").
                            prefixes.setdefault(key, (name, term))
                        if self._tuning.name_stems:
                            # A name with letters added at its end ("Galenus" for "Galen",
                            # "Afrikan" for "Afrika"), where a swapped name differs inside.
                            for cut in range(1, _NAME_TAIL + 1):
                                if len(key) - cut >= SPELLING_MIN_LENGTH:
                                    wanted.setdefault(key[:-cut], (name, term))
        found: dict[str, dict[str, set[str]]] = {}
        seen: set[int] = set()
        firsts: list[int] = []  # a sentence of each candidate article, in the candidates' order
        for item in scored:
            number = int(self._article_of[item.sid])
            if number not in seen:
                seen.add(number)
                firsts.append(item.sid)
        cut_short: dict[str, dict[str, set[str]]] = {}
        if wanted:
            lengths = {len(key) for key in wanted}
            low, high = min(lengths) - 1, max(lengths) + 4
            for sid in firsts:
                for other in self._measurer.article_terms(sid):
                    if not low <= len(other) <= high or (key := _spelling_key(other)) is None:
                        continue
                    if (hit := wanted.get(key)) is not None:
                        found.setdefault(hit[0], {}).setdefault(hit[1], set()).add(other)
                    for cut in range(1, _NAME_TAIL + 1) if prefixes else ():
                        if (hit := prefixes.get(key[:-cut])) is not None:
                            cut_short.setdefault(hit[0], {}).setdefault(hit[1], set()).add(other)
        for name, needed in names:
            # Read so only when that accounts for every word of the name: a swapped name
            # keeps part of the real one ("KeshoGUN Taisel" for "Keshogunan Tokugawa").
            loose = cut_short.get(name)
            exact = found.get(name, {})
            if loose and all(
                any(t in loose or t in exact or self._index.has_term(t) for t in terms) for terms in needed
            ):
                for term, others in loose.items():
                    found.setdefault(name, {}).setdefault(term, set()).update(others)
        if self._tuning.name_initials:
            # Only beside a name with a spelling key: a name of one letter or two ("Ivan I")
            # read as an acronym is a roman numeral ("II") an article uses.
            if wanted:
                self._written_as_acronym(names, firsts, question, found)
            self._acronym_written_out(names, firsts, found)
        return found

    def _acronym_written_out(
        self, names: list[tuple[str, tuple[frozenset[str], ...]]], firsts: list[int], found: dict[str, dict[str, set[str]]]
    ) -> None:
        """Adds to `found` the words of the name an acronym of `names` ("MBS", "SBY") stands
        for where a candidate article (one sentence of each in `firsts`) only writes it out
        ("Mohammed bin Salman"): the other way round from `_written_as_acronym`."""
        for name, needed in names:
            if name in found or not (name.isupper() and name.isalpha()):
                continue
            # An acronym the language data spells out ("PBB": Perserikatan Bangsa-Bangsa) is
            # that, not another run that happens to share its initials ("Presidensi Bombay British").
            if any(t.startswith("~") for ts in needed for t in ts):
                continue
            for sid in firsts:
                run = _acronyms.spelled_out(self._article_holding(sid).text, name)
                if run is not None:
                    _found_as(found, name, needed, self._analyzer.terms(run))
                    break

    def _written_as_acronym(
        self,
        names: list[tuple[str, tuple[frozenset[str], ...]]],
        firsts: list[int],
        question: str,
        found: dict[str, dict[str, set[str]]],
    ) -> None:
        """Adds to `found` the acronym of a name `question` writes out ("National Aeronautics
        and Space Administration", "Universitas Brawijaya") where a candidate article (one
        sentence of each in `firsts`) uses that acronym without ever defining it ("NASA", "UB")."""
        for run, acronym in _acronyms.written_out(question):
            words = set(run.split())
            inside = [(name, needed) for name, needed in names if words.issuperset(name.split())]
            if not inside:
                continue
            for sid in firsts:
                if _acronyms.uses(self._article_holding(sid).text, acronym):
                    terms = self._analyzer.terms(acronym)
                    for name, needed in inside:
                        _found_as(found, name, needed, terms)
                    break

    def _quoted(self, speaker: tuple[str, ...], first: list[Scored]) -> bool:
        """Whether the article of one of the `first` candidates quotes `speaker`."""
        lexicon = self._lexicon()
        if not (lexicon.speech or lexicon.speech_verb_first):
            return True  # no list, no check
        # One sid an article: a stored corpus decodes an article's whole text on each read.
        sids: dict[str, int] = {}
        for item in first:
            sids.setdefault(self._sentences[item.sid].article_id, item.sid)
        return any(
            quotes(
                self._article_holding(sid).text, speaker,
                name_first=lexicon.speech, verb_first=lexicon.speech_verb_first,
            )
            for sid in sids.values()
        )

    def _article_holding(self, sid: int) -> Article:
        """The article sentence `sid` belongs to (a candidate's: never retired)."""
        return self._articles[self._slot_of[self._sentences[sid].article_id]]

    def _window(self, sid: int, asked: Query | None = None) -> tuple[tuple[Sentence, ...], frozenset[str]]:
        """Sentence `sid` with one neighbour each side, and their terms, with those its
        article's date says of `asked` (`_dated`): the window the answer floor and the
        abstention signals read."""
        return self.context(sid, before=1, after=1), self._window_terms(sid, asked)

    def _window_terms(self, sid: int, asked: Query | None = None) -> frozenset[str]:
        """`_window`'s terms alone: one slice of the index's doc-major view, no sentence
        built (a candidate's sid is live, and its article's sids share its number)."""
        article_of = self._article_of
        number = article_of[sid]
        lo = sid - 1 if sid and article_of[sid - 1] == number else sid
        hi = sid + 2 if sid + 1 < len(article_of) and article_of[sid + 1] == number else sid + 1
        terms = frozenset(self._index.term_names(self._index.doc_term_ids(lo, hi).tolist()))
        return terms if asked is None else terms | self._dated(sid, asked)

    def _dated(self, sid: int, asked: Query) -> frozenset[str]:
        """The terms sentence `sid`'s article date says, when `Tuning.article_dates` and
        `asked` names a year or month (else none, and no date is read)."""
        if not self._tuning.article_dates or not date_units(asked.units):
            return frozenset()
        return self._measurer.date_terms(sid)

    def _version_date_terms(self, number: int) -> frozenset[str]:
        """The terms the date of article version `number` says (`retrieval.dating`). Read
        only for a question that names a year or month: a stored article is decoded to
        read its date."""
        terms = self._date_terms.get(number)
        if terms is None:
            if len(self._date_terms) >= _DATE_CACHE_SIZE:
                self._date_terms.clear()
            article = self.article(self._version_ids[number])
            words = () if article is None else date_words(article.date, approximate=article.date_approximate)
            said = self._date_words_terms.get(words)
            if said is None:
                if len(self._date_words_terms) >= _DATE_CACHE_SIZE:
                    self._date_words_terms.clear()
                said = self._date_words_terms[words] = frozenset(self._analyzer.terms(" ".join(words)))
            terms = self._date_terms[number] = said
        return terms

    def _asked_unknown(self, asked: Query) -> tuple[str, ...]:
        """The question's words beside what it names, when every one is a dictionary word
        the corpus never uses ("umur" of "Berapa umur Sergey Lavrov?"); else ().
        The words that frame a question ("letak", "maksud") are left out: an answer
        rarely repeats them. A word not written as a root ("berkembangbiak", "meliris")
        may be a join or a typo, not a thing the corpus lacks."""
        if not asked.names:
            return ()
        named_terms = frozenset().union(*(t for _name, needed in asked.names for t in needed))
        frame = self._lexicon().frame
        has_term = self._index.has_term
        rest = [u for u in asked.units if u.terms.isdisjoint(named_terms) and u.terms.isdisjoint(frame)]
        # A word counts as used when any of its terms is, a synonym's concept term ("~...") too.
        if not rest or any(any(has_term(t) for t in u.terms) for u in rest):
            return ()
        keys = {u.terms for u in rest}
        words = [word for word, terms in asked.words if frozenset(terms) in keys]
        # Written as a dictionary root itself: an affixed word the corpus lacks may be a
        # typo whose stem is a word ("meliris", "memerankah"). An English word is known by
        # the Indonesian words it reads as ("population": "populasi").
        if asked.english:
            translated = {word for word, terms in asked.words if len(terms) > 1}
            if not all(word in translated for word in words):
                return ()
        elif not all(is_root_word(word.casefold()) for word in words):
            return ()
        return tuple(dict.fromkeys(words))

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
            if coverage(content, self._window_terms(item.sid, asked)) >= floor:
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
            window, terms = self._window(item.sid, asked)
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
        return min(tuning.answer_coverage, tuning.answer_mass * rarest_idf(self._index) / sum(u.weight for u in units))

    def _source_names(self) -> SourceNames:
        """The live articles' source names (`retrieval.attribution`), read once an engine:
        a stored corpus lists its sources without reading its texts."""
        if self._sources is None:
            listed = getattr(self._articles, "sources_and_dates", None)
            sources = (source for source, _date in listed()) if listed else (a.source for a in self._articles)
            self._sources = SourceNames.of(sources)
        return self._sources

    def read(self, query: str) -> Query:
        """The question's words, BM25 terms and units (`reading.Reader.read`)."""
        return self._reader.read(query, tuning=self._tuning)

    def candidates(self, query: Query, *, pool: int, full: bool = True) -> list[tuple[int, Features]]:
        """The `pool` best BM25 sentences and the neighbours of the best of them, with their features.

        `full` (benchmarks/ltr.py) measures every feature; `search` leaves out
        those the tuning weighs 0, which cannot change a score.
        """
        measured = self.measured(query, pool=pool, full=full)
        return list(zip(measured.sids, measured.features()))

    def measured(self, query: Query, *, pool: int, full: bool = True) -> Measured:
        """`candidates` as columns (`candidates.Measured`), as `search` ranks them (benchmarks/ltr.py)."""
        return self._measurer.candidates(query, tuning=self._tuning, pool=pool, full=full)

    def _terms_of(self, sid: int) -> frozenset[str]:
        return self._index.doc_terms(sid)

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


_DEFAULT_ANALYZER: Analyzer | None = None


def _found_as(
    found: dict[str, dict[str, set[str]]], name: str, needed: tuple[frozenset[str], ...], terms: Iterable[str]
) -> None:
    """Records in `found` (`Engine._spelled_otherwise`'s answer) that each term of `name`
    (`needed`) is also found as `terms`."""
    for term in (t for ts in needed for t in ts):
        found.setdefault(name, {}).setdefault(term, set()).update(terms)


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
