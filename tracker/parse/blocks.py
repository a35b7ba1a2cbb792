"""Split markdown/MDX text into line-numbered blocks: headings, bullets, paragraphs, MDX tags.

Changelogs are line-oriented, and every entry needs its line number, so this is a
single pass over `text.split("\\n")` rather than a full markdown AST. Code fences,
HTML comments, script and style bodies, imports and JSX layout tags are skipped; table
rows come with their header's cells; `<Update ...>` and `<ReleaseUpdate ...>` blocks
(Mintlify-style release notes) are reported as events.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_LINE = 4000  # longer lines are cut: a changelog line is a sentence, not a payload

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_SETEXT_UNDERLINE = re.compile(r"^(=+|-+)\s*$")
_BULLET = re.compile(r"^([ \t]*)(?:[-*+•]|\d{1,3}[.)])[ \t]+(\S.*)$")
_FENCE = re.compile(r"^[ \t]*(```+|~~~+)")
_RULE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$")
_UPDATE_OPEN = re.compile(r"^[ \t]*<(Update|ReleaseUpdate|ChangelogEntry|Changelog)\b(.*)$")
_UPDATE_CLOSE = re.compile(r"^[ \t]*</(Update|ReleaseUpdate|ChangelogEntry|Changelog)>")
_ATTR = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|\{["'`]([^"'`]*)["'`]\})""")
_TAG_LINE = re.compile(r"^[ \t]*</?([A-Za-z][\w.]*)\b[^<>]*/?>[ \t]*$")
_TAG_START = re.compile(r"^[ \t]*<([A-Za-z][\w.]*)\b")
# Bodies that are code or styling, never text: everything up to the closing tag is skipped.
_CODE_TAG = re.compile(r"^[ \t]*<(script|style)\b", re.IGNORECASE)
# A GFM table's delimiter row: `| --- | :---: |`, `---|---`.
_TABLE_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_LAYOUT_TAGS = frozenset(
    "div span img br hr table thead tbody tr td th iframe video audio source picture figure "
    "figcaption details summary section center p a svg path".split()
)
_SKIP_FIRST = frozenset("ie{:|![")
_BULLET_FIRST = frozenset("-*+•")
_SKIP_LINE = re.compile(
    r"^[ \t]*(?:import\s.+\sfrom\s|import\s+['\"]|export\s+(?:const|default|function)|"
    r"\{/\*.*\*/\}\s*$|:::|\||!\[[^\]]*\]\([^)]*\)\s*$|\[!\[)"
)


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Bullet:
    indent: int
    raw: str  # the bullet's lines as written, continuation lines included
    body: str  # the bullet's text with continuation lines joined
    line: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    raw: str  # the paragraph's lines as written
    body: str  # all lines joined
    line: int


@dataclass(frozen=True, slots=True)
class TableRow:
    """One body row of a markdown table; `header` gives each cell's column name."""

    cells: tuple[str, ...]
    header: tuple[str, ...]
    raw: str
    line: int


@dataclass(frozen=True, slots=True)
class UpdateOpen:
    attrs: dict[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True, slots=True)
class UpdateClose:
    line: int


Block = Heading | Bullet | Paragraph | TableRow | UpdateOpen | UpdateClose


@dataclass(frozen=True, slots=True)
class FrontMatter:
    values: dict[str, str]
    lines: dict[str, int]  # key -> 1-based line number
    end: int  # index of the first body line (0-based)


def split_lines(text: str) -> list[str]:
    """Lines as editors and GitHub number them (only \\n ends a line)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.endswith("\r"):
            line = line[:-1]
        if len(line) > MAX_LINE:
            line = line[:MAX_LINE]
        lines[i] = line
    return lines


def read_front_matter(lines: list[str]) -> FrontMatter:
    """YAML-style `key: value` pairs between leading `---` lines (nested values ignored)."""
    if not lines or lines[0].strip() != "---":
        return FrontMatter({}, {}, 0)
    values: dict[str, str] = {}
    where: dict[str, int] = {}
    for i in range(1, min(len(lines), 200)):
        line = lines[i]
        if line.strip() == "---":
            return FrontMatter(values, where, i + 1)
        if line[:1] in (" ", "\t", "-") or ":" not in line:
            continue
        key, _, value = line.partition(":")
        key = key.strip().lower()
        value = value.strip().strip("'\"")
        if key and key not in values:
            values[key] = value
            where[key] = i + 1
    return FrontMatter({}, {}, 0)  # unterminated: not front matter


def parse_attrs(text: str) -> dict[str, str]:
    return {m[1]: m[2] if m[2] is not None else (m[3] if m[3] is not None else m[4]) for m in _ATTR.finditer(text)}


def _is_layout_tag(line: str) -> bool:
    m = _TAG_START.match(line)
    if not m:
        return False
    name = m[1]
    return name[0].isupper() or name.lower() in _LAYOUT_TAGS


def table_cells(line: str) -> tuple[str, ...]:
    """The cells of a table row: split on `|` outside code spans, `\\|` kept as a literal pipe."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells: list[str] = []
    cell: list[str] = []
    in_code = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and text[i + 1:i + 2] == "|":
            cell.append("|")
            i += 2
            continue
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append("".join(cell).strip())
            cell = []
        else:
            cell.append(ch)
        i += 1
    cells.append("".join(cell).strip())
    return tuple(cells)


def _raw(lines: list[str], first: int, count: int) -> str:
    """The block's lines as written (a wrapped bullet keeps its continuation lines), capped."""
    if count == 1:
        return lines[first - 1]
    return "\n".join(lines[first - 1:first - 1 + count])[:MAX_LINE]


def iter_blocks(lines: list[str], start: int = 0) -> Iterator[Block]:
    """Yield the blocks of `lines[start:]`; line numbers are 1-based."""
    n = len(lines)
    i = start
    para: list[str] = []
    para_line = 0
    bullet: list[str] = []
    bullet_indent = 0
    bullet_line = 0

    def flush() -> Iterator[Block]:
        nonlocal para, bullet
        if bullet:
            yield Bullet(bullet_indent, _raw(lines, bullet_line, len(bullet)), " ".join(bullet), bullet_line)
            bullet = []
        if para:
            yield Paragraph(_raw(lines, para_line, len(para)).strip(), " ".join(para), para_line)
            para = []

    while i < n:
        line = lines[i]
        stripped = line.strip()
        lineno = i + 1
        if not stripped:
            if bullet or para:
                yield from flush()
            i += 1
            continue
        first = stripped[0]  # dispatch on the first character: most lines need one regex, not seven
        if first in "`~" and (m := _FENCE.match(line)):
            yield from flush()
            fence = m[1][:3]
            i += 1
            while i < n and not lines[i].lstrip().startswith(fence):
                if _UPDATE_OPEN.match(lines[i]) or _UPDATE_CLOSE.match(lines[i]):
                    break  # an unclosed fence: release boundaries never belong to a code sample
                i += 1
            else:
                i += 1
            continue
        if first == "<" and stripped.startswith("<!--"):
            yield from flush()
            while i < n and "-->" not in lines[i]:
                i += 1
            i += 1
            continue
        if "|" in stripped and i + 1 < n and "|" in lines[i + 1] and _TABLE_DELIMITER.match(lines[i + 1]):
            yield from flush()
            header = table_cells(line)
            i += 2
            while i < n and "|" in lines[i] and lines[i].strip() and not lines[i].lstrip().startswith("#"):
                yield TableRow(table_cells(lines[i]), header, lines[i], i + 1)
                i += 1
            continue
        if first == "<":
            if m := _CODE_TAG.match(line):
                yield from flush()
                closing = f"</{m[1].lower()}"
                while i < n and closing not in lines[i].lower():
                    if _UPDATE_OPEN.match(lines[i]) or _UPDATE_CLOSE.match(lines[i]):
                        break  # an unclosed script never swallows the next release
                    i += 1
                else:
                    i += 1
                continue
            if m := _UPDATE_OPEN.match(line):
                yield from flush()
                tag_text = m[2]
                j = i
                while ">" not in tag_text and j + 1 < n and j - i < 20:
                    j += 1
                    tag_text += " " + lines[j]
                yield UpdateOpen(parse_attrs(tag_text), lineno)
                i = j + 1
                continue
            if _UPDATE_CLOSE.match(line):
                yield from flush()
                yield UpdateClose(lineno)
                i += 1
                continue
            if _TAG_LINE.match(line) or _is_layout_tag(line):
                yield from flush()
                j = i
                if ">" not in line:  # a multi-line JSX opening tag
                    while j + 1 < n and ">" not in lines[j] and j - i < 30:
                        j += 1
                i = j + 1
                continue
        if first == "#" and (m := _HEADING.match(line)):
            yield from flush()
            yield Heading(len(m[1]), m[2], lineno)
            i += 1
            continue
        if (first in "-*_" and _RULE.match(line)) or (first in _SKIP_FIRST and _SKIP_LINE.match(line)):
            yield from flush()
            i += 1
            continue
        if (first in _BULLET_FIRST or first.isdigit()) and (m := _BULLET.match(line)):
            yield from flush()
            bullet = [m[2]]
            bullet_indent = len(m[1].expandtabs(4))
            bullet_line = lineno
            i += 1
            continue
        if bullet:
            bullet.append(stripped)  # continuation of the current bullet
            i += 1
            continue
        if para and _SETEXT_UNDERLINE.match(stripped) and len(para) == 1:
            heading_text = para[0]
            para = []
            yield Heading(1 if stripped[0] == "=" else 2, heading_text, para_line)
            i += 1
            continue
        if not para:
            para_line = lineno
        para.append(stripped)
        i += 1
    yield from flush()
