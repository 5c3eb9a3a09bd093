"""Unit tests for ingest/extract.py on small pages written here (no network, no shared pages)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from config.settings import BUNDLED_LANGUAGE_DATA
from ingest import langdata
from ingest.extract import extract_html
from ingest.records import NotAnArticle
from retrieval.text import Analyzer
from tests.sampling import examples

BODY = [
    "Pemerintah provinsi mengumumkan rencana pembangunan jembatan baru yang menghubungkan dua kabupaten di pesisir selatan.",
    "Kepala dinas pekerjaan umum mengatakan pembangunan dimulai bulan depan dan ditargetkan selesai dalam dua tahun anggaran.",
    "Warga menyambut baik rencana itu karena selama ini mereka harus memutar sejauh empat puluh kilometer untuk ke pasar.",
    "Anggaran proyek berasal dari dana daerah dan pinjaman pemerintah pusat dengan nilai keseluruhan sekitar dua ratus miliar rupiah.",
    '"Kami berharap jembatan ini membuka akses ekonomi baru bagi nelayan dan petani," kata bupati kepada wartawan.',
]


def page(
    *,
    title: str = "Jembatan Baru Hubungkan Dua Kabupaten di Pesisir Selatan",
    head: str = "",
    h1: str | None = None,
    before: str = "",
    body: list[str] | None = None,
    after: str = "",
    outside: str = "",
) -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in (BODY if body is None else body))
    heading = h1 if h1 is not None else title.split(" - ")[0].split(" | ")[0]
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body>
<header><nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a></nav></header>
<main><article>
<h1>{heading}</h1>
{before}
<div class="content">
{paragraphs}
</div>
{after}
</article></main>
{outside}
<footer><p>Tentang kami | Pedoman media siber | Kontak</p></footer>
</body></html>"""


# --- titles ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("Jembatan Baru Hubungkan Dua Kabupaten - Kompas.com", "https://regional.kompas.com/read/2024/12/13/1/jembatan"),
        ("Jembatan Baru Hubungkan Dua Kabupaten | Republika Online", "https://republika.co.id/berita/abc/jembatan"),
        ("Jembatan Baru Hubungkan Dua Kabupaten - ANTARA News", "https://www.antaranews.com/berita/1/jembatan"),
        ("Kabar Kita Daily | Jembatan Baru Hubungkan Dua Kabupaten", "https://kabarkitadaily.example/jembatan"),
        ("Jembatan Baru Hubungkan Dua Kabupaten : Okezone News", "https://news.okezone.com/read/2024/12/13/1/2"),
        ("Jembatan Baru Hubungkan Dua Kabupaten - News Liputan6.com", "https://www.liputan6.com/news/read/1/jembatan"),
    ],
)
def test_title_loses_the_site_suffix(raw: str, url: str) -> None:
    html = page(title=raw, h1="")
    assert extract_html(html, url=url).title == "Jembatan Baru Hubungkan Dua Kabupaten"


def test_title_part_that_is_the_pages_own_heading_wins() -> None:
    html = page(title="Jembatan Baru Hubungkan Dua Kabupaten :: Portal Warta Nusantara", h1="Jembatan Baru Hubungkan Dua Kabupaten")
    assert extract_html(html, url="https://wartanusantara.example/a").title == "Jembatan Baru Hubungkan Dua Kabupaten"


def test_a_dash_inside_a_headline_is_kept() -> None:
    html = page(title="Rusia - AS Sepakati Jalur Kemanusiaan di Aleppo", h1="")
    assert extract_html(html, url="https://beritadunia.example/a").title == "Rusia - AS Sepakati Jalur Kemanusiaan di Aleppo"


# --- source ---------------------------------------------------------------------


def test_source_is_the_name_readers_know_not_the_company() -> None:
    html = page(head='<meta property="og:site_name" content="Kompas Cyber Media">')
    assert extract_html(html, url="https://nasional.kompas.com/read/x").source == "Kompas"
    html = page(head='<meta property="og:site_name" content="Antara News Agency">')
    assert extract_html(html).source == "Antara"


def test_source_from_an_unknown_outlets_site_name_or_address() -> None:
    named = page(head='<meta property="og:site_name" content="Warta Pesisir">')
    assert extract_html(named, url="https://wartapesisir.example/a").source == "Warta Pesisir"
    host_only = page(head='<meta property="og:site_name" content="lifestyle.kabarpesisir.co.id">')
    assert extract_html(host_only).source == "Kabarpesisir"


def test_no_source_is_invented() -> None:
    result = extract_html(page())
    assert result.source is None
    assert any("source" in note for note in result.notes)


def test_the_outlet_table_is_data_anyone_can_extend(tmp_path: Path) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    with (lang / "extraction" / "sources.txt").open("a", encoding="utf-8") as table:
        table.write("\nkabarpesisir.co.id | Kabar Pesisir\n")
    data = langdata.load(lang)
    assert data.source_for_domain("https://lifestyle.kabarpesisir.co.id/read/1") == "Kabar Pesisir"
    assert langdata.bundled().source_for_domain("https://lifestyle.kabarpesisir.co.id/read/1") is None


def test_extraction_data_does_not_change_the_index_fingerprint(tmp_path: Path) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    before = Analyzer.from_directory(lang).fingerprint
    with (lang / "extraction" / "sources.txt").open("a", encoding="utf-8") as table:
        table.write("\nwartapesisir.example | Warta Pesisir\n")
    assert Analyzer.from_directory(lang).fingerprint == before


def test_a_bad_pattern_in_the_data_names_file_and_line(tmp_path: Path) -> None:
    lang = tmp_path / "lang"
    shutil.copytree(BUNDLED_LANGUAGE_DATA, lang)
    (lang / "extraction" / "not-a-person.txt").write_text("# comment\n(unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"not-a-person\.txt:2"):
        langdata.load(lang)


# --- author ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "byline",
    [
        '<div class="byline">Pewarta: <span>Nur Hadi Santoso</span></div>',
        '<div class="info">Reporter: Nur Hadi Santoso</div>',
        '<div class="nama-reporter"><div>Nur Hadi Santoso</div><span>Jurnalis</span></div>',
        '<div itemprop="author">Oleh : <b>Nur Hadi Santoso</b></div>',
        '<div class="penulis">Penulis: Nur Hadi Santoso | Editor: Bambang Wijaya</div>',
        '<p class="info">Laporan Wartawan Wartapesisir.com, Nur Hadi Santoso</p>',
        '<div class="author">Nur Hadi Santoso - detikNews</div>',
        '<div class="detail-author">Nur Hadi Santoso, CNN Indonesia | Jumat, 13/12/2024 10:15 WIB</div>',
        '<div class="kredit">Rep: Nur Hadi Santoso/ Red: Bambang Wijaya</div>',
    ],
)
def test_author_without_role_labels(byline: str) -> None:
    assert extract_html(page(before=byline)).author == "Nur Hadi Santoso"


@pytest.mark.parametrize(
    "credit",
    [
        '<meta name="author" content="PT Media Pesisir Digital">',
        '<meta name="author" content="Redaksi Warta Pesisir">',
        '<meta name="author" content="Designed by Studio Web Kreatif">',
        '<meta name="author" content="wartapesisir.com">',
        '<meta name="author" content="CNN Indonesia">',
        '<div class="author">Tim detikcom</div>',
    ],
)
def test_a_company_or_web_credit_is_never_the_author(credit: str) -> None:
    result = extract_html(page(head=credit))
    assert result.author is None
    assert any("author" in note for note in result.notes)


def test_the_company_is_skipped_for_the_writer_named_on_the_page() -> None:
    html = page(
        head='<meta name="author" content="PT. MEDIA PESISIR BARU - wartapesisir.com">',
        before='<div itemprop="author" class="author">Oleh : <b>Maya Lestari</b></div>',
    )
    assert extract_html(html).author == "Maya Lestari"


def test_an_editor_is_not_the_author() -> None:
    schema = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Jembatan Baru Hubungkan Dua Kabupaten",
        "creator": {"@type": "Person", "name": "Desi Kartika"},
        "author": {"@type": "Person", "name": "Bambang Wijaya"},
        "keywords": ["Editor:Bambang Wijaya", "jembatan"],
    }
    head = f'<script type="application/ld+json">{json.dumps(schema)}</script>'
    assert extract_html(page(head=head)).author == "Desi Kartika"
    only_editor = page(after="<p>Editor: Bambang Wijaya</p>")
    assert extract_html(only_editor).author is None


def test_a_writer_who_also_edited_is_still_the_author() -> None:
    html = page(before='<div class="kredit">Penulis: Desi Kartika</div>', after="<p>Editor: Desi Kartika</p>")
    assert extract_html(html).author == "Desi Kartika"


def test_a_login_name_is_not_an_author() -> None:
    html = page(before='<div class="byline">Pewarta: <span itemprop="author">adm01</span></div>')
    assert extract_html(html).author is None


# --- body -----------------------------------------------------------------------


def test_dateline_paragraph_is_kept() -> None:
    # The dateline sits directly in the body element before the first block,
    # which the library drops on some sites.
    html = f"""<html><head><title>Jembatan Baru Hubungkan Dua Kabupaten</title></head><body>
<h1>Jembatan Baru Hubungkan Dua Kabupaten</h1>
<span itemprop="articleBody"><strong>Padang (ANTARA)</strong> - {BODY[0]} Rencana itu diumumkan di kantor gubernur.
<div><br></div>{''.join(f'<div>{p}</div><div><br></div>' for p in BODY[1:])}</span>
</body></html>"""
    text = extract_html(html).text
    assert text.startswith("Padang (ANTARA) - Pemerintah provinsi mengumumkan")
    for sentence in BODY[1:]:
        assert sentence in text


def test_site_boilerplate_stays_out_of_the_text() -> None:
    html = page(
        body=[BODY[0], BODY[1], 'Baca juga: <a href="/b/2">Harga Cabai Turun Menjelang Akhir Tahun di Pasar Induk</a>', *BODY[2:]],
        after="""<p>Bagikan:</p><p>Editor: Bambang Wijaya</p><p>COPYRIGHT © ANTARA 2024</p>
<p>Ikuti kami di Google News</p>
<h3>Berita Terkait</h3>
<ul><li><a href="/b/3">Gubernur Resmikan Pasar Ikan Modern di Pesisir Utara</a></li>
<li><a href="/b/4">Nelayan Keluhkan Harga Solar yang Terus Naik Bulan Ini</a></li>
<li><a href="/b/5">Musim Hujan Datang Lebih Awal di Wilayah Barat Sumatera</a></li></ul>""",
    )
    text = extract_html(html).text
    for sentence in BODY:
        assert sentence in text
    for leaked in ("Baca juga", "Harga Cabai Turun", "COPYRIGHT", "ANTARA 2024", "Editor:", "Bagikan", "Google News",
                   "Pasar Ikan Modern", "Harga Solar", "Berita Terkait"):
        assert leaked not in text


def test_a_related_list_taken_for_the_article_is_replaced_by_the_article() -> None:
    related = "".join(
        f'<li><a href="/r/{i}"><h3>Artis Terkenal Nomor {i} Bagikan Kisah Liburan Bersama Keluarga</h3></a>'
        f"<p>Artis nomor {i} bercerita panjang tentang liburan keluarganya ke luar negeri pada akhir tahun ini.</p></li>"
        for i in range(12)
    )
    html = page(outside=f'<div class="berita-lainnya"><h2>BERITA LAINNYA</h2><ul>{related}</ul></div>')
    text = extract_html(html).text
    for sentence in BODY:
        assert sentence in text
    assert "Artis Terkenal" not in text


def test_date_and_canonical_url_from_the_page() -> None:
    head = (
        '<meta property="article:published_time" content="2024-12-13T10:15:00+07:00">'
        '<link rel="canonical" href="https://wartapesisir.example/berita/2024/12/13/jembatan">'
    )
    result = extract_html(page(head=head), url="https://wartapesisir.example/berita/2024/12/13/jembatan?utm=x")
    assert result.date == dt.date(2024, 12, 13)
    assert result.date_approximate is False
    assert result.url == "https://wartapesisir.example/berita/2024/12/13/jembatan"


def test_missing_metadata_is_none_with_notes() -> None:
    result = extract_html(page(title="", h1=""))
    assert (result.title, result.date, result.source, result.author) == (None, None, None, None)
    assert len(result.notes) == 4
    assert BODY[0] in result.text


def test_latin1_page_is_decoded() -> None:
    html = page(body=[*BODY, "Caf\u00e9 di pinggir pantai ikut ramai dikunjungi warga yang ingin melihat lokasi jembatan itu."])
    raw = html.replace('charset="utf-8"', 'charset="iso-8859-1"').encode("iso-8859-1")
    assert "Caf\u00e9 di pinggir pantai" in extract_html(raw).text


# --- hostile input --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (gzip.compress(page().encode()), "gzip"),
        (bytes(range(256)) * 64, "binary"),
        ("just some words with no markup at all, repeated. " * 20, "no HTML"),
    ],
)
def test_binary_empty_or_non_html_is_named(data: bytes | str, words: str) -> None:
    with pytest.raises(NotAnArticle, match=words) as raised:
        extract_html(data, url="https://wartapesisir.example/x")
    assert "https://wartapesisir.example/x" in str(raised.value)


def test_a_page_with_no_article() -> None:
    html = "<html><head><title>Masuk</title></head><body><form><input name=u><button>Masuk</button></form></body></html>"
    with pytest.raises(NotAnArticle, match="no article text"):
        extract_html(html)


def test_a_list_page_is_not_an_article() -> None:
    items = "".join(
        f'<li><a href="/berita/{i}">Judul berita nomor {i} tentang peristiwa penting hari ini</a></li>' for i in range(40)
    )
    html = f"<html><head><title>Indeks Berita</title></head><body><h1>Indeks Berita</h1><ul>{items}</ul></body></html>"
    with pytest.raises(NotAnArticle, match="list of links"):
        extract_html(html, url="https://wartapesisir.example/indeks")


def test_too_large_is_refused_before_parsing() -> None:
    with pytest.raises(NotAnArticle, match="too large"):
        extract_html(b"<html>" + b" " * 2_000, max_bytes=1_000)


# The element limits are checked twice: at their real values (e2e: parsing pages
# of 12,000 and 200,000 elements takes seconds) and, lowered, on small pages.


@pytest.mark.e2e
def test_a_page_with_too_many_elements_is_refused() -> None:
    with pytest.raises(NotAnArticle, match="too complex"):
        extract_html(page(outside="<i></i>" * 200_000))


def test_a_page_over_the_element_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ingest.extract.MAX_ELEMENTS", 1_000)
    with pytest.raises(NotAnArticle, match=r"too complex .*the limit is 1,000"):
        extract_html(page(outside="<i></i>" * 1_000))


def _promos(count: int) -> str:
    return "".join(f'<div class="promo"><a href="/p/{i}">Promo nomor {i}</a></div>' for i in range(count))


@pytest.mark.e2e
def test_a_large_real_page_is_still_extracted() -> None:
    # 12,000 elements: above the point where only the library's main pass runs.
    result = extract_html(page(outside=_promos(6_000)))
    assert BODY[2] in result.text
    assert "Promo nomor" not in result.text


def test_a_page_above_the_fast_pass_threshold_is_still_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    # The same page shape, with the threshold lowered below its 600-odd elements.
    monkeypatch.setattr("ingest.extract._FAST_ABOVE_ELEMENTS", 300)
    result = extract_html(page(outside=_promos(300)))
    assert BODY[2] in result.text
    assert "Promo nomor" not in result.text


def test_deeply_nested_markup_does_not_crash() -> None:
    nested = "<div>" * 5_000 + "teks" + "</div>" * 5_000
    result = extract_html(page(outside=nested))
    assert BODY[0] in result.text


def test_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        extract_html(12345)  # type: ignore[arg-type]


# --- the body merge rules, on paragraph lists ------------------------------------
# Real pages where the library drops a dateline or takes a teaser list are hard
# to reproduce in a few lines, so the rules that repair them are checked directly.


def test_opening_and_closing_paragraphs_the_library_dropped_are_put_back() -> None:
    from ingest.extract import _merge_edges

    dateline = "Padang (ANTARA) - " + BODY[0]
    closing = BODY[4]
    merged = _merge_edges(BODY[1:4], [dateline, *BODY[1:4], "Bagikan artikel ini", closing])
    assert merged == [dateline, *BODY[1:4], closing]


def test_an_opening_paragraph_kept_without_its_dateline_gets_it_back() -> None:
    from ingest.extract import _merge_edges

    merged = _merge_edges(BODY, ["JAKARTA, KOMPAS.com - " + BODY[0], *BODY[1:]])
    assert merged == ["JAKARTA, KOMPAS.com - " + BODY[0], *BODY[1:]]


def test_when_the_library_read_another_part_of_the_page_the_article_wins() -> None:
    from ingest.extract import _merge_edges

    teasers = ["Artis A liburan.", "Artis B menikah."]
    assert _merge_edges(teasers, BODY) == BODY
    assert _merge_edges(BODY, teasers) == BODY


_FRAGMENTS = [
    "<p>", "</p>", "<div>", "</div>", "<a href='/x'>", "</a>", "<h1>", "</h1>", "<title>", "</title>",
    "<script>", "</script>", "<!--", "-->", "&amp;", "&#0;", "&#xD800;", "\x00", "Pewarta: ", "Editor: ", "©",
    "Baca juga:", "Jakarta (ANTARA) - ", "<meta name='author' content='PT X'>", "<br>", "\n\n",
    "<script type='application/ld+json'>{\"author\": [[[", BODY[0],
]


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=20), max_size=120), st.booleans())
def test_any_input_is_an_article_or_a_named_problem(parts: list[str], as_bytes: bool) -> None:
    html = "".join(parts)
    data = html.encode("utf-8", "surrogatepass") if as_bytes else html
    try:
        result = extract_html(data, url="https://wartapesisir.example/a")
    except NotAnArticle as problem:
        assert "https://wartapesisir.example/a" in str(problem)
    else:
        assert result.text.strip()
