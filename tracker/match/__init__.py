"""Match changelog mentions to AI-infrastructure capabilities and discover new ones.

    taxonomy = load_taxonomy()                                 # the shipped taxonomy
    outcome = match(mentions, taxonomy)                        # from scratch
    outcome = match(new_mentions, taxonomy, state=outcome.state)  # incrementally, same result

Modules: `model` (value objects), `text` (normalisation), `taxonomy` + `blocking` (the
curated capabilities and their index), `admission` (which lines announce launches), `linker`
(rules per entry), `discovery` (phrases shared by parties), `state` (what runs keep),
`matcher` (the entry point), `evaluate` (scoring against gold labels).
"""

from tracker.match.matcher import MatchSettings, StaleStateError, match
from tracker.match.model import MatchOutcome
from tracker.model import DISCOVERED, TAXONOMY, FeatureDef, Link, Mention
from tracker.match.state import MatchState
from tracker.match.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "DISCOVERED",
    "TAXONOMY",
    "FeatureDef",
    "Link",
    "MatchOutcome",
    "MatchSettings",
    "MatchState",
    "Mention",
    "StaleStateError",
    "Taxonomy",
    "load_taxonomy",
    "match",
]
