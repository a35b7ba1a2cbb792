"""Copy-lag arithmetic on hand-made timelines: ties, undated mentions, windows and medians."""

from __future__ import annotations

import datetime as dt

from tracker.model import FeatureDef, MentionRow
from tracker.metrics import build_timelines, by_quarter, party_stats, pressure_index, rules, summarize

KINDS = {"Acme": "startup", "Bolt": "incumbent", "Cobalt": "vendor", "Dune": "oss", "Echo": "incumbent"}
_ids = iter(range(1, 10_000))


def row(feature: str, party: str, day: str, *, estimated: bool = False) -> MentionRow:
    return MentionRow(
        feature_key=feature, entry_id=next(_ids), party=party, party_kind=KINDS[party], party_category="llm-api",
        source_url=f"https://{party.lower()}.test/CHANGELOG.md", release_url="", version="1.0.0",
        date=dt.date.fromisoformat(day), date_estimated=estimated, text=f"{feature} at {party}",
        raw=f"* {feature} at {party}", line=3, kind="feature", rule="alias", detected_at="2026-11-29 06:00:00",
    )


def feature(key: str) -> FeatureDef:
    return FeatureDef(key, key.replace("-", " ").title(), "", "llm-api", "taxonomy")


def timelines(*rows: MentionRow):  # type: ignore[no-untyped-def]
    keys = sorted({r.feature_key for r in rows})
    return {t.key: t for t in build_timelines([feature(k) for k in keys], rows)}


def test_first_mover_and_lags_use_each_partys_earliest_exact_mention() -> None:
    t = timelines(
        row("batch", "Bolt", "2024-03-10"),
        row("batch", "Acme", "2024-01-01"),
        row("batch", "Acme", "2023-12-01", estimated=True),  # a first-seen date never beats a published one
        row("batch", "Cobalt", "2024-02-15"),
        row("batch", "Cobalt", "2024-01-20"),
    )["batch"]
    assert [(p.party, p.first_seen.isoformat(), p.lag_days, p.estimated) for p in t.parties] == [
        ("Acme", "2024-01-01", 0, False), ("Cobalt", "2024-01-20", 19, False), ("Bolt", "2024-03-10", 69, False),
    ]
    assert rules.time_to_commodity(t, 3) == 69 and rules.time_to_commodity(t, 4) is None
    assert rules.copies_within(t, 30) == 1 and rules.copies_within(t, 90) == 2
    assert rules.incumbent_catch_up(t) == 69  # a startup shipped first; Bolt is the first incumbent


def test_ties_go_to_the_name_that_sorts_first_and_the_tied_party_has_lag_zero() -> None:
    t = timelines(row("files", "Cobalt", "2025-05-22"), row("files", "Acme", "2025-05-22"))["files"]
    assert t.first.party == "Acme" and [p.lag_days for p in t.parties] == [0, 0]
    assert rules.time_to_commodity(t, 2) == 0


def test_undated_parties_are_flagged_and_left_out_of_every_median_and_index() -> None:
    ts = timelines(
        row("webhooks", "Acme", "2025-06-01"),
        row("webhooks", "Bolt", "2025-06-21"),
        row("webhooks", "Dune", "2026-11-29", estimated=True),  # only ever seen by the crawler
    )
    t = ts["webhooks"]
    dune = t.parties[-1]
    assert dune.party == "Dune" and dune.estimated and dune.lag_days == 546
    assert [p.party for p in t.exact_followers] == ["Bolt"]
    summary = summarize(list(ts.values()), as_of=dt.date(2026, 11, 29))
    assert summary.median_lag == 20 and summary.follower_mentions == 1
    assert rules.time_to_commodity(t, 3) is None  # only two exact parties


def test_a_feature_known_only_from_undated_mentions_has_no_exact_first_mover() -> None:
    t = timelines(row("skills", "Dune", "2026-11-01", estimated=True), row("skills", "Acme", "2026-11-02",
                                                                             estimated=True))["skills"]
    assert t.first.estimated and rules.time_to_commodity(t, 2) is None and rules.incumbent_catch_up(t) is None
    assert party_stats([t], as_of=dt.date(2026, 11, 29))[0].pioneered == 0


def test_pressure_counts_features_copied_by_two_others_within_the_window_among_judgeable_ones() -> None:
    ts = list(timelines(
        row("a", "Acme", "2024-01-01"), row("a", "Bolt", "2024-02-01"), row("a", "Cobalt", "2024-03-01"),
        row("b", "Acme", "2024-01-01"), row("b", "Bolt", "2024-02-01"), row("b", "Cobalt", "2024-09-01"),
        row("c", "Acme", "2026-11-01"), row("c", "Bolt", "2026-11-02"), row("c", "Cobalt", "2026-11-03"),
    ).values())
    pressure, judged = pressure_index(ts, as_of=dt.date(2026, 11, 29), window=90)
    assert (pressure, judged) == (0.5, 2)  # "c" is too young to judge; "a" is pressured, "b" is not
    quarters = {q.quarter: q for q in by_quarter(ts, as_of=dt.date(2026, 11, 29))}
    assert quarters["2024-Q1"].features == 2 and quarters["2024-Q1"].pressure == 0.5
    assert quarters["2026-Q4"].judged == 0 and quarters["2026-Q4"].pressure is None
    assert quarters["2024-Q1"].median_lag == 45.5  # lags 31, 31, 60, 244


def test_party_stats_pioneered_followed_and_exclusivity() -> None:
    ts = list(timelines(
        row("x", "Acme", "2024-01-01"), row("x", "Bolt", "2024-01-31"),
        row("y", "Bolt", "2024-05-01"), row("y", "Acme", "2024-05-11"),
        row("z", "Acme", "2026-10-30"),
    ).values())
    stats = {s.party: s for s in party_stats(ts, as_of=dt.date(2026, 11, 29))}
    acme, bolt = stats["Acme"], stats["Bolt"]
    assert (acme.pioneered, acme.followed, acme.median_follow_lag) == (2, 1, 10)
    assert acme.median_copied_after == 30 and acme.still_exclusive == 1
    assert acme.median_exclusive_days == (30 + 30) / 2  # "x" for 30 days; "z" still alone after 30
    assert (bolt.pioneered, bolt.followed, bolt.median_follow_lag) == (1, 1, 30)
