"""The `tracker` command line: thin typer commands over the library.

Every `TrackerError` becomes one line on stderr (`error: ...`) and exit status 2;
usage mistakes typer catches itself (exit 2); Ctrl-C exits 130 with what was saved kept.
"""

from __future__ import annotations

import sys

from tracker.cli.app import app, err
from tracker.errors import TrackerError

# Importing the command modules registers their commands on `app` (one registry).
from tracker.cli import crawl_cmd, match_cmd, query_cmd, report_cmd, run_cmd  # noqa: E402,F401  isort: skip
from tracker.cli import stats_cmd  # noqa: E402,F401  isort: skip

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    try:
        app(args=argv, prog_name="tracker")
    except TrackerError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted; what was saved is kept and the next run completes the work", markup=False)
        sys.exit(130)
