"""Kaplan–Meier fits made in a forked child while a report renders: same estimates, or none at all."""

from __future__ import annotations

import threading

import pytest

from tracker.metrics import background, survival
from tracker.metrics.survival import Observation, Sample, clear_fits, kaplan_meier

SAMPLES = [
    Sample((Observation("a", 10, True), Observation("b", 20, True), Observation("c", 30, False))),
    Sample((Observation("d", 5, True), Observation("e", 90, False), Observation("f", 200, True))),
]


def test_the_child_fits_exactly_what_this_process_would() -> None:
    clear_fits()
    here = [kaplan_meier(s) for s in SAMPLES]
    clear_fits()
    fits = background.fit_in_background(SAMPLES)
    assert fits.started
    assert fits.collect() == len(SAMPLES)
    assert all(survival.known(survival.fit_key(s)) for s in SAMPLES)
    assert [kaplan_meier(s) for s in SAMPLES] == here  # taken from the cache the child filled
    clear_fits()


def test_nothing_is_forked_for_what_is_known_or_while_other_threads_run() -> None:
    clear_fits()
    for s in SAMPLES:
        kaplan_meier(s)
    assert not background.fit_in_background(SAMPLES).started  # all known already
    clear_fits()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not background.fit_in_background(SAMPLES).started  # forking a threaded process can deadlock
    finally:
        stop.set()
        other.join()
    assert kaplan_meier(SAMPLES[0]).n == 3  # fitted here instead


def test_a_child_started_before_the_samples_exist_fits_what_it_is_handed_later() -> None:
    clear_fits()
    fits = background.BackgroundFits.start()  # as a report does, before it reads the catalog
    assert fits.started
    fits.submit(SAMPLES)
    assert fits.collect() == len(SAMPLES) and all(survival.known(survival.fit_key(s)) for s in SAMPLES)
    idle = background.BackgroundFits.start()  # a report of an empty catalog hands it nothing
    assert idle.collect(timeout=5) == 0 and not idle.started  # and the child is gone
    clear_fits()


def test_a_child_that_fails_leaves_the_fits_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_fits()

    def broken(key: survival.FitKey) -> survival.Estimate:
        raise RuntimeError("lifelines is broken in the child")

    monkeypatch.setattr(survival, "fitted", broken)  # the forked child inherits the broken fitter
    fits = background.fit_in_background(SAMPLES)
    monkeypatch.undo()
    assert fits.started and fits.collect() == 0
    assert not any(survival.known(survival.fit_key(s)) for s in SAMPLES)
    assert kaplan_meier(SAMPLES[1]).events == 2
    clear_fits()
