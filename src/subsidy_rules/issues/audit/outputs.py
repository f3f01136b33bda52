"""What an audit's outputs say, computed once: the money at issue, the headline, the summary record.

The writers (findings.jsonl, findings.xlsx, summary.json) are at the edge, in
:mod:`subsidy_rules.io.findings`; the campaign forms are filled one layer up, by
:func:`subsidy_rules.forms.fill.fill_from_audit`. Both read what is computed here, so the forms,
the workbook and the summary cannot disagree.

The headline 涉及金额 counts each payment's money at issue once across detectors (at the largest
amount any detector puts on it); the per-detector sums stand beside it; the headline never exceeds
the money the ledger paid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import attrs
import pyarrow as pa

from subsidy_rules.core.problem import Problem
from subsidy_rules.issues.audit.detectors import detector
from subsidy_rules.issues.audit.engine import ZERO, AuditResult
from subsidy_rules.issues.audit.schema import KINDS

#: the share of rows that may be left out before a run is refused (``--max-reject-share``)
DEFAULT_MAX_REJECT_SHARE = Decimal("0.20")
#: said on every summary: the audit finds leads, not problems
STATUS_NOTE_ZH = "以下均为数据比对发现的疑点，需逐条核实后方可认定为问题。"
_CENT = Decimal("0.01")
_MILLI = Decimal("0.001")


@attrs.frozen
class SkippedSheet:
    sheet: str
    reason_zh: str


@attrs.frozen
class InputSummary:
    """One input: rows read, kept and rejected, the share rejected, the sheets and columns read."""

    kind: str
    kind_zh: str
    file: str
    rows_read: int
    rows_kept: int
    rows_rejected: int
    share_rejected: Decimal
    sheets_read: tuple[str, ...]
    sheets_skipped: tuple[SkippedSheet, ...]
    reversals: int
    month_only_paid_on: int
    columns: Mapping[str, str]  #: field -> the header as printed


@attrs.frozen
class DetectorSummary:
    """One detector: whether it ran (and why not), its findings and their money, its seconds."""

    name: str
    name_zh: str
    issue: str
    ran: bool
    not_run_reason: str | None
    not_run_reason_zh: str | None
    findings: int
    amount_yuan: Decimal
    seconds: Decimal


@attrs.frozen
class Tally:
    findings: int
    amount_yuan: Decimal


@attrs.frozen
class AuditSummary:
    """The run in one record (summary.json, the CLI's ``--format json``): inputs, detectors, money.

    ``amount_yuan`` counts each payment's money at issue once across detectors (see :func:`headline`);
    the per-detector sums are in ``detectors``.
    """

    as_of: date
    engine: str
    status_note_zh: str
    inputs: tuple[InputSummary, ...]
    max_reject_share: Decimal
    rejects_over_limit: tuple[Problem, ...]
    problems: tuple[Problem, ...]
    detectors: tuple[DetectorSummary, ...]
    findings: int
    amount_yuan: Decimal
    amount_paid_yuan: Decimal | None
    by_unit: Mapping[str, Tally]
    by_program: Mapping[str, Tally]  #: ``(several)`` for findings that span programs
    timings_seconds: Mapping[str, Decimal]

    @property
    def rows_rejected(self) -> int:
        return sum(i.rows_rejected for i in self.inputs)


def at_issue(result: AuditResult) -> dict[tuple[str, str], Decimal]:
    """(detector, payment id) -> money at issue for that payment."""
    out: dict[tuple[str, str], Decimal] = {}
    for name, rows in result.evidence.items():
        for pid, amount in detector_at_issue(rows).items():
            out[(name, pid)] = amount
    return out


def detector_at_issue(rows: pa.Table) -> dict[str, Decimal]:
    """One detector's evidence rows: payment id -> its money at issue (the largest row's)."""
    out: dict[str, Decimal] = {}
    for pid, amount in zip(rows.column("payment_id").to_pylist(), rows.column("amount").to_pylist(), strict=True):
        out[pid] = max(out.get(pid, ZERO), amount or ZERO)
    return out


def headline(result: AuditResult) -> tuple[Decimal, Decimal | None, bool]:
    """(money at issue, each payment once across detectors; money paid; whether capped at money paid).

    Set-based: every detector's evidence rows, the largest money per payment, summed.
    """
    parts = [t.select(["payment_id", "amount"]) for t in result.evidence.values() if t.num_rows]
    total = ZERO
    if parts:
        both = pa.concat_tables(parts, promote_options="permissive")
        per_payment = both.group_by("payment_id").aggregate([("amount", "max")])
        total = sum((a for a in per_payment.column("amount_max").to_pylist() if a is not None), ZERO)
    total = total.quantize(_CENT)
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


def reject_share(result: AuditResult) -> tuple[InputSummary, ...]:
    """Per input: rows read, kept, rejected and the share rejected."""
    out = []
    for li in result.inputs:
        rejected = li.rows_read - li.rows_kept
        share = (Decimal(rejected) / li.rows_read).quantize(Decimal("0.0001")) if li.rows_read else Decimal(0)
        out.append(
            InputSummary(
                kind=li.kind,
                kind_zh=KINDS[li.kind].name_zh,
                file=li.path,
                rows_read=li.rows_read,
                rows_kept=li.rows_kept,
                rows_rejected=rejected,
                share_rejected=share,
                sheets_read=tuple(li.sheets_read),
                sheets_skipped=tuple(SkippedSheet(s, r) for s, r in li.sheets_skipped),
                reversals=len(li.reversals),
                month_only_paid_on=li.month_only_rows,
                columns=dict(li.headers),
            )
        )
    return tuple(out)


def over_limit(result: AuditResult, limit: Decimal = DEFAULT_MAX_REJECT_SHARE) -> list[Problem]:
    """One problem per input whose rejected share is over ``limit``."""
    return [
        Problem.make(
            "audit-too-many-rejected",
            value=i.file,
            kind_zh=i.kind_zh,
            kind_en=KINDS[i.kind].name_en,
            read=i.rows_read,
            rejected=i.rows_rejected,
            share=f"{i.share_rejected * 100:.1f}%",
            limit=f"{limit * 100:.0f}%",
        )
        for i in reject_share(result)
        if i.share_rejected > limit
    ]


def _tallies(result: AuditResult, column: str, blank: str | None) -> dict[str, Tally]:
    """Findings and money per value of a grouped column (set-based over the findings' Arrow rows)."""
    parts = [t.select([column, "amount"]) for t in result.grouped.values() if t.num_rows]
    if not parts:
        return {}
    rows = pa.concat_tables(parts, promote_options="permissive")
    per = rows.group_by(column).aggregate([([], "count_all"), ("amount", "sum")])
    found: dict[str, Tally] = {}
    for key, n, amount in zip(
        per.column(column).to_pylist(),
        per.column("count_all").to_pylist(),
        per.column("amount_sum").to_pylist(),
        strict=True,
    ):
        name = key if key is not None else (blank or "")
        before = found.get(name, Tally(0, ZERO))
        found[name] = Tally(before.findings + n, (before.amount_yuan + (amount or ZERO)).quantize(_CENT))
    return dict(sorted(found.items()))


def summary(result: AuditResult, max_reject_share: Decimal = DEFAULT_MAX_REJECT_SHARE) -> AuditSummary:
    """The run in one record: rows read and rejected, detectors run or not, money by detector, unit, program."""
    total, paid, capped = headline(result)
    problems = list(result.problems)
    if capped:
        problems.append(Problem.make("audit-headline-capped", value=total, paid=paid))
    return AuditSummary(
        as_of=result.as_of,
        engine=result.engine,
        status_note_zh=STATUS_NOTE_ZH,
        inputs=reject_share(result),
        max_reject_share=max_reject_share,
        rejects_over_limit=tuple(over_limit(result, max_reject_share)),
        problems=tuple(problems),
        detectors=tuple(
            DetectorSummary(
                name=r.name,
                name_zh=detector(r.name).name_zh,
                issue=detector(r.name).issue,
                ran=r.ran,
                not_run_reason=r.reason,
                not_run_reason_zh=reason_zh(r.reason) or None,
                findings=r.findings,
                amount_yuan=r.amount_yuan,
                seconds=Decimal(r.seconds).quantize(_MILLI),
            )
            for r in result.runs
        ),
        findings=result.finding_count,
        amount_yuan=total,
        amount_paid_yuan=paid,
        by_unit=_tallies(result, "unit", None),
        by_program=_tallies(result, "program", "(several)"),
        timings_seconds={k: Decimal(v).quantize(_MILLI) for k, v in result.timings.items()},
    )


def unit_name(result: AuditResult, unit: str | None = None) -> str:
    """The reporting unit for the forms: ``unit``, else the findings' units."""
    if unit:
        return unit
    units = sorted({u for t in result.grouped.values() for u in t.column("unit").unique().to_pylist()})
    if not units:
        return "（未填）"
    return units[0] if len(units) == 1 else "、".join(units[:3]) + ("等" if len(units) > 3 else "")


def counts(result: AuditResult) -> Mapping[str, int]:
    return {r.name: r.findings for r in result.runs}
