"""Kaplan–Meier estimates on hand-written timelines, checked against hand computations."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from test_metrics_status import D, row, windows

from tracker.metrics import build_timelines, survival
from tracker.metrics.stats import compute_stats, headline_sentence
from tracker.metrics.survival import (
    NOT_DATED,
    UNKNOWN,
    Observation,
    Sample,
    adoption_sample,
    clear_fits,
    commodity_sample,
    first_copy_sample,
    incumbent_sample,
    kaplan_meier,
)
from tracker.model import SUPPORT, FeatureDef

AS_OF = D("2024-05-01")
WATCHED = windows(Acme="2020-01-01", Bolt="2020-01-01", Cobalt="2020-01-01", Echo="2020-01-01",
                  Dune="2024-03-01")


def timelines(*rows):  # type: ignore[no-untyped-def]
    keys = sorted({r.feature_key for r in rows})
    return build_timelines([FeatureDef(k, k, "", "cat-" + k[0], "taxonomy") for k in keys], rows, windows=WATCHED)


def five_features():  # type: ignore[no-untyped-def]
    return timelines(
        row("Acme", "2024-01-01", feature="a"), row("Bolt", "2024-01-11", feature="a"),  # copied after 10 days
        row("Acme", "2024-01-01", feature="b"), row("Bolt", "2024-01-21", feature="b"),  # 20
        row("Acme", "2024-01-01", feature="c"),  # alone: censored at as_of, 121 days
        row("Acme", "2024-01-01", feature="d"), row("Cobalt", "2024-02-10", feature="d"),  # 40
        row("Acme", "2024-04-01", feature="e"),  # alone: censored at 30 days
        row("Acme", "2024-01-01", feature="f"), row("Dune", "2024-03-05", feature="f"),  # Dune watched only since March
        row("Echo", "2024-04-20", feature="g", estimated=True),  # no dated first mover
    )


def test_time_to_first_copy_events_censoring_at_as_of_and_what_is_left_out() -> None:
    sample = first_copy_sample(five_features(), AS_OF)
    assert sorted((o.key, o.days, o.event) for o in sample.observations) == [
        ("a", 10, True), ("b", 20, True), ("c", 121, False), ("d", 40, True), ("e", 30, False)]
    assert dict(sample.left_out) == {"f": UNKNOWN, "g": NOT_DATED}


def test_the_kaplan_meier_median_and_shares_match_a_hand_computation() -> None:
    # S(10) = 4/5 = .8; S(20) = .8·3/4 = .6; 30 censored; S(40) = .6·1/2 = .3; 121 censored.
    e = kaplan_meier(first_copy_sample(five_features(), AS_OF))
    assert (e.n, e.events, e.censored) == (5, 3, 2)
    assert e.median_days == 40  # the first day the share still exclusive is at or below one half
    assert e.share_within == {30: 0.4, 90: 0.7, 365: None}  # nothing was followed for a year
    assert [(t, round(s, 6)) for t, s in e.curve] == [(0.0, 1.0), (10.0, 0.8), (20.0, 0.6), (30.0, 0.6),
                                                      (40.0, 0.3), (121.0, 0.3)]
    assert [(t, round(s, 6)) for t, s in e.censor_marks] == [(30.0, 0.6), (121.0, 0.3)]
    lo, hi = e.ci95
    assert lo is not None and lo <= 40 and (hi is None or hi >= 40)
    assert e.left_out == {NOT_DATED: 1, UNKNOWN: 1}


def test_no_median_while_more_than_half_are_still_exclusive() -> None:
    e = kaplan_meier(Sample((Observation("a", 5, True), Observation("b", 50, False), Observation("c", 60, False))))
    assert e.median_days is None and e.ci95[1] is None and e.share_within[30] == round(1 / 3, 6)
    assert kaplan_meier(Sample(())).n == 0


def test_the_same_times_are_fitted_once_whatever_their_features_and_order() -> None:
    clear_fits()
    first = kaplan_meier(Sample((Observation("a", 5, True), Observation("b", 50, False)), (("c", UNKNOWN),)))
    key = survival.fit_key(Sample((Observation("y", 50, False), Observation("x", 5, True))))
    assert survival.known(key) and len(survival._FITS) == 1
    again = kaplan_meier(Sample((Observation("y", 50, False), Observation("x", 5, True))))
    assert len(survival._FITS) == 1
    assert (again.median_days, again.curve, again.share_within) == (first.median_days, first.curve, first.share_within)
    assert first.left_out == {UNKNOWN: 1} and again.left_out == {}
    assert again.share_within is not first.share_within  # each estimate owns its dicts
    clear_fits()
    assert not survival.known(key)


def test_a_curve_that_reaches_zero_is_known_after_its_last_day() -> None:
    e = kaplan_meier(Sample((Observation("a", 5, True), Observation("b", 59, True))))
    assert e.share_within == {30: 0.5, 90: 1.0, 365: 1.0} and e.median_days == 5


def _hand_median(obs: list[tuple[int, bool]]) -> float | None:
    """The product-limit estimator written out: S drops by d/n at each event time."""
    s = 1.0
    for day in sorted({d for d, _ in obs}):
        at_risk = sum(1 for d, _ in obs if d >= day)
        died = sum(1 for d, e in obs if d == day and e)
        s *= 1 - died / at_risk
        if s <= 0.5 + 1e-12:  # exactly one half counts (two of four leads copied)
            return float(day)
    return None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.booleans()), min_size=1, max_size=40))
def test_the_median_agrees_with_the_product_limit_estimator_written_out(obs: list[tuple[int, bool]]) -> None:
    e = kaplan_meier(Sample(tuple(Observation(str(i), d, ev) for i, (d, ev) in enumerate(obs))))
    assert e.median_days == _hand_median(obs)
    assert (e.n, e.events) == (len(obs), sum(1 for _, ev in obs if ev))


def test_commodity_incumbent_and_adoption_samples() -> None:
    ts = timelines(
        row("Acme", "2024-01-01", feature="a"), row("Bolt", "2024-01-11", feature="a"),
        row("Cobalt", "2024-02-01", feature="a"),
        row("Echo", "2024-03-01", feature="a", role=SUPPORT),
        row("Acme", "2024-01-01", feature="b"), row("Cobalt", "2024-01-21", feature="b"),
    )
    assert {o.key: (o.days, o.event) for o in commodity_sample(ts, AS_OF, 3).observations} == {
        "a": (31, True), "b": (121, False)}
    assert {o.key: (o.days, o.event) for o in incumbent_sample(ts, AS_OF).observations} == {
        "a": (10, True), "b": (121, False)}  # Acme is a startup; Bolt an incumbent; Cobalt a vendor
    assert {o.key: (o.days, o.event) for o in adoption_sample(ts, AS_OF).observations} == {
        "a": (60, True), "b": (121, False)}


def test_stats_json_and_the_headline_sentence() -> None:
    s = compute_stats(five_features(), as_of=AS_OF, k=3)
    data = s.as_json()
    assert data["as_of"] == "2024-05-01" and data["features"] == 7
    first = data["time_to_first_copy"]
    assert (first["median_days"], first["n"], first["copied"], first["censored"]) == (40, 5, 3, 2)
    assert first["share_within"] == {"30": 0.4, "90": 0.7, "365": None}
    assert set(data["by_cohort"]) == {"2024"} and data["by_cohort"]["2024"]["n"] == 5
    assert data["by_category"]["cat-a"]["n"] == 1 and data["time_to_commodity"]["k"] == 3
    sentence = headline_sentence(s)
    assert "40 days" in sentence and "5 features" in sentence and "2 of them are still exclusive" in sentence
    assert dt.date(2024, 5, 1) == s.as_of
