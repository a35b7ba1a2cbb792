"""The fault matrix: every misbehaviour of a real local server ends in one clear per-source
error (or a warning), and the well-behaved sources crawled beside it are unaffected."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from conftest import fixed_clock, party, source
from faultserver import LoopbackOnly, fault_server
from tracker import pipeline
from tracker.crawl import CrawlSummary

# path -> (kind, expected outcome, substring of the error or warning, entries saved)
CASES: dict[str, tuple[str, str, str, int | None]] = {
    "/slow-headers": ("changelog", "error", "did not answer within", 0),
    "/slow-body": ("changelog", "error", "did not answer within", 0),
    "/trickle-headers": ("changelog", "error", "did not answer within 0.5 s after 2 attempts", 0),
    "/reset": ("changelog", "error", "broke while fetching", 0),
    "/status/500": ("changelog", "error", "returned 500 Internal Server Error after 2 attempts", 0),
    "/status/502": ("changelog", "error", "returned 502 Bad Gateway", 0),
    "/status/503": ("changelog", "error", "returned 503 Service Unavailable", 0),
    "/status/404": ("changelog", "error", "returned 404 Not Found; the source may have moved", 0),
    "/status/410": ("changelog", "error", "returned 410 Gone", 0),
    "/flaky-429-seconds": ("changelog", "new", "", 2),
    "/flaky-429-date": ("changelog", "new", "", 2),
    "/flaky-503": ("changelog", "new", "", 2),
    "/loop": ("changelog", "error", "redirect loop", 0),
    "/chain/0": ("changelog", "error", "redirected more than 5 times", 0),
    "/to-metadata": ("changelog", "error", "169.254.169.254, a link-local or cloud metadata address", 0),
    "/to/private": ("changelog", "error", "redirects to another host 10.0.0.1", 0),
    "/to/octal": ("changelog", "error", "spells the non-public address 127.0.0.1 in octal, hex or decimal", 0),
    "/big": ("changelog", "error", "1,000,000-byte cap", 0),
    "/bomb": ("changelog", "error", "compression bomb", 0),
    "/binary": ("changelog", "error", "binary", 0),
    "/invalid-utf8": ("changelog", "new", "", 2),
    "/charset/zlib_codec": ("changelog", "new", "", 2),
    "/charset/rot13": ("changelog", "new", "", 2),
    "/charset/hex": ("changelog", "new", "", 2),
    "/charset/zlib_codec?feed": ("feed", "error", "not an RSS/Atom feed", 0),
    "/no-content-type": ("changelog", "new", "", 2),
    "/wrong-content-type": ("changelog", "new", "", 2),
    "/empty": ("changelog", "new", "no releases found", 0),
    "/html-not-feed": ("feed", "error", "not an RSS/Atom feed", 0),
    "/feed": ("feed", "new", "", None),
    "/no-headers": ("changelog", "new", "no releases found", 0),
    "/absurd-dates": ("changelog", "new", "rejected", 3),
    "/duplicate-versions": ("changelog", "new", "", 2),
    "/format-switch": ("changelog", "new", "", 3),
    "/enormous-line": ("changelog", "new", "", 1),
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CrawlSummary, sqlite3.Connection]]:
    from tracker.config import Settings

    with fault_server() as base:
        sources = [source(f"case{i:02d}", base + path, kind=kind) for i, (path, (kind, *_)) in enumerate(CASES.items())]
        good = [source("good-one", base + "/good"), source("good-two", base + "/good?again=1")]
        folder = tmp_path_factory.mktemp("faults")
        settings = Settings(
            db_path=folder / "catalog.db",
            parties=(party("Faulty", *sources), party("Healthy", *good)),
        )
        from dataclasses import replace

        settings = replace(settings, fetch=replace(
            settings.fetch, timeout=0.5, max_retries=1, backoff_base=0.01, backoff_max=1.5, max_bytes=1_000_000,
            max_redirects=5,
        ))
        # Loopback only: a redirect wrongly followed to a private address fails here, contacting nothing.
        summary = pipeline.run_crawl(settings, now=fixed_clock(), transport=LoopbackOnly())
        conn = sqlite3.connect(settings.db_path)
        yield summary, conn
        conn.close()


@pytest.mark.parametrize("path", list(CASES))
def test_each_fault_is_one_clear_outcome_on_its_own_source(crawled, path: str) -> None:  # type: ignore[no-untyped-def]
    summary, conn = crawled
    kind, expected, needle, entries = CASES[path]
    name = f"case{list(CASES).index(path):02d}"
    outcome = next(o for o in summary.outcomes if o.name == name)
    assert outcome.outcome == expected, (path, outcome)
    if expected == "error":
        assert needle in outcome.error, (path, outcome.error)
        assert "\n" not in outcome.error and "Traceback" not in outcome.error
        stored = conn.execute("SELECT last_error FROM source WHERE name = ?", (name,)).fetchone()[0]
        assert stored == outcome.error
    elif needle:
        assert any(needle in w for w in outcome.warnings), (path, outcome.warnings)
    if entries is not None:
        count = conn.execute(
            "SELECT COUNT(*) FROM entry JOIN source ON source.id = entry.source_id WHERE source.name = ?", (name,)
        ).fetchone()[0]
        assert count == entries, (path, count)


def test_well_behaved_sources_beside_the_faults_are_untouched(crawled) -> None:  # type: ignore[no-untyped-def]
    summary, conn = crawled
    for name in ("good-one", "good-two"):
        outcome = next(o for o in summary.outcomes if o.name == name)
        assert outcome.outcome == "new" and outcome.new_entries == 2 and not outcome.warnings
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_malformed_changelogs_keep_what_can_be_trusted(crawled) -> None:  # type: ignore[no-untyped-def]
    _, conn = crawled

    def dates(case: str) -> list[tuple[str, str | None, str]]:
        name = f"case{list(CASES).index(case):02d}"
        return conn.execute(
            "SELECT version, date, date_raw FROM release JOIN source ON source.id = release.source_id "
            "WHERE source.name = ? ORDER BY release.line", (name,)).fetchall()

    assert dates("/absurd-dates") == [("2.0.0", None, "2099-01-01"), ("1.0.0", None, "1513-05-07"),
                                      ("0.9.0", "2025-01-01", "2025-01-01")]
    assert [d[1] for d in dates("/format-switch")] == ["2025-03-01", "2025-02-06", "2025-01-05"]
    assert [d[1] for d in dates("/duplicate-versions")] == ["2025-01-02", "2025-01-01"]
    raw = conn.execute("SELECT MAX(LENGTH(raw)) FROM entry").fetchone()[0]
    assert raw <= 4000
