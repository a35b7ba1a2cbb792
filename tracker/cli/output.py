"""Render rows as a table, JSON or CSV: one formatter for every command that lists things.

Scraped text is untrusted twice over here: in a terminal, control characters (ESC `[31m`,
cursor moves, bells) and bidirectional overrides (U+202E) are shown as visible escapes, never
sent raw; in CSV, a cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab,
CR first) is prefixed with a quote, as OWASP's CSV-injection guidance says. JSON carries the text
as it is (escaped by JSON).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tracker.cli.app import err, out
from tracker.errors import UsageError

FORMATS = ("table", "json", "csv")
# C0 and C1 controls, and the bidirectional overrides and isolates a line could use to show its words in
# another order than they are stored in ("Trojan Source", CVE-2021-42574)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def check_format(fmt: str, allowed: Sequence[str] = FORMATS) -> str:
    if fmt not in allowed:
        raise UsageError(f"unsupported format {fmt!r}; use one of: {', '.join(allowed)}")
    return fmt


def terminal_safe(text: str) -> str:
    """`text` with every control character but newline and tab, and every bidirectional override or isolate,
    shown as an escape (\\x1b, \\u202e)."""
    return _CONTROL.sub(_shown, text)


def _shown(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def csv_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (OWASP: prefix such cells with a quote)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def to_json(rows: Sequence[dict[str, Any]] | Any) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2, default=str)


def csv_lines(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> Iterable[str]:
    """CSV text, header first, one chunk per row (streams: rows may be a generator)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_safe(_plain(row.get(k))) for k in columns})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> str:
    header = ",".join(columns) + "\n"
    text = "".join(csv_lines(rows, columns))
    return text or header


def write_output(text: str, output: Path | None, message: str) -> None:
    """Write an export to `output` (and say so on stderr), or print it to stdout for piping."""
    if output:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        err.print(message, markup=False, highlight=False)
    else:
        print(text, end="" if text.endswith("\n") else "\n")


def print_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, *, title: str = "") -> None:
    """Print `rows` in `fmt`; JSON and CSV go to stdout untouched, so they can be piped."""
    if fmt == "json":
        print(to_json([{k: _plain(r.get(k)) for k in columns} for r in rows]))
    elif fmt == "csv":
        print(to_csv(rows, columns), end="")
    else:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title or None, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            # Text(), not str: scraped text must never be read as rich markup, nor reach the terminal raw.
            table.add_row(*(Text("" if row.get(c) is None else terminal_safe(str(row.get(c)))) for c in columns))
        out.print(table)
