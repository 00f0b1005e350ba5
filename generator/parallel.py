"""Worker processes that can be stopped at once: one process pool for drawing and typesetting.

``process_pool`` yields a :class:`concurrent.futures.ProcessPoolExecutor`
whose workers

- are forked (on Linux), so they inherit what the parent has loaded, such as
  a bank imported as its own synthetic package;
- ignore SIGINT: Ctrl-C is the parent's to handle, so no worker prints a
  traceback;
- each lead a process group of their own, which their pdflatex children join.

When the body of the ``with`` block raises anything (``KeyboardInterrupt``
included), pending tasks are cancelled and every worker's process group is
terminated (SIGTERM, then SIGKILL after a grace period), which ends running
pdflatex processes too; the exception is then re-raised, so the caller can
clean up its files knowing that nothing writes to them any more.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

#: Seconds a terminated worker (and its pdflatex) gets before it is killed.
TERMINATE_GRACE_S = 2.0


def _init_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.setpgrp()
    if initializer is not None:
        initializer(*initargs)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else methods[0])


def uses_fork() -> bool:
    """Whether :func:`process_pool` forks its workers (so they inherit loaded modules)."""
    return _context().get_start_method() == "fork"


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def terminate(pool: ProcessPoolExecutor) -> None:
    """Cancel ``pool``'s pending tasks and end its workers and their children now."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.pid is not None:
            _signal_group(p.pid, signal.SIGTERM)
    deadline = time.monotonic() + TERMINATE_GRACE_S
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in processes:
        if p.pid is not None:
            _signal_group(p.pid, signal.SIGKILL)  # the worker, or pdflatex children left behind
        p.join(1.0)


@contextmanager
def process_pool(workers: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple[Any, ...] = ()) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes, terminated at once if the ``with`` body raises.

    ``initializer(*initargs)`` runs in each worker after it starts; with
    forked workers ``initargs`` are inherited, not pickled.
    """
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_init_worker,
                               initargs=(initializer, initargs))
    try:
        yield pool
    except BaseException:
        terminate(pool)
        raise
    pool.shutdown(wait=True)
