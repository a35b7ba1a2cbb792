"""Visible text and entries from HTML, shared by the HTML-page and the feed parsers.

`visible_soup` drops what a reader never sees (scripts, styles, site navigation);
`EntryCollector` turns list items, paragraphs and headings into `ParsedEntry` values.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from bs4 import BeautifulSoup, Tag
from bs4.element import CData, NavigableString, PageElement

from tracker.parse.clean import clean_line, strip_markup
from tracker.parse.dates import find_date
from tracker.parse.kinds import entry_kind, section_kind
from tracker.parse.model import EntryKind, ParsedEntry, ParseOptions

MAX_RAW = 4000  # an entry is a sentence or a paragraph, not a payload
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ENTRY_TAGS = ("li", "p", *HEADINGS)

_INVISIBLE = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "nav")
_CHROME = ("header", "footer")
_BLOCK = frozenset(
    "p div li ul ol h1 h2 h3 h4 h5 h6 br tr td th dt dd section article blockquote pre table".split()
)
_HAS_WORD = re.compile(r"[A-Za-z]{2}")
_ONLY_VERSION = re.compile(r"^v?\d+(?:\.\d+)+\S*$")
# Headings that only name a category: they set the section, they are not news themselves.
_CATEGORY = re.compile(
    r"^(?:new |other |minor |major )?(?:features?|bug ?fixes|fixes|fixed|improvements?|enhancements?|"
    r"changes|changed|added|removed|deprecat\w*|security|breaking changes?|misc\w*|documentation|docs|"
    r"dependencies|performance|known issues|highlights|what'?s (?:new|changed)|updates?)$",
    re.IGNORECASE,
)
_VERSION_IN = re.compile(
    r"(?<![\w.-])(v?)(\d+\.\d+(?:\.\d+)*(?:[-.]?(?:rc|beta|alpha|post|dev|preview)\.?\d*)?)(?![\w.]*\d)"
)


def visible_soup(markup: str) -> BeautifulSoup:
    """Parse `markup` with html.parser and drop the elements a reader never sees as content."""
    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    for tag in soup.find_all(_CHROME):
        # An <article>'s own <header> holds its title and date; only the site's chrome goes.
        if not tag.decomposed and tag.find_parent(("article", "section")) is None:
            tag.decompose()
    return soup


def visible_text(el: Tag, *, skip: Collection[str] = ()) -> str:
    """The element's text with whitespace collapsed, leaving out descendants inside `skip` tags."""
    parts: list[str] = []
    for node in el.descendants:
        if isinstance(node, Tag):
            if node.name in _BLOCK:
                parts.append(" ")  # block boundaries separate words even without whitespace
            continue
        if type(node) not in (NavigableString, CData):
            continue  # comments, doctypes, processing instructions
        if skip and any(p.name in skip for p in _parents_below(node, el)):
            continue
        parts.append(str(node))
    return " ".join("".join(parts).split())


def _parents_below(node: PageElement, top: Tag) -> Iterable[Tag]:
    parent = node.parent
    while parent is not None and parent is not top:
        yield parent
        parent = parent.parent


def version_in(text: str) -> str:
    """A version number written in a title ("Release v1.4.0", "SDK 2.3"), or "".

    Numbers glued to a name ("GPT-4.1") are model names, and a four-digit first part
    without a "v" is a date or a year, so neither counts.
    """
    for m in _VERSION_IN.finditer(text):
        if m[1] or len(m[2].split(".", 1)[0]) < 4:
            return m[2]
    return ""


def heading_level(tag: Tag) -> int:
    return int(tag.name[1]) if tag.name in HEADINGS else 0


class EntryCollector:
    """Builds the entries of one release, tracking the section headings above each one."""

    def __init__(self, *, options: ParseOptions, context: str, line: int | None = None) -> None:
        self.options = options
        self.context = context
        self.fixed_line = line  # feeds: every entry points at its item's line
        self.entries: list[ParsedEntry] = []
        self._sections: list[tuple[int, str, EntryKind | None]] = []
        self._seen: set[str] = set()

    def section(self) -> tuple[str, EntryKind | None]:
        name = self._sections[-1][1] if self._sections else ""
        for _, _, kind in reversed(self._sections):
            if kind is not None:
                return name, kind
        return name, None

    def enter_section(self, level: int, label: str) -> None:
        while self._sections and self._sections[-1][0] >= level:
            self._sections.pop()
        self._sections.append((level, label, section_kind(label)))

    def add(self, text: str, *, line: int, context: str = "") -> ParsedEntry | None:
        """Add one entry from visible text; None when it has no words or repeats one already seen."""
        raw = text.strip()[:MAX_RAW]
        cleaned = clean_line(raw)
        words = cleaned.text
        if not _HAS_WORD.search(words) or _ONLY_VERSION.match(words) or self._date_only(words):
            return None
        if words in self._seen:
            return None
        self._seen.add(words)
        section_name, hint = self.section()
        kind = entry_kind(
            section=hint, commit_type=cleaned.commit_type, breaking=cleaned.breaking,
            text=words, scope=cleaned.scope,
        )
        if kind is EntryKind.OTHER and hint is None:
            kind = EntryKind.FEATURE  # an announcement announces, unless a cue says otherwise
        entry = ParsedEntry(
            text=words,
            raw=raw,
            line=line if self.fixed_line is None else self.fixed_line,
            section=section_name,
            kind=kind,
            scope=cleaned.scope,
            context=context or self.context,
        )
        self.entries.append(entry)
        return entry

    def add_element(self, el: Tag) -> None:
        """One li, p or heading: headings open sections, list items and paragraphs are entries."""
        line = el.sourceline or 0
        if el.name in HEADINGS:
            label = strip_markup(visible_text(el))
            self.enter_section(heading_level(el), label)
            if not _CATEGORY.match(label.strip(" :")):
                self.add(label, line=line)
            return
        if el.name == "p" and el.find_parent("li") is not None:
            return  # the list item already carries this paragraph
        if el.name == "li":
            parent = el.find_parent("li")
            context = clean_line(visible_text(parent, skip=("ul", "ol"))).text if parent else ""
            self.add(visible_text(el, skip=("ul", "ol")), line=line, context=context)
            return
        self.add(visible_text(el), line=line)

    def collect(self, elements: Iterable[Tag], *, skip: Collection[Tag | None] = ()) -> None:
        """Add each li, p and heading of `elements` in order, except `skip` and what they hold."""
        skipped = {id(s) for s in skip if s is not None}  # by identity: bs4 compares tags by markup
        for el in elements:
            if el.name not in ENTRY_TAGS:
                continue
            if skipped and (id(el) in skipped or any(id(p) in skipped for p in el.parents)):
                continue
            self.add_element(el)

    def _date_only(self, text: str) -> bool:
        found = find_date(text, today=self.options.today, date_order=self.options.date_order)
        if found is None:
            return False
        rest = text[: found.start] + text[found.end:]
        return not _HAS_WORD.search(rest)
