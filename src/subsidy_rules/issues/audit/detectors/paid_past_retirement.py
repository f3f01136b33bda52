"""超过法定退休年龄仍发放: a monthly subsidy paid for the statutory retirement month or later."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.core.month import Month
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import (
    PERIODIC_CODES,
    evidence,
    joined,
    of_programs,
    with_birth,
    with_retirement_group,
)

#: a man born in April 1965: 60 years and 1 month under the 2024 reform, he retires in May 2025
PERSON = "420103196504090119"


def query(c: Context) -> Table:
    led = with_birth(c.ledger.filter(lambda t: of_programs(t, PERIODIC_CODES)))
    led = with_retirement_group(c, led).filter(lambda t: t.birth_pm.notnull())
    ret = c.helpers["retirement"]
    j = led.join(ret, [led.birth_pm == ret.r_birth_pm, led.grp == ret.r_grp]).filter(lambda t: t.period >= t.retire_pm)
    return evidence(j, note=joined(j.retire_pm, j.grp_assumed))


def note_text(note: str) -> tuple[str, str]:
    """``retirement month index|group assumed`` in words."""
    index, _, assumed = note.partition("|")
    month = Month.from_index(int(index))
    guessed = assumed == "true"
    return (
        f"退休月份{month}" + ("，女性退休类别不明，按较晚的退休年龄判断" if guessed else ""),
        f"retirement month {month}" + ("; a woman of unknown group, judged by the later age" if guessed else ""),
    )


SPEC = DetectorSpec(
    name="paid-past-retirement",
    name_zh="超过法定退休年龄仍发放",
    issue="eligibility.not-exited.not-stopped",
    uses=("persons",),
    helpers=("retirement",),
    citations=(cite("seed-002", "三（一）1", quote="应停发补贴而未及时停发补贴的情形"),),
    description_zh=(
        "按月发放的补贴在法定退休年龄所在月及以后仍有发放（出生年月取自身份证号，退休类别取自人员名册；"
        "女性类别不明时按较晚的退休年龄判断）。"
    ),
    description_en=(
        "A monthly subsidy paid for the statutory retirement month or later (birth month from the ID; group"
        " from the persons roster; a woman of unknown group is judged by the later age)."
    ),
    explain_zh="{name}（{id_number}）已达法定退休年龄（{note}），{months}仍发放{program_zh}{amount}元。",
    explain_en=(
        "{name} ({id_number}) reached the statutory retirement age ({note}); {program_zh} of {amount} yuan "
        "was paid for {months}."
    ),
    query=query,
    note_text=note_text,
    examples=(
        Example(
            title="A man born in April 1965 retires in May 2025: May and June are paid past retirement",
            ledger=(
                {"payment_id": "RET-1", "id_number": PERSON, "period": "2025-04"},
                {"payment_id": "RET-2", "id_number": PERSON, "period": "2025-05"},
                {"payment_id": "RET-3", "id_number": PERSON, "period": "2025-06"},
            ),
            expect=(Expect(PERSON, ("2025-05", "2025-06"), "933.34", ("RET-2", "RET-3")),),
        ),
    ),
)
