"""`tracker search`: full-text search over changelog entries, ranked by bm25.

Users type words and phrases; `fts_query` turns them into a safe FTS5 query (every
word quoted, so `gpt-4o` or `c++` never trips the FTS5 parser). Several plain words
also ask for the exact phrase, which lifts lines that say "prompt caching" above lines
where the two words stand far apart. Advanced syntax is kept when it is clearly meant:
upper-case OR / AND / NOT, NEAR(...), "quoted phrases", prefix*, ^initial,
column:term (text, section, scope) and parentheses.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from tracker.catalog.db import rows
from tracker.catalog.limits import time_limit
from tracker.errors import QueryError, UsageError
from tracker.evidence import evidence_url
from tracker.parse.model import EntryKind

KINDS = tuple(k.value for k in EntryKind)
COLUMNS = ("text", "section", "scope")
# bm25 weights of the FTS columns: the entry text matters most.
WEIGHTS = (1.0, 0.2, 0.5)
MAX_LIMIT = 1000
MAX_QUERY_CHARS = 1000  # what a person types; longer is a paste or an attack on the FTS planner
MAX_TERMS = 40  # words and prefixes: each one is a posting-list scan
DEFAULT_TIMEOUT = 5.0  # seconds
_OPEN, _CLOSE = "\x02", "\x03"

_TOKEN = re.compile(r'"(?:[^"]|"")*"?|[(),]|[^\s"(),]+')
_OPERATORS = frozenset({"OR", "AND", "NOT"})
_COLUMN = re.compile(rf"^({'|'.join(COLUMNS)}):(.*)$", re.IGNORECASE)
_WORDLIKE = re.compile(r"\w")
_CLOSED_PHRASE = re.compile(r'"(?:[^"]|"")*"')


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _words(text: str) -> list[str]:
    return [w for w in text.split() if _WORDLIKE.search(w)]


def fts_query(text: str) -> str:
    """Turn what a user typed into an FTS5 MATCH expression."""
    if len(text) > MAX_QUERY_CHARS:
        raise UsageError(f"the search is {len(text):,} characters long; use at most {MAX_QUERY_CHARS:,}")
    tokens = _TOKEN.findall(text.strip())
    if not any(_WORDLIKE.search(t) for t in tokens):
        raise UsageError(f"the search {text[:80]!r} has no words to look for; try e.g. tracker search \"prompt caching\"")
    terms = sum(1 for t in tokens if _WORDLIKE.search(t) and t not in _OPERATORS and t != "NEAR")
    if terms > MAX_TERMS:
        raise UsageError(f"the search has {terms} words; use at most {MAX_TERMS} (fewer, more specific words rank better)")
    if not _is_advanced(tokens):
        words = _words(" ".join(tokens))
        quoted = [_quote(w) for w in words]
        if len(quoted) == 1:
            return quoted[0]
        # The phrase adds its own bm25 term, so adjacent words outrank scattered ones.
        return f'{_quote(" ".join(words))} OR ({" AND ".join(quoted)})'
    return " ".join(_advanced_tokens(tokens, text))


def _is_advanced(tokens: list[str]) -> bool:
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in _OPERATORS or token.startswith('"') or token in ("(", ")"):
            return True
        if token == "NEAR" and nxt == "(":
            return True
        if len(token) > 1 and (token.endswith("*") or token.startswith("^")):
            return True
        if _COLUMN.match(token):
            return True
    return False


def _advanced_tokens(tokens: list[str], text: str) -> list[str]:
    out: list[str] = []
    for i, token in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token.startswith('"'):
            if not _CLOSED_PHRASE.fullmatch(token):
                raise QueryError(f"the search {text!r} has an unclosed double quote; close the phrase with \"")
            out.append(token)
        elif token in _OPERATORS or token in ("(", ")", ","):
            out.append(token)
        elif token == "NEAR" and nxt == "(":
            out.append(token)
        elif token.isdigit() and prev == ",":
            out.append(token)  # the distance argument of NEAR(a b, 5)
        elif m := _COLUMN.match(token):
            out.append(f"{m[1].lower()} :")
            if m[2]:
                out.append(_term(m[2]))
        elif _WORDLIKE.search(token):
            out.append(_term(token))
    return out


def _term(token: str) -> str:
    initial = token.startswith("^")
    prefix = token.endswith("*")
    word = token.strip("^*")
    if not _WORDLIKE.search(word):
        return ""
    return ("^" if initial else "") + _quote(word) + ("*" if prefix else "")


# --------------------------------------------------------------------------- running a search


@dataclass(frozen=True, slots=True)
class SearchHit:
    entry_id: int
    party: str
    source: str
    date: dt.date
    date_estimated: bool  # the date is when the crawler first saw the entry, not a published one
    version: str
    kind: str
    section: str
    text: str  # the cleaned entry text
    matches: tuple[tuple[int, int], ...]  # [start, end) character spans of `text` that matched
    snippet: str
    snippet_matches: tuple[tuple[int, int], ...]
    link: str  # evidence_url: the line in its source
    score: float  # bm25: lower is better


def unmark(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Split text marked by highlight()/snippet() into plain text and match spans."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for part in re.split(f"([{_OPEN}{_CLOSE}])", marked):
        if part == _OPEN:
            start = length
        elif part == _CLOSE:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            plain.append(part)
            length += len(part)
    return "".join(plain), tuple(spans)


def _resolve_party(conn: sqlite3.Connection, party: str) -> int:
    names = {r[1].casefold(): r[0] for r in conn.execute("SELECT id, name FROM party")}
    if party.casefold() not in names:
        known = ", ".join(sorted(r[0] for r in conn.execute("SELECT name FROM party"))) or "none yet"
        raise UsageError(f"unknown party {party!r}; known parties: {known}")
    return int(names[party.casefold()])


def _check_kind(kind: str) -> str:
    if kind.lower() not in KINDS:
        raise UsageError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    return kind.lower()


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    party: str | None = None,
    kind: str | None = None,
    since: dt.date | None = None,
    limit: int = 20,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> list[SearchHit]:
    """The best `limit` entries for `query` (bm25), newest first among equals, within `timeout` seconds."""
    if not 1 <= limit <= MAX_LIMIT:
        raise UsageError(f"--limit {limit} is out of range; use a number from 1 to {MAX_LIMIT}")
    match = fts_query(query)
    where = ["entry_fts MATCH :q"]
    params: dict[str, object] = {"q": match, "limit": limit}
    if party is not None:
        where.append("e.party_id = :party")
        params["party"] = _resolve_party(conn, party)
    if kind is not None:
        where.append("e.kind = :kind")
        params["kind"] = _check_kind(kind)
    if since is not None:
        where.append("e.date >= :since")
        params["since"] = since.isoformat()
    weights = ", ".join(str(w) for w in WEIGHTS)
    # Rank first on the bare index, then mark up only the rows that are shown.
    join = " JOIN entry e ON e.id = entry_fts.rowid" if len(where) > 1 else ""
    ranked = (
        f"SELECT entry_fts.rowid AS id, bm25(entry_fts, {weights}) AS score FROM entry_fts{join} "
        f"WHERE {' AND '.join(where)} ORDER BY score LIMIT :limit"
    )
    sql = f"""
        WITH top AS MATERIALIZED ({ranked})
        SELECT e.id AS entry_id, p.name AS party, s.name AS source, e.date, e.date_estimated, r.version, e.kind,
               e.section, e.text, highlight(entry_fts, 0, char(2), char(3)) AS marked,
               snippet(entry_fts, 0, char(2), char(3), '…', 24) AS marked_snippet,
               e.document_url, e.line, r.url AS release_url, top.score
        FROM top JOIN entry_fts ON entry_fts.rowid = top.id
        JOIN entry e ON e.id = top.id JOIN party p ON p.id = e.party_id
        JOIN source s ON s.id = e.source_id JOIN release r ON r.id = e.release_id
        WHERE entry_fts MATCH :q
        ORDER BY top.score, e.date DESC, e.id
    """
    try:
        with time_limit(conn, timeout, what="the search",
                        hint="use fewer or more specific words, or pass --timeout SECONDS"):
            found = list(rows(conn, sql, params))
    except sqlite3.OperationalError as error:  # the FTS5 parser's complaint; the query text is the user's
        raise QueryError(
            f"cannot search for {query[:80]!r}: {str(error).removeprefix('fts5: ')}; use plain words, "
            "\"a phrase\", a OR b, NEAR(a b, 5) or prefix*"
        ) from None
    return [_hit(r) for r in found]


def _hit(r: dict[str, Any]) -> SearchHit:
    text: str = r["text"]
    plain, spans = unmark(r["marked"] or "")
    if plain != text:
        spans = ()
    snippet, snippet_spans = unmark(r["marked_snippet"] or "")
    return SearchHit(
        entry_id=r["entry_id"], party=r["party"], source=r["source"], date=dt.date.fromisoformat(r["date"]),
        date_estimated=bool(r["date_estimated"]), version=r["version"] or "", kind=r["kind"],
        section=r["section"] or "", text=text, matches=spans, snippet=snippet, snippet_matches=snippet_spans,
        link=evidence_url(r["document_url"], r["line"], r["release_url"] or ""), score=float(r["score"]),
    )


def hit_record(hit: SearchHit) -> dict[str, object]:
    """The JSON shape of one hit: plain text plus the spans that matched."""
    return {
        "party": hit.party, "source": hit.source, "date": hit.date.isoformat(), "date_estimated": hit.date_estimated,
        "version": hit.version, "kind": hit.kind, "section": hit.section, "text": hit.text,
        "matches": [list(s) for s in hit.matches], "snippet": hit.snippet,
        "snippet_matches": [list(s) for s in hit.snippet_matches], "link": hit.link,
        "score": round(hit.score, 4), "entry_id": hit.entry_id,
    }
