"""Webhooks: a real local HTTP server receives the Slack JSON; failures are retried, logged, and harmless."""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import fixed_clock
from dailykit import DAY1, daily_settings, fake_report, make_mirror
from tracker.config import WebhookConfig
from tracker.daily import run_daily
from tracker.digest import CopyNews, Digest, FeatureNews
from tracker.webhooks import SECTION_CHARS, post_webhooks, slack_link, slack_payload


class Hook:
    """A local webhook receiver: records every POST, answers with scripted statuses (then 200)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.statuses: list[int] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = self.rfile.read(int(self.headers["content-length"]))
                hook.received.append(json.loads(body))
                hook.headers.append(dict(self.headers))
                status = hook.statuses.pop(0) if hook.statuses else 200
                self.send_response(status)
                if status == 429:
                    self.send_header("retry-after", "2")
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T000/B000/s3cr3t"


@pytest.fixture
def hook() -> Iterator[Hook]:
    receiver = Hook()
    thread = threading.Thread(target=receiver.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
    thread.join()


def digest() -> Digest:
    feature = FeatureNews("prompt-caching", "Prompt caching", "llm-serving", "Acme", dt.date(2026, 1, 10), False,
                          "add <b>prompt</b> caching & more", "https://acme.test/CHANGELOG.md", 2)
    copy = CopyNews("prompt-caching", "Prompt caching", "Bolt", "Acme", 69, False, dt.date(2026, 3, 20),
                    "Prompt caching|now > GA", "https://bolt.test/docs/changelog.md")
    return Digest(dt.datetime(2026, 11, 29, 6, 0), 3, 0, 5, 9, (feature,), (copy,))


def test_the_digest_is_posted_as_slack_json(hook: Hook) -> None:
    slept: list[float] = []
    (delivery,) = post_webhooks([WebhookConfig(hook.url, "team")], slack_payload(digest()), sleep=slept.append)
    assert delivery.ok and delivery.status == 200 and delivery.attempts == 1 and slept == []
    (payload,) = hook.received
    assert hook.headers[0]["Content-Type"] == "application/json"
    assert payload["text"].startswith("*tracker digest — 2026-11-29*")
    assert "add &lt;b&gt;prompt&lt;/b&gt; caching &amp; more" in payload["text"]
    assert "<https://acme.test/CHANGELOG.md|add &lt;b&gt;prompt&lt;/b&gt; caching &amp; more>" in payload["text"]
    assert "Bolt followed Acme after 69 days" in payload["text"]
    assert [b["type"] for b in payload["blocks"]] == ["header", "section", "section", "section"]


def test_a_failing_webhook_is_retried_with_backoff_then_logged(hook: Hook, caplog) -> None:  # type: ignore[no-untyped-def]
    hook.statuses = [500, 503, 500]
    slept: list[float] = []
    (delivery,) = post_webhooks([WebhookConfig(hook.url)], {"text": "x"}, sleep=slept.append)
    assert not delivery.ok and delivery.attempts == 3 and delivery.error == "HTTP 500"
    assert len(hook.received) == 3 and slept == [1.0, 2.0]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "webhook 127.0.0.1: not delivered after 3 attempts (HTTP 500)" in errors[0].getMessage()
    assert "s3cr3t" not in caplog.text  # a webhook URL is a secret


def test_429_waits_as_told_and_a_4xx_is_not_retried(hook: Hook) -> None:
    hook.statuses = [429, 404]
    slept: list[float] = []
    (delivery,) = post_webhooks([WebhookConfig(hook.url)], {"text": "x"}, sleep=slept.append)
    assert slept == [2.0] and not delivery.ok and delivery.attempts == 2 and delivery.status == 404


def test_an_unreachable_webhook_is_retried_and_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    slept: list[float] = []
    (delivery,) = post_webhooks([WebhookConfig(f"http://127.0.0.1:{port}/hook", "down")], {"text": "x"},
                                sleep=slept.append)
    assert not delivery.ok and delivery.attempts == 3 and delivery.status == 0 and "ConnectError" in delivery.error


def test_a_webhook_answering_500_never_fails_the_run(hook: Hook, tmp_path: Path) -> None:
    hook.statuses = [500, 500, 500]
    settings = daily_settings(tmp_path, mirror=make_mirror(tmp_path / "mirror"), webhooks=(WebhookConfig(hook.url),))
    summary = run_daily(settings, now=fixed_clock(DAY1), report=fake_report, sleep=lambda _: None)
    assert summary.outcome == "ok" and len(hook.received) == 3
    assert hook.received[0]["text"].count("• ") == 4  # four new launches; Bolt had prompt caching at start: no copy
    assert summary.deliveries[0].error == "HTTP 500"


def test_slack_links_and_long_digests_stay_within_slack_limits() -> None:
    assert slack_link("https://x.test/a|b>c", "a > b | c") == "<https://x.test/a%7Cb%3Ec|a &gt; b ¦ c>"
    assert slack_link("javascript:alert(1)", "<b>") == "&lt;b&gt;"
    many = tuple(FeatureNews(f"f{i}", f"Feature {i}", "c", "Acme", dt.date(2026, 1, 1), False, "x" * 400,
                             "https://acme.test/", 1) for i in range(40))
    payload = slack_payload(Digest(dt.datetime(2026, 11, 29), features=many))
    assert "… and 25 more in the report" in payload["text"]
    assert all(len(b["text"]["text"]) <= SECTION_CHARS for b in payload["blocks"] if b["type"] == "section")
    assert len(payload["blocks"]) <= 50
