"""Head to head on hand-built timelines: copy pairs, the party × party matrix, and a party's rivals."""

from __future__ import annotations

import datetime as dt

from tracker.metrics import build_timelines
from tracker.metrics.timeline import ObservedWindow
from tracker.model import FeatureDef, MentionRow
from tracker.report.headtohead import copy_pairs, head_to_head, rivalry
from tracker.report.site_map import SiteMap

D = dt.date
AS_OF = D(2026, 6, 1)


def mention(key: str, party: str, day: dt.date, *, estimated: bool = False, role: str = "native") -> MentionRow:
    return MentionRow(key, hash((key, party)) % 10**6, party, "startup", "cat", "https://x.test/CHANGELOG.md", "",
                      "1.0", day, estimated, "add it", "* add it", 3, "feature", "alias:it", "2026-01-01 06:00:00",
                      role=role)


def timelines():  # type: ignore[no-untyped-def]
    defs = [FeatureDef(k, k.title(), "", "cat", "taxonomy") for k in ("a", "b", "c", "d")]
    rows = [
        mention("a", "Acme", D(2024, 1, 1)), mention("a", "Bolt", D(2024, 1, 31)),
        mention("a", "Cobalt", D(2024, 6, 1), estimated=True),  # an estimated date: listed, never a copy
        mention("b", "Acme", D(2025, 1, 1)), mention("b", "Bolt", D(2025, 9, 1), role="support"),
        mention("c", "Acme", D(2025, 8, 1)), mention("c", "Bolt", D(2025, 8, 11)), mention("c", "Cobalt", D(2026, 1, 1)),
        mention("d", "Cobalt", D(2025, 1, 1), estimated=True), mention("d", "Bolt", D(2025, 2, 1)),
    ]
    return build_timelines(defs, rows)


def site(lines) -> SiteMap:  # type: ignore[no-untyped-def]
    return SiteMap((t.key for t in lines), ["Acme", "Bolt", "Cobalt"], ["cat"])


def test_copy_pairs_follow_the_metrics_rule_for_a_copy() -> None:
    pairs = sorted((p.feature, p.leader, p.follower, p.lag_days, p.role) for p in copy_pairs(timelines()))
    assert pairs == [("a", "Acme", "Bolt", 30, "native"), ("c", "Acme", "Bolt", 10, "native"),
                     ("c", "Acme", "Cobalt", 153, "native")]
    # a: Cobalt's date is estimated (undated); b: Bolt's line is support, a role of its own, not a copy of
    # Acme's native feature; d: Bolt is the first party with a dated line, so the undated Cobalt leads nobody


def test_a_party_tracked_only_after_the_first_mover_had_it_copies_nothing() -> None:
    defs = [FeatureDef("a", "A", "", "cat", "taxonomy")]
    rows = [mention("a", "Acme", D(2024, 1, 1)), mention("a", "Bolt", D(2024, 6, 1)),
            mention("a", "Cobalt", D(2025, 3, 1))]
    windows = {"Acme": ObservedWindow(D(2023, 1, 1)), "Bolt": ObservedWindow(D(2023, 6, 1)),
               "Cobalt": ObservedWindow(D(2025, 2, 1))}  # Cobalt's changelog starts after Acme shipped
    (t,) = build_timelines(defs, rows, windows=windows)
    assert [(p.party, p.status) for p in t.parties] == [("Acme", "first"), ("Bolt", "copied"),
                                                        ("Cobalt", "present_at_start")]
    assert [(p.leader, p.follower, p.lag_days) for p in copy_pairs([t])] == [("Acme", "Bolt", 152)]


def test_matrix_cells_count_copies_with_their_median_lag_and_a_recent_view() -> None:
    lines = timelines()
    h2h = head_to_head(lines, site(lines), as_of=AS_OF, window=90, parties=["Acme", "Bolt", "Cobalt", "Dormant"])
    every, recent = h2h.matrices
    names = [n for n, _ in every.parties]
    assert names == ["Acme", "Bolt", "Cobalt"] and h2h.parties_left_out == 1
    bolt_acme = every.cells[names.index("Bolt")][names.index("Acme")]
    assert bolt_acme is not None and (bolt_acme.count, bolt_acme.median_lag, bolt_acme.tone) == (2, 20, "fast")
    assert "pairs.leader=Acme" in bolt_acme.state and "pairs.follower=Bolt" in bolt_acme.state
    assert every.cells[names.index("Acme")][names.index("Bolt")] is None  # nobody copied Bolt
    assert every.row_totals == (0, 2, 1) and every.pairs == 3
    recent_cell = recent.cells[names.index("Bolt")][names.index("Acme")]  # since 2025-06-01: c only
    assert recent_cell is not None and (recent_cell.count, recent_cell.median_lag) == (1, 10)
    assert "pairs.from=2025-06-01" in recent_cell.state
    cobalt = every.cells[names.index("Cobalt")][names.index("Acme")]
    assert cobalt is not None and (cobalt.count, cobalt.median_lag, cobalt.tone) == (1, 153, "slow")
    anchors = [r.anchor for r in h2h.rows]
    assert anchors.count(bolt_acme.anchor) == 1 and bolt_acme.anchor == "pair-bolt--acme"


def test_rivalry_lists_who_copies_a_party_and_whom_it_copies() -> None:
    lines = timelines()
    acme = rivalry("Acme", copy_pairs(lines), site(lines), window=90)
    assert [(r.party, r.count, r.median_lag, r.fast) for r in acme.copied_by] == [("Bolt", 2, 20, 2), ("Cobalt", 1, 153, 0)]
    assert acme.copies_from == () and acme.copied_by_total == 2
    bolt = rivalry("Bolt", copy_pairs(lines), site(lines), window=90)
    assert [(r.party, r.count) for r in bolt.copies_from] == [("Acme", 2)] and bolt.copied_by == ()
