"""Idempotent writes of the crawl: parties, sources, fetch state, releases and entries.

Saving the same document twice adds nothing; saving a newer copy adds only what is
new and moves line numbers of entries that shifted. Identity never depends on line
numbers: a release is keyed by its document and version (or date, or title), an entry
by its release, its raw line and its occurrence in that release.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections import Counter
from dataclasses import asdict, dataclass

from tracker.config import PartyConfig, SourceConfig
from tracker.model import FetchState
from tracker.parse.model import ParsedDocument, ParsedRelease

# --------------------------------------------------------------------------- identity


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def release_keys(doc: ParsedDocument) -> list[str]:
    """Stable keys for the releases of one document (duplicates get an occurrence suffix)."""
    seen: Counter[str] = Counter()
    keys = []
    for rel in doc.releases:
        base = _digest(doc.url, rel.version or rel.date_raw or rel.title)
        seen[base] += 1
        keys.append(base if seen[base] == 1 else f"{base}.{seen[base]}")
    return keys


def entry_keys(release_key: str, rel: ParsedRelease) -> list[str]:
    seen: Counter[str] = Counter()
    keys = []
    for entry in rel.entries:
        norm = " ".join(entry.raw.split()).casefold()
        seen[norm] += 1
        keys.append(_digest(release_key, norm, str(seen[norm])))
    return keys


# --------------------------------------------------------------------------- parties and sources


def sync_config(conn: sqlite3.Connection, parties: tuple[PartyConfig, ...]) -> dict[str, tuple[int, int]]:
    """Upsert parties and sources from the config; return {source name: (source_id, party_id)}."""
    ids: dict[str, tuple[int, int]] = {}
    with conn:
        for party in parties:
            conn.execute(
                "INSERT INTO party(name, kind, category, company) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, category = excluded.category, "
                "company = excluded.company",
                (party.name, party.kind, party.category, party.company),
            )
            party_id = conn.execute("SELECT id FROM party WHERE name = ?", (party.name,)).fetchone()[0]
            for source in party.sources:
                conn.execute(
                    "INSERT INTO source(name, party_id, kind, url, options, last_error) VALUES (?, ?, ?, ?, ?, '') "
                    "ON CONFLICT(name) DO UPDATE SET party_id = excluded.party_id, kind = excluded.kind, "
                    "url = excluded.url, options = excluded.options",
                    (source.name, party_id, source.kind, source.url, _options_json(source)),
                )
                source_id = conn.execute("SELECT id FROM source WHERE name = ?", (source.name,)).fetchone()[0]
                ids[source.name] = (source_id, party_id)
    return ids


def _options_json(source: SourceConfig) -> str:
    options = {k: v for k, v in asdict(source).items() if k not in {"name", "kind", "url", "party"}}
    return json.dumps(options, sort_keys=True, default=str)


# --------------------------------------------------------------------------- fetch state


def all_fetch_states(conn: sqlite3.Connection) -> dict[int, dict[str, FetchState]]:
    """Fetch state of every source, read once before a crawl starts."""
    out: dict[int, dict[str, FetchState]] = {}
    for source_id, *state in conn.execute("SELECT source_id, url, content_hash, etag, last_modified FROM fetch"):
        out.setdefault(source_id, {})[state[0]] = FetchState(*state)
    return out


def record_fetch(
    conn: sqlite3.Connection,
    *,
    source_id: int,
    url: str,
    now: dt.datetime,
    status: int,
    outcome: str,
    content_hash: str = "",
    etag: str = "",
    last_modified: str = "",
    size: int = 0,
    error: str = "",
    revision: str = "",
) -> None:
    """Remember the latest answer for `url`; validators survive an error so the next try is still conditional.

    `revision` (the commit the answer is, when known) is kept from the last answer that said one,
    so an offline replay does not forget what an online crawl learnt."""
    conn.execute(
        "INSERT INTO fetch(source_id, url, status, outcome, content_hash, etag, last_modified, bytes, fetched_at, error, "
        "revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(source_id, url) DO UPDATE SET status = excluded.status, outcome = excluded.outcome, "
        "content_hash = CASE WHEN excluded.content_hash != '' THEN excluded.content_hash ELSE fetch.content_hash END, "
        "etag = CASE WHEN excluded.outcome IN ('new', 'unchanged') THEN excluded.etag ELSE fetch.etag END, "
        "last_modified = CASE WHEN excluded.outcome IN ('new', 'unchanged') THEN excluded.last_modified "
        "ELSE fetch.last_modified END, bytes = excluded.bytes, fetched_at = excluded.fetched_at, error = excluded.error, "
        "revision = CASE WHEN excluded.revision != '' THEN excluded.revision ELSE fetch.revision END",
        (source_id, url, status, outcome, content_hash, etag, last_modified, size, _ts(now), error, revision),
    )


def record_source_success(conn: sqlite3.Connection, source_id: int, now: dt.datetime, warning: str = "") -> None:
    """The source was read: it is not failing any more; `warning` is what was odd about it ("" when nothing)."""
    conn.execute(
        "UPDATE source SET last_success_at = ?, last_error = '', last_warning = ?, failing_since = NULL WHERE id = ?",
        (_ts(now), warning, source_id),
    )


def record_source_error(conn: sqlite3.Connection, source_id: int, now: dt.datetime, message: str) -> None:
    conn.execute(
        "UPDATE source SET last_error = ?, last_error_at = ?, failing_since = COALESCE(failing_since, ?) WHERE id = ?",
        (message, _ts(now), _ts(now), source_id),
    )


# --------------------------------------------------------------------------- releases and entries


@dataclass(frozen=True, slots=True)
class SaveCounts:
    new_releases: int = 0
    new_entries: int = 0
    updated_entries: int = 0

    def __add__(self, other: SaveCounts) -> SaveCounts:
        return SaveCounts(
            self.new_releases + other.new_releases,
            self.new_entries + other.new_entries,
            self.updated_entries + other.updated_entries,
        )


def _ts(value: dt.datetime) -> str:
    return value.isoformat(sep=" ")


_ENTRY_COLUMNS = ("text", "raw", "line", "section", "kind", "scope", "context")
_LINE = _ENTRY_COLUMNS.index("line")


def _matters(new: tuple[object, ...], old: tuple[object, ...]) -> bool:
    """True when an update changes more than the line number (new ends with the entry id)."""
    return any(a != b for i, (a, b) in enumerate(zip(new[:-1], old, strict=True)) if i != _LINE)


def save_document(
    conn: sqlite3.Connection, *, source_id: int, party_id: int, doc: ParsedDocument, now: dt.datetime
) -> SaveCounts:
    """Upsert one parsed document's releases and entries. The caller owns the transaction."""
    today = now.date().isoformat()
    stamp = _ts(now)
    releases = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT key, id, date, date_raw, date_precision, date_source, line, title, url FROM release "
            "WHERE source_id = ? AND document_url = ?",
            (source_id, doc.url),
        )
    }
    entries = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT key, id, text, raw, line, section, kind, scope, context, date, date_estimated "
            "FROM entry WHERE source_id = ? AND document_url = ?",
            (source_id, doc.url),
        )
    }
    new_releases = new_entries = updated = 0
    inserts: list[tuple[object, ...]] = []
    updates: list[tuple[object, ...]] = []
    updated_before: list[tuple[object, ...]] = []
    for rkey, rel in zip(release_keys(doc), doc.releases, strict=True):
        date = rel.date.isoformat() if rel.date else None
        known = releases.get(rkey)
        if known is None:
            cur = conn.execute(
                "INSERT INTO release(source_id, party_id, document_url, key, version, date, date_raw, date_precision, "
                "date_source, title, url, line, first_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (source_id, party_id, doc.url, rkey, rel.version, date, rel.date_raw, str(rel.date_precision),
                 str(rel.date_source), rel.title, rel.url, rel.line, stamp),
            )
            release_id = int(cur.lastrowid or 0)
            new_releases += 1
        else:
            release_id = known[0]
            parsed = (date, rel.date_raw, str(rel.date_precision), str(rel.date_source), rel.line, rel.title, rel.url)
            if tuple(known[1:]) != parsed:
                conn.execute(
                    "UPDATE release SET date = ?, date_raw = ?, date_precision = ?, date_source = ?, line = ?, "
                    "title = ?, url = ? WHERE id = ?",
                    (date, rel.date_raw, str(rel.date_precision), str(rel.date_source), rel.line, rel.title,
                     rel.url, release_id),
                )
        for ekey, entry in zip(entry_keys(rkey, rel), rel.entries, strict=True):
            values = (entry.text, entry.raw, entry.line, entry.section, str(entry.kind), entry.scope, entry.context)
            old = entries.get(ekey)
            if old is None:
                inserts.append(
                    (release_id, source_id, party_id, doc.url, ekey, *values,
                     date or today, date is None, stamp)
                )
                new_entries += 1
                continue
            entry_id, *old_values, old_date, old_estimated = old
            new_date, new_estimated = (date, False) if date else (old_date, bool(old_estimated))
            if tuple(old_values) != values or (old_date, bool(old_estimated)) != (new_date, new_estimated):
                updates.append((*values, new_date, new_estimated, entry_id))
                updated_before.append((*old_values, old_date, bool(old_estimated)))
                updated += 1
    if inserts:
        last_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM entry").fetchone()[0]
        conn.executemany(
            "INSERT INTO entry(release_id, source_id, party_id, document_url, key, text, raw, line, section, kind, "
            "scope, context, date, date_estimated, first_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            inserts,
        )
        conn.execute(
            "INSERT INTO entry_fts(rowid, text, section, scope) SELECT id, text, section, scope FROM entry WHERE id > ?",
            (last_id,),
        )
    if updates:
        conn.executemany(
            "UPDATE entry SET text = ?, raw = ?, line = ?, section = ?, kind = ?, scope = ?, context = ?, "
            "date = ?, date_estimated = ? WHERE id = ?",
            updates,
        )
        # Only a change the matcher reads makes it look again (a moved line number does not).
        changed = [(u[-1],) for u, old in zip(updates, updated_before, strict=True) if _matters(u, old)]
        conn.executemany("INSERT OR IGNORE INTO entry_change(entry_id) VALUES (?)", changed)
    return SaveCounts(new_releases, new_entries, updated)
