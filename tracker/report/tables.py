"""Rows of the feature and party tables that several pages share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.metrics import PartyStats, Timeline, median, rules
from tracker.report.charts import DotMatrix, MatrixCell
from tracker.report.cadence import Cadence
from tracker.report.headtohead import CopyPair
from tracker.report.site_map import ReportParams, SiteMap


@dataclass(frozen=True, slots=True)
class FeatureRow:
    key: str
    name: str
    href: str
    category: str
    category_href: str
    origin: str
    first_party: str
    first_party_href: str
    first_seen: dt.date
    first_estimated: bool
    first_kind: str  # the first mover's party kind
    parties: int
    party_names: tuple[str, ...]  # every party that shipped it, for the "shipped by" filter
    median_lag: float | None  # over counted copies (status copied)
    lag_n: int  # how many lags the median is over
    time_to_commodity: int | None
    within_window: int  # exact followers within the window
    is_new: bool


def feature_row(t: Timeline, site: SiteMap, params: ReportParams, *, new: frozenset[str] = frozenset()) -> FeatureRow:
    lags = [p.lag_days for p in t.copiers]
    return FeatureRow(
        key=t.key, name=t.feature.name, href=site.feature(t.key), category=t.feature.category,
        category_href=site.category(t.feature.category), origin=t.feature.origin, first_party=t.first.party,
        first_party_href=site.party(t.first.party), first_seen=t.first.first_seen, first_estimated=t.first.estimated,
        first_kind=t.first.kind, parties=len(t.parties), party_names=tuple(sorted(p.party for p in t.parties)),
        median_lag=median(lags), lag_n=len(lags),
        time_to_commodity=rules.time_to_commodity(t, params.k), within_window=rules.copies_within(t, params.window),
        is_new=t.key in new,
    )


def most_copied(timelines: Sequence[Timeline], window: int) -> list[Timeline]:
    """Copied features, most parties first; ties: more copies inside the window, then earliest."""
    copied = [t for t in timelines if t.copied]
    return sorted(copied, key=lambda t: (-len(t.parties), -rules.copies_within(t, window), t.first.first_seen, t.key))


@dataclass(frozen=True, slots=True)
class PartyRow:
    name: str
    href: str
    kind: str
    category: str
    features: int
    pioneered: int
    followed: int
    median_follow_lag: float | None
    follow_n: int  # counted copies behind median_follow_lag
    median_copied_after: float | None
    copied_after_n: int  # counted copies behind median_copied_after
    median_exclusive_days: float | None
    still_exclusive: int
    releases: int
    recent_per_quarter: float | None
    median_gap_days: float | None


def party_row(
    name: str, kind: str, category: str, stats: PartyStats | None, cad: Cadence, site: SiteMap,
    pairs: Sequence[CopyPair] = (),
) -> PartyRow:
    """`pairs`: the counted copies (`headtohead.copy_pairs`), to give each median its sample size."""
    follow_n = sum(1 for p in pairs if p.follower == name)
    copied_after_n = sum(1 for p in pairs if p.leader == name)
    return PartyRow(
        name=name, href=site.party(name), kind=kind, category=category,
        features=stats.features if stats else 0, pioneered=stats.pioneered if stats else 0,
        followed=stats.followed if stats else 0, median_follow_lag=stats.median_follow_lag if stats else None,
        follow_n=follow_n, median_copied_after=stats.median_copied_after if stats else None,
        copied_after_n=copied_after_n,
        median_exclusive_days=stats.median_exclusive_days if stats else None,
        still_exclusive=stats.still_exclusive if stats else 0, releases=cad.releases,
        recent_per_quarter=cad.recent_per_quarter, median_gap_days=cad.median_gap_days,
    )


MIN_FOLLOWS = 3  # a "fastest follower" must have copied at least this many features


def leaders(stats: Sequence[PartyStats], n: int = 8) -> list[PartyStats]:
    return [s for s in sorted(stats, key=lambda s: (-s.pioneered, s.party)) if s.pioneered > 0][:n]


def fastest_followers(stats: Sequence[PartyStats], n: int = 8) -> list[PartyStats]:
    ranked = [s for s in stats if s.followed >= MIN_FOLLOWS and s.median_follow_lag is not None]
    return sorted(ranked, key=lambda s: (s.median_follow_lag, -s.followed, s.party))[:n]


def dot_grid(m: DotMatrix) -> tuple[tuple[MatrixCell | None, ...], ...]:
    """The dot matrix as rows × columns, for an HTML table (a sticky first column needs one).

    A cell sits at its row's and column's label positions, computed the same way, so the
    lookup by position is exact.
    """
    row_at = {r.pos: i for i, r in enumerate(m.rows)}
    col_at = {c.pos: j for j, c in enumerate(m.columns)}
    grid: list[list[MatrixCell | None]] = [[None] * len(m.columns) for _ in m.rows]
    for cell in m.cells:
        grid[row_at[cell.cy]][col_at[cell.cx]] = cell
    return tuple(tuple(row) for row in grid)
