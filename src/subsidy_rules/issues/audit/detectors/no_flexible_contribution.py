"""无灵活就业缴费仍发放社保补贴: SI subsidy for a month with no counted flexible-worker contribution."""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.sample import contributions
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import entitlement, evidence, subsidy_payments

REFUNDED = "420103198111130115"
NONE_PAID = "420103198112140120"


def query(c: Context) -> Table:
    ent = entitlement(c).filter(lambda t: t.counted_fen == 0)
    led = subsidy_payments(c)
    j = led.join(ent, [led.id_number == ent.e_id, led.variant == ent.e_variant, led.period == ent.e_pm])
    return evidence(j, note=ibis.ifelse(j.any_refunded, "refunded", "none"))


def issue_of(note: str | None) -> str:
    """A refunded contribution, or none paid as a flexible worker at all (未以灵活就业身份缴纳社会保险)."""
    return (
        "eligibility.ineligible.contribution-refunded"
        if note == "refunded"
        else "eligibility.ineligible.not-flexible-insured"
    )


def note_text(note: str) -> tuple[str, str]:
    if note == "refunded":
        return "缴费已退费", "the contribution was refunded"
    return "无灵活就业身份缴费记录", "no contribution paid as a flexible worker"


_JUNE_REFUNDED = tuple(
    {**row, "refunded": "是"} if row["month"] == "2025-06" else row
    for row in contributions(REFUNDED, "2025-05", "2025-06")
)

SPEC = DetectorSpec(
    name="no-flexible-contribution",
    name_zh="无灵活就业缴费仍发放社保补贴",
    issue="eligibility.ineligible.contribution-refunded",
    issue_note=(
        "no contribution at all is 未以灵活就业身份缴纳社会保险 (not-flexible-insured); the finding records which in"
        " its note, classified under the refund node when refunded"
    ),
    needs=("contributions",),
    helpers=("bounds",),
    regime_note=True,
    citations=(
        cite(
            "seed-002",
            "三（一）1",
            quote=(
                "是否按规定进行灵活就业登记并以灵活就业身份缴纳社会保险、是否存在因灵活就业社会保险缴费退费原因不符合补贴条件"
            ),
        ),
    ),
    description_zh="社会保险补贴所属月没有计入的灵活就业身份缴费，或缴费已退费。",
    description_en="SI subsidy for a month with no counted flexible-worker contribution, or with a refunded one.",
    explain_zh="{name}（{id_number}）{months}无有效灵活就业缴费（{note}），仍发放{program_zh}{amount}元。",
    explain_en=(
        "{name} ({id_number}) had no counted flexible-worker contribution for {months} ({note}) yet was paid"
        " {program_zh} of {amount} yuan."
    ),
    query=query,
    issue_of=issue_of,
    note_text=note_text,
    examples=(
        Example(
            title="June's contributions were refunded: June's subsidy is a lead under the refund node",
            ledger=(
                {"payment_id": "NFC-1", "id_number": REFUNDED, "period": "2025-05"},
                {"payment_id": "NFC-2", "id_number": REFUNDED, "period": "2025-06"},
            ),
            rosters={"contributions": _JUNE_REFUNDED},
            expect=(
                Expect(
                    REFUNDED, ("2025-06",), "466.67", ("NFC-2",), issue="eligibility.ineligible.contribution-refunded"
                ),
            ),
        ),
        Example(
            title="No contribution at all for July: July's subsidy is a lead of not being insured as a flexible worker",
            ledger=(
                {"payment_id": "NFC-11", "id_number": NONE_PAID, "period": "2025-06"},
                {"payment_id": "NFC-12", "id_number": NONE_PAID, "period": "2025-07"},
            ),
            rosters={"contributions": contributions(NONE_PAID, "2025-06")},
            expect=(
                Expect(
                    NONE_PAID, ("2025-07",), "466.67", ("NFC-12",), issue="eligibility.ineligible.not-flexible-insured"
                ),
            ),
        ),
    ),
)
