"""`tracker schedule`: run the daily job every day at a set time, under APScheduler 3.

The job lives in the catalog database (APScheduler's own `apscheduler_jobs` table),
so a restarted scheduler keeps its next run time; a run missed while it was down is
made up once at start (coalesced) if it is less than `misfire_grace_seconds` late.
The job runs on the scheduler's own (main) thread, so SIGINT/SIGTERM reach the crawl
directly: the run is recorded as interrupted and the scheduler stops. The run lock,
not the scheduler, keeps two runs from crawling at once; the one turned away skips.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.debug import DebugExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import SQLAlchemyError

from tracker.catalog import db
from tracker.config import Overrides, Settings, load_settings
from tracker.daily import run_daily, summary_lines
from tracker.errors import CatalogError, CatalogLockedError, TrackerError, UsageError

log = logging.getLogger("tracker.schedule")

JOB_ID = "tracker-daily"
JOBS_TABLE = "apscheduler_jobs"
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


# --------------------------------------------------------------------------- the trigger (pure)


def parse_at(value: str) -> tuple[int, int]:
    if not (m := _HHMM.match(value.strip())):
        raise UsageError(f"--at {value!r} is not a time of day; write HH:MM in 24-hour time, e.g. 06:30")
    return int(m[1]), int(m[2])


def parse_timezone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ValueError, LookupError, OSError):  # ZoneInfoNotFoundError is a KeyError
        raise UsageError(
            f"--timezone {value!r} is not a known time zone; use an IANA name such as Europe/Berlin or UTC"
        ) from None


def daily_trigger(at: str, timezone: str) -> CronTrigger:
    hour, minute = parse_at(at)
    return CronTrigger(hour=hour, minute=minute, timezone=parse_timezone(timezone))


def next_fire_times(trigger: CronTrigger, now: dt.datetime, count: int = 3) -> list[dt.datetime]:
    """The next `count` run times after `now` (aware), as the scheduler will compute them."""
    times: list[dt.datetime] = []
    previous: dt.datetime | None = None
    current = now
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, current)
        if fire is None:
            break
        times.append(fire)
        previous, current = fire, fire + dt.timedelta(seconds=1)
    return times


# --------------------------------------------------------------------------- the job


@dataclass(slots=True)
class _Control:
    """What the signal handlers and the job share: this process is stopping."""

    stop_requested: bool = False


_control = _Control()


def job_args(settings: Settings) -> tuple[str | None, str, str | None]:
    """Picklable arguments of `scheduled_run`: absolute paths, read again at every run."""
    config = str(settings.config_path.resolve()) if settings.config_path else None
    mirror = str(settings.mirror.resolve()) if settings.mirror else None
    return config, str(settings.db_path.resolve()), mirror


def scheduled_run(config_path: str | None, db_path: str, mirror: str | None = None) -> str:
    """The scheduled job: reload the settings (config edits apply to the next run), run the daily job.

    Never raises: a run that finds the lock held logs one line and returns "skipped".
    """
    try:
        settings = load_settings(Overrides(config=Path(config_path) if config_path else None, db=Path(db_path),
                                           mirror=Path(mirror) if mirror else None))
        summary = run_daily(settings)
    except CatalogLockedError as error:
        log.warning("skipped: %s", error)
        return "skipped"
    except TrackerError as error:
        log.error("the daily run failed: %s", error)
        return "failed"
    except KeyboardInterrupt:
        log.warning("the daily run was interrupted; it is recorded as interrupted and the next run completes the work")
        return "interrupted"
    for line in summary_lines(summary):
        log.info("%s", line)
    return summary.outcome


# --------------------------------------------------------------------------- the scheduler


def jobstore(db_path: Path) -> SQLAlchemyJobStore:
    """APScheduler's job store, in its own table of the catalog database."""
    return SQLAlchemyJobStore(url=f"sqlite:///{db_path.resolve()}", tablename=JOBS_TABLE,
                              engine_options={"connect_args": {"timeout": 30}})


def build_scheduler(
    settings: Settings, *, timezone: ZoneInfo, scheduler_cls: type[BaseScheduler] = BlockingScheduler
) -> tuple[BaseScheduler, SQLAlchemyJobStore]:
    store = jobstore(settings.db_path)
    scheduler = scheduler_cls(
        timezone=timezone,
        jobstores={"default": store},
        # The job runs on the scheduler's thread: signals reach the crawl, one run at a time.
        executors={"default": DebugExecutor()},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": settings.schedule.misfire_grace_seconds},
    )
    return scheduler, store


def install_job(
    scheduler: BaseScheduler,
    store: SQLAlchemyJobStore,
    trigger: CronTrigger,
    args: tuple[Any, ...],
    *,
    misfire_grace_time: int,
    now: dt.datetime,
    run_now: bool = False,
) -> dt.datetime:
    """Add (or update) the daily job before the scheduler starts; return its next run time.

    A stored job with the same trigger keeps its next run time, so a restart neither
    forgets a run that is due nor moves the schedule.
    """
    store.start(scheduler, "default")  # creates the table; starting the scheduler repeats it harmlessly
    existing: Job | None = store.lookup_job(JOB_ID)
    kept = existing.next_run_time if existing is not None and repr(existing.trigger) == repr(trigger) else None
    next_run = now if run_now else (kept or trigger.get_next_fire_time(None, now))
    scheduler.add_job(
        scheduled_run, trigger, args=args, id=JOB_ID, name="tracker daily run", replace_existing=True,
        coalesce=True, max_instances=1, misfire_grace_time=misfire_grace_time, next_run_time=next_run,
    )
    return next_run


def stored_job(db_path: Path) -> tuple[str, dt.datetime | None] | None:
    """(trigger, next run time) of the persisted job, or None (for `tracker schedule --dry-run`)."""
    if not db_path.exists() or not db.has_table(db_path, JOBS_TABLE):
        return None  # never scheduled; and looking must not create the table
    from apscheduler.schedulers.background import BackgroundScheduler

    probe = BackgroundScheduler()
    store = jobstore(db_path)
    try:
        store.start(probe, "default")
        job = store.lookup_job(JOB_ID)
        return (repr(job.trigger), job.next_run_time) if job else None
    finally:
        store.shutdown()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise KeyboardInterrupt once (a second signal is ignored while stopping)."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        if _control.stop_requested:
            log.warning("already stopping; waiting for the run to record what it saved")
            return
        _control.stop_requested = True
        log.warning("%s received: stopping", signal.Signals(signum).name)
        raise KeyboardInterrupt

    _control.stop_requested = False
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can take signals; an embedding program handles its own
        return
    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


def serve(
    settings: Settings,
    *,
    at: str | None = None,
    timezone: str | None = None,
    run_now: bool = False,
    on_ready: Callable[[dt.datetime], None] = lambda _: None,
    scheduler_cls: type[BaseScheduler] = BlockingScheduler,
) -> None:
    """`tracker schedule`: block, running the daily job on time, until SIGINT or SIGTERM."""
    tz = parse_timezone(timezone or settings.schedule.timezone)
    trigger = daily_trigger(at or settings.schedule.at, tz.key)
    with db.connect(settings.db_path, write=True):
        pass  # the catalog and its schema exist before the job store adds its table
    scheduler, store = build_scheduler(settings, timezone=tz, scheduler_cls=scheduler_cls)

    def stop_after_job(_event: JobEvent) -> None:
        if _control.stop_requested and scheduler.running:
            scheduler.shutdown(wait=False)

    scheduler.add_listener(stop_after_job, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    with stop_on_signals():
        try:
            next_run = install_job(scheduler, store, trigger, job_args(settings),
                                   misfire_grace_time=settings.schedule.misfire_grace_seconds,
                                   now=dt.datetime.now(tz), run_now=run_now)
            on_ready(next_run)
            scheduler.start()
        except KeyboardInterrupt:
            pass
        except SQLAlchemyError as error:
            raise CatalogError(db.describe_db_error(settings.db_path, error)) from None
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            store.shutdown()
