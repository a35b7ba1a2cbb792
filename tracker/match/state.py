"""What incremental matching keeps between runs: per admitted entry, its hits and key phrases.

Linking an entry (the regex work) happens once, when the entry is first offered; the
features and links of a run are then a pure function of the whole set of records
(`finalise`), so matching in batches gives exactly what matching everything at once gives.
The JSON form is canonical: the same records always serialise to the same text.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

STATE_VERSION = 2


# One link of an entry as stored: (feature key, rule, score, role, target, announces).
StoredHit = tuple[str, str, float, str, str, bool]


@dataclass(frozen=True, slots=True)
class EntryRecord:
    """An admitted entry as the matcher remembers it."""

    party: str
    category: str
    date: dt.date
    date_estimated: bool
    hits: tuple[StoredHit, ...]  # (feature key, rule, score, role, target, announces)
    phrases: tuple[str, ...]  # candidate key phrases for discovery, as written (lower-case)


@dataclass(slots=True)
class MatchState:
    """Everything incremental matching needs between runs; see `to_json` / `from_json`."""

    taxonomy_digest: str = ""
    records_version: str = ""  # how records were made (admission, rules, phrase extraction)
    entries: dict[int, EntryRecord] = field(default_factory=dict)

    def compatible_with(self, taxonomy_digest: str, records_version: str) -> bool:
        """False when the taxonomy or the matcher's record-making changed: rebuild from all mentions then."""
        if not self.entries:
            return True
        return (self.taxonomy_digest, self.records_version) == (taxonomy_digest, records_version)

    def copy(self) -> MatchState:
        return MatchState(self.taxonomy_digest, self.records_version, dict(self.entries))

    def to_json(self) -> str:
        vocab = sorted({p for rec in self.entries.values() for p in rec.phrases})
        number = {p: i for i, p in enumerate(vocab)}
        rows = [
            [
                eid, rec.party, rec.category, rec.date.isoformat(), int(rec.date_estimated),
                [list(h) for h in rec.hits], sorted(number[p] for p in rec.phrases),
            ]
            for eid, rec in sorted(self.entries.items())
        ]
        return json.dumps(
            {
                "version": STATE_VERSION,
                "taxonomy_digest": self.taxonomy_digest,
                "records_version": self.records_version,
                "phrases": vocab,
                "entries": rows,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> MatchState:
        data = json.loads(text)
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"match state version {data.get('version')!r} is not {STATE_VERSION}; rebuild it")
        vocab = data["phrases"]
        entries = {
            int(eid): EntryRecord(
                party=party,
                category=category,
                date=dt.date.fromisoformat(day),
                date_estimated=bool(estimated),
                hits=tuple((str(k), str(r), float(s), str(role), str(t), bool(a)) for k, r, s, role, t, a in hits),
                phrases=tuple(vocab[i] for i in phrases),
            )
            for eid, party, category, day, estimated, hits, phrases in data["entries"]
        }
        return cls(data["taxonomy_digest"], data["records_version"], entries)
