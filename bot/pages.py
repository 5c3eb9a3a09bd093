"""Rankings kept for the "more quotes" buttons, so every page continues the first one's ranking.

When an answer has more quotes than one message shows, page 1's hits are kept
under a short random key, by sentence name rather than by sid or object. A
"more" press extends the ranking from the same engine (`PAGES` pages deep)
and cuts the page from it, so no page repeats or skips what an earlier one
showed. Before the engine is swapped, the rankings made from it that were not
extended yet are (the `SETTLE_LIMIT` most recent; `QueryCache.settle`, a
`Library.before_swap` hook), while the old engine still answers: a later
page then continues the old ranking even though the corpus has grown. This
costs nothing while the corpus does not change. A ranking that could not be
settled says plainly that the corpus changed. Sentences are looked up in the
current engine when a page is shown; one gone since (its article changed or
removed) is left out.

What is kept is small (ids, positions, short hashes, matched words): never
an `Article`, whose text would keep a swapped-out corpus alive.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.keys import text_key
from bot.library import Edition
from retrieval.records import Answer, Hit

log = logging.getLogger(__name__)

# How many pages deep a ranking is kept once it is extended.
PAGES = 5
# At most this many rankings are settled (searched deeper) before a swap: the most recent.
SETTLE_LIMIT = 500
# Rankings remembered; keys are random, so a button from before a restart (or
# evicted) finds nothing and is answered "expired".
QUERY_CACHE_SIZE = 20_000


@dataclass(frozen=True, slots=True)
class KeptHit:
    article_id: str
    position: int
    text: str  # text_key of the sentence
    score: float
    matched_words: tuple[str, ...]
    also_in: tuple[str, ...]  # article ids
    missing_words: tuple[str, ...] = ()

    @classmethod
    def of(cls, hit: Hit) -> KeptHit:
        sentence = hit.sentence
        return cls(
            sentence.article_id,
            sentence.position,
            text_key(sentence.text),
            hit.score,
            hit.matched_words,
            hit.also_in_ids,
            hit.missing_words,
        )


@dataclass(frozen=True, slots=True)
class Ranking:
    """A question's ranked quotes as one engine edition ranked them."""

    query: str
    edition: int  # Edition.number it came from
    hits: tuple[KeptHit, ...]
    # True when the engine had nothing past `hits`; else it may be extended.
    complete: bool

    @classmethod
    def first(cls, answer: Answer, *, edition: int) -> Ranking:
        """Page 1's own hits (k + 1 of them), to be `extended` deeper from the same engine."""
        return cls(answer.query, edition, tuple(KeptHit.of(h) for h in answer.hits), False)

    def page(self, edition: Edition, *, offset: int, k: int) -> Page:
        """Up to `k + 1` quotes from ranking index `offset`, as `edition` has them now.

        One extra tells whether a next page exists. Quotes gone from `edition`
        are skipped; `positions` says where in the ranking each one stands.
        """
        hits: list[Hit] = []
        positions: list[int] = []
        for position in range(offset, len(self.hits)):
            if len(hits) > k:
                break
            hit = _resolve(self.hits[position], edition)
            if hit is not None:
                hits.append(hit)
                positions.append(position)
        end = positions[-1] + 1 if positions else offset
        return Page(Answer(query=self.query, hits=tuple(hits)), tuple(positions), self.has_more(end))

    def has_more(self, end: int) -> bool:
        """Whether quotes exist from ranking index `end` on (or may, from the same engine)."""
        return end < len(self.hits) or not self.complete

    def needs(self, offset: int, k: int) -> bool:
        """Whether a page from `offset` reaches past the kept hits of an incomplete ranking."""
        return not self.complete and offset + k + 1 > len(self.hits)

    def extended(self, deeper: Answer, *, wanted: int) -> Ranking:
        """This ranking continued by a deeper search of the same engine (asked for `wanted` hits)."""
        return Ranking(self.query, self.edition, _merge(self.hits, deeper.hits), len(deeper.hits) < wanted)


@dataclass(frozen=True, slots=True)
class Page:
    answer: Answer
    positions: tuple[int, ...]  # ranking index of each hit
    more_beyond: bool  # the ranking goes on past the last of `answer.hits`


def _merge(kept: Sequence[KeptHit], more: Iterable[Hit]) -> tuple[KeptHit, ...]:
    seen = {(h.article_id, h.position) for h in kept}
    merged = list(kept)
    for hit in more:
        name = (hit.sentence.article_id, hit.sentence.position)
        if name not in seen:
            seen.add(name)
            merged.append(KeptHit.of(hit))
    return tuple(merged)


def _resolve(kept: KeptHit, edition: Edition) -> Hit | None:
    sentence = edition.sentence(kept.article_id, kept.position, kept.text)
    if sentence is None:
        return None
    engine = edition.engine
    article = engine.article(kept.article_id)
    if article is None:
        return None
    also_in = tuple(a for a in (engine.article(i) for i in kept.also_in) if a is not None)
    return Hit(sentence, article, kept.score, kept.matched_words, also_in, kept.missing_words)


class QueryCache:
    """Rankings by short random key, for the "more quotes" buttons (LRU)."""

    def __init__(self, size: int = QUERY_CACHE_SIZE) -> None:
        self._size = size
        self._items: OrderedDict[str, Ranking] = OrderedDict()

    def put(self, ranking: Ranking) -> str:
        key = secrets.token_urlsafe(6)  # 8 characters
        self._items[key] = ranking
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return key

    def replace(self, key: str, ranking: Ranking, *, only_if: Ranking | None = None) -> None:
        """Keep `ranking` under `key` if the key is still known (and still holds `only_if`, when given)."""
        held = self._items.get(key)
        if held is None or (only_if is not None and held is not only_if):
            return
        self._items[key] = ranking

    async def settle(self, edition: Edition, *, k: int) -> int:
        """Extend the rankings `edition` made that are still one page deep, from its engine.

        Meant to run just before `edition` is swapped out (it still answers
        meanwhile); searches run in a worker thread. Returns how many were settled.
        """
        wanted = k * PAGES + 1
        settled = 0
        for _ in range(3):  # answers given meanwhile come from `edition` too
            pending = [
                (key, ranking)
                for key, ranking in reversed(self._items.items())
                if ranking.edition == edition.number and not ranking.complete and len(ranking.hits) < wanted
            ][: SETTLE_LIMIT - settled]
            if not pending:
                break
            engine = edition.engine
            deeper = await asyncio.to_thread(lambda: [engine.search(r.query, k=wanted) for _key, r in pending])
            for (key, ranking), answer in zip(pending, deeper):
                self.replace(key, ranking.extended(answer, wanted=wanted), only_if=ranking)
            settled += len(pending)
        if settled:
            log.info("Kept %d answer ranking(s) %d pages deep before the corpus swap", settled, PAGES)
        return settled

    def get(self, key: str) -> Ranking | None:
        ranking = self._items.get(key)
        if ranking is not None:
            self._items.move_to_end(key)
        return ranking

    def __len__(self) -> int:
        return len(self._items)
