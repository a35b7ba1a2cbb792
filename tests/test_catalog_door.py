"""The one door into the catalog, as a user meets it: read commands never create or change a
catalog, odd `--db` values are one sentence, a read-only filesystem still answers queries, and
every writer waits for the same lock."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import fixed_clock
from dailykit import DAY1, cli, daily_settings, fake_report, make_mirror, write_config
from tracker.daily import run_daily
from tracker.lock import run_lock
from tracker.outcome import EXIT_LOCKED

READ_COMMANDS = [["features"], ["feature", "prompt-caching"], ["lag"], ["export", "features"],
                 ["export", "releases"], ["search", "caching"], ["sql", "SELECT 1"], ["status"], ["report"]]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a))
def test_a_read_command_on_a_missing_catalog_says_so_and_creates_nothing(tmp_path: Path, capsys, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    typo = tmp_path / "typo.db"
    code, out, err = cli(capsys, "--config", str(write_config(tmp_path)), "--db", str(typo), *args)
    assert code == 2 and err == f"error: no catalog at {typo}; run `tracker crawl` first or pass --db PATH\n"
    assert not typo.exists() and not list(tmp_path.glob("typo.db*"))


def test_sources_lists_the_configured_sources_without_creating_a_catalog(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path)
    code, out, _ = cli(capsys, "--config", str(config), "sources", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("name,party,kind,url,releases")
    assert {line.split(",")[0] for line in out.splitlines()[1:]} == {"acme", "bolt", "cobalt"}
    assert not (tmp_path / "catalog.db").exists()


@pytest.mark.parametrize(("db", "needle"), [
    ("/dev/null", "/dev/null is not a regular file (a device or a pipe); pass --db path/to/tracker.db"),
    ("", "is a folder, not a catalog file"),
])
@pytest.mark.parametrize("command", [["crawl"], ["features"], ["sql", "SELECT 1"]])
def test_a_db_that_is_no_file_is_one_sentence(tmp_path: Path, capsys, db: str, needle: str, command: list[str]) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(capsys, "--config", str(write_config(tmp_path)), "--db", db, *command)
    assert code == 2 and needle in err and err.count("\n") == 1 and "Traceback" not in out + err
    assert not Path("/dev/null-journal").exists() and not Path("/dev/null-wal").exists()


def test_match_waits_for_the_run_lock_like_every_writer(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path)
    assert cli(capsys, "--config", str(config), "crawl")[0] == 0
    with run_lock(tmp_path / "catalog.db", "run"):
        code, out, err = cli(capsys, "--config", str(config), "match")
    assert code == EXIT_LOCKED and err.startswith("error: another run is already writing") and out == ""
    code, out, _ = cli(capsys, "--config", str(config), "match")
    assert code == 0 and "features: 4 (4 new)" in out  # nothing was taken from the run's news


@pytest.fixture
def read_only_folder(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A tmpfs remounted read-only (needs the right to mount: root in a container, or skip)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def test_a_catalog_on_a_read_only_filesystem_still_answers_every_read(tmp_path: Path, capsys, read_only_folder: Path) -> None:  # type: ignore[no-untyped-def]
    settings = daily_settings(tmp_path, mirror=make_mirror(tmp_path / "mirror"))
    run_daily(settings, now=fixed_clock(DAY1), report=fake_report)
    shutil.copy(settings.db_path, read_only_folder / "catalog.db")
    assert subprocess.run(["mount", "-o", "remount,ro", str(read_only_folder)]).returncode == 0
    config = str(write_config(tmp_path))
    db = str(read_only_folder / "catalog.db")
    for args in (["sql", "SELECT COUNT(*) AS n FROM entry", "--format", "csv"], ["search", "caching", "--json"],
                 ["features", "--json"], ["status", "--format", "json"]):
        code, out, err = cli(capsys, "--config", config, "--db", db, *args)
        assert code == 0 and out and err == "", (args, err)
    code, out, _ = cli(capsys, "--config", config, "--db", db, "sql", "SELECT COUNT(*) AS n FROM entry", "--format", "csv")
    assert out == "n\n9\n"
    code, _, err = cli(capsys, "--config", config, "--db", db, "crawl")
    assert code == 2 and "read-only file system" in err.lower() and err.count("\n") == 1
