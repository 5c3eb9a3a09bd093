"""ingest.feeds: RSS/Atom by content, broken and hostile feeds, big feeds."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.feeds import NotAFeed, looks_like_feed, parse_feed


def rss(items: str, *, head: str = '<?xml version="1.0" encoding="UTF-8"?>', title: str = "Berita") -> bytes:
    return f'{head}<rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()


def item(n: int, *, date: str = "Fri, 13 Dec 2024 01:30:00 +0700") -> str:
    return (f"<item><title>Judul {n}</title><link>https://berita.example/{n}</link>"
            f"<pubDate>{date}</pubDate><description>Ringkasan {n}</description></item>")


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<!-- a comment first -->
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Berita</title>
<entry><title>Satu</title><link href="https://atom.example/1"/><id>urn:1</id><updated>2024-12-12T23:00:00+07:00</updated></entry>
<entry><title>Dua</title><link rel="alternate" href="/2"/><id>urn:2</id><published>2024-12-14T08:00:00Z</published></entry>
</feed>"""


def test_rss_and_atom_are_recognised_by_content():
    assert looks_like_feed(rss(item(1)))
    assert looks_like_feed(b"\xef\xbb\xbf\n\n" + ATOM)
    assert looks_like_feed(b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"><channel/></rdf:RDF>')
    assert not looks_like_feed(b"<!DOCTYPE html><html><head><title>rss</title></head></html>")
    assert not looks_like_feed(b"Judul: <rss> dalam teks biasa")


def test_entries_keep_the_publisher_date():
    feed = parse_feed(rss(item(1)))
    (entry,) = feed.entries
    assert feed.title == "Berita"
    assert entry.url == "https://berita.example/1" and entry.title == "Judul 1"
    # 01:30 WIB on the 13th is the 12th in UTC; the article's date is the 13th.
    assert entry.published == dt.date(2024, 12, 13)


def test_atom_links_are_resolved_against_the_feed_url():
    feed = parse_feed(ATOM, url="https://atom.example/feed.xml")
    assert [e.url for e in feed.entries] == ["https://atom.example/1", "https://atom.example/2"]
    assert [e.published for e in feed.entries] == [dt.date(2024, 12, 12), dt.date(2024, 12, 14)]


def test_iso_8859_1_feed():
    data = ('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Berita</title>'
            '<item><title>Kafe di Bogor: caf\xe9 \xabbaru\xbb</title><link>https://b.example/1</link></item>'
            '</channel></rss>').encode("latin-1")
    (entry,) = parse_feed(data, content_type="application/rss+xml; charset=ISO-8859-1").entries
    assert entry.title == "Kafe di Bogor: café «baru»"


def test_bozo_is_not_fatal_when_entries_parse():
    # Blank lines before the XML declaration (as a real Antara feed has) and an unescaped &.
    feed = parse_feed(b"\n\n" + rss(item(1) + "<item><title>A & B</title><link>https://b.example/2</link></item>"))
    assert len(feed.entries) == 2
    assert feed.warning and "not well-formed" in feed.warning


@pytest.mark.parametrize(("data", "words"), [
    (b"<!DOCTYPE html><html><body><p>bukan feed</p></body></html>", "HTML page"),
    (b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title><item><title>", "not well-formed"),
    (b'<?xml version="1.0"?><rss><channel><item><title>x</title><link>https://a/1</lin', None),
    (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", "not an RSS or Atom feed"),
    (b"just text", "not XML"),
    (rss(""), "no entries"),
])
def test_not_a_feed_is_named(data, words):
    try:
        feed = parse_feed(data)
    except NotAFeed as exc:
        if words:
            assert words in str(exc)
        return
    # A truncated document may still yield its complete entries.
    assert words is None and feed.entries


BOMB = b'''<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rss version="2.0"><channel><title>&f;</title><item><title>&f;</title><link>https://x.example/1</link></item></channel></rss>'''

XXE = b'''<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&secret;</title><link>https://x.example/1</link></item></channel></rss>'''


@pytest.mark.parametrize("data", [BOMB, XXE], ids=["entity-bomb", "external-entity"])
def test_entity_declarations_are_refused(data):
    with pytest.raises(NotAFeed, match="entities"):
        parse_feed(data)


def test_an_old_netscape_doctype_without_entities_is_fine():
    head = ('<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
            '"http://my.netscape.com/publish/formats/rss-0.91.dtd">')
    assert len(parse_feed(rss(item(1), head=head)).entries) == 1


def test_a_feed_of_10000_entries_is_cut_to_the_cap():
    data = rss("".join(item(n) for n in range(10_000)))
    feed = parse_feed(data, max_entries=50)
    assert feed.total_items == 10_000
    assert [e.url for e in feed.entries] == [f"https://berita.example/{n}" for n in range(50)]


def test_duplicate_and_linkless_entries_are_dropped():
    items = item(1) + item(1) + "<item><title>tanpa tautan</title></item>" + item(2)
    assert [e.url for e in parse_feed(rss(items)).entries] == ["https://berita.example/1", "https://berita.example/2"]


def test_a_path_like_body_is_never_opened(tmp_path):
    # feedparser opens a str/bytes that names a file; Kutip always hands it a stream.
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss(item(9)))
    with pytest.raises(NotAFeed):
        parse_feed(str(secret).encode())
