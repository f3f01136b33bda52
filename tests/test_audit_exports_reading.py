"""The reading pipeline piece by piece: IDs, values, typed Parquet, workbooks, reversals, rosters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from subsidy_rules.issues.audit import audit
from subsidy_rules.issues.audit.engine import AuditError
from subsidy_rules.issues.audit.outputs import reason_zh
from subsidy_rules.issues.audit.reading import InputError, load, normalise_id
from subsidy_rules.issues.audit.reading.ids import sql_normalise_id
from subsidy_rules.issues.audit.reading.synonyms import synonyms
from subsidy_rules.issues.audit.reading.values import amount, ascii_digits, date_value, month_value, plausible
from subsidy_rules.issues.audit.sample import build, write
from subsidy_rules.issues.audit.schema import KINDS, missing_columns

AS_OF = date(2025, 12, 31)
_CON = duckdb.connect()


def _sql(expr: str) -> object:
    return _CON.execute(f"SELECT {expr}").fetchall()[0][0]


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


ID_CHARS = st.sampled_from(list("0123456789Xx０１２３４５６７８９Ｘｘ '\"=‘’`\t\r\n\u3000\u00a0\u200b\ufeffAE.+-"))


@settings(max_examples=300, deadline=None)
@given(st.text(ID_CHARS, max_size=24))
def test_the_sql_and_the_python_id_normalisation_agree_on_any_text(text: str) -> None:
    assert _sql(sql_normalise_id(_lit(text))) == normalise_id(text)


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=Decimal("-99999"), max_value=Decimal("99999"), places=2))
def test_an_amount_reads_the_same_in_any_digits_and_with_any_yuan_mark(value: Decimal) -> None:
    plain = f"{value:.2f}"
    full = plain.translate(str.maketrans("0123456789.-", "０１２３４５６７８９．－"))
    arabic = plain.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    for shown in (plain, full, arabic, f"{plain}元", f"￥{plain}", f"RMB {plain}", f"{value:,.2f}"):
        assert _sql(amount(_lit(shown), None)) == value, shown
    assert ascii_digits(full) == plain


def test_dates_in_every_spelling_and_digit_read_alike_and_a_placeholder_year_is_not_plausible() -> None:
    spellings = (
        "2025-01-05",
        "2025/1/5",
        "20250105",
        "2025年1月5日",
        "２０２５－０１－０５",
        "٢٠٢٥-٠١-٠٥",
        "45662",
        "45662.5",
    )
    for shown in spellings:
        assert _sql(date_value(_lit(shown))) == date(2025, 1, 5), shown
    assert _sql(date_value("'12345'")) is None  # a serial before 1950 is not a date
    assert _sql(plausible(date_value("'9999-12-31'"))) is False
    for shown in ("2025-09", "2025/09", "202509", "2025年9月", "2025-09-15", "45915"):
        assert _sql(month_value(_lit(shown))) == 2025 * 12 + 8, shown


def test_a_header_with_a_unit_names_the_field_and_converts_it() -> None:
    syn = synonyms()
    assert syn.match("ledger", "发放金额（万元）") == ("amount", Decimal(10000))
    assert syn.match("ledger", "身份证号码") == ("id_number", None)
    assert syn.match("deaths", "死亡时间") == ("died_on", None)
    assert syn.match("ledger", "备注") == (None, None)


def test_an_absent_optional_column_names_its_detectors_not_run_in_chinese() -> None:
    from subsidy_rules.issues.audit.detectors import detectors

    not_one_card = next(d for d in detectors() if d.name == "not-one-card")
    assert missing_columns(not_one_card.columns, frozenset({"account"})) == ("发放方式",)
    assert reason_zh("no 发放方式 column") == "台账缺少“发放方式”列"
    assert reason_zh("needs pensions") == "缺少养老待遇领取人员名册"
    assert reason_zh(None) == "" and reason_zh("other") == "other"


def _ledger(tmp: Path, persons: int = 3) -> tuple[dict[str, list[dict[str, object]]], Path]:
    rows, _ = build(persons)
    return rows, write(rows, tmp / "in")["ledger"]


def test_a_typed_parquet_ledger_is_read_and_ids_held_as_floats_are_refused(tmp_path: Path) -> None:
    rows, _ = build(3)
    led = [r for r in rows["ledger"] if not str(r["payment_id"]).startswith("JH2025BAD")]
    table = {
        "流水号": pa.array([r["payment_id"] for r in led]),
        "发放单位": pa.array([r["unit"] for r in led]),
        "项目名称": pa.array([r["program"] for r in led]),
        "身份证号": pa.array([r["id_number"] for r in led]),
        "所属期": pa.array([date(int(str(r["period"])[:4]), int(str(r["period"])[5:]), 1) for r in led], pa.date32()),
        "发放金额": pa.array([Decimal(str(r["amount"])) for r in led], pa.decimal128(12, 2)),
        "发放日期": pa.array([date.fromisoformat(str(r["paid_on"])) for r in led], pa.date32()),
    }
    pq.write_table(pa.table(table), tmp_path / "typed.parquet")
    result = audit(tmp_path / "typed.parquet", {}, as_of=AS_OF, only=["duplicate-period"])
    assert result.payments == len(led) and not result.problems
    floats = {**table, "身份证号": pa.array([float(r["id_number"][:17] + "0") for r in led], pa.float64())}
    pq.write_table(pa.table(floats), tmp_path / "floats.parquet")
    with pytest.raises(AuditError) as caught:
        audit(tmp_path / "floats.parquet", {}, as_of=AS_OF)
    assert "请将身份证号列设为文本后重新导出" in caught.value.problems[0].message_zh


def _book(path: Path, sheets: list[tuple[str, list[list[object]], bool]]) -> None:
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for name, rows, hidden in sheets:
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        if hidden:
            ws.sheet_state = "hidden"
    wb.save(path)


def _grid(rows: list[dict[str, object]], headers: list[str] | None = None) -> list[list[object]]:
    fields = [f for f in KINDS["ledger"].fields if f.name != "reverses"]
    head: list[object] = list(headers or [f.name_zh for f in fields])
    return [head, *[[("" if r.get(f.name) is None else str(r.get(f.name))) for f in fields] for r in rows]]


def test_a_hidden_sheet_is_skipped_and_sheets_in_different_units_are_refused(tmp_path: Path) -> None:
    rows, _ = build(2)
    led = [r for r in rows["ledger"] if not str(r["payment_id"]).startswith("JH2025BAD")]
    grid = _grid(led)
    _book(tmp_path / "a.xlsx", [("台账", grid, False), ("旧表", grid, True)])
    con = duckdb.connect()
    got = load(con, "ledger", tmp_path / "a.xlsx", tmp_path)
    assert got.sheets_read == ("台账",) and got.sheets_skipped == (("旧表", "隐藏的工作表"),)
    wan = [["发放金额（万元）" if c == "发放金额" else c for c in grid[0]], *grid[1:]]
    _book(tmp_path / "b.xlsx", [("1月", grid, False), ("2月", wan, False)])
    with pytest.raises(InputError) as caught:
        load(duckdb.connect(), "ledger", tmp_path / "b.xlsx", tmp_path)
    assert "金额单位不一致" in caught.value.problem.message_zh


def test_a_unit_note_above_the_table_converts_the_amounts(tmp_path: Path) -> None:
    rows, _ = build(2)
    led = [r for r in rows["ledger"] if not str(r["payment_id"]).startswith("JH2025BAD")]
    grid = _grid([{**r, "amount": Decimal(str(r["amount"])) / 10000} for r in led])
    _book(tmp_path / "w.xlsx", [("台账", [["江汉区发放台账"], ["填报单位：江汉区", "单位：万元"], *grid], False)])
    con = duckdb.connect()
    got = load(con, "ledger", tmp_path / "w.xlsx", tmp_path)
    assert got.rows_kept == len(led)
    assert got.amount_total == sum((Decimal(str(r["amount"])) for r in led), Decimal(0))


def test_an_unknown_program_is_a_row_problem_with_the_catalogue_suggestions(tmp_path: Path) -> None:
    _, path = _ledger(tmp_path, 2)
    result = audit(path, {}, as_of=AS_OF, only=["duplicate-period"])
    unknown = next(p for p in result.problems if p.code == "audit-unknown-program")
    assert "不存在的补贴" in unknown.message_zh


def test_a_partial_reversal_keeps_the_net_and_an_unmatched_one_is_left_out(tmp_path: Path) -> None:
    rows, _ = build(2)
    led = [r for r in rows["ledger"] if not str(r["payment_id"]).startswith("JH2025BAD")]
    first = led[0]
    led.append({**first, "payment_id": "REV1", "amount": Decimal("-66.67")})  # partly reverses the first
    led.append(
        {**first, "payment_id": "REV2", "amount": Decimal("-10.00"), "program": "一次性求职补贴", "period": "2024-01"}
    )
    rows["ledger"] = led
    path = write(rows, tmp_path / "in")["ledger"]
    con = duckdb.connect()
    got = load(con, "ledger", path, tmp_path)
    kept = dict(con.execute("SELECT payment_id, amount FROM ledger").fetchall())
    assert kept[first["payment_id"]] == Decimal("400.00") and "REV1" not in kept and "REV2" not in kept
    assert [(r.payment_id, r.reverses, r.net) for r in got.reversals] == [
        ("REV1", first["payment_id"], Decimal("400.00")),
        ("REV2", None, None),
    ]
    assert any(p.code == "audit-reversal-unmatched" for p in got.problems)


def test_a_roster_of_mostly_invalid_ids_that_matches_nobody_is_reported(tmp_path: Path) -> None:
    rows, path = _ledger(tmp_path, 2)
    rows["deaths"] = [{"id_number": f"4201031980010100{i}5", "died_on": date(2025, 1, 1)} for i in range(3)]
    deaths = write({"deaths": rows["deaths"]}, tmp_path / "r")["deaths"]
    result = audit(path, {"deaths": deaths}, as_of=AS_OF, only=["paid-after-death"])
    codes = {p.code for p in result.problems}
    assert {"audit-roster-no-match", "audit-roster-ids-invalid"} <= codes


def test_a_file_that_is_not_there_or_empty_is_refused_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load(duckdb.connect(), "ledger", tmp_path / "none.csv", tmp_path)
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError) as caught:
        load(duckdb.connect(), "ledger", tmp_path / "empty.csv", tmp_path)
    assert "文件为空" in caught.value.problem.message_zh
    (tmp_path / "bad.csv").write_bytes(b"\xff\xfe\x00" * 10 + b"\x81")
    with pytest.raises(InputError):
        load(duckdb.connect(), "ledger", tmp_path / "bad.csv", tmp_path)


def test_a_reversal_carrying_the_payments_own_serial_is_no_duplicate_and_nets_it_away(tmp_path: Path) -> None:
    rows, _ = build(2)
    led = [r for r in rows["ledger"] if not str(r["payment_id"]).startswith("JH2025BAD")]
    first = led[0]
    led.append({**first, "amount": Decimal("-466.67")})  # the same 流水号, a negative amount
    rows["ledger"] = led
    path = write(rows, tmp_path / "in")["ledger"]
    con = duckdb.connect()
    got = load(con, "ledger", path, tmp_path)
    assert not [p for p in got.problems if p.code == "audit-duplicate-payment-id"]
    assert got.reversals[0].reverses == first["payment_id"] and got.reversals[0].net == Decimal("0.00")
    assert con.execute(f"SELECT count(*) FROM ledger WHERE payment_id = '{first['payment_id']}'").fetchall() == [(0,)]


def test_an_empty_roster_is_said_not_taken_as_nobody(tmp_path: Path) -> None:
    _, path = _ledger(tmp_path, 2)
    deaths = write({"deaths": []}, tmp_path / "r")["deaths"]
    result = audit(path, {"deaths": deaths}, as_of=AS_OF, only=["paid-after-death"])
    assert "audit-roster-empty" in {p.code for p in result.problems}


def test_a_file_whose_header_names_nothing_is_refused_listing_what_it_holds(tmp_path: Path) -> None:
    (tmp_path / "other.csv").write_text("编号,金额说明,备注\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(duckdb.connect(), "ledger", tmp_path / "other.csv", tmp_path)
    assert "找到的列：编号、金额说明、备注" in caught.value.problem.message_zh
