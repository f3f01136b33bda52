"""Problems found in a submitted workbook, and the validation report.

A problem is the library's one :class:`~subsidy_rules.core.problem.Problem`:
a stable slug code registered with its zh/en templates in
``core/data/problems/forms.toml``, a severity, the place (file, sheet, A1
cell in the submitted file, the row's key, the form's column number), the
offending value as text, and ``detail`` (a failed relation's
``left``/``right``/``difference``/``tolerance`` as text). Validators never
raise on bad data; they return these.

:class:`FileReport` and :class:`ValidationReport` are frozen records; their
JSON shape is made at the edge (``subsidy_rules.serialization``), never here.

References:
    ``shared/DESIGN.md`` (errors: stable slugs, severity, place, zh/en
    messages); issue 4 (the report's shape); issue 8 (one Problem).

Limitations:
    Messages are fixed templates; a caller who needs other wording maps the
    code.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from subsidy_rules.core.problem import Place, Problem, Severity

__all__ = ["FileReport", "Place", "Problem", "Severity", "ValidationReport", "problem"]


def problem(
    code: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    row_key: str | None = None,
    column: int | None = None,
    file: str | None = None,
    value: object = None,
    severity: Severity | None = None,
    detail: Mapping[str, object] | None = None,
    **fields: Any,
) -> Problem:
    """A forms problem at (file, sheet, cell, row key, column); ``fields`` fill the message templates."""
    place = Place(file=file, sheet=sheet, cell=cell, row_key=row_key, column=column)
    return Problem.make(code, place=place, value=value, severity=severity, detail=detail, **fields)


def in_file(problem_: Problem, path: str) -> Problem:
    """``problem_`` placed in the file ``path`` (the reader does not know the file's name)."""
    if problem_.place.file == path:
        return problem_
    return attrs.evolve(problem_, place=attrs.evolve(problem_.place, file=path))


@attrs.frozen
class FileReport:
    """The validation outcome of one file: its path (as given), validity, 填表单位 and problems."""

    path: str
    valid: bool
    unit: str | None
    problems: tuple[Problem, ...]

    @classmethod
    def from_problems(
        cls, path: str | Path, unit: str | None, problems: list[Problem] | tuple[Problem, ...]
    ) -> FileReport:
        name = str(path)
        placed = tuple(in_file(p, name) for p in problems)
        return cls(path=name, valid=not any(p.is_error for p in placed), unit=unit, problems=placed)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)


@attrs.frozen
class ValidationReport:
    """The report over a batch: ``{"schema_version", "files": [...]}`` once serialised at the edge."""

    files: tuple[FileReport, ...]

    @property
    def valid(self) -> bool:
        return all(f.valid for f in self.files)
