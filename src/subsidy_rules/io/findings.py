"""Write an audit's outputs: findings.jsonl, findings.xlsx and summary.json, streamed from Arrow.

The findings are read from the audit's grouped Arrow rows (:attr:`AuditResult.grouped`, one row per
finding, in order) a batch at a time and written as they are worded: no list of every finding is
held. ``findings.jsonl`` holds one JSON object per finding, through the library's one JSON
converter (:func:`~subsidy_rules.io.json.to_json` of the :class:`~subsidy_rules.issues.model.Finding`),
values as read. ``findings.xlsx`` is for people: Chinese headers; a 汇总 sheet (each input's rows
read / kept / rejected, each detector's findings and money, the headline); one sheet per detector
with the evidence rows (流水号, 账号, reversals) beside each finding; 未纳入核查的行 (every rejected
row: file, sheet, line, column, value, reason); 读取说明 (sheets read and skipped, reversals,
warnings). It is written by XlsxWriter in constant-memory mode, row by row in order (chosen by
``benchmarks/bench_xlsx_writers.py``: about twice as fast as openpyxl's write-only mode, at a
lower peak). Every text cell is written as a string — never a formula — with its control characters
escaped (:func:`~subsidy_rules.core.text.safe_cell_text`). ``summary.json`` is the
:class:`~subsidy_rules.issues.audit.outputs.AuditSummary` through the same converter.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from subsidy_rules.core.text import safe_cell_text
from subsidy_rules.io.json import dumps, to_json
from subsidy_rules.issues.audit.detectors import detector
from subsidy_rules.issues.audit.engine import ZERO, AuditResult
from subsidy_rules.issues.audit.outputs import (
    DEFAULT_MAX_REJECT_SHARE,
    STATUS_NOTE_ZH,
    AuditSummary,
    detector_at_issue,
    headline,
    over_limit,
    reason_zh,
    reject_share,
    summary,
)
from subsidy_rules.issues.model import Finding
from subsidy_rules.issues.registry import taxonomy
from subsidy_rules.programs.catalogue import catalogue

#: the folder beside findings.xlsx where XlsxWriter keeps its sheets' rows while writing (removed after)
XLSX_TEMP = ".findings.xlsx.tmp"
#: the columns of a detector's sheet in findings.xlsx
HEAD = (
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


def finding_line(finding: Finding, citations: Any = None) -> str:
    """One line of findings.jsonl: the finding through the JSON converter.

    ``citations``, when given, is the finding's citations already through the converter (a
    detector's findings share them: converted once per detector, not once per finding).
    """
    if citations is None:
        return json.dumps(to_json(finding), ensure_ascii=False)
    data = to_json(_without_citations(finding))
    data["citations"] = citations  # the key keeps its place
    return json.dumps(data, ensure_ascii=False)


def _without_citations(finding: Finding) -> Finding:
    import attrs

    return attrs.evolve(finding, citations=())


def write_jsonl(result: AuditResult, path: Path) -> None:
    """findings.jsonl alone (see :func:`write_all`, which writes it in the same pass as findings.xlsx)."""
    _write(result, path, None, DEFAULT_MAX_REJECT_SHARE)


def write_xlsx(result: AuditResult, path: Path, max_reject_share: Decimal = DEFAULT_MAX_REJECT_SHARE) -> None:
    """findings.xlsx alone (see the module's docstring and :func:`write_all`)."""
    _write(result, None, path, max_reject_share)


class _Sheet:
    """A worksheet written row by row: text as string cells (escaped), numbers as numbers, blanks left out."""

    def __init__(self, book: Any, name: str) -> None:
        self.ws = book.add_worksheet(name)
        self.row = 0

    def append(self, values: Iterable[Any]) -> None:
        ws, r = self.ws, self.row
        for c, v in enumerate(values):
            if v is None or v == "":
                continue
            if isinstance(v, str):
                # printable text holds no control character: nothing to escape (the common case, checked in C)
                ws.write_string(r, c, v if v.isprintable() else safe_cell_text(v))
            elif isinstance(v, int | float | Decimal):
                ws.write_number(r, c, float(v))
            else:
                ws.write_string(r, c, safe_cell_text(str(v)))
        self.row = r + 1


class _NoSheet:
    def append(self, values: Iterable[Any]) -> None:
        pass


def _write(result: AuditResult, jsonl: Path | None, xlsx: Path | None, max_reject_share: Decimal) -> None:
    """One pass over the findings, detector by detector: each finding worded once, written to both files.

    XlsxWriter keeps each sheet's rows in a temporary file until it assembles the workbook: they are
    made in :data:`XLSX_TEMP` beside the workbook (inside a staged output folder) and removed after.
    """
    import xlsxwriter

    temp = None
    book: Any = None
    if xlsx is not None:
        temp = xlsx.parent / XLSX_TEMP
        temp.mkdir(exist_ok=True)
        book = xlsxwriter.Workbook(
            str(xlsx),
            {
                "constant_memory": True,
                "tmpdir": str(temp),
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
    fh = jsonl.open("w", encoding="utf-8") if jsonl is not None else None
    try:
        new_sheet = (lambda name: _Sheet(book, name)) if book is not None else (lambda name: _NoSheet())
        if book is not None:
            _summary_sheet(result, new_sheet("汇总"), max_reject_share)
        reversed_by: dict[str, list[str]] = defaultdict(list)
        for li in result.inputs:
            for rv in li.reversals:
                if rv.reverses:
                    reversed_by[rv.reverses].append(f"{rv.payment_id or '第' + str(rv.line) + '行'} {rv.amount}")
        tx = taxonomy()
        cat = catalogue()
        for name, table in result.grouped.items():
            if not table.num_rows:
                continue
            spec = detector(name)
            money = detector_at_issue(result.evidence[name]) if book is not None else {}
            sheet = new_sheet(spec.name_zh[:31])
            sheet.append(HEAD)
            citations = "；".join(c.label for c in spec.citations)
            cited = to_json(spec.citations)
            blank = [""] * 13
            for f in result.iter_findings_of(name):
                if fh is not None:
                    fh.write(finding_line(f, cited))
                    fh.write("\n")
                if book is None:
                    continue
                for i, pid in enumerate(f.evidence):
                    head = (
                        [
                            f.finding_id,
                            spec.name_zh,
                            tx.get(f.issue).name_zh,
                            "疑点",
                            cat.get(f.program).name_zh if f.program else "（多个项目）",
                            f.unit,
                            f.id_number,
                            f.name or "",
                            f.account or "",
                            "、".join(str(m) for m in f.months),
                            f.amount_yuan,
                            f.explanation_zh,
                            citations,
                        ]
                        if i == 0
                        else blank
                    )
                    sheet.append([*head, pid, money.get(pid, ZERO), "；".join(reversed_by.get(pid, []))])
        if book is not None:
            _input_sheets(result, new_sheet("未纳入核查的行"), new_sheet("读取说明"))
            book.close()  # assembles the workbook: only once everything is written
    finally:
        if fh is not None:
            fh.close()
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def _summary_sheet(result: AuditResult, ws: _Sheet | _NoSheet, max_reject_share: Decimal) -> None:
    tx = taxonomy()
    total, paid, _ = headline(result)
    for problem in over_limit(result, max_reject_share):
        ws.append(["！！" + problem.message_zh])
    ws.append(["输入", "文件", "读取行数", "纳入核查行数", "未纳入核查行数"])
    for entry in reject_share(result):
        ws.append([entry.kind_zh, entry.file, entry.rows_read, entry.rows_kept, entry.rows_rejected])
    ws.append([])
    ws.append(["检查项", "名称", "问题类型", "是否运行", "未运行原因", "疑点数", "疑点金额（元）"])
    for r in result.runs:
        spec = detector(r.name)
        ws.append(
            [
                r.name,
                spec.name_zh,
                tx.get(spec.issue).name_zh,
                "是" if r.ran else "否",
                reason_zh(r.reason),
                r.findings,
                r.amount_yuan,
            ]
        )
    ws.append([])
    ws.append(["涉及金额（每笔发放只计一次，元）", total])
    if paid is not None:
        ws.append(["台账发放总额（元）", paid])
    ws.append(["说明：" + STATUS_NOTE_ZH])


def _input_sheets(result: AuditResult, rej: _Sheet | _NoSheet, notes: _Sheet | _NoSheet) -> None:
    rej.append(["文件", "工作表", "行", "列", "流水号", "值", "原因"])
    for li in result.inputs:
        for p in li.rejected:
            pl = p.place
            rej.append(
                [
                    pl.file or li.path,
                    pl.sheet or "",
                    pl.line or "",
                    pl.field or "",
                    pl.record or "",
                    p.value or "",
                    p.message_zh,
                ]
            )
    notes.append(["文件", "说明"])
    for li in result.inputs:
        if li.sheets_read:
            notes.append([li.path, "已读取工作表：" + "、".join(li.sheets_read)])
        for s, reason in li.sheets_skipped:
            notes.append([li.path, f"未读取工作表“{s}”：{reason}"])
        for rv in li.reversals:
            what = f"冲正{rv.amount}元" + (
                f"，冲减流水号{rv.reverses}（冲减后{rv.net}元）" if rv.reverses else "，未找到被冲正记录"
            )
            notes.append([li.path, f"第{rv.line}行 {rv.payment_id or ''} {what}"])
    for p in result.problems:
        if p.place.line is not None and p.severity.value == "error":
            continue  # a rejected row: on 未纳入核查的行
        notes.append([p.place.file or "", (f"第{p.place.line}行：" if p.place.line else "") + p.message_zh])


def write_summary(doc: AuditSummary, path: Path) -> None:
    """summary.json: the summary record through the JSON converter, with ``schema_version``."""
    path.write_text(dumps(to_json(doc)) + "\n", encoding="utf-8")


def write_all(
    result: AuditResult, directory: Path, max_reject_share: Decimal = DEFAULT_MAX_REJECT_SHARE
) -> dict[str, Path]:
    """Write findings.jsonl, findings.xlsx and summary.json into ``directory``; returns name -> path.

    The filled forms are written by :func:`subsidy_rules.forms.fill.fill_from_audit` (the forms layer).
    """
    directory.mkdir(parents=True, exist_ok=True)
    out = {name: directory / name for name in ("findings.jsonl", "findings.xlsx", "summary.json")}
    _write(result, out["findings.jsonl"], out["findings.xlsx"], max_reject_share)
    write_summary(summary(result, max_reject_share), out["summary.json"])
    return out
