"""The curated capability taxonomy: load `tracker/data/taxonomy.toml` (or a user's own), validate it, index it for blocking.

Each capability has a key, a name, a one-sentence definition, a category, and the rules
that find it in changelog text:

* `aliases`  - phrases matched word by word on light stems (`prompt caching` finds
  "Prompt-Cache" and "prompt caches");
* `patterns` - regular expressions over normalised text (lower-case words joined by
  single spaces, see `text.normalise`), matched from the start of a word;
* `exclude`  - patterns that veto the capability on an entry;
* `near_miss_of` - capabilities that must never be merged with this one (symmetric);
* `supersedes` - capabilities dropped from an entry when this one matches it too
  (the narrower reading wins: cache-token tracking supersedes prompt caching);
* `hosted` - only a model host ships it natively (see `[roles]` in `targets`).

Integration targets, integration capabilities and the role policy are read by `targets`.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources

from tracker.errors import ConfigError
from tracker.match.blocking import alias_key, pattern_requirements
from tracker.match.regex_safety import refuse_backtracking
from tracker.match.targets import Targets, build_targets
from tracker.match.text import stems

_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PATTERN_TEXT = re.compile(r"^[a-z0-9 ()?:|.*+{}\[\],^$=!<>-]*$")
_ESCAPE = re.compile(r"\\.")
_LIST_FIELDS = (
    "aliases", "patterns", "exclude", "near_miss_of", "supersedes", "scoped_aliases", "alias_scope", "not_for",
    "product_of",
)
_KNOWN_FIELDS = {"key", "name", "definition", "category", "retirement", "hosted", *_LIST_FIELDS}


@dataclass(frozen=True, slots=True)
class Capability:
    key: str
    name: str
    definition: str
    category: str
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    near_miss_of: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()
    retirement: bool = False
    hosted: bool = False
    # Short names that mean this capability only at parties of some categories: "Datasets" at an
    # evaluation or LLM-observability tool is its evaluation datasets, at a data platform it is not.
    scoped_aliases: tuple[str, ...] = ()
    alias_scope: tuple[str, ...] = ()  # the party categories `scoped_aliases` apply to
    # Party categories whose lines never mean it: an app framework's "model registry" is a lookup of model ids.
    not_for: tuple[str, ...] = ()
    # Party categories whose product is this capability (a feature store's feature store, an LLM-observability
    # tool's tracing): it was there before their changelog began, so their lines extend it, never announce it.
    product_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled alias or pattern of a capability."""

    capability: int  # index into Taxonomy.capabilities
    label: str  # "alias:prompt caching" / "pattern:batch(?:es)? api"
    stems: tuple[str, ...] = ()  # alias rules
    stem_set: frozenset[str] = frozenset()  # alias rules: a cheap subset test before the ordered match
    regex: re.Pattern[str] | None = None  # pattern rules
    requires: tuple[frozenset[str], ...] = ()  # pattern rules: an entry needs a blocking key of each set
    party_categories: frozenset[str] = frozenset()  # scoped aliases: only at parties of these categories
    not_for: frozenset[str] = frozenset()  # never at parties of these categories


@dataclass(frozen=True, slots=True)
class Taxonomy:
    capabilities: tuple[Capability, ...]
    categories: tuple[str, ...]
    ignore_words: frozenset[str]  # vendor / product words discovery must not build phrases from
    digest: str  # changes whenever anything that affects matching changes
    rules: tuple[Rule, ...] = ()
    index: dict[str, tuple[int, ...]] = field(default_factory=dict)  # pattern block key -> rule ids
    alias_index: dict[str, tuple[int, ...]] = field(default_factory=dict)  # stem -> alias rule ids
    unanchored: tuple[int, ...] = ()  # rule ids tried on every entry
    excludes: tuple[tuple[re.Pattern[str], ...], ...] = ()  # per capability
    near_miss: frozenset[tuple[int, int]] = frozenset()  # ordered pairs, both directions
    supersedes: frozenset[tuple[int, int]] = frozenset()  # (winner, loser)
    position: dict[str, int] = field(default_factory=dict)  # key -> index
    retirement: frozenset[int] = frozenset()  # capabilities matched on retirement lines
    targets: Targets = Targets()  # integration targets, integration capabilities, role policy

    def get(self, key: str) -> Capability | None:
        i = self.position.get(key)
        return None if i is None else self.capabilities[i]


def shipped_taxonomy_path() -> pathlib.Path:
    """The default taxonomy, installed with the package (tracker/data/taxonomy.toml)."""
    return pathlib.Path(str(resources.files("tracker") / "data" / "taxonomy.toml"))


def load_taxonomy(path: pathlib.Path | None = None) -> Taxonomy:
    """Read and validate a taxonomy file (default: the shipped one); any problem raises
    ConfigError naming the key and the fix."""
    path = path or shipped_taxonomy_path()
    return build_taxonomy(read_taxonomy_data(path), source=str(path))


def read_taxonomy_data(path: pathlib.Path) -> dict[str, object]:
    """The parsed TOML of a taxonomy file, not yet validated."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"taxonomy file {path} not found; fix [match] taxonomy in config.toml, or remove it to use the shipped one"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the syntax at that position") from None


def build_taxonomy(data: dict[str, object], *, source: str = "<taxonomy>") -> Taxonomy:
    """Validate parsed taxonomy data and compile its rules and blocking index."""
    categories = tuple(_str_list(data.get("categories", []), source, "(top level)", "categories"))
    discovery = data.get("discovery", {})
    if not isinstance(discovery, dict):
        raise ConfigError(f"{source}: [discovery] must be a table")
    ignore_words = _str_list(discovery.get("ignore_words", []), source, "[discovery]", "ignore_words")
    targets = build_targets(data, source, categories)
    # target names (frameworks, providers) name an integration, never a capability of their own
    ignore = frozenset(w.lower() for w in ignore_words) | targets.words_of_targets()
    raw_caps = data.get("capability")
    if not isinstance(raw_caps, list) or not raw_caps:
        raise ConfigError(f"{source}: no [[capability]] tables; add at least one capability")
    caps = [_capability(raw, source, categories) for raw in raw_caps]
    position: dict[str, int] = {}
    for i, cap in enumerate(caps):
        if cap.key in position:
            raise ConfigError(f"{source}: capability '{cap.key}' is defined twice; rename or merge one of them")
        position[cap.key] = i
    near: set[tuple[int, int]] = set()
    sup: set[tuple[int, int]] = set()
    for i, cap in enumerate(caps):
        for name, target, pairs in (("near_miss_of", cap.near_miss_of, near), ("supersedes", cap.supersedes, sup)):
            for other in target:
                if other not in position:
                    raise ConfigError(
                        f"{source}: capability '{cap.key}': {name} names unknown capability '{other}'; "
                        "fix the key or add that capability"
                    )
                if other == cap.key:
                    raise ConfigError(f"{source}: capability '{cap.key}': {name} lists itself; remove it")
                pairs.add((i, position[other]))
    near |= {(b, a) for a, b in near}
    rules, index, alias_index, unanchored = _compile_rules(caps, source)
    excludes = tuple(tuple(_compile(p, source, c.key, "exclude") for p in c.exclude) for c in caps)
    digest = hashlib.sha256(
        json.dumps(
            [data.get(k) for k in ("capability", "target", "integration", "roles")] + [sorted(ignore)],
            sort_keys=True, default=str,
        ).encode()
    ).hexdigest()[:16]
    return Taxonomy(
        capabilities=tuple(caps),
        categories=categories,
        ignore_words=ignore,
        digest=digest,
        rules=tuple(rules),
        index=index,
        alias_index=alias_index,
        unanchored=tuple(unanchored),
        excludes=excludes,
        near_miss=frozenset(near),
        supersedes=frozenset(sup),
        position=position,
        retirement=frozenset(i for i, c in enumerate(caps) if c.retirement),
        targets=targets,
    )


def _capability(raw: object, source: str, categories: tuple[str, ...]) -> Capability:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: every [[capability]] must be a table")
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise ConfigError(
            f"{source}: capability key {key!r} is missing or malformed; use lower-case words joined by hyphens"
        )
    unknown = sorted(set(raw) - _KNOWN_FIELDS)
    if unknown:
        raise ConfigError(f"{source}: capability '{key}': unknown field(s) {', '.join(unknown)}; remove or rename them")
    texts = {}
    for name in ("name", "definition", "category"):
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{source}: capability '{key}' has no {name}; add a non-empty {name} string")
        texts[name] = value.strip()
    if categories and texts["category"] not in categories:
        raise ConfigError(
            f"{source}: capability '{key}': category '{texts['category']}' is not listed in `categories`; "
            "use one of them or add it to the list"
        )
    lists = {name: tuple(_str_list(raw.get(name, []), source, f"capability '{key}'", name)) for name in _LIST_FIELDS}
    retirement, hosted = raw.get("retirement", False), raw.get("hosted", False)
    if not isinstance(retirement, bool) or not isinstance(hosted, bool):
        raise ConfigError(f"{source}: capability '{key}': `retirement` and `hosted` must be true or false")
    if not lists["aliases"] and not lists["patterns"] and not lists["scoped_aliases"]:
        raise ConfigError(f"{source}: capability '{key}' has no aliases or patterns; add at least one")
    if bool(lists["scoped_aliases"]) != bool(lists["alias_scope"]):
        raise ConfigError(
            f"{source}: capability '{key}': `scoped_aliases` and `alias_scope` go together; "
            "list the party categories the scoped aliases apply to, or remove both"
        )
    for alias in lists["aliases"] + lists["scoped_aliases"]:
        if not stems(alias):
            raise ConfigError(f"{source}: capability '{key}': alias {alias!r} has no words; remove it")
    for name in ("patterns", "exclude"):
        for pattern in lists[name]:
            _compile(pattern, source, key, name)
    return Capability(key=key, **texts, **lists, retirement=retirement, hosted=hosted)  # type: ignore[arg-type]


def _compile(pattern: str, source: str, key: str, field_name: str) -> re.Pattern[str]:
    unescaped = _ESCAPE.sub("", pattern)
    if not _PATTERN_TEXT.match(unescaped) or unescaped != unescaped.lower():
        raise ConfigError(
            f"{source}: capability '{key}': {field_name} {pattern!r} can never match normalised text; "
            "write lower-case words separated by single spaces (no hyphens, dots or underscores)"
        )
    refuse_backtracking(pattern, f"{source}: capability '{key}': {field_name}")
    try:
        return re.compile(r"\b(?:" + pattern + ")")
    except re.error as exc:
        raise ConfigError(
            f"{source}: capability '{key}': {field_name} {pattern!r} does not compile ({exc}); fix the regex"
        ) from None


def _compile_rules(
    caps: list[Capability], source: str
) -> tuple[list[Rule], dict[str, tuple[int, ...]], dict[str, tuple[int, ...]], list[int]]:
    rules: list[Rule] = []
    index: defaultdict[str, list[int]] = defaultdict(list)
    alias_index: defaultdict[str, list[int]] = defaultdict(list)
    unanchored: list[int] = []
    for ci, cap in enumerate(caps):
        scope, never = frozenset(cap.alias_scope), frozenset(cap.not_for)
        for alias, where in [(a, frozenset[str]()) for a in cap.aliases] + [(a, scope) for a in cap.scoped_aliases]:
            alias_stems = tuple(stems(alias))
            alias_index[alias_key(alias_stems)].append(len(rules))
            rules.append(Rule(ci, f"alias:{alias}", stems=alias_stems, stem_set=frozenset(alias_stems),
                              party_categories=where, not_for=never))
        for pattern in cap.patterns:
            required = pattern_requirements(pattern)
            if not required:
                unanchored.append(len(rules))
            else:  # indexed under the most selective set; the others are checked before the regex runs
                for k in sorted(required[0]):
                    index[k].append(len(rules))
            rules.append(Rule(ci, f"pattern:{pattern}", regex=_compile(pattern, source, cap.key, "patterns"),
                              requires=required[1:], not_for=never))
    return (
        rules,
        {k: tuple(v) for k, v in sorted(index.items())},
        {k: tuple(v) for k, v in sorted(alias_index.items())},
        unanchored,
    )


def _str_list(value: object, source: str, where: str, name: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{source}: {where}: `{name}` must be a list of non-empty strings")
    return [v.strip() for v in value]
