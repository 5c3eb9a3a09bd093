"""Candidates measured together (`measure.Measurer`) equal the one-sentence-at-a-time reference."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from config.settings import BUNDLED_CORPUS
from retrieval import ranktrees
from retrieval.corpus import load_corpus
from retrieval.dating import date_words
from tests.sampling import sample
from retrieval.question import Wants, defines, gives_measure, gives_reason, names_agent, offers, offers_beside, offers_each, wants
from retrieval.ranking import Features, Question, Tuning, coverage, proximity
from retrieval.measure import _ANAPHORA, Measurer
from retrieval.search import Engine

SEED_EVAL = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "seed_eval.jsonl"
QUESTIONS = [json.loads(line)["question"] for line in SEED_EVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
DATED_QUESTIONS = [
    "Apa kata Lavrov soal al-Nusra pada Desember 2016?",
    "What did Lavrov say about Aleppo in December 2016?",
    "Berapa warga sipil meninggalkan Aleppo tahun 2016?",
    "Siapa yang diundang Rusia ke Moskow pada Agustus 2015?",
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_articles(load_corpus(BUNDLED_CORPUS).articles)


def _reference(engine: Engine, sids: list[int], query) -> list[Features]:  # type: ignore[no-untyped-def]
    """The features as measured one candidate at a time, from names and the analysed text."""
    index, analyzer = engine._index, engine.analyzer
    own_of = dict(zip(sids, index.scores_for(query.terms, sids).tolist()))
    question = Question.read(query, best=max(own_of.values(), default=0.0))

    sentences = engine._sentences

    def neighbours(sid: int) -> list[int]:
        article = sentences[sid].article_id
        return [n for n in (sid - 1, sid + 1) if 0 <= n < len(sentences) and sentences[n].article_id == article]

    out = []
    for sid in sids:
        sentence = engine._sentences[sid]
        text = sentence.text
        own_terms = index.doc_terms(sid)
        # Every sentence of a dated article holds what its date says, for coverage.
        article = engine.article(sentence.article_id)
        dated = frozenset(
            analyzer.terms(" ".join(date_words(article.date, approximate=article.date_approximate)))
        ) if article is not None else frozenset()
        own_dated = own_terms | dated
        window = own_dated.union(*(index.doc_terms(n) for n in neighbours(sid)))
        near = [float(index.scores_for(query.terms, [n])[0]) for n in neighbours(sid)]
        previous = sid - 1
        anaphoric = bool(_ANAPHORA.match(text)) and previous in own_of and previous in neighbours(sid)
        offered = offers(text, question.wanted, question=question.text)
        asked_words = frozenset().union(*question.words)
        placed = analyzer.word_terms(text)
        named = frozenset().union(*(terms for _name, needed in question.names for terms in needed))
        rest = [unit for unit in question.units if unit.terms.isdisjoint(named)]
        out.append(
            Features(
                own=own_of[sid],
                neighbour=max(near, default=0.0),
                previous=own_of[previous] if anaphoric else None,
                coverage=coverage(question.units, own_dated),
                window_coverage=coverage(question.units, window),
                article_coverage=coverage(question.units, engine._measurer.article_terms(sid) | dated),
                type_match=None if question.wanted in (Wants.ANYTHING, Wants.NAME) else offered,
                apposition=question.wanted is Wants.PERSON and offered
                and offers_beside(text, question.wanted, question=question.text),
                name_match=offered if question.wanted is Wants.NAME else None,
                focus_match=not question.focus.isdisjoint(own_terms) if question.focus else None,
                own_share=own_of[sid] / question.best if question.best else 0.0,
                proximity=proximity(question.words, analyzer.word_terms(text)) if len(question.words) > 1 else 0.0,
                novelty=len(own_terms - question.terms) / len(own_terms) if own_terms else 0.0,
                names_missing=len(question.missing(window)) / len(question.names) if question.names else 0.0,
                definition=defines(text) if question.definition else None,
                lead=sentence.position == 0,
                wanted=question.wanted,
                length=index.doc_length(sid),
                opens=any(asked_words.intersection(terms) for _word, terms in placed[:3]),
                agent=question.wanted is Wants.PERSON and names_agent(text),
                near=question.wanted in (Wants.TIME, Wants.NUMBER, Wants.PLACE, Wants.NAME)
                and offers_beside(text, question.wanted, question=question.text),
                unit=question.wanted is Wants.NUMBER and gives_measure(text, question.text),
                predicate=coverage(rest, own_dated) if question.names and 0 < len(rest) < len(question.units) else -1.0,
                reason=question.reason and gives_reason(text),
            )
        )
    return out


@pytest.mark.parametrize("bits", [True, False], ids=["term bits", "past 64 term sets"])
def test_measured_together_equals_one_at_a_time(engine: Engine, bits: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not bits:
        # A question with more term sets (or words) than a 64-bit mask holds is measured set by set.
        monkeypatch.setattr(Measurer, "_bits", lambda self, sets: None)
        monkeypatch.setattr(Measurer, "_word_bits", lambda self, term_ids, words: None)
    compared = named = 0
    # Questions naming a year or month their stories' sentences never write, always asked.
    asked = [*sample(QUESTIONS), *DATED_QUESTIONS]
    for question in asked:
        query = engine.read(question)
        if not query.units:
            continue
        found = engine.candidates(query, pool=30, full=True)
        sids = [sid for sid, _f in found]
        assert [f for _sid, f in found] == _reference(engine, sids, query), question
        compared += len(found)
        # Whether each candidate's article holds each thing the question names (what
        # search lists, `Measured.listed`, reads), against the article's terms as strings.
        held = engine.measured(query, pool=30, full=True).names_in_article
        if query.names and sids:
            assert held is not None and held.tolist() == [
                [any(not engine._measurer.article_terms(sid).isdisjoint(terms) for terms in needed) for _name, needed in query.names]
                for sid in sids
            ], question
            named += 1
        else:
            assert held is None
    # Most seed questions name something: the quick run's 4 must include some too.
    assert compared > 20 * len(asked) and named > min(5, len(asked) // 2)


def test_search_leaves_out_only_features_weighed_zero(engine: Engine) -> None:
    # The unweighted features are measured for ltr (full) and skipped for search,
    # which must not change one score; a feature the ranking trees read is never skipped.
    tuning = engine.tuning
    weights = dict(zip(Features.NAMES, tuning.learned))
    read = set(ranktrees.shipped().inputs) if tuning.trees else set()
    for question in sample(QUESTIONS[:40]):
        query = engine.read(question)
        if not query.units:
            continue
        full = engine.candidates(query, pool=30, full=True)
        lean = engine.candidates(query, pool=30, full=False)
        assert [sid for sid, _ in full] == [sid for sid, _ in lean]
        for (_s, a), (_t, b) in zip(full, lean):
            assert a.score(tuning) == b.score(tuning)
            for name, x, y in zip(Features.NAMES, a.vector(tuning), b.vector(tuning)):
                assert x == y or (weights[name] == 0.0 and name not in read), name
    # The hand formula reads none of the optional features either.
    hand = engine.tuned(Tuning(learned=()))
    for question in sample(QUESTIONS[:20]):
        query = hand.read(question)
        if query.units:
            full = [f.score(hand.tuning) for _s, f in hand.candidates(query, pool=30, full=True)]
            assert full == [f.score(hand.tuning) for _s, f in hand.candidates(query, pool=30, full=False)]


def test_scores_of_the_columns_equal_each_features_score(engine: Engine) -> None:
    # Search scores every candidate at once (`Measured.scores`); each must be the very
    # float `Features.score` gives that candidate, for the learned weights and the hand formula
    # (the ranking trees, which read the other candidates too, off: tests/test_ranktrees.py
    # checks what they add).
    compared = 0
    for tuned in (engine.tuned(dataclasses.replace(engine.tuning, trees=False)), engine.tuned(Tuning(learned=()))):
        tuning = tuned.tuning
        for question in sample(QUESTIONS):
            query = tuned.read(question)
            if not query.units:
                continue
            for full in (True, False):
                measured = tuned.measured(query, pool=30, full=full)
                expected = [f.score(tuning) for f in measured.features()]
                assert measured.scores(tuning) == expected, question
                compared += len(expected)
    assert compared > 40 * len(sample(QUESTIONS))


def test_offers_each_equals_offers_one_sentence_at_a_time(engine: Engine) -> None:
    texts = [engine._sentences[sid].text for sid in range(0, engine.sentence_count, 3)]
    texts += ["Kota itu padat penduduk.[2][3]", "Pada 8 September 2005 tercatat 2.000 karyawan.", "Rabu (14/12) 10.30"]
    for question in sample(QUESTIONS) + ["Siapa Menteri Perhubungan?", "Berapa karyawan kontrak?"]:
        kind = wants(question)
        assert offers_each(texts, kind, question=question) == [(offers(t, kind, question=question), False) for t in texts]
        assert offers_each(texts, kind, question=question, beside=True) == [
            (offers(t, kind, question=question), offers_beside(t, kind, question=question)) for t in texts
        ]


def test_terms_and_names_in_article_equal_the_sets(engine: Engine) -> None:
    # Folding reads `terms` and the names rule `names_in_article` from the measuring;
    # both must say what the candidates' and articles' term sets say.
    index = engine._index
    checked = 0
    for question in sample(QUESTIONS):
        query = engine.read(question)
        if not query.units:
            continue
        measured = engine.measured(query, pool=30, full=False)
        assert list(measured.terms) == [frozenset(index.doc_term_ids(sid, sid + 1).tolist()) for sid in measured.sids]
        if query.names and measured.sids:
            assert measured.names_in_article is not None
            for sid, held in zip(measured.sids, measured.names_in_article.tolist()):
                article = engine._measurer._article_term_ids(int(engine._article_of[sid]))
                ids = [
                    frozenset(t for term in frozenset().union(*needed) if (t := index.term_id(term)) is not None)
                    for _name, needed in query.names
                ]
                assert held == [not article.isdisjoint(name) for name in ids], question
                checked += 1
    assert checked > 0


def test_near_duplicates_equal_the_pairwise_overlap(engine: Engine) -> None:
    # Folding asks `near_duplicates` of a kept hit for every candidate at once; each verdict
    # must be `overlap` of the two term sets against the threshold, at the shipped
    # threshold and at the very overlaps the pairs have (where `>=` and rounding tell).
    from retrieval.candidates import overlap

    compared = 0
    for question in sample(QUESTIONS)[:40]:
        query = engine.read(question)
        if not query.units:
            continue
        terms = engine.measured(query, pool=30, full=False).terms
        sets = list(terms)
        for i in range(0, len(sets), 7):
            overlaps = [overlap(sets[i], other) for other in sets]
            for threshold in {engine.tuning.duplicate_overlap, 0.0, 1.0, *overlaps[::5]}:
                assert terms.near_duplicates(i, threshold) == [x >= threshold for x in overlaps], question
                compared += len(sets)
    assert compared > 1000


def test_folding_equals_the_pairwise_reference(engine: Engine) -> None:
    # `_fold_duplicates` checks overlaps inline; the verdicts must be those of `overlap`
    # called pair by pair, hit after hit (the grouping into hits and `also_in`).
    from retrieval.candidates import Scored, overlap

    tuning = engine.tuning
    folded = 0
    for question in sample(QUESTIONS):
        query = engine.read(question)
        measured = engine.measured(query, pool=40, full=False)
        scored = sorted(
            (Scored(s, w, sid, row) for row, (s, w, sid) in enumerate(
                zip(measured.scores(tuning), measured.window_coverage.tolist(), measured.sids))),
            key=lambda item: (-item.score, item.sid),
        )
        for limit in (1, 3, 10):
            hits = engine._fold_duplicates(scored, query.units, limit=limit, terms=measured.terms)
            kept: list[tuple[int, list[str]]] = []
            for item in scored:
                own = measured.terms[item.row]
                entry = next((e for e in kept if overlap(measured.terms[e[0]], own) >= tuning.duplicate_overlap), None)
                article = engine._sentences[item.sid].article_id
                if entry is not None:
                    head = engine._sentences[scored[[i.row for i in scored].index(entry[0])].sid].article_id
                    if article != head and article not in entry[1]:
                        entry[1].append(article)
                elif len(kept) < limit:
                    kept.append((item.row, []))
            assert [(h.sentence.sid, [a.id for a in h.also_in]) for h in hits] == [
                (measured.sids[row], ids) for row, ids in kept
            ], question
            folded += len(hits)
    assert folded > 50


def test_term_bits_equal_a_table_set_by_set(engine: Engine) -> None:
    # `_bits` gathers each term's mask before one assignment; it must equal setting bit j
    # of every term of set j, one set at a time, up to the 64th set (bit 63).
    import random

    import numpy as np

    index = engine._index
    vocabulary = [t for t in (index.term_names(range(min(index.vocabulary_size, 400))))]
    rng = random.Random(5)
    for count in (1, 3, 20, 64):
        sets = [frozenset(rng.sample(vocabulary, rng.randint(0, 6)) + ["no such term"]) for _ in range(count)]
        expected = np.zeros(index.vocabulary_size, dtype=np.uint64)
        for j, terms in enumerate(sets):
            for term in terms:
                if (t := index.term_id(term)) is not None:
                    expected[t] |= np.uint64(1) << np.uint64(j)
        assert (engine._measurer._bits(sets) == expected).all()
    assert engine._measurer._bits([frozenset({"x"})] * 65) is None


def test_lacking_names_equal_the_lists_per_candidate() -> None:
    # `_judge` reads how many named things each candidate's article lacks from counts, and
    # the names only when it says what is missing: both as the per-candidate lists give them.
    import random

    import numpy as np

    from retrieval.candidates import Lacking

    rng = random.Random(3)
    for _ in range(200):
        labels = [f"name{j}" for j in range(rng.randint(1, 5))]
        sids = rng.sample(range(1000), rng.randint(1, 30))
        held = np.array([[rng.random() < 0.5 for _ in labels] for _ in sids], dtype=bool)
        table = Lacking(labels, held, sids)
        for sid, row in zip(sids, held.tolist()):
            expected = [name for name, has in zip(labels, row) if not has]
            assert table.names(sid) == expected
            assert table.count(sid) == len(expected)


def test_candidates_sorted_best_first_as_by_negated_score_then_sid() -> None:
    # `best_first` sorts with two stable sorts; the order must be that of
    # key=(-score, sid), over lists with many tied scores, 0.0 and -0.0, in any order.
    import random

    from retrieval.candidates import Scored, best_first
    from tests.sampling import examples

    rng = random.Random(19)
    for _ in range(examples(2000)):  # a tenth in the quick run (tests/sampling.py)
        n = rng.randint(0, 30)
        sids = rng.sample(range(100), n)
        scored = [
            Scored(rng.choice([0.0, -0.0, 1.5, 2.25, -3.0, rng.uniform(-5, 5)]), rng.random(), sid, row)
            for row, sid in enumerate(sids)
        ]
        expected = sorted(scored, key=lambda item: (-item.score, item.sid))
        best_first(scored)
        assert [(s.sid, s.row) for s in scored] == [(s.sid, s.row) for s in expected]
