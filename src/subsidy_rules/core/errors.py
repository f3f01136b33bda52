"""The library's exceptions.

One base, :class:`SubsidyRulesError`; each concrete error also subclasses the
builtin a caller would naturally catch (``KeyError`` for an unknown code,
``ValueError`` for a bad file, ``LookupError`` for a date with no value in
force), as attrs does with its own exceptions.

Validators never raise on bad *data*: they return reports of
:class:`~subsidy_rules.core.problem.Problem`. These exceptions are for bad
*calls* and bad *configuration* (an unknown code, a broken layer file a user
asked us to load, an input that cannot be read at all).
"""

from __future__ import annotations

from collections.abc import Sequence

from subsidy_rules.core.problem import Problem


class SubsidyRulesError(Exception):
    """Base of every error this library raises on purpose."""

    def __str__(self) -> str:
        # KeyError would otherwise print repr(args[0]) with quotes around it.
        return str(self.args[0]) if self.args else self.__class__.__name__


class UnknownCodeError(SubsidyRulesError, KeyError):
    """A code or name that no registry entry carries.

    ``suggestions`` holds up to three close matches for a human.
    """

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions: tuple[str, ...] = tuple(suggestions)


class NoValueInForceError(SubsidyRulesError, LookupError):
    """A parameter asked for at a date before its first value or after it ended."""


class DataFileError(SubsidyRulesError, ValueError):
    """A data file or document (parameter layer, layout, case, ledger) that cannot be used.

    Carries every problem found, each with its place, so a user fixes the
    file in one pass.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = str(self.problems[0]) if self.problems else "invalid data file"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem(s))" if more > 0 else ""))
