"""Fit Kaplan–Meier estimates in a child process while the caller goes on with other work.

A report needs about thirty lifelines fits (a few milliseconds of pandas work each, however small
the sample) and, in a fresh process, the lifelines import itself (about a second). Neither
depends on the pages that show no statistic, so a report starts a child (`BackgroundFits.start`)
before it reads the catalog, hands it the samples once they exist (`submit`), and renders those
pages while the child fits; `collect` then keeps the child's estimates in this process's fit cache
(`survival.remember`), where `compute_stats` finds them. The child is forked while the parent is
still small: what the report builds afterwards lives in fresh memory, not in pages the two
processes share, so the parent pays no copy-on-write faults on it.

Nothing here can change a figure: any failure (no `fork` on this platform, other threads running,
a child that dies or sends nothing) leaves the cache as it was, and the fits are made in this
process when they are asked for, exactly as without a child.
"""

from __future__ import annotations

from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from tracker.children import end_child, receive, start_child
from tracker.metrics import survival

WAIT_SECONDS = 300.0  # far above the ~1 s the corpus takes; past it the caller fits for itself


class BackgroundFits:
    """A child process that fits the samples it is given; `submit` once, then `collect` once."""

    def __init__(self, process: BaseProcess | None = None, connection: Connection | None = None) -> None:
        self._process, self._connection = process, connection
        self._submitted = False

    @classmethod
    def start(cls) -> BackgroundFits:
        """Fork the child now (it waits for `submit`); a handle that does nothing where that is unsafe
        (`children.start_child`)."""
        child = start_child(_serve, name="tracker-fits", duplex=True)
        return cls(*child) if child else cls()

    @property
    def started(self) -> bool:
        return self._process is not None

    def ready(self) -> bool:
        """`collect` would not wait: the child has sent its estimates, died, or was never started."""
        connection = self._connection
        if connection is None:
            return True
        try:
            return connection.poll(0)
        except OSError:
            return True

    def submit(self, samples: Sequence[survival.Sample]) -> None:
        """Hand the child the samples this process does not know yet (none: it exits)."""
        if self._connection is None or self._submitted:
            return
        self._submitted = True
        keys = _unknown_keys(samples)
        try:
            self._connection.send(keys)
        except OSError:
            self._close()

    def collect(self, timeout: float = WAIT_SECONDS) -> int:
        """Wait for the child and keep its estimates; how many it sent (0 when it failed or had none)."""
        connection = self._connection
        if connection is None:
            return 0
        if not self._submitted:
            self.submit(())
        try:
            found = receive(connection, timeout)
        finally:
            self._close()
        if not isinstance(found, list) or not found:
            return 0  # failed, or had nothing to fit
        survival.remember(dict(found))
        return len(found)

    def _close(self) -> None:
        process, connection = self._process, self._connection
        self._process = self._connection = None
        end_child(process, connection)


def fit_in_background(samples: Sequence[survival.Sample]) -> BackgroundFits:
    """Start a child and hand it `samples` at once (`BackgroundFits.start` then `submit`); none when this
    process knows every estimate already."""
    if not _unknown_keys(samples):
        return BackgroundFits()
    fits = BackgroundFits.start()
    fits.submit(samples)
    return fits


def _unknown_keys(samples: Sequence[survival.Sample]) -> list[survival.FitKey]:
    """The fit keys of the samples that this process has no estimate for, each once."""
    return [key for key in dict.fromkeys(survival.fit_key(s) for s in samples if s.observations)
            if not survival.known(key)]


def _serve(connection: Connection, parent_end: Connection) -> None:
    """In the child: wait for the keys, fit every one and send the estimates back (nothing, if anything fails)."""
    parent_end.close()  # the child's copy of the parent's end: without it a dead parent is never noticed
    try:
        keys = connection.recv()
        if keys:
            connection.send([(key, survival.fitted(key)) for key in keys])
    except Exception:  # noqa: BLE001 - the parent fits for itself when nothing arrives
        pass
    finally:
        connection.close()
