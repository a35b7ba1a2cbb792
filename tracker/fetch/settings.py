"""Value objects of the fetch layer: how to fetch (``FetchSettings``), what we
already have (``Validators``) and what came back (``FetchResult``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import metadata

from tracker.errors import ConfigError


def _package_version() -> str:
    try:
        return metadata.version("tracker")
    except metadata.PackageNotFoundError:
        return "0"


DEFAULT_USER_AGENT = (
    f"tracker/{_package_version()} (+https://github.com/tracker-ci/tracker; changelog crawler)"
)


@dataclass(frozen=True)
class FetchSettings:
    """Limits and politeness of one ``Fetcher``; every field has a safe default."""

    timeout: float = 20.0
    """Seconds allowed for one attempt: connect, response headers and the whole body, on one wall clock."""
    crawl_budget: float = 1800.0
    """Seconds one crawl may spend fetching, all sources and retries together; what is not
    fetched by then fails with a clear error, so a server that never hangs up cannot stall the run."""
    max_bytes: int = 20_000_000
    """Size cap, applied to both the bytes on the wire and the decompressed body."""
    max_retries: int = 3
    """Extra attempts after a 429, a 5xx, a timeout or a dropped connection."""
    backoff_base: float = 0.5
    """First backoff delay in seconds; doubles on every retry, with jitter."""
    backoff_max: float = 60.0
    """Upper bound of any wait, including a server's Retry-After."""
    max_connections: int = 16
    """Requests in flight at once, all hosts together."""
    per_host: int = 4
    """Requests in flight at once to one host."""
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    respect_robots: bool = True
    allow_private_redirects: bool = False
    """Allow redirects to loopback, private or unresolvable hosts (from a public URL, or to another host)."""
    allow_link_local: bool = False
    """Allow link-local and cloud metadata addresses (169.254.0.0/16, fd00:ec2::254, 100.100.100.200)
    as sources, redirect targets and webhooks."""
    github_token: str = ""
    """Sent as ``Authorization: Bearer ...`` to https://api.github.com only."""

    def __post_init__(self) -> None:
        problems = [
            name
            for name, ok in (
                ("timeout", 0 < self.timeout < math.inf),
                ("crawl_budget", 0 < self.crawl_budget < math.inf),
                ("max_bytes", self.max_bytes > 0),
                ("max_retries", self.max_retries >= 0),
                ("backoff_base", self.backoff_base >= 0),
                ("backoff_max", self.backoff_max >= 0),
                ("max_connections", self.max_connections >= 1),
                ("per_host", self.per_host >= 1),
                ("max_redirects", self.max_redirects >= 0),
            )
            if not ok
        ]
        if problems:
            raise ConfigError(
                f"fetch setting {', '.join(problems)} is out of range "
                "(timeout and crawl_budget must be positive and finite, max_bytes, max_connections and "
                "per_host positive, the rest not negative); "
                "fix it in config.toml"
            )


@dataclass(frozen=True)
class Validators:
    """Cache validators from a previous fetch, sent back as a conditional request."""

    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True)
class FetchResult:
    """One fetched URL. ``not_modified`` results carry no content."""

    url: str
    """The URL that was asked for."""
    final_url: str
    """The URL that answered, after redirects."""
    status: int
    content: bytes
    content_type: str
    etag: str
    last_modified: str
    not_modified: bool
    link_next: str = ""
    """Absolute URL of the next page from a ``Link: <...>; rel="next"`` header."""

    @property
    def validators(self) -> Validators:
        """The validators to store and send with the next fetch of ``url``."""
        return Validators(etag=self.etag, last_modified=self.last_modified)
