"""Benchmark: how fast query commands start, end to end, next to `sqlite-utils` on the same catalog.

Crawls the shared corpus into a temporary catalog once (or uses --db), then times whole
processes, alternating tracker and sqlite-utils runs in one process tree so both see the
same machine load, and prints the median of `--repeat` runs of each and their ratio:

    tracker search "prompt caching" --limit 20   vs   sqlite-utils query (the same FTS5 MATCH, bm25 order)
    tracker sql "SELECT ..."                     vs   sqlite-utils query "SELECT ..."
    tracker --help                               vs   sqlite-utils --help

sqlite-utils runs from a virtualenv of its own (made once under data/bench-sqlite-utils, from
PyPI), as `pipx install sqlite-utils` would give it: in tracker's environment it would find
pandas (which lifelines brings) and import it at every start, which would flatter the ratio.

Target (issue 9): `tracker search` ≤ 1.5 × sqlite-utils.

    python bench/bench_cli.py [--repeat 7] [--db PATH]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "current"
BIN = Path(sys.executable).parent

FTS_SQL = ("SELECT e.id, e.text, snippet(entry_fts, 0, '[', ']', '…', 24) AS snippet FROM entry_fts "
           "JOIN entry e ON e.id = entry_fts.rowid WHERE entry_fts MATCH '\"prompt caching\"' ORDER BY rank LIMIT 20")
SQL = "SELECT p.name, COUNT(*) AS entries FROM entry e JOIN party p ON p.id = e.party_id GROUP BY 1 ORDER BY 2 DESC"


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:3])} failed: {done.stderr.decode()[-300:]}")
    return elapsed


def baseline_sqlite_utils() -> Path:
    """sqlite-utils alone in a virtualenv of its own (made once)."""
    venv = ROOT / "data" / "bench-sqlite-utils"
    exe = venv / "bin" / "sqlite-utils"
    if not exe.exists():
        print(f"installing sqlite-utils into {venv} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "sqlite-utils"], check=True)
    return exe


def build_catalog(folder: Path) -> Path:
    db = folder / "catalog.db"
    print(f"crawling {CORPUS} into {db} ...", flush=True)
    subprocess.run([str(BIN / "tracker"), "--config", str(ROOT / "config.toml"), "--db", str(db), "crawl",
                    "--mirror", str(CORPUS)], check=False, stdout=subprocess.DEVNULL, cwd=ROOT)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--db", type=Path, help="an existing catalog (default: crawl the corpus into a temp one)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    db = args.db or build_catalog(folder)
    tracker = [str(BIN / "tracker"), "--config", str(ROOT / "config.toml"), "--db", str(db)]
    utils = [str(baseline_sqlite_utils())]
    pairs = {
        "search": (tracker + ["search", "prompt caching", "--limit", "20"], utils + ["query", str(db), FTS_SQL]),
        "sql": (tracker + ["sql", SQL, "--format", "json"], utils + ["query", str(db), SQL]),
        "--help": (tracker + ["--help"], utils + ["--help"]),
    }
    for name, (ours, theirs) in pairs.items():
        timed(ours), timed(theirs)  # warm the page cache
        mine, other = [], []
        for _ in range(args.repeat):  # alternate, so both see the same load
            mine.append(timed(ours))
            other.append(timed(theirs))
        m, o = statistics.median(mine), statistics.median(other)
        print(f"{name:>7}: tracker {m * 1000:6.0f} ms   sqlite-utils {o * 1000:6.0f} ms   ratio {m / o:4.2f}"
              f"   (median of {args.repeat})")
    if args.db is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
