"""How a run ended, and the exit code that says so to a scheduler (cron, systemd, CI).

    ok           0   every source read (or skipped on purpose) and every step worked
    partial      1   some sources failed, or a step after the crawl failed
    failed       2   every source that was tried failed (also: any error message from the CLI)
    locked      75   another run holds the catalog's lock (EX_TEMPFAIL: try again later)
    interrupted 130  Ctrl-C or SIGTERM; what was saved is kept
"""

from __future__ import annotations

OK, PARTIAL, FAILED, INTERRUPTED = "ok", "partial", "failed", "interrupted"
EXIT_CODES = {OK: 0, PARTIAL: 1, FAILED: 2, INTERRUPTED: 130}
EXIT_LOCKED = 75  # EX_TEMPFAIL
EXIT_ERROR = 2  # a one-line error (bad config, bad query, unreadable catalog)
