"""Schema migrations: a catalog made by tracker 0.1 upgrades in place to exactly the newest schema,
keeping its rows; readers never migrate and say what to do instead."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from conftest import FIXTURES
from tracker.catalog import db, migrations
from tracker.errors import CatalogError

V1_SCHEMA = FIXTURES / "catalog" / "schema-v1.sql"


def make_v1_catalog(path: Path) -> None:
    """A version-1 catalog with one party, source, release, entry, link and run, as 0.1 wrote them."""
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(V1_SCHEMA.read_text(encoding="utf-8"))
        conn.executescript("""
            INSERT INTO party(id, name, kind, category) VALUES (1, 'Acme', 'startup', 'gateway');
            INSERT INTO source(id, name, party_id, kind, url, options, last_error)
                VALUES (1, 'acme', 1, 'changelog', 'https://acme.test/CHANGELOG.md', '{}', '');
            INSERT INTO release(id, source_id, party_id, document_url, key, version, date, date_raw, date_precision,
                                title, url, line, first_seen_at)
                VALUES (1, 1, 1, 'https://acme.test/CHANGELOG.md', 'k1', '1.0.0', '2026-03-01', '2026-03-01', 'day',
                        '1.0.0', '', 3, '2026-11-28 06:00:00'),
                       (2, 1, 1, 'https://acme.test/CHANGELOG.md', 'k2', '0.9.0', NULL, '', '',
                        '0.9.0', '', 9, '2026-11-28 06:00:00');
            INSERT INTO entry(id, release_id, source_id, party_id, document_url, key, text, raw, line, section, kind,
                              scope, context, date, date_estimated, first_seen_at)
                VALUES (1, 1, 1, 1, 'https://acme.test/CHANGELOG.md', 'e1', 'add prompt caching',
                        '* add prompt caching', 5, 'Features', 'feature', '', '', '2026-03-01', 0,
                        '2026-11-28 06:00:00');
            INSERT INTO entry_fts(rowid, text, section, scope) VALUES (1, 'add prompt caching', 'Features', '');
            INSERT INTO feature(key, name, definition, category, origin, detected_at)
                VALUES ('prompt-caching', 'Prompt caching', '', 'llm-api', 'taxonomy', '2026-11-28 06:00:00');
            INSERT INTO feature_link(feature_key, entry_id, rule, score, detected_at)
                VALUES ('prompt-caching', 1, 'alias:prompt caching', 1.0, '2026-11-28 06:00:00');
            INSERT INTO crawl_run(id, command, started_at, finished_at, outcome, sources_ok, sources_failed,
                                  new_releases, new_entries, new_features, new_copies, report_path, message)
                VALUES (1, 'crawl', '2026-11-28 06:00:00', '2026-11-28 06:01:00', 'ok', 1, 0, 2, 1, 0, 0, '', '');
            INSERT INTO run_source(run_id, source_id, outcome, new_releases, new_entries, error, error_category)
                VALUES (1, 1, 'new', 2, 1, '', '');
        """)


def shape(path: Path) -> dict[str, object]:
    """Every table's columns (name, type, not null, default, primary key), indexes and triggers."""
    with closing(sqlite3.connect(path)) as conn:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'entry_fts_%' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        tables = {n: [r[1:] for r in conn.execute(f"PRAGMA table_info('{n}')")] for n in names}
        others = sorted(conn.execute(
            "SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND name NOT LIKE 'sqlite_autoindex_%'").fetchall())
        return {"tables": tables, "indexes and triggers": others}


def test_a_version_1_catalog_upgrades_in_place_to_the_newest_schema_keeping_its_rows(tmp_path: Path) -> None:
    old, new = tmp_path / "old.db", tmp_path / "new.db"
    make_v1_catalog(old)
    with db.connect(old, write=True) as conn:
        assert migrations.user_version(conn) == migrations.VERSION
        applied = [r[0] for r in conn.execute("SELECT name FROM migration ORDER BY name")]
        assert applied == [m.name for m in migrations.MIGRATIONS]
        # the rows are all still there, under the new names, with the new columns filled in
        assert conn.execute("SELECT command, outcome, sources_skipped, headline FROM run").fetchall() == [
            ("crawl", "ok", 0, "")]
        assert conn.execute("SELECT version, date_source FROM release ORDER BY id").fetchall() == [
            ("1.0.0", "header"), ("0.9.0", "")]
        assert conn.execute("SELECT role, target, announces FROM feature_link").fetchall() == [("native", "", 1)]
        assert conn.execute("SELECT rowid FROM entry_fts WHERE entry_fts MATCH 'caching'").fetchall() == [(1,)]
        assert conn.execute("SELECT run_id FROM run_source").fetchall() == [(1,)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with db.connect(new, write=True):
        pass
    assert shape(old) == shape(new)


def test_opening_an_up_to_date_catalog_applies_nothing_again(tmp_path: Path) -> None:
    path = tmp_path / "catalog.db"
    with db.connect(path, write=True) as conn:
        stamps = conn.execute("SELECT name, applied_at FROM migration").fetchall()
        assert migrations.migrate(conn) == []
    with db.connect(path, write=True) as conn:
        assert conn.execute("SELECT name, applied_at FROM migration").fetchall() == stamps


def test_a_reader_never_migrates_and_says_how_to_upgrade(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    make_v1_catalog(old)
    before = old.read_bytes()
    with pytest.raises(CatalogError, match="older schema; run `tracker crawl` or `tracker match` once"):
        db.open_connection(old)
    assert old.read_bytes() == before


def test_a_reader_on_a_missing_path_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no catalog at .*missing.db; run `tracker crawl` first"):
        db.open_connection(tmp_path / "missing.db")
    assert list(tmp_path.iterdir()) == []


def test_a_device_or_a_folder_is_not_a_catalog(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not a regular file"):
        db.open_connection(Path("/dev/null"), write=True)
    assert not Path("/dev/null-journal").exists() and not Path("/dev/null-wal").exists()
    with pytest.raises(CatalogError, match="is a folder"):
        db.open_connection(tmp_path)


def test_a_sqlite_file_of_another_program_is_not_a_catalog_for_readers(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE notes (x)")
    with pytest.raises(CatalogError, match="is not a tracker catalog"):
        db.open_connection(other)
