"""`tracker stats`: the headline statistics — how long leads last — as a table or JSON."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import app, out, parse_day, state
from tracker.cli.output import check_format, print_rows, to_json

if TYPE_CHECKING:
    from tracker.metrics.stats import Stats
    from tracker.metrics.survival import Estimate


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _row(label: str, e: Estimate) -> dict[str, object]:
    from tracker.metrics.stats import interval

    return {
        "estimate": label, "median days": "not reached" if e.median_days is None else f"{e.median_days:,.0f}",
        "95% interval": interval(e).removeprefix("95% CI "), "n": e.n, "events": e.events, "censored": e.censored,
        "≤30 d": _share(e.share_within[30]), "≤90 d": _share(e.share_within[90]),
        "≤365 d": _share(e.share_within[365]), "left out": sum(e.left_out.values()),
    }


def stats_rows(s: Stats) -> list[dict[str, object]]:
    rows = [_row("time to first copy", s.first_copy), _row("  first mover certain only", s.certain_only),
            _row(f"time to commodity (k={s.k})", s.commodity),
            _row("startup-first: to first incumbent", s.incumbent), _row("adoption lag", s.adoption)]
    rows += [_row(f"cohort {year}", e) for year, e in s.by_cohort.items()]
    rows += [_row(f"category {name}", e) for name, e in s.by_category.items()]
    return rows


@app.command("stats")
def stats_command(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="compute as of YYYY-MM-DD (default: the newest dated entry)")
    ] = None,
) -> None:
    """How long leads last: Kaplan–Meier time to first copy and to commodity, by cohort and category."""
    from tracker import pipeline
    from tracker.catalog import db, queries
    from tracker.metrics.stats import compute_stats, headline_sentence

    check_format(fmt, ("table", "json"))
    day = parse_day(as_of, "--as-of")
    settings = state(ctx).settings()
    with db.connect(settings.db_path) as conn:
        newest = queries.newest_dated_entry(conn, not_after=dt.date.today())
        day = day or newest or dt.date.today()
        timelines = pipeline.timelines(conn, as_of=day)
    stats = compute_stats(timelines, as_of=day, k=settings.metrics.commodity_k)
    if fmt == "json":
        print(to_json(stats.as_json()))
        return
    out.print(headline_sentence(stats), markup=False)
    columns = ["estimate", "median days", "95% interval", "n", "events", "censored", "≤30 d", "≤90 d", "≤365 d",
               "left out"]
    print_rows(stats_rows(stats), columns, "table", title=f"As of {day.isoformat()} ({stats.features} features)")
