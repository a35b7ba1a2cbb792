"""Source kind `github-releases`: the GitHub releases API of a repository, page by page.

The first page is requested conditionally; when GitHub answers 304 nothing is parsed.
Later pages are followed through the `Link` header up to `max_pages`.
"""

from __future__ import annotations

from tracker.config import SourceConfig
from tracker.fetch import FetchResult
from tracker.parse.github_releases import parse_github_releases
from tracker.parse.model import ParsedDocument, ParseOptions
from tracker.sources.base import CollectContext, Harvest, fetch_document


def parse(result: FetchResult, source: SourceConfig, options: ParseOptions) -> ParsedDocument:
    return parse_github_releases(result.content, url=result.url, options=options)


class GithubReleasesKind:
    name = "github-releases"
    accept = "application/vnd.github+json"

    async def collect(self, source: SourceConfig, ctx: CollectContext) -> Harvest:
        harvest = Harvest()
        url = source.url
        for _ in range(source.max_pages):
            doc = await fetch_document(url, source, ctx, lambda r: parse(r, source, ctx.options), accept=self.accept)
            harvest.documents.append(doc)
            if doc.outcome != "new" or not doc.next_url:
                break  # unchanged first page: the newest releases are known, older pages cannot have changed
            url = doc.next_url
        return harvest


KIND = GithubReleasesKind()
