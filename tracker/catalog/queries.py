"""Named read-only queries over the catalog: sources and their status, releases for export, and the
catalog-wide facts the report needs besides the feature timelines."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from dataclasses import dataclass

from tracker.catalog.db import rows


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
    last_warning: str


def source_statuses(conn: sqlite3.Connection) -> list[SourceStatus]:
    return [SourceStatus(**r) for r in rows(
        conn,
        """
        SELECT s.name, p.name AS party, s.kind, s.url,
               (SELECT COUNT(*) FROM release r WHERE r.source_id = s.id) AS releases,
               (SELECT COUNT(*) FROM entry e WHERE e.source_id = s.id) AS entries,
               COALESCE((SELECT MIN(date) FROM release r WHERE r.source_id = s.id), '') AS first_date,
               COALESCE((SELECT MAX(date) FROM release r WHERE r.source_id = s.id), '') AS last_date,
               COALESCE(s.last_success_at, '') AS last_success_at, s.last_error,
               COALESCE(s.last_error_at, '') AS last_error_at, COALESCE(s.failing_since, '') AS failing_since,
               s.last_warning
        FROM source s JOIN party p ON p.id = s.party_id
        ORDER BY p.name, s.name
        """,
    )]


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



@dataclass(frozen=True, slots=True)
class PartyInfo:
    name: str
    kind: str
    category: str
    sources: tuple[tuple[str, str, str], ...]  # (source name, source kind, url)


@dataclass(frozen=True, slots=True)
class CatalogCounts:
    parties: int
    sources: int
    releases: int
    entries: int
    features: int
    first_release: dt.date | None
    last_release: dt.date | None
    last_crawl: dt.datetime | None


def parties(conn: sqlite3.Connection) -> list[PartyInfo]:
    sources: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for party_id, name, kind, url in conn.execute("SELECT party_id, name, kind, url FROM source ORDER BY name"):
        sources[party_id].append((name, kind, url))
    return [
        PartyInfo(name, kind, category, tuple(sources.get(pid, ())))
        for pid, name, kind, category in conn.execute("SELECT id, name, kind, category FROM party ORDER BY name")
    ]


def release_dates(conn: sqlite3.Connection) -> dict[str, list[dt.date]]:
    """Every dated release of every party, oldest first (undated releases have no cadence)."""
    dates: dict[str, list[dt.date]] = defaultdict(list)
    for name, day in conn.execute(
        "SELECT p.name, r.date FROM release r JOIN party p ON p.id = r.party_id WHERE r.date IS NOT NULL ORDER BY r.date"
    ):
        dates[name].append(dt.date.fromisoformat(str(day)[:10]))
    return dict(dates)


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)[:10]) if value else None


def counts(conn: sqlite3.Connection) -> CatalogCounts:
    def one(sql: str) -> tuple[object, ...]:
        return tuple(conn.execute(sql).fetchone())

    first, last = one("SELECT MIN(date), MAX(date) FROM release")
    crawl = one("SELECT MAX(finished_at) FROM run WHERE outcome IN ('ok', 'partial')")[0]
    def n(table: str) -> int:
        return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])  # fixed table names only

    return CatalogCounts(
        parties=n("party"), sources=n("source"), releases=n("release"), entries=n("entry"), features=n("feature"),
        first_release=_date(first), last_release=_date(last),
        last_crawl=dt.datetime.fromisoformat(str(crawl)) if crawl else None,
    )


def party_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM party ORDER BY name")]


def newest_dated_entry(conn: sqlite3.Connection, *, not_after: dt.date | None = None) -> dt.date | None:
    """The newest published (not estimated) entry date, none later than `not_after`: what the catalog's
    figures are "as of"."""
    # party by party, so each is one step back along the (party, date) index instead of a scan of every entry
    sql = ("SELECT MAX((SELECT MAX(e.date) FROM entry e WHERE e.party_id = p.id AND e.date <= ? "
           "AND NOT e.date_estimated)) FROM party p")
    day = not_after.isoformat() if not_after is not None else "9999-12-31"
    return _date(conn.execute(sql, (day,)).fetchone()[0])


# --------------------------------------------------------------------------- observation windows


@dataclass(frozen=True, slots=True)
class PartyWindow:
    """What the catalog has seen of one party: from when it is observed, and how well."""

    party: str
    company: str  # "" when the party is its own company
    kind: str
    category: str
    observed_since: dt.date | None  # its earliest dated release (None: no dated release)
    newest_release: dt.date | None  # its newest dated release
    releases: int
    undated_releases: int
    sources: int
    crawled_sources: int  # sources with at least one successful fetch
    failing_sources: int


def party_windows(conn: sqlite3.Connection) -> dict[str, PartyWindow]:
    """Every party's observation window: its earliest and newest dated release, with release and source counts."""
    sql = """
        SELECT p.name AS party, p.company, p.kind, p.category,
               (SELECT MIN(date) FROM release r WHERE r.party_id = p.id) AS observed_since,
               (SELECT MAX(date) FROM release r WHERE r.party_id = p.id) AS newest_release,
               (SELECT COUNT(*) FROM release r WHERE r.party_id = p.id) AS releases,
               (SELECT COUNT(*) FROM release r WHERE r.party_id = p.id AND r.date IS NULL) AS undated_releases,
               (SELECT COUNT(*) FROM source s WHERE s.party_id = p.id) AS sources,
               (SELECT COUNT(*) FROM source s WHERE s.party_id = p.id AND s.last_success_at IS NOT NULL)
                   AS crawled_sources,
               (SELECT COUNT(*) FROM source s WHERE s.party_id = p.id AND s.failing_since IS NOT NULL)
                   AS failing_sources
        FROM party p ORDER BY p.name
    """
    out = {}
    for r in rows(conn, sql):
        r.update(observed_since=_date(r["observed_since"]), newest_release=_date(r["newest_release"]))
        out[r["party"]] = PartyWindow(**r)
    return out


def last_match_at(conn: sqlite3.Connection) -> dt.datetime | None:
    """When the matcher last ran: what it first detected then is what is new (see `report.history`)."""
    row = conn.execute("SELECT updated_at FROM match_state WHERE id = 1").fetchone()
    return dt.datetime.fromisoformat(str(row[0])) if row and row[0] else None


@dataclass(frozen=True, slots=True)
class FetchedRevision:
    revision: str  # the commit the server said it answered with; "" when unknown
    fetched_at: dt.datetime | None  # when the content the entries' line numbers refer to was last fetched


def fetched_revisions(conn: sqlite3.Connection) -> dict[str, FetchedRevision]:
    """The latest successful fetch of every document URL: which revision it was, and when.

    A failed fetch changes no line number, so it does not count as the content's fetch date.
    """
    return {
        str(url): FetchedRevision(str(revision or ""), dt.datetime.fromisoformat(str(at)) if at else None)
        for url, revision, at in conn.execute(
            "SELECT url, revision, fetched_at FROM fetch WHERE outcome IN ('new', 'unchanged', 'not-modified')")
    }
