"""Release cadence of a party, from the dates of its releases: how often does it ship?"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from tracker.metrics import median, quarter_of


@dataclass(frozen=True, slots=True)
class Cadence:
    releases: int  # dated releases
    release_days: int  # distinct days with at least one release
    first: dt.date | None
    last: dt.date | None
    median_gap_days: float | None  # median days between consecutive release days
    per_quarter: tuple[tuple[str, int], ...]  # every quarter from first to last, zeros included
    recent_per_quarter: float | None  # mean releases per quarter over the last four quarters up to as_of


def quarter_range(first: str, last: str) -> list[str]:
    """Every quarter label from `first` to `last` inclusive ("2024-Q3", "2024-Q4", "2025-Q1", ...)."""
    year, q = int(first[:4]), int(first[-1])
    out = []
    while f"{year}-Q{q}" <= last:
        out.append(f"{year}-Q{q}")
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def cadence(dates: list[dt.date], *, as_of: dt.date) -> Cadence:
    if not dates:
        return Cadence(0, 0, None, None, None, (), None)
    dates = sorted(dates)
    days = sorted(set(dates))
    gaps = [(b - a).days for a, b in pairwise(days)]
    per = Counter(quarter_of(d) for d in dates)
    quarters = quarter_range(quarter_of(dates[0]), quarter_of(dates[-1]))
    year_ago = as_of - dt.timedelta(days=365)
    recent = sum(1 for d in dates if year_ago < d <= as_of) / 4
    return Cadence(
        releases=len(dates), release_days=len(days), first=dates[0], last=dates[-1], median_gap_days=median(gaps),
        per_quarter=tuple((q, per.get(q, 0)) for q in quarters), recent_per_quarter=recent,
    )
