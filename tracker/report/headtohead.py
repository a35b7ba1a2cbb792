"""Who copies whom: copy pairs (leader, follower, feature, lag) and the party × party views built on them.

`copy_pairs` is the one place that decides what counts as a copy; the matrix, the pair
table, the party pages' "who copies us / whom we copy" lists and the watchlist all read
its output, so a change to the rule in the metrics layer reaches every view at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from tracker.metrics import Timeline, median, rules
from tracker.report.site_map import SiteMap

RECENT_DAYS = 365  # the matrix's "last 12 months" view
TOP = 5  # rows in a party page's top lists


@dataclass(frozen=True, slots=True)
class CopyPair:
    """`follower` shipped `feature` `lag_days` after `leader`, its first mover."""

    leader: str
    follower: str
    feature: str  # feature key
    lag_days: int
    followed_on: dt.date  # the follower's first-seen date
    role: str  # the follower's role: native | support


def copy_pairs(timelines: Iterable[Timeline]) -> Iterator[CopyPair]:
    """Every counted copy: the metrics layer's copiers of each feature (status `copied`, the first
    mover's role; `present_at_start` and `undated` followers are not copies), with their lags."""
    for t in timelines:
        if not rules.measurable(t):
            continue  # a first mover without a dated announcement leads nobody
        for p in t.copiers:
            yield CopyPair(t.first.party, p.party, t.key, p.lag_days, p.first_seen, p.role)


@dataclass(frozen=True, slots=True)
class Cell:
    count: int
    median_lag: int | None  # whole days
    anchor: str  # the first row of this pair in the pair table (no script needed to get there)
    state: str  # the pair table's state filtered to this leader and follower (URL hash, for the script)
    title: str
    tone: str  # fast | slow: median inside the copy window or not


@dataclass(frozen=True, slots=True)
class Matrix:
    """Rows: followers; columns: leaders; a cell: how many of the column's features the row copied."""

    key: str  # "all" | "recent"
    label: str
    since: dt.date | None
    parties: tuple[tuple[str, str], ...]  # (name, href), the same order for rows and columns
    cells: tuple[tuple[Cell | None, ...], ...]  # [row][column]
    row_totals: tuple[int, ...]
    pairs: int


def whole_days(value: float | None) -> int | None:
    """Medians of whole days can end in .5; the report shows whole days (half rounds to even)."""
    return None if value is None else int(round(value))


def pair_state(leader: str, follower: str, since: dt.date | None = None) -> str:
    """The pair table's URL-hash state showing only `follower`'s copies of `leader` (see tables.js)."""
    query = {"pairs.leader": leader, "pairs.follower": follower}
    if since is not None:
        query["pairs.from"] = since.isoformat()
    return urlencode(query)


def pair_anchor(site: SiteMap, leader: str, follower: str) -> str:
    return f"pair-{site.parties[follower]}--{site.parties[leader]}"


def matrix(pairs: Sequence[CopyPair], *, key: str, label: str, since: dt.date | None, window: int,
           site: SiteMap, order: Sequence[str]) -> Matrix:
    chosen = [p for p in pairs if since is None or p.followed_on >= since]
    lags: dict[tuple[str, str], list[int]] = defaultdict(list)
    for p in chosen:
        lags[(p.follower, p.leader)].append(p.lag_days)
    rows = []
    for follower in order:
        row: list[Cell | None] = []
        for leader in order:
            values = lags.get((follower, leader))
            if not values:
                row.append(None)
                continue
            mid = whole_days(median(values))
            tone = "fast" if mid is not None and mid <= window else "slow"
            title = (f"{follower} copied {len(values)} of {leader}'s features"
                     f"{'' if since is None else f' since {since.isoformat()}'}; median lag {mid} days")
            row.append(Cell(len(values), mid, pair_anchor(site, leader, follower), pair_state(leader, follower, since),
                            title, tone))
        rows.append(tuple(row))
    return Matrix(key, label, since, tuple((n, site.party(n)) for n in order), tuple(rows),
                  tuple(sum(c.count for c in row if c) for row in rows), len(chosen))


@dataclass(frozen=True, slots=True)
class PairRow:
    leader: str
    leader_href: str
    follower: str
    follower_href: str
    feature: str
    feature_href: str
    category: str
    lag_days: int
    followed_on: dt.date
    role: str
    anchor: str  # set on the first row of each (follower, leader) group


@dataclass(frozen=True, slots=True)
class HeadToHead:
    matrices: tuple[Matrix, ...]  # all time, then the last 12 months
    rows: tuple[PairRow, ...]
    parties_left_out: int  # parties with no copy either way


def head_to_head(timelines: Sequence[Timeline], site: SiteMap, *, as_of: dt.date, window: int,
                 parties: Iterable[str] = ()) -> HeadToHead:
    pairs = list(copy_pairs(timelines))
    involvement: dict[str, int] = defaultdict(int)
    for p in pairs:
        involvement[p.leader] += 1
        involvement[p.follower] += 1
    order = sorted(involvement, key=lambda n: (-involvement[n], n.casefold()))
    since = as_of - dt.timedelta(days=RECENT_DAYS)
    by_key = {t.key: t for t in timelines}
    rows: list[PairRow] = []
    group: tuple[str, str] | None = None
    for p in sorted(pairs, key=lambda p: (p.follower.casefold(), p.leader.casefold(), p.lag_days, p.feature)):
        feature = by_key[p.feature].feature
        first_of_group = group != (p.follower, p.leader)
        group = (p.follower, p.leader)
        rows.append(PairRow(p.leader, site.party(p.leader), p.follower, site.party(p.follower), feature.name,
                            site.feature(p.feature), feature.category, p.lag_days, p.followed_on, p.role,
                            pair_anchor(site, p.leader, p.follower) if first_of_group else ""))
    return HeadToHead(
        (matrix(pairs, key="all", label="All time", since=None, window=window, site=site, order=order),
         matrix(pairs, key="recent", label="Last 12 months", since=since, window=window, site=site, order=order)),
        tuple(rows), len(set(parties) - set(order)),
    )


@dataclass(frozen=True, slots=True)
class Rival:
    party: str
    href: str
    count: int
    median_lag: int | None
    fast: int  # copies within the copy window
    state: str  # the head-to-head pair table filtered to these copies (URL hash)


@dataclass(frozen=True, slots=True)
class Rivalry:
    """A party page's top lists: who copies it, whom it copies."""

    copied_by: tuple[Rival, ...]
    copies_from: tuple[Rival, ...]
    copied_by_total: int  # parties that copied it at least once
    copies_from_total: int


def _top(party: str, groups: dict[str, list[int]], site: SiteMap, window: int, n: int, *,
         they_lead: bool) -> tuple[Rival, ...]:
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), median(kv[1]) or 0, kv[0].casefold()))
    return tuple(
        Rival(name, site.party(name), len(lags), whole_days(median(lags)), sum(1 for v in lags if v <= window),
              pair_state(name, party) if they_lead else pair_state(party, name))
        for name, lags in ranked[:n]
    )


def rivalry(party: str, pairs: Iterable[CopyPair], site: SiteMap, *, window: int, n: int = TOP) -> Rivalry:
    copied_by: dict[str, list[int]] = defaultdict(list)
    copies_from: dict[str, list[int]] = defaultdict(list)
    for p in pairs:
        if p.leader == party:
            copied_by[p.follower].append(p.lag_days)
        elif p.follower == party:
            copies_from[p.leader].append(p.lag_days)
    return Rivalry(_top(party, copied_by, site, window, n, they_lead=False),
                   _top(party, copies_from, site, window, n, they_lead=True), len(copied_by), len(copies_from))
