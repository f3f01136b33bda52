"""Check relations, totals and issue types: interval tolerance, blank rules, and the report's shape."""

from __future__ import annotations

import json
from decimal import Decimal

from subsidy_rules.core.problem import problem_kinds
from subsidy_rules.forms import FormData, ValidationReport, check_bytes, layout, render, validate_data
from subsidy_rules.forms.problems import FileReport, Problem, Severity
from subsidy_rules.forms.problems import problem as make_problem
from subsidy_rules.forms.validate import check_issue_types, check_relations, check_totals
from subsidy_rules.io.json import dumps, to_json

SCREENING = layout("tongchuan-2021-screening")
KEY = SCREENING.rows.rows[0].key
D = Decimal


def _screening(values: dict[int, Decimal | None], totals: bool = True) -> FormData:
    """One row; column 1 is set to column 8 so that 16 = 1 - 8 holds and only the relation under test can fail."""
    row = dict(values)
    if 8 in row and 1 not in row:
        row[1] = row[8]
    return FormData.from_values(SCREENING, {KEY: row}, unit="耀州区", with_totals=totals)


def test_a_relation_fails_only_when_the_intervals_cannot_meet() -> None:
    # 8 = 11 + 14 + 15 has four 2-decimal terms: tolerance 4 × 0.005 = 0.02.
    assert check_relations(SCREENING, _screening({8: D("1.02"), 11: D("1.00"), 14: D(0), 15: D(0)})) == []
    [problem] = check_relations(SCREENING, _screening({8: D("1.03"), 11: D("1.00"), 14: D(0), 15: D(0)}))
    assert problem.code == "check-relation-failed" and problem.severity is Severity.ERROR
    assert problem.detail is not None
    assert (problem.detail["left"], problem.detail["right"]) == ("1.03", "1.00")
    assert (problem.detail["difference"], problem.detail["tolerance"]) == ("0.03", "0.020")
    assert "8 = 11 + 14 + 15" in problem.message_zh and "差额 0.03" in problem.message_zh
    assert problem.place.row_key == KEY and problem.place.column == 8


def test_blank_counts_as_zero_only_where_the_relation_says_so() -> None:
    # The Tongchuan relations say blank is zero: 16 = 17 + 18 with 18 blank.
    [problem] = check_relations(SCREENING, _screening({1: D(5), 16: D(5), 17: D(3)}))
    assert problem.detail["right"] == "3"
    lay = layout("tongchuan-2021-screening")
    skip = lay.relations[2].__class__.from_text("16 = 17 + 18")
    import attrs

    skipping = attrs.evolve(lay, relations=(skip,))
    assert check_relations(skipping, _screening({1: D(5), 16: D(5), 17: D(3)})) == []


def test_a_relation_whose_left_side_we_reconstructed_only_warns() -> None:
    [problem] = check_relations(SCREENING, _screening({2: D(9), 3: D(1)}))
    assert problem.severity is Severity.WARNING


def test_a_roll_up_widens_the_tolerance_by_the_number_of_units() -> None:
    data = _screening({8: D("1.10"), 11: D("1.00")})
    assert check_relations(SCREENING, data) != []
    import attrs

    assert check_relations(SCREENING, attrs.evolve(data, rolled_units=5)) == []


def test_totals_are_checked_within_the_rows_rounding_intervals() -> None:
    lay = layout("wuhan-2022-problem-stats")
    keys = [r.key for r in lay.rows.rows]
    good = FormData.from_values(lay, {keys[0]: {1: D("1.00")}, keys[1]: {1: D("2.00")}}, totals={1: D("3.01")})
    assert check_totals(lay, good) == []
    bad = FormData.from_values(lay, {keys[0]: {1: D("1.00")}, keys[1]: {1: D("2.00")}}, totals={1: D("3.02")})
    [problem] = check_totals(lay, bad)
    assert problem.code == "total-mismatch" and problem.place.column == 1 and problem.place.row_key == "合计"
    blank_total = FormData.from_values(lay, {keys[0]: {1: D("1.00")}}, totals={})
    assert check_totals(lay, blank_total)[0].value == "空白"
    assert check_totals(lay, FormData.from_values(lay, {}, totals={})) == []


def test_issue_types_are_checked_against_the_taxonomy_by_code_or_chinese_name() -> None:
    lay = layout("chongqing-2023-problem-list")
    data = FormData.from_values(
        lay,
        {
            "1": {1: D(1), 2: "no-such-code"},
            "2": {1: D(2), 2: "funds.embezzlement"},
            "3": {1: D(3), 2: "贪污侵占"},  # the taxonomy's own Chinese name for funds.embezzlement
        },
    )
    problems = check_issue_types(lay, data)
    assert [(p.code, p.place.row_key, p.place.column) for p in problems] == [("unknown-issue-type", "1", 2)]
    assert check_issue_types(lay, FormData.from_values(lay, {"1": {1: D(1), 3: "描述"}})) == []


def test_a_file_with_a_failed_relation_reports_the_cell_where_it_sits() -> None:
    raw = render(SCREENING, _screening({8: D("5.00"), 11: D("1.00")}))
    result = check_bytes(SCREENING, raw, "耀州区.xlsx")
    [problem] = [p for p in result.report.problems if p.code == "check-relation-failed"]
    assert problem.place.cell == "J9"  # 栏次 8 is the 10th sheet column; the first program row is row 9
    assert not result.report.valid and result.report.unit == "耀州区"


def test_the_report_serialises_to_the_issues_json_shape() -> None:
    problem = make_problem("not-a-number", sheet="s", cell="C7", row_key="k", column=3, value="①")
    report = ValidationReport((FileReport.from_problems("a.xlsx", "江岸区", [problem]),))
    doc = json.loads(dumps(to_json(report)))
    assert doc["schema_version"]
    [entry] = doc["files"]
    assert set(entry) == {"path", "valid", "unit", "problems"} and entry["valid"] is False
    # Issue 8: message became message_zh + message_en, and the place is one object.
    first = entry["problems"][0]
    assert {"code", "severity", "place", "value", "message_zh", "message_en", "detail"} <= set(first)
    assert first["place"]["file"] == "a.xlsx" and first["place"]["cell"] == "C7" and first["place"]["column"] == 3
    assert first["code"] == "not-a-number" and first["message_zh"] == "不是有效数字：①"
    assert str(report.files[0].problems[0].place) == "a.xlsx: s!C7 row k col 3"


def test_every_problem_code_has_messages_in_both_languages() -> None:
    for code in [k for k, kind in problem_kinds().items() if kind.area == "forms"]:
        problem = Problem.make(
            code, what="x", found="y", expected="z", name="n", values="v", relation="r", left="1", right="2",
            difference="1", tolerance="0", decimals=2, parsed="1", markers="—", cells="C7", suffix="万元",
            unit="u", first="a", second="b", rollup="r", unit_file="f", range="C7:D7",
        )  # fmt: skip
        assert problem.message_zh and problem.message_en


def test_validate_data_combines_every_check() -> None:
    data = _screening({8: D("5.00"), 11: D("1.00")})
    assert [p.code for p in validate_data(SCREENING, data)] == ["check-relation-failed"]
