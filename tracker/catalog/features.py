"""Catalog side of matching: offer entries to the matcher, save what it found, read it back.

Links are saved as a diff against what is stored, so every link keeps the time the
tracker first detected it; that is what "new copies since the last run" is made of.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from tracker.catalog.db import rows
from tracker.model import FeatureDef, Link, Mention, MentionRow

_MENTION_SQL = """
SELECT e.id AS entry_id, p.name AS party, p.kind AS party_kind, p.category, e.document_url AS source_url, r.version,
       e.date, e.date_estimated, e.kind, e.section, e.text, e.context, e.scope, e.raw, e.line
FROM entry e JOIN party p ON p.id = e.party_id JOIN release r ON r.id = e.release_id
"""


def mentions(conn: sqlite3.Connection, *, after_id: int = 0, changed: bool = False) -> list[Mention]:
    """Entries with id > `after_id` (and, with `changed`, entries updated since the matcher saw them)."""
    where = " WHERE e.id > ?" + (" OR e.id IN (SELECT entry_id FROM entry_change)" if changed else "")
    return [
        Mention(**{**r, "date": dt.date.fromisoformat(r["date"]), "date_estimated": bool(r["date_estimated"])})
        for r in rows(conn, _MENTION_SQL + where + " ORDER BY e.id", (after_id,))
    ]


def changed_entry_ids(conn: sqlite3.Connection) -> list[int]:
    return [r[0] for r in conn.execute("SELECT entry_id FROM entry_change ORDER BY entry_id")]


def max_entry_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM entry").fetchone()[0])


@dataclass(frozen=True, slots=True)
class StoredState:
    state_json: str
    taxonomy_hash: str
    last_entry_id: int


def load_state(conn: sqlite3.Connection) -> StoredState | None:
    row = conn.execute("SELECT state, taxonomy_hash, last_entry_id FROM match_state WHERE id = 1").fetchone()
    return StoredState(*row) if row else None


@dataclass(frozen=True, slots=True)
class SaveResult:
    new_features: tuple[str, ...]  # feature keys linked for the first time
    new_links: int
    removed_links: int
    new_copies: tuple[tuple[str, str], ...]  # (feature key, party) pairs that appeared in this run


def _party_pairs(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {
        (r[0], r[1])
        for r in conn.execute(
            "SELECT DISTINCT fl.feature_key, p.name FROM feature_link fl JOIN entry e ON e.id = fl.entry_id "
            "JOIN party p ON p.id = e.party_id"
        )
    }


def save_outcome(
    conn: sqlite3.Connection,
    *,
    features: Iterable[FeatureDef],
    links: Iterable[Link],
    state_json: str,
    taxonomy_hash: str,
    last_entry_id: int,
    now: dt.datetime,
    seen_changes: Iterable[int] = (),
) -> SaveResult:
    """Replace the stored features and links with the outcome, keeping first-detection times."""
    stamp = now.isoformat(sep=" ")
    features = list(features)
    wanted = {(link.feature_key, link.entry_id): link for link in links}
    with conn:
        before_keys = {r[0] for r in conn.execute("SELECT DISTINCT feature_key FROM feature_link")}
        before_pairs = _party_pairs(conn)
        stored = {(r[0], r[1]): tuple(r[2:]) for r in conn.execute(
            "SELECT feature_key, entry_id, rule, score, role, target, announces FROM feature_link")}
        gone = stored.keys() - wanted.keys()
        added = [wanted[k] for k in sorted(wanted.keys() - stored.keys())]

        def label(link: Link) -> tuple[str, float, str, str, int]:
            return link.rule, link.score, link.role, link.target, int(link.announces)

        # A link that survives through another rule keeps its detection time but says why it holds now.
        relabelled = [(*label(wanted[k]), *k) for k in sorted(wanted.keys() & stored.keys())
                      if stored[k] != label(wanted[k])]
        linked = {k for k, _ in wanted}
        for f in features:
            if f.key in linked:
                conn.execute(
                    "INSERT INTO feature(key, name, definition, category, origin, detected_at) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET name = excluded.name, definition = excluded.definition, "
                    "category = excluded.category, origin = excluded.origin",
                    (f.key, f.name, f.definition, f.category, f.origin, stamp),
                )
        conn.executemany("DELETE FROM feature_link WHERE feature_key = ? AND entry_id = ?", sorted(gone))
        conn.executemany(
            "UPDATE feature_link SET rule = ?, score = ?, role = ?, target = ?, announces = ? "
            "WHERE feature_key = ? AND entry_id = ?",
            relabelled
        )
        conn.executemany(
            "INSERT INTO feature_link(feature_key, entry_id, rule, score, role, target, announces, detected_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(link.feature_key, link.entry_id, *label(link), stamp) for link in added],
        )
        conn.execute("DELETE FROM feature WHERE key NOT IN (SELECT DISTINCT feature_key FROM feature_link)")
        conn.execute(
            "INSERT INTO match_state(id, state, taxonomy_hash, last_entry_id, updated_at) VALUES (1, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET state = excluded.state, taxonomy_hash = excluded.taxonomy_hash, "
            "last_entry_id = excluded.last_entry_id, updated_at = excluded.updated_at",
            (state_json, taxonomy_hash, last_entry_id, stamp),
        )
        conn.executemany("DELETE FROM entry_change WHERE entry_id = ?", [(i,) for i in seen_changes])
        after_pairs = _party_pairs(conn)
    return SaveResult(
        new_features=tuple(sorted(linked - before_keys)),
        new_links=len(added),
        removed_links=len(gone),
        new_copies=tuple(sorted(after_pairs - before_pairs)),
    )


# --------------------------------------------------------------------------- reading features back


def feature_rows(conn: sqlite3.Connection) -> tuple[list[FeatureDef], list[MentionRow], dict[str, str]]:
    """All stored features, all their linked mentions (date order), and detection times by key."""
    defs = []
    detected = {}
    for r in rows(conn, "SELECT key, name, definition, category, origin, detected_at FROM feature ORDER BY key"):
        defs.append(FeatureDef(r["key"], r["name"], r["definition"], r["category"], r["origin"]))
        detected[r["key"]] = r["detected_at"]
    # positional and by index: the column order is MentionRow's field order (6,839 rows on the corpus)
    fromiso = dt.date.fromisoformat
    mentions = [
        MentionRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], fromiso(r[8]), bool(r[9]), r[10], r[11], r[12],
                   r[13], r[14], r[15], r[16], r[17], bool(r[18]))
        for r in conn.execute(
            """
            SELECT fl.feature_key, e.id AS entry_id, p.name AS party, p.kind AS party_kind,
                   p.category AS party_category, e.document_url AS source_url, r.url AS release_url, r.version,
                   e.date, e.date_estimated, e.text, e.raw, e.line, e.kind, fl.rule, fl.detected_at, fl.role,
                   fl.target, fl.announces
            FROM feature_link fl JOIN entry e ON e.id = fl.entry_id JOIN party p ON p.id = e.party_id
            JOIN release r ON r.id = e.release_id
            ORDER BY fl.feature_key, e.date, e.date_estimated, p.name, e.id
            """
        )
    ]
    return defs, mentions, detected
