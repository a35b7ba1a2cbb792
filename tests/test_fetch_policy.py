"""Pure parts of the fetch layer: retry timing, links, address policy, error classification."""

from __future__ import annotations

import asyncio
import ipaddress
from datetime import UTC, datetime

import httpx
import pytest

from tracker.errors import ConfigError, FetchError, HttpStatusError, TransportError
from tracker.fetch import FetchSettings
from tracker.fetch.classify import is_transient, status_error, to_fetch_error
from tracker.fetch.links import next_link
from tracker.fetch.addresses import is_link_local, is_public_address, lookup, numeric_ipv4
from tracker.fetch.retry import backoff_delay, parse_retry_after, retry_delay
from tracker.fetch.robots import origin_of, parse_robots

NOW = datetime(2015, 10, 21, 7, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:00:00 GMT", 0.0),
        ("soon", None),
        ("-5", None),
        ("", None),
    ],
)
def test_parse_retry_after(value: str, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


def test_backoff_doubles_with_jitter_and_cap() -> None:
    assert [backoff_delay(n, base=0.5, cap=60, jitter=0.0) for n in range(4)] == [0.25, 0.5, 1.0, 2.0]
    assert backoff_delay(2, base=0.5, cap=60, jitter=1.0) == 2.0
    assert backoff_delay(20, base=0.5, cap=60, jitter=0.5) == 45.0


def test_retry_after_only_for_429_and_503() -> None:
    headers = {"retry-after": "9"}
    delays = [retry_delay(status, headers, 0, base=0.5, cap=60.0, jitter=0.0, now=NOW) for status in (429, 503, 500)]
    assert delays == [9.0, 9.0, 0.25]


def test_next_link_parsing() -> None:
    base = httpx.URL("https://api.github.com/repos/o/r/releases")
    header = '<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=9>; rel="last"'
    assert next_link(header, base) == "https://api.github.com/x?page=2"
    assert next_link('</x?page=3>; rel="prev next"', base) == "https://api.github.com/x?page=3"
    assert next_link("<https://api.github.com/x?page=1>; rel=prev", base) == ""
    assert next_link("", base) == ""


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254: global to Python, not to us
        ("2002:a9fe:a9fe::1", False),  # 6to4 of the same
        ("::a9fe:a9fe", False),  # IPv4-compatible form
        ("100.100.100.200", False),
        ("fd00:ec2::254", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    ("address", "link_local"),
    [
        ("169.254.169.254", True),
        ("169.254.0.1", True),
        ("fd00:ec2::254", True),
        ("100.100.100.200", True),
        ("fe80::1", True),
        ("::ffff:169.254.169.254", True),
        ("64:ff9b::a9fe:a9fe", True),
        ("10.0.0.1", False),
        ("127.0.0.1", False),
        ("100.100.100.201", False),
        ("fd00:ec2::253", False),
        ("93.184.216.34", False),
    ],
)
def test_is_link_local_covers_the_metadata_addresses(address: str, link_local: bool) -> None:
    assert is_link_local(ipaddress.ip_address(address)) is link_local


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0xa9fea9fe", "169.254.169.254"),
        ("0251.0376.0251.0376", "169.254.169.254"),
        ("169.254.169.254.", "169.254.169.254"),
        ("example.org", None),
        ("1password.com", None),
    ],
)
def test_numeric_ipv4_reads_every_spelling(host: str, address: str | None) -> None:
    found = numeric_ipv4(host)
    assert (str(found) if found is not None else None) == address


@pytest.mark.parametrize("host", ["1.2.3.256", "09.0.0.1", "1.2.3.4.5", "0x1g.1", "4294967296", "a.1"])
def test_numeric_ipv4_refuses_broken_numbers(host: str) -> None:
    with pytest.raises(ValueError):
        numeric_ipv4(host)


def test_lookup_resolves_names_and_an_unknown_name_is_not_public() -> None:
    async def resolve(host: str) -> list[str]:
        if host == "unknown.invalid":
            raise OSError("no such host")
        return {"metadata.internal": ["169.254.169.254"]}.get(host, ["93.184.216.34"])

    async def go() -> list[tuple[bool, str | None, str | None]]:
        hosts = ["metadata.internal", "example.org", "unknown.invalid", "127.0.0.1", "::1", "0x7f.1"]
        results = []
        for host in hosts:
            found = await lookup(host, resolve)
            bad, near = found.non_public(), found.link_local()
            results.append((found.public, str(bad) if bad else None, str(near) if near else None))
        return results

    assert asyncio.run(go()) == [
        (False, "169.254.169.254", "169.254.169.254"),
        (True, None, None),
        (False, None, None),
        (False, "127.0.0.1", None),
        (False, "::1", None),
        (False, "127.0.0.1", None),
    ]


def test_exceptions_are_classified_once() -> None:
    request = httpx.Request("GET", "https://example.org/x")
    url = "https://example.org/x"
    cases = [
        (httpx.ConnectTimeout("t", request=request), TransportError, "did not answer within 20 s after 3 attempts"),
        (httpx.ConnectError("refused", request=request), TransportError, "cannot connect to example.org"),
        (httpx.ReadError("reset by peer", request=request), TransportError, "connection to example.org broke"),
        (httpx.RemoteProtocolError("incomplete", request=request), TransportError, "broke"),
        (httpx.DecodingError("bad gzip", request=request), TransportError, "cannot be decompressed"),
        (httpx.UnsupportedProtocol("ftp", request=request), FetchError, "not a valid http(s) url"),
    ]
    for exc, kind, words in cases:
        error = to_fetch_error(exc, url, attempts=3, timeout=20)
        assert type(error) is kind and words in str(error) and error.url == url
    assert all(is_transient(exc) for exc, _, _ in cases[:4])
    assert not any(is_transient(exc) for exc, _, _ in cases[4:])


@pytest.mark.parametrize(
    ("url", "status", "advice"),
    [
        ("https://e.org/x", 410, "returned 410 Gone; the source may have moved"),
        ("https://api.github.com/repos/o/r", 403, "set the GITHUB_TOKEN"),
        ("https://e.org/x", 403, "refuses the crawler"),
        ("https://e.org/x", 429, "lower per_host"),
        ("https://e.org/x", 502, "returned 502 Bad Gateway; the server is failing"),
        ("https://e.org/x", 499, "returned 499; check its url"),
    ],
)
def test_status_errors_say_what_to_do(url: str, status: int, advice: str) -> None:
    error = status_error(url, status)
    assert isinstance(error, HttpStatusError) and error.status == status and advice in str(error)
    assert str(error).startswith(url)


def test_robots_helpers() -> None:
    assert origin_of(httpx.URL("https://E.org:8443/a?b")) == "https://e.org:8443"
    assert parse_robots(None).can_fetch("tracker", "https://e.org/anything")
    assert not parse_robots("User-agent: tracker\nDisallow: /\n").can_fetch("tracker/0.1 (+x)", "https://e.org/a")
    assert parse_robots("User-agent: other\nDisallow: /\n").can_fetch("tracker/0.1 (+x)", "https://e.org/a")


def test_settings_out_of_range_are_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"fetch setting timeout, per_host is out of range"):
        FetchSettings(timeout=0, per_host=0)
    with pytest.raises(ConfigError, match=r"fetch setting timeout, crawl_budget is out of range"):
        FetchSettings(timeout=float("inf"), crawl_budget=float("nan"))
    with pytest.raises(ConfigError, match=r"fetch setting crawl_budget is out of range"):
        FetchSettings(crawl_budget=-1)
    assert FetchSettings(max_retries=0, backoff_base=0).max_retries == 0
