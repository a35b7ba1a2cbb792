"""Hardening: readers during a crawl, a full disk, a read-only catalog, and hostile text fuzzed
through parse → catalog → match → report, digest and webhook payload."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from conftest import CORPUS, ROOT, fixed_clock, party, source
from tracker.catalog import db
from tracker.cli import main
from tracker.config import Settings, WebhookConfig

CHANGELOG = "# Changelog\n\n## 1.1.0 (2026-02-01)\n\n### Features\n\n* add prompt caching\n\n## 1.0.0 (2026-01-01)\n\n* add tracing\n"


def write_mirror(root: Path, files: dict[str, str]) -> Path:
    for url, text in files.items():
        path = root / url.removeprefix("https://")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        main(list(args))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.err


# --------------------------------------------------------------------------- readers while a crawl writes


@pytest.mark.corpus
def test_search_sql_and_report_work_while_a_crawl_writes(tmp_path: Path) -> None:
    if not (CORPUS / "current").is_dir():
        pytest.skip("../shared/corpus is not available")
    from tracker.report import render_report
    from tracker.catalog.search import search
    from tracker.catalog.sqlquery import query_catalog

    catalog = tmp_path / "catalog.db"
    args = [sys.executable, "-c", "from tracker.cli import main; main()", "--config", str(ROOT / "config.toml"),
            "--db", str(catalog), "crawl", "--mirror", str(CORPUS / "current")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    settings = Settings(db_path=catalog, report_dir=tmp_path / "reports")
    reads = 0
    counts = []
    while writer.poll() is None:
        try:
            counts.append(query_catalog(catalog, "SELECT COUNT(*) FROM entry").rows[0][0])
        except Exception as error:  # the schema may not exist in the first instants
            transient = ("no such table", "no catalog", "unable to open", "not a tracker catalog")
            if any(t in str(error) for t in transient):
                time.sleep(0.02)
                continue
            raise
        conn = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
        try:
            search(conn, "caching", limit=5)
        finally:
            conn.close()
        with db.connect(settings.db_path) as conn:  # read-only, like `tracker report`
            render_report(conn, settings)
        reads += 1
    _, err = writer.communicate()
    assert writer.returncode == 0, err
    assert reads >= 2 and len(set(counts)) >= 2, (reads, counts)  # we really read while rows arrived


# --------------------------------------------------------------------------- full disk, read-only file


def _limit_catalog(monkeypatch: pytest.MonkeyPatch, pragma: str) -> None:
    original = db._configure

    def configure(conn, *, write):  # type: ignore[no-untyped-def]
        original(conn, write=write)
        conn.execute(pragma)

    monkeypatch.setattr(db, "_configure", configure)


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    write_mirror(tmp_path / "mirror", {"https://acme.test/CHANGELOG.md": CHANGELOG,
                                       "https://bolt.test/CHANGELOG.md": CHANGELOG.replace("tracing", "evals")})
    (tmp_path / "config.toml").write_text(
        '[tracker]\ndb = "catalog.db"\nmirror = "mirror"\n\n'
        '[[party]]\nname = "Acme"\nkind = "startup"\ncategory = "gateway"\n'
        '  [[party.source]]\n  name = "acme"\n  kind = "changelog"\n  url = "https://acme.test/CHANGELOG.md"\n'
        '[[party]]\nname = "Bolt"\nkind = "vendor"\ncategory = "gateway"\n'
        '  [[party.source]]\n  name = "bolt"\n  kind = "changelog"\n  url = "https://bolt.test/CHANGELOG.md"\n',
        encoding="utf-8")
    return tmp_path


def test_a_full_disk_ends_in_one_sentence_and_keeps_what_was_saved(small_project: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    config = str(small_project / "config.toml")
    code, _ = run_cli(capsys, "--config", config, "crawl", "--source", "acme")
    assert code == 0
    conn = sqlite3.connect(small_project / "catalog.db")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    saved = conn.execute("SELECT COUNT(*) FROM entry").fetchone()[0]
    conn.close()
    big = "".join(f"## 1.{i}.0 (2026-01-{1 + i % 28:02d})\n\n* add feature number {i} with a longer text\n\n"
                  for i in range(2000))
    (small_project / "mirror" / "bolt.test" / "CHANGELOG.md").write_text(big, encoding="utf-8")
    # SQLite's own "disk full" (SQLITE_FULL): the catalog may not grow by a single page.
    _limit_catalog(monkeypatch, f"PRAGMA max_page_count = {pages}")
    code, err = run_cli(capsys, "--config", config, "crawl")
    assert code == 2
    assert err.startswith("error: the disk holding the catalog") and "is full" in err and err.count("\n") == 1
    monkeypatch.undo()
    conn = sqlite3.connect(small_project / "catalog.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM entry").fetchone()[0] == saved


def test_a_read_only_catalog_ends_in_one_sentence(small_project: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    config = str(small_project / "config.toml")
    assert run_cli(capsys, "--config", config, "crawl", "--source", "acme")[0] == 0
    _limit_catalog(monkeypatch, "PRAGMA query_only = 1")
    code, err = run_cli(capsys, "--config", config, "crawl")
    assert code == 2 and "is read-only" in err and "Traceback" not in err and err.count("\n") == 1


def test_bad_cli_input_is_one_sentence(small_project: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = str(small_project / "config.toml")
    assert run_cli(capsys, "--config", config, "crawl")[0] == 0
    cases = [
        (["features", "--party", "Nobody"], "unknown party 'Nobody'"),
        (["features", "--since", "2024-13-45"], "is not a date"),
        (["search", 'prompt "caching'], "unclosed double quote"),
        (["search", "NEAR(prompt"], "search"),
        (["search", "caching", "--since", "yesterday"], "date"),
        (["search", "caching", "--kind", "rumour"], "unknown kind 'rumour'"),
        (["sql", "DELETE FROM entry"], "read-only"),
        (["export", "features", "--format", "yaml"], "unsupported format 'yaml'"),
        (["feature", "no-such-feature"], "no feature 'no-such-feature'"),
    ]
    for args, needle in cases:
        code, err = run_cli(capsys, "--config", config, *args)
        assert code == 2, (args, code, err)
        assert needle in err and err.startswith("error: ") and err.count("\n") == 1, (args, err)


# --------------------------------------------------------------------------- hostile text, fuzzed

HOSTILE = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>", "\"><svg onload=alert(1)>", "{{ 7*7 }}", "{% raw %}",
    "<!--", "]]>", "&lt;script&gt;", "javascript:alert(1)", "<iframe src=//evil.test>", "`rm -rf /`",
    "\u202e\u200bspoof", "<style>*{display:none}</style>", "' OR 1=1 --", "<ScRiPt>x</sCrIpT>",
])
# NUL is left out: a document with NUL bytes is binary, and the fetch layer refuses it whole (tested elsewhere).
TEXT = st.lists(st.one_of(HOSTILE, st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), min_size=1, max_size=30)),
               min_size=1, max_size=4).map(" ".join)


class _Balance(HTMLParser):
    """Checks tags nest properly and collects every attribute."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
            "path", "circle", "rect", "line", "polyline", "polygon", "stop", "use", "ellipse"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.tags: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.attrs += attrs
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


def assert_inert_html(text: str, where: str) -> None:
    checker = _Balance()
    checker.feed(text)
    checker.close()
    assert not checker.errors and not checker.stack, (where, checker.errors[:3], checker.stack[-3:])
    assert "iframe" not in checker.tags, where
    # the report's own table script, by file; never a script from the text
    assert all((s.get("src") or "").endswith("tables.js") for s in checker.scripts), (where, checker.scripts)
    for name, value in checker.attrs:
        assert not name.startswith("on"), (where, name)
        if name in ("href", "src", "action", "xlink:href") and value:
            assert not re.match(r"\s*(javascript|data|vbscript):", value, re.IGNORECASE), (where, value)


# Each example runs the whole pipeline, so: few examples, and no shrinking (a failure prints
# its example as generated, which is small enough to read).
@settings(max_examples=10, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=st.lists(TEXT, min_size=1, max_size=3), title=TEXT)
def test_hostile_text_stays_inert_through_report_digest_and_webhook(tmp_path_factory, lines, title) -> None:  # type: ignore[no-untyped-def]
    from tracker.daily import run_daily

    tmp = tmp_path_factory.mktemp("fuzz")
    bullets = "".join(f"* add prompt caching {line}\n* {line}\n" for line in lines)
    acme = f"# Changelog\n\n## 2.0.0 (2026-03-01)\n\n### Features\n\n{bullets}\n## 1.0.0 (2026-01-01)\n\n* add tracing\n"
    bolt = f"---\ntitle: {title.splitlines()[0] if title.splitlines() else 'x'}\ndate: 2026-02-01\n---\n\nWe added prompt caching. {title}\n"
    mirror = write_mirror(tmp / "mirror", {
        "https://acme.test/CHANGELOG.md": acme,
        "https://raw.githubusercontent.com/bolt/docs/HEAD/posts/2026-02-01-caching.mdx": bolt,
        "https://api.github.com/repos/bolt/docs/git/trees/HEAD": json.dumps(
            {"tree": [{"path": "posts/2026-02-01-caching.mdx", "type": "blob"}]}),
    })
    posted: list[bytes] = []
    client = httpx.Client(transport=httpx.MockTransport(lambda r: posted.append(r.content) or httpx.Response(200)))
    config = Settings(
        db_path=tmp / "catalog.db", report_dir=tmp / "reports", mirror=mirror,
        webhooks=(WebhookConfig(url="https://hooks.test/x", name="team"),),
        parties=(party("Acme", source("acme", "https://acme.test/CHANGELOG.md")),
                 party("Bolt <b>Inc</b>", source("bolt", "https://api.github.com/repos/bolt/docs/git/trees/HEAD",
                                                  kind="posts", glob=("posts/*.mdx",)), kind="incumbent")),
    )
    config = replace(config, match=replace(config.match, taxonomy=None))
    summary = run_daily(config, now=fixed_clock(), webhook_client=client, sleep=lambda _: None)
    assert summary.crawl.new_entries > 0
    pages = list((tmp / "reports").rglob("*.html"))
    assert pages
    for page in pages:
        assert_inert_html(page.read_text(encoding="utf-8"), str(page))
    digest_md = (tmp / "reports" / "digest.md").read_text(encoding="utf-8")
    # Plain words "javascript:" may stay as text; what must never appear is markup or a link to it.
    # Markdown escapes with a backslash ("\\<script" is the text "<script"), never with HTML entities.
    assert not re.search(r"(?<!\\)<\s*script|(?<!\\)&lt;", digest_md, re.IGNORECASE)
    assert not re.search(r"\]\(\s*(?:javascript|data|vbscript):|<\s*(?:javascript|data):", digest_md, re.IGNORECASE)
    for payload in posted:
        body = json.loads(payload)
        text = json.dumps(body)
        assert "<script" not in text.lower()
        # Slack links are <url|label>: only http(s) targets may appear in angle brackets.
        for target in re.findall(r"<([^|>]+)\|", body.get("text", "")):
            assert target.startswith(("http://", "https://")), target
