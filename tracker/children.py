"""Forked helper processes: start one only where that is safe, and end it whatever state it is in.

A report makes its Kaplan–Meier fits (`metrics.background`) and renders part of its pages
(`report.workers`) in children forked from its own process. Both go through here: `fork`
must exist and no other thread may run (forking a threaded process, such as the scheduler's,
can deadlock the child), and a fork that fails (a process limit, no memory) is no error, only
no child: the caller then does the work itself.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def start_child(target: Callable[..., None], *args: Any, name: str,
                duplex: bool) -> tuple[BaseProcess, Connection] | None:
    """Fork a daemon child running `target(child_end, parent_end, *args)` and return it with this process's
    end of the pipe between them (with `duplex` false this end receives, the child's sends); None where a
    fork is unsafe or fails. The child must close `parent_end`, its copy of this process's end."""
    if not can_fork():
        return None
    context = multiprocessing.get_context("fork")
    here, there = context.Pipe(duplex=duplex)
    process = context.Process(target=target, args=(there, here, *args), daemon=True, name=name)
    try:
        process.start()
    except OSError:
        here.close()
        there.close()
        return None
    there.close()
    return process, here


def receive(connection: Connection, timeout: float) -> object | None:
    """What the child sent within `timeout` seconds; None when it sent nothing or died first."""
    try:
        return connection.recv() if connection.poll(timeout) else None
    except (EOFError, OSError):
        return None  # the child died before it sent anything


def end_child(process: BaseProcess | None, connection: Connection | None) -> None:
    """Close this process's end of the pipe and reap the child, stopping it if it does not end by itself."""
    if connection is not None:
        connection.close()
    if process is not None:
        process.join(timeout=1)
        if process.is_alive():
            process.terminate()
            process.join(timeout=1)
