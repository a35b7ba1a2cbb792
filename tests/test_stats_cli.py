"""`tracker stats` and `tracker sources` on the report's fixture changelogs: figures, formats and mistakes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_report import crawl_and_match, fixture_parties, fixture_settings
from tracker.cli import main
from tracker.config import Settings


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = fixture_settings(tmp_path_factory.mktemp("stats"), fixture_parties())
    crawl_and_match(settings)
    return settings


@pytest.fixture
def run(catalog: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        frozen_now: dt.datetime):  # type: ignore[no-untyped-def]
    """`tracker --db CATALOG ARGS...` from a folder whose config.toml lists the fixture parties;
    returns (exit code, stdout + stderr)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text("".join(
        f'[[party]]\nname = "{p.name}"\nkind = "{p.kind}"\ncategory = "{p.category}"\n'
        + "".join(f'[[party.source]]\nname = "{s.name}"\nkind = "{s.kind}"\nurl = "{s.url}"\n' for s in p.sources)
        for p in fixture_parties()))

    def invoke(*args: str, db: Path = catalog.db_path) -> tuple[int, str]:
        try:
            main(["--db", str(db), *args])
            code = 0
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return invoke


def test_stats_json_has_the_issue_shape_as_of_the_newest_dated_entry(run) -> None:  # type: ignore[no-untyped-def]
    code, text = run("stats", "--format", "json")
    data = json.loads(text)
    assert code == 0 and data["as_of"] == "2026-05-20"  # Cirrus's newest release, not today
    first = data["time_to_first_copy"]
    assert set(first) >= {"median_days", "ci95", "n", "copied", "censored", "share_within"}
    assert set(first["share_within"]) == {"30", "90", "365"} and len(first["ci95"]) == 2
    assert first["n"] == first["copied"] + first["censored"] > 0
    assert {"time_to_commodity", "by_cohort", "by_category"} <= set(data)
    earlier = json.loads(run("stats", "--format", "json", "--as-of", "2025-03-01")[1])
    assert earlier["as_of"] == "2025-03-01" and earlier["time_to_first_copy"]["n"] < first["n"]


def test_stats_table_leads_with_the_sentence(run) -> None:  # type: ignore[no-untyped-def]
    code, text = run("stats")
    assert code == 0 and text.startswith(("Half of the leads", "More than half")) and "still exclusive" in text
    assert "As of 2026-05-20 (8 features)" in text  # the table title


def test_stats_mistakes_are_one_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, text = run("stats", "--as-of", "2025-02-30")
    assert code == 2 and "error: --as-of '2025-02-30' is not a date" in text and len(text.splitlines()) == 1
    assert run("stats", "--format", "csv")[0] == 2
    code, text = run("stats", db=tmp_path / "none.db")
    assert code == 2 and "no catalog" in text and not (tmp_path / "none.db").exists()


def test_sources_show_observation_windows_and_stale_sources(run) -> None:  # type: ignore[no-untyped-def]
    rows = {r["name"]: r for r in json.loads(run("sources", "--format", "json")[1])}
    assert rows["bolt"]["observed_since"] == "2024-06-01" and rows["bolt"]["stale"] is False
    assert rows["ember"]["observed_since"] == "" and rows["ember"]["stale"] is False  # undated: no window
    code, table = run("sources")
    assert code == 0 and table.splitlines()[0] == "5 sources, 0 failing, 0 stale (newest release over a year before 2026-05-20)"


def test_commands_that_do_not_estimate_never_import_lifelines() -> None:
    code = ("import sys, tracker.cli, tracker.pipeline, tracker.report, tracker.metrics.stats; "
            "print(sorted(m for m in ('lifelines', 'pandas', 'scipy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
