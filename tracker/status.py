"""`tracker status`: the last runs and the sources that are failing, read from the catalog."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from tracker.redact import redact_urls


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    command: str
    started_at: str
    finished_at: str
    outcome: str
    sources_ok: int
    sources_failed: int
    new_releases: int
    new_entries: int
    new_features: int
    new_copies: int
    report_path: str
    message: str


@dataclass(frozen=True, slots=True)
class FailingSource:
    name: str
    party: str
    failing_since: str
    last_error_at: str
    last_success_at: str
    last_error: str


@dataclass(frozen=True, slots=True)
class RunError:
    """One source that failed in a given run."""

    source: str
    party: str
    error: str
    category: str


def recent_runs(conn: sqlite3.Connection, limit: int = 10) -> list[RunRow]:
    rows = conn.execute(
        "SELECT id, command, started_at, COALESCE(finished_at, ''), outcome, sources_ok, sources_failed, "
        "new_releases, new_entries, new_features, new_copies, report_path, message "
        "FROM run ORDER BY id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [RunRow(*r[:-1], redact_urls(r[-1])) for r in rows]


def failing_sources(conn: sqlite3.Connection) -> list[FailingSource]:
    """Sources whose last attempt failed, longest-failing first; credentials in their errors redacted."""
    rows = conn.execute(
        "SELECT s.name, p.name, s.failing_since, COALESCE(s.last_error_at, ''), COALESCE(s.last_success_at, ''), "
        "s.last_error FROM source s JOIN party p ON p.id = s.party_id "
        "WHERE s.failing_since IS NOT NULL ORDER BY s.failing_since, s.name"
    ).fetchall()
    return [FailingSource(*r[:-1], redact_urls(r[-1])) for r in rows]


def run_errors(conn: sqlite3.Connection, run_id: int) -> list[RunError]:
    rows = conn.execute(
        "SELECT s.name, p.name, rs.error, rs.error_category FROM run_source rs JOIN source s ON s.id = rs.source_id "
        "JOIN party p ON p.id = s.party_id WHERE rs.run_id = ? AND rs.outcome = 'error' ORDER BY s.name",
        (run_id,),
    ).fetchall()
    return [RunError(r[0], r[1], redact_urls(r[2]), r[3]) for r in rows]


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
        "outcome": run.outcome, "ok": run.sources_ok, "failed": run.sources_failed,
        "releases": run.new_releases, "entries": run.new_entries, "features": run.new_features,
        "copies": run.new_copies,
    }


def failing_table_row(source: FailingSource, width: int = 100) -> dict[str, object]:
    error = " ".join(source.last_error.split())
    return {"source": source.name, "party": source.party, "failing since": source.failing_since[:19],
            "last error": error if len(error) <= width else error[: width - 1] + "…"}
