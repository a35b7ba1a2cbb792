"""Value objects every parser returns: a document splits into releases, a release into entries.

Parsers are pure functions from text (or bytes) to these objects; they never touch the
network or the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class EntryKind(StrEnum):
    FEATURE = "feature"
    FIX = "fix"
    BREAKING = "breaking"
    SECURITY = "security"
    DOCS = "docs"
    CHORE = "chore"
    DEPS = "deps"
    OTHER = "other"


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    NONE = ""


class DateSource(StrEnum):
    """Where a release's date was read: shown beside the date, so a reader can weigh it."""

    HEADER = "header"  # the release header or page heading says it
    TAG = "tag"  # the git tag of the version (the header has no date)
    FRONT_MATTER = "front-matter"  # a post's `date:` front matter
    PATH = "path"  # a date in the post's file or folder name
    FEED = "feed"  # a feed item's or a GitHub release's publication time
    NONE = ""


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One bullet, line or paragraph of a release: one candidate feature mention."""

    text: str  # cleaned: no PR links, hashes, handles or markdown noise
    raw: str  # the line as it stands in the document; a wrapped item keeps all its lines ("\n")
    line: int  # 1-based line number in the source document
    section: str = ""  # the heading the entry sits under ("Features", "Bug Fixes", ...)
    kind: EntryKind = EntryKind.OTHER
    scope: str = ""  # conventional-commit / service scope: "api", "bedrockagent"
    context: str = ""  # the parent bullet or post title, for nested and prose entries


@dataclass(frozen=True, slots=True)
class ParsedRelease:
    """A dated (or undated) group of entries: a version header, a post, a feed item."""

    version: str  # "" when the release has no version
    date: dt.date | None
    date_raw: str  # the date exactly as written; "" when there is none
    date_precision: DatePrecision
    title: str  # the header or post title, cleaned
    line: int  # 1-based line of the header in the source document (0 when unknown)
    url: str = ""  # a link to the release itself when the source gives one
    entries: tuple[ParsedEntry, ...] = ()
    date_source: DateSource = DateSource.NONE  # where `date` was read; NONE when undated


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    """Everything a parser found in one fetched document."""

    url: str
    releases: tuple[ParsedRelease, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParseOptions:
    """Per-source hints. Defaults suit most changelogs; hints exist for the few that need them."""

    today: dt.date = field(default_factory=dt.date.today)
    date_order: str = ""  # "mdy" | "dmy" | "" (guess: day-first only when the first number > 12)
    default_year: int | None = None  # for month-only headings; else taken from the URL
    prose: bool = False  # blog-style document: title and each paragraph are entries too
    max_releases: int = 5_000  # per document; the corpus's largest changelog has 1,096
    max_entries: int = 50_000  # per document; the corpus's largest has 5,179
