"""The per-edition catalogue against a plain recount of the whole corpus."""

from __future__ import annotations

import datetime as dt
import random

from bot.catalogue import NEWEST, Catalogue
from retrieval.records import Article
from retrieval.stored import StoredArticles, article_arrays


def _articles(n: int, *, seed: int, prefix: str = "a") -> list[Article]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        date = None if rng.random() < 0.2 else dt.date(2010 + rng.randrange(8), 1 + rng.randrange(12), 1 + rng.randrange(28))
        source = rng.choice(["Kompas", "Tempo", "Antara", None])
        out.append(Article(id=f"{prefix}{i}", title=f"Judul {prefix}{i}", source=source, date=date, text="x"))
    return out


def _reference(articles: list[Article]) -> tuple[int, str, dict[str, int], list[str]]:
    years = sorted({a.date.year for a in articles if a.date})
    span = "?" if not years else (str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}")
    sources: dict[str, int] = {}
    for a in articles:
        if a.source:
            sources[a.source] = sources.get(a.source, 0) + 1
    # Newest first; among equal dates (or none) the one added later.
    order = sorted(range(len(articles)), key=lambda i: (articles[i].date or dt.date.min, i), reverse=True)
    return len(articles), span, sources, [articles[i].id for i in order[:NEWEST]]


def _seen(catalogue: Catalogue) -> tuple[int, str, dict[str, int], list[str]]:
    return catalogue.count, catalogue.span, dict(catalogue.sources), [a.id for a in catalogue.newest]


def test_made_at_once_or_extended_in_steps_it_equals_a_recount() -> None:
    for seed in range(5):
        everything = _articles(700, seed=seed)
        assert _seen(Catalogue.of(everything)) == _reference(everything)
        stepwise = Catalogue()
        for start in range(0, 700, 97):
            stepwise = stepwise.extended(everything[start : start + 97])
        assert _seen(stepwise) == _reference(everything)


def test_a_new_version_replaces_the_old_among_the_newest() -> None:
    first = Article(id="x", title="Lama", source="S", date=dt.date(2020, 1, 1), text="t")
    other = Article(id="y", title="Lain", source="S", date=dt.date(2019, 1, 1), text="t")
    updated = Article(id="x", title="Baru", source="S", date=dt.date(2020, 1, 2), text="t2")
    catalogue = Catalogue.of([first, other]).extended([updated], replacing=[first])
    assert catalogue.count == 2
    assert [a.title for a in catalogue.newest] == ["Baru", "Lain"]


def test_replaced_versions_stop_counting_toward_sources_and_years() -> None:
    rng = random.Random(7)
    corpus = {a.id: a for a in _articles(300, seed=3)}
    catalogue = Catalogue.of(corpus.values())
    for step in range(5):
        updates = [
            Article(id=a.id, title=a.title, source=rng.choice(["Kompas", "Reuters", None]),
                    date=None if rng.random() < 0.3 else dt.date(2000 + step, 1, 1), text="y")
            for a in rng.sample(sorted(corpus.values(), key=lambda a: a.id), 40)
        ]
        catalogue = catalogue.extended(updates, replacing=[corpus[a.id] for a in updates])
        corpus.update((a.id, a) for a in updates)
        count, span, sources, _newest = _reference(list(corpus.values()))
        assert (catalogue.count, catalogue.span, dict(catalogue.sources)) == (count, span, sources)


def test_empty_and_undated() -> None:
    assert Catalogue().span == "?" and Catalogue().newest == ()
    undated = _articles(3, seed=1)
    undated = [Article(id=a.id, title=a.title, source=a.source, date=None, text="x") for a in undated]
    assert [a.id for a in Catalogue.of(undated).newest] == ["a2", "a1", "a0"]  # the last added first


def test_stored_articles_are_catalogued_from_their_fields_as_from_the_articles() -> None:
    base = _articles(500, seed=11)
    appended = tuple(_articles(40, seed=12, prefix="b"))
    stored = StoredArticles([a.id for a in base], article_arrays(base)) + appended
    view = stored.without(frozenset(range(0, 540, 7)))
    for articles in (stored, view):
        assert list(articles.sources_and_dates()) == [(a.source, a.date) for a in articles]
        fast, plain = Catalogue.of(articles), Catalogue().extended(list(articles))
        assert _seen(fast) == _seen(plain) == _reference(list(articles))
        assert fast.newest == plain.newest
        # Later appends extend either the same way.
        more = _articles(30, seed=13, prefix="c")
        assert _seen(fast.extended(more)) == _seen(plain.extended(more))
