"""Decisions as an officer's note.

The note reads top-down the way a reviewing officer writes one: the verdict
with what an officer needs (entitled months n of N, the last entitled month
and why it ended, the period limit apart), which law was applied at which
date, the total; then each condition with its outcome, the facts looked at,
the parameter values used (effective date, layer, citation, and
``UNCONFIRMED`` where the value is not confirmed in a primary text), its
legal basis (依据) and its check point (核查要点); then the schedule, the
problems and the rule's limitations.

A decision's JSON is the library's one shape for a :class:`Decision`, written at the edge
(:func:`subsidy_rules.io.eligibility.decision_to_json`).
"""

from __future__ import annotations

from decimal import Decimal

from subsidy_rules.core.citation import Citation
from subsidy_rules.parameters import Resolved
from subsidy_rules.parameters.values import value_text
from subsidy_rules.programs.eligibility.decision import Decision, MonthStatus, Outcome
from subsidy_rules.programs.eligibility.registry import rules, taxonomy_of
from subsidy_rules.programs.eligibility.spec import shared_data

UNCONFIRMED = "UNCONFIRMED"


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _param_line(r: Resolved) -> str:
    value = value_text(r.value)
    shown = ", ".join(value) if isinstance(value, list) else str(value)
    flag = "" if r.confirmed else f"  [{UNCONFIRMED}]"
    if r.carried_over_note_zh:
        flag += f"  [{r.carried_over_note_zh}]"
    line = (
        f"{r.parameter_id} = {shown} {r.unit}（自 {r.effective_from.isoformat()} 起，{r.layer} 层；"
        f"{r.citation.label}）{flag}"
    )
    if r.newer_below is not None:
        b = r.newer_below
        line += (
            f"\n        ⚠ {b.WARNING_ZH}：{b.layer} 层自 {b.effective_from.isoformat()} 起为 {value_text(b.value)}"
            f"（{b.citation.label}）"
        )
    return line


def _citation_line(c: Citation) -> str:
    where = f"（{c.seed}）" if c.seed else ""
    quote = f"：“{c.quote}”" if c.quote else ""
    flag = "" if c.confirmed else f"  [{UNCONFIRMED}]"
    return f"{c.label}{where}{quote}{flag}"


_MARK = {Outcome.HELD: "✓", Outcome.FAILED: "✗", Outcome.NOT_APPLICABLE: "–"}
_OTHER_REASONS = {
    "no-minimum-wage": "当月无当地最低工资标准参数",
    "minimum-wage-gap": "当月最低工资标准未知（参数缺口：两次调整之间另有一次日期未查到的调整，或本区档次未知）",
    "no-local-standard": "当地未规定（或本库未收录）补贴标准，应享受金额待定（国家规定的比例是上限，不是标准）",
    "no-minimum-contribution": "本地标准按最低档缴费计算，参数中无最低档缴费额，金额待定",
}


def _reason_text(code: str) -> str:
    conditions = shared_data()[0]
    if code in conditions:
        # A condition is worded as what must hold ("当月未正规就业"); what ended the
        # entitlement is that it stopped holding.
        return f"不再满足“{conditions[code].text_zh}”"
    return _OTHER_REASONS.get(code, code)


def _headline(d: Decision) -> list[str]:
    lines: list[str] = []
    if not d.eligible:
        lines.append("结论：不符合条件 NOT ELIGIBLE")
        return lines
    lines.append(
        f"结论：符合条件 ELIGIBLE — 应享受 {d.entitled_months} / {d.months_in_period} 个月"
        f"（期内截至判定日的月数），合计 {d.total_entitled:.2f} 元"
        + (f"；另有 {d.undetermined_months} 个月金额待定（不计入合计）" if d.undetermined_months else "")
    )
    if d.last_entitled is not None:
        lines.append(f"最后应享受月份 last entitled month：{d.last_entitled}")
    elif d.undetermined_months:
        lines.append("期内尚无金额已确定的应享受月份 no month with a determined amount yet")
    else:
        lines.append("期内尚无应享受月份 no month entitled yet")
    if d.undetermined_months:
        lines.append(f"金额待定 undetermined：{d.undetermined_months} 个月（见下方说明 notices）")
    if d.ended_by:
        why = "；".join(_reason_text(r) for r in d.ended_by)
        on = f"（{d.ended_on.isoformat()} 起）" if d.ended_on else ""
        lines.append(f"其后停止原因 ended by：{why}{on}")
    if d.period_start and d.period_limit_end:
        lines.append(
            f"补贴期限上限 period limit：{d.period_start} 至 {d.period_limit_end}"
            + (
                f"；因停发情形止于 {d.period_end}（{d.period_end_reason.name_zh}）"
                if d.period_end and d.period_end_reason and d.period_end != d.period_limit_end
                else ""
            )
        )
    return lines


def decision_text(d: Decision) -> str:
    """The decision as an officer's note (Chinese first, English alongside)."""
    lines: list[str] = []
    lines.append(f"【{d.program_name_zh}】{d.program} — 案件 {d.case_id}")
    lines.append(
        f"判定日期 as of {d.as_of.isoformat()}（此后的缴费、发放和事件不纳入）；参数层 {' → '.join(d.jurisdiction)}"
    )
    lines += _headline(d)
    if d.first_approval:
        lines.append(f"初次核定 first approval：{d.first_approval.isoformat()}")
    if d.law_applied:
        lines.append("适用法律 law applied:")
        lines += [f"  {f.name}: {f.value}" for f in d.law_applied]
    if d.regimes:
        lines.append("适用的就业补助资金管理办法 fund rules applied:")
        lines += [f"  {f.name}: {f.value}" for f in d.regimes]
    if d.notices_zh:
        lines.append("说明 notices:")
        lines += [f"  ⚠ {zh}" for zh in d.notices_zh]
    lines.append("")
    lines.append("条件 Conditions")
    for c in d.conditions:
        lines.append(f"  {_MARK[c.outcome]} [{c.outcome.name_zh} {c.outcome.value}] {c.title_zh}")
        lines.append(f"      {c.title_en}")
        for f in c.facts:
            lines.append(f"      事实 {f.name}: {f.value}")
        for r in c.parameters:
            lines.append(f"      参数 {_param_line(r)}")
        for x in c.basis:
            lines.append(f"      依据 {_citation_line(x)}")
        for x in c.checkpoint:
            lines.append(f"      核查要点 {_citation_line(x)}")
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
            cap = f"（上限 {_money(m.cap)}）" if m.cap is not None else ""
            lines.append(
                f"  {m.month}   {m.status.value:<14}  {_money(m.amount) or '-':>10}  "
                f"{_money(m.basis) or '-':>10}  {_money(m.paid) or '-':>10}  {reasons}{cap}".rstrip()
            )
    if d.problems:
        lines.append("")
        lines.append(f"发现问题 Problems（{len(d.problems)}）")
        for p in d.problems:
            where = p.place.path or (str(p.place.month) if p.place.month else "")
            node = taxonomy_of(p.code)
            tax = f" → 问题类型 {node}" if node else ""
            lines.append(f"  [{p.severity.value}] {p.code} {where}：{p.message_zh}{tax}")
    if d.unconfirmed_parameters:
        lines.append("")
        lines.append(f"{UNCONFIRMED}：以下参数值仅见于二手资料，未经原文核实 — " + ", ".join(d.unconfirmed_parameters))
    spec = rules().get(d.program)
    if spec is not None and spec.limitations_zh:
        lines.append("")
        lines.append(f"局限 Limitations：{spec.limitations_zh}")
        unmodelled = "、".join(s.text_zh for s in spec.unmodelled_stop_events)
        if unmodelled:
            lines.append(f"  未建模的停发情形（须人工核查）：{unmodelled}")
    return "\n".join(lines)


def statuses(d: Decision) -> dict[str, int]:
    """Months by status, for summaries."""
    out = {s.value: 0 for s in MonthStatus}
    for m in d.schedule:
        out[m.status.value] += 1
    return out
