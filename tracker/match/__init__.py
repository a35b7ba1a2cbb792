"""Match changelog mentions to AI-infrastructure capabilities and discover new ones.

    taxonomy = load_taxonomy()                                 # the shipped taxonomy
    outcome = match(mentions, taxonomy)                        # from scratch
    outcome = match(new_mentions, taxonomy, state=outcome.state)  # incrementally, same result

Modules: `model` (value objects), `text` (normalisation), `taxonomy` + `blocking` (the
curated capabilities and their index), `targets` (integration targets, integration
capabilities, role policy), `admission` (which lines can announce launches), `linker` (rules
per entry), `objects` + `roles` (integration features `capability@target`, native or support),
`announces` (announcing vs mentioning lines), `discovery` (phrases parties announce), `state`
(what runs keep), `matcher` (the entry point), `evaluate` + `holdout` (scoring against gold
labels, leave-one-party-out), `review` (samples to check by eye).
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
