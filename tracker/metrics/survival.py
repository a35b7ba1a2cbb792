"""How long leads last, the standard way: Kaplan–Meier estimates over features, counting the
ones nobody has copied yet (right censoring) instead of ignoring them.

Each feature whose first mover's arrival is dated gives one observation, in days from that
date: an **event** when the k-th competitor of the same role shipped it with a counted lag
(``copied``), else **censored** at ``as_of`` while no other competitor of that role has it.
A feature that another competitor has, but whose arrival cannot be dated (its tracking began
after the first mover shipped, or it is undated or unannounced), is *left out*: the copy
happened, but when is unknown. The estimator is lifelines' `KaplanMeierFitter`, imported only
when a fit is asked for (importing it costs about a second).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tracker.metrics import rules
from tracker.metrics.timeline import COPIED, FIRST, SAME_COMPANY, Presence, Timeline

SHARE_DAYS = (30, 90, 365)
HALF_TOLERANCE = 1e-9
NOT_DATED = "first mover undated"
UNKNOWN = "copied at an unknown time"
AFTER_AS_OF = "first shipped after as_of"


@dataclass(frozen=True, slots=True)
class Observation:
    """One feature's time: `days` from its first mover's date to the event, or to `as_of` when censored."""

    key: str
    days: int
    event: bool


@dataclass(frozen=True, slots=True)
class Sample:
    observations: tuple[Observation, ...]
    left_out: tuple[tuple[str, str], ...] = ()  # (feature key, reason)

    def left_out_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(reason for _, reason in self.left_out).items()))


def _kth_event(
    t: Timeline, as_of: dt.date, needed: int, counts: Callable[[Presence], bool],
    candidates: Iterable[Presence] | None = None,
) -> Observation | str:
    """The observation of "the `needed`-th qualifying competitor shipped it", or why there is none."""
    if not rules.measurable(t):
        return NOT_DATED
    age = (as_of - t.first.first_seen).days
    if age < 0:
        return AFTER_AS_OF
    if needed <= 0:
        return Observation(t.key, 0, True)
    pool = [p for p in (t.competitors[1:] if candidates is None else candidates) if counts(p)]
    lags = sorted(p.lag_days for p in pool if p.status == COPIED and p.lag_days <= age)
    if len(lags) >= needed:
        return Observation(t.key, lags[needed - 1], True)
    undatable = [p for p in pool if p.status != COPIED]
    if len(lags) + len(undatable) >= needed:
        return UNKNOWN
    return Observation(t.key, age, False)


def _sample(timelines: Iterable[Timeline], observe: Callable[[Timeline], Observation | str | None]) -> Sample:
    observations, left_out = [], []
    for t in timelines:
        result = observe(t)
        if result is None:
            continue
        if isinstance(result, Observation):
            observations.append(result)
        else:
            left_out.append((t.key, result))
    return Sample(tuple(observations), tuple(left_out))


def first_copy_sample(timelines: Iterable[Timeline], as_of: dt.date) -> Sample:
    """Time to first copy: until the first competitor of the same role shipped it."""
    return _sample(timelines, lambda t: _kth_event(t, as_of, 1, lambda p: True))


def commodity_sample(timelines: Iterable[Timeline], as_of: dt.date, k: int) -> Sample:
    """Time to commodity: until k competitors (the first mover included) had it."""
    return _sample(timelines, lambda t: _kth_event(t, as_of, k - 1, lambda p: True))


def incumbent_sample(timelines: Iterable[Timeline], as_of: dt.date) -> Sample:
    """Startup-first features only: until the first incumbent shipped it."""
    return _sample(timelines, lambda t: _kth_event(t, as_of, 1, lambda p: p.kind == "incumbent")
                   if t.first.kind == "startup" else None)


def adoption_sample(timelines: Iterable[Timeline], as_of: dt.date) -> Sample:
    """Adoption lag: from a native launch until the first integrator (support role) shipped support for it."""

    def observe(t: Timeline) -> Observation | str | None:
        if t.role != "native" or not rules.measurable(t):
            return None if t.role != "native" else NOT_DATED
        age = (as_of - t.first.first_seen).days
        if age < 0:
            return AFTER_AS_OF
        integrators = [p for p in t.parties if p.role == "support" and p.status != SAME_COMPANY]
        days = sorted(p.adoption_days for p in integrators if p.adoption_days is not None and 0 <= p.adoption_days <= age
                      and p.status in (FIRST, COPIED))
        if days:
            return Observation(t.key, days[0], True)
        if integrators:
            return UNKNOWN
        return Observation(t.key, age, False)

    return _sample(timelines, observe)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A Kaplan–Meier fit of one sample: the share of leads still exclusive after t days, and its summaries."""

    n: int
    events: int
    censored: int
    median_days: float | None  # None while more than half are still exclusive
    ci95: tuple[float | None, float | None]  # None as an upper bound: not reached yet
    share_within: dict[int, float | None]  # 1 − S(d); None when no feature was followed for d days
    curve: tuple[tuple[float, float], ...] = ()  # (t, S(t)) at every step, starting at (0, 1)
    censor_marks: tuple[tuple[float, float], ...] = ()  # (t, S(t)) at every censoring time
    left_out: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "median_days": self.median_days, "ci95": list(self.ci95), "n": self.n, "copied": self.events,
            "censored": self.censored, "share_within": {str(d): v for d, v in self.share_within.items()},
            "left_out": self.left_out,
        }


FitKey = tuple[tuple[tuple[int, bool], ...], tuple[int, ...]]  # sorted (days, event) pairs, share days
_FITS: dict[FitKey, Estimate] = {}
_MAX_FITS = 1024  # a long-running scheduler fits a few dozen a day


def fit_key(sample: Sample, share_days: Sequence[int] = SHARE_DAYS) -> FitKey:
    """What an estimate depends on: the sample's (days, event) pairs, whatever their features and order."""
    return tuple(sorted((o.days, o.event) for o in sample.observations)), tuple(share_days)


def kaplan_meier(sample: Sample, share_days: Sequence[int] = SHARE_DAYS) -> Estimate:
    """Fit the Kaplan–Meier estimator (lifelines) with a 95% interval for the median."""
    left_out = sample.left_out_counts()
    if not sample.observations:
        return Estimate(0, 0, 0, None, (None, None), {d: None for d in share_days}, left_out=left_out)
    fit = fitted(fit_key(sample, share_days))
    return replace(fit, share_within=dict(fit.share_within), left_out=left_out)


def fitted(key: FitKey) -> Estimate:
    """The estimate of a fit key, fitted once per process.

    An estimate depends on nothing else, and a process often asks for the same one twice: the daily
    run's report and digest fit the same samples. Each lifelines fit costs a few milliseconds of
    pandas work however small the sample, and a report fits about thirty.
    """
    found = _FITS.get(key)
    if found is None:
        if len(_FITS) >= _MAX_FITS:
            _FITS.clear()
        found = _FITS[key] = _fit(*key)
    return found


def known(key: FitKey) -> bool:
    return key in _FITS


def remember(fits: Mapping[FitKey, Estimate]) -> None:
    """Keep estimates fitted elsewhere (`metrics.background`: in a child process, while pages render)."""
    if len(_FITS) + len(fits) > _MAX_FITS:
        _FITS.clear()
    _FITS.update(fits)


def _fit(times: tuple[tuple[int, bool], ...], share_days: tuple[int, ...]) -> Estimate:
    """Fit (days, event) pairs with lifelines."""
    from lifelines import KaplanMeierFitter  # heavy: only commands that estimate pay for it

    fitter = KaplanMeierFitter(alpha=0.05).fit([d for d, _ in times], [e for _, e in times])
    sf = fitter.survival_function_.iloc[:, 0]
    lower, upper = (fitter.confidence_interval_.iloc[:, i] for i in (0, 1))
    days, values = sf.index.to_numpy(dtype=float), sf.to_numpy(dtype=float)

    def at(t: float) -> float:  # the step function: S at the last step on or before t
        i = int(days.searchsorted(t, side="right")) - 1
        return 1.0 if i < 0 else float(values[i])

    # Past the longest follow-up the curve is known only if it already reached zero.
    known_until = max(d for d, _ in times) if values[-1] > 0 else math.inf
    shares = {d: (None if d > known_until else round(1.0 - at(d), 6)) for d in share_days}
    curve = ((0.0, 1.0), *((float(t), float(v)) for t, v in zip(days, values, strict=True) if t > 0 or v < 1))
    marks = tuple((float(d), at(d)) for d in sorted({d for d, event in times if not event}))
    events = sum(1 for _, event in times if event)
    # The CI of the median: where the pointwise 95% band crosses one half (lifelines' median_survival_times).
    ci = (_median_of(lower), _median_of(upper))
    return Estimate(len(times), events, len(times) - events, _median_of(sf), ci, shares, curve, marks)


def clear_fits() -> None:
    """Forget the fits made so far (a benchmark that times the full work of a report calls this)."""
    _FITS.clear()


def _median_of(curve: Any) -> float | None:
    """The first day a survival curve (a pandas Series by day) is at or below one half.

    lifelines' own `median_survival_time_` compares exactly, and its curve is a product of logs,
    so an exact half (2 of 4 leads copied) comes out as 0.5000000000000001 and the median as
    "not reached"; a tolerance far below any real step keeps the textbook definition.
    """
    below = curve[curve <= 0.5 + HALF_TOLERANCE]
    return float(below.index[0]) if len(below) else None


def by_group(samples: Mapping[str, Sample]) -> dict[str, Estimate]:
    return {name: kaplan_meier(s) for name, s in samples.items()}


def cohort_samples(timelines: Sequence[Timeline], as_of: dt.date) -> dict[str, Sample]:
    """Time to first copy per cohort: the year the first mover shipped."""
    groups: dict[str, list[Timeline]] = defaultdict(list)
    for t in timelines:
        if rules.measurable(t):
            groups[str(t.first.first_seen.year)].append(t)
    return {year: first_copy_sample(groups[year], as_of) for year in sorted(groups)}


def category_samples(timelines: Sequence[Timeline], as_of: dt.date) -> dict[str, Sample]:
    groups: dict[str, list[Timeline]] = defaultdict(list)
    for t in timelines:
        groups[t.feature.category].append(t)
    return {name: first_copy_sample(groups[name], as_of) for name in sorted(groups)}


__all__ = ["AFTER_AS_OF", "NOT_DATED", "UNKNOWN", "Estimate", "Observation", "Sample",
           "adoption_sample", "by_group", "category_samples", "cohort_samples", "clear_fits", "commodity_sample",
           "first_copy_sample", "incumbent_sample", "kaplan_meier"]
