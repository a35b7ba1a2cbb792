"""`tracker review` shows each party's line as the statistics read it (`match.review`)."""

from __future__ import annotations

import datetime as dt
from itertools import count

from tracker.match.review import first_seen
from tracker.metrics import build_timelines
from tracker.metrics.timeline import ObservedWindow
from tracker.model import NATIVE, SUPPORT, FeatureDef, MentionRow

_ids = count(1)


def row(party: str, day: str, *, estimated: bool = False, announces: bool = True, role: str = NATIVE) -> MentionRow:
    return MentionRow(
        feature_key="f", entry_id=next(_ids), party=party, party_kind="startup", party_category="llm-api",
        source_url=f"https://{party.lower()}.test/CHANGELOG.md", release_url="", version="1.0.0",
        date=dt.date.fromisoformat(day), date_estimated=estimated, text=f"line of {party}", raw=f"- line of {party}",
        line=3, kind="feature", rule="alias", detected_at="2026-11-29 06:00:00", role=role, target="",
        announces=announces,
    )


def test_the_line_shown_is_the_one_the_statistics_date_the_party_by() -> None:
    rows = [
        row("Acme", "2024-01-01"),
        # Bolt: a dated mention, and an announcing line of an undated release (dated the day it was crawled)
        row("Bolt", "2025-03-02", announces=False), row("Bolt", "2026-12-04", estimated=True),
        # Cobalt: a support line first, then its own native launch
        row("Cobalt", "2024-02-01", role=SUPPORT), row("Cobalt", "2024-06-01"),
    ]
    shown = {p.party: p for p in first_seen(rows)["f"]}
    assert (shown["Bolt"].row.date, shown["Bolt"].announcing) == (dt.date(2025, 3, 2), False)
    assert (shown["Cobalt"].row.date, shown["Cobalt"].row.role) == (dt.date(2024, 6, 1), NATIVE)
    timeline = build_timelines([FeatureDef("f", "F", "", "llm-api", "taxonomy")], rows, {},
                               windows={p: ObservedWindow(dt.date(2020, 1, 1)) for p in ("Acme", "Bolt", "Cobalt")},
                               as_of=dt.date(2026, 12, 4))[0]
    for p in timeline.parties:
        assert shown[p.party].row.date == p.first_seen, p.party
