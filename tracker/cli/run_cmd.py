"""`tracker run`, `tracker status` and `tracker schedule`: the daily job and how it is doing.

`tracker run` exits 0 when the run is ok or partial, 1 when every source failed, 75
(EX_TEMPFAIL) when another run holds the catalog's lock, 130 when interrupted.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from dataclasses import asdict
from typing import Annotated, cast

import typer

from tracker import schedule as scheduling
from tracker.cli.app import app, err, out, state
from tracker.cli.crawl_cmd import MirrorOption, run_with_progress
from tracker.cli.output import check_format, print_rows, to_json
from tracker.daily import DailySummary, run_daily, summary_lines
from tracker.errors import CatalogLockedError, UsageError
from tracker.sqlquery import open_readonly
from tracker.status import failing_sources, failing_table_row, recent_runs, run_table_row

EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the lock; try again later


@app.command("run")
def run_command(ctx: typer.Context, mirror: MirrorOption = None) -> None:
    """The daily job: crawl, match, report, digest and webhooks under one lock, then a short summary."""
    settings = state(ctx).settings(mirror=mirror)
    try:
        with scheduling.stop_on_signals():  # SIGTERM (systemd stop) is recorded like Ctrl-C
            summary = cast(DailySummary, run_with_progress(lambda **kw: run_daily(settings, **kw), "running"))
    except CatalogLockedError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        raise typer.Exit(EXIT_LOCKED) from None
    for line in summary_lines(summary):
        out.print(line, markup=False)
    if summary.outcome == "failed":
        raise typer.Exit(1)


RUN_COLUMNS = ["id", "command", "started", "took", "outcome", "ok", "failed", "releases", "entries", "features",
               "copies"]
FAILING_COLUMNS = ["source", "party", "failing since", "last error"]


@app.command("status")
def status_command(
    ctx: typer.Context,
    runs: Annotated[int, typer.Option("--runs", "-n", help="how many recent runs to show")] = 10,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """The last runs (start, end, outcome, counts) and the sources that are failing, since when, and why."""
    check_format(fmt, ("table", "json"))
    if runs < 1:
        raise UsageError(f"--runs {runs} must be at least 1")
    settings = state(ctx).settings()
    conn = open_readonly(settings.db_path)
    try:
        run_rows = recent_runs(conn, runs)
        failing = failing_sources(conn)
    finally:
        conn.close()
    if fmt == "json":
        print(to_json({"runs": [asdict(r) for r in run_rows], "failing_sources": [asdict(f) for f in failing]}))
        return
    if not run_rows:
        out.print("no runs yet; start one with `tracker run`", markup=False)
    else:
        print_rows([run_table_row(r) for r in run_rows], RUN_COLUMNS, "table", title=f"Last {len(run_rows)} runs")
        last = run_rows[0]
        if last.report_path:
            out.print(f"last report: {last.report_path}", markup=False)
        if last.message:
            out.print(f"last run: {last.message}", markup=False)
    if failing:
        print_rows([failing_table_row(f) for f in failing], FAILING_COLUMNS, "table",
                   title=f"{len(failing)} failing sources")
    elif run_rows:
        out.print("no source is failing", markup=False)


def _setup_logging() -> None:
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
        root.addHandler(handler)
    logging.getLogger("tracker").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@app.command("schedule")
def schedule_command(
    ctx: typer.Context,
    at: Annotated[str | None, typer.Option("--at", help="daily run time HH:MM (default: [schedule] at)")] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", help="IANA time zone, e.g. Europe/Berlin (default: [schedule] timezone)")
    ] = None,
    mirror: MirrorOption = None,
    run_now: Annotated[bool, typer.Option("--run-now", help="also run once right away")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="show the next run times and exit")] = False,
) -> None:
    """Run the daily job every day at --at in --timezone until stopped (Ctrl-C or SIGTERM)."""
    settings = state(ctx).settings(mirror=mirror)
    when = at or settings.schedule.at
    zone = scheduling.parse_timezone(timezone or settings.schedule.timezone)
    trigger = scheduling.daily_trigger(when, zone.key)
    if dry_run:
        for fire in scheduling.next_fire_times(trigger, dt.datetime.now(zone)):
            out.print(f"next run: {fire:%Y-%m-%d %H:%M %Z}", markup=False)
        stored = scheduling.stored_job(settings.db_path)
        if stored:
            trigger_text, next_run = stored
            due = f"{next_run:%Y-%m-%d %H:%M %Z}" if next_run else "paused"
            out.print(f"stored job: {trigger_text}, next run {due}", markup=False)
        return
    _setup_logging()

    def ready(next_run: dt.datetime) -> None:
        first = "running once now" if run_now else f"next run {next_run:%Y-%m-%d %H:%M %Z}"
        err.print(
            f"scheduled the daily run at {when} {zone.key}; {first}; the job is kept in {settings.db_path} "
            f"(table {scheduling.JOBS_TABLE}); stop with Ctrl-C or SIGTERM",
            markup=False, highlight=False,
        )

    scheduling.serve(settings, at=when, timezone=zone.key, run_now=run_now, on_ready=ready)
    err.print("scheduler stopped", markup=False)
