"""Pages rendered by two processes from the two ends of one queue: every page once, the same bytes,
and a child that fails or cannot be forked leaves its pages to this process."""

from __future__ import annotations

import os
import threading
import time

import pytest

from tracker.report import workers

PAGES = [f"feature/{i}.html" for i in range(40)]


def render(page: str) -> tuple[str, bytes]:
    return page, f"<h1>{page}</h1>".encode()


def render_noting_the_process(page: str) -> tuple[str, bytes]:
    time.sleep(0.005)  # a page takes a while, so neither process takes them all before the other starts
    return page, str(os.getpid()).encode()


def test_two_processes_render_every_page_exactly_once() -> None:
    queue = workers.PageQueue.start(PAGES, render_noting_the_process)
    assert queue.started
    mine = [render_noting_the_process(page) for page in queue.mine()]
    theirs = queue.collect()
    assert sorted(path for path, _ in mine + theirs) == sorted(PAGES)  # none twice, none missing
    assert mine and {pid for _, pid in mine} == {str(os.getpid()).encode()}
    assert theirs and {pid for _, pid in theirs} != {str(os.getpid()).encode()}  # the child did its share
    assert [path for path, _ in mine + theirs] == PAGES  # this process from the front, the child from the back


def test_the_bytes_do_not_depend_on_which_process_renders() -> None:
    queue = workers.PageQueue.start(PAGES, render)
    both = [render(page) for page in queue.mine()] + queue.collect()
    assert sorted(both) == sorted(render(page) for page in PAGES)


def test_without_a_child_this_process_renders_them_all() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        queue = workers.PageQueue.start(PAGES, render)  # forking a threaded process can deadlock the child
    finally:
        stop.set()
        other.join()
    assert not queue.started
    assert [page for page in queue.mine()] == PAGES and queue.collect() == []
    single = workers.PageQueue.start(PAGES[:1], render)  # one page: not worth a process
    assert not single.started and list(single.mine()) == PAGES[:1]


def test_a_child_that_fails_leaves_its_pages_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def broken_in_the_child(page: str) -> tuple[str, bytes]:
        if os.getpid() != parent:
            raise RuntimeError("template error in the child")
        calls.append(page)
        return render(page)

    parent = os.getpid()
    queue = workers.PageQueue.start(PAGES, broken_in_the_child)
    assert queue.started
    mine = [broken_in_the_child(page) for page in queue.mine()]
    theirs = queue.collect()  # nothing arrived: the pages the child took are rendered here
    assert sorted(mine + theirs) == sorted(render(page) for page in PAGES)
    assert sorted(calls) == sorted(PAGES)


def test_an_error_the_child_met_is_raised_here() -> None:
    def broken(page: str) -> tuple[str, bytes]:
        if page == PAGES[-1]:  # the child's first page
            raise ValueError(f"cannot render {page}")
        return render(page)

    queue = workers.PageQueue.start(PAGES, broken)  # this process takes none: the child takes them all
    with pytest.raises(ValueError, match="cannot render"):
        queue.collect()
