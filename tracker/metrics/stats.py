"""The headline statistics of `tracker stats` and the report's overview, in one value.

Every figure is a Kaplan–Meier estimate from `metrics.survival`, computed over the features
of one catalog as of one day (`as_of`); `as_json` is the stable shape `tracker stats --format
json` prints (described in the README).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker.metrics import survival
from tracker.metrics.survival import Estimate
from tracker.metrics.timeline import Timeline


@dataclass(frozen=True, slots=True)
class Stats:
    as_of: dt.date
    k: int
    features: int
    first_copy: Estimate
    commodity: Estimate
    incumbent: Estimate  # startup-first features: until the first incumbent
    adoption: Estimate  # native launch until the first integrator
    by_cohort: dict[str, Estimate]  # year the first mover shipped
    by_category: dict[str, Estimate]
    uncertain_first: int  # features in the first-copy estimate whose first mover is only the earliest observed
    certain_only: Estimate  # the same estimate over features whose first mover is certain (a robustness check)

    @property
    def still_exclusive(self) -> int:
        return self.first_copy.censored

    def as_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "features": self.features,
            "time_to_first_copy": {**self.first_copy.as_json(), "first_mover_uncertain": self.uncertain_first},
            "time_to_first_copy_certain_first_mover": self.certain_only.as_json(),
            "time_to_commodity": {**self.commodity.as_json(), "k": self.k},
            "time_to_first_incumbent": self.incumbent.as_json(),
            "adoption_lag": self.adoption.as_json(),
            "by_cohort": {year: e.as_json() for year, e in self.by_cohort.items()},
            "by_category": {name: e.as_json() for name, e in self.by_category.items()},
        }


@dataclass(frozen=True, slots=True)
class StatsSamples:
    """Every sample the headline statistics estimate, before any fit."""

    first_copy: survival.Sample
    commodity: survival.Sample
    incumbent: survival.Sample
    adoption: survival.Sample
    certain_only: survival.Sample
    by_cohort: dict[str, survival.Sample]
    by_category: dict[str, survival.Sample]

    def all(self) -> list[survival.Sample]:
        return [self.first_copy, self.commodity, self.incumbent, self.adoption, self.certain_only,
                *self.by_cohort.values(), *self.by_category.values()]


def stats_samples(timelines: Sequence[Timeline], *, as_of: dt.date, k: int) -> StatsSamples:
    return StatsSamples(
        first_copy=survival.first_copy_sample(timelines, as_of),
        commodity=survival.commodity_sample(timelines, as_of, k),
        incumbent=survival.incumbent_sample(timelines, as_of),
        adoption=survival.adoption_sample(timelines, as_of),
        certain_only=survival.first_copy_sample([t for t in timelines if t.first_mover_certain], as_of),
        by_cohort=survival.cohort_samples(timelines, as_of),
        by_category=survival.category_samples(timelines, as_of),
    )


def compute_stats(
    timelines: Sequence[Timeline], *, as_of: dt.date, k: int, samples: StatsSamples | None = None
) -> Stats:
    """The headline statistics; `samples` when the caller has made them already (`stats_samples`)."""
    s = samples or stats_samples(timelines, as_of=as_of, k=k)
    in_sample = {o.key for o in s.first_copy.observations}
    return Stats(
        as_of=as_of, k=k, features=len(timelines),
        first_copy=survival.kaplan_meier(s.first_copy),
        commodity=survival.kaplan_meier(s.commodity),
        incumbent=survival.kaplan_meier(s.incumbent),
        adoption=survival.kaplan_meier(s.adoption),
        by_cohort=survival.by_group(s.by_cohort),
        by_category=survival.by_group(s.by_category),
        uncertain_first=sum(1 for t in timelines if t.key in in_sample and not t.first_mover_certain),
        certain_only=survival.kaplan_meier(s.certain_only),
    )


def _days(value: float | None) -> str:
    return "not reached" if value is None else f"{value:,.0f} days"


def interval(e: Estimate) -> str:
    lo, hi = e.ci95
    if lo is None:
        return "95% CI unknown"
    return f"95% CI {lo:,.0f}–{hi:,.0f} days" if hi is not None else f"95% CI {lo:,.0f} days to not yet reached"


def headline_sentence(s: Stats) -> str:
    """The honest answer in one sentence: median time to first copy, its interval, n, leads still exclusive."""
    e = s.first_copy
    if e.n == 0:
        return "No feature has a dated first mover yet, so no lead can be measured."
    exclusive = f"{e.censored:,} of them {'is' if e.censored == 1 else 'are'} still exclusive"
    if e.median_days is None:
        return (f"More than half of {e.n:,} measurable leads have not been copied yet ({interval(e)}); "
                f"{e.events:,} were copied and {exclusive}.")
    return (f"Half of the leads are copied within {_days(e.median_days)} ({interval(e)}; Kaplan–Meier over "
            f"{e.n:,} features with a dated first mover); {exclusive}.")
