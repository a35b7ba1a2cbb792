"""The fetch layer: the project's only network code.

    client     Fetcher: conditional GETs, retries, limits, redirects, robots, mirror
    settings   FetchSettings, Validators, FetchResult (value objects)
    classify   httpx exceptions and final statuses -> typed FetchErrors (the one place)
    retry      which statuses are retried and how long to wait (pure)
    redirects  the source and per-hop policy (schemes, loops, private and metadata addresses)
    addresses  what a host stands for: numeric IPv4 spellings, public, link-local/metadata
    deadline   DeadlineTransport: one wall-clock deadline per synchronous request (webhooks)
    robots     robots.txt, loaded once per origin
    body       reading a streamed body within the size cap (gzip bombs included)
    links      Link rel="next" pagination (pure)
    answer     one hop's response -> FetchResult
    mirror     MirrorTransport: offline replay from a directory tree
    text       decode_text: bytes -> str, refusing binary bodies
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Fetcher
    from .mirror import MirrorTransport
    from .settings import DEFAULT_USER_AGENT, FetchResult, FetchSettings, Validators
    from .text import decode_text

# Imported on first use: reading `tracker.fetch.settings` (as config does) must not pull in httpx.
_HOME = {
    "Fetcher": "client", "MirrorTransport": "mirror", "DEFAULT_USER_AGENT": "settings", "FetchResult": "settings",
    "FetchSettings": "settings", "Validators": "settings", "decode_text": "text",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'tracker.fetch' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tracker.fetch.{_HOME[name]}"), name)


__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchResult",
    "FetchSettings",
    "Fetcher",
    "MirrorTransport",
    "Validators",
    "decode_text",
]
