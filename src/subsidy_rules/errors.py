"""The library's exceptions.

One base, :class:`SubsidyRulesError`; each concrete error also subclasses the
builtin a caller would naturally catch (``KeyError`` for an unknown code,
``ValueError`` for a bad file, ``LookupError`` for a date with no value in
force), as attrs does with its own exceptions.

Validators never raise on bad *data*: they return reports. These exceptions
are for bad *calls* and bad *configuration* (an unknown code, a broken layer
file a user asked us to load).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs


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


@attrs.frozen
class DataProblem:
    """One problem in a data file: where it is and what is wrong.

    ``path`` is a key path such as ``parameters."ssi.ratio".values[1].from``.
    """

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"


class DataFileError(SubsidyRulesError, ValueError):
    """A data file (parameter layer, layout, case) that cannot be used.

    Carries every problem found, each with its file and key path, so a user
    fixes the file in one pass.
    """

    def __init__(self, problems: Sequence[DataProblem]) -> None:
        self.problems: tuple[DataProblem, ...] = tuple(problems)
        first = str(self.problems[0]) if self.problems else "invalid data file"
        more = len(self.problems) - 1
        super().__init__(first + (f" (and {more} more problem(s))" if more > 0 else ""))
