"""`tracker sql`: run one read-only SQL statement against the catalog.

Three locks on the door, so a typo can never change the catalog: the file is opened
read-only (`mode=ro`), the connection is `query_only`, and an authorizer denies every
action that is not a read (writes, schema changes, ATTACH, transactions, pragmas that
set something). A refused statement is one `QueryError` and changes nothing. Rows are
streamed, one value is capped in size and a statement in time (`limits`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from tracker.catalog import db
from tracker.catalog.limits import MAX_VALUE_BYTES, cap_value_size, time_limit
from tracker.errors import QueryError

# Pragmas that only report something; any other pragma, or one of these with a value
# that is not a table or index name, is refused.
_READ_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "database_list", "collation_list", "function_list", "module_list",
    "pragma_list", "compile_options", "user_version", "schema_version", "application_id",
    "page_count", "page_size", "freelist_count", "journal_mode", "encoding", "data_version",
    "quick_check", "integrity_check",
})
_PRAGMAS_TAKING_A_NAME = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "quick_check", "integrity_check",
})
_ALWAYS_ALLOWED = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                             sqlite3.SQLITE_RECURSIVE})
_SCHEMA_WRITES = frozenset({sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE})
_SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"})
_ACTION_NAMES = {
    getattr(sqlite3, name): name.removeprefix("SQLITE_").replace("_", " ")
    for name in dir(sqlite3)
    if name.startswith("SQLITE_") and name.removeprefix("SQLITE_").split("_")[0]
    in {"INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "ATTACH", "DETACH", "PRAGMA",
        "TRANSACTION", "SAVEPOINT", "REINDEX", "ANALYZE"}
}


@dataclass(slots=True)
class _Guard:
    """The authorizer: allows reads, remembers what it refused."""

    refused: list[tuple[str, str | None]] = field(default_factory=list)  # (description, table)

    def __call__(self, action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
        if action in _ALWAYS_ALLOWED:
            return sqlite3.SQLITE_OK
        if action in _SCHEMA_WRITES and arg1 in _SCHEMA_TABLES:
            # Asked while a virtual table (FTS5, pragma_*) connects, or before the CREATE / DROP
            # that is then refused by name. SQLite itself refuses direct writes to the schema
            # table unless `writable_schema` is on, and that pragma is denied.
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and arg1 is not None and _pragma_reads(arg1.lower(), arg2):
            return sqlite3.SQLITE_OK
        what = _ACTION_NAMES.get(action, f"action {action}")
        target = " ".join(a for a in (arg1, f"= {arg2}" if action == sqlite3.SQLITE_PRAGMA and arg2 else arg2) if a)
        self.refused.append((f"{what} {target}".strip(), arg1))
        return sqlite3.SQLITE_DENY

    def first(self) -> str:
        """The refusal that names what the user wrote (DROP TABLE x, not the schema row it deletes)."""
        named = [d for d, table in self.refused if table not in _SCHEMA_TABLES]
        return (named or [d for d, _ in self.refused])[0]


def _pragma_reads(name: str, value: str | None) -> bool:
    if name not in _READ_PRAGMAS:
        return False
    return value is None or name in _PRAGMAS_TAKING_A_NAME


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    truncated: bool = False  # more rows matched than `max_rows`


@contextmanager
def _as_query_errors(guard: _Guard) -> Iterator[None]:
    """Every way a statement can fail, as one QueryError sentence."""
    try:
        yield
    except sqlite3.ProgrammingError as error:
        if "one statement" in str(error):
            raise QueryError(
                "tracker sql runs one statement at a time; remove the extra statement after the ';'"
            ) from None
        raise QueryError(f"SQL error: {error}") from None
    except sqlite3.DatabaseError as error:
        text = str(error)
        if guard.refused or "not authorized" in text or "readonly" in text or "may not be modified" in text:
            refused = repr(guard.first()) if guard.refused else f"the statement ({text})"
            raise QueryError(
                f"tracker sql is read-only and refused {refused}; nothing was changed (write SELECT queries only)"
            ) from None
        if "too big" in text:
            raise QueryError(f"SQL error: {text} (one value may hold at most {MAX_VALUE_BYTES:,} bytes); "
                             "select less, e.g. substr(x, 1, 1000)") from None
        if "interrupted" in text:
            raise  # the time limit's, turned into a sentence (or Ctrl-C) around us
        hint = ("`tracker sql \"SELECT name, sql FROM sqlite_master\"` shows the tables and columns"
                if "no such" in text else "check the statement")
        raise QueryError(f"SQL error: {text}; {hint}") from None


@contextmanager
def query_rows(
    conn: sqlite3.Connection, sql: str, *, timeout: float | None = None, batch: int = 500
) -> Iterator[tuple[tuple[str, ...], Iterator[tuple[Any, ...]]]]:
    """Run one read-only statement; yield its column names and an iterator over its rows.

    Rows are fetched `batch` at a time while the body consumes them, so a million-row result
    never sits in memory; the read-only guard and the time limit hold until the body ends."""
    if not sql.strip():
        raise QueryError("the SQL statement is empty; pass one SELECT, e.g. tracker sql \"SELECT name FROM party\"")
    guard = _Guard()
    conn.set_authorizer(guard)
    try:
        with time_limit(conn, timeout, what="the query", hint="add a LIMIT or a WHERE, or pass --timeout SECONDS"), \
                _as_query_errors(guard):
            cursor = conn.execute(sql)
            columns = tuple(d[0] for d in cursor.description or ())

            def rows() -> Iterator[tuple[Any, ...]]:
                while chunk := cursor.fetchmany(batch):
                    yield from chunk

            yield columns, rows()
    finally:
        conn.set_authorizer(None)


def run_query(
    conn: sqlite3.Connection, sql: str, *, max_rows: int | None = None, timeout: float | None = None
) -> QueryResult:
    """Run one read-only statement on `conn`, keeping at most `max_rows` rows; anything else is a QueryError."""
    with query_rows(conn, sql, timeout=timeout) as (columns, rows):
        kept = list(islice(rows, max_rows + 1)) if max_rows is not None else list(rows)
    truncated = max_rows is not None and len(kept) > max_rows
    return QueryResult(columns, kept[:max_rows] if truncated else kept, truncated)


def open_reader(db_path: Path) -> sqlite3.Connection:
    """A read-only connection for `tracker sql`: values capped in size (see `limits`)."""
    conn = db.open_connection(db_path)
    cap_value_size(conn)
    return conn


def query_catalog(
    db_path: Path, sql: str, *, max_rows: int | None = None, timeout: float | None = None
) -> QueryResult:
    """`tracker sql` as a library call: open the catalog read-only and run `sql` on it."""
    conn = open_reader(db_path)
    try:
        return run_query(conn, sql, max_rows=max_rows, timeout=timeout)
    finally:
        conn.close()
