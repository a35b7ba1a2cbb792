"""Markdown and MDX changelogs and posts, on fixtures written for these tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.parse.markdown import parse_changelog, parse_post, parse_release_body
from tracker.parse.model import DatePrecision, EntryKind, ParseOptions

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = ParseOptions(today=dt.date(2026, 11, 29))


def load(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def by_version(doc, version):  # type: ignore[no-untyped-def]
    return next(r for r in doc.releases if r.version == version)


def test_release_please_headers_dates_kinds_and_clean_text() -> None:
    doc = parse_changelog(load("changelogs/release-please.md"), url="https://x.test/CHANGELOG.md", options=TODAY)
    assert [(r.version, r.date) for r in doc.releases] == [
        ("2.4.0", dt.date(2026, 3, 14)),
        ("2.3.1", dt.date(2026, 2, 2)),
    ]
    rel = doc.releases[0]
    assert rel.url == "https://github.com/example-org/widget-sdk/compare/v2.3.1...v2.4.0"
    texts = {e.text: e for e in rel.entries}
    assert texts["add streaming tool calls"].kind is EntryKind.FEATURE
    assert texts["add streaming tool calls"].scope == "api"
    assert texts["add streaming tool calls"].section == "Features"
    # PR links, commit hashes and author handles are gone; the raw line keeps them.
    assert "support custom base URL" in texts
    assert "#812" in texts["add streaming tool calls"].raw
    assert texts["fix dropped final chunk"].kind is EntryKind.FIX
    assert texts["bump httpx from 0.27.0 to 0.28.1"].kind is EntryKind.DEPS
    assert texts["reformat generated code"].kind is EntryKind.CHORE
    breaking = {e.text: e.kind for e in doc.releases[1].entries}
    assert breaking["remove the deprecated legacy_complete method"] is EntryKind.BREAKING
    assert breaking["fix typo in README"] is EntryKind.DOCS


def test_entry_line_numbers_are_one_based_lines_of_the_document() -> None:
    text = load("changelogs/release-please.md")
    doc = parse_changelog(text, url="u", options=TODAY)
    lines = text.split("\n")
    for rel in doc.releases:
        assert lines[rel.line - 1].startswith("## ")
        for entry in rel.entries:
            assert lines[entry.line - 1] == entry.raw.split("\n")[0]


def test_keep_a_changelog_skips_unreleased_reads_us_dates_and_rejects_year_1513() -> None:
    doc = parse_changelog(load("changelogs/keep-a-changelog.md"), url="u", options=TODAY)
    versions = [r.version for r in doc.releases]
    assert "Unreleased" not in versions and "" not in versions
    assert all("nobody has shipped" not in e.text for r in doc.releases for e in r.entries)
    aws = by_version(doc, "1.5.43")
    assert aws.date == dt.date(2025, 9, 19) and aws.date_raw == "09/19/2025"
    assert [e.scope for e in aws.entries] == ["bedrockruntime", "ec2", "bedrockagent"]
    assert aws.entries[0].text == "Add prompt caching to the Converse API."
    changed = {e.text: e.kind for e in by_version(doc, "0.17.0").entries}
    # "Changed" is neutral: the leading verb decides.
    assert changed["Add vector search to the retrieval client"] is EntryKind.FEATURE
    assert changed["Fix the retry loop when the server closes early"] is EntryKind.FIX
    assert changed["Upgrade the TLS defaults"] is EntryKind.SECURITY
    typo = by_version(doc, "0.16.0")
    assert typo.date is None and typo.date_raw == "1513-05-07" and any("1513" in w for w in doc.warnings)


def test_header_styles_timestamp_plain_release_future_and_undated() -> None:
    doc = parse_changelog(load("changelogs/mixed-styles.md"), url="u", options=TODAY)
    got = [(r.version, r.date, r.date_raw) for r in doc.releases]
    assert got[0] == ("", dt.date(2024, 8, 7), "2024-08-07 14:25:13")
    assert got[1] == ("1.40.0", dt.date(2024, 8, 6), "2024-08-06")
    assert got[2] == ("0.9.0", dt.date(2024, 7, 1), "2024-07-01")
    assert got[3][0] == "0.8.0" and got[3][1] is None  # 2099 is in the future: rejected
    assert any("future" in w for w in doc.warnings)
    assert got[4] == ("0.7.0", None, "")
    assert got[5][1] == dt.date(2024, 2, 6)
    nested = doc.releases[1].entries
    assert [e.text for e in nested] == ["Batch inference jobs", "with a nested detail about S3 input"]
    assert nested[1].context == "Batch inference jobs"
    assert doc.releases[2].entries[0].kind is EntryKind.FEATURE  # "Added ..." under "API Changes"


def test_month_headings_take_the_year_from_the_file_name() -> None:
    doc = parse_changelog(
        load("changelogs/month-headings-2024.mdx"), url="https://x.test/changelog-2024.mdx", options=TODAY
    )
    assert [(r.date, r.date_precision) for r in doc.releases] == [
        (dt.date(2024, 12, 1), DatePrecision.MONTH),
        (dt.date(2024, 11, 1), DatePrecision.MONTH),
    ]
    december = {e.text: e for e in doc.releases[0].entries}
    # The nested "#### v2.0.1" label does not split the month into releases.
    assert december["Add red teaming for prompt injection."].kind is EntryKind.FEATURE
    assert december["Fix crash when the dataset is empty."].kind is EntryKind.FIX
    assert "December shipped the big release." in december


def test_mdx_update_blocks_are_releases_and_code_fences_cannot_hide_a_boundary() -> None:
    doc = parse_changelog(load("changelogs/updates.mdx"), url="u", options=TODAY)
    assert [(r.date, r.version) for r in doc.releases] == [
        (dt.date(2026, 8, 19), "3.2.0"),
        (dt.date(2026, 8, 17), ""),
    ]
    first = [e.text for e in doc.releases[0].entries]
    assert "Semantic caching" in first and "Cache hits are shown on every trace" in first
    assert doc.releases[1].title == "Trace filters"
    assert doc.releases[1].entries[0].text == "Trace filters"


def test_post_front_matter_title_paragraphs_and_headings_are_entries() -> None:
    url = "https://raw.githubusercontent.com/o/docs/HEAD/changelog/2024-02-05-session-replay.mdx"
    doc = parse_post(load("posts/2024-02-05-session-replay.mdx"), url=url, options=TODAY)
    (rel,) = doc.releases
    assert rel.date == dt.date(2024, 2, 5)
    entries = {e.text: e for e in rel.entries}
    title = entries["Session replay for multi-turn chats"]
    assert title.line == 3 and title.raw == "title: Session replay for multi-turn chats"
    assert entries["Traces that share a sessionId are now grouped into a session."].kind is EntryKind.FEATURE
    assert "Bookmark a session" in entries and "Other improvements" in entries
    assert not any("client.trace" in t for t in entries)  # code blocks are not entries


def test_post_dated_by_file_name_when_front_matter_has_none() -> None:
    url = "https://raw.githubusercontent.com/o/app/HEAD/docs/changelog/2025-10-21.mdx"
    (rel,) = parse_post(load("posts/2025-10-21.mdx"), url=url, options=TODAY).releases
    assert rel.date == dt.date(2025, 10, 21)
    entries = {e.text: e for e in rel.entries}
    assert entries["🚨 Alerts"].line == 6
    assert entries["Fix the date picker on Safari"].kind is EntryKind.FIX


def test_undated_post_has_no_date() -> None:
    (rel,) = parse_post("Just text.\n", url="https://x.test/v1.2.3/index.md", options=TODAY).releases
    assert rel.date is None and rel.version == "1.2.3"


def test_release_body_keeps_document_line_numbers() -> None:
    entries = parse_release_body("## What's new\n\n- Add webhooks\n- Fix a crash\n", first_line=41)
    assert [(e.text, e.line, e.kind) for e in entries] == [
        ("Add webhooks", 43, EntryKind.FEATURE),
        ("Fix a crash", 44, EntryKind.FIX),
    ]


@pytest.mark.parametrize(
    "text",
    ["", "no headers at all\njust prose\n", "\x00\x01binary", "# Title only\n", "```\nunclosed fence\n## 1.0.0 (2024-01-01)\n"],
)
def test_documents_without_releases_parse_to_nothing(text: str) -> None:
    assert parse_changelog(text, url="u", options=TODAY).releases == ()


def test_a_wrapped_bullet_keeps_all_its_lines_as_raw_and_its_first_line_number() -> None:
    text = "## 1.0.0 (2024-01-01)\n\n- Add semantic caching for\n  embeddings and chat completions\n- Fix a crash\n"
    first, second = parse_changelog(text, url="u", options=TODAY).releases[0].entries
    assert first.raw == "- Add semantic caching for\n  embeddings and chat completions" and first.line == 3
    assert first.text == "Add semantic caching for embeddings and chat completions"
    assert second.raw == "- Fix a crash" and second.line == 5


def test_enormous_lines_are_cut() -> None:
    doc = parse_changelog("## 1.0.0 (2024-01-01)\n- " + "word " * 100_000 + "\n", url="u", options=TODAY)
    assert len(doc.releases[0].entries[0].raw) <= 4000
