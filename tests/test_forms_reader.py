"""Reading the free-row and mixed-kind forms: 序号, dates, choices, yes/no, standards, the 合计 row."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from subsidy_rules.cli import cli
from subsidy_rules.forms import FormData, check_bytes, layout, read_bytes, render
from subsidy_rules.forms.geometry import Geometry

D = Decimal
LIST = layout("chongqing-2023-problem-list")
LIST_GEO = Geometry.of(LIST)
PROBLEMS = layout("tongchuan-2021-problems")
SCREENING = layout("tongchuan-2021-screening")


def edited(lay: object, raw: bytes, change: Callable[[openpyxl.worksheet.worksheet.Worksheet], None]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    change(wb[lay.sheet])  # type: ignore[attr-defined]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def findings() -> bytes:
    data = FormData.from_values(
        LIST,
        {
            "1": {1: D(1), 2: "funds.embezzlement", 3: "共用账户", 4: D(3), 5: D("1200.50"), 7: date(2023, 6, 30)},
            "2": {1: D(2), 3: "一人既受理又审核", 9: "整改中"},
        },
        unit="福果镇",
    )
    return render(LIST, data)


def codes(lay: object, raw: bytes) -> list[str]:
    return [p.code for p in check_bytes(lay, raw, "f.xlsx").report.problems]  # type: ignore[arg-type]


def test_a_list_of_findings_reads_row_by_row_until_the_notes() -> None:
    read = read_bytes(LIST, findings())
    assert read.problems == ()
    assert read.data is not None and [r.key for r in read.data.rows] == ["1", "2"]
    assert read.data.value("1", 5) == D("1200.50") and read.data.value("1", 7) == date(2023, 6, 30)
    assert read.data.value("2", 9) == "整改中" and read.data.fields == {}


def test_a_finding_without_a_serial_number_or_with_a_repeated_one_is_not_read() -> None:
    start, col = LIST_GEO.data_start, LIST_GEO.data_cols[0]

    def change(ws: object) -> None:
        ws.cell(start + 1, col).value = 1  # type: ignore[attr-defined]
        ws.cell(start + 2, col + 2).value = "没有序号"  # type: ignore[attr-defined]

    read = read_bytes(LIST, edited(LIST, findings(), change))
    assert [p.code for p in read.problems] == ["row-label-mismatch", "row-label-mismatch"]
    assert read.data is not None and [r.key for r in read.data.rows] == ["1"]


def test_dates_choices_and_long_text_are_checked_in_their_columns() -> None:
    start, cols = LIST_GEO.data_start, LIST_GEO.data_cols

    def change(ws: object) -> None:
        ws.cell(start, cols[6]).value = "下个月"  # type: ignore[attr-defined]
        ws.cell(start, cols[8]).value = "差不多了"  # type: ignore[attr-defined]
        ws.cell(start + 1, cols[6]).value = "2023年7月31日"  # type: ignore[attr-defined]
        ws.cell(start + 1, cols[7]).value = "长" * 2001  # type: ignore[attr-defined]
        ws.cell(start + 1, cols[3]).value = 45123  # type: ignore[attr-defined]

    read = read_bytes(LIST, edited(LIST, findings(), change))
    assert [p.code for p in read.problems] == ["invalid-value", "invalid-value", "invalid-value"]
    assert read.data is not None and read.data.value("2", 7) == date(2023, 7, 31)


def test_a_number_in_a_date_column_is_not_a_date() -> None:
    def change(ws: object) -> None:
        cell = ws.cell(LIST_GEO.data_start, LIST_GEO.data_cols[6])  # type: ignore[attr-defined]
        cell.value = 45123
        cell.number_format = "0"

    assert codes(LIST, edited(LIST, findings(), change)) == ["invalid-value"]


def test_yes_no_cells_take_shi_or_blank() -> None:
    geo = Geometry.of(PROBLEMS)
    col = geo.col_of(PROBLEMS, 14)
    raw = render(PROBLEMS)

    def change(ws: object) -> None:
        ws.cell(geo.data_start, col).value = "是"  # type: ignore[attr-defined]
        ws.cell(geo.data_start + 1, col).value = "否"  # type: ignore[attr-defined]
        ws.cell(geo.data_start + 2, col).value = "没有"  # type: ignore[attr-defined]

    read = read_bytes(PROBLEMS, edited(PROBLEMS, raw, change))
    assert [p.code for p in read.problems] == ["invalid-value"]
    assert read.data is not None
    keys = [r.key for r in PROBLEMS.rows.rows]
    assert read.data.value(keys[0], 14) is True and read.data.value(keys[1], 14) is False


def test_the_standard_column_takes_a_number_or_text() -> None:
    geo = Geometry.of(SCREENING)
    col = geo.col_of(SCREENING, 7)
    keys = [r.key for r in SCREENING.rows.rows]

    def change(ws: object) -> None:
        ws.cell(geo.data_start, col).value = 300  # type: ignore[attr-defined]
        ws.cell(geo.data_start + 1, col).value = "每人每月300元"  # type: ignore[attr-defined]
        ws.cell(geo.data_start + 2, col).value = "1,200"  # type: ignore[attr-defined]

    read = read_bytes(SCREENING, edited(SCREENING, render(SCREENING), change))
    # Only standards filled: no error; the blank 单位(盖章) and the absence of any amount are said.
    assert [p.code for p in read.problems] == ["reporter-blank", "all-zero"] and read.data is not None
    assert [read.data.value(k, 7) for k in keys] == [D(300), "每人每月300元", D(1200)]
    raw = render(SCREENING)
    big = edited(SCREENING, raw, lambda ws: setattr(ws.cell(geo.data_start, col), "value", 10**16))
    assert codes(SCREENING, big) == ["not-a-number", "reporter-blank"]


def test_a_changed_header_line_or_totals_label_is_reported() -> None:
    geo = Geometry.of(SCREENING)

    def change(ws: object) -> None:
        ws.cell(geo.header_line_rows[2], 1).value = "领导："  # type: ignore[attr-defined]
        ws.cell(geo.totals_row, 2).value = "总计"  # type: ignore[attr-defined]
        ws.cell(geo.header_line_rows[2], 3).value = "张三"  # type: ignore[attr-defined]
        ws.cell(geo.header_top, 1).value = "编号"  # type: ignore[attr-defined]
        ws.cell(geo.number_row, 1).value = "列"  # type: ignore[attr-defined]

    read = read_bytes(SCREENING, edited(SCREENING, render(SCREENING), change))
    found = [(p.code, p.severity.value, p.place.cell) for p in read.problems]
    # 负责人 replaced by 领导: the line is not found, its value not read — a warning at its place.
    assert ("header-mismatch", "warning", f"A{geo.header_line_rows[2]}") in found
    # 编号 for 序号: an error. 总计 for 合计: the totals row, read, with a warning quoting both texts.
    assert ("header-mismatch", "error", f"A{geo.header_top}") in found
    assert ("label-near-miss", "warning", f"B{geo.totals_row}") in found
    # The 栏次 label is the library's own addition: "列" there is not a problem.
    assert not any(cell == f"A{geo.number_row}" for _, _, cell in found)
    assert read.data is not None and read.data.fields == {}


def test_a_grouped_header_that_changed_is_reported() -> None:
    lay = layout("wuhan-2022-summary")
    geo = Geometry.of(lay)
    raw = edited(lay, render(lay), lambda ws: setattr(ws.cell(geo.header_top, geo.data_cols[0]), "value", "调查"))
    assert codes(lay, raw) == ["header-mismatch", "template-untouched"]


def test_the_cli_prints_each_problem_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    path.write_bytes(edited(LIST, findings(), lambda ws: setattr(ws.cell(LIST_GEO.data_start, 4), "value", -1)))
    result = CliRunner().invoke(cli, ["forms", "validate", "chongqing-2023-problem-list", str(path)])
    assert result.exit_code == 1
    assert "[error] negative-amount 问题清单!D" in result.output and "0 of 1 file(s) valid" in result.output
    result = CliRunner().invoke(cli, ["forms", "template", "wuhan-2022-summary", "-o", str(tmp_path / "no" / "t.xlsx")])
    assert result.exit_code == 2
