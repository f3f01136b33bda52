"""一人多卡: one person paid into two or more accounts (the social-security card not counted)."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence

PERSON = "420103198105190111"


def query(c: Context) -> Table:
    led = c.ledger.filter(lambda t: t.account.notnull() & (t.channel.isnull() | (t.channel != "social-security-card")))
    many = led.group_by("id_number").aggregate(n=led.account.nunique()).filter(lambda g: g.n > 1)
    many = many.select(m_id=many.id_number, n=many.n)
    j = led.join(many, led.id_number == many.m_id)
    return evidence(j, note=j.n.cast("string"))


SPEC = DetectorSpec(
    name="person-many-accounts",
    name_zh="一人多卡",
    issue="cards.multiple",
    citations=(
        cite("seed-000", "三（二）3", quote="导致群众“一人多卡”、使用不便的问题"),
        cite("seed-003", "附件2 注6", quote="第17栏仅指持有两张或两张以上享受惠民惠农财政补贴资金的卡折"),
    ),
    description_zh="同一人通过两个以上账户（社保卡除外）领取补贴。",
    description_en="One person paid into two or more accounts (the social-security card not counted).",
    explain_zh="{name}（{id_number}）通过{note}个账户领取补贴，合计{amount}元。",
    explain_en="{name} ({id_number}) was paid into {note} accounts, {amount} yuan in all.",
    query=query,
    key=("id_number",),
    examples=(
        Example(
            title="Paid into two one-card accounts by turns",
            ledger=(
                {
                    "payment_id": "ACC-1",
                    "id_number": PERSON,
                    "period": "2025-01",
                    "channel": "one-card",
                    "account": "62220001",
                },
                {
                    "payment_id": "ACC-2",
                    "id_number": PERSON,
                    "period": "2025-02",
                    "channel": "one-card",
                    "account": "62220002",
                },
                {
                    "payment_id": "ACC-3",
                    "id_number": PERSON,
                    "period": "2025-03",
                    "channel": "one-card",
                    "account": "62220001",
                },
            ),
            expect=(Expect(PERSON, ("2025-01", "2025-02", "2025-03"), "1400.01", ("ACC-1", "ACC-2", "ACC-3")),),
        ),
    ),
)
