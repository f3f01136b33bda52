"""Per-file isolation: run a task over many files in worker processes with time and memory limits.

Each worker process caps its own address space (``RLIMIT_AS``) and arms a
wall-clock alarm around each file, so a zip bomb that slipped past the size
checks raises MemoryError, and a parser that hangs is interrupted. If a
worker dies anyway (a native library aborting, the kernel's OOM killer) or
overruns its deadline, the parent kills it, records that one file's failure
and starts a fresh worker: a batch never loses a good file because of a bad
one.

References:
    ``shared/xlsx-input-hazards.md`` (timing: ``signal.alarm`` interrupts
    openpyxl; for batch runs, a worker process with a memory cap and a kill
    turns every bomb into a per-file error).

Workers die with their parent. A worker ignores SIGINT (a Ctrl-C at the
terminal reaches the whole process group; the parent answers it and stops
the workers) and dies quietly on SIGTERM, so an interruption never prints a
worker's traceback. On Linux each worker also asks the kernel for SIGKILL
when its parent dies (``prctl(PR_SET_PDEATHSIG)``), so a parent killed with
``kill -9`` leaves no worker behind holding the caller's pipes: a script
that captures the output gets its end of file.

Limitations:
    ``RLIMIT_AS`` and ``SIGALRM`` exist on POSIX only; elsewhere the parent's
    deadline and kill are the only guard. ``PR_SET_PDEATHSIG`` is Linux's;
    elsewhere a worker finds its parent gone only at its next message.
    Results travel by pickling.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from types import FrameType
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Extra seconds the parent allows beyond the worker's own alarm before it kills the worker.
KILL_GRACE_SECONDS = 5.0
#: Most files sent to a worker in one message.
MAX_CHUNK = 16


class WorkTimeout(Exception):
    """The per-file wall-clock limit fired inside the worker."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise WorkTimeout()


def _limit_memory(memory_bytes: int | None) -> None:
    if memory_bytes is None or sys.platform == "win32":  # pragma: no cover - platform guard
        return
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


#: ``PR_SET_PDEATHSIG`` from ``<linux/prctl.h>``.
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> bool:
    """Ask the kernel for SIGKILL when the parent dies (Linux); True when that is arranged."""
    if not sys.platform.startswith("linux"):  # pragma: no cover - platform guard
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        done = bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
        return False
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)
    return done


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _quiet_signals() -> None:
    """Leave SIGINT to the parent; die on SIGTERM without a traceback (then let them through)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


def _worker_main(  # pragma: no cover - runs in the child process, where coverage does not measure
    conn: Connection, task: Callable[[Any], Any], timeout: float, memory_bytes: int | None, parent: int
) -> None:
    _quiet_signals()
    _die_with_parent(parent)
    _limit_memory(memory_bytes)
    has_alarm = hasattr(signal, "setitimer")
    if has_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        indices, items = message
        outcomes: list[tuple[int, tuple[str, Any]]] = []
        for index, item in zip(indices, items, strict=True):
            try:
                if has_alarm:
                    signal.setitimer(signal.ITIMER_REAL, timeout)
                try:
                    outcome: tuple[str, Any] = ("ok", task(item))
                finally:
                    if has_alarm:
                        signal.setitimer(signal.ITIMER_REAL, 0)
            except WorkTimeout:
                outcome = ("failed", f"time limit of {timeout:g} s exceeded")
            except MemoryError:
                outcome = ("failed", "memory limit exceeded")
            except Exception as exc:  # the task's own bug: report it against this file, keep the worker
                outcome = ("failed", f"{type(exc).__name__}: {exc}")
            outcomes.append((index, outcome))
        try:
            conn.send(outcomes)
        except MemoryError:
            conn.send([(index, ("failed", "memory limit exceeded")) for index in indices])


class _Worker(Generic[T]):
    def __init__(self, ctx: Any, task: Callable[[T], Any], timeout: float, memory_bytes: int | None) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker_main, args=(child, task, timeout, memory_bytes, os.getpid()), daemon=True
        )
        # Signals are held while the worker is forked, until it has its own handlers (no traceback window).
        held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS) if hasattr(signal, "pthread_sigmask") else None
        try:
            self.process.start()
        finally:
            if held is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
        child.close()
        self.indices: list[int] | None = None
        self.deadline = 0.0

    @property
    def index(self) -> int | None:
        """The first item in hand (None when idle)."""
        return self.indices[0] if self.indices else None

    def give(self, indices: list[int], items: list[T], deadline: float) -> None:
        self.indices = indices
        self.deadline = deadline
        self.conn.send((indices, items))

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():  # pragma: no cover - a worker that ignores its stop message
            self.process.kill()
            self.process.join()
        self.conn.close()


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    # fork starts workers in milliseconds and inherits the loaded layouts; spawn elsewhere.
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_isolated(
    task: Callable[[T], R],
    items: Sequence[T],
    on_failure: Callable[[T, str], R],
    *,
    workers: int | None = None,
    timeout: float = 60.0,
    memory_bytes: int | None = 2 * 1024**3,
) -> list[R]:
    """``[task(item) for item in items]``, each in a worker process under a time and memory limit.

    When a worker reports a failure, dies or overruns, ``on_failure(item,
    reason)`` gives that item's result instead. ``task`` must be a top-level
    function (or a ``functools.partial`` of one) so it can be sent to workers.
    """
    if not items:
        return []
    count = max(1, min(workers or os.cpu_count() or 1, len(items)))
    # Files travel in small chunks (fewer round trips); a chunk whose worker dies is re-run one file at a
    # time, so a bomb still costs only its own file.
    size = max(1, min(MAX_CHUNK, len(items) // (count * 8)))
    ctx = _context()
    results: list[Any] = [None] * len(items)
    done = [False] * len(items)
    pending: list[list[int]] = [list(range(i, min(i + size, len(items)))) for i in range(0, len(items), size)]
    pending.reverse()
    pool: list[_Worker[T]] = [_Worker(ctx, task, timeout, memory_bytes) for _ in range(count)]

    def feed(worker: _Worker[T]) -> None:
        if pending:
            chunk = pending.pop()
            deadline = time.monotonic() + len(chunk) * timeout + KILL_GRACE_SECONDS
            worker.give(chunk, [items[i] for i in chunk], deadline)
        else:
            worker.indices = None

    try:
        for worker in pool:
            feed(worker)
        while not all(done):
            busy = [w for w in pool if w.indices]
            now = time.monotonic()
            wait_for = max(0.0, min(w.deadline for w in busy) - now)
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=wait_for)
            for i, worker in enumerate(pool):
                if not worker.indices:
                    continue
                chunk = worker.indices
                if worker.conn in ready:
                    try:
                        outcomes = worker.conn.recv()
                    except (EOFError, OSError):
                        outcomes = None
                    if outcomes is not None:
                        for index, (status, payload) in outcomes:
                            results[index] = payload if status == "ok" else on_failure(items[index], str(payload))
                            done[index] = True
                        feed(worker)
                        continue
                died = worker.conn in ready or worker.process.sentinel in ready
                if died or time.monotonic() > worker.deadline:
                    overran = not died
                    worker.stop(kill=True)
                    pool[i] = _Worker(ctx, task, timeout, memory_bytes)
                    if len(chunk) > 1:
                        pending.extend([index] for index in reversed(chunk))
                    else:
                        code = worker.process.exitcode
                        reason = "time limit exceeded" if overran else f"the reading process died (exit code {code})"
                        results[chunk[0]] = on_failure(items[chunk[0]], reason)
                        done[chunk[0]] = True
                    feed(pool[i])
    except BaseException:  # Ctrl-C, SIGTERM, a bug: no worker outlives the batch
        for worker in pool:
            worker.stop(kill=True)
        raise
    for worker in pool:
        worker.stop(kill=worker.index is not None)
    return results
