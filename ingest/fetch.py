"""Polite, bounded and safe HTTP fetching of pages and feeds.

One `Fetcher` per event loop (`async with Fetcher(limits) as f: await f.fetch(url)`):

- only http and https; every host (the first and each redirect target) is
  resolved and refused when any of its addresses is loopback, private,
  link-local (cloud metadata), multicast, reserved or otherwise not global,
  unless `allow_private`. The same check runs again inside the connection
  itself (a guarded network backend), so DNS that answers differently the
  second time (rebinding) cannot slip a private address past the first check;
- redirects are followed by hand, at most `max_redirects`;
- a connect timeout, a read timeout between bytes, and a total deadline for
  the whole exchange, so a slow "drip" response ends too;
- a byte limit counted on the decompressed body while it streams (gzip and
  deflate are decoded here with a bounded output per step), so a gzip bomb
  stops at the limit instead of filling memory;
- a few requests at a time per host, a clear User-Agent, conditional GET
  (ETag / Last-Modified -> 304 `not_modified`);
- failures are a `FetchError` carrying one `FetchProblem` a person can act on.

Environment proxies are ignored (`trust_env=False`): the address check must
see the address actually connected to.
"""

from __future__ import annotations

import asyncio
import codecs
import enum
import functools
import ipaddress
import re
import socket
import ssl
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchError",
    "FetchLimits",
    "FetchProblem",
    "Fetched",
    "Fetcher",
    "check_url",
    "decode_text",
    "fetch_sync",
]

DEFAULT_USER_AGENT = "Kutip/0.1 (+https://github.com/kutip-bot/kutip; news quotation bot)"

# What a page, a feed or a raw text copy is served as. Anything else (images,
# PDFs, archives, octet-stream) is refused before its body is read.
_TEXT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/xml",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "text/plain",
)
_ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,text/plain;q=0.5"
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# Decompression output per step: small enough that one step past the limit
# costs little memory, large enough to keep the loop cheap.
_INFLATE_STEP = 64 * 1024
_SNIFF_BYTES = 4096


class FetchProblem(enum.StrEnum):
    """What went wrong, in words that tell a person what to do about it."""

    BAD_URL = "not a usable http(s) address"
    REFUSED_ADDRESS = "refused: the address is private, local or reserved (set ALLOW_PRIVATE_URLS=true to allow)"
    UNREACHABLE = "could not connect (host unknown or not answering)"
    NOT_FOUND = "not found (the page does not exist or was removed)"
    FORBIDDEN = "the site refused the request"
    HTTP_ERROR = "the site answered with an error"
    SERVER_ERROR = "the site has a server error (try again later)"
    TIMED_OUT = "timed out (the site is too slow or stalled)"
    TOO_LARGE = "too large"
    TOO_MANY_REDIRECTS = "too many redirects"
    NOT_TEXT = "not an HTML page, a feed or text"


class FetchError(Exception):
    """A fetch failed; `problem` is the named reason, `str(error)` the full sentence."""

    def __init__(self, problem: FetchProblem, url: str, detail: str | None = None) -> None:
        self.problem = problem
        self.url = url
        self.detail = detail
        message = problem.value if detail is None else f"{problem.value}: {detail}"
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    timeout: float = 30.0
    connect_timeout: float = 10.0
    # Longest silence between two pieces of the body.
    read_timeout: float = 15.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    per_host: int = 2
    allow_private: bool = False
    # Networks allowed even when not public (e.g. "10.20.0.0/16" for one
    # intranet), narrower than allow_private.
    allowed_networks: tuple[str, ...] = ()
    user_agent: str = DEFAULT_USER_AGENT


@dataclass(frozen=True, slots=True)
class Fetched:
    """One response body, already decompressed and within the limits."""

    url: str  # after redirects
    status: int
    content: bytes
    content_type: str | None  # media type without parameters, lower case
    charset: str | None  # as declared in Content-Type
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        return decode_text(self.content, declared=self.charset)


# --- addresses ------------------------------------------------------------------


def _address_allowed(address: str, allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip in network for network in allowed):
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 and friends are IPv4 addresses in disguise.
        mapped = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if mapped is not None:
            ip = mapped
    return ip.is_global and not ip.is_multicast


async def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _Unreachable(f"cannot resolve {host}: {exc}") from exc
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class _Refused(Exception):
    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} is {address}" if host != address else address)


class _Unreachable(Exception):
    pass


async def _checked_addresses(
    host: str, port: int, *, allow_private: bool, allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
) -> list[str]:
    addresses = await _resolve(host, port)
    if not allow_private:
        for address in addresses:
            if not _address_allowed(address, allowed):
                raise _Refused(host, address)
    return addresses


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses that pass the check, resolved right here."""

    def __init__(self, *, allow_private: bool, allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private
        self._allowed = allowed

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _checked_addresses(host, port, allow_private=self._allow_private, allowed=self._allowed)
        last: Exception | None = None
        for address in addresses:
            try:
                # TLS still verifies and sends SNI for `host`: httpcore takes
                # both from the request, not from the address connected to.
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout, OSError) as exc:
                last = exc
        if last is not None:
            raise last
        raise _Unreachable(f"{host} has no address")

    async def connect_unix_socket(self, *args: object, **kwargs: object) -> httpcore.AsyncNetworkStream:
        raise _Unreachable("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes tens of milliseconds; every Fetcher (one per
    # /tambah, feed poll or ingest run) shares one context instead.
    return httpx.create_ssl_context()


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(
        self, *, allow_private: bool, allowed: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...],
        limits: httpx.Limits,
    ) -> None:
        super().__init__(verify=_ssl_context(), trust_env=False, limits=limits)
        # httpx has no public way to pass a network backend; its pool has
        # been `_pool` since 0.18 (pinned below 0.29 in pyproject).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(allow_private=allow_private, allowed=allowed),
        )


def check_url(url: str) -> str:
    """The URL, stripped, if it is an absolute http(s) URL with a host; else FetchError(BAD_URL)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(FetchProblem.BAD_URL, url, str(exc)) from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(FetchProblem.BAD_URL, url, "only http:// and https:// addresses are fetched")
    if not parts.hostname:
        raise FetchError(FetchProblem.BAD_URL, url, "the address has no host name")
    if port == 0:
        raise FetchError(FetchProblem.BAD_URL, url, "port 0")
    return url


# --- encodings ------------------------------------------------------------------

_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower())
    except LookupError:
        return None
    # Browsers read "ISO-8859-1" and "ASCII" as windows-1252 (WHATWG encoding
    # standard); real pages rely on it for curly quotes and dashes.
    if codec.name in ("latin-1", "iso8859-1", "ascii"):
        return "cp1252"
    return codec.name


def decode_text(data: bytes, *, declared: str | None = None) -> str:
    """Bytes to text: BOM, declared charset, XML declaration, HTML meta, UTF-8, then windows-1252."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace").removeprefix("\ufeff")
    head = data[:_SNIFF_BYTES]
    candidates = [_known_codec(declared)]
    match = _XML_ENCODING.match(head)
    candidates.append(_known_codec(match.group(1).decode("ascii")) if match else None)
    match = _META_CHARSET.search(head)
    candidates.append(_known_codec(match.group(1).decode("ascii")) if match else None)
    for name in candidates:
        if name is None:
            continue
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# --- fetching -------------------------------------------------------------------


class _Inflater:
    """Bounded gzip/deflate decoding: never produces more than `room` bytes per call."""

    def __init__(self, encoding: str) -> None:
        # 47 = gzip or zlib header, detected; -15 = raw deflate (some servers).
        self._encoding = encoding
        self._z = zlib.decompressobj(47 if encoding in ("gzip", "x-gzip") else 15)
        self._raw_deflate_tried = encoding == "gzip"

    def feed(self, data: bytes, room: int) -> tuple[bytes, bool]:
        """Decoded bytes (at most room + 1) and whether more output was pending."""
        out = bytearray()
        pending = data
        while True:
            try:
                piece = self._z.decompress(pending, min(_INFLATE_STEP, room + 1 - len(out)))
            except zlib.error:
                if not self._raw_deflate_tried and not out:
                    self._raw_deflate_tried = True
                    self._z = zlib.decompressobj(-15)
                    continue
                raise
            out += piece
            pending = self._z.unconsumed_tail
            if len(out) > room:
                return bytes(out), True
            if not pending:
                return bytes(out), False


class Fetcher:
    """An HTTP client with Kutip's limits; use as `async with Fetcher(limits) as fetcher`."""

    def __init__(self, limits: FetchLimits | None = None) -> None:
        self.limits = limits or FetchLimits()
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._client: httpx.AsyncClient | None = None
        self._allowed = tuple(ipaddress.ip_network(n, strict=False) for n in self.limits.allowed_networks)

    async def __aenter__(self) -> Fetcher:
        limits = self.limits
        self._client = httpx.AsyncClient(
            transport=_GuardedTransport(
                allow_private=limits.allow_private,
                allowed=self._allowed,
                limits=httpx.Limits(max_connections=32, max_keepalive_connections=8),
            ),
            timeout=httpx.Timeout(
                limits.timeout, connect=limits.connect_timeout, read=limits.read_timeout
            ),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": limits.user_agent, "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate"},
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET `url` within the limits; 304 comes back as `Fetched(status=304, content=b"")`."""
        if self._client is None:
            raise RuntimeError("use the Fetcher inside 'async with'")
        url = check_url(url)
        try:
            async with asyncio.timeout(self.limits.timeout):
                return await self._follow(url, etag=etag, last_modified=last_modified)
        except TimeoutError as exc:
            raise FetchError(
                FetchProblem.TIMED_OUT, url, f"no complete answer within {self.limits.timeout:g} s"
            ) from exc

    async def _follow(self, url: str, *, etag: str | None, last_modified: str | None) -> Fetched:
        current = url
        for hop in range(self.limits.max_redirects + 1):
            location = await self._one(current, etag=etag, last_modified=last_modified, original=url)
            if isinstance(location, Fetched):
                return location
            target = urljoin(current, location)
            try:
                current = check_url(target)
            except FetchError as exc:
                raise FetchError(exc.problem, url, f"redirected to {target}: {exc.detail}") from exc
        raise FetchError(
            FetchProblem.TOO_MANY_REDIRECTS, url, f"more than {self.limits.max_redirects} redirects"
        )

    async def _one(self, url: str, *, etag: str | None, last_modified: str | None, original: str) -> Fetched | str:
        """One request: the body, or the Location of a redirect."""
        assert self._client is not None
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        where = "" if url == original else f" (redirected to {url})"
        try:
            # Checked here for a clear message; checked again at connect time.
            await _checked_addresses(host, port, allow_private=self.limits.allow_private, allowed=self._allowed)
        except _Refused as exc:
            raise FetchError(FetchProblem.REFUSED_ADDRESS, original, f"{exc}{where}") from exc
        except _Unreachable as exc:
            raise FetchError(FetchProblem.UNREACHABLE, original, f"{exc}{where}") from exc

        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        semaphore = self._hosts.setdefault(f"{host}:{port}", asyncio.Semaphore(self.limits.per_host))
        async with semaphore:
            try:
                async with self._client.stream("GET", url, headers=headers) as response:
                    return await self._read(response, original, where)
            except _Refused as exc:
                raise FetchError(FetchProblem.REFUSED_ADDRESS, original, f"{exc}{where}") from exc
            except _Unreachable as exc:
                raise FetchError(FetchProblem.UNREACHABLE, original, f"{exc}{where}") from exc
            except httpx.TimeoutException as exc:
                raise FetchError(FetchProblem.TIMED_OUT, original, f"{type(exc).__name__}{where}") from exc
            except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
                raise FetchError(FetchProblem.UNREACHABLE, original, f"{exc or type(exc).__name__}{where}") from exc
            except httpx.HTTPError as exc:
                raise FetchError(FetchProblem.UNREACHABLE, original, f"{exc or type(exc).__name__}{where}") from exc

    async def _read(self, response: httpx.Response, original: str, where: str) -> Fetched | str:
        status = response.status_code
        if status in _REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise FetchError(FetchProblem.HTTP_ERROR, original, f"HTTP {status} without a Location{where}")
            return location
        if status == 304:
            return self._fetched(response, b"")
        if status in (404, 410):
            raise FetchError(FetchProblem.NOT_FOUND, original, f"HTTP {status}{where}")
        if status in (401, 403, 429, 451):
            raise FetchError(FetchProblem.FORBIDDEN, original, f"HTTP {status}{where}")
        if status >= 500:
            raise FetchError(FetchProblem.SERVER_ERROR, original, f"HTTP {status}{where}")
        if status >= 400 or status < 200 or status in (204, 205):
            raise FetchError(FetchProblem.HTTP_ERROR, original, f"HTTP {status}{where}")

        media_type = _media_type(response.headers.get("content-type"))
        if media_type is not None and not _is_text_type(media_type):
            raise FetchError(FetchProblem.NOT_TEXT, original, f"served as {media_type}{where}")
        limit = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(
                FetchProblem.TOO_LARGE, original, f"{int(declared):,} bytes, over the {limit:,}-byte limit{where}"
            )
        body = await self._body(response, original, where)
        if b"\x00" in body[:_SNIFF_BYTES] and not body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FetchError(FetchProblem.NOT_TEXT, original, f"binary data{where}")
        return self._fetched(response, body)

    async def _body(self, response: httpx.Response, original: str, where: str) -> bytes:
        limit = self.limits.max_bytes
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        inflater: _Inflater | None = None
        if encoding in ("gzip", "x-gzip", "deflate"):
            inflater = _Inflater(encoding)
        elif encoding not in ("", "identity"):
            raise FetchError(FetchProblem.NOT_TEXT, original, f"unsupported content encoding {encoding!r}{where}")
        body = bytearray()
        too_large = FetchError(FetchProblem.TOO_LARGE, original, f"over the {limit:,}-byte limit{where}")
        try:
            async for chunk in response.aiter_raw():
                if inflater is None:
                    body += chunk
                else:
                    piece, _ = inflater.feed(chunk, limit - len(body))
                    body += piece
                if len(body) > limit:
                    raise too_large
        except zlib.error as exc:
            raise FetchError(FetchProblem.NOT_TEXT, original, f"corrupt {encoding} data{where}") from exc
        return bytes(body)

    @staticmethod
    def _fetched(response: httpx.Response, body: bytes) -> Fetched:
        content_type = response.headers.get("content-type")
        return Fetched(
            url=str(response.url),
            status=response.status_code,
            content=body,
            content_type=_media_type(content_type),
            charset=_charset(content_type),
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            headers={k.lower(): v for k, v in response.headers.items()},
        )


def _media_type(value: str | None) -> str | None:
    if not value:
        return None
    media = value.split(";", 1)[0].strip().lower()
    return media or None


def _charset(value: str | None) -> str | None:
    if not value:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", value, flags=re.IGNORECASE)
    return match.group(1) if match else None


def _is_text_type(media_type: str) -> bool:
    return media_type in _TEXT_TYPES or media_type.endswith(("+xml", "/xml"))


def fetch_sync(url: str, limits: FetchLimits | None = None, **kwargs: str | None) -> Fetched:
    """`Fetcher.fetch` for code without an event loop (one client per call)."""

    async def run() -> Fetched:
        async with Fetcher(limits) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(run())
