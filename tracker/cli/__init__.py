"""The `tracker` command line: thin typer commands over the library.

Every `TrackerError` becomes one line on stderr (`error: ...`) and exit status 2 (75 when
another run holds the catalog's lock); usage mistakes typer catches itself (exit 2);
Ctrl-C exits 130 with what was saved kept. See `tracker.outcome` for every exit code.
"""

from __future__ import annotations

import sys

from tracker.cli.app import app, err
from tracker.errors import CatalogLockedError, TrackerError
from tracker.outcome import EXIT_CODES, EXIT_ERROR, EXIT_LOCKED, INTERRUPTED

# Importing the command modules registers their commands on `app` (one registry).
from tracker.cli import crawl_cmd, match_cmd, query_cmd, report_cmd, run_cmd  # noqa: E402,F401  isort: skip
from tracker.cli import review_cmd  # noqa: E402,F401  isort: skip
from tracker.cli import stats_cmd  # noqa: E402,F401  isort: skip

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    try:
        app(args=argv, prog_name="tracker")
    except TrackerError as error:
        err.print(f"error: {error}", markup=False, highlight=False)
        sys.exit(EXIT_LOCKED if isinstance(error, CatalogLockedError) else EXIT_ERROR)
    except KeyboardInterrupt:
        _say_interrupted()
        sys.exit(EXIT_CODES[INTERRUPTED])
    except SystemExit as exit_:
        if exit_.code == EXIT_CODES[INTERRUPTED]:  # typer turns Ctrl-C into a silent exit 130
            _say_interrupted()
        raise


def _say_interrupted() -> None:
    err.print("interrupted; what was saved is kept and the next run completes the work", markup=False)
