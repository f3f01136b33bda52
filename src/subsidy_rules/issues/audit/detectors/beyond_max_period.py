"""超期限发放: a month past the maximum period from first approval.

Covers the flexible-employment subsidy (with the near-retirement extension)
and the graduate variant; post placements have their own periods and are not
checked here.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.core.month import Month
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import (
    FAR_FUTURE,
    FLEXIBLE_CODES,
    GRADUATE_CODES,
    evidence,
    joined,
    month_index,
    subsidy_payments,
    variant,
    with_birth,
    with_retirement_group,
)

PERSON = "420103198108100126"


def query(c: Context) -> Table:
    ap = c.rosters["approvals"]
    ap = ap.filter(ap.program.isin(FLEXIBLE_CODES + GRADUATE_CODES))
    ap = ap.mutate(a_variant=variant(ap))
    ap = ap.group_by(["id_number", "a_variant"]).aggregate(first_approval=ap.first_approval.min())
    ap = ap.mutate(fa_pm=month_index(ap.first_approval))
    params = c.helpers["period_params"]
    ap = ap.join(params, [ap.a_variant == params.p_variant, ap.fa_pm == params.p_pm])
    ap = ap.select(
        a_id=ap.id_number,
        a_variant=ap.a_variant,
        first_approval=ap.first_approval,
        fa_pm=ap.fa_pm,
        max_months=ap.max_months,
        near_years=ap.near_years,
    )
    led = with_retirement_group(c, with_birth(subsidy_payments(c)))
    ret = c.helpers["retirement"]
    led = led.left_join(ret, [led.birth_pm == ret.r_birth_pm, led.grp == ret.r_grp])
    j = led.join(ap, [led.id_number == ap.a_id, led.variant == ap.a_variant])
    limit = j.fa_pm + j.max_months - 1
    near = j.near_years.notnull() & j.retire_pm.notnull() & ((j.retire_pm - j.fa_pm) < j.near_years * 12)
    end = ibis.ifelse(near, j.retire_pm - 1, limit)
    end = ibis.ifelse(j.retire_pm.notnull() & (j.retire_pm - 1 < end), j.retire_pm - 1, end)
    j = j.mutate(end_pm=end, near=near)
    j = j.filter(lambda t: (t.period > t.end_pm) & (t.period < t.retire_pm.fill_null(FAR_FUTURE)))
    return evidence(j, note=joined(j.first_approval, j.end_pm, j.near))


def note_text(note: str) -> tuple[str, str]:
    """``first approval|last month index|near retirement`` in words."""
    first, end, near = note.split("|")
    last = Month.from_index(int(end))
    extended = near == "true"
    return (
        f"初次核定{first}，期限至{last}" + ("，按初次核定时年龄享受至退休" if extended else ""),
        f"first approval {first}, period to {last}" + (" (near retirement at first approval)" if extended else ""),
    )


SPEC = DetectorSpec(
    name="beyond-max-period",
    name_zh="超期限发放",
    issue="payment.excess.beyond-scope",
    issue_note="a month beyond the period is outside the subsidy's scope (超范围)",
    needs=("approvals",),
    uses=("persons",),
    helpers=("period_params", "retirement"),
    regime_note=True,
    citations=(cite("seed-000", "三（二）1", quote="超标准超范围发放"),),
    description_zh="所属期超过自初次核定起的最长补贴期限（距法定退休年龄不足规定年限的，以初次核定时年龄为准可延长至退休）。",
    description_en=(
        "A month past the maximum period from first approval (extended to retirement when, at first approval,"
        " fewer than the set years remained)."
    ),
    explain_zh="{name}（{id_number}）的{program_zh}补贴期限已满（{note}），{months}仍发放{amount}元。",
    explain_en="{name} ({id_number}): the {program_zh} period had ended ({note}); {amount} yuan paid for {months}.",
    query=query,
    note_text=note_text,
    examples=(
        Example(
            title="First approved in March 2022: 36 months run to February 2025, March and April are past the period",
            ledger=(
                {"payment_id": "BMP-1", "id_number": PERSON, "period": "2025-02"},
                {"payment_id": "BMP-2", "id_number": PERSON, "period": "2025-03"},
                {"payment_id": "BMP-3", "id_number": PERSON, "period": "2025-04"},
            ),
            rosters={
                "approvals": (
                    {"id_number": PERSON, "program": "flexible-employment-si-subsidy", "first_approval": "2022-03-01"},
                )
            },
            expect=(Expect(PERSON, ("2025-03", "2025-04"), "933.34", ("BMP-2", "BMP-3")),),
        ),
    ),
)
