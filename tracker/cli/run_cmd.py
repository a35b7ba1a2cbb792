"""`tracker run`, `tracker status` and `tracker schedule`: the daily job and how it is doing.

`tracker run` exits 0 when the run is ok, 1 when it is partial, 2 when it failed, 75
(EX_TEMPFAIL) when another run holds the catalog's lock, 130 when interrupted (see
`tracker.runner`); `tracker status` shows the same code next to each run's outcome.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from dataclasses import asdict
from typing import Annotated

import typer

from tracker.cli.app import app, err, out, state
from tracker.cli.crawl_cmd import MirrorOption, VerboseOption, run_with_progress
from tracker.cli.output import check_format, print_rows, terminal_safe, to_json
from tracker.errors import UsageError


@app.command("run")
def run_command(ctx: typer.Context, mirror: MirrorOption = None, verbose: VerboseOption = False) -> None:
    """The daily job: crawl, match, report, digest and webhooks under one lock, then a short summary."""
    from tracker import schedule as scheduling
    from tracker.daily import run_daily, summary_lines

    settings = state(ctx).settings(mirror=mirror)
    with scheduling.stop_on_signals():  # SIGTERM (systemd stop) is recorded like Ctrl-C
        summary = run_with_progress(lambda **kw: run_daily(settings, **kw), "running")
    for line in summary_lines(summary, verbose=verbose):
        out.print(line, markup=False)
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


RUN_COLUMNS = ["id", "command", "started", "took", "outcome", "ok", "failed", "skipped", "releases", "entries",
               "features", "copies"]
FAILING_COLUMNS = ["source", "party", "failing since", "last error"]


@app.command("status")
def status_command(
    ctx: typer.Context,
    runs: Annotated[int, typer.Option("--runs", "-n", help="how many recent runs to show")] = 10,
    fmt: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """The last runs (start, end, outcome, counts) and the sources that are failing, since when, and why."""
    from tracker.catalog import db
    from tracker.catalog.runs import failing_sources, recent_runs, run_sources
    from tracker.outcome import EXIT_CODES
    from tracker.redact import redact_urls
    from tracker.status import failing_table_row, run_table_row

    check_format(fmt, ("table", "json"))
    if runs < 1:
        raise UsageError(f"--runs {runs} must be at least 1")
    with db.connect(state(ctx).settings().db_path) as conn:
        run_rows = recent_runs(conn, runs)
        failing = failing_sources(conn)
        skipped = run_sources(conn, run_rows[0].id, "skipped") if run_rows else []
    if fmt == "json":
        print(to_json({
            "runs": [{**asdict(r), "message": redact_urls(r.message), "exit_code": EXIT_CODES.get(r.outcome)}
                     for r in run_rows],
            "failing_sources": [{**asdict(f), "last_error": redact_urls(f.last_error)} for f in failing],
            "skipped_sources": [asdict(s) for s in skipped],
        }))
        return
    if not run_rows:
        out.print("no runs yet; start one with `tracker run`", markup=False)
    else:
        print_rows([run_table_row(r) for r in run_rows], RUN_COLUMNS, "table", title=f"Last {len(run_rows)} runs")
        last = run_rows[0]
        if last.report_path:
            out.print(f"last report: {last.report_path}", markup=False)
        if last.message:
            out.print(f"last run: {terminal_safe(redact_urls(last.message))}", markup=False)
    if failing:
        print_rows([failing_table_row(f) for f in failing], FAILING_COLUMNS, "table",
                   title=f"{len(failing)} failing sources")
    elif run_rows:
        out.print("no source is failing", markup=False)
    if skipped:
        out.print(f"{len(skipped)} sources skipped in the last run, not in the mirror (offline): "
                  + ", ".join(s.source for s in skipped), markup=False)


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
    from tracker import schedule as scheduling

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
