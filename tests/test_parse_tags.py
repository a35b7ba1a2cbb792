"""Dating undated version headers by git tags: the listing text and how its dates are applied."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.parse.markdown import parse_changelog
from tracker.parse.model import DatePrecision, DateSource, ParseOptions
from tracker.parse.tags import date_by_tags, read_tag_listing, tag_pattern

TODAY = dt.date(2026, 11, 29)

# The shape `git for-each-ref --sort=creatordate --format=...` prints: tag, creator date, object.
LISTING = "\n".join([
    "ai@3.0.0\t2025-01-05T09:00:00+00:00\t1111111111111111111111111111111111111111",
    "ai@3.0.1\t2025-01-20T23:30:00-05:00\t2222222222222222222222222222222222222222",
    "@ai-sdk/openai@3.0.1\t2025-01-21T10:00:00+00:00\t3333333333333333333333333333333333333333",
    "ai@3.1.0-beta.2\t2025-02-01T08:00:00+01:00\t4444444444444444444444444444444444444444",
    "ai@3.1.0\t2025-03-01T08:00:00+01:00\t5555555555555555555555555555555555555555",
    "ai@3.1.0\t2025-03-09T08:00:00+01:00\t6666666666666666666666666666666666666666",
    "ai@9.9.9\t2027-01-01T00:00:00+00:00\t7777777777777777777777777777777777777777",
    "not a listing line",
    "ai@3.2.0\tyesterday\t8888888888888888888888888888888888888888",
    "",
])

CHANGELOG = """# ai

## 9.9.9

- A release tagged in the future.

## 3.2.0

- Add agents.

## 3.1.0

- Add streaming.

## 3.1.0-beta.2

- Beta.

## 3.0.2

- Never tagged.

## 3.0.1 (2025-01-19)

- The header's own date wins.

## 3.0.0

- First.
"""


def test_the_listing_maps_versions_of_the_format_to_their_tags() -> None:
    tags = read_tag_listing(LISTING, "ai@{version}")
    assert sorted(tags) == ["3.0.0", "3.0.1", "3.1.0", "3.1.0-beta.2", "9.9.9"]
    assert tags["3.0.1"].tag == "ai@3.0.1"  # not the @ai-sdk/openai package's tag
    # The tagger's calendar day, as written (23:30 in New York is still the 20th there).
    assert tags["3.0.1"].date == dt.date(2025, 1, 20) and tags["3.0.1"].created == "2025-01-20T23:30:00-05:00"
    assert tags["3.1.0"].date == dt.date(2025, 3, 1)  # a re-tagged version keeps its first tag
    assert "3.2.0" not in tags  # an unreadable date dates nothing


@pytest.mark.parametrize(
    ("tag_format", "tag", "version"),
    [("v{version}", "v3.8.0", "3.8.0"), ("{version}", "2.68.0", "2.68.0"), ("{version}", "v2.0", None),
     ("release-{version}-final", "release-1.2-final", "1.2"), ("v{version}", "3.8.0", None),
     ("{version}", "latest", None)],
)
def test_tag_formats(tag_format: str, tag: str, version: str | None) -> None:
    m = tag_pattern(tag_format).match(tag)
    assert (m["version"] if m else None) == version


def test_a_format_without_exactly_one_version_field_is_refused() -> None:
    with pytest.raises(ValueError):
        tag_pattern("v{version}{version}")
    with pytest.raises(ValueError):
        tag_pattern("v1.0")


def test_undated_headers_take_their_tag_date_and_say_so() -> None:
    doc = parse_changelog(CHANGELOG, url="u", options=ParseOptions(today=TODAY))
    dating = date_by_tags(doc, read_tag_listing(LISTING, "ai@{version}"), today=TODAY)
    got = {r.version: r for r in dating.document.releases}
    assert got["3.1.0"].date == dt.date(2025, 3, 1)
    assert got["3.1.0"].date_source is DateSource.TAG and got["3.1.0"].date_precision is DatePrecision.DAY
    assert got["3.1.0"].date_raw == "tag ai@3.1.0 2025-03-01T08:00:00+01:00"  # the tag a reader can look up
    assert got["3.1.0-beta.2"].date == dt.date(2025, 2, 1)
    assert got["3.0.0"].date == dt.date(2025, 1, 5)
    # A header's own date is never replaced; it stays the header's.
    assert (got["3.0.1"].date, got["3.0.1"].date_source) == (dt.date(2025, 1, 19), DateSource.HEADER)
    # No tag, an unreadable tag date, or a tag in the future: the header stays undated, and is reported.
    for version in ("3.0.2", "3.2.0", "9.9.9"):
        assert got[version].date is None and got[version].date_source is DateSource.NONE
    assert dating.untagged == ("9.9.9", "3.2.0", "3.0.2") and dating.dated == 3
    # Entries and everything else stay as parsed.
    assert [r.entries for r in dating.document.releases] == [r.entries for r in doc.releases]
