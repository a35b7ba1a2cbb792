"""Value objects of the matcher: what it is offered (`Mention`), what it knows and finds
(`FeatureDef`, `Link`) and what it returns (`MatchOutcome`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.match.state import MatchState

TAXONOMY = "taxonomy"
DISCOVERED = "discovered"


@dataclass(frozen=True, slots=True)
class Mention:
    """One catalog entry offered to the matcher: a changelog line with its release and party."""

    entry_id: int
    party: str
    party_kind: str  # "vendor" | "incumbent" | "startup" | "oss"
    category: str  # the source's market category ("llm-api", "gateway", ...)
    source_url: str
    version: str
    date: dt.date
    date_estimated: bool  # the release had no date; `date` is when the entry was first seen
    kind: str  # EntryKind value: feature, fix, breaking, security, docs, chore, deps, other
    section: str
    text: str  # cleaned line
    context: str  # parent bullet or post title
    scope: str  # conventional-commit / service scope
    raw: str  # the line as written
    line: int


@dataclass(frozen=True, slots=True)
class FeatureDef:
    """A capability: curated in the taxonomy, or discovered from phrases shared by parties."""

    key: str
    name: str
    definition: str
    category: str
    origin: str  # TAXONOMY | DISCOVERED


@dataclass(frozen=True, slots=True)
class Link:
    """Evidence that an entry mentions a feature; `rule` names the alias, pattern or phrase."""

    entry_id: int
    feature_key: str
    rule: str
    score: float


@dataclass(frozen=True, slots=True)
class MatchOutcome:
    """All current features and links after a run, plus the state the next run starts from."""

    features: tuple[FeatureDef, ...]
    links: tuple[Link, ...]
    state: MatchState
