"""The ledger's errors: each carries the one problem to report (exit 2, nothing written)."""

from __future__ import annotations

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.problem import Problem


class LedgerError(DataFileError):
    """A ledger operation refused (an unknown item, a move not allowed, a database that is not one …)."""

    def __init__(self, problem: Problem, *more: Problem) -> None:
        super().__init__([problem, *more])
        self.problem = problem


class ConflictError(LedgerError):
    """Someone changed the item since it was read (the optimistic version check); nothing was written."""
