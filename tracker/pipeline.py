"""Run the steps of the tracker against one catalog: crawl now; match and report build on it.

This is the library entry point the CLI and the scheduler call. It opens the catalog,
holds the run lock, records the run, and turns an interruption into a recorded
`interrupted` run with everything committed so far kept.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from tracker.catalog import db, features, queries, runs, store
from tracker.config import Settings, SourceConfig
from tracker.crawl import CrawlSummary, SourceOutcome, crawl
from tracker.errors import CatalogError, UsageError
from tracker.fetch import Fetcher
from tracker.lock import run_lock
from tracker.match.matcher import StaleStateError, match
from tracker.match.model import MatchOutcome
from tracker.match.state import MatchState
from tracker.match.taxonomy import Taxonomy, load_taxonomy, shipped_taxonomy_path
from tracker.metrics import Timeline, build_timelines

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """Naive UTC timestamps throughout the catalog (SQLite has no time zones)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


@contextmanager
def catalog(settings: Settings) -> Iterator[sqlite3.Connection]:
    """A writable connection to the catalog, schema in place."""
    with db.connect(settings.db_path, write=True) as conn:
        yield conn


def select_sources(settings: Settings, names: Sequence[str] = ()) -> list[SourceConfig]:
    """The enabled sources, or the ones named (by source name or party name)."""
    sources = [s for s in settings.sources() if s.enabled]
    if not names:
        return sources
    wanted = {n.casefold() for n in names}
    chosen = [s for s in settings.sources() if s.name.casefold() in wanted or s.party.casefold() in wanted]
    known = {s.name.casefold() for s in settings.sources()} | {p.name.casefold() for p in settings.parties}
    unknown = sorted(n for n in names if n.casefold() not in known)
    if unknown:
        raise UsageError(
            f"unknown source or party {', '.join(repr(u) for u in unknown)}; `tracker sources` lists them"
        )
    return chosen


async def _crawl_async(
    conn: sqlite3.Connection,
    settings: Settings,
    sources: list[SourceConfig],
    ids: dict[str, tuple[int, int]],
    run_id: int,
    now: Clock,
    on_source: Callable[[SourceOutcome], None],
    transport: httpx.AsyncBaseTransport | None,
) -> CrawlSummary:
    async with Fetcher(settings.fetch, transport=transport, mirror=settings.mirror) as fetcher:
        return await crawl(conn, sources=sources, ids=ids, fetcher=fetcher, run_id=run_id, now=now,
                           on_source=on_source)


def crawl_sources(
    conn: sqlite3.Connection,
    settings: Settings,
    *,
    sources: list[SourceConfig],
    run_id: int,
    now: Clock = utc_now,
    on_source: Callable[[SourceOutcome], None] = lambda _: None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> CrawlSummary:
    ids = store.sync_config(conn, settings.parties)
    return asyncio.run(_crawl_async(conn, settings, sources, ids, run_id, now, on_source, transport))


def run_crawl(
    settings: Settings,
    *,
    source_names: Sequence[str] = (),
    now: Clock = utc_now,
    on_start: Callable[[int], None] = lambda _: None,
    on_source: Callable[[SourceOutcome], None] = lambda _: None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> CrawlSummary:
    """`tracker crawl`: fetch, parse and save the chosen sources under the run lock."""
    sources = select_sources(settings, source_names)
    with run_lock(settings.db_path, "crawl"), catalog(settings) as conn:
        run_id = runs.start_run(conn, "crawl", now())
        on_start(len(sources))
        summary = CrawlSummary(run_id)
        try:
            summary = crawl_sources(conn, settings, sources=sources, run_id=run_id, now=now,
                                    on_source=on_source, transport=transport)
        except KeyboardInterrupt:
            runs.finish_run(conn, run_id, now=now(), outcome="interrupted", totals=summary.totals(),
                            message="interrupted; the next run completes the work")
            raise
        outcome = "ok" if not summary.failed else ("partial" if summary.ok else "failed")
        runs.finish_run(conn, run_id, now=now(), outcome=outcome, totals=summary.totals())
        return summary



# --------------------------------------------------------------------------- matching


def taxonomy_path(settings: Settings) -> Path:
    """The configured taxonomy, or the one shipped inside the package."""
    return settings.match.taxonomy or shipped_taxonomy_path()


def load_settings_taxonomy(settings: Settings) -> Taxonomy:
    return load_taxonomy(taxonomy_path(settings))


@dataclass(frozen=True, slots=True)
class MatchSummary:
    mentions_offered: int
    rebuilt: bool
    features: int
    new_features: tuple[str, ...]
    new_links: int
    new_copies: tuple[tuple[str, str], ...]


def match_catalog(
    conn: sqlite3.Connection, settings: Settings, *, rebuild: bool = False, now: Clock = utc_now
) -> MatchSummary:
    """Link entries the matcher has not seen yet (or all, with `rebuild`) and save the outcome."""
    taxonomy = load_settings_taxonomy(settings)
    stored = None if rebuild else features.load_state(conn)
    if stored is not None and stored.taxonomy_hash != taxonomy.digest:
        stored = None  # the taxonomy changed: every entry must be matched again
    last_id = features.max_entry_id(conn)
    seen_changes = features.changed_entry_ids(conn)
    offered = features.mentions(conn, after_id=stored.last_entry_id if stored else 0, changed=stored is not None)
    outcome: MatchOutcome
    try:
        state = MatchState.from_json(stored.state_json) if stored else None
        outcome = match(offered, taxonomy, state=state)
    except (StaleStateError, ValueError, KeyError):
        stored = None
        offered = features.mentions(conn)
        outcome = match(offered, taxonomy)
    saved = features.save_outcome(
        conn, features=outcome.features, links=outcome.links, state_json=outcome.state.to_json(),
        taxonomy_hash=taxonomy.digest, last_entry_id=last_id, now=now(), seen_changes=seen_changes,
    )
    linked = {link.feature_key for link in outcome.links}
    return MatchSummary(len(offered), stored is None, len(linked), saved.new_features, saved.new_links,
                        saved.new_copies)


def timelines(conn: sqlite3.Connection, *, as_of: dt.date | None = None) -> list[Timeline]:
    """Every feature's timeline, with each party's observation window and company (see `metrics.timeline`)."""
    defs, rows, detected = features.feature_rows(conn)
    return build_timelines(defs, rows, detected, windows=queries.party_windows(conn), as_of=as_of)
