"""An interrupted daily run, then a clean one: nothing duplicated, nothing missing.

Compared with a catalog that never saw an interruption. Interruptions come the way
they do in life: Ctrl-C between two sources, Ctrl-C in the middle of a fetch, and
SIGTERM to a scheduler whose job is crawling.
"""

from __future__ import annotations

import datetime as dt
import faulthandler
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from apscheduler.schedulers.blocking import BlockingScheduler

from conftest import fixed_clock
from dailykit import DAY1, DAY2, daily_settings, fake_report, make_mirror, rows, snapshot, write_config
from tracker.catalog import db
from tracker import daily, schedule
from tracker.config import Overrides, Settings, load_settings
from tracker.crawl import SourceOutcome


@pytest.fixture
def watchdog() -> Iterator[None]:
    """A scheduler that never returns must fail the test run, not hang it."""
    faulthandler.dump_traceback_later(30, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def uninterrupted(tmp_path: Path, *, times: bool = True) -> dict[str, list[tuple[Any, ...]]]:
    settings = daily_settings(tmp_path / "clean", mirror=make_mirror(tmp_path / "clean-mirror"))
    (tmp_path / "clean").mkdir()
    daily.run_daily(settings, now=fixed_clock(DAY1), report=fake_report)
    return snapshot(settings.db_path, times=times)


def interrupt_after_first_source() -> Callable[[SourceOutcome], None]:
    def on_source(_outcome: SourceOutcome) -> None:
        raise KeyboardInterrupt

    return on_source


class InterruptingMirror(httpx.MockTransport):
    """Serves the mirror folder, and raises KeyboardInterrupt on request number `at` (mid-fetch)."""

    def __init__(self, root: Path, at: int) -> None:
        self.root, self.at, self.count = root, at, 0
        super().__init__(self.answer)

    def answer(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.count == self.at:
            raise KeyboardInterrupt
        path = self.root / request.url.host / request.url.path.lstrip("/")
        return httpx.Response(200, text=path.read_text(encoding="utf-8")) if path.is_file() else httpx.Response(404)


@pytest.mark.parametrize("how", ["between sources", "mid-fetch"])
def test_an_interrupted_run_then_a_clean_one_equals_an_uninterrupted_run(tmp_path: Path, how: str) -> None:
    expected = uninterrupted(tmp_path)
    mirror = make_mirror(tmp_path / "mirror")
    if how == "between sources":
        settings = daily_settings(tmp_path, mirror=mirror)
        kwargs: dict[str, Any] = {"on_source": interrupt_after_first_source()}
    else:
        settings = daily_settings(tmp_path, fetch={"per_host": 1, "max_connections": 1})
        kwargs = {"transport": InterruptingMirror(mirror, at=2)}

    with pytest.raises(KeyboardInterrupt):
        daily.run_daily(settings, now=fixed_clock(DAY1), report=fake_report, **kwargs)
    (first,) = rows(settings.db_path, "SELECT outcome, message, finished_at FROM run")
    assert first[0] == "interrupted" and "next run completes the work" in first[1] and first[2]
    saved = rows(settings.db_path, "SELECT COUNT(*) FROM entry")[0][0]
    assert saved < len(expected["entry"])
    if how == "between sources":  # exactly one source committed, and the run says so
        assert rows(settings.db_path, "SELECT sources_ok, new_entries FROM run")[0] == (1, saved)

    settings = daily_settings(tmp_path, mirror=mirror)
    clean = daily.run_daily(settings, now=fixed_clock(DAY1), report=fake_report)
    assert clean.outcome == "ok"
    assert snapshot(settings.db_path) == expected
    assert rows(settings.db_path, "SELECT outcome FROM run ORDER BY id") == [("interrupted",), ("ok",)]


def test_a_process_killed_mid_run_is_marked_interrupted_by_the_next_run(tmp_path: Path) -> None:
    settings = daily_settings(tmp_path, mirror=make_mirror(tmp_path / "mirror"))
    daily.run_daily(settings, now=fixed_clock(DAY1), report=fake_report)
    with db.connect(settings.db_path, write=True) as conn, conn:  # what kill -9 leaves behind
        conn.execute("INSERT INTO run(command, started_at, outcome, sources_ok, sources_failed, new_releases, "
                     "new_entries, new_features, new_copies, report_path, message) "
                     "VALUES ('run', '2026-11-28 07:00:00', 'running', 0, 0, 0, 0, 0, 0, '', '')")
    daily.run_daily(settings, now=fixed_clock(DAY2), report=fake_report)
    assert rows(settings.db_path, "SELECT outcome FROM run ORDER BY id") == [
        ("ok",), ("interrupted",), ("ok",),
    ]


def test_sigterm_to_a_scheduler_mid_crawl_records_the_run_as_interrupted_and_stops_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, watchdog: None, frozen_now: dt.datetime
) -> None:
    settings = load_settings(Overrides(config=write_config(tmp_path)), env={})
    real_run_daily = daily.run_daily

    def run_and_get_killed(s: Settings, **kw: Any) -> daily.DailySummary:
        return real_run_daily(s, report=fake_report, on_source=lambda _: os.kill(os.getpid(), signal.SIGTERM), **kw)

    monkeypatch.setattr(schedule, "run_daily", run_and_get_killed)
    previous = signal.getsignal(signal.SIGTERM)
    schedule.serve(settings, run_now=True)  # returns only because the signal stopped it

    assert signal.getsignal(signal.SIGTERM) is previous
    (run,) = rows(settings.db_path, "SELECT command, outcome, sources_ok FROM run")
    assert run == ("run", "interrupted", 1)
    stored = schedule.stored_job(settings.db_path)
    assert stored is not None and stored[1] is not None
    assert stored[1] > frozen_now  # the schedule goes on: next run tomorrow at 06:00

    monkeypatch.setattr(schedule, "run_daily", lambda s, **kw: real_run_daily(s, report=fake_report, **kw))
    assert schedule.scheduled_run(*schedule.job_args(settings)) == "ok"  # the next run completes the work
    assert snapshot(settings.db_path, times=False) == uninterrupted(tmp_path, times=False)


def test_sigterm_while_the_scheduler_waits_stops_it_at_once(tmp_path: Path, watchdog: None) -> None:
    class TermWhenWaiting(BlockingScheduler):
        def _main_loop(self) -> None:
            os.kill(os.getpid(), signal.SIGTERM)
            super()._main_loop()

    settings = load_settings(Overrides(config=write_config(tmp_path)), env={})
    schedule.serve(settings, at="05:30", scheduler_cls=TermWhenWaiting)
    stored = schedule.stored_job(settings.db_path)
    assert stored is not None and "hour='5', minute='30'" in stored[0]
    assert rows(settings.db_path, "SELECT COUNT(*) FROM run")[0][0] == 0
