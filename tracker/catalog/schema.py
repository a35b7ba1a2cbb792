"""The newest catalog schema as SQL: tables and indexes from the SQLModel classes, plus the
FTS5 index over entry text and the triggers that keep it in sync."""

from __future__ import annotations

# Inserts are indexed in bulk by `store.save_document` (a per-row trigger is 4x slower);
# updates and deletes are rare and kept in sync by triggers.
FTS = (
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


def create_statements() -> list[str]:
    """Every statement that creates the newest schema in an empty file (imports SQLModel: writers only)."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable
    from sqlmodel import SQLModel

    from tracker.catalog import models  # noqa: F401  (registers the tables)

    dialect = sqlite.dialect()
    tables = SQLModel.metadata.sorted_tables
    statements = [str(CreateTable(t, if_not_exists=True).compile(dialect=dialect)) for t in tables]
    statements += [
        str(CreateIndex(i, if_not_exists=True).compile(dialect=dialect))
        for t in tables for i in sorted(t.indexes, key=lambda i: str(i.name))
    ]
    return [*statements, *FTS]
