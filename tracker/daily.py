"""The daily job: crawl → match → report → digest → webhooks, as one run of `runner.execute`.

Every step after the crawl is guarded: a failing match, report, digest or webhook is
written into the run's message (and makes an `ok` run `partial`), but never loses what
the crawl and the match already committed.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tracker import pipeline
from tracker.catalog import runs
from tracker.config import Settings
from tracker.crawl import CrawlSummary, SourceOutcome
from tracker.redact import redact_urls
from tracker.runner import Clock, RunContext, RunSummary, Step, execute, utc_now

if TYPE_CHECKING:
    import httpx

    from tracker.digest import SourceProblem
    from tracker.report import ReportResult

log = logging.getLogger("tracker.daily")

DailySummary = RunSummary  # what `run_daily` returns


class ReportFn(Protocol):
    """The signature of `tracker.report.render_report`."""

    def __call__(self, conn: sqlite3.Connection, settings: Settings, *, out_dir: Path | None = None,
                 now: dt.datetime | None = None) -> ReportResult: ...


def _failures(conn: sqlite3.Connection, summary: RunSummary) -> list[SourceProblem]:
    from tracker.digest import SourceProblem

    failed = {o.name for o in summary.crawl.failed}
    stamp = summary.started.isoformat(sep=" ")
    return [SourceProblem(s.name, s.party, s.last_error, s.failing_since, s.failing_since >= stamp)
            for s in runs.failing_sources(conn) if s.name in failed]


def match_step(ctx: RunContext) -> None:
    ctx.summary.match = pipeline.match_catalog(ctx.conn, ctx.settings, now=ctx.now)


def report_step(render: ReportFn) -> Step:
    def action(ctx: RunContext) -> None:
        ctx.summary.report = render(ctx.conn, ctx.settings, now=ctx.now())

    return Step("report", action)


def digest_step(ctx: RunContext) -> None:
    from tracker.digest import digest_for_run, write_digest

    summary, crawl, match = ctx.summary, ctx.summary.crawl, ctx.summary.match
    summary.digest = digest = digest_for_run(
        ctx.conn, ctx.settings, run_id=summary.run_id, when=summary.started,
        # a match that linked nothing new has no news, even one in the same second as the last
        matched=match is not None and bool(match.new_links or match.new_features), home=ctx.settings.report.home,
        sources_ok=len(crawl.ok), sources_failed=len(crawl.failed),
        new_releases=crawl.new_releases, new_entries=crawl.new_entries,
        failures=_failures(ctx.conn, summary), report=summary.report_path,
    )
    summary.headline = digest.figures_json  # kept in run.headline for the next digest to compare with
    folder = summary.report.out_dir if summary.report is not None else ctx.settings.report_dir
    summary.digest_files = write_digest(digest, folder)


def webhook_step(client: httpx.Client | None, sleep: Callable[[float], None]) -> Step:
    def action(ctx: RunContext) -> None:
        from tracker.webhooks import WebhookPolicy, post_webhooks, slack_payload

        summary = ctx.summary
        if not ctx.settings.webhooks or summary.digest is None or not summary.digest.worth_sending:
            return
        policy = WebhookPolicy(allow_link_local=ctx.settings.fetch.allow_link_local)
        summary.deliveries = post_webhooks(ctx.settings.webhooks, slack_payload(summary.digest), client=client,
                                           policy=policy, sleep=sleep)
        summary.notes += [f"webhook {d.hook} not delivered ({d.error} after {d.attempts} attempts)"
                          for d in summary.deliveries if not d.ok]

    return Step("webhooks", action)


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
) -> RunSummary:
    """`tracker run`: the whole daily job. Raises CatalogLockedError at once if another run holds the lock."""
    if report is None:
        from tracker.report import render_report

        report = render_report
    sources = pipeline.select_sources(settings)
    steps = [
        pipeline.crawl_step(sources, on_start=on_start, on_source=on_source, transport=transport),
        Step("match", match_step),
        report_step(report),
        Step("digest", digest_step),
        webhook_step(webhook_client, sleep),
    ]
    return execute(settings, "run", steps, now=now)


def summary_lines(summary: RunSummary, *, verbose: bool = False) -> list[str]:
    """The short summary `tracker run` prints and the scheduler logs."""
    c = summary.crawl
    skipped = f", {len(c.skipped)} skipped" if c.skipped else ""
    lines = [
        f"run {summary.run_id} {summary.outcome}: sources {len(c.ok)} ok, {len(c.failed)} failed{skipped}; "
        f"new releases: {c.new_releases}; new entries: {c.new_entries}; "
        f"new features: {summary.new_features}; new copies: {summary.new_copies}"
    ]
    lines += source_lines(c, verbose=verbose)
    if summary.report_path:
        lines.append(f"report: {summary.report_path}")
    if summary.digest_files:
        lines.append(f"digest: {summary.digest_files.markdown} and {summary.digest_files.html.name}")
    for d in summary.deliveries:
        state = "delivered" if d.ok else f"not delivered ({d.error} after {d.attempts} attempts)"
        lines.append(f"webhook {d.hook}: {state}")
    lines += [f"problem: {p}" for p in summary.problems]
    lines += [f"note: {n}" for n in summary.notes if not n.startswith("webhook ")]
    return [redact_urls(line) for line in lines]


def source_lines(crawl: CrawlSummary, *, verbose: bool = False) -> list[str]:
    """One line per failed source; skipped (offline) sources in one line, or one each with `verbose`."""
    lines = [f"  failed {o.name}: {o.error}" for o in crawl.failed]
    if crawl.skipped:
        count = len(crawl.skipped)
        lines.append(f"{count} source{'s' if count > 1 else ''} skipped: not in the mirror (offline)"
                     + ("" if verbose else "; --verbose or `tracker status` lists them"))
        if verbose:
            lines += [f"  skipped {o.name}: {o.error}" for o in crawl.skipped]
    return lines
