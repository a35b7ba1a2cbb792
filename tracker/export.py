"""The stable JSON shape of `tracker export features`, read by tools outside the project.

    [{"id", "name", "first_seen", "first_party", "first_mover_certain",
      "parties": [{"party", "kind", "role", "status", "observed_since", "first_seen", "lag_days",
                   "mentions": [{"source_url", "version", "date", "text", "line"}]}]}]

`text` is the entry's raw changelog line and `line` its 1-based line number in the
source document. `status` is first | copied | present_at_start | undated | unannounced |
same_company (see `metrics.timeline`); `lag_days` is the copy lag that counts: 0 for a first
mover with a dated announcement, the lag of a `copied` party, else null. `role` is native |
support; statistics compare parties of the same role. Extra keys (`category`, `origin`,
`estimated`, `company`, `targets`, `adoption_days`, `evidence_url`, ...) may be added; the keys
above keep their names and meaning.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tracker.evidence import evidence_url
from tracker.metrics import Timeline

FEATURE_CSV_COLUMNS = (
    "id", "name", "category", "origin", "first_seen", "first_party", "first_mover_certain", "party", "kind", "role",
    "status", "company", "observed_since", "party_first_seen", "lag_days", "estimated", "mentions",
    "first_mention_source_url", "first_mention_line", "first_mention_text",
)


def feature_record(t: Timeline) -> dict[str, Any]:
    return {
        "id": t.key,
        "name": t.feature.name,
        "category": t.feature.category,
        "origin": t.feature.origin,
        "first_seen": t.first.first_seen.isoformat(),
        "first_party": t.first.party,
        "first_seen_estimated": t.first.estimated,
        "first_mover_dated": t.first.dated,
        "first_mover_certain": t.first_mover_certain,
        "parties": [
            {
                "party": p.party,
                "kind": p.kind,
                "role": p.role,
                "status": p.status,
                "company": p.company,
                "targets": list(p.targets),
                "observed_since": p.observed_since.isoformat() if p.observed_since else None,
                "first_seen": p.first_seen.isoformat(),
                "lag_days": p.copy_lag_days,
                "adoption_days": p.adoption_days,
                "estimated": p.estimated,
                "mentions": [
                    {
                        "source_url": m.source_url,
                        "version": m.version,
                        "date": m.date.isoformat(),
                        "date_estimated": m.date_estimated,
                        "role": m.role,
                        "announces": m.announces,
                        "text": m.raw,
                        "line": m.line,
                        "evidence_url": evidence_url(m.source_url, m.line, m.release_url),
                    }
                    for m in p.mentions
                ],
            }
            for p in t.parties
        ],
    }


def features_json(timelines: Iterable[Timeline]) -> list[dict[str, Any]]:
    return [feature_record(t) for t in timelines]


def features_csv_rows(timelines: Iterable[Timeline]) -> list[dict[str, Any]]:
    """One row per (feature, party): flat enough for a spreadsheet."""
    rows = []
    for t in timelines:
        for p in t.parties:
            first = p.first_mention
            rows.append({
                "id": t.key, "name": t.feature.name, "category": t.feature.category, "origin": t.feature.origin,
                "first_seen": t.first.first_seen.isoformat(), "first_party": t.first.party,
                "first_mover_certain": t.first_mover_certain, "party": p.party, "kind": p.kind, "role": p.role,
                "status": p.status, "company": p.company,
                "observed_since": p.observed_since.isoformat() if p.observed_since else "",
                "party_first_seen": p.first_seen.isoformat(), "lag_days": p.copy_lag_days,
                "estimated": p.estimated, "mentions": len(p.mentions), "first_mention_source_url": first.source_url,
                "first_mention_line": first.line, "first_mention_text": first.raw,
            })
    return rows
