"""Plan the site: every page's path, template and view-model, as a pure function of the catalog's data.

Pages: `index.html` (the market), `new.html`, `features.html`, `parties.html`,
`categories.html`, `method.html`, and one page per feature (`feature/`), party
(`party/`), category (`category/`) and headline number per scope (`evidence/`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from tracker.catalog.queries import CatalogCounts, FetchedRevision, PartyInfo, PartyWindow, SourceStatus
from tracker.metrics import Timeline, summarize
from tracker.metrics import party_stats
from tracker.metrics.summary import PartyStats
from tracker.metrics.stats import Stats
from tracker.report import history, new_page
from tracker.report.cadence import Cadence, cadence
from tracker.report.evidence_pages import evidence_page
from tracker.report.feature_page import feature_page
from tracker.report.headtohead import CopyPair, copy_pairs, head_to_head, rivalry
from tracker.report.watchlist import watches
from tracker.report.overview import category_rows, copy_matrix
from tracker.report.honest import honest_answer
from tracker.report.party_page import Coverage, coverage, party_page
from tracker.report.scope import ScopeView, scope_view
from tracker.report.site_map import MARKET, ReportParams, SiteMap
from tracker.report.tables import feature_row, party_row


@dataclass(frozen=True, slots=True)
class Page:
    path: str  # relative to the report folder, "/"-separated
    template: str
    title: str
    nav: str  # the navigation entry to highlight
    context: dict[str, Any] = field(default_factory=dict)
    # a page whose view-model is made when it is rendered (`view`), so whichever process renders it
    # (`report.workers`) also makes it; the site's feature and party pages
    build: Callable[[], dict[str, Any]] | None = None

    def view(self) -> dict[str, Any]:
        """The page's view-model: its `context`, with what `build` makes added."""
        return self.context if self.build is None else {**self.context, **self.build()}


@dataclass(frozen=True, slots=True)
class SiteData:
    """What the catalog holds, read once by `site.render_report`."""

    timelines: list[Timeline]
    parties: list[PartyInfo]
    releases: dict[str, list[dt.date]]  # party -> release dates
    counts: CatalogCounts
    windows: dict[str, PartyWindow] = field(default_factory=dict)  # party -> observation window and coverage
    sources: tuple[SourceStatus, ...] = ()
    as_of: dt.date | None = None  # the newest dated entry: the day every statistic is computed as of
    matched_at: dt.datetime | None = None  # the latest match: what it detected is new
    revisions: dict[str, FetchedRevision] = field(default_factory=dict)  # document URL -> its latest fetch


def _evidence(view: ScopeView, timelines: Sequence[Timeline], title: str, href: str, site: SiteMap,
              p: ReportParams) -> list[Page]:
    return [
        Page(card.href, "evidence.html", f"{card.label} — {title}", "overview",
             {"page": evidence_page(card, timelines, title, href, site, p)})
        for card in view.cards
    ]


def _feature_view(t: Timeline, site: SiteMap, p: ReportParams, is_new: bool,
                  revisions: dict[str, FetchedRevision]) -> dict[str, Any]:
    return {"page": feature_page(t, site, p, is_new=is_new, revisions=revisions)}


def _party_view(info: PartyInfo, timelines: list[Timeline], stats: PartyStats | None, rhythm: Cadence,
                site: SiteMap, p: ReportParams, cover: Coverage | None, pairs: list[CopyPair]) -> dict[str, Any]:
    return {"page": party_page(info, timelines, stats, rhythm, site, p, cover),
            "rivalry": rivalry(info.name, pairs, site, window=p.window)}


def plan_empty(data: SiteData) -> list[Page]:
    return [Page("index.html", "empty.html", "Overview", "overview", {"counts": data.counts})]


@dataclass(frozen=True, slots=True)
class SitePlan:
    """The site in two parts: the pages that show no survival estimate, planned now, and the overview,
    category and headline-evidence pages, planned once the estimates exist (`with_stats`).

    The split lets a report render most pages while the Kaplan–Meier fits are made elsewhere
    (`metrics.background`); `pages + with_stats(compute_stats(...))` is the whole site."""

    pages: list[Page]
    new: history.WhatsNew
    with_stats: Callable[[Stats], list[Page]]  # the overview, category and headline-evidence pages


def plan_site(data: SiteData, p: ReportParams, *, home: Sequence[str] = ()) -> SitePlan:
    """Every page of a catalog with at least one feature, and what the latest match found new.

    `home`: the user's own parties; the overview leads with their exposure (`report.watchlist`).
    """
    timelines = data.timelines
    by_category: dict[str, list[Timeline]] = defaultdict(list)
    for t in timelines:
        by_category[t.feature.category].append(t)
    infos = {i.name: i for i in data.parties}
    for t in timelines:  # parties linked to features but missing from the party table still get a page
        for x in t.parties:
            infos.setdefault(x.party, PartyInfo(x.party, x.kind, x.category, ()))
    site = SiteMap((t.key for t in timelines), infos, by_category)
    pairs = list(copy_pairs(timelines))
    new = history.whats_new(timelines, data.matched_at, pairs)
    # after a catalog's first match everything is new, and a badge on every row would say nothing
    new_keys = frozenset(t.key for t in new.features) if not new.first else frozenset()
    cadences: dict[str, Cadence] = {name: cadence(data.releases.get(name, []), as_of=p.as_of) for name in infos}
    market_stats = party_stats(timelines, as_of=p.as_of)
    stats = {s.party: s for s in market_stats}
    matrix, matrix_left_out = copy_matrix(timelines, site, p)
    summaries = {c: summarize(ts, as_of=p.as_of, k=p.k, window=p.window) for c, ts in by_category.items()}
    all_rows = [feature_row(t, site, p, new=new_keys) for t in timelines]
    covers = {name: coverage(w, [s for s in data.sources if s.party == name], p.as_of)
              for name, w in data.windows.items()}
    no_data = sorted((name for name, c in covers.items() if c.no_data and name not in stats), key=str.casefold)
    party_rows = sorted(
        (party_row(i.name, i.kind, i.category, stats.get(i.name), cadences[i.name], site, pairs)
         for i in infos.values()
         if i.name not in no_data),  # parties with no data are listed as such, not as rows of zeros
        key=lambda r: (-r.pioneered, -r.features, r.name.casefold()))
    common = {"site": site}
    pages = [
        Page("new.html", "new.html", "What's new", "new",
             {**common, "new": new, "copy_rows": new_page.copy_rows(new, site),
              "feature_rows": new_page.feature_rows(new, site)}),
        Page("features.html", "features.html", "All features", "features", {**common, "rows": all_rows}),
        Page("parties.html", "parties.html", "Parties", "parties", {**common, "rows": party_rows}),
        Page("head-to-head.html", "head-to-head.html", "Head to head: who copies whom", "head-to-head",
             {**common, "h2h": head_to_head(timelines, site, as_of=p.as_of, window=p.window, parties=infos)}),
        Page("categories.html", "categories.html", "Categories", "categories",
             {**common, "categories": category_rows(summaries, site)}),
        Page("method.html", "method.html", "Method", "method", {"counts": data.counts}),
    ]
    for t in timelines:
        pages.append(Page(site.feature(t.key), "feature.html", t.feature.name, "features", common,
                          partial(_feature_view, t, site, p, t.key in new_keys, data.revisions)))
    party_timelines: dict[str, list[Timeline]] = defaultdict(list)
    for t in timelines:
        for x in t.parties:
            party_timelines[x.party].append(t)
    for name, info in sorted(infos.items()):
        pages.append(Page(site.party(name), "party.html", name, "parties", common,
                          partial(_party_view, info, party_timelines.get(name, []), stats.get(name), cadences[name],
                                  site, p, covers.get(name), pairs)))

    def finish(figures: Stats) -> list[Page]:
        market = scope_view(timelines, MARKET, "All features", site, p, new=new_keys, lead=figures.first_copy,
                            stats=market_stats)
        done = [
            Page("index.html", "index.html", "Is AI infrastructure a tarpit?", "overview",
                 {**common, "view": market, "new": new, "matrix": matrix, "matrix_left_out": matrix_left_out,
                  "categories": category_rows(summaries, site), "counts": data.counts,
                  "honest": honest_answer(figures, data, no_data, covers, site),
                  "watches": watches(home, timelines, pairs, site, as_of=p.as_of, window=p.window)}),
        ]
        done += _evidence(market, timelines, "the overview", "index.html", site, p)
        for name, ts in sorted(by_category.items()):
            view = scope_view(ts, name, name, site, p, new=new_keys, lead=figures.by_category.get(name))
            done.append(Page(site.category(name), "category.html", f"Category: {name}", "categories",
                             {**common, "view": view, "rows": [r for r in all_rows if r.category == name]}))
            done += _evidence(view, ts, f"category {name}", site.category(name), site, p)
        return done

    return SitePlan(pages, new, finish)
