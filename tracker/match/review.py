"""Reproducible samples of the matcher's output for checking by eye (`tracker review`).

A party's *first-seen line* in a feature is the line the statistics date its arrival by: among
the links of its role (native when it has any), its earliest dated link, an announcing one of that
day when there is one (undated releases only when it has no dated link). A party whose first dated
link does not announce the capability (a fix, tweak or extension of it, or a passing mention) had
the feature by then but shows no launch to date it by: statistics leave it out (status
`unannounced`), and the review lists it apart, under "also had it", with that line. A feature is
drawn when two or more parties announce it: those are the features whose copy lag the report
can measure.
The review command also shows each party's status in the feature's timeline, in the words of
the report's pages: the lines of the first mover and of parties that `copied` it are the ones
that date a lag in the statistics; a party whose tracking began after the first mover shipped
(`present_at_start`) is shown with its first line, but no lag is drawn from it.
The same seed over the same catalog always draws the same sample.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.metrics.timeline import arrival_line, own_lines
from tracker.model import FeatureDef, MentionRow


@dataclass(frozen=True, slots=True)
class FirstSeen:
    party: str
    row: MentionRow
    announcing: bool  # False: the party has no announcing line in this feature


@dataclass(frozen=True, slots=True)
class FeatureSample:
    feature: FeatureDef
    parties: tuple[FirstSeen, ...]  # parties that announce it, earliest first
    mentioned: tuple[FirstSeen, ...] = ()  # parties with mentions only, earliest first


def first_seen(rows: Iterable[MentionRow]) -> dict[str, list[FirstSeen]]:
    """Each feature's parties with their first-seen line, earliest party first."""
    by_party: defaultdict[tuple[str, str], list[MentionRow]] = defaultdict(list)
    for row in rows:
        by_party[(row.feature_key, row.party)].append(row)
    found: defaultdict[str, list[FirstSeen]] = defaultdict(list)
    for (key, party), rows_of_party in by_party.items():
        first, announcing = _arrival(rows_of_party)
        found[key].append(FirstSeen(party, first, announcing))
    for parties in found.values():
        parties.sort(key=lambda p: (p.row.date_estimated, p.row.date, p.party))
    return dict(found)


def _arrival(rows: Sequence[MentionRow]) -> tuple[MentionRow, bool]:
    """The line that dates a party's arrival, as the statistics read it (`metrics.timeline.arrival_line`),
    and whether it announces the capability (an announcing line is chosen whenever there is one)."""
    line = arrival_line(own_lines(rows)[1], key=_age)
    return line, line.announces


def _age(row: MentionRow) -> tuple[object, ...]:
    """Oldest first: by date; among undated releases (all dated the day they were first seen) by version."""
    version = tuple(int(n) for n in re.findall(r"\d+", row.version)[:4]) if row.date_estimated else ()
    return (row.date_estimated, row.date, version, row.source_url, row.line, row.entry_id)


def sample_features(
    features: Sequence[FeatureDef], rows: Iterable[MentionRow], *, size: int, seed: int
) -> list[FeatureSample]:
    """`size` random features announced by two or more parties, each with every party's first-seen line."""
    firsts = first_seen(rows)
    announced = {key: [p for p in parties if p.announcing] for key, parties in firsts.items()}
    candidates = sorted((f for f in features if len(announced.get(f.key, ())) >= 2), key=lambda f: f.key)
    chosen = random.Random(seed).sample(candidates, min(size, len(candidates)))
    return [FeatureSample(f, tuple(announced[f.key]), tuple(p for p in firsts[f.key] if not p.announcing))
            for f in chosen]


def sample_links(rows: Iterable[MentionRow], *, role: str, size: int, seed: int) -> list[MentionRow]:
    """`size` random linked mentions with this role."""
    candidates = sorted((r for r in rows if r.role == role), key=lambda r: (r.feature_key, r.entry_id))
    return random.Random(seed).sample(candidates, min(size, len(candidates)))
