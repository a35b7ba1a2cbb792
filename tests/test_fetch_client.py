"""Fetcher behaviour against httpx.MockTransport handlers, plus a real local server."""

from __future__ import annotations

import asyncio
import gzip
import re
import http.server
import socket
import struct
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from typing import Any, ClassVar

import httpx
import pytest

from tracker.errors import BlockedError, FetchError, HttpStatusError, ParseError, TooLargeError, TransportError
from tracker.fetch import Fetcher, FetchResult, FetchSettings, Validators, decode_text

Handler = Callable[[httpx.Request], httpx.Response] | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
PUBLIC_IP = "93.184.216.34"


class FakeSleep:
    """Records the waits instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def resolver(table: dict[str, list[str]] | None = None) -> Callable[[str], Awaitable[list[str]]]:
    async def resolve(host: str) -> list[str]:
        return (table or {}).get(host, [PUBLIC_IP])

    return resolve


def make_fetcher(handler: Handler, sleep: FakeSleep | None = None, **settings: Any) -> Fetcher:
    settings.setdefault("respect_robots", False)
    resolve = settings.pop("resolver", None) or resolver()
    return Fetcher(
        FetchSettings(**settings),
        transport=httpx.MockTransport(handler),
        sleep=sleep or FakeSleep(),
        resolver=resolve,
        jitter=lambda: 0.0,
    )


def fetch(handler: Handler, url: str, sleep: FakeSleep | None = None, **settings: Any) -> FetchResult:
    validators = settings.pop("validators", None)

    async def go() -> FetchResult:
        async with make_fetcher(handler, sleep, **settings) as fetcher:
            return await fetcher.fetch(url, validators=validators)

    return asyncio.run(go())


def counting(responses: list[httpx.Response]) -> tuple[Handler, list[httpx.Request]]:
    """A handler answering with ``responses`` in order (the last one repeats)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    return handler, seen


# --- conditional requests -------------------------------------------------------------


def conditional_handler(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/CHANGELOG.md":
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"etag": '"v1"'})
        return httpx.Response(
            200,
            content=b"# Changelog\n",
            headers={"etag": '"v1"', "last-modified": "Wed, 01 Jan 2025 00:00:00 GMT", "content-type": "text/markdown"},
        )
    return httpx.Response(404)


def test_first_fetch_returns_body_and_validators() -> None:
    result = fetch(conditional_handler, "https://example.org/CHANGELOG.md")
    assert (result.status, result.content, result.not_modified) == (200, b"# Changelog\n", False)
    assert result.validators == Validators(etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    assert result.content_type == "text/markdown"
    assert result.final_url == result.url == "https://example.org/CHANGELOG.md"


def test_conditional_request_gives_not_modified() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return conditional_handler(request)

    validators = Validators(etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    result = fetch(handler, "https://example.org/CHANGELOG.md", validators=validators)
    assert result.not_modified and result.status == 304 and result.content == b""
    assert result.etag == '"v1"' and result.last_modified == validators.last_modified
    assert seen[0].headers["if-modified-since"] == validators.last_modified


# --- retries --------------------------------------------------------------------------


def test_429_honours_retry_after_seconds() -> None:
    handler, seen = counting(
        [httpx.Response(429, headers={"retry-after": "7"})] * 2 + [httpx.Response(200, content=b"ok")]
    )
    sleep = FakeSleep()
    assert fetch(handler, "https://example.org/x", sleep).content == b"ok"
    assert sleep.calls == [7.0, 7.0] and len(seen) == 3


def test_429_honours_retry_after_http_date_against_server_date() -> None:
    headers = {"date": "Wed, 21 Oct 2015 07:28:00 GMT", "retry-after": "Wed, 21 Oct 2015 07:28:12 GMT"}
    handler, _ = counting([httpx.Response(429, headers=headers), httpx.Response(200, content=b"ok")])
    sleep = FakeSleep()
    fetch(handler, "https://example.org/x", sleep)
    assert sleep.calls == [12.0]


def test_retry_after_is_capped_at_backoff_max() -> None:
    handler, _ = counting([httpx.Response(503, headers={"retry-after": "3600"}), httpx.Response(200)])
    sleep = FakeSleep()
    fetch(handler, "https://example.org/x", sleep, backoff_max=30.0)
    assert sleep.calls == [30.0]


def test_503_then_success_backs_off() -> None:
    handler, seen = counting([httpx.Response(503), httpx.Response(200, content=b"ok")])
    sleep = FakeSleep()
    assert fetch(handler, "https://example.org/x", sleep).content == b"ok"
    assert sleep.calls == [0.25] and len(seen) == 2  # base 0.5, equal jitter at 0


def test_500_exhausts_retries_then_fails() -> None:
    handler, seen = counting([httpx.Response(500)])
    sleep = FakeSleep()
    with pytest.raises(HttpStatusError) as caught:
        fetch(handler, "https://example.org/x", sleep)
    assert caught.value.status == 500 and len(seen) == 4
    assert sleep.calls == [0.25, 0.5, 1.0]
    assert "https://example.org/x returned 500 Internal Server Error after 4 attempts" in str(caught.value)


def test_404_fails_at_once() -> None:
    handler, seen = counting([httpx.Response(404)])
    sleep = FakeSleep()
    with pytest.raises(HttpStatusError) as caught:
        fetch(handler, "https://example.org/gone.md", sleep)
    assert len(seen) == 1 and sleep.calls == [] and caught.value.status == 404
    assert str(caught.value) == (
        "https://example.org/gone.md returned 404 Not Found; "
        "the source may have moved: check its url in config.toml"
    )


def test_connection_errors_are_retried_then_reported() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(TransportError, match=r"cannot connect to example\.org"):
        fetch(handler, "https://example.org/x", max_retries=2)
    assert len(calls) == 3


def test_timeout_then_success() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, content=b"ok")

    assert fetch(handler, "https://example.org/x").content == b"ok"


def test_a_dripping_body_hits_the_attempt_deadline() -> None:
    ticks = iter(range(0, 1000, 5))

    async def drip() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"x"

    fetcher = Fetcher(
        FetchSettings(timeout=12, max_retries=0, respect_robots=False),
        transport=httpx.MockTransport(lambda request: httpx.Response(200, content=drip())),
        clock=lambda: float(next(ticks)),
    )
    with pytest.raises(TransportError, match="did not answer within 12 s"):
        asyncio.run(fetcher.fetch("https://example.org/x"))


# --- size cap -------------------------------------------------------------------------


def test_declared_length_over_cap_is_refused() -> None:
    handler, _ = counting([httpx.Response(200, content=b"x" * 2000)])
    with pytest.raises(TooLargeError, match=r"larger than the 1,000-byte cap"):
        fetch(handler, "https://example.org/big", max_bytes=1000)


def test_streamed_body_over_cap_is_stopped() -> None:
    produced: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        for _ in range(100):
            produced.append(1)
            yield b"x" * 200

    with pytest.raises(TooLargeError):
        fetch(lambda request: httpx.Response(200, content=body()), "https://example.org/big", max_bytes=1000)
    assert len(produced) < 10


def test_gzip_bomb_is_stopped_while_inflating() -> None:
    bomb = gzip.compress(b"\0" * 2_000_000)
    assert len(bomb) < 10_000
    handler, _ = counting([httpx.Response(200, content=bomb, headers={"content-encoding": "gzip"})])
    with pytest.raises(TooLargeError, match=r"inflates beyond the 100,000-byte cap"):
        fetch(handler, "https://example.org/bomb", max_bytes=100_000)


def test_gzip_body_within_cap_is_decompressed() -> None:
    handler, _ = counting([httpx.Response(200, content=gzip.compress(b"hello"), headers={"content-encoding": "gzip"})])
    assert fetch(handler, "https://example.org/small").content == b"hello"


# --- headers --------------------------------------------------------------------------


def test_user_agent_on_every_request_including_robots() -> None:
    handler, seen = counting([httpx.Response(200, content=b"")])
    fetch(handler, "https://example.org/x", respect_robots=True, user_agent="tracker/test")
    assert [request.url.path for request in seen] == ["/robots.txt", "/x"]
    assert all(request.headers["user-agent"] == "tracker/test" for request in seen)


def test_default_user_agent_names_the_project() -> None:
    handler, seen = counting([httpx.Response(200)])
    fetch(handler, "https://example.org/x")
    assert seen[0].headers["user-agent"].startswith("tracker/")
    assert "changelog crawler" in seen[0].headers["user-agent"]


def test_github_token_goes_to_api_github_com_only() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/repos/o/r/tarball":
            return httpx.Response(302, headers={"location": "https://codeload.example.com/o/r"})
        return httpx.Response(200, content=b"{}")

    async def go() -> None:
        async with make_fetcher(handler, github_token="s3cret") as fetcher:
            await fetcher.fetch("https://api.github.com/repos/o/r/releases")
            await fetcher.fetch("https://raw.githubusercontent.com/o/r/HEAD/CHANGELOG.md")
            await fetcher.fetch("https://api.github.com/repos/o/r/tarball")

    asyncio.run(go())
    auth = [(request.url.host, request.headers.get("authorization")) for request in seen]
    assert auth == [
        ("api.github.com", "Bearer s3cret"),
        ("raw.githubusercontent.com", None),
        ("api.github.com", "Bearer s3cret"),
        ("codeload.example.com", None),
    ]


# --- pagination -----------------------------------------------------------------------


def paged_handler(request: httpx.Request) -> httpx.Response:
    page = int(request.url.params.get("page", "1"))
    links = []
    if page < 3:
        links.append(f'<https://api.github.com/repos/o/r/releases?page={page + 1}>; rel="next"')
    links.append('<https://api.github.com/repos/o/r/releases?page=3>; rel="last"')
    return httpx.Response(200, content=f"[{page}]".encode(), headers={"link": ", ".join(links)})


def test_fetch_pages_follows_link_next() -> None:
    async def go() -> list[FetchResult]:
        async with make_fetcher(paged_handler) as fetcher:
            return await fetcher.fetch_pages("https://api.github.com/repos/o/r/releases")

    pages = asyncio.run(go())
    assert [page.content for page in pages] == [b"[1]", b"[2]", b"[3]"]
    assert pages[0].link_next == "https://api.github.com/repos/o/r/releases?page=2"
    assert pages[-1].link_next == ""


def test_fetch_pages_stops_at_max_pages() -> None:
    async def go() -> list[FetchResult]:
        async with make_fetcher(paged_handler) as fetcher:
            return await fetcher.fetch_pages("https://api.github.com/repos/o/r/releases", max_pages=2)

    pages = asyncio.run(go())
    assert len(pages) == 2 and pages[-1].link_next.endswith("page=3")


# --- redirects ------------------------------------------------------------------------


def redirecting(routes: dict[str, str]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path in routes:
            return httpx.Response(302, headers={"location": routes[request.url.path]})
        return httpx.Response(200, content=f"{request.url.host}{request.url.path}".encode())

    return handler


def test_redirect_is_followed_and_final_url_reported() -> None:
    result = fetch(redirecting({"/old": "/new"}), "https://example.org/old")
    assert result.final_url == "https://example.org/new" and result.content == b"example.org/new"


def test_redirect_loop_is_a_transport_error() -> None:
    with pytest.raises(TransportError, match="redirect loop"):
        fetch(redirecting({"/a": "/b", "/b": "/a"}), "https://example.org/a")


def test_too_many_redirects_is_a_transport_error() -> None:
    routes = {f"/{n}": f"/{n + 1}" for n in range(10)}
    with pytest.raises(TransportError, match="redirected more than 3 times"):
        fetch(redirecting(routes), "https://example.org/0", max_redirects=3)


def test_redirect_to_non_http_scheme_is_refused() -> None:
    with pytest.raises(BlockedError, match="not http"):
        fetch(redirecting({"/x": "file:///etc/passwd"}), "https://example.org/x")


def test_redirect_to_metadata_address_is_refused() -> None:
    handler = redirecting({"/x": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(BlockedError, match=r"169\.254\.169\.254, a link-local or cloud metadata address"):
        fetch(handler, "https://example.org/x")
    with pytest.raises(BlockedError, match=r"link-local or cloud metadata"):
        fetch(handler, "https://example.org/x", allow_private_redirects=True)


def test_redirect_to_a_name_resolving_to_private_is_refused() -> None:
    handler = redirecting({"/x": "http://intranet.example.org/"})
    with pytest.raises(BlockedError, match=r"10\.0\.0\.7"):
        fetch(handler, "https://example.org/x", resolver=resolver({"intranet.example.org": ["10.0.0.7"]}))


def test_redirect_to_metadata_address_allowed_when_configured() -> None:
    handler = redirecting({"/x": "http://169.254.169.254/latest/meta-data/"})
    result = fetch(handler, "https://example.org/x", allow_private_redirects=True, allow_link_local=True)
    assert result.content == b"169.254.169.254/latest/meta-data/"


def test_loopback_source_may_redirect_within_its_own_host_only() -> None:
    handler = redirecting({"/a": "http://127.0.0.1:9000/b", "/c": "http://localhost:8000/d"})
    local = resolver({"localhost": ["127.0.0.1"]})
    result = fetch(handler, "http://127.0.0.1:8000/a", resolver=local)
    assert result.final_url == "http://127.0.0.1:9000/b"
    with pytest.raises(BlockedError, match=r"on the private host 127\.0\.0\.1, redirects to another host localhost"):
        fetch(handler, "http://127.0.0.1:8000/c", resolver=local)


def test_a_private_source_may_redirect_to_a_public_host() -> None:
    result = fetch(redirecting({"/a": "https://example.org/b"}), "http://10.0.0.5/a")
    assert result.final_url == "https://example.org/b"


def test_a_redirect_to_a_name_that_does_not_resolve_is_refused() -> None:
    async def resolve(host: str) -> list[str]:
        if host == "nowhere.example":
            raise OSError("no such host")
        return [PUBLIC_IP]

    with pytest.raises(BlockedError, match=r"redirects to http://nowhere\.example/, whose name does not resolve"):
        fetch(redirecting({"/x": "http://nowhere.example/"}), "https://example.org/x", resolver=resolve)


def test_a_name_that_does_not_resolve_unlocks_no_private_redirect() -> None:
    async def resolve(host: str) -> list[str]:
        if host == "origin.example":
            raise OSError("no such host")
        return {"intranet.example": ["10.0.0.7"]}.get(host, [PUBLIC_IP])

    with pytest.raises(BlockedError, match=r"10\.0\.0\.7 is not public"):
        fetch(redirecting({"/x": "http://intranet.example/"}), "https://origin.example/x", resolver=resolve)


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/latest/", "http://100.100.100.200/",
            "http://metadata.test/computeMetadata/v1/", "http://[::ffff:169.254.169.254]/"],
)
def test_a_metadata_source_is_refused_before_any_request(url: str) -> None:
    handler, seen = counting([httpx.Response(200, content=b"secret")])
    with pytest.raises(BlockedError, match=r"link-local or cloud metadata address; refusing it"):
        fetch(handler, url, resolver=resolver({"metadata.test": ["169.254.169.254"]}))
    assert seen == []
    assert fetch(handler, url, allow_link_local=True,
                 resolver=resolver({"metadata.test": ["169.254.169.254"]})).content == b"secret"


@pytest.mark.parametrize(
    ("location", "address"),
    [("http://0177.0.0.1/", "127.0.0.1"), ("http://0x7f.1/", "127.0.0.1"), ("http://2130706433/", "127.0.0.1"),
     ("http://0xa9fea9fe/latest/", "169.254.169.254"), ("http://012.0.0.1/", "10.0.0.1")],
)
def test_odd_ipv4_spellings_in_location_are_refused_without_a_retry(location: str, address: str) -> None:
    handler, seen = counting([httpx.Response(302, headers={"location": location})])
    with pytest.raises(BlockedError, match=re.escape(address)):
        fetch(handler, "https://example.org/x", max_retries=3)
    assert len(seen) == 1


def test_an_odd_spelling_of_a_public_address_is_followed_as_dotted_decimal() -> None:
    handler = redirecting({"/x": "http://0x5d.0xb8.0xd8.0x22/y"})
    assert fetch(handler, "https://example.org/x").final_url == "http://93.184.216.34/y"


# --- robots.txt -----------------------------------------------------------------------


def robots_handler(robots: httpx.Response, seen: list[httpx.Request]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return robots if request.url.path == "/robots.txt" else httpx.Response(200, content=b"page")

    return handler


def test_robots_disallow_blocks_and_is_fetched_once() -> None:
    seen: list[httpx.Request] = []
    robots = httpx.Response(200, content=b"User-agent: *\nDisallow: /private\n")

    async def go() -> None:
        async with make_fetcher(robots_handler(robots, seen), respect_robots=True) as fetcher:
            assert (await fetcher.fetch("https://example.org/public")).content == b"page"
            with pytest.raises(BlockedError, match=r"robots\.txt of https://example\.org disallows"):
                await fetcher.fetch("https://example.org/private/notes")
            await asyncio.gather(*(fetcher.fetch(f"https://example.org/p{n}") for n in range(5)))

    asyncio.run(go())
    assert [request.url.path for request in seen].count("/robots.txt") == 1
    assert "/private/notes" not in [request.url.path for request in seen]


def test_missing_robots_allows_everything() -> None:
    seen: list[httpx.Request] = []
    fetch(robots_handler(httpx.Response(404), seen), "https://example.org/private/x", respect_robots=True)
    assert [request.url.path for request in seen] == ["/robots.txt", "/private/x"]


def test_robots_is_not_consulted_for_the_github_api_or_when_disabled() -> None:
    seen: list[httpx.Request] = []
    handler = robots_handler(httpx.Response(200, content=b"User-agent: *\nDisallow: /\n"), seen)
    fetch(handler, "https://api.github.com/repos/o/r", respect_robots=True)
    fetch(handler, "https://example.org/x", respect_robots=False)
    assert [request.url.path for request in seen] == ["/repos/o/r", "/x"]


# --- concurrency ----------------------------------------------------------------------


def test_per_host_and_global_limits_are_never_exceeded() -> None:
    in_flight: dict[str, int] = {}
    peaks: dict[str, int] = {}

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        in_flight[host] = in_flight.get(host, 0) + 1
        in_flight["*"] = in_flight.get("*", 0) + 1
        for key in (host, "*"):
            peaks[key] = max(peaks.get(key, 0), in_flight[key])
        await asyncio.sleep(0.005)
        in_flight[host] -= 1
        in_flight["*"] -= 1
        return httpx.Response(200)

    async def go() -> None:
        async with make_fetcher(handler, per_host=2, max_connections=3) as fetcher:
            urls = [f"https://{host}/{n}" for n in range(8) for host in ("a.example", "b.example")]
            await asyncio.gather(*(fetcher.fetch(url) for url in urls))

    asyncio.run(go())
    assert peaks["a.example"] == peaks["b.example"] == 2
    assert peaks["*"] == 3


# --- bad urls -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["ftp://example.org/x", "not a url", "https://"])
def test_non_http_urls_are_refused_before_any_request(url: str) -> None:
    handler, seen = counting([httpx.Response(200)])
    with pytest.raises(FetchError, match=r"fix it in config\.toml"):
        fetch(handler, url)
    assert seen == []


# --- decode_text ----------------------------------------------------------------------


def result_of(content: bytes, content_type: str) -> FetchResult:
    return FetchResult("https://e.org/f", "https://e.org/f", 200, content, content_type, "", "", False)


def test_decode_text_uses_the_declared_charset() -> None:
    assert decode_text(result_of("café".encode("latin-1"), "text/plain; charset=ISO-8859-1")) == "café"


def test_decode_text_defaults_to_utf8_and_replaces_bad_bytes() -> None:
    assert decode_text(result_of(b"caf\xc3\xa9 \xff!", "text/markdown")) == "café \ufffd!"
    assert decode_text(result_of(b"ok", "text/plain; charset=no-such-charset")) == "ok"
    assert decode_text(result_of(b"\xef\xbb\xbf# Title", "")) == "# Title"


@pytest.mark.parametrize(
    "charset", ["zlib_codec", "zlib", "rot13", "rot_13", "hex", "base64", "bz2", "uu", "quopri", "unicode_escape",
                "raw_unicode_escape", "punycode", "idna", "utf-7", "undefined"],
)
def test_only_text_encodings_may_decode_a_body(charset: str) -> None:
    body = "# Changelog\n\n## 1.0.0 \\u0041 +AGEA- caf\u00e9\n".encode()
    assert decode_text(result_of(body, f"text/markdown; charset={charset}")) == body.decode("utf-8")


@pytest.mark.parametrize(
    ("content", "content_type", "reason"),
    [
        (b"\x89PNG\r\n", "image/png", r"binary \(image/png\)"),
        (b"PK\x03\x04", "application/zip", r"binary \(application/zip\)"),
        (b"text\x00with nul", "text/plain", "NUL bytes"),
    ],
)
def test_decode_text_refuses_binary(content: bytes, content_type: str, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        decode_text(result_of(content, content_type))


# --- a real local server --------------------------------------------------------------


class LocalHandler(http.server.BaseHTTPRequestHandler):
    release: ClassVar[threading.Event] = threading.Event()
    hits: ClassVar[dict[str, int]] = {}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        type(self).hits[self.path] = type(self).hits.get(self.path, 0) + 1
        try:
            if self.path == "/slow":
                self.release.wait(2.0)
                self._send(b"late")
            elif self.path == "/reset":
                self.send_response(200)
                self.send_header("content-length", "1000")
                self.end_headers()
                self.wfile.write(b"partial body")
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            elif self.path == "/robots.txt":
                self.send_error(404)
            else:
                self._send(b"hello")
        except OSError:
            pass  # the client gave up first: expected in the timeout test

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def local_server() -> Iterator[str]:
    LocalHandler.release.clear()
    LocalHandler.hits = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), LocalHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        LocalHandler.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


def local_fetch(url: str, sleep: FakeSleep, **settings: Any) -> FetchResult:
    async def go() -> FetchResult:
        async with Fetcher(FetchSettings(**settings), transport=httpx.AsyncHTTPTransport(), sleep=sleep) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


def test_local_server_answers(local_server: str) -> None:
    assert local_fetch(f"{local_server}/hello", FakeSleep()).content == b"hello"
    assert LocalHandler.hits == {"/robots.txt": 1, "/hello": 1}


def test_local_slow_response_times_out(local_server: str) -> None:
    sleep = FakeSleep()
    with pytest.raises(TransportError, match=r"did not answer within 0\.3 s after 2 attempts"):
        local_fetch(f"{local_server}/slow", sleep, timeout=0.3, max_retries=1, respect_robots=False)
    assert len(sleep.calls) == 1 and LocalHandler.hits["/slow"] == 2


def test_local_reset_mid_body_is_retried_then_reported(local_server: str) -> None:
    sleep = FakeSleep()
    with pytest.raises(TransportError, match=r"connection to 127\.0\.0\.1 broke"):
        local_fetch(f"{local_server}/reset", sleep, max_retries=2, respect_robots=False)
    assert LocalHandler.hits["/reset"] == 3 and len(sleep.calls) == 2
