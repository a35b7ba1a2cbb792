"""The one place where httpx exceptions and final HTTP statuses become typed
``FetchError``s, each with one sentence that names the URL and the fix."""

from __future__ import annotations

from http import HTTPStatus

import httpx

from tracker.errors import FetchError, HttpStatusError, TransportError
from tracker.redact import redact_url, redact_urls

GITHUB_API_HOST = "api.github.com"


def is_transient(exc: BaseException) -> bool:
    """True for failures worth another attempt: timeouts, refused or dropped connections."""
    return isinstance(exc, (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError))


def _detail(exc: BaseException) -> str:
    text = redact_urls(str(exc).strip().splitlines()[0]) if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _after(attempts: int) -> str:
    return f" after {attempts} attempts" if attempts > 1 else ""


def to_fetch_error(exc: BaseException, url: str, *, attempts: int, timeout: float) -> FetchError:
    """The typed error for an exception raised while fetching ``url`` (shown without credentials)."""
    try:
        host = httpx.URL(url).host if url else ""
    except httpx.InvalidURL:
        host = ""
    raw, url = url, redact_url(url)
    tries = _after(attempts)
    if isinstance(exc, httpx.TimeoutException):
        return TransportError(
            f"{url} did not answer within {timeout:g} s{tries}; "
            "try again later or raise the fetch timeout",
            url=raw,
        )
    if isinstance(exc, httpx.ConnectError):
        return TransportError(
            f"cannot connect to {host} to fetch {url}{tries} ({_detail(exc)}); "
            "check the network and the url in config.toml",
            url=raw,
        )
    if isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError)):
        return TransportError(
            f"the connection to {host} broke while fetching {url}{tries} ({_detail(exc)}); "
            "try again later",
            url=raw,
        )
    if isinstance(exc, httpx.DecodingError):
        return TransportError(
            f"{url} sent a body that cannot be decompressed ({_detail(exc)}); "
            "try again later or report it to the site",
            url=raw,
        )
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return FetchError(f"{url} is not a valid http(s) url; fix it in config.toml", url=raw)
    return TransportError(
        f"fetching {url} failed{tries} ({type(exc).__name__}: {_detail(exc)}); try again later",
        url=raw,
    )


def _phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def status_error(url: str, status: int, *, attempts: int = 1) -> HttpStatusError:
    """The typed error for a final, unsuccessful HTTP ``status`` of ``url`` (shown without credentials)."""
    said = f"{redact_url(url)} returned {_phrase(status)}{_after(attempts)}"
    github = httpx.URL(url).host == GITHUB_API_HOST
    if status in (404, 410):
        advice = "the source may have moved: check its url in config.toml"
    elif status in (401, 403) and github:
        advice = "GitHub may be rate-limiting: set the GITHUB_TOKEN environment variable or try again later"
    elif status in (401, 403):
        advice = "the server refuses the crawler: check its url in config.toml or drop the source"
    elif status == 429:
        advice = "the server is rate-limiting: try again later or lower per_host"
    elif status >= 500:
        advice = "the server is failing: try again later"
    elif 300 <= status < 400:
        advice = "the redirect has no usable Location: point config.toml at the final url"
    else:
        advice = "check its url in config.toml"
    return HttpStatusError(f"{said}; {advice}", url=url, status=status)
