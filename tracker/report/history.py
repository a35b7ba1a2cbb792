"""What changed since the previous report: its generation time is kept next to the pages.

`report-state.json` in the output folder records when the report was generated. The next
report calls a feature new when the matcher first linked it (`feature.detected_at`) after
that time, and a copy new when a follower's first link to a feature
(`feature_link.detected_at`) came after it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from tracker.metrics import Presence, Timeline

STATE_FILE = "report-state.json"
STATE_VERSION = 1


@dataclass(frozen=True, slots=True)
class NewCopy:
    timeline: Timeline
    presence: Presence
    detected_at: dt.datetime


@dataclass(frozen=True, slots=True)
class WhatsNew:
    previous: dt.datetime | None  # None: first report, everything is new
    features: tuple[Timeline, ...]
    copies: tuple[NewCopy, ...]


def parse_stamp(value: str) -> dt.datetime | None:
    try:
        stamp = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return stamp.astimezone(dt.UTC).replace(tzinfo=None) if stamp.tzinfo else stamp


def load_previous(out_dir: Path) -> dt.datetime | None:
    """The previous report's generation time, or None (first report, or an unreadable state file)."""
    try:
        data = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("generated_at") if isinstance(data, dict) else None
    return parse_stamp(value) if isinstance(value, str) else None


def state_json(generated_at: dt.datetime, *, features: int, copies: int) -> str:
    return json.dumps(
        {"version": STATE_VERSION, "generated_at": generated_at.isoformat(sep=" "), "features": features,
         "copies": copies},
        indent=2,
    ) + "\n"


def _first_detection(presence: Presence) -> dt.datetime | None:
    stamps = [s for m in presence.mentions if (s := parse_stamp(m.detected_at)) is not None]
    return min(stamps) if stamps else None


def whats_new(timelines: list[Timeline], previous: dt.datetime | None) -> WhatsNew:
    """Features and copies detected after `previous` (all of them when there was no previous report)."""
    features = []
    copies = []
    for t in timelines:
        detected = parse_stamp(t.detected_at) if t.detected_at else None
        if previous is None or (detected is not None and detected > previous):
            features.append(t)
        for p in t.followers:
            first = _first_detection(p)
            if previous is None or (first is not None and first > previous):
                copies.append(NewCopy(t, p, first or dt.datetime.min))
    features.sort(key=lambda t: (-len(t.parties), t.feature.name.casefold()))
    copies.sort(key=lambda c: (c.timeline.feature.name.casefold(), c.presence.party))
    copies.sort(key=lambda c: c.detected_at, reverse=True)  # newest first, then by name
    return WhatsNew(previous, tuple(features), tuple(copies))
