"""超标准发放: a month's payment above the entitlement, or above the national cap where the entitlement is undetermined.

The national 2/3 is a ceiling (原则上不超过实际缴费的2/3), not a standard: where a layer states a
local standard the entitlement is that standard bounded by the cap, and a payment above it is a
lead; where none is stated the amount due is undetermined, but money above the cap is excess under
any local rule and is still found (``programs.standards``).
"""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.sample import contributions
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import entitlement_check, entitlement_note

PERSON = "420103198109110115"


def query(c: Context) -> Table:
    return entitlement_check(
        c,
        lambda t: (
            (t.entitled_fen.notnull() & (t.paid_fen > t.entitled_fen))
            | (t.entitled_fen.isnull() & (t.counted_fen > 0) & (t.paid_fen > t.limit_fen))
        ),
        lambda t: t.paid_fen - t.entitled_fen.fill_null(t.limit_fen),
    )


SPEC = DetectorSpec(
    name="above-standard",
    name_zh="超标准发放",
    issue="payment.excess.beyond-standard",
    needs=("contributions",),
    helpers=("bounds",),
    regime_note=True,
    citations=(
        cite("seed-000", "三（二）1", quote="超标准超范围发放"),
        cite("seed-003", "附件2 注2", quote="第7、8栏填写超出标准或范围发放的金额"),
    ),
    description_zh=(
        "当月发放额超过应享受金额（地方标准，且不超过国家上限）；当地未规定标准、应享受金额待定时，"
        "超过国家上限（原则上不超过实际缴费的2/3）的部分仍为超标准发放。"
    ),
    description_en=(
        "A month's payment above the entitlement (the local standard, bounded by the national cap); where no local"
        " standard is stated and the amount due is undetermined, money above the national cap (at most 2/3 of the"
        " contributions actually paid) is still excess."
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
