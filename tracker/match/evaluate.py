"""Score a match outcome against hand-checked gold labels.

Definitions (the numbers `bench_match.py` and the corpus test report):

* **Locating a gold mention.** Among the entries of the mention's source URL, those whose raw
  line contains the evidence (case-insensitive, whitespace collapsed; the cleaned text is
  tried when no raw line does). Of several, the one whose line is closest to the gold line
  (then the lower line). A mention found nowhere counts as *not found*.
* **Pairs.** Over all pairs of gold mentions: two mentions of one gold feature at different
  parties are a positive pair; mentions of different gold features are a negative pair,
  unless one of the two lines is also labelled with the other's feature. A pair is predicted
  positive when both entries share at least one predicted feature (a link). Precision =
  TP / (TP + FP), recall = TP / (TP + FN); positive pairs with a mention not found are FN.
* **Near-miss merges.** Pairs of mentions of two features where one lists the other in
  `near_miss_of`, predicted positive.
* **Lag error.** Gold lag of a mention = its date - the earliest gold date of its feature.
  For each gold feature, its predicted feature is the one linked to the most of its found
  mentions (ties: the earlier first date, then the key). Predicted lag = the first date of
  the mention's party in that predicted feature - the earliest such first date among the
  feature's labelled parties (parties the labels do not cover do not move the origin: the
  figure measures dates, not coverage). A party's first date is read as the statistics read
  it (`metrics.timeline.arrival_lines`): its earliest dated linked line, announcing or not; a
  party known only through estimated dates (undated releases) has no lag there, nor here. The error is
  |predicted - gold| in days; mentions whose party has no entry in the predicted feature (or
  whose feature has none) have no predicted lag and are counted apart. The figures are the
  median over mentions with a predicted lag and how many are off by a day or more.
* **Roles.** Gold mentions may carry `role` (native | support). For each found mention whose
  entry is linked to its feature's predicted feature, the link's role is compared with it.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import statistics
import tomllib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.errors import ConfigError
from tracker.match.model import MatchOutcome
from tracker.model import Mention


def precision(tp: int, fp: int) -> float:
    """Pairwise precision; 1.0 when nothing was predicted (no wrong merges)."""
    return tp / (tp + fp) if tp + fp else 1.0


def recall(tp: int, fn: int) -> float:
    """Pairwise recall; 1.0 when there was nothing to find."""
    return tp / (tp + fn) if tp + fn else 1.0


@dataclass(frozen=True, slots=True)
class GoldMention:
    feature: str
    party: str
    source: str
    version: str
    date: dt.date
    evidence: str
    line: int
    role: str = ""  # native | support, when labelled


@dataclass(frozen=True, slots=True)
class GoldFeature:
    id: str
    name: str
    near_miss_of: tuple[str, ...]
    mentions: tuple[GoldMention, ...]


@dataclass(frozen=True, slots=True)
class Gold:
    features: tuple[GoldFeature, ...]

    @property
    def mentions(self) -> tuple[GoldMention, ...]:
        return tuple(m for f in self.features for m in f.mentions)


@dataclass(frozen=True, slots=True)
class LagRow:
    mention: GoldMention
    gold_lag: int
    predicted_lag: int | None

    @property
    def error(self) -> int | None:
        return None if self.predicted_lag is None else abs(self.predicted_lag - self.gold_lag)


@dataclass(frozen=True, slots=True)
class EvalReport:
    tp: int
    fp: int
    fn: int
    near_miss_merged: int
    not_found: tuple[GoldMention, ...]
    lag_rows: tuple[LagRow, ...]
    predicted_feature: dict[str, str] = field(default_factory=dict)  # gold feature -> predicted key
    false_pairs: tuple[tuple[GoldMention, GoldMention], ...] = ()
    missed_pairs: tuple[tuple[GoldMention, GoldMention], ...] = ()
    roles: tuple[tuple[GoldMention, str], ...] = ()  # (labelled mention, predicted role)

    @property
    def precision(self) -> float:
        return precision(self.tp, self.fp)

    @property
    def recall(self) -> float:
        return recall(self.tp, self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def median_lag_error(self) -> float | None:
        errors = [row.error for row in self.lag_rows if row.error is not None]
        return float(statistics.median(errors)) if errors else None

    @property
    def lags_off(self) -> int:
        return sum(1 for row in self.lag_rows if row.error)

    def lines(self) -> list[str]:
        median = self.median_lag_error
        undefined = sum(1 for r in self.lag_rows if r.error is None)
        out = [
            f"pairs: precision {self.precision:.3f}  recall {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"(TP {self.tp}, FP {self.fp}, FN {self.fn})",
            f"near-miss pairs merged: {self.near_miss_merged}",
            f"gold mentions not found in the catalog: {len(self.not_found)}",
            "median absolute lag error: " + ("n/a" if median is None else f"{median:.1f} days")
            + f" over {len(self.lag_rows) - undefined} mentions ({undefined} without a predicted lag); "
            f"{self.lags_off} of them off by a day or more",
        ]
        for row in self.lag_rows:
            if row.error:
                out.append(f"  lag off by {row.error} days: {row.mention.feature} / {row.mention.party} "
                           f"(gold {row.gold_lag}, predicted {row.predicted_lag})")
        if self.roles:
            out.append("roles right: " + ", ".join(
                f"{role} {sum(1 for m, r in self.roles if m.role == role and r == role)}/"
                f"{sum(1 for m, _ in self.roles if m.role == role)}" for role in ("native", "support")
            ))
        for gold_id, key in sorted(self.predicted_feature.items()):
            out.append(f"  {gold_id} -> {key}")
        for m in self.not_found:
            out.append(f"  not found: {m.feature} / {m.party}: {m.evidence!r}")
        for a, b in self.false_pairs:
            out.append(f"  false pair: {a.feature}/{a.party} ~ {b.feature}/{b.party}")
        return out


def load_gold(path: pathlib.Path) -> Gold:
    """Read a gold file (`[[feature]]` tables with `[[feature.mention]]` rows)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read gold labels ({exc}); check the path and the TOML syntax") from None
    features = []
    for f in data.get("feature", []):
        mentions = tuple(
            GoldMention(
                feature=f["id"], party=m["party"], source=m["source"], version=str(m.get("version", "")),
                date=_date(m["date"]), evidence=m["evidence"], line=int(m.get("line", 0)),
                role=str(m.get("role", "")),
            )
            for m in f.get("mention", [])
        )
        features.append(GoldFeature(f["id"], f.get("name", f["id"]), tuple(f.get("near_miss_of", [])), mentions))
    return Gold(tuple(features))


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


def locate(gold: Gold, entries: Sequence[Mention]) -> dict[GoldMention, Mention]:
    """The catalog entry of each gold mention that can be found."""
    by_source: defaultdict[str, list[Mention]] = defaultdict(list)
    for e in entries:
        by_source[e.source_url].append(e)
    found: dict[GoldMention, Mention] = {}
    for m in gold.mentions:
        evidence = _squash(m.evidence)
        pool = by_source.get(m.source, [])
        hits = [e for e in pool if evidence in _squash(e.raw)] or [e for e in pool if evidence in _squash(e.text)]
        if hits:
            found[m] = min(hits, key=lambda e: (abs(e.line - m.line), e.line, e.entry_id))
    return found


def evaluate(
    gold: Gold, entries: Sequence[Mention], outcome: MatchOutcome, *, parties: frozenset[str] | None = None
) -> EvalReport:
    """Pairwise precision/recall, near-miss merges, not-found mentions and lag error.

    With `parties`, only pairs that involve a mention of one of those parties are scored."""
    found = locate(gold, entries)
    predicted: defaultdict[int, set[str]] = defaultdict(set)
    for link in outcome.links:
        predicted[link.entry_id].add(link.feature_key)
    labels: defaultdict[int, set[str]] = defaultdict(set)
    for m, e in found.items():
        labels[e.entry_id].add(m.feature)
    near = {(f.id, other) for f in gold.features for other in f.near_miss_of}
    near |= {(b, a) for a, b in near}
    mentions = gold.mentions
    tp = fp = fn = merged = 0
    false_pairs: list[tuple[GoldMention, GoldMention]] = []
    missed: list[tuple[GoldMention, GoldMention]] = []
    for i, a in enumerate(mentions):
        for b in mentions[i + 1:]:
            if parties is not None and a.party not in parties and b.party not in parties:
                continue
            ea, eb = found.get(a), found.get(b)
            same = a.feature == b.feature
            hit = bool(ea and eb and predicted[ea.entry_id] & predicted[eb.entry_id])
            if same:
                if a.party == b.party:
                    continue
                if hit:
                    tp += 1
                else:
                    fn += 1
                    missed.append((a, b))
                continue
            if ea and eb and (b.feature in labels[ea.entry_id] or a.feature in labels[eb.entry_id]):
                continue
            if hit:
                fp += 1
                false_pairs.append((a, b))
                if (a.feature, b.feature) in near:
                    merged += 1
    chosen, rows = _lags(gold, entries, found, outcome)
    role_of = {(link.entry_id, link.feature_key): link.role for link in outcome.links}
    roles = tuple(
        (m, role_of[(found[m].entry_id, chosen[m.feature])]) for m in mentions
        if m.role and m in found and m.feature in chosen and (found[m].entry_id, chosen[m.feature]) in role_of
    )
    return EvalReport(
        tp=tp, fp=fp, fn=fn, near_miss_merged=merged,
        not_found=tuple(m for m in mentions if m not in found),
        lag_rows=tuple(rows), predicted_feature=chosen,
        false_pairs=tuple(false_pairs), missed_pairs=tuple(missed), roles=roles,
    )


def _lags(
    gold: Gold, entries: Sequence[Mention], found: dict[GoldMention, Mention], outcome: MatchOutcome
) -> tuple[dict[str, str], list[LagRow]]:
    by_id = {e.entry_id: e for e in entries}
    members: defaultdict[str, list[tuple[Mention, bool]]] = defaultdict(list)
    for link in outcome.links:
        if link.entry_id in by_id:
            members[link.feature_key].append((by_id[link.entry_id], link.announces))
    first = {key: _first_date(ms) for key, ms in members.items()}  # (breaks ties between predicted features)
    linked: defaultdict[int, set[str]] = defaultdict(set)
    for link in outcome.links:
        linked[link.entry_id].add(link.feature_key)
    chosen: dict[str, str] = {}
    rows: list[LagRow] = []
    for f in gold.features:
        if not f.mentions:
            continue
        start = min(m.date for m in f.mentions)
        votes = Counter(k for m in f.mentions if m in found for k in linked[found[m].entry_id])
        key = min(votes, key=lambda k: (-votes[k], first[k], k)) if votes else None
        if key is not None:
            chosen[f.id] = key
        # each labelled party's first date in the predicted feature, measured from the earliest of them
        dates: dict[str, dt.date] = {}
        if key is not None:
            for party in {m.party for m in f.mentions}:
                own = [(e, a) for e, a in members[key] if e.party == party]
                if any(not e.date_estimated for e, _ in own):  # (undated only: no lag, as in the statistics)
                    dates[party] = _first_date(own)
        origin = min(dates.values(), default=None)
        for m in f.mentions:
            predicted_lag = None if m.party not in dates or origin is None else (dates[m.party] - origin).days
            rows.append(LagRow(m, (m.date - start).days, predicted_lag))
    return chosen, rows


def _first_date(mentions: Sequence[tuple[Mention, bool]]) -> dt.date:
    """A party's first-seen date as the statistics read it (`metrics.timeline.arrival_lines`): its earliest
    dated line, announcing or not (an extension of the capability shows the party had it by then); its
    earliest announcing line when all are undated."""
    dated = [m.date for m, _ in mentions if not m.date_estimated]
    if dated:
        return min(dated)
    return min(m.date for m in ([m for m, announces in mentions if announces] or [m for m, _ in mentions]))
