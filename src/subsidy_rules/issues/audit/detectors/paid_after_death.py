"""死亡后仍发放: payments for months after the month of death."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence, first_date, month_index

PERSON = "420103198104060120"


def query(c: Context) -> Table:
    d = first_date(c.rosters["deaths"], "died_on")
    d = d.select(d_id=d.id_number, died_on=d.died_on, death_pm=month_index(d.died_on))
    led = c.ledger
    j = led.join(d, led.id_number == d.d_id).filter(lambda t: t.period > t.death_pm)
    return evidence(j, note=j.died_on)


SPEC = DetectorSpec(
    name="paid-after-death",
    name_zh="死亡后仍发放",
    issue="eligibility.not-exited.not-stopped",
    needs=("deaths",),
    citations=(
        cite("seed-000", "三（二）1", quote="应退出未退出"),
        cite("seed-003", "附件2 注5", quote="因病故等原因应该退出享受补贴而未退出"),
    ),
    description_zh="死亡日期所在月之后的所属期仍有发放。",
    description_en="Payments for months after the month of death.",
    explain_zh="{name}（{id_number}）已于{note}死亡，其后{months}仍发放{program_zh}{amount}元。",
    explain_en="{name} ({id_number}) died on {note}; {program_zh} of {amount} yuan was still paid for {months}.",
    query=query,
    examples=(
        Example(
            title="Died on 10 May: June and July are paid after death, May is not",
            ledger=(
                {"payment_id": "DEA-1", "id_number": PERSON, "period": "2025-04"},
                {"payment_id": "DEA-2", "id_number": PERSON, "period": "2025-05"},
                {"payment_id": "DEA-3", "id_number": PERSON, "period": "2025-06"},
                {"payment_id": "DEA-4", "id_number": PERSON, "period": "2025-07"},
            ),
            rosters={"deaths": ({"id_number": PERSON, "died_on": "2025-05-10"},)},
            expect=(Expect(PERSON, ("2025-06", "2025-07"), "933.34", ("DEA-3", "DEA-4")),),
        ),
    ),
)
