"""ingest.pipeline and `python -m bot ingest` against feeds and pages served on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.__main__ import main
from ingest.fetch import FetchLimits
from ingest.pipeline import Ingestor, Overrides
from ingest.state import IngestState
from retrieval.corpus import load_corpus
from tests.webserver import WebServer, conditional, gzip_bomb, page, stall

LIMITS = FetchLimits(allow_private=True, timeout=3.0, connect_timeout=2.0, read_timeout=1.0, max_bytes=500_000)

SENTENCES = [
    "Pemerintah Kota Bogor meresmikan jembatan gantung baru di atas Sungai Ciliwung pada Jumat pagi.",
    "Jembatan sepanjang 120 meter itu menghubungkan dua kelurahan yang selama ini terpisah oleh sungai.",
    "Wali Kota mengatakan pembangunan jembatan menelan biaya sekitar Rp4 miliar dari anggaran daerah.",
    "Warga menyambut gembira karena waktu tempuh ke pasar berkurang dari satu jam menjadi sepuluh menit.",
    "Dinas Pekerjaan Umum akan memeriksa kekuatan jembatan setiap enam bulan sekali.",
]


def article_html(n: int, *, extra: str = "", title: str | None = None) -> str:
    title = title or f"Jembatan gantung nomor {n} diresmikan di Bogor"
    body = "".join(f"<p>{s.replace('jembatan', f'jembatan {n}', 1)} {extra}</p>" for s in SENTENCES)
    return f"""<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<title>{title} - Berita Contoh</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Berita Contoh">
<meta property="article:published_time" content="2024-12-13T08:00:00+07:00">
<meta name="author" content="Siti Aminah">
</head><body><header><nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a></nav></header>
<article><h1>{title}</h1><p class="byline">Reporter: Siti Aminah</p>
<p>Bogor (Berita Contoh) - {SENTENCES[0]}</p>{body}</article>
<footer>Copyright 2024 Berita Contoh. Hak cipta dilindungi.</footer></body></html>"""


def rss(base: str, numbers, *, title: str = "Berita Contoh") -> str:
    items = "".join(
        f"<item><title>Jembatan {n}</title><link>{base}/berita/{n}</link>"
        f"<pubDate>Fri, 13 Dec 2024 08:00:00 +0700</pubDate></item>"
        for n in numbers
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'


@pytest.fixture
def server():
    with WebServer() as web:
        yield web


def ingestor(tmp_path: Path, *, feeds=(), limits: FetchLimits = LIMITS, **kwargs) -> Ingestor:
    return Ingestor(into=tmp_path / "corpus.jsonl", state=IngestState(tmp_path / "state.sqlite3"), limits=limits,
                    feeds=feeds, poll_seconds=5, own_state=True, **kwargs)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


async def test_a_feed_is_polled_and_new_entries_become_articles(server, tmp_path):
    for n in (1, 2, 3):
        server.routes[f"/berita/{n}"] = page(article_html(n))
    server.routes["/feed"] = conditional(rss(server.base, [1, 2]))
    feed = server.url("/feed")
    async with ingestor(tmp_path, feeds=[feed]) as ing:
        (first,) = await ing.poll_feeds()
        assert first.status == "polled" and [o.status for o in first.outcomes] == ["added", "added"]
        (article, _) = first.articles
        assert article.title == "Jembatan gantung nomor 1 diresmikan di Bogor"
        assert article.date == dt.date(2024, 12, 13) and article.url == server.url("/berita/1")
        # Unchanged feed: a conditional GET and a 304, no page fetched again.
        (again,) = await ing.poll_feeds()
        assert again.status == "unchanged"
        assert server.hits("/feed")[-1].headers.get("if-none-match")
        # The feed changes during the test: only the new entry is fetched.
        server.routes["/feed"] = conditional(rss(server.base, [3, 1, 2]))
        (third,) = await ing.poll_feeds()
        assert [o.status for o in third.outcomes] == ["added"] and third.articles[0].title.startswith("Jembatan gantung nomor 3")
    assert [len(server.hits(f"/berita/{n}")) for n in (1, 2, 3)] == [1, 1, 1]
    corpus = load_corpus(tmp_path / "corpus.jsonl")
    assert not corpus.problems and len(corpus.articles) == 3


async def test_a_restart_neither_refetches_nor_duplicates(server, tmp_path):
    for n in (1, 2):
        server.routes[f"/berita/{n}"] = page(article_html(n))
    # No validators: only the remembered entries keep the pages from being fetched again.
    server.routes["/feed"] = page(rss(server.base, [1, 2]), content_type="application/rss+xml")
    async with ingestor(tmp_path, feeds=[server.url("/feed")]) as ing:
        (polled,) = await ing.poll_feeds()
        assert len(polled.articles) == 2
    async with ingestor(tmp_path, feeds=[server.url("/feed")]) as ing:  # a new process: new state object, same file
        (polled,) = await ing.poll_feeds()
        assert polled.status == "polled" and polled.outcomes == ()
    assert len(records(tmp_path / "corpus.jsonl")) == 2
    assert [len(server.hits(f"/berita/{n}")) for n in (1, 2)] == [1, 1]


BOMB = """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss version="2.0"><channel><title>&d;</title><item><title>&d;</title><link>http://x/1</link></item></channel></rss>"""


async def _failing_feed_waits_and_good_one_is_polled(ing, server) -> None:
    # The second poll: "/404" backs off and keeps its error; "/good" is polled again.
    again = {o.url.removeprefix(server.base): o for o in await ing.poll_feeds()}
    assert again["/404"].status == "waiting" and "not found" in again["/404"].error
    assert again["/good"].status == "polled"
    states = {s.url.removeprefix(server.base): s for s in ing.feed_states()}
    assert states["/404"].failures == 1 and states["/good"].last_success is not None


async def test_a_failing_feed_waits_and_never_stops_a_good_one(server, tmp_path):
    # The quick run's share of the next test: no stall, bombs or 10,000-entry feed.
    server.routes["/berita/1"] = page(article_html(1))
    server.routes["/good"] = page(rss(server.base, [1]), content_type="application/rss+xml")
    server.routes["/invalid"] = page("<?xml version='1.0'?><rss><channel><item><title>x</ti", content_type="text/xml")
    feeds = [server.url(p) for p in ["/404", "/good", "/invalid"]]
    async with ingestor(tmp_path, feeds=feeds) as ing:
        outcomes = {o.url.removeprefix(server.base): o for o in await ing.poll_feeds()}
        assert [o.status for o in outcomes["/good"].outcomes] == ["added"]
        assert outcomes["/404"].status == "failed" and "not found" in outcomes["/404"].error
        assert outcomes["/invalid"].status == "failed" and "not well-formed" in outcomes["/invalid"].error
        await _failing_feed_waits_and_good_one_is_polled(ing, server)
    assert len(records(tmp_path / "corpus.jsonl")) == 1


@pytest.mark.e2e  # a stalled feed, two bombs and a 10,000-entry feed: ~1-2 s
async def test_broken_feeds_never_stop_a_good_one(server, tmp_path):
    server.routes["/berita/1"] = page(article_html(1))
    server.routes["/good"] = page(rss(server.base, [1]), content_type="application/rss+xml")
    server.routes["/500"] = page("oops", status=500)
    server.routes["/stall"] = stall(5)
    server.routes["/invalid"] = page("<?xml version='1.0'?><rss><channel><item><title>x</ti", content_type="text/xml")
    server.routes["/html"] = page(article_html(9))
    server.routes["/bomb"] = page(BOMB, content_type="application/rss+xml")
    server.routes["/gzip"] = gzip_bomb(6_000_000)  # twice the byte limit below
    server.routes["/big"] = page(rss(server.base, range(1000, 11_000)), content_type="application/rss+xml")
    broken = ["/404", "/500", "/stall", "/invalid", "/html", "/bomb", "/gzip"]
    feeds = [server.url(p) for p in ["/good", *broken, "/big"]]
    limits = FetchLimits(allow_private=True, timeout=2.0, read_timeout=0.3, max_bytes=3_000_000)
    async with ingestor(tmp_path, feeds=feeds, limits=limits, feed_max_entries=100, max_new_per_poll=5) as ing:
        outcomes = {o.url.removeprefix(server.base): o for o in await ing.poll_feeds()}
        assert [o.status for o in outcomes["/good"].outcomes] == ["added"]
        errors = {p: outcomes[p].error for p in broken}
        assert all(outcomes[p].status == "failed" for p in broken), errors
        assert "not found" in errors["/404"] and "server error" in errors["/500"]
        assert "timed out" in errors["/stall"] and "too large" in errors["/gzip"]
        assert "HTML page" in errors["/html"] and "entities" in errors["/bomb"]
        assert "not well-formed" in errors["/invalid"]
        big = outcomes["/big"]
        # 10,000 entries: only the first 100 are read, 5 fetched now (they 404), 95 left for later polls.
        assert big.status == "polled" and len(big.outcomes) == 5 and big.left_for_later == 95
        assert "10,000 items" in (big.warning or "")
        # Failing feeds wait (backoff) and show their error; the good one is polled again.
        await _failing_feed_waits_and_good_one_is_polled(ing, server)
    assert len(records(tmp_path / "corpus.jsonl")) == 1


async def test_ingest_url_adds_then_updates_a_changed_page(server, tmp_path):
    server.routes["/berita/1"] = page(article_html(1))
    async with ingestor(tmp_path) as ing:
        added = await ing.ingest_url(server.url("/berita/1"))
        assert added.status == "added" and added.article.source
        same = await ing.ingest_url(server.url("/berita/1"))
        assert same.status == "duplicate"
        server.routes["/berita/1"] = page(article_html(1, extra="Koreksi: biaya sebenarnya Rp5 miliar."))
        updated = await ing.ingest_url(server.url("/berita/1"))
        assert updated.status == "updated" and updated.article.id == added.article.id
        assert "Rp5 miliar" in updated.article.text
        assert (await ing.ingest_url(server.url("/gone"))).problem.startswith("not found")
    (record,) = records(tmp_path / "corpus.jsonl")
    assert "Rp5 miliar" in record["text"]


async def test_ingest_url_refuses_private_addresses_and_feeds(server, tmp_path):
    server.routes["/berita/1"] = page(article_html(1))
    server.routes["/feed"] = page(rss(server.base, [1]), content_type="application/rss+xml")
    async with ingestor(tmp_path, limits=FetchLimits()) as ing:
        refused = await ing.ingest_url(server.url("/berita/1"))
        assert refused.status == "problem" and "ALLOW_PRIVATE_URLS" in refused.problem
    assert server.hits("/berita/1") == []
    async with ingestor(tmp_path) as ing:
        assert "is a feed" in (await ing.ingest_url(server.url("/feed"))).problem


async def test_binary_and_empty_pages_are_named_problems(server, tmp_path):
    server.routes["/bin"] = page(bytes(range(256)) * 20, content_type="text/html")
    server.routes["/empty"] = page("<html><body><nav>Beranda</nav></body></html>")
    async with ingestor(tmp_path) as ing:
        assert "binary" in (await ing.ingest_url(server.url("/bin"))).problem
        assert (await ing.ingest_url(server.url("/empty"))).problem.startswith("not an article")


async def test_overrides_win_over_extraction(server, tmp_path):
    server.routes["/berita/1"] = page(article_html(1))
    async with ingestor(tmp_path) as ing:
        (outcome,) = await ing.ingest(
            [server.url("/berita/1")],
            overrides=Overrides(source="Kompas", date=dt.date(2020, 1, 2), title="Judul lain", author="Andi"),
        )
    article = outcome.article
    assert (article.source, article.date, article.title, article.author) == ("Kompas", dt.date(2020, 1, 2), "Judul lain", "Andi")


def test_a_folder_corpus_gets_an_ingested_jsonl_that_loads_with_it(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: Lama\nsource: Pantau\n---\nArtikel lama tentang pasar ikan.\n",
                                 encoding="utf-8")
    page_file = tmp_path / "halaman.html"
    page_file.write_text(article_html(7), encoding="utf-8")
    monkeypatch.setenv("CORPUS_PATH", str(folder))
    monkeypatch.setenv("STATE_DIR", str(tmp_path / "state"))
    assert main(["ingest", str(page_file)]) == 0
    assert "added:" in capsys.readouterr().err
    corpus = load_corpus(folder)
    assert sorted(a.title for a in corpus.articles) == ["Jembatan gantung nomor 7 diresmikan di Bogor", "Lama"]
    assert (folder / "ingested.jsonl").exists() and (tmp_path / "state" / "ingest-state.sqlite3").exists()


@pytest.mark.e2e
def test_cli_end_to_end(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ALLOW_PRIVATE_URLS", "true")
    monkeypatch.setenv("STATE_DIR", str(tmp_path / "state"))
    for n in (1, 2):
        server.routes[f"/berita/{n}"] = page(article_html(n))
    server.routes["/feed"] = page(rss(server.base, [2]), content_type="application/rss+xml")
    folder = tmp_path / "saved"
    folder.mkdir()
    (folder / "satu.html").write_text(article_html(5), encoding="utf-8")
    (folder / "dua.txt").write_text(
        "Harga cabai di Bogor turun tajam\n\nBogor (Berita Contoh) - Harga cabai rawit di pasar tradisional Bogor "
        "turun menjadi Rp30 ribu per kilogram pada Jumat (13/12/2024), kata pedagang.\n\n"
        "Penurunan harga terjadi karena pasokan dari petani di Garut melimpah setelah panen raya.\n",
        encoding="utf-8",
    )
    (folder / "gambar.txt").write_bytes(b"\x89PNG\x00\x00" * 50)
    into = tmp_path / "baru.jsonl"
    code = main(["ingest", "--into", str(into), "--source", "Berita Contoh", str(folder),
                 server.url("/berita/1"), server.url("/feed"), server.url("/hilang")])
    report = capsys.readouterr().err.splitlines()
    assert code == 0, report
    assert sum(line.startswith("added:") for line in report) == 4, report
    assert any(line.startswith("problem:") and "/hilang" in line and "not found" in line for line in report)
    assert any(line.startswith("problem:") and "gambar.txt" in line and "binary" in line for line in report)
    assert report[-1].startswith("kutip: ingest: 4 added, 2 problem")
    # --strict turns any problem into a failure; the same sources again are duplicates.
    assert main(["ingest", "--strict", "--into", str(into), server.url("/berita/1"), server.url("/hilang")]) == 1
    assert "duplicate:" in capsys.readouterr().err
    # Nothing at all could be ingested: non-zero.
    assert main(["ingest", "--into", str(into), server.url("/hilang")]) == 1
    capsys.readouterr()
    assert main(["ask", "--corpus", str(into), "--json", "berapa biaya jembatan gantung"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["answered"] and answer["results"][0]["source"] == "Berita Contoh"


async def test_an_iso_8859_1_feed_over_http(server, tmp_path):
    server.routes["/berita/1"] = page(article_html(1))
    latin = rss(server.base, [1], title="Berita Caf\xe9").replace("UTF-8", "ISO-8859-1").encode("latin-1")
    server.routes["/feed"] = page(latin, content_type="application/rss+xml; charset=ISO-8859-1")
    async with ingestor(tmp_path, feeds=[server.url("/feed")]) as ing:
        (polled,) = await ing.poll_feeds()
    assert polled.status == "polled" and [o.status for o in polled.outcomes] == ["added"]


def test_an_unwritable_corpus_is_reported_not_a_traceback(tmp_path, monkeypatch, capsys):
    # A directory where the lock file must go makes every write fail with an
    # OSError, even for root (who writes through file permissions).
    target = tmp_path / "c.jsonl"
    (tmp_path / "c.jsonl.lock").mkdir()
    page_file = tmp_path / "p.html"
    page_file.write_text(article_html(3), encoding="utf-8")
    monkeypatch.setenv("STATE_DIR", str(tmp_path / "state"))
    assert main(["ingest", "--into", str(target), str(page_file)]) == 1
    assert f"cannot write {target}" in capsys.readouterr().err


async def test_pages_are_read_with_the_extraction_lists_of_language_data_path(tmp_path):
    # The setting, not only the environment, chooses the lists: a LANGUAGE_DATA_PATH given
    # in `.env` (read by Settings) named the engine's language data but not extraction's.
    import shutil

    from config.settings import BUNDLED_LANGUAGE_DATA, Settings

    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    with (lang / "extraction" / "sources.txt").open("a", encoding="utf-8") as listed:
        listed.write("\nBerita Contoh | Harian Contoh Bogor\n")
    saved = tmp_path / "pages"
    saved.mkdir()
    (saved / "jembatan.html").write_text(article_html(1), encoding="utf-8")
    settings = Settings(_env_file=None, corpus_path=tmp_path / "corpus.jsonl", language_data_path=lang,
                        state_dir=tmp_path / "state")
    async with Ingestor.from_settings(settings) as ing:
        (custom,) = await ing.ingest([str(saved / "jembatan.html")])
    async with ingestor(tmp_path / "plain") as ing:
        (plain,) = await ing.ingest([str(saved / "jembatan.html")])
    assert custom.status == plain.status == "added"
    assert (custom.article.source, plain.article.source) == ("Harian Contoh Bogor", "Berita Contoh")
