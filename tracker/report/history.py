"""What is new: what the latest match detected. The one definition the report and the digest share.

The matcher stamps each feature and each link with the time it first detected them
(`feature.detected_at`, `feature_link.detected_at`) and records when it last ran
(`match_state.updated_at`). A feature is **new** when it was first detected by that
latest match; a follower's arrival is new when its earliest link to the feature was.
So the daily run's digest and its report list the same news, and rendering the report
again (or into another folder) does not change what is new. When every detection comes
from the latest match (a catalog's first match), everything is new and pages say so
instead of badging every row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.metrics import Presence, Timeline
from tracker.report.headtohead import CopyPair


@dataclass(frozen=True, slots=True)
class NewCopy:
    timeline: Timeline
    presence: Presence
    pair: CopyPair | None  # None: the arrival is not counted as a copy (e.g. only an estimated date)


@dataclass(frozen=True, slots=True)
class WhatsNew:
    matched_at: dt.datetime | None  # the latest match; None when the catalog was never matched
    first: bool  # the latest match was the catalog's first: everything is new
    features: tuple[Timeline, ...]
    copies: tuple[NewCopy, ...]

    @property
    def counted_copies(self) -> tuple[NewCopy, ...]:
        return tuple(c for c in self.copies if c.pair is not None)


def parse_stamp(value: str) -> dt.datetime | None:
    try:
        stamp = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return stamp.astimezone(dt.UTC).replace(tzinfo=None) if stamp.tzinfo else stamp


def first_detection(presence: Presence) -> dt.datetime | None:
    stamps = [s for m in presence.mentions if (s := parse_stamp(m.detected_at)) is not None]
    return min(stamps) if stamps else None


def whats_new(timelines: Sequence[Timeline], matched_at: dt.datetime | None,
              pairs: Iterable[CopyPair] = ()) -> WhatsNew:
    """Features and follower arrivals first detected by the match of `matched_at`.

    `pairs` are the counted copies (`headtohead.copy_pairs`); an arrival that is not one of
    them is still listed, marked as not counted.
    """
    if matched_at is None:
        return WhatsNew(None, False, (), ())
    counted = {(p.feature, p.follower): p for p in pairs}
    features, copies = [], []
    earliest: dt.datetime | None = None
    for t in timelines:
        detected = parse_stamp(t.detected_at) if t.detected_at else None
        if detected is not None and detected >= matched_at:
            features.append(t)
        for i, p in enumerate(t.parties):
            first = first_detection(p)
            if first is not None:
                earliest = first if earliest is None else min(earliest, first)
            if i and first is not None and first >= matched_at:
                copies.append(NewCopy(t, p, counted.get((t.key, p.party))))
    features.sort(key=lambda t: (-len(t.parties), t.feature.name.casefold()))
    copies.sort(key=lambda c: (c.presence.estimated, -c.presence.first_seen.toordinal(),
                               c.timeline.feature.name.casefold(), c.presence.party))
    first_match = earliest is not None and earliest >= matched_at
    return WhatsNew(matched_at, first_match, tuple(features), tuple(copies))
