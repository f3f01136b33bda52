"""先于资格发放: a program paid for months before the person's first approval for it.

The approvals roster gives the first approval (初次核定) of each person and
program; a payment for an earlier month pays a subsidy whose period had not
begun. Months before the difficulty identification are found by
``not-difficulty-person`` (a month outside every identification spell), so
they are not counted here twice.

Limitations:
    The flexible-employment registration (灵活就业登记) would be a third
    start; no roster of the audit's input contract carries it, so it is not
    checked.
"""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence, month_index

EARLY = "420103198103290119"
ON_TIME = "420103198104300120"
FLEX = "flexible-employment-si-subsidy"


def query(c: Context) -> Table:
    ap = c.rosters["approvals"]
    first = ap.group_by(["id_number", "program"]).aggregate(first_approval=ap.first_approval.min())
    first = first.select(
        a_id=first.id_number,
        a_program=first.program,
        first_approval=first.first_approval,
        fa_pm=month_index(first.first_approval),
    )
    led = c.ledger
    j = led.join(first, [led.id_number == first.a_id, led.program == first.a_program])
    j = j.filter(lambda t: t.period < t.fa_pm)
    return evidence(j, note=j.first_approval)


SPEC = DetectorSpec(
    name="paid-before-eligible",
    name_zh="先于资格发放",
    issue="payment.excess.beyond-scope",
    issue_note="a month before the period began is outside the subsidy's scope (超范围)",
    needs=("approvals",),
    citations=(
        cite("seed-000", "三（二）1", quote="超标准超范围发放"),
        cite("seed-002", "三（一）1", quote="重点核查申请人是否为就业困难人员、是否按规定进行灵活就业登记"),
    ),
    description_zh="所属期早于该项目初次核定的月份（补贴期限尚未开始）。",
    description_en=(
        "A month paid before the month of the person's first approval for the program (the period had not begun)."
    ),
    explain_zh="{name}（{id_number}）的{program_zh}于{note}初次核定，此前的{months}已发放{amount}元。",
    explain_en=(
        "{name} ({id_number}) was first approved for {program_zh} on {note}; {amount} yuan was paid for {months},"
        " before it."
    ),
    query=query,
    examples=(
        Example(
            title="First approved on 10 March 2025: January and February were paid before the period began",
            ledger=(
                {"payment_id": "PBE-1", "id_number": EARLY, "period": "2025-01"},
                {"payment_id": "PBE-2", "id_number": EARLY, "period": "2025-02"},
                {"payment_id": "PBE-3", "id_number": EARLY, "period": "2025-03"},
            ),
            rosters={"approvals": ({"id_number": EARLY, "program": FLEX, "first_approval": "2025-03-10"},)},
            expect=(Expect(EARLY, ("2025-01", "2025-02"), "933.34", ("PBE-1", "PBE-2")),),
        ),
        Example(
            title="The month of first approval itself is within the period",
            ledger=({"payment_id": "PBE-11", "id_number": ON_TIME, "period": "2025-03"},),
            rosters={"approvals": ({"id_number": ON_TIME, "program": FLEX, "first_approval": "2025-03-25"},)},
        ),
    ),
)
