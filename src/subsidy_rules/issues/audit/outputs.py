"""Write an audit's outputs: findings.jsonl, findings.xlsx, summary.json and the filled forms.

``findings.jsonl`` holds one JSON object per finding, through the library's
one JSON converter (:mod:`subsidy_rules.io.json`). ``findings.xlsx`` is for
people: Chinese headers, a 汇总 sheet, one sheet per detector with the
evidence rows (流水号) beside each finding. The campaign forms are filled one
layer up, by :func:`subsidy_rules.forms.fill.fill_from_audit`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from subsidy_rules.io.json import to_json
from subsidy_rules.issues.audit.detectors import detector
from subsidy_rules.issues.audit.engine import ZERO, AuditResult
from subsidy_rules.issues.registry import taxonomy
from subsidy_rules.programs.catalogue import catalogue


def at_issue(result: AuditResult) -> dict[tuple[str, str], Decimal]:
    """(detector, payment id) -> money at issue for that payment."""
    out: dict[tuple[str, str], Decimal] = {}
    for name, rows in result.evidence.items():
        for pid, amount in zip(rows.column("payment_id").to_pylist(), rows.column("amount").to_pylist(), strict=True):
            key = (name, pid)
            out[key] = max(out.get(key, ZERO), amount or ZERO)
    return out


def summary(result: AuditResult) -> dict[str, Any]:
    """The run in one document: rows read and rejected, detectors run or not, money by detector, unit, program."""
    by_unit: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    by_program: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    for f in result.findings:
        by_unit[f.unit][0] += 1
        by_unit[f.unit][1] += f.amount_yuan
        key = f.program or "(several)"
        by_program[key][0] += 1
        by_program[key][1] += f.amount_yuan
    return {
        "as_of": result.as_of.isoformat(),
        "engine": result.engine,
        "status_note_zh": "以下均为数据比对发现的疑点，需逐条核实后方可认定为问题。",
        "inputs": [
            {
                "kind": li.kind,
                "file": li.path,
                "rows_read": li.rows_read,
                "rows_kept": li.rows_kept,
                "rows_rejected": li.rows_read - li.rows_kept,
            }
            for li in result.inputs
        ],
        "problems": to_json(list(result.problems)),
        "detectors": [
            {
                "name": r.name,
                "name_zh": detector(r.name).name_zh,
                "issue": detector(r.name).issue,
                "ran": r.ran,
                "not_run_reason": r.reason,
                "findings": r.findings,
                "amount_yuan": str(r.amount_yuan),
                "seconds": f"{r.seconds:.3f}",
            }
            for r in result.runs
        ],
        "findings": len(result.findings),
        "amount_yuan": str(sum((f.amount_yuan for f in result.findings), ZERO)),
        "by_unit": {k: {"findings": v[0], "amount_yuan": str(v[1])} for k, v in sorted(by_unit.items())},
        "by_program": {k: {"findings": v[0], "amount_yuan": str(v[1])} for k, v in sorted(by_program.items())},
        # decimal strings, as every number with a fraction in the library's JSON
        "timings_seconds": {k: f"{v:.3f}" for k, v in result.timings.items()},
    }


def write_jsonl(result: AuditResult, path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for f in result.findings:
            fh.write(json.dumps(to_json(f), ensure_ascii=False) + "\n")


_HEAD = (
    "疑点编号",
    "检查项",
    "问题类型",
    "状态",
    "项目",
    "发放单位",
    "身份证号",
    "姓名",
    "所属期",
    "疑点金额（元）",
    "说明",
    "依据",
    "流水号（证据）",
    "证据金额（元）",
)


def write_xlsx(result: AuditResult, path: Path) -> None:
    from openpyxl import Workbook

    tx = taxonomy()
    cat = catalogue()
    money = at_issue(result)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总")
    ws.append(["检查项", "名称", "问题类型", "是否运行", "未运行原因", "疑点数", "疑点金额（元）"])
    for r in result.runs:
        spec = detector(r.name)
        ws.append(
            [
                r.name,
                spec.name_zh,
                tx.get(spec.issue).name_zh,
                "是" if r.ran else "否",
                (r.reason or "").replace("needs", "缺少名册"),
                r.findings,
                float(r.amount_yuan),
            ]
        )
    ws.append([])
    ws.append(["说明：以下均为数据比对发现的疑点，需逐条核实后方可认定为问题。"])
    by_detector: dict[str, list[Any]] = defaultdict(list)
    for f in result.findings:
        by_detector[f.detector].append(f)
    for name, items in by_detector.items():
        sheet = wb.create_sheet(detector(name).name_zh[:31])
        sheet.append(list(_HEAD))
        for f in items:
            citations = "；".join(c.label for c in f.citations)
            for i, pid in enumerate(f.evidence):
                head = [
                    f.finding_id,
                    detector(name).name_zh,
                    tx.get(f.issue).name_zh,
                    "疑点",
                    cat.get(f.program).name_zh if f.program else "（多个项目）",
                    f.unit,
                    f.id_number,
                    f.name,
                    "、".join(str(m) for m in f.months),
                    float(f.amount_yuan),
                    f.explanation_zh,
                    citations,
                ]
                sheet.append([*(head if i == 0 else [""] * len(head)), pid, float(money.get((name, pid), ZERO))])
    wb.save(path)


def unit_name(result: AuditResult, unit: str | None = None) -> str:
    """The reporting unit for the forms: ``unit``, else the findings' units."""
    units = sorted({f.unit for f in result.findings})
    if unit:
        return unit
    if not units:
        return "（未填）"
    return units[0] if len(units) == 1 else "、".join(units[:3]) + ("等" if len(units) > 3 else "")


def write_all(result: AuditResult, directory: Path) -> dict[str, Path]:
    """Write findings.jsonl, findings.xlsx and summary.json into ``directory``; returns name -> path.

    The filled forms are written by :func:`subsidy_rules.forms.fill.fill_from_audit` (the forms layer).
    """
    directory.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    out["findings.jsonl"] = directory / "findings.jsonl"
    write_jsonl(result, out["findings.jsonl"])
    out["findings.xlsx"] = directory / "findings.xlsx"
    write_xlsx(result, out["findings.xlsx"])
    out["summary.json"] = directory / "summary.json"
    from subsidy_rules.io.json import dumps

    out["summary.json"].write_text(dumps(summary(result)) + "\n", encoding="utf-8")
    return out


def counts(result: AuditResult) -> Mapping[str, int]:
    return {r.name: r.findings for r in result.runs}
