"""The crawl step end to end against an injected HTTP transport and a temp catalog."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import httpx
import pytest

from conftest import fixed_clock, party, source
from tracker import pipeline
from tracker.sources import REGISTRY, changelog
from tracker.sources.base import SingleDocumentKind

V1 = """# Changelog

## 1.1.0 (2026-02-01)

### Features
* add prompt caching

## 1.0.0 (2026-01-01)

### Features
* initial release with tracing
"""
V2 = """# Changelog

## 1.2.0 (2026-03-01)

### Features
* add batch API
* add webhooks

## 1.1.0 (2026-02-01)

### Features
* add prompt caching

## 1.0.0 (2026-01-01)

### Features
* initial release with tracing
"""
UNDATED = "# Changelog\n\n## 2.0.0\n\n- feat: add session replay\n"


class Server:
    """A fake web: path -> body, with ETag support and scripted failures."""

    def __init__(self) -> None:
        self.bodies: dict[str, str] = {}
        self.failures: dict[str, list[httpx.Response]] = {}
        self.requests: list[httpx.Request] = []
        self.honour_etag = True

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == "/robots.txt":
            return httpx.Response(404)
        if self.failures.get(path):
            return self.failures[path].pop(0)
        if path not in self.bodies:
            return httpx.Response(404, text="not found")
        body = self.bodies[path]
        etag = f'"{abs(hash(body))}"'
        if self.honour_etag and request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={"etag": etag})
        return httpx.Response(200, text=body, headers={"etag": etag, "content-type": "text/markdown"})

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def rows(settings, sql: str, *params):  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(settings.db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def server() -> Server:
    return Server()


@pytest.fixture
def two_sources(make_settings):  # type: ignore[no-untyped-def]
    return make_settings(
        party("Acme", source("acme", "https://acme.test/CHANGELOG.md")),
        party("Bolt", source("bolt", "https://bolt.test/CHANGELOG.md"), kind="incumbent"),
        backoff_base=0.0, backoff_max=0.0,
    )


def crawl(settings, server, when=dt.datetime(2026, 11, 29, 6, 0)):  # type: ignore[no-untyped-def]
    return pipeline.run_crawl(settings, now=fixed_clock(when), transport=server.transport())


def test_a_broken_source_never_stops_or_corrupts_the_others(two_sources, server) -> None:  # type: ignore[no-untyped-def]
    server.bodies["/CHANGELOG.md"] = V1  # both hosts share the path; bolt fails below

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "bolt.test" and request.url.path != "/robots.txt":
            return httpx.Response(500, text="boom")
        return server(request)

    summary = pipeline.run_crawl(two_sources, now=fixed_clock(), transport=httpx.MockTransport(handler))
    assert [o.name for o in summary.ok] == ["acme"]
    (failed,) = summary.failed
    assert failed.name == "bolt" and "500" in failed.error and "\n" not in failed.error
    assert rows(two_sources, "SELECT COUNT(*) FROM entry")[0][0] == 2
    last_error, failing_since = rows(two_sources, "SELECT last_error, failing_since FROM source WHERE name='bolt'")[0]
    assert "500" in last_error and failing_since is not None
    assert rows(two_sources, "SELECT outcome FROM run")[0][0] == "partial"


def test_crawling_the_same_content_twice_adds_nothing_and_304_costs_no_parsing(two_sources, server, monkeypatch):  # type: ignore[no-untyped-def]
    server.bodies["/CHANGELOG.md"] = V1
    first = crawl(two_sources, server)
    assert first.new_entries == 4 and first.new_releases == 4
    parsed: list[str] = []

    def counting(result, src, options):  # type: ignore[no-untyped-def]
        parsed.append(result.url)
        return changelog.parse(result, src, options)

    monkeypatch.setitem(REGISTRY, "changelog", SingleDocumentKind("changelog", "*/*", counting))
    second = crawl(two_sources, server)
    assert second.new_entries == 0 and second.new_releases == 0
    assert parsed == []  # both answered 304 Not Modified
    assert {r.headers.get("if-none-match") for r in server.requests[-4:] if r.url.path != "/robots.txt"} != {None}
    server.honour_etag = False
    third = crawl(two_sources, server)
    assert third.new_entries == 0 and parsed == []  # same bytes again: the content hash says unchanged
    assert rows(two_sources, "SELECT COUNT(*) FROM entry")[0][0] == 4


def test_a_newer_copy_adds_only_what_is_new_and_moves_line_numbers(two_sources, server) -> None:  # type: ignore[no-untyped-def]
    server.bodies["/CHANGELOG.md"] = V1
    crawl(two_sources, server, dt.datetime(2026, 3, 1, 6, 0))
    old = dict(rows(two_sources, "SELECT text, line FROM entry WHERE source_id = 1"))
    server.bodies["/CHANGELOG.md"] = V2
    summary = crawl(two_sources, server, dt.datetime(2026, 3, 2, 6, 0))
    assert summary.new_releases == 2 and summary.new_entries == 4  # 1.2.0 with 2 entries, at both sources
    moved = dict(rows(two_sources, "SELECT text, line FROM entry WHERE source_id = 1"))
    assert moved["add prompt caching"] == old["add prompt caching"] + 6
    assert V2.split("\n")[moved["add prompt caching"] - 1] == "* add prompt caching"
    seen = dict(rows(two_sources, "SELECT text, first_seen_at FROM entry WHERE source_id = 1"))
    assert seen["add prompt caching"].startswith("2026-03-01") and seen["add batch API"].startswith("2026-03-02")


def test_retries_on_429_then_succeeds(two_sources, server) -> None:  # type: ignore[no-untyped-def]
    server.bodies["/CHANGELOG.md"] = V1
    server.failures["/CHANGELOG.md"] = [
        httpx.Response(429, headers={"retry-after": "0"}),
        httpx.Response(503, headers={"retry-after": "0"}),
    ]
    summary = crawl(two_sources, server)
    assert not summary.failed and summary.new_entries == 4


def test_undated_entries_are_dated_by_first_sight_and_flagged(make_settings, server) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(party("Acme", source("acme", "https://acme.test/CHANGELOG.md")))
    server.bodies["/CHANGELOG.md"] = UNDATED
    crawl(settings, server, dt.datetime(2026, 5, 4, 6, 0))
    assert rows(settings, "SELECT text, date, date_estimated FROM entry") == [("add session replay", "2026-05-04", 1)]
    assert rows(settings, "SELECT date, date_raw FROM release") == [(None, "")]
    crawl(settings, server, dt.datetime(2026, 6, 1, 6, 0))
    assert rows(settings, "SELECT date FROM entry") == [("2026-05-04",)]  # first sight, not last


def test_a_parser_crash_is_one_clear_error_on_that_source(two_sources, server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    server.bodies["/CHANGELOG.md"] = V1

    def explode(result, src, options):  # type: ignore[no-untyped-def]
        if "bolt" in result.url:
            raise RuntimeError("parser bug")
        return changelog.parse(result, src, options)

    monkeypatch.setitem(REGISTRY, "changelog", SingleDocumentKind("changelog", "*/*", explode))
    summary = crawl(two_sources, server)
    (failed,) = summary.failed
    assert failed.name == "bolt" and "internal error" in failed.error and "parser bug" in failed.error
    assert summary.ok[0].new_entries == 2


def test_mirror_replays_host_paths_and_reports_missing_urls(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mirror = tmp_path / "mirror"
    (mirror / "acme.test").mkdir(parents=True)
    (mirror / "acme.test" / "CHANGELOG.md").write_text(V1, encoding="utf-8")
    settings = make_settings(
        party("Acme", source("acme", "https://acme.test/CHANGELOG.md?plain=1")),
        party("Gone", source("gone", "https://gone.test/CHANGELOG.md")),
        mirror=mirror,
    )
    summary = pipeline.run_crawl(settings, now=fixed_clock())
    assert [o.name for o in summary.ok] == ["acme"] and summary.ok[0].new_entries == 2
    (skipped,) = summary.skipped  # offline, a URL the mirror lacks is skipped, not failed
    assert not summary.failed and (skipped.name, skipped.category) == ("gone", "offline")


def test_posts_folder_is_listed_through_the_git_tree_and_filtered_by_glob(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mirror = tmp_path / "mirror"
    tree = mirror / "api.github.com/repos/acme/docs/git/trees"
    tree.mkdir(parents=True)
    listing = {"sha": "HEAD", "truncated": False, "tree": [
        {"path": "changelog/2024-01-03-prompts.mdx", "type": "blob"},
        {"path": "changelog/2024-02-10-datasets.mdx", "type": "blob"},
        {"path": "changelog/images/shot.png", "type": "blob"},
        {"path": "blog/2024-01-01-hello.mdx", "type": "blob"},
    ]}
    (tree / "HEAD").write_text(json.dumps(listing), encoding="utf-8")
    posts = mirror / "raw.githubusercontent.com/acme/docs/HEAD/changelog"
    posts.mkdir(parents=True)
    (posts / "2024-01-03-prompts.mdx").write_text("---\ntitle: Prompt management\n---\n\nVersion your prompts.\n")
    (posts / "2024-02-10-datasets.mdx").write_text("---\ndate: 2024-02-11\ntitle: Datasets\n---\n\nUpload datasets.\n")
    settings = make_settings(
        party("Acme", source("acme-posts", "https://api.github.com/repos/acme/docs/git/trees/HEAD?recursive=1",
                             kind="posts", glob=("changelog/*.mdx",))),
        mirror=mirror,
    )
    summary = pipeline.run_crawl(settings, now=fixed_clock())
    assert not summary.failed and summary.new_releases == 2
    assert rows(settings, "SELECT date, title FROM release ORDER BY date") == [
        ("2024-01-03", "Prompt management"), ("2024-02-11", "Datasets"),
    ]
    again = pipeline.run_crawl(settings, now=fixed_clock())
    assert again.new_entries == 0 and again.ok[0].outcome == "unchanged"


def test_the_shipped_feed_release_and_html_sources_crawl_from_fixtures(tmp_path: Path) -> None:
    """Every github-releases, feed and html source of config.toml, served from our own fixtures."""
    from conftest import FIXTURES, ROOT
    from tracker.config import Overrides, load_settings

    settings = load_settings(Overrides(config=ROOT / "config.toml", db=tmp_path / "c.db", mirror=tmp_path), env={})
    fixture_for = {
        "github-releases": FIXTURES / "github" / "vllm_releases.json",
        "feed": FIXTURES / "feeds" / "model_news.rss",
        "html": FIXTURES / "html" / "changelog_headings.html",
    }
    chosen = [s for s in settings.sources() if s.kind in fixture_for]
    assert len(chosen) >= 10
    for s in chosen:
        path = tmp_path / s.url.split("://", 1)[1].split("?", 1)[0]
        target = path / "index.html" if s.url.endswith("/") else path  # the mirror serves index.html for folders
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(fixture_for[s.kind].read_bytes())
    summary = pipeline.run_crawl(settings, source_names=[s.name for s in chosen], now=fixed_clock())
    assert not summary.failed, [(o.name, o.error) for o in summary.failed]
    assert all(o.new_releases > 0 and o.new_entries > 0 for o in summary.ok), summary.ok


def test_a_redirect_from_a_public_source_to_a_metadata_address_is_refused(make_settings) -> None:  # type: ignore[no-untyped-def]
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if request.url.host == "changelog.example.com":
            return httpx.Response(302, headers={"location": "http://169.254.169.254/latest/meta-data/"})
        return httpx.Response(200, text=V1)  # what a metadata endpoint would leak

    for allow, expected in ((False, "error"), (True, "new")):
        settings = make_settings(party("Acme", source("acme", "https://changelog.example.com/CHANGELOG.md")),
                                 allow_private_redirects=allow, allow_link_local=allow)
        (outcome,) = pipeline.run_crawl(settings, now=fixed_clock(), transport=httpx.MockTransport(handler)).outcomes
        assert outcome.outcome == expected, outcome
        if not allow:
            assert outcome.category == "blocked" and "169.254.169.254" in outcome.error
        settings.db_path.unlink()
