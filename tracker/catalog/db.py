"""Open the SQLite catalog: engine, WAL mode, schema, FTS5 index and its triggers.

The catalog is a plain SQLite file that other tools (sqlite3, Datasette) can open.
WAL mode lets readers (search, reports) work while a crawl writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import SQLModel, create_engine

from tracker.catalog import models  # noqa: F401  (registers the tables)
from tracker.errors import CatalogError

SCHEMA_VERSION = 1

# Inserts are indexed in bulk by `store.save_document` (a per-row trigger is 4x slower);
# updates and deletes are rare and kept in sync by triggers.
_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS entry_fts USING fts5("
    "text, section, scope, content='entry', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER IF NOT EXISTS entry_fts_ad AFTER DELETE ON entry BEGIN "
    "INSERT INTO entry_fts(entry_fts, rowid, text, section, scope) "
    "VALUES ('delete', old.id, old.text, old.section, old.scope); END",
    "CREATE TRIGGER IF NOT EXISTS entry_fts_au AFTER UPDATE OF text, section, scope ON entry BEGIN "
    "INSERT INTO entry_fts(entry_fts, rowid, text, section, scope) "
    "VALUES ('delete', old.id, old.text, old.section, old.scope); "
    "INSERT INTO entry_fts(rowid, text, section, scope) VALUES (new.id, new.text, new.section, new.scope); END",
)


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _create_schema(engine: Engine) -> None:
    """Tables, indexes, the FTS index and its triggers in one transaction, so that a reader
    never sees the tables without their index (pysqlite would autocommit each DDL)."""
    statements = [str(CreateTable(t, if_not_exists=True).compile(engine)) for t in SQLModel.metadata.sorted_tables]
    statements += [
        str(CreateIndex(i, if_not_exists=True).compile(engine))
        for t in SQLModel.metadata.sorted_tables for i in sorted(t.indexes, key=lambda i: str(i.name))
    ]
    statements += [*_FTS, f"PRAGMA user_version = {SCHEMA_VERSION}"]
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        previous = conn.isolation_level
        conn.isolation_level = None  # we issue BEGIN/COMMIT ourselves
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in statements:
                    conn.execute(statement)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.isolation_level = previous
    finally:
        raw.close()


def describe_db_error(path: Path, error: BaseException) -> str:
    """One sentence for the usual SQLite failures (full disk, read-only, not a database)."""
    text = str(getattr(error, "orig", error)).lower()
    if "disk is full" in text or "database or disk is full" in text or "no space" in text:
        return f"the disk holding the catalog {path} is full; free some space and run again (nothing saved was lost)"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return f"the catalog {path} is read-only; fix its permissions or pass --db with a writable path"
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return f"{path} is not a valid SQLite catalog; point --db at another file or restore it from a backup"
    if "locked" in text or "busy" in text:
        return f"the catalog {path} is locked by another process; try again when it finishes"
    if "unable to open" in text:
        return f"cannot open the catalog {path}; check that its folder exists and is writable"
    return f"catalog {path}: {getattr(error, 'orig', error)}"


def open_engine(path: Path, *, create: bool = True, read_only: bool = False) -> Engine:
    """An engine on `path` with the schema in place (created on first use)."""
    if not read_only and create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CatalogError(f"cannot create the folder for the catalog {path}: {error.strerror}") from None
    if read_only or not create:
        if not path.exists():
            raise CatalogError(f"no catalog at {path}; run `tracker crawl` first or pass --db PATH")
    if read_only:
        uri = f"file:{path.resolve()}?mode=ro"
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False)
        )
    else:
        engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _on_connect)
    if not read_only:
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode = WAL")
                version = conn.exec_driver_sql("PRAGMA user_version").scalar() or 0
            if version < SCHEMA_VERSION:
                _create_schema(engine)
        except (OperationalError, DBAPIError) as error:
            engine.dispose()
            raise CatalogError(describe_db_error(path, error)) from None
    return engine


@contextmanager
def raw_connection(engine: Engine) -> Iterator[sqlite3.Connection]:
    """The DB-API connection underneath, for bulk work where the ORM would be slow."""
    conn = engine.raw_connection()
    try:
        yield conn.driver_connection  # type: ignore[misc]
    finally:
        conn.close()
