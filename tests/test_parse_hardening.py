"""Hostile documents (issue 12): terminal escapes never reach entry text, and one document
cannot flood the catalog with releases or entries."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from conftest import fixed_clock, party, source
from tracker import pipeline
from tracker.parse.clean import strip_control
from tracker.parse.github_releases import parse_github_releases
from tracker.parse.html_page import parse_html_page
from tracker.parse.limits import cap_document
from tracker.parse.markdown import parse_changelog, parse_post
from tracker.parse.model import DatePrecision, ParsedDocument, ParsedEntry, ParsedRelease, ParseOptions

OPTIONS = ParseOptions(today=dt.date(2026, 11, 29))
ESC = "\x1b"
RED, RESET = f"{ESC}[31m", f"{ESC}[0m"
LINK = f"{ESC}]8;;https://evil.test{ESC}\\click{ESC}]8;;{ESC}\\"
HOSTILE = f"{RED}Add{RESET} red alerts {LINK} \x07\x9b2J\x00done"
CLEAN = "Add red alerts click done"


def fields(doc: ParsedDocument) -> list[str]:
    """Everything a parser derived from the text: what search, reports, digests and webhooks show."""
    out: list[str] = []
    for rel in doc.releases:
        out += [rel.title, rel.version, rel.date_raw]
        for e in rel.entries:
            out += [e.text, e.section, e.scope, e.context]
    return out


def assert_no_control(doc: ParsedDocument) -> None:
    for value in fields(doc):
        assert value == strip_control(value) and ESC not in value and "[31m" not in value, repr(value)


def test_escape_sequences_are_stripped_from_text_but_kept_in_raw() -> None:
    text = f"# Changelog\n\n## 1.0.0 (2026-01-05) {RED}hot{RESET}\n\n### {RED}Features{RESET}\n\n- {HOSTILE}\n"
    doc = parse_changelog(text, url="u", options=OPTIONS)
    assert_no_control(doc)
    (entry,) = doc.releases[0].entries
    assert entry.text == CLEAN and entry.section == "Features"
    assert entry.raw == f"- {HOSTILE}"  # as fetched: whoever prints it must escape it
    (post,) = parse_post(f"---\ntitle: {RED}Launch{RESET}\n---\n\n{HOSTILE}\n", url="https://x.test/2026-01-05-a.md",
                         options=OPTIONS).releases
    assert post.title == "Launch" and CLEAN in [e.text for e in post.entries]


def test_escape_sequences_are_stripped_from_github_releases_and_html_pages() -> None:
    body = json.dumps([{"tag_name": "v1.0.0", "name": f"{RED}v1.0.0{RESET}", "published_at": "2026-01-05T00:00:00Z",
                        "draft": False, "body": f"- {HOSTILE}", "html_url": "https://github.com/o/r/releases/v1.0.0"}])
    doc = parse_github_releases(body.encode(), url="https://api.github.com/repos/o/r/releases", options=OPTIONS)
    assert_no_control(doc)
    assert CLEAN in [e.text for e in doc.releases[0].entries]
    page = f"<html><body><h2>1.0.0 - January 5, 2026</h2><ul><li>{HOSTILE}</li></ul></body></html>"
    doc = parse_html_page(page, url="https://x.test/changelog", options=OPTIONS)
    assert_no_control(doc)
    assert CLEAN in [e.text for r in doc.releases for e in r.entries]


def release(n: int, entries: int) -> ParsedRelease:
    return ParsedRelease(f"1.0.{n}", None, "", DatePrecision.NONE, f"1.0.{n}", n,
                         entries=tuple(ParsedEntry(f"fix {n}.{i}", f"- fix {n}.{i}", n) for i in range(entries)))


def test_caps_keep_the_first_releases_and_entries_and_say_so() -> None:
    doc = ParsedDocument("https://x.test/CHANGELOG.md", tuple(release(n, 2) for n in range(10)), ("line 3: old warning",))
    assert cap_document(doc, max_releases=10, max_entries=20) is doc
    by_releases = cap_document(doc, max_releases=4, max_entries=100)
    assert [r.version for r in by_releases.releases] == ["1.0.0", "1.0.1", "1.0.2", "1.0.3"]
    assert by_releases.warnings == (
        "https://x.test/CHANGELOG.md holds more than 4 releases, the per-document cap; only the first 4 releases "
        "(8 entries) in document order were kept; check that the source is a changelog",
        "line 3: old warning",
    )
    by_entries = cap_document(doc, max_releases=100, max_entries=5)
    assert [len(r.entries) for r in by_entries.releases] == [2, 2, 1]
    assert by_entries.warnings[0].startswith("https://x.test/CHANGELOG.md holds more than 5 entries")


def test_a_flood_of_tiny_releases_is_capped_with_a_warning_on_the_source(make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = "https://flood.test/CHANGELOG.md"
    page = tmp_path / "mirror" / "flood.test" / "CHANGELOG.md"
    page.parent.mkdir(parents=True)
    count = OPTIONS.max_releases + 300
    page.write_text("".join(f"## 0.{n // 1000}.{n % 1000} (2024-01-01)\n- fix {n}\n\n" for n in range(count)),
                    encoding="utf-8")
    settings = make_settings(party("Flood", source("flood", url)), mirror=tmp_path / "mirror")
    summary = pipeline.run_crawl(settings, now=fixed_clock())
    assert summary.new_releases == OPTIONS.max_releases and not summary.failed
    (outcome,) = summary.outcomes
    assert "per-document cap" in outcome.warnings[0]
    conn = sqlite3.connect(settings.db_path)
    # The warning is what `tracker sources` shows for the source.
    assert "holds more than 5,000 releases, the per-document cap" in conn.execute(
        "SELECT last_warning FROM source WHERE name = 'flood'").fetchone()[0]
    # The first releases of the file (the newest in a changelog) are the ones kept.
    assert conn.execute("SELECT MIN(line) FROM release").fetchone()[0] == 1
