"""The validator: check relations (勾稽关系), totals (合计) and issue types of a read form.

Arithmetic uses interval tolerance from the decimals shown (XBRL calculation
1.1): a cell kept to 2 decimals stands for v ± 0.005, so a relation such as
``8 = 11 + 14 + 15`` fails only when the two sides' intervals cannot meet,
i.e. when ``|left − right|`` exceeds the sum of the terms' half-widths.
Counts are exact. A roll-up of n unit forms widens each half-width n times
(its cells are sums of n rounded figures).

Blank is not zero: each relation says how it treats blanks
(:class:`~subsidy_rules.forms.model.BlankRule`). For totals, a blank row
cell adds nothing; a blank 合计 is accepted only when the column is blank
in every row.

References:
    ``shared/DESIGN.md`` (interval tolerance; blank is not zero); seed 003
    附件1 note 4 (the relations); issue 4.

Limitations:
    Relations are within one row; relations between rows (other than the
    合计) are not expressible yet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs

from subsidy_rules.core.provenance import Provenance
from subsidy_rules.forms.cells import issue_type_code, quantize_text
from subsidy_rules.forms.data import TOTALS_KEY, CellValue, FormData
from subsidy_rules.forms.geometry import Geometry, a1
from subsidy_rules.forms.model import BlankRule, ColumnKind, FormLayout, Relation
from subsidy_rules.forms.problems import FileReport, Problem, Severity, problem
from subsidy_rules.forms.reader import ReadResult, read_bytes
from subsidy_rules.workbooks.safety import Limits


@attrs.frozen
class FileResult:
    """One file's report and, when it could be read, its data (for the roll-up).

    ``digest`` is the SHA-256 of the file's bytes: the roll-up's check that the same file is not
    given twice under two names. ``format`` is what the bytes turned out to be (xlsx, xls, ods …).
    """

    report: FileReport
    data: FormData | None
    digest: str = ""
    format: str | None = None


def check_relations(
    layout: FormLayout,
    data: FormData,
    readable: Callable[[str, int], bool] = lambda key, col: True,
    cell_of: Callable[[str, int], str | None] = lambda key, col: None,
) -> list[Problem]:
    """Every relation on every row; failures carry both sides, the difference and the tolerance.

    The 合计 row is not checked against the relations: its cells are sums of rounded figures, so a
    relation holding on each row holds on the 合计 only within the rows' accumulated tolerance, and
    that is already implied by the row checks plus the total check.
    """
    problems: list[Problem] = []
    scale = Decimal(max(1, data.rolled_units))
    targets: list[tuple[str, dict[int, CellValue]]] = [(r.key, dict(r.values)) for r in data.rows]
    for relation in layout.relations:
        for key, values in targets:
            if not all(readable(key, c) for c in relation.columns):
                continue
            outcome = _evaluate(layout, relation, values, scale)
            if outcome is None:
                continue
            left, right, tolerance = outcome
            difference = left - right
            if abs(difference) <= tolerance:
                continue
            severity = Severity.WARNING if relation.provenance is Provenance.RECONSTRUCTED else Severity.ERROR
            problems.append(
                problem(
                    "check-relation-failed",
                    severity=severity,
                    sheet=layout.sheet,
                    cell=cell_of(key, relation.left[0].column),
                    row_key=key,
                    column=relation.left[0].column,
                    value=quantize_text(left),
                    detail=_detail(left, right, difference, tolerance),
                    relation=relation.text,
                    left=quantize_text(left),
                    right=quantize_text(right),
                    difference=quantize_text(difference),
                    tolerance=quantize_text(tolerance),
                )
            )
    return problems


def _evaluate(
    layout: FormLayout, relation: Relation, values: dict[int, CellValue], scale: Decimal
) -> tuple[Decimal, Decimal, Decimal] | None:
    """(left, right, tolerance) or None when blanks mean the relation is not checked on this row."""
    terms = [*relation.left, *relation.right]
    present = [values.get(t.column) for t in terms]
    if all(v is None for v in present):
        return None
    if relation.blank is BlankRule.SKIP and any(v is None for v in present):
        return None
    sides = []
    for side in (relation.left, relation.right):
        total = Decimal(0)
        for term in side:
            v = values.get(term.column)
            if isinstance(v, Decimal):
                total += term.sign * v
        sides.append(total)
    tolerance = sum((layout.column(t.column).half_width for t in terms), Decimal(0)) * scale
    return sides[0], sides[1], tolerance


def check_totals(
    layout: FormLayout,
    data: FormData,
    read: ReadResult | None = None,
    cell_of: Callable[[str, int], str | None] = lambda key, col: None,
) -> list[Problem]:
    """Each additive column's 合计 against the sum of its rows, within the rows' rounding intervals.

    Rows whose label did not match still count (``read.stray``): a moved row changes no column total.
    A column is not checked when any of its cells could not be read.
    """
    if layout.rows.totals is None or data.totals is None:
        return []
    problems: list[Problem] = []
    scale = Decimal(max(1, data.rolled_units))
    unreadable = read.unreadable if read is not None else frozenset()
    stray = read.stray if read is not None else {}
    for column in layout.additive_columns:
        number = column.number
        if (
            (None, number) in unreadable
            or (TOTALS_KEY, None) in unreadable
            or (TOTALS_KEY, number) in unreadable
            or any((r.key, number) in unreadable for r in data.rows)
            or (read is not None and number in read.stray_unreadable)
        ):
            continue
        present = [v for r in data.rows if isinstance(v := r.get(number), Decimal)]
        if number in stray:
            present.append(stray[number])
        filed = data.totals.get(number)
        if filed is None and not present:
            continue
        expected = sum(present, Decimal(0))
        tolerance = column.half_width * (len(present) + 1) * scale
        found = filed if isinstance(filed, Decimal) else None
        if found is not None and abs(found - expected) <= tolerance:
            continue
        shown = "空白" if found is None else quantize_text(found)
        problems.append(
            problem(
                "total-mismatch",
                sheet=layout.sheet,
                cell=cell_of(TOTALS_KEY, number),
                row_key=TOTALS_KEY,
                column=number,
                value=shown,
                detail=_detail(found or Decimal(0), expected, (found or Decimal(0)) - expected, tolerance),
                expected=quantize_text(expected),
                found=shown,
                tolerance=quantize_text(tolerance),
            )
        )
    return problems


def check_issue_types(
    layout: FormLayout, data: FormData, cell_of: Callable[[str, int], str | None] = lambda key, col: None
) -> list[Problem]:
    """Issue-type cells against the taxonomy (:mod:`subsidy_rules.issues`): a code or a Chinese name."""
    columns = [c.number for c in layout.columns if c.kind is ColumnKind.ISSUE_TYPE]
    problems = []
    for key, number, text in ((r.key, n, v) for r in data.rows for n in columns if isinstance(v := r.get(n), str)):
        if issue_type_code(text) is None:
            problems.append(
                problem(
                    "unknown-issue-type",
                    sheet=layout.sheet,
                    cell=cell_of(key, number),
                    row_key=key,
                    column=number,
                    value=text,
                )
            )
    return problems


def _detail(left: Decimal, right: Decimal, difference: Decimal, tolerance: Decimal) -> dict[str, str]:
    """A failed relation's arithmetic as text (money keeps its digits)."""
    return {
        "left": quantize_text(left),
        "right": quantize_text(right),
        "difference": quantize_text(difference),
        "tolerance": quantize_text(tolerance),
    }


def _cell_locator(layout: FormLayout, data: FormData, read: ReadResult | None) -> Callable[[str, int], str | None]:
    """A1 references of (row key, column): where the reader found each row, else the template's positions."""
    geo = Geometry.of(layout)
    if read is not None and read.positions:
        row_of = dict(read.positions)
    else:
        row_of = {r.key: geo.data_start + i for i, r in enumerate(data.rows)}
        if geo.totals_row is not None:
            row_of[TOTALS_KEY] = geo.totals_row

    def locate(key: str, column: int) -> str | None:
        row = row_of.get(key)
        return None if row is None else a1(row, geo.col_of(layout, column))

    return locate


def validate_data(layout: FormLayout, data: FormData, read: ReadResult | None = None) -> list[Problem]:
    """The arithmetic and taxonomy checks on already-read data."""
    readable = read.readable if read is not None else (lambda key, col: True)
    cell_of = _cell_locator(layout, data, read)
    return [
        *check_relations(layout, data, readable, cell_of),
        *check_totals(layout, data, read, cell_of),
        *check_issue_types(layout, data, cell_of),
    ]


def check_bytes(layout: FormLayout, raw: bytes, path: str, limits: Limits | None = None) -> FileResult:
    """Read and validate one submitted workbook's bytes; never raises on bad data."""
    read = read_bytes(layout, raw, limits)
    problems = list(read.problems)
    if read.data is not None:
        problems.extend(validate_data(layout, read.data, read))
    digest = hashlib.sha256(raw).hexdigest()
    return FileResult(FileReport.from_problems(path, read.unit, problems), read.data, digest, read.format)


def check_file(layout: FormLayout, path: Path | str, limits: Limits | None = None) -> FileResult:
    """Read and validate one file from disk (size-checked before reading)."""
    limits = limits or Limits()
    target = Path(path)
    try:
        size = target.stat().st_size
        if size > limits.max_file_bytes:
            found = problem("too-large", what=f"{size} bytes (limit {limits.max_file_bytes})")
            return FileResult(FileReport.from_problems(str(path), None, [found]), None)
        raw = target.read_bytes()
    except OSError as exc:
        found = problem("damaged-file", what=f"cannot read the file ({exc.strerror})")
        return FileResult(FileReport.from_problems(str(path), None, [found]), None)
    return check_bytes(layout, raw, str(path), limits)
