"""`tracker status` for people: run durations and table rows of runs and failing sources (pure)."""

from __future__ import annotations

import datetime as dt

from tracker.catalog.runs import FailingSource, RunRow
from tracker.outcome import EXIT_CODES
from tracker.redact import redact_urls


def duration(started_at: str, finished_at: str) -> str:
    """How long a run took, for people: "48s", "3m 04s", "1h 02m"; "" while it has not finished."""
    try:
        seconds = int((dt.datetime.fromisoformat(finished_at) - dt.datetime.fromisoformat(started_at)).total_seconds())
    except ValueError:
        return ""
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


def run_table_row(run: RunRow) -> dict[str, object]:
    """One run as the status table shows it (JSON keeps every column)."""
    return {
        "id": run.id, "command": run.command, "started": run.started_at[:19], "took": duration(run.started_at,
                                                                                                  run.finished_at),
        "outcome": f"{run.outcome} (exit {EXIT_CODES[run.outcome]})" if run.outcome in EXIT_CODES else run.outcome,
        "ok": run.sources_ok, "failed": run.sources_failed, "skipped": run.sources_skipped,
        "releases": run.new_releases, "entries": run.new_entries, "features": run.new_features,
        "copies": run.new_copies,
    }


def failing_table_row(source: FailingSource, width: int = 100) -> dict[str, object]:
    error = " ".join(redact_urls(source.last_error).split())
    return {"source": source.name, "party": source.party, "failing since": source.failing_since[:19],
            "last error": error if len(error) <= width else error[: width - 1] + "…"}
