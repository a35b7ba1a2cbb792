"""Rows of the feature and party tables that several pages share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.metrics import PartyStats, Timeline, median, rules
from tracker.report.cadence import Cadence
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
    parties: int
    median_lag: float | None  # over counted copies (status copied)
    time_to_commodity: int | None
    within_window: int  # exact followers within the window
    is_new: bool


def feature_row(t: Timeline, site: SiteMap, params: ReportParams, *, new: frozenset[str] = frozenset()) -> FeatureRow:
    return FeatureRow(
        key=t.key, name=t.feature.name, href=site.feature(t.key), category=t.feature.category,
        category_href=site.category(t.feature.category), origin=t.feature.origin, first_party=t.first.party,
        first_party_href=site.party(t.first.party), first_seen=t.first.first_seen, first_estimated=t.first.estimated,
        parties=len(t.parties), median_lag=median([p.lag_days for p in t.copiers]),
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
    median_copied_after: float | None
    median_exclusive_days: float | None
    still_exclusive: int
    releases: int
    recent_per_quarter: float | None
    median_gap_days: float | None


def party_row(name: str, kind: str, category: str, stats: PartyStats | None, cad: Cadence, site: SiteMap) -> PartyRow:
    return PartyRow(
        name=name, href=site.party(name), kind=kind, category=category,
        features=stats.features if stats else 0, pioneered=stats.pioneered if stats else 0,
        followed=stats.followed if stats else 0, median_follow_lag=stats.median_follow_lag if stats else None,
        median_copied_after=stats.median_copied_after if stats else None,
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
