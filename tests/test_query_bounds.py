"""`tracker sql` and `tracker search` are bounded: in time (and Ctrl-C ends them), in rows, in the
size of one value and of the query; their output is safe for a terminal and for a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from dailykit import cli, day1_catalog
from tracker.catalog import db, limits
from tracker.catalog.search import search
from tracker.catalog.sqlquery import query_catalog
from tracker.errors import QueryError, UsageError

FOREVER = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return day1_catalog(tmp_path_factory.mktemp("bounds"))


def config_of(catalog: Path) -> str:
    return str(catalog.parent / "config.toml")


def test_a_query_that_never_ends_stops_at_its_time_limit(catalog: Path) -> None:
    started = time.monotonic()
    with pytest.raises(QueryError, match=r"the query ran longer than 0.3 s and was stopped; add a LIMIT"):
        query_catalog(catalog, FOREVER, timeout=0.3)
    assert time.monotonic() - started < 5


def test_the_cli_time_limit_is_one_line(catalog: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(capsys, "--config", config_of(catalog), "sql", FOREVER, "--timeout", "0.2")
    assert code == 2 and err.startswith("error: the query ran longer than 0.2 s") and err.count("\n") == 1


def wait_until_busy(proc: subprocess.Popen[str], cpu_seconds: float = 2.5, deadline: float = 30.0) -> None:
    """Wait until the child has spent `cpu_seconds` of CPU: far more than its imports take (under a second),
    so it is inside the endless query even on a slow or loaded machine (a fixed sleep was not, once)."""
    stat = Path(f"/proc/{proc.pid}/stat")
    if not stat.exists():
        time.sleep(1.5)  # no /proc: imports take a fraction of that on an idle machine
        return
    tick = os.sysconf("SC_CLK_TCK")
    started = time.monotonic()
    while time.monotonic() - started < deadline and proc.poll() is None:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        if (int(fields[11]) + int(fields[12])) / tick >= cpu_seconds:  # utime + stime
            return
        time.sleep(0.05)


def test_ctrl_c_stops_a_running_query_at_once(catalog: Path) -> None:
    args = [sys.executable, "-c", "from tracker.cli import main; main()", "--config", config_of(catalog),
            "sql", FOREVER, "--timeout", "0"]
    # As from a terminal: SIGINT at its default. A suite started in the background by a shell without job
    # control ignores SIGINT, every child inherits that, and Python then leaves it ignored.
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    wait_until_busy(proc)  # well into the query, not still importing
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("SIGINT did not stop the query")
    assert proc.returncode == 130 and err.startswith("interrupted") and "Traceback" not in err


def test_one_huge_value_is_refused_before_it_fills_the_memory(catalog: Path) -> None:
    with pytest.raises(QueryError, match=r"too big .* at most 16,000,000 bytes"):
        query_catalog(catalog, "SELECT randomblob(500000000)")


def test_rows_are_capped_by_default_and_streamed_when_all_are_asked_for(catalog: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    many = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2500) SELECT x FROM c"
    code, out, err = cli(capsys, "--config", config_of(catalog), "sql", many, "--format", "json")
    assert code == 0 and len(json.loads(out)) == 1000
    assert "showing the first 1,000 rows; pass --limit 0 for all of them" in err
    code, out, err = cli(capsys, "--config", config_of(catalog), "sql", many, "--format", "csv", "--limit", "0")
    assert code == 0 and len(list(csv.reader(io.StringIO(out)))) == 2501 and err == ""
    code, out, err = cli(capsys, "--config", config_of(catalog), "sql", many, "--format", "json", "--limit", "0")
    assert [r["x"] for r in json.loads(out)] == list(range(1, 2501))
    code, out, _ = cli(capsys, "--config", config_of(catalog), "sql", many, "--limit", "3")
    assert "3 rows" in out


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(catalog: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    statement = "SELECT '=HYPERLINK(\"http://x\")' AS a, '+1' AS b, '-cmd' AS c, '@SUM(A1)' AS d, -5 AS n, 'ok' AS e"
    code, out, _ = cli(capsys, "--config", config_of(catalog), "sql", statement, "--format", "csv")
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert row == {"a": "'=HYPERLINK(\"http://x\")", "b": "'+1", "c": "'-cmd", "d": "'@SUM(A1)", "n": "-5", "e": "ok"}


def test_terminal_escape_sequences_are_shown_not_obeyed(catalog: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(capsys, "--config", config_of(catalog), "sql", "SELECT char(27) || '[31mred' || char(7) AS t")
    assert code == 0 and "\x1b" not in out and "\x07" not in out and "\\x1b[31mred\\x07" in out


def test_bidirectional_overrides_are_shown_not_obeyed(catalog: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    # "Trojan Source": U+202E would show "evil.exe" stored as "exe.live" the other way round
    code, out, _ = cli(capsys, "--config", config_of(catalog), "sql", "SELECT 'ok ' || char(8238) || 'exe.live' AS t")
    assert code == 0 and "\u202e" not in out and "ok \\u202eexe.live" in out


@pytest.mark.parametrize("query", ["NEAR(prompt cache, x)", "NEAR(prompt cache, -3)", "NEAR(prompt cache, 3.5)",
                                   "NEAR(prompt", "prompt AND", "(caching"])
def test_a_malformed_search_is_one_line(catalog: Path, capsys, query: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(capsys, "--config", config_of(catalog), "search", query)
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in out + err


@pytest.mark.parametrize(("query", "needle"), [
    (" ".join(["word"] * 10_000), "characters long; use at most 1,000"),
    (" OR ".join(["a*"] * 200), "use at most 1,000"),
    (" OR ".join(["ab*"] * 41), "has 41 words; use at most 40"),
])
def test_a_search_too_big_to_run_is_refused_at_once(catalog: Path, query: str, needle: str) -> None:
    started = time.monotonic()
    with db.connect(catalog) as conn, pytest.raises(UsageError, match=needle):
        search(conn, query)
    assert time.monotonic() - started < 1


def test_a_slow_search_stops_at_its_time_limit(catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "PROGRESS_STEPS", 1)  # this catalog is tiny: look at the clock at every step
    with db.connect(catalog) as conn:
        with pytest.raises(QueryError, match=r"the search ran longer than 1e-06 s and was stopped; use fewer"):
            search(conn, " OR ".join(f"{c}*" for c in "abcdefghijklmnopqrst"), timeout=0.000001)
        assert search(conn, "caching", timeout=None)  # the same connection still answers afterwards
