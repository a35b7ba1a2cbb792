"""Find the taxonomy capabilities one entry mentions: blocking, rule matching, conflict resolution.

Per entry, only rules indexed under the entry's own blocking keys are tried. Hits of one
capability keep their longest span. Then, within the entry:

1. a capability vetoed by one of its `exclude` patterns is dropped;
2. `supersedes` drops the broader reading (cache-token tracking beats prompt caching);
3. of two near-miss capabilities the one with the longer match wins;
4. a capability attached by a preposition to an earlier hit ("prompt caching *for*
   Bedrock Prompt Management") is a modifier of that hit, not a second launch.

The entry's context (parent bullet or post title) can veto readings it supersedes, and a
nested bullet with no hit of its own inherits its parent's capabilities.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.match.taxonomy import Taxonomy
from tracker.match.text import PHRASE_BREAK, Reading, block_key, read

ALIAS_SCORE = 1.0
PATTERN_SCORE = 0.9
CONTEXT_FACTOR = 0.6
_PREPOSITIONS = frozenset("for in into to with within on of from via using through inside across by".split())
_COORDINATORS = frozenset("and or plus also".split())
_COORD_MARK = re.compile(r"[,;&+/|]|\s-\s|\.\s")
_NESTED = re.compile(r"^[ \t]+(?:[-*+•]|\d{1,3}[.)])\s")


@dataclass(frozen=True, slots=True)
class Hit:
    """A capability found in an entry, with the rule and word span that found it."""

    capability: int
    rule: str
    score: float
    start: int
    end: int


def is_nested(raw: str) -> bool:
    """A bullet indented under another bullet: its context is its parent."""
    return bool(_NESTED.match(raw))


def find_hits(
    reading: Reading, taxonomy: Taxonomy, *, retirement: bool = False, party_category: str = ""
) -> list[Hit]:
    """All capabilities the text mentions, after exclusion and conflict resolution.

    With `retirement`, only capabilities announced by removals are looked for; scoped aliases
    count only for a `party_category` they name.
    """
    if not reading.words:
        return []
    best: dict[int, Hit] = {}
    stem_set = frozenset(reading.stems)
    keys = {block_key(w) for w in reading.words}
    for rule_id in _candidates(reading, keys, taxonomy):
        rule = taxonomy.rules[rule_id]
        if retirement and rule.capability not in taxonomy.retirement:
            continue
        if (rule.party_categories and party_category not in rule.party_categories) or party_category in rule.not_for:
            continue
        if rule.stems:
            span = _alias_span(reading, rule.stems) if rule.stem_set <= stem_set else None
            score = ALIAS_SCORE
        elif _needs_met(keys, rule.requires):
            span = _pattern_span(reading, rule.regex)
            score = PATTERN_SCORE
        else:
            continue
        if span is None:
            continue
        hit = Hit(rule.capability, rule.label, score, span[0], span[1])
        old = best.get(rule.capability)
        if old is None or _rank(hit) < _rank(old):
            best[rule.capability] = hit
    hits = [
        h for c, h in best.items()
        if not any(x.search(reading.norm) for x in taxonomy.excludes[c])
    ]
    return resolve(hits, reading, taxonomy)


def resolve(hits: list[Hit], reading: Reading, taxonomy: Taxonomy) -> list[Hit]:
    """Steps 2-4 of the module docstring, in text order; deterministic for any input order."""
    hits.sort(key=lambda h: (h.start, h.capability))
    present = {h.capability for h in hits}
    hits = [h for h in hits if not any((w, h.capability) in taxonomy.supersedes for w in present)]
    dropped: set[int] = set()
    for a in hits:
        for b in hits:
            if a.capability < b.capability and (a.capability, b.capability) in taxonomy.near_miss:
                dropped.add(b.capability if _rank(a) <= _rank(b) else a.capability)
    hits = [h for h in hits if h.capability not in dropped]
    kept: list[Hit] = []
    for h in hits:
        if kept and _is_modifier(reading, kept, h):
            continue
        kept.append(h)
    return kept


def link_entry(
    text: str, context: str, raw: str, taxonomy: Taxonomy, *,
    reading: Reading | None = None, context_hits: dict[str, list[Hit]] | None = None, retirement: bool = False,
    party_category: str = "",
) -> list[Hit]:
    """Hits of an entry, using its context to veto readings and to fill in nested bullets.

    `reading` is `read(text)` when the caller has it already; `context_hits` caches the
    hits of contexts shared by many entries (a post title, a parent bullet).
    """
    own = find_hits(reading or read(text), taxonomy, retirement=retirement, party_category=party_category)
    if retirement or not context or context == text:
        return own
    cache = context_hits if context_hits is not None else {}
    cache_key = f"{party_category}\x00{context}"
    ctx = cache.get(cache_key)
    if ctx is None:
        ctx = cache[cache_key] = find_hits(read(context), taxonomy, party_category=party_category)
    if not ctx:
        return own
    ctx_caps = {h.capability for h in ctx}
    own = [h for h in own if not any((c, h.capability) in taxonomy.supersedes for c in ctx_caps)]
    if own or not is_nested(raw):
        return own
    return [Hit(h.capability, "context:" + h.rule, round(h.score * CONTEXT_FACTOR, 3), -1, -1) for h in ctx]


def _candidates(reading: Reading, keys: set[str], taxonomy: Taxonomy) -> list[int]:
    """Rule ids worth trying: aliases indexed under one of the entry's stems, patterns under its `keys`."""
    found: set[int] = set(taxonomy.unanchored)
    for s in set(reading.stems):
        found.update(taxonomy.alias_index.get(s, ()))
    for k in keys:
        found.update(taxonomy.index.get(k, ()))
    return sorted(found)


def _needs_met(keys: set[str], requires: tuple[frozenset[str], ...]) -> bool:
    """The entry has a blocking key of every word set a pattern needs (a plain loop: it runs ~400k times)."""
    for needed in requires:
        if keys.isdisjoint(needed):
            return False
    return True


def _alias_span(reading: Reading, alias: tuple[str, ...]) -> tuple[int, int] | None:
    """First place the alias's stems occur in a row, not broken by a comma, bracket or dash."""
    n = len(alias)
    stems = reading.stems
    first = alias[0]
    for i in _positions(stems, first):
        if stems[i:i + n] == alias and not any(PHRASE_BREAK.search(reading.gaps[j]) for j in range(i + 1, i + n)):
            return i, i + n
    return None


def _positions(seq: tuple[str, ...], item: str) -> Iterable[int]:
    start = 0
    while True:
        try:
            i = seq.index(item, start)
        except ValueError:
            return
        yield i
        start = i + 1


def _pattern_span(reading: Reading, regex: re.Pattern[str] | None) -> tuple[int, int] | None:
    if regex is None:
        return None
    m = regex.search(reading.norm)
    if m is None:
        return None
    start = bisect.bisect_right(reading.starts, m.start()) - 1
    end = max(start + 1, bisect.bisect_left(reading.starts, m.end()))
    return start, end


def _rank(h: Hit) -> tuple[int, float, int, str]:
    """Longer spans first, then alias over pattern, then earlier, then by rule text."""
    return (-(h.end - h.start), -h.score, h.start, h.rule)


def _is_modifier(reading: Reading, kept: list[Hit], hit: Hit) -> bool:
    """True when `hit` hangs off an earlier hit by a preposition with no coordination between.

    Walks back from the hit towards the nearest earlier hit: a preposition met before any
    comma, "and", "&" or spaced dash makes the hit a modifier ("caching *for* Prompt Management").
    """
    left = max((k.end for k in kept if k.end <= hit.start), default=None)
    if left is None:
        return False
    for j in range(hit.start, left, -1):
        if _COORD_MARK.search(reading.gaps[j]):
            return False
        word = reading.words[j - 1]
        if word in _COORDINATORS:
            return False
        if word in _PREPOSITIONS:
            return True
    return False
