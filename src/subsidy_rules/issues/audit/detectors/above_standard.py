"""超标准发放: a month's payment above the entitlement the rules compute from the counted contributions."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.sample import contributions
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import entitlement_check, entitlement_note

PERSON = "420103198109110115"


def query(c: Context) -> Table:
    return entitlement_check(
        c, lambda t: t.entitled_fen.notnull() & (t.paid_fen > t.entitled_fen), lambda t: t.paid_fen - t.entitled_fen
    )


SPEC = DetectorSpec(
    name="above-standard",
    name_zh="超标准发放",
    issue="payment.excess.beyond-standard",
    needs=("contributions",),
    helpers=("ratio", "counted_insurance"),
    citations=(
        cite("seed-000", "三（二）1", quote="超标准超范围发放"),
        cite("seed-003", "附件2 注2", quote="第7、8栏填写超出标准或范围发放的金额"),
    ),
    description_zh="当月发放额超过按实际缴纳的灵活就业社会保险费计算的补贴额（比例及上限按当月参数）。",
    description_en=(
        "A month's payment above the share of the counted flexible-worker contributions (ratio and cap as in force"
        " that month)."
    ),
    explain_zh="{name}（{id_number}）{months}的{program_zh}超标准发放{amount}元（{note}）。",
    explain_en="{name} ({id_number}): {program_zh} for {months} exceeds the entitlement by {amount} yuan ({note}).",
    query=query,
    note_text=entitlement_note,
    examples=(
        Example(
            title="600.00 paid against 2/3 × (500 + 200) = 466.67: 133.33 above the standard",
            ledger=(
                {"payment_id": "ABV-1", "id_number": PERSON, "period": "2025-03"},
                {"payment_id": "ABV-2", "id_number": PERSON, "period": "2025-04", "amount": "600.00"},
            ),
            rosters={"contributions": contributions(PERSON, "2025-03", "2025-04")},
            expect=(Expect(PERSON, ("2025-04",), "133.33", ("ABV-2",)),),
        ),
    ),
)
