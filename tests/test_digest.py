"""The digest: what it leads with, what counts as new, its size, and rendering that never lets scraped
text become markup or links."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

from conftest import fixed_clock

from tracker import pipeline
from tracker.catalog import db, runs
from tracker.config import Settings
from tracker.digest import (
    Digest,
    FeatureNews,
    SourceProblem,
    build_digest,
    change_line,
    digest_for_run,
    digest_html,
    digest_markdown,
    headline_figures,
    md_escape,
    safe_link,
    write_digest,
)
from tracker.metrics import build_timelines
from tracker.model import FeatureDef, MentionRow
from tracker.report.headtohead import copy_pairs
from tracker.report.history import whats_new
from tracker.report.site_map import ReportParams, SiteMap
from tracker.report.watchlist import watches

WHEN = dt.datetime(2026, 11, 29, 6, 0)
PARAMS = ReportParams(WHEN, WHEN.date(), 3, 90)
MATCHED = dt.datetime(2026, 11, 29, 6, 0)
EVIL = 'add <script>alert("x")</script> & [click](javascript:alert(1)) *now*'


def mention(key: str, party: str, day: str, text: str, *, entry_id: int, estimated: bool = False,
            url: str = "https://raw.githubusercontent.com/acme/sdk/HEAD/CHANGELOG.md",
            detected: str = "2026-11-29 06:00:00", role: str = "native") -> MentionRow:
    return MentionRow(key, entry_id, party, "startup", "llm-serving", url, "", "1.0", dt.date.fromisoformat(day),
                      estimated, text, f"* {text}", 12, "feature", "alias", detected, role=role)


def timelines():  # type: ignore[no-untyped-def]
    defs = [FeatureDef("prompt-caching", "Prompt caching", "", "llm-serving", "taxonomy"),
            FeatureDef("batch-api", "Batch API", "", "llm-serving", "taxonomy"),
            FeatureDef("otel", "OpenTelemetry export", "", "observability", "taxonomy")]
    rows = [
        mention("prompt-caching", "Acme", "2026-01-10", "add prompt caching", entry_id=1,
                detected="2026-11-01 06:00:00"),
        mention("prompt-caching", "Bolt", "2026-03-20", EVIL, entry_id=2, url="javascript:alert(1)"),
        mention("prompt-caching", "Cobalt", "2026-04-01", "prompt cache", entry_id=3, estimated=True),
        mention("batch-api", "Acme", "2026-03-01", "add batch API", entry_id=4),
        mention("otel", "Bolt", "2026-10-01", "instrument Acme's SDK with OpenTelemetry", entry_id=5, role="support"),
    ]
    return build_timelines(defs, rows, {"prompt-caching": "2026-11-01 06:00:00", "batch-api": "2026-11-29 06:00:00",
                                        "otel": "2026-11-29 06:00:00"})


def digest_of(lines, **kw) -> Digest:  # type: ignore[no-untyped-def]
    return build_digest(lines, whats_new(lines, MATCHED, list(copy_pairs(lines))), params=PARAMS, when=WHEN, **kw)


def test_new_is_what_this_match_detected_and_only_counted_copies_are_copies() -> None:
    digest = digest_of(timelines())
    assert [(f.key, f.party, f.role) for f in digest.features] == [
        ("otel", "Bolt", "support"), ("batch-api", "Acme", "native")]  # prompt caching was new on 2026-11-01
    assert [f.key for f in digest.launches] == ["batch-api"]  # a support line is an integration, not a launch
    assert digest.features[1].link == "https://github.com/acme/sdk/blob/HEAD/CHANGELOG.md#L12"
    # Cobalt's estimated date is an arrival, not a counted copy: it is only tallied
    assert [(c.party, c.first_party, c.lag_days) for c in digest.copies] == [("Bolt", "Acme", 69)]
    assert digest.uncounted == 1 and digest.fast_copies == digest.copies
    assert digest.copies[0].link == ""  # a javascript: source never becomes a link
    assert digest.worth_sending and not digest.first_match


def test_nothing_new_is_not_worth_sending_but_a_newly_broken_source_is() -> None:
    assert not Digest(WHEN).worth_sending
    assert not Digest(WHEN, failures=(SourceProblem("a", "A", "boom", "2026-11-01", False),)).worth_sending
    assert Digest(WHEN, failures=(SourceProblem("a", "A", "boom", "2026-11-29", True),)).worth_sending


def test_the_verdict_and_its_change_since_the_previous_run() -> None:
    lines = timelines()
    figures = headline_figures(lines, PARAMS)
    assert (figures["features"], figures["copied"], figures["first_copy_median"], figures["still_exclusive"]) == (
        3, 1, 69.0, 2)  # Kaplan–Meier over 3 dated leads: one copied after 69 days, two still exclusive
    earlier = {**figures, "features": 2, "first_copy_median": 80.5, "still_exclusive": 3}
    digest = digest_of(lines, previous=("2026-11-28 06:00:00", json.dumps(earlier)))
    md = digest_markdown(digest)
    verdict = md.splitlines()[2]  # the verdict comes right after the title: the overview's level, its honest sentence
    assert verdict.startswith("**") and "Half of the leads are copied within 69 days" in verdict
    assert ("Since the previous run (2026-11-28 06:00): half of the leads copied within 69 days (was 80 days); "
            "still exclusive 2 (was 3); pressure 0% (unchanged); features 3 (was 2).") in md
    assert change_line(figures, None).startswith("No earlier run recorded its figures")
    assert "nothing to compare" in digest_markdown(digest_of(lines, previous=("2026-11-28", "not json")))


def test_a_home_party_leads_the_digest_with_its_exposure() -> None:
    lines = timelines()
    site = SiteMap((t.key for t in lines), ["Acme", "Bolt", "Cobalt"], ["llm-serving", "observability"])
    watched = watches(["Acme"], lines, list(copy_pairs(lines)), site, as_of=dt.date(2026, 4, 15), window=90)
    (acme,) = watched
    assert [(c.name, c.follower, c.lag_days) for c in acme.copied] == [("Prompt caching", "Bolt", 69)]
    assert [e.name for e in acme.exclusive] == ["Batch API"]  # nobody else mentions it
    assert acme.missing == ()  # Bolt's OpenTelemetry line is a support line, and after the window anyway
    md = digest_markdown(digest_of(lines, watched=watched))
    assert md.splitlines()[2] == "## Acme: exposure over the last 90 days"
    assert "- **Copied by rivals (1):** Prompt caching by Bolt (+69 d)" in md
    assert md.index("## Acme") < md.index("## The market") < md.index("tarpit pressure.**")
    html = digest_html(digest_of(lines, watched=watched))
    assert html.index("<h2>Acme: exposure") < html.index('class="verdict"')


def evil_digest() -> Digest:
    feature = FeatureNews("x", "Evil <b>name</b>", "cat", "Ev|l", dt.date(2026, 1, 1), True, EVIL,
                          "https://example.test/a b(c)<d>", 1)
    return Digest(WHEN, features=(feature,), report="/tmp/reports/index.html", sources_failed=1,
                  failures=(SourceProblem("s", "P", "<img src=x onerror=alert(1)>", "2026-11-29", True),))


def test_markdown_escapes_scraped_text_without_html_entities() -> None:
    md = digest_markdown(evil_digest())
    assert "<script>" not in md and "<img" not in md and "[click](" not in md and "onerror" not in md
    assert "&amp;" not in md and "&lt;" not in md  # Markdown is not HTML: backslashes, not entities
    assert r"\<script\>" in md and r"\[click\]" in md and r"\*now\*" in md and r" \& " in md
    assert "[source](https://example.test/a%20b%28c%29%3Cd%3E)" in md
    assert "(date estimated)" in md
    assert "Sources needing attention: 1 of 1 failed, 1 new in this run. Run `tracker status`" in md
    assert md_escape("a_b|c") == r"a\_b\|c" and safe_link("ftp://x") == "" and safe_link("javascript:x") == ""


def test_html_escapes_scraped_text_and_only_links_http() -> None:
    html = digest_html(evil_digest())
    assert "<script>" not in html and "<img" not in html and "<b>name" not in html
    assert "&lt;script&gt;" in html and "Evil &lt;b&gt;name&lt;/b&gt;" in html
    assert 'href="https://example.test/a%20b%28c%29%3Cd%3E"' in html
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")


def test_a_busy_day_stays_a_short_digest() -> None:
    defs = [FeatureDef(f"f{i}", f"Feature number {i} with a long descriptive name", "", "cat", "taxonomy")
            for i in range(200)]
    rows = [mention(f"f{i}", party, f"2026-{1 + i % 9:02d}-{1 + i % 27:02d}", "x" * 400, entry_id=i * 3 + n)
            for i in range(200) for n, party in enumerate(("Acme", "Bolt", "Cobalt"))]
    lines = build_timelines(defs, rows, {f"f{i}": "2026-11-29 06:00:00" for i in range(200)})
    md = digest_markdown(digest_of(lines))
    assert "## New launches (200)" in md and "… and 195 more in the report" in md
    assert len(md.encode("utf-8")) < 4096


def test_write_digest_puts_both_files_in_the_report_folder(tmp_path: Path) -> None:
    digest = Digest(WHEN, report=str(tmp_path / "reports" / "index.html"))
    files = write_digest(digest, tmp_path / "reports")
    assert files.markdown == tmp_path / "reports" / "digest.md" and files.html.name == "digest.html"
    assert '<a href="index.html">' in files.html.read_text(encoding="utf-8")
    assert "Nothing new was matched in this run." in files.markdown.read_text(encoding="utf-8")


def test_the_corpus_digest_is_short_and_leads_with_the_home_party(corpus_catalog: Settings, tmp_path: Path) -> None:
    settings = corpus_catalog
    copy = tmp_path / "catalog.db"
    with sqlite3.connect(settings.db_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # a copy of its own: the session's corpus catalog stays as other tests expect
    settings = replace(corpus_catalog, db_path=copy)
    with db.connect(copy, write=True) as conn:
        pipeline.match_catalog(conn, settings, rebuild=True, now=fixed_clock(WHEN))
        first = runs.start_run(conn, "run", WHEN)
        plain = digest_for_run(conn, settings, run_id=first, when=WHEN, matched=True)
        runs.finish_run(conn, first, now=WHEN, outcome="ok", totals=runs.RunTotals(), headline=plain.figures_json)
        second = runs.start_run(conn, "run", WHEN + dt.timedelta(days=1))
        home = digest_for_run(conn, settings, run_id=second, when=WHEN + dt.timedelta(days=1), matched=True,
                              home=["Langfuse"])
    md = digest_markdown(plain)
    (launch, *_) = plain.launches
    assert launch.page.startswith("feature/") and "#e" in launch.page  # digest.html links the report's record
    assert f'<a href="{launch.page}">evidence</a>' in digest_html(plain)
    assert len(md.encode("utf-8")) < 4096 and "&amp;" not in md and "&lt;" not in md
    assert plain.first_match and len(plain.features) > 100  # the first match: all of it is new, little of it listed
    assert md.splitlines()[2].startswith("**") and "## New copies within 90 days" in md
    md = digest_markdown(home)
    assert len(md.encode("utf-8")) < 4096
    assert md.splitlines()[2] == "## Langfuse: exposure over the last 90 days"
    assert "Since the previous run (2026-11-29 06:00): half of the leads copied within" in md  # figures were kept
