"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, one path per fault.

``LoopbackOnly`` is the transport to fetch it with: it dials 127.0.0.1 and localhost only
(never a proxy), so a redirect the fetcher wrongly follows to a private or metadata
address fails in the test instead of reaching a real machine.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

GOOD = b"# Changelog\n\n## 1.1.0 (2026-02-01)\n\n### Features\n\n* add prompt caching\n\n## 1.0.0 (2026-01-01)\n\n* add tracing\n"
FEED_GOOD = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
<item><title>Launch: batch API</title><link>https://example.com/batch</link>
<pubDate>Mon, 02 Feb 2026 10:00:00 GMT</pubDate><description>Batch jobs.</description></item>
</channel></rss>"""


TRICKLE_BYTES = 400  # one header byte every TRICKLE_SECONDS: 20 s for a whole answer
TRICKLE_SECONDS = 0.05


@functools.cache
def _bomb() -> bytes:
    # Compressed once: compressing per request is slow enough, on a busy machine, to miss the deadline.
    return gzip.compress(b"\0" * 50_000_000, compresslevel=1)


class LoopbackOnly(httpx.AsyncBaseTransport):
    """A real transport that refuses every host but the loopback one, recording what it refused."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport(trust_env=False)
        self.refused: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host not in ("127.0.0.1", "localhost"):
            self.refused.append(str(request.url))
            raise httpx.ConnectError(f"the test transport dials loopback only, not {request.url.host}", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class FaultHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hits: dict[str, int] = {}
    posted: list[bytes] = []

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        headers = {"content-type": "text/markdown; charset=utf-8", **(headers or {})}
        for key, value in headers.items():
            if value:
                self.send_header(key, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        FaultHandler.posted.append(self.rfile.read(int(self.headers.get("content-length") or 0)))
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        path = self.path.split("?")[0]
        count = FaultHandler.hits[path] = FaultHandler.hits.get(path, 0) + 1
        route = getattr(self, "route_" + path.strip("/").split("/")[0].replace("-", "_"), None)
        if route is None:
            self._send(404, b"no such page")
            return
        route(path, count)

    # --- well-behaved ---------------------------------------------------------------------------
    def route_good(self, path: str, count: int) -> None:
        self._send(200, GOOD)

    def route_robots_txt(self, path: str, count: int) -> None:
        self._send(404)

    # --- slow and broken connections -----------------------------------------------------------
    def route_slow_headers(self, path: str, count: int) -> None:
        time.sleep(1.5)
        self._send(200, GOOD)

    def route_trickle_headers(self, path: str, count: int) -> None:
        """The status line at once, then one header byte at a time: each read is quick, the answer never is."""
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self.wfile.flush()
            for _ in range(TRICKLE_BYTES):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(TRICKLE_SECONDS)
            self.wfile.write(b": y\r\ncontent-length: 0\r\n\r\n")
        except OSError:
            pass  # the client gave up: what the test wants
        self.close_connection = True

    def route_slow_body(self, path: str, count: int) -> None:
        self.send_response(200)
        self.send_header("content-length", str(len(GOOD)))
        self.end_headers()
        for byte in GOOD:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.05)

    def route_reset(self, path: str, count: int) -> None:
        self.send_response(200)
        self.send_header("content-length", "100000")
        self.end_headers()
        self.wfile.write(GOOD[:20])
        self.wfile.flush()
        # SO_LINGER 0: close with a TCP reset, mid-body
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.shutdown(socket.SHUT_RDWR)
        self.close_connection = True

    # --- statuses ---------------------------------------------------------------------------------
    def route_status(self, path: str, count: int) -> None:
        self._send(int(path.rsplit("/", 1)[1]), b"error page")

    def route_flaky_429_seconds(self, path: str, count: int) -> None:
        if count == 1:
            self._send(429, b"slow down", {"retry-after": "1"})
        else:
            self._send(200, GOOD)

    def route_flaky_429_date(self, path: str, count: int) -> None:
        if count == 1:
            when = email.utils.formatdate(time.time() + 1, usegmt=True)
            self._send(429, b"slow down", {"retry-after": when})
        else:
            self._send(200, GOOD)

    def route_flaky_503(self, path: str, count: int) -> None:
        if count == 1:
            self._send(503, b"busy", {"retry-after": "0"})
        else:
            self._send(200, GOOD)

    # --- redirects --------------------------------------------------------------------------------
    def route_loop(self, path: str, count: int) -> None:
        self._send(302, b"", {"location": "/loop"})

    def route_chain(self, path: str, count: int) -> None:
        n = int(path.rsplit("/", 1)[1])
        self._send(302, b"", {"location": f"/chain/{n + 1}"})

    def route_to_metadata(self, path: str, count: int) -> None:
        self._send(302, b"", {"location": "http://169.254.169.254/latest/meta-data/"})

    def route_to(self, path: str, count: int) -> None:
        """/to/<where>: a redirect to a private, oddly spelled or same-host target."""
        port = self.server.server_address[1]
        targets = {
            "octal": f"http://0177.0.0.1:{port}/good",
            "hex": f"http://0x7f.1:{port}/good",
            "decimal": f"http://2130706433:{port}/good",
            "private": "http://10.0.0.1/latest/",
            "shared": "http://100.64.0.1/latest/",
            "alibaba": "http://100.100.100.200/latest/meta-data/",
            "metadata-v6": "http://[fd00:ec2::254]/latest/meta-data/",
            "same-host": f"http://127.0.0.1:{port}/good",
            "localhost": f"http://localhost:{port}/good",
        }
        self._send(302, b"", {"location": targets[path.rsplit("/", 1)[1]]})

    # --- bodies -----------------------------------------------------------------------------------
    def route_big(self, path: str, count: int) -> None:
        self._send(200, b"* line\n" * 300_000)

    def route_bomb(self, path: str, count: int) -> None:
        self._send(200, _bomb(), {"content-encoding": "gzip"})

    def route_charset(self, path: str, count: int) -> None:
        """/charset/<label>: a good changelog declared in any charset, text or not (zlib_codec, rot13, hex)."""
        self._send(200, GOOD, {"content-type": f"text/markdown; charset={path.rsplit('/', 1)[1]}"})

    def route_binary(self, path: str, count: int) -> None:
        self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, {"content-type": "image/png"})

    def route_invalid_utf8(self, path: str, count: int) -> None:
        self._send(200, GOOD.replace(b"prompt caching", b"prompt \xff\xfe caching"))

    def route_no_content_type(self, path: str, count: int) -> None:
        self._send(200, GOOD, {"content-type": ""})

    def route_wrong_content_type(self, path: str, count: int) -> None:
        self._send(200, GOOD, {"content-type": "application/json"})

    def route_empty(self, path: str, count: int) -> None:
        self._send(200, b"")

    def route_html_not_feed(self, path: str, count: int) -> None:
        self._send(200, b"<!doctype html><html><head><title>Blog</title></head><body><p>hi</p></body></html>",
                   {"content-type": "text/html"})

    def route_feed(self, path: str, count: int) -> None:
        self._send(200, FEED_GOOD, {"content-type": "application/rss+xml"})

    # --- malformed changelogs ---------------------------------------------------------------------
    def route_no_headers(self, path: str, count: int) -> None:
        self._send(200, b"Just some prose about the product.\n\n- a bullet without a release\n")

    def route_absurd_dates(self, path: str, count: int) -> None:
        self._send(200, b"## 2.0.0 (2099-01-01)\n\n* from the future\n\n## 1.0.0 (1513-05-07)\n\n* a typo\n\n"
                        b"## 0.9.0 (2025-01-01)\n\n* a real one\n")

    def route_duplicate_versions(self, path: str, count: int) -> None:
        self._send(200, b"## 1.0.0 (2025-01-02)\n\n* add A\n\n## 1.0.0 (2025-01-01)\n\n* add B\n")

    def route_format_switch(self, path: str, count: int) -> None:
        self._send(200, b"## [2.0.0] - 2025-03-01\n\n### Added\n- add A\n\n# 1.9.0 (Feb 6, 2025)\n\n"
                        b"### :magic_wand: Enhancements\n* add B\n\n<Update label=\"Jan 5, 2025\">\n- add C\n</Update>\n")

    def route_enormous_line(self, path: str, count: int) -> None:
        self._send(200, b"## 1.0.0 (2025-01-01)\n\n* " + b"word " * 150_000 + b"\n")


@contextmanager
def fault_server() -> Iterator[str]:
    """Serve the faults on an ephemeral port; yields the base URL."""

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 64

    FaultHandler.hits = {}
    FaultHandler.posted = []
    _bomb()
    server = Server(("127.0.0.1", 0), FaultHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
