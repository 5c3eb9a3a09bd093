"""Kept rankings and sentence names, against real engines (no Telegram)."""

from __future__ import annotations

import dataclasses

from bot.keys import SentenceKey
from bot.library import Edition
from bot.pages import QueryCache, Ranking
from retrieval.search import Engine

QUESTION = "Rusia"


def _edition(engine: Engine, number: int = 0) -> Edition:
    return Edition.make(engine, number=number, build="test")


def test_pages_of_a_kept_ranking_neither_repeat_nor_skip(engine: Engine) -> None:
    first = engine.search(QUESTION, k=4)
    deeper = engine.search(QUESTION, k=16)
    ranking = Ranking.first(first, edition=0).extended(deeper, wanted=16)
    edition = _edition(engine)
    seen: list[int] = []
    offset = 0
    while True:
        page = ranking.page(edition, offset=offset, k=3)
        shown = page.answer.hits[:3]
        seen += [h.sentence.sid for h in shown]
        if len(page.answer.hits) <= 3 and not page.more_beyond:
            break
        offset = page.positions[len(shown) - 1] + 1
        if offset >= len(ranking.hits):
            break
    assert seen[:3] == [h.sentence.sid for h in first.hits[:3]]  # page 1 exactly as answered
    assert len(seen) == len(set(seen)) == len(ranking.hits)  # every kept quote once
    # The same engine's own paging agrees with the kept ranking page by page.
    for offset in (3, 6):
        assert [h.sentence.sid for h in engine.search(QUESTION, k=3, offset=offset).hits] == seen[offset : offset + 3]


def test_a_kept_quote_keeps_the_question_words_it_lacks(engine: Engine) -> None:
    first = engine.search("Siapa anggota HTS?", k=4)
    assert first.hits and all(h.missing_words for h in first.hits)
    page = Ranking.first(first, edition=0).page(_edition(engine), offset=1, k=3)
    assert [h.missing_words for h in page.answer.hits] == [h.missing_words for h in first.hits[1:]]


def test_a_quote_gone_from_the_engine_is_left_out_and_the_next_one_moves_up(engine: Engine) -> None:
    first = engine.search(QUESTION, k=4)
    ranking = Ranking.first(first, edition=0).extended(engine.search(QUESTION, k=16), wanted=16)
    gone = ranking.hits[4]
    # The article of quote 5 was edited: its sentence at that place now reads differently.
    hits = ranking.hits[:4] + (dataclasses.replace(gone, text="AAAAAA"),) + ranking.hits[5:]
    edited = dataclasses.replace(ranking, hits=hits)
    page = edited.page(_edition(engine, 1), offset=3, k=3)
    assert page.positions[:3] == (3, 5, 6)
    names = [(h.sentence.article_id, h.sentence.position) for h in page.answer.hits]
    assert (gone.article_id, gone.position) not in names
    assert names[1] == (ranking.hits[5].article_id, ranking.hits[5].position)


def test_sentence_keys_resolve_only_to_the_same_words(engine: Engine) -> None:
    edition = _edition(engine)
    sentence = engine.sentence(engine.sentence_count // 2)
    key = SentenceKey.of(sentence)
    assert edition.find(key) == sentence
    assert edition.find(dataclasses.replace(key, text="AAAAAA")) is None
    assert edition.find(dataclasses.replace(key, position=key.position + 10_000)) is None
    assert edition.find(dataclasses.replace(key, article="AAAAAAAAAAA")) is None
    assert engine.sentence_at(sentence.article_id, sentence.position) == sentence
    assert engine.sentence_at(sentence.article_id, -1) is None and engine.sentence_at("no such id", 0) is None


def test_query_cache_forgets_the_least_recently_used() -> None:
    cache = QueryCache(size=2)
    keys = [cache.put(Ranking(f"q{i}", 0, (), True)) for i in range(3)]
    assert cache.get(keys[0]) is None and cache.get(keys[2]).query == "q2" and len(cache) == 2
    # A deeper ranking replaces only the one it was made from (a "more" press may have been quicker).
    held = cache.get(keys[2])
    cache.replace(keys[2], Ranking("deeper", 0, (), True), only_if=Ranking("other", 0, (), True))
    assert cache.get(keys[2]) is held
    cache.replace(keys[2], Ranking("deeper", 0, (), True), only_if=held)
    assert cache.get(keys[2]).query == "deeper"


async def test_settle_deepens_only_the_outgoing_editions_one_page_rankings(engine: Engine) -> None:
    cache = QueryCache()
    outgoing, other = _edition(engine, 3), _edition(engine, 4)
    first = engine.search(QUESTION, k=4)
    mine = cache.put(Ranking.first(first, edition=3))
    theirs = cache.put(Ranking.first(first, edition=4))
    assert await cache.settle(outgoing, k=3) == 1
    settled = cache.get(mine)
    deep = engine.search(QUESTION, k=16).hits
    assert [(h.article_id, h.position) for h in settled.hits] == [(h.sentence.article_id, h.sentence.position) for h in deep]
    assert len(cache.get(theirs).hits) == 4  # another edition's ranking is not its business
    assert await cache.settle(outgoing, k=3) == 0  # nothing left to do
    # Settled, page 2 is what the engine itself pages to, and holds up in the next edition.
    page = settled.page(other, offset=3, k=3)
    assert [h.sentence.sid for h in page.answer.hits[:3]] == [h.sentence.sid for h in engine.search(QUESTION, k=3, offset=3).hits]


def test_an_edition_made_from_the_previous_one_names_the_same_articles(engine: Engine) -> None:
    full = _edition(engine)
    smaller = Engine.from_articles(engine.articles[1:], analyzer=engine.analyzer)
    after = Edition.make(smaller, number=1, build="test", previous=full)
    removed = SentenceKey.of(engine.sentence_at(engine.articles[0].id, 0))
    kept = SentenceKey.of(smaller.sentence_at(engine.articles[1].id, 0))
    assert after.find(removed) is None and full.find(removed) is not None
    assert after.find(kept) == smaller.sentence_at(engine.articles[1].id, 0)
    assert Edition.make(engine, number=2, build="test", previous=after).find(removed) is not None  # back again
