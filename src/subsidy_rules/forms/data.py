"""A filled form: the values one unit reported, keyed by row and column number.

:class:`FormData` is what the reader produces from a workbook, what the
validator checks, what the roll-up adds up and what the writer fills into a
template. Values are typed: ``Decimal`` for amounts and counts (never
float), ``str`` for text, ``date`` for dates, ``bool`` for yes/no; a blank
cell is absent (``None``), which is not zero.

References:
    ``shared/DESIGN.md`` (money is Decimal; blank is not zero).

Limitations:
    Free rows are keyed by their 序号 as text; two rows with the same 序号
    cannot both be held (the reader reports the second).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import attrs

from subsidy_rules.forms.model import ColumnKind, FormLayout, RowAxisKind

CellValue = Decimal | str | date | bool
"""A non-blank cell value; blanks are absent from :attr:`FormRow.values`."""

#: Row key of the 合计 row in :attr:`FormData.totals` problems.
TOTALS_KEY = "合计"


def _frozen_values(values: Mapping[int, CellValue | None]) -> Mapping[int, CellValue]:
    return {k: v for k, v in sorted(values.items()) if v is not None}


@attrs.frozen
class FormRow:
    """One row: ``key`` (program code, or the 序号 of a free row), its 序号 and printed name."""

    key: str
    number: int | None
    name: str | None
    values: Mapping[int, CellValue] = attrs.field(converter=_frozen_values, factory=dict)

    def get(self, column: int) -> CellValue | None:
        return self.values.get(column)

    def is_blank(self) -> bool:
        return not self.values


@attrs.frozen
class FormData:
    """The values of one filled form.

    ``unit`` is the reporting unit's name from the 填表单位 line; ``fields``
    the other lines' values (负责人 …); ``totals`` the 合计 row as filed;
    ``rolled_units`` how many unit forms were added to make this one (1 for
    a unit's own form) — it widens the rounding tolerance of a roll-up;
    ``units`` the names of those units (a roll-up given to another roll-up
    must not be mixed with one of its own units).
    """

    form_id: str
    rows: tuple[FormRow, ...]
    unit: str | None = None
    fields: Mapping[str, str] = attrs.field(factory=dict)
    totals: Mapping[int, CellValue] | None = attrs.field(default=None)
    rolled_units: int = 1
    #: For a roll-up: the names of the units it adds up (from its 汇总单位 sheet), else empty.
    units: tuple[str, ...] = ()

    @classmethod
    def from_values(
        cls,
        layout: FormLayout,
        values: Mapping[str, Mapping[int, CellValue | None]],
        *,
        unit: str | None = None,
        totals: Mapping[int, CellValue | None] | None = None,
        with_totals: bool = False,
    ) -> FormData:
        """Build a form from ``{row_key: {column: value}}``.

        For fixed rows every printed row is present (blank when not given) and
        an unknown key raises KeyError; for free rows the keys are the 序号 in
        order. ``with_totals`` computes the 合计 row from the rows.
        """
        axis = layout.rows
        if axis.kind is RowAxisKind.FIXED:
            known = {r.key for r in axis.rows}
            unknown = set(values) - known
            if unknown:
                raise KeyError(f"no such rows in {layout.id}: {sorted(unknown)}")
            rows = tuple(FormRow(r.key, r.number, r.name, values.get(r.key, {})) for r in axis.rows)
        else:
            rows = tuple(FormRow(key, int(key) if key.isdigit() else None, None, vals) for key, vals in values.items())
        data = cls(layout.id, rows, unit=unit, totals=None if totals is None else _frozen_values(totals))
        if with_totals and axis.totals is not None:
            data = attrs.evolve(data, totals=column_sums(layout, data.rows))
        return data

    def row(self, key: str) -> FormRow:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def value(self, key: str, column: int) -> CellValue | None:
        return self.row(key).get(column)

    def is_all_zero(self, layout: FormLayout) -> bool:
        """True when every amount and count is blank or zero (零报送)."""
        for row in self.rows:
            for column in layout.additive_columns:
                v = row.get(column.number)
                if isinstance(v, Decimal) and v != 0:
                    return False
        return True


def column_sums(layout: FormLayout, rows: tuple[FormRow, ...]) -> dict[int, CellValue]:
    """Each additive column's sum over ``rows``; a column blank in every row stays blank."""
    sums: dict[int, CellValue] = {}
    for column in layout.columns:
        if column.kind not in (ColumnKind.AMOUNT, ColumnKind.COUNT):
            continue
        present = [v for r in rows if isinstance(v := r.get(column.number), Decimal)]
        if present:
            sums[column.number] = sum(present, Decimal(0))
    return sums
