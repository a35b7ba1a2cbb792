"""kill -9 in the middle of a crawl, then a normal crawl: the catalog is intact and complete.

Each crawl runs as a real `tracker` process on the shared corpus mirror; the killed one
is SIGKILLed at several points while it writes. The resumed catalog must pass SQLite's
integrity check and hold exactly the releases and entries of an uninterrupted crawl.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT

pytestmark = pytest.mark.corpus

# A handful of the largest sources keeps each crawl around a second while giving the
# kill plenty of writes to land in.
SOURCES = ["phoenix-changelog", "dd-trace-py", "promptfoo", "aws-sdk-kotlin-ml", "vertex-ai-python",
           "databricks-sdk-py", "vercel-ai-sdk", "sentry-python", "feast", "litellm-release-notes"]

RELEASES = "SELECT s.name, r.key, r.version, r.date, r.date_raw, r.title, r.line FROM release r JOIN source s ON s.id = r.source_id"
ENTRIES = ("SELECT s.name, e.key, e.text, e.raw, e.line, e.section, e.kind, e.date, e.date_estimated "
           "FROM entry e JOIN source s ON s.id = e.source_id")


def tracker_cmd(db: Path) -> list[str]:
    args = [sys.executable, "-c", "from tracker.cli import main; main()", "--config", str(ROOT / "config.toml"),
            "--db", str(db), "crawl", "--mirror", str(CORPUS / "current")]
    for name in SOURCES:
        args += ["--source", name]
    return args


def snapshot(db: Path) -> tuple[set[tuple], set[tuple]]:  # type: ignore[type-arg]
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute(RELEASES)), set(conn.execute(ENTRIES))
    finally:
        conn.close()


def wait_for_entries(db: Path, target: int, process: subprocess.Popen) -> int:  # type: ignore[type-arg]
    """Poll the catalog (WAL lets us read while it writes) until `target` entries are committed."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if db.exists():
            try:
                conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
                try:
                    count = conn.execute("SELECT COUNT(*) FROM entry").fetchone()[0]
                finally:
                    conn.close()
                if count >= target:
                    return int(count)
            except sqlite3.OperationalError:
                pass  # schema not there yet, or a checkpoint in progress
        time.sleep(0.005)
    return -1


def test_kill_9_at_several_points_then_a_normal_crawl_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    if not (CORPUS / "current").is_dir():
        pytest.skip("../shared/corpus is not available")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    clean = tmp_path / "clean.db"
    subprocess.run(tracker_cmd(clean), check=True, capture_output=True, env=env, timeout=120)
    expected = snapshot(clean)
    assert len(expected[1]) > 10000

    # Kill points are chosen by progress, not by the clock, so a slow or busy machine still
    # kills mid-write: after a random share of the entries has been committed.
    rng = random.Random(20261129)
    targets = sorted(int(rng.uniform(0.05, 0.9) * len(expected[1])) for _ in range(3))
    for i, target in enumerate(targets):
        db = tmp_path / f"killed-{i}.db"
        process = subprocess.Popen(tracker_cmd(db), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        written = wait_for_entries(db, target, process)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert 0 < written < len(expected[1]), f"kill {i} did not land mid-crawl ({written} entries)"
        partial = sqlite3.connect(db)
        assert partial.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial.close()
        subprocess.run(tracker_cmd(db), check=True, capture_output=True, env=env, timeout=120)
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        fts = conn.execute("SELECT COUNT(*) FROM entry_fts").fetchone()[0]
        assert fts == conn.execute("SELECT COUNT(*) FROM entry").fetchone()[0]
        runs = [r[0] for r in conn.execute("SELECT outcome FROM run ORDER BY id")]
        conn.close()
        releases, entries = snapshot(db)
        assert releases == expected[0], f"kill {i} after {written} entries: releases differ"
        assert entries == expected[1], f"kill {i} after {written} entries: entries differ"
        assert runs == ["interrupted", "ok"]  # the killed run is marked by its successor
