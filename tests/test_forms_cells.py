"""The strict text-number parser, text dates and numeric-cell bounds."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from subsidy_rules.forms.cells import (
    TextNumber,
    as_date,
    decimal_places,
    number_from_cell,
    parse_text_date,
    parse_text_number,
    quantize_text,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "digits", "power"),
    [
        ("1,234.50", D("1234.50"), 0),
        ("１２３", D(123), 0),
        ("１，２３４．５", D("1234.5"), 0),
        (" 5 ", D(5), 0),
        ("\u30005\u3000", D(5), 0),
        ("12.3万", D("12.3"), 4),
        ("1.5亿", D("1.5"), 8),
        ("-7", D(-7), 0),
        ("0", D(0), 0),
    ],
)
def test_what_offices_type_for_a_number_is_read_exactly(text: str, digits: Decimal, power: int) -> None:
    assert parse_text_number(text) == TextNumber(digits, power)


@pytest.mark.parametrize(
    "text",
    ["", "①", "²", "12%", "¥12", "(1,234)", "1e5", "1E5", "NaN", "nan", "Infinity", "1_000", "١٢٣", "１２,３", "1,23",
     "12.", ".5", "1.2.3", "3.5万元", "万", "--1", "1" * 41, "+5"],
)  # fmt: skip
def test_everything_else_is_not_a_number(text: str) -> None:
    assert parse_text_number(text) is None


def test_suffixes_convert_exactly_into_the_columns_unit() -> None:
    assert TextNumber(D("12.3"), 4).in_unit(4) == D("12.3")  # 12.3万 in a 万元 column
    assert TextNumber(D("12.3"), 4).in_unit(0) == D("123000")  # in a 元 or persons column
    assert TextNumber(D("1.5"), 8).in_unit(4) == D("15000")
    assert TextNumber(D("7"), 0).in_unit(4) == D(7)


def test_numeric_cells_are_exact_finite_and_bounded() -> None:
    assert number_from_cell(12.3) == D("12.3")
    assert number_from_cell(0.1 + 0.2) == D("0.30000000000000004")
    assert number_from_cell(5) == D(5) and number_from_cell(D("2.50")) == D("2.50")
    for bad in (float("inf"), float("nan"), 10**20, 1e20, D("1e999999999"), D("NaN"), True):
        assert number_from_cell(bad) is None  # type: ignore[arg-type]


def test_decimal_places_ignore_trailing_zeros() -> None:
    assert [decimal_places(D(x)) for x in ("12.30", "5", "0", "0.001", "1E+2")] == [1, 0, 0, 3, 0]
    assert quantize_text(D("1E+2")) == "100"


def test_text_dates_in_the_usual_spellings() -> None:
    for text in ("2024-01-31", "2024/1/31", "2024.1.31", "2024年1月31日", "２０２４年１月３１日"):
        assert parse_text_date(text) == date(2024, 1, 31)
    for text in ("2024-02-30", "31/01/2024", "明天", "2024-01-31" * 3):
        assert parse_text_date(text) is None
    assert as_date(datetime(2024, 1, 31, 12)) == date(2024, 1, 31)
    assert as_date(date(2024, 1, 31)) == date(2024, 1, 31) and as_date("x") is None


def test_the_demo_writes_templates_samples_report_and_roll_up(tmp_path: Path) -> None:
    from subsidy_rules.demo import STEPS
    from subsidy_rules.demo.forms import run

    names = [name for name, _ in STEPS]
    assert names.index("forms") == names.index("issues") + 1
    lines = run(tmp_path)
    base = tmp_path / "forms"
    assert len(list((base / "templates").glob("*.xlsx"))) == 5
    assert (base / "validation-report.json").exists() and (base / "rollup-wuhan-2022-problem-stats.xlsx").exists()
    text = "\n".join(lines)
    assert "硚口区.xlsx: INVALID [xlsx]: not-a-number, row-label-mismatch, total-mismatch" in text
    # The batch as districts send it: a legacy .xls, an Excel-calculated total and "—" for nothing validate.
    assert "江汉区.xls: valid [xls]" in text and "汉阳区.xlsx: valid [xlsx]" in text
    assert "青山区.xlsx: valid [xlsx] (warnings: blank-markers)" in text
    assert "roll-up of 4 valid unit(s)" in text and "validates: yes" in text
