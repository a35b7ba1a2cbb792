"""Write the report: read the catalog once, plan every page, render it, and save the static site.

The site opens from file:// with no network: one local stylesheet, inline SVG charts, no
scripts. Pages of features, parties or categories that no longer exist are removed from
their folders; nothing else in the output folder is touched.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tracker.catalog import queries
from tracker.catalog.features import feature_rows
from tracker.config import Settings
from tracker.errors import ReportError
from tracker.metrics import build_timelines
from tracker.report import history
from tracker.report.plan import Page, SiteData, plan_empty, plan_site
from tracker.report.render import STATIC_FILES, render_page, static_file
from tracker.report.site_map import ReportParams

PAGE_FOLDERS = ("feature", "party", "category", "evidence")
TOP_PAGES = ("new.html", "features.html", "parties.html", "categories.html", "method.html")


@dataclass(frozen=True)
class ReportResult:
    out_dir: Path
    index: Path
    pages: int  # HTML pages written
    bytes: int  # total size of the files written
    new_features: int  # features first detected since the previous report (all, on the first one)
    new_copies: int  # (feature, follower) pairs first detected since the previous report


def _utc_naive(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    return now.astimezone(dt.UTC).replace(tzinfo=None) if now.tzinfo else now


def read_site_data(conn: sqlite3.Connection, *, today: dt.date | None = None) -> SiteData:
    defs, rows, detected = feature_rows(conn)
    windows = queries.party_windows(conn)
    as_of = queries.newest_dated_entry(conn, not_after=today)
    return SiteData(build_timelines(defs, rows, detected, windows=windows, as_of=as_of), queries.parties(conn),
                    queries.release_dates(conn), queries.counts(conn), windows,
                    tuple(queries.source_statuses(conn)), as_of)


def _cannot_write(out_dir: Path, error: OSError) -> ReportError:
    reason = error.strerror or type(error).__name__
    return ReportError(f"cannot write the report to {out_dir} ({reason}); pass --out with a writable folder")


class _Writer:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir, self.bytes = out_dir, 0
        self.written: set[Path] = set()

    def write(self, relative: str, data: bytes) -> None:
        path = self.out_dir.joinpath(*relative.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # a reader never sees half a page
        self.bytes += len(data)
        self.written.add(path)

    def remove_stale(self) -> None:
        """Pages this report no longer has (a feature that disappeared, or all of them on an empty catalog)."""
        for name in TOP_PAGES:
            page = self.out_dir / name
            if page.exists() and page not in self.written:
                page.unlink()
        for folder in PAGE_FOLDERS:
            for old in (self.out_dir / folder).glob("*.html"):
                if old not in self.written:
                    old.unlink()


def render_report(
    conn: sqlite3.Connection, settings: Settings, *, out_dir: Path | None = None, now: dt.datetime | None = None
) -> ReportResult:
    """Render the static report of the catalog into `out_dir` (default: `settings.report_dir`)."""
    out = Path(out_dir if out_dir is not None else settings.report_dir)
    generated = _utc_naive(now)
    data = read_site_data(conn, today=generated.date())
    # As of the newest dated entry (as `tracker stats`), so a replayed or stale catalog is not judged by today.
    params = ReportParams(generated, data.as_of or generated.date(), settings.match.commodity_k,
                          settings.match.window_days)
    previous = history.load_previous(out)
    pages: list[Page]
    if data.timelines:
        pages, new = plan_site(data, params, previous)
    else:
        pages, new = plan_empty(data), history.WhatsNew(previous, (), ())
    rendered = [(page.path, render_page(page, params, has_nav=bool(data.timelines)).encode("utf-8")) for page in pages]
    writer = _Writer(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name in STATIC_FILES:
            writer.write(name, static_file(name))
        rendered.sort(key=lambda item: item[0] == "index.html")  # the index last: it only appears once all is in place
        for path, body in rendered:
            writer.write(path, body)
        writer.remove_stale()
        state = history.state_json(generated, features=len(data.timelines),
                                   copies=sum(len(t.followers) for t in data.timelines))
        writer.write(history.STATE_FILE, state.encode("utf-8"))
    except OSError as error:
        raise _cannot_write(out, error) from None
    return ReportResult(out, out / "index.html", len(pages), writer.bytes, len(new.features), len(new.copies))
