"""Scraped text is untrusted: hostile changelog lines and party names render as inert, visible text."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from conftest import party, source
from test_report import crawl_and_match, export, fixture_settings, render

from tracker.report.slugs import SlugBook

HOSTILE_NAME = '"><svg onload=alert(2)> ../../Evil Corp'


def test_hostile_changelog_lines_render_as_inert_text(tmp_path: Path) -> None:
    settings = fixture_settings(tmp_path, (
        party("Acme", source("acme", "https://acme.test/CHANGELOG.md")),
        party(HOSTILE_NAME, source("evil", "https://evil.test/CHANGELOG.md"), kind="startup", category="gateway"),
    ))
    crawl_and_match(settings)
    records = export(settings)
    hostile = [m["text"] for r in records for p in r["parties"] if p["party"] == HOSTILE_NAME for m in p["mentions"]]
    assert any("<script>" in t for t in hostile) and any("onerror" in t for t in hostile)
    assert any("javascript:" in t for t in hostile)  # the lines landed on feature pages
    result = render(settings)

    files = list(result.out_dir.rglob("*.html"))
    assert len(files) == result.pages
    for path in files:
        html = path.read_text(encoding="utf-8")
        page = BeautifulSoup(html, "html.parser")
        own = f'<script src="{"../" * len(path.relative_to(result.out_dir).parts[1:])}tables.js" defer></script>'
        assert "<script" not in html.replace(own, "", 1).lower(), path  # only the report's own table script
        assert [s.get("src") for s in page.find_all("script")] == [own.split('"')[1]]
        for tag in page.find_all(True):
            for attribute, value in tag.attrs.items():
                assert not attribute.lower().startswith("on"), (path, tag.name, attribute)
                values = value if isinstance(value, list) else [value]
                assert not any(str(v).strip().lower().startswith("javascript:") for v in values), (path, attribute)
        assert not page.find_all("img") and not page.find_all("svg", attrs={"onload": True})

    keys = SlugBook(r["id"] for r in records)
    shown = ""
    for rec in records:
        if any(p["party"] == HOSTILE_NAME for p in rec["parties"]):
            shown += BeautifulSoup((result.out_dir / "feature" / f"{keys[rec['id']]}.html").read_text(encoding="utf-8"),
                                   "html.parser").get_text()
    for text in hostile:
        assert text in shown  # visible, as text
    assert "<script>alert(1)</script>" in shown and "<img src=x onerror=alert(1)>" in shown
    # the note of a feature whose first party has no dated launch names that party as text too
    assert f"No first mover: {HOSTILE_NAME}'s first line about this feature" in " ".join(shown.split())

    party_pages = sorted(p.name for p in (result.out_dir / "party").iterdir())
    assert all(name.endswith(".html") and "/" not in name and not name.startswith(".") for name in party_pages)
    assert all(p.resolve().parent == (result.out_dir / "party").resolve() for p in (result.out_dir / "party").iterdir())
