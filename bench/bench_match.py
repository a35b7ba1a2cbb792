"""Time the matcher on the shared corpus and on a synthetic corpus ten times its size.

    .venv/bin/python bench/bench_match.py [--copies 10] [--no-eval]

The synthetic corpus re-issues every real entry under ten invented party names, half of them
with a text recombined from two entries of the same source and dates shifted by a few days,
so blocking, linking and discovery all see ten times the work. Also prints the dev-gold and
own-gold figures, the ten features with the most linked entries (each should stay under ~5% of
all linked entries: a real capability, not a catch-all), and the cost of an incremental run
that adds the newest 1% of entries to a state.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import pathlib
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from matchkit import GOLD, corpus_available, load_mentions  # noqa: E402

OWN_GOLD = ROOT / "tests" / "fixtures" / "gold" / "own.toml"
CATCH_ALL_SHARE = 0.05

from tracker.match.evaluate import evaluate, load_gold  # noqa: E402
from tracker.match.matcher import match  # noqa: E402
from tracker.model import Mention  # noqa: E402
from tracker.match.taxonomy import load_taxonomy  # noqa: E402


def synthetic(mentions: Sequence[Mention], copies: int, seed: int = 11) -> list[Mention]:
    """`copies` re-issues of the corpus under new party names, half of the texts recombined."""
    rnd = random.Random(seed)
    by_source: defaultdict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_source[m.source_url].append(m)
    out: list[Mention] = []
    for k in range(1, copies + 1):
        for m in mentions:
            text = m.text
            if rnd.random() < 0.5:
                other = rnd.choice(by_source[m.source_url]).text.split()
                head = text.split()
                text = " ".join(head[: max(1, len(head) // 2)] + other[len(other) // 2:])
            out.append(dataclasses.replace(
                m,
                entry_id=(k << 48) | m.entry_id,
                party=f"Synth {k:02d} {m.party}",
                source_url=m.source_url.replace("https://", f"https://synth{k:02d}."),
                date=m.date + dt.timedelta(days=3 * k),
                text=text,
                raw=f"- {text}",
            ))
    return out


def timed(label: str, mentions: Sequence[Mention], taxonomy, **kwargs) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Wall and CPU seconds of one run; CPU seconds are what a machine shared with other work can compare."""
    start, cpu = time.perf_counter(), time.process_time()
    outcome = match(mentions, taxonomy, **kwargs)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label:<34} {len(mentions):>8} entries  {seconds:7.2f} s  ({cpu_seconds:6.2f} s CPU)  "
          f"{len(outcome.links):>7} links  {len(outcome.features):>4} features")
    return cpu_seconds, outcome


def top_features(outcome, count: int = 10) -> None:  # type: ignore[no-untyped-def]
    """The features with the most linked entries, as a share of all linked entries."""
    linked = len({link.entry_id for link in outcome.links})
    per_feature = Counter(link.feature_key for link in outcome.links)
    print(f"top {count} features by linked entries (of {linked} linked entries; flag: over "
          f"{CATCH_ALL_SHARE:.0%})")
    for key, n in per_feature.most_common(count):
        flag = "  <- catch-all?" if n > CATCH_ALL_SHARE * linked else ""
        print(f"  {n:>5}  {n / linked:6.1%}  {key}{flag}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--no-eval", action="store_true")
    args = parser.parse_args()
    if not corpus_available():
        print("../shared/corpus is not available; nothing to benchmark")
        return 1
    taxonomy = load_taxonomy()
    mentions = load_mentions()
    base, outcome = timed("corpus", mentions, taxonomy)
    if not args.no_eval:
        for name, path in (("dev", GOLD), ("own", OWN_GOLD)):
            print(f"  {name} gold:")
            for line in evaluate(load_gold(path), mentions, outcome).lines()[:4]:  # type: ignore[arg-type]
                print("    " + line)
    top_features(outcome)  # type: ignore[arg-type]
    ordered = sorted(mentions, key=lambda m: (m.date, m.entry_id))
    cut = len(ordered) * 99 // 100
    _, old = timed("incremental: first 99%", ordered[:cut], taxonomy)
    timed("incremental: add newest 1%", ordered[cut:], taxonomy, state=old.state)  # type: ignore[attr-defined]
    big = synthetic(mentions, args.copies)
    scaled, _ = timed(f"synthetic {args.copies}x", big, taxonomy)
    print(f"{args.copies}x corpus took {scaled / base:.1f}x the CPU time of the corpus")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
