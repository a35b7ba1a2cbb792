"""The few catalog reads the report needs besides the feature timelines (read-only SQL)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from dataclasses import dataclass


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


def last_match_at(conn: sqlite3.Connection) -> dt.datetime | None:
    """When the matcher last ran: what it first detected then is what is new (see `history`)."""
    row = conn.execute("SELECT updated_at FROM match_state WHERE id = 1").fetchone()
    return dt.datetime.fromisoformat(str(row[0])) if row and row[0] else None


@dataclass(frozen=True, slots=True)
class FetchedRevision:
    revision: str  # the commit the server said it answered with; "" when unknown
    fetched_at: dt.datetime | None


def fetched_revisions(conn: sqlite3.Connection) -> dict[str, FetchedRevision]:
    """The latest fetch of every document URL: which revision it was, and when."""
    return {
        str(url): FetchedRevision(str(revision or ""), dt.datetime.fromisoformat(str(at)) if at else None)
        for url, revision, at in conn.execute("SELECT url, revision, fetched_at FROM fetch")
    }
