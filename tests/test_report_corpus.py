"""The report of the whole shared corpus: every page renders and the overview agrees with the export."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT
from test_report import (
    assert_evidence_lists_what_each_card_counts,
    assert_same_numbers,
    catalog_as_of,
    crawl_and_match,
    expected_counted,
    expected_headlines,
    export,
    render,
    shown_headlines,
)
from typer.testing import CliRunner

from tracker.cli import match_cmd  # noqa: F401  registers `export features`
from tracker.cli.app import app
from tracker.config import Overrides, load_settings
from tracker.match.taxonomy import shipped_taxonomy_path
from tracker.report.slugs import SlugBook, slugify


@pytest.mark.corpus
def test_the_corpus_report_renders_and_agrees_with_the_export(corpus: Path, tmp_path: Path) -> None:
    taxonomy = shipped_taxonomy_path()
    settings = replace(load_settings(Overrides(config=ROOT / "config.toml"), env={}),
                       db_path=tmp_path / "corpus.db", report_dir=tmp_path / "reports", mirror=corpus / "current")
    settings = replace(settings, match=replace(settings.match, taxonomy=taxonomy))
    crawl_and_match(settings, dt.datetime(2026, 8, 25, 6, 0))
    result = render(settings, dt.datetime(2026, 9, 1, 6, 0))
    exported = tmp_path / "features.json"
    cli = CliRunner().invoke(app, ["--config", str(ROOT / "config.toml"), "--db", str(settings.db_path),
                                   "export", "features", "--output", str(exported)],
                             env={"TRACKER_TAXONOMY": str(taxonomy)})
    assert cli.exit_code == 0, cli.output
    records = json.loads(exported.read_text(encoding="utf-8"))
    assert records == export(settings) and records, "the corpus matched no feature"
    keys = SlugBook(r["id"] for r in records)
    assert all((result.out_dir / "feature" / f"{keys[r['id']]}.html").is_file() for r in records)
    parties = {p["party"] for r in records for p in r["parties"]}
    assert all((result.out_dir / "party" / f"{slugify(name)}.html").is_file() for name in parties)
    assert all((result.out_dir / "category" / f"{slugify(r['category'])}.html").is_file() for r in records)
    pages = list(result.out_dir.rglob("*.html"))
    assert result.pages == len(pages) > len(records) + len(parties)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>"), page
    # a feature whose first party has a dated line but no dated launch says there is no first mover (and no lag)
    undated_first = {r["id"] for r in records if r["parties"][0]["lag_days"] is None
                     and not r["parties"][0].get("estimated") and r["parties"][0]["status"] == "first"}
    assert undated_first, "the corpus has features whose earliest party's first line does not announce them"
    for r in records:
        page = (result.out_dir / "feature" / f"{keys[r['id']]}.html").read_text(encoding="utf-8")
        assert ("No first mover:" in page) == (r["id"] in undated_first), r["id"]
        if r["id"] in undated_first:
            assert all(p["lag_days"] is None for p in r["parties"] if p["role"] == r["parties"][0]["role"]), r["id"]
    as_of = catalog_as_of(settings)
    assert as_of < dt.date(2026, 9, 1)  # the newest dated entry, not the day of the render
    expected = expected_headlines(records, as_of=as_of, k=settings.metrics.commodity_k,
                                  window=settings.metrics.window_days)
    assert_same_numbers(shown_headlines(result.index), expected)
    counted = expected_counted(records, as_of=as_of, k=settings.metrics.commodity_k, window=settings.metrics.window_days)
    assert_evidence_lists_what_each_card_counts(result.index, records, counted)
