"""Stopping a running database query when the run is interrupted (Ctrl-C, SIGTERM).

A signal reaches Python only between bytecodes; a DuckDB query runs in C.
DuckDB checks for signals while it runs and calls the Python handler, but
once NumPy is loaded (it always is under Ibis) raising from the handler no
longer stops the query: it runs to its end, minutes later. The handler
therefore asks every DuckDB connection that may be running to stop with
``interrupt()``; the query then raises ``RuntimeError: Query interrupted``,
which the command line reports as the interruption it is (exit 130/143),
and every ``finally`` on the way up (temporary folders, staged outputs) runs.

Which connections: those registered with :func:`interruptible` (the clean
way for code that opens one), and those the interrupted stack holds — a
local variable that is a connection, or an object in a local variable whose
``con`` attribute is one (Ibis's DuckDB backend) — so a module that never
registered its connection is stopped too.

Limitations:
    Only DuckDB connections (anything with the ``duckdb`` module's
    connection type). A query running on another thread is reached only
    through the registry.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from types import FrameType
from typing import Any

_registered: list[Any] = []


@contextlib.contextmanager
def interruptible(connection: Any) -> Iterator[Any]:
    """Register ``connection`` so an interruption stops its running query (for the ``with`` block)."""
    _registered.append(connection)
    try:
        yield connection
    finally:
        with contextlib.suppress(ValueError):
            _registered.remove(connection)


def _connection_type() -> type | None:
    duckdb = sys.modules.get("duckdb")
    found = getattr(duckdb, "DuckDBPyConnection", None) if duckdb is not None else None
    return found if isinstance(found, type) else None


def connections_in(frame: FrameType | None, kind: type) -> list[Any]:
    """Connections of type ``kind`` held by the frames of the stack from ``frame`` outwards."""
    found: list[Any] = []
    seen: set[int] = set()

    def add(value: Any) -> None:
        if isinstance(value, kind) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)

    while frame is not None:
        for value in list(frame.f_locals.values()):
            add(value)
            with contextlib.suppress(Exception):
                add(getattr(value, "con", None))
        frame = frame.f_back
    return found


def interrupt_running(frame: FrameType | None) -> int:
    """Ask each connection that may be running a query to stop; returns how many were asked."""
    kind = _connection_type()
    if kind is None:
        return 0
    targets = [c for c in _registered if isinstance(c, kind)]
    ids = {id(c) for c in targets}
    targets += [c for c in connections_in(frame, kind) if id(c) not in ids]
    for connection in targets:
        with contextlib.suppress(Exception):  # a closed connection
            connection.interrupt()  # type: ignore[attr-defined]
    return len(targets)
