"""The ``Fetcher``: the project's only network code.

One async code path on ``httpx.AsyncClient``: conditional requests, retries with
backoff, one wall-clock deadline per attempt and one budget per crawl, a size cap,
sources and redirects checked hop by hop, robots.txt, global and per-host
concurrency limits, and offline replay from a mirror directory. Every failure
leaves as a typed ``FetchError`` (see ``classify``).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

import httpx

from tracker.errors import FetchError, TransportError
from tracker.redact import redact_url

from .addresses import Resolver, system_resolver
from .answer import Answer, to_result
from .body import read_capped
from .classify import GITHUB_API_HOST, is_transient, to_fetch_error
from .mirror import MirrorTransport, mirror_refusal
from .redirects import REDIRECT_STATUSES, RedirectPolicy
from .retry import RETRYABLE_STATUSES, backoff_delay, retry_delay
from .robots import RobotsCache
from .settings import FetchResult, FetchSettings, Validators

log = logging.getLogger(__name__)

DEFAULT_SETTINGS = FetchSettings()
RAW_LOCATION = "x-tracker-location"
"""Where a response's Location header is kept, unparsed: httpx would parse it (and fail on
``0177.0.0.1`` as a broken connection) before the redirect policy could judge it."""


async def _keep_location_raw(response: httpx.Response) -> None:
    if "location" in response.headers:
        response.headers[RAW_LOCATION] = response.headers["location"]
        del response.headers["location"]


class _BudgetTimeout(httpx.ReadTimeout):
    """An attempt cut short by the end of the crawl budget rather than by its own timeout."""


async def _no_resolver(host: str) -> list[str]:
    raise OSError("a mirror crawl resolves no names")


class Fetcher:
    """Fetches URLs politely and safely; use as ``async with Fetcher(...) as fetcher``.

    ``transport`` replaces the network (tests pass ``httpx.MockTransport``);
    ``mirror`` answers every URL from a directory instead (no robots, no retries).
    ``sleep``, ``clock``, ``resolver`` and ``jitter`` are seams for tests. The crawl
    budget starts when the fetcher is made: make one fetcher per crawl.
    """

    def __init__(
        self,
        settings: FetchSettings = DEFAULT_SETTINGS,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        mirror: Path | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        resolver: Resolver = system_resolver,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        if transport is not None and mirror is not None:
            raise ValueError("Fetcher takes a transport or a mirror, not both")
        self.settings = settings
        self._mirror = MirrorTransport(mirror) if mirror is not None else None
        self._sleep, self._clock, self._jitter = sleep, clock, jitter
        self._retries = 0 if self._mirror is not None else settings.max_retries
        self._budget_end = clock() + settings.crawl_budget
        self._client = httpx.AsyncClient(
            transport=self._mirror if self._mirror is not None else transport,
            timeout=httpx.Timeout(settings.timeout),
            limits=httpx.Limits(max_connections=settings.max_connections),
            follow_redirects=False,
            # proxies from the environment would route around an injected transport
            trust_env=transport is None and mirror is None,
            headers={"user-agent": settings.user_agent},
            event_hooks={"response": [_keep_location_raw]},
        )
        self._slots = asyncio.Semaphore(settings.max_connections)
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._redirects = RedirectPolicy(
            max_redirects=settings.max_redirects,
            allow_private=settings.allow_private_redirects,
            allow_link_local=settings.allow_link_local,
            resolver=resolver if self._mirror is None else _no_resolver,
        )
        self._robots = (
            RobotsCache(self._load_robots, user_agent=settings.user_agent)
            if settings.respect_robots and self._mirror is None
            else None
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self, url: str, *, validators: Validators | None = None, accept: str = "*/*"
    ) -> FetchResult:
        """Fetch ``url``; a 304 to the ``validators`` gives ``not_modified=True``.

        Raises a FetchError subclass whose message names the URL and the fix.
        """
        return await self._fetch(
            url, validators=validators or Validators(), accept=accept, retries=self._retries, robots=True
        )

    async def fetch_pages(
        self, url: str, *, max_pages: int = 10, accept: str = "application/vnd.github+json"
    ) -> list[FetchResult]:
        """Fetch ``url`` and the pages its Link rel="next" headers chain to, up to ``max_pages``.

        When the cap stops the walk, the last page's ``link_next`` is still set.
        """
        pages: list[FetchResult] = []
        seen: set[str] = set()
        next_url = url
        while next_url and next_url not in seen and len(pages) < max_pages:
            seen.add(next_url)
            page = await self.fetch(next_url, accept=accept)
            pages.append(page)
            next_url = page.link_next
        return pages

    async def _fetch(
        self, url: str, *, validators: Validators, accept: str, retries: int, robots: bool
    ) -> FetchResult:
        chain = [_parse_url(url)]
        await self._redirects.check_source(chain[0])
        while True:
            target = chain[-1]
            if robots and self._robots is not None and target.host != GITHUB_API_HOST:
                await self._robots.check(target)
            answer = await self._send(target, self._headers(target, validators, accept), retries)
            location = answer.headers.get(RAW_LOCATION, "")
            if answer.status not in REDIRECT_STATUSES or not location:
                return self._result(url, answer, validators)
            chain.append(await self._redirects.next_hop(chain, location))

    def _headers(self, target: httpx.URL, validators: Validators, accept: str) -> dict[str, str]:
        headers = {"accept": accept}
        if validators.etag:
            headers["if-none-match"] = validators.etag
        if validators.last_modified:
            headers["if-modified-since"] = validators.last_modified
        token = self.settings.github_token
        if token and target.scheme == "https" and target.host == GITHUB_API_HOST:
            headers["authorization"] = f"Bearer {token}"
        return headers

    def _budget_left(self) -> float:
        return self._budget_end - self._clock()

    def _out_of_budget(self, target: httpx.URL, attempts: int) -> TransportError:
        tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}" if attempts else ""
        return TransportError(
            f"the crawl's {self.settings.crawl_budget:g} s budget ran out before {redact_url(str(target))} "
            f"answered{tries}; raise crawl_budget in [fetch] or find the slow source",
            url=str(target),
        )

    async def _send(self, target: httpx.URL, headers: dict[str, str], retries: int) -> Answer:
        """One hop, retried on transient failures and retryable statuses, within the crawl budget."""
        attempt = 0
        while True:
            if self._budget_left() <= 0:
                raise self._out_of_budget(target, attempt)
            try:
                answer = await self._attempt(target, headers)
            except httpx.HTTPError as exc:
                spent = isinstance(exc, httpx.TimeoutException) and self._budget_left() <= 0
                if isinstance(exc, _BudgetTimeout) or spent:
                    raise self._out_of_budget(target, attempt + 1) from exc
                if attempt >= retries or not is_transient(exc):
                    raise to_fetch_error(
                        exc, str(target), attempts=attempt + 1, timeout=self.settings.timeout
                    ) from exc
                delay = backoff_delay(
                    attempt, base=self.settings.backoff_base, cap=self.settings.backoff_max, jitter=self._jitter()
                )
                log.info("retrying %s in %.1f s after %s", redact_url(str(target)), delay, type(exc).__name__)
            else:
                if answer.status not in RETRYABLE_STATUSES or attempt >= retries:
                    return replace(answer, attempts=attempt + 1)
                delay = retry_delay(
                    answer.status,
                    answer.headers,
                    attempt,
                    base=self.settings.backoff_base,
                    cap=self.settings.backoff_max,
                    jitter=self._jitter(),
                    now=datetime.now(UTC),
                )
                log.info("retrying %s in %.1f s after status %d", redact_url(str(target)), delay, answer.status)
            if delay >= self._budget_left():
                raise self._out_of_budget(target, attempt + 1)
            await self._sleep(delay)
            attempt += 1

    async def _attempt(self, target: httpx.URL, headers: dict[str, str]) -> Answer:
        """One request under one wall-clock deadline covering connect, headers and body.

        httpx's own timeouts bound each socket operation, so a server dripping a byte
        at a time (headers included) would never trip them; ``asyncio.timeout`` does.
        """
        host_slot = self._host_slots.setdefault(target.host, asyncio.Semaphore(self.settings.per_host))
        async with self._slots, host_slot:
            # The clock starts when the request leaves, not while it waits for a free slot.
            limit = min(self.settings.timeout, self._budget_left())
            deadline = self._clock() + limit
            request = self._client.build_request("GET", target, headers=headers)
            try:
                async with asyncio.timeout(max(limit, 0.0)):
                    return await self._exchange(request, target, deadline)
            except TimeoutError:
                cut = _BudgetTimeout if limit < self.settings.timeout else httpx.ReadTimeout
                raise cut(f"no complete answer within {limit:g} s", request=request) from None

    async def _exchange(self, request: httpx.Request, target: httpx.URL, deadline: float) -> Answer:
        response = await self._client.send(request, stream=True)
        try:
            content = b""
            if 200 <= response.status_code < 300:
                content = await read_capped(
                    response,
                    url=str(target),
                    max_bytes=self.settings.max_bytes,
                    deadline=deadline,
                    clock=self._clock,
                )
            return Answer(response.url, response.status_code, response.headers, content)
        finally:
            await response.aclose()

    def _result(self, url: str, answer: Answer, validators: Validators) -> FetchResult:
        if self._mirror is not None:
            refusal = mirror_refusal(self._mirror, url, answer.headers, answer.url)
            if refusal is not None:
                raise refusal
        return to_result(url, answer, validators)

    async def _load_robots(self, robots_url: str) -> str | None:
        """robots.txt text, or None (allow everything) when it is missing or unreachable."""
        try:
            result = await self._fetch(
                robots_url, validators=Validators(), accept="text/plain, */*", retries=0, robots=False
            )
        except FetchError as exc:
            log.debug("no usable robots.txt at %s: %s", robots_url, exc)
            return None
        return result.content.decode("utf-8", errors="replace")


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise to_fetch_error(exc, url, attempts=1, timeout=0) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchError(f"{redact_url(url)} is not an http(s) url; fix it in config.toml", url=url)
    return parsed.copy_with(fragment=None)
