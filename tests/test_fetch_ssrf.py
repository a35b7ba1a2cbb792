"""Server-side request forgery from private origins, against the real fault server on 127.0.0.1.

The fetcher dials through ``LoopbackOnly``: if a check ever let a hop through to a private
or metadata address, the test sees it refused there, and no real machine is contacted.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from conftest import fixed_clock, party, source
from faultserver import FaultHandler, LoopbackOnly, fault_server
from tracker import pipeline
from tracker.config import Settings, WebhookConfig
from tracker.errors import BlockedError, FetchError
from tracker.fetch import Fetcher, FetchResult, FetchSettings
from tracker.webhooks import WebhookPolicy, post_webhooks


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with fault_server() as base:
        yield base


def fetch_local(url: str, **settings: object) -> tuple[FetchResult | FetchError, list[str]]:
    """Fetch ``url`` over loopback only; the result or the error, and what the guard refused."""
    guard = LoopbackOnly()

    async def go() -> FetchResult:
        options = {"respect_robots": False, "max_retries": 2, "backoff_base": 0.01, "timeout": 2.0, **settings}
        async with Fetcher(FetchSettings(**options), transport=guard) as fetcher:  # type: ignore[arg-type]
            return await fetcher.fetch(url)

    try:
        return asyncio.run(go()), guard.refused
    except FetchError as error:
        return error, guard.refused


@pytest.mark.parametrize(
    ("where", "words"),
    [
        ("/to-metadata", "169.254.169.254, a link-local or cloud metadata address"),
        ("/to/alibaba", "100.100.100.200, a link-local or cloud metadata address"),
        ("/to/metadata-v6", "fd00:ec2::254, a link-local or cloud metadata address"),
        ("/to/private", "redirects to another host 10.0.0.1, whose address 10.0.0.1 is not public"),
        ("/to/shared", "redirects to another host 100.64.0.1, whose address 100.64.0.1 is not public"),
        ("/to/localhost", "redirects to another host localhost"),
    ],
)
def test_a_loopback_source_may_not_redirect_to_another_private_host(server: str, where: str, words: str) -> None:
    outcome, refused = fetch_local(server + where)
    assert isinstance(outcome, BlockedError), outcome
    assert words in str(outcome) and refused == []
    assert FaultHandler.hits[where] == 1  # refused, not retried


@pytest.mark.parametrize("spelling", ["octal", "hex", "decimal"])
def test_an_odd_spelling_of_loopback_is_a_refused_private_address(server: str, spelling: str) -> None:
    outcome, refused = fetch_local(f"{server}/to/{spelling}")
    assert isinstance(outcome, BlockedError), outcome
    assert "spells the non-public address 127.0.0.1 in octal, hex or decimal; refusing it" in str(outcome)
    assert "try again" not in str(outcome) and refused == []
    assert FaultHandler.hits[f"/to/{spelling}"] == 1


def test_a_loopback_source_may_redirect_within_its_own_host(server: str) -> None:
    outcome, _ = fetch_local(f"{server}/to/same-host")
    assert isinstance(outcome, FetchResult) and outcome.final_url == f"{server}/good"


def test_allow_private_redirects_opens_private_hosts_but_not_metadata(server: str) -> None:
    outcome, _ = fetch_local(f"{server}/to/localhost", allow_private_redirects=True)
    assert isinstance(outcome, FetchResult) and outcome.content.startswith(b"# Changelog")
    outcome, refused = fetch_local(f"{server}/to-metadata", allow_private_redirects=True)
    assert isinstance(outcome, BlockedError) and "link-local" in str(outcome) and refused == []


def test_a_crawl_saves_nothing_from_a_metadata_redirect_and_refuses_a_metadata_source(
    server: str, tmp_path: Path
) -> None:
    settings = Settings(db_path=tmp_path / "catalog.db", parties=(party(
        "Sneaky",
        source("redirected", f"{server}/to-metadata"),
        source("direct", "http://169.254.169.254/latest/meta-data/"),
        source("fine", f"{server}/good"),
    ),))
    settings = replace(settings, fetch=replace(settings.fetch, respect_robots=False, timeout=2.0))
    guard = LoopbackOnly()
    summary = pipeline.run_crawl(settings, now=fixed_clock(), transport=guard)
    outcomes = {o.name: o for o in summary.outcomes}
    assert outcomes["redirected"].category == outcomes["direct"].category == "blocked"
    assert "http://169.254.169.254/latest/meta-data/ points at 169.254.169.254" in outcomes["direct"].error
    assert outcomes["fine"].new_entries == 2 and outcomes["redirected"].new_entries == 0
    assert guard.refused == []


# --- webhooks -------------------------------------------------------------------------------


def recording_client() -> tuple[httpx.Client, list[httpx.Request]]:
    posted: list[httpx.Request] = []
    return httpx.Client(transport=httpx.MockTransport(lambda r: posted.append(r) or httpx.Response(200))), posted


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/hook", "http://[fd00:ec2::254]/x",
                                 "http://0xa9fea9fe/x", "http://hooks.internal/services/T0/B0/secret"])
def test_a_webhook_at_a_metadata_address_is_never_posted(url: str) -> None:
    client, posted = recording_client()
    resolve = {"hooks.internal": ["169.254.169.254"]}.get
    (delivery,) = post_webhooks([WebhookConfig(url, "meta")], {"text": "x"}, client=client,
                                sleep=lambda _: None, resolve=lambda host: resolve(host, ["93.184.216.34"]))
    assert posted == [] and not delivery.ok and delivery.attempts == 0
    assert "link-local or cloud metadata; refused" in delivery.error and "secret" not in delivery.error


def test_allow_link_local_lets_a_metadata_webhook_through() -> None:
    client, posted = recording_client()
    (delivery,) = post_webhooks([WebhookConfig("http://169.254.169.254/hook")], {"text": "x"}, client=client,
                                policy=WebhookPolicy(allow_link_local=True))
    assert delivery.ok and len(posted) == 1


def test_a_webhook_on_loopback_is_posted_through_the_deadline_transport(server: str) -> None:
    (delivery,) = post_webhooks([WebhookConfig(f"{server}/good", "local")], {"text": "hello"})
    assert delivery.ok and delivery.status == 200
    assert json.loads(FaultHandler.posted[-1]) == {"text": "hello"}
