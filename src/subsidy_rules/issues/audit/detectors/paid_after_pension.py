"""领取养老金后仍发放: a monthly subsidy paid for the month the pension starts or later."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import PERIODIC_CODES, evidence, first_date, month_index, of_programs

PERSON = "42010319810507011X"


def query(c: Context) -> Table:
    p = first_date(c.rosters["pensions"], "pension_start")
    p = p.select(p_id=p.id_number, pension_start=p.pension_start, pension_pm=month_index(p.pension_start))
    led = c.ledger.filter(lambda t: of_programs(t, PERIODIC_CODES))
    j = led.join(p, led.id_number == p.p_id).filter(lambda t: t.period >= t.pension_pm)
    return evidence(j, note=j.pension_start)


SPEC = DetectorSpec(
    name="paid-after-pension",
    name_zh="领取养老金后仍发放",
    issue="eligibility.not-exited.not-stopped",
    needs=("pensions",),
    citations=(cite("seed-002", "三（一）1", quote="享受养老保险待遇等应停发补贴而未及时停发补贴的情形"),),
    description_zh="按月发放的补贴在养老待遇起始月及以后仍有发放。",
    description_en="A monthly subsidy paid for the month the pension starts or later.",
    explain_zh="{name}（{id_number}）自{note}起领取养老待遇，{months}仍发放{program_zh}{amount}元。",
    explain_en="{name} ({id_number}) draws a pension from {note}; {program_zh} of {amount} yuan was paid for {months}.",
    query=query,
    examples=(
        Example(
            title="A pension from 1 July: July and August are paid too many",
            ledger=(
                {"payment_id": "PEN-1", "id_number": PERSON, "period": "2025-06"},
                {"payment_id": "PEN-2", "id_number": PERSON, "period": "2025-07"},
                {"payment_id": "PEN-3", "id_number": PERSON, "period": "2025-08"},
            ),
            rosters={"pensions": ({"id_number": PERSON, "pension_start": "2025-07-01"},)},
            expect=(Expect(PERSON, ("2025-07", "2025-08"), "933.34", ("PEN-2", "PEN-3")),),
        ),
    ),
)
