"""What every source kind shares: the harvest it returns and the fetch-then-parse step.

A source kind has a network half (which URLs to fetch, in `collect`) and a pure half
(`parse`: bytes to a `ParsedDocument`). Unchanged documents (HTTP 304, or the same
content hash as last time) are never parsed again.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
import fnmatch
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from tracker.model import FetchState
from tracker.config import SourceConfig
from tracker.errors import SourceError
from tracker.fetch import Fetcher, FetchResult, Validators
from tracker.fetch.git_tags import TagReader
from tracker.sources.revisions import RevisionResolver
from tracker.parse.limits import cap_document
from tracker.parse.model import ParsedDocument, ParseOptions


@dataclass(frozen=True, slots=True)
class DocumentResult:
    """One fetched URL of a source: what came back and, when it changed, what it says."""

    url: str
    outcome: str  # new | unchanged | not-modified | error
    status: int = 0
    content_hash: str = ""
    etag: str = ""
    last_modified: str = ""
    size: int = 0
    document: ParsedDocument | None = None
    error: SourceError | None = None
    next_url: str = ""  # the next page, for paginated APIs
    revision: str = ""  # the commit it was fetched at, when known (see `revisions`)


@dataclass(slots=True)
class Harvest:
    """Everything one source yielded in one crawl."""

    documents: list[DocumentResult] = field(default_factory=list)
    error: SourceError | None = None  # the source as a whole failed (e.g. its listing)
    warnings: list[str] = field(default_factory=list)

    @property
    def failed_documents(self) -> list[DocumentResult]:
        return [d for d in self.documents if d.error is not None]


@dataclass(frozen=True, slots=True)
class CollectContext:
    fetcher: Fetcher
    states: dict[str, FetchState]  # what the catalog remembers of each URL of this source
    options: ParseOptions
    # Where parsing runs (None: the default executor); the crawl passes its one worker thread.
    parser: Executor | None = None
    tags: TagReader | None = None  # git tag listings, for changelogs dated by their tags
    revisions: RevisionResolver | None = None  # commits of raw GitHub files, for pinned evidence links


class SourceKind(Protocol):
    @property
    def name(self) -> str: ...  # the `kind` in config.toml

    @property
    def accept(self) -> str: ...  # the Accept header of its requests

    async def collect(self, source: SourceConfig, ctx: CollectContext) -> Harvest: ...


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def scope_filter(doc: ParsedDocument, patterns: tuple[str, ...]) -> ParsedDocument:
    """Keep only entries whose scope matches a glob (the AWS SDK changelog covers every service)."""
    if not patterns:
        return doc
    lowered = tuple(p.lower() for p in patterns)

    def keep(scope: str) -> bool:
        scope = scope.lower()
        return bool(scope) and any(fnmatch.fnmatchcase(scope, p) for p in lowered)

    releases = tuple(replace(r, entries=tuple(e for e in r.entries if keep(e.scope))) for r in doc.releases)
    return replace(doc, releases=releases)


async def fetch_document(
    url: str,
    source: SourceConfig,
    ctx: CollectContext,
    parse: Callable[[FetchResult], ParsedDocument],
    *,
    accept: str = "*/*",
) -> DocumentResult:
    """Fetch `url` conditionally; parse it (off the event loop) only when its content changed."""
    state = ctx.states.get(url)
    validators = Validators(etag=state.etag, last_modified=state.last_modified) if state else None
    revision = await ctx.revisions.commit_of(url) if ctx.revisions is not None else ""  # asked first: see revisions
    try:
        result = await ctx.fetcher.fetch(url, validators=validators, accept=accept)
    except SourceError as error:
        return DocumentResult(url, "error", error=error)
    if result.not_modified:
        return DocumentResult(url, "not-modified", status=result.status, etag=result.etag or (state.etag if state else ""),
                              last_modified=result.last_modified or (state.last_modified if state else ""),
                              revision=revision)
    digest = content_hash(result.content)
    common = dict(status=result.status, content_hash=digest, etag=result.etag,
                  last_modified=result.last_modified, size=len(result.content), next_url=result.link_next,
                  revision=revision)
    if state is not None and state.content_hash == digest:
        return DocumentResult(url, "unchanged", **common)  # type: ignore[arg-type]
    try:
        doc = await asyncio.get_running_loop().run_in_executor(ctx.parser, parse, result)
    except SourceError as error:
        return DocumentResult(url, "error", error=error, **common)  # type: ignore[arg-type]
    doc = cap_document(doc, max_releases=ctx.options.max_releases, max_entries=ctx.options.max_entries)
    return DocumentResult(url, "new", document=scope_filter(doc, source.scope), **common)  # type: ignore[arg-type]


ParseResult = Callable[[FetchResult, SourceConfig, ParseOptions], ParsedDocument]


@dataclass(frozen=True, slots=True)
class SingleDocumentKind:
    """A source kind that reads exactly one URL: a changelog file, a feed, an HTML page."""

    name: str
    accept: str
    parse: ParseResult

    async def collect(self, source: SourceConfig, ctx: CollectContext) -> Harvest:
        doc = await fetch_document(
            source.url, source, ctx, lambda r: self.parse(r, source, ctx.options), accept=self.accept
        )
        return Harvest(documents=[doc])
