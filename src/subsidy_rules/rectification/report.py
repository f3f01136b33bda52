"""The monthly report (``ledger report --month YYYY-MM``): what moved in the month, by unit and by program.

Counts of the month: new items (imported), verified, excluded, moved to
rectifying, rectified, closed (销号), rejected (退回), and the items overdue
at the month's end (or today, for the current month); money found (the
amounts of the items verified in the month) and money recovered (recorded
with the rectifications of the month). The report is due by the 20th of the
next month — a dated parameter (``rectification.monthly_report.due_day``,
seed 000 四（二）1 and seed 001 五（二）1).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
from sqlalchemy import select

from subsidy_rules.core.citation import Citation
from subsidy_rules.core.month import Month
from subsidy_rules.parameters import jurisdiction
from subsidy_rules.programs.catalogue import catalogue
from subsidy_rules.rectification import schema as s
from subsidy_rules.rectification.deadlines import china_day
from subsidy_rules.rectification.masking import mask_id, mask_name
from subsidy_rules.rectification.states import state_machine
from subsidy_rules.rectification.store import Ledger, from_fen, now
from subsidy_rules.rectification.xlsx import Value, write_book

#: The parameter layer the report's due day is read from by default (seeds 000 and 001).
DEFAULT_JURISDICTION = "look-back-2022"
DUE_DAY = "rectification.monthly_report.due_day"
ZERO = Decimal("0.00")


@attrs.frozen
class Counts:
    """One line of the report (the whole ledger, a unit or a program)."""

    key: str
    new: int = 0
    verified: int = 0
    excluded: int = 0
    rectifying: int = 0
    rectified: int = 0
    closed: int = 0
    rejected: int = 0
    overdue: int = 0
    found_yuan: Decimal = ZERO
    recovered_yuan: Decimal = ZERO


@attrs.frozen
class OverdueItem:
    finding_id: str
    unit: str
    program: str | None
    id_number: str
    name: str | None
    owner: str | None
    deadline: date


@attrs.frozen
class MonthlyReport:
    """The month's report; ``due`` is when it must reach the campaign office, with its citation."""

    month: Month
    as_of: date
    due: date
    due_citation: Citation
    masked: bool
    totals: Counts
    by_unit: tuple[Counts, ...]
    by_program: tuple[Counts, ...]
    overdue_items: tuple[OverdueItem, ...]
    states_at_end: dict[str, int] = attrs.field(factory=dict, hash=False)


_MOVE_FIELD = {"verified": "verified", "excluded": "excluded", "rectified": "rectified", "closed": "closed"}


def due_date(month: Month, layer: str = DEFAULT_JURISDICTION) -> tuple[date, Citation]:
    """The day the month's report is due (the due day of the next month) and the citation that sets it."""
    nxt = month + 1
    day, used = jurisdiction(layer).integer(DUE_DAY, nxt.first_day)
    return date(nxt.year, nxt.month, day), used.citation


def monthly_report(
    ledger: Ledger,
    month: Month,
    *,
    today: date | None = None,
    unmasked: bool = False,
    layer: str = DEFAULT_JURISDICTION,
) -> MonthlyReport:
    """The report of ``month`` from the ledger's events (replayed up to the month's end).

    Each heading counts items (an item rectified twice in the month, once
    rejected, counts once under 已整改 and once under 退回); the money recovered
    is what the rectifications standing at the month's end recorded.
    """
    today = today or china_day(now())
    end = min(month.last_day, today) if month.first_day <= today else month.last_day
    due, cited = due_date(month, layer)
    # per line (total, a unit, a program): the items counted under each heading, and money per item
    tallies: dict[tuple[str, str], dict[str, dict[str, Decimal | None]]] = defaultdict(lambda: defaultdict(dict))

    def add(fid: str, field: str, amount: Decimal | None = None) -> None:
        unit, program = info[fid][0], info[fid][1]
        for key in (("total", ""), ("unit", unit), ("program", program or "（多个项目）")):
            tallies[key][field][fid] = amount

    def drop(fid: str, field: str) -> None:
        for line in tallies.values():
            line[field].pop(fid, None)

    info: dict[str, tuple[str, str | None, Decimal, str, str | None]] = {}
    state: dict[str, str] = {}
    deadline: dict[str, date | None] = {}
    with ledger.engine.connect() as conn:
        for r in conn.execute(
            select(
                s.items.c.finding_id,
                s.items.c.unit,
                s.items.c.program,
                s.items.c.amount_fen,
                s.items.c.id_number,
                s.items.c.name,
                s.items.c.owner,
            )
        ):
            info[r.finding_id] = (r.unit, r.program, from_fen(r.amount_fen), r.id_number, r.name)
        owners = {r.finding_id: r.owner for r in conn.execute(select(s.items.c.finding_id, s.items.c.owner))}
        query = select(
            s.events.c.finding_id,
            s.events.c.at,
            s.events.c.kind,
            s.events.c.from_status,
            s.events.c.to_status,
            s.events.c.changes,
        ).order_by(s.events.c.finding_id, s.events.c.seq)
        for e in conn.execute(query):
            day = china_day(e.at)
            if day > end:
                continue
            fid, amount = e.finding_id, info[e.finding_id][2]
            changes = json.loads(e.changes)
            in_month = month.contains(day)
            if e.kind == "imported":
                state[fid] = state_machine().initial
                if in_month:
                    add(fid, "new")
            elif e.kind == "moved":
                state[fid] = e.to_status
                if in_month:
                    if e.to_status == "rectifying":
                        add(fid, "rejected" if e.from_status == "rectified" else "rectifying")
                        drop(fid, "recovered_yuan")  # a rejected rectification recovers nothing (yet)
                    elif e.to_status in _MOVE_FIELD:
                        add(fid, _MOVE_FIELD[e.to_status])
                    if e.to_status == "verified":
                        add(fid, "found_yuan", amount)
                    if e.to_status == "rectified" and "recovered_yuan" in changes:
                        add(fid, "recovered_yuan", Decimal(changes["recovered_yuan"]))
            if "deadline" in changes:
                deadline[e.finding_id] = date.fromisoformat(changes["deadline"])
    overdue: list[OverdueItem] = []
    states_at_end: dict[str, int] = dict.fromkeys(state_machine().codes(), 0)
    for fid, st in sorted(state.items()):
        states_at_end[st] += 1
        dl = deadline.get(fid)
        if st == "rectifying" and dl is not None and end > dl:
            unit, program, _, id_number, name = info[fid]
            add(fid, "overdue")
            overdue.append(
                OverdueItem(
                    fid,
                    unit,
                    program,
                    id_number if unmasked else mask_id(id_number),
                    name if unmasked else mask_name(name),
                    owners.get(fid),
                    dl,
                )
            )

    def counts(key: tuple[str, str]) -> Counts:
        t = tallies.get(key, {})

        def money(field: str) -> Decimal:
            return sum((v for v in t.get(field, {}).values() if v is not None), ZERO).quantize(Decimal("0.01"))

        return Counts(
            key=key[1],
            **{
                f: len(t.get(f, {}))
                for f in ("new", "verified", "excluded", "rectifying", "rectified", "closed", "rejected", "overdue")
            },
            found_yuan=money("found_yuan"),
            recovered_yuan=money("recovered_yuan"),
        )

    return MonthlyReport(
        month=month,
        as_of=end,
        due=due,
        due_citation=cited,
        masked=not unmasked,
        totals=counts(("total", "")),
        by_unit=tuple(counts(k) for k in sorted(tallies) if k[0] == "unit"),
        by_program=tuple(counts(k) for k in sorted(tallies) if k[0] == "program"),
        overdue_items=tuple(sorted(overdue, key=lambda o: (o.unit, o.deadline, o.finding_id))),
        states_at_end=states_at_end,
    )


COLUMNS_ZH = (
    "新增",
    "已核实",
    "已排除",
    "进入整改",
    "已整改",
    "已销号",
    "退回重改",
    "逾期",
    "核实问题金额（元）",
    "追回金额（元）",
)


def counts_row(c: Counts) -> list[Value]:
    return [
        c.new,
        c.verified,
        c.excluded,
        c.rectifying,
        c.rectified,
        c.closed,
        c.rejected,
        c.overdue,
        c.found_yuan,
        c.recovered_yuan,
    ]


def report_lines(report: MonthlyReport) -> list[str]:
    """The report as text for a person (Chinese)."""
    t = report.totals
    cite = report.due_citation
    lines = [
        f"整改台账月报 {report.month}（统计至 {report.as_of}）",
        f"应于 {report.due} 前报送（依据：{cite.document_number or cite.title} {cite.article or ''}）",
        f"新增 {t.new}，核实 {t.verified}，排除 {t.excluded}，进入整改 {t.rectifying}，整改完成 {t.rectified}，"
        f"销号 {t.closed}，退回 {t.rejected}，逾期 {t.overdue}；"
        f"核实问题金额 {t.found_yuan} 元，追回 {t.recovered_yuan} 元",
        "月末各状态：" + "，".join(f"{state_machine().name_zh(k)} {v}" for k, v in report.states_at_end.items()),
    ]
    for title, rows, label in (("按单位", report.by_unit, str), ("按项目", report.by_program, program_name)):
        lines.append(title + "：")
        for c in rows:
            lines.append(
                f"  {label(c.key)}：新增 {c.new}，核实 {c.verified}，排除 {c.excluded}，整改中 {c.rectifying}，"
                f"已整改 {c.rectified}，销号 {c.closed}，逾期 {c.overdue}，"
                f"金额 {c.found_yuan} 元，追回 {c.recovered_yuan} 元"
            )
    for o in report.overdue_items:
        lines.append(f"  逾期：{o.finding_id}（{o.unit}，责任人 {o.owner or '未填'}，时限 {o.deadline}）")
    return lines


def program_name(code: str) -> str:
    """A program as people read it: its Chinese name (the code itself when the catalogue does not know it)."""
    try:
        return catalogue().get(code).name_zh
    except LookupError:
        return code


def write_report_xlsx(report: MonthlyReport, path: Path | str) -> Path:
    """The report as a workbook for people: 汇总, 按单位, 按项目, 逾期事项."""
    cite = report.due_citation
    title = (
        f"整改台账月报 {report.month}（统计至 {report.as_of}；应于 {report.due} 前报送，依据 "
        f"{cite.document_number or cite.title} {cite.article or ''}）"
    )
    headers = ["", *COLUMNS_ZH]
    return write_book(
        path,
        [
            ("汇总", title, headers, [["合计", *counts_row(report.totals)]]),
            ("按单位", title, ["单位", *COLUMNS_ZH], [[c.key, *counts_row(c)] for c in report.by_unit]),
            (
                "按项目",
                title,
                ["项目", *COLUMNS_ZH],
                [[program_name(c.key), *counts_row(c)] for c in report.by_program],
            ),
            (
                "逾期事项",
                title,
                ["问题编号", "单位", "项目", "身份证号", "姓名", "责任人", "整改时限"],
                [
                    [o.finding_id, o.unit, o.program, o.id_number, o.name, o.owner, o.deadline]
                    for o in report.overdue_items
                ],
            ),
        ],
    )


__all__ = ["DEFAULT_JURISDICTION", "MonthlyReport", "due_date", "monthly_report", "write_report_xlsx"]
