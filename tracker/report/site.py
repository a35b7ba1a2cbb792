"""Write the report: read the catalog once, plan every page, render it, and save the static site.

The site opens from file:// with no network: one local stylesheet, inline SVG charts, and one
local script that makes tables searchable, sortable and filterable (every page reads fully
without it). The site is put in place all at once (`publish`): a failure mid-write leaves the
previous report as it was.

On two cores the work is shared: a child forked first makes the Kaplan–Meier fits while this
process renders the pages that show none (`metrics.background`); once the fits are in, a second
child renders the rest of the feature and party pages from the other end of the queue while this
process makes the statistics' pages (`workers`). The bytes do not depend on who renders a page.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import deque
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tracker.catalog import queries
from tracker.catalog.features import feature_rows
from tracker.config import Settings
from tracker.errors import ReportError
from tracker.gcpause import collector_paused
from tracker.metrics import Timeline, build_timelines
from tracker.metrics.background import BackgroundFits
from tracker.metrics.stats import compute_stats, stats_samples
from tracker.report import history
from tracker.report.plan import Page, SiteData, plan_empty, plan_site
from tracker.report.publish import Staging, publish, write_page
from tracker.report.render import STATIC_FILES, render_page, static_file
from tracker.report.site_map import ReportParams
from tracker.report.workers import PageQueue

PAGE_FOLDERS = ("feature", "party", "category", "evidence")
TOP_PAGES = ("new.html", "features.html", "parties.html", "head-to-head.html", "categories.html", "method.html")
OLD_FILES = ("report-state.json",)  # written by earlier versions; "new" now comes from the catalog
REPORT_NAMES = ("index.html", *TOP_PAGES, *PAGE_FOLDERS, *STATIC_FILES, *OLD_FILES)


@dataclass(frozen=True)
class ReportResult:
    out_dir: Path
    index: Path
    pages: int  # HTML pages written
    bytes: int  # total size of the files written
    new_features: int  # features first detected by the latest match (all of them after the first match)
    new_copies: int  # counted copies first detected by the latest match
    first_match: bool = False  # the latest match was the catalog's first: everything is new


def _utc_naive(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    return now.astimezone(dt.UTC).replace(tzinfo=None) if now.tzinfo else now


@dataclass(frozen=True, slots=True)
class FeatureData:
    """What the statistics need, read first (`read_features`): every feature's timeline as of the newest
    dated entry, and the parties' observation windows."""

    timelines: list[Timeline]
    windows: dict[str, queries.PartyWindow]
    as_of: dt.date | None


def read_features(conn: sqlite3.Connection, *, today: dt.date | None = None) -> FeatureData:
    defs, rows, detected = feature_rows(conn)
    windows = queries.party_windows(conn)
    as_of = queries.newest_dated_entry(conn, not_after=today)
    return FeatureData(build_timelines(defs, rows, detected, windows=windows, as_of=as_of), windows, as_of)


def read_site_data(conn: sqlite3.Connection, *, today: dt.date | None = None,
                   features: FeatureData | None = None) -> SiteData:
    """Everything a report shows; `features`: what `read_features` read already."""
    f = features or read_features(conn, today=today)
    return SiteData(f.timelines, queries.parties(conn), queries.release_dates(conn), queries.counts(conn), f.windows,
                    tuple(queries.source_statuses(conn)), f.as_of,
                    matched_at=queries.last_match_at(conn), revisions=queries.fetched_revisions(conn))


def _render_one(page: Page, params: ReportParams, has_nav: bool = True) -> tuple[str, bytes]:
    return page.path, render_page(page, params, has_nav=has_nav).encode("utf-8")


def _render_into(page: Page, params: ReportParams, folder: Path) -> tuple[str, int]:
    """Render a page and write it into the staging folder (in the page worker): its size goes back."""
    path, data = _render_one(page, params)
    return path, write_page(folder, path, data)


def _cannot_write(out_dir: Path, error: OSError) -> ReportError:
    reason = error.strerror or type(error).__name__
    return ReportError(f"cannot write the report to {out_dir} ({reason}); pass --out with a writable folder")


def render_report(
    conn: sqlite3.Connection, settings: Settings, *, out_dir: Path | None = None, now: dt.datetime | None = None
) -> ReportResult:
    """Render the static report of the catalog into `out_dir` (default: `settings.report_dir`)."""
    with collector_paused():
        return _render_report(conn, settings, out_dir=out_dir, now=now)


def _render_report(
    conn: sqlite3.Connection, settings: Settings, *, out_dir: Path | None, now: dt.datetime | None
) -> ReportResult:
    out = Path(out_dir if out_dir is not None else settings.report_dir)
    generated = _utc_naive(now)
    # The Kaplan–Meier fits are made in a child process while this one reads the catalog and renders
    # the pages that show none; forked now, while this process is still small (`metrics.background`).
    fits = BackgroundFits.start()
    staging: Staging | None = None
    try:
        try:
            # the site kept from the report before the latest, rewritten in place (`publish.Staging`);
            # None: `out` holds files of the user's, written in place
            staging = Staging.open(out, REPORT_NAMES)
        except OSError as error:
            raise _cannot_write(out, error) from None
        return _render_site(conn, settings, out, generated, fits, staging)
    except BaseException:
        if staging is not None:
            staging.discard()
        raise
    finally:
        fits.collect(timeout=0)  # a report that failed half-way: the child is not left waiting


def _render_site(
    conn: sqlite3.Connection, settings: Settings, out: Path, generated: dt.datetime, fits: BackgroundFits,
    staging: Staging | None,
) -> ReportResult:
    features = read_features(conn, today=generated.date())
    # As of the newest dated entry (as `tracker stats`), so a replayed or stale catalog is not judged by today.
    params = ReportParams(generated, features.as_of or generated.date(), settings.metrics.commodity_k,
                          settings.metrics.window_days)
    # the child fits as soon as the samples exist, while this process reads the rest of the catalog
    samples = stats_samples(features.timelines, as_of=params.as_of, k=params.k) if features.timelines else None
    fits.submit(samples.all() if samples else ())
    data = read_site_data(conn, features=features)
    files: list[tuple[str, bytes | int]] = [(name, static_file(name)) for name in STATIC_FILES]
    pages: list[Page]
    if samples is not None:
        plan = plan_site(data, params, home=settings.report.home)
        render = partial(_render_one, params=params)
        later = deque(page for page in plan.pages if page.build is not None)  # feature and party pages
        files += [render(page) for page in plan.pages if page.build is None]
        while later and not fits.ready():  # this process renders alone while the child fits
            files.append(render(later.popleft()))
        fits.collect()
        # then a second renderer shares what is left, while this process makes the statistics' pages
        # (into the staging folder, where there is one: the child writes its pages itself)
        child_render = partial(_render_into, params=params, folder=staging.folder) if staging else None
        queue = PageQueue.start(list(later), render, child_render)
        try:
            figures = compute_stats(data.timelines, as_of=params.as_of, k=params.k, samples=samples)
            with_stats = plan.with_stats(figures)
            files += [render(page) for page in with_stats]
            files += [render(page) for page in queue.mine()]
            files += queue.collect()
        finally:
            queue.close()  # (after a failure here: the child ends before its folder is removed)
        pages, new = plan.pages + with_stats, plan.new
    else:
        pages, new = plan_empty(data), history.WhatsNew(data.matched_at, False, (), ())
        files += [_render_one(page, params, has_nav=False) for page in pages]
    try:
        size = publish(out, files, report_names=REPORT_NAMES, page_folders=PAGE_FOLDERS, staging=staging)
    except OSError as error:
        raise _cannot_write(out, error) from None
    return ReportResult(out, out / "index.html", len(pages), size, len(new.features),
                        len(new.counted_copies), new.first)
