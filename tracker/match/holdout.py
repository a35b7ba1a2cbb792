"""Leave-one-party-out evaluation: score each gold party with the rules that only its own lines justify removed.

A taxonomy is "fitted" to the parties whose lines its rules were written for. For every gold
party P:

1. the *support* of a rule is the set of gold parties whose labelled lines it links (the
   capability alias or pattern named in `Link.rule`, or the target alias of an integration
   link), measured on the full taxonomy;
2. every rule whose support is P alone is dropped (a capability or target left without rules
   goes too), the corpus is matched again with what remains, and
3. only the gold pairs that involve one of P's mentions are scored.

Summed over parties this is the leave-one-party-out figure: what the matcher finds at a party
with rules that other parties' lines, not its own, call for. It is honest about aliases and
patterns; it cannot undo what reading a party taught in general (admission, roles, cues).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.match.evaluate import EvalReport, Gold, evaluate, locate, precision, recall
from tracker.match.matcher import MatchSettings, match
from tracker.match.model import MatchOutcome
from tracker.match.roles import INTEGRATION_RULE
from tracker.match.taxonomy import build_taxonomy
from tracker.match.text import words
from tracker.model import Mention

RuleRef = tuple[str, str, str]  # ("capability", key, "alias:..."|"pattern:...") or ("target", key, alias words)


@dataclass(frozen=True, slots=True)
class PartyScore:
    party: str
    dropped: tuple[RuleRef, ...]
    report: EvalReport  # pairs that involve this party only


@dataclass(frozen=True, slots=True)
class HoldoutReport:
    parties: tuple[PartyScore, ...]

    @property
    def tp(self) -> int:
        return sum(p.report.tp for p in self.parties)

    @property
    def fp(self) -> int:
        return sum(p.report.fp for p in self.parties)

    @property
    def fn(self) -> int:
        return sum(p.report.fn for p in self.parties)

    @property
    def precision(self) -> float:
        return precision(self.tp, self.fp)

    @property
    def recall(self) -> float:
        return recall(self.tp, self.fn)

    def lines(self) -> list[str]:
        # every pair is scored once for each of its two parties: the sums count each pair twice
        merged = sum(p.report.near_miss_merged for p in self.parties)
        out = [
            f"leave-one-party-out: precision {self.precision:.3f}  recall {self.recall:.3f}  "
            f"(TP {self.tp}, FP {self.fp}, FN {self.fn}; each pair counted once per party)",
            f"near-miss pairs merged: {merged}",
            f"rules only one party's lines support, dropped while scoring that party: "
            f"{sum(len(p.dropped) for p in self.parties)}",
        ]
        for p in self.parties:
            r = p.report
            out.append(f"  {p.party}: P {r.precision:.2f} R {r.recall:.2f} without {len(p.dropped)} own rules")
        return out


def rule_support(gold: Gold, entries: Sequence[Mention], outcome: MatchOutcome) -> dict[RuleRef, set[str]]:
    """For every rule that links a labelled line, the gold parties whose lines it links."""
    by_entry: defaultdict[int, list[str]] = defaultdict(list)
    keys: defaultdict[int, list[str]] = defaultdict(list)
    for link in outcome.links:
        by_entry[link.entry_id].append(link.rule)
        keys[link.entry_id].append(link.feature_key)
    support: defaultdict[RuleRef, set[str]] = defaultdict(set)
    for m, entry in locate(gold, entries).items():
        for key, rule in zip(keys[entry.entry_id], by_entry[entry.entry_id]):
            ref = rule_ref(key, rule)
            if ref is not None:
                support[ref].add(m.party)
    return dict(support)


def rule_ref(feature_key: str, rule: str) -> RuleRef | None:
    """The taxonomy rule a link label names; None for discovered phrases."""
    rule = rule.removeprefix("context:")
    if rule.startswith(INTEGRATION_RULE):
        target_part, _, alias = rule.removeprefix(INTEGRATION_RULE).rpartition(":")
        return ("target", target_part.partition("@")[2], alias)
    if rule.startswith(("alias:", "pattern:")):
        return ("capability", feature_key, rule)
    return None


def without_rules(data: dict[str, object], drop: set[RuleRef]) -> dict[str, object]:
    """Taxonomy data with the rules dropped; capabilities and targets left without rules are removed."""
    data = copy.deepcopy(data)
    caps = []
    for cap in data.get("capability", []):  # type: ignore[union-attr,attr-defined]
        key = cap["key"]
        for name in ("aliases", "scoped_aliases"):
            cap[name] = [a for a in cap.get(name, []) if ("capability", key, f"alias:{a}") not in drop]
        cap["patterns"] = [p for p in cap.get("patterns", []) if ("capability", key, f"pattern:{p}") not in drop]
        if not cap["scoped_aliases"]:
            cap.pop("scoped_aliases")
            cap.pop("alias_scope", None)
        if cap["aliases"] or cap["patterns"] or cap.get("scoped_aliases"):
            caps.append(cap)
    kept = {c["key"] for c in caps}
    for cap in caps:
        for name in ("near_miss_of", "supersedes"):
            if name in cap:
                cap[name] = [k for k in cap[name] if k in kept]
    data["capability"] = caps
    targets = []
    for target in data.get("target", []):  # type: ignore[union-attr,attr-defined]
        key = target["key"]
        target["aliases"] = [
            a for a in target.get("aliases", []) if ("target", key, " ".join(words(a))) not in drop
        ]
        if target["aliases"]:
            targets.append(target)
    data["target"] = targets
    return data


def leave_one_party_out(
    gold: Gold,
    entries: Sequence[Mention],
    data: dict[str, object],
    *,
    settings: MatchSettings = MatchSettings(),
    source: str = "<taxonomy>",
) -> HoldoutReport:
    """Score every gold party against a taxonomy without the rules only that party's lines support."""
    full = match(entries, build_taxonomy(data, source=source), settings=settings)
    support = rule_support(gold, entries, full)
    scores = []
    for party in sorted({m.party for m in gold.mentions}):
        drop = {ref for ref, parties in support.items() if parties == {party}}
        outcome = full
        if drop:
            outcome = match(entries, build_taxonomy(without_rules(data, drop), source=source), settings=settings)
        report = evaluate(gold, entries, outcome, parties=frozenset({party}))
        scores.append(PartyScore(party, tuple(sorted(drop)), report))
    return HoldoutReport(tuple(scores))
