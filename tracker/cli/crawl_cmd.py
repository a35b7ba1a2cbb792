"""`tracker crawl`, `tracker sources` and `tracker export releases`."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import app, err, out, state
from tracker.cli.output import check_format, print_rows, to_csv, to_json, write_output
from tracker.redact import redact_url, redact_urls

if TYPE_CHECKING:
    from tracker.catalog.queries import SourceStatus
    from tracker.config import Settings
    from tracker.crawl import CrawlSummary

export_app = typer.Typer(help="Export the catalog as JSON or CSV.", no_args_is_help=True)
app.add_typer(export_app, name="export")

VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="list every skipped source")]
MirrorOption = Annotated[
    Path | None,
    typer.Option("--mirror", help="answer every URL from DIR/<host>/<path> instead of the network (or $TRACKER_MIRROR)"),
]


def crawl_summary_lines(summary: CrawlSummary, *, mirror: Path | None, verbose: bool = False) -> list[str]:
    """The one-screen summary: counts, one line per failed source, skipped sources in one line."""
    from tracker.daily import source_lines

    skipped = f", {len(summary.skipped)} skipped" if summary.skipped else ""
    lines = [
        f"sources: {len(summary.ok)} ok, {len(summary.failed)} failed{skipped}; "
        f"new releases: {summary.new_releases}; new entries: {summary.new_entries}"
    ]
    lines += [redact_urls(line) for line in source_lines(summary, verbose=verbose)]
    for o in summary.ok:
        for warning in o.warnings[:1]:
            lines.append(f"  warning {o.name}: {redact_urls(warning)}")
    network = {"transport", "http", "fetch"}
    if mirror is None and summary.failed and all(o.category in network for o in summary.failed) and not summary.ok:
        lines.append("No source could be reached. Without internet, replay a saved copy: "
                     "tracker crawl --mirror ../shared/corpus/current")
    elif mirror is None and any(o.category == "transport" for o in summary.failed):
        lines.append("Some hosts were unreachable; offline, use --mirror DIR to replay saved copies.")
    return lines


def run_with_progress(run, label: str):  # type: ignore[no-untyped-def]
    """Run a crawl with a progress bar on stderr (plain when stderr is not a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from tracker.crawl import SourceOutcome

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err.console, transient=True, disable=not err.is_terminal,
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
    verbose: VerboseOption = False,
) -> None:
    """Fetch every source (or the named ones) and save new releases and entries to the catalog."""
    from tracker import pipeline
    from tracker.outcome import EXIT_CODES
    from tracker.runner import outcome_of

    settings = state(ctx).settings(mirror=mirror)
    summary = run_with_progress(
        lambda **kw: pipeline.run_crawl(settings, source_names=source or (), **kw), "crawling"
    )
    for line in crawl_summary_lines(summary, mirror=settings.mirror, verbose=verbose):
        out.print(line, markup=False)
    if code := EXIT_CODES[outcome_of(summary)]:
        raise typer.Exit(code)


def source_status_line(s: SourceStatus, width: int = 80) -> str:
    """"ok", "never crawled", or "failing since <day>: <error>" cut to `width`."""
    if s.failing_since:
        text = f"failing since {s.failing_since[:10]}: {redact_urls(s.last_error)}"
        return text if len(text) <= width else text[: width - 1] + "…"
    if s.last_success_at:
        return f"ok {s.last_success_at[:16]}" + (f" (warning: {redact_urls(s.last_warning)})" if s.last_warning else "")
    return "never crawled"


def configured_statuses(settings: Settings) -> list[SourceStatus]:
    """Every configured source with what the catalog knows of it (nothing yet when it was never crawled).

    Read-only: listing sources never creates or changes a catalog."""
    from tracker.catalog import db, queries

    known: dict[str, SourceStatus] = {}
    if settings.db_path.exists():
        with db.connect(settings.db_path) as conn:
            known = {s.name: s for s in queries.source_statuses(conn)}
    blank = queries.SourceStatus("", "", "", "", 0, 0, "", "", "", "", "", "", "")
    statuses = [
        replace(known.get(s.name, blank), name=s.name, party=party.name, kind=s.kind, url=s.url)
        for party in settings.parties for s in party.sources
    ]
    return sorted(statuses, key=lambda s: (s.party, s.name))


@app.command()
def sources(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
) -> None:
    """List the configured sources with their last success and last error."""
    from tracker.metrics.rules import is_stale

    check_format(fmt)
    settings = state(ctx).settings()
    statuses = configured_statuses(settings)
    # observation window (earliest dated release) and staleness (newest over a year before the catalog's as_of)
    as_of = catalog_as_of(settings)
    stale = {s.name: is_stale(s.last_date, as_of) for s in statuses}
    if fmt != "table":
        rows = [{**asdict(s), "url": redact_url(s.url), "last_error": redact_urls(s.last_error),
                 "last_warning": redact_urls(s.last_warning), "observed_since": s.first_date, "stale": stale[s.name]}
                for s in statuses]
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


def catalog_as_of(settings: Settings) -> dt.date:
    """The newest dated entry not after today (today when there is none): what staleness is judged against."""
    from tracker.catalog import db, queries

    today = dt.date.today()
    if not settings.db_path.exists():
        return today
    with db.connect(settings.db_path) as conn:
        return queries.newest_dated_entry(conn, not_after=today) or today


@export_app.command("releases")
def export_releases(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="json | csv")] = "json",
    party: Annotated[str | None, typer.Option("--party", help="only this party")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to a file instead of stdout")] = None,
) -> None:
    """One row per release: party, source URL, version, date, entry count."""
    from tracker.catalog import db, queries

    check_format(fmt, ("json", "csv"))
    with db.connect(state(ctx).settings().db_path) as conn:
        rows = queries.export_releases(conn, party=party)
    text = to_json(rows) if fmt == "json" else to_csv(rows, queries.RELEASE_EXPORT_COLUMNS)
    write_output(text, output, f"wrote {len(rows)} releases to {output}")
