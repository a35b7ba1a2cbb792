"""The daily job: crawl → match → report → digest → webhooks, under one lock and one recorded run.

Every step after the crawl is guarded: a failing match, report, digest or webhook is
written into the run's message (and makes an `ok` run `partial`), but never loses what
the crawl and the match already committed. An interruption (Ctrl-C, SIGTERM) records
the run as `interrupted`; per-source transactions keep the catalog consistent, so the
next run simply completes the work.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx

from tracker import pipeline
from tracker.catalog import runs
from tracker.config import Settings
from tracker.crawl import CrawlSummary, SourceOutcome
from tracker.digest import Digest, DigestFiles, SourceProblem, digest_for_run, write_digest
from tracker.errors import TrackerError
from tracker.lock import run_lock
from tracker.pipeline import Clock, MatchSummary, utc_now
from tracker.status import failing_sources
from tracker.webhooks import Delivery, post_webhooks, slack_payload

log = logging.getLogger("tracker.daily")
T = TypeVar("T")


class ReportFn(Protocol):
    """The signature of `tracker.report.render_report`."""

    def __call__(self, conn: sqlite3.Connection, settings: Settings, *, out_dir: Path | None = None,
                 now: dt.datetime | None = None) -> Any: ...


@dataclass(slots=True)
class DailySummary:
    run_id: int
    outcome: str = "running"  # ok | partial | failed
    crawl: CrawlSummary = field(default_factory=lambda: CrawlSummary(0))
    match: MatchSummary | None = None
    report: Any | None = None  # tracker.report.ReportResult
    digest: Digest | None = None
    digest_files: DigestFiles | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # steps that failed; each one sentence
    notes: list[str] = field(default_factory=list)  # things worth saying that are not failures

    @property
    def new_features(self) -> int:
        if self.digest is not None:
            return len(self.digest.features)
        return len(self.match.new_features) if self.match else 0

    @property
    def new_copies(self) -> int:
        if self.digest is not None:
            return len(self.digest.copies)
        return len(self.match.new_copies) if self.match else 0

    @property
    def report_path(self) -> str:
        return str(getattr(self.report, "index", "") or "")

    def totals(self) -> runs.RunTotals:
        c = self.crawl
        return runs.RunTotals(len(c.ok), len(c.failed), c.new_releases, c.new_entries, self.new_features,
                              self.new_copies)


def default_report() -> ReportFn | None:
    """`tracker.report.render_report`, or None while the report module is not there."""
    try:
        from tracker.report import render_report
    except ImportError:
        return None
    return render_report


def _step(summary: DailySummary, name: str, action: Callable[[], T]) -> T | None:
    """Run one step after the crawl; a failure becomes one sentence in the run's message."""
    try:
        return action()
    except TrackerError as error:
        summary.problems.append(f"{name} failed: {error}")
    except Exception as error:  # noqa: BLE001 - a broken step must not lose what the crawl saved
        summary.problems.append(f"{name} failed with an internal error ({type(error).__name__}: {error}); "
                                "please report it with this message")
    log.warning("%s", summary.problems[-1])
    return None


def _interrupted_totals(conn: sqlite3.Connection, run_id: int) -> runs.RunTotals:
    """What the sources saved before the interruption (each source commits on its own)."""
    row = conn.execute(
        "SELECT COALESCE(SUM(outcome != 'error'), 0), COALESCE(SUM(outcome = 'error'), 0), "
        "COALESCE(SUM(new_releases), 0), COALESCE(SUM(new_entries), 0) FROM run_source WHERE run_id = ?",
        (run_id,),
    ).fetchone()
    return runs.RunTotals(*(int(v) for v in row))


def _failures(conn: sqlite3.Connection, crawl: CrawlSummary, started: dt.datetime) -> list[SourceProblem]:
    failed = {o.name for o in crawl.failed}
    stamp = started.isoformat(sep=" ")
    return [SourceProblem(s.name, s.party, s.last_error, s.failing_since, s.failing_since >= stamp)
            for s in failing_sources(conn) if s.name in failed]


def run_daily(
    settings: Settings,
    *,
    now: Clock = utc_now,
    transport: httpx.AsyncBaseTransport | None = None,
    report: ReportFn | None = None,
    webhook_client: httpx.Client | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_start: Callable[[int], None] = lambda _: None,
    on_source: Callable[[SourceOutcome], None] = lambda _: None,
) -> DailySummary:
    """`tracker run`: the whole daily job. Raises CatalogLockedError at once if another run holds the lock."""
    sources = pipeline.select_sources(settings)
    render = report if report is not None else default_report()
    with run_lock(settings.db_path, "run"), pipeline.catalog(settings) as conn:
        started = now()
        run_id = runs.start_run(conn, "run", started)
        summary = DailySummary(run_id, crawl=CrawlSummary(run_id))
        if not sources:
            summary.notes.append("no sources are enabled; add [[party]] blocks with [[party.source]] to config.toml")
        on_start(len(sources))
        try:
            summary.crawl = pipeline.crawl_sources(conn, settings, sources=sources, run_id=run_id, now=now,
                                                   on_source=on_source, transport=transport)
            _after_crawl(conn, settings, summary, started=started, now=now, render=render,
                         webhook_client=webhook_client, sleep=sleep)
        except KeyboardInterrupt:
            totals = _interrupted_totals(conn, run_id) if not summary.crawl.outcomes else summary.totals()
            runs.finish_run(conn, run_id, now=now(), outcome="interrupted", totals=totals,
                            message="interrupted; the next run completes the work")
            raise
        c = summary.crawl
        summary.outcome = "ok" if not c.failed else ("partial" if c.ok else "failed")
        if summary.problems and summary.outcome == "ok":
            summary.outcome = "partial"
        runs.finish_run(conn, run_id, now=now(), outcome=summary.outcome, totals=summary.totals(),
                        report_path=summary.report_path, message="; ".join(summary.problems + summary.notes))
        return summary


def _after_crawl(
    conn: sqlite3.Connection,
    settings: Settings,
    summary: DailySummary,
    *,
    started: dt.datetime,
    now: Clock,
    render: ReportFn | None,
    webhook_client: httpx.Client | None,
    sleep: Callable[[float], None],
) -> None:
    summary.match = _step(summary, "match", lambda: pipeline.match_catalog(conn, settings, now=now))
    if render is None:
        summary.notes.append("report skipped: the report module is not installed")
    else:
        summary.report = _step(summary, "report", lambda: render(conn, settings, now=now()))
    crawl, match = summary.crawl, summary.match

    def digest_of_run() -> Digest:
        return digest_for_run(
            # A match that linked nothing new has no news (even if it ran in the same second as the last one).
            conn, settings, run_id=summary.run_id, when=started,
            matched=match is not None and bool(match.new_links or match.new_features),
            sources_ok=len(crawl.ok), sources_failed=len(crawl.failed),
            new_releases=crawl.new_releases, new_entries=crawl.new_entries,
            failures=_failures(conn, crawl, started), report=summary.report_path,
        )

    summary.digest = digest = _step(summary, "digest", digest_of_run)
    if digest is None:
        return
    folder = Path(getattr(summary.report, "out_dir", None) or settings.report_dir)
    summary.digest_files = _step(summary, "digest", lambda: write_digest(digest, folder))
    if settings.webhooks and digest.worth_sending:
        try:
            summary.deliveries = post_webhooks(settings.webhooks, slack_payload(digest), client=webhook_client,
                                               sleep=sleep)
        except Exception as error:  # noqa: BLE001 - webhooks never fail the run
            summary.notes.append(f"webhooks failed with an internal error ({type(error).__name__}: {error})")
        summary.notes += [f"webhook {d.hook} not delivered ({d.error} after {d.attempts} attempts)"
                          for d in summary.deliveries if not d.ok]


def summary_lines(summary: DailySummary) -> list[str]:
    """The short summary `tracker run` prints and the scheduler logs."""
    c = summary.crawl
    lines = [
        f"run {summary.run_id} {summary.outcome}: sources {len(c.ok)} ok, {len(c.failed)} failed; "
        f"new releases: {c.new_releases}; new entries: {c.new_entries}; "
        f"new features: {summary.new_features}; new copies: {summary.new_copies}"
    ]
    missing = [o.name for o in c.failed if o.category == "not-in-mirror"]
    lines += [f"  failed {o.name}: {o.error}" for o in c.failed if o.category != "not-in-mirror"]
    if missing:
        lines.append(f"  not in the mirror ({len(missing)}): {', '.join(missing)}")
    if summary.report_path:
        lines.append(f"report: {summary.report_path}")
    if summary.digest_files:
        lines.append(f"digest: {summary.digest_files.markdown} and {summary.digest_files.html.name}")
    for d in summary.deliveries:
        state = "delivered" if d.ok else f"not delivered ({d.error} after {d.attempts} attempts)"
        lines.append(f"webhook {d.hook}: {state}")
    lines += [f"problem: {p}" for p in summary.problems]
    lines += [f"note: {n}" for n in summary.notes if not n.startswith("webhook ")]
    return lines
