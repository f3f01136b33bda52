"""The template writer: the blank form as a person would print it, or a filled one.

Writes title, the lines above the table, merged grouped headers, the 栏次
row, row labels with 序号, the 合计 row, the notes, borders, column widths,
number formats, frozen header panes and print setup (landscape, fit to
width, header rows repeated on every page). Cells to fill are unlocked and
shaded; Excel's data validation refuses negative numbers and text in amount
and count cells. Reconstructed labels are printed with a trailing （拟）.

The same inputs give byte-identical files: openpyxl stamps the save time
into ``docProps/core.xml`` and every zip entry, so the package is re-written
with fixed document properties and fixed entry times.

References:
    The seeds' printed forms (seed 000 附件2/附件3, seed 003 附件1/附件2);
    issue 4 ("Template writer").

Limitations:
    The sheet is protected without a password (to keep the layout from being
    edited by accident, not to secure it).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import attrs
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from subsidy_rules.core.provenance import Provenance
from subsidy_rules.forms.data import CellValue, FormData, FormRow
from subsidy_rules.forms.geometry import (
    COLUMN_NUMBER_LABEL,
    HEADER_LABEL_SPAN,
    HEADER_VALUE_SPAN,
    Geometry,
    a1,
    note_lines,
)
from subsidy_rules.forms.model import (
    Column,
    ColumnKind,
    FormLayout,
    HeaderRole,
    LabelRole,
    RowAxisKind,
    shown_label,
)

#: Name of the extra sheet a roll-up carries: the units it adds up.
UNITS_SHEET = "汇总单位"
UNITS_HEADER = ("序号", "填报单位", "文件", "含单位数", "零报送", "状态")

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:creator>subsidy-rules</dc:creator>"
    "<cp:lastModifiedBy>subsidy-rules</cp:lastModifiedBy><cp:keywords>{form_id}</cp:keywords>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNDERLINE = Border(bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_UNLOCKED = Protection(locked=False)


@attrs.frozen
class UnitEntry:
    """One line of a roll-up's units sheet."""

    unit: str
    path: str
    units: int
    all_zero: bool
    valid: bool


def number_format(column: Column) -> str:
    if column.kind is ColumnKind.AMOUNT:
        return "0." + "0" * column.decimals if column.decimals else "0"
    if column.kind in (ColumnKind.COUNT, ColumnKind.SERIAL):
        return "0"
    if column.kind is ColumnKind.DATE:
        return "yyyy-mm-dd"
    return "@"


def render(layout: FormLayout, data: FormData | None = None, units: Sequence[UnitEntry] | None = None) -> bytes:
    """The workbook as bytes: the blank template, or filled with ``data`` (and a units sheet)."""
    rows: tuple[FormRow, ...] = data.rows if data is not None else ()
    free_rows = None
    if layout.rows.kind is RowAxisKind.FREE:
        free_rows = max(layout.rows.blank_rows, len(rows))
    geo = Geometry.of(layout, free_rows)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = layout.sheet
    _title_and_lines(ws, layout, geo, data)
    _header_block(ws, layout, geo)
    _body(ws, layout, geo, data)
    _notes(ws, layout, geo)
    _sheet_setup(ws, layout, geo)
    if units is not None:
        _units_sheet(wb, units)
    wb.properties.creator = "subsidy-rules"
    buffer = io.BytesIO()
    wb.save(buffer)
    return _deterministic(buffer.getvalue(), layout)


def write_template(layout: FormLayout, path: Path | str) -> Path:
    """Write the blank form to ``path`` (.xlsx) and return the path."""
    target = Path(path)
    target.write_bytes(render(layout))
    return target


def write_filled(
    layout: FormLayout, data: FormData, path: Path | str, units: Sequence[UnitEntry] | None = None
) -> Path:
    """Write ``data`` into the form at ``path``; a roll-up passes its ``units``."""
    target = Path(path)
    target.write_bytes(render(layout, data, units))
    return target


def _merge(ws: Worksheet, row: int, col: int, last_row: int, last_col: int) -> None:
    if last_row > row or last_col > col:
        ws.merge_cells(start_row=row, start_column=col, end_row=last_row, end_column=last_col)


def _title_and_lines(ws: Worksheet, layout: FormLayout, geo: Geometry, data: FormData | None) -> None:
    cell = ws.cell(geo.title_row, 1, layout.title)
    cell.font = Font(bold=True, size=16)
    cell.alignment = _CENTER
    _merge(ws, geo.title_row, 1, geo.title_row, geo.width)
    ws.row_dimensions[geo.title_row].height = 36
    value_first = HEADER_LABEL_SPAN + 1
    value_last = min(geo.width, HEADER_LABEL_SPAN + HEADER_VALUE_SPAN)
    for row, line in zip(geo.header_line_rows, layout.header_lines, strict=True):
        label = shown_label(line.label, line.provenance)
        if line.role is HeaderRole.UNIT:
            ws.cell(row, 1, label).alignment = _LEFT
            _merge(ws, row, 1, row, value_last)
            continue
        ws.cell(row, 1, label).alignment = _LEFT
        _merge(ws, row, 1, row, HEADER_LABEL_SPAN)
        value: str | None = None
        if data is not None:
            value = data.unit if line.role is HeaderRole.REPORTER else data.fields.get(line.label)
        target = ws.cell(row, value_first, value)
        target.protection = _UNLOCKED
        target.fill = _INPUT_FILL
        target.alignment = _LEFT
        for col in range(value_first, value_last + 1):
            ws.cell(row, col).border = _UNDERLINE
        _merge(ws, row, value_first, row, value_last)


def _header_block(ws: Worksheet, layout: FormLayout, geo: Geometry) -> None:
    top, depth = geo.header_top, geo.header_depth
    bottom = top + depth - 1
    for col, lc in zip(geo.label_cols, layout.rows.label_columns, strict=True):
        ws.cell(top, col, lc.label)
        _merge(ws, top, col, bottom, col)
    seen_groups: set[str] = set()
    for col, column in zip(geo.data_cols, layout.columns, strict=True):
        group = layout.group_of(column.number)
        label = shown_label(column.label, column.provenance)
        if group is None:
            ws.cell(top, col, label)
            _merge(ws, top, col, bottom, col)
            continue
        ws.cell(bottom, col, label)
        if group.label not in seen_groups:
            seen_groups.add(group.label)
            ws.cell(top, col, shown_label(group.label, group.provenance))
            _merge(ws, top, col, top, geo.col_of(layout, group.last))
    number_label = COLUMN_NUMBER_LABEL
    if layout.column_numbers is Provenance.RECONSTRUCTED:
        number_label = shown_label(number_label, Provenance.RECONSTRUCTED)
    if geo.label_cols:
        ws.cell(geo.number_row, 1, number_label)
        _merge(ws, geo.number_row, 1, geo.number_row, len(geo.label_cols))
    for col, column in zip(geo.data_cols, layout.columns, strict=True):
        ws.cell(geo.number_row, col, column.number)
    for row in range(top, geo.number_row + 1):
        ws.row_dimensions[row].height = 48 if row < geo.number_row else 18
        for col in range(1, geo.width + 1):
            cell = ws.cell(row, col)
            cell.border = _BOX
            cell.alignment = _CENTER
            cell.font = Font(bold=row < geo.number_row)
            cell.fill = _HEAD_FILL


def _cell_value(column: Column, value: CellValue | None) -> CellValue | int | None:
    if isinstance(value, bool):
        return "是" if value else "否"
    if column.kind is ColumnKind.SERIAL and isinstance(value, Decimal):
        return int(value)
    return value


def _body(ws: Worksheet, layout: FormLayout, geo: Geometry, data: FormData | None) -> None:
    axis = layout.rows
    number_col = next(
        (c for c, lc in zip(geo.label_cols, axis.label_columns, strict=True) if lc.role is LabelRole.NUMBER), None
    )
    name_col = next(
        (c for c, lc in zip(geo.label_cols, axis.label_columns, strict=True) if lc.role is LabelRole.NAME), None
    )
    filled = data.rows if data is not None else ()
    for i in range(geo.data_rows):
        row = geo.data_start + i
        values: FormRow | None = filled[i] if i < len(filled) else None
        if axis.kind is RowAxisKind.FIXED:
            fixed = axis.rows[i]
            if number_col is not None:
                ws.cell(row, number_col, fixed.number)
            if name_col is not None:
                ws.cell(row, name_col, fixed.name)
        elif number_col is not None and (axis.prefill_numbers or values is not None):
            ws.cell(row, number_col, i + 1)
        for col, column in zip(geo.data_cols, layout.columns, strict=True):
            value = values.get(column.number) if values is not None else None
            if column.kind is ColumnKind.SERIAL and values is not None and value is None:
                value = Decimal(i + 1)
            _input(ws, row, col, column, value)
        for col in geo.label_cols:
            ws.cell(row, col).border = _BOX
            ws.cell(row, col).alignment = _CENTER if col == number_col else _LEFT
    if geo.totals_row is not None and axis.totals is not None:
        row = geo.totals_row
        label = shown_label(axis.totals.label, axis.totals.provenance)
        target = name_col or 1
        ws.cell(row, target, label).font = Font(bold=True)
        totals = data.totals if data is not None and data.totals is not None else {}
        for col in geo.label_cols:
            ws.cell(row, col).border = _BOX
            ws.cell(row, col).alignment = _CENTER
        for col, column in zip(geo.data_cols, layout.columns, strict=True):
            _input(ws, row, col, column, totals.get(column.number))
            if not column.kind.additive:
                # 合计 of a column that is not summed stays empty (seed 003 附件1 note 3).
                ws.cell(row, col).fill = PatternFill()
                ws.cell(row, col).protection = Protection(locked=True)


def _input(ws: Worksheet, row: int, col: int, column: Column, value: CellValue | None) -> None:
    cell = ws.cell(row, col, _cell_value(column, value))
    cell.number_format = number_format(column)
    cell.protection = _UNLOCKED
    cell.fill = _INPUT_FILL
    cell.border = _BOX
    cell.alignment = _LEFT if column.kind is ColumnKind.TEXT else Alignment(horizontal="right", vertical="center")


def _notes(ws: Worksheet, layout: FormLayout, geo: Geometry) -> None:
    for i, line in enumerate(note_lines(layout)):
        row = geo.notes_start + i
        ws.cell(row, 1, line).alignment = _LEFT
        _merge(ws, row, 1, row, geo.width)
        # Long notes wrap; give them room (about 60 characters a line at this width).
        ws.row_dimensions[row].height = 15 * max(1, -(-len(line) // max(20, geo.width * 6)))


def _sheet_setup(ws: Worksheet, layout: FormLayout, geo: Geometry) -> None:
    for col in range(1, geo.width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 12
    for col, lc in zip(geo.label_cols, layout.rows.label_columns, strict=True):
        ws.column_dimensions[get_column_letter(col)].width = 30 if lc.role is LabelRole.NAME else 6
    for col, column in zip(geo.data_cols, layout.columns, strict=True):
        if column.kind in (ColumnKind.TEXT, ColumnKind.ISSUE_TYPE):
            ws.column_dimensions[get_column_letter(col)].width = 24
        elif column.kind is ColumnKind.SERIAL:
            ws.column_dimensions[get_column_letter(col)].width = 6
    first_data_col = geo.data_cols[0] if geo.data_cols else 1
    ws.freeze_panes = a1(geo.data_start, first_data_col)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{geo.header_top}:{geo.number_row}"
    ws.print_options.horizontalCentered = True
    last_row = geo.totals_row or (geo.data_start + geo.data_rows - 1)
    _validations(ws, layout, geo, max(last_row, geo.data_start))
    ws.protection.sheet = True
    # Free-row forms let a unit add rows; fixed forms keep their printed rows.
    ws.protection.insertRows = layout.rows.kind is RowAxisKind.FIXED
    ws.protection.deleteRows = layout.rows.kind is RowAxisKind.FIXED
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _validations(ws: Worksheet, layout: FormLayout, geo: Geometry, last_row: int) -> None:
    for col, column in zip(geo.data_cols, layout.columns, strict=True):
        ref = f"{a1(geo.data_start, col)}:{a1(last_row, col)}"
        dv: DataValidation | None = None
        if column.kind is ColumnKind.AMOUNT:
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = f"请填写不小于0的数字（{column.unit or ''}，最多{column.decimals}位小数）"
        elif column.kind in (ColumnKind.COUNT, ColumnKind.SERIAL):
            dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = "请填写不小于0的整数"
        elif column.kind is ColumnKind.YES_NO:
            dv = DataValidation(type="list", formula1='"是"', allow_blank=True)
            dv.error = "未进行公示的填“是”，公示的不填"
        elif column.kind is ColumnKind.DATE:
            dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)
            dv.error = "请填写日期，如2023-06-30"
        elif column.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True)
            dv.error = "请从下拉列表中选择：" + "、".join(column.choices)
        if dv is not None:
            dv.showErrorMessage = True
            dv.errorTitle = "输入有误"
            dv.add(ref)
            ws.add_data_validation(dv)


def _units_sheet(wb: Workbook, units: Sequence[UnitEntry]) -> None:
    ws = wb.create_sheet(UNITS_SHEET)
    for col, label in enumerate(UNITS_HEADER, start=1):
        cell = ws.cell(1, col, label)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BOX
    for i, entry in enumerate(units, start=1):
        values: tuple[int | str, ...] = (
            i,
            entry.unit,
            entry.path,
            entry.units,
            "是" if entry.all_zero else "",
            "有效" if entry.valid else "未通过校验",
        )
        for col, value in enumerate(values, start=1):
            ws.cell(i + 1, col, value).border = _BOX
    for letter, width in zip("ABCDEF", (6, 24, 40, 10, 8, 12), strict=True):
        ws.column_dimensions[letter].width = width


def _deterministic(package: bytes, layout: FormLayout) -> bytes:
    """Re-pack the zip with fixed entry times and fixed document properties."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_XML.format(title=_xml_escape(layout.title), form_id=_xml_escape(layout.id)).encode()
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, data)
    return out.getvalue()


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
