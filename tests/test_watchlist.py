"""The watchlist: `[report] home` and `--home`, validated once, and the overview leading with the home party."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_report import crawl_and_match, fixture_parties, fixture_settings, render, soup

from tracker.config import Overrides, load_settings, with_home
from tracker.errors import ConfigError
from tracker.metrics import build_timelines
from tracker.model import FeatureDef, MentionRow
from tracker.report.headtohead import copy_pairs
from tracker.report.site_map import SiteMap
from tracker.report.watchlist import watch

CONFIG = """
[report]
home = ["langfuse"]

[[party]]
name = "Langfuse"
kind = "startup"
category = "llm-observability"

[[party]]
name = "Acme"
kind = "startup"
category = "gateway"
"""


def test_report_home_is_read_validated_and_spelled_as_configured(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    settings = load_settings(Overrides(config=path), env={})
    assert settings.report.home == ("Langfuse",)
    assert with_home(settings, ["ACME", "Acme"]).report.home == ("Acme",)

    path.write_text(CONFIG.replace('["langfuse"]', '["Langfuse", "Nobody"]'), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(Overrides(config=path), env={})
    message = str(caught.value)
    assert "[report] home: unknown party 'Nobody'" in message and "[[party]]" in message and "\n" not in message
    path.write_text(CONFIG.replace('home = ["langfuse"]', "home = 3"), encoding="utf-8")
    with pytest.raises(ConfigError, match="'home' must be a string or a list of strings"):
        load_settings(Overrides(config=path), env={})


def mention(key: str, party: str, day: dt.date, *, estimated: bool = False, role: str = "native") -> MentionRow:
    return MentionRow(key, hash((key, party)) % 10**6, party, "startup", "cat", "https://x.test/CHANGELOG.md", "",
                      "1.0", day, estimated, "add it", "* add it", 3, "feature", "alias:it", "2026-01-01 06:00:00",
                      role=role)


def test_a_home_party_sees_what_was_copied_what_it_lacks_and_what_only_it_has() -> None:
    D = dt.date
    defs = [FeatureDef(k, k.upper(), "", "cat", "taxonomy") for k in ("old", "taken", "lacked", "mine", "plug", "late")]
    rows = [
        mention("old", "Home", D(2025, 1, 1)), mention("old", "Rival", D(2025, 3, 1)),  # copied long ago
        mention("taken", "Home", D(2026, 1, 1)), mention("taken", "Rival", D(2026, 5, 1)),  # copied in the window
        mention("lacked", "Rival", D(2026, 4, 20)), mention("lacked", "Other", D(2026, 5, 20)),  # both in the window
        mention("mine", "Home", D(2025, 6, 1)),  # nobody else has it
        mention("plug", "Rival", D(2026, 5, 1), role="support"),  # an integration is no launch
        mention("late", "Other", D(2026, 1, 1)),  # launched before the window
    ]
    lines = build_timelines(defs, rows)
    site = SiteMap((t.key for t in lines), ["Home", "Rival", "Other"], ["cat"])
    w = watch("Home", lines, list(copy_pairs(lines)), site, as_of=D(2026, 6, 1), window=90)
    assert w.since == D(2026, 3, 3)
    assert [(c.key, c.follower, c.lag_days) for c in w.copied] == [("taken", "Rival", 120)]
    assert [(m.key, m.launchers, m.launched_on, m.parties) for m in w.missing] == [
        ("lacked", ("Other", "Rival"), D(2026, 5, 20), 2)]
    assert [(e.key, e.days) for e in w.exclusive] == [("mine", 365)]


def test_the_overview_leads_with_the_home_party(tmp_path: Path) -> None:
    settings = with_home(fixture_settings(tmp_path, fixture_parties()), ["cirrus"])
    crawl_and_match(settings)
    page = soup(render(settings).index)
    main = page.select_one("main")
    first = main.find(["section", "div"], recursive=False)
    assert first is not None and first.get("data-home") == "Cirrus"  # before the verdict and every card
    assert "Cirrus: exposure over the last 90 days" in first.select_one("h2").get_text()
    assert page.select_one('[data-home="Cirrus"] [data-metric="home-exclusive"]')["data-value"] == "1"


def test_cli_home_must_name_a_configured_party(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tracker.cli import main

    settings = fixture_settings(tmp_path, fixture_parties())
    crawl_and_match(settings)
    config = tmp_path / "config.toml"
    config.write_text('[[party]]\nname = "Acme"\nkind = "startup"\ncategory = "gateway"\n', encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["--config", str(config), "--db", str(settings.db_path), "report", "--out", str(tmp_path / "o"),
              "--home", "Bolt"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.startswith("error: --home: unknown party 'Bolt'") and err.count("\n") == 1


def test_a_run_with_a_home_party_leads_its_digest_with_it(tmp_path: Path) -> None:
    from conftest import fixed_clock
    from dailykit import DAY1, daily_settings, fake_report, make_mirror

    from tracker.daily import run_daily

    settings = with_home(daily_settings(tmp_path, mirror=make_mirror(tmp_path / "mirror")), ["acme"])
    summary = run_daily(settings, now=fixed_clock(DAY1), report=fake_report)
    md = summary.digest_files.markdown.read_text(encoding="utf-8") if summary.digest_files else ""
    assert md.splitlines()[2] == "## Acme: exposure over the last 90 days"
    assert md.index("## Acme") < md.index("## The market") < md.index("## New launches")
