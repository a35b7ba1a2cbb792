"""The registry of source kinds: a kind name in config.toml maps to the adapter that reads it.

Adding a source kind is "register one more": write a module with a `KIND` that has
`name`, `accept` and `async collect(source, ctx) -> Harvest`, and list it here.
"""

from __future__ import annotations

from tracker.sources import changelog, feed, github_releases, html_page, posts
from tracker.sources.base import CollectContext, DocumentResult, Harvest, SourceKind

_KINDS: tuple[SourceKind, ...] = (changelog.KIND, posts.KIND, github_releases.KIND, feed.KIND, html_page.KIND)
REGISTRY: dict[str, SourceKind] = {kind.name: kind for kind in _KINDS}

__all__ = ["REGISTRY", "CollectContext", "DocumentResult", "Harvest", "SourceKind"]
