"""未足额发放: a month's payment below the entitlement, only where a local standard sets one.

Where no local standard is stated (the national 2/3 is a ceiling, not a standard) the amount due
is undetermined and a shortfall cannot be asserted: those months are skipped and counted, and a run
with no local standard at all reports the check as not run, with the reason (``programs.standards``).
"""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.sample import contributions
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import entitlement_check, entitlement_coverage, entitlement_note

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
    helpers=("bounds",),
    coverage=entitlement_coverage,
    regime_note=True,
    citations=(
        cite("seed-000", "三（二）1", quote="资金发放不及时、不足额"),
        cite("seed-003", "附件2 注3", quote="第11栏填应发放金额与实际发放金额的差额"),
    ),
    description_zh="当月发放额低于按地方标准计算的应享受金额（当地未规定标准的月份不作判断，并说明原因）。",
    description_en=(
        "A month's payment below the entitlement a local standard sets (months without a local standard are not"
        " judged, and the reason is given)."
    ),
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
