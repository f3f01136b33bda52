"""一人既受理又审核: the same operator accepted and approved the payment."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence

PERSON = "420103198111250117"


def query(c: Context) -> Table:
    led = c.ledger.filter(lambda t: t.accepted_by.notnull() & (t.accepted_by == t.approved_by))
    return evidence(led, note=led.accepted_by)


SPEC = DetectorSpec(
    name="accept-and-approve",
    name_zh="一人既受理又审核",
    issue="systems.operations.accept-and-approve",
    citations=(
        cite("seed-002", "三（三）2", quote="是否存在一个人既受理又审核业务情况"),
        cite("seed-004", "二（五）14", quote="推行“受审分离”"),
    ),
    description_zh="同一笔发放的受理人与审核人为同一人。",
    description_en="The same operator accepted and approved the payment.",
    explain_zh="{name}（{id_number}）的{program_zh}由{note}一人受理并审核，涉及{amount}元。",
    explain_en="{name} ({id_number}): {program_zh} accepted and approved by the same operator {note}; {amount} yuan.",
    query=query,
    key=("note", "id_number", "program"),
    examples=(
        Example(
            title="August's payment accepted and approved by op03 alone",
            ledger=(
                {"payment_id": "ACA-1", "id_number": PERSON, "period": "2025-07"},
                {
                    "payment_id": "ACA-2",
                    "id_number": PERSON,
                    "period": "2025-08",
                    "accepted_by": "op03",
                    "approved_by": "op03",
                },
            ),
            expect=(Expect(PERSON, ("2025-08",), "466.67", ("ACA-2",)),),
        ),
    ),
)
