"""Roll-up, batches in worker processes, templates and the ``forms`` commands, as scenarios."""

from __future__ import annotations

import functools
import io
import json
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from subsidy_rules.cli import cli
from subsidy_rules.forms import (
    FORM_IDS,
    FormData,
    Limits,
    aggregate,
    aggregate_files,
    check_bytes,
    layout,
    read_bytes,
    render,
    roll_up,
    validate_files,
    write_filled,
    write_template,
)
from subsidy_rules.forms.batch import AggregationReport
from subsidy_rules.forms.geometry import Geometry
from subsidy_rules.forms.pool import run_isolated
from subsidy_rules.forms.rollup import UnitInput
from subsidy_rules.io.json import loads_record, to_json

D = Decimal
WUHAN = layout("wuhan-2022-problem-stats")
KEYS = [r.key for r in WUHAN.rows.rows]


def _unit(unit: str, amount: str, cards: int = 0) -> FormData:
    return FormData.from_values(WUHAN, {KEYS[0]: {1: D(amount), 13: D(cards)}}, unit=unit, with_totals=True)


@pytest.fixture
def units(tmp_path: Path) -> list[Path]:
    paths = []
    for name, amount, cards in (("江岸区", "1.25", 2), ("江汉区", "2.50", 1), ("硚口区", "0", 0)):
        paths.append(write_filled(WUHAN, _unit(name, amount, cards), tmp_path / f"{name}.xlsx"))
    bad = tmp_path / "汉阳区.xlsx"
    bad.write_text("not a workbook", "utf-8")
    paths.append(bad)
    return paths


# -- templates -------------------------------------------------------------------


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_the_same_layout_gives_a_byte_identical_template(form_id: str, tmp_path: Path) -> None:
    lay = layout(form_id)
    first, second = write_template(lay, tmp_path / "a.xlsx"), write_template(lay, tmp_path / "b.xlsx")
    assert first.read_bytes() == second.read_bytes()
    # A blank template sent back is valid but said (issue 10: warnings an auditor wants).
    assert [p.code for p in check_bytes(lay, first.read_bytes(), "t").report.problems] == ["template-untouched"]


def test_a_template_is_printable_protected_and_marks_reconstructed_labels() -> None:
    raw = render(layout("tongchuan-2021-problems"))
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    ws = wb.active
    assert ws is not None
    geo = Geometry.of(layout("tongchuan-2021-problems"))
    assert ws.cell(geo.header_top, geo.data_cols[0]).value == "贪污侵占（拟）"
    assert ws.cell(geo.header_top, geo.data_cols[6]).value == "超出标准发放的金额"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows
    assert ws.freeze_panes == f"C{geo.data_start}"
    assert ws.protection.sheet
    assert not ws.cell(geo.data_start, geo.data_cols[0]).protection.locked
    assert ws.cell(1, 1).protection.locked
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"decimal", "whole", "list"} <= kinds
    assert wb.properties.creator == "subsidy-rules" and wb.properties.created.year == 2000


# -- roll-up ---------------------------------------------------------------------


def test_the_city_rolls_up_only_the_valid_districts_and_names_the_zero_reporters(
    units: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "武汉市.xlsx"
    agg = aggregate_files(WUHAN, units, output=out, unit="武汉市", isolate=False)
    assert agg.rollup is not None and agg.output_report is not None
    # Names as the roll-up records them: relative to the output's folder, never absolute (issue 10).
    assert agg.excluded == ("汉阳区.xlsx",)
    assert agg.rollup.data.value(KEYS[0], 1) == D("3.75") and agg.rollup.data.value(KEYS[0], 13) == D(3)
    assert agg.rollup.zero_units == ("硚口区",)
    assert agg.output_report.valid and not agg.ok  # one input was invalid
    read = read_bytes(WUHAN, out.read_bytes())
    assert read.data is not None and read.data.rolled_units == 3 and read.data.unit == "武汉市"
    sheet = openpyxl.load_workbook(out)["汇总单位"]
    assert sheet.cell(1, 1).value == "武汉市：汇总单位及报送情况"
    assert [c.value for c in sheet[2]] == ["序号", "填报单位", "文件", "含单位数", "零报送", "状态"]
    # Every file given, in the order given, with its status; the unreadable one says why it was left out.
    rows = [[sheet.cell(r, c).value for c in (2, 3, 5, 6)] for r in (3, 4, 5, 6)]
    assert rows == [
        ["江岸区", "江岸区.xlsx", None, "已计入"],
        ["江汉区", "江汉区.xlsx", None, "已计入"],
        ["硚口区", "硚口区.xlsx", "是", "已计入"],
        ["汉阳区", "汉阳区.xlsx", None, "未计入：无法读取"],
    ]
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4


def test_including_invalid_files_is_flagged_in_the_roll_up(units: list[Path]) -> None:
    results = validate_files(WUHAN, units[:2], isolate=False)
    broken = [r for r in results]
    import attrs

    broken[0] = attrs.evolve(broken[0], report=attrs.evolve(broken[0].report, valid=False))
    agg = aggregate(WUHAN, broken, include_invalid=True)
    assert agg.rollup is not None
    assert [p.code for p in agg.rollup.problems] == ["invalid-input-included"]
    assert agg.excluded == ()


def test_no_valid_file_means_no_roll_up(units: list[Path]) -> None:
    agg = aggregate(WUHAN, validate_files(WUHAN, units[3:], isolate=False))
    assert agg.rollup is None and not agg.ok


def test_a_column_that_is_not_summed_must_agree_between_units() -> None:
    lay = layout("tongchuan-2021-screening")
    key = lay.rows.rows[0].key
    a = FormData.from_values(lay, {key: {7: D(300)}}, unit="甲")
    b = FormData.from_values(lay, {key: {7: "每人每月300元"}}, unit="乙")
    result = roll_up(lay, [UnitInput("a", a), UnitInput("b", b)])
    [problem] = result.problems
    assert problem.code == "non-additive-mismatch" and problem.place.column == 7 and problem.place.row_key == key
    assert result.data.value(key, 7) is None


def test_yes_no_and_text_columns_roll_up_as_any_and_distinct_entries() -> None:
    lay = layout("tongchuan-2021-problems")
    key = lay.rows.rows[1].key
    a = FormData.from_values(lay, {key: {14: True, 18: "工本费；手续费"}}, unit="甲")
    b = FormData.from_values(lay, {key: {14: False, 18: "手续费"}}, unit="乙")
    rolled = roll_up(lay, [UnitInput("a", a), UnitInput("b", b)]).data
    assert rolled.value(key, 14) is True and rolled.value(key, 18) == "工本费；手续费"
    with pytest.raises(ValueError):
        roll_up(WUHAN, [UnitInput("a", a)])


# -- isolation ---------------------------------------------------------------------


def _slow_or_crash(item: str) -> str:
    if item == "hang":
        time.sleep(30)
    if item == "crash":
        import os

        os._exit(3)
    if item == "boom":
        raise RuntimeError("bug")
    if item == "memory":
        raise MemoryError
    return item.upper()


def test_a_hang_a_crash_and_a_bug_each_stay_that_files_problem() -> None:
    items = ["a", "hang", "b", "crash", "boom", "memory", "c"]
    results = run_isolated(_slow_or_crash, items, lambda item, why: f"{item}: {why}", workers=2, timeout=1)
    assert results[0] == "A" and results[2] == "B" and results[6] == "C"
    assert results[1].startswith("hang: time limit")
    assert "died" in results[3] and "RuntimeError" in results[4] and "memory" in results[5]
    assert run_isolated(_slow_or_crash, [], lambda i, w: w) == []


def test_files_travel_in_chunks_and_a_crash_in_a_chunk_costs_only_its_own_file() -> None:
    # 64 items over 2 workers: chunks of 64 // 16 = 4. The chunk holding "crash" is re-run one item at a
    # time, so only "crash" fails and its three chunk-mates are still computed.
    items = [f"f{i}" for i in range(64)]
    items[21] = "crash"
    results = run_isolated(_slow_or_crash, items, lambda item, why: f"{item}: {why}", workers=2, timeout=5)
    assert [r for r in results if "died" in r] == ["crash: the reading process died (exit code 3)"]
    assert results[20] == "F20" and results[22] == "F22" and results[63] == "F63"


def test_a_batch_never_loses_a_good_file_because_of_a_bad_one(units: list[Path]) -> None:
    results = validate_files(WUHAN, units, workers=2)
    assert [r.report.valid for r in results] == [True, True, True, False]
    assert results[3].report.problems[0].code == "not-a-workbook"


def _allocate(megabytes: int) -> int:
    return len(b"x" * (megabytes * 1024 * 1024)) // (1024 * 1024)


def test_a_worker_over_its_memory_limit_reports_that_file_only() -> None:
    with open("/proc/self/statm") as f:
        in_use = int(f.read().split()[0]) * 4096
    cap = in_use + 256 * 1024**2
    results = run_isolated(
        functools.partial(_allocate), [1, 2048, 2], lambda item, why: why, workers=1, memory_bytes=cap
    )
    assert results == [1, "memory limit exceeded", 2]


def test_validate_files_passes_its_limits_to_the_workers(units: list[Path]) -> None:
    results = validate_files(WUHAN, units[:1], limits=Limits(max_cells=5), workers=1)
    assert results[0].report.problems[0].code == "too-large"


def test_an_unreadable_path_is_that_files_problem(tmp_path: Path) -> None:
    results = validate_files(WUHAN, [tmp_path / "missing.xlsx"], isolate=False)
    assert results[0].report.problems[0].code == "damaged-file"


# -- the command line --------------------------------------------------------------


def test_the_cli_writes_a_template_and_validates_it(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "t.xlsx"
    result = runner.invoke(cli, ["forms", "template", "wuhan-2022-problem-stats", "-o", str(out)])
    assert result.exit_code == 0 and out.exists()
    result = runner.invoke(cli, ["forms", "validate", "wuhan-2022-problem-stats", str(out)])
    assert result.exit_code == 0 and "1 of 1 file(s) valid" in result.output


def test_the_cli_exit_codes_say_valid_problems_or_could_not_run(units: list[Path], tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["forms", "validate", "wuhan-2022-problem-stats", *map(str, units), "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["schema_version"] and [f["valid"] for f in doc["files"]] == [True, True, True, False]
    assert runner.invoke(cli, ["forms", "validate", "no-such-form", str(units[0])]).exit_code == 2
    assert runner.invoke(cli, ["forms", "validate", "wuhan-2022-problem-stats"]).exit_code == 2
    assert runner.invoke(cli, ["forms", "validate"]).exit_code == 2
    assert (
        runner.invoke(cli, ["forms", "validate", "wuhan-2022-problem-stats", str(tmp_path / "nope.xlsx")]).exit_code
        == 2
    )
    assert runner.invoke(cli, ["forms", "template", "-o", str(tmp_path / "x.xlsx")]).exit_code == 2
    bad_layout = tmp_path / "bad.toml"
    bad_layout.write_text('id = "x"\n', "utf-8")
    result = runner.invoke(cli, ["forms", "template", "--layout", str(bad_layout), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "bad.toml" in result.output
    result = runner.invoke(cli, ["forms", "show", "wuhan-2022-problem-stats", "extra"])
    assert result.exit_code == 2


def test_the_cli_rolls_up_with_a_loud_warning_for_invalid_files(units: list[Path], tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "市.xlsx"
    args = ["forms", "aggregate", "wuhan-2022-problem-stats", *map(str, units[:3]), "-o", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "零报送" in result.output and out.exists()
    result = runner.invoke(cli, [*args[:-2], str(units[3]), "-o", str(out), "--include-invalid", "--format", "json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["include_invalid"] is True and doc["rollup"]["zero_units"] == ["硚口区"]
    assert doc["rollup"]["output_report"]["valid"] is True
    assert "WARNING" in result.stderr
    # The printed document is one record, read back exactly by the library's own reader.
    report = loads_record(result.stdout, AggregationReport)
    assert report.include_invalid and report.rollup is not None and report.rollup.zero_units == ("硚口区",)
    assert to_json(report) == {k: v for k, v in doc.items() if k != "schema_version"}
    result = runner.invoke(cli, ["forms", "aggregate", "wuhan-2022-problem-stats", str(units[3]), "-o", str(out)])
    assert result.exit_code == 1 and "nothing written" in result.output
    result = runner.invoke(cli, ["forms", "validate", "wuhan-2022-problem-stats", str(out)])
    assert result.exit_code == 0


def test_the_cli_lists_and_shows_layouts_with_their_provenance(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["forms", "list", "--format", "json"])
    assert [f["id"] for f in json.loads(result.output)["forms"]] == list(FORM_IDS)
    assert "chongqing-2023-problem-list" in runner.invoke(cli, ["forms", "list"]).output
    result = runner.invoke(cli, ["forms", "show", "tongchuan-2021-problems", "--format", "json"])
    columns = json.loads(result.output)["layout"]["columns"]
    assert columns[0]["provenance"] == "reconstructed" and columns[6]["provenance"] == "source"
    result = runner.invoke(cli, ["forms", "show", "tongchuan-2021-screening"])
    assert "16 = 1 - 8" in result.output and "reconstructed" in result.output


def test_the_cli_accepts_a_districts_own_layout(tmp_path: Path) -> None:
    from tests.test_forms_layouts import MINIMAL

    path = tmp_path / "mine.toml"
    path.write_text(MINIMAL, "utf-8")
    runner = CliRunner()
    out = tmp_path / "mine.xlsx"
    assert runner.invoke(cli, ["forms", "template", "--layout", str(path), "-o", str(out)]).exit_code == 0
    result = runner.invoke(cli, ["forms", "validate", "--layout", str(path), str(out)])
    assert result.exit_code == 0, result.output


def test_a_worker_failure_becomes_that_files_problem_in_the_report(units: list[Path]) -> None:
    from subsidy_rules.forms.batch import _check_path, _failed

    assert _failed("a.xlsx", "time limit of 60 s exceeded").report.problems[0].code == "too-large"
    assert (
        _failed("a.xlsx", "the reading process died (exit code -6)").report.problems[0].code == "damaged-file"
    )
    assert _check_path(WUHAN, Limits(), str(units[0])).report.valid
