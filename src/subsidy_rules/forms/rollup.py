"""The roll-up: many units' forms added into one form of the same layout (区 → 市).

Per column kind: amounts and counts are summed (a cell blank in every unit
stays blank); a column that is not summed (seed 003 附件1 note 3: 7栏…无需
汇总) must agree between the units that filled it, else a
``non-additive-mismatch`` problem and the cell is left blank; yes/no is
"是" when any unit says 是; text keeps the sorted distinct entries joined by
"；". Totals are recomputed. Free rows (a list of findings) are
concatenated in unit order and renumbered. The roll-up records how many unit
forms it adds (``rolled_units``) so its arithmetic is checked with the
widened rounding tolerance, and lists its units and any unit that reported
all zeros (零报送 — seed 003 asks for close checks of "零报告" districts).

Units are ordered by name (then path) before combining, so the order the
files are given in never matters.

References:
    Issue 4 ("Roll-up"); seed 003 三（二） (零报告的区县进行重点核查).

Limitations:
    A roll-up of free-row forms does not say which unit each row came from,
    beyond the row ranges on the units sheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from subsidy_rules.forms.cells import quantize_text
from subsidy_rules.forms.data import CellValue, FormData, FormRow, column_sums
from subsidy_rules.forms.model import Column, ColumnKind, FormLayout, RowAxisKind, UnitEntry
from subsidy_rules.forms.problems import Problem, problem

TEXT_JOIN = "；"


@attrs.frozen
class UnitInput:
    """One unit's form entering a roll-up: where it came from, its data, and whether it was valid."""

    path: str
    data: FormData
    valid: bool = True

    @property
    def name(self) -> str:
        return self.data.unit or Path(self.path).stem


@attrs.frozen
class RollUp:
    """The rolled-up form, its units (with 零报送 flags) and the problems of combining them."""

    data: FormData
    units: tuple[UnitEntry, ...]
    problems: tuple[Problem, ...]

    @property
    def zero_units(self) -> tuple[str, ...]:
        return tuple(u.unit for u in self.units if u.all_zero)


def roll_up(layout: FormLayout, inputs: Sequence[UnitInput], unit: str | None = None) -> RollUp:
    """Add up ``inputs`` (all of ``layout``) into one form named ``unit``."""
    ordered = sorted(inputs, key=lambda u: (u.name, u.path))
    problems: list[Problem] = []
    for item in ordered:
        if item.data.form_id != layout.id:
            raise ValueError(f"{item.path} is a {item.data.form_id} form, not {layout.id}")
        if not item.valid:
            problems.append(problem("invalid-input-included", row_key=None, value=item.path))
    fixed = layout.rows.kind is RowAxisKind.FIXED
    rows = _fixed(layout, ordered, problems) if fixed else _free(layout, ordered)
    totals = column_sums(layout, rows) if layout.rows.totals is not None else None
    rolled = sum(max(1, u.data.rolled_units) for u in ordered)
    name = unit or f"汇总（{rolled}个单位）"
    data = FormData(layout.id, rows, unit=name, totals=totals, rolled_units=max(1, rolled))
    units = tuple(
        UnitEntry(u.name, u.path, max(1, u.data.rolled_units), u.data.is_all_zero(layout), u.valid) for u in ordered
    )
    return RollUp(data, units, tuple(problems))


def _fixed(layout: FormLayout, ordered: Sequence[UnitInput], problems: list[Problem]) -> tuple[FormRow, ...]:
    rows: list[FormRow] = []
    for fixed in layout.rows.rows:
        per_unit = [u.data.row(fixed.key) for u in ordered]
        values: dict[int, CellValue | None] = {}
        for column in layout.columns:
            present = [v for r in per_unit if (v := r.get(column.number)) is not None]
            values[column.number] = _combine(column, present, fixed.key, layout, problems)
        rows.append(FormRow(fixed.key, fixed.number, fixed.name, values))
    return tuple(rows)


def _combine(
    column: Column, present: list[CellValue], key: str, layout: FormLayout, problems: list[Problem]
) -> CellValue | None:
    if not present:
        return None
    kind = column.kind
    if kind.additive:
        return sum((v for v in present if isinstance(v, Decimal)), Decimal(0))
    if kind is ColumnKind.YES_NO:
        return any(v is True for v in present)
    if kind in (ColumnKind.TEXT, ColumnKind.ISSUE_TYPE):
        entries = {piece.strip() for v in present for piece in str(v).split(TEXT_JOIN) if piece.strip()}
        return TEXT_JOIN.join(sorted(entries)) or None
    # STANDARD (and any other kind on fixed rows): never summed; the units must agree.
    distinct = sorted({_key(v) for v in present})
    if len(distinct) == 1:
        return present[0]
    problems.append(
        problem(
            "non-additive-mismatch",
            sheet=layout.sheet,
            row_key=key,
            column=column.number,
            value="、".join(distinct),
            values="、".join(distinct),
        )
    )
    return None


def _key(value: CellValue) -> str:
    return quantize_text(value.normalize()) if isinstance(value, Decimal) else str(value)


def _free(layout: FormLayout, ordered: Sequence[UnitInput]) -> tuple[FormRow, ...]:
    serials = [c.number for c in layout.columns if c.kind is ColumnKind.SERIAL]
    rows: list[FormRow] = []
    for item in ordered:
        for row in item.data.rows:
            n = len(rows) + 1
            values: dict[int, CellValue | None] = dict(row.values)
            for number in serials:
                values[number] = Decimal(n)
            rows.append(FormRow(str(n), n, None, values))
    return tuple(rows)
