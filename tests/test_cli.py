"""The command line as a user meets it: output, exit codes, one-line errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from tracker.cli import main

CHANGELOG = """# Changelog

## 0.3.0 (2026-04-02)

### Features
* add prompt caching <script>alert(1)</script>

## 0.2.0 (2026-03-01)

### Bug Fixes
* fix a crash in the batch API
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path: Path, frozen_now: dt.datetime) -> Path:
    mirror = tmp_path / "mirror" / "acme.test"
    mirror.mkdir(parents=True)
    (mirror / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    (tmp_path / "config.toml").write_text(
        """
[tracker]
db = "data/tracker.db"

[fetch]
backoff_base = 0.01

[[party]]
name = "Acme"
kind = "startup"
category = "gateway"

  [[party.source]]
  name = "acme"
  kind = "changelog"
  url = "https://acme.test/CHANGELOG.md"

[[party]]
name = "Offline"
kind = "vendor"
category = "llm-api"

  [[party.source]]
  name = "offline"
  kind = "changelog"
  url = "http://127.0.0.1:9/CHANGELOG.md"
""",
        encoding="utf-8",
    )
    return tmp_path


def test_crawl_from_a_mirror_prints_a_one_screen_summary(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "--config", str(project / "config.toml"), "crawl", "--mirror", str(project / "mirror"))
    assert code == 0
    assert "sources: 1 ok, 0 failed, 1 skipped; new releases: 2; new entries: 2" in out
    assert "1 source skipped: not in the mirror (offline)" in out and "offline:" not in out
    code, out, _ = run(capsys, "--config", str(project / "config.toml"), "crawl", "--mirror", str(project / "mirror"),
                       "--verbose")
    assert code == 0 and "  skipped offline: not in the mirror (offline)" in out
    assert (project / "data" / "tracker.db").exists()


def test_unreachable_sources_fail_in_one_line_each_and_the_crawl_suggests_a_mirror(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "--config", str(project / "config.toml"), "crawl", "--source", "offline")
    assert code == 2  # every source tried failed: "failed" (1 would be partial)
    lines = out.strip().splitlines()
    assert lines[0].startswith("sources: 0 ok, 1 failed")
    assert lines[1].startswith("  failed offline: ") and "127.0.0.1" in lines[1]
    assert "--mirror" in lines[-1]


def test_sources_and_export_releases_show_what_the_crawl_saved(project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = str(project / "config.toml")
    run(capsys, "--config", config, "crawl", "--mirror", str(project / "mirror"))
    code, out, _ = run(capsys, "--config", config, "sources", "--format", "json")
    status = {row["name"]: row for row in json.loads(out)}
    assert status["acme"]["releases"] == 2 and status["acme"]["last_error"] == ""
    # skipped offline: not failing, simply never read yet
    assert status["offline"]["last_error"] == "" and not status["offline"]["failing_since"]
    assert status["offline"]["releases"] == 0
    code, out, _ = run(capsys, "--config", config, "export", "releases", "--format", "json")
    releases = json.loads(out)
    assert [(r["party"], r["version"], r["date"], r["entry_count"]) for r in releases] == [
        ("Acme", "0.3.0", "2026-04-02", 1), ("Acme", "0.2.0", "2026-03-01", 1),
    ]
    assert releases[0]["source_url"] == "https://acme.test/CHANGELOG.md"
    code, out, _ = run(capsys, "--config", config, "export", "releases", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["version"] == "0.3.0" and rows[0]["entry_count"] == "1"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["export", "releases", "--format", "xml"], "unsupported format 'xml'"),
        (["crawl", "--source", "nobody"], "unknown source or party 'nobody'"),
        (["--config", "/nonexistent/config.toml", "sources"], "no such config file"),
        (["crawl", "--mirror", "/nonexistent/mirror"], "mirror folder"),
    ],
)
def test_bad_input_is_one_clear_error_line(project: Path, capsys, args: list[str], needle: str) -> None:  # type: ignore[no-untyped-def]
    if args[0] != "--config":
        args = ["--config", str(project / "config.toml"), *args]
    code, out, err = run(capsys, *args)
    assert code == 2
    assert needle in err and err.startswith("error: ") and err.count("\n") == 1
    assert "Traceback" not in err + out
