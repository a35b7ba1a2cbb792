"""Source kind `changelog`: one markdown or MDX changelog file (CHANGELOG.md, release-notes.mdx).

With `tags = "https://github.com/OWNER/REPO"`, undated version headers take the date of their
git tag (`tag_format` names it). The tag listing is remembered like a document: when it has
new tags, the changelog is read again even if the file did not change, so late tags date it;
when it cannot be read, the changelog waits for the next run rather than lose its dates.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from tracker.config import SourceConfig
from tracker.errors import SourceError
from tracker.fetch import FetchResult, decode_text
from tracker.parse.markdown import parse_changelog
from tracker.parse.model import ParsedDocument, ParseOptions
from tracker.parse.tags import TagDate, date_by_tags, read_tag_listing
from tracker.sources.base import CollectContext, DocumentResult, Harvest, content_hash, fetch_document

ACCEPT = "text/markdown, text/plain;q=0.9, */*;q=0.5"


def parse(
    result: FetchResult, source: SourceConfig, options: ParseOptions, tags: dict[str, TagDate] | None = None
) -> ParsedDocument:
    if source.date_order:
        options = replace(options, date_order=source.date_order)
    doc = parse_changelog(decode_text(result), url=result.url, options=options)
    if tags is None:
        return doc
    dating = date_by_tags(doc, tags, today=options.today)
    if not dating.untagged:
        return dating.document
    shown = ", ".join(dating.untagged[:3]) + (", ..." if len(dating.untagged) > 3 else "")
    note = (f"{len(dating.untagged)} undated version headers have no tag "
            f"{source.tag_format.replace('{version}', 'VERSION')} in {source.tags} ({shown}); they stay undated")
    return replace(dating.document, warnings=(*dating.document.warnings, note))


async def _tag_listing(source: SourceConfig, ctx: CollectContext) -> tuple[DocumentResult, dict[str, TagDate] | None]:
    """The source's tag listing as a document of its own (so its changes are noticed), and its tags."""
    if ctx.tags is None:
        return DocumentResult(source.tags, "error", error=SourceError(
            f"this crawl has no tag reader for {source.tags}; run it through tracker.pipeline", url=source.tags)), None
    try:
        text = await ctx.tags.listing(source.tags)
    except SourceError as error:
        return DocumentResult(source.tags, "error", error=error), None
    digest = content_hash(text.encode("utf-8"))
    state = ctx.states.get(source.tags)
    outcome = "unchanged" if state is not None and state.content_hash == digest else "new"
    tags = await asyncio.get_running_loop().run_in_executor(ctx.parser, read_tag_listing, text, source.tag_format)
    return DocumentResult(source.tags, outcome, content_hash=digest, size=len(text)), tags


class ChangelogKind:
    name = "changelog"
    accept = ACCEPT

    async def collect(self, source: SourceConfig, ctx: CollectContext) -> Harvest:
        if not source.tags:
            return Harvest(documents=[await fetch_document(
                source.url, source, ctx, lambda r: parse(r, source, ctx.options), accept=self.accept
            )])
        listing, tags = await _tag_listing(source, ctx)
        if tags is None:
            # Without its tags the changelog would be saved undated over dates it had: leave it
            # untouched (not fetched, so not marked as read) until the tags can be read.
            return Harvest(documents=[listing])
        if listing.outcome == "new":
            # New tags can date headers of a file that did not change: read it again, unconditionally.
            ctx = replace(ctx, states={u: s for u, s in ctx.states.items() if u != source.url})
        changelog = await fetch_document(
            source.url, source, ctx, lambda r: parse(r, source, ctx.options, tags), accept=self.accept
        )
        return Harvest(documents=[changelog, listing])


KIND = ChangelogKind()
