"""Batches: validate many files (each isolated in a worker) and roll the valid ones up.

This is what ``subsidy-rules forms validate`` and ``forms aggregate`` call;
other systems call the same functions.

References:
    Issue 4 ("a batch of many files never loses a good file because of a
    bad one; each bad file gets its own problem code").

Limitations:
    Results come back in the order the paths were given.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import attrs

from subsidy_rules.forms.model import FormLayout
from subsidy_rules.forms.pool import run_isolated
from subsidy_rules.forms.problems import FileReport, Problem, ProblemCode, ValidationReport
from subsidy_rules.forms.rollup import RollUp, UnitInput, roll_up
from subsidy_rules.forms.safety import Limits, require_defusedxml
from subsidy_rules.forms.template import render
from subsidy_rules.forms.validate import FileResult, check_bytes, check_file, validate_data


def _check_path(layout: FormLayout, limits: Limits, path: str) -> FileResult:
    return check_file(layout, path, limits)


def _failed(path: str, reason: str) -> FileResult:
    """A file whose worker ran out of time or memory, or died: its own problem, not the batch's."""
    if "time" in reason or "memory" in reason:
        problem = Problem.make(ProblemCode.TOO_LARGE, what=reason)
    else:
        problem = Problem.make(ProblemCode.DAMAGED_FILE, what=reason)
    return FileResult(FileReport.from_problems(path, None, [problem]), None)


def validate_files(
    layout: FormLayout,
    paths: Sequence[Path | str],
    *,
    limits: Limits | None = None,
    workers: int | None = None,
    isolate: bool = True,
) -> list[FileResult]:
    """Validate each file; with ``isolate`` (the default) each runs in a worker under the limits."""
    require_defusedxml()
    limits = limits or Limits()
    names = [str(p) for p in paths]
    if not isolate:
        return [check_file(layout, name, limits) for name in names]
    return run_isolated(
        functools.partial(_check_path, layout, limits),
        names,
        _failed,
        workers=workers,
        timeout=limits.timeout_seconds,
        memory_bytes=limits.memory_bytes,
    )


def report_of(results: Sequence[FileResult]) -> ValidationReport:
    return ValidationReport(tuple(r.report for r in results))


@attrs.frozen
class Aggregation:
    """The outcome of ``forms aggregate``: every input's report, the roll-up, and its own check."""

    inputs: ValidationReport
    rollup: RollUp | None
    output_report: FileReport | None
    include_invalid: bool

    @property
    def excluded(self) -> tuple[str, ...]:
        if self.include_invalid:
            return ()
        return tuple(f.path for f in self.inputs.files if not f.valid)

    @property
    def ok(self) -> bool:
        """True when every input was valid, the roll-up had no problems and its output validates."""
        return (
            self.inputs.valid
            and self.rollup is not None
            and not any(p.is_error for p in self.rollup.problems)
            and self.output_report is not None
            and self.output_report.valid
        )


def aggregate(
    layout: FormLayout,
    results: Sequence[FileResult],
    *,
    include_invalid: bool = False,
    unit: str | None = None,
    output: Path | str | None = None,
) -> Aggregation:
    """Roll up the valid results (or every readable one with ``include_invalid``); optionally write it.

    The written workbook is read back and validated, so what leaves is known to validate cleanly.
    """
    inputs = [
        UnitInput(r.report.path, r.data, r.report.valid)
        for r in results
        if r.data is not None and (r.report.valid or include_invalid)
    ]
    report = report_of(results)
    if not inputs:
        return Aggregation(report, None, None, include_invalid)
    rolled = roll_up(layout, inputs, unit)
    raw = render(layout, rolled.data, rolled.units)
    name = str(output) if output is not None else "<roll-up>"
    check = check_bytes(layout, raw, name)
    if output is not None:
        Path(output).write_bytes(raw)
    return Aggregation(report, rolled, check.report, include_invalid)


def aggregate_files(
    layout: FormLayout,
    paths: Sequence[Path | str],
    *,
    include_invalid: bool = False,
    unit: str | None = None,
    output: Path | str | None = None,
    limits: Limits | None = None,
    workers: int | None = None,
    isolate: bool = True,
) -> Aggregation:
    """Validate ``paths`` and roll them up in one pass (each file is read once)."""
    results = validate_files(layout, paths, limits=limits, workers=workers, isolate=isolate)
    return aggregate(layout, results, include_invalid=include_invalid, unit=unit, output=output)


__all__ = [
    "Aggregation",
    "aggregate",
    "aggregate_files",
    "report_of",
    "validate_data",
    "validate_files",
]
