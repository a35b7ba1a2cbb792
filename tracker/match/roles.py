"""Place one entry's capability hits: integration features, roles and targets.

Given the taxonomy hits of a line and the targets it names (`targets.find_targets`):

1. **Integrations.** A target turns into an integration feature `capability@target` when the
   line carries that integration's cue ("instrumentation", "provider", "autolog") or, with no
   cue, when nothing more specific is on the line and the integration is the party category's
   usual one (an observability tool's "Bedrock support" is tracing, a gateway's is a provider).
   The integration replaces (absorbs) the generic readings it stands for: "LangChain
   instrumentation" is `tracing@langchain`, not generic LLM tracing. Targets a party owns are
   its own product, never an integration; a protocol named next to a framework or provider is
   the means ("OpenTelemetry-native instrumentation for OpenAI" is OpenAI tracing).
2. **Roles.** Integration links are `support` of their target. A capability of a `hosted`
   category (a model capability) is `native` at a model host and `support` anywhere else; any
   other capability is `support` only when the line names its owner right next to it ("Claude
   Code agent skills"), except categories a party always builds itself (`own_work`: its own
   cost tracking is its own even when it is the cost of Anthropic calls) — but among those, a
   product (`products`: a gateway, a router) written right after another party's product name is
   that party's ("routing calls through the Helicone AI Gateway" supports Helicone's gateway).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from tracker.match.linker import Hit
from tracker.match.objects import is_object
from tracker.match.targets import Integration, Target, TargetHit
from tracker.match.taxonomy import Taxonomy
from tracker.match.text import Reading, words
from tracker.model import NATIVE, SUPPORT, integration_key

INTEGRATION_RULE = "integration:"  # rule label: "integration:tracing@langchain:lang chain" (integration, target, alias)
TEXT_TARGET_SCORE = 1.0
NAMED_TARGET_SCORE = 0.8  # the target came from the scope or the parent line
_AFTER_OWNER = frozenset("from of by via in on".split())
_BREAKS = re.compile(r"[,;:()\[\]|+&/]|\s-\s|\.\s")
# Target kinds that own model capabilities a support link can name (not an observability tool or a database).
_CAPABILITY_OWNERS = frozenset({"provider", "agent-sdk", "framework"})
# ... and those whose products have capabilities of their own ("Langfuse prompt management"); a database or an
# ML framework next to a capability only says where it runs ("Spark offline store").
_PRODUCT_OWNERS = _CAPABILITY_OWNERS | {"observability"}
_INTEGRATION_WORDS = frozenset("integration integrations integrate integrated integrates".split())


@dataclass(frozen=True, slots=True)
class Placed:
    """One link of an entry before the matcher stores it."""

    key: str
    rule: str
    score: float
    start: int  # word span of the capability; -1 when it came from the context
    end: int
    role: str
    target: str  # the owning party or the framework's name; "" when the line names none


def place(
    hits: Sequence[Hit],
    reading: Reading,
    text_targets: Sequence[TargetHit],
    named_targets: Sequence[TargetHit],
    *,
    cue_text: str,
    products: Sequence[TargetHit] = (),
    party: str,
    party_category: str,
    taxonomy: Taxonomy,
) -> list[Placed]:
    """Integration links, then the remaining capability links with their roles.

    `cue_text` is the normalised line with its scope and section: "Expanded Model Support" over a bare
    "Anthropic Claude Opus 4.1" says which integration the target stands for. `products` are targets named
    through one of their own products ("AWS Bedrock Knowledge Base"): owners of a capability, never integrations."""
    if not hits and not text_targets and not named_targets:
        return []  # most lines: nothing to place
    tx = taxonomy.targets
    own = [t for t in text_targets if party not in tx.targets[t.target].parties]
    named = [t for t in named_targets if party not in tx.targets[t.target].parties]
    scope_first = named if named else own
    chosen = _drop_owners(_drop_means(scope_first, tx.targets), tx.targets)
    caps = taxonomy.capabilities
    cued = {i: bool(chosen and integ.cues and integ.cues.search(cue_text)) for i, integ in enumerate(tx.integrations)}
    generic = any(w in _INTEGRATION_WORDS for w in reading.words)
    absorbed: set[int] = set()
    placed: list[Placed] = []
    for th in chosen:
        target = tx.targets[th.target]
        # a capability found in the target's own name ("OpenTelemetry support") implies the integration
        implied = {i for i, integ in enumerate(tx.integrations)
                   if any(caps[h.capability].key in integ.absorbs and h.start < th.end and th.start < h.end
                          for h in hits)}
        in_clause = _cued_in_clause(reading, th, text_targets, cued, tx.integrations)
        pick = _integration_for(target, hits, caps, {i: c or i in implied for i, c in cued.items()}, generic,
                                party_category, tx.integrations, in_clause)
        if pick is None:
            continue
        integ = tx.integrations[pick]
        absorbs = {
            h.capability for h in hits
            if caps[h.capability].key in integ.absorbs
            or (cued[pick] and caps[h.capability].category in integ.absorb_categories)
        }
        if cued[pick] and party_category in integ.default_for:
            absorbed |= absorbs  # what an observability tool instruments is not a capability it ships
        skip = [(h.start, h.end) for h in hits if h.capability in absorbs] + [(t.start, t.end) for t in text_targets]
        others = [t.start for t in text_targets if t.target != th.target]
        # (a capability that is the target's own name is already a link: it only takes the integration's key)
        own_words = _party_words(party)
        if th.start >= 0 and pick not in implied and not is_object(reading, th.start, th.end, skip, others, own_words) \
                and not any(o is not th and o.start >= 0 and _coordinated(reading, th, o)
                            and is_object(reading, o.start, o.end, skip, [t.start for t in text_targets if t is not o],
                                          own_words)
                            for o in text_targets):
            continue  # "OpenAI rate limiting", "authentication for the OpenAI client": a modifier
        absorbed |= absorbs
        score = TEXT_TARGET_SCORE if th.start >= 0 else NAMED_TARGET_SCORE
        placed.append(Placed(
            integration_key(integ.key, target.key), f"{INTEGRATION_RULE}{integ.key}@{target.key}:{th.alias}", score,
            th.start, th.end, SUPPORT, target.owner,
        ))
    for h in hits:
        if h.capability in absorbed:
            continue
        role, owner = _role(h, caps[h.capability].category, caps[h.capability].hosted, scope_first,
                            [*own, *(t for t in products if party not in tx.targets[t.target].parties)],
                            reading, party_category, taxonomy)
        placed.append(Placed(caps[h.capability].key, h.rule, h.score, h.start, h.end, role, owner))
    unique: dict[str, Placed] = {}
    for p in placed:
        if p.key not in unique:
            unique[p.key] = p
    return list(unique.values())


@lru_cache(maxsize=1024)
def _party_words(party: str) -> frozenset[str]:
    return frozenset(words(party))


def _coordinated(reading: Reading, a: TargetHit, b: TargetHit) -> bool:
    """Two targets joined by "and", "or" or a comma ("for LangChain and LlamaIndex apps") share one role."""
    first, second = (a, b) if a.start < b.start else (b, a)
    if first.end > second.start:
        return False
    between = reading.words[first.end:second.start]
    gaps = reading.gaps[first.end:second.start + 1]
    return len(between) <= 1 and all(w in ("and", "or") for w in between) \
        and all(g.strip() in ("", ",") for g in gaps)


def _drop_owners(found: Sequence[TargetHit], targets: Sequence[Target]) -> list[TargetHit]:
    """"Anthropic's Claude Agent SDK": the owner named before its own product is not a second target."""
    return [
        t for t in found
        if not any(
            o.start == t.end and o.target != t.target and set(targets[o.target].parties) & set(targets[t.target].parties)
            for o in found if t.start >= 0
        )
    ]


def _drop_means(found: Sequence[TargetHit], targets: Sequence[Target]) -> list[TargetHit]:
    """A protocol named together with a framework or provider is how the integration works, not what it integrates."""
    if any(targets[t.target].kind in _CAPABILITY_OWNERS for t in found):
        return [t for t in found if targets[t.target].kind != "protocol"]
    return list(found)


_CLAUSE_END = re.compile(r"[,;:!?]|\.\s|\s-\s")


def _cued_in_clause(
    reading: Reading, th: TargetHit, named: Sequence[TargetHit], cued: dict[int, bool],
    integrations: Sequence[Integration],
) -> frozenset[int]:
    """The cued integrations whose cue stands in the clause that names the target (up to its next comma or
    full stop), outside the targets' own names ("LiteLLM" reads "lite llm"): "Add Anthropic integration that
    captures ... calls for tracing, including model, inputs ..." cues tracing there, and a provider only later."""
    if th.start < 0 or sum(cued.values()) < 2:
        return frozenset()
    ws, gaps = reading.words, reading.gaps
    first = th.start
    while first > 0 and not _CLAUSE_END.search(gaps[first]):
        first -= 1
    last = th.end
    while last < len(ws) and not _CLAUSE_END.search(gaps[last]):
        last += 1
    names = {j for t in named if t.start >= 0 for j in range(t.start, t.end)}
    # (nor "integration" itself, which cues no one integration more than another)
    clause = " ".join(w for j, w in enumerate(ws[first:last], first)
                      if j not in names and w not in _INTEGRATION_WORDS)
    return frozenset(i for i, c in cued.items()
                     if c and (cues := integrations[i].cues) is not None and cues.search(clause))


def _integration_for(
    target: Target, hits: Sequence[Hit], caps: Sequence, cued: dict[int, bool], generic: bool,  # type: ignore[type-arg]
    party_category: str, integrations: Sequence[Integration], in_clause: frozenset[int] = frozenset(),
) -> int | None:
    """Which integration a named target stands for on this line, if any. Of two cued, the one cued in the
    clause that names the target, when only one is: an evaluation tool's "Anthropic integration that
    captures calls for tracing, including model ..." is tracing, though its usual integration is a provider."""
    candidates = [
        i for i, integ in enumerate(integrations)
        if target.kind in integ.targets and party_category not in integ.not_for
    ]
    if not candidates:
        return None
    # "integration" is as good as a cue for the integration the party category usually means
    with_cue = [i for i in candidates if cued[i] or (generic and party_category in integrations[i].default_for)]
    if with_cue:
        near = [i for i in with_cue if i in in_clause]
        return _prefer_default(near if len(near) == 1 else with_cue, party_category, integrations)
    # No cue: only when nothing more specific than what the integration stands for is on the line.
    default = [i for i in candidates if party_category in integrations[i].default_for]
    pool = default or (candidates if generic else [])
    for i in pool:
        if all(caps[h.capability].key in integrations[i].absorbs for h in hits):
            return i
    return None


def _prefer_default(ids: list[int], party_category: str, integrations: Sequence[Integration]) -> int:
    for i in ids:
        if party_category in integrations[i].default_for:
            return i
    return ids[0]


def _role(
    hit: Hit, category: str, hosted: bool, named: Sequence[TargetHit], own: Sequence[TargetHit], reading: Reading,
    party_category: str, taxonomy: Taxonomy,
) -> tuple[str, str]:
    tx = taxonomy.targets
    policy = tx.roles
    if hosted or category in policy.hosted:
        if party_category in policy.model_hosts:
            return NATIVE, ""
        best = _nearest(hit, named, tx.targets)
        return SUPPORT, tx.targets[best].owner if best is not None else ""
    if category in policy.own_work and taxonomy.capabilities[hit.capability].key not in policy.products:
        return NATIVE, ""
    owner = _adjacent_owner(hit, [t for t in own if tx.targets[t.target].kind in _PRODUCT_OWNERS], reading)
    if owner is not None:
        return SUPPORT, tx.targets[owner].owner
    return NATIVE, ""


def _nearest(hit: Hit, found: Sequence[TargetHit], targets: Sequence[Target]) -> int | None:
    """The target a support link names: from the scope, else the provider nearest to the capability."""
    owners = [t for t in found if targets[t.target].kind in _CAPABILITY_OWNERS]
    if not owners:
        return None
    if owners[0].start < 0:
        return owners[0].target
    ranked = sorted(owners, key=lambda t: (targets[t.target].kind != "provider", abs(t.start - hit.start), t.start))
    return ranked[0].target


def _adjacent_owner(hit: Hit, found: Sequence[TargetHit], reading: Reading) -> int | None:
    """A target written right before the capability ("Langfuse prompt management") or right after it
    with of/from/via ("guardrails from Bedrock")."""
    if hit.start < 0:
        return None
    for t in found:
        # "Claude Code agent skills", "Bedrock regional inference profiles", "Claude Agent SDK" holding "agent SDK"
        if t.start <= hit.start < t.end or t.end == hit.start:
            return t.target
        if t.end == hit.start - 1 and not any(_BREAKS.search(reading.gaps[j]) for j in (t.end, hit.start)):
            return t.target
        if t.start == hit.end + 1 and reading.words[hit.end] in _AFTER_OWNER:
            return t.target
    return None
