"""Source kind `posts`: a folder of dated posts in a GitHub repo, listed through the git-trees API.

The source URL is `https://api.github.com/repos/OWNER/REPO/git/trees/REF?recursive=1`;
`glob` picks the posts (`pages/changelog/*.mdx`), which are read from
raw.githubusercontent.com. Each post is one release, dated by its front matter or name.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import replace
from urllib.parse import quote

from tracker.config import SourceConfig
from tracker.errors import ParseError, SourceError
from tracker.fetch import FetchResult, Validators, decode_text
from tracker.parse.markdown import parse_post
from tracker.parse.model import ParsedDocument, ParseOptions
from tracker.sources.base import CollectContext, DocumentResult, Harvest, content_hash, fetch_document

TREES_URL = re.compile(r"^https://api\.github\.com/repos/([^/]+)/([^/]+)/git/trees/([^/?#]+)")


def glob_regex(pattern: str) -> re.Pattern[str]:
    """`*` stays inside one folder, `**` crosses folders, `?` is one character."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def post_urls(listing: bytes, listing_url: str, globs: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Raw URLs of the posts a git-trees listing holds that match `globs`, and warnings."""
    m = TREES_URL.match(listing_url)
    if not m:
        raise ParseError(f"{listing_url} is not a GitHub git-trees API URL (https://api.github.com/repos/OWNER/REPO/git/trees/REF)", url=listing_url)
    owner, repo, ref = m.groups()
    try:
        data = json.loads(listing)
        tree = data["tree"]
        if not isinstance(tree, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise ParseError(f"{listing_url} did not return a git-trees JSON listing with a 'tree' array", url=listing_url) from None
    patterns = [glob_regex(g) for g in globs]
    paths = sorted(
        item["path"] for item in tree
        if isinstance(item, dict) and item.get("type") == "blob" and isinstance(item.get("path"), str)
        and any(p.match(item["path"]) for p in patterns)
    )
    warnings = ["GitHub truncated the tree listing; some posts may be missing"] if data.get("truncated") else []
    return [f"https://raw.githubusercontent.com/{owner}/{repo}/{ref}/{quote(p)}" for p in paths], warnings


def parse(result: FetchResult, source: SourceConfig, options: ParseOptions) -> ParsedDocument:
    if source.date_order:
        options = replace(options, date_order=source.date_order)
    return parse_post(decode_text(result), url=result.url, options=options)


class PostsKind:
    name = "posts"
    accept = "application/vnd.github+json"

    async def collect(self, source: SourceConfig, ctx: CollectContext) -> Harvest:
        state = ctx.states.get(source.url)
        validators = Validators(state.etag, state.last_modified) if state else None
        harvest = Harvest()
        try:
            listing = await ctx.fetcher.fetch(source.url, validators=validators, accept=self.accept)
        except SourceError as error:
            harvest.error = error
            return harvest
        if listing.not_modified:
            urls = sorted(u for u in ctx.states if u != source.url)
            harvest.documents.append(DocumentResult(source.url, "not-modified", status=listing.status,
                                                    etag=state.etag if state else "",
                                                    last_modified=state.last_modified if state else ""))
        else:
            try:
                urls, harvest.warnings = post_urls(listing.content, source.url, source.glob)
            except ParseError as error:
                harvest.error = error
                return harvest
            digest = content_hash(listing.content)
            outcome = "unchanged" if state and state.content_hash == digest else "new"
            harvest.documents.append(DocumentResult(source.url, outcome, status=listing.status, content_hash=digest,
                                                    etag=listing.etag, last_modified=listing.last_modified,
                                                    size=len(listing.content)))
        if not urls and not listing.not_modified:
            harvest.warnings.append(f"no path in the listing matches {', '.join(source.glob)}")
        results = await asyncio.gather(
            *(fetch_document(u, source, ctx, lambda r: parse(r, source, ctx.options)) for u in urls)
        )
        harvest.documents.extend(results)
        return harvest


KIND = PostsKind()
