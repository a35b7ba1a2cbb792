"""`tracker crawl`, `tracker sources` and `tracker export releases`."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tracker import pipeline
from tracker.catalog import queries
from tracker.catalog.store import sync_config
from tracker.cli.app import app, err, out, state
from tracker.cli.output import check_format, print_rows, to_csv, to_json
from tracker.crawl import CrawlSummary, SourceOutcome
from tracker.metrics.rules import is_stale

export_app = typer.Typer(help="Export the catalog as JSON or CSV.", no_args_is_help=True)
app.add_typer(export_app, name="export")

MirrorOption = Annotated[
    Path | None,
    typer.Option("--mirror", help="answer every URL from DIR/<host>/<path> instead of the network (or $TRACKER_MIRROR)"),
]


def crawl_summary_lines(summary: CrawlSummary, *, mirror: Path | None) -> list[str]:
    """The one-screen summary: counts, then one line per failed source."""
    lines = [
        f"sources: {len(summary.ok)} ok, {len(summary.failed)} failed; "
        f"new releases: {summary.new_releases}; new entries: {summary.new_entries}"
    ]
    not_in_mirror = [o for o in summary.failed if o.category == "not-in-mirror"]
    for o in summary.failed:
        if o.category != "not-in-mirror":
            lines.append(f"  failed {o.name}: {o.error}")
    if not_in_mirror:
        names = ", ".join(o.name for o in not_in_mirror)
        lines.append(f"  not in the mirror ({len(not_in_mirror)}): {names}")
    for o in summary.ok:
        for warning in o.warnings[:1]:
            lines.append(f"  warning {o.name}: {warning}")
    network = {"transport", "http", "fetch"}
    if mirror is None and summary.failed and all(o.category in network for o in summary.failed) and not summary.ok:
        lines.append("No source could be reached. Without internet, replay a saved copy: "
                     "tracker crawl --mirror ../shared/corpus/current")
    elif mirror is None and any(o.category == "transport" for o in summary.failed):
        lines.append("Some hosts were unreachable; offline, use --mirror DIR to replay saved copies.")
    return lines


def run_with_progress(run, label: str) -> CrawlSummary:  # type: ignore[no-untyped-def]
    """Run a crawl with a progress bar on stderr (plain when stderr is not a terminal)."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(label, total=None)

        def on_start(total: int) -> None:
            progress.update(task, total=total)

        def on_source(outcome: SourceOutcome) -> None:
            progress.update(task, advance=1, description=f"{label} {outcome.name}")

        return run(on_start=on_start, on_source=on_source)


@app.command()
def crawl(
    ctx: typer.Context,
    mirror: MirrorOption = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="crawl only this source or party (repeatable)")] = None,
) -> None:
    """Fetch every source (or the named ones) and save new releases and entries to the catalog."""
    settings = state(ctx).settings(mirror=mirror)
    summary = run_with_progress(
        lambda **kw: pipeline.run_crawl(settings, source_names=source or (), **kw), "crawling"
    )
    for line in crawl_summary_lines(summary, mirror=settings.mirror):
        out.print(line, markup=False)
    if summary.failed and not summary.ok:
        raise typer.Exit(1)


def source_status_line(s: queries.SourceStatus, width: int = 80) -> str:
    """"ok", "never crawled", or "failing since <day>: <error>" cut to `width`."""
    if s.failing_since:
        text = f"failing since {s.failing_since[:10]}: {s.last_error}"
        return text if len(text) <= width else text[: width - 1] + "…"
    if s.last_success_at:
        return f"ok {s.last_success_at[:16]}" + (f" (warning: {s.last_error})" if s.last_error else "")
    return "never crawled"


@app.command()
def sources(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
) -> None:
    """List sources with their last success and last error."""
    check_format(fmt)
    settings = state(ctx).settings()
    with pipeline.catalog(settings) as conn:
        sync_config(conn, settings.parties)
        statuses = queries.source_statuses(conn)
        as_of = queries.newest_dated_entry(conn, not_after=dt.date.today()) or dt.date.today()
    # observation window (earliest dated release) and staleness (newest older than a year before as_of)
    stale = {s.name: is_stale(s.last_date, as_of) for s in statuses}
    if fmt != "table":
        rows = [{**asdict(s), "observed_since": s.first_date, "stale": stale[s.name]} for s in statuses]
        print_rows(rows, list(rows[0]) if rows else ["name"], fmt)
        return
    rows = [
        {"source": s.name, "party": s.party, "kind": s.kind, "releases": s.releases, "entries": s.entries,
         "observed since": s.first_date, "last release": s.last_date + (" (stale)" if stale[s.name] else ""),
         "status": source_status_line(s)}
        for s in statuses
    ]
    failing = sum(1 for s in statuses if s.failing_since)
    print_rows(rows, ["source", "party", "kind", "releases", "entries", "observed since", "last release", "status"],
               "table", title=f"{len(rows)} sources, {failing} failing, {sum(stale.values())} stale "
                              f"(newest release over a year before {as_of.isoformat()})")


@export_app.command("releases")
def export_releases(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="json | csv")] = "json",
    party: Annotated[str | None, typer.Option("--party", help="only this party")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to a file instead of stdout")] = None,
) -> None:
    """One row per release: party, source URL, version, date, entry count."""
    check_format(fmt, ("json", "csv"))
    settings = state(ctx).settings()
    with pipeline.catalog(settings) as conn:
        rows = queries.export_releases(conn, party=party)
    text = to_json(rows) if fmt == "json" else to_csv(rows, queries.RELEASE_EXPORT_COLUMNS)
    if output:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        err.print(f"wrote {len(rows)} releases to {output}", markup=False)
    else:
        print(text, end="" if text.endswith("\n") else "\n")
