"""The one door into the SQLite catalog: `connect(path)` reads, `connect(path, write=True)` writes.

Read-only is the default (`mode=ro`, and `immutable=1` when the file sits on a read-only
filesystem), so a read command can never create or change a catalog, and a typo in
`--db` is one clear sentence instead of a new empty file. Only crawl, match, run and
schedule open for writing: that creates the file, turns WAL on (readers keep working
while a crawl writes) and applies pending migrations. The catalog stays a plain SQLite
file that other tools (sqlite3, Datasette, sqlite-utils) open.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from tracker.catalog import migrations
from tracker.errors import CatalogError

BUSY_TIMEOUT_MS = 30_000


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


def check_path(path: Path) -> None:
    """A catalog path is a regular file (or nothing yet): not empty, not a device, not a folder."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise CatalogError(f"cannot read the catalog {path}: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        raise CatalogError(f"{path} is a folder, not a catalog file; pass --db path/to/tracker.db")
    if not stat.S_ISREG(mode):
        raise CatalogError(f"{path} is not a regular file (a device or a pipe); pass --db path/to/tracker.db")


def _writable_place(path: Path) -> bool:
    """Can SQLite keep its -wal/-shm files next to the catalog? (not on a read-only filesystem)

    Only then is `immutable=1` used: it tells SQLite nobody writes the file, which is true of a
    read-only filesystem but not of a read-only file that a crawl of another user writes."""
    return os.access(path.resolve().parent, os.W_OK)


def _configure(conn: sqlite3.Connection, *, write: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if write:
        conn.execute("PRAGMA synchronous = NORMAL")
    else:
        conn.execute("PRAGMA query_only = ON")


def open_connection(path: Path, *, write: bool = False, **connect_args: Any) -> sqlite3.Connection:
    """A connection the caller closes; `connect` is the context-managed form."""
    check_path(path)
    try:
        if write:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CatalogError(f"cannot create the folder for the catalog {path}: {error.strerror}") from None
            conn = sqlite3.connect(path, **connect_args)
            try:
                _configure(conn, write=True)
                with closing(conn.cursor()) as cur:
                    cur.execute("PRAGMA journal_mode = WAL")
                migrations.migrate(conn)
            except BaseException:
                conn.close()
                raise
            return conn
        if not path.exists():
            raise CatalogError(f"no catalog at {path}; run `tracker crawl` first or pass --db PATH")
        # On a read-only filesystem SQLite cannot make its -shm file: read the file as immutable then.
        flags = "mode=ro" if _writable_place(path) else "mode=ro&immutable=1"
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, **connect_args)
        try:
            _configure(conn, write=False)
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # "not a database" surfaces here
            if problem := _schema_problem(conn, path):
                raise CatalogError(problem)
        except BaseException:
            conn.close()
            raise
        return conn
    except sqlite3.DatabaseError as error:
        raise CatalogError(describe_db_error(path, error)) from None


def _schema_problem(conn: sqlite3.Connection, path: Path) -> str:
    """Why a reader cannot use this file as it is ("" when it can)."""
    version = migrations.user_version(conn)
    if version == migrations.VERSION:
        return ""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'entry'").fetchone() is None:
        return f"{path} is not a tracker catalog; run `tracker crawl` to create one or pass --db PATH"
    if version > migrations.VERSION:
        return f"the catalog {path} was written by a newer tracker; upgrade tracker to read it"
    return f"the catalog {path} has an older schema; run `tracker crawl` or `tracker match` once to upgrade it in place"


@contextmanager
def connect(path: Path, *, write: bool = False) -> Iterator[sqlite3.Connection]:
    """The catalog at `path`, read-only unless `write`; SQLite failures become one CatalogError."""
    conn = open_connection(path, write=write, check_same_thread=False)
    try:
        yield conn
    except sqlite3.DatabaseError as error:
        raise CatalogError(describe_db_error(path, error)) from None
    finally:
        conn.close()


def has_table(path: Path, name: str) -> bool:
    """Whether the file at `path` has a table `name` (read-only: looking creates nothing)."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Iterator[dict[str, Any]]:
    """Rows of a query as dicts, read by column name (never by position)."""
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    for row in cur:
        yield dict(zip(names, row, strict=True))
