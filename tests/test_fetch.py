"""ingest.fetch against a real HTTP server on 127.0.0.1: limits, failures and the address check."""

from __future__ import annotations

import gzip
import time

import pytest

from ingest.fetch import FetchError, Fetcher, FetchLimits, FetchProblem, check_url, decode_text
from tests.webserver import (
    WebServer,
    conditional,
    drip,
    endless,
    gzip_bomb,
    page,
    redirect,
    stall,
)

LOCAL = FetchLimits(allow_private=True, timeout=3.0, connect_timeout=2.0, read_timeout=2.0, max_bytes=200_000)


@pytest.fixture
def server():
    with WebServer() as web:
        yield web


async def fetch(url: str, limits: FetchLimits = LOCAL, **kwargs):
    async with Fetcher(limits) as fetcher:
        return await fetcher.fetch(url, **kwargs)


async def problem(url: str, limits: FetchLimits = LOCAL) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetch(url, limits)
    return caught.value


async def test_page_is_fetched_with_a_clear_user_agent(server):
    server.routes["/a"] = page("<html><body><p>Halo</p></body></html>")
    got = await fetch(server.url("/a"))
    assert got.status == 200 and got.content_type == "text/html"
    assert "Halo" in got.text()
    agent = server.hits("/a")[0].headers["user-agent"]
    assert agent.startswith("Kutip/0.1 (+")


async def test_loopback_is_refused_without_allow_private(server):
    server.routes["/a"] = page("<html>secret</html>")
    error = await problem(server.url("/a"), FetchLimits())
    assert error.problem is FetchProblem.REFUSED_ADDRESS
    assert "ALLOW_PRIVATE_URLS" in str(error)
    assert server.hits("/a") == []  # refused before any connection


@pytest.mark.parametrize(
    "url",
    ["http://localhost:9/", "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://[::1]/",
     "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://224.0.0.1/", "http://100.64.0.1/"],
)
async def test_private_and_metadata_addresses_are_refused(url):
    assert (await problem(url, FetchLimits())).problem is FetchProblem.REFUSED_ADDRESS


async def test_redirect_to_a_private_address_is_refused(server):
    # Only 127.0.0.1 is allowed here, so the first hop goes out and the
    # redirect target (another private address) is refused before any
    # connection is tried.
    limits = FetchLimits(allowed_networks=("127.0.0.1/32",), timeout=3.0)
    server.routes["/ok"] = page("<html>ok</html>")
    assert (await fetch(server.url("/ok"), limits)).status == 200
    server.routes["/go"] = redirect("http://10.255.255.1/latest/meta-data/")
    error = await problem(server.url("/go"), limits)
    assert error.problem is FetchProblem.REFUSED_ADDRESS
    assert "redirected to http://10.255.255.1" in str(error)
    server.routes["/go-local"] = redirect("http://localhost:1/admin")
    error = await problem(server.url("/go-local"), FetchLimits(allowed_networks=("127.0.0.1/32",)))
    # localhost may resolve to ::1 too, which this allowance does not cover.
    assert error.problem in (FetchProblem.REFUSED_ADDRESS, FetchProblem.UNREACHABLE)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)", "http:///x", "kompas.com"])
def test_only_http_urls(url):
    with pytest.raises(FetchError) as caught:
        check_url(url)
    assert caught.value.problem is FetchProblem.BAD_URL


async def test_redirects_are_followed_within_a_bound(server):
    server.routes["/final"] = page("<html>ok</html>")
    server.routes["/r1"] = redirect("/r2", 301)
    server.routes["/r2"] = redirect(server.url("/final"), 307)
    got = await fetch(server.url("/r1"))
    assert got.url.endswith("/final") and b"ok" in got.content
    for i in range(10):
        server.routes[f"/loop{i}"] = redirect(f"/loop{i + 1}")
    assert (await problem(server.url("/loop0"))).problem is FetchProblem.TOO_MANY_REDIRECTS


async def test_redirect_to_another_scheme_is_refused(server):
    server.routes["/r"] = redirect("file:///etc/passwd")
    error = await problem(server.url("/r"))
    assert error.problem is FetchProblem.BAD_URL and "redirected to file:" in str(error)


@pytest.mark.parametrize(("status", "expected"), [
    (404, FetchProblem.NOT_FOUND), (410, FetchProblem.NOT_FOUND), (500, FetchProblem.SERVER_ERROR),
    (503, FetchProblem.SERVER_ERROR), (403, FetchProblem.FORBIDDEN), (400, FetchProblem.HTTP_ERROR),
])
async def test_http_errors_are_named(server, status, expected):
    server.routes["/x"] = page("<html>error</html>", status=status)
    error = await problem(server.url("/x"))
    assert error.problem is expected and f"HTTP {status}" in str(error)


async def test_a_stalled_server_times_out(server):
    server.routes["/stall"] = stall(10)
    limits = FetchLimits(allow_private=True, timeout=3.0, read_timeout=0.1)
    started = time.monotonic()
    assert (await problem(server.url("/stall"), limits)).problem is FetchProblem.TIMED_OUT
    assert time.monotonic() - started < 2.5  # the read timeout, not the total deadline, ended it


async def test_a_slow_drip_ends_at_the_total_deadline(server):
    # Never silent longer than 0.05 s, so only the total deadline can stop it.
    server.routes["/drip"] = drip(3.0, pieces=60)
    limits = FetchLimits(allow_private=True, timeout=0.12, read_timeout=1.0)
    started = time.monotonic()
    error = await problem(server.url("/drip"), limits)
    assert error.problem is FetchProblem.TIMED_OUT
    assert time.monotonic() - started < 2.0  # well before the whole body (3 s) could arrive


async def test_a_gzip_bomb_stops_at_the_byte_limit(server):
    server.routes["/bomb"] = gzip_bomb(5_000_000)  # about 5 KB on the wire, 25 times the byte limit
    error = await problem(server.url("/bomb"))
    assert error.problem is FetchProblem.TOO_LARGE


async def test_gzip_within_the_limit_is_decoded(server):
    body = "<html><body>" + "berita " * 1000 + "</body></html>"
    server.routes["/gz"] = page(gzip.compress(body.encode()), headers={"Content-Encoding": "gzip"})
    assert (await fetch(server.url("/gz"))).text() == body


async def test_a_huge_page_without_length_stops_at_the_limit(server):
    server.routes["/huge"] = endless()
    assert (await problem(server.url("/huge"))).problem is FetchProblem.TOO_LARGE


async def test_a_declared_huge_length_is_refused_before_reading(server):
    server.routes["/big"] = page(b"x" * 300_000)
    error = await problem(server.url("/big"))
    assert error.problem is FetchProblem.TOO_LARGE and "300,000 bytes" in str(error)


async def test_binary_data_is_refused(server):
    server.routes["/img"] = page(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type="image/png")
    server.routes["/fake"] = page(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert (await problem(server.url("/img"))).problem is FetchProblem.NOT_TEXT
    assert (await problem(server.url("/fake"))).problem is FetchProblem.NOT_TEXT


async def test_conditional_get_gets_304(server):
    server.routes["/feed"] = conditional("<rss version='2.0'><channel></channel></rss>")
    first = await fetch(server.url("/feed"))
    assert first.etag and first.last_modified and not first.not_modified
    again = await fetch(server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.content == b""
    assert server.hits("/feed")[1].headers["if-none-match"] == first.etag


async def test_requests_per_host_are_limited(server):
    import asyncio

    server.routes["/slow"] = stall(0.05)
    limits = FetchLimits(allow_private=True, per_host=1, timeout=10.0)
    async with Fetcher(limits) as fetcher:
        started = time.monotonic()
        await asyncio.gather(*(fetcher.fetch(server.url("/slow")) for _ in range(3)))
        one_at_a_time = time.monotonic() - started
    assert one_at_a_time >= 0.14  # three 0.05 s answers, one after another (the server answers in parallel)


def test_encodings_declared_or_sniffed():
    latin = "Café – naïve".encode("cp1252")
    assert decode_text(latin, declared="ISO-8859-1") == "Café – naïve"
    assert decode_text(b'<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\xe9</a>').endswith("café</a>")
    assert "café" in decode_text(b'<html><head><meta charset="windows-1252"></head>caf\xe9')
    assert decode_text("café".encode()) == "café"
    assert decode_text(b"caf\xe9 tanpa deklarasi") == "café tanpa deklarasi"
    assert decode_text(b"\xef\xbb\xbfhalo") == "halo"


async def test_the_connection_itself_refuses_a_private_address(server):
    # Even if a name resolved to a public address at the first check and to a
    # private one when connecting (DNS rebinding), the connect-time check refuses it.
    from ingest.fetch import _GuardedBackend, _Refused

    backend = _GuardedBackend(allow_private=False, allowed=())
    port = int(server.base.rsplit(":", 1)[1])
    with pytest.raises(_Refused):
        await backend.connect_tcp("127.0.0.1", port)
    with pytest.raises(_Refused):
        await backend.connect_tcp("localhost", port)
    stream = await _GuardedBackend(allow_private=True, allowed=()).connect_tcp("127.0.0.1", port)
    await stream.aclose()
    assert server.requests == []
