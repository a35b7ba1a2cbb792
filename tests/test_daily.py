"""`tracker run` end to end against a mirror of three invented parties: summary, recorded run, digest."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from conftest import fixed_clock, party, source
from dailykit import DAY1, DAY2, broken_report, cli, daily_settings, fake_report, make_mirror, rows, write_config
from tracker.config import WebhookConfig
from tracker.daily import run_daily, summary_lines
from tracker.errors import CatalogLockedError
from tracker.lock import run_lock
from tracker.outcome import EXIT_LOCKED



def test_a_daily_run_crawls_matches_reports_and_writes_the_digest(tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    settings = daily_settings(tmp_path, mirror=mirror, parties=(
        *daily_settings(tmp_path).parties, party("Gone", source("gone", "https://gone.test/CHANGELOG.md")),
    ))
    summary = run_daily(settings, now=fixed_clock(DAY1), report=fake_report)

    # Offline, a source the mirror does not hold is skipped, not failed: the run is ok.
    assert summary.outcome == "ok" and summary.exit_code == 0
    assert (len(summary.crawl.ok), len(summary.crawl.failed), len(summary.crawl.skipped)) == (3, 0, 1)
    assert (summary.crawl.new_releases, summary.crawl.new_entries) == (5, 9)
    # Bolt's changelog starts after Acme shipped prompt caching: it had it when tracking began, no copy
    assert summary.new_features == 4 and summary.new_copies == 0
    lines = summary_lines(summary)
    assert lines[0] == ("run 1 ok: sources 3 ok, 0 failed, 1 skipped; new releases: 5; new entries: 9; "
                        "new features: 4; new copies: 0")
    assert lines[1] == "1 source skipped: not in the mirror (offline); --verbose or `tracker status` lists them"
    assert "  skipped gone: not in the mirror (offline)" in summary_lines(summary, verbose=True)
    assert f"report: {tmp_path / 'reports' / 'index.html'}" in lines

    (run,) = rows(settings.db_path, "SELECT command, started_at, finished_at, outcome, sources_ok, sources_failed, "
                                    "sources_skipped, new_releases, new_entries, new_features, new_copies, report_path "
                                    "FROM run")
    assert run == ("run", "2026-11-28 06:00:00", "2026-11-28 06:00:00", "ok", 3, 0, 1, 5, 9, 4, 0,
                   str(tmp_path / "reports" / "index.html"))
    per_source = rows(settings.db_path, "SELECT s.name, rs.outcome, rs.new_entries, rs.error_category "
                                        "FROM run_source rs "
                                        "JOIN source s ON s.id = rs.source_id ORDER BY s.name")
    assert per_source == [("acme", "new", 4, ""), ("bolt", "new", 3, ""), ("cobalt", "new", 2, ""),
                          ("gone", "skipped", 0, "offline")]
    assert rows(settings.db_path, "SELECT failing_since, last_error FROM source WHERE name = 'gone'") == [(None, "")]

    md = (tmp_path / "reports" / "digest.md").read_text(encoding="utf-8")
    assert "## New launches (4)" in md and "## New copies" not in md
    assert "4 new features, 0 new copies (and 1 arrival not counted as a copy" in md
    assert "**Prompt caching** — Acme, 2026-01-10: “add prompt caching for chat completions” [source](https://acme.test/CHANGELOG.md)" in md
    assert "gone" not in md and "Sources needing attention" not in md  # skipped offline needs no attention
    assert f"Full lists in the report: `{tmp_path / 'reports' / 'index.html'}`" in md
    html = (tmp_path / "reports" / "digest.html").read_text(encoding="utf-8")
    assert '<a href="https://acme.test/CHANGELOG.md" rel="noopener noreferrer">source</a>' in html
    assert '<a href="index.html">' in html


def test_the_next_day_reports_only_what_is_new(tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    settings = daily_settings(tmp_path, mirror=mirror)
    run_daily(settings, now=fixed_clock(DAY1), report=fake_report)
    again = run_daily(settings, now=fixed_clock(DAY1), report=fake_report)
    assert (again.crawl.new_entries, again.new_features, again.new_copies) == (0, 0, 0)
    assert "Nothing new was matched in this run." in (tmp_path / "reports" / "digest.md").read_text()

    make_mirror(mirror, "day2")  # Cobalt ships prompt caching, and its changelog now reaches back to 2025-12
    day2 = run_daily(settings, now=fixed_clock(DAY2), report=fake_report)
    assert (day2.crawl.new_releases, day2.crawl.new_entries, day2.new_features, day2.new_copies) == (2, 2, 0, 1)
    assert day2.digest is not None
    (copy,) = day2.digest.copies
    assert (copy.name, copy.party, copy.first_party, copy.lag_days) == ("Prompt caching", "Cobalt", "Acme", 81)
    assert rows(settings.db_path, "SELECT id, outcome, new_copies FROM run ORDER BY id") == [
        (1, "ok", 0), (2, "ok", 0), (3, "ok", 1),
    ]
    md = (tmp_path / "reports" / "digest.md").read_text(encoding="utf-8")
    assert "**Prompt caching**: Cobalt +81 d after Acme (2026-04-01)" in md


def test_a_held_lock_refuses_the_run_and_changes_nothing(tmp_path: Path) -> None:
    settings = daily_settings(tmp_path, mirror=make_mirror(tmp_path / "mirror"))
    run_daily(settings, now=fixed_clock(DAY1), report=fake_report)
    make_mirror(tmp_path / "mirror", "day2")
    before = (rows(settings.db_path, "SELECT * FROM run"), rows(settings.db_path, "SELECT * FROM entry"))
    with run_lock(settings.db_path, "schedule"), pytest.raises(CatalogLockedError, match="already writing"):
        run_daily(settings, now=fixed_clock(DAY2), report=fake_report)
    after = (rows(settings.db_path, "SELECT * FROM run"), rows(settings.db_path, "SELECT * FROM entry"))
    assert after == before


def test_a_failing_report_never_loses_the_crawl_or_the_match(tmp_path: Path) -> None:
    settings = daily_settings(tmp_path, mirror=make_mirror(tmp_path / "mirror"))
    summary = run_daily(settings, now=fixed_clock(DAY1), report=broken_report)
    assert summary.outcome == "partial"
    assert summary.problems == ["report failed with an internal error (RuntimeError: template exploded); "
                                "please report it with this message"]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM entry")[0][0] == 9
    assert rows(settings.db_path, "SELECT COUNT(DISTINCT feature_key) FROM feature_link")[0][0] == 4
    outcome, message = rows(settings.db_path, "SELECT outcome, message FROM run")[0]
    assert outcome == "partial" and "template exploded" in message
    assert (tmp_path / "reports" / "digest.md").exists()  # the digest still goes where the report would be


def test_a_source_in_the_mirror_that_is_broken_still_fails(tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    (mirror / "acme.test" / "CHANGELOG.md").write_bytes(bytes(range(256)) * 8)  # binary, not a changelog
    summary = run_daily(daily_settings(tmp_path, mirror=mirror), now=fixed_clock(DAY1), report=fake_report)
    assert summary.outcome == "partial" and summary.exit_code == 1
    assert [o.name for o in summary.crawl.failed] == ["acme"] and not summary.crawl.skipped
    assert summary_lines(summary)[1].startswith("  failed acme: ")


def test_a_broken_taxonomy_keeps_the_crawl_and_says_so(tmp_path: Path) -> None:
    settings = daily_settings(tmp_path, mirror=make_mirror(tmp_path / "mirror"))
    settings = replace(settings, match=replace(settings.match, taxonomy=tmp_path / "missing.toml"))
    summary = run_daily(settings, now=fixed_clock(DAY1), report=fake_report)
    assert summary.outcome == "partial" and summary.match is None
    assert summary.problems[0].startswith("match failed: taxonomy file") and len(summary.problems) == 1
    assert rows(settings.db_path, "SELECT COUNT(*) FROM entry")[0][0] == 9


def test_a_failing_webhook_is_retried_and_noted_but_the_run_succeeds(tmp_path: Path) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500)

    settings = daily_settings(tmp_path, mirror=make_mirror(tmp_path / "mirror"),
                              webhooks=(WebhookConfig("https://hooks.test/services/T0/B0/secret", "team"),))
    slept: list[float] = []
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        summary = run_daily(settings, now=fixed_clock(DAY1), report=fake_report, webhook_client=client,
                            sleep=slept.append)
    assert summary.outcome == "ok" and len(calls) == 3 and slept == [1.0, 2.0]
    assert "webhook team: not delivered (HTTP 500 after 3 attempts)" in summary_lines(summary)
    message = rows(settings.db_path, "SELECT message FROM run")[0][0]
    assert message == "webhook team not delivered (HTTP 500 after 3 attempts)"
    assert "secret" not in message
    payload = json.loads(calls[0].content)
    assert payload["text"].startswith("*tracker digest — 2026-11-28*") and payload["blocks"][0]["type"] == "header"


def test_nothing_new_sends_no_webhook(tmp_path: Path) -> None:
    settings = daily_settings(tmp_path, mirror=make_mirror(tmp_path / "mirror"),
                              webhooks=(WebhookConfig("https://hooks.test/x"),))
    run_daily(settings, now=fixed_clock(DAY1), report=fake_report, webhook_client=httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(200))))
    quiet = run_daily(settings, now=fixed_clock(DAY1), report=fake_report, webhook_client=httpx.Client(
        transport=httpx.MockTransport(lambda r: pytest.fail("no news, no post"))))
    assert quiet.deliveries == []


def test_the_cli_run_prints_the_summary_and_status_shows_it(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = str(write_config(tmp_path))
    code, out, err = cli(capsys, "--config", config, "run")
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith("run 1 ") and "sources 3 ok, 0 failed; new releases: 5; new entries: 9" in first
    assert "new features: 4; new copies: 0" in first  # Bolt had prompt caching when tracking began
    assert f"digest: {tmp_path / 'reports' / 'digest.md'} and digest.html" in out
    assert f"report: {tmp_path / 'reports' / 'index.html'}" in out and first.startswith("run 1 ok")
    assert (tmp_path / "reports" / "index.html").exists()

    code, out, _ = cli(capsys, "--config", config, "status", "--format", "json")
    status = json.loads(out)
    assert code == 0 and status["failing_sources"] == []
    (run,) = status["runs"]
    assert (run["command"], run["sources_ok"], run["new_entries"], run["new_features"]) == ("run", 3, 9, 4)
    assert (run["outcome"], run["exit_code"]) == ("ok", 0)
    code, out, _ = cli(capsys, "--config", config, "status")
    assert code == 0 and "Last 1 runs" in out and "no source is failing" in out


def test_status_lists_failing_sources_with_since_when_and_why(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path)
    (tmp_path / "mirror" / "bolt.test" / "docs" / "changelog.md").write_bytes(bytes(range(256)) * 8)
    code, out, _ = cli(capsys, "--config", str(config), "run")
    assert code == 1 and "failed bolt: " in out and out.startswith("run 1 partial")  # exit 1: partial
    code, out, _ = cli(capsys, "--config", str(config), "status", "--format", "json")
    (failing,) = json.loads(out)["failing_sources"]
    assert failing["name"] == "bolt" and failing["party"] == "Bolt" and failing["failing_since"]
    assert "binary" in failing["last_error"]
    assert json.loads(out)["runs"][0]["exit_code"] == 1


def test_offline_sources_are_skipped_and_status_lists_them(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path)
    (tmp_path / "mirror" / "bolt.test" / "docs" / "changelog.md").unlink()
    code, out, _ = cli(capsys, "--config", str(config), "run")
    assert code == 0 and out.startswith("run 1 ok: sources 2 ok, 0 failed, 1 skipped;")
    assert "1 source skipped: not in the mirror (offline)" in out and "bolt" not in out
    code, out, _ = cli(capsys, "--config", str(config), "run", "--verbose")
    assert "  skipped bolt: not in the mirror (offline)" in out
    code, out, _ = cli(capsys, "--config", str(config), "status")
    assert "no source is failing" in out
    assert "1 sources skipped in the last run, not in the mirror (offline): bolt" in out


def test_a_manual_run_that_finds_the_lock_held_says_so_and_exits_non_zero(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path)
    with run_lock(tmp_path / "catalog.db", "schedule"):
        code, out, err = cli(capsys, "--config", str(config), "run")
    assert code == EXIT_LOCKED
    assert err.startswith("error: another run is already writing") and err.count("\n") == 1
    assert "schedule by pid" in err and out == ""
    assert not (tmp_path / "catalog.db").exists()  # refused before it touched anything
