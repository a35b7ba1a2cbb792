"""Linking hand-written entries of invented parties: capabilities, near misses, fixes, discovery, incrementality."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import defaultdict

import pytest

from matchkit import load_fixture

from tracker.match.admission import LAUNCH, RETIREMENT, announcement
from tracker.match.matcher import RECORDS_VERSION, MatchSettings, StaleStateError, match
from tracker.match.model import MatchOutcome
from tracker.model import DISCOVERED, TAXONOMY, Mention
from tracker.match.state import MatchState
from tracker.match.taxonomy import Taxonomy, load_taxonomy, shipped_taxonomy_path

TAXONOMY_PATH = shipped_taxonomy_path()


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(TAXONOMY_PATH)


@pytest.fixture(scope="module")
def entries() -> tuple[Mention, ...]:
    return load_fixture()[0]


@pytest.fixture(scope="module")
def outcome(entries: tuple[Mention, ...], taxonomy: Taxonomy) -> MatchOutcome:
    return match(entries, taxonomy)


def linked(outcome: MatchOutcome, *, discovered: bool = False) -> dict[int, set[str]]:
    origin = {f.key: f.origin for f in outcome.features}
    found: dict[int, set[str]] = defaultdict(set)
    for link in outcome.links:
        if discovered or origin[link.feature_key] == TAXONOMY:
            found[link.entry_id].add(link.feature_key)
    return found


def test_every_fixture_entry_gets_exactly_its_capabilities(outcome: MatchOutcome) -> None:
    _, expected = load_fixture()
    found = linked(outcome)
    assert {eid: found.get(eid, set()) for eid in expected} == {eid: set(exp) for eid, exp in expected.items()}


def test_homonyms_requirements_and_passing_mentions_are_not_launches(taxonomy: Taxonomy) -> None:
    # "fallback authentication option", an SDK's own rate limiting, "Azure AD auth" for an API client,
    # "tracking" read as tracing, a TokenCount UI component: each next to the phrasing that does count.
    entries, expected = load_fixture("homonyms.toml")
    found = linked(match(entries, taxonomy, settings=MatchSettings(discover=False)))
    assert {eid: found.get(eid, set()) for eid in expected} == {eid: set(exp) for eid, exp in expected.items()}


def test_one_line_can_announce_several_capabilities(outcome: MatchOutcome) -> None:
    assert linked(outcome)[5] == {"batch-inference-api", "files-api", "code-execution-tool"}


def test_near_misses_stay_apart(outcome: MatchOutcome) -> None:
    found = linked(outcome)
    assert found[1] == found[4] == {"prompt-caching"}
    assert found[2] == {"cache-token-tracking"}  # observing cache tokens is not providing a cache
    assert found[3] == {"semantic-cache"}  # caching whole responses is not prefix caching
    assert found[11] == {"online-evaluation"}  # judges on production traces: the narrower reading wins
    assert found[12] == {"annotation-queues"} and found[13] == {"human-feedback-scores"}


def test_fixes_chores_and_bumps_are_not_launches(outcome: MatchOutcome) -> None:
    found = linked(outcome, discovered=True)
    assert not found.get(7) and not found.get(14) and not found.get(21)
    assert announcement("fix", "Fix a bug in structured outputs") is None
    assert announcement("fix", "add reasoning_effort to all methods") == LAUNCH
    assert announcement("fix", "add missing prompt_cache_key param") is None
    assert announcement("other", "fix (provider/openai): handle empty tool calls") is None
    assert announcement("feature", "[Tracking] Fix database migration") is None
    assert announcement("feature", "Removed the legacy completions endpoint") == RETIREMENT
    assert announcement("feature", "We are currently working on online evaluations") is None


def test_nested_bullet_inherits_its_parent(outcome: MatchOutcome) -> None:
    rules = {link.rule for link in outcome.links if link.entry_id == 19}
    assert rules and all(rule.startswith("context:") for rule in rules)


def test_unknown_capability_announced_by_several_parties_is_discovered(outcome: MatchOutcome) -> None:
    discovered = [f for f in outcome.features if f.origin == DISCOVERED]
    assert [f.key for f in discovered] == ["discovered-shadow-traffic-mirroring"]
    feature = discovered[0]
    assert feature.name == "Shadow traffic mirroring" and "3 parties" in feature.definition
    members = {link.entry_id for link in outcome.links if link.feature_key == feature.key}
    assert members == {15, 16, 17}


def discovered_members(outcome: MatchOutcome) -> dict[str, set[int]]:
    keys = {f.key for f in outcome.features if f.origin == DISCOVERED}
    found: dict[str, set[int]] = defaultdict(set)
    for link in outcome.links:
        if link.feature_key in keys:
            found[link.feature_key].add(link.entry_id)
    return dict(found)


def test_discovery_needs_two_parties_announcing_within_the_window(
    entries: tuple[Mention, ...], taxonomy: Taxonomy
) -> None:
    two = [m for m in entries if m.entry_id != 17]  # Tessellate (Feb) and Orchard Cloud (Mar) remain
    assert discovered_members(match(two, taxonomy)) == {"discovered-shadow-traffic-mirroring": {15, 16}}
    one = [m for m in two if m.entry_id != 16]
    assert discovered_members(match(one, taxonomy)) == {}
    # the same two announcements two years apart are a phrase that turns up again, not a copied launch
    apart = [dataclasses.replace(m, date=dt.date(2027, 3, 1)) if m.entry_id == 16 else m for m in two]
    assert discovered_members(match(apart, taxonomy)) == {}
    assert discovered_members(match(apart, taxonomy, settings=MatchSettings(discovery_window_days=800))) == {
        "discovered-shadow-traffic-mirroring": {15, 16}
    }
    # a line that fixes or tweaks the thing does not announce the phrase
    tweak = [dataclasses.replace(m, text="Improve shadow traffic mirroring latency") if m.entry_id == 16 else m
             for m in two]
    assert discovered_members(match(tweak, taxonomy)) == {}
    assert discovered_members(match(entries, taxonomy, settings=MatchSettings(discover=False))) == {}


def test_code_identifiers_name_no_capability(taxonomy: Taxonomy) -> None:
    base = load_fixture()[0][0]
    lines = ["Add `audio_timestamp` to GenerationConfig", "Support audio_timestamp in types.GenerationConfig"]
    entries = [dataclasses.replace(base, entry_id=200 + i, party=f"Party {i}", text=t, raw=f"- {t}")
               for i, t in enumerate(lines)]
    assert discovered_members(match(entries, taxonomy)) == {}
    # nor do a program's structure words: a package's entry points, a response's finish reason
    for lines in (["instrumentations: add entry points to support auto-instrumentation",
                   "Add entry point for the span propagator"],
                  ["feat(assertions): add finish reason as assertion option", "Add finish reason to stream results"]):
        entries = [dataclasses.replace(base, entry_id=205 + i, party=f"Party {i}", text=t, raw=f"- {t}")
                   for i, t in enumerate(lines)]
        assert discovered_members(match(entries, taxonomy)) == {}, lines


def test_a_modifier_shared_by_different_things_is_not_discovered(taxonomy: Taxonomy) -> None:
    base = load_fixture()[0][0]

    def discovered(lines: list[str]) -> dict[str, set[int]]:
        entries = [dataclasses.replace(base, entry_id=220 + i, party=f"Party {i}", text=t, raw=f"- {t}")
                   for i, t in enumerate(lines)]
        return discovered_members(match(entries, taxonomy))

    # "multi-turn" qualifies three different launches: a jailbreak, an agent's input, a conversation
    assert discovered(["feat: multi-turn jailbreak", "Adds multi-turn input support for an agent node",
                       "Add session commands for multi-turn conversation support"]) == {}
    # the same words as the thing launched are discovered
    assert discovered(["feat: multi-turn whiteboards", "Adds multi-turn whiteboards for agent nodes"]) == {
        "discovered-multi-turn-whiteboards": {220, 221}}
    # ... but not when the line launches a part of it ("add WebSocket stream IDs")
    assert discovered(["feat: multi-turn whiteboards", "Add multi-turn whiteboard IDs for agent nodes"]) == {}


def test_what_a_code_value_is_put_into_is_not_launched(entries: tuple[Mention, ...], taxonomy: Taxonomy) -> None:
    base = entries[0]

    def with_lines(lines: list[str]) -> dict[str, set[int]]:
        added = [dataclasses.replace(base, entry_id=210 + i, party=f"Party {i}", text=t.replace("`", ""),
                                     raw=f"- {t}") for i, t in enumerate(lines)]
        found = discovered_members(match([*entries, *added], taxonomy))
        return {k: v for k, v in found.items() if v & {210, 211}}

    # the same phrase as what two parties launch is discovered ...
    assert with_lines(["Add shadow mirroring support to the chat API", "New shadow mirroring support for agents"]) == {
        "discovered-shadow-mirroring": {210, 211}}
    # ... as where a code value goes, it is not ("Add `TOO_MANY_TOOL_CALLS` to FinishReason enum")
    assert with_lines(["Add `HIT_CAP` to Shadow Mirroring enum",
                       "Add `SLOW_PATH` to Shadow Mirroring values"]) == {}


def test_capability_a_party_already_shipped_is_context_on_a_later_line(taxonomy: Taxonomy) -> None:
    base = load_fixture()[0][0]  # Nimbus AI, prompt caching, 2024-03-01
    later = dataclasses.replace(
        base, entry_id=99, date=dt.date(2024, 12, 1), text="Add computer use tool and prompt caching support"
    )
    found = linked(match([base, later], taxonomy))
    assert found[99] == {"computer-use"}
    alone = linked(match([later], taxonomy))
    assert alone[99] == {"computer-use", "prompt-caching"}


def test_incremental_equals_rebuild(entries: tuple[Mention, ...], taxonomy: Taxonomy, outcome: MatchOutcome) -> None:
    first = match(entries[:9], taxonomy)
    restored = MatchState.from_json(first.state.to_json())
    second = match(entries[9:], taxonomy, state=restored)
    assert second.features == outcome.features
    assert second.links == outcome.links
    assert second.state.to_json() == outcome.state.to_json()


def test_batches_in_any_order_and_shuffled_input_give_the_same_result(
    entries: tuple[Mention, ...], taxonomy: Taxonomy, outcome: MatchOutcome
) -> None:
    rnd = random.Random(7)
    for _ in range(3):
        shuffled = list(entries)
        rnd.shuffle(shuffled)
        cut = rnd.randrange(1, len(shuffled))
        late_first = match(shuffled[cut:], taxonomy)
        again = match(shuffled[:cut], taxonomy, state=late_first.state)
        assert (again.features, again.links) == (outcome.features, outcome.links)
        assert match(shuffled, taxonomy).links == outcome.links


def test_re_offered_entry_replaces_its_old_version(entries: tuple[Mention, ...], taxonomy: Taxonomy) -> None:
    first = match(entries, taxonomy)
    edited = dataclasses.replace(entries[0], text="Fix prompt caching beta headers", kind="fix")
    second = match([edited], taxonomy, state=first.state)
    assert 1 not in linked(second)
    assert match([edited, *entries[1:]], taxonomy).links == second.links


def test_state_from_another_taxonomy_is_refused(entries: tuple[Mention, ...], taxonomy: Taxonomy) -> None:
    state = match(entries[:3], taxonomy).state
    other = dataclasses.replace(taxonomy, digest="something-else")
    assert not state.compatible_with(other.digest, RECORDS_VERSION)
    assert not state.compatible_with(taxonomy.digest, RECORDS_VERSION + "-next")
    assert state.compatible_with(taxonomy.digest, RECORDS_VERSION)
    with pytest.raises(StaleStateError):
        match(entries[3:], other, state=state)


def test_links_carry_their_evidence(outcome: MatchOutcome) -> None:
    for link in outcome.links:
        assert link.rule.split(":", 1)[0] in {"alias", "pattern", "context", "phrase", "integration"}
        assert 0 < link.score <= 1
    assert list(outcome.links) == sorted(outcome.links, key=lambda link: (link.entry_id, link.feature_key))
