"""Record every crawl and daily run: when, how it ended, what it added, which sources failed."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass


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


def finish_run(
    conn: sqlite3.Connection,
    run_id: int,
    *,
    now: dt.datetime,
    outcome: str,
    totals: RunTotals,
    report_path: str = "",
    message: str = "",
) -> None:
    with conn:
        conn.execute(
            "UPDATE run SET finished_at = ?, outcome = ?, sources_ok = ?, sources_failed = ?, new_releases = ?, "
            "new_entries = ?, new_features = ?, new_copies = ?, report_path = ?, message = ? WHERE id = ?",
            (_ts(now), outcome, totals.sources_ok, totals.sources_failed, totals.new_releases, totals.new_entries,
             totals.new_features, totals.new_copies, report_path, message, run_id),
        )


def save_headline(conn: sqlite3.Connection, run_id: int, headline: str) -> None:
    """Keep the run's headline figures (JSON), so the next run's digest can say what changed."""
    with conn:
        conn.execute("UPDATE run SET headline = ? WHERE id = ?", (headline, run_id))


def previous_headline(conn: sqlite3.Connection, run_id: int) -> tuple[str, str] | None:
    """(started_at, headline JSON) of the latest earlier run that recorded headline figures."""
    row = conn.execute(
        "SELECT started_at, headline FROM run WHERE id < ? AND headline != '' ORDER BY id DESC LIMIT 1", (run_id,)
    ).fetchone()
    return (str(row[0]), str(row[1])) if row else None
