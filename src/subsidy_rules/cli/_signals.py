"""Ctrl-C and SIGTERM, handled alike: stop, clean up, exit ``128 + signal`` with one line.

The console entry point installs :func:`install` before anything heavy is
imported (this module needs only the standard library), so a signal during
start-up is answered like one at any other time. The handler raises
:class:`Interrupted` (a :class:`KeyboardInterrupt`, so every ``finally`` and
``except BaseException`` on the way up runs: staged output folders, the
audit's temporary folder, openpyxl's temporary files are removed) and
remembers which signal came, so an exception some library made of it
(DuckDB turns the interruption of a running query into ``RuntimeError:
Query interrupted``) is still reported as the interruption it is. A DuckDB
query in progress is stopped with ``interrupt()``
(:mod:`subsidy_rules.core.interrupts`).

Exit codes follow the shell's convention: 130 for SIGINT (Ctrl-C), 143 for
SIGTERM.

A second signal within :data:`GRACE_SECONDS` of the first is noted and
otherwise ignored, so the clean-up the first one started is not cut short;
a later one interrupts again (someone insists).

Limitations:
    SIGKILL cannot be handled. What a run killed with ``kill -9`` leaves
    behind (hidden ``.NAME.*.partial`` entries beside its outputs) is
    removed by the next run writing the same output
    (:mod:`subsidy_rules.core.files`); the audit's ``subsidy-audit-*`` folder
    in the temporary directory is left to the system's temp cleaner.
"""

from __future__ import annotations

import signal
import sys
import time
from types import FrameType

#: Where the running-query registry lives; imported by the command machinery (``cli._common``), not
#: here, so installing the handlers costs nothing (``subsidy_rules.core`` loads the whole core).
_INTERRUPTS = "subsidy_rules.core.interrupts"

#: Seconds after a first signal during which a second one does not interrupt the clean-up.
GRACE_SECONDS = 2.0

_HANDLED = (signal.SIGINT, signal.SIGTERM)

_received: list[int] = []
_first_at: list[float] = []


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal (``signum``): SIGINT (Ctrl-C) or SIGTERM."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _handler(signum: int, frame: FrameType | None) -> None:
    now = time.monotonic()
    _received.append(signum)
    if _first_at and now - _first_at[0] < GRACE_SECONDS:
        return
    if not _first_at:
        _first_at.append(now)
    else:
        _first_at[0] = now
    registry = sys.modules.get(_INTERRUPTS)
    if registry is not None:  # before it is loaded no query can be running
        registry.interrupt_running(frame)  # a DuckDB query in progress would otherwise run to its end
    raise Interrupted(signum)


def install() -> None:
    """Answer SIGINT and SIGTERM with :class:`Interrupted` (a SIGINT ignored by the caller stays ignored)."""
    for signum in _HANDLED:
        if signum == signal.SIGINT and signal.getsignal(signum) is signal.SIG_IGN:
            continue  # started in the background by a shell, or under nohup: the caller chose to ignore it
        signal.signal(signum, _handler)


def received() -> int | None:
    """The first signal received in this run, if any."""
    return _received[0] if _received else None


def reset() -> None:
    """Forget the signals received (each run in one process starts clean: tests, embedding)."""
    _received.clear()
    _first_at.clear()


def signal_of(exc: BaseException) -> int | None:
    """The signal that stopped the run, when ``exc`` is (or was caused by) an interruption; else None.

    A :class:`KeyboardInterrupt` raised by Python's own SIGINT handler counts
    as SIGINT; any other exception counts as the interruption once a signal
    has been received (DuckDB's ``Query interrupted``, a worker pool torn down).
    """
    if isinstance(exc, Interrupted):
        return exc.signum
    if received() is not None:
        return received()
    if isinstance(exc, KeyboardInterrupt):
        return int(signal.SIGINT)
    return None


def exit_code(signum: int) -> int:
    """``128 + signum``: 130 for SIGINT, 143 for SIGTERM."""
    return 128 + int(signum)


def signal_name(signum: int) -> str:
    """``Ctrl-C`` for SIGINT, else the signal's name (``SIGTERM``)."""
    return "Ctrl-C" if signum == signal.SIGINT else signal.Signals(signum).name


def say_interrupted(signum: int) -> None:
    """The one line for an interruption that came before the command line could answer (start-up)."""
    name = signal_name(signum)
    try:
        # the cli-interrupted problem's words, without loading the problem registry this early
        zh, en = f"已中断（{name}），未留下不完整的文件", f"interrupted ({name}); no partial file was left"
        sys.stderr.write(f"error: {zh}（{en}）\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # pragma: no cover - stderr closed
        pass
