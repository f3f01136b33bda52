"""经办人员本人领取补贴: a beneficiary who is on the staff roster."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence, joined

PERSON = "420103198112260122"


def query(c: Context) -> Table:
    s = c.rosters["staff"]
    s = s.group_by("id_number").aggregate(s_unit=s.unit.max(), staff_id=s.staff_id.max())
    s = s.select(s_id=s.id_number, s_unit=s.s_unit, staff_id=s.staff_id)
    led = c.ledger
    j = led.join(s, led.id_number == s.s_id)
    return evidence(j, note=joined(j.staff_id, j.s_unit))


def note_text(note: str) -> tuple[str, str]:
    """``staff id|unit`` in words."""
    staff_id, _, unit = note.partition("|")
    return (f"{unit}，工号{staff_id}" if staff_id else unit), (f"{unit}, staff id {staff_id}" if staff_id else unit)


SPEC = DetectorSpec(
    name="staff-beneficiary",
    name_zh="经办人员本人领取补贴",
    issue="conduct.self-dealing",
    needs=("staff",),
    citations=(cite("seed-000", "三（二）2", quote="在资金申报审核过程中优亲厚友、吃拿卡要、以权谋私等问题"),),
    description_zh="补贴领取人在工作人员名册中。",
    description_en="A beneficiary who is on the staff roster.",
    explain_zh="{name}（{id_number}）是工作人员（{note}），领取{program_zh}{amount}元。",
    explain_en="{name} ({id_number}) is on the staff ({note}) and drew {program_zh} of {amount} yuan.",
    query=query,
    note_text=note_text,
    examples=(
        Example(
            title="A member of the bureau's staff draws the subsidy; a staff member who draws nothing is no lead",
            ledger=(
                {"payment_id": "STF-1", "id_number": PERSON, "period": "2025-01"},
                {"payment_id": "STF-2", "id_number": PERSON, "period": "2025-02"},
            ),
            rosters={
                "staff": (
                    {"staff_id": "S001", "id_number": PERSON, "name": "周霞", "unit": "江汉区人社局"},
                    {"staff_id": "S002", "id_number": "420103198001010015", "name": "钱多", "unit": "江汉区人社局"},
                )
            },
            expect=(Expect(PERSON, ("2025-01", "2025-02"), "933.34", ("STF-1", "STF-2")),),
        ),
    ),
)
