"""An independent check of `tracker stats`: Kaplan–Meier written out by hand over `tracker export features` JSON,
following the README's rules, sharing no code with `tracker.metrics`."""

from __future__ import annotations

import datetime as dt
from typing import Any


def first_copy_observations(records: list[dict[str, Any]], as_of: dt.date) -> list[tuple[int, bool]]:
    """(days, copied) per feature with a dated first mover; features copied at an unknown time are left out."""
    out = []
    for rec in records:
        if not rec["first_mover_dated"]:
            continue
        first = rec["parties"][0]
        age = (as_of - dt.date.fromisoformat(rec["first_seen"])).days
        if age < 0:
            continue
        rivals = [p for p in rec["parties"][1:] if p["role"] == first["role"] and p["status"] != "same_company"]
        lags = sorted(p["lag_days"] for p in rivals if p["status"] == "copied" and p["lag_days"] <= age)
        if lags:
            out.append((lags[0], True))
        elif not rivals:
            out.append((age, False))
    return out


def km_curve(observations: list[tuple[int, bool]]) -> list[tuple[int, float]]:
    """The product-limit estimate at each event day: S drops by (copied that day) / (still running that day)."""
    s, curve = 1.0, []
    for day in sorted({d for d, copied in observations if copied}):
        at_risk = sum(1 for d, _ in observations if d >= day)
        copied = sum(1 for d, c in observations if d == day and c)
        s *= 1 - copied / at_risk
        curve.append((day, s))
    return curve


def km_median(observations: list[tuple[int, bool]]) -> float | None:
    return next((float(day) for day, s in km_curve(observations) if s <= 0.5 + 1e-12), None)
