"""Demo step: every template, a batch of unit workbooks as districts send them, the report and the roll-up.

Writes under ``out/forms/``: ``templates/<form id>.xlsx`` for the packaged
forms; ``units/`` with five filled ``wuhan-2022-problem-stats`` workbooks as
offices really send them (issue 10) —

- ``江岸区.xlsx``: the library's template, filled;
- ``江汉区.xls``: a legacy Excel 97–2003 file whose 合计 is a formula with its
  cached result (written by the small BIFF8 writer below, as Excel 2003 would);
- ``汉阳区.xlsx``: an Excel-calculated total — ``=SUM`` showing 2880.03 and
  stored as the binary 2880.0299999999997;
- ``青山区.xlsx``: "—", "/" and "无" typed for nothing;
- ``硚口区.xlsx``: a district's real mistakes (an amount typed as "约3.5",
  two rows swapped, a 合计 that does not add up);

then ``validation-report.json`` and the roll-up of the valid ones,
``rollup-wuhan-2022-problem-stats.xlsx``. The first four validate (with
warnings that say what was assumed); the fifth does not.

The .xls and .ods writers here (also used to make the test fixtures) write
only what a reader needs: an OLE compound file holding a BIFF8 ``Workbook``
stream of BOF, CODEPAGE, BOUNDSHEET, LABEL, NUMBER, FORMULA with its cached
result, BOOLERR, ROW, MERGEDCELLS and EOF records ([MS-CFB], [MS-XLS]); an
OpenDocument ``content.xml``. They are demonstration data, not an export
format of the library.
"""

from __future__ import annotations

import io
import struct
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl

from subsidy_rules.core.files import atomic_write_bytes
from subsidy_rules.forms import FORM_IDS, FormData, aggregate, layout, render, report_of, validate_files
from subsidy_rules.forms.geometry import Geometry
from subsidy_rules.io.json import dumps, to_json
from subsidy_rules.workbooks.book import NUMBER, open_book
from subsidy_rules.workbooks.safety import Limits

FORM = "wuhan-2022-problem-stats"

Grid = dict[tuple[int, int], Any]


class Error(str):
    """An error value to write as an error cell (#DIV/0!)."""


class Formula:
    """A formula cell with its cached result (as Excel saves it)."""

    def __init__(self, text: str, value: float | Error) -> None:
        self.text, self.value = text, value


def grid_of(raw: bytes, sheet: str) -> tuple[Grid, tuple[tuple[int, int, int, int], ...]]:
    """A sheet's cells as written (numbers as floats, text as text) and its merged areas."""
    found = open_book(raw, Limits()).grid(sheet)
    assert found is not None
    cells: Grid = {p: float(v) if kind == NUMBER else v for p, (kind, v) in found.cells.items()}
    return cells, found.merges


# -- .xls (BIFF8 in an OLE compound file) -----------------------------------------------------------


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _label(row: int, col: int, text: str) -> bytes:
    return _record(0x0204, struct.pack("<HHHHB", row, col, 0, len(text), 1) + text.encode("utf-16-le"))


def _cell(row: int, col: int, value: Any) -> bytes:
    r, c = row - 1, col - 1
    if isinstance(value, Formula):
        if isinstance(value.value, Error):
            codes = {"#DIV/0!": 0x07, "#REF!": 0x17, "#VALUE!": 0x0F, "#N/A": 0x2A}
            result = bytes([2, 0, codes[value.value], 0, 0, 0, 0xFF, 0xFF])
        else:
            result = struct.pack("<d", value.value)
        rgce = b"\x1e" + struct.pack("<H", 0)  # ptgInt 0: the formula's text is not needed to read values
        return _record(0x0006, struct.pack("<HHH", r, c, 0) + result + struct.pack("<HIH", 0, 0, len(rgce)) + rgce)
    if isinstance(value, Error):
        codes = {"#DIV/0!": 0x07, "#REF!": 0x17, "#VALUE!": 0x0F, "#N/A": 0x2A}
        return _record(0x0205, struct.pack("<HHHBB", r, c, 0, codes[str(value)], 1))
    if isinstance(value, bool):
        return _record(0x0205, struct.pack("<HHHBB", r, c, 0, int(value), 0))
    if isinstance(value, int | float):
        return _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
    return _label(r, c, str(value))


def biff8(sheets: list[tuple[str, Grid, dict[str, Any]]], *, encrypted: bool = False) -> bytes:
    """A BIFF8 workbook stream; each sheet's options: hidden_rows, merges, state."""
    bof_globals = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06))
    head = bof_globals + _record(0x0042, struct.pack("<H", 1200))
    if encrypted:
        head += _record(0x002F, struct.pack("<HHH", 1, 1, 1) + bytes(48))  # FILEPASS (RC4): content encrypted
    bodies = []
    for _, grid, options in sheets:
        body = _record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06))
        for row in sorted(options.get("hidden_rows", ())):
            body += _record(0x0208, struct.pack("<HHHHHHI", row - 1, 0, 30, 0xFF, 0, 0, 0x0120))
        for (row, col), value in sorted(grid.items()):
            body += _cell(row, col, value)
        merges = options.get("merges", ())
        if merges:
            data = struct.pack("<H", len(merges))
            for r1, c1, r2, c2 in merges:
                data += struct.pack("<HHHH", r1 - 1, r2 - 1, c1 - 1, c2 - 1)
            body += _record(0x00E5, data)
        bodies.append(body + _record(0x000A, b""))
    sheet_records_len = sum(4 + 8 + len(name) * 2 for name, _, _ in sheets)
    pos = len(head) + sheet_records_len + 4  # + the globals' EOF
    boundsheets = b""
    for (name, _, options), body in zip(sheets, bodies, strict=True):
        state = {"visible": 0, "hidden": 1}[options.get("state", "visible")]
        boundsheets += _record(0x0085, struct.pack("<IBBBB", pos, state, 0, len(name), 1) + name.encode("utf-16-le"))
        pos += len(body)
    return head + boundsheets + _record(0x000A, b"") + b"".join(bodies)


def compound(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file (version 3, 512-byte sectors) holding ``streams`` (each ≥ 4096 bytes)."""
    size = 512
    sectors: list[bytes] = []
    entries: list[tuple[str, int, int, int]] = []
    fat: list[int] = []
    for name, data in streams.items():
        data = data.ljust(4096, b"\0")
        first = len(sectors)
        chunks = [data[i : i + size].ljust(size, b"\0") for i in range(0, len(data), size)]
        sectors.extend(chunks)
        fat.extend([*list(range(first + 1, first + len(chunks))), 0xFFFFFFFE])
        entries.append((name, 2, first, len(data)))
    directory = bytearray()
    all_entries = [("Root Entry", 5, 0xFFFFFFFE, 0), *entries]
    for i, (name, kind, start, length) in enumerate(all_entries):
        encoded = (name + "\0").encode("utf-16-le")
        child = 1 if i == 0 and len(all_entries) > 1 else 0xFFFFFFFF
        right = i + 1 if 0 < i < len(all_entries) - 1 else 0xFFFFFFFF
        entry = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
        entry += struct.pack("<III", 0xFFFFFFFF, right, child) + bytes(16) + struct.pack("<I", 0) + bytes(16)
        entry += struct.pack("<IQ", start, length)
        directory += entry
    table = bytes(directory.ljust(-(-len(directory) // size) * size, b"\0"))
    dir_first = len(sectors)
    dir_sectors = [table[i : i + size] for i in range(0, len(table), size)]
    sectors.extend(dir_sectors)
    fat.extend([*list(range(dir_first + 1, dir_first + len(dir_sectors))), 0xFFFFFFFE])
    n_fat = -(-(len(fat) + 8) // (size // 4))
    fat_first = len(sectors)
    fat.extend([0xFFFFFFFD] * n_fat)
    fat.extend([0xFFFFFFFF] * (n_fat * size // 4 - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors.extend(fat_bytes[i : i + size] for i in range(0, len(fat_bytes), size))
    difat = list(range(fat_first, fat_first + n_fat)) + [0xFFFFFFFF] * (109 - n_fat)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    header += bytes(6) + struct.pack("<IIIIIIIII", 0, n_fat, dir_first, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header += struct.pack("<109I", *difat)
    return header + b"".join(sectors)


def xls(sheets: list[tuple[str, Grid, dict[str, Any]]], *, encrypted: bool = False) -> bytes:
    return compound({"Workbook": biff8(sheets, encrypted=encrypted)})


# -- .ods ----------------------------------------------------------------------------------------------

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"'
)


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, Formula):
        if isinstance(value.value, Error):
            return (
                f'<table:table-cell table:formula="of:={escape(value.text)}" office:value-type="float" '
                f'office:value="0" calcext:value-type="error"><text:p>{escape(value.value)}</text:p></table:table-cell>'
            )
        return (
            f'<table:table-cell table:formula="of:={escape(value.text)}" office:value-type="float" '
            f'office:value="{value.value!r}"><text:p>{value.value}</text:p></table:table-cell>'
        )
    if isinstance(value, int | float):
        number = f'office:value-type="float" office:value="{value!r}"'
        return f"<table:table-cell {number}><text:p>{value}</text:p></table:table-cell>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods(sheets: list[tuple[str, Grid]], *, extra: dict[str, bytes] | None = None) -> bytes:
    tables = []
    for name, grid in sheets:
        rows = []
        last_row = max((r for r, _ in grid), default=0)
        last_col = max((c for _, c in grid), default=0)
        for r in range(1, last_row + 1):
            cells = "".join(_ods_cell(grid.get((r, c))) for c in range(1, last_col + 1))
            rows.append(f"<table:table-row>{cells}</table:table-row>")
        tables.append(f'<table:table table:name="{escape(name)}">{"".join(rows)}</table:table>')
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype", (1980, 1, 1, 0, 0, 0)),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        for name, data in {"content.xml": content.encode(), "META-INF/manifest.xml": manifest.encode(),
                           **(extra or {})}.items():  # fmt: skip
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _sample(unit: str, seed: int) -> FormData:
    lay = layout(FORM)
    keys = [r.key for r in lay.rows.rows]
    values: dict[str, dict[int, Decimal | None]] = {}
    for i, key in enumerate(keys):
        if (i + seed) % 7 == 0:
            values[key] = {
                3: Decimal(seed * 3 + i).scaleb(-2),
                6: Decimal(i + 1).scaleb(-1),
                8: Decimal(seed + 1),
                13: Decimal(i % 3),
            }
    return FormData.from_values(lay, values, unit=unit, with_totals=True)


def _edit(raw: bytes, change: Any) -> bytes:
    lay = layout(FORM)
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    change(wb[lay.sheet])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _with_mistakes(raw: bytes) -> bytes:
    """A district's typical mistakes, made the way a person makes them: in the workbook itself."""
    geo = Geometry.of(layout(FORM))
    first = geo.data_cols[0]

    def change(ws: Any) -> None:
        # An amount typed with a word in front: not a number.
        ws.cell(geo.data_start + 1, first + 2, "约3.5")
        # Rows 5 and 6 (序号) swapped: both are named, neither is read as the other.
        a, b = geo.data_start + 4, geo.data_start + 5
        for col in range(1, geo.width + 1):
            upper, lower = ws.cell(a, col).value, ws.cell(b, col).value
            ws.cell(a, col).value = lower
            ws.cell(b, col).value = upper
        # A 合计 that does not add up.
        assert geo.totals_row is not None
        ws.cell(geo.totals_row, first + 5, 99.99)

    return _edit(raw, change)


def _excel_total(raw: bytes) -> bytes:
    """Column 1 of 汉阳区: 1459.27 + 1420.76, and its 合计 as Excel stores a =SUM: 2880.0299999999997."""
    geo = Geometry.of(layout(FORM))
    assert geo.totals_row is not None
    col = geo.data_cols[0]

    def change(ws: Any) -> None:
        ws.cell(geo.data_start, col, 1459.27)
        ws.cell(geo.data_start + 1, col, 1420.76)
        ws.cell(geo.totals_row, col, 1459.27 + 1420.76)

    edited = _edit(raw, change)
    letter = openpyxl.utils.get_column_letter(col)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(edited)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                cell = f'<c r="{letter}{geo.totals_row}"'
                at = data.index(cell.encode())
                v = data.index(b"<v>", at)
                formula = f"<f>SUM({letter}{geo.data_start}:{letter}{geo.totals_row - 1})</f>".encode()
                data = data[:v] + formula + data[v:]
            dst.writestr(info, data)
    return out.getvalue()


def _dashes(raw: bytes) -> bytes:
    geo = Geometry.of(layout(FORM))
    first = geo.data_cols[0]

    def change(ws: Any) -> None:
        ws.cell(geo.data_start + 2, first, "—")
        ws.cell(geo.data_start + 2, first + 1, "/")
        ws.cell(geo.data_start + 3, first, "无")

    return _edit(raw, change)


def _legacy(raw: bytes) -> bytes:
    lay = layout(FORM)
    geo = Geometry.of(lay)
    assert geo.totals_row is not None
    grid, merges = grid_of(raw, lay.sheet)
    col = geo.data_cols[2]
    total = grid.get((geo.totals_row, col))
    if isinstance(total, float):
        letter = openpyxl.utils.get_column_letter(col)
        grid[(geo.totals_row, col)] = Formula(f"SUM({letter}{geo.data_start}:{letter}{geo.totals_row - 1})", total)
    return xls([(lay.sheet, grid, {"merges": merges})])


def run(out: Path) -> list[str]:
    base = out / "forms"
    templates, units = base / "templates", base / "units"
    templates.mkdir(parents=True, exist_ok=True)
    units.mkdir(parents=True, exist_ok=True)
    for form_id in FORM_IDS:
        atomic_write_bytes(templates / f"{form_id}.xlsx", render(layout(form_id)))
    lay = layout(FORM)
    batch = {
        "江岸区.xlsx": render(lay, _sample("江岸区", 1)),
        "江汉区.xls": _legacy(render(lay, _sample("江汉区", 2))),
        "汉阳区.xlsx": _excel_total(render(lay, _sample("汉阳区", 4))),
        "青山区.xlsx": _dashes(render(lay, _sample("青山区", 5))),
        "硚口区.xlsx": _with_mistakes(render(lay, _sample("硚口区", 3))),
    }
    paths = []
    for name, raw in batch.items():
        atomic_write_bytes(units / name, raw)
        paths.append(units / name)

    results = validate_files(lay, paths)
    report = report_of(results)
    atomic_write_bytes(base / "validation-report.json", dumps(to_json(report)).encode("utf-8"))
    rollup = base / f"rollup-{FORM}.xlsx"
    agg = aggregate(lay, results, unit="武汉市（示例）", output=rollup)

    lines = [f"wrote {len(FORM_IDS)} templates to {templates}"]
    for result in results:
        file_report = result.report
        warnings = sorted({p.code for p in file_report.problems if not p.is_error})
        said = f" (warnings: {', '.join(warnings)})" if warnings else ""
        if file_report.valid:
            state = f"valid [{result.format}]{said}"
        else:
            state = f"INVALID [{result.format}]: " + ", ".join(sorted({p.code for p in file_report.errors}))
        lines.append(f"  {Path(file_report.path).name}: {state}")
    assert agg.rollup is not None and agg.output_report is not None
    included = sum(1 for u in agg.units if u.included)
    lines.append(
        f"roll-up of {included} valid unit(s) -> {rollup}"
        f" (validates: {'yes' if agg.output_report.valid else 'no'}; left out: {len(agg.excluded)})"
    )
    lines.append(f"validation report -> {base / 'validation-report.json'}")
    return lines
