"""正规就业期间领取灵活就业社保补贴: the flexible-employment SI subsidy paid for a month of formal employment."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import (
    FLEXIBLE_CODES,
    GRADUATE_CODES,
    evidence,
    month_index,
    of_programs,
    within_spell,
)

PERSON = "420103198107090114"


def query(c: Context) -> Table:
    e = c.rosters["employment"]
    e = e.select(e_id=e.id_number, s_start=month_index(e.start), s_end=month_index(e.end), employer=e.employer)
    led = c.ledger.filter(lambda t: of_programs(t, FLEXIBLE_CODES + GRADUATE_CODES))
    j = led.join(e, led.id_number == e.e_id).filter(within_spell)
    j = j.distinct(on=["payment_id"], keep="first")
    return evidence(j, note=j.employer)


SPEC = DetectorSpec(
    name="paid-while-employed",
    name_zh="正规就业期间领取灵活就业社保补贴",
    issue="eligibility.not-exited.not-stopped",
    needs=("employment",),
    citations=(
        cite("seed-002", "三（一）1", quote="是否存在已正规就业、享受养老保险待遇等应停发补贴而未及时停发补贴的情形"),
    ),
    description_zh="灵活就业社会保险补贴的所属月内本人在单位正规就业。",
    description_en="Flexible-employment SI subsidy paid for a month in which the person was formally employed.",
    explain_zh="{name}（{id_number}）{months}在{note}正规就业，仍领取{program_zh}{amount}元。",
    explain_en=(
        "{name} ({id_number}) was formally employed at {note} in {months} yet drew {program_zh} of {amount} yuan."
    ),
    query=query,
    examples=(
        Example(
            title="Employed from 15 June: June and July are paid while employed, May is not",
            ledger=(
                {"payment_id": "EMP-1", "id_number": PERSON, "period": "2025-05"},
                {"payment_id": "EMP-2", "id_number": PERSON, "period": "2025-06"},
                {"payment_id": "EMP-3", "id_number": PERSON, "period": "2025-07"},
            ),
            rosters={
                "employment": (
                    {"id_number": PERSON, "start": "2025-06-15", "end": None, "employer": "武汉某物流有限公司"},
                    {"id_number": PERSON, "start": "2020-01-01", "end": "2023-12-31", "employer": "武汉某商贸公司"},
                )
            },
            expect=(Expect(PERSON, ("2025-06", "2025-07"), "933.34", ("EMP-2", "EMP-3")),),
        ),
    ),
)
