"""The audit's outputs are streamed from the grouped Arrow rows, and say exactly what the typed findings say."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from subsidy_rules.forms.fill import FILLED_FORMS, form_data
from subsidy_rules.io.findings import HEAD, XLSX_TEMP, finding_line, write_all, write_jsonl
from subsidy_rules.io.json import from_json, loads_document, to_json
from subsidy_rules.issues.audit import AuditResult, audit, detector
from subsidy_rules.issues.audit.outputs import AuditSummary, at_issue, summary, unit_name
from subsidy_rules.issues.audit.sample import build, generate, write

AS_OF = date(2025, 12, 31)


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> tuple[AuditResult, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("district")
    paths, _ = generate(folder / "input", persons=60)
    result = audit(paths["ledger"], {k: v for k, v in paths.items() if k != "ledger"}, as_of=AS_OF)
    return result, write_all(result, folder / "output")


def test_each_streamed_line_of_findings_jsonl_is_the_finding_through_the_json_converter(
    district: tuple[AuditResult, dict[str, Path]],
) -> None:
    result, out = district
    lines = out["findings.jsonl"].read_text(encoding="utf-8").splitlines()
    assert len(result.findings) == result.finding_count == len(lines) > 0
    for line, finding in zip(lines, result.findings, strict=True):
        assert json.loads(line) == to_json(finding)
        assert line == json.dumps(to_json(finding), ensure_ascii=False)
        assert finding_line(finding) == line


def test_findings_jsonl_written_alone_is_the_one_written_beside_the_workbook(
    district: tuple[AuditResult, dict[str, Path]], tmp_path: Path
) -> None:
    result, out = district
    write_jsonl(result, tmp_path / "alone.jsonl")
    assert (tmp_path / "alone.jsonl").read_bytes() == out["findings.jsonl"].read_bytes()
    assert not (out["findings.xlsx"].parent / XLSX_TEMP).exists()  # the writer's temporary files are gone


def test_the_findings_come_detector_by_detector_each_ordered_by_person_program_months_and_id(
    district: tuple[AuditResult, dict[str, Path]],
) -> None:
    result, _ = district
    findings = list(result.iter_findings())
    assert [f.finding_id for f in findings] == [f.finding_id for f in result.findings]
    order = [f.detector for f in findings]
    assert order == sorted(order, key=list(result.grouped).index)  # detector by detector, in the run's order
    for name in result.grouped:
        mine = [f for f in findings if f.detector == name]
        keys = [(f.id_number, f.program or "", f.months, f.finding_id) for f in mine]
        assert keys == sorted(keys)
        assert result.grouped[name].column("finding_id").to_pylist() == [f.finding_id for f in mine]


def test_summary_json_is_the_typed_summary_record_and_reads_back_into_it(
    district: tuple[AuditResult, dict[str, Path]],
) -> None:
    result, out = district
    doc = loads_document(out["summary.json"].read_bytes(), source="summary.json")
    body = {k: v for k, v in doc.items() if k != "schema_version"}
    record = summary(result)
    assert from_json(body, AuditSummary) == record
    # money as decimal strings; the headline never above the money paid; per-detector sums beside it
    assert body["amount_yuan"] == str(record.amount_yuan)
    assert record.amount_paid_yuan is not None and record.amount_yuan <= record.amount_paid_yuan
    assert record.findings == len(result.findings)
    assert {d.name: d.findings for d in record.detectors} == {r.name: r.findings for r in result.runs}
    # the tallies by unit and program are the findings' own, counted by hand
    by_unit: Counter[str] = Counter(f.unit for f in result.findings)
    assert {k: v.findings for k, v in record.by_unit.items()} == dict(by_unit)
    money: dict[str, Decimal] = {}
    for f in result.findings:
        key = f.program or "(several)"
        money[key] = money.get(key, Decimal(0)) + f.amount_yuan
    assert {k: v.amount_yuan for k, v in record.by_program.items()} == money


def test_the_workbook_holds_one_row_per_evidence_payment_with_the_finding_on_its_first_row(
    district: tuple[AuditResult, dict[str, Path]],
) -> None:
    result, out = district
    book = load_workbook(out["findings.xlsx"], read_only=True)
    money = at_issue(result)
    for name in result.grouped:
        mine = [f for f in result.findings if f.detector == name]
        if not mine:
            continue
        rows = list(book[detector(name).name_zh[:31]].iter_rows(values_only=True))
        assert tuple(rows[0]) == HEAD
        expected = []
        for f in mine:
            for i, pid in enumerate(f.evidence):
                head = (f.finding_id, f.id_number) if i == 0 else (None, None)
                expected.append((*head, pid, float(money[(name, pid)])))
        assert [(r[0], r[6], r[13], r[14]) for r in rows[1:]] == expected
        assert all(r[0] is None or all(isinstance(v, str) for v in r[:10] if v is not None) for r in rows[1:])


def test_the_forms_filled_from_the_streamed_findings_equal_those_filled_from_the_typed_tuple(
    district: tuple[AuditResult, dict[str, Path]],
) -> None:
    result, _ = district
    unit = unit_name(result)
    money = at_issue(result)
    for form_id in FILLED_FORMS:
        assert form_data(form_id, result.streamed, unit, money) == form_data(form_id, result.findings, unit, money)


def test_a_run_with_no_finding_writes_an_empty_findings_jsonl_and_a_zero_headline(tmp_path: Path) -> None:
    rows, _ = build(2)
    rows["ledger"] = rows["ledger"][:1]  # one payment cannot pay a month twice
    paths = write(rows, tmp_path / "input")
    result = audit(paths["ledger"], {}, as_of=AS_OF, only=["duplicate-period"])
    out = write_all(result, tmp_path / "out")
    record = summary(result)
    assert record.findings == result.finding_count == 0 and result.findings == ()
    assert out["findings.jsonl"].read_text(encoding="utf-8") == ""
    assert record.amount_yuan == Decimal("0.00") and record.by_unit == {} and record.by_program == {}
    assert unit_name(result) == "（未填）" and unit_name(result, "江汉区") == "江汉区"
    book = load_workbook(out["findings.xlsx"], read_only=True)
    assert book.sheetnames == ["汇总", "未纳入核查的行", "读取说明"]
