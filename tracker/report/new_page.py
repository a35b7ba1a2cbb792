"""Rows of the "What's new" page: each new copy and new feature with its links and dates, worked out
once here rather than by template calls (a catalog's first match lists every copy, ~1,100 on the corpus)."""

from __future__ import annotations

from typing import NamedTuple

from tracker.report import fmt
from tracker.report.history import WhatsNew
from tracker.report.site_map import SiteMap


class NewCopyRow(NamedTuple):
    feature: str
    href: str
    category: str
    origin: str
    party: str  # the follower
    party_href: str
    kind: str
    role: str
    leader: str  # the feature's first mover
    leader_href: str
    day: str  # when the follower first shipped it
    estimated: bool
    lag_days: int
    lag: str
    counted: bool  # a counted copy (see `history.NewCopy.pair`)


class NewFeatureRow(NamedTuple):
    feature: str
    href: str
    category: str
    origin: str
    first_party: str
    first_party_href: str
    first_kind: str
    day: str
    estimated: bool
    parties: int


def copy_rows(new: WhatsNew, site: SiteMap) -> tuple[NewCopyRow, ...]:
    return tuple(
        NewCopyRow(c.timeline.feature.name, site.feature(c.timeline.key), c.timeline.feature.category,
                   c.timeline.feature.origin, x.party, site.party(x.party), x.kind, x.role, c.timeline.first.party,
                   site.party(c.timeline.first.party), fmt.day(x.first_seen), x.estimated, x.lag_days,
                   fmt.lag(x.lag_days, estimated=x.estimated), c.pair is not None)
        for c in new.copies for x in (c.presence,)
    )


def feature_rows(new: WhatsNew, site: SiteMap) -> tuple[NewFeatureRow, ...]:
    return tuple(
        NewFeatureRow(t.feature.name, site.feature(t.key), t.feature.category, t.feature.origin, t.first.party,
                      site.party(t.first.party), t.first.kind, fmt.day(t.first.first_seen), t.first.estimated,
                      len(t.parties))
        for t in new.features
    )
