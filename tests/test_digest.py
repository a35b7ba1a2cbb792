"""The digest: what counts as new, and rendering that never lets scraped text become markup or links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tracker.model import MentionRow
from tracker.digest import (
    Digest,
    FeatureNews,
    SourceProblem,
    build_digest,
    digest_html,
    digest_markdown,
    md_escape,
    safe_link,
    write_digest,
)
from tracker.model import FeatureDef
from tracker.metrics import build_timelines

WHEN = dt.datetime(2026, 11, 29, 6, 0)
EVIL = 'add <script>alert("x")</script> & [click](javascript:alert(1)) *now*'


def mention(key: str, party: str, day: str, text: str, *, entry_id: int, estimated: bool = False,
            url: str = "https://raw.githubusercontent.com/acme/sdk/HEAD/CHANGELOG.md") -> MentionRow:
    return MentionRow(key, entry_id, party, "startup", "llm-serving", url, "", "1.0", dt.date.fromisoformat(day),
                      estimated, text, f"* {text}", 12, "feature", "alias", "2026-11-29 06:00:00")


def timelines():  # type: ignore[no-untyped-def]
    defs = [FeatureDef("prompt-caching", "Prompt caching", "", "llm-serving", "taxonomy"),
            FeatureDef("batch-api", "Batch API", "", "llm-serving", "taxonomy")]
    rows = [
        mention("prompt-caching", "Acme", "2026-01-10", "add prompt caching", entry_id=1),
        mention("prompt-caching", "Bolt", "2026-03-20", EVIL, entry_id=2, url="javascript:alert(1)"),
        mention("prompt-caching", "Cobalt", "2026-04-01", "prompt cache", entry_id=3, estimated=True),
        mention("batch-api", "Acme", "2026-03-01", "add batch API", entry_id=4),
    ]
    return build_timelines(defs, rows, {})


def test_new_features_and_copies_come_from_the_match_outcome() -> None:
    digest = build_digest(
        timelines(), new_features=["prompt-caching", "batch-api", "gone-feature"],
        new_copies=[("prompt-caching", "Acme"), ("prompt-caching", "Bolt"), ("prompt-caching", "Cobalt")],
        when=WHEN,
    )
    assert [(f.key, f.party, f.date.isoformat()) for f in digest.features] == [
        ("batch-api", "Acme", "2026-03-01"), ("prompt-caching", "Acme", "2026-01-10")]
    assert digest.features[1].link == "https://github.com/acme/sdk/blob/HEAD/CHANGELOG.md#L12"
    # The first mover's own pair is not a copy; an estimated follower keeps its flag.
    assert [(c.party, c.first_party, c.lag_days, c.estimated) for c in digest.copies] == [
        ("Cobalt", "Acme", 81, True), ("Bolt", "Acme", 69, False)]
    assert digest.copies[1].link == ""  # a javascript: source never becomes a link
    assert digest.worth_sending


def test_nothing_new_is_not_worth_sending_but_a_newly_broken_source_is() -> None:
    assert not Digest(WHEN).worth_sending
    assert not Digest(WHEN, failures=(SourceProblem("a", "A", "boom", "2026-11-01", False),)).worth_sending
    assert Digest(WHEN, failures=(SourceProblem("a", "A", "boom", "2026-11-29", True),)).worth_sending


def evil_digest() -> Digest:
    feature = FeatureNews("x", "Evil <b>name</b>", "cat", "Ev|l", dt.date(2026, 1, 1), True, EVIL,
                          "https://example.test/a b(c)<d>", 1)
    return Digest(WHEN, features=(feature,), report="/tmp/reports/index.html",
                  failures=(SourceProblem("s", "P", "<img src=x onerror=alert(1)>", "2026-11-29", True),))


def test_markdown_escapes_scraped_text_and_only_links_http() -> None:
    md = digest_markdown(evil_digest())
    assert "<script>" not in md and "<img" not in md and "[click](" not in md
    assert "&lt;script&gt;" in md and r"\[click\]" in md and r"\*now\*" in md and "&amp;" in md
    assert "[source](https://example.test/a%20b%28c%29%3Cd%3E)" in md
    assert "(date estimated)" in md
    assert md_escape("a_b|c") == r"a\_b\|c" and safe_link("ftp://x") == "" and safe_link("javascript:x") == ""


def test_html_escapes_scraped_text_and_only_links_http() -> None:
    html = digest_html(evil_digest())
    assert "<script>" not in html and "<img" not in html and "<b>name" not in html
    assert "&lt;script&gt;" in html and "Evil &lt;b&gt;name&lt;/b&gt;" in html
    assert 'href="https://example.test/a%20b%28c%29%3Cd%3E"' in html
    assert "javascript:" not in html.replace("[click](javascript:alert(1))", "")


def test_write_digest_puts_both_files_in_the_report_folder(tmp_path: Path) -> None:
    digest = Digest(WHEN, report=str(tmp_path / "reports" / "index.html"))
    files = write_digest(digest, tmp_path / "reports")
    assert files.markdown == tmp_path / "reports" / "digest.md" and files.html.name == "digest.html"
    assert '<a href="index.html">' in files.html.read_text(encoding="utf-8")
    assert "Nothing new was matched in this run." in files.markdown.read_text(encoding="utf-8")
