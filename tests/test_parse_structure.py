"""Document structure the parser must read like a human: bold version lines, group headings,
tables, stray version lines, post titles and what reference stripping leaves behind (issue 15)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tracker.parse.clean import clean_line
from tracker.parse.markdown import parse_changelog, parse_post, parse_release_body
from tracker.parse.model import DateSource, EntryKind, ParseOptions

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = ParseOptions(today=dt.date(2026, 11, 29))


def load(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_bold_version_lines_are_releases_and_script_bodies_are_never_entries() -> None:
    text = load("changelogs/bold-versions.md")
    doc = parse_changelog(text, url="https://x.test/docs/changelog.md", options=TODAY)
    assert [(r.version, r.date) for r in doc.releases] == [
        ("3.0.0", dt.date(2026, 2, 10)),
        ("2.4.0", dt.date(2025, 11, 3)),
        ("2.3.1", dt.date(2025, 10, 20)),
        ("2.0.0", dt.date(2025, 8, 14)),
    ]
    lines = text.split("\n")
    for rel in doc.releases:
        assert rel.version in lines[rel.line - 1] and rel.date_source is DateSource.HEADER
    by_version = {r.version: r for r in doc.releases}
    # The 2.x entries are no longer filed under 3.0.0, months after they shipped.
    assert [e.text for e in by_version["3.0.0"].entries] == [
        "Drop support for Python 3.9", "Before v3, minor versions carried the breaking changes",
    ]
    assert [e.line for e in by_version["2.3.1"].entries] == [19, 21, 23]
    # A bold sentence that only mentions a version is text, not a release.
    assert any("Available in agentkit" in e.text for e in by_version["2.3.1"].entries)
    everything = " ".join(e.raw + " " + e.text for r in doc.releases for e in r.entries)
    for markup in ("fetch(", "getElementById", "font-weight", "For every release"):
        assert markup not in everything


def test_minor_version_group_headings_are_not_releases() -> None:
    doc = parse_changelog(load("changelogs/minor-groups.md"), url="u", options=TODAY)
    assert [r.version for r in doc.releases] == ["2.5.1", "2.4.2", "2.4.0", "2.3.0", "2.2", "2.2.0"]
    assert all(r.entries for r in doc.releases)  # no empty undated releases
    # A group heading that says something keeps its words as an (undated) release of its own.
    group = doc.releases[4]
    assert group.date is None and group.entries[0].text == "This minor series moved every client to the new transport."


def test_a_line_that_is_only_a_version_and_a_date_starts_a_release_between_releases() -> None:
    text = load("changelogs/indented-version-line.md")
    doc = parse_changelog(text, url="u", options=TODAY)
    assert [(r.version, r.date, r.line) for r in doc.releases] == [
        ("0.5.1", dt.date(2019, 4, 21), 3),
        ("0.5.0.1", dt.date(2019, 4, 9), 7),
        ("0.5.0", dt.date(2019, 3, 13), 14),
        ("0.4.0", dt.date(2019, 1, 28), 23),
    ]
    release = doc.releases[2]
    assert [e.line for e in release.entries] == [16, 18, 19, 21]
    assert len(doc.releases[1].entries) == 2
    # The same words inside a sentence are prose.
    assert release.entries[-1].text.startswith("The version 1.2.3")


def test_reference_lists_leave_no_debris() -> None:
    doc = parse_changelog(load("changelogs/indented-version-line.md"), url="u", options=TODAY)
    texts = [e.text for r in doc.releases for e in r.entries]
    assert "Docker support for projects." in texts
    assert "Small bug fixes and doc updates" in texts
    assert "Rebuilt the JS assets to fix the broken form input in 0.5.0 (identified in)" in texts
    for raw, want in [
        ("- have hostname default to `HOST` if available (#509, #524 -- thanks @hfern!)",
         "have hostname default to HOST if available"),
        ("* provide context propagation (#429, [docs](http://docs.example.com/#futures))", "provide context propagation"),
        ("* Add support for Python 3.6 (#215, see [supported versions][7])", "Add support for Python 3.6"),
        ("- Prevent errors in old botocore (@amy, @bo in https://github.com/o/r/pull/9015)", "Prevent errors in old botocore"),
        ("- Keep function calls like `run()` and asides (in beta) intact (#12)",
         "Keep function calls like run() and asides (in beta) intact"),
    ]:
        assert clean_line(raw).text == want
    assert not any("(," in t or "; )" in t for t in texts)


def test_table_rows_are_entries_that_name_their_columns() -> None:
    text = load("posts/2026-03-16-tables.md")
    (rel,) = parse_post(text, url="https://x.test/release_notes/v2.7.0/index.md", options=TODAY).releases
    rows = {e.line: e for e in rel.entries if e.raw.startswith("|")}
    lines = text.split("\n")
    assert sorted(rows) == [10, 16, 17, 23]  # header, delimiter and number-only rows are not entries
    for line, entry in rows.items():
        assert entry.raw == lines[line - 1]
    mantle = rows[16]
    assert mantle.text == "Provider: Mantle Cloud (mantle/); Supported Endpoints: /chat/completions; " \
                          "Description: Hosted models via Mantle"
    assert mantle.section == "New Providers" and mantle.kind is EntryKind.FEATURE
    assert rows[17].text.startswith("Provider: Web Search API (web_search/)")
    assert rows[23].text == "Metric: p50 latency; Before: 120 ms; After: 80 ms"


def test_table_rows_in_changelogs_and_release_bodies_keep_their_line() -> None:
    text = "## 1.2.0 (2026-01-05)\n\n### Removals\n\n| Module | Note |\n|---|---|\n| `tracer.legacy` | removed |\n"
    (rel,) = parse_changelog(text, url="u", options=TODAY).releases
    (row,) = rel.entries
    assert (row.text, row.line, row.kind) == ("Module: tracer.legacy; Note: removed", 7, EntryKind.BREAKING)
    (row,) = parse_release_body("| Model | Context |\n| --- | --- |\n| `gpt-9` | 1M |\n", first_line=30)
    assert (row.text, row.line) == ("Model: gpt-9; Context: 1M", 32)
    # A pipe inside code does not split a cell; an escaped pipe is a literal one.
    (row,) = parse_release_body("| Flag | Meaning |\n| - | - |\n| `a|b` | one \\| two |\n")
    assert row.text == "Flag: a|b; Meaning: one | two"


def test_post_titles_come_from_front_matter_then_first_heading_then_path() -> None:
    base = "https://raw.githubusercontent.com/o/docs/HEAD/changelog/"
    (rel,) = parse_post(load("posts/2025-05-23.mdx"), url=base + "2025-05-23.mdx", options=TODAY).releases
    assert rel.title == "✨ Agent Optimizer" and rel.date_source is DateSource.PATH
    # A generic first heading ("What's new") loses to the words of the post's folder.
    url = base + "20250611-prompt-playground/src.mdx"
    (rel,) = parse_post(load("posts/20250611-prompt-playground/src.mdx"), url=url, options=TODAY).releases
    assert rel.title == "Prompt playground" and rel.date == dt.date(2025, 6, 11)
    # Neither front matter nor a heading: the file name is all there is.
    (rel,) = parse_post(load("posts/2024-09-30.mdx"), url=base + "2024-09-30.mdx", options=TODAY).releases
    assert rel.title == "2024-09-30.mdx"
    (rel,) = parse_post(load("posts/2026-03-16-tables.md"), url=base + "x/index.md", options=TODAY).releases
    assert rel.title == "v2.7.0 - Two new providers and new models"
    assert rel.date_source is DateSource.FRONT_MATTER
