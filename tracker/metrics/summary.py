"""Plain counts and medians over timelines: the report's cards, quarters and party table.

Medians here are over observed copy lags only (status ``copied``): they describe the copies
that happened, not how long leads last; that is `metrics.survival`'s job, which counts the
features nobody has copied yet.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.metrics import rules
from tracker.metrics.timeline import COPIED, Timeline


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def follower_lags(timelines: Iterable[Timeline]) -> list[int]:
    """Every counted copy lag (status copied, same role as the first mover)."""
    return [p.lag_days for t in timelines for p in t.copiers]


def pressure_index(timelines: Sequence[Timeline], *, as_of: dt.date, window: int = 90) -> tuple[float | None, int]:
    """Share of judgeable features copied by ≥ 2 others within `window` days, and how many were judged."""
    judged = [t for t in timelines if rules.old_enough_to_judge(t, as_of=as_of, window=window)]
    if not judged:
        return None, 0
    return sum(1 for t in judged if rules.copied_by_two(t, window)) / len(judged), len(judged)


def commoditized_share(timelines: Sequence[Timeline], *, k: int, window: int, as_of: dt.date) -> tuple[float | None, int]:
    """Share of judgeable features that reached k competitors within `window` days."""
    judged = [t for t in timelines if rules.old_enough_to_judge(t, as_of=as_of, window=window)]
    if not judged:
        return None, 0
    return sum(1 for t in judged if rules.commoditized(t, k=k, window=window)) / len(judged), len(judged)


@dataclass(frozen=True, slots=True)
class Summary:
    """The counts and observed medians for a set of features (all of them, or one category)."""

    features: int
    copied: int  # another competitor of the same role has it
    median_lag: float | None  # over counted copy lags
    follower_mentions: int  # counted copy lags
    commoditized_share: float | None
    commoditized_judged: int
    pressure: float | None
    pressure_judged: int
    median_time_to_commodity: float | None
    incumbent_catch_up: float | None
    incumbent_catch_up_features: int
    uncertain_first: int = 0  # features whose first mover is only the earliest observed


def summarize(timelines: Sequence[Timeline], *, as_of: dt.date, k: int = 3, window: int = 90) -> Summary:
    lags = follower_lags(timelines)
    share, share_n = commoditized_share(timelines, k=k, window=window, as_of=as_of)
    pressure, pressure_n = pressure_index(timelines, as_of=as_of, window=window)
    ttc = [v for t in timelines if (v := rules.time_to_commodity(t, k)) is not None]
    catch = [v for t in timelines if (v := rules.incumbent_catch_up(t)) is not None]
    return Summary(
        features=len(timelines), copied=sum(1 for t in timelines if t.copied), median_lag=median(lags),
        follower_mentions=len(lags), commoditized_share=share, commoditized_judged=share_n, pressure=pressure,
        pressure_judged=pressure_n, median_time_to_commodity=median(ttc), incumbent_catch_up=median(catch),
        incumbent_catch_up_features=len(catch),
        uncertain_first=sum(1 for t in timelines if rules.measurable(t) and not t.first_mover_certain),
    )


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True, slots=True)
class QuarterStats:
    quarter: str
    features: int
    copied: int
    median_lag: float | None
    pressure: float | None
    judged: int


def by_quarter(timelines: Sequence[Timeline], *, as_of: dt.date, window: int = 90) -> list[QuarterStats]:
    """Features grouped by the quarter their first mover shipped them: are lags shrinking?"""
    groups: dict[str, list[Timeline]] = defaultdict(list)
    for t in timelines:
        if rules.measurable(t):
            groups[quarter_of(t.first.first_seen)].append(t)
    out = []
    for quarter in sorted(groups):
        group = groups[quarter]
        pressure, judged = pressure_index(group, as_of=as_of, window=window)
        out.append(QuarterStats(quarter, len(group), sum(1 for t in group if t.copied),
                                median(follower_lags(group)), pressure, judged))
    return out


@dataclass(frozen=True, slots=True)
class PartyStats:
    party: str
    kind: str
    category: str
    features: int
    pioneered: int
    followed: int  # features where it is a counted copier
    median_follow_lag: float | None  # how fast it copies
    median_copied_after: float | None  # how fast others copy its firsts (lead erosion)
    median_exclusive_days: float | None
    still_exclusive: int


def party_stats(timelines: Sequence[Timeline], *, as_of: dt.date) -> list[PartyStats]:
    rows: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))  # type: ignore[type-arg]
    meta: dict[str, tuple[str, str]] = {}
    for t in timelines:
        for p in t.parties:
            meta[p.party] = (p.kind, p.category)
            r = rows[p.party]
            r["features"].append(t.key)
            if p is t.first and rules.measurable(t):
                r["pioneered"].append(t.key)
                days, alone = rules.exclusive_days(t, as_of)
                if days is not None:
                    r["exclusive"].append(days)
                r["still"].append(alone)
                r["copied_after"].extend(f.lag_days for f in t.copiers)
            elif p.status == COPIED and p.role == t.role:
                r["followed"].append(t.key)
                r["lags"].append(p.lag_days)
    return sorted(
        (
            PartyStats(
                party, *meta[party], len(r["features"]), len(r["pioneered"]), len(r["followed"]),
                median(r["lags"]), median(r["copied_after"]), median(r["exclusive"]), sum(r["still"]),
            )
            for party, r in rows.items()
        ),
        key=lambda s: (-s.pioneered, s.party),
    )
