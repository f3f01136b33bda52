"""审批日期顺序异常: paid before approval, or approved before application."""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence

PERSON = "42010319810228012X"


def query(c: Context) -> Table:
    led = c.ledger
    paid_early = led.approved_on.notnull() & (led.paid_on < led.approved_on)
    approved_early = led.approved_on.notnull() & led.applied_on.notnull() & (led.approved_on < led.applied_on)
    led = led.filter(paid_early | approved_early)
    note = ibis.ifelse(
        led.approved_on.notnull() & (led.paid_on < led.approved_on), "paid-before-approved", "approved-before-applied"
    )
    return evidence(led, note=note)


def note_text(note: str) -> tuple[str, str]:
    if note == "paid-before-approved":
        return "发放早于审核", "paid before approval"
    return "审核早于申请", "approved before application"


SPEC = DetectorSpec(
    name="date-order",
    name_zh="审批日期顺序异常",
    issue="management.review-duties",
    citations=(cite("seed-000", "三（二）1", quote="没有履行审核审批程序和监督责任"),),
    description_zh="发放日期早于审核日期，或审核日期早于申请日期。",
    description_en="Paid before approval, or approved before application.",
    explain_zh="{name}（{id_number}）的{program_zh}审批顺序异常（{note}），涉及{amount}元。",
    explain_en="{name} ({id_number}): {program_zh} dates out of order ({note}); {amount} yuan.",
    query=query,
    note_text=note_text,
    examples=(
        Example(
            title="June's subsidy paid on the 8th, approved on the 10th",
            ledger=(
                {"payment_id": "ORD-1", "id_number": PERSON, "period": "2025-05"},
                {"payment_id": "ORD-2", "id_number": PERSON, "period": "2025-06", "paid_on": "2025-06-08"},
            ),
            expect=(Expect(PERSON, ("2025-06",), "466.67", ("ORD-2",)),),
        ),
    ),
)
