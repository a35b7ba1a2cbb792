"""The tracker's steps against one catalog, as library calls: crawl the sources, match the
entries, read the feature timelines back. The CLI and the scheduler run them through
`runner.execute`, which holds the lock and records the run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.catalog import features, queries, store
from tracker.config import Settings, SourceConfig
from tracker.crawl import CrawlSummary, SourceOutcome, crawl
from tracker.errors import UsageError
from tracker.runner import Clock, RunContext, Step, execute, utc_now

if TYPE_CHECKING:
    import httpx

    from tracker.match.taxonomy import Taxonomy
    from tracker.metrics import Timeline

log = logging.getLogger("tracker.pipeline")

__all__ = ["Clock", "crawl_sources", "crawl_step", "match_catalog", "run_crawl", "select_sources", "timelines",
           "utc_now"]


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
    from tracker.fetch import Fetcher
    from tracker.fetch.git_tags import TagReader

    async with Fetcher(settings.fetch, transport=transport, mirror=settings.mirror) as fetcher:
        return await crawl(conn, sources=sources, ids=ids, fetcher=fetcher, run_id=run_id, now=now,
                           on_source=on_source, tags=TagReader(settings.mirror, settings.db_path.parent / "git-tags"))


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


def crawl_step(
    sources: list[SourceConfig],
    *,
    on_start: Callable[[int], None] = lambda _: None,
    on_source: Callable[[SourceOutcome], None] = lambda _: None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Step:
    """The crawl as a run step (required: a catalog failure ends the run)."""

    def action(ctx: RunContext) -> None:
        if not sources:
            ctx.summary.notes.append("no sources are enabled; add [[party]] blocks with [[party.source]] to config.toml")
        on_start(len(sources))
        ctx.summary.crawl = crawl_sources(ctx.conn, ctx.settings, sources=sources, run_id=ctx.summary.run_id,
                                          now=ctx.now, on_source=on_source, transport=transport)

    return Step("crawl", action, guarded=False)


def run_crawl(
    settings: Settings,
    *,
    source_names: Sequence[str] = (),
    now: Clock = utc_now,
    on_start: Callable[[int], None] = lambda _: None,
    on_source: Callable[[SourceOutcome], None] = lambda _: None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> CrawlSummary:
    """`tracker crawl`: fetch, parse and save the chosen sources, recorded as one run under the lock."""
    sources = select_sources(settings, source_names)
    step = crawl_step(sources, on_start=on_start, on_source=on_source, transport=transport)
    return execute(settings, "crawl", [step], now=now).crawl


# --------------------------------------------------------------------------- matching


def taxonomy_path(settings: Settings) -> Path:
    """The configured taxonomy, or the one shipped inside the package."""
    from tracker.match.taxonomy import shipped_taxonomy_path

    return settings.match.taxonomy or shipped_taxonomy_path()


def load_settings_taxonomy(settings: Settings) -> Taxonomy:
    from tracker.match.taxonomy import load_taxonomy

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
    from tracker.match.matcher import MatchSettings, StaleStateError, match
    from tracker.match.state import MatchState

    taxonomy = load_settings_taxonomy(settings)
    stored = None if rebuild else features.load_state(conn)
    if stored is not None and stored.taxonomy_hash != taxonomy.digest:
        stored = None  # the taxonomy changed: every entry must be matched again
    state = None
    if stored is not None:
        try:
            state = MatchState.from_json(stored.state_json)
        except (ValueError, KeyError, TypeError, json.JSONDecodeError) as error:
            log.warning("the stored matcher state is unreadable (%s); matching every entry again", error)
            stored = None
    last_id = features.max_entry_id(conn)
    seen_changes = features.changed_entry_ids(conn)
    offered = features.mentions(conn, after_id=stored.last_entry_id if stored else 0, changed=stored is not None)
    knobs = MatchSettings(discover=settings.match.discover,
                          discovery_min_parties=settings.match.discovery_min_parties,
                          discovery_window_days=settings.match.discovery_window_days)
    try:
        outcome = match(offered, taxonomy, state=state, settings=knobs)
    except StaleStateError:  # the matcher's records are from another version of its rules
        stored = None
        offered = features.mentions(conn)
        outcome = match(offered, taxonomy, settings=knobs)
    saved = features.save_outcome(
        conn, features=outcome.features, links=outcome.links, state_json=outcome.state.to_json(),
        taxonomy_hash=taxonomy.digest, last_entry_id=last_id, now=now(), seen_changes=seen_changes,
    )
    linked = {link.feature_key for link in outcome.links}
    return MatchSummary(len(offered), stored is None, len(linked), saved.new_features, saved.new_links,
                        saved.new_copies)


def timelines(conn: sqlite3.Connection, *, as_of: dt.date | None = None) -> list[Timeline]:
    """Every feature's timeline, with each party's observation window and company (see `metrics.timeline`)."""
    from tracker.metrics import build_timelines

    defs, rows, detected = features.feature_rows(conn)
    return build_timelines(defs, rows, detected, windows=queries.party_windows(conn), as_of=as_of)
