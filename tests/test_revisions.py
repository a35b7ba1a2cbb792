"""Evidence links pin the commit a GitHub file was fetched at, when the API names it; when it
cannot, nothing fails and the link says the line may have moved."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing

import httpx
import pytest

from conftest import fixed_clock, party, source
from tracker import pipeline
from tracker.evidence import evidence_url
from tracker.sources.revisions import commit_api_url

RAW = "https://raw.githubusercontent.com/acme/sdk/HEAD/CHANGELOG.md"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
CHANGELOG = "# Changelog\n\n## 1.1.0 (2026-03-01)\n\n* add prompt caching\n\n## 1.0.0 (2026-01-01)\n\n* add tracing\n"


@pytest.mark.parametrize(("url", "api"), [
    (RAW, "https://api.github.com/repos/acme/sdk/commits/HEAD"),
    ("https://raw.githubusercontent.com/acme/sdk/main/docs/changelog.md",
     "https://api.github.com/repos/acme/sdk/commits/main"),
    (f"https://raw.githubusercontent.com/acme/sdk/{COMMIT}/CHANGELOG.md", ""),  # already pinned
    ("https://acme.test/CHANGELOG.md", ""),
    ("https://raw.githubusercontent.com/acme", ""),
])
def test_which_urls_have_a_commit_to_ask_for(url: str, api: str) -> None:
    assert commit_api_url(url) == api


def crawl(make_settings, answer_commit):  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.host == "api.github.com":
            assert request.headers["accept"] == "application/vnd.github.sha"
            return answer_commit()
        return httpx.Response(200, text=CHANGELOG)

    settings = make_settings(party("Acme", source("acme", RAW), source("acme-again", RAW.replace("CHANGELOG", "NEWS"))),
                             respect_robots=False)
    summary = pipeline.run_crawl(settings, now=fixed_clock(dt.datetime(2026, 11, 29, 6)),
                                 transport=httpx.MockTransport(handler))
    with closing(sqlite3.connect(settings.db_path)) as conn:
        revisions = dict(conn.execute("SELECT url, revision FROM fetch").fetchall())
    return summary, revisions, asked


def test_a_raw_github_file_records_the_commit_it_was_fetched_at(make_settings) -> None:  # type: ignore[no-untyped-def]
    summary, revisions, asked = crawl(make_settings, lambda: httpx.Response(200, text=COMMIT + "\n"))
    assert not summary.failed and revisions[RAW] == COMMIT
    assert sum("api.github.com" in u for u in asked) == 1  # one lookup per repository, not per file
    link = evidence_url(RAW, 5, "", revisions[RAW])
    assert link == f"https://github.com/acme/sdk/blob/{COMMIT}/CHANGELOG.md#L5"


@pytest.mark.parametrize("answer", [lambda: httpx.Response(404), lambda: httpx.Response(200, text="<html>"),
                                    lambda: httpx.Response(403, text="rate limited")])
def test_without_a_commit_the_source_is_still_read_and_the_link_opens_head(make_settings, answer) -> None:  # type: ignore[no-untyped-def]
    summary, revisions, _ = crawl(make_settings, answer)
    assert not summary.failed and [o.new_entries for o in summary.ok] == [2, 2]
    assert revisions[RAW] == ""
    assert evidence_url(RAW, 5, "", revisions[RAW]) == "https://github.com/acme/sdk/blob/HEAD/CHANGELOG.md#L5"
