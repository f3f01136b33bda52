"""Forms as district offices really send them (issue 10), each scenario from a checked-in spreadsheet.

The files under ``tests/fixtures/forms/`` are made by ``make_fixtures.py`` beside them (its docstring
says how each format is written). Expected figures are computed by hand in the comments.
"""

from __future__ import annotations

import io
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from subsidy_rules.cli import cli
from subsidy_rules.forms import aggregate, check_file, layout, render, validate_files
from subsidy_rules.forms.geometry import Geometry
from subsidy_rules.forms.reader import stored_number
from subsidy_rules.forms.template import paper_for

FIXTURES = Path(__file__).parent / "fixtures" / "forms"
WUHAN = layout("wuhan-2022-problem-stats")
SCREENING = layout("tongchuan-2021-screening")
LIST = layout("chongqing-2023-problem-list")
KEYS = [r.key for r in WUHAN.rows.rows]
D = Decimal


def problems(name: str, lay: object = WUHAN) -> list[tuple[str, str, str | None]]:
    result = check_file(lay, FIXTURES / name)  # type: ignore[arg-type]
    return [(p.code, p.severity.value, p.place.cell) for p in result.report.problems]


def test_every_fixture_is_checked_in() -> None:
    # The fixtures are files in the repository, not made on the fly: a missing one is a failure, never a skip.
    assert len(list(FIXTURES.glob("*.*"))) >= 24


# -- numbers as spreadsheets store them --------------------------------------------------------------


def test_an_excel_calculated_total_is_read_at_fifteen_significant_digits() -> None:
    # C48 holds =SUM(C7:C47) stored as 2880.0299999999997 (1459.27 + 1420.76 in binary); Excel shows 2880.03.
    result = check_file(WUHAN, FIXTURES / "excel-sum-total.xlsx")
    assert result.report.problems == () and result.report.valid
    assert result.data is not None and result.data.totals is not None and result.data.totals[1] == D("2880.03")


@pytest.mark.parametrize(
    ("stored", "read"),
    [("2880.0299999999997", "2880.03"), ("0.30000000000000004", "0.3"), ("12.5", "12.5"), ("1E+2", "100"),
     ("100", "100"), ("1e2", "100"), (0.1 + 0.2, "0.3"), ("nan", None), ("1e999", None)],
)  # fmt: skip
def test_a_stored_number_keeps_what_the_cell_displays(stored: object, read: str | None) -> None:
    assert stored_number(stored) == (None if read is None else D(read))


def test_typed_text_keeps_its_exact_digits_and_says_what_was_assumed() -> None:
    found = problems("dashes-and-units.xlsx")
    # D7 "2.00\u00a0": the non-breaking space is stripped (a warning that says so), read as 2.00.
    assert ("spaces-stripped", "warning", "D7") in found
    # D8 "3.5万元" in a 万元 column and O9 "38张" in the cards column: the column's own unit, accepted.
    assert ("unit-suffix", "warning", "D8") in found and ("unit-suffix", "warning", "O9") in found
    result = check_file(WUHAN, FIXTURES / "dashes-and-units.xlsx")
    assert result.report.valid and result.data is not None
    assert result.data.value(KEYS[0], 2) == D("2.00") and result.data.value(KEYS[1], 2) == D("3.5")
    assert result.data.value(KEYS[2], 13) == D(38)


def test_blank_markers_are_blank_not_zero_with_one_warning_listing_the_cells() -> None:
    result = check_file(WUHAN, FIXTURES / "dashes-and-units.xlsx")
    [warning] = [p for p in result.report.problems if p.code == "blank-markers"]
    # C10 "—", D10 "无", C11 "/", C12 "——".
    assert all(cell in warning.message_zh for cell in ("C10", "D10", "C11", "C12"))
    assert result.data is not None and result.data.value(KEYS[3], 1) is None
    # Column 2's 合计 is 5.5 = 2.00 + 3.5: the "无" in D10 counts as nothing, and the total check still runs.
    assert result.data.totals is not None and result.data.totals[2] == D("5.5")


# -- formats by content ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "fmt"), [("江汉区.xls", "xls"), ("wps-biff.et", "xls"), ("wps-ooxml.et", "xlsx")])
def test_legacy_and_wps_files_are_read_by_content_not_by_name(name: str, fmt: str) -> None:
    result = check_file(WUHAN, FIXTURES / name)
    assert result.format == fmt and result.report.problems == ()
    # The .xls 合计 is a formula whose cached result is 1459.27 + 1420.76 in binary: read as 2880.03.
    assert result.data is not None and result.data.value(KEYS[0], 1) == D("1459.27")
    assert result.data.totals is not None and result.data.totals[1] == D("2880.03")


def test_an_ods_from_libreoffice_validates() -> None:
    result = check_file(SCREENING, FIXTURES / "耀州区.ods")
    assert result.format == "ods" and result.report.problems == ()
    assert result.data is not None and result.data.value(SCREENING.rows.rows[0].key, 1) == D("12.50")


@pytest.mark.parametrize("name", ["libreoffice-saved.xls", "libreoffice-saved.ods"])
def test_a_form_saved_by_libreoffice_as_xls_or_ods_reads_as_the_xlsx_it_came_from(name: str) -> None:
    # LibreOffice re-saved excel-sum-total.xlsx (make_fixtures.py --libreoffice): 1459.27 + 1420.76 = 2880.03
    # in column 1, 38 in column 13; its own records (SST, XF, FORMULA with a cached result) read the same.
    result = check_file(WUHAN, FIXTURES / name)
    original = check_file(WUHAN, FIXTURES / "excel-sum-total.xlsx")
    assert result.report.problems == () and result.report.valid
    assert result.data is not None and original.data is not None and result.data.rows == original.data.rows
    assert result.data.value(KEYS[0], 1) == D("1459.27") and result.data.value(KEYS[2], 13) == D(38)
    assert result.data.totals is not None and result.data.totals[1] == D("2880.03")


@pytest.mark.parametrize("name", ["libreoffice-div0.xls", "libreoffice-div0.ods"])
def test_libreoffice_error_results_and_hidden_rows_are_named_not_read_as_blanks(name: str) -> None:
    # D7 holds =1/0 (LibreOffice stores its cached result #DIV/0!); row 20 is hidden with 5 in E20, so the
    # 合计 of column 3 (E48, left blank) should be 5.
    assert problems(name) == [
        ("error-cell", "error", "D7"), ("unexpected-data", "warning", "E20"), ("total-mismatch", "error", "E48"),
    ]  # fmt: skip


def test_a_hidden_sheet_holding_data_in_an_ods_is_named() -> None:
    # LibreOffice hides a sheet by its table style (table:display="false"); 旧表 holds 旧数据 and 3.
    result = check_file(WUHAN, FIXTURES / "libreoffice-hidden-sheet.ods")
    assert [(p.code, p.severity.value, p.place.sheet) for p in result.report.problems] == [
        ("unexpected-data", "warning", "旧表")
    ]
    assert result.report.valid and "旧表" in result.report.problems[0].message_zh


def test_error_cells_in_an_xls_are_errors_never_blanks() -> None:
    # C8 holds #REF! (a BOOLERR record); the 合计 formula's cached result is #DIV/0!.
    assert problems("error-cells.xls") == [("error-cell", "error", "C8"), ("error-cell", "error", "C48")]


@pytest.mark.parametrize(
    ("name", "code"),
    [("truncated.xls", "damaged-file"), ("word-document.xls", "not-a-workbook"), ("encrypted.xls", "encrypted"),
     ("bomb.ods", "too-large")],
)  # fmt: skip
def test_hostile_legacy_files_get_clear_codes(name: str, code: str) -> None:
    assert [c for c, _, _ in problems(name)] == [code]


def test_hostile_legacy_files_get_clear_codes_in_worker_processes_too() -> None:
    names = ["truncated.xls", "word-document.xls", "encrypted.xls", "bomb.ods", "江汉区.xls"]
    results = validate_files(WUHAN, [FIXTURES / n for n in names], workers=2)
    assert [[p.code for p in r.report.problems] for r in results] == [
        ["damaged-file"],
        ["not-a-workbook"],
        ["encrypted"],
        ["too-large"],
        [],
    ]


# -- the notice's layout is authoritative ---------------------------------------------------------------


def test_a_file_in_the_notices_own_layout_validates_with_warnings_quoting_both_texts() -> None:
    result = check_file(WUHAN, FIXTURES / "notice-layout.xlsx")
    assert result.report.valid
    near = [p for p in result.report.problems if p.code == "label-near-miss"]
    # The district before the title, 填报单位 for 填表单位, "其他（创业担保贷款贴息）" for 其他.
    assert len(near) == 3 and all(p.severity.value == "warning" for p in near)
    assert "填报单位" in near[1].message_zh and "填表单位" in near[1].message_zh
    assert result.data is not None and result.data.unit == "江岸区人力资源和社会保障局"
    assert result.data.value(KEYS[0], 1) == D("1459.27") and result.data.totals is None


def test_a_blank_totals_row_is_computed_with_a_warning_and_a_wrong_one_is_an_error() -> None:
    assert problems("blank-totals.xlsx") == [("totals-blank", "warning", "B48")]
    # 9.99 filed where 1.25 is the only row: wrong by 8.74 > 2 × 0.005.
    assert problems("wrong-totals.xlsx") == [("total-mismatch", "error", "C48")]


def test_an_inserted_row_is_one_error_naming_it_and_the_other_rows_are_read() -> None:
    result = check_file(WUHAN, FIXTURES / "inserted-row.xlsx")
    [error] = result.report.errors
    assert error.code == "row-label-mismatch" and error.place.cell == "B8" and "其中：高校毕业生" in error.message_zh
    # Rows 1–4 are read (1.00, 2.00, 3.00, 4.00) and the 合计 10.00 checks without the 其中 row's 0.5.
    assert result.data is not None
    assert [result.data.value(k, 1) for k in KEYS[:4]] == [D("1.00"), D("2.00"), D("3.00"), D("4.00")]


def test_two_swapped_rows_are_both_named_and_not_read() -> None:
    result = check_file(WUHAN, FIXTURES / "swapped-rows.xlsx")
    assert [(p.code, p.place.cell) for p in result.report.errors] == [
        ("row-label-mismatch", "B8"),
        ("row-label-mismatch", "B9"),
    ]
    assert all("对调" in p.message_zh for p in result.report.errors)
    assert result.data is not None and result.data.value(KEYS[0], 1) == D("1.00")
    assert result.data.value(KEYS[1], 1) is None and result.data.value(KEYS[3], 1) == D("4.00")


def test_a_label_repeated_from_another_row_names_both_rows_and_reads_the_row_that_still_matches() -> None:
    # Row 9 (序号3) carries row 8's name 市大学生创业项目资助: row 8 (序号2, its printed place) is read (2.00);
    # row 9 repeats it and 序号3 is missing, both said at B9. The 合计 10.00 = 1 + 2 + 3 + 4 still checks:
    # row 9's 3.00 is in the column.
    result = check_file(WUHAN, FIXTURES / "repeated-label.xlsx")
    assert [(p.code, p.place.cell, p.place.row_key) for p in result.report.problems] == [
        ("row-label-mismatch", "B9", KEYS[1]), ("row-label-mismatch", "B9", KEYS[2]),
    ]  # fmt: skip
    assert "第8行" in result.report.problems[0].message_zh and "缺少序号3" in result.report.problems[1].message_zh
    assert result.data is not None and result.data.value(KEYS[1], 1) == D("2.00")
    assert result.data.value(KEYS[2], 1) is None and result.data.value(KEYS[3], 1) == D("4.00")


def test_a_row_moved_away_is_one_error_naming_it_and_the_rows_around_it_are_read() -> None:
    # Row 2 (序号2, 2.00) cut and pasted below row 5: rows 3–5 moved up one line each and still match.
    result = check_file(WUHAN, FIXTURES / "moved-row.xlsx")
    [error] = result.report.problems
    assert (error.code, error.place.cell) == ("row-label-mismatch", "B11") and "被移动" in error.message_zh
    assert result.data is not None
    assert [result.data.value(k, 1) for k in KEYS[:4]] == [D("1.00"), None, D("3.00"), D("4.00")]


def test_an_uncalculated_formula_in_an_ods_is_an_error_never_a_blank() -> None:
    # C48 holds of:=SUM(C7:C47) with no office:value (never calculated): said at its cell; the 合计 is then
    # computed from the rows (1 + 2 + 3 + 4 = 10) with the blank-totals warning.
    assert problems("uncalculated.ods") == [
        ("formula-not-calculated", "error", "C48"), ("totals-blank", "warning", "B48"),
    ]  # fmt: skip


def test_nothing_is_silently_ignored() -> None:
    found = problems("odd-cells.xlsx")
    # C12:D12 merged (one value over two columns), C49 a value under the 合计, row 10 hidden with data.
    assert ("merged-data-cells", "error", "C12") in found
    assert ("unexpected-data", "error", "C49") in found
    assert ("unexpected-data", "warning", "C10") in found
    assert len(found) == 3


def test_decimals_follow_the_notice() -> None:
    # Tongchuan (seed 003: 保留两位小数): 12.505 is an error. Wuhan (no rule): 1.255 is a warning, read as is.
    assert problems("three-decimals.ods", SCREENING) == [("excess-decimals", "error", "C9")]
    result = check_file(WUHAN, FIXTURES / "wuhan-three-decimals.xlsx")
    assert result.report.valid and result.data is not None and result.data.value(KEYS[0], 1) == D("1.255")
    assert ("excess-decimals", "warning", "C7") in [
        (p.code, p.severity.value, p.place.cell) for p in result.report.problems
    ]


def test_warnings_an_auditor_wants() -> None:
    assert problems("untouched.xlsx") == [("template-untouched", "warning", None)]
    assert problems("no-reporter.xlsx") == [("reporter-blank", "warning", "C2")]
    assert problems("zero-report.xlsx") == [("all-zero", "warning", None)]


# -- the Chongqing list ------------------------------------------------------------------------------------


def test_issue_types_are_accepted_by_code_or_chinese_name_and_printed_by_name(tmp_path: Path) -> None:
    result = check_file(LIST, FIXTURES / "chongqing-types.xlsx")
    assert [(p.code, p.value) for p in result.report.problems] == [("unknown-issue-type", "不存在的类型")]
    assert result.data is not None
    assert [result.data.value(k, 2) for k in ("1", "2", "3")] == [
        "funds.embezzlement",
        "funds.embezzlement",
        "payment.excess.beyond-scope",
    ]
    ws = openpyxl.load_workbook(__import__("io").BytesIO(render(LIST, result.data)))[LIST.sheet]
    geo = Geometry.of(LIST)
    assert ws.cell(geo.data_start, geo.col_of(LIST, 2)).value == "贪污侵占"


def test_the_chongqing_template_offers_the_types_as_a_drop_down_and_signed_lines_carry_no_mark() -> None:
    wb = openpyxl.load_workbook(__import__("io").BytesIO(render(LIST)))
    ws = wb[LIST.sheet]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list" and "问题类型" in (dv.formula1 or "")]
    assert lists and wb["问题类型"].sheet_state == "hidden" and wb["问题类型"]["A1"].value
    assert ws["A2"].value == "填报单位：" and ws["A3"].value == "填报日期："
    assert any("填报单位" in str(c.value) and "本库所拟" in str(c.value) for row in ws.iter_rows() for c in row)


# -- printing ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form_id", "paper"),
    [("wuhan-2022-problem-stats", "A4"), ("tongchuan-2021-screening", "A3"), ("tongchuan-2021-problems", "A3")],
)
def test_wide_forms_print_on_a3_so_text_stays_at_eight_points(form_id: str, paper: str) -> None:
    # Rendered through LibreOffice (PDF), a width unit prints at ~7.2 pt: 11 pt text stays ≥ 8 pt up to 141 units
    # on A4 landscape, 206 on A3. Too wide for A4, columns narrow to 8 units: Wuhan 序号 6 + name 30 + 13 × 8 =
    # 140 → A4; Tongchuan screening 6 + 30 + 21 × 8 = 204 → A3 (at 12 units it was 246: 6.6 pt on A3).
    assert paper_for(layout(form_id)) == paper


def test_a_form_too_wide_even_for_a3_splits_across_two_pages_repeating_the_row_labels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from subsidy_rules.forms import template

    monkeypatch.setattr(template, "A3_UNITS", 150)  # as if Tongchuan's 204 units did not fit one A3 page
    ws = openpyxl.load_workbook(io.BytesIO(render(SCREENING)))[SCREENING.sheet]
    assert int(ws.page_setup.paperSize) == 8 and ws.page_setup.fitToWidth == 2  # A3, two pages across
    assert ws.print_title_cols == "$A:$B" and ws.print_title_rows  # 序号 and 补贴项目名称 on every page


def test_a_long_row_name_gets_a_taller_row_instead_of_running_into_the_next() -> None:
    # A 30-unit column holds 29 units a line (one for the padding): a name of 15 or more characters (2 units
    # each) takes 2 lines, e.g. 武汉户籍外出务工农民意外伤害保险费 (17); the others keep the default height.
    ws = openpyxl.load_workbook(io.BytesIO(render(WUHAN)))[WUHAN.sheet]
    geo = Geometry.of(WUHAN)
    rows = range(geo.data_start, geo.data_start + geo.data_rows)
    tall = {r: ws.row_dimensions[r].height for r in rows if ws.row_dimensions[r].height}
    assert tall and set(tall.values()) == {15 * 2 + 4}
    assert set(tall) == {r for r in rows if len(str(ws.cell(r, 2).value)) >= 15}


# -- roll-ups ----------------------------------------------------------------------------------------------------


def test_the_same_unit_or_the_same_file_twice_is_an_error_and_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(FIXTURES / "rollup" / "dup", folder)
    out = tmp_path / "武汉市.xlsx"
    results = validate_files(WUHAN, sorted(folder.iterdir()), isolate=False)
    agg = aggregate(WUHAN, results, output=out)
    codes = sorted(p.code for p in agg.problems)
    # 江岸区 given twice (two different files); 江汉区 given twice (the same bytes under two names).
    assert codes == ["duplicate-file", "duplicate-unit"] and not agg.ok and not out.exists()
    assert all(p.message_zh.count(".xlsx") == 2 for p in agg.problems)  # both files named
    agg = aggregate(WUHAN, results, output=out, allow_duplicates=True)
    assert out.exists() and all(p.severity.value == "warning" for p in agg.problems)


def test_a_roll_up_given_with_one_of_its_own_units_is_an_error(tmp_path: Path) -> None:
    src = FIXTURES / "rollup" / "dup"
    city = tmp_path / "区汇总.xlsx"
    first = validate_files(WUHAN, [src / "江岸区.xlsx", src / "江汉区.xlsx"], isolate=False)
    aggregate(WUHAN, first, output=city, unit="武汉市东片")
    again = validate_files(WUHAN, [city, src / "江岸区.xlsx"], isolate=False)
    agg = aggregate(WUHAN, again, output=tmp_path / "out.xlsx")
    assert [p.code for p in agg.problems] == ["rollup-with-own-unit"] and not (tmp_path / "out.xlsx").exists()


def test_the_output_may_not_be_an_input(tmp_path: Path) -> None:
    target = tmp_path / "江岸区.xlsx"
    shutil.copy(FIXTURES / "rollup" / "dup" / "江岸区.xlsx", target)
    before = target.read_bytes()
    result = CliRunner().invoke(cli, ["forms", "aggregate", WUHAN.id, str(target), "-o", str(target)])
    assert result.exit_code == 2 and target.read_bytes() == before
