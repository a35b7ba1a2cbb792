"""The headline numbers of a set of features (the market, or one category), explained.

Every number is `metrics.summarize` over the scope's timelines, with `as_of`, `k` and the
window from the settings; each card carries the formula it was computed with and a link
to the evidence page that lists the features behind it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.metrics import (
    PartyStats,
    QuarterStats,
    Summary,
    Timeline,
    by_quarter,
    follower_lags,
    party_stats,
    rules,
    summarize,
)
from tracker.metrics.stats import interval
from tracker.metrics.survival import Estimate
from tracker.report import charts, fmt
from tracker.report.km_chart import SurvivalChart, survival_chart
from tracker.report.cadence import quarter_range
from tracker.report.site_map import ReportParams, SiteMap
from tracker.report.tables import FeatureRow, fastest_followers, feature_row, leaders, most_copied

RECENT_DAYS = 730  # the "recent" comparison: features first shipped in the last two years
HIGH_PRESSURE, MODERATE_PRESSURE = 0.5, 0.2


@dataclass(frozen=True, slots=True)
class MetricCard:
    key: str  # the data-metric attribute
    label: str
    value: float | int | None  # exact, for data-value
    display: str
    detail: str  # what it is out of
    formula: str
    href: str  # the evidence page


@dataclass(frozen=True, slots=True)
class Verdict:
    level: str  # high | moderate | low | unknown
    headline: str
    sentence: str


@dataclass(frozen=True, slots=True)
class ScopeView:
    scope: str  # "" for the market, else the category
    title: str
    summary: Summary
    recent: Summary  # the same numbers for features first shipped since `recent_since`
    recent_since: dt.date
    cards: tuple[MetricCard, ...]
    verdict: Verdict
    quarters: tuple[QuarterStats, ...]
    lag_histogram: charts.BarChart
    ttc_histogram: charts.BarChart
    lag_trend: charts.BarChart
    pressure_trend: charts.BarChart
    most_copied: tuple[FeatureRow, ...]
    leaders: tuple[PartyStats, ...]
    fastest: tuple[PartyStats, ...]
    stats: tuple[PartyStats, ...]
    lead: Estimate | None = None  # Kaplan–Meier time to first copy in this scope
    lead_chart: SurvivalChart | None = None


def lead_card(e: Estimate, scope: str, site: SiteMap) -> MetricCard:
    """The Kaplan–Meier median time to first copy: the card that counts leads nobody has copied yet."""
    return MetricCard(
        "time-to-first-copy", "Median time to first copy", e.median_days,
        fmt.days(e.median_days) if e.median_days is not None else "not reached",
        f"{interval(e)}; {fmt.count(e.n, 'feature')}, {e.censored:,} still exclusive",
        "Kaplan–Meier: days from the first mover's dated launch until a competitor of the same role copied it; "
        "features nobody has copied yet count as censored at as_of", site.evidence(scope, "time-to-first-copy"))


def metric_cards(s: Summary, scope: str, site: SiteMap, p: ReportParams,
                 lead: Estimate | None = None) -> tuple[MetricCard, ...]:
    w, k, as_of = p.window, p.k, p.as_of.isoformat()

    def ev(metric: str) -> str:
        return site.evidence(scope, metric)

    return ((lead_card(lead, scope, site),) if lead is not None else ()) + (
        MetricCard("copied", "Features copied", s.copied, f"{s.copied:,}",
                   f"of {s.features:,} features ({fmt.pct(s.copied / s.features if s.features else None)})",
                   "features another competitor of the same role has too (one company counts once)", ev("copied")),
        MetricCard("median-lag", "Median observed copy lag", s.median_lag, fmt.days(s.median_lag),
                   f"over {fmt.count(s.follower_mentions, 'counted copy', 'counted copies')}",
                   "median over counted copies of (its first-seen date − the first mover's); a copy counts when "
                   "its party was tracked on the first mover's date and announced it on a dated line; leads not "
                   "copied yet are not in it (see time to first copy)", ev("median-lag")),
        MetricCard("commoditized-share", f"Commoditized within {w} days", s.commoditized_share,
                   fmt.pct(s.commoditized_share), f"of {fmt.count(s.commoditized_judged, 'feature')} old enough to judge",
                   f"features that reached {k} parties within {w} days ÷ features first seen at least {w} days "
                   f"before {as_of}", ev("commoditized-share")),
        MetricCard("incumbent-catch-up", "Incumbent catch-up", s.incumbent_catch_up, fmt.days(s.incumbent_catch_up),
                   f"median over {fmt.count(s.incumbent_catch_up_features, 'startup-first feature')}",
                   "for features a startup shipped first: days until the first incumbent followed", ev("incumbent-catch-up")),
        MetricCard("pressure", "Tarpit-pressure index", s.pressure, fmt.pct(s.pressure),
                   f"of {fmt.count(s.pressure_judged, 'feature')} old enough to judge",
                   f"features copied by at least 2 other parties within {w} days ÷ features first seen at least "
                   f"{w} days before {as_of}", ev("pressure")),
        MetricCard("time-to-commodity", "Median time to commodity", s.median_time_to_commodity,
                   fmt.days(s.median_time_to_commodity),
                   f"over features that reached {k} parties",
                   f"days from the first mover until the {fmt.ordinal(k)} party shipped it", ev("time-to-commodity")),
    )


def verdict(s: Summary, p: ReportParams) -> Verdict:
    """The answer to "is it a tarpit?" in one sentence, from the pressure index and the median lag."""
    if s.features == 0:
        return Verdict("unknown", "No features yet", "Nothing has been matched in this scope yet.")
    if s.pressure is None:
        return Verdict("unknown", "Too early to judge",
                       f"No feature here was first seen at least {p.window} days before {p.as_of.isoformat()}, "
                       "so none can be judged yet.")
    level = "high" if s.pressure >= HIGH_PRESSURE else "moderate" if s.pressure >= MODERATE_PRESSURE else "low"
    sentence = (f"{fmt.pct(s.pressure)} of the {s.pressure_judged:,} features old enough to judge were copied by at "
                f"least two other parties within {p.window} days")
    if s.median_lag is not None:
        sentence += f"; the median counted copy shipped {fmt.days(s.median_lag)} after the first mover"
    return Verdict(level, f"{level.capitalize()} tarpit pressure", sentence + ".")


def quarter_label(quarter: str, dense: bool) -> str:
    if not dense:
        return quarter.replace("-", " ")
    return quarter[:4] if quarter.endswith("Q1") else ""


def trend_charts(quarters: Sequence[QuarterStats], window: int) -> tuple[charts.BarChart, charts.BarChart]:
    known = {q.quarter: q for q in quarters}
    labels = quarter_range(quarters[0].quarter, quarters[-1].quarter) if quarters else []
    dense = len(labels) > 12
    lag_items, pressure_items = [], []
    for label in labels:
        q = known.get(label)
        shown = quarter_label(label, dense)
        median_lag = q.median_lag if q else None
        counts = f" ({q.copied} copied of {q.features})" if q else " (no features)"
        lag_items.append((shown, median_lag, f"{label}: median lag {fmt.days(median_lag)}{counts}", "bar"))
        share = q.pressure * 100 if q and q.pressure is not None else None
        tip = f"{label}: pressure {fmt.pct(q.pressure)} of {q.judged} judged" if q and q.judged else f"{label}: not judgeable yet"
        pressure_items.append((shown, share, tip, "fast"))
    lag = charts.bar_chart(
        lag_items, title="Median copy lag by quarter of first release",
        desc="Bars: the median lag of followers, for features grouped by the quarter their first mover shipped them.",
        x_axis_label="Quarter the first mover shipped", y_axis_label="Median lag (days)")
    pressure = charts.bar_chart(
        pressure_items, title="Tarpit pressure by quarter of first release",
        desc=f"Bars: the share of that quarter's features copied by at least two other parties within {window} days.",
        x_axis_label="Quarter the first mover shipped", y_axis_label="Pressure (%)", value_format="{:.0f}%", y_max=100)
    return lag, pressure


def scope_view(
    timelines: Sequence[Timeline], scope: str, title: str, site: SiteMap, p: ReportParams,
    *, new: frozenset[str] = frozenset(), lead: Estimate | None = None,
) -> ScopeView:
    s = summarize(timelines, as_of=p.as_of, k=p.k, window=p.window)
    since = p.as_of - dt.timedelta(days=RECENT_DAYS)
    recent = [t for t in timelines if rules.measurable(t) and t.first.first_seen >= since]
    quarters = by_quarter(timelines, as_of=p.as_of, window=p.window)
    stats = party_stats(timelines, as_of=p.as_of)
    ttc = [v for t in timelines if (v := rules.time_to_commodity(t, p.k)) is not None]
    lag_trend, pressure_trend = trend_charts(quarters, p.window)
    return ScopeView(
        scope=scope, title=title, summary=s,
        recent=summarize(recent, as_of=p.as_of, k=p.k, window=p.window), recent_since=since,
        cards=metric_cards(s, scope, site, p, lead), verdict=verdict(s, p),
        quarters=tuple(quarters),
        lag_histogram=charts.histogram(
            follower_lags(timelines), window=p.window, title="Copy-lag distribution",
            desc=f"How many followers shipped a feature within each span after its first mover; "
                 f"bars inside the {p.window}-day window are highlighted.",
            x_axis_label="Days after the first mover", y_axis_label="Followers", noun="followers"),
        ttc_histogram=charts.histogram(
            ttc, window=p.window, title=f"Time to commodity ({p.k} parties)",
            desc=f"Days from the first mover until the {fmt.ordinal(p.k)} party shipped the feature, for features that got there.",
            x_axis_label=f"Days until the {fmt.ordinal(p.k)} party", y_axis_label="Features", noun="features"),
        lag_trend=lag_trend, pressure_trend=pressure_trend,
        most_copied=tuple(feature_row(t, site, p, new=new) for t in most_copied(timelines, p.window)[:12]),
        leaders=tuple(leaders(stats)), fastest=tuple(fastest_followers(stats)), stats=tuple(stats),
        lead=lead, lead_chart=lead_chart(lead) if lead is not None else None,
    )


def lead_chart(e: Estimate) -> SurvivalChart:
    return survival_chart(
        e, title="How long a lead lasts: share of features not yet copied",
        desc=f"Kaplan–Meier estimate over {fmt.count(e.n, 'feature')} with a dated first mover: the share whose "
             f"first mover is still the only competitor of its role, by days since it shipped. Ticks mark the "
             f"{e.censored:,} leads still exclusive at as_of (censored); dashed lines mark the median.")
