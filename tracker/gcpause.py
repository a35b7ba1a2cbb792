"""Pause Python's cyclic garbage collector around a batch job that makes many objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off for the block, back to what it was afterwards (also on failure).

    Matching the corpus and rendering its report each make hundreds of thousands of short-lived
    objects without reference cycles: the collector runs hundreds of times (some full passes) and
    finds nothing. Reference counting still frees everything as usual.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
