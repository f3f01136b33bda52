"""``subsidy-rules ledger …`` and ``subsidy-rules sample``: the commands on SQLite and PostgreSQL, exit codes,
JSON documents, masking, hand-entered findings, the monthly report, the forms and the spot check."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from subsidy_rules.cli import cli
from subsidy_rules.forms import batch
from subsidy_rules.forms.loader import layout
from subsidy_rules.rectification import Change, Ledger
from tests.ledger_support import at, ledger_db, make_finding, pg_server_fixture, write_jsonl  # noqa: F401

SEP_10 = at(date(2025, 9, 10))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _walked(db: str) -> list[str]:
    """Four findings of two units: one closed (rejected once on the way), one excluded, one rectifying, one lead."""
    findings = [make_finding(1), make_finding(2), make_finding(3, unit="江汉区花楼街道"), make_finding(4)]
    ids = [f.finding_id for f in findings]
    with Ledger.open(db) as lg:
        lg.import_findings(findings, source="findings.jsonl", by="甲", at=SEP_10)
        lg.update(ids[0], Change(by="甲", status="verified"), at=SEP_10)
        lg.update(
            ids[0],
            Change(by="甲", status="rectifying", owner="王五", measure="追回", deadline=date(2025, 9, 26)),
            at=SEP_10,
        )
        lg.update(
            ids[0],
            Change(by="甲", status="rectified", note="已追回", recovered_yuan=Decimal("466.67")),
            at=at(date(2025, 9, 15)),
        )
        lg.update(ids[0], Change(by="乙", status="rectifying", note="凭证不全"), at=at(date(2025, 9, 16)))
        lg.update(
            ids[0],
            Change(by="甲", status="rectified", note="补齐", recovered_yuan=Decimal("466.67")),
            at=at(date(2025, 9, 17)),
        )
        lg.update(ids[0], Change(by="乙", status="closed"), at=at(date(2025, 9, 18)))
        lg.update(ids[1], Change(by="甲", status="excluded", note="系补发"), at=SEP_10)
        lg.update(ids[2], Change(by="甲", status="verified"), at=SEP_10)
        lg.update(
            ids[2],
            Change(
                by="甲", status="rectifying", owner="=cmd|' /C calc'!A0", measure="+追回", deadline=date(2025, 9, 22)
            ),
            at=SEP_10,
        )
    return ids


def test_list_json_is_a_document_of_items_with_codes_and_masked_ids(db: str) -> None:
    ids = _walked(db)
    result = run("ledger", "list", "--db", db, "--format", "json", "--as-of", "2025-09-30")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema_version"] and doc["count"] == 4 and doc["masked"] is True
    statuses = {i["finding_id"]: i["status"] for i in doc["items"]}
    assert statuses == {ids[0]: "closed", ids[1]: "excluded", ids[2]: "rectifying", ids[3]: "lead"}
    assert doc["overdue"] == [ids[2]]
    assert all("********" in i["id_number"] and len(i["id_number"]) == 18 for i in doc["items"])
    assert all(i["name"].endswith("*") for i in doc["items"])
    full = json.loads(run("ledger", "list", "--db", db, "--format", "json", "--unmasked").stdout)
    assert {i["id_number"] for i in full["items"]} == {make_finding(n).id_number for n in (1, 2, 3, 4)}
    only = json.loads(
        run("ledger", "list", "--db", db, "--format", "json", "--unit", "江汉区花楼街道", "--status", "整改中").stdout
    )
    assert [i["finding_id"] for i in only["items"]] == [ids[2]]
    late = run("ledger", "list", "--db", db, "--overdue", "--as-of", "2025-09-30")
    assert "【逾期】" in late.output and "共 1 条" in late.output


def test_show_and_history_say_what_happened(db: str) -> None:
    ids = _walked(db)
    shown = run("ledger", "show", ids[0], "--db", db)
    assert "已销号" in shown.output and "重新打开" in shown.output
    doc = json.loads(run("ledger", "history", ids[0], "--db", db, "--format", "json").stdout)
    assert [e["to_status"] for e in doc["history"][1:]] == [
        "verified",
        "rectifying",
        "rectified",
        "rectifying",
        "rectified",
        "closed",
    ]
    text = run("ledger", "history", ids[0], "--db", db).output
    assert "退回" not in text or "凭证不全" in text
    assert "凭证不全" in text and "已整改 → 整改中" in text


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["no-such-item", "--status", "verified"], "no item no-such-item"),
        (["{lead}", "--status", "closed"], "cannot move from lead to closed"),
        (["{lead}", "--status", "rectifying"], "cannot move"),
        (["{lead}", "--status", "verified", "--deadline", "2025-02-30"], "not a date"),
        (["{lead}", "--status", "bogus"], "not a status"),
        (["{lead}", "--status", "excluded"], "needs a note"),
        (["{lead}", "--status", "verified", "--recovered-yuan", "12.345"], "not an amount"),
    ],
)
def test_a_bad_update_is_one_line_exit_2_and_writes_nothing(db: str, args: list[str], needle: str) -> None:
    ids = _walked(db)
    args = [a.replace("{lead}", ids[3]) for a in args]
    before = run("ledger", "export", "--db", db, "--unmasked").stdout
    result = run("ledger", "update", *args, "--by", "丙", "--db", db)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith(("error", "Error"))]
    assert len(errors) == 1 and needle in errors[0], result.stderr
    assert run("ledger", "export", "--db", db, "--unmasked").stdout == before


def test_a_conflict_on_the_command_line_is_exit_2(db: str) -> None:
    ids = _walked(db)
    result = run(
        "ledger",
        "update",
        ids[3],
        "--status",
        "verified",
        "--by",
        "丙",
        "--db",
        db,
        "--expect-version",
        "7",
        "--format",
        "json",
    )
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == "ledger-conflict"


def test_update_with_an_attachment_records_its_sha256(db: str, tmp_path: Path) -> None:
    ids = _walked(db)
    proof = tmp_path / "核实记录.txt"
    proof.write_bytes(b"abc")
    result = run(
        "ledger",
        "update",
        ids[3],
        "--status",
        "verified",
        "--by",
        "丙",
        "--db",
        db,
        "--attach",
        str(proof),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    history = json.loads(run("ledger", "history", ids[3], "--db", db, "--format", "json").stdout)["history"]
    assert history[-1]["attachments"] == [
        {
            "file_name": "核实记录.txt",
            "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "size": 3,
        }
    ]


def test_the_september_report_counts_the_month_and_is_due_on_october_20(db: str, tmp_path: Path) -> None:
    _walked(db)
    out = tmp_path / "月报.xlsx"
    result = run(
        "ledger",
        "report",
        "--db",
        db,
        "--month",
        "2025-09",
        "--as-of",
        "2025-10-05",
        "-o",
        str(out),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rep = json.loads(result.stdout)["report"]
    assert rep["due"] == "2025-10-20" and rep["due_citation"]["document_key"] == "seed-001"
    t = rep["totals"]
    # hand-counted from _walked: 4 imported, 2 verified, 1 excluded, 2 moved to rectifying, 1 rectified (twice:
    # once rejected, so also 1 under rejected), 1 closed; item 3 is past 2025-09-22 on 2025-09-30;
    # found 2 × 466.67; recovered: only the standing rectification's 466.67
    assert (t["new"], t["verified"], t["excluded"], t["rectifying"], t["rectified"], t["closed"], t["rejected"]) == (
        4,
        2,
        1,
        2,
        1,
        1,
        1,
    )
    assert t["overdue"] == 1 and t["found_yuan"] == "933.34" and t["recovered_yuan"] == "466.67"
    assert {u["key"]: u["new"] for u in rep["by_unit"]} == {"江汉区民族街道": 3, "江汉区花楼街道": 1}
    assert rep["states_at_end"] == {
        "lead": 1,
        "verified": 0,
        "excluded": 1,
        "rectifying": 1,
        "rectified": 0,
        "closed": 1,
    }
    assert rep["overdue_items"][0]["id_number"].count("*") == 8
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "按单位", "按项目", "逾期事项"]
    owner = wb["逾期事项"]["F3"]
    assert owner.value == "=cmd|' /C calc'!A0" and owner.data_type == "s"
    october = json.loads(
        run("ledger", "report", "--db", db, "--month", "2025-10", "--as-of", "2025-10-05", "--format", "json").stdout
    )["report"]
    assert october["totals"]["new"] == 0 and october["due"] == "2025-11-20"
    assert "应于 2025-10-20 前报送" in run("ledger", "report", "--db", db, "--month", "2025-09").output


def test_forms_filled_from_verified_items_validate_and_hold_no_formula(db: str, tmp_path: Path) -> None:
    ids = _walked(db)
    out = tmp_path / "forms"
    result = run("ledger", "fill", "--db", db, "--unit", "江汉区", "-o", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    forms = json.loads(result.stdout)["forms"]
    assert set(forms) == {"wuhan-2022-problem-stats", "chongqing-2023-problem-list", "wuhan-2022-summary"}
    for form_id, entry in forms.items():
        assert entry["valid"] is True
        assert batch.report_of(batch.validate_files(layout(form_id), [entry["path"]])).valid
        wb = openpyxl.load_workbook(entry["path"])
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                assert all(c.data_type != "f" for c in row), form_id
    ws = openpyxl.load_workbook(forms["chongqing-2023-problem-list"]["path"]).worksheets[0]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    # the two verified items (closed and rectifying); the lead and the excluded one are not problems
    assert "=cmd|' /C calc'!A0" in texts and "+追回" in texts  # kept as typed, stored as text (no formula above)
    assert "已整改" in texts and "整改中" in texts
    assert not any(make_finding(1).id_number in t for t in texts)
    assert ids


def test_findings_entered_by_hand_are_read_with_the_audit_reader(db: str, tmp_path: Path) -> None:
    hand = tmp_path / "手工.csv"
    hand.write_text(
        "单位,问题类型,问题描述,身份证号,姓名,金额,所属期\n"
        '江汉区民族街道,贪污侵占,经办人截留补贴,420103197802071017,李磊,"1,200.00",2025-03\n'
        "江汉区民族街道,funds.embezzlement,村干部代领,,,,\n",
        encoding="utf-8",
    )
    result = run("ledger", "import", str(hand), "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["import"]["added"] == 2
    items = json.loads(
        run("ledger", "list", "--db", db, "--format", "json", "--detector", "manual", "--unmasked").stdout
    )["items"]
    assert {i["amount_yuan"] for i in items} == {"1200.00", "0.00"}
    assert {i["issue"] for i in items} == {"funds.embezzlement"} and {i["source"] for i in items} == {"manual"}
    assert (
        json.loads(run("ledger", "import", str(hand), "--db", db, "--format", "json").stdout)["import"]["unchanged"]
        == 2
    )


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("单位,问题描述\n江汉区,x\n", "问题类型"),
        ("单位,问题类型,问题描述,金额\n江汉区,贪污侵占,x,abc\n", "line 2"),
    ],
)
def test_a_bad_hand_entered_file_is_one_line_exit_2_nothing_written(tmp_path: Path, content: str, needle: str) -> None:
    hand = tmp_path / "手工.csv"
    hand.write_text(content, encoding="utf-8")
    db = tmp_path / "ledger.db"
    result = run("ledger", "import", str(hand), "--db", str(db))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and needle in result.stderr, result.stderr
    assert not db.exists()


def test_a_database_file_that_is_not_one_is_exit_2(tmp_path: Path) -> None:
    bogus = tmp_path / "台账.db"
    bogus.write_bytes(b"PK\x03\x04 not sqlite at all" * 100)
    result = run("ledger", "list", "--db", str(bogus), "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["code"] == "ledger-not-a-database"
    assert run("ledger", "list").exit_code == 2  # no --db and no SUBSIDY_RULES_DB


def test_init_upgrade_and_export_xlsx(db: str, tmp_path: Path) -> None:
    assert json.loads(run("ledger", "init", "--db", db, "--format", "json").stdout)["revision"] == "0002"
    assert "最新" in run("ledger", "upgrade", "--db", db).output
    ids = _walked(db)
    out = tmp_path / "台账.xlsx"
    assert run("ledger", "export", "--db", db, "--format", "xlsx", "-o", str(out)).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["整改台账", "处理记录"] and wb["整改台账"].max_row == 6
    assert all("********" in str(c.value) for c in wb["整改台账"]["G"][2:])
    assert run("ledger", "export", "--db", db, "--format", "xlsx").exit_code == 2
    jsonl = tmp_path / "台账.jsonl"
    assert run("ledger", "export", "--db", db, "--unmasked", "-o", str(jsonl)).exit_code == 0
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == len(ids)


def test_the_audit_findings_import_through_the_cli(tmp_path: Path) -> None:
    findings = [make_finding(i) for i in range(3)]
    path = write_jsonl(tmp_path / "findings.jsonl", findings)
    (tmp_path / "summary.json").write_text(
        json.dumps({"schema_version": "1.0", "detectors": [{"name": "duplicate-period", "ran": True}]}),
        encoding="utf-8",
    )
    db = str(tmp_path / "l.db")
    assert run("ledger", "import", str(path), "--db", db).exit_code == 0
    write_jsonl(path, findings[:1])
    doc = json.loads(run("ledger", "import", str(path), "--db", db, "--format", "json").stdout)
    assert doc["import"]["no_longer_detected"] == 2
    flagged = run("ledger", "list", "--db", db)
    assert flagged.output.count("【复查未再发现】") == 2


UNITS = (
    "单位,发现问题数,发放笔数,所属单位\n"
    "甲街道,0,100,\n乙街道,3,1000,\n丙街道,5,200,\n丁街道,1,900,\n戊街道,4,400,\n己街道,2,300,\n"
    "庚街道,6,100,\n辛街道,9,100,\n壬街道,7,100,\n癸街道,0,50,\n" + "".join(f"乙村{i},,,乙街道\n" for i in range(12))
)


def test_sample_chooses_zero_reporters_first_then_the_fewest_then_at_random(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text(UNITS, encoding="utf-8")
    args = [
        "sample",
        "--units",
        str(units),
        "--seed",
        "7",
        "--as-of",
        "2025-08-01",
        "--villages",
        "10",
        "--format",
        "json",
    ]
    doc = json.loads(run(*args).stdout)
    chosen = doc["chosen"]
    # ceil(30 % of 10) = 3 slots: the two 零报送 units take two, the weakest rate (丁: 1.11 per 1,000) the third
    assert [c["unit"] for c in chosen] == ["甲街道", "癸街道", "丁街道"]
    assert chosen[0]["reason"].startswith("零报送") and "1.11" in chosen[2]["reason"]
    again = json.loads(run(*args).stdout)
    assert again == doc
    bigger = json.loads(
        run(
            "sample",
            "--units",
            str(units),
            "--seed",
            "7",
            "--ratio",
            "0.6",
            "--villages",
            "10",
            "--as-of",
            "2025-08-01",
            "--format",
            "json",
        ).stdout
    )["spot_check"]["chosen"]
    assert len(bigger) == 6 and [c["reason_code"] for c in bigger].count("random") == 2
    with_villages = [c for c in bigger if c["villages"]]
    assert all(len(c["villages"]) == 10 for c in with_villages)
    low = run("sample", "--units", str(units), "--seed", "7", "--ratio", "0.2", "--as-of", "2025-08-01")
    assert low.exit_code == 2 and "below the minimum 0.3" in low.stderr


def test_sample_from_the_ledger_is_recorded_in_it(db: str) -> None:
    _walked(db)
    result = run(
        "sample", "--db", db, "--seed", "1", "--record", "--by", "督查组", "--as-of", "2025-08-01", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["recorded_as"] == 1 and len(doc["chosen"]) == 1
    with Ledger.open(db) as lg:
        [(number, _, by, check)] = lg.spot_checks()
    assert (number, by) == (1, "督查组") and check.chosen[0].unit == doc["chosen"][0]["unit"]


def test_sample_from_an_aggregate_report_puts_zero_units_first(tmp_path: Path) -> None:
    report = tmp_path / "agg.json"
    units = [
        {
            "unit": f"单位{i}",
            "path": f"{i}.xlsx",
            "units": 1,
            "all_zero": i in (3, 8),
            "valid": True,
            "included": True,
            "reason": "",
        }
        for i in range(10)
    ]
    report.write_text(json.dumps({"schema_version": "1.0", "units": units}), encoding="utf-8")
    doc = json.loads(
        run(
            "sample", "--from-aggregate", str(report), "--seed", "5", "--as-of", "2025-08-01", "--format", "json"
        ).stdout
    )
    assert [c["unit"] for c in doc["chosen"][:2]] == ["单位3", "单位8"] and len(doc["chosen"]) == 3
    assert run("sample", "--seed", "1").exit_code == 2


def test_reading_hand_entered_findings_leaves_the_audit_s_rosters_as_they_were(tmp_path: Path) -> None:
    from subsidy_rules.issues.audit.schema import KINDS

    before = set(KINDS)
    hand = tmp_path / "手工.csv"
    hand.write_text("单位,问题类型,问题描述\n江汉区,贪污侵占,截留\n", encoding="utf-8")
    assert run("ledger", "import", str(hand), "--db", str(tmp_path / "l.db")).exit_code == 0
    assert set(KINDS) == before


def test_bad_jsonl_files_name_their_lines_and_write_nothing(tmp_path: Path) -> None:
    from subsidy_rules.rectification import LedgerError
    from subsidy_rules.rectification.importer import read_jsonl

    f = make_finding(1)
    path = write_jsonl(tmp_path / "f.jsonl", [f, f])
    with pytest.raises(LedgerError, match="appears twice"):
        read_jsonl(path)
    line = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    line["amount_yuan"] = "1.005"
    path.write_text(json.dumps(line) + "\n\n" + "{not json\n", encoding="utf-8")
    with pytest.raises(LedgerError) as exc:
        read_jsonl(path)
    assert exc.value.problem.code == "ledger-bad-input-rows" and "2 row(s)" in str(exc.value)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert read_jsonl(empty).warnings[0].code == "ledger-nothing-read"
    result = run("ledger", "import", str(empty), "--db", str(tmp_path / "l.db"))
    assert result.exit_code == 0 and "warning" in result.stderr


def test_sample_text_output_and_a_written_document(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text(UNITS, encoding="utf-8")
    out = tmp_path / "抽查名单.json"
    result = run("sample", "--units", str(units), "--seed", "7", "--as-of", "2025-08-01", "-o", str(out))
    assert result.exit_code == 0 and "零报送" in result.output and "甲街道" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["chosen"][0]["unit"] == "甲街道"
    assert run("sample", "--units", str(units), "--from-aggregate", str(out), "--seed", "1").exit_code == 2
    assert run("sample", "--units", str(units), "--seed", "1", "--record").exit_code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("名称\n甲\n", encoding="utf-8")
    assert "单位" in run("sample", "--units", str(bad), "--seed", "1").stderr
    bad.write_text("单位,发现问题数\n甲,三\n", encoding="utf-8")
    assert run("sample", "--units", str(bad), "--seed", "1").exit_code == 2


def test_sample_with_units_and_the_ledger_takes_the_ledger_s_counts(db: str, tmp_path: Path) -> None:
    _walked(db)
    units = tmp_path / "units.csv"
    units.write_text(
        "单位,发现问题数,发放笔数\n江汉区民族街道,99,100\n江汉区花楼街道,99,100\n江汉区北湖街道,99,100\n",
        encoding="utf-8",
    )
    doc = json.loads(
        run(
            "sample", "--units", str(units), "--db", db, "--seed", "2", "--as-of", "2025-08-01", "--format", "json"
        ).stdout
    )
    # 北湖街道 has nothing in the ledger: 零报送 by the ledger's count, whatever the file says
    assert doc["chosen"][0] == {"unit": "江汉区北湖街道", "reason": "零报送：未报送发现的问题"}
