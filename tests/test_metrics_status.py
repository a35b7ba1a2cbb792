"""Follower status on hand-written timelines: observation windows, announcing lines, roles and companies."""

from __future__ import annotations

import datetime as dt

from tracker.metrics import (
    COPIED,
    FIRST,
    PRESENT_AT_START,
    SAME_COMPANY,
    UNANNOUNCED,
    UNDATED,
    build_timelines,
)
from tracker.metrics import rules
from tracker.metrics.timeline import ObservedWindow
from tracker.model import NATIVE, SUPPORT, FeatureDef, MentionRow
from tracker.report.feature_page import status_label

KINDS = {"Acme": "startup", "Bolt": "incumbent", "Cobalt": "vendor", "Dune": "oss", "Echo": "incumbent",
         "Gemini": "vendor", "Vertex": "incumbent"}
_ids = iter(range(1, 10_000))
D = dt.date.fromisoformat


def row(party: str, day: str, *, feature: str = "f", estimated: bool = False, announces: bool = True,
        role: str = NATIVE, target: str = "") -> MentionRow:
    return MentionRow(
        feature_key=feature, entry_id=next(_ids), party=party, party_kind=KINDS[party], party_category="llm-api",
        source_url=f"https://{party.lower()}.test/CHANGELOG.md", release_url="", version="1.0.0", date=D(day),
        date_estimated=estimated, text=f"{feature} at {party}", raw=f"* {feature} at {party}", line=3, kind="feature",
        rule="alias", detected_at="2026-11-29 06:00:00", role=role, target=target, announces=announces,
    )


def windows(**since: str | None) -> dict[str, ObservedWindow]:
    return {name: ObservedWindow(D(day) if day else None) for name, day in since.items()}


def timeline(*rows: MentionRow, win: dict[str, ObservedWindow] | None = None, as_of: dt.date | None = None):  # type: ignore[no-untyped-def]
    keys = sorted({r.feature_key for r in rows})
    features = [FeatureDef(k, k.upper(), "", "llm-api", "taxonomy") for k in keys]
    (t,) = build_timelines(features, rows, windows=win, as_of=as_of)
    return t


def status(t) -> dict[str, tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    return {p.party: (p.status, p.copy_lag_days) for p in t.parties}


def test_a_follower_watched_since_before_the_first_mover_copied_it_and_its_lag_counts() -> None:
    t = timeline(row("Acme", "2024-01-01"), row("Bolt", "2024-03-01"),
                 win=windows(Acme="2023-01-01", Bolt="2024-01-01"))  # Bolt's window opens on the first mover's day
    assert status(t) == {"Acme": (FIRST, 0), "Bolt": (COPIED, 60)}
    assert t.first_mover_certain and [p.party for p in t.copiers] == ["Bolt"]
    at_start = timeline(row("Acme", "2024-01-01"), row("Bolt", "2024-03-01"),
                        win=windows(Acme="2024-01-01", Bolt="2020-01-01"))
    assert not at_start.first_mover_certain  # Acme had it on the first day it was tracked: maybe long before


def test_a_party_whose_window_opens_mid_way_was_present_at_start_and_has_no_lag() -> None:
    t = timeline(row("Acme", "2024-01-01"), row("Bolt", "2024-06-10"), row("Cobalt", "2024-09-01"),
                 win=windows(Acme="2023-01-01", Bolt="2024-06-10", Cobalt="2022-05-01"))
    assert status(t) == {"Acme": (FIRST, 0), "Bolt": (PRESENT_AT_START, None), "Cobalt": (COPIED, 244)}
    assert not t.first_mover_certain  # Bolt may have had it long before Acme
    assert rules.copies_within(t, 365) == 1 and rules.time_to_commodity(t, 3) is None


def test_a_party_known_only_through_estimated_dates_is_undated_and_makes_the_first_mover_uncertain() -> None:
    t = timeline(row("Acme", "2024-01-01"), row("Dune", "2026-11-29", estimated=True),
                 win=windows(Acme="2023-01-01", Dune=None))
    assert status(t) == {"Acme": (FIRST, 0), "Dune": (UNDATED, None)}
    assert not t.first_mover_certain and t.copied and not t.copiers


def test_a_first_mover_known_only_from_estimated_dates_is_not_measurable() -> None:
    t = timeline(row("Dune", "2026-11-01", estimated=True), row("Acme", "2026-11-02", estimated=True))
    assert t.first.estimated and not rules.measurable(t) and not t.first_mover_certain
    assert status(t)["Acme"][0] == UNDATED


def test_a_party_is_dated_by_a_launch_only_when_its_first_line_announces_it() -> None:
    t = timeline(row("Acme", "2024-01-01"),
                 row("Bolt", "2024-02-01", announces=False),  # a fix: Bolt had it by February
                 row("Bolt", "2024-05-01"),  # so this launch-like line cannot date its arrival
                 win=windows(Acme="2020-01-01", Bolt="2020-01-01"))
    bolt = t.parties[1]
    assert (bolt.status, bolt.copy_lag_days, bolt.first_seen) == (UNANNOUNCED, None, D("2024-02-01"))
    assert bolt.first_mention.date == D("2024-02-01") and not bolt.first_mention.announces
    assert status_label(bolt, t).startswith("had it by 2024-02-01; its first line there does not announce it")
    same_day = timeline(row("Acme", "2024-01-01"),
                        row("Bolt", "2024-05-01", announces=False),  # a detail of the same release
                        row("Bolt", "2024-05-01"),
                        win=windows(Acme="2020-01-01", Bolt="2020-01-01"))
    assert status(same_day)["Bolt"] == (COPIED, 121) and same_day.first_mover_certain


def test_a_party_with_only_non_announcing_lines_keeps_its_presence_but_no_lag() -> None:
    t = timeline(row("Acme", "2024-01-01"), row("Bolt", "2024-04-01", announces=False),
                 win=windows(Acme="2020-01-01", Bolt="2020-01-01"))
    bolt = t.parties[1]
    assert (bolt.status, bolt.copy_lag_days, bolt.first_seen) == (UNANNOUNCED, None, D("2024-04-01"))
    assert t.first_mover_certain  # watched on Acme's day, no sign of it before


def test_a_party_that_had_it_before_the_earliest_launch_leaves_nothing_to_measure_from() -> None:
    # Bolt's first line (mid-2023) already mentions the capability; Acme's launch in 2024 is not the
    # first: no one of the role has a lag, and Acme is not called the first mover
    t = timeline(row("Acme", "2024-01-01"), row("Bolt", "2023-06-01", announces=False), row("Cobalt", "2024-03-01"),
                 win=windows(Acme="2020-01-01", Bolt="2020-01-01", Cobalt="2020-01-01"))
    assert t.first.party == "Bolt" and not t.first.dated and t.first.copy_lag_days is None
    assert status(t) == {"Bolt": (FIRST, None), "Acme": (UNDATED, None), "Cobalt": (UNDATED, None)}
    assert not rules.measurable(t) and not t.first_mover_certain
    acme = next(p for p in t.parties if p.party == "Acme")
    assert "no dated launch to measure from" in status_label(acme, t)
    assert "does not announce it" in status_label(t.first, t)


def test_without_windows_every_party_counts_as_observed_from_the_start() -> None:
    t = timeline(row("Acme", "2024-01-01"), row("Bolt", "2024-06-10"))
    assert status(t)["Bolt"] == (COPIED, 161) and t.parties[1].observed_since is None


def test_as_of_drops_later_dated_mentions_but_keeps_undated_ones() -> None:
    rows = (row("Acme", "2024-01-01"), row("Bolt", "2024-06-10"), row("Cobalt", "2025-01-01"),
            row("Dune", "2026-11-29", estimated=True))
    t = timeline(*rows, win=windows(Acme="2023-01-01", Bolt="2023-01-01", Cobalt="2024-12-01", Dune=None),
                 as_of=D("2024-12-31"))
    assert [p.party for p in t.parties] == ["Acme", "Bolt", "Dune"]  # Dune's real date is unknown: it stays
    earlier = timeline(*rows, win=windows(Acme="2023-01-01", Bolt="2024-03-01", Cobalt="2024-12-01", Dune=None),
                       as_of=D("2024-06-30"))
    assert status(earlier)["Bolt"] == (PRESENT_AT_START, None) and "Cobalt" not in status(earlier)


def test_natives_and_integrators_are_compared_within_their_role_and_adoption_lag_is_separate() -> None:
    t = timeline(
        row("Bolt", "2024-02-01", role=SUPPORT, target="Cobalt"),
        row("Cobalt", "2024-01-01"),
        row("Echo", "2024-03-01", role=SUPPORT, target="Cobalt"),
        row("Acme", "2024-04-01"),
        win=windows(Acme="2020-01-01", Bolt="2020-01-01", Cobalt="2020-01-01", Echo="2020-01-01"),
    )
    by = {p.party: p for p in t.parties}
    assert t.first.party == "Cobalt" and t.role == NATIVE
    assert [p.party for p in t.parties] == ["Cobalt", "Acme", "Bolt", "Echo"]  # natives first, then integrators
    assert (by["Acme"].status, by["Acme"].copy_lag_days) == (COPIED, 91)
    assert (by["Bolt"].role, by["Bolt"].status, by["Bolt"].targets) == (SUPPORT, FIRST, ("Cobalt",))
    assert (by["Echo"].status, by["Echo"].copy_lag_days) == (COPIED, 29)  # 29 days after the first integrator
    assert by["Bolt"].adoption_days == 31 and by["Echo"].adoption_days == 60
    assert [p.party for p in t.copiers] == ["Acme"]  # integrators never count as copies of the native launch


def test_a_party_with_a_native_line_is_native_and_dated_by_its_native_lines() -> None:
    t = timeline(row("Acme", "2024-01-01"), row("Bolt", "2023-06-01", role=SUPPORT), row("Bolt", "2024-02-01"),
                 win=windows(Acme="2020-01-01", Bolt="2020-01-01"))
    bolt = t.parties[1]
    assert (bolt.role, bolt.status, bolt.first_seen) == (NATIVE, COPIED, D("2024-02-01"))


def test_a_company_counts_once_through_its_earliest_product_line() -> None:
    win = {"Acme": ObservedWindow(D("2020-01-01")), "Gemini": ObservedWindow(D("2020-01-01"), "Google"),
           "Vertex": ObservedWindow(D("2020-01-01"), "Google")}
    t = timeline(row("Vertex", "2024-01-01"), row("Gemini", "2024-05-01"), row("Acme", "2024-03-01"), win=win)
    assert status(t) == {"Vertex": (FIRST, 0), "Acme": (COPIED, 60), "Gemini": (SAME_COMPANY, None)}
    assert len(t.competitors) == 2 and rules.time_to_commodity(t, 3) is None  # Google is one competitor
    later = timeline(row("Acme", "2024-01-01"), row("Vertex", "2024-03-01"), row("Gemini", "2024-02-01"), win=win)
    assert status(later) == {"Acme": (FIRST, 0), "Gemini": (COPIED, 31), "Vertex": (SAME_COMPANY, None)}


def test_a_company_has_no_lag_when_one_of_its_lines_was_not_yet_watched() -> None:
    win = {"Acme": ObservedWindow(D("2020-01-01")), "Gemini": ObservedWindow(D("2024-12-01"), "Google"),
           "Vertex": ObservedWindow(D("2020-01-01"), "Google")}
    t = timeline(row("Acme", "2024-06-01"), row("Vertex", "2024-08-01"), row("Gemini", "2024-12-20"), win=win)
    assert status(t) == {"Acme": (FIRST, 0), "Vertex": (PRESENT_AT_START, None), "Gemini": (SAME_COMPANY, None)}


def test_rules_count_only_dated_copies_of_the_same_role() -> None:
    t = timeline(row("Acme", "2024-01-01"), row("Bolt", "2024-02-01"), row("Cobalt", "2024-03-01"),
                 row("Echo", "2024-01-15", role=SUPPORT), row("Dune", "2024-01-20"),
                 win=windows(Acme="2020-01-01", Bolt="2020-01-01", Cobalt="2020-01-01", Echo="2020-01-01",
                             Dune="2024-01-10"))
    assert rules.copies_within(t, 90) == 2 and rules.copied_by_two(t, 90) and not rules.copied_by_two(t, 40)
    assert rules.time_to_commodity(t, 3) == 60 and rules.commoditized(t, k=3, window=60)
    assert rules.startup_first(t) and rules.incumbent_catch_up(t) == 31
    assert rules.old_enough_to_judge(t, as_of=D("2024-03-31"), window=90)
    assert not rules.old_enough_to_judge(t, as_of=D("2024-03-30"), window=90)


def test_an_integrator_seen_before_the_native_launch_says_so_instead_of_a_negative_lag() -> None:
    from tracker.report.feature_page import status_label

    t = timeline(
        row("Bolt", "2023-06-10", role=SUPPORT),
        row("Cobalt", "2024-06-26"),
        row("Echo", "2024-08-01", role=SUPPORT),
        win=windows(Bolt="2020-01-01", Cobalt="2020-01-01", Echo="2020-01-01"),
    )
    by = {p.party: p for p in t.parties}
    assert by["Bolt"].adoption_days == -382
    assert status_label(by["Bolt"], t) == "first integrator, 382 days before the earliest native launch tracked"
    assert "-" not in status_label(by["Bolt"], t)
