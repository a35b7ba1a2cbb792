"""The headline numbers of a set of features (the market, or one category), explained.

Every number is `metrics.summarize` over the scope's timelines, with `as_of`, `k` and the
window from the settings; each card carries the formula it was computed with and a link
to the evidence page that lists the features behind it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tracker.metrics import (
    PartyStats,
    QuarterStats,
    Summary,
    Timeline,
    by_quarter,
    follower_lags,
    median,
    party_stats,
    pressure_index,
    rules,
    summarize,
)
from tracker.metrics.stats import interval
from tracker.metrics.survival import Estimate
from tracker.report import charts, fmt
from tracker.report.km_chart import SurvivalChart, survival_chart
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


# --- report issue 13: headline cards that each say something different, every median with its sample size ---


def duplicates_pressure(k: int) -> bool:
    """Reaching k parties within the window means k − 1 copies within it: at k = 3 that is the pressure index."""
    return k == 3


def distinct_cards(cards: tuple[MetricCard, ...], p: ReportParams, s: Summary) -> tuple[MetricCard, ...]:
    """Drop "commoditized within the window" when it is the pressure index by another name (and say so on
    the pressure card); give the median time to commodity the number of features it is over."""
    out = []
    for card in cards:
        if card.key == "commoditized-share" and duplicates_pressure(p.k):
            continue
        if card.key == "pressure" and duplicates_pressure(p.k):
            card = replace(card, detail=f"{card.detail}; at {p.k} parties this is also the share commoditized "
                                        f"within {p.window} days")
        if card.key == "time-to-commodity":
            card = replace(card, detail=f"median over {fmt.count(s.time_to_commodity_features, 'feature')} that "
                                        f"reached {p.k} parties")
        out.append(card)
    return tuple(out)


# --- end of issue 13 cards ---


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


# --- report issue 13: trends by the year the first mover shipped, n printed, thin cohorts greyed ---

THIN_COHORT = 5  # a year with fewer features than this is drawn greyed: too few to read a trend into


def trend_charts(timelines: Sequence[Timeline], p: ReportParams) -> tuple[charts.BarChart, charts.BarChart]:
    """Median copy lag and pressure for the features each year's first movers shipped.

    Years rather than quarters: a quarter holds one or two features in the early years, and its bar
    said more about them than about copying. Each bar is labelled with its n; thin years are greyed.
    """
    years: dict[int, list[Timeline]] = defaultdict(list)
    for t in timelines:
        if rules.measurable(t):
            years[t.first.first_seen.year].append(t)
    lag_items, pressure_items = [], []
    for year in range(min(years), max(years) + 1) if years else ():
        group = years.get(year, [])
        lags = follower_lags(group)
        mid = median(lags)
        lag_items.append((
            f"{year} · n={len(group)}", mid,
            f"{year}: median lag {fmt.days(mid)} over {fmt.count(len(lags), 'counted copy', 'counted copies')} "
            f"of {fmt.count(len(group), 'feature')}", "thin" if len(group) < THIN_COHORT else "bar"))
        share, judged = pressure_index(group, as_of=p.as_of, window=p.window)
        pressure_items.append((
            f"{year} · n={judged}", share * 100 if share is not None else None,
            f"{year}: pressure {fmt.pct(share)} of {fmt.count(judged, 'feature')} old enough to judge" if judged
            else f"{year}: not judgeable yet", "thin" if judged < THIN_COHORT else "fast"))
    thin = f" Years with fewer than {THIN_COHORT} features are greyed: too few to read much into."
    lag = charts.bar_chart(
        lag_items, title="Median copy lag by the year the first mover shipped",
        desc="Bars: the median lag of counted copies, for features grouped by the year their first mover shipped "
             "them; n is the number of features." + thin,
        x_axis_label="Year the first mover shipped (n features)", y_axis_label="Median lag (days)", width=940)
    pressure = charts.bar_chart(
        pressure_items, title="Tarpit pressure by the year the first mover shipped",
        desc=f"Bars: the share of that year's features copied by at least two other parties within {p.window} "
             f"days; n is the number of features old enough to judge." + thin,
        x_axis_label="Year the first mover shipped (n judged)", y_axis_label="Pressure (%)", value_format="{:.0f}%",
        y_max=100, width=940)
    return lag, pressure


# --- end of issue 13 trends ---


def scope_view(
    timelines: Sequence[Timeline], scope: str, title: str, site: SiteMap, p: ReportParams,
    *, new: frozenset[str] = frozenset(), lead: Estimate | None = None, stats: Sequence[PartyStats] | None = None,
) -> ScopeView:
    """One scope's view; `stats` when the caller has this scope's party statistics already."""
    s = summarize(timelines, as_of=p.as_of, k=p.k, window=p.window)
    since = p.as_of - dt.timedelta(days=RECENT_DAYS)
    recent = [t for t in timelines if rules.measurable(t) and t.first.first_seen >= since]
    quarters = by_quarter(timelines, as_of=p.as_of, window=p.window)
    stats = list(stats) if stats is not None else party_stats(timelines, as_of=p.as_of)
    ttc = [v for t in timelines if (v := rules.time_to_commodity(t, p.k)) is not None]
    lag_trend, pressure_trend = trend_charts(timelines, p)
    return ScopeView(
        scope=scope, title=title, summary=s,
        recent=summarize(recent, as_of=p.as_of, k=p.k, window=p.window), recent_since=since,
        cards=distinct_cards(metric_cards(s, scope, site, p, lead), p, s), verdict=verdict(s, p),
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
