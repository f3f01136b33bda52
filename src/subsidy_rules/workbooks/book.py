"""What a submitted spreadsheet holds, whatever its format: sheets and their cells as stored.

Offices send .xlsx (Excel, WPS), .xlsm, legacy .xls (Excel 97–2003, WPS .et
saved as BIFF), and .ods (LibreOffice). The format is decided by the bytes,
never by the file name. Each format is opened behind the checks of
:mod:`subsidy_rules.workbooks.safety` and read into the same :class:`Grid`:
every non-empty cell with its kind, plus hidden rows and columns and merged
areas — what a reader needs to say "an error cell", "a formula never
calculated", "a hidden row holding data", "two data cells merged", rather
than read them as blanks or put values in the wrong column.

- **xlsx/xlsm**: after the zip and XML checks, the shared strings, styles
  and the sheet are parsed with expat (no DTD, no entities): the number text
  exactly as stored (``2880.0299999999997`` for an Excel ``=SUM``), the cell
  type (``t="e"`` error), formulas without a cached value, date formats.
- **xls**: the OLE compound file is parsed here (header, FAT chains, the
  directory) with every index bounded; the BIFF records are walked to find
  the encryption record, sheet positions and states, error cells, hidden
  rows and columns and merged areas; python-calamine then reads the values.
- **ods**: after the zip and XML checks, ``content.xml`` is parsed with
  expat (repeated rows and columns bounded by the limits; LibreOffice's
  ``calcext:value-type="error"`` marks error results).

References:
    ``shared/xlsx-input-hazards.md``; issue 10 ("Read what offices send");
    [MS-CFB] and [MS-XLS] (record numbers below); OpenDocument 1.2 part 1,
    9.1 (tables).

Limitations:
    BIFF2–4 files and .xlsb are refused as not workbooks. An .ods sheet is
    hidden when its table style (in ``content.xml``) says
    ``table:display="false"``, as LibreOffice writes it; a style defined
    only in ``styles.xml`` is not looked up.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from xml.parsers import expat

import attrs

from subsidy_rules.workbooks.safety import CheckedZip, Limits, Rejected, check_zip, parse_ref, reject

#: Kinds of a stored cell.
NUMBER, TEXT, BOOL, ERROR, DATE, UNCALCULATED = "n", "s", "b", "e", "d", "f"

CellData = tuple[str, Any]
"""(kind, value): NUMBER → the number as stored (str, or float from calamine); TEXT → str;
BOOL → bool; ERROR → the error text (#DIV/0!); DATE → date or datetime; UNCALCULATED → None."""


@attrs.frozen
class SheetInfo:
    name: str
    state: str  # visible / hidden / veryHidden


@attrs.frozen
class Grid:
    """One sheet's stored cells (1-based rows and columns, as Excel counts) and its geometry."""

    cells: dict[tuple[int, int], CellData]
    hidden_rows: frozenset[int] = frozenset()
    hidden_cols: tuple[tuple[int, int], ...] = ()
    merges: tuple[tuple[int, int, int, int], ...] = ()  # (first row, first col, last row, last col)

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def col_hidden(self, col: int) -> bool:
        return any(lo <= col <= hi for lo, hi in self.hidden_cols)


class Book:
    """An opened workbook: its format, sheets, macro flag, and each sheet's grid on demand."""

    format: str = ""
    macros: bool = False

    def sheets(self) -> tuple[SheetInfo, ...]:  # pragma: no cover - abstract
        raise NotImplementedError

    def grid(self, name: str) -> Grid | None:  # pragma: no cover - abstract
        raise NotImplementedError


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"


def open_book(data: bytes, limits: Limits) -> Book:
    """Decide the format by content and open it; raise :class:`Rejected` with the file's problem."""
    if not data:
        raise reject("not-a-workbook", "the file is empty", "文件为空")
    if len(data) > limits.max_file_bytes:
        raise reject(
            "too-large",
            f"{len(data)} bytes (limit {limits.max_file_bytes})",
            f"文件大小{len(data)}字节，上限{limits.max_file_bytes}",
        )
    if data.startswith(_ZIP):
        checked = check_zip(data, limits)
        names = checked.names
        if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
            return XlsxBook(checked, limits, data)
        if "content.xml" in names and b"opendocument.spreadsheet" in checked.part("mimetype")[:200]:
            return OdsBook(checked, limits)
        if "xl/workbook.bin" in names:
            raise reject(
                "not-a-workbook", "an Excel binary workbook (.xlsb); save it as .xlsx", ".xlsb格式，请另存为.xlsx"
            )
        if "content.xml" in names:
            raise reject(
                "not-a-workbook", "an OpenDocument file that is not a spreadsheet", "不是电子表格的OpenDocument文件"
            )
        raise reject("not-a-workbook", "a zip archive that is not a spreadsheet", "压缩包不是电子表格工作簿")
    if data.startswith(_OLE):
        try:
            return XlsBook(data, limits)
        except Rejected as rejected:
            # A damaged OLE file that names encryption streams is an encrypted workbook whatever else is wrong.
            markers = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
            if rejected.problem.code == "damaged-file" and any(m in data for m in markers):
                raise Rejected(_encrypted()) from None
            raise
    if data.startswith(_EMPTY_ZIP):
        raise reject("not-a-workbook", "an empty zip archive", "空的压缩包")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        raise reject("not-a-workbook", "an HTML or XML page saved as a workbook", "网页或XML文件被改名为工作簿")
    if _looks_like_text(data[:4096]):
        raise reject("not-a-workbook", "a text file (CSV?) saved as a workbook", "文本文件（CSV？）被改名为工作簿")
    raise reject("not-a-workbook", "unknown content", "内容无法识别")


def _looks_like_text(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return b"\x00" not in head
    return False


# -- xlsx ---------------------------------------------------------------------------------------

#: Built-in number formats that show dates or times (ECMA-376 18.8.30, and the CJK date ids 27–36, 50–58).
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


def is_date_format(code: str) -> bool:
    """True when an Excel number format code shows a date or time (y, m, d, h, s outside quotes)."""
    bare = _QUOTED.sub("", code.split(";")[0]).lower()
    return any(ch in bare for ch in "ydhs") or ("m" in bare and "0" not in bare)


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _expat(data: bytes, start: Callable[..., None], end: Callable[..., None] | None = None,
           chars: Callable[[str], None] | None = None, *, namespaces: bool = True) -> None:  # fmt: skip
    parser = expat.ParserCreate(namespace_separator=" ") if namespaces else expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if chars is not None:
        parser.CharacterDataHandler = chars
    parser.buffer_text = True
    parser.Parse(data, True)


class XlsxBook(Book):
    def __init__(self, package: CheckedZip, limits: Limits, raw: bytes | None = None) -> None:
        self.package = package
        self.raw = raw
        self.names = package.names
        self.limits = limits
        self.format = "xlsx"
        content_types = package.part("[Content_Types].xml")
        self.macros = any(n.lower().endswith("vbaproject.bin") for n in self.names) or b"macroEnabled" in content_types
        if b"macroEnabled" in content_types:
            self.format = "xlsm"
        self._sheets, self.date1904 = self._workbook()
        self._strings: list[str] | None = None
        self._date_styles: frozenset[int] | None = None

    def _calamine(self, name: str, xml: bytes) -> Grid | None:
        """The sheet read by python-calamine after the package checks; None to fall back to expat."""
        # calamine builds a dense grid from A1 to the last cell: a cell at XFD1048576 would abort the
        # process. Its extent is found first (C-speed searches); anything unusual goes to the expat pass.
        if xml.count(b"<c ") != xml.count(b'<c r="') or b"<c>" in xml:
            return None
        rows = [int(r) for r in _ROW_NUMBERS.findall(xml)]
        letters = set(_CELL_LETTERS.findall(xml))
        last_col = max((parse_ref(x.decode() + "1") or (0, 0))[1] for x in letters) if letters else 0
        last_row = max(rows, default=0)
        if last_row > self.limits.max_rows or last_col > self.limits.max_cols or last_row * last_col > 200_000:
            return None
        for ref in _AREA_REF.findall(xml):
            first, _, last = ref.decode().partition(":")
            a, b = parse_ref(first), parse_ref(last or first)
            if (
                a is not None
                and b is not None
                and (abs(b[0] - a[0]) + 1) * (abs(b[1] - a[1]) + 1) > self.limits.max_merge_area
            ):
                raise reject("too-large", f"a merged or linked area covers {ref.decode()}", "合并或超链接区域过大")
        try:
            from python_calamine import CalamineWorkbook

            sheet = CalamineWorkbook.from_filelike(io.BytesIO(self.raw or b"")).get_sheet_by_name(name)
            values = sheet.to_python(skip_empty_area=False)
            ranges = sheet.merged_cell_ranges or []
        except (KeyboardInterrupt, SystemExit):  # pragma: no cover - never swallowed
            raise
        except BaseException:  # calamine's own errors and panics: the expat pass says what is wrong
            return None
        cells = python_cells(values, self.limits)
        merges = tuple((r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in ranges if (r2 - r1) or (c2 - c1))
        return Grid(cells, frozenset(), (), merges)

    def _workbook(self) -> tuple[list[tuple[SheetInfo, str]], bool]:
        rels: dict[str, str] = {}
        listed: list[tuple[str, str, str]] = []
        flags = {"date1904": False}

        def on_rel(name: str, a: dict[str, str]) -> None:
            if _local(name) == "Relationship":
                rels[a.get("Id", "")] = a.get("Target", "")

        def on_book(name: str, a: dict[str, str]) -> None:
            tag = _local(name)
            if tag == "sheet":
                rid = next((v for k, v in a.items() if _local(k) == "id"), "")
                listed.append((a.get("name", ""), rid, a.get("state", "visible")))
            elif tag == "workbookPr" and a.get("date1904") in ("1", "true"):
                flags["date1904"] = True

        try:
            if "xl/_rels/workbook.xml.rels" in self.names:
                _expat(self.package.part("xl/_rels/workbook.xml.rels"), on_rel)
            _expat(self.package.part("xl/workbook.xml"), on_book)
        except expat.ExpatError as exc:
            raise reject("damaged-file", f"the workbook part is malformed ({exc})", "工作簿结构损坏") from None
        sheets = []
        for name, rid, state in listed:
            target = rels.get(rid, "")
            part = target.lstrip("/") if target.startswith("/") else "xl/" + target
            sheets.append((SheetInfo(name, state), _normpath(part)))
        return sheets, flags["date1904"]

    def sheets(self) -> tuple[SheetInfo, ...]:
        return tuple(info for info, part in self._sheets if part in self.names)

    def listed(self) -> tuple[str, ...]:
        return tuple(info.name for info, _ in self._sheets)

    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = _shared_strings(self.package.part("xl/sharedStrings.xml"))
        return self._strings

    def date_styles(self) -> frozenset[int]:
        if self._date_styles is None:
            self._date_styles = _date_styles(self.package.part("xl/styles.xml"))
        return self._date_styles

    def grid(self, name: str) -> Grid | None:
        part = next((p for info, p in self._sheets if info.name == name), None)
        if part is None or part not in self.names:
            return None
        xml = self.package.part(part)
        if self.raw is not None and not _NEEDS_SCAN.search(xml):
            fast = self._calamine(name, xml)
            if fast is not None:
                return fast
        need_strings = b't="s"' in xml
        strings = self.strings() if need_strings and "xl/sharedStrings.xml" in self.names else []
        styles = self.date_styles() if "xl/styles.xml" in self.names and b' s="' in xml else frozenset()
        return _XlsxSheet(self.limits, strings, styles, self.date1904).parse(xml)


#: What python-calamine cannot tell from a blank or does not report: error cells, a formula without a
#: cached value, hidden rows or columns. A sheet holding none of them is read by calamine (several
#: times faster than expat with Python handlers); any other sheet by the expat pass.
_NEEDS_SCAN = re.compile(
    rb't="e"|hidden="(?:1|true)"'
    rb"|(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
_ROW_NUMBERS = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]{1,9})"')
_CELL_LETTERS = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3})[0-9]')
_AREA_REF = re.compile(
    rb'<(?:\w+:)?(?:mergeCell|hyperlink)\b[^>]*?\bref="([A-Z$]{1,4}[0-9$]{1,8}(?::[A-Z$]{1,4}[0-9$]{1,8})?)"'
)


def _normpath(part: str) -> str:
    out: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if out:
                out.pop()
        elif piece and piece != ".":
            out.append(piece)
    return "/".join(out)


def _shared_strings(xml: bytes) -> list[str]:
    if not xml:
        return []
    out: list[str] = []
    state = {"depth": 0, "in_t": False, "skip": 0}
    buf: list[str] = []

    def start(name: str, a: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "si":
            buf.clear()
        elif tag in ("rPh", "phoneticPr"):
            state["skip"] += 1
        elif tag == "t" and not state["skip"]:
            state["in_t"] = True

    def end(name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "si":
            out.append("".join(buf))
        elif tag in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def chars(text: str) -> None:
        if state["in_t"]:
            buf.append(text)

    try:
        _expat(xml, start, end, chars, namespaces=False)
    except expat.ExpatError as exc:
        raise reject("damaged-file", f"the shared strings are malformed ({exc})", "共享字符串XML格式错误") from None
    return out


def _date_styles(xml: bytes) -> frozenset[int]:
    """Indexes of cellXfs whose number format shows a date."""
    if not xml:
        return frozenset()
    custom: dict[int, str] = {}
    xfs: list[int] = []
    state = {"in_xfs": False}

    def start(name: str, a: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "numFmt":
            fid = a.get("numFmtId", "")
            if fid.isdigit():
                custom[int(fid)] = a.get("formatCode", "")
        elif tag == "cellXfs":
            state["in_xfs"] = True
        elif tag == "xf" and state["in_xfs"]:
            fid = a.get("numFmtId", "0")
            xfs.append(int(fid) if fid.isdigit() else 0)

    def end(name: str) -> None:
        if name.rpartition(":")[2] == "cellXfs":
            state["in_xfs"] = False

    try:
        _expat(xml, start, end, namespaces=False)
    except expat.ExpatError as exc:
        raise reject("damaged-file", f"the styles part is malformed ({exc})", "样式XML格式错误") from None
    out = set()
    for index, fid in enumerate(xfs):
        if fid in custom:
            if is_date_format(custom[fid]):
                out.add(index)
        elif fid in _DATE_FORMAT_IDS:
            out.add(index)
    return frozenset(out)


def serial_to_date(serial: float, date1904: bool) -> date | datetime | None:
    """An Excel date serial as a date (or datetime when it has a time), honouring the 1904 epoch."""
    if not 0 <= serial < 2958466:  # up to 9999-12-31
        return None
    # 1900 system: serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never was (serial 60).
    base = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 31) if serial < 60 else datetime(1899, 12, 30)
    moment = base + timedelta(days=serial)
    return moment.date() if serial == int(serial) else moment


_EMPTY_CELL = re.compile(rb'<c r="[A-Z]{1,3}[0-9]{1,7}"(?: s="[0-9]{1,6}")?(?: t="n")?/>')


class _XlsxSheet:
    """expat handlers building a :class:`Grid` from a worksheet part (plain attributes for speed)."""

    def __init__(self, limits: Limits, strings: list[str], date_styles: frozenset[int], date1904: bool) -> None:
        self.limits = limits
        self.strings = strings
        self.date_styles = date_styles
        self.date1904 = date1904
        self.cells: dict[tuple[int, int], CellData] = {}
        self.hidden_rows: set[int] = set()
        self.hidden_cols: list[tuple[int, int]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.row = 0
        self.col = 0
        self.cell: tuple[int, int] | None = None
        self.type = ""
        self.style = -1
        self.formula = False
        self.text: list[str] = []
        self.capture = False

    def start(self, name: str, a: dict[str, str]) -> None:
        tag = name.rpartition(":")[2] if ":" in name else name
        if tag == "c":
            ref = parse_ref(a["r"]) if "r" in a else None
            if ref is None:
                ref = (self.row, self.col + 1)
            self.col = ref[1]
            self.cell = ref
            self.type = a.get("t", "n")
            s = a.get("s")
            self.style = int(s) if s and s.isdigit() else -1
            self.formula = False
            self.text = []
        elif tag == "v" or (tag == "t" and self.type == "inlineStr"):
            self.capture = self.cell is not None
        elif tag == "f" and self.cell is not None:
            self.formula = True
        elif tag == "row":
            r = a.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
            self.col = 0
            if a.get("hidden") in ("1", "true"):
                self.hidden_rows.add(self.row)
        elif tag == "mergeCell":
            self._area(a.get("ref", ""), tag)
        elif tag == "hyperlink":
            self._area(a.get("ref", ""), tag, keep=False)
        elif tag == "col" and a.get("hidden") in ("1", "true"):
            lo, hi = a.get("min", ""), a.get("max", "")
            if lo.isdigit() and hi.isdigit():
                self.hidden_cols.append((int(lo), int(hi)))

    def _area(self, ref: str, tag: str, keep: bool = True) -> None:
        first, _, last = ref.partition(":")
        a, b = parse_ref(first), parse_ref(last or first)
        if a is None or b is None:
            return
        area = (abs(b[0] - a[0]) + 1) * (abs(b[1] - a[1]) + 1)
        if area > self.limits.max_merge_area:
            raise reject("too-large", f"a {tag} covers {ref}", f"合并或超链接区域过大：{ref}")
        if keep and area > 1:
            self.merges.append((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))

    def chars(self, data: str) -> None:
        if self.capture:
            self.text.append(data)

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2] if ":" in name else name
        if tag in ("v", "t"):
            self.capture = False
        elif tag == "c" and self.cell is not None:
            cell, self.cell = self.cell, None
            text = "".join(self.text)
            if not text and self.type != "inlineStr":
                if self.formula:
                    # A formula with no cached value: never a blank (hazards list).
                    self._put(cell, (UNCALCULATED, None))
                return
            self._put(cell, self._value(text))

    def _put(self, cell: tuple[int, int], value: CellData) -> None:
        if len(self.cells) >= self.limits.max_cells:
            raise reject(
                "too-large", f"more than {self.limits.max_cells} cells", f"单元格超过{self.limits.max_cells}个"
            )
        self.cells[cell] = value

    def _value(self, text: str) -> CellData:
        t = self.type
        if t == "s":
            try:
                return TEXT, self.strings[int(text)]
            except (ValueError, IndexError):
                raise reject("damaged-file", f"a shared-string index {text[:20]!r} that does not exist",
                             "共享字符串索引不存在") from None  # fmt: skip
        if t in ("str", "inlineStr"):
            return TEXT, text
        if t == "b":
            return BOOL, text.strip() in ("1", "true")
        if t == "e":
            # Error cells (#REF!, #DIV/0!): by type, never confused with the text "#REF!".
            return ERROR, text.strip()
        if self.style in self.date_styles:
            try:
                when = serial_to_date(float(text), self.date1904)
            except ValueError:
                when = None
            if when is not None:
                return DATE, when
        return NUMBER, text.strip()

    def parse(self, xml: bytes) -> Grid:
        # One expat pass with plain handlers: measured faster here than regular expressions or
        # ElementTree on these sheets (benchmarks/bench_forms.py). Empty styled cells (a template's
        # input cells, borders) carry nothing; when every cell names its place they are dropped first,
        # at C speed, so expat calls back only for cells that hold something.
        if xml.count(b"<c ") == xml.count(b'<c r="'):
            xml = _EMPTY_CELL.sub(b"", xml)
        try:
            _expat(xml, self.start, self.end, self.chars, namespaces=False)
        except expat.ExpatError as exc:
            raise reject("damaged-file", f"the sheet's XML is malformed ({exc})", "工作表XML格式错误") from None
        return Grid(self.cells, frozenset(self.hidden_rows), tuple(self.hidden_cols), tuple(self.merges))


# -- ods ----------------------------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"


class OdsBook(Book):
    def __init__(self, package: CheckedZip, limits: Limits) -> None:
        self.format = "ods"
        self.limits = limits
        names = package.names
        self.macros = any(n.startswith("Basic/") and n.endswith(".xml") and "script-lb" not in n for n in names)
        content = _OdsContent(limits)
        self._grids = content.parse(package.part("content.xml"))
        self._hidden = content.hidden_tables

    def sheets(self) -> tuple[SheetInfo, ...]:
        return tuple(SheetInfo(name, "hidden" if name in self._hidden else "visible") for name in self._grids)

    def grid(self, name: str) -> Grid | None:
        return self._grids.get(name)


class _OdsContent:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.tables: dict[str, Grid] = {}
        self.name: str | None = None
        self.cells: dict[tuple[int, int], CellData] = {}
        self.hidden_rows: set[int] = set()
        self.hidden_cols: list[tuple[int, int]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.row = 0
        self.col = 0
        self.row_repeat = 1
        self.columns = 0
        self.cell: dict[str, str] | None = None
        self.cell_repeat = 1
        self.text: list[str] = []
        self.paragraphs = 0
        self.count = 0
        self.style: str | None = None
        self.hidden_styles: set[str] = set()
        self.hidden_tables: set[str] = set()

    def start(self, name: str, a: dict[str, str]) -> None:
        ns, _, tag = name.rpartition(" ")
        if ns == _STYLE:
            # A table style with table:display="false" hides the sheets that use it (ODF 1.2, 17.15).
            if tag == "style":
                self.style = a.get(f"{_STYLE} name") if a.get(f"{_STYLE} family") == "table" else None
            elif tag == "table-properties" and self.style is not None and a.get(f"{_TABLE} display") == "false":
                self.hidden_styles.add(self.style)
        elif ns == _TABLE:
            if tag == "table":
                self.name = a.get(f"{_TABLE} name", f"Sheet{len(self.tables) + 1}")
                if a.get(f"{_TABLE} style-name") in self.hidden_styles:
                    self.hidden_tables.add(self.name)
                self.cells, self.hidden_rows, self.hidden_cols, self.merges = {}, set(), [], []
                self.row = 0
                self.columns = 0
            elif tag == "table-column":
                n = self._repeat(a, "number-columns-repeated", self.limits.max_cols * 20)
                if a.get(f"{_TABLE} visibility") in ("collapse", "filter"):
                    self.hidden_cols.append((self.columns + 1, self.columns + n))
                self.columns += n
            elif tag == "table-row":
                self.row_repeat = self._repeat(a, "number-rows-repeated", 1_048_576)
                self.row += 1
                self.col = 0
                if a.get(f"{_TABLE} visibility") in ("collapse", "filter"):
                    self.hidden_rows.update(range(self.row, self.row + min(self.row_repeat, 1000)))
            elif tag in ("table-cell", "covered-table-cell"):
                self.cell_repeat = self._repeat(a, "number-columns-repeated", 16384)
                self.col += 1
                self.cell = a if tag == "table-cell" else None
                self.text = []
                self.paragraphs = 0
                span_c = self._repeat(a, "number-columns-spanned", 16384)
                span_r = self._repeat(a, "number-rows-spanned", 1_048_576)
                if span_c > 1 or span_r > 1:
                    if span_c * span_r > self.limits.max_merge_area:
                        raise reject("too-large", f"a merged area of {span_r}×{span_c} cells", "合并区域过大")
                    self.merges.append((self.row, self.col, self.row + span_r - 1, self.col + span_c - 1))
        elif ns == _TEXT and self.cell is not None:
            if tag == "p":
                if self.paragraphs:
                    self.text.append("\n")
                self.paragraphs += 1
            elif tag == "s":
                self.text.append(" " * self._repeat(a, "c", 1000, ns=_TEXT))
            elif tag == "tab":
                self.text.append("\t")

    def _repeat(self, a: dict[str, str], key: str, cap: int, ns: str = _TABLE) -> int:
        raw = a.get(f"{ns} {key}", "1")
        n = int(raw) if raw.isdigit() and len(raw) < 9 else cap + 1
        if n > cap:
            raise reject("too-large", f"{key}={raw[:12]}", f"重复次数过大：{raw[:12]}")
        return max(1, n)

    def chars(self, data: str) -> None:
        if self.cell is not None and self.paragraphs:
            self.text.append(data)

    def end(self, name: str) -> None:
        ns, _, tag = name.rpartition(" ")
        if ns != _TABLE:
            return
        if tag in ("table-cell", "covered-table-cell"):
            value = self._value(self.cell) if self.cell is not None else None
            first = self.col
            self.col += self.cell_repeat - 1
            if value is not None:
                if self.cell_repeat * self.row_repeat > self.limits.max_cells or self.col > self.limits.max_cols * 20:
                    raise reject("too-large", "a repeated cell covers too many cells", "重复单元格过多")
                for r in range(self.row, self.row + self.row_repeat):
                    for c in range(first, self.col + 1):
                        self._put((r, c), value)
            self.cell = None
        elif tag == "table-row":
            self.row += self.row_repeat - 1
            self.row_repeat = 1
        elif tag == "table" and self.name is not None:
            self.tables[self.name] = Grid(
                self.cells, frozenset(self.hidden_rows), tuple(self.hidden_cols), tuple(self.merges)
            )
            self.name = None

    def _put(self, cell: tuple[int, int], value: CellData) -> None:
        self.count += 1
        if self.count > self.limits.max_cells:
            raise reject(
                "too-large", f"more than {self.limits.max_cells} cells", f"单元格超过{self.limits.max_cells}个"
            )
        self.cells[cell] = value

    def _value(self, a: dict[str, str]) -> CellData | None:
        kind = a.get(f"{_OFFICE} value-type")
        text = "".join(self.text)
        formula = f"{_TABLE} formula" in a
        if a.get(f"{_CALCEXT} value-type") == "error" or (formula and text.startswith(("#", "Err:"))):
            return ERROR, text or "#ERR"
        if kind is None:
            if formula:
                return UNCALCULATED, None
            return (TEXT, text) if text else None
        if kind in ("float", "percentage", "currency"):
            return NUMBER, a.get(f"{_OFFICE} value", "").strip()
        if kind == "boolean":
            return BOOL, a.get(f"{_OFFICE} boolean-value") == "true"
        if kind == "date":
            raw = a.get(f"{_OFFICE} date-value", "")
            try:
                moment = datetime.fromisoformat(raw[:26])
            except ValueError:
                return TEXT, text
            return DATE, moment.date() if "T" not in raw else moment
        return (TEXT, text) if text else None

    def parse(self, xml: bytes) -> dict[str, Grid]:
        try:
            _expat(xml, self.start, self.end, self.chars)
        except expat.ExpatError as exc:
            raise reject("damaged-file", f"content.xml is malformed ({exc})", "content.xml格式错误") from None
        return self.tables


# -- xls (OLE compound file + BIFF) -------------------------------------------------------------

_FREESECT, _ENDOFCHAIN = 0xFFFFFFFF, 0xFFFFFFFE
_BIFF_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
                0x2A: "#N/A", 0x2B: "#GETTING_DATA"}  # fmt: skip


class Compound:
    """A read-only OLE compound file ([MS-CFB]) with every index and chain bounded."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        self.data = data
        self.limits = limits
        if len(data) < 512:
            raise reject("damaged-file", "a truncated OLE file (no complete header)", "OLE文件头不完整（文件被截断）")
        header = data[:512]
        shift = struct.unpack_from("<H", header, 30)[0]
        mini_shift = struct.unpack_from("<H", header, 32)[0]
        if shift not in (9, 12) or mini_shift != 6:
            raise reject("damaged-file", "an OLE header with impossible sector sizes", "OLE文件头损坏")
        self.size = 1 << shift
        n_fat, first_dir = struct.unpack_from("<II", header, 44)
        self.mini_cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from("<IIIII", header, 56)
        self.n_sectors = max(0, (len(data) - self.size) // self.size) + (
            1 if (len(data) - self.size) % self.size else 0
        )
        if n_fat > self.n_sectors + 1 or n_difat > self.n_sectors + 1:
            raise reject("damaged-file", "an OLE header claiming more sectors than the file has", "OLE文件被截断或损坏")
        fat_sectors = [s for s in struct.unpack_from("<109I", header, 76) if s < _ENDOFCHAIN][:n_fat]
        sector = first_difat
        for _ in range(n_difat):
            if sector >= _ENDOFCHAIN:
                break
            block = self._sector(sector)
            ids = struct.unpack(f"<{self.size // 4}I", block)
            fat_sectors.extend(s for s in ids[:-1] if s < _ENDOFCHAIN)
            sector = ids[-1]
        fat: list[int] = []
        for s in fat_sectors[:n_fat]:
            fat.extend(struct.unpack(f"<{self.size // 4}I", self._sector(s)))
        self.fat = fat
        self.entries = self._directory(first_dir)
        root = self.entries[0] if self.entries else None
        self.mini_stream = self._chain_bytes(root[2], root[3], self.fat, self.size) if root else b""
        self.minifat: list[int] = []
        if n_minifat and first_minifat < _ENDOFCHAIN:
            raw = self._chain_bytes(first_minifat, n_minifat * self.size, self.fat, self.size)
            self.minifat = list(struct.unpack(f"<{len(raw) // 4}I", raw[: len(raw) // 4 * 4]))

    def _sector(self, index: int) -> bytes:
        start = (index + 1) * self.size
        if index >= _ENDOFCHAIN or start + self.size > len(self.data) + self.size - 1 or start >= len(self.data):
            raise reject(
                "damaged-file",
                "an OLE sector beyond the end of the file (truncated?)",
                "OLE扇区超出文件末尾（文件被截断？）",
            )
        return self.data[start : start + self.size].ljust(self.size, b"\0")

    def _chain_bytes(self, first: int, length: int, fat: list[int], size: int, mini: bool = False) -> bytes:
        if length > self.limits.max_member_bytes:
            raise reject("too-large", f"an OLE stream of {length} bytes", f"OLE数据流{length}字节，超出上限")
        out = bytearray()
        sector = first
        seen = 0
        limit = len(fat) + 1
        while sector < _ENDOFCHAIN and len(out) < length:
            seen += 1
            if seen > limit or sector >= len(fat):
                raise reject("damaged-file", "a broken OLE sector chain", "OLE扇区链损坏")
            if mini:
                start = sector * size
                if start + size > len(self.mini_stream):
                    raise reject("damaged-file", "a mini-stream sector beyond its stream", "OLE小扇区超出范围")
                out += self.mini_stream[start : start + size]
            else:
                out += self._sector(sector)
            sector = fat[sector]
        if len(out) < length:
            raise reject(
                "damaged-file", "an OLE stream shorter than declared (truncated?)", "OLE数据流不完整（文件被截断？）"
            )
        return bytes(out[:length])

    def _directory(self, first: int) -> list[tuple[str, int, int, int]]:
        raw = self._chain_bytes(first, self._chain_length(first) * self.size, self.fat, self.size)
        entries = []
        for offset in range(0, len(raw) - 127, 128):
            entry = raw[offset : offset + 128]
            name_len = min(64, struct.unpack_from("<H", entry, 64)[0])
            name = entry[: max(0, name_len - 2)].decode("utf-16-le", "replace")
            kind = entry[66]
            start, size = struct.unpack_from("<IQ", entry, 116)
            if self.size == 512:
                size &= 0xFFFFFFFF
            entries.append((name, kind, start, size))
        if not entries:
            raise reject("damaged-file", "an OLE file without a directory", "OLE目录缺失")
        return entries

    def _chain_length(self, first: int) -> int:
        n, sector = 0, first
        while sector < _ENDOFCHAIN:
            n += 1
            if n > len(self.fat) or sector >= len(self.fat):
                raise reject("damaged-file", "a broken OLE sector chain", "OLE扇区链损坏")
            sector = self.fat[sector]
        return n

    def names(self) -> set[str]:
        return {name for name, kind, _, _ in self.entries if kind in (1, 2)}

    def stream(self, name: str) -> bytes | None:
        for entry_name, kind, start, size in self.entries:
            if kind == 2 and entry_name.lower() == name.lower():
                if size < self.mini_cutoff:
                    return self._chain_bytes(start, size, self.minifat, 64, mini=True)
                return self._chain_bytes(start, size, self.fat, self.size)
        return None


def _records(stream: bytes, pos: int) -> Any:
    """BIFF records (type, data) from ``pos``; stops at the end of the stream."""
    end = len(stream)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        data = stream[pos + 4 : pos + 4 + length]
        if len(data) < length:
            raise reject("damaged-file", "a BIFF record cut short (truncated file?)", "BIFF记录不完整（文件被截断？）")
        yield kind, data
        pos += 4 + length


class XlsBook(Book):
    """A legacy .xls (BIFF8, also BIFF5): structure walked here, values read by python-calamine."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        self.format = "xls"
        self.raw = data
        self.limits = limits
        cfb = Compound(data, limits)
        names = {n.lower() for n in cfb.names()}
        if "encryptedpackage" in names or "encryptioninfo" in names:
            raise Rejected(_encrypted())
        stream = cfb.stream("Workbook") or cfb.stream("Book")
        if stream is None:
            found = "、".join(sorted(cfb.names() - {"Root Entry"}))[:80] or "无"
            raise reject(
                "not-a-workbook",
                f"an OLE file that holds no workbook (streams: {found}), e.g. a Word document",
                f"OLE文件中没有工作簿（数据流：{found}），可能是Word等其他文档",
            )
        self.macros = "_vba_project_cur" in names
        self.stream = stream
        self._sheets: list[tuple[SheetInfo, int]] = []
        self._scan_globals()
        self._values: Any = None

    def _scan_globals(self) -> None:
        records = _records(self.stream, 0)
        first = next(records, None)
        if first is None or first[0] != 0x0809 or len(first[1]) < 2:
            raise reject("damaged-file", "the workbook stream does not start with a BIFF header", "工作簿数据流损坏")
        version = struct.unpack_from("<H", first[1], 0)[0]
        if version not in (0x0500, 0x0600):
            raise reject(
                "not-a-workbook",
                "an Excel file older than Excel 97; save it as .xlsx",
                "Excel 97之前的旧格式，请另存为.xlsx",
            )
        self.biff8 = version == 0x0600
        codepage = "cp1252"
        for kind, data in records:
            if kind == 0x002F:  # FILEPASS
                raise Rejected(_encrypted())
            if kind == 0x0042 and len(data) >= 2:  # CODEPAGE
                codepage = {936: "gbk", 1200: "utf-16-le", 950: "big5"}.get(struct.unpack_from("<H", data)[0], "cp1252")
            elif kind == 0x0085 and len(data) >= 8:  # BOUNDSHEET
                pos, state, sheet_type = struct.unpack_from("<IBB", data)
                name = _short_string(data[6:], self.biff8, codepage)
                if sheet_type == 0:
                    states = {0: "visible", 1: "hidden", 2: "veryHidden"}
                    self._sheets.append((SheetInfo(name, states.get(state & 3, "hidden")), pos))
            elif kind == 0x000A:
                break
        for info, pos in self._sheets:
            if pos + 4 > len(self.stream) or struct.unpack_from("<H", self.stream, pos)[0] != 0x0809:
                raise reject(
                    "damaged-file",
                    f"sheet {info.name!r} points outside the workbook stream",
                    "工作表位置超出数据流（文件损坏）",
                )

    def sheets(self) -> tuple[SheetInfo, ...]:
        return tuple(info for info, _ in self._sheets)

    def grid(self, name: str) -> Grid | None:
        pos = next((p for info, p in self._sheets if info.name == name), None)
        if pos is None:
            return None
        errors: dict[tuple[int, int], str] = {}
        hidden_rows: set[int] = set()
        hidden_cols: list[tuple[int, int]] = []
        merges: list[tuple[int, int, int, int]] = []
        count = 0
        records = _records(self.stream, pos)
        next(records)
        for kind, data in records:
            if kind == 0x000A:
                break
            if kind in (0x0203, 0x027E, 0x00FD, 0x0204, 0x0006, 0x0205):
                count += 1
                if count > self.limits.max_cells:
                    raise reject(
                        "too-large", f"more than {self.limits.max_cells} cells", f"单元格超过{self.limits.max_cells}个"
                    )
            if kind == 0x0205 and len(data) >= 8 and data[7] == 1:  # BOOLERR holding an error
                row, col = struct.unpack_from("<HH", data)
                errors[(row + 1, col + 1)] = _BIFF_ERRORS.get(data[6], "#ERR")
            elif kind == 0x0006 and len(data) >= 20 and data[12:14] == b"\xff\xff" and data[6] == 2:
                row, col = struct.unpack_from("<HH", data)  # FORMULA whose cached result is an error
                errors[(row + 1, col + 1)] = _BIFF_ERRORS.get(data[8], "#ERR")
            elif kind == 0x0208 and len(data) >= 16 and struct.unpack_from("<I", data, 12)[0] & 0x20:
                hidden_rows.add(struct.unpack_from("<H", data)[0] + 1)  # ROW with fDyZero
            elif kind == 0x007D and len(data) >= 10 and struct.unpack_from("<H", data, 8)[0] & 1:
                lo, hi = struct.unpack_from("<HH", data)
                hidden_cols.append((lo + 1, hi + 1))  # COLINFO hidden
            elif kind == 0x00E5 and len(data) >= 2:  # MERGEDCELLS
                n = struct.unpack_from("<H", data)[0]
                for i in range(min(n, (len(data) - 2) // 8)):
                    r1, r2, c1, c2 = struct.unpack_from("<HHHH", data, 2 + 8 * i)
                    if (r2 - r1 + 1) * (c2 - c1 + 1) > self.limits.max_merge_area:
                        raise reject("too-large", "a merged area over the limit", "合并区域过大")
                    merges.append((r1 + 1, c1 + 1, r2 + 1, c2 + 1))
        cells = self._cells(name)
        for place, text in errors.items():
            cells[place] = (ERROR, text)
        return Grid(cells, frozenset(hidden_rows), tuple(hidden_cols), tuple(merges))

    def _cells(self, name: str) -> dict[tuple[int, int], CellData]:
        from python_calamine import CalamineWorkbook

        try:
            if self._values is None:
                self._values = CalamineWorkbook.from_filelike(io.BytesIO(self.raw))
            rows = self._values.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except (KeyboardInterrupt, SystemExit):  # pragma: no cover - never swallowed
            raise
        except BaseException as exc:  # calamine raises PanicException (a BaseException) on bad BIFF
            raise reject(
                "damaged-file", f"the .xls cannot be read ({type(exc).__name__})", ".xls文件无法读取"
            ) from None
        return python_cells(rows, self.limits)


def python_cells(rows: list[list[Any]], limits: Limits) -> dict[tuple[int, int], CellData]:
    """Cells from python-calamine's rows (an empty string is an empty cell: errors were ruled out before)."""
    cells: dict[tuple[int, int], CellData] = {}
    cap = limits.max_cells
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            kind = type(value)
            if kind is float:  # the common case first: a number in the data block
                cells[(r, c)] = (NUMBER, value)
            elif value == "" or value is None:
                continue
            elif kind is str:
                cells[(r, c)] = (TEXT, value)
            elif isinstance(value, bool):
                cells[(r, c)] = (BOOL, value)
            elif isinstance(value, int | float):
                cells[(r, c)] = (NUMBER, value)
            elif isinstance(value, datetime | date):
                cells[(r, c)] = (DATE, value)
            else:
                cells[(r, c)] = (TEXT, str(value))
        if len(cells) > cap:
            raise reject("too-large", f"more than {cap} cells", f"单元格超过{cap}个")
    return cells


def _encrypted() -> Any:
    from subsidy_rules.workbooks.safety import problem

    return problem("encrypted")


def _short_string(data: bytes, biff8: bool, codepage: str) -> str:
    if not data:
        return ""
    count = data[0]
    if biff8:
        wide = len(data) > 1 and data[1] & 1
        body = data[2:]
        return body[: count * 2].decode("utf-16-le", "replace") if wide else body[:count].decode("latin-1")
    return data[1 : 1 + count].decode(codepage if codepage != "utf-16-le" else "cp1252", "replace")
