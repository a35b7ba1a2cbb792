"""Benchmark: crawl the whole shared corpus from the mirror into a fresh catalog.

Prints MB/s, entries/s and total seconds; beside them, the time of a plain
read-and-split-lines pass over the same files (the floor no parser can beat) and the
ratio of the two; then the time of a second crawl with nothing changed.
Targets on 2 cores: the whole corpus < 5 s, an unchanged re-crawl < 1 s.

    python bench/bench_crawl.py [--corpus ../shared/corpus/current]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker import pipeline  # noqa: E402
from tracker.config import Overrides, load_settings  # noqa: E402


def floor_pass(corpus: Path) -> tuple[float, int, int]:
    """Read every file and split it into lines: what any line-oriented parser must at least do."""
    start = time.perf_counter()
    size = lines = 0
    for path in sorted(corpus.rglob("*")):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            size += len(text.encode())
            lines += len(text.split("\n"))
    return time.perf_counter() - start, size, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "current")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            Overrides(config=ROOT / "config.toml", db=Path(tmp) / "bench.db", mirror=args.corpus), env={}
        )
        floor, size, lines = floor_pass(args.corpus)
        start = time.perf_counter()
        first = pipeline.run_crawl(settings)
        crawl_s = time.perf_counter() - start
        start = time.perf_counter()
        second = pipeline.run_crawl(settings)
        again_s = time.perf_counter() - start
    mb = size / 1e6
    print(f"corpus: {mb:.1f} MB, {lines:,} lines, {len(first.ok)} sources ok, {len(first.failed)} not in the mirror")
    print(f"first crawl:      {crawl_s:6.2f} s   {mb / crawl_s:6.2f} MB/s   {first.new_entries / crawl_s:9,.0f} entries/s"
          f"   ({first.new_releases:,} releases, {first.new_entries:,} entries)")
    print(f"read+split floor: {floor:6.2f} s   {mb / floor:6.2f} MB/s   crawl/floor ratio {crawl_s / floor:5.1f}x")
    print(f"unchanged crawl:  {again_s:6.2f} s   ({second.new_entries} new entries)")
    print(f"targets: whole corpus < 5 s [{'ok' if crawl_s < 5 else 'MISSED'}], "
          f"unchanged < 1 s [{'ok' if again_s < 1 else 'MISSED'}]")


if __name__ == "__main__":
    main()
