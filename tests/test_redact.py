"""Credentials in URLs never reach a screen, a file or a chat: redact_url, and every place a URL is shown."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import fixed_clock, party, source
from faultserver import LoopbackOnly, fault_server
from tracker import pipeline
from tracker.cli.crawl_cmd import crawl_summary_lines
from tracker.config import Settings, read_file
from tracker.crawl import CrawlSummary, SourceOutcome
from tracker.digest import Digest, FeatureNews, SourceProblem, digest_html, digest_markdown
from tracker.errors import ConfigError, FetchError
from tracker.fetch import Fetcher, FetchSettings
from tracker.redact import redact_url, redact_urls
from tracker.catalog.runs import failing_sources
from tracker.status import failing_table_row
from tracker.webhooks import slack_payload


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:hunter2@example.org/a", "https://REDACTED@example.org/a"),
        ("https://ghp_abc123@github.com/o/r", "https://REDACTED@github.com/o/r"),
        ("https://e.org/feed?token=abc&page=2", "https://e.org/feed?token=REDACTED&page=2"),
        ("https://e.org/x?access_token=a&api_key=b&apikey=c&Password=d&sig=e",
         "https://e.org/x?access_token=REDACTED&api_key=REDACTED&apikey=REDACTED&Password=REDACTED&sig=REDACTED"),
        ("https://b.s3.amazonaws.com/k?X-Amz-Signature=f00&X-Amz-Credential=AK%2F1&X-Amz-Date=20260101",
         "https://b.s3.amazonaws.com/k?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&X-Amz-Date=20260101"),
        ("https://e.org/cb#access_token=xyz&state=1", "https://e.org/cb#access_token=REDACTED&state=1"),
        ("https://e.org/changelog?page=2&per_page=100#v1.2", "https://e.org/changelog?page=2&per_page=100#v1.2"),
        ("https://e.org/x?secret=", "https://e.org/x?secret="),
        ("http://[::1/x?token=1", "http://[::1/x?token=1"),  # unparseable, and nothing before an "@" to hide
        ("http://a:b@[::1/x", "http://REDACTED@[::1/x"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown
    assert redact_url(shown) == shown  # redacting twice changes nothing


def test_redact_urls_in_a_sentence_keeps_the_sentence() -> None:
    text = ("https://e.org/a?token=abc returned 404 Not Found; see (https://u:p@e.org/b?key=1). "
            "Nothing else: token=abc outside a URL is prose.")
    assert redact_urls(text) == (
        "https://e.org/a?token=REDACTED returned 404 Not Found; see (https://REDACTED@e.org/b?key=REDACTED). "
        "Nothing else: token=abc outside a URL is prose."
    )


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with fault_server() as base:
        yield base


def fetch_error(url: str) -> FetchError:
    async def go() -> None:
        async with Fetcher(FetchSettings(respect_robots=False, max_retries=0), transport=LoopbackOnly()) as fetcher:
            await fetcher.fetch(url)

    with pytest.raises(FetchError) as caught:
        asyncio.run(go())
    return caught.value


def test_fetch_errors_never_show_credentials(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    not_found = fetch_error(f"{server}/status/404?token=s3cr3t&page=2")
    assert str(not_found).startswith(f"{server}/status/404?token=REDACTED&page=2 returned 404 Not Found")
    big = fetch_error(f"http://bob:s3cr3t@127.0.0.1:{port}/status/503?sig=s3cr3t")
    assert f"http://REDACTED@127.0.0.1:{port}/status/503?sig=REDACTED returned 503" in str(big)
    redirected = fetch_error(f"{server}/to/private?access_token=s3cr3t")
    assert "access_token=REDACTED" in str(redirected)
    for error in (not_found, big, redirected):
        assert "s3cr3t" not in str(error)


def test_crawl_summary_and_status_never_show_credentials(server: str, tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "catalog.db",
                        parties=(party("Acme", source("feed", f"{server}/status/410?api_key=s3cr3t")),))
    settings = replace(settings, fetch=replace(settings.fetch, respect_robots=False, max_retries=0))
    summary = pipeline.run_crawl(settings, now=fixed_clock(), transport=LoopbackOnly())
    # A message made outside the fetch layer (or saved before redaction existed) is redacted where it is shown.
    made_elsewhere = SourceOutcome("other", "Acme", "error", error=f"no releases in {server}/x?token=s3cr3t",
                                   category="parse", warnings=())
    lines = crawl_summary_lines(CrawlSummary(1, [*summary.outcomes, made_elsewhere]), mirror=None)
    assert "api_key=REDACTED" in "\n".join(lines) and "token=REDACTED" in "\n".join(lines)
    with sqlite3.connect(settings.db_path) as conn:
        conn.execute("UPDATE source SET last_error = ?", (f"old error for {server}/x?password=s3cr3t",))
    conn.close()
    with sqlite3.connect(settings.db_path) as conn:
        (failing,) = failing_sources(conn)
    conn.close()
    assert failing_table_row(failing)["last error"] == f"old error for {server}/x?password=REDACTED"
    assert "s3cr3t" not in "\n".join(lines)


def digest_with_secrets() -> Digest:
    feature = FeatureNews("f", "Prompt caching", "c", "Acme", dt.date(2026, 1, 10), False, "add prompt caching",
                          "https://acme.test/CHANGELOG.md?token=s3cr3t#L3", 1)
    problem = SourceProblem("feed", "Acme", "https://u:s3cr3t@acme.test/feed returned 403 Forbidden", "2026-01-01",
                            True)
    return Digest(dt.datetime(2026, 11, 29, 6, 0), 1, 1, 1, 1, (feature,), (), (problem,))


def test_digest_and_slack_payload_never_show_credentials() -> None:
    digest = digest_with_secrets()
    markdown, html, slack = digest_markdown(digest), digest_html(digest), str(slack_payload(digest))
    for shown in (markdown, html, slack):
        assert "s3cr3t" not in shown
        assert "https://acme.test/CHANGELOG.md?token=REDACTED#L3" in shown
    assert "REDACTED@acme.test/feed returned 403" in markdown and "REDACTED@acme.test/feed returned 403" in slack


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_config_refuses_a_password_in_a_source_url(tmp_path: Path) -> None:
    path = write_config(tmp_path, """
[[party]]
name = "Acme"
kind = "startup"
category = "llm-serving"
[[party.source]]
kind = "changelog"
url = "https://bot:hunter2@acme.test/CHANGELOG.md?page=1"
""")
    with pytest.raises(ConfigError) as caught:
        read_file(path, Settings())
    message = str(caught.value)
    assert "'https://REDACTED@acme.test/CHANGELOG.md?page=1' carries a user name or password" in message
    assert "in the environment instead (as GITHUB_TOKEN is for GitHub)" in message and "hunter2" not in message


def test_config_refuses_a_password_in_a_webhook_url_but_not_an_at_sign_in_its_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="webhook #1: url 'https://REDACTED@hooks.test/x' carries a user name"):
        read_file(write_config(tmp_path, '[[webhook]]\nurl = "https://me:pw@hooks.test/x"\n'), Settings())
    settings = read_file(write_config(tmp_path, '[[webhook]]\nurl = "https://hooks.test/to/@team?x=a@b"\n'),
                         Settings())
    assert settings.webhooks[0].url == "https://hooks.test/to/@team?x=a@b"
