"""Which commit a GitHub file was fetched at, so evidence links can pin it (`blob/<commit>/PATH#Ln`)
instead of `blob/HEAD`, whose line numbers drift as a changelog grows at the top.

Before a raw.githubusercontent.com file is fetched, the commit its ref (HEAD, a branch) names
is asked of the GitHub API (`/repos/O/R/commits/REF` with `Accept: application/vnd.github.sha`:
forty characters, one request per repository per crawl, GITHUB_TOKEN when set). Asked first,
the commit is never newer than the file; a push in between can at worst make the file newer,
by seconds. Anything that goes wrong (offline, rate limit, 404) only leaves the revision
unknown: the link then opens HEAD and says the line may have moved. The source never fails.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tracker.errors import SourceError
from tracker.fetch import Fetcher

_RAW = re.compile(r"^/(?P<owner>[^/]+)/(?P<repo>[^/]+)/(?P<ref>[^/]+)/.+$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
ACCEPT_SHA = "application/vnd.github.sha"


def commit_api_url(url: str) -> str:
    """The API URL that names the commit of a raw GitHub file's ref ("" for any other URL)."""
    parts = urlsplit(url)
    if parts.hostname != "raw.githubusercontent.com" or not (m := _RAW.match(parts.path)):
        return ""
    if _COMMIT.match(m["ref"]):
        return ""  # already pinned
    return f"https://api.github.com/repos/{m['owner']}/{m['repo']}/commits/{m['ref']}"


@dataclass(slots=True)
class RevisionResolver:
    """Commit ids of raw GitHub files' refs, asked once per repository and ref in a crawl."""

    fetcher: Fetcher
    _known: dict[str, asyncio.Task[str]] = field(default_factory=dict)

    async def commit_of(self, url: str) -> str:
        api = commit_api_url(url)
        if not api:
            return ""
        if api not in self._known:
            self._known[api] = asyncio.ensure_future(self._ask(api))
        return await self._known[api]

    async def _ask(self, api: str) -> str:
        try:
            result = await self.fetcher.fetch(api, accept=ACCEPT_SHA)
        except SourceError:
            return ""  # unknown: the evidence link says the line may have moved
        sha = result.content.decode("ascii", "replace").strip()
        return sha if _COMMIT.match(sha) else ""
