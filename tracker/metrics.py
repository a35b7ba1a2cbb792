"""Copy lag and tarpit metrics: pure functions over the linked mentions of each feature.

Definitions (also in the README):

* A party's **first seen** date for a feature is its earliest mention. Exact (published)
  dates win over estimated ones (undated entries, dated by when the crawler first saw
  them); a party known only through estimated dates is flagged ``estimated``.
* The **first mover** is the party with the earliest exact first-seen date; ties go to
  the party whose name sorts first, and the tied party has lag 0.
* **lag_days** of a follower = its first seen − the first mover's first seen. Estimated
  lags are reported but left out of every median and index.
* **Time to commodity** (k parties, default 3) = first seen of the k-th party (exact
  dates) − the first mover's; None while fewer than k parties offer the feature.
* **Crowding** = followers with an exact lag of at most `window` days (default 90).
* **Incumbent catch-up**: for a feature a startup shipped first, the lag of the first
  incumbent to follow.
* **Exclusivity** of a pioneered feature = days until the first follower, or, while none
  has followed, days from first seen to `as_of` (censored: marked still exclusive).
* **Tarpit-pressure index** of a set of features = the share of them copied by ≥ 2
  other parties within `window` days, among features first seen at least `window`
  days before `as_of` (younger ones cannot be judged yet).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.model import FeatureDef, MentionRow


@dataclass(frozen=True, slots=True)
class Presence:
    """One party's participation in a feature."""

    party: str
    kind: str
    category: str
    first_seen: dt.date
    estimated: bool
    lag_days: int
    mentions: tuple[MentionRow, ...]

    @property
    def first_mention(self) -> MentionRow:
        exact = [m for m in self.mentions if not m.date_estimated]
        return (exact or list(self.mentions))[0]


@dataclass(frozen=True, slots=True)
class Timeline:
    """Who shipped a feature when."""

    feature: FeatureDef
    parties: tuple[Presence, ...]  # first mover first, then by first seen
    detected_at: str = ""

    @property
    def key(self) -> str:
        return self.feature.key

    @property
    def first(self) -> Presence:
        return self.parties[0]

    @property
    def followers(self) -> tuple[Presence, ...]:
        return self.parties[1:]

    @property
    def exact_followers(self) -> tuple[Presence, ...]:
        return tuple(p for p in self.parties[1:] if not p.estimated)

    @property
    def copied(self) -> bool:
        return len(self.parties) > 1

    def time_to_commodity(self, k: int) -> int | None:
        exact = [p for p in self.parties if not p.estimated]
        if len(exact) < k or self.first.estimated:
            return None
        return (exact[k - 1].first_seen - self.first.first_seen).days

    def crowding(self, window: int) -> int:
        return sum(1 for p in self.exact_followers if p.lag_days <= window)

    def incumbent_catch_up(self) -> int | None:
        if self.first.kind != "startup" or self.first.estimated:
            return None
        lags = [p.lag_days for p in self.exact_followers if p.kind == "incumbent"]
        return min(lags) if lags else None

    def exclusive_days(self, as_of: dt.date) -> tuple[int, bool]:
        """Days the first mover had it alone, and whether it still does (censored)."""
        if self.exact_followers:
            return self.exact_followers[0].lag_days, False
        return max(0, (as_of - self.first.first_seen).days), True


def build_timelines(
    features: Iterable[FeatureDef], rows: Iterable[MentionRow], detected: dict[str, str] | None = None
) -> list[Timeline]:
    """Group linked mentions into one timeline per feature, earliest first mover first."""
    by_feature: dict[str, dict[str, list[MentionRow]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_feature[row.feature_key][row.party].append(row)
    timelines = []
    for feature in features:
        parties = by_feature.get(feature.key)
        if not parties:
            continue
        presences = []
        for party, mentions in parties.items():
            mentions.sort(key=lambda m: (m.date_estimated, m.date, m.entry_id))
            exact = [m for m in mentions if not m.date_estimated]
            first = (exact or mentions)[0]
            presences.append((party, first, not exact, tuple(sorted(mentions, key=lambda m: (m.date, m.entry_id)))))
        presences.sort(key=lambda p: (p[2], p[1].date, p[0]))
        start = presences[0][1].date
        timeline = tuple(
            Presence(party, first.party_kind, first.party_category, first.date, est, (first.date - start).days, ms)
            for party, first, est, ms in presences
        )
        timelines.append(Timeline(feature, timeline, (detected or {}).get(feature.key, "")))
    timelines.sort(key=lambda t: (t.first.first_seen, t.key))
    return timelines


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def follower_lags(timelines: Iterable[Timeline]) -> list[int]:
    return [p.lag_days for t in timelines for p in t.exact_followers]


def pressure_index(timelines: Sequence[Timeline], *, as_of: dt.date, window: int = 90) -> tuple[float | None, int]:
    """Share of judgeable features copied by ≥ 2 others within `window` days, and how many were judged."""
    judged = [t for t in timelines if not t.first.estimated and (as_of - t.first.first_seen).days >= window]
    if not judged:
        return None, 0
    pressured = sum(1 for t in judged if t.crowding(window) >= 2)
    return pressured / len(judged), len(judged)


def commoditized_share(timelines: Sequence[Timeline], *, k: int, window: int, as_of: dt.date) -> tuple[float | None, int]:
    """Share of judgeable features that reached k parties within `window` days."""
    judged = [t for t in timelines if not t.first.estimated and (as_of - t.first.first_seen).days >= window]
    if not judged:
        return None, 0
    hit = sum(1 for t in judged if (ttc := t.time_to_commodity(k)) is not None and ttc <= window)
    return hit / len(judged), len(judged)


@dataclass(frozen=True, slots=True)
class Summary:
    """The headline numbers for a set of features (all of them, or one category)."""

    features: int
    copied: int
    median_lag: float | None
    follower_mentions: int
    commoditized_share: float | None
    commoditized_judged: int
    pressure: float | None
    pressure_judged: int
    median_time_to_commodity: float | None
    incumbent_catch_up: float | None
    incumbent_catch_up_features: int


def summarize(timelines: Sequence[Timeline], *, as_of: dt.date, k: int = 3, window: int = 90) -> Summary:
    lags = follower_lags(timelines)
    share, share_n = commoditized_share(timelines, k=k, window=window, as_of=as_of)
    pressure, pressure_n = pressure_index(timelines, as_of=as_of, window=window)
    ttc = [v for t in timelines if (v := t.time_to_commodity(k)) is not None]
    catch = [v for t in timelines if (v := t.incumbent_catch_up()) is not None]
    return Summary(
        features=len(timelines), copied=sum(1 for t in timelines if t.copied), median_lag=median(lags),
        follower_mentions=len(lags), commoditized_share=share, commoditized_judged=share_n, pressure=pressure,
        pressure_judged=pressure_n, median_time_to_commodity=median(ttc), incumbent_catch_up=median(catch),
        incumbent_catch_up_features=len(catch),
    )


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True, slots=True)
class QuarterStats:
    quarter: str
    features: int
    copied: int
    median_lag: float | None
    pressure: float | None
    judged: int


def by_quarter(timelines: Sequence[Timeline], *, as_of: dt.date, window: int = 90) -> list[QuarterStats]:
    """Features grouped by the quarter their first mover shipped them: are lags shrinking?"""
    groups: dict[str, list[Timeline]] = defaultdict(list)
    for t in timelines:
        if not t.first.estimated:
            groups[quarter_of(t.first.first_seen)].append(t)
    out = []
    for quarter in sorted(groups):
        group = groups[quarter]
        pressure, judged = pressure_index(group, as_of=as_of, window=window)
        out.append(QuarterStats(quarter, len(group), sum(1 for t in group if t.copied),
                                median(follower_lags(group)), pressure, judged))
    return out


@dataclass(frozen=True, slots=True)
class PartyStats:
    party: str
    kind: str
    category: str
    features: int
    pioneered: int
    followed: int
    median_follow_lag: float | None  # how fast it copies
    median_copied_after: float | None  # how fast others copy its firsts (lead erosion)
    median_exclusive_days: float | None
    still_exclusive: int


def party_stats(timelines: Sequence[Timeline], *, as_of: dt.date) -> list[PartyStats]:
    rows: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))  # type: ignore[type-arg]
    meta: dict[str, tuple[str, str]] = {}
    for t in timelines:
        for i, p in enumerate(t.parties):
            meta[p.party] = (p.kind, p.category)
            r = rows[p.party]
            r["features"].append(t.key)
            if i == 0 and not p.estimated:
                r["pioneered"].append(t.key)
                days, censored = t.exclusive_days(as_of)
                r["exclusive"].append(days)
                r["still"].append(censored)
                r["copied_after"].extend(f.lag_days for f in t.exact_followers)
            elif i > 0:
                r["followed"].append(t.key)
                if not p.estimated:
                    r["lags"].append(p.lag_days)
    return sorted(
        (
            PartyStats(
                party, *meta[party], len(r["features"]), len(r["pioneered"]), len(r["followed"]),
                median(r["lags"]), median(r["copied_after"]), median(r["exclusive"]), sum(r["still"]),
            )
            for party, r in rows.items()
        ),
        key=lambda s: (-s.pioneered, s.party),
    )
