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
import os
import re
from collections.abc import Sequence
from pathlib import Path

import attrs

from subsidy_rules.forms.model import FormLayout, UnitEntry
from subsidy_rules.forms.pool import run_isolated
from subsidy_rules.forms.problems import FileReport, Problem, Severity, ValidationReport, problem
from subsidy_rules.forms.reader import squash
from subsidy_rules.forms.rollup import RollUp, UnitInput, roll_up
from subsidy_rules.forms.template import render
from subsidy_rules.forms.validate import FileResult, check_bytes, check_file, validate_data
from subsidy_rules.workbooks.safety import Limits, require_defusedxml


def _check_path(layout: FormLayout, limits: Limits, path: str) -> FileResult:
    return check_file(layout, path, limits)


def _failed(path: str, reason: str) -> FileResult:
    """A file whose worker ran out of time or memory, or died: its own problem, not the batch's."""
    if "time" in reason or "memory" in reason:
        found = problem("too-large", what=reason)
    else:
        found = problem("damaged-file", what=reason)
    return FileResult(FileReport.from_problems(path, None, [found]), None)


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
class RollUpReport:
    """What ``forms aggregate`` says of the roll-up it made (the ``rollup`` of its report)."""

    output: str
    unit: str | None
    zero_units: tuple[str, ...]
    excluded: tuple[str, ...]
    problems: tuple[Problem, ...]
    output_report: FileReport | None


@attrs.frozen
class AggregationReport:
    """The report of ``forms aggregate``: one JSON shape, read back with ``from_json``.

    ``files`` are the inputs' validation reports (as in ``forms validate``);
    ``units`` every file given, included or left out and why; ``problems`` the
    roll-up's own (duplicates); ``written`` whether the workbook was written.
    """

    files: tuple[FileReport, ...]
    include_invalid: bool
    units: tuple[UnitEntry, ...]
    problems: tuple[Problem, ...]
    written: bool
    rollup: RollUpReport | None


@attrs.frozen
class Aggregation:
    """The outcome of ``forms aggregate``: every input's report, the roll-up, and its own check.

    ``units`` lists every file given, included or left out and why (the 汇总单位 sheet of the
    written workbook); ``problems`` are the roll-up's own (the same unit or file given twice, a
    roll-up given together with one of its own units); ``written`` says whether the output was
    written (never when such a problem stands, unless ``allow_duplicates``).
    """

    inputs: ValidationReport
    rollup: RollUp | None
    output_report: FileReport | None
    include_invalid: bool
    units: tuple[UnitEntry, ...] = ()
    problems: tuple[Problem, ...] = ()
    written: bool = False
    #: The roll-up workbook's bytes (None when nothing may be written).
    raw: bytes | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def excluded(self) -> tuple[str, ...]:
        return tuple(u.path for u in self.units if not u.included)

    def report(self, output: str) -> AggregationReport:
        """The record ``forms aggregate --format json`` prints; ``output`` names the workbook."""
        rollup = None
        if self.rollup is not None:
            rollup = RollUpReport(
                output=output,
                unit=self.rollup.data.unit,
                zero_units=self.rollup.zero_units,
                excluded=self.excluded,
                problems=self.rollup.problems,
                output_report=self.output_report,
            )
        return AggregationReport(
            files=self.inputs.files,
            include_invalid=self.include_invalid,
            units=self.units,
            problems=self.problems,
            written=self.raw is not None,
            rollup=rollup,
        )

    @property
    def ok(self) -> bool:
        """True when every input was valid, the roll-up had no problems and its output validates."""
        return (
            self.inputs.valid
            and self.rollup is not None
            and not any(p.is_error for p in self.problems)
            and not any(p.is_error for p in self.rollup.problems)
            and self.output_report is not None
            and self.output_report.valid
        )


def shown_path(path: str, output: Path | str | None) -> str:
    """``path`` as the roll-up workbook records it: relative to the output's folder, never absolute."""
    base = Path(output).resolve().parent if output is not None else Path.cwd()
    try:
        relative = os.path.relpath(Path(path).resolve(), base)
    except ValueError:  # another drive (Windows)
        return Path(path).name
    return Path(path).name if os.path.isabs(relative) else relative


def duplicates(results: Sequence[FileResult], *, severity: Severity | None = None) -> list[Problem]:
    """The same file twice, the same unit twice, or a roll-up given with one of its own units."""
    problems: list[Problem] = []
    by_digest: dict[str, str] = {}
    by_unit: dict[str, str] = {}
    rollups: list[tuple[str, frozenset[str]]] = []
    same_file: set[str] = set()
    for r in results:
        path = r.report.path
        if r.digest:
            if r.digest in by_digest:
                problems.append(
                    problem("duplicate-file", severity=severity, value=path, first=by_digest[r.digest], second=path)
                )
                same_file.add(path)
                continue
            by_digest[r.digest] = path
        if r.data is None:
            continue
        if r.data.units:
            rollups.append((path, frozenset(squash(u) for u in r.data.units)))
        name = squash(r.data.unit or "")
        if name:
            if name in by_unit:
                problems.append(
                    problem(
                        "duplicate-unit",
                        severity=severity,
                        value=r.data.unit,
                        unit=r.data.unit,
                        first=by_unit[name],
                        second=path,
                    )
                )
                continue
            by_unit[name] = path
    for rollup_path, names in rollups:
        for r in results:
            if r.data is None or r.report.path == rollup_path or r.report.path in same_file:
                continue
            name = squash(r.data.unit or "")
            if name and name in names:
                problems.append(
                    problem(
                        "rollup-with-own-unit",
                        severity=severity,
                        value=r.data.unit,
                        rollup=rollup_path,
                        unit=r.data.unit,
                        unit_file=r.report.path,
                    )
                )
    return problems


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    """``text`` without control characters (C0, DEL, C1): what a worksheet cell and a terminal line can hold."""
    return _CONTROLS.sub("", text)


def aggregate(
    layout: FormLayout,
    results: Sequence[FileResult],
    *,
    include_invalid: bool = False,
    unit: str | None = None,
    output: Path | str | None = None,
    allow_duplicates: bool = False,
    relative_to: Path | str | None = None,
) -> Aggregation:
    """Roll up the valid results (or every readable one with ``include_invalid``); optionally write it.

    Nothing is added up or written when the same unit or file is given twice or a roll-up is given
    with one of its own units, unless ``allow_duplicates`` (then they are warnings). The written
    workbook lists every file given with its status, by relative name, and is read back and
    validated, so what leaves is known to validate cleanly. It is written atomically.
    """
    # A control character cannot be written into a worksheet (openpyxl refuses it): the unit is kept without them.
    unit = without_controls(unit) if unit is not None else None
    if output is not None:
        target = Path(output).resolve()
        for r in results:
            if Path(r.report.path).resolve() == target:
                raise ValueError(f"the output {output} is one of the inputs")
    report = report_of(results)
    found = duplicates(results, severity=Severity.WARNING if allow_duplicates else None)
    blocked = any(p.is_error for p in found)
    dup_paths = {p.place.file or str(p.value) for p in found}
    dup_paths |= {str(p.value) for p in found if p.code == "duplicate-file"}
    inputs: list[UnitInput] = []
    entries: list[UnitEntry] = []
    for r in results:
        data = r.data
        name = without_controls((data.unit if data is not None else None) or Path(r.report.path).stem)
        shown = shown_path(r.report.path, output if output is not None else relative_to)
        units = max(1, data.rolled_units) if data is not None else 1
        zero = data.is_all_zero(layout) if data is not None else False
        if data is None:
            entries.append(UnitEntry(name, shown, units, False, False, included=False, reason="无法读取"))
            continue
        if not r.report.valid and not include_invalid:
            entries.append(UnitEntry(name, shown, units, zero, False, included=False, reason="未通过校验"))
            continue
        if blocked:
            why = "重复报送，未汇总" if r.report.path in dup_paths else "存在重复报送，未汇总"
            entries.append(UnitEntry(name, shown, units, zero, r.report.valid, included=False, reason=why))
            continue
        inputs.append(UnitInput(shown, data, r.report.valid))
        entries.append(UnitEntry(name, shown, units, zero, r.report.valid))
    if blocked or not inputs:
        return Aggregation(report, None, None, include_invalid, tuple(entries), tuple(found))
    rolled = roll_up(layout, inputs, unit)
    raw = render(layout, rolled.data, entries)
    name = str(output) if output is not None else "<roll-up>"
    check = check_bytes(layout, raw, name)
    written = False
    if output is not None:
        write_atomically(Path(output), raw)
        written = True
    return Aggregation(report, rolled, check.report, include_invalid, tuple(entries), tuple(found), written, raw)


def write_atomically(target: Path, raw: bytes) -> None:
    """Write ``raw`` to ``target`` atomically (:func:`subsidy_rules.core.files.atomic_write_bytes`).

    A temporary file beside it, renamed into place when complete, with the mode the user's umask
    gives; the leftovers of a run killed with ``kill -9`` are removed by the next write of ``target``.
    """
    from subsidy_rules.core.files import atomic_write_bytes

    atomic_write_bytes(target, raw)


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
    allow_duplicates: bool = False,
) -> Aggregation:
    """Validate ``paths`` and roll them up in one pass (each file is read once)."""
    results = validate_files(layout, paths, limits=limits, workers=workers, isolate=isolate)
    return aggregate(
        layout, results, include_invalid=include_invalid, unit=unit, output=output, allow_duplicates=allow_duplicates
    )


__all__ = [
    "Aggregation",
    "aggregate",
    "aggregate_files",
    "duplicates",
    "report_of",
    "shown_path",
    "validate_data",
    "validate_files",
    "write_atomically",
]
