"""One way to run: the lock, the catalog, the run record, interruption and the outcome live here
once, around an ordered list of steps (the model is Scrapy's item-pipeline manager).

`tracker crawl` runs `[crawl]`; `tracker run` and the scheduler run `[crawl, match, report,
digest, webhooks]` (see `daily.py`). A *required* step's failure ends the run as an error;
a *guarded* step's failure becomes one sentence in the run's message and makes it
`partial`, never losing what earlier steps committed. Ctrl-C or SIGTERM record the run as
`interrupted`; per-source transactions keep the catalog consistent, so the next run simply
completes the work. Outcomes and their exit codes are listed in `tracker.outcome`.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tracker.catalog import db, runs
from tracker.config import Settings
from tracker.crawl import CrawlSummary
from tracker.errors import TrackerError
from tracker.lock import run_lock
from tracker.redact import redact_urls
from tracker.outcome import EXIT_CODES, EXIT_ERROR, FAILED, INTERRUPTED, OK, PARTIAL

if TYPE_CHECKING:
    from tracker.digest import Digest, DigestFiles
    from tracker.pipeline import MatchSummary
    from tracker.report import ReportResult
    from tracker.webhooks import Delivery

log = logging.getLogger("tracker.runner")

Clock = Callable[[], dt.datetime]



def utc_now() -> dt.datetime:
    """Naive UTC timestamps throughout the catalog (SQLite has no time zones)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


@dataclass(slots=True)
class RunSummary:
    """What a run did: filled in by its steps, read by the CLI, the scheduler and the run record."""

    run_id: int
    command: str
    started: dt.datetime
    outcome: str = "running"
    crawl: CrawlSummary = field(default_factory=lambda: CrawlSummary(0))
    match: MatchSummary | None = None
    report: ReportResult | None = None
    digest: Digest | None = None
    digest_files: DigestFiles | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    headline: str = ""  # JSON of the run's headline figures (stored, for the next digest)
    problems: list[str] = field(default_factory=list)  # guarded steps that failed; one sentence each
    notes: list[str] = field(default_factory=list)  # worth saying, not failures

    @property
    def exit_code(self) -> int:
        return EXIT_CODES.get(self.outcome, EXIT_ERROR)

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
        return str(self.report.index) if self.report is not None else ""

    def totals(self) -> runs.RunTotals:
        c = self.crawl
        return runs.RunTotals(len(c.ok), len(c.failed), c.new_releases, c.new_entries, self.new_features,
                              self.new_copies, sources_skipped=len(c.skipped))


@dataclass(slots=True)
class RunContext:
    """What every step is handed: the open catalog, the settings, the clock and the summary so far."""

    conn: sqlite3.Connection
    settings: Settings
    now: Clock
    summary: RunSummary


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    action: Callable[[RunContext], None]
    guarded: bool = True  # False: a failure ends the run (the crawl); True: one sentence, run goes on


def outcome_of(crawl: CrawlSummary, problems: Sequence[str] = ()) -> str:
    """The one outcome formula: skipped sources are neither ok nor failed."""
    if crawl.failed and not crawl.ok:
        return FAILED
    if crawl.failed or problems:
        return PARTIAL
    return OK


def _guarded(ctx: RunContext, step: Step) -> None:
    try:
        step.action(ctx)
    except TrackerError as error:
        ctx.summary.problems.append(f"{step.name} failed: {error}")
    except Exception as error:  # noqa: BLE001 - a broken step must not lose what the crawl saved
        ctx.summary.problems.append(f"{step.name} failed with an internal error ({type(error).__name__}: {error}); "
                                    "please report it with this message")
    else:
        return
    log.warning("%s", ctx.summary.problems[-1])


def execute(settings: Settings, command: str, steps: Sequence[Step], *, now: Clock = utc_now) -> RunSummary:
    """Run `steps` in order under the catalog's lock, recorded as one run; raises CatalogLockedError
    at once when another writer holds the lock, and re-raises KeyboardInterrupt after recording it."""
    db.check_path(settings.db_path)  # before the lock file is made next to it
    with run_lock(settings.db_path, command), db.connect(settings.db_path, write=True) as conn:
        started = now()
        run_id = runs.start_run(conn, command, started)
        summary = RunSummary(run_id, command, started, crawl=CrawlSummary(run_id))
        ctx = RunContext(conn, settings, now, summary)
        try:
            for step in steps:
                if step.guarded:
                    _guarded(ctx, step)
                else:
                    step.action(ctx)
        except KeyboardInterrupt:
            summary.outcome = INTERRUPTED
            totals = runs.saved_totals(conn, run_id) if not summary.crawl.outcomes else summary.totals()
            runs.finish_run(conn, run_id, now=now(), outcome=INTERRUPTED, totals=totals,
                            message="interrupted; the next run completes the work")
            raise
        except Exception as error:
            summary.outcome = FAILED
            with suppress(sqlite3.Error, TrackerError):  # a full disk may refuse this too; the error says why
                runs.finish_run(conn, run_id, now=now(), outcome=FAILED, totals=runs.saved_totals(conn, run_id),
                                message=str(error))
            raise
        summary.outcome = outcome_of(summary.crawl, summary.problems)
        runs.finish_run(conn, run_id, now=now(), outcome=summary.outcome, totals=summary.totals(),
                        report_path=summary.report_path,
                        message=redact_urls("; ".join(summary.problems + summary.notes)),
                        headline=summary.headline)
        return summary
