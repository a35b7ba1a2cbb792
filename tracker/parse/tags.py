"""Date undated version headers by the repository's git tags: `## 7.0.77` shipped when `ai@7.0.77` was tagged.

Pure functions over the text `git for-each-ref --format='%(refname:short)%09%(creatordate:iso-strict)%09%(objectname)'`
prints (tag, ISO date, object id; tab-separated, one tag a line). A tag's date is its creator
date as the tagger's clock wrote it (the tag object's date, or the commit's for a lightweight tag).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from tracker.parse.model import DatePrecision, DateSource, ParsedDocument

VERSION_FIELD = "{version}"


@dataclass(frozen=True, slots=True)
class TagDate:
    """One tag of the listing that names a version."""

    tag: str  # "ai@7.0.77"
    version: str  # "7.0.77"
    created: str  # the creator date exactly as listed: "2026-08-01T12:34:56+02:00"
    date: dt.date  # its calendar day, as the tagger's clock wrote it


def tag_pattern(tag_format: str) -> re.Pattern[str]:
    """`ai@{version}` -> a regex whose `version` group is the version a tag names."""
    if tag_format.count(VERSION_FIELD) != 1:
        raise ValueError(f"tag_format {tag_format!r} must contain {VERSION_FIELD} exactly once")
    before, after = tag_format.split(VERSION_FIELD)
    return re.compile(f"^{re.escape(before)}(?P<version>[0-9][^\\s]*?){re.escape(after)}$")


def _version_key(version: str) -> str:
    return version.strip().lower().removeprefix("v")


def read_tag_listing(text: str, tag_format: str) -> dict[str, TagDate]:
    """{version: TagDate} for every tag of the listing that `tag_format` names; other lines are skipped.

    When two tags name one version, the earlier listed (the listing is sorted by date) wins.
    """
    pattern = tag_pattern(tag_format)
    found: dict[str, TagDate] = {}
    for line in text.splitlines():
        parts = line.strip().split("\t")
        if len(parts) < 2 or not (m := pattern.match(parts[0])):
            continue
        created = parts[1].strip()
        try:
            day = dt.date.fromisoformat(created[:10])
        except ValueError:
            continue
        key = _version_key(m["version"])
        found.setdefault(key, TagDate(parts[0], m["version"], created, day))
    return found


@dataclass(frozen=True, slots=True)
class TagDating:
    """What dating a document by tags did: the document, and how many undated headers had no tag."""

    document: ParsedDocument
    dated: int
    untagged: tuple[str, ...]  # versions of undated headers with no matching tag


def date_by_tags(doc: ParsedDocument, tags: dict[str, TagDate], *, today: dt.date) -> TagDating:
    """Give every undated version header the date of its tag; dated headers keep their own date.

    The tag name and its creator date go into `date_raw`, so a reader sees where the date came
    from; a tag dated after `today` is refused like any future date.
    """
    releases = []
    dated = 0
    untagged: list[str] = []
    for rel in doc.releases:
        if rel.date is not None or not rel.version:
            releases.append(rel)
            continue
        tag = tags.get(_version_key(rel.version))
        if tag is None or tag.date > today + dt.timedelta(days=1):
            untagged.append(rel.version)
            releases.append(rel)
            continue
        dated += 1
        releases.append(replace(
            rel, date=tag.date, date_raw=f"tag {tag.tag} {tag.created}", date_precision=DatePrecision.DAY,
            date_source=DateSource.TAG,
        ))
    return TagDating(replace(doc, releases=tuple(releases)), dated, tuple(untagged))
