"""The watchlist: a home party's exposure, for the overview and the digest to lead with.

For each home party (`[report] home`, or `--home`), over the copy window before `as_of`:

* **copied**: its features another party copied in the window (counted copies from
  `headtohead.copy_pairs`, so the rule for what is a copy lives in one place);
* **missing**: features a rival launched in the window (an exact-dated, native first
  mention) that the home party has never mentioned;
* **exclusive**: features it shipped that no other party mentions at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.metrics import Timeline
from tracker.model import NATIVE
from tracker.report.headtohead import CopyPair
from tracker.report.site_map import SiteMap


@dataclass(frozen=True, slots=True)
class CopiedItem:
    key: str
    name: str
    href: str
    follower: str
    follower_href: str
    lag_days: int
    followed_on: dt.date


@dataclass(frozen=True, slots=True)
class MissingItem:
    key: str
    name: str
    href: str
    launchers: tuple[str, ...]  # rivals that launched it in the window, newest first
    launched_on: dt.date  # the newest of those launches
    parties: int  # parties that have it, all time


@dataclass(frozen=True, slots=True)
class ExclusiveItem:
    key: str
    name: str
    href: str
    first_seen: dt.date
    estimated: bool
    days: int | None  # days alone so far (None when its date is only estimated)


@dataclass(frozen=True, slots=True)
class Watch:
    party: str
    href: str
    since: dt.date  # the window's first day
    copied: tuple[CopiedItem, ...]
    missing: tuple[MissingItem, ...]
    exclusive: tuple[ExclusiveItem, ...]

    @property
    def quiet(self) -> bool:
        return not (self.copied or self.missing or self.exclusive)


def watch(party: str, timelines: Sequence[Timeline], pairs: Iterable[CopyPair], site: SiteMap, *,
          as_of: dt.date, window: int) -> Watch:
    since = as_of - dt.timedelta(days=window)
    names = {t.key: t.feature.name for t in timelines}
    copied = sorted(
        (CopiedItem(p.feature, names[p.feature], site.feature(p.feature), p.follower, site.party(p.follower),
                    p.lag_days, p.followed_on)
         for p in pairs if p.leader == party and since < p.followed_on <= as_of),
        key=lambda c: (-c.followed_on.toordinal(), c.name.casefold(), c.follower.casefold()),
    )
    missing, exclusive = [], []
    for t in timelines:
        present = {x.party for x in t.parties}
        if party not in present:
            launches = sorted(
                ((x.first_seen, x.party) for x in t.parties
                 if x.dated and x.role == NATIVE and since < x.first_seen <= as_of),
                reverse=True,
            )
            if launches:
                missing.append(MissingItem(t.key, t.feature.name, site.feature(t.key),
                                           tuple(name for _, name in launches), launches[0][0], len(t.parties)))
        elif present == {party}:
            first = t.first
            exclusive.append(ExclusiveItem(t.key, t.feature.name, site.feature(t.key), first.first_seen,
                                           first.estimated,
                                           None if first.estimated else max(0, (as_of - first.first_seen).days)))
    missing.sort(key=lambda m: (-m.parties, -m.launched_on.toordinal(), m.name.casefold()))
    exclusive.sort(key=lambda e: (e.estimated, -(e.days or 0), e.name.casefold()))
    return Watch(party, site.party(party), since, tuple(copied), tuple(missing), tuple(exclusive))


def watches(home: Sequence[str], timelines: Sequence[Timeline], pairs: Sequence[CopyPair], site: SiteMap, *,
            as_of: dt.date, window: int) -> tuple[Watch, ...]:
    return tuple(watch(name, timelines, pairs, site, as_of=as_of, window=window) for name in home)
