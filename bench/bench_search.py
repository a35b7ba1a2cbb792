"""Benchmark: `tracker search` over a synthetic catalog of 100,000+ changelog entries.

Builds the catalog through the catalog's own store functions (`sync_config`,
`save_document`: the same bulk FTS5 indexing a crawl uses), from entries recombined
out of a small vocabulary with a fixed seed, then times the library search the CLI
calls (p50/p95 per query and overall) and one real CLI invocation for reference.
Target: p95 < 50 ms.

    python bench/bench_search.py [--entries 100000] [--repeat 30] [--db PATH] [--optimize]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker import pipeline  # noqa: E402
from tracker.catalog import store  # noqa: E402
from tracker.config import PartyConfig, Settings, SourceConfig  # noqa: E402
from tracker.parse.model import DatePrecision, EntryKind, ParsedDocument, ParsedEntry, ParsedRelease  # noqa: E402
from tracker.catalog.search import search  # noqa: E402
from tracker.catalog.db import open_connection as open_readonly  # noqa: E402

VERBS = ["add", "support", "improve", "fix", "remove", "deprecate", "enable", "expose", "speed up", "document",
         "allow", "introduce", "rework", "harden", "cache", "stream", "retry", "validate", "export", "import"]
THINGS = ["prompt caching", "batch API", "streaming responses", "tool calls", "embeddings", "rate limits",
          "tracing", "guardrails", "evaluations", "datasets", "fine-tuning jobs", "vector index", "gateway routing",
          "webhooks", "SSO login", "audit logs", "session replay", "token usage", "cost tracking", "model fallbacks",
          "structured outputs", "function calling", "JSON mode", "prompt templates", "annotation queues",
          "self-hosted deployments", "Helm chart", "Python SDK", "TypeScript SDK", "OpenTelemetry export",
          "PII redaction", "latency dashboards", "playground", "experiments", "agent runs", "spans", "alerts"]
TAILS = ["for all models", "in the dashboard", "behind a feature flag", "for enterprise plans", "on Kubernetes",
         "with retries", "when the cache is cold", "for long contexts", "in the CLI", "across regions",
         "for Anthropic models", "for OpenAI models", "for Bedrock", "for Vertex AI", "in self-hosted mode",
         "when streaming", "for large payloads", "with pagination", "by default", "for EU customers"]
KINDS = [EntryKind.FEATURE] * 5 + [EntryKind.FIX] * 3 + [EntryKind.CHORE, EntryKind.DOCS, EntryKind.BREAKING]
SECTIONS = {EntryKind.FEATURE: "Features", EntryKind.FIX: "Bug Fixes", EntryKind.CHORE: "Chores",
            EntryKind.DOCS: "Documentation", EntryKind.BREAKING: "Breaking Changes"}

QUERIES: list[tuple[str, dict[str, object]]] = [
    ("prompt caching", {}),
    ("caching", {}),
    ("support", {}),  # a word in ~1 of 20 entries
    ("streaming responses bedrock", {}),
    ("tool calls OR function calling", {}),
    ("embed*", {}),
    ('NEAR("token usage" dashboard, 4)', {}),
    ("guardrails", {"party": "party-07"}),
    ("rate limits", {"kind": "fix"}),
    ("session replay", {"since": dt.date(2024, 1, 1)}),
    ("opentelemetry export kubernetes", {"party": "party-03", "kind": "feature"}),
    ("nonexistentword", {}),
]


def synthetic_parties(count: int) -> tuple[PartyConfig, ...]:
    return tuple(
        PartyConfig(f"party-{i:02d}", "startup" if i % 3 else "incumbent", "llm-observability", (
            SourceConfig(f"party-{i:02d}-changelog", "changelog", f"https://party-{i:02d}.test/CHANGELOG.md",
                         f"party-{i:02d}"),
        ))
        for i in range(count)
    )


def synthetic_document(rng: random.Random, url: str, releases: int, per_release: int) -> ParsedDocument:
    out = []
    line = 1
    day = dt.date(2022, 1, 1)
    for r in range(releases):
        day += dt.timedelta(days=rng.randint(1, 3))
        entries = []
        header = line
        for _ in range(per_release):
            line += 1
            kind = rng.choice(KINDS)
            text = f"{rng.choice(VERBS)} {rng.choice(THINGS)} {rng.choice(TAILS)}"
            if rng.random() < 0.3:
                text += f" and {rng.choice(THINGS)}"
            entries.append(ParsedEntry(text, f"* {text}", line, SECTIONS[kind], kind))
        line += 2
        out.append(ParsedRelease(f"{r // 100}.{r % 100}.0", day, day.isoformat(), DatePrecision.DAY,
                                 f"{r // 100}.{r % 100}.0", header, entries=tuple(entries)))
    return ParsedDocument(url, tuple(reversed(out)))


def build_catalog(db_path: Path, entries: int, *, parties: int = 20, per_release: int = 10,
                  optimize: bool = False) -> Settings:
    settings = Settings(db_path=db_path, parties=synthetic_parties(parties))
    rng = random.Random(20261129)
    releases = -(-entries // (parties * per_release))
    now = dt.datetime(2026, 11, 29, 6, 0)
    with pipeline.catalog(settings) as conn:
        ids = store.sync_config(conn, settings.parties)
        for party in settings.parties:
            src = party.sources[0]
            source_id, party_id = ids[src.name]
            doc = synthetic_document(rng, src.url, releases, per_release)
            with conn:
                store.save_document(conn, source_id=source_id, party_id=party_id, doc=doc, now=now)
        if optimize:  # merge the FTS segments, as a long-lived catalog's automerge eventually does
            conn.execute("INSERT INTO entry_fts(entry_fts) VALUES ('optimize')")
            conn.commit()
    return settings


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db", type=Path, help="keep the synthetic catalog here (default: a temp folder)")
    parser.add_argument("--optimize", action="store_true", help="merge the FTS index segments before timing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / "bench.db"
        if db_path.exists():
            sys.exit(f"{db_path} exists; pass a new path")
        start = time.perf_counter()
        build_catalog(db_path, args.entries, optimize=args.optimize)
        build_s = time.perf_counter() - start
        conn = open_readonly(db_path)
        total = conn.execute("SELECT COUNT(*) FROM entry").fetchone()[0]
        print(f"catalog: {total:,} entries, built in {build_s:.1f} s ({db_path.stat().st_size / 1e6:.0f} MB)")
        print(f"{'query':<48} {'hits':>5} {'p50 ms':>8} {'p95 ms':>8}")
        everything: list[float] = []
        for query, filters in QUERIES:
            hits = search(conn, query, **filters)  # type: ignore[arg-type]  # warm-up
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                search(conn, query, **filters)  # type: ignore[arg-type]
                times.append((time.perf_counter() - t0) * 1000)
            everything += times
            label = query + "".join(f" --{k} {v}" for k, v in filters.items())
            print(f"{label[:48]:<48} {len(hits):>5} {percentile(times, 50):8.2f} {percentile(times, 95):8.2f}")
        conn.close()
        p50, p95 = percentile(everything, 50), percentile(everything, 95)
        print(f"{'all queries (library, limit 20)':<48} {'':>5} {p50:8.2f} {p95:8.2f}   "
              f"target p95 < 50 ms: {'met' if p95 < 50 else 'MISSED'}   mean {statistics.fmean(everything):.2f}")
        command = [sys.executable, "-c", "import tracker.cli.query_cmd; from tracker.cli import main; main()",
                   "--db", str(db_path), "search", "prompt caching", "--limit", "20", "--json"]
        t0 = time.perf_counter()
        done = subprocess.run(command, cwd=tmp, capture_output=True, text=True, check=False)
        cli_ms = (time.perf_counter() - t0) * 1000
        state = "ok" if done.returncode == 0 else f"exit {done.returncode}: {done.stderr.strip()[:200]}"
        print(f"one CLI invocation (process start + imports + search): {cli_ms:.0f} ms ({state})")


if __name__ == "__main__":
    main()
