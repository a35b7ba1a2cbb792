"""Copy lag and tarpit metrics: pure functions over the linked mentions of each feature.

`timeline` builds who-shipped-what-when with each party's role and status, `rules` holds each
metric rule once, `summary` the counts and observed medians, `survival` the Kaplan–Meier
estimates that count uncopied leads, and `stats` the headline figures built from them.
"""

from __future__ import annotations

from tracker.metrics.rules import exclusive_days, incumbent_catch_up, time_to_commodity
from tracker.metrics.summary import (
    PartyStats,
    QuarterStats,
    Summary,
    by_quarter,
    commoditized_share,
    follower_lags,
    median,
    party_stats,
    pressure_index,
    quarter_of,
    summarize,
)
from tracker.metrics.timeline import (
    COPIED,
    FIRST,
    PRESENT_AT_START,
    SAME_COMPANY,
    STATUSES,
    UNANNOUNCED,
    UNDATED,
    Presence,
    Timeline,
    build_timeline,
    build_timelines,
)

__all__ = [
    "COPIED", "FIRST", "PRESENT_AT_START", "SAME_COMPANY", "STATUSES", "UNANNOUNCED", "UNDATED", "PartyStats",
    "Presence", "QuarterStats", "Summary", "Timeline", "build_timeline", "build_timelines", "by_quarter",
    "commoditized_share", "exclusive_days", "follower_lags", "incumbent_catch_up", "median", "party_stats",
    "pressure_index", "quarter_of", "summarize", "time_to_commodity",
]
