"""发放不及时: paid more than the set number of working days after application."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence, joined

LATE = "420103198108220128"
ON_TIME = "420103198109230117"


def query(c: Context) -> Table:
    cal = c.helpers["calendar"]
    applied = cal.select(a_day=cal.day, a_wd=cal.wd, deadline=cal.deadline)
    paid = cal.select(p_day=cal.day, p_wd=cal.wd)
    led = c.ledger.filter(lambda t: t.applied_on.notnull() & (t.paid_on > t.applied_on))
    j = led.join(applied, led.applied_on == applied.a_day).join(paid, led.paid_on == paid.p_day)
    j = j.filter(lambda t: t.deadline.notnull() & ((t.p_wd - t.a_wd) > t.deadline))
    return evidence(j, note=joined(j.p_wd - j.a_wd, j.deadline))


def note_text(note: str) -> tuple[str, str]:
    """``working day paid on|limit`` in words."""
    used, _, limit = note.partition("|")
    return f"第{used}个工作日才发放，时限{limit}个工作日", f"paid on working day {used}, the limit is {limit}"


SPEC = DetectorSpec(
    name="late-payment",
    name_zh="发放不及时",
    issue="payment.late",
    helpers=("calendar",),
    citations=(
        cite("seed-004", "二（三）9", quote="确保在20个工作日内完成补贴发放"),
        cite("seed-000", "三（二）1", quote="资金发放不及时"),
    ),
    description_zh=(
        "自申请日次日起按工作日（含法定节假日与调休）计算，超过规定工作日数才发放；第20个工作日发放为按时。"
    ),
    description_en=(
        "Paid more than the set number of working days after application (statutory holidays and make-up days"
        " counted; the application day not counted; paid on the 20th working day is on time)."
    ),
    explain_zh="{name}（{id_number}）的{program_zh}申请后{note}，金额{amount}元。",
    explain_en="{name} ({id_number}): {program_zh} paid late after application ({note}), {amount} yuan.",
    query=query,
    note_text=note_text,
    examples=(
        Example(
            title=(
                "Applied on Friday 26 September 2025 (National Day week, make-up Sunday and Saturday):"
                " paid 31 October is working day 21, late"
            ),
            ledger=(
                {
                    "payment_id": "LAT-1",
                    "id_number": LATE,
                    "period": "2025-09",
                    "applied_on": "2025-09-26",
                    "approved_on": "2025-09-29",
                    "paid_on": "2025-10-31",
                },
            ),
            expect=(Expect(LATE, ("2025-09",), "466.67", ("LAT-1",)),),
        ),
        Example(
            title="Applied on 26 September 2025, paid 30 October: working day 20, on time",
            ledger=(
                {
                    "payment_id": "LAT-11",
                    "id_number": ON_TIME,
                    "period": "2025-09",
                    "applied_on": "2025-09-26",
                    "approved_on": "2025-09-29",
                    "paid_on": "2025-10-30",
                },
            ),
        ),
    ),
)
