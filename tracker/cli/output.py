"""Render rows as a table, JSON or CSV: one formatter for every command that lists things."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from tracker.cli.app import out
from tracker.errors import UsageError

FORMATS = ("table", "json", "csv")


def check_format(fmt: str, allowed: Sequence[str] = FORMATS) -> str:
    if fmt not in allowed:
        raise UsageError(f"unsupported format {fmt!r}; use one of: {', '.join(allowed)}")
    return fmt


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def to_json(rows: Sequence[dict[str, Any]] | Any) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2, default=str)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _plain(row.get(k)) for k in columns})
    return buffer.getvalue()


def print_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, *, title: str = "") -> None:
    """Print `rows` in `fmt`; JSON and CSV go to stdout untouched, so they can be piped."""
    if fmt == "json":
        print(to_json([{k: _plain(r.get(k)) for k in columns} for r in rows]))
    elif fmt == "csv":
        print(to_csv(rows, columns), end="")
    else:
        table = Table(title=title or None, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            # Text(), not str: scraped text must never be read as rich markup.
            table.add_row(*(Text("" if row.get(c) is None else str(row.get(c))) for c in columns))
        out.print(table)
