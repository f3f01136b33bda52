"""Decisions as JSON and as an officer's note.

The note reads top-down the way a reviewing officer writes one: the verdict,
the period and why it ends, the total; then each condition with its outcome,
the facts looked at, the parameter values used (effective date, layer,
citation, and ``UNCONFIRMED`` where the value is not confirmed in a primary
text) and its citations; then the month-by-month schedule and the problems.

JSON keeps the same content in a stable shape (see :func:`decision_to_json`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from subsidy_rules.core.citation import Citation
from subsidy_rules.parameters import Resolved
from subsidy_rules.programs.eligibility.conditions import specs
from subsidy_rules.programs.eligibility.decision import ConditionResult, Decision, MonthStatus, Outcome
from subsidy_rules.programs.months import format_month
from subsidy_rules.serialization import param_value_to_json

UNCONFIRMED = "UNCONFIRMED"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def citation_to_json(c: Citation) -> dict[str, Any]:
    return {
        "label": c.label,
        "document_key": c.document_key,
        "document_number": c.document_number,
        "title": c.title,
        "article": c.article,
        "seed": c.seed,
        "confirmed": c.confirmed,
    }


def resolved_to_json(r: Resolved) -> dict[str, Any]:
    return {
        "parameter_id": r.parameter_id,
        "value": param_value_to_json(r.value),
        "unit": r.unit,
        "effective_from": r.effective_from.isoformat(),
        "layer": r.layer,
        "confirmed": r.confirmed,
        "citation": citation_to_json(r.citation),
    }


def condition_to_json(c: ConditionResult) -> dict[str, Any]:
    return {
        "code": c.code,
        "title_zh": c.title_zh,
        "title_en": c.title_en,
        "outcome": c.outcome.value,
        "monthly": c.monthly,
        "facts": {f.name: f.value for f in c.facts},
        "parameters": [resolved_to_json(r) for r in c.parameters],
        "citations": [citation_to_json(x) for x in c.citations],
        "note": c.note,
    }


def decision_to_json(d: Decision) -> dict[str, Any]:
    """One decision as JSON-ready data: money as strings, months as ``YYYY-MM``."""
    return {
        "case_id": d.case_id,
        "program": d.program,
        "program_name_zh": d.program_name_zh,
        "as_of": d.as_of.isoformat(),
        "jurisdiction": list(d.jurisdiction),
        "eligible": d.eligible,
        "first_approval": d.first_approval.isoformat() if d.first_approval else None,
        "period_start": format_month(d.period_start) if d.period_start else None,
        "period_end": format_month(d.period_end) if d.period_end else None,
        "period_end_reason": d.period_end_reason.value if d.period_end_reason else None,
        "entitled_months": d.entitled_months,
        "total_entitled": _money(d.total_entitled),
        "schedule": [
            {
                "month": format_month(m.month),
                "status": m.status.value,
                "amount": _money(m.amount),
                "basis": _money(m.basis),
                "reasons": list(m.reasons),
                "paid": _money(m.paid),
            }
            for m in d.schedule
        ],
        "conditions": [condition_to_json(c) for c in d.conditions],
        "problems": [
            {
                "code": p.code,
                "severity": p.severity.value,
                "month": format_month(p.month),
                "amount": _money(p.amount),
                "message_zh": p.message_zh,
                "message_en": p.message_en,
            }
            for p in d.problems
        ],
        "unconfirmed_parameters": sorted({r.parameter_id for r in d.unconfirmed}),
    }


def _param_line(r: Resolved) -> str:
    value = param_value_to_json(r.value)
    shown = ", ".join(value) if isinstance(value, list) else str(value)
    flag = "" if r.confirmed else f"  [{UNCONFIRMED}]"
    return (
        f"{r.parameter_id} = {shown} {r.unit}（自 {r.effective_from.isoformat()} 起，{r.layer} 层；"
        f"{r.citation.label}）{flag}"
    )


def _citation_line(c: Citation) -> str:
    where = f"（{c.seed}）" if c.seed else ""
    flag = "" if c.confirmed else f"  [{UNCONFIRMED}]"
    return f"{c.label}{where}{flag}"


_MARK = {Outcome.HELD: "✓", Outcome.FAILED: "✗", Outcome.NOT_APPLICABLE: "–"}


def _reason_text(code: str) -> str:
    s = specs().get(code)
    if s is not None:
        return s.title_zh
    return {"no-minimum-wage": "当月无当地最低工资标准参数"}.get(code, code)


def decision_text(d: Decision) -> str:
    """The decision as an officer's note (Chinese first, English alongside)."""
    lines: list[str] = []
    verdict = "符合条件 ELIGIBLE" if d.eligible else "不符合条件 NOT ELIGIBLE"
    lines.append(f"【{d.program_name_zh}】{d.program} — 案件 {d.case_id}")
    lines.append(f"判定日期 as of {d.as_of.isoformat()}；参数层 {' → '.join(d.jurisdiction)}")
    lines.append(f"结论：{verdict}")
    if d.first_approval:
        lines.append(f"初次核定 first approval：{d.first_approval.isoformat()}")
    if d.period_start and d.period_end and d.period_end_reason:
        lines.append(
            f"补贴期限 period：{format_month(d.period_start)} 至 {format_month(d.period_end)}"
            f"（止于：{d.period_end_reason.name_zh} / {d.period_end_reason.value}）"
        )
    if d.eligible:
        lines.append(f"应享受 {d.entitled_months} 个月，合计 {d.total_entitled:.2f} 元")
    lines.append("")
    lines.append("条件 Conditions")
    for c in d.conditions:
        lines.append(f"  {_MARK[c.outcome]} [{c.outcome.name_zh} {c.outcome.value}] {c.title_zh}")
        lines.append(f"      {c.title_en}")
        for f in c.facts:
            lines.append(f"      事实 {f.name}: {f.value}")
        for r in c.parameters:
            lines.append(f"      参数 {_param_line(r)}")
        for x in c.citations:
            lines.append(f"      依据 {_citation_line(x)}")
        if c.note:
            lines.append(f"      注 {c.note}")
    if d.schedule:
        lines.append("")
        lines.append("逐月明细 Schedule（元）")
        lines.append(
            "  月份      状态            应享受      计算基数    实发        未满足的条件 (conditions not met)"
        )
        for m in d.schedule:
            reasons = "；".join(_reason_text(r) for r in m.reasons)
            lines.append(
                f"  {format_month(m.month)}   {m.status.value:<14}  {_money(m.amount) or '-':>10}  "
                f"{_money(m.basis) or '-':>10}  {_money(m.paid) or '-':>10}  {reasons}".rstrip()
            )
    if d.problems:
        lines.append("")
        lines.append(f"发现问题 Problems（{len(d.problems)}）")
        for p in d.problems:
            lines.append(f"  [{p.severity.value}] {p.code} {format_month(p.month)} {p.amount:.2f} 元：{p.message_zh}")
    unconfirmed = sorted({r.parameter_id for r in d.unconfirmed})
    if unconfirmed:
        lines.append("")
        lines.append(f"{UNCONFIRMED}：以下参数值仅见于二手资料，未经原文核实 — " + ", ".join(unconfirmed))
    return "\n".join(lines)


def statuses(d: Decision) -> dict[str, int]:
    """Months by status, for summaries."""
    out = {s.value: 0 for s in MonthStatus}
    for m in d.schedule:
        out[m.status.value] += 1
    return out
