"""Render a report's pages in two processes: this one and a forked child, taking pages from the two
ends of one queue until they meet.

A report's feature and party pages make their view-models when they are rendered (`Page.build`),
so a child forked after planning makes and renders pages from the same data, and writes them
into the report's staging folder itself (`child_render`), sending back only their sizes (or,
without a staging folder, the pages themselves, through a pipe). Which process renders which page is decided
as they go (a shared pair of counters under a lock), so neither waits for the other however the
work falls; the bytes are the same whichever process renders a page (rendering is a pure function
of the page and the parameters).

Nothing here can change the site: where `fork` is missing or other threads run, when the fork
fails, or when the child dies, raises or sends nothing, this process renders the pages the child
had taken (`PageQueue.collect`), which also raises whatever error the child met.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

from tracker.children import can_fork, end_child, receive, start_child

WAIT_SECONDS = 300.0  # far above the ~0.2 s the corpus takes; past it this process renders them itself

P = TypeVar("P")
Rendered = tuple[str, bytes]  # (relative path, page bytes)
Done = tuple[str, bytes | int]  # ... or its size, when the child wrote the page itself (`child_render`)


class _Ends:
    """The queue's two ends: `front` is the next index this process takes, `back` one past the next
    the child takes; the pages in between are nobody's yet."""

    def __init__(self, size: int, shared: bool) -> None:
        if shared:
            context = multiprocessing.get_context("fork")
            self._values: Any = context.RawArray("q", [0, size])
            self._lock: Any = context.Lock()
        else:
            self._values, self._lock = [0, size], threading.Lock()

    def take_front(self) -> int | None:
        with self._lock:
            front, back = self._values[0], self._values[1]
            if front >= back:
                return None
            self._values[0] = front + 1
            return front

    def take_back(self) -> int | None:
        with self._lock:
            front, back = self._values[0], self._values[1]
            if front >= back:
                return None
            self._values[1] = back - 1
            return back - 1

    @property
    def front(self) -> int:
        with self._lock:
            return int(self._values[0])


class PageQueue(Generic[P]):
    """Pages rendered from both ends: `start` forks the child (which takes from the back), `mine` yields
    the pages this process takes from the front, `collect` gathers the child's rendered pages."""

    def __init__(self, pages: Sequence[P], render: Callable[[P], Rendered], ends: _Ends,
                 process: BaseProcess | None = None, connection: Connection | None = None) -> None:
        self._pages, self._render, self._ends = pages, render, ends
        self._process, self._connection = process, connection

    @classmethod
    def start(cls, pages: Sequence[P], render: Callable[[P], Rendered],
              child_render: Callable[[P], Done] | None = None) -> PageQueue[P]:
        """Fork a child rendering pages from the back of `pages` with `render` (or `child_render`, which may
        write a page where it belongs and give its size instead of its bytes); without one (one page, or no
        safe fork: `children.start_child`) this process takes them all."""
        if len(pages) >= 2 and can_fork():
            ends = _Ends(len(pages), shared=True)
            child = start_child(_serve, pages, ends, child_render or render, name="tracker-pages", duplex=False)
            if child:
                return cls(pages, render, ends, *child)
        return cls(pages, render, _Ends(len(pages), shared=False))

    @property
    def started(self) -> bool:
        return self._process is not None

    def mine(self) -> Iterator[P]:
        """The pages this process renders, taken one at a time from the front."""
        while (index := self._ends.take_front()) is not None:
            yield self._pages[index]

    def collect(self, timeout: float = WAIT_SECONDS) -> list[Done]:
        """The pages the child took, rendered: as it sent them, or rendered here when it failed (with any
        nobody took yet). Call once `mine` is exhausted."""
        connection = self._connection
        if connection is None:
            return []
        try:
            found = receive(connection, timeout)
        finally:
            self.close()
        if isinstance(found, list):
            return found
        return list(map(self._render, self._pages[self._ends.front:]))

    def close(self) -> None:
        """End the child, whatever it is doing (nothing after `collect`)."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        end_child(process, connection)


def _serve(connection: Connection, parent_end: Connection, pages: Sequence[P], ends: _Ends,
           render: Callable[[P], Done]) -> None:
    """In the child: render pages from the back until the ends meet, then send them (nothing, if anything
    fails: the parent renders what the child took)."""
    parent_end.close()
    try:
        done: list[Done] = []
        while (index := ends.take_back()) is not None:
            done.append(render(pages[index]))
        connection.send(done[::-1])  # in page order: the last pages of the queue, front to back
    except Exception:  # noqa: BLE001 - the parent renders them itself and meets the same error
        pass
    finally:
        connection.close()
