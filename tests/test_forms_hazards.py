"""Hostile and malformed workbooks (shared/xlsx-input-hazards.md): each becomes its own problem code."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from subsidy_rules.forms import FormData, check_bytes, check_file, layout, read_bytes, render
from subsidy_rules.forms.geometry import Geometry
from subsidy_rules.workbooks.book import _XlsxSheet
from subsidy_rules.workbooks.safety import Limits, UnsafeEnvironmentError, parse_ref

WUHAN = layout("wuhan-2022-problem-stats")
GEO = Geometry.of(WUHAN)
KEYS = [r.key for r in WUHAN.rows.rows]
SHEET_PART = "xl/worksheets/sheet1.xml"


def filled() -> bytes:
    data = FormData.from_values(
        WUHAN,
        {KEYS[0]: {1: Decimal("1.50"), 13: Decimal(2)}, KEYS[3]: {6: Decimal("0.25")}},
        unit="江岸区",
        with_totals=True,
    )
    return render(WUHAN, data)


def rezip(raw: bytes, edit: Callable[[str, bytes], bytes | None] | None = None, extra: dict[str, bytes] | None = None,
          method: int = zipfile.ZIP_DEFLATED) -> bytes:  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", method) as dst:
        for name in src.namelist():
            data: bytes | None = src.read(name)
            if edit is not None:
                data = edit(name, data)
            if data is not None:
                dst.writestr(name, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def edit_sheet(raw: bytes, change: Callable[[str], str]) -> bytes:
    return rezip(raw, lambda n, d: change(d.decode()).encode() if n == SHEET_PART else d)


def with_openpyxl(raw: bytes, change: Callable[[openpyxl.Workbook], None]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    change(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def codes(raw: bytes, lay: object = WUHAN, limits: Limits | None = None) -> list[str]:
    result = check_bytes(lay, raw, "unit.xlsx", limits)  # type: ignore[arg-type]
    return [p.code for p in result.report.problems]


def test_a_clean_filled_form_has_no_problems() -> None:
    assert codes(filled()) == []


# -- the file as a whole ------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "not-a-workbook"),
        ("序号,项目资金名称,贪污侵占\n1,省大学生创业项目资助,3\n".encode("gb18030"), "not-a-workbook"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "not-a-workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "EncryptedPackage".encode("utf-16-le"), "encrypted"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600 + "Workbook".encode("utf-16-le"), "damaged-file"),
        (b"PK\x05\x06" + b"\0" * 18, "not-a-workbook"),
        (b"\x00\x01\x02\xff\xfe\x80" * 50, "not-a-workbook"),
    ],
    ids=["empty", "csv-renamed", "html-renamed", "ole-encrypted", "broken-ole", "empty-zip", "binary-junk"],
)
def test_what_is_not_an_xlsx_is_named_by_its_content(content: bytes, code: str) -> None:
    assert codes(content) == [code]


def test_a_truncated_zip_is_a_damaged_file() -> None:
    raw = filled()
    assert codes(raw[: len(raw) // 2]) == ["damaged-file"]


def test_a_damaged_member_inside_an_intact_zip_is_a_damaged_file() -> None:
    raw = bytearray(rezip(filled(), method=zipfile.ZIP_DEFLATED))
    start = raw.find(SHEET_PART.encode()) + len(SHEET_PART) + 40
    raw[start : start + 200] = bytes(200)
    assert codes(bytes(raw)) == ["damaged-file"]


def test_a_zip_that_is_not_a_workbook_says_so() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    assert codes(out.getvalue()) == ["not-a-workbook"]


def test_a_zip_bomb_member_is_too_large_before_parsing() -> None:
    bomb = rezip(filled(), extra={"xl/media/padding.xml": b"0" * (4 * 1024 * 1024)})
    assert len(bomb) < 200_000
    assert codes(bomb) == ["too-large"]


def test_a_member_larger_than_the_limit_is_too_large() -> None:
    assert codes(filled(), limits=Limits(max_member_bytes=1000)) == ["too-large"]


def test_too_many_members_is_too_large() -> None:
    assert codes(filled(), limits=Limits(max_members=3)) == ["too-large"]


def test_a_file_over_the_size_limit_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    path.write_bytes(filled())
    result = check_file(WUHAN, path, Limits(max_file_bytes=100))
    assert [p.code for p in result.report.problems] == ["too-large"]
    assert codes(filled(), limits=Limits(max_file_bytes=100)) == ["too-large"]


def test_a_bzip2_member_is_hostile_content() -> None:
    assert codes(rezip(filled(), method=zipfile.ZIP_BZIP2)) == ["hostile-content"]


def test_an_encrypted_zip_member_is_reported_as_encrypted() -> None:
    raw = bytearray(filled())
    # Set the "encrypted" flag bit in every local and central header.
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        for m in re.finditer(re.escape(sig), bytes(raw)):
            raw[m.start() + offset] |= 1
    assert codes(bytes(raw)) == ["encrypted"]


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>'
)


def test_a_billion_laughs_doctype_in_any_part_is_hostile_content() -> None:
    raw = rezip(filled(), lambda n, d: BILLION_LAUGHS.encode() + d.split(b"?>", 1)[-1] if n == "xl/styles.xml" else d)
    assert codes(raw) == ["hostile-content"]


def test_a_doctype_hidden_in_utf16_is_still_found() -> None:
    part = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>').encode("utf-16")
    assert codes(rezip(filled(), extra={"customXml/item1.xml": part})) == ["hostile-content"]


def test_openpyxl_without_defusedxml_refuses_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    with pytest.raises(UnsafeEnvironmentError):
        read_bytes(WUHAN, filled())


def test_macros_are_a_warning_and_the_values_are_still_read() -> None:
    raw = rezip(filled(), extra={"xl/vbaProject.bin": b"\0" * 64})
    result = check_bytes(WUHAN, raw, "unit.xlsm")
    assert [p.code for p in result.report.problems] == ["macros-present"]
    assert result.report.valid
    assert result.data is not None and result.data.value(KEYS[0], 1) == Decimal("1.50")


def test_a_renamed_sheet_is_read_with_a_warning_when_it_is_the_only_one() -> None:
    raw = with_openpyxl(filled(), lambda wb: setattr(wb.worksheets[0], "title", "Sheet1"))
    result = check_bytes(WUHAN, raw, "unit.xlsx")
    [warning] = result.report.problems
    assert warning.code == "label-near-miss" and "Sheet1" in warning.message_zh and WUHAN.sheet in warning.message_zh
    assert result.report.valid and result.data is not None and result.data.value(KEYS[0], 1) == Decimal("1.50")


def test_a_renamed_sheet_among_others_that_do_not_hold_the_form_is_missing() -> None:
    def rename(wb: openpyxl.Workbook) -> None:
        wb.worksheets[0].title = "Sheet1"
        wb.worksheets[0]["A1"] = "别的表"
        wb.create_sheet("Sheet2")

    assert codes(with_openpyxl(filled(), rename)) == ["sheet-missing"]


def test_a_sheet_listed_without_its_part_is_missing() -> None:
    assert codes(rezip(filled(), lambda n, d: None if n == SHEET_PART else d)) == ["sheet-missing"]


def test_malformed_workbook_xml_is_a_damaged_file() -> None:
    raw = rezip(filled(), lambda n, d: d[: len(d) // 2] if n == "xl/workbook.xml" else d)
    assert codes(raw) == ["damaged-file"]


def test_malformed_sheet_xml_is_a_damaged_file() -> None:
    assert codes(edit_sheet(filled(), lambda s: s[: len(s) // 2])) == ["damaged-file"]


def test_a_cell_with_bad_numeric_xml_is_not_a_number_at_its_cell_not_a_crash() -> None:
    raw = edit_sheet(filled(), lambda s: s.replace("<v>1.5</v>", "<v>abc</v>", 1))
    result = check_bytes(WUHAN, raw, "unit.xlsx")
    assert [(p.code, p.value) for p in result.report.errors] == [("not-a-number", "abc")]


# -- geometry -----------------------------------------------------------------


def test_a_huge_dimension_claim_is_ignored() -> None:
    raw = edit_sheet(filled(), lambda s: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:XFD1048576"', s))
    assert codes(raw) == []


def test_one_cell_at_the_far_corner_is_unexpected_data_not_a_memory_blow_up() -> None:
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    raw = edit_sheet(filled(), lambda s: s.replace("</sheetData>", far, 1))
    result = check_bytes(WUHAN, raw, "unit.xlsx")
    assert [p.code for p in result.report.problems] == ["unexpected-data"]
    assert result.report.problems[0].place.cell == "XFD1048576"
    assert result.report.valid


def test_a_merge_over_the_whole_sheet_is_too_large() -> None:
    raw = edit_sheet(filled(), lambda s: s.replace("<mergeCell ", '<mergeCell ref="A1:XFD1048576"/><mergeCell ', 1))
    assert codes(raw) == ["too-large"]


def test_too_many_cells_is_too_large() -> None:
    assert codes(filled(), limits=Limits(max_cells=10)) == ["too-large"]


def test_the_geometry_scan_reads_cells_without_references_by_position() -> None:
    xml = b'<worksheet><sheetData><row><c><v>1</v></c><c><f>A1</f></c></row><row r="3" hidden="1"><c r="B3"><v>2</v></c></row></sheetData><cols><col min="2" max="3" hidden="1"/></cols></worksheet>'  # noqa: E501
    grid = _XlsxSheet(Limits(), [], frozenset(), False).parse(xml)
    assert set(grid.cells) == {(1, 1), (1, 2), (3, 2)}
    assert grid.cells[(1, 2)] == ("f", None)  # a formula without a cached value: not a blank
    assert grid.hidden_rows == {3}
    assert grid.col_hidden(2) and not grid.col_hidden(1)
    assert parse_ref("$B$5") == (5, 2) and parse_ref("5B") is None


# -- cells ----------------------------------------------------------------------


def _put(raw: bytes, row: int, col: int, value: object, number_format: str | None = None) -> bytes:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb[WUHAN.sheet]
        ws.cell(row, col).value = value
        if number_format:
            ws.cell(row, col).number_format = number_format

    return with_openpyxl(raw, change)


FIRST = GEO.data_start  # 序号 1
C1 = GEO.data_cols[0]  # column 1 (贪污侵占)
C13 = GEO.data_cols[12]  # column 13 (cards)


def test_a_formula_without_a_cached_value_is_not_a_blank() -> None:
    raw = _put(filled(), FIRST + 1, C1, "=1+1")
    result = check_bytes(WUHAN, raw, "unit.xlsx")
    problem = next(p for p in result.report.problems if p.code == "formula-not-calculated")
    assert problem.place.cell == f"C{FIRST + 1}" and problem.place.row_key == KEYS[1] and problem.place.column == 1


def test_a_formula_with_a_cached_value_reads_its_value() -> None:
    raw = edit_sheet(filled(), lambda s: s.replace("<v>1.5</v>", "<f>0.75*2</f><v>1.5</v>", 1))
    result = check_bytes(WUHAN, raw, "unit.xlsx")
    assert result.report.problems == ()
    assert result.data is not None and result.data.value(KEYS[0], 1) == Decimal("1.5")


def test_an_error_cell_is_reported_by_its_data_type() -> None:
    raw = _put(filled(), FIRST + 2, C1, "#REF!")
    result = check_bytes(WUHAN, raw, "unit.xlsx")
    problem = next(p for p in result.report.problems if p.code == "error-cell")
    assert problem.value == "#REF!" and problem.place.cell == f"C{FIRST + 2}"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1,234.50", Decimal("1234.50")), ("１２３", Decimal(123)), (" 5 ", Decimal(5)), ("12.3万", Decimal("12.3")),
     ("1.5亿", Decimal(15000))],
)  # fmt: skip
def test_a_number_typed_as_text_is_parsed_strictly_and_flagged(typed: str, expected: Decimal) -> None:
    raw = _put(filled(), FIRST + 2, C1, typed)
    result = check_bytes(WUHAN, raw, "unit.xlsx")
    codes_ = [p.code for p in result.report.problems]
    assert "number-stored-as-text" in codes_
    assert result.data is not None and result.data.value(KEYS[2], 1) == expected


@pytest.mark.parametrize(
    "typed", ["①", "1e5", "NaN", "Infinity", "1_000", "١٢٣", "(1,234)", "12%", "¥12", "3.5美元", "x" * 50]
)
def test_text_that_python_would_accept_is_not_a_number(typed: str) -> None:
    raw = _put(filled(), FIRST + 2, C1, typed)
    assert "not-a-number" in codes(raw)


def test_non_finite_numbers_are_not_numbers() -> None:
    raw = edit_sheet(filled(), lambda s: s.replace("<v>1.5</v>", "<v>1e999</v>", 1))
    assert "not-a-number" in codes(raw)


def test_a_date_in_an_amount_cell_is_not_a_number() -> None:
    raw = _put(filled(), FIRST + 2, C1, date(2024, 1, 1), "yyyy-mm-dd")
    assert "not-a-number" in codes(raw)


def test_negative_amounts_excess_decimals_and_fractional_counts_are_errors() -> None:
    raw = _put(filled(), FIRST + 1, C1, -3)
    raw = _put(raw, FIRST + 2, C1, 1.234)
    raw = _put(raw, FIRST + 3, C13, 2.5)
    found = codes(raw)
    assert {"negative-amount", "excess-decimals", "non-integer-count"} <= set(found)


def test_a_deleted_row_is_one_error_naming_it_and_no_row_is_read_as_its_neighbour() -> None:
    raw = with_openpyxl(filled(), lambda wb: wb[WUHAN.sheet].delete_rows(FIRST + 1))
    result = check_bytes(WUHAN, raw, "unit.xlsx")
    mismatches = [p for p in result.report.problems if p.code == "row-label-mismatch"]
    assert len(mismatches) == 1
    assert mismatches[0].place.row_key == KEYS[1] and "缺少序号2" in mismatches[0].message_zh
    # Every other row is read under its own label: row 3 keeps its own value, not row 2's.
    assert result.data is not None and result.data.row(KEYS[1]).is_blank()
    assert result.data.value(KEYS[0], 1) == Decimal("1.50")
    assert not result.report.valid


def test_an_inserted_blank_row_changes_nothing() -> None:
    raw = with_openpyxl(filled(), lambda wb: wb[WUHAN.sheet].insert_rows(FIRST + 3))
    result = check_bytes(WUHAN, raw, "u")
    assert result.report.problems == () and result.data is not None
    assert result.data.value(KEYS[0], 1) == Decimal("1.50")


def test_a_changed_column_header_is_a_header_mismatch_and_the_column_is_not_read() -> None:
    raw = _put(filled(), GEO.header_top + 1, C1, "贪污")
    result = check_bytes(WUHAN, raw, "u")
    problem = result.report.problems[0]
    assert problem.code == "header-mismatch" and problem.place.column == 1
    assert result.data is not None and result.data.value(KEYS[0], 1) is None


def test_a_changed_column_number_is_a_header_mismatch() -> None:
    assert "header-mismatch" in codes(_put(filled(), GEO.number_row, C1, 7))


def test_headers_are_compared_without_the_seeds_whitespace_artifacts_or_quote_styles() -> None:
    raw = _put(filled(), GEO.header_top + 1, C13, '违规代管 "一卡通"\n数量')
    raw = _put(raw, 1, 1, WUHAN.title.replace("专项治理", "专项治理 "))
    assert codes(raw) == []


def test_a_changed_title_is_a_header_mismatch() -> None:
    assert codes(_put(filled(), 1, 1, "别的表")) == ["header-mismatch"]


def test_a_form_in_yuan_where_the_form_says_wan_yuan_is_a_unit_mismatch() -> None:
    result = check_bytes(WUHAN, _put(filled(), GEO.header_line_rows[1], 1, "单位：元"), "u")
    assert [p.code for p in result.report.problems] == ["unit-mismatch"]
    assert result.report.problems[0].value == "单位：元"


def test_a_hidden_row_holding_data_is_flagged() -> None:
    raw = with_openpyxl(filled(), lambda wb: setattr(wb[WUHAN.sheet].row_dimensions[FIRST], "hidden", True))
    assert codes(raw) == ["unexpected-data"]


def test_a_hidden_column_holding_data_is_flagged() -> None:
    raw = with_openpyxl(filled(), lambda wb: setattr(wb[WUHAN.sheet].column_dimensions["C"], "hidden", True))
    assert codes(raw) == ["unexpected-data"]


def test_a_hidden_sheet_holding_data_is_flagged() -> None:
    def hide(wb: openpyxl.Workbook) -> None:
        ws = wb.create_sheet("备用")
        ws["A1"] = 123
        ws.sheet_state = "hidden"

    assert codes(with_openpyxl(filled(), hide)) == ["unexpected-data"]


def test_values_outside_the_form_are_flagged_but_do_not_invalidate() -> None:
    result = check_bytes(WUHAN, _put(filled(), FIRST, GEO.width + 2, 5), "u")
    assert [p.code for p in result.report.problems] == ["unexpected-data"]
    assert result.report.valid


def test_dates_honour_the_1904_epoch() -> None:
    lay = layout("chongqing-2023-problem-list")
    data = FormData.from_values(lay, {"1": {1: Decimal(1), 3: "账户共用", 7: date(2023, 6, 30)}}, unit="福果镇")
    raw = render(lay, data)

    def to_1904(wb: openpyxl.Workbook) -> None:
        wb.epoch = CALENDAR_MAC_1904
        ws = wb[lay.sheet]
        geo = Geometry.of(lay)
        ws.cell(geo.data_start, geo.col_of(lay, 7)).value = date(2023, 6, 30)

    read = read_bytes(lay, with_openpyxl(raw, to_1904))
    assert read.problems == ()
    assert read.data is not None and read.data.value("1", 7) == date(2023, 6, 30)
