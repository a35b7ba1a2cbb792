"""Geometry of the Kaplan–Meier step chart: the share of leads still exclusive after t days.

Pure: a fitted `Estimate` in, positioned path, censoring ticks, median guide and axes out;
`templates/_charts.html` draws them as inline SVG (every label autoescaped).
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.metrics.survival import Estimate
from tracker.report.charts import Tick, nice_step


@dataclass(frozen=True, slots=True)
class SurvivalChart:
    title: str
    desc: str
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    path: str  # the step curve as an SVG path ("M x y H x V y ...")
    marks: tuple[tuple[float, float], ...]  # (x, y) of each censoring time: a lead still exclusive then
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    median_x: float | None  # where the curve crosses one half
    half_y: float
    x_axis_label: str
    y_axis_label: str
    empty: bool


def survival_chart(e: Estimate, *, title: str, desc: str, width: int = 940, height: int = 300,
                   x_axis_label: str = "Days after the first mover shipped",
                   y_axis_label: str = "Leads still exclusive (%)") -> SurvivalChart:
    left, top, right, bottom = 62.0, 18.0, width - 16.0, height - 46.0
    longest = max([t for t, _ in e.curve] + [t for t, _ in e.censor_marks] + [1.0])
    step = nice_step(longest, ticks=6)
    axis_end = step * max(1, -(-longest // step))

    def x(t: float) -> float:
        return round(left + t / axis_end * (right - left), 1)

    def y(s: float) -> float:
        return round(bottom - s * (bottom - top), 1)

    path = ""
    if e.curve:
        t0, s0 = e.curve[0]
        path = f"M {x(t0)} {y(s0)}"
        for t, s in e.curve[1:]:
            path += f" H {x(t)} V {y(s)}"
        path += f" H {x(longest)}"
    x_ticks = tuple(Tick(x(i * step), f"{i * step:,.0f}") for i in range(int(axis_end // step) + 1))
    y_ticks = tuple(Tick(y(v / 100), f"{v}%") for v in (0, 25, 50, 75, 100))
    return SurvivalChart(
        title, desc, width, height, left, top, right, bottom, path,
        tuple((x(t), y(s)) for t, s in e.censor_marks), x_ticks, y_ticks,
        x(e.median_days) if e.median_days is not None else None, y(0.5), x_axis_label, y_axis_label,
        empty=e.n == 0,
    )
