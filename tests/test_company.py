"""`company` per party: read from config.toml, saved to the catalog, and read back with the observation windows."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT
from tracker.catalog import db, queries
from tracker.catalog.store import sync_config
from tracker.config import Overrides, load_settings
from tracker.errors import ConfigError

CONFIG = """
[[party]]
name = "Gemini"
kind = "vendor"
category = "llm-api"
company = "Google"

[[party]]
name = "Acme"
kind = "startup"
category = "gateway"
"""


def test_company_is_read_saved_and_read_back(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG)
    settings = load_settings(Overrides(config=tmp_path / "config.toml", db=tmp_path / "c.db"), env={})
    assert [(p.name, p.company) for p in settings.parties] == [("Gemini", "Google"), ("Acme", "")]
    with db.connect(settings.db_path, write=True) as conn:
        sync_config(conn, settings.parties)
        windows = queries.party_windows(conn)
        assert queries.newest_dated_entry(conn) is None
    assert windows["Gemini"].company == "Google" and windows["Acme"].company == ""
    assert windows["Acme"].observed_since is None and windows["Acme"].releases == 0
    moved = CONFIG.replace('company = "Google"', 'company = "Alphabet"')
    (tmp_path / "config.toml").write_text(moved)
    settings = load_settings(Overrides(config=tmp_path / "config.toml", db=tmp_path / "c.db"), env={})
    with db.connect(settings.db_path, write=True) as conn:
        sync_config(conn, settings.parties)
        assert queries.party_windows(conn)["Gemini"].company == "Alphabet"  # the config wins on every sync


def test_a_company_that_is_not_a_string_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG.replace('"Google"', "3"))
    with pytest.raises(ConfigError, match="'company' must be a string"):
        load_settings(Overrides(config=tmp_path / "config.toml"), env={})


def test_the_shipped_config_groups_google_and_microsoft_product_lines() -> None:
    settings = load_settings(Overrides(config=ROOT / "config.toml"), env={})
    companies = {p.name: p.company for p in settings.parties if p.company}
    assert companies == {"Google Gemini API": "Google", "Google Cloud Vertex AI": "Google",
                         "Microsoft Azure": "Microsoft"}
