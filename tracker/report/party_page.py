"""The page of one party: what it pioneered, what it copied and how fast, how fast others
copied it (lead erosion), and how often it ships (release cadence)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.catalog.queries import PartyInfo, PartyWindow, SourceStatus
from tracker.evidence import is_web_url
from tracker.metrics import PartyStats, Timeline, rules
from tracker.metrics.rules import is_stale
from tracker.metrics.timeline import COPIED
from tracker.report import charts, fmt
from tracker.report.cadence import Cadence
from tracker.report.feature_page import status_label
from tracker.report.site_map import ReportParams, SiteMap


@dataclass(frozen=True, slots=True)
class PioneeredRow:
    name: str
    href: str
    first_seen: dt.date
    followers: int
    first_follower: str
    first_follower_href: str
    exclusive_days: int | None
    still_exclusive: bool
    within_window: int
    certain: bool = True  # False: only the earliest observed


@dataclass(frozen=True, slots=True)
class CopiedRow:
    name: str
    href: str
    first_party: str
    first_party_href: str
    first_party_seen: dt.date
    first_party_estimated: bool
    own_seen: dt.date
    lag_days: int | None  # its copy lag, when it counts
    estimated: bool
    tone: str
    status: str = COPIED
    status_label: str = ""
    role: str = "native"


@dataclass(frozen=True, slots=True)
class PartyPage:
    path: str
    info: PartyInfo
    sources: tuple[tuple[str, str, str], ...]  # (name, kind, http(s) url or "")
    stats: PartyStats | None
    pioneered: tuple[PioneeredRow, ...]
    copied: tuple[CopiedRow, ...]
    undated_firsts: tuple[Timeline, ...]  # first to have it, with no dated launch: not counted as pioneered
    cadence: Cadence
    cadence_text: str
    cadence_chart: charts.BarChart | None
    follow_histogram: charts.BarChart | None
    coverage: Coverage | None = None


@dataclass(frozen=True, slots=True)
class SourceCoverage:
    name: str
    observed_since: str  # its earliest dated release, "" when none
    newest: str
    releases: int
    stale: bool
    failing: str  # the last error while failing, else ""


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the catalog has of this party: its observation window, and what is missing."""

    observed_since: dt.date | None
    newest_release: dt.date | None
    releases: int
    undated_releases: int
    no_data: str  # why there is nothing ("" when there is data)
    stale: bool
    company: str
    sources: tuple[SourceCoverage, ...]


def no_data_reason(w: PartyWindow) -> str:
    """Why a party has no releases: never crawled, or every source failing (offline, unreachable, ...)."""
    if w.releases:
        return ""
    if w.sources == 0:
        return "no source configured"
    if w.failing_sources:
        return f"{w.failing_sources} of {fmt.count(w.sources, 'source')} failing"
    if w.crawled_sources == 0:
        return "not crawled yet"
    return "crawled, but no release found"


def coverage(w: PartyWindow, sources: Sequence[SourceStatus], as_of: dt.date) -> Coverage:
    return Coverage(
        w.observed_since, w.newest_release, w.releases, w.undated_releases, no_data_reason(w),
        is_stale(w.newest_release, as_of), w.company,
        tuple(SourceCoverage(s.name, s.first_date[:10], s.last_date[:10], s.releases, is_stale(s.last_date, as_of),
                             s.last_error if s.failing_since else "") for s in sources),
    )


def _pioneered(t: Timeline, site: SiteMap, p: ReportParams) -> PioneeredRow:
    days, alone = rules.exclusive_days(t, p.as_of)
    first = t.copiers[0] if t.copiers else None
    return PioneeredRow(t.feature.name, site.feature(t.key), t.first.first_seen, len(t.competitors) - 1,
                        first.party if first else "", site.party(first.party) if first else "", days, alone,
                        rules.copies_within(t, p.window), t.first_mover_certain)


def _copied(t: Timeline, party: str, site: SiteMap, window: int) -> CopiedRow:
    me = next(x for x in t.followers if x.party == party)
    tone = "est" if me.copy_lag_days is None else "fast" if me.lag_days <= window else "slow"
    return CopiedRow(t.feature.name, site.feature(t.key), t.first.party, site.party(t.first.party),
                     t.first.first_seen, t.first.estimated, me.first_seen, me.copy_lag_days, me.estimated, tone,
                     me.status, status_label(me, t), me.role)


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
    p: ReportParams, cover: Coverage | None = None,
) -> PartyPage:
    mine = [t for t in timelines if any(x.party == info.name for x in t.parties)]
    pioneered = [t for t in mine if t.first.party == info.name and rules.measurable(t)]
    undated = [t for t in mine if t.first.party == info.name and not rules.measurable(t)]
    copied = [t for t in mine if t.first.party != info.name]
    copied_rows = sorted((_copied(t, info.name, site, p.window) for t in copied),
                         key=lambda r: (r.lag_days is None, r.lag_days or 0, r.name.casefold()))
    lags = [r.lag_days for r in copied_rows if r.lag_days is not None and r.status == COPIED]
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
        cadence_chart=cadence_chart(cad, info.name), follow_histogram=follow, coverage=cover,
    )


def cadence_sentence(cad: Cadence) -> str:
    if not cad.releases:
        return "No dated releases in the catalog."
    text = (f"{fmt.count(cad.releases, 'dated release')} from {fmt.day(cad.first)} to {fmt.day(cad.last)}; "
            f"median {fmt.days(cad.median_gap_days)} between release days")
    if cad.recent_per_quarter is not None:
        text += f"; {fmt.number(cad.recent_per_quarter)} releases per quarter over the last year"
    return text + "."
