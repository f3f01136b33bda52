"""Workbooks for people (ledger export, monthly report): every text cell a string, never a formula.

A value such as ``=HYPERLINK(…)`` typed into a measure or a name is written
as a string cell (``t="s"``), so no spreadsheet program evaluates it; numbers
stay numbers (money as a 2-decimal number), dates stay dates.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font

from subsidy_rules.core.files import atomic_write_bytes

Value = str | int | Decimal | date | datetime | bool | None


def set_text(cell: Cell, value: str) -> None:
    """Write ``value`` as a string cell even when it starts with ``=``, ``+``, ``-`` or ``@``."""
    cell.value = value
    cell.data_type = "s"


def _put(cell: Cell, value: Value) -> None:
    if value is None:
        return
    if isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, bool):
        set_text(cell, "是" if value else "否")
    elif isinstance(value, Decimal):
        cell.value = value
        cell.number_format = "#,##0.00"
    elif isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = value


def write_book(
    path: Path | str, sheets: Sequence[tuple[str, str | None, Sequence[str], Sequence[Sequence[Value]]]]
) -> Path:
    """Write ``(sheet name, title line or None, headers, rows)`` sheets to ``path`` atomically."""
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for name, title, headers, rows in sheets:
        ws = wb.create_sheet(name)
        r = 1
        if title:
            set_text(ws.cell(1, 1), title)
            ws.cell(1, 1).font = Font(bold=True, size=13)
            r = 2
        for c, h in enumerate(headers, start=1):
            cell = ws.cell(r, c)
            set_text(cell, h)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[cell.column_letter].width = max(10, min(40, 2 * len(h) + 4))
        ws.freeze_panes = ws.cell(r + 1, 1)
        for row in rows:
            r += 1
            for c, v in enumerate(row, start=1):
                _put(ws.cell(r, c), v)
    buf = io.BytesIO()
    wb.save(buf)
    target = Path(path)
    atomic_write_bytes(target, buf.getvalue())
    return target
