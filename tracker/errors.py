"""The tracker's exception vocabulary.

Library code raises these; the CLI turns any ``TrackerError`` into one sentence
that names the thing and the fix. Nothing else is allowed to reach the user as a
traceback.

    TrackerError
    ├── ConfigError            config.toml or a TRACKER_* variable is wrong
    ├── UsageError             bad command-line input (unknown party, bad date, bad format)
    ├── QueryError             a search or SQL query the catalog refuses
    ├── CatalogError           the SQLite catalog cannot be opened or written
    │   └── CatalogLockedError another crawl holds the run lock
    ├── SourceError            one source failed; recorded on the source, others go on
    │   ├── FetchError         the network half failed
    │   │   ├── NotInMirrorError   --mirror has no file for this URL
    │   │   ├── HttpStatusError    a final 4xx/5xx after retries
    │   │   ├── TooLargeError      the body exceeds the size cap
    │   │   ├── BlockedError       robots.txt or the redirect policy forbids the URL
    │   │   └── TransportError     timeout, reset, DNS, TLS, redirect loop
    │   └── ParseError         the body is not what the source kind expects
    └── ReportError            the report cannot be written
"""

from __future__ import annotations


class TrackerError(Exception):
    """Base class: the message is one sentence a user can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(TrackerError):
    """The configuration file or environment is invalid."""


class UsageError(TrackerError):
    """A command-line argument is invalid."""


class QueryError(TrackerError):
    """A catalog query was refused (bad FTS syntax, a write in `tracker sql`)."""


class CatalogError(TrackerError):
    """The catalog database cannot be opened or written."""


class CatalogLockedError(CatalogError):
    """Another crawl or scheduler holds the run lock."""


class ReportError(TrackerError):
    """The report cannot be rendered or written."""


class SourceError(TrackerError):
    """One source failed. ``category`` is a short machine-readable label."""

    category = "error"

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class FetchError(SourceError):
    category = "fetch"


class NotInMirrorError(FetchError):
    category = "not-in-mirror"


class HttpStatusError(FetchError):
    category = "http"

    def __init__(self, message: str, *, url: str = "", status: int = 0) -> None:
        super().__init__(message, url=url)
        self.status = status


class TooLargeError(FetchError):
    category = "too-large"


class BlockedError(FetchError):
    category = "blocked"


class TransportError(FetchError):
    category = "transport"


class ParseError(SourceError):
    category = "parse"
