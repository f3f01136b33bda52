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
import unicodedata
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from subsidy_rules.core.provenance import Provenance
from subsidy_rules.forms.data import CellValue, FormData, FormRow
from subsidy_rules.forms.geometry import (
    CHOICES_SHEET,
    COLUMN_NUMBER_LABEL,
    HEADER_LABEL_SPAN,
    HEADER_VALUE_SPAN,
    UNITS_HEADER,
    UNITS_SHEET,
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
    UnitEntry,
    shown_label,
)

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
        _units_sheet(wb, units, (data.unit if data is not None else None) or layout.title)
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
        # Lines an officer fills and signs print without （拟）; the notes say they are ours (issue 10).
        label = line.label
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
        if isinstance(value, str):
            target.data_type = "s"  # text from an input is never a formula (issue 15)
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
    widths = column_widths(layout, geo)
    for row in range(top, geo.number_row + 1):
        # Tall enough for the longest wrapped label of the row: no clipped header (issue 10).
        lines = 1
        for col in range(1, geo.width + 1):
            text = ws.cell(row, col).value
            if isinstance(text, str):
                span = _merged_width(ws, row, col, widths)
                lines = max(lines, _lines(text, span))
        ws.row_dimensions[row].height = max(18 if row == geo.number_row else 30, 15 * lines + 6)
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
    if column.kind is ColumnKind.ISSUE_TYPE and isinstance(value, str):
        # A filled list prints the Chinese name of the type; the reader accepts the name or the code.
        return _issue_names().get(value, value)
    return value


def _issue_names() -> dict[str, str]:
    from subsidy_rules.issues import taxonomy

    return {issue.code: issue.name_zh for issue in taxonomy()}


def _width(text: str) -> int:
    """Spreadsheet width units of ``text``: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: float) -> int:
    return max(1, -(-_width(text) // max(1, int(width) - 1)))


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
                # A name longer than its column wraps: the row grows so that it does not run into the next.
                lines = _lines(fixed.name, column_widths(layout, geo).get(name_col, 30))
                if lines > 1:
                    ws.row_dimensions[row].height = 15 * lines + 4
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
    if isinstance(cell.value, str):
        cell.data_type = "s"  # text from an input is never a formula (issue 15)
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


#: Width units that print at 8 pt or more when fitted to one landscape page. Measured by rendering the
#: templates through LibreOffice 7 (PDF): one width unit prints at about 7.2 pt at 100 % (Excel: 5.25 pt
#: plus padding, narrower, so these limits hold for both), and 11 pt body text stays at 8 pt or more
#: when the scale is at least 8/11; printable widths A4 ≈ 740 pt, A3 ≈ 1082 pt → 740 / (7.2 × 8/11) ≈ 141.
A4_UNITS = 141
A3_UNITS = 206


def column_widths(layout: FormLayout, geo: Geometry) -> dict[int, float]:
    """Column widths (sheet column → width units); wide forms get narrower number columns."""
    # A form too wide for A4 at 8 pt gets narrower columns first (Wuhan's 13 and 14 columns then fit A4,
    # Tongchuan's 19 and 21 fit one A3 page); 8 units hold "99999.99" (a city's total in 万元) without
    # "####", and the header rows grow to hold the wrapped labels.
    wide = _widths(layout, geo, narrow=False)
    return wide if sum(wide.values()) <= A4_UNITS else _widths(layout, geo, narrow=True)


def _widths(layout: FormLayout, geo: Geometry, *, narrow: bool) -> dict[int, float]:
    widths: dict[int, float] = {}
    for col, lc in zip(geo.label_cols, layout.rows.label_columns, strict=True):
        widths[col] = 30 if lc.role is LabelRole.NAME else (6 if len(geo.label_cols) > 1 else 10)
    for col, column in zip(geo.data_cols, layout.columns, strict=True):
        if column.kind in (ColumnKind.TEXT, ColumnKind.ISSUE_TYPE):
            widths[col] = 16 if narrow else 24
        elif column.kind is ColumnKind.SERIAL:
            widths[col] = 6
        else:
            widths[col] = 8 if narrow else 12
    return widths


def paper_for(layout: FormLayout) -> str:
    """``A4`` when the form prints at 8 pt or more on A4 landscape, else ``A3`` (issue 10)."""
    return print_plan(layout)[0]


def print_plan(layout: FormLayout) -> tuple[str, int]:
    """(paper, pages across): one A4 or A3 landscape page when the text stays at 8 pt or more there;
    a form wider than that prints on A3 split across two pages, the row labels repeated on each."""
    total = sum(column_widths(layout, Geometry.of(layout)).values())
    if total <= A4_UNITS:
        return "A4", 1
    if total <= A3_UNITS:
        return "A3", 1
    return "A3", 2


def _merged_width(ws: Worksheet, row: int, col: int, widths: dict[int, float]) -> float:
    for area in ws.merged_cells.ranges:
        if area.min_row <= row <= area.max_row and area.min_col == col:
            return sum(widths.get(c, 12) for c in range(area.min_col, area.max_col + 1))
    return widths.get(col, 12)


def _sheet_setup(ws: Worksheet, layout: FormLayout, geo: Geometry) -> None:
    for col, width in column_widths(layout, geo).items():
        ws.column_dimensions[get_column_letter(col)].width = width
    first_data_col = geo.data_cols[0] if geo.data_cols else 1
    ws.freeze_panes = a1(geo.data_start, first_data_col)
    paper, across = print_plan(layout)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4 if paper == "A4" else ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = across
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{geo.header_top}:{geo.number_row}"
    if across > 1 and geo.label_cols:
        # Split across pages: every page repeats the row labels (序号, 项目名称).
        ws.print_title_cols = f"A:{get_column_letter(max(geo.label_cols))}"
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
        elif column.kind is ColumnKind.ISSUE_TYPE:
            assert isinstance(ws.parent, Workbook)
            count = _choices_sheet(ws.parent)
            dv = DataValidation(type="list", formula1=f"'{CHOICES_SHEET}'!$A$1:$A${count}", allow_blank=True)
            # A warning, not a stop: the taxonomy's code typed instead of the name is accepted too.
            dv.errorStyle = "warning"
            dv.error = "请从下拉列表中选择问题类型（也可填问题类型代码）"
        if dv is not None:
            dv.showErrorMessage = True
            dv.errorTitle = "输入有误"
            dv.add(ref)
            ws.add_data_validation(dv)


def _choices_sheet(wb: Workbook) -> int:
    """The hidden list of 问题类型 names behind the drop-down; returns how many there are."""
    from subsidy_rules.issues import taxonomy

    names = [issue.name_zh for issue in taxonomy()]
    if CHOICES_SHEET not in wb.sheetnames:
        ws = wb.create_sheet(CHOICES_SHEET)
        for i, name in enumerate(names, start=1):
            ws.cell(i, 1, name)
        ws.sheet_state = "hidden"
    return len(names)


_ZERO_FILL = PatternFill("solid", fgColor="F8CBAD")
_LEFT_OUT_FILL = PatternFill("solid", fgColor="D9D9D9")


def _units_sheet(wb: Workbook, units: Sequence[UnitEntry], title: str) -> None:
    """Every file given to the roll-up, with its status; titled, A4 landscape, 零报送 highlighted."""
    ws = wb.create_sheet(UNITS_SHEET)
    ws.cell(1, 1, f"{title}：汇总单位及报送情况").font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = _CENTER
    _merge(ws, 1, 1, 1, len(UNITS_HEADER))
    ws.row_dimensions[1].height = 28
    for col, label in enumerate(UNITS_HEADER, start=1):
        cell = ws.cell(2, col, label)
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.border = _BOX
        cell.alignment = _CENTER
    for i, entry in enumerate(units, start=1):
        if entry.included:
            status = "已计入" if entry.valid else "已计入（未通过校验，按要求计入）"
        else:
            status = "未计入：" + (entry.reason or "未通过校验")
        values: tuple[int | str, ...] = (i, entry.unit, entry.path, entry.units, "是" if entry.all_zero else "", status)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(i + 2, col, value)
            cell.border = _BOX
            cell.alignment = _LEFT if col in (2, 3, 6) else _CENTER
            if entry.all_zero:
                cell.fill = _ZERO_FILL
                cell.font = Font(bold=True)
            elif not entry.included:
                cell.fill = _LEFT_OUT_FILL
    widths = (6, 34, 40, 10, 8, 40)
    for letter, width in zip("ABCDEF", widths, strict=True):
        ws.column_dimensions[letter].width = width
    for i, entry in enumerate(units, start=1):
        lines = max(_lines(entry.unit, widths[1]), _lines(entry.path, widths[2]))
        ws.row_dimensions[i + 2].height = max(18, 15 * lines + 4)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "2:2"
    ws.print_options.horizontalCentered = True


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
