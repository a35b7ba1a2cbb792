"""Integration targets and integration capabilities of the taxonomy, and finding targets in a line.

A *target* is something a party integrates with: a model provider (OpenAI, Bedrock), a
framework (LangChain), an agent SDK (OpenAI Agents SDK), a protocol (OpenTelemetry), a vector
database, an ML framework or an observability tool. An *integration* is a capability that only
exists relative to a target ("tracing", "provider"); together they form integration features
keyed `capability@target` (see `tracker.model.integration_key`).

`[roles]` says which party categories serve models themselves (`model_hosts`) and which
capability categories only they ship natively (`hosted`): elsewhere such a link is *support*.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from tracker.errors import ConfigError
from tracker.match.regex_safety import refuse_backtracking
from tracker.match.text import Reading, read, words

MAX_TARGET_WORDS = 30  # a target named later in a long paragraph is a passing mention
TARGET_KINDS = (
    "provider", "framework", "agent-sdk", "protocol", "vector-db", "ml-framework", "observability", "datastore",
)
_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TARGET_FIELDS = {"key", "name", "kind", "parties", "aliases", "exclude", "products"}
_INTEGRATION_FIELDS = {
    "key", "name", "definition", "category", "targets", "cues", "default_for", "absorbs", "absorb_categories",
    "not_for",
}


@dataclass(frozen=True, slots=True)
class Target:
    key: str
    name: str
    kind: str
    parties: tuple[str, ...]  # tracked parties that own it ("OpenAI" owns the OpenAI Agents SDK)
    aliases: tuple[tuple[str, ...], ...]  # word sequences
    exclude: tuple[re.Pattern[str], ...] = ()
    # the target's own products ("bedrock guardrails"): named there it is no integration, but it owns them
    products: tuple[re.Pattern[str], ...] = ()

    @property
    def owner(self) -> str:
        """How a support link names it: its first owning party, else its own name."""
        return self.parties[0] if self.parties else self.name


@dataclass(frozen=True, slots=True)
class Integration:
    key: str
    name: str  # "{target} tracing"
    definition: str  # "... {target} ..."
    category: str
    targets: frozenset[str]  # target kinds it applies to
    cues: re.Pattern[str] | None  # words that say this integration is meant
    default_for: frozenset[str]  # party categories for which a bare target mention means this integration
    absorbs: frozenset[str]  # capability keys an integration link replaces on the line
    absorb_categories: frozenset[str]  # capability categories it replaces when its cue is on the line
    not_for: frozenset[str]  # party categories that never have it (model hosts serve providers natively)


@dataclass(frozen=True, slots=True)
class RolePolicy:
    model_hosts: frozenset[str] = frozenset()
    hosted: frozenset[str] = frozenset()  # capability categories only model hosts ship natively
    own_work: frozenset[str] = frozenset()  # capability categories a party always builds itself
    products: frozenset[str] = frozenset()  # capability keys that, after another party's product name, are its product


@dataclass(frozen=True, slots=True)
class TargetHit:
    target: int  # index into Targets.targets
    start: int  # word span in the text; -1 for the scope or the context
    end: int
    alias: str = ""  # the alias that named it, as normalised words
    product: bool = False  # it names one of the target's own products: its owner, not an integration


@dataclass(frozen=True, slots=True)
class Targets:
    targets: tuple[Target, ...] = ()
    integrations: tuple[Integration, ...] = ()
    roles: RolePolicy = RolePolicy()
    first_word: dict[str, tuple[int, ...]] = field(default_factory=dict)  # word -> alias ids
    alias_words: tuple[tuple[str, ...], ...] = ()
    alias_target: tuple[int, ...] = ()
    alias_name: tuple[str, ...] = ()  # how a hit names the alias that found it (`_spellings`)
    # scopes and parent lines repeat across thousands of entries: their targets are computed once
    named_cache: dict[str, tuple[TargetHit, ...]] = field(default_factory=dict, compare=False, repr=False)

    def words_of_targets(self) -> frozenset[str]:
        return frozenset(w for alias in self.alias_words for w in alias)


def build_targets(data: dict[str, object], source: str, categories: tuple[str, ...]) -> Targets:
    """Validate `[[target]]`, `[[integration]]` and `[roles]`; all three are optional."""
    targets = tuple(_target(raw, source) for raw in _tables(data, "target", source))
    seen: set[str] = set()
    for t in targets:
        if t.key in seen:
            raise ConfigError(f"{source}: target '{t.key}' is defined twice; rename or merge one of them")
        seen.add(t.key)
    integrations = tuple(_integration(raw, source, categories) for raw in _tables(data, "integration", source))
    if len({i.key for i in integrations}) != len(integrations):
        raise ConfigError(f"{source}: an [[integration]] key is defined twice; rename or merge one of them")
    roles = data.get("roles", {})
    if not isinstance(roles, dict):
        raise ConfigError(f"{source}: [roles] must be a table")
    policy = RolePolicy(
        model_hosts=frozenset(_strings(roles.get("model_hosts", []), source, "[roles]", "model_hosts")),
        hosted=frozenset(_strings(roles.get("hosted", []), source, "[roles]", "hosted")),
        own_work=frozenset(_strings(roles.get("own_work", []), source, "[roles]", "own_work")),
        products=frozenset(_strings(roles.get("products", []), source, "[roles]", "products")),
    )
    first: defaultdict[str, list[int]] = defaultdict(list)
    alias_words: list[tuple[str, ...]] = []
    alias_target: list[int] = []
    alias_name: list[str] = []
    for ti, t in enumerate(targets):
        for words_, name in _spellings(t.aliases):
            first[words_[0]].append(len(alias_words))
            alias_words.append(words_)
            alias_target.append(ti)
            alias_name.append(name)
    return Targets(
        targets=targets, integrations=integrations, roles=policy,
        first_word={k: tuple(v) for k, v in sorted(first.items())},
        alias_words=tuple(alias_words), alias_target=tuple(alias_target), alias_name=tuple(alias_name),
    )


def _spellings(aliases: tuple[tuple[str, ...], ...]) -> list[tuple[tuple[str, ...], str]]:
    """Each alias as words, with the name its hits carry; an alias of several words is also matched
    written as one ("LangChain" is read "lang chain" and also matches "Langchain", "OpenRouter" also
    "openrouter"), and every spelling of one name carries the first alias's name, so one name is one rule."""
    names: dict[str, str] = {}
    out: list[tuple[tuple[str, ...], str]] = []
    seen: set[tuple[str, ...]] = set()
    for alias in aliases:
        squashed = "".join(alias)
        name = names.setdefault(squashed, " ".join(alias))
        for spelling in (alias, (squashed,)):
            if spelling not in seen:
                seen.add(spelling)
                out.append((spelling, name))
    return out


def find_targets(reading: Reading, targets: Targets) -> list[TargetHit]:
    """Targets named in the text (every mention, in text order); a target inside a longer one's span is not
    counted ("OpenAI Agents SDK" is not also "OpenAI"), nor one vetoed by its excludes ("OpenAI-compatible").
    One naming a product of the target ("AWS Bedrock Knowledge Base") is marked `product`: no integration, but
    the owner of a capability written next to it."""
    if not targets.targets:
        return []
    ws = reading.words[:MAX_TARGET_WORDS]
    found: list[tuple[int, int, int, int]] = []  # (start, end, target, alias id)
    for i, w in enumerate(ws):
        for aid in targets.first_word.get(w, ()):
            alias = targets.alias_words[aid]
            if tuple(ws[i:i + len(alias)]) == alias:
                found.append((i, i + len(alias), targets.alias_target[aid], aid))
    if not found:
        return []
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0], f[3]))
    taken: list[tuple[int, int]] = []
    hits: list[TargetHit] = []
    vetoed: dict[int, bool] = {}
    product: dict[int, bool] = {}
    for start, end, ti, aid in found:
        if any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        if ti not in vetoed:
            vetoed[ti] = any(x.search(reading.norm) for x in targets.targets[ti].exclude)
        if vetoed[ti]:
            continue
        if ti not in product:
            product[ti] = any(x.search(reading.norm) for x in targets.targets[ti].products)
        hits.append(TargetHit(ti, start, end, targets.alias_name[aid], product[ti]))
    return sorted(hits, key=lambda h: (h.start, h.target))


def find_named(text: str, targets: Targets) -> list[TargetHit]:
    """Targets a scope, heading or parent line names (no spans)."""
    if not text or not targets.targets:
        return []
    found = targets.named_cache.get(text)
    if found is None:
        if len(targets.named_cache) > 20000:
            targets.named_cache.clear()
        first: dict[int, TargetHit] = {}
        for h in find_targets(read(text), targets):
            if h.product:
                continue  # (a scope names what a line is about; a product of the target is no integration)
            first.setdefault(h.target, TargetHit(h.target, -1, -1, h.alias))
        found = targets.named_cache[text] = tuple(first.values())
    return list(found)


def _tables(data: dict[str, object], name: str, source: str) -> list[dict[str, object]]:
    raw = data.get(name, [])
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        raise ConfigError(f"{source}: every [[{name}]] must be a table")
    return raw


def _target(raw: dict[str, object], source: str) -> Target:
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ConfigError(f"{source}: target key {key!r} is missing or malformed; use lower-case words joined by hyphens")
    unknown = sorted(set(raw) - _TARGET_FIELDS)
    if unknown:
        raise ConfigError(f"{source}: target '{key}': unknown field(s) {', '.join(unknown)}; remove or rename them")
    name, kind = raw.get("name"), raw.get("kind")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{source}: target '{key}' has no name; add a non-empty name string")
    if kind not in TARGET_KINDS:
        raise ConfigError(f"{source}: target '{key}': kind {kind!r} is not one of {', '.join(TARGET_KINDS)}")
    aliases = tuple(tuple(words(a)) for a in _strings(raw.get("aliases", []), source, f"target '{key}'", "aliases"))
    if not aliases or not all(aliases):
        raise ConfigError(f"{source}: target '{key}' needs aliases with words in them; add at least one")
    parties = tuple(_strings(raw.get("parties", []), source, f"target '{key}'", "parties"))
    return Target(key, name.strip(), str(kind), parties, aliases, _patterns(raw, source, key, "exclude"),
                  _patterns(raw, source, key, "products"))


def _patterns(raw: dict[str, object], source: str, key: str, name: str) -> tuple[re.Pattern[str], ...]:
    """A target's `exclude` or `products` patterns, compiled."""
    return tuple(_regex(p, source, f"target '{key}'", name) for p in _strings(raw.get(name, []), source, key, name))


def _integration(raw: dict[str, object], source: str, categories: tuple[str, ...]) -> Integration:
    key = raw.get("key")
    where = f"integration '{key}'"
    if not isinstance(key, str) or not _KEY.match(key):
        raise ConfigError(f"{source}: integration key {key!r} is missing or malformed; use lower-case words joined by hyphens")
    unknown = sorted(set(raw) - _INTEGRATION_FIELDS)
    if unknown:
        raise ConfigError(f"{source}: {where}: unknown field(s) {', '.join(unknown)}; remove or rename them")
    texts = {}
    for name in ("name", "definition", "category"):
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{source}: {where} has no {name}; add a non-empty {name} string")
        texts[name] = value.strip()
    if "{target}" not in texts["name"]:
        raise ConfigError(f"{source}: {where}: name must contain {{target}}, e.g. \"{{target}} tracing\"")
    if categories and texts["category"] not in categories:
        raise ConfigError(f"{source}: {where}: category '{texts['category']}' is not listed in `categories`")
    kinds = _strings(raw.get("targets", []), source, where, "targets")
    bad = [k for k in kinds if k not in TARGET_KINDS]
    if not kinds or bad:
        raise ConfigError(f"{source}: {where}: `targets` must list target kinds from {', '.join(TARGET_KINDS)}")
    cues = _strings(raw.get("cues", []), source, where, "cues")
    return Integration(
        key=key, name=texts["name"], definition=texts["definition"], category=texts["category"],
        targets=frozenset(kinds),
        cues=_regex("|".join(f"(?:{c})" for c in cues), source, where, "cues") if cues else None,
        default_for=frozenset(_strings(raw.get("default_for", []), source, where, "default_for")),
        absorbs=frozenset(_strings(raw.get("absorbs", []), source, where, "absorbs")),
        absorb_categories=frozenset(_strings(raw.get("absorb_categories", []), source, where, "absorb_categories")),
        not_for=frozenset(_strings(raw.get("not_for", []), source, where, "not_for")),
    )


def _regex(pattern: str, source: str, where: str, name: str) -> re.Pattern[str]:
    refuse_backtracking(pattern, f"{source}: {where}: {name}")
    try:
        return re.compile(r"\b(?:" + pattern + ")")
    except re.error as exc:
        raise ConfigError(f"{source}: {where}: {name} {pattern!r} does not compile ({exc}); fix the regex") from None


def _strings(value: object, source: str, where: str, name: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{source}: {where}: `{name}` must be a list of non-empty strings")
    return [v.strip() for v in value]
