"""`tracker search`: query building, bm25 ranking with the phrase boost, filters, errors, output."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import fixed_clock, party, source
from dailykit import DAILY, cli
from tracker import pipeline
from tracker.config import Settings
from tracker.errors import QueryError, UsageError
from tracker.catalog.search import fts_query, search, unmark
from tracker.catalog.db import open_connection as open_readonly


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("search")
    settings = Settings(db_path=folder / "catalog.db", mirror=DAILY / "search", parties=(
        party("Acme", source("acme", "https://acme.test/CHANGELOG.md")),
        party("Bolt", source("bolt", "https://bolt.test/CHANGELOG.md"), kind="incumbent"),
    ))
    summary = pipeline.run_crawl(settings, now=fixed_clock())
    assert summary.new_entries == 8
    config = folder / "config.toml"
    config.write_text(f'[tracker]\ndb = "{settings.db_path.as_posix()}"\n', encoding="utf-8")
    return settings.db_path


@pytest.fixture
def conn(catalog: Path) -> Iterator[sqlite3.Connection]:
    connection = open_readonly(catalog)
    yield connection
    connection.close()


@pytest.mark.parametrize(
    ("typed", "fts"),
    [
        ("caching", '"caching"'),
        ("prompt caching", '"prompt caching" OR ("prompt" AND "caching")'),
        ("gpt-4o c++", '"gpt-4o c++" OR ("gpt-4o" AND "c++")'),
        ("prompt or batch", '"prompt or batch" OR ("prompt" AND "or" AND "batch")'),  # lower-case "or" is a word
        ("prompt OR batch", '"prompt" OR "batch"'),
        ('"prompt cache" gpt-4o', '"prompt cache" "gpt-4o"'),
        ("cach* NOT embeddings", '"cach"* NOT "embeddings"'),
        ("NEAR(prompt caching, 2)", 'NEAR ( "prompt" "caching" , 2 )'),
        ("section:fixes prompt", 'section : "fixes" "prompt"'),
        ("^prompt", '^"prompt"'),
    ],
)
def test_what_users_type_becomes_a_safe_fts_query(typed: str, fts: str) -> None:
    assert fts_query(typed) == fts


def test_a_phrase_ranks_above_the_same_words_far_apart(conn: sqlite3.Connection) -> None:
    hits = search(conn, "prompt caching")
    texts = [h.text for h in hits]
    apart = "prompt editor gains caching for gateway models"
    assert texts[-1] == apart and len(texts) == 4
    assert "add prompt caching to the gateway for all hosted models" in texts[:3]
    # Without the phrase, plain bm25 puts the shorter line with the words apart first.
    plain = conn.execute("SELECT e.text FROM entry_fts JOIN entry e ON e.id = entry_fts.rowid "
                         "WHERE entry_fts MATCH '\"prompt\" AND \"caching\"' ORDER BY bm25(entry_fts)").fetchall()
    assert plain[0][0] == apart
    assert [h.score for h in hits] == sorted(h.score for h in hits)


def test_hits_carry_party_date_version_link_and_match_spans(conn: sqlite3.Connection) -> None:
    (hit,) = search(conn, "gpt-4o")
    assert (hit.party, hit.source, hit.date.isoformat(), hit.version, hit.kind) == (
        "Acme", "acme", "2025-12-01", "1.0.0", "feature")
    assert hit.link == "https://acme.test/CHANGELOG.md" and not hit.date_estimated
    assert [hit.text[s:e] for s, e in hit.matches] == ["gpt-4o"]
    (bolt,) = search(conn, "hits")
    assert bolt.date_estimated and bolt.version == "3.0.0"  # undated release: first-seen date, flagged
    stems = search(conn, "cached")  # porter: cached ~ cache ~ caching
    assert len(stems) == 5 and all(h.text[s:e].lower().startswith("cach") for h in stems for s, e in h.matches)


def test_filters_by_party_kind_since_and_limit(conn: sqlite3.Connection) -> None:
    assert {h.party for h in search(conn, "prompt", party="bolt")} == {"Bolt"}
    assert [h.text for h in search(conn, "prompt caching", kind="fix")] == [
        "fix prompt caching when the system message changes"]
    assert {h.date.isoformat() for h in search(conn, "caching", since=dt.date(2026, 1, 1))} == {
        "2026-05-01", "2026-11-29"}
    assert len(search(conn, "caching", limit=2)) == 2


def test_advanced_syntax_works_when_clearly_meant(conn: sqlite3.Connection) -> None:
    assert {h.text for h in search(conn, "batch OR embeddings")} == {
        "Added a batch API for offline jobs", "caching layer for embeddings"}
    assert len(search(conn, "NEAR(prompt caching, 0)")) == 3
    assert len(search(conn, "NEAR(prompt caching, 5)")) == 4
    assert {h.text for h in search(conn, "cach* NOT prompt")} == {"caching layer for embeddings"}
    assert len(search(conn, '"prompt cache"')) == 3


@pytest.mark.parametrize("query", ["NEAR(prompt", '"unclosed phrase', "prompt AND", "OR", "nosuchcolumn:x ("])
def test_an_invalid_fts_query_is_one_query_error(conn: sqlite3.Connection, query: str) -> None:
    with pytest.raises(QueryError) as info:
        search(conn, query)
    assert "\n" not in str(info.value) and repr(query) in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [({"party": "Zed"}, "unknown party 'Zed'; known parties: Acme, Bolt"),
     ({"kind": "feat"}, "unknown kind 'feat'; use one of: feature, fix"),
     ({"limit": 0}, "--limit 0 is out of range")],
)
def test_bad_filters_are_usage_errors(conn: sqlite3.Connection, kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(UsageError, match=needle.replace("(", r"\(")):
        search(conn, "prompt", **kwargs)  # type: ignore[arg-type]


def test_a_query_without_words_is_a_usage_error(conn: sqlite3.Connection) -> None:
    with pytest.raises(UsageError, match="has no words"):
        search(conn, " -- !! ")


def test_unmark_turns_markers_into_spans() -> None:
    assert unmark("a \x02bc\x03 d \x02e\x03") == ("a bc d e", ((2, 4), (7, 8)))


def cli_args(catalog: Path, *args: str) -> list[str]:
    return ["--config", str(catalog.parent / "config.toml"), *args]


def test_cli_json_gives_plain_text_and_spans(catalog: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(capsys, *cli_args(catalog, "search", "prompt caching", "--json", "--limit", "2"))
    hits = json.loads(out)
    assert code == 0 and len(hits) == 2
    for hit in hits:
        assert set(hit) >= {"party", "date", "date_estimated", "version", "text", "matches", "snippet", "link"}
        assert all(hit["text"][s:e].lower().startswith("prompt") for s, e in hit["matches"])
        assert "\x02" not in hit["text"] + hit["snippet"]


def test_cli_terminal_output_never_reads_scraped_text_as_markup(catalog: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(capsys, *cli_args(catalog, "search", "markup"))
    assert code == 0 and "support [bold]rich[/bold] markup in exported logs" in out
    code, out, _ = cli(capsys, *cli_args(catalog, "search", "hits"))
    assert "Bolt · 2026-11-29 (date estimated) · 3.0.0 · feature" in out and "https://bolt.test/CHANGELOG.md" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--since", "yesterday"], "--since 'yesterday' is not a date"),
     (["--party", "zed"], "unknown party 'zed'"),
     (["--kind", "nope"], "unknown kind 'nope'")],
)
def test_cli_bad_options_are_one_line(catalog: Path, capsys, args: list[str], needle: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(capsys, *cli_args(catalog, "search", "prompt", *args))
    assert code == 2 and needle in err and err.count("\n") == 1


def test_cli_invalid_query_is_one_line(catalog: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(capsys, *cli_args(catalog, "search", "NEAR(prompt"))
    assert code == 2 and err.startswith("error: cannot search for 'NEAR(prompt'") and err.count("\n") == 1
