"""The whole shared corpus crawled with the default config: dates, header coverage, kinds, increments.

Every check here recomputes its expectation independently of the parser: from the
manifests, or from the corpus files with simple regular expressions of its own.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, fixed_clock
from tracker import pipeline
from tracker.config import Overrides, load_settings

pytestmark = pytest.mark.corpus

RAW = "https://raw.githubusercontent.com/"

# The manifest dates W&B by its Keep-a-Changelog headers (`## [0.16.4] - 2024-03-05`) only; the
# file continues with older releases in another style (`# 0.16.3 (Feb 6, 2024)`), back to 2018,
# which are real, dated releases. The catalog keeps them, so its first date is earlier.
# Pydantic AI's pre-1.0 releases are bold lines (`**v0.1.0 (2025-04-15)**`) under "### v0.x.x", which
# the manifest does not count either (issue 15).
OLDER_STYLE_FIRST = {
    "https://raw.githubusercontent.com/wandb/wandb/HEAD/CHANGELOG.md": "2018-10-05",
    "https://raw.githubusercontent.com/pydantic/pydantic-ai/HEAD/docs/changelog.md": "2025-04-15",
}


def manifest_sources() -> list[dict]:  # type: ignore[type-arg]
    out = []
    for name in ("manifest-incumbents.toml", "manifest-startups-oss.toml"):
        out += tomllib.loads((CORPUS / name).read_text(encoding="utf-8"))["source"]
    return out


def connect(settings) -> sqlite3.Connection:  # type: ignore[no-untyped-def]
    return sqlite3.connect(settings.db_path)


def test_first_and_last_release_dates_match_the_manifests(corpus_catalog) -> None:  # type: ignore[no-untyped-def]
    conn = connect(corpus_catalog)
    checked = 0
    for s in manifest_sources():
        if not s["dated_entries"]:
            continue
        if "url" in s:
            urls = [s["url"]]
        else:
            base = RAW + s["repo"] + "/HEAD/"
            urls = [base + f for f in s["files"]]
        marks = ",".join("?" * len(urls))
        first, last = conn.execute(
            f"SELECT MIN(date), MAX(date) FROM release WHERE document_url IN ({marks}) AND date IS NOT NULL", urls
        ).fetchone()
        expected_first = OLDER_STYLE_FIRST.get(urls[0], s["first_entry_date"])
        # DeepEval is dated by month: the manifest writes "2024-01", the catalog 2024-01-01.
        assert first is not None and first.startswith(expected_first), (s["party"], urls[0], first)
        assert last.startswith(s["last_entry_date"]), (s["party"], urls[0], last)
        checked += 1
    assert checked >= 30
    # The older W&B releases really are in the file at the lines the catalog says.
    line, raw = conn.execute(
        "SELECT line, date_raw FROM release WHERE document_url = ? ORDER BY date LIMIT 1",
        (next(iter(OLDER_STYLE_FIRST)),),
    ).fetchone()
    text = (CORPUS / "current/raw.githubusercontent.com/wandb/wandb/HEAD/CHANGELOG.md").read_text().split("\n")
    assert raw in text[line - 1] and "2018" in text[line - 1]


# --- an independent count of release headers -------------------------------------------------

_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_H_VERSION = re.compile(r"^#{1,4} +(?:\[|Release |v)?v?(\d+\.\d+[\w.\-]*)")
_H_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_H_US = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_H_WORDS = re.compile(r"\(([A-Z][a-z]{2})\w* (\d{1,2}), (\d{4})\)")
_H_MONTH = re.compile(r"^## (January|February|March|April|May|June|July|August|September|October|November|December)\s*$")
_TAG = re.compile(r'^<(?:Release)?Update label="(\d{2})\.(\d{2})\.(\d{4})"')


def expected_headers(path: Path, url: str) -> dict[int, str | None]:
    """line -> ISO date (or None for undated) of every release header, by simple regexes."""
    found: dict[int, str | None] = {}
    year = re.search(r"(20\d\d)", url.rsplit("/", 1)[-1])
    day_first = "dd-trace-py" in url
    text = path.read_text(encoding="utf-8").split("\n")
    for n, line in enumerate(text, 1):
        if m := _TAG.match(line):
            found[n] = f"{m[3]}-{m[1]}-{m[2]}"
            continue
        if year and (m := _H_MONTH.match(line)):
            found[n] = f"{year[1]}-{_MONTHS.index(m[1][:3].lower()) + 1:02d}-01"
            continue
        if not line.startswith("#") or "nreleased" in line:
            continue
        if m := _H_ISO.search(line):
            found[n] = f"{m[1]}-{m[2]}-{m[3]}"
        elif m := _H_US.search(line):
            a, b = int(m[1]), int(m[2])
            month, day = (b, a) if day_first else (a, b)
            found[n] = f"{m[3]}-{month:02d}-{day:02d}"
        elif m := _H_WORDS.search(line):
            found[n] = f"{m[3]}-{_MONTHS.index(m[1].lower()) + 1:02d}-{int(m[2]):02d}"
        elif _H_VERSION.match(line) and line.startswith("## "):
            found[n] = None
    # `## 1.4` directly over `### 1.4.3 (2026-05-18)` groups releases; it is not one (Modal).
    lines = sorted(found)
    for here, after in zip(lines, lines[1:]):
        if found[here] is None and found[after] is not None and text[after - 1].startswith("### ") \
                and not any(t.strip() for t in text[here:after - 1]):
            del found[here]
    return found


def text_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def tag_dates(url: str) -> dict[str, str]:
    """version -> the day its tag was made, from the corpus listing (tagger's calendar day)."""
    repo, tag_of = TAGGED[url]
    prefix, suffix = tag_of.split("{}")
    listing = (CORPUS / "current/tags/github.com" / f"{repo}.tsv").read_text(encoding="utf-8")
    days: dict[str, str] = {}
    for tag, created, _ in (line.split("\t") for line in listing.splitlines()):
        if tag.startswith(prefix) and tag.endswith(suffix):
            days.setdefault(tag[len(prefix):len(tag) - len(suffix)], created[:10])
    return days


def test_at_least_95_percent_of_release_headers_are_in_the_catalog_with_the_right_date(corpus_catalog) -> None:  # type: ignore[no-untyped-def]
    conn = connect(corpus_catalog)
    settings = corpus_catalog
    changelog_urls = [s.url for s in settings.sources() if s.kind == "changelog"]
    total = hits = 0
    per_file = []
    for url in changelog_urls:
        path = CORPUS / "current" / url.removeprefix("https://")
        if not path.exists():
            continue
        expected = expected_headers(path, url)
        if url in TAGGED:  # undated version headers carry their tag's date
            days, lines = tag_dates(url), text_of(path)
            expected = {n: date or days.get(_H_VERSION.match(lines[n - 1])[1]) for n, date in expected.items()}
        stored = dict(conn.execute("SELECT line, date FROM release WHERE document_url = ?", (url,)).fetchall())
        good = sum(1 for line, date in expected.items() if line in stored and stored[line] == date)
        per_file.append((url, good, len(expected)))
        total += len(expected)
        hits += good
        assert good >= 0.9 * len(expected), (url, good, len(expected))
    assert total > 5000
    assert hits / total >= 0.95, per_file


def test_conventional_commit_changelogs_put_entries_in_the_right_kind(corpus_catalog) -> None:  # type: ignore[no-untyped-def]
    conn = connect(corpus_catalog)
    for url in (RAW + "openai/openai-python/HEAD/CHANGELOG.md", RAW + "anthropics/anthropic-sdk-python/HEAD/CHANGELOG.md",
                RAW + "googleapis/python-aiplatform/HEAD/CHANGELOG.md", RAW + "traceloop/openllmetry/HEAD/CHANGELOG.md"):
        path = CORPUS / "current" / url.removeprefix("https://")
        lines = path.read_text(encoding="utf-8").split("\n")
        # Independently: the section heading above each bullet line.
        section_of: dict[int, str] = {}
        section = ""
        for n, line in enumerate(lines, 1):
            if line.startswith("### "):
                section = line[4:].strip()
            elif line.startswith("## ") or line.startswith("# "):
                section = ""
            elif line.startswith(("* ", "- ")) and section:
                section_of[n] = section
        want = {"Features": "feature", "Feat": "feature", "Bug Fixes": "fix", "Fix": "fix",
                "Chores": "chore", "Documentation": "docs"}
        rows = conn.execute("SELECT line, kind, raw FROM entry WHERE document_url = ?", (url,)).fetchall()
        checked = wrong = 0
        for line, kind, raw in rows:
            expected = want.get(section_of.get(line, ""))
            if expected is None or "deps" in raw.lower():
                continue
            checked += 1
            wrong += kind != expected
        assert checked > 100, url
        assert wrong / checked < 0.02, (url, wrong, checked)


def test_crawling_the_old_snapshot_then_the_current_one_adds_only_what_is_new(tmp_path: Path) -> None:
    if not (CORPUS / "2025-06-01").is_dir():
        pytest.skip("../shared/corpus is not available")
    base = load_settings(Overrides(config=ROOT / "config.toml", db=tmp_path / "c.db"), env={})
    old = replace(base, mirror=CORPUS / "2025-06-01")
    new = replace(base, mirror=CORPUS / "current")
    first = pipeline.run_crawl(old, now=fixed_clock(dt.datetime(2025, 6, 1, 6)))
    conn = sqlite3.connect(base.db_path)
    sql = "SELECT key, first_seen_at, date, date_estimated FROM entry"
    before = {r[0]: r[1:] for r in conn.execute(sql)}
    second = pipeline.run_crawl(new, now=fixed_clock(dt.datetime(2026, 8, 25, 6)))
    assert first.new_entries > 10000 and 0 < second.new_entries < 45000
    after = {r[0]: r[1:] for r in conn.execute(sql)}
    assert set(before) <= set(after)
    assert all(after[k][0] == before[k][0] for k in before)  # old entries keep their first-seen time
    for key, (_, old_date, old_estimated) in before.items():
        _, new_date, new_estimated = after[key]
        if old_estimated and not new_estimated:
            # Databricks dated its old headers later: a published date replaces the estimate.
            assert new_date <= old_date
        else:
            assert (new_date, new_estimated) == (old_date, old_estimated)
    new_keys = set(after) - set(before)
    assert len(new_keys) == second.new_entries
    assert {after[k][0][:10] for k in new_keys} == {"2026-08-25"}
    # The newest dated entries exist only in the current snapshot.
    assert conn.execute("SELECT MAX(date) FROM entry WHERE first_seen_at LIKE '2025-06-01%' AND date_estimated = 0").fetchone()[0] <= "2025-06-01"
    third = pipeline.run_crawl(new, now=fixed_clock(dt.datetime(2026, 8, 26, 6)))
    assert third.new_entries == 0 and third.new_releases == 0


# --- issue 15: what the changelogs say, read like a human reads them ----------------------------


def test_bold_version_lines_make_pydantic_ai_19_releases_back_to_april_2025(corpus_catalog) -> None:  # type: ignore[no-untyped-def]
    url = RAW + "pydantic/pydantic-ai/HEAD/docs/changelog.md"
    lines = (CORPUS / "current" / url.removeprefix("https://")).read_text(encoding="utf-8").split("\n")
    rows = connect(corpus_catalog).execute(
        "SELECT version, date, line FROM release WHERE document_url = ? ORDER BY line", (url,)
    ).fetchall()
    assert len(rows) == 19 and rows[-1][:2] == ("0.1.0", "2025-04-15")
    for version, date, line in rows:
        assert version in lines[line - 1] and date in lines[line - 1]
    # Every entry sits after its release's header and before the next one, and none is script.
    entries = connect(corpus_catalog).execute(
        "SELECT e.line, r.line, e.raw FROM entry e JOIN release r ON r.id = e.release_id WHERE e.document_url = ?", (url,)
    ).fetchall()
    starts = [line for _, _, line in rows]
    for entry_line, release_line, raw in entries:
        following = [s for s in starts if s > release_line]
        assert release_line < entry_line < (following[0] if following else len(lines) + 1)
        assert "fetch(" not in raw and "<div" not in raw


def test_litellm_table_rows_are_entries(corpus_catalog) -> None:  # type: ignore[no-untyped-def]
    url = RAW + "BerriAI/litellm/HEAD/docs/my-website/release_notes/v1.82.3/index.md"
    lines = (CORPUS / "current" / url.removeprefix("https://")).read_text(encoding="utf-8").split("\n")
    # Independently: table body rows are pipe lines after the header and delimiter lines.
    body_rows = [n for n in range(3, len(lines) + 1)
                 if lines[n - 1].startswith("|") and lines[n - 2].startswith("|")
                 and not re.fullmatch(r"[|\s:-]+", lines[n - 1]) and re.search(r"[A-Za-z]{2}", lines[n - 1])]
    stored = dict(connect(corpus_catalog).execute(
        "SELECT line, text FROM entry WHERE document_url = ? AND raw LIKE '|%'", (url,)
    ).fetchall())
    assert set(range(65, 72)) <= set(body_rows) and set(body_rows) <= set(stored)  # 65-71: "New Providers"
    launches = " ".join(stored.values())
    assert "Bedrock Mantle" in launches and "Google Search API" in launches


def test_modal_group_headings_are_not_empty_undated_releases(corpus_catalog) -> None:  # type: ignore[no-untyped-def]
    url = RAW + "modal-labs/modal-client/HEAD/py/CHANGELOG.md"
    empty_or_undated = connect(corpus_catalog).execute(
        "SELECT version, line FROM release r WHERE document_url = ? AND (date IS NULL OR NOT EXISTS "
        "(SELECT 1 FROM entry e WHERE e.release_id = r.id))", (url,)
    ).fetchall()
    assert empty_or_undated == []


def test_no_entry_keeps_the_debris_of_stripped_references(corpus_catalog) -> None:  # type: ignore[no-untyped-def]
    conn = connect(corpus_catalog)
    assert conn.execute("SELECT COUNT(*) FROM entry WHERE text LIKE '%(, ;%' OR text LIKE '%(, )%'").fetchone()[0] == 0
    mlflow = RAW + "mlflow/mlflow/HEAD/CHANGELOG.md"
    # The indented "  0.9.0 (2019-03-13)" line starts its own release.
    assert conn.execute("SELECT date FROM release WHERE document_url = ? AND version = '0.9.0'", (mlflow,)).fetchone() \
        == ("2019-03-13",)


def test_post_titles_are_never_bare_file_names_when_the_post_has_a_heading(corpus_catalog) -> None:  # type: ignore[no-untyped-def]
    rows = connect(corpus_catalog).execute(
        "SELECT r.document_url, r.title FROM release r JOIN source s ON s.id = r.source_id WHERE s.kind = 'posts'"
    ).fetchall()
    assert len(rows) > 100
    for url, title in rows:
        text = (CORPUS / "current" / url.removeprefix("https://")).read_text(encoding="utf-8")
        if re.search(r"^#{1,6} ", text, re.MULTILINE) or re.search(r"^title:", text, re.MULTILINE):
            assert not title.endswith((".md", ".mdx")), (url, title)


# --- issue 10: changelogs without dates, dated by their git tags -------------------------------

TAGGED = {  # source URL -> (tag listing in the corpus, how a version is tagged)
    RAW + "vercel/ai/HEAD/packages/ai/CHANGELOG.md": ("vercel/ai", "ai@{}"),
    RAW + "getsentry/sentry-python/HEAD/CHANGELOG.md": ("getsentry/sentry-python", "{}"),
    RAW + "DataDog/dd-trace-py/HEAD/CHANGELOG.md": ("DataDog/dd-trace-py", "v{}"),
}


def test_vercel_sentry_and_datadog_are_dated_by_their_tags(corpus_catalog) -> None:  # type: ignore[no-untyped-def]
    conn = connect(corpus_catalog)
    for url, (repo, tag_of) in TAGGED.items():
        listing = (CORPUS / "current/tags/github.com" / f"{repo}.tsv").read_text(encoding="utf-8")
        tag_day = {tag: created[:10] for tag, created, _ in (line.split("\t") for line in listing.splitlines())}
        rows = conn.execute("SELECT version, date, date_source, date_raw FROM release WHERE document_url = ?",
                            (url,)).fetchall()
        dated = [r for r in rows if r[1] is not None]
        assert len(rows) > 250 and len(dated) >= 0.95 * len(rows), (url, len(dated), len(rows))
        by_tag = [r for r in rows if r[2] == "tag"]
        assert len(by_tag) > 200
        for version, date, _, date_raw in by_tag:
            tag = tag_of.format(version)
            assert date == tag_day[tag] and date_raw.startswith(f"tag {tag} "), (url, version, date, date_raw)
        assert all(source == "header" for _, _, source, raw in dated if not raw.startswith("tag "))
    # Every release says where its date came from, and `tracker export releases` shows it.
    assert conn.execute("SELECT COUNT(*) FROM release WHERE (date IS NULL) != (date_source = '')").fetchone()[0] == 0
    from tracker.catalog.queries import export_releases

    sources = {r["date_source"] for r in export_releases(conn)}
    assert {"header", "tag", "front-matter", "path", ""} <= sources
