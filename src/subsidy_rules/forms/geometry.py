"""Where everything sits on the sheet: one computation shared by writer and reader.

The template writer places the title, the lines above the table, the header
block, the 栏次 row, the data rows, the 合计 row and the notes at the rows and
columns computed here; the reader looks for them at the same places. Keeping
this in one module is what makes "a shifted row is never read as its
neighbour" checkable: the reader knows exactly which 序号 and name belong
at each row.

References:
    ``shared/xlsx-input-hazards.md`` (a deleted row silently shifts every row
    below when reading by coordinate; check each row's label first).

Limitations:
    The positions are fixed; a unit that inserts a row above the table gets
    ``header-mismatch``/``row-label-mismatch`` rather than a guess.
"""

from __future__ import annotations

import attrs
from openpyxl.utils import get_column_letter

from subsidy_rules.core.provenance import Provenance
from subsidy_rules.forms.model import ColumnKind, FormLayout, LabelRole, RowAxisKind

#: Label cells of the lines above the table span columns A:B; values sit at C (merged to E).
HEADER_LABEL_SPAN = 2
HEADER_VALUE_SPAN = 3
#: Marker the first cell of the notes starts with (seed 003: "注:1."); free rows end there.
NOTE_MARKERS = ("注", "说明")
#: The 栏次 row's label (the row that prints the column numbers).
COLUMN_NUMBER_LABEL = "栏次"
#: Name of the extra sheet a roll-up carries: every file given to it, with its status.
UNITS_SHEET = "汇总单位"
UNITS_HEADER = ("序号", "填报单位", "文件", "含单位数", "零报送", "状态")
#: Name of the hidden sheet holding the 问题类型 drop-down list of a template.
CHOICES_SHEET = "问题类型"


@attrs.frozen
class Geometry:
    """Row and column positions (1-based, as Excel counts) of one layout on its sheet."""

    title_row: int
    header_line_rows: tuple[int, ...]
    header_top: int
    header_depth: int
    number_row: int
    data_start: int
    data_rows: int
    totals_row: int | None
    notes_start: int
    label_cols: tuple[int, ...]
    data_cols: tuple[int, ...]

    @classmethod
    def of(cls, layout: FormLayout, free_rows: int | None = None) -> Geometry:
        """Positions for ``layout``; ``free_rows`` overrides the printed count of free rows."""
        n_header = len(layout.header_lines)
        header_top = 2 + n_header
        depth = 2 if layout.groups else 1
        number_row = header_top + depth
        data_start = number_row + 1
        axis = layout.rows
        if axis.kind is RowAxisKind.FIXED:
            data_rows = len(axis.rows)
        else:
            data_rows = axis.blank_rows if free_rows is None else free_rows
        totals_row = data_start + data_rows if axis.totals is not None else None
        table_end = (totals_row or data_start + data_rows - 1) if (totals_row or data_rows) else number_row
        n_labels = len(axis.label_columns)
        return cls(
            title_row=1,
            header_line_rows=tuple(range(2, 2 + n_header)),
            header_top=header_top,
            header_depth=depth,
            number_row=number_row,
            data_start=data_start,
            data_rows=data_rows,
            totals_row=totals_row,
            notes_start=table_end + 2,
            label_cols=tuple(range(1, n_labels + 1)),
            data_cols=tuple(range(n_labels + 1, n_labels + 1 + len(layout.columns))),
        )

    @property
    def width(self) -> int:
        return len(self.label_cols) + len(self.data_cols)

    @property
    def table_end(self) -> int:
        return self.notes_start - 2

    def col_of(self, layout: FormLayout, number: int) -> int:
        """The sheet column of form column ``number``."""
        for col, column in zip(self.data_cols, layout.columns, strict=True):
            if column.number == number:
                return col
        raise KeyError(number)


def label_col(layout: FormLayout, geometry: Geometry, role: LabelRole) -> int | None:
    """The sheet column of the 序号 (NUMBER) or name label column, if the form has one."""
    for col, lc in zip(geometry.label_cols, layout.rows.label_columns, strict=True):
        if lc.role is role:
            return col
    return None


def serial_col(layout: FormLayout, geometry: Geometry) -> int | None:
    """The sheet column that holds a free row's 序号: a NUMBER label column or a SERIAL column."""
    col = label_col(layout, geometry, LabelRole.NUMBER)
    if col is not None:
        return col
    for sheet_col, column in zip(geometry.data_cols, layout.columns, strict=True):
        if column.kind is ColumnKind.SERIAL:
            return sheet_col
    return None


def a1(row: int, col: int) -> str:
    """The A1 reference of (row, col)."""
    return f"{get_column_letter(col)}{row}"


def note_lines(layout: FormLayout) -> tuple[str, ...]:
    """The lines printed under the table: the seed's notes, then ours about reconstructed labels."""
    lines = list(layout.notes)
    if layout.has_reconstructed_labels:
        lines.append("说明：标注“（拟）”的栏目、行或栏次为本库所拟，原表未载或原文缺失。")
    signed = [h.label.rstrip("：:") for h in layout.header_lines if h.provenance is Provenance.RECONSTRUCTED]
    if signed:
        # Lines an officer fills and signs carry no （拟） in the cell (issue 10); their provenance is said here.
        lines.append("说明：" + "、".join(f"“{s}”" for s in signed) + "等填报栏为本库所拟，原表未载。")
    return tuple(lines)
