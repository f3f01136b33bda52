"""Reading what a spreadsheet stores (forms/book.py), format by format, from the bytes writers produce.

Each test builds the parts a real writer puts in the file (Excel's sheet XML with shared strings, styles
and ``t="e"`` error cells; LibreOffice's ``content.xml`` with repeated and spanned cells; BIFF8 records in
an OLE compound file) and checks what :func:`open_book` makes of them: the cell kinds, the geometry, and
the problem code when the bytes are damaged or hostile.
"""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest

from subsidy_rules.demo.forms import Error, Formula, biff8, compound, ods, xls
from subsidy_rules.forms.book import (
    BOOL,
    DATE,
    ERROR,
    NUMBER,
    TEXT,
    UNCALCULATED,
    Compound,
    Grid,
    is_date_format,
    open_book,
    serial_to_date,
)
from subsidy_rules.forms.safety import Limits, Rejected

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx(sheet: str, *, strings: str = "", styles: str = "", book_pr: str = "", macro: bool = False) -> bytes:
    """A minimal package as Excel lays it out, the sheet XML given (the part between <worksheet> tags)."""
    content_type = "application/vnd.ms-excel.sheet.macroEnabled.main+xml" if macro else "sheet.main+xml"
    parts = {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types><Override ContentType="{content_type}"/></Types>',
        "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">{book_pr}<sheets>'
        '<sheet name="表" sheetId="1" r:id="rId1"/><sheet name="藏" sheetId="2" state="hidden" r:id="rId2"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Target="/xl/worksheets/../worksheets/./sheet2.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_MAIN}">{sheet}</worksheet>',
        "xl/worksheets/sheet2.xml": f'<worksheet xmlns="{_MAIN}"><sheetData/></worksheet>',
    }
    if strings:
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{_MAIN}">{strings}</sst>'
    if styles:
        parts["xl/styles.xml"] = f'<styleSheet xmlns="{_MAIN}">{styles}</styleSheet>'
    if macro:
        parts["xl/vbaProject.bin"] = "\0"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


def grid(raw: bytes, sheet: str = "表", limits: Limits | None = None) -> Grid:
    found = open_book(raw, limits or Limits()).grid(sheet)
    assert found is not None
    return found


def code(raw: bytes, limits: Limits | None = None, sheet: str | None = None) -> str:
    with pytest.raises(Rejected) as caught:
        book = open_book(raw, limits or Limits())
        if sheet is not None:
            book.grid(sheet)
    return caught.value.problem.code


# -- xlsx: the expat pass (what calamine cannot tell from a blank) ----------------------------------------

_STYLES = (
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
    '<numFmt numFmtId="165" formatCode="0.00&quot;万元&quot;"/><numFmt numFmtId="x" formatCode="d"/></numFmts>'
    '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="14"/>'
    '<xf numFmtId="bad"/></cellXfs>'
)
_STRINGS = (
    "<si><t>填表单位</t></si>"
    "<si><r><t>江岸</t></r><r><t>区</t></r><rPh sb=\"0\" eb=\"2\"><t>ジャン</t></rPh><phoneticPr fontId=\"1\"/></si>"
)


def test_an_excel_sheet_with_an_error_cell_is_read_cell_by_cell_with_kinds_geometry_and_dates() -> None:
    # t="e" sends the sheet through the expat pass; every other kind of cell is on it too.
    sheet = (
        '<cols><col min="4" max="5" hidden="1"/><col min="6" max="6"/></cols><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="e"><v>#DIV/0!</v></c></row>'
        '<row r="2" hidden="1"><c r="A2" s="1"><v>45292</v></c><c r="B2" s="2"><v>12.5</v></c>'
        '<c r="C2" s="3"><v>45292.5</v></c><c r="D2" s="3"><v>-1</v></c><c r="E2" s="3"><v>abc</v></c></row>'
        '<row><c t="b"><v>1</v></c><c t="str"><f>A1</f><v>填表单位</v></c><c><f>SUM(A1)</f></c>'
        '<c t="inlineStr"><is><t>内联</t></is></c><c t="inlineStr"/><c r="G3"><f>1/0</f><v></v></c></row>'
        '<row r="4"><c r="A4" s="9"><v> 7 </v></c><c r="B4"/></row>'
        '</sheetData><mergeCells><mergeCell ref="B4:C4"/><mergeCell ref="A9"/><mergeCell ref="zz"/></mergeCells>'
        '<hyperlinks><hyperlink ref="A1:A2"/></hyperlinks>'
    )
    g = grid(xlsx(sheet, strings=_STRINGS, styles=_STYLES))
    assert g.cells == {
        (1, 1): (TEXT, "填表单位"), (1, 2): (TEXT, "江岸区"), (1, 3): (ERROR, "#DIV/0!"),
        (2, 1): (DATE, date(2024, 1, 1)), (2, 2): (NUMBER, "12.5"), (2, 3): (DATE, datetime(2024, 1, 1, 12)),
        (2, 4): (NUMBER, "-1"), (2, 5): (NUMBER, "abc"),
        (3, 1): (BOOL, True), (3, 2): (TEXT, "填表单位"), (3, 3): (UNCALCULATED, None), (3, 4): (TEXT, "内联"),
        (3, 5): (TEXT, ""), (3, 7): (UNCALCULATED, None), (4, 1): (NUMBER, "7"),
    }  # fmt: skip
    assert g.hidden_rows == frozenset({2}) and g.hidden_cols == ((4, 5),) and g.col_hidden(5) and not g.col_hidden(6)
    assert g.merges == ((4, 2, 4, 3),) and (g.max_row, g.max_col) == (4, 7)


def test_the_1904_date_system_and_excels_phantom_29_february_1900() -> None:
    sheet = '<sheetData><row r="1"><c r="A1" s="3" t="e"><v>#N/A</v></c><c r="B1" s="3"><v>0</v></c></row></sheetData>'
    g = grid(xlsx(sheet, styles=_STYLES, book_pr='<workbookPr date1904="1"/>'))
    assert g.cells[(1, 2)] == (DATE, date(1904, 1, 1))
    # Serial 59 is 1900-02-28, 61 is 1900-03-01 (60 is the 29 February that never was); 1 is 1900-01-01.
    assert serial_to_date(59, False) == date(1900, 2, 28) and serial_to_date(61, False) == date(1900, 3, 1)
    assert serial_to_date(1, False) == date(1900, 1, 1) and serial_to_date(-1, False) is None


@pytest.mark.parametrize(
    ("fmt", "shows_date"),
    [("yyyy-mm-dd", True), ("0.00", False), ('0.00"元"', False), ("[Red]0", False), ("h:mm", True),
     ("mm", True), ('"年"0', False), ("General;[h]", False)],
)  # fmt: skip
def test_a_number_format_shows_a_date_only_when_its_first_section_has_date_letters_outside_quotes(
    fmt: str, shows_date: bool
) -> None:
    assert is_date_format(fmt) is shows_date


def test_a_macro_workbook_and_a_hidden_sheet_reached_by_an_absolute_relative_path() -> None:
    book = open_book(xlsx("<sheetData/>", macro=True), Limits())
    assert book.format == "xlsm" and book.macros
    assert [(s.name, s.state) for s in book.sheets()] == [("表", "visible"), ("藏", "hidden")]
    assert book.grid("藏") == Grid({}) and book.grid("无此表") is None


@pytest.mark.parametrize(
    ("sheet", "strings", "styles"),
    [
        ('<sheetData><row r="1"><c r="A1" t="e"><v>#N/A</v></c></row>', "", ""),  # unclosed
        ('<sheetData><row r="1"><c r="A1" t="s"><v>7</v></c><c r="B1" t="e"/></row></sheetData>', "<si><t>a</t></si>",
         ""),  # a shared-string index beyond the table
        ('<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="e"/></row></sheetData>', "<si><t>a</si>",
         ""),
        ('<sheetData><row r="1"><c r="A1" s="1" t="e"><v>#N/A</v></c></row></sheetData>', "", "<cellXfs><xf>"),
    ],
)  # fmt: skip
def test_malformed_sheet_strings_or_styles_are_damaged_files_not_crashes(sheet: str, strings: str, styles: str) -> None:
    assert code(xlsx(sheet, strings=strings, styles=styles), sheet="表") == "damaged-file"


def test_malformed_workbook_part_is_a_damaged_file() -> None:
    raw = xlsx("<sheetData/>")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, b"<workbook><sheets>" if info.filename == "xl/workbook.xml" else src.read(info))
    assert code(out.getvalue()) == "damaged-file"


def test_areas_and_cell_counts_over_the_limits_are_too_large_on_both_paths() -> None:
    small = Limits(max_merge_area=10, max_cells=3)
    one = '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
    error = '<sheetData><row r="1"><c r="A1" t="e"><v>#N/A</v></c></row></sheetData>'
    merge = one + '<mergeCells><mergeCell ref="A1:D4"/></mergeCells>'
    link = error + '<hyperlinks><hyperlink ref="A1:Z9"/></hyperlinks>'
    cells = "".join(f'<c r="{c}1" t="e"><v>#N/A</v></c>' for c in "ABCD")
    many = f'<sheetData><row r="1">{cells}</row></sheetData>'
    assert code(xlsx(merge), small, "表") == "too-large"  # calamine path: checked before calamine reads
    assert code(xlsx(link), small, "表") == "too-large"  # expat path
    assert code(xlsx(many), small, "表") == "too-large"


def test_a_sheet_too_large_for_calamines_dense_grid_is_read_sparsely_by_the_expat_pass() -> None:
    # One cell at XFD1048576 would make calamine build a 17-billion-cell grid; the expat pass keeps 2 cells.
    far = '<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="900"><c r="ZZ900"><v>2</v></c></row></sheetData>'
    assert grid(xlsx(far)).cells == {(1, 1): (NUMBER, "1"), (900, 702): (NUMBER, "2")}
    bare = "<sheetData><row><c><v>3</v></c></row></sheetData>"  # no r attributes: read by position
    assert grid(xlsx(bare)).cells == {(1, 1): (NUMBER, "3")}


# -- what the bytes are ----------------------------------------------------------------------------------


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "empty"),
        (_zip({"xl/workbook.bin": b"x", "[Content_Types].xml": b"<Types/>"}), ".xlsb"),
        (_zip({"content.xml": b"<x/>", "mimetype": b"application/vnd.oasis.opendocument.text"}), "OpenDocument"),
        (_zip({"word/document.xml": b"<x/>"}), "not a spreadsheet"),
        (b"PK\x05\x06" + bytes(18), "empty zip"),
        (b"\xef\xbb\xbf<html><body><table>", "HTML"),
        ("序号,项目,金额\n1,补贴,2.00\n".encode("gbk"), "text file"),
        (bytes(range(256)) * 4, "unknown"),
    ],
)  # fmt: skip
def test_what_is_not_a_spreadsheet_is_named_by_its_content(raw: bytes, words: str) -> None:
    with pytest.raises(Rejected) as caught:
        open_book(raw, Limits())
    assert caught.value.problem.code == "not-a-workbook" and words in caught.value.problem.message_en


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened() -> None:
    assert code(b"PK\x03\x04" + bytes(100), Limits(max_file_bytes=50)) == "too-large"


# -- ods ---------------------------------------------------------------------------------------------------

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"'
)


def ods_content(body: str, styles: str = "") -> bytes:
    content = (
        f'<?xml version="1.0"?><office:document-content {_NS}><office:automatic-styles>{styles}'
        f"</office:automatic-styles><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    return ods([], extra={"content.xml": content.encode()})


def test_an_ods_as_libreoffice_writes_it_repeats_spans_hidden_rows_and_every_value_type() -> None:
    body = (
        '<table:table table:name="表"><table:table-column table:number-columns-repeated="2"/>'
        '<table:table-column table:visibility="collapse"/>'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
        '<table:table-row table:visibility="collapse">'
        '<table:table-cell office:value-type="string"><text:p>多<text:s text:c="2"/>段</text:p><text:p>二<text:tab/>行'
        "</text:p></table:table-cell>"
        '<table:table-cell office:value-type="float" office:value="0.30000000000000004" '
        'table:number-columns-repeated="2"><text:p>0.3</text:p></table:table-cell>'
        '<table:table-cell office:value-type="boolean" office:boolean-value="true"/>'
        '<table:table-cell office:value-type="date" office:date-value="2024-05-31"/>'
        '<table:table-cell office:value-type="date" office:date-value="2024-05-31T08:30:00"/>'
        '<table:table-cell office:value-type="date" office:date-value="五月"><text:p>五月</text:p></table:table-cell>'
        "</table:table-row><table:table-row>"
        '<table:table-cell table:formula="of:=1/0"><text:p>Err:503</text:p></table:table-cell>'
        '<table:table-cell table:formula="of:=A1"/>'
        '<table:table-cell office:value-type="float" calcext:value-type="error"/>'
        '<table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="1"><text:p>并</text:p>'
        "</table:table-cell><table:covered-table-cell/>"
        '<table:table-cell office:value-type="currency" office:value="5"/><table:table-cell office:value-type="x"/>'
        "</table:table-row></table:table>"
        '<table:table table:name="藏" table:style-name="ta2"/>'
    )
    styles = (
        '<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/>'
        '</style:style><style:style style:name="co1" style:family="table-column">'
        '<style:table-properties table:display="false"/></style:style>'
    )
    book = open_book(ods_content(body, styles), Limits())
    assert book.format == "ods" and [(s.name, s.state) for s in book.sheets()] == [("表", "visible"), ("藏", "hidden")]
    g = grid(ods_content(body, styles))
    assert g.cells == {
        (3, 1): (TEXT, "多  段\n二\t行"),
        (3, 2): (NUMBER, "0.30000000000000004"), (3, 3): (NUMBER, "0.30000000000000004"),
        (3, 4): (BOOL, True), (3, 5): (DATE, date(2024, 5, 31)), (3, 6): (DATE, datetime(2024, 5, 31, 8, 30)),
        (3, 7): (TEXT, "五月"), (4, 1): (ERROR, "Err:503"), (4, 2): (UNCALCULATED, None), (4, 3): (ERROR, "#ERR"),
        (4, 4): (TEXT, "并"), (4, 6): (NUMBER, "5"),
    }  # fmt: skip
    assert g.hidden_rows == frozenset({3}) and g.hidden_cols == ((3, 3),) and g.merges == ((4, 4, 4, 5),)


@pytest.mark.parametrize(
    "body",
    [
        '<table:table table:name="a"><table:table-row table:number-rows-repeated="99999999999">'
        "<table:table-cell/></table:table-row></table:table>",
        '<table:table table:name="a"><table:table-row><table:table-cell table:number-columns-repeated="400" '
        'office:value-type="float" office:value="1"/></table:table-row></table:table>',
        '<table:table table:name="a"><table:table-row><table:table-cell table:number-columns-spanned="40" '
        'table:number-rows-spanned="40"/></table:table-row></table:table>',
        '<table:table table:name="a"><table:table-column table:number-columns-repeated="x"/></table:table>',
        '<table:table table:name="a"><table:table-row><table:table-cell office:value-type="string">'
        '<text:p><text:s text:c="5000"/></text:p></table:table-cell></table:table-row></table:table>',
    ],
)
def test_repeats_and_spans_beyond_the_limits_in_an_ods_are_too_large(body: str) -> None:
    assert code(ods_content(body), Limits(max_cells=300, max_merge_area=1000)) == "too-large"


def test_a_malformed_ods_content_part_is_a_damaged_file() -> None:
    assert code(ods([], extra={"content.xml": b"<office:document-content"})) == "damaged-file"


# -- xls ---------------------------------------------------------------------------------------------------


def _rec(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _sheet_records(*records: bytes) -> bytes:
    """A one-sheet BIFF8 workbook whose sheet substream holds ``records`` after its cells."""
    stream = biff8([("表", {(1, 1): 1.0}, {})])
    eof = _rec(0x000A, b"")
    assert stream.endswith(eof)
    return compound({"Workbook": stream[: -len(eof)] + b"".join(records) + eof + bytes(4096)})


def test_an_xls_holds_errors_booleans_hidden_rows_and_columns_and_merges() -> None:
    raw = xls(
        [("表", {(1, 1): "填表单位", (2, 1): True, (2, 2): Error("#REF!"), (3, 1): Formula("1/0", Error("#DIV/0!")),
                (3, 2): 2.5}, {"hidden_rows": [2], "merges": [(4, 1, 4, 2)]}),
         ("藏", {(1, 1): 1.0}, {"state": "hidden"})]
    )  # fmt: skip
    book = open_book(raw, Limits())
    assert book.format == "xls" and [(s.name, s.state) for s in book.sheets()] == [("表", "visible"), ("藏", "hidden")]
    g = book.grid("表")
    assert g is not None and book.grid("无此表") is None
    assert g.cells == {
        (1, 1): (TEXT, "填表单位"), (2, 1): (BOOL, True), (2, 2): (ERROR, "#REF!"), (3, 1): (ERROR, "#DIV/0!"),
        (3, 2): (NUMBER, 2.5),
    }  # fmt: skip
    assert g.hidden_rows == frozenset({2}) and g.merges == ((4, 1, 4, 2),)
    colinfo = _rec(0x007D, struct.pack("<HHHHHH", 2, 3, 0, 0, 1, 0))  # columns C:D hidden
    h = open_book(_sheet_records(colinfo), Limits()).grid("表")
    assert h is not None and h.hidden_cols == ((3, 4),)


def test_xls_merges_and_cells_over_the_limits_are_too_large() -> None:
    merge = _rec(0x00E5, struct.pack("<HHHHH", 1, 0, 99, 0, 99))
    assert code(_sheet_records(merge), Limits(max_merge_area=100), "表") == "too-large"
    many = b"".join(_rec(0x0203, struct.pack("<HHHd", 5, c, 0, 1.0)) for c in range(5))
    assert code(_sheet_records(many), Limits(max_cells=3), "表") == "too-large"


def _globals(version: int = 0x0600, extra: bytes = b"", sheet_pos: int | None = None) -> bytes:
    bof = _rec(0x0809, struct.pack("<HHHHII", version, 0x0005, 0, 0, 0, 6))
    name = "表".encode("utf-16-le")
    head = bof + _rec(0x0042, struct.pack("<H", 936)) + extra
    boundsheet_len = 4 + 8 + len(name)
    pos = sheet_pos if sheet_pos is not None else len(head) + boundsheet_len + 4
    sheet = _rec(0x0085, struct.pack("<IBBBB", pos, 0, 0, 1, 1) + name)
    body = _rec(0x0809, struct.pack("<HHHHII", version, 0x0010, 0, 0, 0, 6)) + _rec(0x000A, b"")
    return compound({"Workbook": head + sheet + _rec(0x000A, b"") + body + bytes(4096)})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (_globals(version=0x0400), "not-a-workbook"),  # BIFF4: older than Excel 97
        (_globals(extra=_rec(0x002F, bytes(54))), "encrypted"),  # FILEPASS
        (_globals(sheet_pos=10**6), "damaged-file"),  # a sheet beyond the stream
        (compound({"Workbook": _rec(0x0001, b"") + bytes(4096)}), "damaged-file"),  # no BOF
        (compound({"Workbook": _rec(0x0809, b"\x00\x06") + b"\x85\x00\xff\xff" + bytes(8)}), "damaged-file"),
        (compound({"EncryptionInfo": bytes(4096), "EncryptedPackage": bytes(4096)}), "encrypted"),
    ],
)  # fmt: skip
def test_damaged_old_and_encrypted_xls_get_clear_codes(raw: bytes, expected: str) -> None:
    assert code(raw) == expected


def test_a_biff5_workbook_names_its_sheets_in_its_code_page() -> None:
    raw = _globals(version=0x0500)
    book = open_book(raw, Limits())
    assert book.format == "xls" and len(book.sheets()) == 1


def _ole(**fields: int) -> bytearray:
    raw = bytearray(xls([("表", {(1, 1): 1.0}, {})]))
    offsets = {"shift": (30, "<H"), "mini_shift": (32, "<H"), "n_fat": (44, "<I"), "first_dir": (48, "<I"),
               "first_minifat": (60, "<I"), "n_minifat": (64, "<I"), "first_difat": (68, "<I"), "n_difat": (72, "<I"),
               "fat0": (76, "<I")}  # fmt: skip
    for name, value in fields.items():
        offset, fmt = offsets[name]
        struct.pack_into(fmt, raw, offset, value)
    return raw


@pytest.mark.parametrize(
    "raw",
    [
        bytes(_ole())[:300],  # shorter than the header
        bytes(_ole(shift=7)),  # impossible sector size
        bytes(_ole(n_fat=10**6)),  # more FAT sectors than the file has
        bytes(_ole(n_difat=1, first_difat=10**6)),  # a DIFAT sector beyond the end
        bytes(_ole(first_dir=10**5)),  # the directory's chain leaves the FAT
        bytes(_ole(n_minifat=1, first_minifat=10**5)),
        bytes(_ole(fat0=0xFFFFFFF0)),  # no FAT at all: no directory
    ],
)
def test_a_broken_ole_container_is_a_damaged_file_never_a_hang(raw: bytes) -> None:
    assert code(raw) == "damaged-file"


def test_ole_streams_over_the_limit_and_small_streams_in_the_mini_stream() -> None:
    raw = xls([("表", {(1, 1): 1.0}, {})])
    cfb = Compound(raw, Limits())
    assert cfb.stream("workbook") is not None and cfb.stream("nothing") is None
    with pytest.raises(Rejected) as caught:
        Compound(raw, Limits(max_member_bytes=100)).stream("Workbook")
    assert caught.value.problem.code == "too-large"


def test_calamines_rows_become_cells_by_kind_and_never_beyond_the_cell_limit() -> None:
    from subsidy_rules.forms.book import python_cells

    rows = [[1.5, "", None, "文字", True, 7, date(2024, 5, 1), Decimal("2")]]
    assert python_cells(rows, Limits()) == {
        (1, 1): (NUMBER, 1.5), (1, 4): (TEXT, "文字"), (1, 5): (BOOL, True), (1, 6): (NUMBER, 7),
        (1, 7): (DATE, date(2024, 5, 1)), (1, 8): (TEXT, "2"),
    }  # fmt: skip
    with pytest.raises(Rejected) as caught:
        python_cells([[1.0] * 4], Limits(max_cells=3))
    assert caught.value.problem.code == "too-large"
