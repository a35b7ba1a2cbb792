"""Evidence pages: for each headline number, the features it is computed from and each one's part.

A row is `counted` when the feature adds to the numerator (copied, commoditized in time,
pressured) or contributes a value (a lag, a time to commodity). Rows that were judged but
not counted are listed too, so a reader can check the ratio by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from tracker.metrics import Timeline, rules
from tracker.metrics.survival import first_copy_sample
from tracker.report import fmt
from tracker.report.scope import MetricCard
from tracker.report.site_map import ReportParams, SiteMap


class EvidenceRow(NamedTuple):
    """One feature on an evidence page (a NamedTuple: immutable, and ~6x cheaper to make than a frozen
    dataclass; a report makes ~3,000)."""

    name: str
    href: str
    first_party: str
    first_party_href: str
    first_seen: dt.date
    first_estimated: bool
    value: str
    counted: bool
    note: str
    sort: float
    category: str = ""  # for the table's filters (report issue 13)
    origin: str = ""
    first_kind: str = ""
    first_day: str = ""  # `first_seen` as the page shows it


@dataclass(frozen=True, slots=True)
class EvidencePage:
    path: str
    scope_title: str
    scope_href: str
    card: MetricCard
    value_heading: str
    rows: tuple[EvidenceRow, ...]
    counted: int
    excluded_note: str


def _judged(t: Timeline, p: ReportParams) -> bool:
    return rules.old_enough_to_judge(t, as_of=p.as_of, window=p.window)


def _row(t: Timeline, site: SiteMap, value: str, counted: bool, note: str = "", sort: float = 0.0) -> EvidenceRow:
    return EvidenceRow(t.feature.name, site.feature(t.key), t.first.party, site.party(t.first.party),
                       t.first.first_seen, t.first.estimated, value, counted, note, sort,
                       t.feature.category, t.feature.origin, t.first.kind, fmt.day(t.first.first_seen))


def _followers(t: Timeline, limit: int = 6) -> str:
    shown = ", ".join(f"{p.party} +{p.lag_days} d" for p in t.copiers[:limit])
    more = len(t.copiers) - limit
    return shown + (f", and {more} more" if more > 0 else "")


def evidence_rows(metric: str, timelines: Sequence[Timeline], site: SiteMap, p: ReportParams) -> tuple[str, list[EvidenceRow], str]:
    """(value column heading, rows, note on what was left out) for one metric."""
    rows: list[EvidenceRow] = []
    left_out = ""
    if metric == "copied":
        rows = [_row(t, site, fmt.count(len(t.competitors), "competitor"), t.copied, sort=-len(t.competitors))
                for t in timelines]
        return "Competitors of the first mover's role", rows, ""
    if metric == "median-lag":
        for t in timelines:
            if t.copied:
                uncounted = len(t.competitors) - 1 - len(t.copiers)
                note = f"{uncounted} without a lag (not tracked then, undated or unannounced)" if uncounted else ""
                lags = [f.lag_days for f in t.copiers]
                rows.append(_row(t, site, _followers(t) or "—", bool(lags), note, min(lags, default=10**9)))
        return "Counted copies and their lags", rows, "Features nobody copied have no lag and are not listed."
    if metric in ("commoditized-share", "pressure"):
        young = 0
        for t in timelines:
            if not _judged(t, p):
                young += 1
                continue
            if metric == "pressure":
                n = rules.copies_within(t, p.window)
                rows.append(_row(t, site, f"{n} within {p.window} d", rules.copied_by_two(t, p.window), sort=-n))
            else:
                ttc = rules.time_to_commodity(t, p.k)
                value = f"{fmt.days(ttc)} to {p.k} parties" if ttc is not None else f"not yet {p.k} parties"
                rows.append(_row(t, site, value, rules.commoditized(t, k=p.k, window=p.window),
                                 sort=ttc if ttc is not None else 10**9))
        if young:
            left_out = (f"{fmt.count(young, 'feature')} first seen less than {p.window} days before "
                        f"{p.as_of.isoformat()} (or without a dated first mover) cannot be judged yet and are left out.")
        return ("Copies within the window" if metric == "pressure" else "Time to commodity"), rows, left_out
    if metric == "incumbent-catch-up":
        for t in timelines:
            if not rules.startup_first(t):
                continue
            lag = rules.incumbent_catch_up(t)
            who = next((f.party for f in t.copiers if f.kind == "incumbent" and f.lag_days == lag), "")
            value = f"{who} +{lag} d" if lag is not None else "no incumbent yet"
            rows.append(_row(t, site, value, lag is not None, sort=lag if lag is not None else 10**9))
        return "First incumbent to follow", rows, "Only features a startup shipped first (with a dated announcement) are listed."
    if metric == "time-to-commodity":
        for t in timelines:
            ttc = rules.time_to_commodity(t, p.k)
            rows.append(_row(t, site, fmt.days(ttc) if ttc is not None else f"{len(t.competitors)} of {p.k} parties",
                             ttc is not None, sort=ttc if ttc is not None else 10**9))
        return f"Days until the {fmt.ordinal(p.k)} party", rows, ""
    if metric == "time-to-first-copy":
        sample = first_copy_sample(timelines, p.as_of)
        by_key = {t.key: t for t in timelines}
        for o in sample.observations:
            t = by_key[o.key]
            value = f"copied after {fmt.days(o.days)}" if o.event else f"still exclusive after {fmt.days(o.days)}"
            note = "" if t.first_mover_certain else "earliest observed, not certainly first"
            rows.append(_row(t, site, value, True, note, o.days))
        for key, reason in sample.left_out:
            rows.append(_row(by_key[key], site, reason, False, sort=10**9))
        return ("Time to the first copy (or censored at as_of)", rows,
                "Every counted row is one observation of the Kaplan–Meier estimate: an event when a competitor of "
                "the same role copied it with a dated lag, censored (still exclusive) otherwise. Rows not counted "
                "are left out: another party has the feature but when it got it is unknown, or the first mover "
                "has no dated announcement.")
    raise ValueError(f"unknown metric {metric!r}")


def evidence_page(
    card: MetricCard, timelines: Sequence[Timeline], scope_title: str, scope_href: str, site: SiteMap, p: ReportParams
) -> EvidencePage:
    heading, rows, left_out = evidence_rows(card.key, timelines, site, p)
    rows.sort(key=lambda r: (not r.counted, r.sort, r.name.casefold()))
    return EvidencePage(card.href, scope_title, scope_href, card, heading, tuple(rows),
                        sum(1 for r in rows if r.counted), left_out)
