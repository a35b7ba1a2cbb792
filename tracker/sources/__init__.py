"""The registry of source kinds: a kind name in config.toml maps to the adapter that reads it.

Adding a source kind is "register one more": write a module with a `KIND` that has
`name`, `accept` and `async collect(source, ctx) -> Harvest`, and list it in `KINDS`.
Config validates kind names against `KINDS` without importing any adapter (they pull in
the fetch and parse stacks), so a read-only command never pays for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.sources.base import SourceKind

# kind name -> the module that defines its adapter as `KIND`
KINDS: dict[str, str] = {
    "changelog": "tracker.sources.changelog",
    "posts": "tracker.sources.posts",
    "github-releases": "tracker.sources.github_releases",
    "feed": "tracker.sources.feed",
    "html": "tracker.sources.html_page",
}
# kind name -> its adapter, filled on first use
REGISTRY: dict[str, SourceKind] = {}


def adapter(kind: str) -> SourceKind:
    """The adapter of a source kind (config has already checked that the kind exists)."""
    if kind not in REGISTRY:
        REGISTRY[kind] = importlib.import_module(KINDS[kind]).KIND
    return REGISTRY[kind]
