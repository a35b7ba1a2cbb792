"""Review aid: each feature's first mention per party, with the rule that linked it.

Prints, for every feature (or the ones named), the earliest exact-dated linked line of each
party: the line that sets that party's lag. Read it to judge whether each line really
introduces the capability at that party.

    python bench/first_mentions.py --db data/tracker.db [FEATURE ...]
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

SQL = """
SELECT p.name, e.date, e.text, fl.rule, e.kind, e.section
FROM feature_link fl JOIN entry e ON e.id = fl.entry_id JOIN party p ON p.id = e.party_id
WHERE fl.feature_key = ? AND e.date_estimated = 0
ORDER BY p.name, e.date, e.id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=Path("data/tracker.db"))
    parser.add_argument("features", nargs="*")
    args = parser.parse_args()
    conn = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)
    keys = args.features or [r[0] for r in conn.execute("SELECT key FROM feature ORDER BY key")]
    for key in keys:
        first: dict[str, tuple] = {}  # type: ignore[type-arg]
        for party, date, text, rule, kind, section in conn.execute(SQL, (key,)):
            first.setdefault(party, (date, text, rule, kind, section))
        print(f"===== {key} ({len(first)} parties)")
        for party, (date, text, rule, kind, section) in sorted(first.items(), key=lambda kv: kv[1][0]):
            print(f"  {date} {party[:16]:16} {kind[:7]:7} {text[:110]:110} | {rule[:40]}")


if __name__ == "__main__":
    main()
