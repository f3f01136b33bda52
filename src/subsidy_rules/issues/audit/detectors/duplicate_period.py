"""同期重复发放: the same person paid twice or more for the same program and month."""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence


def query(c: Context) -> Table:
    led = c.ledger
    dup = led.group_by(["id_number", "program", "period"]).aggregate(n=led.count()).filter(lambda g: g.n > 1)
    dup = dup.select(d_id=dup.id_number, d_prog=dup.program, d_pm=dup.period)
    j = led.join(dup, [led.id_number == dup.d_id, led.program == dup.d_prog, led.period == dup.d_pm])
    w = ibis.window(group_by=[j.id_number, j.program, j.period], order_by=[j.paid_on, j.payment_id])
    j = j.mutate(rank=ibis.row_number().over(w))
    at_issue = ibis.ifelse(j.rank == 0, ibis.literal(0).cast("decimal(18, 2)"), j.amount)
    return evidence(j, at_issue, (j.rank + 1).cast("string"))


SPEC = DetectorSpec(
    name="duplicate-period",
    name_zh="同期重复发放",
    issue="payment.excess.beyond-standard",
    issue_note="a second payment for a month pays above the month's standard (超标准)",
    citations=(
        cite("seed-000", "三（二）1", quote="超标准超范围发放"),
        cite("seed-001", "三（一）3", quote="超标准超范围发放"),
    ),
    description_zh="同一人同一项目同一所属期发放两次以上：第二笔起的金额为疑点金额。",
    description_en=(
        "The same person paid twice or more for the same program and month: the money from the second payment on"
        " is at issue."
    ),
    explain_zh="{name}（{id_number}）的{program_zh}在{months}重复发放，重复金额{amount}元。",
    explain_en="{name} ({id_number}) was paid {program_zh} more than once for {months}; {amount} yuan paid twice.",
    query=query,
    key=("id_number", "program", "pm"),
    note_text=lambda n: (f"第{n}笔", f"payment no. {n}"),
    examples=(
        Example(
            title="March paid twice: the second payment is at issue, the first is not",
            ledger=(
                {"payment_id": "DUP-1", "id_number": "420103198101030110", "period": "2025-02"},
                {"payment_id": "DUP-2", "id_number": "420103198101030110", "period": "2025-03"},
                {
                    "payment_id": "DUP-3",
                    "id_number": "420103198101030110",
                    "period": "2025-03",
                    "paid_on": "2025-03-25",
                },
            ),
            expect=(Expect("420103198101030110", ("2025-03",), "466.67", ("DUP-2", "DUP-3")),),
            also=("above-standard",),
        ),
        Example(
            title="A one-off grant for the disabled paid twice in April",
            ledger=(
                {
                    "payment_id": "DUP-11",
                    "id_number": "420103198103050115",
                    "period": "2025-04",
                    "program": "disabled-self-employment-grant",
                    "unit": "江汉区残联",
                    "amount": "5000.00",
                    "paid_on": "2025-04-16",
                    "channel": "one-card",
                    "account": "622299990001",
                },
                {
                    "payment_id": "DUP-12",
                    "id_number": "420103198103050115",
                    "period": "2025-04",
                    "program": "disabled-self-employment-grant",
                    "unit": "江汉区残联",
                    "amount": "5000.00",
                    "paid_on": "2025-04-25",
                    "channel": "one-card",
                    "account": "622299990001",
                },
            ),
            expect=(Expect("420103198103050115", ("2025-04",), "5000.00", ("DUP-11", "DUP-12")),),
        ),
        Example(
            title="One payment a month is no duplicate",
            ledger=(
                {"payment_id": "DUP-21", "id_number": "420103198102040126", "period": "2025-03"},
                {"payment_id": "DUP-22", "id_number": "420103198102040126", "period": "2025-04"},
            ),
        ),
    ),
)
