"""Fit Kaplan–Meier estimates in a child process while the caller goes on with other work.

A report needs about thirty lifelines fits (a few milliseconds of pandas work each, however small
the sample) and, in a fresh process, the lifelines import itself (about a second). Neither
depends on the pages that show no statistic, so `fit_in_background` forks a child that fits the
samples while the report renders those pages; `collect` then keeps the child's estimates in this
process's fit cache (`survival.remember`), where `compute_stats` finds them.

Nothing here can change a figure: any failure (no `fork` on this platform, other threads running,
a child that dies or sends nothing) leaves the cache as it was, and the fits are made in this
process when they are asked for, exactly as without a child.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from tracker.metrics import survival

WAIT_SECONDS = 300.0  # far above the ~1 s the corpus takes; past it the caller fits for itself


class BackgroundFits:
    """Estimates being fitted in a child process; `collect` once, when they are needed."""

    def __init__(self, process: BaseProcess | None = None, receiver: Connection | None = None) -> None:
        self._process, self._receiver = process, receiver

    @property
    def started(self) -> bool:
        return self._process is not None

    def collect(self, timeout: float = WAIT_SECONDS) -> int:
        """Wait for the child and keep its estimates; how many it sent (0 when it failed)."""
        process, receiver = self._process, self._receiver
        self._process = self._receiver = None
        if process is None or receiver is None:
            return 0
        try:
            found = receiver.recv() if receiver.poll(timeout) else None
        except (EOFError, OSError):
            found = None  # the child died before it sent anything
        finally:
            receiver.close()
            process.join(timeout=1)
            if process.is_alive():
                process.terminate()
                process.join(timeout=1)
        if not found:
            return 0
        survival.remember(dict(found))
        return len(found)


def fit_in_background(samples: Sequence[survival.Sample]) -> BackgroundFits:
    """Start fitting the samples this process does not know yet in a forked child.

    Only where `fork` exists and no other thread runs (forking a threaded process can deadlock the
    child); otherwise nothing starts and the fits happen in this process when asked for.
    """
    keys = [key for key in dict.fromkeys(survival.fit_key(s) for s in samples if s.observations)
            if not survival.known(key)]
    if not keys or "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return BackgroundFits()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_fit_and_send, args=(sender, keys), daemon=True, name="tracker-fits")
    try:
        process.start()
    except OSError:  # cannot fork (a process limit, no memory): fit here instead
        receiver.close()
        sender.close()
        return BackgroundFits()
    sender.close()
    return BackgroundFits(process, receiver)


def _fit_and_send(sender: Connection, keys: list[survival.FitKey]) -> None:
    """In the child: fit every key and send the estimates back (nothing, if anything fails)."""
    try:
        sender.send([(key, survival.fitted(key)) for key in keys])
    except Exception:  # noqa: BLE001 - the parent fits for itself when nothing arrives
        pass
    finally:
        sender.close()
