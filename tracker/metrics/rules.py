"""The metric rules, each defined once: which features can be judged, which count as copied,
pressured or commoditized, and which a startup shipped first.

`metrics.summary`, the report's scopes and its evidence pages all ask these functions, so a
card and the page listing its features cannot disagree.
"""

from __future__ import annotations

import datetime as dt

from tracker.metrics.timeline import Timeline

STALE_DAYS = 365  # a source or party whose newest dated release is older than this before as_of is stale


def measurable(t: Timeline) -> bool:
    """Its first mover's arrival is dated by a published line that announces it."""
    return t.first.dated


def old_enough_to_judge(t: Timeline, *, as_of: dt.date, window: int) -> bool:
    """A dated first mover at least `window` days before `as_of`: a window's worth of copies could have happened."""
    return measurable(t) and (as_of - t.first.first_seen).days >= window


def copies_within(t: Timeline, window: int) -> int:
    """Competitors of the first mover's role whose copy lag is at most `window` days (crowding)."""
    return sum(1 for p in t.copiers if p.lag_days <= window)


def copied_by_two(t: Timeline, window: int) -> bool:
    """Copied by at least two other competitors within the window: the tarpit-pressure test."""
    return copies_within(t, window) >= 2


def time_to_commodity(t: Timeline, k: int) -> int | None:
    """Days until the k-th competitor (first mover included) shipped it, counting dated copies only."""
    if not measurable(t) or k < 1:
        return None
    lags = [0] + [p.lag_days for p in t.copiers]
    return lags[k - 1] if len(lags) >= k else None


def commoditized(t: Timeline, *, k: int, window: int) -> bool:
    """Reached k competitors within the window."""
    ttc = time_to_commodity(t, k)
    return ttc is not None and ttc <= window


def startup_first(t: Timeline) -> bool:
    """A startup is the first mover, with a dated arrival: the features incumbent catch-up is about."""
    return t.first.kind == "startup" and measurable(t)


def incumbent_catch_up(t: Timeline) -> int | None:
    """For a startup-first feature, the copy lag of the first incumbent to follow."""
    if not startup_first(t):
        return None
    lags = [p.lag_days for p in t.copiers if p.kind == "incumbent"]
    return min(lags) if lags else None


def exclusive_days(t: Timeline, as_of: dt.date) -> tuple[int | None, bool]:
    """Days the first mover had it alone, and whether no other competitor of its role has it yet.

    Until the first dated copy; None when the only others have it since an unknown date.
    """
    if t.copiers:
        return t.copiers[0].lag_days, False
    if t.copied:
        return None, False
    return max(0, (as_of - t.first.first_seen).days), True


def is_stale(newest: dt.date | str | None, as_of: dt.date) -> bool:
    """Its newest dated release is more than a year before `as_of`: later launches are not observed."""
    if not newest:
        return False
    day = newest if isinstance(newest, dt.date) else dt.date.fromisoformat(newest[:10])
    return (as_of - day).days > STALE_DAYS
