"""The run lock: at most one writer (crawl, match, daily run) changes a catalog at a time.

An advisory `flock` on `<catalog>.lock`. The kernel drops it when the holder dies,
even by `kill -9`, so a crashed run never leaves a stale lock behind. The file records
who holds it, so the process that is turned away can say by whom and since when.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tracker.errors import CatalogError, CatalogLockedError


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@contextmanager
def run_lock(db_path: Path, purpose: str = "crawl") -> Iterator[None]:
    """Hold the catalog's run lock, or raise CatalogLockedError at once (never wait)."""
    path = lock_path(db_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise CatalogError(f"cannot create the lock file {path}: {error.strerror}; check the folder is writable") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise CatalogLockedError(
                f"another run is already writing to {db_path} ({holder}); this one exits without changing anything"
            ) from None
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{purpose} by pid {os.getpid()} since {stamp}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
