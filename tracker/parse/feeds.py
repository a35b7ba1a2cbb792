"""Parse RSS 2.0 / RSS 1.0 / Atom feeds into releases: one release per item.

Every entry of an item carries the line where that item's `<item>` / `<entry>`
element opens in the feed document (feedparser keeps no positions, so the raw bytes
are scanned for the opening tags, in order, outside CDATA sections and comments).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from tracker.errors import ParseError
from tracker.parse.clean import strip_markup
from tracker.parse.dates import find_date, sanity_problem
from tracker.parse.html_text import ENTRY_TAGS, EntryCollector, version_in, visible_soup, visible_text
from tracker.parse.model import DatePrecision, DateSource, ParsedDocument, ParsedRelease, ParseOptions

_OPAQUE = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.DOTALL)
_ITEM_OPEN = {
    "item": re.compile(rb"<(?:[\w-]+:)?item[\s>/]"),
    "entry": re.compile(rb"<(?:[\w-]+:)?entry[\s>/]"),
}
_LEADING_HTML = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]", re.I | re.S
)


def _blank(m: re.Match[bytes]) -> bytes:
    return re.sub(rb"[^\n]", b" ", m[0])  # keep the newlines so line numbers stay true


def item_lines(data: bytes, *, atom: bool) -> list[int]:
    """1-based line of each `<item>` (RSS) or `<entry>` (Atom) opening tag, in document order."""
    plain = _OPAQUE.sub(_blank, data)
    pattern = _ITEM_OPEN["entry" if atom else "item"]
    return [plain.count(b"\n", 0, m.start()) + 1 for m in pattern.finditer(plain)]


def _sniff(data: bytes, url: str) -> None:
    """Refuse what is plainly not a feed before feedparser guesses at it."""
    where = url or "the document"
    head = data[:4096].lstrip()
    if not head:
        raise ParseError(f"{where} is empty, not an RSS/Atom feed", url=url)
    if head[:1] in (b"{", b"["):
        raise ParseError(f"{where} is JSON, not an RSS/Atom feed", url=url)
    if b"\x00" in data[:1024] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has NULs
        raise ParseError(f"{where} is binary data, not an RSS/Atom feed", url=url)
    if _LEADING_HTML.match(head):
        raise ParseError(f"{where} is an HTML page, not an RSS/Atom feed; use an HTML page source instead", url=url)


def _check_parsed(parsed: Any, url: str) -> None:
    if parsed.entries or parsed.feed.get("title") or (parsed.get("version") and not parsed.get("bozo")):
        return
    exc = parsed.get("bozo_exception")
    reason = (exc.getMessage() if hasattr(exc, "getMessage") else str(exc or "")) or "no feed elements"
    raise ParseError(f"{url or 'the document'} is not an RSS/Atom feed ({reason})", url=url)


def _item_date(item: Any, options: ParseOptions) -> tuple[dt.date | None, str, str]:
    """(date, raw, problem) from the item's published or updated date."""
    for key in ("published", "updated", "created"):
        raw = item.get(key) or ""
        parsed: time.struct_time | None = item.get(f"{key}_parsed")
        if parsed is not None:
            try:
                value = dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            except ValueError:
                return None, raw, "not a calendar date"
            problem = sanity_problem(value, options.today)
            return (None if problem else value), raw, problem
        if raw:
            found = find_date(raw, today=options.today, date_order=options.date_order)
            if found is not None:
                return found.date, raw, found.problem
    return None, "", ""


def _item_url(item: Any, base: str) -> str:
    link = str(item.get("link") or "").strip()
    if not link:
        return ""
    absolute = urljoin(base, link) if base.startswith(("http://", "https://")) else link
    # Only web links may reach the catalog: never javascript:, data: or file: URLs.
    return absolute if urlsplit(absolute).scheme in ("http", "https") else ""


def _item_html(item: Any) -> str:
    """The fullest body the item offers: content:encoded / Atom content, else the summary."""
    for content in item.get("content") or ():
        if content.get("value"):
            return str(content["value"])
    return str(item.get("summary") or "")


def parse_feed(data: bytes, *, url: str, options: ParseOptions | None = None) -> ParsedDocument:
    """One release per feed item: title, date, link, and the item's lists and paragraphs as entries."""
    options = options or ParseOptions()
    _sniff(data, url)
    # A BytesIO, never the bytes themselves: feedparser opens a str/bytes argument as a
    # local file path (or fetches it as a URL) when it can.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    _check_parsed(parsed, url)
    lines = item_lines(data, atom=str(parsed.get("version", "")).startswith("atom"))
    if len(lines) != len(parsed.entries):
        lines = [0] * len(parsed.entries)  # positions cannot be trusted: say "unknown"
    releases: list[ParsedRelease] = []
    warnings: list[str] = []
    for n, (item, line) in enumerate(zip(parsed.entries, lines), start=1):
        title = visible_text(visible_soup(str(item.get("title") or "")))
        date, date_raw, problem = _item_date(item, options)
        if problem:
            warnings.append(f"item {n} ({title[:60]!r}): date {date_raw!r} rejected: {problem}")
        collector = EntryCollector(options=options, context=title, line=line)
        collector.add(title, line=line)
        body = visible_soup(_item_html(item))
        before = len(collector.entries)
        collector.collect(body.find_all(ENTRY_TAGS))
        if len(collector.entries) == before:
            collector.add(visible_text(body), line=line)  # plain-text summary without markup
        releases.append(
            ParsedRelease(
                version=version_in(title),
                date=date,
                date_raw=date_raw,
                date_precision=DatePrecision.DAY if date else DatePrecision.NONE,
                title=strip_markup(title),
                line=line,
                url=_item_url(item, url),
                entries=tuple(collector.entries),
                date_source=DateSource.FEED if date else DateSource.NONE,
            )
        )
    return ParsedDocument(url=url, releases=tuple(releases), warnings=tuple(warnings))
