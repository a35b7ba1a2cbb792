"""Parse the JSON of GitHub's `GET /repos/OWNER/REPO/releases` into releases and entries.

Line numbers point into the JSON document itself. When the JSON is pretty-printed,
every entry of a release carries the line where that release's `"body"` value starts
(the whole body sits on that one line, its newlines escaped). When the document is a
single line, as the API serves it, that would be line 1 for everything, so entries
carry 1 + their line offset within the decoded body instead. A release's own `line` is
the line of its `"tag_name"` key.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from typing import Any

from tracker.errors import ParseError
from tracker.parse.clean import strip_markup
from tracker.parse.dates import find_date, sanity_problem
from tracker.parse.kinds import section_kind, verb_kind
from tracker.parse.markdown import parse_release_body
from tracker.parse.model import (
    DatePrecision,
    DateSource,
    EntryKind,
    ParsedDocument,
    ParsedEntry,
    ParsedRelease,
    ParseOptions,
)

_BODY_KEY = re.compile(r'"body"\s*:\s*')
_TAG_VERSION = re.compile(r"^(?:[A-Za-z][\w.]*?[-_/])?v?(\d[\w.+-]*)$", re.IGNORECASE)
# vLLM-style area tags: "[Core] Add ...", "[Bugfix][Kernel] Fix ..."
_AREA_TAG = re.compile(r"^((?:\[[^\]]{1,30}\]\s*)+)(?=\S)")
# LangChain-style package scopes with a bump level: "core[patch]: fix ..."
_PACKAGE_SCOPE = re.compile(r"^([a-z][\w-]{0,40})\[(?:patch|minor|major)\]:\s+(?=\S)")
# GitHub's generated credits and compare links, and LangChain's "Changes since x==1.2" line.
_DROPPED_LINE = re.compile(
    r"full changelog|made their first contribution|^\W*changes since\b", re.IGNORECASE
)


def version_from_tag(tag: str) -> str:
    """`v0.6.4` -> `0.6.4`, `langchain-core==0.3.1` -> `0.3.1`, `@scope/pkg@1.2.3` -> `1.2.3`."""
    tag = tag.strip()
    tag = tag.rsplit("==", 1)[-1].rsplit("@", 1)[-1]
    if m := _TAG_VERSION.match(tag):
        return m[1]
    return tag if any(c.isdigit() for c in tag) else ""


def _decode(text: str, url: str) -> list[tuple[dict[str, Any], int, int]]:
    """Each release object with the span of its JSON text, so lines can be counted."""
    if not text.strip():
        raise ParseError("expected a GitHub releases JSON array but the body is empty", url=url)
    if text.lstrip()[:1] == "<":
        raise ParseError("expected a GitHub releases JSON array but got an HTML page", url=url)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"expected a GitHub releases JSON array but the body is not valid JSON ({exc.msg} at line {exc.lineno})",
            url=url,
        ) from None
    if isinstance(value, dict) and isinstance(value.get("message"), str):
        raise ParseError(f"GitHub answered with an error instead of releases: {value['message']}", url=url)
    if not isinstance(value, list):
        raise ParseError(f"expected a GitHub releases JSON array but got a JSON {type(value).__name__}", url=url)
    decoder = json.JSONDecoder()
    spans: list[tuple[dict[str, Any], int, int]] = []
    pos = text.index("[") + 1
    for item in value:
        # Skip the separator, then let raw_decode tell where this element ends.
        while text[pos] in " \t\r\n,":
            pos += 1
        _, end = decoder.raw_decode(text, pos)
        if not isinstance(item, dict):
            raise ParseError("expected GitHub release objects in the JSON array but found other values", url=url)
        spans.append((item, pos, end))
        pos = end
    return spans


def _body_position(text: str, start: int, end: int, body: str) -> int:
    """Offset of the release's `"body"` value: the key whose value really is this body."""
    decoder = json.JSONDecoder()
    for m in _BODY_KEY.finditer(text, start, end):
        try:
            if decoder.raw_decode(text, m.end())[0] == body:
                return m.end()
        except json.JSONDecodeError:
            continue
    return start


def _date(release: dict[str, Any], options: ParseOptions) -> tuple[dt.date | None, str, str]:
    """(date, raw, problem) from published_at, falling back to created_at."""
    raw = release.get("published_at") or release.get("created_at") or ""
    if not isinstance(raw, str) or not raw:
        return None, "", ""
    try:
        value: dt.date | None = dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        found = find_date(raw, today=options.today, date_order=options.date_order)
        if found is None:
            return None, raw, "not a date"
        return found.date, raw, found.problem
    problem = sanity_problem(value, options.today) if value else ""
    return (None if problem else value), raw, problem


def _tidy(entry: ParsedEntry) -> ParsedEntry:
    """Read vLLM-style `[Bugfix][Kernel]` tags: type tags set the kind, the first other tag is the scope."""
    if m := _PACKAGE_SCOPE.match(entry.text):
        text = entry.text[m.end():]
        kind = (verb_kind(text) or entry.kind) if entry.kind is EntryKind.OTHER else entry.kind
        return replace(entry, text=text, scope=entry.scope or m[1], kind=kind)
    m = _AREA_TAG.match(entry.text)
    if m is None:
        return entry
    tags = [t.strip() for t in m[1].replace("[", "").split("]") if t.strip()]
    text = entry.text[m.end():].strip()
    scope = entry.scope or next((t for t in tags if section_kind(t) is None), "")
    kind = entry.kind
    if kind is EntryKind.OTHER:  # only when no section or commit type decided already
        kind = next((k for k in map(section_kind, tags) if k is not None), None) or verb_kind(text) or kind
    return replace(entry, text=text, scope=scope, kind=kind)


def _entries(body: str, title: str, body_line: int | None) -> tuple[ParsedEntry, ...]:
    kept: list[ParsedEntry] = []
    for entry in parse_release_body(body, title=title):
        if entry.section.lower() == "new contributors" or _DROPPED_LINE.search(entry.raw):
            continue  # credits and compare links are not changes
        entry = _tidy(entry)
        if body_line is not None:
            entry = replace(entry, line=body_line)
        kept.append(entry)
    return tuple(kept)


def parse_github_releases(
    data: bytes | str, *, url: str, options: ParseOptions | None = None
) -> ParsedDocument:
    """One release per non-draft object of a GitHub releases JSON array, newest first as served."""
    options = options or ParseOptions()
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    spans = _decode(text, url)
    one_line = "\n" not in text.strip()
    releases: list[ParsedRelease] = []
    warnings: list[str] = []
    for release, start, end in spans:
        if release.get("draft"):
            continue
        tag = str(release.get("tag_name") or "")
        title = strip_markup(str(release.get("name") or "")) or tag
        date, date_raw, problem = _date(release, options)
        if problem:
            warnings.append(f"release {tag or title!r}: date {date_raw!r} rejected: {problem}")
        body = release.get("body") or ""
        body = body if isinstance(body, str) else ""
        tag_at = text.find('"tag_name"', start, end)
        body_line = None if one_line else text.count("\n", 0, _body_position(text, start, end, body)) + 1
        html_url = str(release.get("html_url") or "")
        releases.append(
            ParsedRelease(
                version=version_from_tag(tag),
                date=date,
                date_raw=date_raw,
                date_precision=DatePrecision.DAY if date else DatePrecision.NONE,
                title=title,
                line=text.count("\n", 0, tag_at if tag_at >= 0 else start) + 1,
                url=html_url if html_url.startswith(("https://", "http://")) else "",
                entries=_entries(body, title, body_line),
                date_source=DateSource.FEED if date else DateSource.NONE,
            )
        )
    return ParsedDocument(url=url, releases=tuple(releases), warnings=tuple(warnings))
