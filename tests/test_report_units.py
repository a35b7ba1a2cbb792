"""The report's pure parts on hand-built data: chart geometry, cadence, what's new, formatting; and the garbage
collector's pause while a report is made."""

from __future__ import annotations

import datetime as dt
import gc

import pytest

from tracker.model import FeatureDef, MentionRow
from tracker.metrics import build_timelines
from tracker.report import charts, fmt
from tracker.report.cadence import cadence, quarter_range
from tracker.report.headtohead import copy_pairs
from tracker.report.history import WhatsNew, whats_new
from tracker.gcpause import collector_paused

D = dt.date


def mention(key: str, party: str, day: dt.date, *, kind: str = "startup", estimated: bool = False,
            detected: str = "2026-01-01 06:00:00", entry: int = 0) -> MentionRow:
    return MentionRow(key, entry or hash((key, party, day)) % 10**6, party, kind, "cat", "https://x.test/CHANGELOG.md",
                      "", "1.0", day, estimated, "add it", "* add it", 3, "feature", "alias:it", detected)


def test_histogram_bins_put_every_lag_in_exactly_one_bin() -> None:
    lags = [0, 7, 8, 30, 31, 90, 91, 365, 366, 730, 731, 5000]
    chart = charts.histogram(lags, window=90, title="t", desc="d", x_axis_label="x", y_axis_label="y", noun="n")
    counts = [int(b.value_label) for b in chart.bars]
    assert counts == [2, 2, 2, 1, 1, 2, 2] and sum(counts) == len(lags)
    assert [b.tone for b in chart.bars][:3] == ["fast"] * 3 and chart.bars[3].tone == "slow"
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2"]  # whole numbers for counts


def test_bar_heights_scale_to_the_top_tick() -> None:
    chart = charts.bar_chart([("a", 50.0, "", "bar"), ("b", 100.0, "", "bar"), ("c", None, "", "bar")],
                             title="t", desc="d", x_axis_label="x", y_axis_label="y")
    a, b, c = chart.bars
    assert b.height == 2 * a.height and c.height == 0 and c.value_label == ""
    assert chart.y_ticks[-1].pos <= b.y + 0.5 and not chart.empty
    assert charts.bar_chart([], title="t", desc="d", x_axis_label="x", y_axis_label="y").empty


def test_nice_steps_are_round() -> None:
    assert [charts.nice_step(v) for v in (1, 7, 40, 450, 3100)] == [0.25, 2, 10, 200, 1000]


def test_timeline_places_parties_in_date_order_with_the_window_line() -> None:
    chart = charts.timeline_chart(
        [("A", "", D(2025, 1, 1), "first", "first", ""), ("B", "", D(2025, 2, 1), "fast", "+31 d", ""),
         ("C", "", D(2026, 1, 1), "slow", "+365 d", "")],
        start=D(2025, 1, 1), window=90, title="t", desc="d")
    xs = [r.x for r in chart.rows]
    assert xs == sorted(xs) and chart.rows[0].x == chart.rows[0].x_start
    assert chart.window_x is not None and xs[1] < chart.window_x < xs[2]
    assert chart.ticks and all(chart.left <= t.pos <= chart.right for t in chart.ticks)


def test_cadence_counts_quarters_and_gaps() -> None:
    days = [D(2025, 1, 10), D(2025, 1, 10), D(2025, 1, 20), D(2025, 7, 1)]
    cad = cadence(days, as_of=D(2025, 9, 1))
    assert cad.releases == 4 and cad.release_days == 3 and cad.median_gap_days == 86.0  # gaps of 10 and 162 days
    assert cad.per_quarter == (("2025-Q1", 3), ("2025-Q2", 0), ("2025-Q3", 1))
    assert cad.recent_per_quarter == 1.0
    assert cadence([], as_of=D(2025, 1, 1)).median_gap_days is None
    assert quarter_range("2024-Q4", "2025-Q2") == ["2024-Q4", "2025-Q1", "2025-Q2"]


def test_whats_new_is_what_the_latest_match_detected_first() -> None:
    feature = FeatureDef("f", "F", "", "cat", "taxonomy")
    rows = [
        mention("f", "A", D(2025, 1, 1), detected="2026-01-01 06:00:00"),
        mention("f", "B", D(2025, 2, 1), detected="2026-01-01 06:00:00"),
        mention("f", "C", D(2025, 3, 1), detected="2026-01-02 06:00:00"),
        mention("f", "D", D(2025, 4, 1), estimated=True, detected="2026-01-02 06:00:00"),
    ]
    timelines = build_timelines([feature], rows, {"f": "2026-01-01 06:00:00"})
    pairs = list(copy_pairs(timelines))
    assert [(p.leader, p.follower, p.lag_days) for p in pairs] == [("A", "B", 31), ("A", "C", 59)]
    first = whats_new(timelines, dt.datetime(2026, 1, 1, 6, 0), pairs)
    assert first.first and len(first.features) == 1  # the catalog's first match: everything is new
    assert [c.presence.party for c in first.copies] == ["C", "B", "D"]  # first movers are not copies
    later = whats_new(timelines, dt.datetime(2026, 1, 2, 6, 0), pairs)
    assert not later.first and later.features == ()
    assert [(c.presence.party, c.pair is not None) for c in later.copies] == [("C", True), ("D", False)]
    assert [c.presence.party for c in later.counted_copies] == ["C"]  # an estimated date is listed, not counted
    assert whats_new(timelines, dt.datetime(2026, 1, 3, 6, 0), pairs).copies == ()  # a match that found nothing
    assert whats_new(timelines, None, pairs) == WhatsNew(None, False, (), ())  # never matched


def test_formatting() -> None:
    assert (fmt.days(40.5), fmt.days(436.5), fmt.days(41.5), fmt.days(1), fmt.days(None)) == (
        "40 days", "436 days", "42 days", "1 day", "—")  # whole days; halves to even, like "{:.0f}"
    assert fmt.days(1234.0, unit=False) == "1,234"
    assert (fmt.pct(0.25), fmt.pct(1.0), fmt.pct(None)) == ("25%", "100%", "—")
    assert [fmt.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd"]
    assert fmt.lag(0) == "first" and fmt.lag(34, estimated=True) == "≈ +34 d"
    assert (fmt.machine(None), fmt.machine(3), fmt.machine(2.5)) == ("", "3", "2.5")


def test_only_http_urls_with_a_host_are_web_links() -> None:
    from tracker.evidence import is_web_url

    good = ["https://github.com/a/b/blob/HEAD/C.md#L1", "http://x.test", "HTTPS://X.test/", "https://u@h.test/x?y=1",
            "https://[::1]/x"]
    bad = ["javascript:alert(1)", "https://", "https:///x", "ftp://x.test", "data:text/html,x", "https://[bad/x",
           "//x.test/a", "jav\tascript:alert(1)"]
    assert all(is_web_url(u) for u in good) and not any(is_web_url(u) for u in bad)


def test_the_garbage_collector_is_paused_only_while_a_report_is_made() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("a failing report")
    assert gc.isenabled()
    gc.disable()  # a caller that turned it off itself keeps it off
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_changelog_line_is_written_escaped_whatever_it_holds() -> None:
    import datetime as dt

    from tracker.report.feature_page import MentionView, mention_html

    view = MentionView(dt.date(2025, 1, 2), False, '1.0"><img src=x onerror=alert(1)>', "<script>alert(1)</script> & co",
                       'https://github.com/o/r/blob/HEAD/CHANGELOG.md#L3"onmouseover="x', "o/r ↗", 3,
                       "feature</span>", "alias:x", 7, day="2025-01-02", drifts=True)
    html = str(mention_html(view))
    assert "<script>" not in html and "<img" not in html and '"onmouseover' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html and "feature&lt;/span&gt;" in html
    assert html.startswith('<li id="e7">') and "line may have moved" in html
