"""Who shipped a feature when: one timeline per feature, each party with its role, status and lag.

Rules (also in the README, "How copy lag is measured"):

* A party's **first seen** date is the published date of its earliest linked line. The party is
  dated by a launch (``announced``) only when a line of that day announces the capability
  (``announces``): when its first line fixes, tweaks, extends or mentions it ("Add `supports_pdf_input`
  for Bedrock Claude models"), the party already had it then, and a later line that reads like a
  launch ("OpenAI - PDF File support") cannot date its arrival. Such a party keeps its presence,
  dated by that first line, with status ``unannounced``; a party known only through estimated
  dates (undated entries, dated by the crawl) is ``undated``.
* Parties compare only with parties of the same **role**: ``native`` (ships the capability)
  with native, ``support`` (integrates another's) with support. Each role has its own first
  mover, the party of that role seen first (dated lines before estimated ones; on the same day, a
  launch before a mention); the feature's first mover is the native one when there is one. When
  the first mover is not dated by a launch (``unannounced`` or estimated), no party of its role has
  a lag: their status is ``undated`` (nothing to measure from), however well dated they are.
* A **competitor** is a company (``[[party]] company``) or else a party; a company counts
  once, through its product line that shipped first; its other lines are ``same_company``.
* Status of a competitor against its role's first mover (date F): ``copied`` when every one
  of its product lines that has the feature was observed on or before F (its observation
  window, the earliest dated release, had begun); its ``copy_lag_days`` = first seen − F.
  ``present_at_start`` when some line's window began after F: it had the feature by its
  first-seen date, but when it got it is unknown, so it has no lag.
* The first mover is **certain** when every other party of its role was observed on F, has
  a dated announcement and no earlier dated mention, and F is not the first day of the first
  mover's own tracking; else the report says "earliest observed".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tracker.model import NATIVE, SUPPORT, FeatureDef, MentionRow

FIRST = "first"
COPIED = "copied"
PRESENT_AT_START = "present_at_start"
UNDATED = "undated"
UNANNOUNCED = "unannounced"
SAME_COMPANY = "same_company"
STATUSES = (FIRST, COPIED, PRESENT_AT_START, UNANNOUNCED, UNDATED, SAME_COMPANY)


@dataclass(frozen=True, slots=True)
class Presence:
    """One party's participation in a feature."""

    party: str
    kind: str
    category: str
    first_seen: dt.date
    estimated: bool  # only estimated (crawl) dates
    lag_days: int  # first seen − its role's first mover's first seen; a lag only when `status` is copied
    mentions: tuple[MentionRow, ...]
    role: str = NATIVE
    status: str = FIRST
    company: str = ""  # the competitor it counts as: its company, else its own name
    observed_since: dt.date | None = None  # its earliest dated release in the catalog
    announced: bool = True  # its first dated line of its role (or one of that day) announces the capability
    targets: tuple[str, ...] = ()  # for support: whose capability or which framework it integrates
    adoption_days: int | None = None  # support only: first seen − the native first mover's, when known

    @property
    def first_mention(self) -> MentionRow:
        """The line its first-seen date comes from (`arrival_line`): the evidence pages link it."""
        own = [m for m in self.mentions if m.role == self.role] or list(self.mentions)
        return arrival_line(own, key=lambda m: (m.date, m.entry_id))

    @property
    def copy_lag_days(self) -> int | None:
        """The lag that counts: 0 for a first mover with a dated arrival, the lag of a copy, else None."""
        if self.status == COPIED or (self.status == FIRST and self.dated):
            return self.lag_days
        return None

    @property
    def dated(self) -> bool:
        """Its arrival is dated by a published, announcing line."""
        return not self.estimated and self.announced

    @property
    def competitor(self) -> str:
        return self.company or self.party


@dataclass(frozen=True, slots=True)
class Timeline:
    """Who shipped a feature when.

    The groups every statistic reads (`copiers`, `competitors`, `integrators`) are worked out once, when
    the timeline is made: a report reads them tens of thousands of times.
    """

    feature: FeatureDef
    parties: tuple[Presence, ...]  # the first mover, its role's parties by first seen, then the other role's
    detected_at: str = ""
    first_mover_certain: bool = True
    # Followers of the first mover's role whose copy lag counts, by lag.
    copiers: tuple[Presence, ...] = field(init=False, repr=False, compare=False)
    # One presence per competitor of the first mover's role (same-company lines left out).
    competitors: tuple[Presence, ...] = field(init=False, repr=False, compare=False)
    integrators: tuple[Presence, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        role = self.parties[0].role
        derived = {
            "copiers": tuple(p for p in self.parties[1:] if p.role == role and p.status == COPIED),
            "competitors": tuple(p for p in self.parties if p.role == role and p.status != SAME_COMPANY),
            "integrators": tuple(p for p in self.parties if p.role == SUPPORT and p.status != SAME_COMPANY)
            if role == NATIVE else (),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    @property
    def key(self) -> str:
        return self.feature.key

    @property
    def first(self) -> Presence:
        return self.parties[0]

    @property
    def role(self) -> str:
        """The role statistics compare for this feature: native when any party ships it natively."""
        return self.parties[0].role

    @property
    def followers(self) -> tuple[Presence, ...]:
        return self.parties[1:]

    def group(self, role: str) -> tuple[Presence, ...]:
        return tuple(p for p in self.parties if p.role == role)

    @property
    def exact_followers(self) -> tuple[Presence, ...]:  # the name earlier callers used
        return self.copiers

    @property
    def copied(self) -> bool:
        """Another competitor of the same role has it (whatever its status)."""
        return len(self.competitors) > 1


def own_lines(mentions: Sequence[MentionRow]) -> tuple[str, list[MentionRow]]:
    """A party's role in a feature (native when any of its lines is) and its lines of that role."""
    role = NATIVE if any(m.role == NATIVE for m in mentions) else SUPPORT
    return role, [m for m in mentions if m.role == role]


def arrival_lines(own: Sequence[MentionRow]) -> tuple[list[MentionRow], bool, bool]:
    """The lines a party's arrival is dated by, from its lines of one role (`own_lines`): the announcing
    lines of the day of its earliest dated line, else all that day's lines (its first line does not
    announce the capability: it already had it), else all of them (undated releases only); and whether
    that date is estimated, and whether a line announces the capability (`arrival_line` picks one of them)."""
    dated = [m for m in own if not m.date_estimated]
    if dated:
        day = min(m.date for m in dated)
        first = [m for m in dated if m.date == day]
        announcing = [m for m in first if m.announces]
        return announcing or first, False, bool(announcing)
    return list(own), True, any(m.announces for m in own)


def arrival_line(own: Sequence[MentionRow], key: Callable[[MentionRow], Any]) -> MentionRow:
    """The one line a party's arrival is dated by (`arrival_lines`), the least by `key`; among undated
    releases only, an announcing one."""
    lines, estimated, _ = arrival_lines(own)
    if estimated:
        lines = [m for m in lines if m.announces] or lines
    return min(lines, key=key)


def _arrival(mentions: Sequence[MentionRow]) -> tuple[dt.date, bool, bool]:
    """(first seen, estimated, announced) from one party's mentions of one role."""
    lines, estimated, announced = arrival_lines(mentions)
    return min(m.date for m in lines), estimated, announced


@dataclass(slots=True)
class _Party:
    name: str
    kind: str
    category: str
    role: str
    first_seen: dt.date
    estimated: bool
    announced: bool
    earliest_dated: dt.date | None  # its earliest dated mention of this role, announcing or not
    observed_since: dt.date | None
    company: str
    mentions: tuple[MentionRow, ...]
    targets: tuple[str, ...]

    @property
    def rank(self) -> tuple[bool, dt.date, bool, str]:
        """Dated parties by first seen (an announcement before a mention of the same day), then estimated
        dates; ties by name."""
        return (self.estimated, self.first_seen, not self.announced, self.name)

    def observed_on(self, day: dt.date) -> bool:
        """Was it watched on `day`, with no sign of the feature before it and a datable arrival?"""
        return (self.observed_since is not None and self.observed_since <= day and not self.estimated
                and (self.earliest_dated is None or self.earliest_dated >= day))


def _party(name: str, mentions: list[MentionRow], observed: Mapping[str, dt.date | None] | None,
           companies: Mapping[str, str]) -> _Party:
    role, own = own_lines(mentions)
    first_seen, estimated, announced = _arrival(own)
    dated = [m.date for m in own if not m.date_estimated]
    # Without observation windows (callers that have none) every party counts as watched from the start.
    since = dt.date.min if observed is None else observed.get(name)
    ordered = tuple(sorted(mentions, key=lambda m: (m.date, m.entry_id)))
    targets = tuple(sorted({m.target for m in own if m.role == SUPPORT and m.target}))
    return _Party(name, mentions[0].party_kind, mentions[0].party_category, role, first_seen, estimated, announced,
                  min(dated) if dated else None, since, companies.get(name) or name, ordered, targets)


def _statuses(group: list[_Party]) -> tuple[list[tuple[_Party, str]], bool]:
    """Each party of one role with its status, first mover first; and whether the first mover is certain."""
    group.sort(key=lambda p: p.rank)
    first = group[0]
    day = first.first_seen
    by_company: dict[str, list[_Party]] = defaultdict(list)
    for p in group:
        by_company[p.company].append(p)
    out: list[tuple[_Party, str]] = []
    for p in group:
        lines = by_company[p.company]
        if p is first:
            status = FIRST
        elif p is not lines[0]:
            status = SAME_COMPANY
        elif p.estimated:
            status = UNDATED
        elif not p.announced:
            status = UNANNOUNCED
        elif not (first.announced and not first.estimated):
            status = UNDATED  # nothing to measure a lag from
        elif all(line.observed_since is not None and line.observed_since <= day for line in lines):
            status = COPIED
        else:
            status = PRESENT_AT_START
        out.append((p, status))
    # A first mover seen on the first day of its own tracking may have had it long before, like the others.
    began_with_it = first.observed_since is not None and first.observed_since >= day
    certain = first.announced and not first.estimated and not began_with_it and all(p.observed_on(day) for p in group[1:])
    return out, certain


class Window(Protocol):
    """What statistics need to know of a party besides its mentions (`catalog.queries.PartyWindow` is one)."""

    @property
    def observed_since(self) -> dt.date | None: ...  # its earliest dated release
    @property
    def company(self) -> str: ...  # "" when the party is its own company


@dataclass(frozen=True, slots=True)
class ObservedWindow:
    observed_since: dt.date | None
    company: str = ""


def build_timeline(feature: FeatureDef, by_party: Mapping[str, list[MentionRow]], *, detected_at: str = "",
                   windows: Mapping[str, Window] | None = None) -> Timeline:
    observed = None if windows is None else {name: w.observed_since for name, w in windows.items()}
    companies = {} if windows is None else {name: w.company for name, w in windows.items() if w.company}
    parties = [_party(name, ms, observed, companies) for name, ms in by_party.items()]
    roles = {p.role for p in parties}
    lead_role = NATIVE if NATIVE in roles else SUPPORT
    groups = {role: _statuses([p for p in parties if p.role == role]) for role in (lead_role, *(roles - {lead_role}))}
    native_first = groups[NATIVE][0][0][0] if NATIVE in groups else None
    presences: list[Presence] = []
    for role, (members, _certain) in groups.items():
        start = members[0][0].first_seen
        for p, status in members:
            adoption = None
            if (role == SUPPORT and native_first is not None and native_first.announced and not native_first.estimated
                    and status in (FIRST, COPIED, PRESENT_AT_START) and p.announced and not p.estimated
                    and p.observed_since is not None and p.observed_since <= native_first.first_seen):
                adoption = (p.first_seen - native_first.first_seen).days
            presences.append(Presence(
                p.name, p.kind, p.category, p.first_seen, p.estimated, (p.first_seen - start).days, p.mentions,
                role=role, status=status, company=p.company if p.company != p.name else "",
                observed_since=None if p.observed_since == dt.date.min else p.observed_since,
                announced=p.announced, targets=p.targets, adoption_days=adoption,
            ))
    return Timeline(feature, tuple(presences), detected_at, groups[lead_role][1])


def build_timelines(
    features: Iterable[FeatureDef], rows: Iterable[MentionRow], detected: dict[str, str] | None = None, *,
    windows: Mapping[str, Window] | None = None, as_of: dt.date | None = None,
) -> list[Timeline]:
    """Group linked mentions into one timeline per feature, ordered by the first mover's date.

    `windows` gives each party's observation window and company; without them every party
    counts as observed from the start and as its own company. With `as_of`, mentions with a
    published date after it are dropped and windows that had not begun by then count as not
    begun; undated mentions stay (their real date is unknown, so they may well be older).
    """
    if as_of is not None:
        rows = [r for r in rows if r.date_estimated or r.date <= as_of]
        if windows is not None:
            windows = {name: ObservedWindow(w.observed_since if w.observed_since and w.observed_since <= as_of else None,
                                            w.company) for name, w in windows.items()}
    by_feature: dict[str, dict[str, list[MentionRow]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_feature[row.feature_key][row.party].append(row)
    timelines = [
        build_timeline(f, by_feature[f.key], detected_at=(detected or {}).get(f.key, ""), windows=windows)
        for f in features if by_feature.get(f.key)
    ]
    timelines.sort(key=lambda t: (t.first.first_seen, t.key))
    return timelines
