"""未通过“一卡通”发放: a program due through the social-security card or one-card paid in cash or to another account."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence

CASH = "420103198103170117"
DISABLED_POST = "420103198104180122"


def query(c: Context) -> Table:
    progs = c.helpers["card_programs"]
    led = c.ledger.filter(lambda t: t.channel.isin(("cash", "bank-account")))
    j = led.join(progs, led.program == progs.cp_code)
    return evidence(j, note=j.channel)


def note_text(note: str) -> tuple[str, str]:
    return {"cash": "现金", "bank-account": "银行账户"}.get(note, note), note.replace("-", " ")


def _post(payment_id: str, period: str) -> dict[str, str | None]:
    return {
        "payment_id": payment_id,
        "id_number": DISABLED_POST,
        "period": period,
        "program": "残疾人公益性岗位补贴",
        "unit": "江汉区残联",
        "amount": "2000.00",
        "channel": "现金",
        "account": None,
        "accepted_by": "op05",
        "approved_by": "op06",
    }


SPEC = DetectorSpec(
    name="not-one-card",
    name_zh="未通过“一卡通”发放",
    issue="channel.not-one-card",
    helpers=("card_programs",),
    citations=(cite("seed-000", "三（二）1", quote="应通过“一卡通”发放而不采用“一卡通”发放"),),
    description_zh="项目应通过社会保障卡或“一卡通”发放，实际以现金或其他账户发放。",
    description_en="A program paid through the social-security card or one-card paid in cash or to another account.",
    explain_zh="{name}（{id_number}）的{program_zh}以{note}方式发放{amount}元，未通过“一卡通”。",
    explain_en="{name} ({id_number}): {program_zh} of {amount} yuan paid by {note}, not through the one-card.",
    query=query,
    note_text=note_text,
    examples=(
        Example(
            title="February's subsidy paid in cash; the other months through the card",
            ledger=(
                {"payment_id": "CRD-1", "id_number": CASH, "period": "2025-01"},
                {"payment_id": "CRD-2", "id_number": CASH, "period": "2025-02", "channel": "cash", "account": None},
            ),
            expect=(Expect(CASH, ("2025-02",), "466.67", ("CRD-2",)),),
        ),
        Example(
            title="The disabled persons' post subsidy paid in cash for three months",
            ledger=(_post("CRD-11", "2025-01"), _post("CRD-12", "2025-02"), _post("CRD-13", "2025-03")),
            expect=(
                Expect(DISABLED_POST, ("2025-01", "2025-02", "2025-03"), "6000.00", ("CRD-11", "CRD-12", "CRD-13")),
            ),
        ),
    ),
)
