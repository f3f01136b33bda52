"""身份证号无效: a resident ID with a wrong check character, an impossible birth date or the wrong length."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence

#: 420103198307140155 with its check character changed
BAD = "420103198307140150"

_REASONS = {
    "length": "位数不对",
    "characters": "含非法字符",
    "birth-date": "出生日期不存在",
    "check-digit": "校验码错误",
}


def query(c: Context) -> Table:
    bad = c.helpers["invalid_ids"]
    led = c.ledger
    j = led.join(bad, led.id_number == bad.bad_id)
    return evidence(j, note=j.reason)


SPEC = DetectorSpec(
    name="invalid-id",
    name_zh="身份证号无效",
    issue="management.beneficiary-data",
    helpers=("invalid_ids",),
    citations=(cite("seed-000", "三（二）1", quote="没有及时核实更新补贴对象身份信息"),),
    description_zh="身份证号校验码错误、出生日期不存在或位数不对。",
    description_en="A resident ID with a wrong check character, an impossible birth date or the wrong length.",
    explain_zh="{name}的身份证号{id_number}无效（{note}），涉及发放{amount}元。",
    explain_en="{name}'s ID {id_number} is invalid ({note}); {amount} yuan paid.",
    query=query,
    key=("id_number",),
    note_text=lambda note: (_REASONS.get(note, note), note.replace("-", " ")),
    examples=(
        Example(
            title="An ID whose check character is wrong: every payment to it is at issue",
            ledger=(
                {"payment_id": "IID-1", "id_number": BAD, "period": "2025-01"},
                {"payment_id": "IID-2", "id_number": BAD, "period": "2025-02"},
            ),
            expect=(Expect(BAD, ("2025-01", "2025-02"), "933.34", ("IID-1", "IID-2")),),
        ),
    ),
)
