"""What a matching run returns (`MatchOutcome`); the values it reads and writes (`Mention`,
`FeatureDef`, `Link`) are shared with the catalog and live in `tracker.model`."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.match.state import MatchState
from tracker.model import FeatureDef, Link


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """All current features and links after a run, plus the state the next run starts from."""

    features: tuple[FeatureDef, ...]
    links: tuple[Link, ...]
    state: MatchState
