"""HTML changelog pages -> releases, by the heading heuristic, by <article>/<time>, or by selectors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.errors import ParseError
from tracker.parse.html_page import HtmlSelectors, parse_html_page
from tracker.parse.model import DatePrecision, EntryKind, ParsedDocument, ParsedRelease, ParseOptions

FIXTURES = Path(__file__).parent / "fixtures"
OPTIONS = ParseOptions(today=dt.date(2026, 11, 29))
PAGE = "https://corvid.example.com/docs/release-notes"
CARDS = HtmlSelectors(
    release=".release-card",
    title=".release-card__name",
    date=".release-card__date",
    entries=".release-card__body .item",
)


def parse(name: str, selectors: HtmlSelectors | None = None) -> ParsedDocument:
    data = (FIXTURES / "html" / name).read_bytes()
    return parse_html_page(data, url=PAGE, options=OPTIONS, selectors=selectors)


def texts(release: ParsedRelease) -> list[str]:
    return [e.text for e in release.entries]


def test_dated_headings_start_releases_and_month_groups_do_not() -> None:
    doc = parse("changelog_headings.html")
    assert [(r.title, r.date) for r in doc.releases] == [
        ("November 27, 2026", dt.date(2026, 11, 27)),
        ("November 18, 2026", dt.date(2026, 11, 18)),
        ("Corvid SDK 1.9.0 Oct 30", dt.date(2026, 10, 30)),  # date from <time datetime> inside the heading
        ("Console refresh", dt.date(2026, 10, 12)),  # date from the label right after the heading
        ("Workspace roles", None),
    ]
    assert doc.releases[0].date_precision is DatePrecision.DAY
    assert [r.version for r in doc.releases] == ["", "", "1.9.0", "", ""]


def test_list_items_and_paragraphs_are_entries_with_visible_text() -> None:
    first, second = parse("changelog_headings.html").releases[:2]
    assert texts(first) == [
        "We've launched citations for PDF inputs: answers now point at the page they came from.",
        "Fixed an issue where the console showed stale rate limits after a plan upgrade.",
    ]
    assert [e.kind for e in first.entries] == [EntryKind.FEATURE, EntryKind.FIX]
    assert texts(second)[0] == "The Message Batches API is now generally available."


def test_nested_headings_are_sections_and_nested_items_keep_their_parent() -> None:
    by_text = {e.text: e for e in parse("changelog_headings.html").releases[1].entries}
    child = by_text["Cancelled requests are not billed"]
    assert child.section == "Features"
    assert child.context == "Batches can be cancelled while in progress"
    race = by_text["Resolved a race that could return duplicate batch ids"]
    assert (race.section, race.kind) == ("Bug fixes", EntryKind.FIX)
    assert "Features" not in by_text and "Bug fixes" not in by_text


def test_line_numbers_are_true_page_lines() -> None:
    lines = (FIXTURES / "html" / "changelog_headings.html").read_text().splitlines()
    assert "Resolved a race" in lines[36]
    doc = parse("changelog_headings.html")
    race = next(e for e in doc.releases[1].entries if e.text.startswith("Resolved a race"))
    assert race.line == 37
    assert doc.releases[1].line == 25  # the <h3> of November 18


def test_chrome_scripts_and_text_before_the_first_release_are_ignored() -> None:
    all_text = " ".join(t for r in parse("changelog_headings.html").releases for t in texts(r))
    for noise in ("Pricing", "analytics", "Subscribe", "font-family", "newest first"):
        assert noise not in all_text


def test_future_date_is_rejected_with_a_warning() -> None:
    doc = parse("changelog_headings.html")
    roles = doc.releases[-1]
    assert (roles.date, roles.date_raw) == (None, "2031-10-01")
    assert doc.warnings == ("line 50: date '2031-10-01' rejected: 2031-10-01 is in the future",)


def test_release_url_is_the_heading_anchor() -> None:
    releases = parse("changelog_headings.html").releases
    assert releases[0].url == PAGE + "#2026-11-27"
    assert releases[2].url == ""  # no id to link to


def test_articles_with_time_elements_are_releases() -> None:
    doc = parse("articles.html")
    assert [(r.title, r.date, r.line) for r in doc.releases] == [
        ("Prompt caching for tool definitions", dt.date(2026, 11, 20), 12),
        ("Legacy completions endpoint deprecated", dt.date(2026, 11, 6), 25),
    ]
    caching, legacy = doc.releases
    assert texts(caching) == [
        "Prompt caching for tool definitions",
        "Tool definitions are now cached together with the rest of the prompt prefix.",
        "Cache hits are reported in the usage block of every response",
    ]
    assert caching.url == PAGE + "#update-2026-11-20"
    assert legacy.entries[-1].kind is EntryKind.BREAKING
    assert all("Introduction" not in t for t in texts(caching))  # the sidebar <nav>


def test_selectors_pick_releases_titles_dates_and_entries() -> None:
    doc = parse("selectors.html", CARDS)
    versioning, dashboards = doc.releases
    assert (versioning.title, versioning.date, versioning.line) == ("Dataset versioning", dt.date(2026, 11, 12), 6)
    fix = versioning.entries[-1]
    assert (fix.text, fix.kind, fix.line) == ("exports no longer drop columns with empty headers.", EntryKind.FIX, 11)
    assert fix.raw == "Fix: exports no longer drop columns with empty headers."
    assert (dashboards.date, dashboards.date_raw) == (None, "1513-11-03")
    assert doc.warnings == ("line 14: date '1513-11-03' rejected: year 1513 is before 2000",)


def test_hostile_markup_comes_out_as_plain_text() -> None:
    release = parse("hostile.html").releases[0]
    assert texts(release)[:3] == [
        "Realtime transcription in 40 languages",
        "Speaker labels in transcripts",
        "Read the guide for diarization setup",
    ]
    for entry in release.entries:
        for bad in ("<", ">", "onerror", "javascript", "evil.example", "document.", "color: red"):
            assert bad not in entry.text


def test_str_input_is_accepted() -> None:
    html = "<h2>2026-11-02</h2>\n<ul>\n<li>Support for image inputs</li>\n</ul>"
    release = parse_html_page(html, url=PAGE, options=OPTIONS).releases[0]
    assert (release.date, texts(release), release.entries[0].line) == (
        dt.date(2026, 11, 2), ["Support for image inputs"], 3
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "is binary data, not an HTML page"),
        (b'{"releases": []}', "is JSON, not an HTML page"),
        (b"Just words, no markup.", "is plain text, not an HTML page"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "is an RSS/Atom feed"),
        (
            b"<html><body><h1>About us</h1><p>We build tools.</p></body></html>",
            "no dated releases found on the page; set selectors for this source in config.toml",
        ),
    ],
)
def test_wrong_input_raises_parse_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_html_page(data, url=PAGE, options=OPTIONS)
    assert message in str(info.value)


def test_selector_that_matches_nothing_names_the_fix() -> None:
    with pytest.raises(ParseError, match="'.changelog-entry' matched nothing.*config.toml"):
        parse("selectors.html", HtmlSelectors(release=".changelog-entry"))


def test_invalid_selector_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="CSS selector for this source is invalid"):
        parse("selectors.html", HtmlSelectors(release="div[[["))
