"""The value types that cross layers: what the catalog offers the matcher (`Mention`), what the
matcher finds (`FeatureDef`, `Link`), what metrics and reports read back (`MentionRow`), and
what a source remembers between fetches (`FetchState`).

Every layer may import this module; it imports nothing of the tracker's own, so the
catalog, the matcher and the metrics depend on it rather than on one another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

# Where a feature comes from.
TAXONOMY = "taxonomy"  # a curated capability of the taxonomy
DISCOVERED = "discovered"  # a phrase several parties announced, found by discovery

# The section given to the paragraphs that open a release and list its changes (a recap).
SUMMARY_SECTION = "Summary"

# Integration features: one integration capability (tracing, provider, ...) with one target (a
# framework, SDK, provider, protocol, ...), keyed `capability@target` ("tracing@langchain") and
# filed under the INTEGRATIONS category, so a report can group them and give each its own lags.
INTEGRATIONS = "integrations"
INTEGRATION_SEPARATOR = "@"


def integration_key(capability: str, target: str) -> str:
    """The feature key of an integration: `integration_key("tracing", "langchain") == "tracing@langchain"`."""
    return f"{capability}{INTEGRATION_SEPARATOR}{target}"


def split_integration_key(key: str) -> tuple[str, str] | None:
    """`("tracing", "langchain")` for an integration feature key, None for any other feature."""
    capability, sep, target = key.partition(INTEGRATION_SEPARATOR)
    return (capability, target) if sep and capability and target else None


# A mention's role in a feature.
NATIVE = "native"  # the party ships the capability itself
SUPPORT = "support"  # the party adds support for, instruments or wraps another party's capability


@dataclass(frozen=True, slots=True)
class Mention:
    """One catalog entry offered to the matcher: a changelog line with its release and party."""

    entry_id: int
    party: str
    party_kind: str  # "vendor" | "incumbent" | "startup" | "oss"
    category: str  # the source's market category ("llm-api", "gateway", ...)
    source_url: str
    version: str
    date: dt.date
    date_estimated: bool  # the release had no date; `date` is when the entry was first seen
    kind: str  # EntryKind value: feature, fix, breaking, security, docs, chore, deps, other
    section: str
    text: str  # cleaned line
    context: str  # parent bullet or post title
    scope: str  # conventional-commit / service scope
    raw: str  # the line as written
    line: int


@dataclass(frozen=True, slots=True)
class FeatureDef:
    """A capability: curated in the taxonomy, or discovered from phrases shared by parties."""

    key: str
    name: str
    definition: str
    category: str
    origin: str  # TAXONOMY | DISCOVERED


@dataclass(frozen=True, slots=True)
class Link:
    """Evidence that an entry mentions a feature; `rule` names the alias, pattern or phrase."""

    entry_id: int
    feature_key: str
    rule: str
    score: float
    role: str = NATIVE  # NATIVE | SUPPORT
    target: str = ""  # for SUPPORT: whose capability or which framework it integrates, when the line names it
    announces: bool = True  # False: the line mentions the capability but does not announce it (fix, tweak)


class MentionRow(NamedTuple):
    """One linked entry as stored, with everything a timeline, an export or a page needs.

    A named tuple, not a frozen dataclass: a report reads thousands of them, and a tuple is as
    immutable and several times cheaper to make."""

    feature_key: str
    entry_id: int
    party: str
    party_kind: str
    party_category: str
    source_url: str  # the document the line is in
    release_url: str
    version: str
    date: dt.date
    date_estimated: bool
    text: str  # cleaned
    raw: str  # the changelog line as written
    line: int
    kind: str
    rule: str
    detected_at: str
    role: str = NATIVE  # NATIVE | SUPPORT
    target: str = ""
    announces: bool = True


@dataclass(frozen=True, slots=True)
class FetchState:
    """What the catalog remembers of one URL of a source, for conditional requests."""

    url: str
    content_hash: str = ""
    etag: str = ""
    last_modified: str = ""
