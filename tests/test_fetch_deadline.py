"""One wall-clock deadline per attempt and one budget per crawl, against the real fault server:
a server that trickles its headers one byte at a time is cut off, for crawls and webhooks alike."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from conftest import fixed_clock, party, source
from faultserver import TRICKLE_BYTES, TRICKLE_SECONDS, LoopbackOnly, fault_server
from tracker import pipeline
from tracker.config import Settings, WebhookConfig
from tracker.errors import TransportError
from tracker.fetch import Fetcher, FetchSettings
from tracker.webhooks import WebhookPolicy, post_webhooks

WHOLE_ANSWER = TRICKLE_BYTES * TRICKLE_SECONDS  # 20 s: what one attempt takes when nothing cuts it


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with fault_server() as base:
        yield base


def test_trickled_headers_are_cut_at_the_attempt_deadline(server: str) -> None:
    async def go() -> None:
        settings = FetchSettings(timeout=0.5, max_retries=1, backoff_base=0.01, respect_robots=False)
        async with Fetcher(settings, transport=LoopbackOnly()) as fetcher:
            await fetcher.fetch(f"{server}/trickle-headers")

    started = time.monotonic()
    with pytest.raises(TransportError, match=r"did not answer within 0\.5 s after 2 attempts"):
        asyncio.run(go())
    assert time.monotonic() - started < 5.0 < 2 * WHOLE_ANSWER  # two attempts of 0.5 s, not of 20 s


def test_the_crawl_budget_ends_a_crawl_of_slow_sources(server: str, tmp_path: Path) -> None:
    slow = [source(f"slow-{n}", f"{server}/trickle-headers?n={n}") for n in range(3)]
    settings = Settings(db_path=tmp_path / "catalog.db",
                        parties=(party("Slow", *slow), party("Quick", source("quick", f"{server}/good"))))
    settings = replace(settings, fetch=replace(settings.fetch, timeout=10.0, crawl_budget=1.5, max_retries=3,
                                               backoff_base=0.01, respect_robots=False))
    started = time.monotonic()
    summary = pipeline.run_crawl(settings, now=fixed_clock(), transport=LoopbackOnly())
    took = time.monotonic() - started
    assert took < 6.0 < WHOLE_ANSWER  # the budget, not the 10 s timeout or the 20 s answer, ended it
    outcomes = {o.name: o for o in summary.outcomes}
    assert outcomes["quick"].outcome == "new" and outcomes["quick"].new_entries == 2
    for n in range(3):
        error = outcomes[f"slow-{n}"].error
        assert "the crawl's 1.5 s budget ran out before" in error and "raise crawl_budget in [fetch]" in error


def test_a_spent_budget_fails_the_next_fetch_without_a_request() -> None:
    now = [0.0]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"ok")

    async def go() -> None:
        settings = FetchSettings(crawl_budget=60, respect_robots=False)
        async with Fetcher(settings, transport=httpx.MockTransport(handler), clock=lambda: now[0]) as fetcher:
            assert (await fetcher.fetch("https://example.org/first")).content == b"ok"
            now[0] = 60.0
            with pytest.raises(TransportError, match=r"budget ran out before https://example\.org/second answered;"):
                await fetcher.fetch("https://example.org/second")

    asyncio.run(go())
    assert [r.url.path for r in seen] == ["/first"]


def test_no_retry_waits_beyond_the_budget() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def go() -> None:
        settings = FetchSettings(crawl_budget=5, backoff_max=60, respect_robots=False)
        transport = httpx.MockTransport(lambda r: httpx.Response(503, headers={"retry-after": "30"}))
        async with Fetcher(settings, transport=transport, sleep=sleep) as fetcher:
            with pytest.raises(TransportError, match=r"budget ran out before https://example\.org/x answered after 1"):
                await fetcher.fetch("https://example.org/x")

    asyncio.run(go())
    assert slept == []  # a 30 s Retry-After does not fit in a 5 s budget


def test_a_webhook_trickling_its_answer_is_cut_at_the_deadline(server: str) -> None:
    slept: list[float] = []
    started = time.monotonic()
    (delivery,) = post_webhooks([WebhookConfig(f"{server}/trickle-headers", "slow")], {"text": "x"},
                                policy=WebhookPolicy(attempts=2, backoff=0.01, timeout=0.5), sleep=slept.append)
    took = time.monotonic() - started
    assert took < 5.0 < 2 * WHOLE_ANSWER
    assert not delivery.ok and delivery.attempts == 2 and "within 0.5 s" in delivery.error
    assert slept == [0.01]
