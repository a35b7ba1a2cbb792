"""Shared fixtures: temp catalogs, settings for hand-written sources, and the shared corpus."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import time_machine

from tracker.config import PartyConfig, Settings, SourceConfig

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold" / "dev.toml"
FIXTURES = Path(__file__).parent / "fixtures"


def fixed_clock(start: dt.datetime = dt.datetime(2026, 11, 29, 6, 0)) -> Callable[[], dt.datetime]:
    return lambda: start


@pytest.fixture
def frozen_now() -> Iterator[dt.datetime]:
    """The wall clock set to the fixed test day (and ticking), for code that reads the real clock:
    the CLI and the scheduler have no clock seam of their own. Fixture dates stay in the past."""
    now = dt.datetime(2026, 11, 29, 6, 0, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=True):
        yield now


@pytest.fixture
def corpus() -> Path:
    if not (CORPUS / "current").is_dir():
        pytest.skip("../shared/corpus is not available")
    return CORPUS


@pytest.fixture
def gold_path() -> Path:
    if not GOLD.is_file():
        pytest.skip("../shared/gold/dev.toml is not available")
    return GOLD


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings for a list of (party, kind, [sources]) with a catalog in tmp_path."""

    def build(*parties: PartyConfig, mirror: Path | None = None, **fetch: object) -> Settings:
        settings = Settings(db_path=tmp_path / "catalog.db", report_dir=tmp_path / "reports",
                            mirror=mirror, parties=tuple(parties))
        if fetch:
            settings = replace(settings, fetch=replace(settings.fetch, **fetch))  # type: ignore[arg-type]
        return settings

    return build


def party(name: str, *sources: SourceConfig, kind: str = "startup", category: str = "llm-observability") -> PartyConfig:
    return PartyConfig(name, kind, category, tuple(replace(s, party=name) for s in sources))


def source(name: str, url: str, kind: str = "changelog", **options: object) -> SourceConfig:
    return SourceConfig(name=name, kind=kind, url=url, party="", **options)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def corpus_catalog(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The default config.toml crawled from ../shared/corpus/current into a fresh catalog (once per run)."""
    if not (CORPUS / "current").is_dir():
        pytest.skip("../shared/corpus is not available")
    from tracker import pipeline
    from tracker.config import Overrides, load_settings

    folder = tmp_path_factory.mktemp("corpus-catalog")
    settings = load_settings(
        Overrides(config=ROOT / "config.toml", db=folder / "catalog.db", mirror=CORPUS / "current",
                  report_dir=folder / "reports"),
        env={},
    )
    pipeline.run_crawl(settings, now=fixed_clock())
    return settings
