"""Record every crawl and daily run (when, how it ended, what it added, which sources failed), and
read them back for `tracker status` and the daily job."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from tracker.catalog.db import rows


def _ts(value: dt.datetime) -> str:
    return value.isoformat(sep=" ")


def start_run(conn: sqlite3.Connection, command: str, now: dt.datetime) -> int:
    with conn:
        # A run still marked "running" was killed before it could finish: say so.
        conn.execute(
            "UPDATE run SET outcome = 'interrupted', message = 'the process stopped before the run finished' "
            "WHERE outcome = 'running'"
        )
        cur = conn.execute(
            "INSERT INTO run(command, started_at, outcome, sources_ok, sources_failed, new_releases, "
            "new_entries, new_features, new_copies, report_path, message) VALUES (?, ?, 'running', 0, 0, 0, 0, 0, 0, '', '')",
            (command, _ts(now)),
        )
    return int(cur.lastrowid or 0)


def record_run_source(
    conn: sqlite3.Connection,
    *,
    run_id: int,
    source_id: int,
    outcome: str,
    new_releases: int = 0,
    new_entries: int = 0,
    error: str = "",
    error_category: str = "",
) -> None:
    conn.execute(
        "INSERT INTO run_source(run_id, source_id, outcome, new_releases, new_entries, error, error_category) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(run_id, source_id) DO UPDATE SET outcome = excluded.outcome, "
        "new_releases = excluded.new_releases, new_entries = excluded.new_entries, error = excluded.error, "
        "error_category = excluded.error_category",
        (run_id, source_id, outcome, new_releases, new_entries, error, error_category),
    )


@dataclass(frozen=True, slots=True)
class RunTotals:
    sources_ok: int = 0
    sources_failed: int = 0
    new_releases: int = 0
    new_entries: int = 0
    new_features: int = 0
    new_copies: int = 0
    sources_skipped: int = 0


def finish_run(
    conn: sqlite3.Connection,
    run_id: int,
    *,
    now: dt.datetime,
    outcome: str,
    totals: RunTotals,
    report_path: str = "",
    message: str = "",
    headline: str = "",
) -> None:
    with conn:
        conn.execute(
            "UPDATE run SET finished_at = ?, outcome = ?, sources_ok = ?, sources_failed = ?, sources_skipped = ?, "
            "new_releases = ?, new_entries = ?, new_features = ?, new_copies = ?, report_path = ?, message = ?, "
            "headline = ? WHERE id = ?",
            (_ts(now), outcome, totals.sources_ok, totals.sources_failed, totals.sources_skipped, totals.new_releases,
             totals.new_entries, totals.new_features, totals.new_copies, report_path, message, headline, run_id),
        )


@dataclass(frozen=True, slots=True)
class RunRow:
    id: int
    command: str
    started_at: str
    finished_at: str
    outcome: str
    sources_ok: int
    sources_failed: int
    sources_skipped: int
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


def recent_runs(conn: sqlite3.Connection, limit: int = 10) -> list[RunRow]:
    return [RunRow(**r) for r in rows(
        conn,
        "SELECT id, command, started_at, COALESCE(finished_at, '') AS finished_at, outcome, sources_ok, "
        "sources_failed, sources_skipped, new_releases, new_entries, new_features, new_copies, report_path, message "
        "FROM run ORDER BY id DESC LIMIT ?",
        (limit,),
    )]


@dataclass(frozen=True, slots=True)
class RunSourceRow:
    source: str
    party: str
    outcome: str
    error: str
    category: str


def run_sources(conn: sqlite3.Connection, run_id: int, outcome: str) -> list[RunSourceRow]:
    """The sources of one run that ended with `outcome` (error, skipped, ...), by name."""
    return [RunSourceRow(**r) for r in rows(
        conn,
        "SELECT s.name AS source, p.name AS party, rs.outcome, rs.error, rs.error_category AS category "
        "FROM run_source rs JOIN source s ON s.id = rs.source_id JOIN party p ON p.id = s.party_id "
        "WHERE rs.run_id = ? AND rs.outcome = ? ORDER BY s.name",
        (run_id, outcome),
    )]


def saved_totals(conn: sqlite3.Connection, run_id: int) -> RunTotals:
    """What the sources of a run saved so far (each source commits on its own): for an interrupted run."""
    row = next(rows(
        conn,
        "SELECT COALESCE(SUM(outcome NOT IN ('error', 'skipped')), 0) AS sources_ok, "
        "COALESCE(SUM(outcome = 'error'), 0) AS sources_failed, COALESCE(SUM(outcome = 'skipped'), 0) AS sources_skipped, "
        "COALESCE(SUM(new_releases), 0) AS new_releases, COALESCE(SUM(new_entries), 0) AS new_entries "
        "FROM run_source WHERE run_id = ?",
        (run_id,),
    ))
    return RunTotals(**{k: int(v) for k, v in row.items()})


def failing_sources(conn: sqlite3.Connection) -> list[FailingSource]:
    """Sources whose last attempt failed, longest-failing first."""
    return [FailingSource(**r) for r in rows(
        conn,
        "SELECT s.name, p.name AS party, s.failing_since, COALESCE(s.last_error_at, '') AS last_error_at, "
        "COALESCE(s.last_success_at, '') AS last_success_at, s.last_error "
        "FROM source s JOIN party p ON p.id = s.party_id "
        "WHERE s.failing_since IS NOT NULL ORDER BY s.failing_since, s.name",
    )]
