"""The page of one feature: who shipped it when, the lag of each follower, and the changelog lines.

Mentions keep the raw changelog line (escaped by `mention_html`, never trusted) and link to
their source only through `evidence_url`, which yields http(s) URLs or nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from tracker.model import MentionRow
from tracker.catalog.queries import FetchedRevision
from tracker.evidence import evidence_url, is_commit, is_web_url
from tracker.metrics import rules
from tracker.metrics.timeline import (
    COPIED, FIRST, PRESENT_AT_START, SAME_COMPANY, UNANNOUNCED, UNDATED, Presence, Timeline,
)
from tracker.model import SUPPORT
from tracker.report import charts, fmt
from tracker.report.site_map import ReportParams, SiteMap


class MentionView(NamedTuple):
    """One changelog line on a feature page (a NamedTuple: immutable, and ~6x cheaper to make than a frozen
    dataclass; a report makes one per linked line, 6,839 on the shared corpus)."""

    date: dt.date
    estimated: bool
    version: str
    raw: str
    evidence: str  # an http(s) URL, or "" when there is no safe link
    source_label: str
    line: int
    kind: str
    rule: str
    # evidence links (report issue 13): the mention's anchor, and whether its link pins the fetched commit
    entry_id: int = 0
    pinned: bool = False  # the link names the commit that was fetched, so its line number cannot drift
    fetched: dt.date | None = None  # when the document the line number refers to was fetched
    # worked out once here rather than by template filters, one line of thousands at a time
    day: str = ""  # `date` as the page shows it
    fetched_day: str = ""  # `fetched` as the page shows it, "" when unknown
    drifts: bool = False  # the link opens today's file at a line number that may have moved
    html: Markup = Markup("")  # the whole list item (`mention_html`), escaped


class PresenceView(NamedTuple):
    """One party's block on a feature page (a NamedTuple, like `MentionView`)."""

    party: str
    href: str
    kind: str
    category: str
    first_seen: dt.date
    estimated: bool
    lag_days: int | None  # the copy lag that counts, else None
    lag_label: str
    tone: str
    is_first: bool
    mentions: tuple[MentionView, ...]
    role: str = "native"
    status: str = FIRST
    status_label: str = ""  # the status in words: "copied", "had it by ...; tracked only since ...", ...
    observed_since: dt.date | None = None
    company: str = ""
    targets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeaturePage:
    path: str
    key: str
    name: str
    definition: str
    category: str
    category_href: str
    origin: str
    detected_at: str
    is_new: bool
    presences: tuple[PresenceView, ...]
    chart: charts.TimelineChart
    time_to_commodity: int | None
    within_window: int
    incumbent_catch_up: int | None
    exclusive_days: int | None
    still_exclusive: bool
    first_mover_certain: bool = True


def tone(presence: Presence, is_first: bool, window: int) -> str:
    if presence.estimated or presence.copy_lag_days is None:
        return "est"  # no lag to show: undated, tracked after the first mover, unannounced, same company
    if presence.status == FIRST:
        return "first"
    return "fast" if presence.lag_days <= window else "slow"


def status_label(p: Presence, t: Timeline) -> str:
    """What a party's status means, in words, for the feature page and the party page."""
    if p.status == FIRST and p.role == SUPPORT and t.role != SUPPORT:
        days = p.adoption_days
        if days is None:
            return "first integrator"
        if days < 0:  # an integrator seen before any native launch the catalog has: no adoption lag
            return f"first integrator, {fmt.days(-days)} before the earliest native launch tracked"
        return f"first integrator, {fmt.days(days)} after the native launch"
    if p.status == FIRST:
        if not p.dated:
            return "first seen by the crawler" if p.estimated else \
                "earliest mention; its first line does not announce it, so its launch is not dated"
        return "first mover" if t.first_mover_certain else "earliest observed"
    if p.status == COPIED:
        return f"copied {fmt.days(p.lag_days)} later"
    if p.status == PRESENT_AT_START:
        since = f"tracked only since {fmt.day(p.observed_since)}, " if p.observed_since else "tracked only "
        return f"had it by {fmt.day(p.first_seen)}; {since}after the first mover shipped, so no lag"
    if p.status == UNANNOUNCED:
        return f"had it by {fmt.day(p.first_seen)}; its first line there does not announce it, so no lag"
    if p.status == UNDATED and not p.estimated:
        return f"seen {fmt.day(p.first_seen)}; no lag: the first to have it has no dated launch to measure from"
    if p.status == SAME_COMPANY:
        return f"same company ({p.company}): counted once, through its first product line"
    return "undated: first seen by the crawler; no lag"


@lru_cache(maxsize=4096)
def _document_label(document: str) -> str:
    parts = urlsplit(document)
    name = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return parts.netloc + (f" · {name}" if name else "")


def source_label(url: str, line: int) -> str:
    """"github.com · CHANGELOG.md:1986": enough to recognise a link before following it."""
    # the links of one document differ only in their "#L" anchor: its label is worked out once
    return _document_label(url.split("#", 1)[0]) + (f":{line}" if line > 0 and "#L" in url else "")


def mention_view(m: MentionRow, revisions: Mapping[str, FetchedRevision] | None = None) -> MentionView:
    fetch = (revisions or {}).get(m.source_url)
    revision = fetch.revision if fetch else ""
    url = evidence_url(m.source_url, m.line, m.release_url, revision)
    url = url if is_web_url(url) else ""
    pinned = bool(url) and is_commit(revision) and f"/{revision}/" in url
    fetched = fetch.fetched_at.date() if fetch and fetch.fetched_at else None
    label = source_label(url, m.line) if url else ""
    day, fetched_day, drifts = fmt.day(m.date), fmt.day(fetched) if fetched else "", not pinned and "#L" in url
    html = _item(m.entry_id, m.date_estimated, day, m.version, m.kind, fetched_day, url, label, pinned, drifts, m.raw)
    return MentionView(m.date, m.date_estimated, m.version, m.raw, url, label, m.line, m.kind, m.rule, m.entry_id,
                       pinned, fetched, day, fetched_day, drifts, html)


def mention_html(m: MentionView) -> Markup:
    """One changelog line as a list item: the stable record is the item (its anchor, the quoted line, when
    it was fetched); the source link pins the fetched commit when the fetch knew it, else it points at
    HEAD and says so.

    Written here rather than in a template because a report has thousands (6,839 on the corpus) and a
    template spends most of their time on lookups; every scraped or stored value is escaped."""
    return _item(m.entry_id, m.estimated, m.day, m.version, m.kind, m.fetched_day, m.evidence, m.source_label,
                 m.pinned, m.drifts, m.raw)


def _item(entry_id: int, estimated: bool, day_text: str, version_text: str, kind: str, fetched_day: str,
          evidence: str, source: str, pinned: bool, drifts: bool, raw: str) -> Markup:
    day = f"≈ {escape(day_text)} (first seen by the crawler)" if estimated else escape(day_text)
    version = f"<span>version {escape(version_text)}</span>" if version_text else ""
    fetched = f'<span class="fetched">fetched {escape(fetched_day)}</span>' if fetched_day else ""
    if evidence:
        note = ('<span class="pin">at the fetched commit</span>' if pinned
                else '<span class="drift">line may have moved</span>' if drifts else "")
        link = (f'<a class="evidence" href="{escape(evidence)}" rel="noopener noreferrer nofollow">'
                f"{escape(source)} ↗</a>\n{note}")
    else:
        link = "<span>no public link</span>"
    anchor = int(entry_id)
    return Markup(
        f'<li id="e{anchor}">\n  <div class="mention-meta">\n    <span class="date">{day}</span>\n'
        f"{version}    <span>{escape(kind)}</span>\n{fetched}{link}    "
        f'<a class="anchor" href="#e{anchor}">#</a>\n  </div>\n  <code class="line">{escape(raw)}</code>\n'
        "</li>\n"
    )


SHORT = {PRESENT_AT_START: "tracked after the first mover", UNANNOUNCED: "not announced",
         SAME_COMPANY: "same company", UNDATED: "≈ undated"}


def chart_label(p: Presence, t: Timeline) -> str:
    """A few words beside a party's dot on the timeline."""
    if p.status == FIRST:
        return status_label(p, t).split(",")[0].split(";")[0]
    if p.status == UNDATED and not p.estimated:
        return "no dated first mover"
    return SHORT.get(p.status, p.status)


def presence_views(t: Timeline, site: SiteMap, window: int,
                   revisions: Mapping[str, FetchedRevision] | None = None) -> tuple[PresenceView, ...]:
    out = []
    for i, p in enumerate(t.parties):
        label = chart_label(p, t) if p.copy_lag_days is None or p.status == FIRST else fmt.lag(p.lag_days)
        out.append(PresenceView(p.party, site.party(p.party), p.kind, p.category, p.first_seen, p.estimated,
                                p.copy_lag_days, label, tone(p, i == 0, window), i == 0,
                                tuple(mention_view(m, revisions) for m in p.mentions), role=p.role, status=p.status,
                                status_label=status_label(p, t), observed_since=p.observed_since, company=p.company,
                                targets=p.targets))
    return tuple(out)


def feature_page(t: Timeline, site: SiteMap, params: ReportParams, *, is_new: bool = False,
                 revisions: Mapping[str, FetchedRevision] | None = None) -> FeaturePage:
    presences = presence_views(t, site, params.window, revisions)
    rows = [
        (pv.party, pv.href, pv.first_seen, pv.tone, "≈ first" if pv.is_first and pv.estimated else pv.lag_label,
         f"{pv.party}: {'first seen by the crawler on ' if pv.estimated else 'first seen '}{pv.first_seen.isoformat()}"
         + f" ({pv.status_label})")
        for pv in presences
    ]
    chart = charts.timeline_chart(
        rows, start=t.first.first_seen, window=params.window, title=f"Who shipped {t.feature.name} when",
        desc=f"One row per party, at the date it first announced the feature; the bar is its lag after the first "
             f"mover. Shading marks the time before a party's tracking began (its earliest dated release). "
             f"The dashed line marks {params.window} days after the first mover.",
        observed_since=[pv.observed_since for pv in presences],
    )
    exclusive, alone = rules.exclusive_days(t, params.as_of)
    return FeaturePage(
        path=site.feature(t.key), key=t.key, name=t.feature.name, definition=t.feature.definition,
        category=t.feature.category, category_href=site.category(t.feature.category), origin=t.feature.origin,
        detected_at=t.detected_at, is_new=is_new, presences=presences, chart=chart,
        time_to_commodity=rules.time_to_commodity(t, params.k), within_window=rules.copies_within(t, params.window),
        incumbent_catch_up=rules.incumbent_catch_up(t), exclusive_days=exclusive, still_exclusive=alone,
        first_mover_certain=t.first_mover_certain,
    )
