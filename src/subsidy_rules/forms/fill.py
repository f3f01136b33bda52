"""Fill campaign forms from audit findings through the taxonomy's crosswalks.

A finding is classified once (``Finding.issue``); the crosswalk tells which
column of a form reports that node (the node or one of its ancestors). For
a program × problem form (seed 000 附件2) the row is the finding's program,
or the combined row that lists it as a part (rows 24, 39, 40 gather their
parts), or 其他 (row 41). For a per-unit statistics form (seed 003 附件2)
the one row is the unit's. For a problem list (seed 002 问题清单) each
(issue type) becomes one line with its persons and money.

Money: each payment's money at issue is counted once per cell (two findings
about the same payment in one cell count it once, at the larger amount),
summed in 元 and converted once to 万元 with the column's decimals,
ROUND_HALF_UP. Counts: persons are distinct ID numbers; cards are distinct
accounts.

Every filled form says that it is drawn from leads (疑点) not yet verified:
on its 填报单位 line, or, when the form has none (seed 003 附件2), on its
填入/填表人 line.

References:
    seed 000 附件2; seed 003 附件2 注1–8; seed 002 附件; DESIGN.md (元 inside, 万元 on forms).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import attrs

from subsidy_rules.core.text import safe_cell_text
from subsidy_rules.forms.data import CellValue, FormData
from subsidy_rules.forms.loader import layout
from subsidy_rules.forms.model import ColumnKind, FormLayout, RowAxisKind
from subsidy_rules.forms.template import write_filled
from subsidy_rules.issues.audit.engine import AuditResult
from subsidy_rules.issues.audit.outputs import at_issue, unit_name
from subsidy_rules.issues.model import Finding, Measure
from subsidy_rules.issues.registry import taxonomy
from subsidy_rules.programs.catalogue import catalogue

#: The forms the audit fills.
FILLED_FORMS = ("wuhan-2022-problem-stats", "tongchuan-2021-problems", "chongqing-2023-problem-list")
LEAD_MARK = "（据数据比对疑点生成，待核实）"
#: a form with no 填报单位 line says it on the line naming who filled it in
FILLED_BY = "subsidy-rules 数据比对（疑点，待核实）"
_FILLED_BY_LABELS = ("填入：", "填表人：")


def _fields(lay: FormLayout) -> dict[str, str]:
    return {line.label: FILLED_BY for line in lay.header_lines if line.label in _FILLED_BY_LABELS}


def _row_key(lay: FormLayout, program: str | None) -> str | None:
    keys = [r.key for r in lay.rows.rows]
    if program is not None and program in keys:
        return program
    if program is not None:
        for p in catalogue():
            if program in p.parts and p.code in keys:
                return p.code
    others = [k for k in keys if k.endswith("-other")]
    return others[0] if others else None


def _columns(form_id: str, issue: str) -> list[int]:
    return taxonomy().columns_for(issue).get(form_id, [])


def _wan(yuan: Decimal, decimals: int) -> Decimal:
    return (yuan / Decimal(10000)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _payment_amounts(f: Finding, at_issue: Mapping[tuple[str, str], Decimal] | None) -> dict[str, Decimal]:
    """payment id -> money at issue for this finding (the finding's total spread evenly when not given)."""
    if at_issue is not None:
        return {p: at_issue.get((f.detector, p), Decimal(0)) for p in f.evidence}
    if len(f.evidence) == 1:
        return {f.evidence[0]: f.amount_yuan}
    # no per-payment split known: the whole amount on the first payment keeps the sum exact
    return {p: (f.amount_yuan if i == 0 else Decimal(0)) for i, p in enumerate(f.evidence)}


def form_data(
    form_id: str,
    findings: Iterable[Finding],
    unit: str,
    at_issue: Mapping[tuple[str, str], Decimal] | None = None,
) -> FormData:
    """The form filled from ``findings``; ``at_issue`` maps (detector, payment id) to its money at issue."""
    lay = layout(form_id)
    items = findings
    mark = safe_cell_text(unit) + LEAD_MARK  # the unit is text from the ledger: control characters escaped
    if lay.rows.kind is RowAxisKind.FREE:
        return _problem_list(lay, items, mark, at_issue)
    money: dict[tuple[str, int], dict[str, Decimal]] = defaultdict(dict)
    persons: dict[tuple[str, int], set[str]] = defaultdict(set)
    cards: dict[tuple[str, int], set[str]] = defaultdict(set)
    single = lay.rows.rows[0].key if len(lay.rows.rows) == 1 else None
    for f in items:
        row = single or _row_key(lay, f.program)
        if row is None:
            continue
        for col in _columns(form_id, f.issue):
            column = lay.column(col)
            cell = (row, col)
            if column.kind is ColumnKind.AMOUNT:
                for pid, amount in _payment_amounts(f, at_issue).items():
                    money[cell][pid] = max(amount, money[cell].get(pid, Decimal(0)))
            elif column.kind is ColumnKind.COUNT:
                item = taxonomy().crosswalk(form_id).item(col)
                if item.measure is Measure.CARDS:
                    cards[cell].add(f.account or f.id_number)
                else:
                    persons[cell].add(f.id_number)
    values: dict[str, dict[int, CellValue | None]] = defaultdict(dict)
    for (row, col), per_payment in money.items():
        values[row][col] = _wan(sum(per_payment.values(), Decimal(0)), lay.column(col).decimals)
    for (row, col), ids in persons.items():
        values[row][col] = Decimal(len(ids))
    for (row, col), accounts in cards.items():
        values[row][col] = Decimal(len(accounts))
    data = FormData.from_values(lay, values, unit=mark, with_totals=True)
    return attrs.evolve(data, fields=_fields(lay))


def _problem_list(
    lay: FormLayout, items: Iterable[Finding], mark: str, at_issue: Mapping[tuple[str, str], Decimal] | None
) -> FormData:
    tx = taxonomy()
    by_issue: dict[str, list[Finding]] = defaultdict(list)
    code_col = next(c.number for c in lay.columns if c.kind is ColumnKind.ISSUE_TYPE)
    for f in items:
        if tx.columns_for(f.issue).get(lay.id):
            by_issue[f.issue].append(f)
    values: dict[str, dict[int, CellValue | None]] = {}
    for n, (issue, group) in enumerate(sorted(by_issue.items()), start=1):
        per_payment: dict[str, Decimal] = {}
        for f in group:
            for pid, amount in _payment_amounts(f, at_issue).items():
                per_payment[pid] = max(amount, per_payment.get(pid, Decimal(0)))
        row: dict[int, CellValue | None] = {}
        for column in lay.columns:
            if column.kind is ColumnKind.SERIAL:
                row[column.number] = Decimal(n)
            elif column.number == code_col:
                row[column.number] = issue
            elif column.kind is ColumnKind.TEXT and column.number == code_col + 1:
                detectors = sorted({f.detector for f in group})
                row[column.number] = (
                    f"{tx.get(issue).name_zh}：数据比对发现疑点{len(group)}条（{'、'.join(detectors)}），待核实"
                )
            elif column.kind is ColumnKind.COUNT:
                row[column.number] = Decimal(len({f.id_number for f in group}))
            elif column.kind is ColumnKind.AMOUNT:
                total = sum(per_payment.values(), Decimal(0))
                row[column.number] = total.quantize(Decimal(1).scaleb(-column.decimals), rounding=ROUND_HALF_UP)
        values[str(n)] = row
    return attrs.evolve(FormData.from_values(lay, values, unit=mark), fields=_fields(lay))


def fill_forms(
    findings: Iterable[Finding],
    directory: Path | str,
    unit: str,
    at_issue: Mapping[tuple[str, str], Decimal] | None = None,
    forms: Sequence[str] = FILLED_FORMS,
) -> dict[str, Path]:
    """Write each form filled from ``findings`` into ``directory``; returns form id -> path."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    # a one-pass iterator is kept; an iterable such as ``AuditResult.streamed`` is read again per form
    items = list(findings) if isinstance(findings, Iterator) else findings
    paths: dict[str, Path] = {}
    for form_id in forms:
        data = form_data(form_id, items, unit, at_issue)
        paths[form_id] = write_filled(layout(form_id), data, out / f"{form_id}.xlsx")
    return paths


def fill_from_audit(result: AuditResult, directory: Path | str, unit: str | None = None) -> dict[str, Path]:
    """Fill every form the audit's findings can fill, into ``directory`` (``forms/`` of an audit's output)."""
    return fill_forms(result.streamed, directory, unit_name(result, unit), at_issue(result))
