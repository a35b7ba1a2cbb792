"""Configuration: precedence, the shipped config.toml, and one clear message per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from tracker.config import Overrides, load_settings
from tracker.errors import ConfigError

GOOD = """
[tracker]
db = "catalog/tracker.db"

[fetch]
per_host = 2

[[party]]
name = "Acme"
kind = "startup"
category = "gateway"

  [[party.source]]
  name = "acme-changelog"
  kind = "changelog"
  url = "https://acme.test/CHANGELOG.md"
  scope = "gateway*"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_precedence_defaults_then_file_then_environment_then_flags(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    from_file = load_settings(Overrides(config=path), env={})
    assert from_file.db_path == tmp_path / "catalog/tracker.db"  # relative to the config file
    assert from_file.fetch.per_host == 2 and from_file.fetch.timeout == 20.0  # default kept
    assert from_file.sources()[0].scope == ("gateway*",)
    from_env = load_settings(Overrides(config=path), env={"TRACKER_DB": "/tmp/env.db", "GITHUB_TOKEN": "t0k"})
    assert from_env.db_path == Path("/tmp/env.db") and from_env.fetch.github_token == "t0k"
    from_flag = load_settings(Overrides(config=path, db=tmp_path / "flag.db"), env={"TRACKER_DB": "/tmp/env.db"})
    assert from_flag.db_path == tmp_path / "flag.db"
    via_env_path = load_settings(Overrides(), env={"TRACKER_CONFIG": str(path)})
    assert via_env_path.parties[0].name == "Acme"


def test_the_shipped_config_lists_every_manifest_source_and_more_kinds() -> None:
    settings = load_settings(Overrides(config=ROOT / "config.toml"), env={})
    kinds = [s.kind for s in settings.sources()]
    assert {"changelog", "posts", "github-releases", "feed", "html"} <= set(kinds)
    assert sum(k in ("github-releases", "feed", "html") for k in kinds) >= 10
    urls = {s.url.split("?")[0] for s in settings.sources()}
    corpus = ROOT.parent / "shared" / "corpus"
    if corpus.is_dir():
        import tomllib

        for name in ("manifest-incumbents.toml", "manifest-startups-oss.toml"):
            for entry in tomllib.loads((corpus / name).read_text())["source"]:
                if entry["format"] in ("release-notes-folder", "dated-posts"):
                    repo = entry["repo"]
                    assert f"https://api.github.com/repos/{repo}/git/trees/HEAD" in urls, repo
                else:
                    assert entry["url"] in urls, entry["url"]
                assert settings.party(entry["party"]) is not None


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('[[party]\nname = "x"', "TOML syntax error"),
        (GOOD.replace('kind = "changelog"', 'kind = "carrier-pigeon"'), "unknown source kind 'carrier-pigeon'"),
        (GOOD.replace('  url = "https://acme.test/CHANGELOG.md"\n', ""), "missing required key 'url'"),
        (GOOD + GOOD.split("[fetch]")[1].replace("per_host = 2", ""), "duplicate party"),
        (GOOD.replace("per_host = 2", "per_hots = 2"), "unknown key 'per_hots'"),
        (GOOD.replace('kind = "startup"', 'kind = "unicorn"'), "unknown party kind 'unicorn'"),
        (GOOD.replace("per_host = 2", 'per_host = "two"'), "'per_host' must be an integer"),
        (GOOD.replace("per_host = 2", "per_host = 0"), "per_host"),
        (GOOD.replace("per_host = 2", 'github_token = "ghp_x"'), "unknown key 'github_token'"),
        (GOOD.replace("https://acme.test/CHANGELOG.md", "ftp://acme.test/x"), "is not an http(s) URL"),
        ('[schedule]\nat = "25:00"\n', "not HH:MM"),
        ('[schedule]\ntimezone = "Mars/Olympus"\n', "unknown timezone"),
    ],
)
def test_a_broken_config_is_one_message_naming_the_file_and_the_fix(tmp_path: Path, text: str, needle: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(Overrides(config=path), env={})
    message = str(caught.value)
    assert needle in message and str(path) in message and "\n" not in message


def test_missing_config_file_and_missing_mirror_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_settings(Overrides(config=tmp_path / "nope.toml"), env={})
    path = write(tmp_path, GOOD)
    with pytest.raises(ConfigError, match="mirror folder"):
        load_settings(Overrides(config=path, mirror=tmp_path / "no-mirror"), env={})


@pytest.mark.parametrize(("table", "needle"), [
    ("[metrics]\ncommodity_k = 0\n", "[metrics]: commodity_k = 0 must be at least 2"),
    ("[metrics]\ncommodity_k = -5\n", "[metrics]: commodity_k = -5 must be at least 2"),
    ("[metrics]\nwindow_days = -30\n", "[metrics]: window_days = -30 must be a number of days from 1 to 3650"),
    ("[match]\nwindow_days = 0\n", "window_days = 0 must be a number of days"),  # read from [match] before 0.2
    ("[match]\ndiscovery_min_parties = 1\n", "[match]: discovery_min_parties = 1 must be at least 2"),
])
def test_metric_knobs_out_of_range_are_one_clear_error(tmp_path: Path, table: str, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(Overrides(config=write(tmp_path, table + GOOD)), env={})
    assert needle in str(info.value) and str(info.value).count("\n") == 0


def test_metric_knobs_move_to_metrics_and_are_still_read_from_match(tmp_path: Path) -> None:
    new = load_settings(Overrides(config=write(tmp_path, "[metrics]\ncommodity_k = 4\n" + GOOD)), env={})
    old = load_settings(Overrides(config=write(tmp_path, "[match]\ncommodity_k = 5\nwindow_days = 30\n" + GOOD)), env={})
    both = load_settings(Overrides(config=write(tmp_path, "[match]\ncommodity_k = 5\n[metrics]\ncommodity_k = 6\n" + GOOD)),
                         env={})
    assert (new.metrics.commodity_k, old.metrics.commodity_k, old.metrics.window_days, both.metrics.commodity_k) == (
        4, 5, 30, 6)
    knobs = load_settings(Overrides(config=write(tmp_path, "[match]\ndiscover = false\n" + GOOD)), env={})
    assert knobs.match.discover is False and knobs.match.taxonomy is None
