"""Matching through the real pipeline: crawl → match → eval, incremental runs, the export shape."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import CORPUS, GOLD, ROOT, fixed_clock
from tracker.catalog import db
from tracker import pipeline
from tracker.cli import main
from tracker.config import Overrides, load_settings

pytestmark = pytest.mark.corpus


def links(db: Path) -> set[tuple[str, str, int]]:
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute(
            "SELECT fl.feature_key, e.key, e.line FROM feature_link fl JOIN entry e ON e.id = fl.entry_id"
        ))
    finally:
        conn.close()


def test_eval_on_the_corpus_meets_the_floors(corpus_catalog, capsys) -> None:  # type: ignore[no-untyped-def]
    if not GOLD.is_file():
        pytest.skip("../shared/gold is not available")
    with db.connect(corpus_catalog.db_path, write=True) as conn:
        pipeline.match_catalog(conn, corpus_catalog, now=fixed_clock())
    try:
        main(["--db", str(corpus_catalog.db_path), "--config", str(ROOT / "config.toml"), "eval", "--gold", str(GOLD)])
    except SystemExit as exit_:
        assert not exit_.code
    out = capsys.readouterr().out
    precision, recall = (float(x) for x in re.search(r"precision ([\d.]+)\s+recall ([\d.]+)", out).groups())
    merged = int(re.search(r"near-miss pairs merged: (\d+)", out)[1])
    lag = float(re.search(r"median absolute lag error: ([\d.]+) days", out)[1])
    missing = int(re.search(r"gold mentions not found in the catalog: (\d+)", out)[1])
    assert precision >= 0.90 and recall >= 0.80, out
    assert merged == 0 and lag <= 7 and missing == 0, out


def test_incremental_matching_across_snapshots_equals_a_rebuild(tmp_path: Path) -> None:
    if not (CORPUS / "2025-06-01").is_dir():
        pytest.skip("../shared/corpus is not available")
    base = load_settings(Overrides(config=ROOT / "config.toml", db=tmp_path / "c.db"), env={})
    pipeline.run_crawl(replace(base, mirror=CORPUS / "2025-06-01"), now=fixed_clock(dt.datetime(2025, 6, 1, 6)))
    with db.connect(base.db_path, write=True) as conn:
        first = pipeline.match_catalog(conn, base, now=fixed_clock(dt.datetime(2025, 6, 1, 7)))
    assert first.rebuilt and first.features > 50
    pipeline.run_crawl(replace(base, mirror=CORPUS / "current"), now=fixed_clock(dt.datetime(2026, 8, 25, 6)))
    with db.connect(base.db_path, write=True) as conn:
        second = pipeline.match_catalog(conn, base, now=fixed_clock(dt.datetime(2026, 8, 25, 7)))
        assert not second.rebuilt and second.new_links > 0
        assert second.mentions_offered < 45000  # only new and changed entries were offered
        incremental = links(base.db_path)
        assert conn.execute("SELECT COUNT(*) FROM entry_change").fetchone()[0] == 0
        again = pipeline.match_catalog(conn, base, now=fixed_clock(dt.datetime(2026, 8, 25, 8)))
        assert again.mentions_offered == 0 and again.new_links == 0
        rebuilt = pipeline.match_catalog(conn, base, rebuild=True, now=fixed_clock(dt.datetime(2026, 8, 25, 9)))
        assert rebuilt.rebuilt
    assert links(base.db_path) == incremental


def test_export_features_keeps_its_documented_shape(corpus_catalog, capsys) -> None:  # type: ignore[no-untyped-def]
    with db.connect(corpus_catalog.db_path, write=True) as conn:
        pipeline.match_catalog(conn, corpus_catalog, now=fixed_clock())
    try:
        main(["--db", str(corpus_catalog.db_path), "--config", str(ROOT / "config.toml"), "export", "features"])
    except SystemExit as exit_:
        assert not exit_.code
    features = json.loads(capsys.readouterr().out)
    assert len(features) > 50
    corpus_root = CORPUS / "current"
    for feature in features:
        assert {"id", "name", "first_seen", "first_party", "parties"} <= feature.keys()
        first = feature["parties"][0]
        assert first["party"] == feature["first_party"] and first["first_seen"] == feature["first_seen"]
        for p in feature["parties"]:
            assert {"party", "kind", "role", "status", "observed_since", "first_seen", "lag_days", "mentions"} <= p.keys()
            # lag_days is the copy lag that counts (README, Metrics): null unless first (dated) or copied
            if p["role"] == first["role"] and p["lag_days"] is not None:
                assert p["lag_days"] == (dt.date.fromisoformat(p["first_seen"])
                                         - dt.date.fromisoformat(feature["first_seen"])).days
            assert p["lag_days"] is None or p["status"] in ("first", "copied")
            assert p["status"] != "copied" or p["lag_days"] is not None
            for m in p["mentions"]:
                assert {"source_url", "version", "date", "text", "line"} <= m.keys()
    # `text` is the raw changelog line and `line` its 1-based number in the source document.
    sample = [m for f in features[:40] for p in f["parties"] for m in p["mentions"]][:200]
    cache: dict[str, list[str]] = {}
    for m in sample:
        path = corpus_root / m["source_url"].removeprefix("https://").split("?")[0]
        lines = cache.setdefault(m["source_url"], path.read_text(encoding="utf-8").split("\n"))
        assert lines[m["line"] - 1].rstrip()[:4000] == m["text"].split("\n")[0], m


def cli(capsys, settings, *args: str) -> str:  # type: ignore[no-untyped-def]
    try:
        main(["--db", str(settings.db_path), "--config", str(ROOT / "config.toml"), *args])
    except SystemExit as exit_:
        assert not exit_.code, capsys.readouterr().err
    return capsys.readouterr().out


def test_features_feature_and_lag_commands(corpus_catalog, capsys) -> None:  # type: ignore[no-untyped-def]
    with db.connect(corpus_catalog.db_path, write=True) as conn:
        pipeline.match_catalog(conn, corpus_catalog, now=fixed_clock())
    chosen = json.loads(cli(capsys, corpus_catalog, "features", "--party", "anthropic", "--since", "2024-01-01",
                            "--category", "llm-api", "--json"))
    assert chosen and all(f["first_seen"] >= "2024-01-01" for f in chosen)
    assert all(any(p["party"] == "Anthropic" for p in f["parties"]) for f in chosen)
    assert "prompt-caching" in {f["id"] for f in chosen}
    timeline = cli(capsys, corpus_catalog, "feature", "prompt-caching")
    assert "Google Cloud Vertex AI" in timeline and ("first mover" in timeline or "earliest observed" in timeline)
    assert "https://github.com/anthropics/anthropic-sdk-python/blob/HEAD/CHANGELOG.md#L1986" in timeline
    lag = json.loads(cli(capsys, corpus_catalog, "lag", "--party", "AWS", "--format", "json"))
    assert len(lag) == 1 and lag[0]["party"] == "AWS" and lag[0]["followed"] > 0


OWN_GOLD = ROOT / "tests" / "fixtures" / "gold" / "own.toml"


def test_eval_scores_several_gold_sets_with_roles(corpus_catalog, capsys) -> None:  # type: ignore[no-untyped-def]
    if not GOLD.is_file():
        pytest.skip("../shared/gold is not available")
    with db.connect(corpus_catalog.db_path, write=True) as conn:
        pipeline.match_catalog(conn, corpus_catalog, now=fixed_clock())
    out = cli(capsys, corpus_catalog, "eval", "--gold", str(GOLD), "--gold", str(OWN_GOLD))
    sections = out.split("== ")[1:]
    assert [s.splitlines()[0] for s in sections] == [str(GOLD), str(OWN_GOLD)]
    own = sections[1]
    precision, recall = (float(x) for x in re.search(r"precision ([\d.]+)\s+recall ([\d.]+)", own).groups())
    assert precision >= 0.90 and recall >= 0.75 and "near-miss pairs merged: 0" in own, own
    right = re.search(r"roles right: native (\d+)/(\d+), support (\d+)/(\d+)", own)
    assert right and int(right[1]) >= 0.9 * int(right[2]) and int(right[3]) >= 0.9 * int(right[4]), own


def test_review_draws_the_same_sample_for_the_same_seed(corpus_catalog, capsys) -> None:  # type: ignore[no-untyped-def]
    with db.connect(corpus_catalog.db_path, write=True) as conn:
        pipeline.match_catalog(conn, corpus_catalog, now=fixed_clock())
    first = cli(capsys, corpus_catalog, "review", "--sample", "5", "--seed", "3")
    assert first == cli(capsys, corpus_catalog, "review", "--sample", "5", "--seed", "3")
    assert first != cli(capsys, corpus_catalog, "review", "--sample", "5", "--seed", "4")
    features = re.findall(r"^\d+\. (\S+) — .* — (\d+) parties$", first, re.M)
    assert len(features) == 5 and all(int(n) >= 2 for _, n in features)
    # every party line names a role, and is followed by its changelog line and evidence link
    assert re.search(r"^   \d{4}-\d\d-\d\d.? .+ — (native|support)", first, re.M)
    assert first.count("https://github.com/") >= 10
    # each announcing party says what its line counts for, as the export has it
    exported = {f["id"]: {p["party"]: p for p in f["parties"]} for f in json.loads(
        cli(capsys, corpus_catalog, "export", "features"))}
    notes = 0
    for block in re.split(r"\n(?=\d+\. )", first)[1:]:
        key = block.split()[1]
        for day, party, note in re.findall(r"^   (\d{4}-\d\d-\d\d).? (.+?) — (?:native|support)[^·\n]* · (.+)$",
                                           block.split("also had it")[0], re.M):
            status = exported[key][party]["status"]
            # the line shown is the one the statistics date the party by; a party whose first dated line
            # does not announce it is listed apart, under "also had it"
            assert day == exported[key][party]["first_seen"] and status != "unannounced", (key, party, day, status)
            lag = exported[key][party]["lag_days"]
            says = {"first": ("first mover", "earliest observed", "first integrator"),
                    "copied": (f"copied {lag or 0:,} day{'s' * (lag != 1)} later; dates a lag",),
                    "present_at_start": (f"had it by {exported[key][party]['first_seen']}; tracked only",),
                    "same_company": ("same company",), "unannounced": ("had it by",),
                    # estimated dates, or no dated launch of the first to have it to measure from
                    "undated": ("undated", f"seen {day}; no lag: the first to have it has no dated launch")}[status]
            assert note.startswith(says), (key, party, status, note)
            assert note.endswith("dates a lag") == (lag is not None), (key, party, note)
            notes += 1
    assert notes >= 10
    roles = cli(capsys, corpus_catalog, "review", "--mode", "roles", "--sample", "4", "--seed", "3")
    assert "4 random support mentions" in roles and "4 random native mentions" in roles
    assert len(re.findall(r"^ {0,2}\d{1,3}\. ", roles, re.M)) == 8


def test_review_rejects_a_bad_sample_in_one_sentence(corpus_catalog, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_:
        main(["--db", str(corpus_catalog.db_path), "--config", str(ROOT / "config.toml"), "review", "--sample", "0"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip() == "error: --sample 0 must be at least 1"
