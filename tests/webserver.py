"""A real HTTP server on 127.0.0.1 for fetch, feed and ingest tests.

Routes can be changed while the server runs (pages and feeds that change
during a test); each route is a function writing one response, and helpers
below make the hostile ones (stall, drip, gzip bomb, endless body, redirect).
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up on purpose (size limits, timeouts) are expected here


@dataclass
class Request:
    path: str
    headers: dict[str, str]


@dataclass
class WebServer:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                server.requests.append(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                try:
                    if route is None:
                        send(self, b"<html><body>missing</body></html>", status=404)
                    else:
                        route(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        # `shutdown` waits for the loop to look up: a short poll keeps each test's stop short.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def __enter__(self) -> WebServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def send(
    handler: BaseHTTPRequestHandler,
    body: bytes,
    *,
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def page(body: bytes | str, *, status: int = 200, content_type: str = "text/html; charset=utf-8",
         headers: dict[str, str] | None = None) -> Route:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return lambda h: send(h, data, status=status, content_type=content_type, headers=headers)


def conditional(body: bytes | str, *, content_type: str = "application/rss+xml; charset=utf-8") -> Route:
    """Serves ETag and Last-Modified, and 304 when the client already has this body."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
    modified = email.utils.formatdate(1_700_000_000, usegmt=True)

    def route(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        send(h, data, content_type=content_type, headers={"ETag": etag, "Last-Modified": modified})

    return route


def redirect(location: str, status: int = 302) -> Route:
    return lambda h: send(h, b"", status=status, headers={"Location": location})


def stall(seconds: float) -> Route:
    """Sends nothing at all for `seconds`."""

    def route(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(h, b"<html>late</html>")

    return route


def drip(total_seconds: float, *, pieces: int = 40) -> Route:
    """A valid response whose body arrives one byte at a time, never silent for long."""

    def route(h: BaseHTTPRequestHandler) -> None:
        body = b"<html><body>" + b"x" * pieces + b"</body></html>"
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[:12])
        h.wfile.flush()
        for i in range(pieces):
            time.sleep(total_seconds / pieces)
            h.wfile.write(b"x")
            h.wfile.flush()
        h.wfile.write(b"</body></html>")

    return route


def gzip_bomb(decompressed_bytes: int) -> Route:
    """A small gzip body that inflates to `decompressed_bytes` of spaces."""
    compressed = gzip.compress(b" " * decompressed_bytes, compresslevel=9)

    def route(h: BaseHTTPRequestHandler) -> None:
        send(h, compressed, headers={"Content-Encoding": "gzip"})

    return route


def endless(chunk: bytes = b"<p>" + b"a" * 8189 + b"</p>") -> Route:
    """A body without Content-Length that never ends (until the client leaves)."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            h.wfile.write(chunk)

    return route
