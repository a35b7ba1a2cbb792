"""RSS and Atom feeds -> one release per item, with entries from the item's HTML and true item lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.errors import ParseError
from tracker.parse.feeds import parse_feed
from tracker.parse.model import DatePrecision, EntryKind, ParsedDocument, ParseOptions

FIXTURES = Path(__file__).parent / "fixtures"
OPTIONS = ParseOptions(today=dt.date(2026, 11, 29))
RSS_URL = "https://lumen.example.com/news/rss.xml"
ATOM_URL = "https://nimbus.example.dev/changelog/feed.atom"


def parse(name: str, url: str = RSS_URL) -> ParsedDocument:
    return parse_feed((FIXTURES / "feeds" / name).read_bytes(), url=url, options=OPTIONS)


def test_rss_items_become_dated_releases() -> None:
    doc = parse("model_news.rss")
    assert [(r.title, r.date) for r in doc.releases] == [
        ("Introducing the Batch API for Lumen-3", dt.date(2026, 11, 26)),
        ("Lumen SDK v2.6.0: structured outputs everywhere", dt.date(2026, 11, 16)),
        ("How we evaluate long-context recall", dt.date(2026, 11, 3)),
    ]
    first = doc.releases[0]
    assert first.date_raw == "Thu, 26 Nov 2026 17:00:00 GMT"
    assert first.date_precision is DatePrecision.DAY
    assert doc.warnings == ()


def test_version_only_when_the_title_holds_one() -> None:
    assert [r.version for r in parse("model_news.rss").releases] == ["", "2.6.0", ""]


def test_item_links_are_kept_and_relative_ones_resolved_against_the_feed() -> None:
    urls = [r.url for r in parse("model_news.rss").releases]
    assert urls[0] == "https://lumen.example.com/news/batch-api"
    assert urls[1] == "https://lumen.example.com/news/sdk-2-6"


def test_title_then_paragraphs_and_list_items_are_entries() -> None:
    release = parse("model_news.rss").releases[0]
    assert [(e.text, e.kind) for e in release.entries] == [
        ("Introducing the Batch API for Lumen-3", EntryKind.FEATURE),
        ("Send up to 50,000 requests in one file and get results within 24 hours at half the price.", EntryKind.FEATURE),
        ("Batch jobs accept JSONL files up to 200 MB", EntryKind.FEATURE),
        ("Fixed a timeout when polling large batches", EntryKind.FIX),
    ]
    assert {e.context for e in release.entries} == {"Introducing the Batch API for Lumen-3"}


def test_plain_text_summary_is_one_entry() -> None:
    release = parse("model_news.rss").releases[2]
    assert [e.text for e in release.entries][1:] == [
        "A plain-text summary: we publish our needle-in-a-haystack harness and results for 1M-token prompts."
    ]


def test_entries_carry_the_line_where_their_rss_item_starts() -> None:
    lines = (FIXTURES / "feeds" / "model_news.rss").read_text().splitlines()
    assert lines[22].strip() == "<item>"
    doc = parse("model_news.rss")
    # The second item starts on line 23, after an "<item>" that sits inside CDATA on line 21.
    assert [r.line for r in doc.releases] == [10, 23, 31]
    assert {e.line for e in doc.releases[1].entries} == {23}


def test_atom_entries_use_published_date_and_html_sections() -> None:
    doc = parse("platform_changelog.atom", ATOM_URL)
    fallbacks, limits = doc.releases
    assert fallbacks.date == dt.date(2026, 11, 24)
    assert limits.date == dt.date(2026, 11, 19)  # no <published>: <updated> is the date
    assert fallbacks.url == "https://nimbus.example.dev/changelog/ai-gateway-fallbacks"
    by_text = {e.text: e for e in fallbacks.entries}
    configure = by_text["Configure an ordered list of providers per model"]
    assert (configure.section, configure.kind) == ("What's new", EntryKind.FEATURE)
    streaming = by_text["Streaming responses no longer drop the final usage chunk"]
    assert (streaming.section, streaming.kind) == ("Bug fixes", EntryKind.FIX)
    assert "What's new" not in by_text  # a category heading is a section, not news
    assert [r.line for r in doc.releases] == [9, 22]


def test_hostile_markup_is_plain_text_and_only_web_links_are_kept() -> None:
    doc = parse("hostile.rss", "https://feed.example.org/rss")
    voice = doc.releases[0]
    assert voice.title == "Realtime voice API"
    assert voice.url == ""  # javascript: link
    assert doc.releases[2].url == ""  # data: link
    assert [e.text for e in voice.entries] == [
        "Realtime voice API",
        "Low-latency speech in and out",
        "Voices can be cloned with consent",
    ]
    for release in doc.releases:
        for entry in release.entries:
            for bad in ("<", ">", "script", "onerror", "javascript", "cookie"):
                assert bad not in entry.text and bad not in entry.raw


def test_future_and_typo_dates_become_none_with_warnings() -> None:
    doc = parse("hostile.rss", "https://feed.example.org/rss")
    future, typo = doc.releases[1], doc.releases[2]
    assert (future.date, future.date_raw) == (None, "Tue, 05 Jan 2027 10:00:00 GMT")
    assert (typo.date, typo.date_raw) == (None, "Mon, 02 Nov 1513 10:00:00 GMT")
    assert typo.date_precision is DatePrecision.NONE
    assert len(doc.warnings) == 2
    assert "is in the future" in doc.warnings[0] and "year 1513" in doc.warnings[1]


def test_empty_feed_has_no_releases() -> None:
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    doc = parse_feed(data, url=RSS_URL, options=OPTIONS)
    assert doc.releases == () and doc.warnings == ()


def test_html_page_is_refused() -> None:
    data = (FIXTURES / "html" / "changelog_headings.html").read_bytes()
    with pytest.raises(ParseError, match="is an HTML page, not an RSS/Atom feed") as info:
        parse_feed(data, url="https://corvid.example.com/news", options=OPTIONS)
    assert info.value.url == "https://corvid.example.com/news"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is binary data, not an RSS/Atom feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1"', "is JSON, not an RSS/Atom feed"),
        (b"", "is empty"),
        (b"<body><p>Moved</p></body>", "is an HTML page"),
        (b"plain words & no feed at all <", "is not an RSS/Atom feed"),
    ],
)
def test_non_feeds_raise_parse_error(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_feed(data, url=RSS_URL, options=OPTIONS)


def test_bytes_that_look_like_a_path_are_never_opened(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes((FIXTURES / "feeds" / "model_news.rss").read_bytes())
    with pytest.raises(ParseError):
        parse_feed(str(feed).encode(), url=RSS_URL, options=OPTIONS)
