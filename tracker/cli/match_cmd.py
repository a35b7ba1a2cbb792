"""`tracker match`, `features`, `feature`, `lag`, `export features` and `eval`."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.app import app, out, parse_day, state
from tracker.cli.crawl_cmd import export_app
from tracker.cli.output import check_format, print_rows, terminal_safe, to_csv, to_json, write_output
from tracker.errors import UsageError

from tracker.model import SUPPORT

if TYPE_CHECKING:
    from tracker.config import Settings
    from tracker.metrics import Timeline
    from tracker.metrics.timeline import Presence


def read_timelines(settings: Settings) -> tuple[list[Timeline], dict[str, str], dt.date]:
    """Every feature's timeline, the party names by lower-case name, and the day the catalog is
    "as of" (its newest published entry; today for an empty catalog). Read-only."""
    from tracker.catalog import db, queries
    from tracker.catalog.features import feature_rows
    from tracker.metrics import build_timelines

    with db.connect(settings.db_path) as conn:
        names = {n.casefold(): n for n in queries.party_names(conn)}
        # observation windows and companies decide each party's status (see metrics.timeline)
        timelines = build_timelines(*feature_rows(conn), windows=queries.party_windows(conn))
        return timelines, names, queries.newest_dated_entry(conn) or dt.date.today()


def follower_text(p: Presence) -> str:
    """A follower in a few characters: its lag when it is a copy, else why it has none."""
    from tracker.metrics.timeline import COPIED

    short = {"present_at_start": "had it at start", "undated": "undated", "unannounced": "not announced",
             "same_company": "same company"}
    label = "no dated first mover" if p.status == "undated" and not p.estimated else short.get(p.status, p.status)
    text = f"{p.party} +{p.lag_days}d" if p.status == COPIED else f"{p.party} ({label})"
    return text + (" [integrator]" if p.role == SUPPORT else "")


def _check_party(party: str | None, names: dict[str, str]) -> str | None:
    if party is None:
        return None
    if party.casefold() not in names:
        known = ", ".join(sorted(names.values())) or "none yet"
        raise UsageError(f"unknown party {party!r}; known parties: {known}")
    return names[party.casefold()]


def select(
    timelines: list[Timeline], *, party: str | None, category: str | None, since: dt.date | None
) -> list[Timeline]:
    chosen = []
    for t in timelines:
        if party and party not in {p.party for p in t.parties}:
            continue
        if category and t.feature.category.casefold() != category.casefold():
            continue
        if since and t.first.first_seen < since:
            continue
        chosen.append(t)
    return chosen


@app.command("match")
def match_command(
    ctx: typer.Context,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="recompute every link from scratch")] = False,
) -> None:
    """Link new entries to features (taxonomy + discovery); --rebuild recomputes everything."""
    from tracker import pipeline
    from tracker.catalog import db
    from tracker.lock import run_lock

    settings = state(ctx).settings()
    db.check_path(settings.db_path)
    with run_lock(settings.db_path, "match"), db.connect(settings.db_path, write=True) as conn:
        summary = pipeline.match_catalog(conn, settings, rebuild=rebuild)
    how = "rebuilt from all" if summary.rebuilt else "linked"
    out.print(
        f"{how} {summary.mentions_offered} entries; features: {summary.features} "
        f"({len(summary.new_features)} new); new links: {summary.new_links}; new copies: {len(summary.new_copies)}",
        markup=False,
    )


@app.command("features")
def features_command(
    ctx: typer.Context,
    party: Annotated[str | None, typer.Option("--party", help="only features this party shipped")] = None,
    category: Annotated[str | None, typer.Option("--category", help="only this feature category")] = None,
    since: Annotated[str | None, typer.Option("--since", help="first seen on or after YYYY-MM-DD")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the export JSON")] = False,
    copied: Annotated[bool, typer.Option("--copied", help="only features shipped by two or more parties")] = False,
) -> None:
    """List features with their first mover and followers."""
    since_day = parse_day(since, "--since")
    from tracker.export import features_json

    timelines, names, _ = read_timelines(state(ctx).settings())
    party = _check_party(party, names)
    chosen = [t for t in select(timelines, party=party, category=category, since=since_day) if t.copied or not copied]
    if as_json:
        print(to_json(features_json(chosen)))
        return
    rows = [
        {
            "id": t.key, "name": t.feature.name, "category": t.feature.category, "first_seen": t.first.first_seen,
            "first_party": t.first.party + ("" if t.first_mover_certain else " (earliest observed)")
            + (" (est.)" if t.first.estimated else ""),
            "parties": len(t.parties),
            "followers": ", ".join(follower_text(p) for p in t.followers[:4]) + (" ..." if len(t.followers) > 4 else ""),
        }
        for t in chosen
    ]
    print_rows(rows, ["id", "name", "category", "first_seen", "first_party", "parties", "followers"], "table",
               title=f"{len(rows)} features")


@app.command("feature")
def feature_command(
    ctx: typer.Context,
    feature_id: Annotated[str, typer.Argument(help="the feature id, as `tracker features` lists it")],
    as_json: Annotated[bool, typer.Option("--json", help="print the export JSON of this feature")] = False,
) -> None:
    """The timeline of one feature: who shipped it when, with the changelog lines as evidence."""
    from tracker.evidence import evidence_url
    from tracker.export import feature_record

    timelines, _, _ = read_timelines(state(ctx).settings())
    found = next((t for t in timelines if t.key == feature_id), None)
    if found is None:
        close = [t.key for t in timelines if feature_id.casefold() in t.key.casefold()][:5]
        hint = f"; did you mean {', '.join(close)}?" if close else "; `tracker features` lists the ids"
        raise UsageError(f"no feature {feature_id!r}{hint}")
    if as_json:
        print(to_json(feature_record(found)))
        return
    out.print(f"{found.feature.name} [{found.key}] ({found.feature.category}, {found.feature.origin})", markup=False)
    if found.feature.definition:
        out.print(found.feature.definition, markup=False)
    from tracker.report.feature_page import status_label

    for p in found.parties:
        role = " · integrator" if p.role == SUPPORT else ""
        out.print(f"\n{p.first_seen}  {p.party} ({p.kind}{role}) — {status_label(p, found)}", markup=False)
        for m in p.mentions[:5]:
            out.print(f"    {m.date}  {m.version or '-'}  {terminal_safe(m.raw.strip()[:160])}", markup=False)
            out.print(f"              {evidence_url(m.source_url, m.line, m.release_url)}", markup=False)
        if len(p.mentions) > 5:
            out.print(f"    ... {len(p.mentions) - 5} more mentions", markup=False)


@app.command("lag")
def lag_command(
    ctx: typer.Context,
    party: Annotated[str | None, typer.Option("--party", help="only this party")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table | json | csv")] = "table",
) -> None:
    """Per party: features pioneered and followed, median copy lag, how long its firsts stayed exclusive."""
    from tracker.metrics import party_stats

    check_format(fmt)
    timelines, names, as_of = read_timelines(state(ctx).settings())
    party = _check_party(party, names)
    stats = party_stats(timelines, as_of=as_of)
    rows = [asdict(s) for s in stats if party is None or s.party == party]
    columns = ["party", "kind", "pioneered", "followed", "median_follow_lag", "median_copied_after",
               "median_exclusive_days", "still_exclusive"]
    print_rows(rows, columns if fmt == "table" else list(rows[0]) if rows else columns, fmt,
               title="Copy lag by party (days)")


@export_app.command("features")
def export_features(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="json | csv")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to a file instead of stdout")] = None,
) -> None:
    """Every feature with its parties, lags and evidence mentions (stable JSON shape, see README)."""
    from tracker.export import FEATURE_CSV_COLUMNS, features_csv_rows, features_json

    check_format(fmt, ("json", "csv"))
    timelines, _, _ = read_timelines(state(ctx).settings())
    text = to_json(features_json(timelines)) if fmt == "json" else to_csv(features_csv_rows(timelines), FEATURE_CSV_COLUMNS)
    write_output(text, output, f"wrote {len(timelines)} features to {output}")


@app.command("eval")
def eval_command(
    ctx: typer.Context,
    gold: Annotated[list[Path], typer.Option(
        "--gold", help="gold labels in the format of ../shared/gold/dev.toml; repeat to score several sets")],
    lopo: Annotated[bool, typer.Option(
        "--lopo", help="also score each gold party with the rules only its own lines support left out")] = False,
) -> None:
    """Score the current features against gold labels: pairwise P/R/F1, near-miss merges, lag error, roles."""
    from tracker.catalog import db
    from tracker.catalog import features as feature_store
    from tracker.match.evaluate import evaluate, load_gold
    from tracker.match.holdout import leave_one_party_out
    from tracker.match.model import MatchOutcome
    from tracker.match.state import MatchState
    from tracker.match.taxonomy import read_taxonomy_data
    from tracker.model import Link
    from tracker.pipeline import taxonomy_path

    labels = [(path, load_gold(path)) for path in gold]
    settings = state(ctx).settings()
    with db.connect(settings.db_path) as conn:
        mentions = feature_store.mentions(conn)
        defs, rows, _ = feature_store.feature_rows(conn)
    links = tuple(Link(r.entry_id, r.feature_key, r.rule, 1.0, r.role, r.target, r.announces) for r in rows)
    for path, labelled in labels:
        if len(labels) > 1 or lopo:
            out.print(f"== {path}", markup=False)
        report = evaluate(labelled, mentions, MatchOutcome(tuple(defs), links, MatchState()))
        for line in report.lines():
            out.print(line, markup=False)
        if lopo:
            source = taxonomy_path(settings)
            held = leave_one_party_out(labelled, mentions, read_taxonomy_data(source), source=str(source))
            for line in held.lines():
                out.print(line, markup=False)
