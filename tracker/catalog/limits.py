"""Bounds on a reader's query: a wall-clock limit that also lets Ctrl-C through, and a cap on the
size of one value, so `tracker sql` and `tracker search` can neither run forever nor eat the memory.

SQLite runs a statement in C, where Python never sees a signal; a progress handler (called
every few thousand VM steps) is the one place to stop it. It stops on the deadline, and on
Ctrl-C: the KeyboardInterrupt Python raises inside the handler becomes "stop" there, and
the query's "interrupted" error becomes KeyboardInterrupt again outside.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tracker.errors import QueryError

PROGRESS_STEPS = 20_000  # SQLite VM instructions between two checks (well under a millisecond)
MAX_VALUE_BYTES = 16_000_000  # one string or blob (e.g. randomblob(500000000)) may not be larger


def cap_value_size(conn: sqlite3.Connection, limit: int = MAX_VALUE_BYTES) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limit)


@contextmanager
def time_limit(
    conn: sqlite3.Connection, seconds: float | None, *, what: str, hint: str,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[None]:
    """Run the body's statements (and the fetching of their rows) for at most `seconds` (None: no limit)."""
    deadline = clock() + seconds if seconds else None
    expired = stopped = False

    def progress() -> int:
        nonlocal expired, stopped
        try:
            expired = stopped = deadline is not None and clock() > deadline
        except KeyboardInterrupt:
            stopped = True
        return int(stopped)

    conn.set_progress_handler(progress, PROGRESS_STEPS)
    try:
        yield
    except sqlite3.OperationalError as error:
        # Stopped mid-statement, SQLite says "interrupted" (or, inside a virtual table's
        # constructor, "vtable constructor failed"): the flags say which of us stopped it.
        if expired:
            raise QueryError(f"{what} ran longer than {seconds:g} s and was stopped; {hint}") from None
        if stopped or "interrupted" in str(error):
            raise KeyboardInterrupt from None  # Ctrl-C (a KeyboardInterrupt raised inside the handler)
        raise
    finally:
        conn.set_progress_handler(None, 0)
