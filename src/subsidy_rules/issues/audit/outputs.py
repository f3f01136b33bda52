"""Write an audit's outputs: findings.jsonl, findings.xlsx, summary.json and the filled forms.

``findings.jsonl`` holds one JSON object per finding, through the library's
one JSON converter (:mod:`subsidy_rules.io.json`), values as read. ``findings.xlsx`` is for
people: Chinese headers; a 汇总 sheet (each input's rows read / kept / rejected, each detector's
findings and money, the headline); one sheet per detector with the evidence rows (流水号, 账号,
reversals) beside each finding; 未纳入核查的行 (every rejected row: file, sheet, line, column, value,
reason); 读取说明 (sheets read and skipped, reversals, warnings). Every text cell taken from an input
is written as a string — never a formula — with its control characters escaped
(:func:`~subsidy_rules.core.text.safe_cell_text`). The campaign forms are filled one layer up, by
:func:`subsidy_rules.forms.fill.fill_from_audit`.

The headline 涉及金额 counts each payment's money at issue once across detectors (at the largest
amount any detector puts on it); the per-detector sums stand beside it; the headline never exceeds
the money the ledger paid.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from subsidy_rules.core.problem import Problem
from subsidy_rules.core.text import safe_cell_text
from subsidy_rules.io.json import to_json
from subsidy_rules.issues.audit.detectors import detector
from subsidy_rules.issues.audit.engine import ZERO, AuditResult
from subsidy_rules.issues.audit.schema import KINDS
from subsidy_rules.issues.registry import taxonomy
from subsidy_rules.programs.catalogue import catalogue

#: the share of rows that may be left out before a run is refused (``--max-reject-share``)
DEFAULT_MAX_REJECT_SHARE = Decimal("0.20")


def at_issue(result: AuditResult) -> dict[tuple[str, str], Decimal]:
    """(detector, payment id) -> money at issue for that payment."""
    out: dict[tuple[str, str], Decimal] = {}
    for name, rows in result.evidence.items():
        for pid, amount in zip(rows.column("payment_id").to_pylist(), rows.column("amount").to_pylist(), strict=True):
            key = (name, pid)
            out[key] = max(out.get(key, ZERO), amount or ZERO)
    return out


def headline(result: AuditResult) -> tuple[Decimal, Decimal | None, bool]:
    """(money at issue, each payment once across detectors; money paid; whether capped at money paid)."""
    per_payment: dict[str, Decimal] = {}
    for (_, pid), amount in at_issue(result).items():
        per_payment[pid] = max(per_payment.get(pid, ZERO), amount)
    total = sum(per_payment.values(), ZERO).quantize(Decimal("0.01"))
    paid = next((li.amount_total for li in result.inputs if li.kind == "ledger"), None)
    if paid is not None and total > paid:
        return paid, paid, True
    return total, paid, False


_NEEDS = re.compile(r"^needs (?P<kinds>.+)$")
_NO_COLUMN = re.compile(r"^no (?P<cols>.+) column$")


def reason_zh(reason: str | None) -> str:
    """A detector's not-run reason in Chinese (缺少养老待遇领取人员名册, 缺少“发放方式”列)."""
    if not reason:
        return ""
    m = _NEEDS.match(reason)
    if m:
        kinds = [k.strip() for k in m.group("kinds").split(",")]
        return "、".join(f"缺少{KINDS[k].name_zh if k in KINDS else k}名册" for k in kinds)
    m = _NO_COLUMN.match(reason)
    if m:
        return "台账缺少" + "、".join(f"“{c}”" for c in m.group("cols").split("/")) + "列"
    return reason


def reject_share(result: AuditResult) -> list[dict[str, Any]]:
    """Per input: rows read, kept, rejected and the share rejected (a decimal string)."""
    out = []
    for li in result.inputs:
        rejected = li.rows_read - li.rows_kept
        share = (Decimal(rejected) / li.rows_read).quantize(Decimal("0.0001")) if li.rows_read else Decimal(0)
        out.append(
            {
                "kind": li.kind,
                "kind_zh": KINDS[li.kind].name_zh,
                "file": li.path,
                "rows_read": li.rows_read,
                "rows_kept": li.rows_kept,
                "rows_rejected": rejected,
                "share_rejected": str(share),
                "sheets_read": list(li.sheets_read),
                "sheets_skipped": [{"sheet": s, "reason_zh": r} for s, r in li.sheets_skipped],
                "reversals": len(li.reversals),
                "month_only_paid_on": li.month_only_rows,
                "columns": {f: h for f, h in li.headers},
            }
        )
    return out


def over_limit(result: AuditResult, limit: Decimal = DEFAULT_MAX_REJECT_SHARE) -> list[Problem]:
    """One problem per input whose rejected share is over ``limit``."""
    out: list[Problem] = []
    for i in reject_share(result):
        share = Decimal(i["share_rejected"])
        if share > limit:
            out.append(
                Problem.make(
                    "audit-too-many-rejected",
                    value=i["file"],
                    kind_zh=i["kind_zh"],
                    kind_en=KINDS[i["kind"]].name_en,
                    read=i["rows_read"],
                    rejected=i["rows_rejected"],
                    share=f"{share * 100:.1f}%",
                    limit=f"{limit * 100:.0f}%",
                )
            )
    return out


def summary(result: AuditResult, max_reject_share: Decimal = DEFAULT_MAX_REJECT_SHARE) -> dict[str, Any]:
    """The run in one document: rows read and rejected, detectors run or not, money by detector, unit, program."""
    by_unit: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    by_program: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    for f in result.findings:
        by_unit[f.unit][0] += 1
        by_unit[f.unit][1] += f.amount_yuan
        key = f.program or "(several)"
        by_program[key][0] += 1
        by_program[key][1] += f.amount_yuan
    total, paid, capped = headline(result)
    problems = list(result.problems)
    if capped:
        problems.append(Problem.make("audit-headline-capped", value=total, paid=paid))
    too_many = over_limit(result, max_reject_share)
    return {
        "as_of": result.as_of.isoformat(),
        "engine": result.engine,
        "status_note_zh": "以下均为数据比对发现的疑点，需逐条核实后方可认定为问题。",
        "inputs": reject_share(result),
        "max_reject_share": str(max_reject_share),
        "rejects_over_limit": to_json(too_many),
        "problems": to_json(problems),
        "detectors": [
            {
                "name": r.name,
                "name_zh": detector(r.name).name_zh,
                "issue": detector(r.name).issue,
                "ran": r.ran,
                "not_run_reason": r.reason,
                "not_run_reason_zh": reason_zh(r.reason) or None,
                "findings": r.findings,
                "amount_yuan": str(r.amount_yuan),
                "seconds": f"{r.seconds:.3f}",
            }
            for r in result.runs
        ],
        "findings": len(result.findings),
        # each payment's money at issue once across detectors; the per-detector sums are above
        "amount_yuan": str(total),
        "amount_paid_yuan": None if paid is None else str(paid),
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
    "账号",
    "所属期",
    "疑点金额（元）",
    "说明",
    "依据",
    "流水号（证据）",
    "证据金额（元）",
    "冲正",
)


def _row(ws: Any, values: list[Any]) -> None:
    """Append a row; every text is a string cell (never a formula), its control characters escaped."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for v in values:
        if isinstance(v, str):
            cell = WriteOnlyCell(ws, value=safe_cell_text(v))
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(v)
    ws.append(cells)


def write_xlsx(result: AuditResult, path: Path, max_reject_share: Decimal = DEFAULT_MAX_REJECT_SHARE) -> None:
    from openpyxl import Workbook

    tx = taxonomy()
    cat = catalogue()
    money = at_issue(result)
    total, paid, _ = headline(result)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总")
    for problem in over_limit(result, max_reject_share):
        _row(ws, ["！！" + problem.message_zh])
    _row(ws, ["输入", "文件", "读取行数", "纳入核查行数", "未纳入核查行数"])
    for entry in reject_share(result):
        _row(ws, [entry["kind_zh"], entry["file"], entry["rows_read"], entry["rows_kept"], entry["rows_rejected"]])
    _row(ws, [])
    _row(ws, ["检查项", "名称", "问题类型", "是否运行", "未运行原因", "疑点数", "疑点金额（元）"])
    for r in result.runs:
        spec = detector(r.name)
        _row(
            ws,
            [
                r.name,
                spec.name_zh,
                tx.get(spec.issue).name_zh,
                "是" if r.ran else "否",
                reason_zh(r.reason),
                r.findings,
                float(r.amount_yuan),
            ],
        )
    _row(ws, [])
    _row(ws, ["涉及金额（每笔发放只计一次，元）", float(total)])
    if paid is not None:
        _row(ws, ["台账发放总额（元）", float(paid)])
    _row(ws, ["说明：以下均为数据比对发现的疑点，需逐条核实后方可认定为问题。"])
    reversed_by: dict[str, list[str]] = defaultdict(list)
    for li in result.inputs:
        for rv in li.reversals:
            if rv.reverses:
                reversed_by[rv.reverses].append(f"{rv.payment_id or '第' + str(rv.line) + '行'} {rv.amount}")
    by_detector: dict[str, list[Any]] = defaultdict(list)
    for f in result.findings:
        by_detector[f.detector].append(f)
    for name, items in by_detector.items():
        sheet = wb.create_sheet(detector(name).name_zh[:31])
        _row(sheet, list(_HEAD))
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
                    f.name or "",
                    f.account or "",
                    "、".join(str(m) for m in f.months),
                    float(f.amount_yuan),
                    f.explanation_zh,
                    citations,
                ]
                _row(
                    sheet,
                    [
                        *(head if i == 0 else [""] * len(head)),
                        pid,
                        float(money.get((name, pid), ZERO)),
                        "；".join(reversed_by.get(pid, [])),
                    ],
                )
    rej = wb.create_sheet("未纳入核查的行")
    _row(rej, ["文件", "工作表", "行", "列", "流水号", "值", "原因"])
    for li in result.inputs:
        for p in li.rejected:
            pl = p.place
            _row(
                rej,
                [
                    pl.file or li.path,
                    pl.sheet or "",
                    pl.line or "",
                    pl.field or "",
                    pl.record or "",
                    p.value or "",
                    p.message_zh,
                ],
            )
    notes = wb.create_sheet("读取说明")
    _row(notes, ["文件", "说明"])
    for li in result.inputs:
        if li.sheets_read:
            _row(notes, [li.path, "已读取工作表：" + "、".join(li.sheets_read)])
        for s, reason in li.sheets_skipped:
            _row(notes, [li.path, f"未读取工作表“{s}”：{reason}"])
        for rv in li.reversals:
            what = f"冲正{rv.amount}元" + (
                f"，冲减流水号{rv.reverses}（冲减后{rv.net}元）" if rv.reverses else "，未找到被冲正记录"
            )
            _row(notes, [li.path, f"第{rv.line}行 {rv.payment_id or ''} {what}"])
    for p in result.problems:
        if p.place.line is not None and p.severity.value == "error":
            continue  # a rejected row: on 未纳入核查的行
        _row(notes, [p.place.file or "", (f"第{p.place.line}行：" if p.place.line else "") + p.message_zh])
    wb.save(path)


def unit_name(result: AuditResult, unit: str | None = None) -> str:
    """The reporting unit for the forms: ``unit``, else the findings' units."""
    units = sorted({f.unit for f in result.findings})
    if unit:
        return unit
    if not units:
        return "（未填）"
    return units[0] if len(units) == 1 else "、".join(units[:3]) + ("等" if len(units) > 3 else "")


def write_all(
    result: AuditResult, directory: Path, max_reject_share: Decimal = DEFAULT_MAX_REJECT_SHARE
) -> dict[str, Path]:
    """Write findings.jsonl, findings.xlsx and summary.json into ``directory``; returns name -> path.

    The filled forms are written by :func:`subsidy_rules.forms.fill.fill_from_audit` (the forms layer).
    """
    directory.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    out["findings.jsonl"] = directory / "findings.jsonl"
    write_jsonl(result, out["findings.jsonl"])
    out["findings.xlsx"] = directory / "findings.xlsx"
    write_xlsx(result, out["findings.xlsx"], max_reject_share)
    out["summary.json"] = directory / "summary.json"
    from subsidy_rules.io.json import dumps

    out["summary.json"].write_text(dumps(summary(result, max_reject_share)) + "\n", encoding="utf-8")
    return out


def counts(result: AuditResult) -> Mapping[str, int]:
    return {r.name: r.findings for r in result.runs}
