"""未足额发放: a month's payment below the entitlement the rules compute."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.sample import contributions
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import entitlement_check, entitlement_note

PERSON = "420103198110120126"


def query(c: Context) -> Table:
    return entitlement_check(
        c, lambda t: t.entitled_fen.notnull() & (t.paid_fen < t.entitled_fen), lambda t: t.entitled_fen - t.paid_fen
    )


SPEC = DetectorSpec(
    name="short-payment",
    name_zh="未足额发放",
    issue="payment.short",
    needs=("contributions",),
    helpers=("ratio", "counted_insurance"),
    citations=(
        cite("seed-000", "三（二）1", quote="资金发放不及时、不足额"),
        cite("seed-003", "附件2 注3", quote="第11栏填应发放金额与实际发放金额的差额"),
    ),
    description_zh="当月发放额低于按规则计算的应发补贴额。",
    description_en="A month's payment below the entitlement the rules compute.",
    explain_zh="{name}（{id_number}）{months}的{program_zh}少发{amount}元（{note}）。",
    explain_en="{name} ({id_number}): {program_zh} for {months} is {amount} yuan short ({note}).",
    query=query,
    note_text=entitlement_note,
    examples=(
        Example(
            title="400.00 paid against 466.67 due: 66.67 short",
            ledger=(
                {"payment_id": "SHO-1", "id_number": PERSON, "period": "2025-04"},
                {"payment_id": "SHO-2", "id_number": PERSON, "period": "2025-05", "amount": "400.00"},
            ),
            rosters={"contributions": contributions(PERSON, "2025-04", "2025-05")},
            expect=(Expect(PERSON, ("2025-05",), "66.67", ("SHO-2",)),),
        ),
    ),
)
