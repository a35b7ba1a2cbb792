"""`tracker sql`: run one read-only SQL statement against the catalog.

Three locks on the door, so a typo can never change the catalog: the file is opened
read-only (`mode=ro`), the connection is `query_only`, and an authorizer denies every
action that is not a read (writes, schema changes, ATTACH, transactions, pragmas that
set something). A refused statement is one `QueryError` and changes nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.errors import CatalogError, QueryError

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


def open_readonly(db_path: Path) -> sqlite3.Connection:
    """A read-only connection to the catalog (readers never block the crawl: WAL)."""
    if not db_path.is_file():
        raise CatalogError(f"no catalog at {db_path}; run `tracker crawl` first or pass --db PATH")
    try:
        conn = sqlite3.connect(f"file:{db_path.resolve()}?mode=ro", uri=True)
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.DatabaseError as error:
        raise CatalogError(f"cannot open the catalog {db_path} ({error}); check the path and its permissions") from None
    return conn


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


def run_query(conn: sqlite3.Connection, sql: str, *, max_rows: int | None = None) -> QueryResult:
    """Run one read-only statement on `conn`; anything else is a QueryError."""
    if not sql.strip():
        raise QueryError("the SQL statement is empty; pass one SELECT, e.g. tracker sql \"SELECT name FROM party\"")
    guard = _Guard()
    conn.set_authorizer(guard)
    try:
        cursor = conn.execute(sql)
        rows = cursor.fetchmany(max_rows) if max_rows is not None else cursor.fetchall()
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
        hint = ("`tracker sql \"SELECT name, sql FROM sqlite_master\"` shows the tables and columns"
                if "no such" in text else "check the statement")
        raise QueryError(f"SQL error: {text}; {hint}") from None
    finally:
        conn.set_authorizer(None)
    columns = tuple(d[0] for d in cursor.description or ())
    return QueryResult(columns, rows)


def query_catalog(db_path: Path, sql: str, *, max_rows: int | None = None) -> QueryResult:
    """`tracker sql`: open the catalog read-only and run `sql` on it."""
    conn = open_readonly(db_path)
    try:
        return run_query(conn, sql, max_rows=max_rows)
    finally:
        conn.close()
