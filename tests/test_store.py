"""The catalog writer on an in-memory-sized temp catalog: identity, updates and the FTS index."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from tracker.catalog import db, store
from tracker.config import PartyConfig, SourceConfig
from tracker.parse.model import DatePrecision, DateSource, EntryKind, ParsedDocument, ParsedEntry, ParsedRelease

NOW = dt.datetime(2026, 11, 29, 6, 0)
URL = "https://acme.test/CHANGELOG.md"


def entry(text: str, line: int, raw: str | None = None) -> ParsedEntry:
    return ParsedEntry(text=text, raw=raw or f"* {text}", line=line, section="Features", kind=EntryKind.FEATURE)


def doc(*releases: ParsedRelease) -> ParsedDocument:
    return ParsedDocument(URL, releases)


def release(version: str, date: dt.date | None, *entries: ParsedEntry, line: int = 1) -> ParsedRelease:
    return ParsedRelease(version, date, date.isoformat() if date else "",
                         DatePrecision.DAY if date else DatePrecision.NONE, version, line, "", entries)


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    connection = db.open_connection(tmp_path / "catalog.db", write=True)
    store.sync_config(connection, (PartyConfig("Acme", "startup", "gateway",
                                               (SourceConfig("acme", "changelog", URL, "Acme"),)),))
    return connection  # type: ignore[return-value]


def save(conn: sqlite3.Connection, document: ParsedDocument, now: dt.datetime = NOW) -> store.SaveCounts:
    with conn:
        return store.save_document(conn, source_id=1, party_id=1, doc=document, now=now)


def fts(conn: sqlite3.Connection, query: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT e.text FROM entry_fts JOIN entry e ON e.id = entry_fts.rowid WHERE entry_fts MATCH ? ORDER BY e.id",
        (query,))]


def test_saving_the_same_document_twice_adds_nothing(conn: sqlite3.Connection) -> None:
    d = doc(release("1.0.0", dt.date(2026, 1, 5), entry("add prompt caching", 5), entry("add webhooks", 6)))
    assert save(conn, d) == store.SaveCounts(1, 2, 0)
    assert save(conn, d) == store.SaveCounts(0, 0, 0)
    assert conn.execute("SELECT COUNT(*) FROM entry_fts").fetchone()[0] == 2


def test_identical_lines_in_one_release_are_kept_apart(conn: sqlite3.Connection) -> None:
    d = doc(release("1.0.0", dt.date(2026, 1, 5), entry("add caching", 5), entry("add caching", 9)))
    assert save(conn, d).new_entries == 2
    assert save(conn, d).new_entries == 0


def test_moved_lines_and_changed_text_update_in_place_and_keep_the_index_in_sync(conn: sqlite3.Connection) -> None:
    save(conn, doc(release("1.0.0", dt.date(2026, 1, 5), entry("add prompt caching", 5, "* add prompt caching"))))
    moved = doc(release("1.0.0", dt.date(2026, 1, 5), entry("add context caching", 12, "* add prompt caching"),
                        line=8))
    counts = save(conn, moved, NOW + dt.timedelta(days=1))
    assert counts == store.SaveCounts(0, 0, 1)
    assert conn.execute("SELECT line, text, first_seen_at FROM entry").fetchall() == [
        (12, "add context caching", "2026-11-29 06:00:00")]
    assert fts(conn, "context") == ["add context caching"] and fts(conn, "prompt") == []
    assert conn.execute("SELECT COUNT(*) FROM entry_change").fetchone()[0] == 1  # the matcher will look again


def test_an_undated_release_that_gets_a_date_dates_its_entries(conn: sqlite3.Connection) -> None:
    save(conn, doc(release("0.55.0", None, entry("add OIDC tokens", 4))))
    assert conn.execute("SELECT date, date_estimated FROM entry").fetchall() == [("2026-11-29", 1)]
    save(conn, doc(release("0.55.0", dt.date(2025, 5, 27), entry("add OIDC tokens", 4))), NOW + dt.timedelta(days=3))
    assert conn.execute("SELECT date, date_estimated FROM entry").fetchall() == [("2025-05-27", 0)]
    assert conn.execute("SELECT date FROM release").fetchall() == [("2025-05-27",)]


def test_every_release_records_where_its_date_came_from(conn: sqlite3.Connection) -> None:
    undated = release("2.0.0", None, entry("add agents", 4))
    save(conn, doc(undated, replace(release("1.0.0", dt.date(2026, 1, 5), entry("add caching", 9)),
                                    date_source=DateSource.HEADER)))
    sql = "SELECT version, date, date_raw, date_source FROM release ORDER BY version"
    assert conn.execute(sql).fetchall() == [("1.0.0", "2026-01-05", "2026-01-05", "header"), ("2.0.0", None, "", "")]
    # Its tag dates the undated release later: date, raw tag and source change together.
    tagged = replace(undated, date=dt.date(2026, 2, 1), date_raw="tag v2.0.0 2026-02-01T09:00:00+00:00",
                     date_precision=DatePrecision.DAY, date_source=DateSource.TAG)
    save(conn, doc(tagged, replace(release("1.0.0", dt.date(2026, 1, 5), entry("add caching", 9)),
                                   date_source=DateSource.HEADER)), NOW + dt.timedelta(days=1))
    assert conn.execute(sql).fetchall()[1] == ("2.0.0", "2026-02-01", "tag v2.0.0 2026-02-01T09:00:00+00:00", "tag")
    assert conn.execute("SELECT date, date_estimated FROM entry WHERE text = 'add agents'").fetchone() == ("2026-02-01", 0)
