"""`tracker search` and `tracker sql`: read the catalog without changing it."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.text import Text

from tracker.cli.app import app, err, out, state
from tracker.cli.match_cmd import parse_day
from tracker.cli.output import check_format, print_rows, to_json
from tracker.search import SearchHit, hit_record, search
from tracker.sqlquery import open_readonly, query_catalog

LONG_TEXT = 300  # longer entries are shown as a snippet around the matches
MATCH_STYLE = "bold reverse"


def hit_text(hit: SearchHit, number: int) -> Text:
    """One hit for the terminal; scraped text goes in as plain Text, so it is never markup."""
    date = hit.date.isoformat() + (" (date estimated)" if hit.date_estimated else "")
    head = " · ".join(x for x in (hit.party, date, hit.version, hit.kind) if x)
    body, spans = (hit.text, hit.matches) if len(hit.text) <= LONG_TEXT else (hit.snippet, hit.snippet_matches)
    line = Text(body)
    for start, end in spans:
        line.stylize(MATCH_STYLE, start, end)
    text = Text(f"{number:>3}  ")
    text.append(head, style="bold")
    text.append("\n     ")
    text.append_text(line)
    if hit.link:
        text.append("\n     ")
        text.append(hit.link, style="dim")
    return text


@app.command("search")
def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='words or "a phrase"; OR, NEAR(a b, 5) and prefix* work too')],
    party: Annotated[str | None, typer.Option("--party", help="only this party")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="only this entry kind: feature, fix, ...")] = None,
    since: Annotated[str | None, typer.Option("--since", help="only entries dated on or after YYYY-MM-DD")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="at most this many hits")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON: plain text plus match spans")] = False,
) -> None:
    """Full-text search over changelog entries, best matches first (bm25)."""
    since_day = parse_day(since, "--since")
    settings = state(ctx).settings()
    conn = open_readonly(settings.db_path)
    try:
        hits = search(conn, query, party=party, kind=kind, since=since_day, limit=limit)
    finally:
        conn.close()
    if as_json:
        print(to_json([hit_record(h) for h in hits]))
        return
    if not hits:
        err.print(f"no entries match {query!r}", markup=False, highlight=False)
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


@app.command("sql")
def sql_command(
    ctx: typer.Context,
    statement: Annotated[str, typer.Argument(help='one read-only statement, e.g. "SELECT name FROM party"')],
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
) -> None:
    """Run one read-only SQL query against the catalog (writes are refused)."""
    check_format(fmt)
    settings = state(ctx).settings()
    result = query_catalog(settings.db_path, statement)
    columns = _unique(result.columns)
    rows: list[dict[str, Any]] = [dict(zip(columns, row, strict=True)) for row in result.rows]
    print_rows(rows, columns, fmt, title=f"{len(rows)} rows" if fmt == "table" else "")

