"""Named read-only queries over the catalog, returning plain rows for the CLI and reports."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceStatus:
    name: str
    party: str
    kind: str
    url: str
    releases: int
    entries: int
    first_date: str
    last_date: str
    last_success_at: str
    last_error: str
    last_error_at: str
    failing_since: str


def source_statuses(conn: sqlite3.Connection) -> list[SourceStatus]:
    rows = conn.execute(
        """
        SELECT s.name, p.name, s.kind, s.url,
               (SELECT COUNT(*) FROM release r WHERE r.source_id = s.id),
               (SELECT COUNT(*) FROM entry e WHERE e.source_id = s.id),
               COALESCE((SELECT MIN(date) FROM release r WHERE r.source_id = s.id), ''),
               COALESCE((SELECT MAX(date) FROM release r WHERE r.source_id = s.id), ''),
               COALESCE(s.last_success_at, ''), s.last_error, COALESCE(s.last_error_at, ''),
               COALESCE(s.failing_since, '')
        FROM source s JOIN party p ON p.id = s.party_id
        ORDER BY p.name, s.name
        """
    ).fetchall()
    return [SourceStatus(*r) for r in rows]


RELEASE_EXPORT_COLUMNS = (
    "party", "source", "source_url", "document_url", "version", "date", "date_raw", "date_precision",
    "date_source", "title", "url", "line", "entry_count", "first_seen_at",
)


def export_releases(conn: sqlite3.Connection, *, party: str | None = None) -> list[dict[str, object]]:
    """One row per release with its party, source URL, version, date and entry count."""
    sql = """
        SELECT p.name, s.name, s.url, r.document_url, r.version, r.date, r.date_raw, r.date_precision,
               r.date_source, r.title, r.url, r.line,
               (SELECT COUNT(*) FROM entry e WHERE e.release_id = r.id), r.first_seen_at
        FROM release r JOIN source s ON s.id = r.source_id JOIN party p ON p.id = r.party_id
    """
    params: tuple[object, ...] = ()
    if party:
        sql += " WHERE p.name = ? COLLATE NOCASE"
        params = (party,)
    sql += " ORDER BY p.name, s.name, r.date IS NULL, r.date DESC, r.id"
    return [dict(zip(RELEASE_EXPORT_COLUMNS, row, strict=True)) for row in conn.execute(sql, params)]
