"""Query commands start fast because they import only what they use: no crawl, match, report or
HTTP stack, no ORM, no template engine (the startup cost is measured in bench/bench_cli.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, fixed_clock
from dailykit import DAY1, daily_settings, fake_report, make_mirror, write_config
from tracker.daily import run_daily

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "httpx", "httpcore", "feedparser", "bs4", "jinja2", "apscheduler",
         "lifelines", "pandas", "numpy", "tracker.crawl", "tracker.pipeline", "tracker.runner", "tracker.report.site", "tracker.report.render",
         "tracker.match", "tracker.fetch.client", "tracker.sources.changelog", "tracker.parse.markdown")

PROBE = """
import json, sys
from tracker.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("imports")
    config = write_config(folder)
    settings = daily_settings(folder, mirror=make_mirror(folder / "mirror"))
    run_daily(settings, now=fixed_clock(DAY1), report=fake_report)
    return config


@pytest.mark.parametrize("args", [
    ["--help"], ["search", "prompt caching"], ["search", "caching", "--json"], ["sql", "SELECT name FROM party"],
    ["sql", "SELECT name FROM party", "--format", "csv"], ["status"], ["sources"], ["features"],
    ["feature", "prompt-caching"], ["lag"], ["export", "releases"],
], ids=lambda a: " ".join(a))
def test_a_query_command_imports_no_crawl_report_or_http_stack(project: Path, args: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE, "--config", str(project), *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    modules = json.loads(done.stderr.strip().splitlines()[-1])
    loaded = sorted({m for m in modules for heavy in HEAVY if m == heavy or m.startswith(heavy + ".")})
    assert done.stdout and not loaded, loaded
