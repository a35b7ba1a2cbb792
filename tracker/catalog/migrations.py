"""Named, ordered schema migrations, recorded in the catalog (`migration` table).

A new catalog gets the newest schema at once and every migration recorded as applied;
an older catalog gets the migrations it lacks, in order, in one transaction, so a
user's catalog upgrades in place and keeps everything it holds. `PRAGMA user_version`
is the number of migrations applied, so opening an up-to-date catalog costs one read.

Add a migration by appending to `MIGRATIONS` (never edit or reorder a released one)
and changing `models.py` to match; `tests/test_migrations.py` checks that an upgraded
version-1 catalog has exactly the schema of a new one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from tracker.catalog import schema


@dataclass(frozen=True, slots=True)
class Migration:
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    # The schema tracker 0.1 created (user_version 1) before migrations were recorded.
    Migration("0001-initial", ()),
    Migration("0002-provenance-roles-runs", (
        "ALTER TABLE crawl_run RENAME TO run",
        "ALTER TABLE run ADD COLUMN sources_skipped INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE run ADD COLUMN headline VARCHAR NOT NULL DEFAULT ''",
        "ALTER TABLE party ADD COLUMN company VARCHAR NOT NULL DEFAULT ''",
        "ALTER TABLE source ADD COLUMN last_warning VARCHAR NOT NULL DEFAULT ''",
        "ALTER TABLE fetch ADD COLUMN revision VARCHAR NOT NULL DEFAULT ''",
        "ALTER TABLE release ADD COLUMN date_source VARCHAR NOT NULL DEFAULT ''",
        # Dates read from headers were the only dated kind before; say so.
        "UPDATE release SET date_source = 'header' WHERE date IS NOT NULL",
        "ALTER TABLE feature_link ADD COLUMN role VARCHAR NOT NULL DEFAULT 'native'",
        "ALTER TABLE feature_link ADD COLUMN target VARCHAR NOT NULL DEFAULT ''",
        "ALTER TABLE feature_link ADD COLUMN announces BOOLEAN NOT NULL DEFAULT 1",
    )),
)
VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def pending(conn: sqlite3.Connection) -> list[Migration]:
    """The migrations this catalog lacks (all of them for an empty file)."""
    if user_version(conn) == VERSION:
        return []
    if not _has_table(conn, "migration"):
        # Before migrations were recorded, user_version 1 meant the initial schema.
        done = {"0001-initial"} if _has_table(conn, "entry") else set()
    else:
        done = {r[0] for r in conn.execute("SELECT name FROM migration")}
    return [m for m in MIGRATIONS if m.name not in done]


def migrate(conn: sqlite3.Connection, *, now: dt.datetime | None = None) -> list[str]:
    """Bring the catalog to the newest schema in one transaction; return the names applied."""
    if user_version(conn) == VERSION:
        return []
    stamp = (now or dt.datetime.now(dt.UTC).replace(tzinfo=None)).isoformat(sep=" ", timespec="seconds")
    previous = conn.isolation_level
    conn.isolation_level = None  # we issue BEGIN/COMMIT ourselves (pysqlite would autocommit each DDL)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            todo = pending(conn)  # again, under the write lock: another writer may have migrated meanwhile
            fresh = not _has_table(conn, "entry")
            if fresh:
                for statement in schema.create_statements():
                    conn.execute(statement)
            else:
                for migration in todo:
                    for statement in migration.statements:
                        conn.execute(statement)
            conn.execute("CREATE TABLE IF NOT EXISTS migration (name VARCHAR PRIMARY KEY, applied_at VARCHAR NOT NULL)")
            # Now every migration is in effect; those recorded before keep their time.
            conn.executemany("INSERT OR IGNORE INTO migration(name, applied_at) VALUES (?, ?)",
                             [(m.name, stamp) for m in MIGRATIONS])
            conn.execute(f"PRAGMA user_version = {VERSION}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        conn.isolation_level = previous
    return [m.name for m in todo]
