"""`tracker report`: render the static HTML report of the catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker.cli.app import app, out, state


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} kB"


@app.command()
def report(
    ctx: typer.Context,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="folder to write the report to (default: data/reports, or $TRACKER_REPORT_DIR)")
    ] = None,
) -> None:
    """Write the HTML report (overview, categories, parties, features, what's new) as a static site."""
    from tracker.catalog import db
    from tracker.report import history, render_report

    settings = state(ctx).settings(report_dir=out_dir)
    first = history.load_previous(settings.report_dir) is None
    with db.connect(settings.db_path) as conn:
        result = render_report(conn, settings)
    out.print(f"wrote {result.pages} pages ({_size(result.bytes)}) to {result.out_dir}", markup=False)
    if first:
        out.print(f"first report: all {result.new_features} features and {result.new_copies} copies are new", markup=False)
    else:
        out.print(f"new since the previous report: {result.new_features} features, {result.new_copies} copies",
                  markup=False)
    out.print(f"open {result.index.resolve().as_uri()}", markup=False)
