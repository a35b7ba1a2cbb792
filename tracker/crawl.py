"""The crawl step: fetch every source concurrently, save each in its own transaction.

A source that fails (unreachable host, 404, malformed page, a bug in a parser) is
recorded with one clear sentence on the source and in the run, and never stops or
corrupts the others: its transaction holds its entries *and* its fetch validators,
so an interrupted or failed source is simply fetched again next time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tracker.catalog import runs, store
from tracker.config import SourceConfig
from tracker.errors import NotInMirrorError, SourceError
from tracker.fetch import Fetcher
from tracker.fetch.git_tags import TagReader
from tracker.parse.model import ParseOptions
from tracker.sources import adapter
from tracker.sources.base import CollectContext, Harvest
from tracker.sources.revisions import RevisionResolver


ERROR, SKIPPED = "error", "skipped"
OFFLINE = "offline"  # the category of a skipped source: offline, and its URL is not in the mirror
OFFLINE_NOTE = "not in the mirror (offline)"


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    name: str
    party: str
    outcome: str  # new | unchanged | error | skipped
    new_releases: int = 0
    new_entries: int = 0
    error: str = ""
    category: str = ""
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class CrawlSummary:
    run_id: int
    outcomes: list[SourceOutcome] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> list[SourceOutcome]:
        return [o for o in self.outcomes if o.outcome == ERROR]

    @property
    def ok(self) -> list[SourceOutcome]:
        return [o for o in self.outcomes if o.outcome not in (ERROR, SKIPPED)]

    @property
    def skipped(self) -> list[SourceOutcome]:
        """Sources not read on purpose: offline, their URL is not in the mirror (not a failure)."""
        return [o for o in self.outcomes if o.outcome == SKIPPED]

    @property
    def new_releases(self) -> int:
        return sum(o.new_releases for o in self.outcomes)

    @property
    def new_entries(self) -> int:
        return sum(o.new_entries for o in self.outcomes)

    def totals(self) -> runs.RunTotals:
        return runs.RunTotals(len(self.ok), len(self.failed), self.new_releases, self.new_entries,
                              sources_skipped=len(self.skipped))


def classify(error: BaseException, source: SourceConfig) -> tuple[str, str]:
    """The one place where a failure becomes a sentence and a category."""
    if isinstance(error, SourceError):
        return error.message, error.category
    return (f"internal error while reading source {source.name!r} ({type(error).__name__}: {error}); "
            "please report it with this message", "internal")


def _save_harvest(
    conn: sqlite3.Connection,
    *,
    source: SourceConfig,
    source_id: int,
    party_id: int,
    run_id: int,
    harvest: Harvest,
    now: dt.datetime,
) -> SourceOutcome:
    counts = store.SaveCounts()
    failures = [d for d in harvest.documents if d.error is not None]
    with conn:
        for doc in harvest.documents:
            if doc.document is not None:
                counts += store.save_document(
                    conn, source_id=source_id, party_id=party_id, doc=doc.document, now=now
                )
            failed = doc.error is not None
            if doc.error is not None and doc.error.category == NotInMirrorError.category:
                continue  # offline: the stored validators of an earlier online fetch stay valid
            store.record_fetch(
                conn, source_id=source_id, url=doc.url, now=now, status=doc.status,
                outcome=doc.outcome, content_hash="" if failed else doc.content_hash,
                etag=doc.etag, last_modified=doc.last_modified, size=doc.size,
                error=doc.error.message if doc.error else "", revision=doc.revision,
            )
        warnings = list(harvest.warnings)
        warnings += [
            f"no releases found in {d.url}; check that it is a changelog and that the source kind is right"
            for d in harvest.documents if d.document is not None and not d.document.releases
        ]
        warnings += [w for d in harvest.documents if d.document for w in d.document.warnings][:5]
        error: SourceError | None = harvest.error
        if error is None and failures and len(failures) == len(harvest.documents):
            error = failures[0].error
        elif error is None and failures:
            first = failures[0].error
            warnings.insert(0, f"{len(failures)} of {len(harvest.documents)} documents failed, e.g. {first}")
        if error is not None and error.category == NotInMirrorError.category and not counts.new_releases:
            # Offline, a source the mirror does not hold is not broken: it is skipped, and whatever the
            # catalog knows of it (including a failure seen online) stays as it was.
            outcome = SourceOutcome(source.name, source.party, SKIPPED, error=OFFLINE_NOTE, category=OFFLINE)
        elif error is not None:
            store.record_source_error(conn, source_id, now, error.message)
            outcome = SourceOutcome(source.name, source.party, "error", counts.new_releases, counts.new_entries,
                                    error.message, error.category, tuple(warnings))
        else:
            store.record_source_success(conn, source_id, now, "; ".join(warnings[:1]))
            changed = any(d.outcome == "new" for d in harvest.documents)
            outcome = SourceOutcome(source.name, source.party, "new" if changed else "unchanged",
                                    counts.new_releases, counts.new_entries, warnings=tuple(warnings))
        runs.record_run_source(
            conn, run_id=run_id, source_id=source_id, outcome=outcome.outcome, new_releases=outcome.new_releases,
            new_entries=outcome.new_entries, error=outcome.error, error_category=outcome.category,
        )
    return outcome


async def crawl(
    conn: sqlite3.Connection,
    *,
    sources: Sequence[SourceConfig],
    ids: dict[str, tuple[int, int]],
    fetcher: Fetcher,
    run_id: int,
    now: Callable[[], dt.datetime],
    on_source: Callable[[SourceOutcome], None] = lambda _: None,
    tags: TagReader | None = None,
) -> CrawlSummary:
    """Crawl `sources` into the catalog behind `conn`; `ids` maps source names to (source_id, party_id).

    `tags` reads the git tag listings of sources dated by tags (`tags = ...` in config.toml).
    """
    summary = CrawlSummary(run_id)
    options = ParseOptions(today=now().date())
    states = store.all_fetch_states(conn)
    # One worker thread parses documents and owns the catalog connection: the event loop
    # keeps every fetch going, and a single CPU-bound thread (not a pool) competes with it
    # for the GIL; measured in bench/bench_fetch.py, that is what keeps latency hidden.
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crawl-worker")
    loop = asyncio.get_running_loop()
    revisions = RevisionResolver(fetcher)  # one commit lookup per repository in this crawl

    async def harvest(source: SourceConfig) -> tuple[SourceConfig, Harvest | BaseException]:
        source_id = ids[source.name][0]
        ctx = CollectContext(fetcher=fetcher, states=states.get(source_id, {}), options=options, parser=worker,
                             tags=tags, revisions=revisions)
        try:
            return source, await adapter(source.kind).collect(source, ctx)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - one broken source must not stop the others
            return source, error

    def save(source: SourceConfig, result: Harvest | BaseException) -> SourceOutcome:
        source_id, party_id = ids[source.name]
        if isinstance(result, BaseException):
            message, category = classify(result, source)
            result = Harvest(error=_AsSourceError(message, category))
        try:
            return _save_harvest(conn, source=source, source_id=source_id, party_id=party_id,
                                 run_id=run_id, harvest=result, now=now())
        except sqlite3.DatabaseError:
            raise
        except Exception as error:  # noqa: BLE001
            message, category = classify(error, source)
            with conn:
                store.record_source_error(conn, source_id, now(), message)
            return SourceOutcome(source.name, source.party, "error", error=message, category=category)

    tasks = [asyncio.ensure_future(harvest(s)) for s in sources]
    try:
        for next_done in asyncio.as_completed(tasks):
            source, result = await next_done
            outcome = await loop.run_in_executor(worker, save, source, result)
            summary.outcomes.append(outcome)
            on_source(outcome)
    except (asyncio.CancelledError, KeyboardInterrupt):
        summary.interrupted = True
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    finally:
        worker.shutdown(wait=True)  # a save in progress commits (or rolls back) before we return
    return summary


class _AsSourceError(SourceError):
    def __init__(self, message: str, category: str) -> None:
        super().__init__(message)
        self.category = category
