"""GitHub releases JSON -> releases: versions from tags, dates, clean generated notes, JSON line numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.errors import ParseError
from tracker.parse.github_releases import parse_github_releases, version_from_tag
from tracker.parse.model import DatePrecision, EntryKind, ParsedDocument, ParsedRelease, ParseOptions

FIXTURES = Path(__file__).parent / "fixtures" / "github"
OPTIONS = ParseOptions(today=dt.date(2026, 11, 29))
API = "https://api.github.com/repos/vllm-project/vllm/releases"


def parse(name: str) -> ParsedDocument:
    return parse_github_releases((FIXTURES / name).read_bytes(), url=API, options=OPTIONS)


def texts(release: ParsedRelease) -> list[str]:
    return [e.text for e in release.entries]


def test_drafts_are_skipped_and_versions_come_from_tags() -> None:
    doc = parse("vllm_releases.json")
    assert [r.version for r in doc.releases] == ["0.8.1", "0.8.1rc1", "0.8.0"]
    assert doc.warnings == ()


def test_release_carries_date_url_and_title() -> None:
    release = parse("vllm_releases.json").releases[0]
    assert release.date == dt.date(2026, 11, 20)
    assert release.date_raw == "2026-11-20T18:30:12Z"
    assert release.date_precision is DatePrecision.DAY
    assert release.url == "https://github.com/vllm-project/vllm/releases/tag/v0.8.1"
    assert release.title == "v0.8.1"


def test_generated_notes_come_out_without_handles_or_pr_links() -> None:
    release = parse("vllm_releases.json").releases[0]
    assert "Add prefix-aware request router" in texts(release)
    assert "Fix crash when a LoRA adapter has no target modules" in texts(release)
    assert "Support response_format with JSON schema in the chat API" in texts(release)
    for text in texts(release):
        assert "@" not in text and "github.com" not in text and " by " not in text


def test_new_contributors_and_full_changelog_are_dropped() -> None:
    for release in parse("vllm_releases.json").releases:
        assert all(e.section != "New Contributors" for e in release.entries)
        assert not any("first contribution" in t or "Full Changelog" in t for t in texts(release))


def test_highlight_paragraphs_and_bullets_are_kept() -> None:
    release = parse("vllm_releases.json").releases[0]
    assert texts(release)[:3] == [
        "This release brings prefix-aware request routing and a much faster tokenizer pool.",
        "Prefix-aware routing for multi-replica deployments",
        "Tokenizer pool now runs in a separate process",
    ]
    assert release.entries[0].section == "Highlights"


def test_vllm_area_tags_set_scope_and_kind() -> None:
    by_text = {e.text: e for e in parse("vllm_releases.json").releases[0].entries}
    router = by_text["Add prefix-aware request router"]
    assert (router.scope, router.kind) == ("Core", EntryKind.FEATURE)
    assert by_text["Fix crash when a LoRA adapter has no target modules"].kind is EntryKind.FIX
    assert by_text["Update the quickstart for the OpenAI-compatible server"].kind is EntryKind.DOCS
    assert by_text["Bump the CUDA base image to 12.4"].kind is EntryKind.DEPS  # a version bump, even when tagged CI/Build


def test_pretty_printed_json_points_entries_at_the_body_line() -> None:
    lines = (FIXTURES / "vllm_releases.json").read_text().splitlines()
    assert lines[52].lstrip().startswith('"body": "## Highlights')
    assert lines[42].lstrip().startswith('"tag_name": "v0.8.1"')
    release = parse("vllm_releases.json").releases[0]
    assert release.line == 43
    assert {e.line for e in release.entries} == {53}
    assert {e.line for e in parse("vllm_releases.json").releases[2].entries} == {111}


def test_compact_json_numbers_entries_by_their_line_in_the_body() -> None:
    core = parse("langchain_releases_compact.json").releases[1]
    assert core.line == 1
    assert [(e.line, e.text) for e in core.entries] == [
        (3, "add astream_events v2 support for custom chat models"),
        (4, "fix tool-call chunk merging when ids are missing"),
        (5, "allow RunnableConfig to carry a max-concurrency hint"),
    ]


def test_langchain_package_tags_give_versions_scopes_and_kinds() -> None:
    doc = parse("langchain_releases_compact.json")
    assert [r.version for r in doc.releases] == ["0.2.10", "0.3.21"]
    openai, core = doc.releases
    assert not any(t.startswith("Changes since") for t in texts(openai))
    fix = core.entries[1]
    assert (fix.scope, fix.kind) == ("core", EntryKind.FIX)
    assert [e.kind for e in openai.entries] == [EntryKind.FEATURE, EntryKind.DOCS]


def test_future_and_typo_dates_are_rejected_with_warnings() -> None:
    doc = parse("odd_releases.json")
    future, typo = doc.releases[0], doc.releases[1]
    assert (future.date, future.date_raw, future.date_precision) == (None, "2027-01-05T08:00:00Z", DatePrecision.NONE)
    assert (typo.date, typo.date_raw) == (None, "1513-10-02T12:00:00Z")
    assert len(doc.warnings) == 2
    assert "in the future" in doc.warnings[0] and "@acme/sdk@2.4.0" in doc.warnings[0]
    assert "year 1513" in doc.warnings[1]


def test_title_falls_back_to_the_tag() -> None:
    assert parse("odd_releases.json").releases[0].title == "@acme/sdk@2.4.0"


def test_hostile_markup_comes_out_as_plain_text_and_bad_urls_are_dropped() -> None:
    release = parse("odd_releases.json").releases[2]
    assert release.url == ""
    assert "<" not in release.title and "script" not in release.title
    assert texts(release)[:2] == ["Add alert(1) sanitising to the uploader", "Support previews"]
    for text in texts(release):
        assert "<" not in text and ">" not in text and "javascript" not in text and "onerror" not in text


@pytest.mark.parametrize(
    ("tag", "version"),
    [
        ("v0.6.4", "0.6.4"),
        ("v0.8.1rc1", "0.8.1rc1"),
        ("langchain-core==0.3.1", "0.3.1"),
        ("pkg@1.2.3", "1.2.3"),
        ("@scope/pkg@1.2.3", "1.2.3"),
        ("release-v2.0.0-beta.1", "2.0.0-beta.1"),
        ("nightly", ""),
    ],
)
def test_version_from_tag(tag: str, version: str) -> None:
    assert version_from_tag(tag) == version


def test_empty_array_gives_no_releases() -> None:
    doc = parse_github_releases(b"[]\n", url=API, options=OPTIONS)
    assert doc.releases == () and doc.warnings == ()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<!DOCTYPE html><html><body>Sign in</body></html>", "expected a GitHub releases JSON array but got an HTML page"),
        ('{"message": "API rate limit exceeded for 203.0.113.7."}', "GitHub answered with an error instead of releases: API rate limit"),
        ('{"tag_name": "v1"}', "expected a GitHub releases JSON array but got a JSON dict"),
        ('[{"tag_name": "v1",', "not valid JSON"),
        ("", "the body is empty"),
        ('["v1.0.0", "v0.9.0"]', "expected GitHub release objects"),
    ],
)
def test_wrong_input_raises_a_clear_parse_error(body: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_github_releases(body, url=API, options=OPTIONS)
    assert message in str(info.value)
    assert info.value.url == API
