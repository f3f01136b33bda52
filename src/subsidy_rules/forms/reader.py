"""The reader: a submitted workbook → :class:`FormData` and the problems found on the way.

It never raises on bad data. The bytes are opened by content
(:mod:`subsidy_rules.workbooks.book`: .xlsx/.xlsm, .xls and WPS .et, .ods)
behind the checks of :mod:`subsidy_rules.workbooks.safety`. The table is then
located by its content — the title, the column labels, the row labels — not
by fixed coordinates, so a file in the notice's own layout (no 栏次 row, no
合计 row, a district's name before the title) reads like the library's
template. The library's additions are optional: the 栏次 row may be missing
or blank, the 合计 row may be missing or blank ("合计行未填，已按明细计算").

Tolerant matching, strict reporting: a near-miss label (填报/填表, 和/及, an
annotation in brackets after 其他, a renamed sheet when only one sheet holds
the form) is a warning quoting both texts, and the data are read. A row that
is inserted, moved, swapped or duplicated is an error naming exactly that
row, and every row that still matches is read.

Cell values follow what the spreadsheet stored: a stored float is read at 15
significant digits (what Excel displays: an Excel ``=SUM`` showing 2880.03 is
stored as 2880.0299999999997), then checked for decimals; text keeps its
exact digits. Non-breaking and full-width spaces are stripped with a
warning; the column's own unit after a number (万元, 人, 张, 户) is accepted
with a warning; "—", "－", "-", "——", "/", "无", "空" mean blank (never
zero), with one warning per file listing the cells. Error cells and formulas
never calculated are reported as such, never read as blanks.

References:
    ``shared/xlsx-input-hazards.md``; issue 4 ("Reader and validator"); issue
    10 (forms as districts really send them).

Limitations:
    Columns are located by their labels at the template's positions
    relative to the first column (a table moved sideways is not searched
    for); rows are located anywhere below the title.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from subsidy_rules.core.text import fold
from subsidy_rules.forms.cells import (
    MAX_MAGNITUDE,
    as_date,
    decimal_places,
    issue_type_code,
    number_from_cell,
    parse_text_date,
    parse_text_number,
    quantize_text,
)
from subsidy_rules.forms.data import TOTALS_KEY, CellValue, FormData, FormRow
from subsidy_rules.forms.geometry import (
    CHOICES_SHEET,
    COLUMN_NUMBER_LABEL,
    HEADER_LABEL_SPAN,
    NOTE_MARKERS,
    UNITS_HEADER,
    UNITS_SHEET,
    Geometry,
    a1,
    label_col,
    serial_col,
)
from subsidy_rules.forms.model import (
    RECONSTRUCTED_MARK,
    Column,
    ColumnKind,
    FormLayout,
    HeaderRole,
    LabelRole,
    RowAxisKind,
)
from subsidy_rules.forms.problems import Problem, Severity, problem
from subsidy_rules.workbooks.book import BOOL, DATE, ERROR, NUMBER, TEXT, UNCALCULATED, Book, CellData, Grid, open_book
from subsidy_rules.workbooks.safety import Limits, Rejected, require_defusedxml

MAX_TEXT = 2000
#: What offices type for "nothing" (issue 10): blank, never zero.
BLANK_MARKERS = frozenset({"—", "－", "-", "——", "--", "－－", "/", "／", "无", "空"})
#: Spaces a cell may carry invisibly (pasted from a web page or a Word document).
_INVISIBLE = re.compile("[\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff]")
#: Units a count column accepts after the number when the layout names none.
COUNT_UNITS = ("人", "张", "户", "个", "件", "次", "家")
_PLAIN_NUMBER = re.compile(r"-?(?=[0-9.]{1,16}$)[0-9]{1,15}(?:\.[0-9]+)?")
_STORED_NUMBER = re.compile(r"-?[0-9]{1,20}(?:\.[0-9]{1,30})?(?:[eE][-+]?[0-9]{1,3})?")
#: Significant digits Excel shows of a stored double (and LibreOffice keeps on save).
SIGNIFICANT_DIGITS = 15
_UNIT_LINE = re.compile(r"(金额|计量)?单位[:：](千|百|万|亿)?元")
_BRACKETED_TAIL = re.compile(r"[（(][^（）()]*[）)]$")


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
    #: The format the bytes turned out to be (xlsx, xlsm, xls, ods), and the sheet row of the table's
    #: first column-label row relative to the template (0 when the table sits where the template puts it).
    format: str | None = None
    row_offset: int = 0

    def readable(self, key: str, column: int) -> bool:
        u = self.unreadable
        return not u or ((key, column) not in u and (key, None) not in u and (None, column) not in u)

    @property
    def unit(self) -> str | None:
        return self.data.unit if self.data is not None else None


@functools.lru_cache(maxsize=8192)
def squash(text: str) -> str:
    """Comparison key of a printed label: whitespace, quote styles and full-width forms folded.

    The seeds' text carries conversion artifacts (``通过区“一卡通”银行发放人 数``);
    offices retype quotes in other styles. The template's （拟） mark is dropped.
    """
    key = fold(text)
    mark = fold(RECONSTRUCTED_MARK)
    return key[: -len(mark)] if key.endswith(mark) else key


@functools.lru_cache(maxsize=8192)
def loose(text: str, annotation: bool = True) -> str:
    """A looser key for near-misses: 及/与/、 read as 和, 填报 as 填表, a trailing colon (and annotation) dropped."""
    key = squash(text).rstrip(":：")
    for other in ("及", "与", "、"):
        key = key.replace(other, "和")
    key = key.replace("填报", "填表")
    return (_BRACKETED_TAIL.sub("", key) or key) if annotation else key


def _title_pattern(title: str) -> re.Pattern[str]:
    # "____年度…": the blank is the year to fill in; anything (or nothing) may stand there.
    pieces = re.split(r"_+", squash(title))
    return re.compile(".*".join(re.escape(p) for p in pieces))


def stored_number(value: object) -> Decimal | None:
    """A number as a spreadsheet stored it, read at 15 significant digits; None when not a finite number.

    An Excel formula stores the raw binary result (2880.0299999999997 for a ``=SUM`` showing
    2880.03); Excel displays, and LibreOffice saves, 15 significant digits. Beyond them there is
    only binary noise, so the value is rounded there (half up) and the trailing zeros dropped.
    """
    if type(value) is float:
        # Fast path for what calamine hands over (the common all-numeric data block): a whole number, or
        # a double whose shortest repr has at most 15 digits, is exactly what the cell shows. Same result
        # as the general path below (repr, then normalised), without the Decimal arithmetic.
        if value.is_integer() and -1e15 < value < 1e15:
            return Decimal(int(value))
        text = repr(value)
        if _PLAIN_NUMBER.fullmatch(text):
            return Decimal(text)  # a non-integral repr has no trailing zeros: already normalised
    if isinstance(value, str):
        if _PLAIN_NUMBER.fullmatch(value):
            return Decimal(value)  # at most 15 digits, no exponent: exactly what the cell shows
        if not _STORED_NUMBER.fullmatch(value):
            return None
        number = Decimal(value)  # the pattern bounds the digits and the exponent
    elif isinstance(value, int | float) and not isinstance(value, bool):
        found = number_from_cell(value)
        if found is None:
            return None
        number = found
    else:
        return None
    if number == 0:
        return Decimal(0)
    if abs(number) >= MAX_MAGNITUDE:
        return None
    digits = len(number.as_tuple().digits)
    if digits > SIGNIFICANT_DIGITS:
        number = number.quantize(Decimal(1).scaleb(number.adjusted() - SIGNIFICANT_DIGITS + 1), ROUND_HALF_UP)
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < 0:
        number = number.normalize()
        if (exp := number.as_tuple().exponent) and isinstance(exp, int) and exp > 0:
            number = number.quantize(Decimal(1))
    return number


def read_bytes(layout: FormLayout, data: bytes, limits: Limits | None = None) -> ReadResult:
    """Read a submitted workbook's bytes against ``layout``; never raises on bad data."""
    require_defusedxml()
    limits = limits or Limits()
    try:
        book = open_book(data, limits)
        return _Reader(layout, book, limits).read()
    except Rejected as rejected:
        return ReadResult(None, (rejected.problem,))
    except MemoryError:
        return ReadResult(None, (problem("too-large", what="out of memory while reading"),))
    except RecursionError:  # pragma: no cover - expat does not recurse; a guard for other parsers
        return ReadResult(None, (problem("damaged-file", what="nested too deeply"),))


class _Reader:
    def __init__(self, layout: FormLayout, book: Book, limits: Limits) -> None:
        self.layout = layout
        self.book = book
        self.limits = limits
        self.problems: list[Problem] = []
        self.sheet = layout.sheet
        self.grid = Grid({})
        self.untrusted_columns: set[int] = set()
        self.unreadable: set[tuple[str | None, int | None]] = set()
        self.positions: dict[str, int] = {}
        self.quiet = False
        self.stray: dict[int, Decimal] = {}
        self.stray_bad: set[int] = set()
        self.blank_marks: list[str] = []
        self.marks: set[str] = set()
        self.values_seen = 0
        self.offset = 0
        self.merged: dict[tuple[int, int], str] = {}
        self.merges_said: set[str] = set()
        self.geo = Geometry.of(layout)

    # -- problems ---------------------------------------------------------
    def add(self, code: str, row: int | None = None, col: int | None = None, **kw: Any) -> None:
        if self.quiet:
            # Parsing a row whose label did not match, only for the column sums (see _fixed_rows).
            if isinstance(kw.get("column"), int) and code not in _NOTES:
                self.stray_bad.add(kw["column"])
            return
        cell = a1(row, col) if row is not None and col is not None else None
        found = problem(code, sheet=self.sheet, cell=cell, **kw)
        self.problems.append(found)
        if found.is_error and (found.place.row_key is not None or found.place.column is not None):
            self.unreadable.add((found.place.row_key, found.place.column))

    def near_miss(self, row: int, col: int, found: str, expected: str, **kw: Any) -> None:
        self.add("label-near-miss", row, col, value=found, found=found.strip(), expected=expected, **kw)

    def cell(self, row: int, col: int) -> CellData | None:
        return self.grid.cells.get((row, col))

    def text(self, row: int, col: int) -> str:
        data = self.grid.cells.get((row, col))
        if data is None:
            return ""
        kind, value = data
        if kind == NUMBER:
            number = stored_number(value)
            if number is None:
                return str(value)
            return str(int(number)) if number == number.to_integral_value() else quantize_text(number)
        if value is None:
            return ""
        return str(value)

    # -- the steps ----------------------------------------------------------
    def read(self) -> ReadResult:
        if self.book.macros:
            self.add("macros-present")
        grid = self._choose_sheet()
        if grid is None:
            return ReadResult(None, tuple(self.problems), format=self.book.format)
        self.grid = grid
        self._hidden_sheets()
        for r1, c1, r2, c2 in grid.merges:
            for r in range(r1, min(r2, r1 + 200) + 1):
                for c in range(c1, min(c2, c1 + 200) + 1):
                    self.merged[(r, c)] = f"{a1(r1, c1)}:{a1(r2, c2)}"
        title_row = self._title()
        header_top = self._locate_header(title_row)
        self.offset = header_top - self.geo.header_top
        unit, fields = self._header_lines(title_row, header_top)
        data_start = self._header_block(header_top)
        free = self.layout.rows.kind is RowAxisKind.FREE
        if free:
            rows, end = self._free_rows(data_start)
            totals = None
        else:
            rows, totals, end = self._fixed_rows(data_start)
        self._unexpected(data_start, end)
        if self.blank_marks:
            shown = "、".join(self.blank_marks[:20]) + ("…" if len(self.blank_marks) > 20 else "")
            self.add("blank-markers", markers="、".join(sorted(self.marks)), cells=shown)
        rolled, units = self._rolled_units()
        data = FormData(
            self.layout.id, tuple(rows), unit=unit, fields=fields, totals=totals, rolled_units=rolled, units=units
        )
        self._auditor_warnings(data, title_row)
        return ReadResult(
            data,
            tuple(self.problems),
            frozenset(self.unreadable),
            self.positions,
            stray=self.stray,
            stray_unreadable=frozenset(self.stray_bad),
            format=self.book.format,
            row_offset=self.offset,
        )

    def _choose_sheet(self) -> Grid | None:
        sheets = self.book.sheets()
        names = [s.name for s in sheets]
        if self.layout.sheet in names:
            return self.book.grid(self.layout.sheet)
        candidates = [s for s in sheets if s.name not in (UNITS_SHEET, CHOICES_SHEET) and s.state == "visible"]
        pattern = _title_pattern(self.layout.title)
        holding = []
        for info in candidates:
            grid = self.book.grid(info.name)
            if grid is not None and any(
                isinstance(v, str) and pattern.search(squash(v)) for (r, _), (_, v) in grid.cells.items() if r <= 12
            ):
                holding.append((info.name, grid))
        if len(holding) == 1 or (len(candidates) == 1 and not holding):
            name, grid = holding[0] if holding else (candidates[0].name, self.book.grid(candidates[0].name))
            if grid is not None:
                self.sheet = name
                self.add("label-near-miss", value=name, found=f"工作表 {name}", expected=f"工作表 {self.layout.sheet}")
                return grid
        listed = names or list(getattr(self.book, "listed", lambda: ())())
        self.add("sheet-missing", name=self.layout.sheet, found="、".join(listed) or "无")
        return None

    def _hidden_sheets(self) -> None:
        for other in self.book.sheets():
            if other.name in (self.sheet, UNITS_SHEET, CHOICES_SHEET) or other.state == "visible":
                continue
            grid = self.book.grid(other.name)
            if grid is not None and grid.cells:
                self.problems.append(
                    problem(
                        "unexpected-data",
                        sheet=other.name,
                        what=f"隐藏的工作表“{other.name}”中有数据，未读取",
                        what_en=f"the hidden sheet {other.name!r} holds data; it was not read",
                    )
                )

    def _title(self) -> int:
        """The row of the title: where the template puts it, or the first row holding it (a prefix is a warning)."""
        pattern = _title_pattern(self.layout.title)
        expected_row = self.geo.title_row
        for row in range(1, 13):
            for col in range(1, self.geo.width + 1):
                data = self.cell(row, col)
                if data is None or data[0] != TEXT:
                    continue
                found = squash(str(data[1]))
                if pattern.fullmatch(found):
                    return row
                if pattern.search(found):
                    self.near_miss(row, col, str(data[1]), self.layout.title)
                    return row
        found_text = self.text(expected_row, 1)
        self.add("header-mismatch", expected_row, 1, value=found_text, expected=self.layout.title, found=found_text)
        return expected_row

    def _first_header_label(self) -> str:
        layout = self.layout
        if layout.rows.label_columns:
            return layout.rows.label_columns[0].label
        first = layout.columns[0]
        group = layout.group_of(first.number)
        return group.label if group is not None else first.label

    def _locate_header(self, title_row: int) -> int:
        """The row of the column labels: found by the first column's label below the title."""
        expected = self.geo.header_top + (title_row - self.geo.title_row)
        key = squash(self._first_header_label())
        candidates: list[int] = [expected, *range(title_row + 1, title_row + 16)]
        for row in candidates:
            if squash(self.text(row, 1)) == key:
                return row
        return int(expected)

    def _header_lines(self, title_row: int, header_top: int) -> tuple[str | None, dict[str, str]]:
        """The lines between the title and the table, found by their labels in any cell of those rows."""
        unit: str | None = None
        fields: dict[str, str] = {}
        rows = range(title_row + 1, max(title_row + 1, header_top))
        for line in self.layout.header_lines:
            exact, near = squash(line.label).rstrip(":："), loose(line.label, False)
            spot: tuple[int, int, str] | None = None
            for row in rows:
                for col in range(1, self.geo.width + 1):
                    text = self.text(row, col)
                    if not text:
                        continue
                    folded = squash(text)
                    if folded.startswith(exact):
                        spot = (row, col, "")
                        break
                    if line.role is not HeaderRole.UNIT and loose(text, False).startswith(near):
                        spot = (row, col, text)
                        break
                    if line.role is HeaderRole.UNIT and _UNIT_LINE.match(folded):
                        spot = (row, col, "unit?")
                        break
                if spot:
                    break
            if spot is None:
                if line.role is not HeaderRole.UNIT:
                    # A line the form prints is not found: its value is not read. Said, without failing the file.
                    at = title_row + 1 + self.layout.header_lines.index(line)
                    found = self.text(at, 1) if at < header_top else ""
                    self.add(
                        "header-mismatch", at, 1, value=found, expected=line.label, found=found,
                        severity=Severity.WARNING,
                    )  # fmt: skip
                continue
            row, col, how = spot
            text = self.text(row, col)
            if line.role is HeaderRole.UNIT:
                if how:
                    self.add("unit-mismatch", row, col, value=text, expected=line.label, found=text)
                continue
            text = text.replace(RECONSTRUCTED_MARK, "")
            label_text = text.split("：", 1)[0].split(":", 1)[0]
            if how:
                self.near_miss(row, col, label_text, line.label.rstrip("：:"))
            value = _after_label(text)
            if not value:
                for c in range(col + 1, min(self.geo.width, col + HEADER_LABEL_SPAN + 4) + 1):
                    candidate = self.text(row, c).strip()
                    if candidate and not candidate.startswith("单位"):
                        value = candidate
                        break
            value = value[:MAX_TEXT]
            if line.role is HeaderRole.REPORTER:
                unit = value or None
            elif value:
                fields[line.label] = value
        return unit, fields

    def _label_ok(self, row: int, col: int, label: str, *, column: int | None = None) -> bool:
        found = self.text(row, col)
        if squash(found) == squash(label):
            return True
        if found and loose(found) == loose(label):
            self.near_miss(row, col, found, label, column=column)
            return True
        self.add("header-mismatch", row, col, column=column, value=found, expected=label, found=found)
        return False

    def _header_block(self, top: int) -> int:
        """Check the column labels and the optional 栏次 row; return the first data row."""
        layout, geo = self.layout, self.geo
        depth = geo.header_depth
        bottom = top + depth - 1
        for col, lc in zip(geo.label_cols, layout.rows.label_columns, strict=True):
            self._label_ok(top, col, lc.label)
        checked_groups: set[str] = set()
        label_ok: dict[int, bool] = {}
        for col, column in zip(geo.data_cols, layout.columns, strict=True):
            group = layout.group_of(column.number)
            if group is not None and group.label not in checked_groups:
                checked_groups.add(group.label)
                self._label_ok(top, col, group.label)
            label_row = top if group is None else bottom
            found = self.text(label_row, col)
            if squash(found) == squash(column.label):
                label_ok[column.number] = True
            elif found and loose(found) == loose(column.label):
                self.near_miss(label_row, col, found, column.label, column=column.number)
                label_ok[column.number] = True
            else:
                label_ok[column.number] = False
        # The 栏次 row is the library's addition where the notice prints none: optional. It is there when
        # its label is, or when the data columns hold their own numbers 1…n.
        number_row = bottom + 1
        has_label = bool(geo.label_cols) and squash(self.text(number_row, 1)).startswith(squash(COLUMN_NUMBER_LABEL))
        numbers = [self.text(number_row, c).strip() for c in geo.data_cols]
        expected = [str(c.number) for c in layout.columns]
        matches = sum(1 for a, b in zip(numbers, expected, strict=True) if a == b)
        is_number_row = has_label or matches >= max(2, len(expected) // 2)
        if is_number_row:
            for col, column, found in zip(geo.data_cols, layout.columns, numbers, strict=True):
                if found and found != str(column.number):
                    label_ok[column.number] = False
                    self.add(
                        "header-mismatch", number_row, col, column=column.number, value=found,
                        expected=f"栏次 {column.number}", found=found,
                    )  # fmt: skip
                    continue
        for col, column in zip(geo.data_cols, layout.columns, strict=True):
            if label_ok[column.number]:
                continue
            group = layout.group_of(column.number)
            label_row = top if group is None else bottom
            if not any(p.place.column == column.number and p.code == "header-mismatch" for p in self.problems):
                found = self.text(label_row, col)
                self.add(
                    "header-mismatch", label_row, col, column=column.number, value=found, expected=column.label,
                    found=found,
                )  # fmt: skip
            # A column whose header does not match is not read: its values may be another column's.
            self.untrusted_columns.add(column.number)
            self.unreadable.add((None, column.number))
        return number_row + 1 if is_number_row else number_row

    def _labels_blank(self, row: int) -> bool:
        return all(not self.text(row, c).strip() for c in self.geo.label_cols)

    # -- rows -----------------------------------------------------------------
    def _row_labels(self, row: int) -> tuple[str, str]:
        layout, geo = self.layout, self.geo
        number_col = label_col(layout, geo, LabelRole.NUMBER) or 1
        name_col = label_col(layout, geo, LabelRole.NAME) or 1
        return self.text(row, number_col).strip(), self.text(row, name_col)

    def _is_totals(self, row: int) -> bool:
        totals = self.layout.rows.totals
        if totals is None:
            return False
        key = squash(totals.label)
        return any(squash(self.text(row, c)) in (key, "总计", "合计") for c in self.geo.label_cols or (1,))

    def _is_notes(self, row: int) -> bool:
        first = self.text(row, 1).strip()
        return first.startswith(NOTE_MARKERS) and len(first) > 1 and not first.startswith(("注销",))

    def _row_filled(self, row: int) -> bool:
        return any((row, c) in self.grid.cells for c in range(1, self.geo.width + 1))

    def _fixed_rows(self, start: int) -> tuple[list[FormRow], dict[int, CellValue] | None, int]:
        layout, geo = self.layout, self.geo
        fixed_rows = layout.rows.rows
        exact = {squash(r.name): i for i, r in enumerate(fixed_rows)}
        near = {loose(r.name): i for i, r in enumerate(fixed_rows)}
        last = min(self.grid.max_row, start + len(fixed_rows) + self.limits.max_rows)
        name_col = label_col(layout, geo, LabelRole.NAME) or 1
        sheet_rows: list[tuple[int, int | None, str, str]] = []  # (sheet row, fixed index or None, number, name)
        totals_row: int | None = None
        end = start + len(fixed_rows) - 1
        row = start
        while row <= last:
            if self._is_totals(row):
                totals_row = row
                break
            if self._is_notes(row):
                break
            if self._row_filled(row):
                number, name = self._row_labels(row)
                folded = squash(name)
                index = exact.get(folded)
                if index is None and name.strip():
                    index = near.get(loose(name))
                    if index is None and folded:
                        # "其他（创业担保贷款贴息）" for 其他: an annotation in brackets after a row's name.
                        index = near.get(loose(_BRACKETED_TAIL.sub("", folded)))
                sheet_rows.append((row, index, number, name))
                end = max(end, row)
            row += 1
        # A label on two rows: the row whose 序号 is the printed one is that row (else the first); the other
        # repeats it. Then the rows in the form's order (longest increasing run of matched rows) are read.
        chosen: dict[int, tuple[int, bool]] = {}  # fixed index -> (sheet row, its 序号 is the printed one)
        for sr, si, number, _ in sheet_rows:
            if si is not None:
                printed = number == str(fixed_rows[si].number)
                if si not in chosen or (printed and not chosen[si][1]):
                    chosen[si] = (sr, printed)
        matched = [(sr, si) for sr, si, _, _ in sheet_rows if si is not None and chosen[si][0] == sr]
        found_at: dict[int, int] = {}
        for kept_row, kept_index in _increasing(matched):
            found_at.setdefault(kept_index, kept_row)
        values_of: dict[int, dict[int, CellValue]] = {}
        explained: set[int] = set()
        number_col = label_col(layout, geo, LabelRole.NUMBER) or 1
        swapped: dict[int, int] = {}  # a kept row's sheet row -> the moved row it was swapped with
        for moved_row, moved_index, _, _ in sheet_rows:
            if moved_index is None or moved_index in found_at:
                continue
            crossing = [kr for ki, kr in found_at.items() if (ki < moved_index) != (kr < moved_row)]
            if len(crossing) == 1:
                swapped[crossing[0]] = moved_row
        for r, i, number, name in sheet_rows:
            shown = f"{number} {name.strip()}".strip()
            if i is None:
                self._unmatched_row(r, shown, found_at, explained, name_col)
                continue
            fixed = fixed_rows[i]
            if found_at.get(i) == r and r not in swapped:
                if squash(name) != squash(fixed.name):
                    self.near_miss(r, name_col, name, fixed.name, row_key=fixed.key)
                if number and number != str(fixed.number):
                    self.near_miss(r, number_col, f"序号{number}", f"序号{fixed.number}", row_key=fixed.key)
                self.positions[fixed.key] = r
                values_of[i] = self._row_values(r, fixed.key)
                continue
            explained.add(i)
            if found_at.get(i, r) != r:
                # The label of a row already read: a repeated row.
                self._row_problem(
                    r, fixed.key, shown,
                    f"第{r}行“{shown}”与第{found_at[i]}行为同一项目（重复的行）：该行数据未读取",
                    f"row {r} {shown!r} repeats the row on row {found_at[i]}; its values were not read",
                )  # fmt: skip
                self._stray(r, fixed.key)  # still in the column: the 合计 is checked with them
                continue
            partner = swapped.get(r) or next((k for k, v in swapped.items() if v == r), None)
            if partner is not None:
                zh, en = f"与第{partner}行对调", f"swapped with row {partner}"
            else:
                zh, en = "被移动", "moved"
            # Matched a printed row, but out of the form's order: not read (it might be read as its neighbour).
            self._row_problem(
                r, fixed.key, shown,
                f"第{r}行“{shown}”不在表样的位置（{zh}）：该行数据未读取",
                f"row {r} {shown!r} is out of the form's order ({en}); its values were not read",
            )  # fmt: skip
            self._stray(r, fixed.key)
        rows: list[FormRow] = []
        for i, fixed in enumerate(fixed_rows):
            if i in values_of:
                rows.append(FormRow(fixed.key, fixed.number, fixed.name, values_of[i]))
                continue
            rows.append(FormRow(fixed.key, fixed.number, fixed.name, {}))
            if i not in explained:
                at = start + i
                self.add(
                    "row-label-mismatch", at, name_col, row_key=fixed.key, value="",
                    what=f"缺少序号{fixed.number}“{fixed.name}”这一行（行被删除？）",
                    what_en=f"the row No. {fixed.number} {fixed.name!r} is missing (a deleted row?)",
                )  # fmt: skip
            self.unreadable.add((fixed.key, None))
        totals: dict[int, CellValue] | None = None
        if totals_row is not None:
            self.positions[TOTALS_KEY] = totals_row
            label = next(
                (t for c in self.geo.label_cols or (1,) if squash(t := self.text(totals_row, c)) in ("总计", "合计")),
                "",
            )
            expected_label = layout.rows.totals.label if layout.rows.totals is not None else "合计"
            if label and squash(label) != squash(expected_label):
                self.near_miss(totals_row, name_col, label, expected_label, row_key=TOTALS_KEY)
            totals = self._row_values(totals_row, TOTALS_KEY, totals_row=True)
            end = totals_row
            additive = {c.number for c in layout.additive_columns}
            if not totals and any(isinstance(v, Decimal) and c in additive for r in rows for c, v in r.values.items()):
                self.add("totals-blank", totals_row, name_col, row_key=TOTALS_KEY)
                totals = None
        return rows, totals, end

    def _unmatched_row(
        self, row: int, shown: str, found_at: Mapping[int, int], explained: set[int], name_col: int
    ) -> None:
        """A row matching no printed row: a changed label where one row is missing, or an inserted row."""
        slot = _missing_slot(row, found_at, len(self.layout.rows.rows))
        if slot is not None and slot not in explained:
            fixed = self.layout.rows.rows[slot]
            explained.add(slot)
            self._row_problem(
                row, fixed.key, shown,
                f"第{row}行应为序号{fixed.number}“{fixed.name}”，文件中为“{shown}”：该行数据未读取",
                f"row {row} should be No. {fixed.number} {fixed.name!r}, found {shown!r}; values not read",
            )  # fmt: skip
            self._stray(row, fixed.key)
            return
        self.add(
            "row-label-mismatch", row, name_col, value=shown,
            what=f"第{row}行“{shown}”不是表样中的行（插入的行？）：该行数据未读取，也未计入合计核对",
            what_en=f"row {row} {shown!r} is not a row of the form (an inserted row?); its values were not read"
            " nor counted in the totals check",
        )  # fmt: skip

    def _row_problem(self, row: int, key: str, shown: str, zh: str, en: str) -> None:
        name_col = label_col(self.layout, self.geo, LabelRole.NAME) or 1
        self.add("row-label-mismatch", row, name_col, row_key=key, value=shown, what=zh, what_en=en)
        self.unreadable.add((key, None))

    def _stray(self, row: int, key: str) -> None:
        # The row's values belong to no trusted row, but they are still in the column: keep their
        # sums so the 合计 can be checked (a moved row does not change a column's total).
        self.quiet = True
        try:
            for number, value in self._row_values(row, key).items():
                if isinstance(value, Decimal):
                    self.stray[number] = self.stray.get(number, Decimal(0)) + value
        finally:
            self.quiet = False

    def _free_rows(self, start: int) -> tuple[list[FormRow], int]:
        key_col = serial_col(self.layout, self.geo)
        rows: list[FormRow] = []
        seen: set[str] = set()
        last = min(max(self.grid.max_row, start), start + self.limits.max_rows)
        end = last
        for row in range(start, last + 1):
            if self._is_notes(row):
                end = row - 1
                break
            data_cells = [self.cell(row, c) for c in self.geo.data_cols if c != key_col]
            if all(c is None for c in data_cells):
                continue
            key_text = self.text(row, key_col).strip() if key_col else ""
            if not key_text.isdigit() or key_text in seen:
                what = "序号重复" if key_text in seen else "序号缺失或不是整数"
                what_en = "a repeated 序号" if key_text in seen else "a missing or non-integer 序号"
                self.add(
                    "row-label-mismatch", row, key_col or 1, row_key=key_text or None, value=key_text,
                    what=f"第{row}行{what}：该行数据未读取", what_en=f"row {row}: {what_en}; its values were not read",
                )  # fmt: skip
                continue
            seen.add(key_text)
            self.positions[key_text] = row
            rows.append(FormRow(key_text, int(key_text), None, self._row_values(row, key_text)))
        return rows, end

    def _row_values(self, row: int, key: str, totals_row: bool = False) -> dict[int, CellValue]:
        values: dict[int, CellValue] = {}
        cells, merged = self.grid.cells, self.merged
        for col, column in zip(self.geo.data_cols, self.layout.columns, strict=True):
            if (row, col) not in cells and (row, col) not in merged:
                continue  # blank: nothing to read (the common case, checked first)
            if column.number in self.untrusted_columns:
                continue
            if totals_row and not column.kind.additive:
                continue
            value = self._parse(row, col, key, column)
            if value is not None:
                values[column.number] = value
        return values

    # -- cells ----------------------------------------------------------------
    def _parse(self, row: int, col: int, key: str, column: Column) -> CellValue | None:
        data = self.cell(row, col)
        where = {"row_key": key, "column": column.number}
        merged = self.merged.get((row, col))
        if merged is not None and column.kind is not ColumnKind.TEXT and _spans_columns(merged):
            # Two data columns merged: the value cannot be placed in one column (issue 10). Said once per area.
            if merged not in self.merges_said:
                self.merges_said.add(merged)
                self.add("merged-data-cells", row, col, value=merged, range=merged, **where)
            else:
                self.unreadable.add((key, column.number))
            return None
        if data is None:
            return None
        kind, value = data
        if kind == UNCALCULATED:
            self.add("formula-not-calculated", row, col, **where)
            return None
        if kind == ERROR:
            self.add("error-cell", row, col, value=value, **where)
            return None
        if kind == TEXT:
            text = str(value)
            if not text.strip():
                return None
            cleaned = text.strip(" \t\r\n")
            if _INVISIBLE.search(cleaned) and column.kind is not ColumnKind.TEXT:
                cleaned = _INVISIBLE.sub("", cleaned).strip()
                if not cleaned:
                    return None
                self.add("spaces-stripped", row, col, value=text, parsed=cleaned, **where)
            if cleaned in BLANK_MARKERS:
                self.blank_marks.append(a1(row, col))
                self.marks.add(cleaned)
                return None
            value = cleaned
        self.values_seen += 1
        kind_ = column.kind
        if kind_ in (ColumnKind.AMOUNT, ColumnKind.COUNT, ColumnKind.SERIAL):
            return self._number(row, col, column, kind, value, where)
        if kind_ is ColumnKind.STANDARD:
            if kind == NUMBER:
                number = stored_number(value)
                if number is None:
                    self.add("not-a-number", row, col, value=value, **where)
                return number
            parsed = parse_text_number(str(value))
            return parsed.digits if parsed is not None else str(value).strip()[:MAX_TEXT]
        if kind_ is ColumnKind.YES_NO:
            if (kind == BOOL and value is True) or value == "是":
                return True
            if (kind == BOOL and value is False) or value == "否":
                return False
            self.add(
                "invalid-value", row, col, value=value,
                what=f"应填“是”或不填：{value}", what_en=f"expected '是' or blank: {value}", **where,
            )  # fmt: skip
            return None
        if kind_ is ColumnKind.DATE:
            found = as_date(value) if kind == DATE else None
            if found is None and kind == TEXT:
                found = parse_text_date(str(value))
            if found is None:
                self.add(
                    "invalid-value", row, col, value=value,
                    what=f"不是有效日期（如2023-06-30）：{value}",
                    what_en=f"not a valid date (e.g. 2023-06-30): {value}", **where,
                )  # fmt: skip
            return found
        text = self.text(row, col).strip() if kind != TEXT else str(value)
        if len(text) > MAX_TEXT:
            self.add(
                "invalid-value", row, col, value=text,
                what=f"文字超过{MAX_TEXT}字", what_en=f"text longer than {MAX_TEXT} characters", **where,
            )  # fmt: skip
            return None
        if kind_ is ColumnKind.ISSUE_TYPE:
            code = issue_type_code(text)
            if code is None:
                self.add("unknown-issue-type", row, col, value=text, **where)
                return None
            return code
        if column.choices and text not in column.choices:
            self.add(
                "invalid-value", row, col, value=text,
                what=f"应为{'、'.join(column.choices)}之一：{text}",
                what_en=f"expected one of {', '.join(column.choices)}: {text}", **where,
            )  # fmt: skip
            return None
        return text

    def _number(
        self, row: int, col: int, column: Column, kind: str, value: Any, where: dict[str, Any]
    ) -> Decimal | None:
        number: Decimal | None
        if kind == NUMBER:
            number = stored_number(value)
        elif kind == TEXT:
            text = str(value)
            units = _units_of(column)
            suffix = next((u for u in units if text.endswith(u) and len(text) > len(u)), None)
            bare = text[: -len(suffix)].strip() if suffix else text
            parsed = parse_text_number(bare)
            number = None if parsed is None else parsed.in_unit(column.unit_power)
            if number is not None and abs(number) >= MAX_MAGNITUDE:
                number = None
            if number is not None:
                if suffix:
                    self.add("unit-suffix", row, col, value=value, suffix=suffix, parsed=quantize_text(number), **where)
                else:
                    self.add("number-stored-as-text", row, col, value=value, parsed=quantize_text(number), **where)
        else:
            number = None
        if number is None:
            self.add("not-a-number", row, col, value=value, **where)
            return None
        if number < 0:
            self.add("negative-amount", row, col, value=quantize_text(number), **where)
            return None
        places = decimal_places(number)
        if column.kind is ColumnKind.AMOUNT and places > column.decimals:
            if self.layout.decimals_enforced:
                self.add("excess-decimals", row, col, value=quantize_text(number), decimals=column.decimals, **where)
                return None
            # The notice sets no decimal rule (Wuhan): said, and the value is read as it stands.
            self.add(
                "excess-decimals", row, col, value=quantize_text(number), decimals=column.decimals,
                severity=Severity.WARNING, **where,
            )  # fmt: skip
        if column.kind is not ColumnKind.AMOUNT and places > 0:
            self.add("non-integer-count", row, col, value=quantize_text(number), **where)
            return None
        return number

    # -- what else the sheet holds ------------------------------------------------
    def _unexpected(self, data_start: int, end: int) -> None:
        geo = self.geo
        width = geo.width
        notes_start = next((r for (r, c) in sorted(self.grid.cells) if r > end and c == 1 and self._is_notes(r)), None)
        below = [
            (r, c) for (r, c) in sorted(self.grid.cells) if end < r < (notes_start or 10**9) and c in geo.data_cols
        ]
        if below:
            first = a1(*below[0])
            self.add(
                "unexpected-data", *below[0], severity=Severity.ERROR,
                what=f"表格最后一行（合计行）下方有{len(below)}个数据单元格有内容（首个为{first}），未读取，请核对是否漏计",
                what_en=f"{len(below)} data cell(s) below the table's last row hold values (first {first});"
                " not read: check nothing was left out of the form",
            )  # fmt: skip
        outside = [rc for rc in sorted(self.grid.cells) if rc[1] > width]
        if outside:
            first = a1(*outside[0])
            self.add(
                "unexpected-data", *outside[0],
                what=f"表格范围外有{len(outside)}个单元格有内容（首个为{first}），未读取",
                what_en=f"{len(outside)} cell(s) outside the form hold values (first {first}); not read",
            )  # fmt: skip
        for r in sorted(self.grid.hidden_rows):
            held = [c for c in geo.data_cols if (r, c) in self.grid.cells] if data_start <= r <= end else []
            if held:
                self.add(
                    "unexpected-data", r, held[0],  # the first cell of the row that holds data
                    what=f"第{r}行被隐藏但有数据（已读取，请核对）",
                    what_en=f"row {r} is hidden but holds data (read; please check)",
                )  # fmt: skip
        for col in geo.data_cols:
            if not self.grid.col_hidden(col):
                continue
            rows = [r for r in range(data_start, end + 1) if (r, col) in self.grid.cells]
            if rows:
                letter = a1(1, col)[:-1]
                self.add(
                    "unexpected-data", rows[0], col,
                    what=f"第{letter}列被隐藏但有数据（已读取，请核对）",
                    what_en=f"column {letter} is hidden but holds data (read; please check)",
                )  # fmt: skip

    def _rolled_units(self) -> tuple[int, tuple[str, ...]]:
        """A roll-up's units sheet: how many unit forms it adds up, and their names."""
        if UNITS_SHEET not in {s.name for s in self.book.sheets()}:
            return 1, ()
        grid = self.book.grid(UNITS_SHEET)
        if grid is None:
            return 1, ()
        header_row = next((r for (r, c), (_, v) in sorted(grid.cells.items()) if c == 1 and v == UNITS_HEADER[0]), None)
        if header_row is None:
            return 1, ()
        name_col = UNITS_HEADER.index("填报单位") + 1
        count_col = UNITS_HEADER.index("含单位数") + 1
        status_col = UNITS_HEADER.index("状态") + 1
        total = 0
        names: list[str] = []
        for r in range(header_row + 1, min(grid.max_row, header_row + self.limits.max_rows) + 1):
            status = grid.cells.get((r, status_col))
            if status is not None and str(status[1]).startswith("未计入"):
                continue
            count = grid.cells.get((r, count_col))
            number = stored_number(count[1]) if count is not None and count[0] == NUMBER else None
            if number is not None and 0 < number < 10**6 and number == int(number):
                total += int(number)
                name = grid.cells.get((r, name_col))
                if name is not None and str(name[1]).strip():
                    names.append(str(name[1]).strip())
        return max(1, total), tuple(names)

    def _auditor_warnings(self, data: FormData, title_row: int) -> None:
        reporter = next((h for h in self.layout.header_lines if h.role is HeaderRole.REPORTER), None)
        any_value = self.values_seen > 0 or bool(self.blank_marks)
        if not any_value:
            self.add("template-untouched")
            return
        if reporter is not None and not data.unit:
            self.add("reporter-blank", title_row + 1, HEADER_LABEL_SPAN + 1)
        fixed = self.layout.rows.kind is RowAxisKind.FIXED
        if fixed and self.layout.additive_columns and data.is_all_zero(self.layout) and not self._value_errors():
            self.add("all-zero")

    def _value_errors(self) -> bool:
        return any(p.is_error and p.place.column is not None for p in self.problems)


#: Codes that do not make a column's sum unknown when they occur in a stray row.
_NOTES = frozenset({"number-stored-as-text", "spaces-stripped", "unit-suffix"})


def _after_label(text: str) -> str:
    for sep in ("：", ":"):
        if sep in text:
            return text.split(sep, 1)[1].strip()
    return ""


def _units_of(column: Column) -> tuple[str, ...]:
    if column.unit:
        units = tuple(u for u in column.unit.split("/") if u)
        return tuple(sorted(units, key=len, reverse=True))
    if column.kind is ColumnKind.COUNT:
        return COUNT_UNITS
    return ()


def _spans_columns(merged: str) -> bool:
    first, _, last = merged.partition(":")
    return re.sub(r"[0-9]", "", first) != re.sub(r"[0-9]", "", last)


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of (sheet row, form index) pairs whose form indexes increase (patience sorting)."""
    import bisect

    tails: list[int] = []
    tail_at: list[int] = []
    back: list[int] = [-1] * len(pairs)
    for k, (_, index) in enumerate(pairs):
        pos = bisect.bisect_left(tails, index)
        if pos == len(tails):
            tails.append(index)
            tail_at.append(k)
        else:
            tails[pos] = index
            tail_at[pos] = k
        back[k] = tail_at[pos - 1] if pos else -1
    out: list[tuple[int, int]] = []
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        out.append(pairs[k])
        k = back[k]
    return out[::-1]


def _missing_slot(row: int, found_at: Mapping[int, int], count: int) -> int | None:
    """The form index a row sits in when exactly one printed row is missing between its matched neighbours."""
    before = max((i for i, r in found_at.items() if r < row), default=-1)
    after = min((i for i, r in found_at.items() if r > row), default=count)
    if after - before == 2:
        return before + 1
    return None


def iter_problem_codes(problems: Iterable[Problem]) -> list[str]:
    """The codes of ``problems`` (handy in tests and summaries)."""
    return [p.code for p in problems]


__all__ = [
    "BLANK_MARKERS",
    "UNITS_HEADER",
    "UNITS_SHEET",
    "ReadResult",
    "read_bytes",
    "squash",
    "stored_number",
]
