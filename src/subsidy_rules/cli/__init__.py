"""``subsidy-rules``: the command line, thin over the library.

Exit codes (a contract other scripts rely on): 0 ran and all is well,
1 ran and found problems, 2 could not run (bad arguments, unreadable input,
any unexpected error — never a traceback; ``--debug`` shows it), 130
interrupted by Ctrl-C and 143 stopped by SIGTERM (no partial file left).
Every command takes ``--format text|json``; JSON documents carry
``schema_version``, and an exit-2 run with ``--format json`` still prints a
JSON error document. The machinery lives in :mod:`subsidy_rules.cli._common`;
the root group is :data:`cli` (defined in :mod:`subsidy_rules.cli._root`).

This module stays light on purpose: the console entry point :func:`main`
installs the signal handlers (:mod:`subsidy_rules.cli._signals`) before the
commands and their libraries are imported, so a Ctrl-C or SIGTERM during
start-up is answered with one line too.
"""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING, Any

from subsidy_rules.cli import _signals

if TYPE_CHECKING:
    from subsidy_rules.cli._root import cli as cli


def __getattr__(name: str) -> Any:
    if name == "cli":
        from subsidy_rules.cli._root import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _stopped(exc: BaseException) -> int:
    signum = _signals.signal_of(exc) or int(signal.SIGINT)
    _signals.say_interrupted(signum)
    return _signals.exit_code(signum)


def main() -> None:
    """Console entry point: signal handlers first, then the commands."""
    _signals.install()
    try:
        from subsidy_rules.cli._root import cli as root
    except KeyboardInterrupt as exc:  # a signal while the libraries load
        sys.exit(_stopped(exc))
    try:
        root(prog_name="subsidy-rules")
    except KeyboardInterrupt as exc:  # a signal between the root group's own handler and the exit
        sys.exit(_stopped(exc))


__all__ = ["cli", "main"]
