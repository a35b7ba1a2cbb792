"""`tracker stats` and the export on the shared corpus: observation windows hold, and the Kaplan–Meier
figures agree with an independent fit of the exported features to the day."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

import pytest
from conftest import ROOT, fixed_clock
from survivalkit import first_copy_observations, km_curve, km_median
from typer.testing import CliRunner

from tracker import pipeline
from tracker.catalog import db
from tracker.cli import match_cmd, stats_cmd  # noqa: F401  registers `export features` and `stats`
from tracker.cli.app import app
from tracker.config import Settings


@pytest.fixture(scope="module")
def matched(corpus_catalog: Settings) -> Settings:
    with db.connect(corpus_catalog.db_path, write=True) as conn:
        pipeline.match_catalog(conn, corpus_catalog, now=fixed_clock())
    return corpus_catalog


def cli(settings: Settings, *args: str) -> Any:
    result = CliRunner().invoke(app, ["--config", str(ROOT / "config.toml"), "--db", str(settings.db_path), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def exported(matched: Settings) -> list[dict[str, Any]]:
    return cli(matched, "export", "features")


@pytest.mark.corpus
def test_observed_since_is_each_partys_earliest_dated_release(matched: Settings, exported) -> None:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(matched.db_path)
    earliest = dict(conn.execute(
        "SELECT p.name, MIN(r.date) FROM party p JOIN release r ON r.party_id = p.id WHERE r.date IS NOT NULL "
        "GROUP BY p.id"))
    seen = {(p["party"], p["observed_since"]) for rec in exported for p in rec["parties"]}
    assert len({party for party, _ in seen}) >= 15
    for party, since in seen:
        assert since == (earliest[party][:10] if party in earliest else None), party


@pytest.mark.corpus
def test_no_follower_with_a_lag_was_observed_after_the_first_movers_date(exported) -> None:  # type: ignore[no-untyped-def]
    lags = 0
    for rec in exported:
        # each role (native, support) has its own first mover; followers are measured from their role's
        firsts = {p["role"]: p for p in reversed(rec["parties"]) if p["status"] == "first"}
        for p in rec["parties"]:
            if p is firsts[p["role"]]:
                continue
            if p["lag_days"] is not None:
                lags += 1
                assert p["status"] == "copied" and p["observed_since"] <= firsts[p["role"]]["first_seen"], (
                    rec["id"], p["party"])
            else:
                assert p["status"] != "copied"
    statuses = {p["status"] for rec in exported for p in rec["parties"]}
    # (tag dating leaves no linked party on an undated release: "undated" need not occur)
    assert lags >= 100 and {"copied", "present_at_start", "same_company"} <= statuses
    assert any(not rec["first_mover_certain"] for rec in exported) and any(r["first_mover_certain"] for r in exported)


@pytest.mark.corpus
def test_one_company_counts_once(exported) -> None:  # type: ignore[no-untyped-def]
    google = ("Google Gemini API", "Google Cloud Vertex AI")
    both = [rec for rec in exported if {p["party"] for p in rec["parties"]} >= set(google)]
    assert both, "the corpus has features both Google product lines ship"
    for rec in both:
        lines = [p for p in rec["parties"] if p["party"] in google and p["role"] == rec["parties"][0]["role"]]
        assert sum(1 for p in lines if p["status"] != "same_company") == 1, rec["id"]
        assert all(p["company"] == "Google" for p in lines)


@pytest.mark.corpus
def test_stats_agree_with_an_independent_kaplan_meier_fit_of_the_export(matched: Settings, exported,  # type: ignore[no-untyped-def]
                                                                        frozen_now: dt.datetime) -> None:
    stats = cli(matched, "stats", "--format", "json")
    as_of = dt.date.fromisoformat(stats["as_of"])
    conn = sqlite3.connect(matched.db_path)
    (newest,) = conn.execute("SELECT MAX(date) FROM entry WHERE date_estimated = 0").fetchone()
    assert stats["as_of"] == newest[:10]
    observations = first_copy_observations(exported, as_of)
    first = stats["time_to_first_copy"]
    assert first["n"] == len(observations) >= 50
    assert first["copied"] == sum(1 for _, copied in observations if copied)
    assert first["censored"] == first["n"] - first["copied"]
    assert first["median_days"] == km_median(observations)  # to the day
    curve = km_curve(observations)
    for days in (30, 90, 365):
        s = next((v for d, v in reversed(curve) if d <= days), 1.0)
        assert first["share_within"][str(days)] == pytest.approx(1 - s, abs=1e-6), days
    lo, hi = first["ci95"]
    assert lo is not None and lo <= first["median_days"] and (hi is None or hi >= first["median_days"])
    assert set(stats["by_cohort"]) and sum(c["n"] for c in stats["by_cohort"].values()) == first["n"]
    assert sum(c["n"] for c in stats["by_category"].values()) == first["n"]
