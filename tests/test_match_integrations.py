"""Integration features (capability × target), roles and announcing lines on hand-written entries."""

from __future__ import annotations

from collections import defaultdict

import pytest

from matchkit import fixture_rows, load_fixture

from tracker.match.matcher import MatchSettings, match
from tracker.match.model import MatchOutcome
from tracker.match.taxonomy import Taxonomy, load_taxonomy
from tracker.model import INTEGRATIONS, NATIVE, SUPPORT, Link, split_integration_key

FIXTURE = "integrations.toml"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="module")
def outcome(taxonomy: Taxonomy) -> MatchOutcome:
    # novelty off: each line is judged on its own, not against what its party shipped before
    return match(load_fixture(FIXTURE)[0], taxonomy, settings=MatchSettings(discover=False, novelty=False))


def links_by_entry(outcome: MatchOutcome) -> dict[int, dict[str, Link]]:
    found: dict[int, dict[str, Link]] = defaultdict(dict)
    for link in outcome.links:
        found[link.entry_id][link.feature_key] = link
    return found


def test_every_entry_gets_exactly_its_features(outcome: MatchOutcome) -> None:
    _, expected = load_fixture(FIXTURE)
    found = links_by_entry(outcome)
    assert {eid: set(found.get(eid, {})) for eid in expected} == {eid: set(exp) for eid, exp in expected.items()}


def test_one_framework_integration_is_one_feature_apart_from_other_targets(outcome: MatchOutcome) -> None:
    members: dict[str, set[str]] = defaultdict(set)
    party = {m.entry_id: m.party for m in load_fixture(FIXTURE)[0]}
    for link in outcome.links:
        members[link.feature_key].add(party[link.entry_id])
    assert members["tracing@langchain"] == {"Lumen Trace", "Obsidian Ops"}  # two vendors, one feature
    assert "tracing@openai" in members and "tracing@openai-agents" in members  # the SDKs stay apart
    assert not members["tracing@openai"] & members["tracing@openai-agents"] - {"Lumen Trace", "Obsidian Ops"}
    assert "llm-tracing" not in members  # the integration replaces the generic reading


def test_integration_features_are_recognisable(outcome: MatchOutcome) -> None:
    by_key = {f.key: f for f in outcome.features}
    langchain = by_key["tracing@langchain"]
    assert langchain.category == INTEGRATIONS and langchain.name == "LangChain tracing"
    assert split_integration_key(langchain.key) == ("tracing", "langchain")
    assert by_key["provider@bedrock"].name == "Amazon Bedrock as a model provider"
    assert split_integration_key("prompt-caching") is None
    linked = {link.feature_key for link in outcome.links}
    assert all(by_key[k].category == INTEGRATIONS for k in linked if split_integration_key(k))


def test_roles_and_targets(outcome: MatchOutcome) -> None:
    found = links_by_entry(outcome)
    checked = 0
    for eid, row in fixture_rows(FIXTURE).items():
        for key, want in dict(row.get("roles", {})).items():
            role, _, target = str(want).partition(":")
            link = found[eid][key]
            assert (link.role, link.target) == (role, target), (eid, key, link)
            checked += 1
    assert checked >= 8
    # every integration link is support of its target
    assert all(link.role == SUPPORT and link.target for link in outcome.links if split_integration_key(link.feature_key))
    assert {link.role for link in outcome.links} == {NATIVE, SUPPORT}


def test_lines_that_tweak_fix_or_extend_mention_without_announcing(outcome: MatchOutcome) -> None:
    found = links_by_entry(outcome)
    for eid, row in fixture_rows(FIXTURE).items():
        quiet = set(row.get("mentions_only", []))
        for key, link in found.get(eid, {}).items():
            assert link.announces == (key not in quiet), (eid, key)


def test_first_seen_comes_from_the_announcing_line(taxonomy: Taxonomy) -> None:
    entries, _ = load_fixture(FIXTURE)
    # the extension (2024-10-01) and the launch (2024-02-01) of Lumen Trace's LangChain integration
    out = match([e for e in entries if e.entry_id in (301, 316)], taxonomy)
    assert {(link.entry_id, link.announces) for link in out.links} == {(301, True), (316, False)}


def test_a_party_never_integrates_its_own_product(taxonomy: Taxonomy) -> None:
    entries, _ = load_fixture(FIXTURE)
    own = [e for e in entries if e.entry_id == 313][0]
    import dataclasses

    openai_itself = dataclasses.replace(own, party="OpenAI", category="llm-api", text="Added the OpenAI Responses API")
    out = match([openai_itself], taxonomy)
    assert [(link.feature_key, link.role, link.target) for link in out.links] == [("responses-api", NATIVE, "")]


@pytest.mark.parametrize(("raw", "announces"), [
    ("- Add prompt caching beta", True),
    ("title: Annotation Queues", True),
    ("- 🆕 **[Vector Stores](../../docs/vector_stores)**", True),  # a label marked new
    ("- **[Bedrock](../../docs/providers/bedrock)**", False),  # the label of a group of changes
    ("- **OpenTelemetry**:", False),  # a heading over a list
    ("- We've fixed a bug where the ASGI scope could leak between requests", False),
    ("## How to trace vision input?", False),
    ("> Claude prompts are different than OpenAI", False),
    ("- Perf improvements for usage-based routing", False),
    ("- Functions now return an HTTP 408 error code instead of a 502", False),
    ("- Over time, we expect managed files to be the way most teams use files", False),
    ("- Separate the guardrail metrics into their own module", False),
    ("- This update enhances the scoring engine to support code evaluators", False),
    ("- Pass extra headers through to the batch API", False),
    ("- Passthrough endpoints for the batch API", True),  # a noun, not the verb "pass"
    ("- The Keras callback has a new option for logging every N batches", False),
    ("- Hoist thread grouping metadata into the trace", False),
    ("- 1a2b3c4: lumen-stream: don't call onFinish twice when retrying", False),
    ("- Never retry batch requests that failed validation", False),
    # a launch says so (a launch word, a title, "now available" ...); a line that only describes does not
    ("- Show a spinner on the usage charts after a date is picked", False),
    ("- `Queue.resize()` and `Pool.resize()` methods let you change the size of a running worker pool", False),
    ("- Scoring rules can now reason over files attached to traces in addition to their text fields", False),
    ("- Trace exports to any OTLP endpoint with the new OpenTelemetry exporter", True),
    ("- Model Registry (Beta). Manage, version and keep lineage of your production models.", True),
    ("- **Batch inference:** run prompts over a whole bucket of files at half the price", True),
    ("- Batch inference is now generally available in every region where the platform runs", True),
    ("- OpenTelemetry-native instrumentation for Mistral (chat, streaming, embeddings, tool calls)", True),
    ("- `userId` to filter traces by user", False),  # a few words, but code and what it is for: no title
    ("- Annotation queues", True),
    # a change named in the label before the body: improvements of something that is there
    ("- vidgen api improvements: character api, video edits, higher resolution exports", False),
    # what is redesigned, revamped or overhauled was there before
    ("We've completely redesigned the online evaluators creation and editing experience", False),
    ("- Add a revamped guardrails API with built-in guard classes", False),
    ("Enable this option if spans are being dropped because the payload is too large.", False),
    # "map X to Y" changes what is there; "modify X to support Y" still launches Y
    ("- feat(guardrails): map the moderation verdict to the guard result", False),
    ("* Modify the v1 client to support rerankers", True),
    ("* Modify pipeline.plan to produce a diff of the infrastructure", False),
    # names and nothing else: what a change above applies to, not a title
    ("- Bedrock, Vertex", False),
    ("- Bedrock and Vertex AI", False),
    # a switch to another API, an extracted package: a change to what is there
    ("* TrainingRun switch to v1 API from v1beta1 API", False),
    ("- 1a2b3c4: Extracted @acme/provider package", False),
    # "This adds ..." says it launches, like "This release adds ..."
    ("This adds support to export traces to any OTLP endpoint.", True),
    ("This fixes the exporter for OTLP endpoints that need their own auth headers.", False),
])
def test_which_lines_announce(raw: str, announces: bool) -> None:
    from tracker.match.announces import line_announces

    text = raw.lstrip("-#> ").removeprefix("title: ")
    assert line_announces(text, raw) is announces
