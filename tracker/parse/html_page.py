"""Parse vendor HTML changelog pages into releases, by configured CSS selectors or a heuristic.

Without selectors a release starts at an h1-h4 heading that holds a date (in its text,
or in a `<time>` inside it or right after it), or is an `<article>`/`<section>` holding
a `<time>`; whichever reading finds more releases wins. Lines are html.parser's
`sourceline`, so they are true 1-based lines of the page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from bs4 import BeautifulSoup, Tag, UnicodeDammit
from soupsieve import SelectorSyntaxError

from tracker.errors import ParseError
from tracker.parse.clean import strip_markup
from tracker.parse.dates import FoundDate, find_date
from tracker.parse.html_text import (
    ENTRY_TAGS,
    HEADINGS,
    EntryCollector,
    heading_level,
    version_in,
    visible_soup,
    visible_text,
)
from tracker.parse.model import DatePrecision, DateSource, ParsedDocument, ParsedRelease, ParseOptions

_RELEASE_HEADINGS = ("h1", "h2", "h3", "h4")
_MAX_DATE_LABEL = 60
_CONTAINERS = ("article", "section")
_DATE_LABELS = frozenset(("time", "p", "div", "span", "small", "em", "strong"))


@dataclass(frozen=True)
class HtmlSelectors:
    """CSS selectors for one source's page; `release` switches them on, the others are optional."""

    release: str = ""  # each match is one release
    title: str = ""  # inside a release; default: its first heading
    date: str = ""  # inside a release; a `datetime` attribute wins over the text; default: <time>
    entries: str = ""  # inside a release; default: its li, p and headings


@dataclass(frozen=True, slots=True)
class _Candidate:
    """Where one release sits on the page, before its entries are read."""

    anchor: Tag  # the dated heading, container or selector match: gives the line and the #id
    found: FoundDate | None
    title_el: Tag | None
    date_el: Tag | None  # the element that only carries the date, kept out of entries
    items: Sequence[Tag] = ()
    picked: bool = False  # items chosen by an `entries` selector: every one is an entry


def _decode(data: bytes | str, url: str) -> BeautifulSoup:
    where = url or "the document"
    if isinstance(data, bytes):
        if b"\x00" in data[:1024]:
            raise ParseError(f"{where} is binary data, not an HTML page", url=url)
        text = UnicodeDammit(data, is_html=True).unicode_markup or ""
    else:
        text = data
    head = text.lstrip()[:2000].lower()
    if not head:
        raise ParseError(f"{where} is empty, not an HTML page", url=url)
    if head[:1] in ("{", "["):
        raise ParseError(f"{where} is JSON, not an HTML page", url=url)
    if head.startswith("<?xml") and ("<rss" in head or "<feed" in head):
        raise ParseError(f"{where} is an RSS/Atom feed, not an HTML page; use a feed source instead", url=url)
    soup = visible_soup(text)
    if soup.find() is None:
        raise ParseError(f"{where} is plain text, not an HTML page", url=url)
    return soup


def _find(text: str, options: ParseOptions) -> FoundDate | None:
    return find_date(text, today=options.today, date_order=options.date_order) if text else None


def _time_date(el: Tag, options: ParseOptions) -> FoundDate | None:
    attr = el.get("datetime")
    return _find(attr if isinstance(attr, str) else "", options) or _find(visible_text(el), options)


def _heading_start(h: Tag, options: ParseOptions) -> _Candidate | None:
    if found := _find(visible_text(h), options):
        return _Candidate(h, found, h, None)
    if (t := h.find("time")) is not None and (found := _time_date(t, options)):
        return _Candidate(h, found, h, None)
    label = h.find_next_sibling()
    if label is None or label.name not in _DATE_LABELS:
        return None
    text = visible_text(label)
    t = label if label.name == "time" else label.find("time")
    found = _time_date(t, options) if t is not None else _find(text, options)
    # "Released on March 3, 2025" is a date label; a sentence that mentions a date is content.
    if found is None or len(text) > _MAX_DATE_LABEL or len(text.replace(found.raw, " ").split()) > 3:
        return None
    return _Candidate(h, found, h, label)


def _by_headings(soup: BeautifulSoup, options: ParseOptions) -> list[_Candidate]:
    headings = soup.find_all(HEADINGS)
    dated = {id(h): c for h in headings if h.name in _RELEASE_HEADINGS and (c := _heading_start(h, options))}
    order = [h for h in headings if id(h) in dated]
    # A dated heading directly followed by deeper dated ones ("March 2025" over "March 3") groups them.
    groups = {id(a) for a, b in zip(order, order[1:]) if heading_level(b) > heading_level(a)}
    found: list[_Candidate] = []
    for i, h in enumerate(headings):
        if id(h) not in dated or id(h) in groups:
            continue
        stop = next((x for x in headings[i + 1:] if id(x) in dated or heading_level(x) < heading_level(h)), None)
        found.append(replace(dated[id(h)], items=list(_between(h, stop))))
    return found


def _between(start: Tag, stop: Tag | None) -> Iterator[Tag]:
    for el in start.next_elements:
        if el is stop:
            return
        if isinstance(el, Tag) and el.name in ENTRY_TAGS and not any(p is start for p in el.parents):
            yield el


def _by_containers(soup: BeautifulSoup, options: ParseOptions) -> list[_Candidate]:
    dated: dict[int, _Candidate] = {}
    for t in soup.find_all("time"):
        box = t.find_parent(_CONTAINERS)
        if box is not None and id(box) not in dated and (found := _time_date(t, options)):
            dated[id(box)] = _Candidate(box, found, box.find(HEADINGS), t, box.find_all(ENTRY_TAGS))
    # A section wrapping dated articles is a wrapper (or carries a page date), not a release.
    return [
        c for c in dated.values() if not any(id(inner) in dated for inner in c.anchor.find_all(_CONTAINERS))
    ]


def _by_selectors(soup: BeautifulSoup, selectors: HtmlSelectors, options: ParseOptions, url: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    try:
        for box in soup.select(selectors.release):
            date_el = box.select_one(selectors.date) if selectors.date else box.find("time")
            title_el = box.select_one(selectors.title) if selectors.title else box.find(HEADINGS)
            items = box.select(selectors.entries) if selectors.entries else box.find_all(ENTRY_TAGS)
            date = _time_date(date_el, options) if date_el is not None else None
            found.append(_Candidate(box, date, title_el, date_el, items, picked=bool(selectors.entries)))
    except SelectorSyntaxError as exc:
        reason = str(exc).splitlines()[0]
        message = f"a CSS selector for this source is invalid ({reason}); fix it in config.toml"
        raise ParseError(message, url=url) from None
    if not found:
        raise ParseError(
            f"the release selector {selectors.release!r} matched nothing on the page; "
            "check the selectors for this source in config.toml",
            url=url,
        )
    return found


def _release(c: _Candidate, *, page_url: str, options: ParseOptions) -> ParsedRelease:
    found = c.found
    title = strip_markup(visible_text(c.title_el)) if c.title_el is not None else (found.raw if found else "")
    collector = EntryCollector(options=options, context=title)
    collector.add(title, line=(c.title_el or c.anchor).sourceline or 0)
    if c.picked:
        for el in c.items:
            collector.add(visible_text(el, skip=("ul", "ol")), line=el.sourceline or 0)
    else:
        collector.collect(c.items, skip=(c.title_el, c.date_el))
    anchor_id = c.anchor.get("id")
    url = f"{page_url.split('#', 1)[0]}#{anchor_id}" if isinstance(anchor_id, str) and anchor_id else ""
    return ParsedRelease(
        version=version_in(title.replace(found.raw, " ") if found else title),
        date=found.date if found else None,
        date_raw=found.raw if found else "",
        date_precision=found.precision if found and found.date else DatePrecision.NONE,
        title=title,
        line=c.anchor.sourceline or 0,
        url=url if url.startswith(("https://", "http://")) else "",
        entries=tuple(collector.entries),
        date_source=DateSource.HEADER if found and found.date else DateSource.NONE,
    )


def parse_html_page(
    data: bytes | str,
    *,
    url: str,
    options: ParseOptions | None = None,
    selectors: HtmlSelectors | None = None,
) -> ParsedDocument:
    """Releases of an HTML changelog page; `selectors` with a `release` selector replace the heuristic."""
    options = options or ParseOptions()
    soup = _decode(data, url)
    if selectors is not None and selectors.release:
        candidates = _by_selectors(soup, selectors, options, url)
    else:
        by_heading, by_box = _by_headings(soup, options), _by_containers(soup, options)
        candidates = by_box if len(by_box) > len(by_heading) else by_heading
        if not candidates:
            raise ParseError(
                "no dated releases found on the page; set selectors for this source in config.toml", url=url
            )
    warnings = tuple(
        f"line {c.anchor.sourceline}: date {c.found.raw!r} rejected: {c.found.problem}"
        for c in candidates
        if c.found is not None and c.found.problem
    )
    releases = tuple(_release(c, page_url=url, options=options) for c in candidates)
    return ParsedDocument(url=url, releases=releases, warnings=warnings)
