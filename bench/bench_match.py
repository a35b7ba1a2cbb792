"""Time the matcher on the shared corpus and on a synthetic corpus ten times its size.

    .venv/bin/python bench/bench_match.py [--copies 10] [--no-eval]

The synthetic corpus re-issues every real entry under ten invented party names, half of them
with a text recombined from two entries of the same source and dates shifted by a few days,
so blocking, linking and discovery all see ten times the work. Also prints the dev-gold
figures and the cost of an incremental run that adds the newest 1% of entries to a state.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import pathlib
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from matchkit import GOLD, corpus_available, load_mentions  # noqa: E402

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
    start = time.perf_counter()
    outcome = match(mentions, taxonomy, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<34} {len(mentions):>8} entries  {seconds:7.2f} s  "
          f"{len(outcome.links):>7} links  {len(outcome.features):>4} features")
    return seconds, outcome


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
        for line in evaluate(load_gold(GOLD), mentions, outcome).lines()[:4]:  # type: ignore[arg-type]
            print("  " + line)
    ordered = sorted(mentions, key=lambda m: (m.date, m.entry_id))
    cut = len(ordered) * 99 // 100
    _, old = timed("incremental: first 99%", ordered[:cut], taxonomy)
    timed("incremental: add newest 1%", ordered[cut:], taxonomy, state=old.state)  # type: ignore[attr-defined]
    big = synthetic(mentions, args.copies)
    scaled, _ = timed(f"synthetic {args.copies}x", big, taxonomy)
    print(f"{args.copies}x corpus took {scaled / base:.1f}x the time of the corpus")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
