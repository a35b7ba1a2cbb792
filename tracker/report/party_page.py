"""The page of one party: what it pioneered, what it copied and how fast, how fast others
copied it (lead erosion), and how often it ships (release cadence)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.evidence import is_web_url
from tracker.metrics import PartyStats, Timeline
from tracker.report import charts, fmt
from tracker.report.cadence import Cadence
from tracker.catalog.queries import PartyInfo
from tracker.report.site_map import ReportParams, SiteMap


@dataclass(frozen=True, slots=True)
class PioneeredRow:
    name: str
    href: str
    first_seen: dt.date
    followers: int
    first_follower: str
    first_follower_href: str
    exclusive_days: int
    still_exclusive: bool
    within_window: int


@dataclass(frozen=True, slots=True)
class CopiedRow:
    name: str
    href: str
    first_party: str
    first_party_href: str
    first_party_seen: dt.date
    first_party_estimated: bool
    own_seen: dt.date
    lag_days: int
    estimated: bool
    tone: str


@dataclass(frozen=True, slots=True)
class PartyPage:
    path: str
    info: PartyInfo
    sources: tuple[tuple[str, str, str], ...]  # (name, kind, http(s) url or "")
    stats: PartyStats | None
    pioneered: tuple[PioneeredRow, ...]
    copied: tuple[CopiedRow, ...]
    undated_firsts: tuple[Timeline, ...]  # first mover only through estimated dates: not counted as pioneered
    cadence: Cadence
    cadence_text: str
    cadence_chart: charts.BarChart | None
    follow_histogram: charts.BarChart | None


def _pioneered(t: Timeline, site: SiteMap, p: ReportParams) -> PioneeredRow:
    days, censored = t.exclusive_days(p.as_of)
    first = t.exact_followers[0] if t.exact_followers else None
    return PioneeredRow(t.feature.name, site.feature(t.key), t.first.first_seen, len(t.followers),
                        first.party if first else "", site.party(first.party) if first else "", days, censored,
                        t.crowding(p.window))


def _copied(t: Timeline, party: str, site: SiteMap, window: int) -> CopiedRow:
    me = next(x for x in t.followers if x.party == party)
    tone = "est" if me.estimated else "fast" if me.lag_days <= window else "slow"
    return CopiedRow(t.feature.name, site.feature(t.key), t.first.party, site.party(t.first.party),
                     t.first.first_seen, t.first.estimated, me.first_seen, me.lag_days, me.estimated, tone)


def _short_quarter(quarter: str, first: bool) -> str:
    """"Q1 ’25" at the first bar and at every Q1, else "Q3"."""
    return f"{quarter[-2:]} ’{quarter[2:4]}" if first or quarter.endswith("Q1") else quarter[-2:]


def cadence_chart(cad: Cadence, name: str) -> charts.BarChart | None:
    if not cad.per_quarter:
        return None
    quarters = cad.per_quarter[-16:]
    items = [(_short_quarter(q, i == 0), float(n), f"{q}: {n} releases", "bar") for i, (q, n) in enumerate(quarters)]
    return charts.bar_chart(items, title=f"{name}: releases per quarter",
                            desc="Dated releases in the catalog per calendar quarter (the last 16 quarters at most).",
                            x_axis_label="Quarter", y_axis_label="Releases", integer=True)


def party_page(
    info: PartyInfo, timelines: Sequence[Timeline], stats: PartyStats | None, cad: Cadence, site: SiteMap,
    p: ReportParams,
) -> PartyPage:
    mine = [t for t in timelines if any(x.party == info.name for x in t.parties)]
    pioneered = [t for t in mine if t.first.party == info.name and not t.first.estimated]
    undated = [t for t in mine if t.first.party == info.name and t.first.estimated]
    copied = [t for t in mine if t.first.party != info.name]
    copied_rows = sorted((_copied(t, info.name, site, p.window) for t in copied),
                         key=lambda r: (r.estimated, r.lag_days, r.name.casefold()))
    lags = [r.lag_days for r in copied_rows if not r.estimated]
    follow = charts.histogram(
        lags, window=p.window, title=f"How fast {info.name} copies",
        desc="Days after the first mover at which this party shipped features others had shipped first.",
        x_axis_label="Days after the first mover", y_axis_label="Features", noun="features") if lags else None
    return PartyPage(
        path=site.party(info.name), info=info,
        sources=tuple((n, k, url if is_web_url(url) else "") for n, k, url in info.sources),
        stats=stats,
        pioneered=tuple(sorted((_pioneered(t, site, p) for t in pioneered),
                               key=lambda r: (-r.followers, r.first_seen, r.name.casefold()))),
        copied=tuple(copied_rows), undated_firsts=tuple(undated), cadence=cad, cadence_text=cadence_sentence(cad),
        cadence_chart=cadence_chart(cad, info.name), follow_histogram=follow,
    )


def cadence_sentence(cad: Cadence) -> str:
    if not cad.releases:
        return "No dated releases in the catalog."
    text = (f"{fmt.count(cad.releases, 'dated release')} from {fmt.day(cad.first)} to {fmt.day(cad.last)}; "
            f"median {fmt.days(cad.median_gap_days)} between release days")
    if cad.recent_per_quarter is not None:
        text += f"; {fmt.number(cad.recent_per_quarter)} releases per quarter over the last year"
    return text + "."
