"""SQLModel tables of the catalog: what was crawled, what it said, and what matched.

    party ─< source ─< fetch            (latest state of every URL a source reads)
                    ─< release ─< entry ─< feature_link >─ feature
                                      └─ entry_change   (updated entries the matcher has not seen)
    run ─< run_source                   (one row per source per crawl or daily run: outcome, error)

The schema is documented for users in the README; `entry_fts` (FTS5 over entry text)
is created by `catalog.schema` next to these tables and kept in sync by triggers. These
classes describe the newest schema; `catalog.migrations` brings older catalogs up to it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Party(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    kind: str  # startup | incumbent | vendor | oss
    category: str
    company: str = Field(default="", sa_column_kwargs={"server_default": ""})  # the company behind the party, when it has several product lines


class Source(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    party_id: int = Field(foreign_key="party.id", index=True)
    kind: str
    url: str
    options: str = "{}"  # JSON of the source's options as configured
    last_success_at: dt.datetime | None = None
    last_error: str = ""
    last_error_at: dt.datetime | None = None
    failing_since: dt.datetime | None = None
    last_warning: str = Field(default="", sa_column_kwargs={"server_default": ""})  # what the last successful fetch warned about (no releases found, ...)


class Fetch(SQLModel, table=True):
    """The latest fetch of one URL of a source: validators for conditional requests."""

    __table_args__ = (UniqueConstraint("source_id", "url"),)
    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id")
    url: str
    status: int = 0  # HTTP status of the last answer (304 for not modified), 0 when none
    outcome: str = ""  # new | unchanged | not-modified | error
    content_hash: str = ""
    etag: str = ""
    last_modified: str = ""
    bytes: int = 0
    fetched_at: dt.datetime | None = None
    error: str = ""
    revision: str = Field(default="", sa_column_kwargs={"server_default": ""})  # the commit or blob the answer was (git sha, when the server says), for stable links


class Release(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("source_id", "key"),
        Index("ix_release_party_date", "party_id", "date"),
        Index("ix_release_document", "source_id", "document_url"),
    )
    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id")
    party_id: int = Field(foreign_key="party.id")
    document_url: str  # the file, feed or page the release was read from
    key: str  # stable identity within the source: survives line shifts
    version: str = ""
    date: dt.date | None = None
    date_raw: str = ""
    date_precision: str = ""  # day | month | year | "" (undated)
    title: str = ""
    url: str = ""  # the release's own link, when the source gives one
    line: int = 0
    first_seen_at: dt.datetime
    date_source: str = Field(default="", sa_column_kwargs={"server_default": ""})  # header | tag | front-matter | path | feed | ""


class Entry(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("source_id", "key"),
        Index("ix_entry_party_date", "party_id", "date"),
        Index("ix_entry_release", "release_id"),
        Index("ix_entry_document", "source_id", "document_url"),
        Index("ix_entry_kind", "kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    release_id: int = Field(foreign_key="release.id")
    source_id: int = Field(foreign_key="source.id")
    party_id: int = Field(foreign_key="party.id")
    document_url: str
    key: str
    text: str  # cleaned text
    raw: str  # the line as it stands in the source document
    line: int  # 1-based line number in the source document
    section: str = ""
    kind: str = "other"
    scope: str = ""
    context: str = ""
    date: dt.date  # the release date, or the day the crawler first saw an undated entry
    date_estimated: bool = False  # True when `date` is a first-seen date, not a published one
    first_seen_at: dt.datetime


class EntryChange(SQLModel, table=True):
    """Entries whose text, date or context changed since the matcher last saw them."""

    __tablename__ = "entry_change"
    entry_id: int = Field(primary_key=True)


class Run(SQLModel, table=True):
    """One `tracker crawl` or `tracker run` (daily job)."""

    __tablename__ = "run"
    id: int | None = Field(default=None, primary_key=True)
    command: str = "crawl"  # crawl | run
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    outcome: str = "running"  # running | ok | partial | failed | interrupted
    sources_ok: int = 0
    sources_failed: int = 0
    new_releases: int = 0
    new_entries: int = 0
    new_features: int = 0
    new_copies: int = 0
    report_path: str = ""
    message: str = ""
    sources_skipped: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})  # not fetched on purpose: offline (not in the mirror), disabled
    headline: str = Field(default="", sa_column_kwargs={"server_default": ""})  # JSON of the run's headline figures, so the next digest can say what changed


class RunSource(SQLModel, table=True):
    __tablename__ = "run_source"
    __table_args__ = (UniqueConstraint("run_id", "source_id"),)
    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="run.id", index=True)
    source_id: int = Field(foreign_key="source.id")
    outcome: str  # new | unchanged | error | skipped
    new_releases: int = 0
    new_entries: int = 0
    error: str = ""
    error_category: str = ""


class Feature(SQLModel, table=True):
    key: str = Field(primary_key=True)
    name: str
    definition: str = ""
    category: str = ""
    origin: str = "taxonomy"  # taxonomy | discovered
    detected_at: dt.datetime  # when the tracker first linked a mention to it


class FeatureLink(SQLModel, table=True):
    __tablename__ = "feature_link"
    feature_key: str = Field(foreign_key="feature.key", primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", primary_key=True, index=True)
    rule: str = ""
    score: float = 1.0
    detected_at: dt.datetime
    role: str = Field(default="native", sa_column_kwargs={"server_default": "native"})  # native: the party ships the capability | support: it integrates another's
    target: str = Field(default="", sa_column_kwargs={"server_default": ""})  # for support links: whose capability or which framework it integrates, when named
    # False for a line that mentions the capability without announcing it (a fix, a tweak, a later
    # extension): it shows the party has the capability but cannot date its arrival.
    announces: bool = Field(default=True, sa_column_kwargs={"server_default": text("1")})


class MatchStateRow(SQLModel, table=True):
    __tablename__ = "match_state"
    id: int = Field(default=1, primary_key=True)
    state: str = "{}"
    taxonomy_hash: str = ""
    last_entry_id: int = 0  # entries above this id have not been offered to the matcher yet
    updated_at: dt.datetime | None = None
