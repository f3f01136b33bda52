"""向财政供养人员发放补贴: paid for a month in which the person was on the public payroll."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence, month_index, within_spell

PERSON = "420103198101270114"


def query(c: Context) -> Table:
    e = c.rosters["public-payroll"]
    e = e.select(e_id=e.id_number, s_start=month_index(e.start), s_end=month_index(e.end), employer=e.employer)
    led = c.ledger
    j = led.join(e, led.id_number == e.e_id).filter(within_spell)
    j = j.distinct(on=["payment_id"], keep="first")
    return evidence(j, note=j.employer)


SPEC = DetectorSpec(
    name="public-payroll",
    name_zh="向财政供养人员发放补贴",
    issue="eligibility.ineligible.public-payroll",
    needs=("public-payroll",),
    citations=(cite("seed-004", "二（五）13", quote="坚决防止超范围使用资金、向财政供养人员发放补贴等问题"),),
    description_zh="所属月本人为财政供养人员。",
    description_en="Paid for a month in which the person was on the public payroll.",
    explain_zh="{name}（{id_number}）{months}为财政供养人员（{note}），领取{program_zh}{amount}元。",
    explain_en=(
        "{name} ({id_number}) was on the public payroll ({note}) in {months} and drew {program_zh} of {amount} yuan."
    ),
    query=query,
    examples=(
        Example(
            title="On a public institution's payroll from January: every month paid is a lead",
            ledger=(
                {"payment_id": "PAY-1", "id_number": PERSON, "period": "2025-01"},
                {"payment_id": "PAY-2", "id_number": PERSON, "period": "2025-02"},
            ),
            rosters={
                "public-payroll": (
                    {"id_number": PERSON, "employer": "江汉区某事业单位", "start": "2025-01-01", "end": None},
                )
            },
            expect=(Expect(PERSON, ("2025-01", "2025-02"), "933.34", ("PAY-1", "PAY-2")),),
        ),
    ),
)
