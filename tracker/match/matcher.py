"""Match catalog mentions to features: the entry point the pipeline calls.

`match(mentions, taxonomy, state=previous.state)` links only the new mentions (admission,
blocking, rules, integration targets, roles, announcing) and adds them to the state; the
features and links it returns are then computed from the whole state, so matching in batches
equals matching everything at once.

Final links apply one cross-entry rule: on a line that names several capabilities, those
the party already shipped on an earlier date are context, not launches, and are dropped as
long as one capability on the line is new for the party.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from tracker.gcpause import collector_paused
from tracker.match.admission import INTEGRATION_ONLY, RETIREMENT, announcement, opening
from tracker.match.announces import (
    LineFacts, first_sentence_end, launches_an_integration, line_announces, line_facts, link_announces,
)
from tracker.match.discovery import candidate_phrases, discover
from tracker.match.linker import Hit, is_nested, link_entry
from tracker.match.model import MatchOutcome
from tracker.match.roles import Placed, place
from tracker.match.state import EntryRecord, MatchState, StoredHit
from tracker.match.targets import TargetHit, find_named, find_targets
from tracker.match.taxonomy import Capability, Taxonomy
from tracker.match.text import PHRASE_BREAK, Reading, normalise, read
from tracker.model import DISCOVERED, NATIVE, TAXONOMY, FeatureDef, Link, Mention, split_integration_key

DISCOVERED_SCORE = 0.5
# Bump when admission, linking or phrase extraction change: stored states are then rebuilt.
RECORDS_VERSION = "40"


class StaleStateError(ValueError):
    """The state was built with another taxonomy or matcher version: match all mentions afresh."""


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """Knobs of the matcher, with the defaults the benchmarks were run with."""

    # Settings only shape the features and links computed from the state, never the state itself,
    # so a state stays valid when they change.
    discover: bool = True
    discovery_min_parties: int = 2  # parties that must announce a phrase ...
    discovery_window_days: int = 365  # ... within this many days of one another
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
    with collector_paused():  # ~100k short-lived objects per corpus run and no cycles among them
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
    links = [
        Link(eid, key, rule, score, role, target, announces)
        for eid, hits in kept.items() for key, rule, score, role, target, announces in hits
    ]
    features = [
        FeatureDef(c.key, c.name, c.definition, c.category, TAXONOMY) for c in taxonomy.capabilities
    ] + _integration_features({link.feature_key for link in links}, taxonomy)
    if settings.discover:
        linked = {eid: [h[0] for h in hits] for eid, hits in kept.items() if hits}
        for found in discover(
            entries, linked, taxonomy,
            min_parties=settings.discovery_min_parties,
            window_days=settings.discovery_window_days,
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


_REPAIR_LABELS = frozenset({"fix", "fixes", "bugfix", "bugfixes", "bug fix", "bug fixes", "hotfix", "hotfixes"})
_REPAIR_TYPE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\w{7,40}:\s+)?\**(?:fix|bugfix|hotfix)\b(?:\([^)]*\))?!?\**\s*:", re.I)


def _repair(mention: Mention) -> bool:
    """A line that calls itself a fix (typed `fix(...)`, labelled **fix:**) repairs what is there: it may name
    a capability ("fix(gemini): support nested generationConfig") but launches none. (A line merely filed
    under "Bug Fixes" is not judged by its section: release tools file launches there too.)"""
    return mention.scope.strip().lower() in _REPAIR_LABELS or bool(_REPAIR_TYPE.match(mention.raw or mention.text))


_REFERENCE = re.compile(r"\]\(|#\d|https?://|\(@")  # a link, a PR or issue number, a credited author


def _names_only(reading: Reading, target_words: frozenset[int], raw: str) -> bool:
    """The line is nothing but target names ("- Hugging Face", "- OpenAI, Azure"; `target_words`: where the
    text names targets): with no link or PR number, the label of a group of changes under it, not a launch."""
    return bool(target_words) and all(i in target_words or w in ("and", "or") for i, w in enumerate(reading.words)) \
        and not _REFERENCE.search(raw)


def _record(mention: Mention, taxonomy: Taxonomy, context_cache: dict[str, list[Hit]]) -> EntryRecord | None:
    opened = opening(mention.text)
    kind = announcement(mention.kind, mention.text, mention.scope, mention.section, opened)
    if kind is None:
        return None
    retiring = kind == RETIREMENT
    reading = read(mention.text)
    hits = link_entry(
        mention.text, mention.context, mention.raw, taxonomy,
        reading=reading, context_hits=context_cache, retirement=retiring, party_category=mention.category,
    )
    targets = taxonomy.targets
    text_targets = [] if retiring else find_targets(reading, targets)
    products = [t for t in text_targets if t.product]  # ("Bedrock Guardrails": AWS's, but no Bedrock integration)
    if products:
        text_targets = [t for t in text_targets if not t.product]
    named = find_named(mention.scope, targets)
    if not named and not text_targets and is_nested(mention.raw):
        named = find_named(mention.context, targets)  # a nested bullet's parent names what it is about
    cue_text = ""
    if text_targets or named:  # only a line that names a target can be an integration
        cue_text = " ".join(filter(None, (reading.norm, _normalised(mention.scope), _normalised(mention.section))))
    placed = place(
        hits, reading, text_targets, named, cue_text=cue_text, products=products,
        party=mention.party, party_category=mention.category, taxonomy=taxonomy,
    )
    if kind == INTEGRATION_ONLY:
        placed = [p for p in placed if split_integration_key(p.key)]
        if not placed:
            return None
    if retiring and not placed:
        return None
    line_ok = not retiring and not _repair(mention) and line_announces(mention.text, mention.raw, opened)
    target_words = frozenset(i for t in text_targets for i in range(t.start, t.end))
    facts = line_facts(mention.text, mention.raw, target_words) if line_ok and placed else LineFacts()
    # a target named by the label and again in the text is judged where the text names it
    # ("**LangChain Tool Descriptions** - ... added to tool spans in the LangChain integration")
    in_text: dict[str, tuple[int, int]] = {}
    for t in text_targets:  # (in text order: the first place the text names it)
        in_text.setdefault(targets.targets[t.target].key, (t.start, t.end))
    group_label = _names_only(reading, target_words, mention.raw)
    own_products = [t for t in products if mention.party in targets.targets[t.target].parties]
    stored: list[StoredHit] = []
    for p in placed:
        split = split_integration_key(p.key)
        integration, target = split is not None, split[1] if split else ""
        # named by the scope and again in the text: judged where the text names it, unless only in a later
        # sentence ("`openai`: Introduces automatic extraction of token usage ... Unless ..., the OpenAI
        # integration ...") or the line opens by launching an integration ("langchain: Adds integration with
        # support for ... from LangChain requests"): then the line is judged as one labelled with its target
        start, end = in_text[target] if p.start < 0 and target in in_text \
            and in_text[target][0] < first_sentence_end(reading) and not launches_an_integration(reading) \
            else (p.start, p.end)
        announces = not (group_label and integration) and not (integration and _ui_scope(mention.scope)) \
            and link_announces(reading, start, end, line_ok, facts, integration) and not _modifies(p, placed, reading) \
            and not _party_says_otherwise(p, integration, reading, mention, own_products, taxonomy)
        stored.append((p.key, p.rule, p.score, p.role, p.target, announces))
    # "X and Y helpers": X shares what Y is said to be (both qualify "helpers"); "jobs and guardrails" both launch
    for i, p in enumerate(placed):
        partner = _coordinated(p, placed, reading)
        if partner is not None and stored[i][5] and not stored[placed.index(partner)][5]:
            stored[i] = (*stored[i][:5], False)
    return EntryRecord(
        party=mention.party,
        category=mention.category,
        date=mention.date,
        date_estimated=mention.date_estimated,
        hits=tuple(sorted(stored)),
        # only lines that announce something name new capabilities; SDK plumbing scopes name none
        phrases=candidate_phrases(mention.raw, taxonomy.ignore_words)
        if line_ok and kind != INTEGRATION_ONLY and not _plumbing(mention.scope) else (),
    )


def _party_says_otherwise(
    link: Placed, integration: bool, reading: Reading, mention: Mention, own_products: list[TargetHit],
    taxonomy: Taxonomy,
) -> bool:
    """What the party is tells that a line that reads like a launch is none: the capability is the party's
    product (its category), an observability tool records another capability, a tool instruments its own
    server, a party extends its own product or, at a model host, extends its capability to more models."""
    if integration:
        return _instruments_itself(reading, mention.party) or _other_signal(link, reading)
    capability = taxonomy.get(link.key)
    if capability is not None and mention.category in capability.product_of:
        return True  # a feature store's "Add batch feature retrieval": the capability is the party's product,
        # which it had before its changelog began
    return _observed(link, capability, reading, mention.category) \
        or _part_of_own_product(link, own_products, reading) \
        or (link.role == NATIVE and mention.category in taxonomy.targets.roles.model_hosts
            and _for_one_model(reading, link.end))


_OBSERVER_CATEGORIES = frozenset({"observability", "llm-observability"})
_OBSERVED_AS = frozenset("metrics metric spans span attributes telemetry traces".split())
_OWN_CATEGORIES = frozenset({"observability", "evaluation", "integrations"})
_TRACE_WORDS = frozenset("trace traces tracing span spans trajectory trajectories".split())


def _part_of_own_product(link: Placed, own_products: list[TargetHit], reading: Reading) -> bool:
    """"Launching Multi-modality Content Filter for Amazon Bedrock Guardrails": a part of a product the party has."""
    ws, end = reading.words, link.end
    if link.start < 0 or end >= len(ws) or ws[end] != "for" or PHRASE_BREAK.search(reading.gaps[end]):
        return False
    at = end + 2 if end + 1 < len(ws) and ws[end + 1] == "the" else end + 1
    return any(t.start == at for t in own_products)


_FOR_ONE_MODEL = re.compile(r"^for (?:the )?(?:(?:[\w.]+ ){1,3}models?\b|[a-z]+ (?:[a-z]+ )?\d+(?: \d+)?(?: |$))")


def _for_one_model(reading: Reading, end: int) -> bool:
    """A model host's capability "for the code-bison model", "for Gemini Embedding 2.0": it had the capability
    and extends it to a model."""
    return end > 0 and end < len(reading.words) and not PHRASE_BREAK.search(reading.gaps[end]) \
        and _FOR_ONE_MODEL.match(" ".join(reading.words[end:end + 6])) is not None


_SIGNALS = frozenset("metric metrics log logs logging".split())


def _other_signal(link: Placed, reading: Reading) -> bool:
    """"otel metrics with traceloop": the target carries another signal than traces, so the line ships no
    tracing integration (unless it names traces too: "metrics, logs and traces")."""
    ws, end = reading.words, link.end
    return link.key.startswith("tracing@") and 0 <= link.start < end < len(ws) and ws[end] in _SIGNALS \
        and not PHRASE_BREAK.search(reading.gaps[end]) and not any(w in _TRACE_WORDS for w in ws)


_OWN_PARTS = "server|servers|backend|platform|app|application|ui|frontend|itself"


def _instruments_itself(reading: Reading, party: str) -> bool:
    """"add opentelemetry trace instrumentation for Phoenix server", "Instrument Feast using Prometheus and
    OpenTelemetry": the party observes its own product, it ships no integration for its users."""
    itself = _itself(party)
    return itself is not None and itself.search(reading.norm) is not None


@lru_cache(maxsize=256)
def _itself(party: str) -> re.Pattern[str] | None:
    """The party's own product as a line names it when it instruments itself (one pattern per party)."""
    names = [w for w in normalise(party).split() if len(w) > 2]
    if not names:
        return None
    own = "|".join(re.escape(w) for w in names)
    return re.compile(
        rf"\bfor (?:the )?(?:{own})(?: (?:{own}))? (?:{_OWN_PARTS})\b|^instrument\w* (?:the )?(?:{own})\b"
    )


def _observed(link: Placed, cap: Capability | None, reading: Reading, party_category: str) -> bool:
    """An observability tool's "guardrail metrics", "rerank spans": it records what another capability did."""
    if party_category not in _OBSERVER_CATEGORIES or link.start < 0 or link.end >= len(reading.words):
        return False
    if cap is None or cap.category in _OWN_CATEGORIES:
        return False
    if reading.words[link.end] in _OBSERVED_AS and not PHRASE_BREAK.search(reading.gaps[link.end]):
        return True
    # an agent capability on a line about traces: "Subagent linking — link parent and child trajectories into one trace"
    # (a word of its own: not a name such as the "annotate-spans" skill or "/debug-trace")
    ws, gaps = reading.words, reading.gaps
    joined = ("-", "/", "_")
    return cap.category == "agents" and any(
        w in _TRACE_WORDS and gaps[i] not in joined and (i + 1 == len(ws) or gaps[i + 1] not in joined)
        for i, w in enumerate(ws))


def _modifies(link: Placed, placed: list[Placed], reading: Reading) -> bool:
    """A capability written right before another one qualifies it ("computer-use-preview cost tracking")."""
    return link.start >= 0 and any(
        other is not link and other.start >= 0 and 0 <= other.start - link.end <= 1
        and not any(c in reading.gaps[j] for j in range(link.end, other.start + 1) for c in ",;:&+()|")
        and not any(w in ("and", "or") for w in reading.words[link.end:other.start])  # (see `_coordinated`)
        for other in placed
    )


def _coordinated(link: Placed, placed: list[Placed], reading: Reading) -> Placed | None:
    """The capability joined to this one by "and"/"or" right after it ("streaming and function calling")."""
    if link.start < 0 or link.end >= len(reading.words) or reading.words[link.end] not in ("and", "or"):
        return None
    if any(c in reading.gaps[j] for j in (link.end, link.end + 1) if j < len(reading.gaps) for c in ",;:()|"):
        return None
    return next((o for o in placed if o is not link and o.start == link.end + 1), None)


# Scopes of generated client libraries' own machinery ("**client:** support passing chunk size").
_PLUMBING_SCOPES = frozenset({"client", "internal", "types", "pagination", "core", "http", "utils"})


def _plumbing(scope: str) -> bool:
    return scope.strip().lower().split("/")[0] in _PLUMBING_SCOPES


# Scopes of the product's screens: "**ui:** agno, mcp, gemini integrations", "**onboarding:** add bedrock" are
# screens for integrations, not their launch.
_UI_SCOPES = frozenset({"ui", "webui", "web ui", "frontend", "onboarding"})


def _ui_scope(scope: str) -> bool:
    return scope.strip().lower() in _UI_SCOPES


@lru_cache(maxsize=4096)
def _normalised(text: str) -> str:
    """Scopes and sections repeat across thousands of entries."""
    return normalise(text)


def _integration_features(keys: set[str], taxonomy: Taxonomy) -> list[FeatureDef]:
    """A feature for every integration × target that some link uses."""
    tx = taxonomy.targets
    integrations = {i.key: i for i in tx.integrations}
    by_target = {t.key: t for t in tx.targets}
    found = []
    for key in sorted(keys):
        parts = split_integration_key(key)
        if parts is None or parts[0] not in integrations or parts[1] not in by_target:
            continue
        integ, target = integrations[parts[0]], by_target[parts[1]]
        found.append(FeatureDef(
            key, integ.name.replace("{target}", target.name), integ.definition.replace("{target}", target.name),
            integ.category, TAXONOMY,
        ))
    return found


def _novel_hits(entries: dict[int, EntryRecord]) -> dict[int, tuple[StoredHit, ...]]:
    first: dict[tuple[str, str], dt.date] = {}
    for rec in entries.values():
        for key, *_ in rec.hits:
            k = (rec.party, key)
            if k not in first or rec.date < first[k]:
                first[k] = rec.date
    kept: dict[int, tuple[StoredHit, ...]] = {}
    for eid, rec in entries.items():
        hits = rec.hits
        if len(hits) > 1:
            new = tuple(h for h in hits if first[(rec.party, h[0])] >= rec.date)
            if new:
                hits = new
        kept[eid] = hits
    return kept
