"""The reader: a submitted workbook → :class:`FormData` and the problems found on the way.

It never raises on bad data. The file is opened through
:mod:`subsidy_rules.forms.safety` (sniffing, zip and XML checks, geometry
scan), then openpyxl reads it in read-only mode, by explicit bounds, with
cached values (``data_only``) — formulas without cached values are known
from the scan, error cells from their data type. Before a value is trusted
the reader checks the title, the unit line, each column's header and 栏次,
and each row's 序号 and name: a deleted or inserted row is reported, never
read as its neighbour. Numbers typed as text go through the strict parser
of :mod:`subsidy_rules.forms.cells`.

References:
    ``shared/xlsx-input-hazards.md``; issue 4 ("Reader and validator").

Limitations:
    Reads the form's sheet by its name; a renamed sheet is ``sheet-missing``.
    Merged cells over input cells are read at their top-left cell only.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs
import openpyxl
from openpyxl.utils import get_column_letter

from subsidy_rules.core.text import fold
from subsidy_rules.forms.cells import (
    as_date,
    decimal_places,
    number_from_cell,
    parse_text_date,
    parse_text_number,
    quantize_text,
)
from subsidy_rules.forms.data import TOTALS_KEY, CellValue, FormData, FormRow
from subsidy_rules.forms.geometry import (
    COLUMN_NUMBER_LABEL,
    HEADER_LABEL_SPAN,
    NOTE_MARKERS,
    Geometry,
    a1,
    label_col,
    note_lines,
    serial_col,
)
from subsidy_rules.forms.model import (
    RECONSTRUCTED_MARK,
    Column,
    ColumnKind,
    FixedRow,
    FormLayout,
    HeaderRole,
    LabelRole,
    RowAxisKind,
)
from subsidy_rules.forms.problems import Problem, ProblemCode
from subsidy_rules.forms.safety import (
    Limits,
    Rejected,
    SheetScan,
    open_package,
    require_defusedxml,
    scan_sheet,
    sniff,
)
from subsidy_rules.forms.template import UNITS_HEADER, UNITS_SHEET

MAX_TEXT = 2000


@attrs.frozen
class ReadResult:
    """What reading gave: the data (None when the file could not be read) and the problems."""

    data: FormData | None
    problems: tuple[Problem, ...]
    #: (row key, column) pairs whose value could not be read; ``None`` in either place means the whole
    #: row (a row-label mismatch) or the whole column (a header mismatch). Checks skip what they touch.
    unreadable: frozenset[tuple[str | None, int | None]] = frozenset()
    #: The sheet row where each row key (and 合计) was found.
    positions: Mapping[str, int] = attrs.field(factory=dict)
    #: Column sums of rows whose label did not match (their values are in no row but count in the 合计),
    #: and the columns where such a row held something unreadable.
    stray: Mapping[int, Decimal] = attrs.field(factory=dict)
    stray_unreadable: frozenset[int] = frozenset()

    def readable(self, key: str, column: int) -> bool:
        u = self.unreadable
        return not u or ((key, column) not in u and (key, None) not in u and (None, column) not in u)

    @property
    def unit(self) -> str | None:
        return self.data.unit if self.data is not None else None


@attrs.frozen
class _Cell:
    value: Any
    data_type: str
    is_date: bool


_BLANK = _Cell(None, "n", False)


@functools.lru_cache(maxsize=4096)
def squash(text: str) -> str:
    """Comparison key of a printed label: whitespace, quote styles and full-width forms folded.

    The seeds' text carries conversion artifacts (``通过区“一卡通”银行发放人 数``);
    offices retype quotes in other styles. The template's （拟） mark is dropped.
    """
    key = fold(text)
    mark = fold(RECONSTRUCTED_MARK)
    return key[: -len(mark)] if key.endswith(mark) else key


def _title_pattern(title: str) -> re.Pattern[str]:
    # "____年度…": the blank is the year to fill in; anything (or nothing) may stand there.
    pieces = re.split(r"_+", squash(title))
    return re.compile(".*".join(re.escape(p) for p in pieces))


def read_bytes(layout: FormLayout, data: bytes, limits: Limits | None = None) -> ReadResult:
    """Read a submitted workbook's bytes against ``layout``; never raises on bad data."""
    require_defusedxml()
    limits = limits or Limits()
    try:
        return _Reader(layout, data, limits).read()
    except Rejected as rejected:
        return ReadResult(None, (rejected.problem,))
    except MemoryError:
        return ReadResult(None, (Problem.make(ProblemCode.TOO_LARGE, what="out of memory while reading"),))
    except Exception as exc:  # openpyxl's own failures on malformed parts: the file, not us
        what = f"{type(exc).__name__}: {exc}"[:200]
        return ReadResult(None, (Problem.make(ProblemCode.DAMAGED_FILE, what=what),))


class _Reader:
    def __init__(self, layout: FormLayout, data: bytes, limits: Limits) -> None:
        self.layout = layout
        self.raw = data
        self.limits = limits
        self.problems: list[Problem] = []
        self.sheet = layout.sheet
        self.grid: dict[tuple[int, int], _Cell] = {}
        self.untrusted_columns: set[int] = set()
        self.unreadable: set[tuple[str | None, int | None]] = set()
        self.positions: dict[str, int] = {}
        self.quiet = False
        self.stray: dict[int, Decimal] = {}
        self.stray_bad: set[int] = set()

    # -- problems ---------------------------------------------------------
    def add(self, code: ProblemCode, row: int | None = None, col: int | None = None, **kw: Any) -> None:
        if self.quiet:
            # Parsing a row whose label did not match, only for the column sums (see _fixed_rows).
            if isinstance(kw.get("column"), int):
                self.stray_bad.add(kw["column"])
            return
        cell = a1(row, col) if row is not None and col is not None else None
        problem = Problem.make(code, sheet=self.sheet, cell=cell, **kw)
        self.problems.append(problem)
        if problem.is_error and (problem.row_key is not None or problem.column is not None):
            self.unreadable.add((problem.row_key, problem.column))

    def cell(self, row: int, col: int) -> _Cell:
        return self.grid.get((row, col), _BLANK)

    def text(self, row: int, col: int) -> str:
        value = self.cell(row, col).value
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    # -- the steps ----------------------------------------------------------
    def read(self) -> ReadResult:
        sniff(self.raw)
        package = open_package(self.raw, self.limits)
        if package.macros:
            self.add(ProblemCode.MACROS_PRESENT)
        ref = package.sheet(self.layout.sheet)
        if ref is None or ref.part not in package.parts:
            found = "、".join(s.name for s in package.sheets) or "无"
            self.add(ProblemCode.SHEET_MISSING, name=self.layout.sheet, found=found)
            return ReadResult(None, tuple(self.problems))
        scan = scan_sheet(package.parts[ref.part], self.limits)
        for other in package.sheets:
            if other.name in (self.layout.sheet, UNITS_SHEET) or other.part not in package.parts:
                continue
            if other.state != "visible" and scan_sheet(package.parts[other.part], self.limits).filled:
                self.problems.append(
                    Problem.make(
                        ProblemCode.UNEXPECTED_DATA,
                        sheet=other.name,
                        what=f"隐藏的工作表“{other.name}”中有数据，未读取",
                        what_en=f"the hidden sheet {other.name!r} holds data; it was not read",
                    )
                )
        geo = Geometry.of(self.layout)
        free = self.layout.rows.kind is RowAxisKind.FREE
        last_row = min(max(scan.max_row, geo.table_end), self.limits.max_rows) if free else geo.table_end
        last_col = geo.width
        wb = openpyxl.load_workbook(io.BytesIO(self.raw), read_only=True, data_only=True, keep_links=False)
        try:
            ws = wb[self.layout.sheet]
            ws.reset_dimensions()  # never trust <dimension> (hazards: A1:XFD1048576)
            # values_only is the fast path; error cells are known from the scan (their data type there),
            # dates from openpyxl turning date-formatted numbers into datetimes (honouring wb.epoch).
            errors = scan.errors
            sheet_rows = ws.iter_rows(min_row=1, max_row=last_row, min_col=1, max_col=last_col, values_only=True)
            for row, values in enumerate(sheet_rows, start=1):
                for col, value in enumerate(values, start=1):
                    if value is None:
                        continue
                    kind = "e" if (row, col) in errors else "n"
                    self.grid[(row, col)] = _Cell(value, kind, isinstance(value, datetime))
            rolled = self._rolled_units(wb) if UNITS_SHEET in wb.sheetnames else 1
        finally:
            wb.close()
        for row, col in scan.uncalculated:
            # Cells the scan saw with a formula and no cached value read as blank here; mark them.
            if row <= last_row and col <= last_col:
                self.grid[(row, col)] = _Cell(None, "f", False)
        unit, fields = self._header_lines(geo)
        self._header_block(geo)
        if free:
            rows, end = self._free_rows(geo, scan, last_row)
            totals = None
        else:
            rows, totals = self._fixed_rows(geo)
            end = geo.notes_start + len(note_lines(self.layout)) - 1
        self._unexpected(geo, scan, end)
        data = FormData(self.layout.id, tuple(rows), unit=unit, fields=fields, totals=totals, rolled_units=rolled)
        return ReadResult(
            data,
            tuple(self.problems),
            frozenset(self.unreadable),
            self.positions,
            stray=self.stray,
            stray_unreadable=frozenset(self.stray_bad),
        )

    def _rolled_units(self, wb: Any) -> int:
        """A roll-up's units sheet says how many unit forms it adds up (for the rounding tolerance)."""
        ws = wb[UNITS_SHEET]
        count_col = UNITS_HEADER.index("含单位数") + 1
        total = 0
        for (value,) in ws.iter_rows(
            min_row=2, max_row=self.limits.max_rows, min_col=count_col, max_col=count_col, values_only=True
        ):
            if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**6:
                total += value
        return max(1, total)

    def _header_lines(self, geo: Geometry) -> tuple[str | None, dict[str, str]]:
        layout = self.layout
        found_title = self.text(geo.title_row, 1)
        if not _title_pattern(layout.title).fullmatch(squash(found_title)):
            self.add(
                ProblemCode.HEADER_MISMATCH,
                geo.title_row,
                1,
                value=found_title,
                expected=layout.title,
                found=found_title,
            )
        unit: str | None = None
        fields: dict[str, str] = {}
        for row, line in zip(geo.header_line_rows, layout.header_lines, strict=True):
            found = self.text(row, 1)
            if line.role is HeaderRole.UNIT:
                if squash(found) != squash(line.label):
                    self.add(ProblemCode.UNIT_MISMATCH, row, 1, value=found, expected=line.label, found=found)
                continue
            if squash(found) != squash(line.label):
                self.add(ProblemCode.HEADER_MISMATCH, row, 1, value=found, expected=line.label, found=found)
            value = self.text(row, HEADER_LABEL_SPAN + 1).strip()[:MAX_TEXT]
            if line.role is HeaderRole.REPORTER:
                unit = value or None
            elif value:
                fields[line.label] = value
        return unit, fields

    def _header_block(self, geo: Geometry) -> None:
        layout = self.layout
        top, bottom = geo.header_top, geo.header_top + geo.header_depth - 1
        for col, lc in zip(geo.label_cols, layout.rows.label_columns, strict=True):
            found = self.text(top, col)
            if squash(found) != squash(lc.label):
                self.add(ProblemCode.HEADER_MISMATCH, top, col, value=found, expected=lc.label, found=found)
        if geo.label_cols and squash(self.text(geo.number_row, 1)) != squash(COLUMN_NUMBER_LABEL):
            found = self.text(geo.number_row, 1)
            self.add(
                ProblemCode.HEADER_MISMATCH, geo.number_row, 1, value=found, expected=COLUMN_NUMBER_LABEL, found=found
            )
        checked_groups: set[str] = set()
        for col, column in zip(geo.data_cols, layout.columns, strict=True):
            group = layout.group_of(column.number)
            label_row = top if group is None else bottom
            found = self.text(label_row, col)
            ok = squash(found) == squash(column.label)
            if group is not None and group.label not in checked_groups:
                checked_groups.add(group.label)
                found_group = self.text(top, col)
                if squash(found_group) != squash(group.label):
                    self.add(
                        ProblemCode.HEADER_MISMATCH,
                        top,
                        col,
                        value=found_group,
                        expected=group.label,
                        found=found_group,
                    )
            number_text = self.text(geo.number_row, col).strip()
            if number_text != str(column.number):
                ok = False
                self.add(
                    ProblemCode.HEADER_MISMATCH,
                    geo.number_row,
                    col,
                    column=column.number,
                    value=number_text,
                    expected=f"栏次 {column.number}",
                    found=number_text,
                )
            elif squash(found) != squash(column.label):
                self.add(
                    ProblemCode.HEADER_MISMATCH,
                    label_row,
                    col,
                    column=column.number,
                    value=found,
                    expected=column.label,
                    found=found,
                )
            if not ok:
                # A column whose header does not match is not read: its values may be another column's.
                self.untrusted_columns.add(column.number)
                self.unreadable.add((None, column.number))

    def _fixed_rows(self, geo: Geometry) -> tuple[list[FormRow], dict[int, CellValue] | None]:
        layout = self.layout
        number_col = label_col(layout, geo, LabelRole.NUMBER) or 1
        name_col = label_col(layout, geo, LabelRole.NAME) or 1
        by_name = {squash(r.name): (i, r) for i, r in enumerate(layout.rows.rows)}
        rows: list[FormRow] = []
        for i, fixed in enumerate(layout.rows.rows):
            row = geo.data_start + i
            self.positions[fixed.key] = row
            found_number = self.text(row, number_col).strip()
            found_name = self.text(row, name_col)
            if found_number == str(fixed.number) and squash(found_name) == squash(fixed.name):
                rows.append(FormRow(fixed.key, fixed.number, fixed.name, self._row_values(row, fixed.key, geo)))
                continue
            self._row_mismatch(row, name_col, fixed, found_number, found_name, by_name, geo)
            rows.append(FormRow(fixed.key, fixed.number, fixed.name, {}))
            # The row's values belong to no trusted row, but they are still in the column: keep their
            # sums so the 合计 can be checked (a moved row does not change a column's total).
            self.quiet = True
            for number, value in self._row_values(row, fixed.key, geo).items():
                if isinstance(value, Decimal):
                    self.stray[number] = self.stray.get(number, Decimal(0)) + value
            self.quiet = False
        totals: dict[int, CellValue] | None = None
        if geo.totals_row is not None and layout.rows.totals is not None:
            found = self.text(geo.totals_row, name_col)
            expected = layout.rows.totals.label
            if squash(found) != squash(expected):
                self.add(
                    ProblemCode.ROW_LABEL_MISMATCH,
                    geo.totals_row,
                    name_col,
                    row_key=TOTALS_KEY,
                    value=found,
                    what=f"第{geo.totals_row}行应为“{expected}”，文件中为“{found}”：合计行未读取",
                    what_en=f"row {geo.totals_row} should be {expected!r}, found {found!r}; totals not read",
                )
            else:
                self.positions[TOTALS_KEY] = geo.totals_row
                totals = self._row_values(geo.totals_row, TOTALS_KEY, geo, totals_row=True)
        return rows, totals

    def _row_mismatch(
        self,
        row: int,
        col: int,
        fixed: FixedRow,
        found_number: str,
        found_name: str,
        by_name: dict[str, tuple[int, FixedRow]],
        geo: Geometry,
    ) -> None:
        shown = f"{found_number} {found_name.strip()}".strip()
        elsewhere = by_name.get(squash(found_name))
        if elsewhere is not None and elsewhere[1].key != fixed.key:
            at = geo.data_start + elsewhere[0]
            zh = f"，该项目应在第{at}行（行被插入、删除或移动）"
            en = f"; that program belongs on row {at} (a row was inserted, deleted or moved)"
        else:
            zh = en = ""
        self.add(
            ProblemCode.ROW_LABEL_MISMATCH,
            row,
            col,
            row_key=fixed.key,
            value=f"{found_number} {found_name}".strip(),
            what=f"第{row}行应为序号{fixed.number}“{fixed.name}”，文件中为“{shown}”{zh}；该行数据未读取",
            what_en=f"row {row} should be No. {fixed.number} {fixed.name!r}, found {shown!r}{en}; values not read",
        )

    def _free_rows(self, geo: Geometry, scan: SheetScan, last_row: int) -> tuple[list[FormRow], int]:
        key_col = serial_col(self.layout, geo)
        rows: list[FormRow] = []
        seen: set[str] = set()
        end = last_row
        for row in range(geo.data_start, last_row + 1):
            first = self.text(row, 1).strip()
            if first.startswith(NOTE_MARKERS):
                end = row + len(note_lines(self.layout)) - 1
                break
            data_cells = [self.cell(row, c) for c in geo.data_cols if c != key_col]
            if all(c.value is None and c.data_type != "f" for c in data_cells):
                continue
            key_text = self.text(row, key_col).strip() if key_col else ""
            if not key_text.isdigit() or key_text in seen:
                what = "序号重复" if key_text in seen else "序号缺失或不是整数"
                what_en = "a repeated 序号" if key_text in seen else "a missing or non-integer 序号"
                self.add(
                    ProblemCode.ROW_LABEL_MISMATCH,
                    row,
                    key_col or 1,
                    row_key=key_text or None,
                    value=key_text,
                    what=f"第{row}行{what}：该行数据未读取",
                    what_en=f"row {row}: {what_en}; its values were not read",
                )
                continue
            seen.add(key_text)
            self.positions[key_text] = row
            rows.append(FormRow(key_text, int(key_text), None, self._row_values(row, key_text, geo)))
        return rows, end

    def _row_values(self, row: int, key: str, geo: Geometry, totals_row: bool = False) -> dict[int, CellValue]:
        values: dict[int, CellValue] = {}
        for col, column in zip(geo.data_cols, self.layout.columns, strict=True):
            if column.number in self.untrusted_columns:
                continue
            if totals_row and not column.kind.additive:
                continue
            value = self._parse(row, col, key, column)
            if value is not None:
                values[column.number] = value
        return values

    def _parse(self, row: int, col: int, key: str, column: Column) -> CellValue | None:
        cell = self.cell(row, col)
        where = {"row_key": key, "column": column.number}
        if cell.data_type == "f" and cell.value is None:
            self.add(ProblemCode.FORMULA_NOT_CALCULATED, row, col, **where)
            return None
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if cell.data_type == "e":
            self.add(ProblemCode.ERROR_CELL, row, col, value=value, **where)
            return None
        kind = column.kind
        if kind in (ColumnKind.AMOUNT, ColumnKind.COUNT, ColumnKind.SERIAL):
            return self._number(row, col, column, cell, where)
        if kind is ColumnKind.STANDARD:
            if isinstance(value, int | float) and not isinstance(value, bool):
                number = number_from_cell(value)
                if number is None:
                    self.add(ProblemCode.NOT_A_NUMBER, row, col, value=value, **where)
                return number
            parsed = parse_text_number(str(value))
            return parsed.digits if parsed is not None else str(value).strip()[:MAX_TEXT]
        if kind is ColumnKind.YES_NO:
            if value is True or value == "是":
                return True
            if value is False or value == "否":
                return False
            self.add(
                ProblemCode.INVALID_VALUE, row, col, value=value,
                what=f"应填“是”或不填：{value}", what_en=f"expected '是' or blank: {value}", **where,
            )  # fmt: skip
            return None
        if kind is ColumnKind.DATE:
            found = as_date(value) if cell.is_date or isinstance(value, datetime) else None
            if found is None and isinstance(value, str):
                found = parse_text_date(value)
            if found is None:
                self.add(
                    ProblemCode.INVALID_VALUE, row, col, value=value,
                    what=f"不是有效日期（如2023-06-30）：{value}",
                    what_en=f"not a valid date (e.g. 2023-06-30): {value}", **where,
                )  # fmt: skip
            return found
        text = self.text(row, col).strip()
        if len(text) > MAX_TEXT:
            self.add(
                ProblemCode.INVALID_VALUE, row, col, value=text,
                what=f"文字超过{MAX_TEXT}字", what_en=f"text longer than {MAX_TEXT} characters", **where,
            )  # fmt: skip
            return None
        if column.choices and text not in column.choices:
            self.add(
                ProblemCode.INVALID_VALUE, row, col, value=text,
                what=f"应为{'、'.join(column.choices)}之一：{text}",
                what_en=f"expected one of {', '.join(column.choices)}: {text}", **where,
            )  # fmt: skip
            return None
        return text

    def _number(self, row: int, col: int, column: Column, cell: _Cell, where: dict[str, Any]) -> Decimal | None:
        value = cell.value
        number: Decimal | None
        if cell.is_date or isinstance(value, datetime | bool):
            number = None
        elif isinstance(value, int | float | Decimal):
            number = number_from_cell(value)
        else:
            parsed = parse_text_number(str(value))
            number = None if parsed is None else parsed.in_unit(column.unit_power)
            if number is not None and abs(number) >= Decimal(10) ** 15:
                number = None
            if number is not None:
                self.add(
                    ProblemCode.NUMBER_STORED_AS_TEXT, row, col, value=value, parsed=quantize_text(number), **where
                )
        if number is None:
            self.add(ProblemCode.NOT_A_NUMBER, row, col, value=value, **where)
            return None
        if number < 0:
            self.add(ProblemCode.NEGATIVE_AMOUNT, row, col, value=quantize_text(number), **where)
            return None
        places = decimal_places(number)
        if column.kind is ColumnKind.AMOUNT and places > column.decimals:
            self.add(
                ProblemCode.EXCESS_DECIMALS, row, col, value=quantize_text(number), decimals=column.decimals, **where
            )
            return None
        if column.kind is not ColumnKind.AMOUNT and places > 0:
            self.add(ProblemCode.NON_INTEGER_COUNT, row, col, value=quantize_text(number), **where)
            return None
        return number

    def _unexpected(self, geo: Geometry, scan: SheetScan, end: int) -> None:
        outside = list(scan.filled_outside(end, geo.width))
        if outside:
            first = a1(*outside[0])
            self.add(
                ProblemCode.UNEXPECTED_DATA,
                *outside[0],
                what=f"表格范围外有{len(outside)}个单元格有内容（首个为{first}），未读取",
                what_en=f"{len(outside)} cell(s) outside the form hold values (first {first}); not read",
            )
        table_end = geo.totals_row or end
        for row in sorted(scan.hidden_rows):
            if geo.data_start <= row <= table_end and any((row, c) in scan.filled for c in geo.data_cols):
                self.add(
                    ProblemCode.UNEXPECTED_DATA,
                    row,
                    geo.data_cols[0],
                    what=f"第{row}行被隐藏但有数据（已读取，请核对）",
                    what_en=f"row {row} is hidden but holds data (read; please check)",
                )
        for col in geo.data_cols:
            if scan.col_hidden(col) and any((r, col) in scan.filled for r in range(geo.data_start, table_end + 1)):
                letter = get_column_letter(col)
                self.add(
                    ProblemCode.UNEXPECTED_DATA,
                    geo.data_start,
                    col,
                    what=f"第{letter}列被隐藏但有数据（已读取，请核对）",
                    what_en=f"column {letter} is hidden but holds data (read; please check)",
                )


def iter_problem_codes(problems: Iterable[Problem]) -> list[str]:
    """The codes of ``problems`` as slugs (handy in tests and summaries)."""
    return [p.code.value for p in problems]
