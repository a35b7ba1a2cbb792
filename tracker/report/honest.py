"""The overview's lead: the honest answer in one sentence, the Kaplan–Meier chart behind it,
the 90-day share by cohort, and what the catalog does not cover (undated releases, parties
with no data, stale sources)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tracker.metrics.stats import Stats, headline_sentence, interval
from tracker.metrics.survival import UNKNOWN, Estimate
from tracker.report import charts, fmt
from tracker.report.km_chart import SurvivalChart
from tracker.report.party_page import Coverage
from tracker.report.scope import lead_chart
from tracker.report.site_map import SiteMap

COHORT_DAYS = 90
THIN_COHORT = 5  # fewer features than this: the bar is drawn in the second colour


@dataclass(frozen=True, slots=True)
class FigureRow:
    label: str
    estimate: Estimate
    interval: str


@dataclass(frozen=True, slots=True)
class Gap:
    name: str
    href: str
    why: str


@dataclass(frozen=True, slots=True)
class HonestAnswer:
    sentence: str
    stats: Stats
    chart: SurvivalChart
    cohort_chart: charts.BarChart
    figures: tuple[FigureRow, ...]
    releases: int
    undated_releases: int
    no_data: tuple[Gap, ...]
    stale: tuple[Gap, ...]

    @property
    def undated_share(self) -> float | None:
        return self.undated_releases / self.releases if self.releases else None


def cohort_chart(by_cohort: Mapping[str, Estimate]) -> charts.BarChart:
    items = []
    for year, e in by_cohort.items():
        share = e.share_within.get(COHORT_DAYS)
        tip = (f"{year}: {fmt.pct(share)} copied within {COHORT_DAYS} days (Kaplan–Meier, {fmt.count(e.n, 'feature')}, "
               f"{e.censored} still exclusive)" if share is not None
               else f"{year}: not followed for {COHORT_DAYS} days yet ({fmt.count(e.n, 'feature')})")
        tone = "bar" if e.n >= THIN_COHORT else "slow"
        items.append((f"{year} · n={e.n}", share * 100 if share is not None else None, tip, tone))
    return charts.bar_chart(
        items, title=f"Copied within {COHORT_DAYS} days, by the year the first mover shipped",
        desc=f"Kaplan–Meier share of each year's leads copied by a competitor of the same role within {COHORT_DAYS} "
             f"days; n is the number of features. Years with fewer than {THIN_COHORT} features are drawn in the second colour: too few to read much into.",
        x_axis_label="Year the first mover shipped (n features)", y_axis_label="Copied (%)",
        value_format="{:.0f}%", y_max=100, width=940)


def honest_answer(stats: Stats, data, no_data: Sequence[str], covers: Mapping[str, Coverage],  # type: ignore[no-untyped-def]
                  site: SiteMap) -> HonestAnswer:
    """`data` is the report's `plan.SiteData`."""
    figures: tuple[FigureRow, ...] = (
        FigureRow("Time to first copy", stats.first_copy, interval(stats.first_copy)),
        FigureRow("… only features whose first mover is certain", stats.certain_only, interval(stats.certain_only)),
        FigureRow(f"Time to commodity ({stats.k} competitors)", stats.commodity, interval(stats.commodity)),
        FigureRow("Startup-first features: time to the first incumbent", stats.incumbent, interval(stats.incumbent)),
    )
    if stats.adoption.events or stats.adoption.left_out.get(UNKNOWN):  # only once some link has the support role
        figures += (FigureRow("Adoption lag: native launch to the first integrator", stats.adoption,
                              interval(stats.adoption)),)
    windows = data.windows.values()
    gaps = tuple(Gap(name, site.party(name), covers[name].no_data) for name in no_data)
    stale = tuple(Gap(name, site.party(name), f"newest dated release {fmt.day(c.newest_release)}")
                  for name, c in sorted(covers.items()) if c.stale and not c.no_data)
    return HonestAnswer(
        headline_sentence(stats), stats, lead_chart(stats.first_copy), cohort_chart(stats.by_cohort), figures,
        sum(w.releases for w in windows), sum(w.undated_releases for w in windows), gaps, stale,
    )
