"""Match catalog mentions to features: the entry point the pipeline calls.

`match(mentions, taxonomy, state=previous.state)` links only the new mentions (admission,
blocking, rules) and adds them to the state; the features and links it returns are then
computed from the whole state, so matching in batches equals matching everything at once.

Final links apply one cross-entry rule: on a line that names several capabilities, those
the party already shipped on an earlier date are context, not launches, and are dropped as
long as one capability on the line is new for the party.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.match.admission import RETIREMENT, announcement
from tracker.match.discovery import candidate_phrases, discover
from tracker.match.linker import Hit, link_entry
from tracker.match.model import MatchOutcome
from tracker.model import DISCOVERED, TAXONOMY, FeatureDef, Link, Mention
from tracker.match.state import EntryRecord, MatchState
from tracker.match.taxonomy import Taxonomy
from tracker.match.text import read

DISCOVERED_SCORE = 0.5
# Bump when admission, linking or phrase extraction change: stored states are then rebuilt.
RECORDS_VERSION = "1"


class StaleStateError(ValueError):
    """The state was built with another taxonomy or matcher version: match all mentions afresh."""


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """Knobs of the matcher, with the defaults the benchmarks were run with."""

    # Settings only shape the features and links computed from the state, never the state itself,
    # so a state stays valid when they change.
    discover: bool = True
    discovery_min_parties: int = 3  # parties that must share a phrase
    discovery_max_entry_share: float = 0.01  # more common phrases are generic words, not capabilities
    discovery_coverage: float = 0.5  # share of a phrase's entries one taxonomy feature may hold
    discovery_merge_overlap: float = 0.5  # entry overlap that merges two phrases into one feature
    novelty: bool = True  # drop capabilities a party already shipped from multi-capability lines



def match(
    mentions: Sequence[Mention],
    taxonomy: Taxonomy,
    *,
    state: MatchState | None = None,
    settings: MatchSettings = MatchSettings(),
) -> MatchOutcome:
    """Link `mentions` (new or changed entries) and return all current features and links.

    With `state` (from a previous outcome), only `mentions` are linked; an entry offered again
    replaces its earlier version. Raises StaleStateError when the state was built with another
    taxonomy or matcher version.
    """
    if state is None:
        state = MatchState()
    elif not state.compatible_with(taxonomy.digest, RECORDS_VERSION):
        raise StaleStateError(
            "the match state was built with another taxonomy or matcher version; match all mentions without a state"
        )
    state = state.copy()
    state.taxonomy_digest, state.records_version = taxonomy.digest, RECORDS_VERSION
    context_cache: dict[str, list[Hit]] = {}
    for mention in _unique(mentions):
        record = _record(mention, taxonomy, context_cache)
        if record is None:
            state.entries.pop(mention.entry_id, None)
        else:
            state.entries[mention.entry_id] = record
    features, links = finalise(state, taxonomy, settings)
    return MatchOutcome(features=features, links=links, state=state)


def finalise(
    state: MatchState, taxonomy: Taxonomy, settings: MatchSettings
) -> tuple[tuple[FeatureDef, ...], tuple[Link, ...]]:
    """Features and links of the whole state (a pure function of its set of records)."""
    entries = state.entries
    kept = _novel_hits(entries) if settings.novelty else {e: r.hits for e, r in entries.items()}
    links = [Link(eid, key, rule, score) for eid, hits in kept.items() for key, rule, score in hits]
    features = [
        FeatureDef(c.key, c.name, c.definition, c.category, TAXONOMY) for c in taxonomy.capabilities
    ]
    if settings.discover:
        linked = {eid: [h[0] for h in hits] for eid, hits in kept.items() if hits}
        for found in discover(
            entries, linked, taxonomy,
            min_parties=settings.discovery_min_parties,
            max_entry_share=settings.discovery_max_entry_share,
            coverage=settings.discovery_coverage,
            merge_overlap=settings.discovery_merge_overlap,
        ):
            features.append(FeatureDef(
                found.key, found.name,
                f"Capability discovered from the phrase '{found.phrase}', used by {len(found.parties)} parties "
                f"({', '.join(found.parties)}).",
                found.category, DISCOVERED,
            ))
            links.extend(Link(eid, found.key, f"phrase:{found.phrase}", DISCOVERED_SCORE) for eid in found.entry_ids)
    features.sort(key=lambda f: f.key)
    links.sort(key=lambda link: (link.entry_id, link.feature_key))
    return tuple(features), tuple(links)


def _unique(mentions: Sequence[Mention]) -> list[Mention]:
    """One mention per entry id, chosen independently of input order."""
    chosen: dict[int, Mention] = {}
    for m in mentions:
        old = chosen.get(m.entry_id)
        if old is None or _order(m) > _order(old):
            chosen[m.entry_id] = m
    return [chosen[k] for k in sorted(chosen)]


def _order(m: Mention) -> tuple[object, ...]:
    return (m.date, m.source_url, m.line, m.version, m.text, m.raw, m.context, m.kind, m.party)


def _record(mention: Mention, taxonomy: Taxonomy, context_cache: dict[str, list[Hit]]) -> EntryRecord | None:
    kind = announcement(mention.kind, mention.text, mention.scope, mention.section)
    if kind is None:
        return None
    retiring = kind == RETIREMENT
    reading = read(mention.text)
    hits = link_entry(
        mention.text, mention.context, mention.raw, taxonomy,
        reading=reading, context_hits=context_cache, retirement=retiring,
    )
    if retiring and not hits:
        return None
    caps = taxonomy.capabilities
    return EntryRecord(
        party=mention.party,
        category=mention.category,
        date=mention.date,
        date_estimated=mention.date_estimated,
        hits=tuple(sorted((caps[h.capability].key, h.rule, h.score) for h in hits)),
        phrases=() if retiring else candidate_phrases(reading.words, taxonomy.ignore_words),
    )


def _novel_hits(entries: dict[int, EntryRecord]) -> dict[int, tuple[tuple[str, str, float], ...]]:
    first: dict[tuple[str, str], dt.date] = {}
    for rec in entries.values():
        for key, _, _ in rec.hits:
            k = (rec.party, key)
            if k not in first or rec.date < first[k]:
                first[k] = rec.date
    kept: dict[int, tuple[tuple[str, str, float], ...]] = {}
    for eid, rec in entries.items():
        hits = rec.hits
        if len(hits) > 1:
            new = tuple(h for h in hits if first[(rec.party, h[0])] >= rec.date)
            if new:
                hits = new
        kept[eid] = hits
    return kept
