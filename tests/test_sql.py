"""`tracker sql`: reads work in every format; writes of every shape are refused and change nothing."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from dailykit import cli, day1_catalog, rows
from tracker.errors import CatalogError, QueryError
from tracker.catalog.db import open_connection as open_readonly
from tracker.catalog.sqlquery import query_catalog, run_query


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return day1_catalog(tmp_path_factory.mktemp("sql"))


def test_select_returns_columns_and_rows(catalog: Path) -> None:
    result = query_catalog(catalog, "SELECT name, kind FROM party ORDER BY name")
    assert result.columns == ("name", "kind")
    assert result.rows == [("Acme", "startup"), ("Bolt", "incumbent"), ("Cobalt", "oss")]


def test_full_text_search_and_read_pragmas_are_allowed(catalog: Path) -> None:
    fts = query_catalog(catalog, "SELECT e.text FROM entry_fts JOIN entry e ON e.id = entry_fts.rowid "
                                 "WHERE entry_fts MATCH 'session' ORDER BY rank")
    assert fts.rows == [("session replay for agent runs",)]
    assert "text" in {r[1] for r in query_catalog(catalog, "PRAGMA table_info(entry)").rows}
    assert query_catalog(catalog, "SELECT * FROM pragma_table_info('party')").rows
    assert query_catalog(catalog, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) "
                                  "SELECT COUNT(*) FROM n").rows == [(3,)]


WRITES = [
    "INSERT INTO party(name, kind, category) VALUES ('Evil', 'startup', 'x')",
    "UPDATE entry SET text = 'defaced'",
    "DELETE FROM entry",
    "DROP TABLE entry",
    "CREATE TABLE notes(x)",
    "ALTER TABLE party ADD COLUMN evil TEXT",
    "ATTACH DATABASE ':memory:' AS other",
    "PRAGMA user_version = 99",
    "PRAGMA journal_mode = DELETE",
    "REPLACE INTO party(id, name, kind, category) VALUES (1, 'Evil', 'startup', 'x')",
    "WITH x AS (SELECT 1) DELETE FROM entry",
    "BEGIN IMMEDIATE",
    "VACUUM",
    "INSERT INTO entry_fts(entry_fts) VALUES ('delete-all')",
    "DROP TABLE entry_fts",
    "DELETE FROM sqlite_master",
    "CREATE TEMP TABLE scratch(x)",
]


@pytest.mark.parametrize("statement", WRITES)
def test_every_kind_of_write_is_refused_and_changes_nothing(catalog: Path, statement: str) -> None:
    before = {t: rows(catalog, f"SELECT * FROM {t}") for t in ("party", "entry", "run")}
    version = rows(catalog, "PRAGMA user_version")
    with pytest.raises(QueryError) as info:
        query_catalog(catalog, statement)
    assert "read-only" in str(info.value) and "nothing was changed" in str(info.value)
    assert {t: rows(catalog, f"SELECT * FROM {t}") for t in before} == before
    assert rows(catalog, "PRAGMA user_version") == version
    assert rows(catalog, "SELECT COUNT(*) FROM entry_fts WHERE entry_fts MATCH 'prompt'")[0][0] > 0


def test_a_refusal_names_what_the_user_wrote(catalog: Path) -> None:
    with pytest.raises(QueryError, match="refused 'DROP TABLE entry'"):
        query_catalog(catalog, "DROP TABLE entry")
    with pytest.raises(QueryError, match=r"refused the statement \(table sqlite_master may not be modified\)"):
        query_catalog(catalog, "DELETE FROM sqlite_master")


def test_two_statements_are_refused_before_either_runs(catalog: Path) -> None:
    with pytest.raises(QueryError, match="one statement at a time"):
        query_catalog(catalog, "SELECT 1; DELETE FROM entry")
    assert rows(catalog, "SELECT COUNT(*) FROM entry")[0][0] == 9


def test_even_a_writable_connection_is_guarded(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "x.db")
    conn.execute("CREATE TABLE t(x)")
    with pytest.raises(QueryError, match="refused 'INSERT t'"):
        run_query(conn, "INSERT INTO t VALUES (1)")
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone() == (0,)


def test_sql_errors_and_a_missing_catalog_are_one_sentence(catalog: Path, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="no such table: nope; `tracker sql"):
        query_catalog(catalog, "SELECT * FROM nope")
    with pytest.raises(QueryError, match="empty"):
        query_catalog(catalog, "   ")
    with pytest.raises(CatalogError, match="no catalog at"):
        open_readonly(tmp_path / "missing.db")


def test_cli_formats(catalog: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = str(catalog.parent / "config.toml")
    sql = ("SELECT p.name, COUNT(*) AS entries, p.name FROM entry e JOIN party p ON p.id = e.party_id "
           "GROUP BY 1 ORDER BY 1")
    code, out, _ = cli(capsys, "--config", config, "sql", sql, "--format", "json")
    assert code == 0 and json.loads(out) == [
        {"name": "Acme", "entries": 4, "name_2": "Acme"}, {"name": "Bolt", "entries": 3, "name_2": "Bolt"},
        {"name": "Cobalt", "entries": 2, "name_2": "Cobalt"},
    ]
    code, out, _ = cli(capsys, "--config", config, "sql", sql, "--format", "csv")
    assert list(csv.reader(io.StringIO(out))) == [["name", "entries", "name_2"], ["Acme", "4", "Acme"],
                                                  ["Bolt", "3", "Bolt"], ["Cobalt", "2", "Cobalt"]]
    code, out, _ = cli(capsys, "--config", config, "sql", "SELECT '[red]x[/red]' AS markup")
    assert code == 0 and "[red]x[/red]" in out


def test_cli_write_is_one_line_and_exit_2(catalog: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(capsys, "--config", str(catalog.parent / "config.toml"), "sql", "DELETE FROM entry")
    assert code == 2 and err.startswith("error: tracker sql is read-only and refused 'DELETE entry'")
    assert err.count("\n") == 1 and out == ""
    assert rows(catalog, "SELECT COUNT(*) FROM entry")[0][0] == 9
