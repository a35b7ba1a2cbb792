"""Parse markdown and MDX documents into releases and entries.

Two document shapes share one block scanner (`blocks.iter_blocks`):

* changelogs: many release headers (or `<Update>` blocks), each followed by section
  headings and bullets; the preamble and `Unreleased` sections are not releases;
* posts: one dated announcement (front matter, file name), whose title, headings,
  paragraphs and bullets are all entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from tracker.parse.blocks import (
    Bullet,
    Heading,
    Paragraph,
    TableRow,
    UpdateClose,
    UpdateOpen,
    iter_blocks,
    read_front_matter,
    split_lines,
)
from tracker.parse.clean import CleanLine, clean_line, strip_markup, table_row_text
from tracker.parse.dates import date_from_path, find_date, year_from_path
from tracker.parse.headers import ReleaseHeader, read_release_header, read_version_date_line
from tracker.parse.kinds import entry_kind, section_kind
from tracker.parse.model import (
    DatePrecision,
    DateSource,
    EntryKind,
    ParsedDocument,
    ParsedEntry,
    ParsedRelease,
    ParseOptions,
)
from tracker.parse.titles import post_title

from tracker.model import SUMMARY_SECTION as SUMMARY  # the section of the paragraphs that open a release
_HAS_WORD = re.compile(r"[A-Za-z]{2}")
_VERSION_IN = re.compile(r"v?(\d+\.\d+(?:\.\d+)*(?:[-.]?(?:rc|beta|alpha|post)\.?\d*)?)")
_ONLY_VERSION = re.compile(r"^v?\d+(?:\.\d+)+\S*$")


@lru_cache(maxsize=4096)
def _section_label(heading: str) -> tuple[str, EntryKind | None]:
    """Section headings repeat ("### Features" thousands of times): read each once."""
    label = strip_markup(heading)
    return label, section_kind(label)


@dataclass(slots=True)
class _ReleaseBuilder:
    header: ReleaseHeader
    level: int
    line: int
    prose: bool  # headings and paragraphs are entries (posts, <Update> blocks)
    entries: list[ParsedEntry] = field(default_factory=list)
    sections: list[tuple[int, str, EntryKind | None]] = field(default_factory=list)
    bullets: list[tuple[int, ParsedEntry]] = field(default_factory=list)
    context: str = ""
    intro: list[int] = field(default_factory=list)  # paragraphs before the first bullet or section
    bullet_count: int = 0

    def section(self) -> tuple[str, EntryKind | None]:
        # The innermost heading names the section, unless it is only a version label
        # ("#### v2.0.1" under "### Improvement").
        name = next((label for _, label, _ in reversed(self.sections) if not _ONLY_VERSION.match(label)), "")
        for _, _, kind in reversed(self.sections):
            if kind is not None:
                return name, kind
        return name, None

    def enter_section(self, level: int, text: str) -> None:
        while self.sections and self.sections[-1][0] >= level:
            self.sections.pop()
        self.sections.append((level, *_section_label(text)))
        self.bullets.clear()

    def add(
        self, raw: str, body: str, line: int, indent: int | None, cleaned: CleanLine | None = None
    ) -> ParsedEntry | None:
        cleaned = cleaned or clean_line(body)
        if not _HAS_WORD.search(cleaned.text) or _ONLY_VERSION.match(cleaned.text):
            return None
        parent: ParsedEntry | None = None
        if indent is not None:
            while self.bullets and self.bullets[-1][0] >= indent:
                self.bullets.pop()
            parent = self.bullets[-1][1] if self.bullets else None
        section_name, kind_hint = self.section()
        kind = entry_kind(
            section=kind_hint, commit_type=cleaned.commit_type, breaking=cleaned.breaking,
            text=cleaned.text, scope=cleaned.scope, section_name=section_name,
        )
        if parent is not None and not cleaned.commit_type:
            if parent.kind is EntryKind.DEPS:
                kind = EntryKind.DEPS
            elif kind_hint is None and kind is EntryKind.OTHER:
                kind = parent.kind
        if self.prose and kind is EntryKind.OTHER and kind_hint is None:
            kind = EntryKind.FEATURE  # an announcement post announces, unless a cue says otherwise
        entry = ParsedEntry(
            text=cleaned.text,
            raw=raw.rstrip(),
            line=line,
            section=section_name,
            kind=kind,
            scope=cleaned.scope or (parent.scope if parent else ""),
            context=parent.text if parent else self.context,
        )
        self.entries.append(entry)
        if indent is not None:
            self.bullets.append((indent, entry))
        return entry

    def add_paragraph(self, raw: str, body: str, line: int) -> None:
        self.bullets.clear()
        opening = not self.sections and not self.bullet_count
        if self.add(raw, body, line, None) is not None and opening and not self.prose:
            self.intro.append(len(self.entries) - 1)

    def add_bullet(self, raw: str, body: str, line: int, indent: int) -> None:
        if self.add(raw, body, line, indent) is not None:
            self.bullet_count += 1

    def add_table_row(self, row: TableRow) -> None:
        # A row names a provider, model or endpoint in its cells; the header says which is which.
        if not any(_HAS_WORD.search(strip_markup(cell)) for cell in row.cells):
            return
        self.bullets.clear()
        if self.add(row.raw, "", row.line, None, CleanLine(table_row_text(row.header, row.cells))) is not None:
            self.bullet_count += 1

    def build(self) -> ParsedRelease:
        h = self.header
        if self.bullet_count >= 2:
            # A release that lists its changes opens with a summary of them: say so, so
            # that the matcher can tell a recap from an announcement.
            for i in self.intro:
                self.entries[i] = replace(self.entries[i], section=SUMMARY)
        return ParsedRelease(
            version=h.version,
            date=h.date,
            date_raw=h.date_raw,
            date_precision=h.precision,
            title=h.title,
            line=self.line,
            url=h.url,
            entries=tuple(self.entries),
            date_source=h.date_source if h.date else DateSource.NONE,
        )


def _header_from_attrs(attrs: dict[str, str], options: ParseOptions, default_year: int | None) -> ReleaseHeader:
    label = attrs.get("label") or attrs.get("date") or ""
    found = find_date(label, today=options.today, date_order=options.date_order, default_year=default_year)
    version = ""
    for key in ("description", "version", "label"):
        if m := _VERSION_IN.search(attrs.get(key, "")):
            if not (found and m[0] in found.raw):
                version = m[1]
                break
    title = strip_markup(attrs.get("title") or attrs.get("description") or label)
    return ReleaseHeader(
        version=version,
        date=found.date if found else None,
        date_raw=found.raw if found else "",
        precision=found.precision if found and found.date else DatePrecision.NONE,
        title=title,
        url="",
        date_problem=found.problem if found else "",
    )


def parse_changelog(text: str, *, url: str, options: ParseOptions | None = None) -> ParsedDocument:
    """A changelog file: every release header (or `<Update>` block) becomes a release."""
    options = options or ParseOptions()
    lines = split_lines(text)
    front = read_front_matter(lines)
    default_year = options.default_year or year_from_path(url)
    releases: list[ParsedRelease] = []
    warnings: list[str] = []
    cur: _ReleaseBuilder | None = None
    in_update = False
    heading_level = 0  # the level of the last heading, for releases written as bold lines
    bold_release = False  # the current release was announced by a bold line, not a heading
    entry_count = 0  # entries of the closed releases, for the per-document cap

    def close() -> None:
        nonlocal cur, entry_count
        if cur is not None:
            releases.append(cur.build())
            entry_count += len(cur.entries)
            cur = None

    def start(header: ReleaseHeader, level: int, line: int) -> None:
        nonlocal cur
        if header.date_problem:
            warnings.append(f"line {line}: date {header.date_raw!r} rejected: {header.date_problem}")
        if (cur is not None and level > cur.level and cur.header.date is None and not cur.header.date_problem
                and not cur.entries):
            cur = None  # "## 1.4" over "### 1.4.3 (2026-05-18)": a group of releases, not a release
        close()
        if not header.unreleased:
            cur = _ReleaseBuilder(header, level, line, prose=False)

    max_releases, max_entries = options.max_releases, options.max_entries
    for block in iter_blocks(lines, front.end):
        if len(releases) > max_releases or entry_count > max_entries:
            break  # past the per-document cap (`limits.cap_document` trims and says so): stop reading
        if isinstance(block, Heading):
            if in_update and cur is not None:
                cur.enter_section(block.level, block.text)
                cur.add(lines[block.line - 1], block.text, block.line, None)
                continue
            header = read_release_header(
                block.text, today=options.today, date_order=options.date_order, default_year=default_year
            )
            if header is None or (
                cur is not None and block.level > cur.level and header.date is None
                and not header.date_problem and not header.unreleased
            ):
                # A plain section heading, or a version label nested inside a dated release. A
                # heading above a bold-line release ("## Full Changelog") ends it; one above a
                # heading release may still belong to it ("# Upgrading to 0.40.0" under "## 0.40").
                if header is None and cur is not None and bold_release and block.level < cur.level:
                    close()
                elif cur is not None:
                    cur.enter_section(block.level, block.text)
                heading_level = block.level
                continue
            heading_level = block.level
            bold_release = False
            start(header, block.level, block.line)
            continue
        if isinstance(block, UpdateOpen):
            close()
            header = _header_from_attrs(block.attrs, options, default_year)
            if header.date_problem:
                warnings.append(f"line {block.line}: date {header.date_raw!r} rejected: {header.date_problem}")
            cur = _ReleaseBuilder(header, 0, block.line, prose=True, context=header.title)
            in_update = True
            announced = block.attrs.get("title") or block.attrs.get("description") or ""
            if announced:  # a bare date label is not an entry
                cur.add(lines[block.line - 1].strip(), announced, block.line, None)
            continue
        if isinstance(block, UpdateClose):
            close()
            in_update = False
            continue
        if isinstance(block, Paragraph) and not in_update and "\n" not in block.raw and (
            found := read_version_date_line(
                block.body, today=options.today, date_order=options.date_order, default_year=default_year
            )
        ):
            header, bold = found
            # `**v0.8.0 (2025-08-26)**` is a release wherever it stands; a plain `0.9.0 (2019-03-13)`
            # only between releases whose headings it imitates.
            if bold:
                start(header, cur.level if cur is not None and bold_release else heading_level + 1, block.line)
                bold_release = True
                continue
            if cur is not None:
                start(header, cur.level, block.line)
                continue
        if cur is None:
            continue
        if isinstance(block, Bullet):
            cur.add_bullet(block.raw, block.body, block.line, block.indent)
        elif isinstance(block, Paragraph):
            cur.add_paragraph(block.raw, block.body, block.line)
        elif isinstance(block, TableRow):
            cur.add_table_row(block)
    close()
    return ParsedDocument(url=url, releases=tuple(releases), warnings=tuple(warnings))


def parse_release_body(
    body: str,
    *,
    first_line: int = 1,
    prose: bool = False,
    title: str = "",
    section: str = "",
) -> tuple[ParsedEntry, ...]:
    """Entries of a markdown fragment that is already known to be one release.

    For GitHub release bodies and feed items: `first_line` is the 1-based line of the
    body's first line in the source document, so entry line numbers stay true to it.
    With `prose`, headings and paragraphs are entries and untagged lines count as features.
    """
    header = ReleaseHeader("", None, "", DatePrecision.NONE, title, "")
    rel = _ReleaseBuilder(header, 0, first_line, prose=prose, context=title)
    if section:
        rel.enter_section(1, section)
    lines = split_lines(body)
    offset = first_line - 1
    for block in iter_blocks(lines, 0):
        if isinstance(block, Heading):
            rel.enter_section(block.level + 1, block.text)
            if prose:
                rel.add(lines[block.line - 1], block.text, block.line + offset, None)
        elif isinstance(block, Bullet):
            rel.add(block.raw, block.body, block.line + offset, block.indent)
        elif isinstance(block, Paragraph):
            rel.bullets.clear()
            rel.add(block.raw, block.body, block.line + offset, None)
        elif isinstance(block, TableRow):
            rel.add_table_row(replace(block, line=block.line + offset))
    return tuple(rel.entries)


def parse_post(text: str, *, url: str, options: ParseOptions | None = None) -> ParsedDocument:
    """A dated blog-style post: one release whose title and paragraphs are entries."""
    options = options or ParseOptions()
    lines = split_lines(text)
    front = read_front_matter(lines)
    fm = front.values
    warnings: list[str] = []

    found = None
    date_line = front.lines.get("date", 0)
    date_source = DateSource.FRONT_MATTER
    if fm.get("date"):
        found = find_date(fm["date"], today=options.today, date_order=options.date_order)
    if found is None or found.date is None:
        from_path = date_from_path(url, today=options.today)
        if from_path is not None and (found is None or from_path.date is not None):
            found, date_line, date_source = from_path, 0, DateSource.PATH
    if found is not None and found.problem:
        warnings.append(f"date {found.raw!r} rejected: {found.problem}")

    title = strip_markup(fm.get("title", ""))
    blocks = list(iter_blocks(lines, front.end))
    version = ""
    for candidate in (title, url.rsplit("/", 2)[-2] if url.count("/") >= 2 else ""):
        if m := _VERSION_IN.search(candidate):
            version = m[1]
            break
    header = ReleaseHeader(
        version=version,
        date=found.date if found else None,
        date_raw=found.raw if found else "",
        precision=found.precision if found and found.date else DatePrecision.NONE,
        title=title or post_title(blocks, url),
        url="",
        date_problem=found.problem if found else "",
        date_source=date_source,
    )
    rel = _ReleaseBuilder(header, 0, date_line or 1, prose=True, context=title)
    for key in ("title", "description"):
        if fm.get(key) and key in front.lines:
            n = front.lines[key]
            rel.add(lines[n - 1], fm[key], n, None)
    for block in blocks:
        if isinstance(block, Heading):
            rel.enter_section(block.level, block.text)
            rel.add(lines[block.line - 1], block.text, block.line, None)
        elif isinstance(block, Bullet):
            rel.add(block.raw, block.body, block.line, block.indent)
        elif isinstance(block, Paragraph):
            rel.bullets.clear()
            rel.add(block.raw, block.body, block.line, None)
        elif isinstance(block, TableRow):
            rel.add_table_row(block)
    return ParsedDocument(url=url, releases=(rel.build(),), warnings=tuple(warnings))
