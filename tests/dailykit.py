"""Helpers for the daily-job tests: a mirror of invented parties, settings, a fake report, catalog snapshots."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from conftest import party, source
from tracker.cli import main
from tracker.cli import query_cmd, run_cmd  # noqa: F401  (importing them registers their commands)
from tracker.config import Settings

DAILY = Path(__file__).parent / "fixtures" / "daily"
TAXONOMY = DAILY / "taxonomy.toml"
DAY1 = dt.datetime(2026, 11, 28, 6, 0)
DAY2 = dt.datetime(2026, 11, 29, 6, 0)

PARTIES = (
    party("Acme", source("acme", "https://acme.test/CHANGELOG.md")),
    party("Bolt", source("bolt", "https://bolt.test/docs/changelog.md"), kind="incumbent"),
    party("Cobalt", source("cobalt", "https://cobalt.test/RELEASES.md"), kind="oss"),
)

CONFIG = """
[tracker]
db = "catalog.db"
report_dir = "reports"
mirror = "mirror"

[match]
taxonomy = "{taxonomy}"

[schedule]
at = "06:00"
timezone = "UTC"

[[party]]
name = "Acme"
kind = "startup"
category = "llm-observability"
  [[party.source]]
  name = "acme"
  kind = "changelog"
  url = "https://acme.test/CHANGELOG.md"

[[party]]
name = "Bolt"
kind = "incumbent"
category = "llm-observability"
  [[party.source]]
  name = "bolt"
  kind = "changelog"
  url = "https://bolt.test/docs/changelog.md"

[[party]]
name = "Cobalt"
kind = "oss"
category = "llm-observability"
  [[party.source]]
  name = "cobalt"
  kind = "changelog"
  url = "https://cobalt.test/RELEASES.md"
"""


def make_mirror(folder: Path, *days: str) -> Path:
    """A mirror laid out <host>/<path>: day1, with later days copied over it."""
    for day in days or ("day1",):
        shutil.copytree(DAILY / day, folder, dirs_exist_ok=True)
    return folder


def daily_settings(tmp_path: Path, *, mirror: Path | None = None, fetch: dict[str, Any] | None = None,
                   **changes: Any) -> Settings:
    settings = Settings(db_path=tmp_path / "catalog.db", report_dir=tmp_path / "reports", mirror=mirror,
                        parties=PARTIES)
    settings = replace(settings, match=replace(settings.match, taxonomy=TAXONOMY),
                       fetch=replace(settings.fetch, respect_robots=False, backoff_base=0.0, backoff_max=0.0,
                                     **(fetch or {})))
    return replace(settings, **changes)


def write_config(folder: Path) -> Path:
    """A config.toml for the CLI and the scheduler, next to a day1 mirror."""
    make_mirror(folder / "mirror")
    path = folder / "config.toml"
    path.write_text(CONFIG.format(taxonomy=TAXONOMY.as_posix()), encoding="utf-8")
    return path


@dataclass(frozen=True)
class FakeReport:
    out_dir: Path
    index: Path
    pages: int = 1
    bytes: int = 0
    new_features: int = 0
    new_copies: int = 0


def fake_report(conn: sqlite3.Connection, settings: Settings, *, out_dir: Path | None = None,
                now: dt.datetime | None = None) -> FakeReport:
    """Stands in for tracker.report.render_report: one page, same signature."""
    folder = out_dir or settings.report_dir
    folder.mkdir(parents=True, exist_ok=True)
    index = folder / "index.html"
    index.write_text("<!doctype html><title>report</title>", encoding="utf-8")
    return FakeReport(folder, index)


def broken_report(conn: sqlite3.Connection, settings: Settings, *, out_dir: Path | None = None,
                  now: dt.datetime | None = None) -> FakeReport:
    raise RuntimeError("template exploded")


def rows(db_path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def snapshot(db_path: Path, *, times: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    """The catalog's content without row ids (and first-seen times unless `times`): equal across histories."""
    seen = ", {}.first_seen_at" if times else ""
    return {
        "release": rows(db_path, "SELECT s.name, r.key, r.document_url, r.version, r.date, r.date_raw, r.title, "
                                 f"r.line{seen.format('r')} FROM release r JOIN source s ON s.id = r.source_id "
                                 "ORDER BY 1, 2"),
        "entry": rows(db_path, "SELECT s.name, e.key, e.text, e.raw, e.line, e.section, e.kind, e.date, "
                               f"e.date_estimated{seen.format('e')} FROM entry e JOIN source s ON s.id = e.source_id "
                               "ORDER BY 1, 2"),
        "feature_link": rows(db_path, "SELECT fl.feature_key, s.name, e.key FROM feature_link fl "
                                      "JOIN entry e ON e.id = fl.entry_id JOIN source s ON s.id = e.source_id "
                                      "ORDER BY 1, 2, 3"),
        "fts": rows(db_path, "SELECT rowid FROM entry_fts WHERE entry_fts MATCH 'prompt' ORDER BY rowid"),
    }


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `tracker ARGS` in-process: (exit code, stdout, stderr)."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def day1_catalog(folder: Path) -> Path:
    """A catalog after one daily run over the day-1 mirror, with a config.toml naming it; its path."""
    from conftest import fixed_clock
    from tracker.daily import run_daily

    settings = daily_settings(folder, mirror=make_mirror(folder / "mirror"))
    run_daily(settings, now=fixed_clock(DAY1), report=fake_report)
    (folder / "config.toml").write_text(f'[tracker]\ndb = "{settings.db_path.as_posix()}"\n', encoding="utf-8")
    return settings.db_path
