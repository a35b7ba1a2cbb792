"""Forked helpers: started only where that is safe, what they send received, and always reaped."""

from __future__ import annotations

import os
import threading
import time
from multiprocessing.connection import Connection

import pytest

from tracker import children


def send_pid(connection: Connection, parent_end: Connection) -> None:
    parent_end.close()
    connection.send(os.getpid())
    connection.close()


def die_silently(connection: Connection, parent_end: Connection) -> None:
    parent_end.close()
    os._exit(3)


def hang(connection: Connection, parent_end: Connection) -> None:
    parent_end.close()
    time.sleep(60)


def test_a_child_sends_and_is_reaped() -> None:
    child = children.start_child(send_pid, name="test-child", duplex=False)
    assert child is not None
    process, connection = child
    assert children.receive(connection, timeout=30) == process.pid != os.getpid()
    children.end_child(process, connection)
    assert not process.is_alive() and process.exitcode == 0


def test_a_child_that_dies_sends_nothing_and_one_that_hangs_is_stopped() -> None:
    child = children.start_child(die_silently, name="test-child", duplex=False)
    assert child is not None
    assert children.receive(child[1], timeout=30) is None
    children.end_child(*child)
    assert child[0].exitcode == 3
    stuck = children.start_child(hang, name="test-child", duplex=True)
    assert stuck is not None
    assert children.receive(stuck[1], timeout=0.2) is None
    started = time.monotonic()
    children.end_child(*stuck)
    assert not stuck[0].is_alive() and time.monotonic() - started < 10


def test_no_child_while_another_thread_runs_or_when_fork_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not children.can_fork()
        assert children.start_child(send_pid, name="test-child", duplex=False) is None
    finally:
        stop.set()
        other.join()

    def refuse(self: object) -> None:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr("multiprocessing.process.BaseProcess.start", refuse)
    assert children.start_child(send_pid, name="test-child", duplex=False) is None
