"""Chart geometry: pure functions from numbers to positioned shapes and labels.

Templates (`templates/_charts.html`) turn these into inline SVG, so every label goes
through Jinja's autoescaping like any other text. Colours are CSS classes (`tone-*`),
so the stylesheet owns the palette and print styles.

Tones: `first` (first mover), `fast` (followed within the window), `slow` (later),
`est` (estimated date: first seen by the crawler), `bar` / `muted` (plain quantities).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # under the bar ("" to skip a crowded label)
    value_label: str  # above the bar
    title: str  # tooltip and accessible name
    tone: str


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    desc: str
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    bars: tuple[Bar, ...]
    y_ticks: tuple[Tick, ...]
    x_axis_label: str
    y_axis_label: str
    empty: bool


def nice_step(top: float, ticks: int = 4) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10^n) that covers `top` in about `ticks` steps."""
    raw = max(top, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power  # pragma: no cover


def bar_chart(
    items: Sequence[tuple[str, float | None, str, str]],
    *,
    title: str,
    desc: str,
    x_axis_label: str,
    y_axis_label: str,
    value_format: str = "{:,.0f}",
    label_every: int = 1,
    width: int = 460,
    height: int = 250,
    y_max: float | None = None,
    integer: bool = False,
) -> BarChart:
    """Vertical bars for (label, value or None, tooltip, tone) items, in the given order."""
    left, top, right, bottom = 62.0, 22.0, width - 6.0, height - 54.0
    values = [v for _, v, _, _ in items if v is not None]
    peak = y_max if y_max is not None else max(values, default=0.0)
    step = nice_step(peak) if peak > 0 else 1.0
    if integer:
        step = 1.0 if step < 1 else 2.0 if step == 2.5 else step  # counts: whole-number ticks
    axis_top = step * max(1, math.ceil(peak / step)) if peak > 0 else 4.0
    scale = (bottom - top) / axis_top
    slot = (right - left) / max(1, len(items))
    gap = min(8.0, slot * 0.2)
    bars = []
    for i, (label, value, tip, tone) in enumerate(items):
        h = (value or 0.0) * scale
        shown = label if i % label_every == 0 else ""
        bars.append(Bar(
            x=round(left + i * slot + gap / 2, 1), y=round(bottom - h, 1), width=round(max(1.0, slot - gap), 1),
            height=round(h, 1), label=shown,
            value_label="" if value is None or len(items) > 16 else value_format.format(value), title=tip, tone=tone,
        ))
    ticks = []
    n = 0
    while n * step <= axis_top + 1e-9:
        ticks.append(Tick(round(bottom - n * step * scale, 1), value_format.format(n * step)))
        n += 1
    return BarChart(title, desc, width, height, left, top, right, bottom, tuple(bars), tuple(ticks),
                    x_axis_label, y_axis_label, empty=not values)


def lag_bins(window: int) -> list[tuple[int, int | None, str]]:
    """Histogram bins in days, with the window as one edge: (low, high or None, label)."""
    edges = sorted({7, 30, window, 180, 365, 730})
    bins: list[tuple[int, int | None, str]] = []
    low = 0
    for high in edges:
        bins.append((low, high, f"≤ {high}" if not low else "1–2 y" if (low, high) == (366, 730) else f"{low}–{high}"))
        low = high + 1
    bins.append((low, None, "> 2 y" if edges[-1] == 730 else f"> {edges[-1]}"))
    return bins


def histogram(
    values: Sequence[int], *, window: int, title: str, desc: str, x_axis_label: str, y_axis_label: str, noun: str
) -> BarChart:
    """Counts of `values` per lag bin; bins inside the window are highlighted."""
    items = []
    for low, high, label in lag_bins(window):
        n = sum(1 for v in values if v >= low and (high is None or v <= high))
        tone = "fast" if high is not None and high <= window else "slow"
        items.append((label, float(n), f"{label}{'' if label.endswith('y') else ' days'}: {n:,} {noun}", tone))
    return bar_chart(items, title=title, desc=desc, x_axis_label=x_axis_label, y_axis_label=y_axis_label, integer=True)


# --------------------------------------------------------------------------- time axes


def date_ticks(start: dt.date, end: dt.date, x_of) -> tuple[Tick, ...]:  # type: ignore[no-untyped-def]
    """Month, quarter or year ticks between two dates, at most about eight."""
    span = (end - start).days
    months = 1 if span <= 240 else 3 if span <= 3 * 365 else 12
    while span / (30.4 * months) > 8:
        months *= 2
    year, month = start.year, start.month
    month = ((month - 1) // months) * months + 1 if months < 12 else 1
    ticks = []
    while True:
        day = dt.date(year, month, 1)
        if day > end:
            break
        if day >= start:
            label = str(year) if months >= 12 else day.strftime("%b %Y")
            ticks.append(Tick(round(x_of(day), 1), label))
        month += months
        while month > 12:
            month, year = month - 12, year + 1
    return tuple(ticks)


class TimelineRow(NamedTuple):
    """One party on a feature's timeline (a NamedTuple: immutable, and ~6x cheaper to make than a frozen
    dataclass; a report makes one per party and feature)."""

    y: float
    label: str
    href: str
    x_start: float  # the first mover's date
    x: float  # this party's first-seen date
    tone: str
    lag_label: str
    title: str
    observed_x: float | None = None  # where the party's observation window begins, when inside the axis
    observed_label: str = ""


@dataclass(frozen=True, slots=True)
class TimelineChart:
    title: str
    desc: str
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    rows: tuple[TimelineRow, ...]
    ticks: tuple[Tick, ...]
    window_x: float | None  # where the copy window ends, when it is inside the axis


def timeline_chart(
    rows: Sequence[tuple[str, str, dt.date, str, str, str]],
    *,
    start: dt.date,
    window: int,
    title: str,
    desc: str,
    width: int = 1040,
    observed_since: Sequence[dt.date | None] = (),
) -> TimelineChart:
    """One row per (label, href, date, tone, lag label, tooltip), with a bar from `start` to its date.

    `observed_since` (one per row, optional) shades each row before its party's tracking began.
    """
    left, right, top, row_h = 190.0, width - 96.0, 28.0, 28.0
    dates = [r[2] for r in rows] + [start]
    first, last = min(dates), max(dates)
    pad = max(7, (last - first).days // 20)
    axis_start, axis_end = first - dt.timedelta(days=pad), last + dt.timedelta(days=pad)
    span = max(1, (axis_end - axis_start).days)

    def x_of(day: dt.date) -> float:
        return left + (day - axis_start).days / span * (right - left)

    windows = list(observed_since) + [None] * (len(rows) - len(observed_since))
    out = tuple(
        TimelineRow(round(top + i * row_h + row_h / 2, 1), label, href, round(x_of(start), 1), round(x_of(day), 1),
                    tone, lag_label, tip,
                    round(min(right, x_of(since)), 1) if since is not None and since > axis_start else None,
                    since.isoformat() if since is not None else "")
        for i, ((label, href, day, tone, lag_label, tip), since) in enumerate(zip(rows, windows, strict=True))
    )
    bottom = top + len(rows) * row_h
    end_of_window = start + dt.timedelta(days=window)
    window_x = round(x_of(end_of_window), 1) if end_of_window <= axis_end else None
    return TimelineChart(title, desc, width, int(bottom + 40), left, right, top, bottom, out,
                         date_ticks(axis_start, axis_end, x_of), window_x)


# --------------------------------------------------------------------------- party × feature matrix


@dataclass(frozen=True, slots=True)
class MatrixCell:
    cx: float
    cy: float
    tone: str
    title: str


@dataclass(frozen=True, slots=True)
class MatrixLabel:
    pos: float
    label: str
    href: str


@dataclass(frozen=True, slots=True)
class DotMatrix:
    title: str
    desc: str
    width: int
    height: int
    left: float
    top: float
    cell: float
    rows: tuple[MatrixLabel, ...]
    columns: tuple[MatrixLabel, ...]
    cells: tuple[MatrixCell, ...]


def dot_matrix(
    rows: Sequence[tuple[str, str]],
    columns: Sequence[tuple[str, str]],
    cells: Sequence[tuple[int, int, str, str]],
    *,
    title: str,
    desc: str,
) -> DotMatrix:
    """Rows and columns as (label, href); cells as (row index, column index, tone, tooltip)."""
    longest = max((len(label) for label, _ in rows), default=10)
    cell, left, top = 24.0, min(270.0, max(120.0, 20 + 7.3 * longest)), 132.0
    width = int(left + cell * len(columns) + 96)  # room for the last slanted column label
    height = int(top + cell * len(rows) + 8)
    return DotMatrix(
        title, desc, width, height, left, top, cell,
        tuple(MatrixLabel(round(top + (i + 0.5) * cell, 1), label, href) for i, (label, href) in enumerate(rows)),
        tuple(MatrixLabel(round(left + (j + 0.5) * cell, 1), label, href) for j, (label, href) in enumerate(columns)),
        tuple(MatrixCell(round(left + (j + 0.5) * cell, 1), round(top + (i + 0.5) * cell, 1), tone, tip)
              for i, j, tone, tip in cells),
    )
