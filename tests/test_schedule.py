"""The schedule: trigger times for a given "now", the job persisted in the catalog, the lock skip.

No test waits for real time: next fire times are computed from a fixed "now", and
schedulers are started paused, only to move the job into the job store.
"""

from __future__ import annotations

import datetime as dt
import logging
import pickle
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.base import BaseScheduler

from dailykit import cli, daily_settings, rows, write_config
from tracker.catalog import db
from tracker import schedule
from tracker.config import Overrides, load_settings
from tracker.errors import UsageError
from tracker.lock import run_lock

BERLIN = ZoneInfo("Europe/Berlin")


def test_the_daily_trigger_fires_at_the_local_time_across_a_dst_change() -> None:
    trigger = schedule.daily_trigger("06:30", "Europe/Berlin")
    before = dt.datetime(2026, 3, 28, 5, 0, tzinfo=BERLIN)
    after = dt.datetime(2026, 3, 28, 7, 0, tzinfo=BERLIN)
    assert schedule.next_fire_times(trigger, before, 1) == [dt.datetime(2026, 3, 28, 6, 30, tzinfo=BERLIN)]
    fires = schedule.next_fire_times(trigger, after, 2)
    assert [f.isoformat() for f in fires] == ["2026-03-29T06:30:00+02:00", "2026-03-30T06:30:00+02:00"]
    assert fires[0].astimezone(dt.UTC).hour == 4  # summer time began that night


@pytest.mark.parametrize("value", ["25:00", "6", "06:60", "noon", ""])
def test_a_bad_time_is_one_clear_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match="is not a time of day; write HH:MM"):
        schedule.parse_at(value)


@pytest.mark.parametrize("value", ["Mars/Olympus", "../etc/passwd", "Europe/"])
def test_an_unknown_time_zone_is_one_clear_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match="is not a known time zone; use an IANA name"):
        schedule.parse_timezone(value)


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--at", "25:00"], "--at '25:00' is not a time of day"),
     (["--timezone", "Mars/Olympus"], "--timezone 'Mars/Olympus' is not a known time zone")],
)
def test_schedule_rejects_bad_flags_in_one_line(tmp_path: Path, capsys, args: list[str], needle: str) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path)
    code, out, err = cli(capsys, "--config", str(config), "schedule", *args)
    assert code == 2 and needle in err and err.count("\n") == 1 and "Traceback" not in out + err


def test_schedule_dry_run_shows_the_next_runs_and_the_stored_job(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    config = write_config(tmp_path)
    code, out, _ = cli(capsys, "--config", str(config), "schedule", "--dry-run", "--at", "07:15",
                       "--timezone", "Asia/Tokyo")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3 and all(line.endswith("07:15 JST") for line in lines)
    settings = load_settings(Overrides(config=config), env={})
    start(settings, "07:15", dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC))
    code, out, _ = cli(capsys, "--config", str(config), "schedule", "--dry-run")
    assert "stored job: <CronTrigger (hour='7', minute='15', timezone='UTC')>, next run 2026-11-29 07:15 UTC" in out


class StillScheduler(BaseScheduler):
    """A scheduler with no loop: starting it only moves pending jobs into the store.

    A started BackgroundScheduler's thread processes due jobs against the real clock
    when it is shut down (APScheduler 3 only skips processing while *paused*), which
    would move a stored next run time computed from the test's fixed "now".
    """

    def wakeup(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)


def start(settings, at: str, now: dt.datetime, *, run_now: bool = False) -> dt.datetime:  # type: ignore[no-untyped-def]
    """What `tracker schedule` does at start, with a loop-less scheduler: the job lands in the store."""
    scheduler, store = schedule.build_scheduler(settings, timezone=ZoneInfo("UTC"), scheduler_cls=StillScheduler)
    next_run = schedule.install_job(scheduler, store, schedule.daily_trigger(at, "UTC"), schedule.job_args(settings),
                                    misfire_grace_time=settings.schedule.misfire_grace_seconds, now=now,
                                    run_now=run_now)
    scheduler.start(paused=True)
    job = scheduler.get_job(schedule.JOB_ID)
    assert job is not None and job.next_run_time == next_run
    scheduler.shutdown(wait=False)
    return next_run


def test_the_job_and_its_next_run_survive_a_restart(tmp_path: Path) -> None:
    settings = daily_settings(tmp_path)
    first = start(settings, "06:00", dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC))
    assert first == dt.datetime(2026, 11, 29, 6, 0, tzinfo=dt.UTC)
    assert rows(settings.db_path, "SELECT id FROM apscheduler_jobs") == [("tracker-daily",)]

    # Down over the fire time, back a little later: the missed run is still due (made up at start).
    again = start(settings, "06:00", dt.datetime(2026, 11, 29, 6, 20, tzinfo=dt.UTC))
    assert again == first
    trigger_text, next_run = schedule.stored_job(settings.db_path) or ("", None)
    assert next_run == first and "hour='6', minute='0'" in trigger_text

    scheduler, store = schedule.build_scheduler(settings, timezone=ZoneInfo("UTC"), scheduler_cls=StillScheduler)
    store.start(scheduler, "default")
    job = store.lookup_job(schedule.JOB_ID)
    assert job.func is schedule.scheduled_run and job.args == schedule.job_args(settings)
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
    store.shutdown()


def test_a_new_time_replaces_the_stored_schedule(tmp_path: Path) -> None:
    settings = daily_settings(tmp_path)
    start(settings, "06:00", dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC))
    moved = start(settings, "21:45", dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC))
    assert moved == dt.datetime(2026, 11, 28, 21, 45, tzinfo=dt.UTC)
    now = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    assert start(settings, "21:45", now, run_now=True) == now
    assert rows(settings.db_path, "SELECT COUNT(*) FROM apscheduler_jobs") == [(1,)]


def test_the_job_arguments_are_plain_picklable_paths(tmp_path: Path) -> None:
    settings = load_settings(Overrides(config=write_config(tmp_path)), env={})
    args = schedule.job_args(settings)
    assert args == (str(tmp_path / "config.toml"), str(tmp_path / "catalog.db"), str(tmp_path / "mirror"))
    assert pickle.loads(pickle.dumps(args)) == args


def test_a_scheduled_run_that_finds_the_lock_held_skips_in_one_line(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(Overrides(config=write_config(tmp_path)), env={})
    caplog.set_level(logging.INFO, logger="tracker")
    with run_lock(settings.db_path, "run"):
        assert schedule.scheduled_run(*schedule.job_args(settings)) == "skipped"
    (record,) = [r for r in caplog.records if r.name == "tracker.schedule"]
    assert record.getMessage().startswith("skipped: another run is already writing")
    assert not settings.db_path.exists()


def test_a_scheduled_run_with_a_broken_config_logs_and_returns(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "config.toml"
    config.write_text("[tracker\n", encoding="utf-8")
    assert schedule.scheduled_run(str(config), str(tmp_path / "catalog.db")) == "failed"
    assert "TOML syntax error" in caplog.text


def test_looking_at_an_unscheduled_catalog_creates_nothing(tmp_path: Path) -> None:
    settings = daily_settings(tmp_path)
    with db.connect(settings.db_path, write=True):
        pass
    assert schedule.stored_job(settings.db_path) is None
    assert rows(settings.db_path, "SELECT name FROM sqlite_master WHERE name = 'apscheduler_jobs'") == []
