"""`tracker search` and `tracker sql`: read the catalog without changing it.

Both are bounded: a time limit (`--timeout`) that Ctrl-C also ends, at most `--limit`
rows, and rows streamed to stdout rather than gathered in memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli.app import app, err, out, parse_day, state
from tracker.cli.output import check_format, csv_lines, print_rows, terminal_safe, to_json
from tracker.errors import UsageError

if TYPE_CHECKING:
    from rich.text import Text

    from tracker.catalog.search import SearchHit

LONG_TEXT = 300  # longer entries are shown as a snippet around the matches
MATCH_STYLE = "bold reverse"
SQL_TIMEOUT = 30.0  # seconds
SQL_LIMIT = 1000  # rows, unless --limit says otherwise (0: every row)


def _timeout(seconds: float) -> float | None:
    if seconds < 0:
        raise UsageError(f"--timeout {seconds:g} must be 0 (no limit) or a number of seconds")
    return seconds or None


def hit_text(hit: SearchHit, number: int) -> Text:
    """One hit for the terminal; scraped text goes in as plain Text (never markup), control characters escaped."""
    from rich.text import Text

    date = hit.date.isoformat() + (" (date estimated)" if hit.date_estimated else "")
    head = " · ".join(terminal_safe(x) for x in (hit.party, date, hit.version, hit.kind) if x)
    body, spans = (hit.text, hit.matches) if len(hit.text) <= LONG_TEXT else (hit.snippet, hit.snippet_matches)
    safe = terminal_safe(body)
    line = Text(safe)
    if len(safe) == len(body):  # escaping moved no character: the match spans still fit
        for start, end in spans:
            line.stylize(MATCH_STYLE, start, end)
    text = Text(f"{number:>3}  ")
    text.append(head, style="bold")
    text.append("\n     ")
    text.append_text(line)
    if hit.link:
        text.append("\n     ")
        text.append(terminal_safe(hit.link), style="dim")
    return text


@app.command("search")
def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='words or "a phrase"; OR, NEAR(a b, 5) and prefix* work too')],
    party: Annotated[str | None, typer.Option("--party", help="only this party")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="only this entry kind: feature, fix, ...")] = None,
    since: Annotated[str | None, typer.Option("--since", help="only entries dated on or after YYYY-MM-DD")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="at most this many hits")] = 20,
    timeout: Annotated[float, typer.Option("--timeout", help="stop after this many seconds (0: no limit)")] = 5.0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON: plain text plus match spans")] = False,
) -> None:
    """Full-text search over changelog entries, best matches first (bm25)."""
    from tracker.catalog import db
    from tracker.catalog.search import hit_record, search

    since_day = parse_day(since, "--since")
    seconds = _timeout(timeout)
    with db.connect(state(ctx).settings().db_path) as conn:
        hits = search(conn, query, party=party, kind=kind, since=since_day, limit=limit, timeout=seconds)
    if as_json:
        print(to_json([hit_record(h) for h in hits]))
        return
    if not hits:
        err.print(f"no entries match {terminal_safe(query)!r}", markup=False, highlight=False)
        return
    for number, hit in enumerate(hits, 1):
        out.print(hit_text(hit, number))


def _unique(columns: tuple[str, ...]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for column in columns:
        seen[column] = seen.get(column, 0) + 1
        names.append(column if seen[column] == 1 else f"{column}_{seen[column]}")
    return names


def _json_lines(rows: Any, columns: list[str]) -> Any:
    """A JSON array, one row at a time (the output of a million rows never sits in memory)."""
    yield "["
    for i, row in enumerate(rows):
        yield ("," if i else "") + "\n  " + to_json(dict(zip(columns, row, strict=True))).replace("\n", "\n  ")
    yield "\n]\n"


@app.command("sql")
def sql_command(
    ctx: typer.Context,
    statement: Annotated[str, typer.Argument(help='one read-only statement, e.g. "SELECT name FROM party"')],
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
    limit: Annotated[int, typer.Option("--limit", "-n", help=f"at most this many rows (default {SQL_LIMIT}; 0: all)")]
    = SQL_LIMIT,
    timeout: Annotated[float, typer.Option("--timeout", help="stop after this many seconds (0: no limit)")]
    = SQL_TIMEOUT,
) -> None:
    """Run one read-only SQL query against the catalog (writes are refused)."""
    from itertools import islice

    from tracker.catalog.sqlquery import open_reader, query_rows

    check_format(fmt)
    if limit < 0:
        raise UsageError(f"--limit {limit} must be 0 (every row) or a number of rows")
    seconds = _timeout(timeout)
    conn = open_reader(state(ctx).settings().db_path)
    shown = 0
    try:
        with query_rows(conn, statement, timeout=seconds) as (names, rows):
            columns = _unique(names)
            # One row past the limit tells whether there were more, without counting them all.
            kept = islice(rows, limit + 1) if limit else rows

            def counted() -> Any:
                nonlocal shown
                for row in kept:
                    shown += 1
                    if limit and shown > limit:
                        return
                    yield row

            if fmt == "table":
                dicts = [dict(zip(columns, row, strict=True)) for row in counted()]
                print_rows(dicts, columns, "table", title=f"{len(dicts)} rows")
            else:
                chunks = (_json_lines(counted(), columns) if fmt == "json"
                          else csv_lines((dict(zip(columns, r, strict=True)) for r in counted()), columns))
                for chunk in chunks:
                    print(chunk, end="")
    finally:
        conn.close()
    if limit and shown > limit:
        err.print(f"showing the first {limit:,} rows; pass --limit 0 for all of them (or a LIMIT in the query)",
                  markup=False, highlight=False)
