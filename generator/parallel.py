"""Worker processes that can be stopped at once: one process pool for drawing and typesetting.

``process_pool`` yields a :class:`concurrent.futures.ProcessPoolExecutor`
whose workers

- are forked (on Linux), so they inherit what the parent has loaded, such as
  a bank imported as its own synthetic package;
- run numpy's BLAS on one thread each (the pool itself uses every CPU);
- ignore SIGINT: Ctrl-C is the parent's to handle, so no worker prints a
  traceback (and the pdflatex they start inherit the ignored SIGINT);
- die with the parent, and their pdflatex children die with them (Linux's
  ``PR_SET_PDEATHSIG``): a killed build leaves no process behind.

When the body of the ``with`` block raises anything (``KeyboardInterrupt``
included), pending tasks are cancelled and every worker is terminated
(SIGTERM, then SIGKILL after a grace period), which ends its running
pdflatex too; the exception is then re-raised, so the caller can clean up
its files knowing that nothing writes to them any more.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from threadpoolctl import threadpool_limits

#: Seconds a terminated worker (and its pdflatex) gets before it is killed.
TERMINATE_GRACE_S = 2.0


_PR_SET_PDEATHSIG = 1


def _load_prctl() -> Callable[..., int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return None


_PRCTL = _load_prctl()
#: True in a worker process of :func:`process_pool`.
_IN_WORKER = False


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux only; elsewhere nothing).

    Safe to call between fork and exec (``preexec_fn``): it only makes a system call.
    """
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def child_preexec() -> Callable[[], None] | None:
    """What a worker's subprocesses (pdflatex) run before exec: :func:`die_with_parent`; None elsewhere."""
    return die_with_parent if _IN_WORKER and _PRCTL is not None else None


def _init_worker(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    global _IN_WORKER
    _IN_WORKER = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    if os.getppid() != parent:  # the parent died before we asked
        os._exit(1)
    # One BLAS thread per worker: the workers already use every CPU, and each
    # one's own BLAS threads would fight them (500 papers drew 2.4x slower).
    threadpool_limits(1)
    if initializer is not None:
        initializer(*initargs)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else methods[0])


def uses_fork() -> bool:
    """Whether :func:`process_pool` forks its workers (so they inherit loaded modules)."""
    return _context().get_start_method() == "fork"


def terminate(pool: ProcessPoolExecutor) -> None:
    """Cancel ``pool``'s pending tasks and end its workers and their children now."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        p.terminate()  # its pdflatex, if any, dies with it
    deadline = time.monotonic() + TERMINATE_GRACE_S
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in processes:
        if p.is_alive():
            p.kill()
            p.join(1.0)


@contextmanager
def process_pool(workers: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple[Any, ...] = ()) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes, terminated at once if the ``with`` body raises.

    ``initializer(*initargs)`` runs in each worker after it starts; with
    forked workers ``initargs`` are inherited, not pickled.
    """
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_init_worker,
                               initargs=(os.getpid(), initializer, initargs))
    gc.freeze()  # forked workers then never touch (and so copy) the parent's objects when they collect
    try:
        yield pool
    except BaseException:
        terminate(pool)
        raise
    finally:
        gc.unfreeze()
    pool.shutdown(wait=True)


_INHERITED: tuple[Any, Sequence[Any]] | None = None


def _inherit(result: Any, writers: Sequence[Any]) -> None:
    global _INHERITED
    _INHERITED = (result, writers)


def _run_inherited(out: str) -> list[str]:
    assert _INHERITED is not None
    result, writers = _INHERITED
    written: list[str] = []
    for w in writers:
        written += [str(p) for p in w.write(result, Path(out))]
    return written


class ForkedWriters:
    """Writers run in one forked worker while the calling process runs others: two cores for one result.

    ``write(result, out)`` forks a worker that inherits ``result`` (nothing is
    pickled but the paths written), runs ``forked`` writers there and
    ``local`` writers here, and returns all their paths (local first). A
    writer's exception in the worker is re-raised here; if anything raises,
    the worker is ended (see :func:`process_pool`). Where fork is unavailable
    all writers run here, in order. ``prepare(result)``, if given, runs here
    first: work the forked writers need that is quicker before the fork (the
    worker inherits what it caches) than in the worker, where every object of
    the parent it touches is copied page by page.
    """

    def __init__(self, local: Sequence[Any], forked: Sequence[Any],
                 prepare: Callable[[Any], object] | None = None) -> None:
        self.local, self.forked, self.prepare = list(local), list(forked), prepare

    def write(self, result: Any, out: Path) -> list[Path]:
        if self.prepare is not None:
            self.prepare(result)
        if not uses_fork() or not self.forked:
            return [p for w in (*self.local, *self.forked) for p in w.write(result, out)]
        with process_pool(1, _inherit, (result, self.forked)) as pool:
            future = pool.submit(_run_inherited, str(out))
            written = [p for w in self.local for p in w.write(result, out)]
            return written + [Path(p) for p in future.result()]
