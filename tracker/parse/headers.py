"""Recognise release headers: `## [1.2.3](url) (2024-08-14)`, `## Release v0.133.0 (…)`,
`## [1.5.43] - 09/19/2025`, `## 2024-08-07 14:25:13`, `## December` (under a year), `## 3.8.0`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tracker.parse.clean import strip_markup
from tracker.parse.dates import FoundDate, find_date
from tracker.parse.model import DatePrecision, DateSource

_LINK_TARGET = re.compile(r"\]\((https?://[^)\s]+)\)")
# A version at the start of the header: optional "[", "Release", "Version", "name@", "name-v".
_VERSION = re.compile(
    r"^\s*\[?\s*(?:(?:release|version|ver\.?)\s*:?\s*)?(?:[\w@/.-]+?@|[\w.-]+?-v(?=\d))?"
    r"v?(\d+(?:\.\d+)+(?:[-+.]?(?:alpha|beta|rc|a|b|post|dev|pre|preview|stable|nightly)(?:[.-]?\d+)*)*"
    r"(?:[-+][0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?)",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_UNRELEASED = re.compile(r"\bunreleased\b|\bupcoming\b|\bnot yet released\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReleaseHeader:
    version: str
    date: dt.date | None
    date_raw: str
    precision: DatePrecision
    title: str
    url: str
    unreleased: bool = False
    date_problem: str = ""
    date_source: DateSource = DateSource.HEADER  # where `date` comes from, when there is one


def read_release_header(
    text: str, *, today: dt.date, date_order: str = "", default_year: int | None = None
) -> ReleaseHeader | None:
    """Return the release a heading announces, or None when it is a plain section heading."""
    if not _DIGIT.search(text) and default_year is None and "nreleased" not in text.lower():
        return None  # "### Features": no version, no date (the common case, kept cheap)
    plain = strip_markup(text)
    if _UNRELEASED.search(plain) and len(plain) <= 60:
        v = _VERSION.match(plain.replace("[", " ").replace("]", " "))
        return ReleaseHeader(v[1] if v else "", None, "", DatePrecision.NONE, plain, "", unreleased=True)
    found: FoundDate | None = find_date(plain, today=today, date_order=date_order, default_year=default_year)
    # Strip the date before reading the version, so "2024.08.07" is never read as a version.
    without_date = plain
    if found is not None:
        without_date = plain.replace(found.raw, " ")
    v = _VERSION.match(without_date)
    version = v[1] if v else ""
    if found is None and not version:
        return None
    if v is not None and found is None:
        # A version must stand alone-ish: "3.8.0", "Release v1", not "Python 3.12 support".
        rest = without_date[v.end():].strip(" -–—:()[]")
        if len(rest.split()) > 4:
            return None
    link = _LINK_TARGET.search(text)
    return ReleaseHeader(
        version=version,
        date=found.date if found else None,
        date_raw=found.raw if found else "",
        precision=found.precision if found and found.date else DatePrecision.NONE,
        title=plain,
        url=link[1] if link else "",
        date_problem=found.problem if found else "",
    )


_BOLD_LINE = re.compile(r"^(\*\*|__)([^*_]+)\1$")
_STARTS_LIKE_VERSION = re.compile(r"^(?:\*\*|__)?\s*\[?\s*(?:v|version\s*|release\s*|[\w@/.-]+?[@-]v?)?\d+\.\d", re.IGNORECASE)
_HEADER_DEBRIS = re.compile(r"^[\s\-–—:()\[\],]*$")


def read_version_date_line(
    text: str, *, today: dt.date, date_order: str = "", default_year: int | None = None
) -> tuple[ReleaseHeader, bool] | None:
    """A line that is only a version and a date (`**v0.8.0 (2025-08-26)**`, `0.9.0 (2019-03-13)`).

    Returns the header and whether the line was bold, or None for any other line: a
    sentence that mentions a version is never a release.
    """
    text = text.strip()
    if len(text) > 80 or not _STARTS_LIKE_VERSION.match(text):
        return None  # most paragraphs are sentences: keep them off the header reader
    bold = _BOLD_LINE.match(text)
    inner = bold[2].strip() if bold else text
    header = read_release_header(inner, today=today, date_order=date_order, default_year=default_year)
    if header is None or not header.version or not header.date_raw or header.unreleased:
        return None
    v = _VERSION.match(header.title.replace(header.date_raw, " "))
    if v is None or not _HEADER_DEBRIS.match(header.title.replace(header.date_raw, " ")[v.end():]):
        return None
    return header, bool(bold)
