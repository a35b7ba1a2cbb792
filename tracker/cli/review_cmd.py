"""`tracker review`: print a reproducible random sample of the matcher's output to check by eye."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli.app import app, out, state
from tracker.cli.output import terminal_safe
from tracker.errors import UsageError

MODES = ("features", "roles")
_CLIP = 220


@app.command("review")
def review_command(
    ctx: typer.Context,
    sample: Annotated[int, typer.Option("--sample", help="how many features (or mentions of each role)")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="random seed: the same seed draws the same sample")] = 1,
    mode: Annotated[str, typer.Option(
        "--mode", help="features: cross-party features with each party's first-seen line; "
        "roles: support and native mentions")] = "features",
) -> None:
    """Print random cross-party features with each party's first-seen line and role, or random
    support and native mentions, so anyone can repeat the by-eye checks of the matcher."""
    from tracker.catalog import db, queries
    from tracker.catalog import features as feature_store
    from tracker.evidence import evidence_url
    from tracker.match.review import sample_features, sample_links
    from tracker.metrics import build_timelines
    from tracker.report.feature_page import status_label
    from tracker.model import NATIVE, SUPPORT, MentionRow

    if sample < 1:
        raise UsageError(f"--sample {sample} must be at least 1")
    if mode not in MODES:
        raise UsageError(f"unknown --mode {mode!r}; use one of: {', '.join(MODES)}")
    with db.connect(state(ctx).settings().db_path) as conn:
        defs, rows, detected = feature_store.feature_rows(conn)
        windows, as_of = queries.party_windows(conn), queries.newest_dated_entry(conn)

    def say(text: str) -> None:
        out.print(terminal_safe(text), markup=False)

    def show(r: MentionRow, party: str, note: str = "") -> None:
        role = r.role + (f" → {r.target}" if r.target else "")
        say(f"   {r.date}{'~' if r.date_estimated else ' '} {party} — {role}" + (f" · {note}" if note else ""))
        say(f"      {_clip(r.raw)}")
        say(f"      {evidence_url(r.source_url, r.line, r.release_url)}")

    if mode == "features":
        drawn = sample_features(defs, rows, size=sample, seed=seed)
        keys = {s.feature.key for s in drawn}  # a feature's timeline depends on its own rows only
        timelines = build_timelines([d for d in defs if d.key in keys], [r for r in rows if r.feature_key in keys],
                                    detected, windows=windows, as_of=as_of)
        notes = {(t.key, p.party): status_label(p, t) + ("; dates a lag" if p.copy_lag_days is not None else "")
                 for t in timelines for p in t.parties}
        say(f"{len(drawn)} features announced by two or more parties (seed {seed}); each party's first-seen line "
            "— does it announce the capability? is the role right? (after each party: what its line counts for "
            "in the statistics)")
        for n, s in enumerate(drawn, 1):
            say(f"\n{n}. {s.feature.key} — {s.feature.name} [{s.feature.category}] — {len(s.parties)} parties")
            for p in s.parties:
                show(p.row, p.party, notes.get((s.feature.key, p.party), ""))
            if s.mentioned:
                say("   also had it, but its first line does not announce it (its launch is not dated; "
                    "left out of lags):")
                for p in s.mentioned:
                    show(p.row, p.party)
        return
    for role in (SUPPORT, NATIVE):
        drawn_rows = sample_links(rows, role=role, size=sample, seed=seed)
        say(f"\n{len(drawn_rows)} random {role} mentions (seed {seed}) — is the role right?")
        for n, r in enumerate(drawn_rows, 1):
            target = f" → {r.target}" if r.target else ""
            say(f"{n:>3}. {r.feature_key} · {r.party}{target} · {r.date}")
            say(f"      {_clip(r.raw)}")


def _clip(raw: str) -> str:
    line = " ".join(raw.split())
    return line if len(line) <= _CLIP else line[:_CLIP - 1] + "…"
