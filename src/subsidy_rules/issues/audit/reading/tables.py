"""Find the table in what offices send: the format by content, the sheet, the header row, the columns.

* **CSV/TSV/TXT**: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode 文本") and
  GB18030 (GBK) — the last two transcoded to UTF-8 before DuckDB reads them; the separator (comma,
  tab, semicolon, ``|``) is sniffed from the first lines, whatever the file is named.
* **Workbooks** (.xlsx/.xlsm, .xls, .ods, WPS .et): through the forms engine's reader
  (:func:`subsidy_rules.workbooks.book.open_book`, its package and size checks). Every visible sheet whose
  header names the kind's required columns is read, as one table (a ledger kept one sheet per month);
  the others are reported as skipped with the reason. A value merged down a block (发放单位 over
  several rows) is read on every row of the block. A text file saved with a workbook's name is read as
  text; a web page saved as .xls (a business system's "Excel" export) is read, each ``<table>`` as a
  sheet (``colspan``/``rowspan`` repeat their text); one holding no table is refused with what to do.
* **Parquet**: read by DuckDB as typed.
* **The header**: the row (or two rows: a grouping row above the names, or names merged down over two
  rows) among the first :data:`PREVIEW` that names the most fields; title rows above it are skipped
  and a ``单位：万元`` line among them sets the amount unit. A 合计/总计/小计 row is not a payment.

Each reader leaves a DuckDB view of text columns named by field, plus ``__line`` (the line or row
number people see), ``__row`` (unique within the input) and ``__sheet``.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import duckdb
import pyarrow as pa

from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.issues.audit.reading.header import (
    PREVIEW,
    Header,
    InputError,
    check_header,
    fail,
    find_header,
    map_header,
)
from subsidy_rules.issues.audit.reading.html import html_tables
from subsidy_rules.issues.audit.schema import FieldType, Kind
from subsidy_rules.workbooks.book import BOOL, DATE, ERROR, NUMBER, TEXT, Grid, SheetInfo, open_book
from subsidy_rules.workbooks.safety import Limits, Rejected

#: limits of a ledger workbook (a district's ledger is tens of MB; the forms' limits suit monthly forms)
LEDGER_LIMITS = Limits(
    max_file_bytes=512 * 1024 * 1024,
    max_members=10_000,
    max_member_bytes=2 * 1024**3,
    max_total_bytes=4 * 1024**3,
    max_ratio=200,
    max_rows=2_000_000,
    max_cols=1_000,
    max_cells=60_000_000,
)
TOTAL_WORDS = ("合计", "总计", "小计", "合 计", "总 计")
_SEPARATORS = (",", "\t", ";", "|")


@attrs.frozen
class RawInput:
    """One input's text columns as a DuckDB view, and how they were found."""

    view: str
    headers: dict[str, str]  #: field -> the header as printed
    types: dict[str, str]  #: field -> DuckDB type of the view's column
    factors: dict[str, Decimal]  #: amount field -> unit factor to 元 (absent: 1)
    found: tuple[str, ...]  #: every header found (for "missing column" messages)
    header_line: int
    sheets_read: tuple[str, ...] = ()
    sheets_skipped: tuple[tuple[str, str], ...] = ()  #: (sheet, reason in Chinese)
    typed: bool = False  #: a typed source (Parquet): text taken as written


# -- text files ------------------------------------------------------------------------------------


def _utf8_copy(path: Path, workdir: Path, head: bytes) -> Path:
    """``path`` if it is UTF-8 (BOM or not); else a UTF-8 copy decoded from UTF-16 (BOM) or GB18030."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _transcode(path, workdir, "utf-16")
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return path
        except UnicodeDecodeError:
            pass
    return _transcode(path, workdir, "gb18030")


def _transcode(path: Path, workdir: Path, encoding: str) -> Path:
    target = workdir / (path.stem + f".{encoding}.utf8.csv")
    dec = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        try:
            while chunk := src.read(1 << 20):
                dst.write(dec.decode(chunk))
            dst.write(dec.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            raise ValueError(
                f"neither UTF-8, UTF-16 nor GB18030 text (byte {exc.start}) / "
                "文本编码无法识别（应为UTF-8、UTF-16或GB18030）"
            ) from None
    return target


def _preview_lines(src: Path) -> list[str]:
    with src.open("r", encoding="utf-8-sig", newline="") as fh:
        text = fh.read(256 * 1024)
    lines = text.splitlines()
    return lines[: PREVIEW + 2] if len(lines) > PREVIEW + 2 else lines


def _sniff(kind: Kind, lines: list[str]) -> tuple[str, Header | None, list[list[str]]]:
    best: tuple[tuple[int, int, int], str, Header | None, list[list[str]]] | None = None
    for sep in _SEPARATORS:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=sep))
        h = find_header(kind, rows)
        width = len(h.names) if h else 0
        score = (*(h.score(kind) if h else (0, 0)), width)
        if best is None or score > best[0]:
            best = (score, sep, h, rows)
    assert best is not None
    return best[1], best[2], best[3]


def read_text(
    con: duckdb.DuckDBPyConnection, kind: Kind, path: Path, view: str, workdir: Path, head: bytes
) -> RawInput:
    src = _utf8_copy(path, workdir, head)
    lines = _preview_lines(src)
    if not lines:
        raise fail(kind, str(path), "the file is empty / 文件为空")
    sep, h, _ = _sniff(kind, lines)
    line = (h.last_row + 1) if h else 1
    check_header(kind, h, str(path), line)
    assert h is not None
    width = max(len(h.names), 1)
    names = [f"c{i}" for i in range(width)]
    cols = ", ".join(f"c{i} AS {_q(f)}" for i, (f, _) in sorted(h.fields.items()))
    con.execute("SET preserve_insertion_order = true")
    columns = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    sql = (
        f"SELECT {cols} FROM read_csv(?, header = false, skip = ?, delim = ?, quote = '\"', escape = '\"', "
        f"strict_mode = false, auto_detect = false, columns = {columns}@@)"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                table = con.execute(sql.replace("@@", ""), [str(src), h.last_row + 1, sep]).to_arrow_table()
            except duckdb.Error:
                # short rows (a 合计 line) with quoted line breaks: the serial reader pads them
                table = con.execute(
                    sql.replace("@@", ", null_padding = true, parallel = false"), [str(src), h.last_row + 1, sep]
                ).to_arrow_table()
    finally:
        con.execute("SET preserve_insertion_order = false")
    assert table is not None
    start = h.last_row + 2
    lines_arr = pa.array(range(start, start + table.num_rows), pa.int64())
    table = table.append_column("__line", lines_arr).append_column("__row", lines_arr)
    return _register(con, kind, view, table, h, str(path))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _register(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    view: str,
    table: pa.Table,
    h: Header,
    path: str,
    read: tuple[str, ...] = (),
    skipped: tuple[tuple[str, str], ...] = (),
    headers: dict[str, str] | None = None,
    factors: dict[str, Decimal] | None = None,
) -> RawInput:
    if "__sheet" not in table.column_names:
        table = table.append_column("__sheet", pa.nulls(table.num_rows, pa.string()))
    con.register(view + "_arrow", table)
    text_fields = [f.name for f in kind.fields if f.type is FieldType.TEXT and f.name in table.column_names]
    total = " OR ".join(f"trim({_q(f)}) IN ({', '.join(repr(w) for w in TOTAL_WORDS)})" for f in text_fields)
    where = f" WHERE NOT coalesce({total}, FALSE)" if total else ""
    # a table, not a view over Arrow: the typing pass and the checks scan it several times
    con.execute(f"CREATE TABLE {view} AS SELECT * FROM {view}_arrow{where}")
    con.unregister(view + "_arrow")
    hdrs = headers if headers is not None else {f: h.names[i] for i, (f, _) in h.fields.items()}
    facs = factors if factors is not None else _factors(kind, h)
    return RawInput(
        view,
        hdrs,
        dict.fromkeys(hdrs, "VARCHAR"),
        facs,
        tuple(n for n in h.names if n),
        h.last_row + 1,
        read,
        skipped,
    )


def _factors(kind: Kind, h: Header) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    amounts = {f.name for f in kind.fields if f.type is FieldType.AMOUNT}
    for f, factor in h.fields.values():
        if f in amounts:
            unit = factor if factor is not None else h.unit_note
            if unit is not None and unit != 1:
                out[f] = unit
    return out


# -- workbooks ------------------------------------------------------------------------------------


def cell_text(v: Any) -> str | None:
    """A cell as text: numbers as stored, 15 significant digits at most (Excel keeps no more)."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return format(v, ".15g").upper()
    if isinstance(v, int):
        return str(v) if abs(v) < 10**15 else format(float(v), ".15g").upper()
    if isinstance(v, datetime):
        return v.date().isoformat() if (v.hour, v.minute, v.second) == (0, 0, 0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _grid_text(kind_value: tuple[str, Any]) -> str | None:
    kind, value = kind_value
    if kind == NUMBER and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        plain = value.lstrip("-").isdigit() and len(value.lstrip("-")) <= 15
        return value if plain else cell_text(number)
    if kind in (NUMBER, TEXT, BOOL, DATE, ERROR):
        text = cell_text(value)
        return text.strip() if isinstance(text, str) and kind == TEXT else text
    return None


def _grid_rows(grid: Grid, first: int, last: int) -> list[list[str | None]]:
    width = grid.max_col
    return [[_text_at(grid, r, c) for c in range(1, width + 1)] for r in range(first, last + 1)]


def _text_at(grid: Grid, r: int, c: int) -> str | None:
    cell = grid.cells.get((r, c))
    return None if cell is None else _grid_text(cell)


def read_book(con: duckdb.DuckDBPyConnection, kind: Kind, path: Path, view: str, data: bytes) -> RawInput:
    try:
        book = open_book(data, LEDGER_LIMITS)
        infos = book.sheets()
        grids = [(info, book.grid(info.name) if info.state == "visible" else None) for info in infos]
    except Rejected as exc:
        raise InputError(attrs.evolve(exc.problem, place=Place(file=str(path)))) from None
    return read_grids(con, kind, path, view, grids)


def read_grids(
    con: duckdb.DuckDBPyConnection, kind: Kind, path: Path, view: str, grids: list[tuple[SheetInfo, Grid | None]]
) -> RawInput:
    """Read every sheet whose header names the required columns, as one table."""
    read: list[tuple[str, Grid, Header]] = []
    skipped: list[tuple[str, str]] = []
    first_bad: tuple[Header | None, str, int] | None = None
    for info, grid in grids:
        if info.state != "visible":
            skipped.append((info.name, "隐藏的工作表"))
            continue
        if grid is None or not grid.cells:
            skipped.append((info.name, "空表"))
            continue
        h = find_header(kind, _grid_rows(grid, 1, min(grid.max_row, PREVIEW + 1)))
        score = h.score(kind) if h else (0, 0)
        required = sum(1 for f in kind.fields if f.required)
        if h is not None and score[0] == required and not h.duplicates:
            read.append((info.name, grid, h))
        else:
            missing = [
                f.name_zh
                for f in kind.fields
                if f.required and f.name not in {x for x, _ in (h.fields.values() if h else ())}
            ]
            reason = "同一列出现两次" if h is not None and h.duplicates else f"表头缺少{'、'.join(missing)}"
            skipped.append((info.name, reason))
            if first_bad is None or score > (first_bad[0].score(kind) if first_bad[0] else (0, 0)):
                first_bad = (h, info.name, (h.last_row + 1) if h else 1)
    if not read:
        if first_bad is None:
            raise fail(kind, str(path), "no sheet holds a table / 工作簿中没有含数据的工作表")
        h, sheet, line = first_bad
        check_header(kind, h, str(path), line, sheet)
        raise fail(kind, str(path), "no sheet holds the table / 没有工作表含所需的表头")  # pragma: no cover
    fields = [f.name for f in kind.fields if any(f.name in {x for x, _ in h.fields.values()} for _, _, h in read)]
    cols: dict[str, list[str | None]] = {f: [] for f in fields}
    lines: list[int] = []
    sheets: list[str] = []
    for name, grid, h in read:
        by_field = {f: i + 1 for i, (f, _) in h.fields.items()}
        fill = _merged_fill(grid, h.last_row + 2)
        for r in range(h.last_row + 2, grid.max_row + 1):
            values = {f: fill.get((r, c)) or _text_at(grid, r, c) for f, c in by_field.items()}
            if all(v is None for v in values.values()):
                continue
            for f in fields:
                cols[f].append(values.get(f))
            lines.append(r)
            sheets.append(name)
    arrays = {f: pa.array(v, pa.string()) for f, v in cols.items()}
    table = pa.table(
        {
            **arrays,
            "__line": pa.array(lines, pa.int64()),
            "__row": pa.array(range(1, len(lines) + 1), pa.int64()),
            "__sheet": pa.array(sheets, pa.string()),
        }
    )
    h0 = read[0][2]
    headers = {f: h0.names[i] for i, (f, _) in h0.fields.items()}
    for _, _, h in read[1:]:
        for i, (f, _) in h.fields.items():
            headers.setdefault(f, h.names[i])
    factors = _factors(kind, h0)
    for _, _, h in read[1:]:
        if _factors(kind, h) != factors:
            raise fail(kind, str(path), "sheets give the amount in different units / 各工作表金额单位不一致")
    return _register(
        con, kind, view, table, h0, str(path), tuple(n for n, _, _ in read), tuple(skipped), headers, factors
    )


def _merged_fill(grid: Grid, first_data_row: int) -> dict[tuple[int, int], str | None]:
    """Cells of a merged area in the data block take the value of its first cell."""
    out: dict[tuple[int, int], str | None] = {}
    for r1, c1, r2, c2 in grid.merges:
        if r2 < first_data_row:
            continue
        value = _text_at(grid, r1, c1)
        for r in range(max(r1, first_data_row), r2 + 1):
            for c in range(c1, c2 + 1):
                out[(r, c)] = value
    return out


# -- a web page saved as .xls ----------------------------------------------------------------------

#: the largest web page read as a table (a business system's "Excel" export of a district is a few MB)
MAX_HTML_BYTES = 256 * 1024 * 1024


def read_html(con: duckdb.DuckDBPyConnection, kind: Kind, path: Path, view: str, data: bytes) -> RawInput:
    """A web page saved as .xls (what many business systems export): its tables read as sheets."""
    if len(data) > MAX_HTML_BYTES:
        raise InputError(
            Problem.make("audit-html-table", place=Place(file=str(path)), kind_zh=kind.name_zh, kind_en=kind.name_en)
        )
    grids: list[tuple[SheetInfo, Grid | None]] = []
    for n, rows in enumerate(html_tables(data), start=1):
        cells = {(r, c): (TEXT, v) for r, row in enumerate(rows, start=1) for c, v in enumerate(row, start=1) if v}
        grids.append((SheetInfo(f"表格{n}", "visible"), Grid(cells)))
    if not any(g is not None and g.cells for _, g in grids):
        raise InputError(
            Problem.make("audit-html-table", place=Place(file=str(path)), kind_zh=kind.name_zh, kind_en=kind.name_en)
        )
    return read_grids(con, kind, path, view, grids)


# -- Parquet --------------------------------------------------------------------------------------


def read_parquet(con: duckdb.DuckDBPyConnection, kind: Kind, path: Path, view: str) -> RawInput:
    src = f"read_parquet('{str(path).replace(chr(39), chr(39) * 2)}', file_row_number = true)"
    described = con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
    columns = [str(r[0]) for r in described if r[0] != "file_row_number"]
    types = {str(r[0]): str(r[1]) for r in described}
    fields, dups = map_header(kind, columns)
    h = Header(0, tuple(columns), fields, tuple(dups))
    check_header(kind, h, str(path), 1)
    sel = ", ".join(f"{_q(columns[i])} AS {_q(f)}" for i, (f, _) in sorted(fields.items()))
    con.execute(
        f"CREATE VIEW {view} AS SELECT {sel}, file_row_number + 2 AS __line, file_row_number + 2 AS __row, "
        f"NULL::VARCHAR AS __sheet FROM {src}"
    )
    headers = {f: columns[i] for i, (f, _) in fields.items()}
    return RawInput(
        view,
        headers,
        {f: types[columns[i]] for i, (f, _) in fields.items()},
        _factors(kind, h),
        tuple(columns),
        1,
        typed=True,
    )


# -- dispatch -------------------------------------------------------------------------------------

_HTML = (b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta", b"<head")


def read_raw(con: duckdb.DuckDBPyConnection, kind: Kind, path: Path, view: str, workdir: Path) -> RawInput:
    """Read ``path`` into the view ``view`` (text columns named by field); the format decided by content."""
    if not path.exists():
        raise fail(kind, str(path), "no such file / 文件不存在")
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
        if head.startswith(b"PAR1"):
            return read_parquet(con, kind, path, view)
        if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"PK\x05\x06")):
            return read_book(con, kind, path, view, path.read_bytes())
        probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            probe = head.decode("utf-16", errors="ignore").encode("utf-8").lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if probe.startswith(_HTML):
            return read_html(con, kind, path, view, path.read_bytes())
        if not head:
            raise fail(kind, str(path), "the file is empty / 文件为空")
        return read_text(con, kind, path, view, workdir, head)
    except InputError:
        raise
    except (ValueError, duckdb.Error, OSError) as exc:
        raise fail(kind, str(path), str(exc).splitlines()[0][:300]) from None
