"""一个账户为多人领取: one account receiving money for two or more people."""

from __future__ import annotations

from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence

FIRST = "420103198106200123"
SECOND = "420103198107210112"
SHARED = "62220000SHARED"


def query(c: Context) -> Table:
    led = c.ledger.filter(lambda t: t.account.notnull())
    many = led.group_by("account").aggregate(n=led.id_number.nunique()).filter(lambda g: g.n > 1)
    many = many.select(m_acct=many.account, n=many.n)
    j = led.join(many, led.account == many.m_acct)
    return evidence(j, note=j.n.cast("string"))


def _paid(payment_id: str, person: str, period: str) -> dict[str, str | None]:
    return {"payment_id": payment_id, "id_number": person, "period": period, "channel": "one-card", "account": SHARED}


SPEC = DetectorSpec(
    name="account-many-persons",
    name_zh="一个账户为多人领取",
    issue="cards.held-by-others",
    citations=(
        cite("seed-001", "三（三）4", quote="未经本人同意，私自保管甚至扣押群众“一卡通”的问题"),
        cite("seed-001", "三（三）2", quote="虚报冒领财政补贴资金"),
    ),
    description_zh="同一账户收取两人以上的补贴：代管或冒领线索。",
    description_en=(
        "One account receiving money for two or more people: a lead of cards held by others or of false claims."
    ),
    explain_zh="账户收取{note}人的补贴，其中{name}（{id_number}）{amount}元：疑似代管或冒领。",
    explain_en=(
        "One account received money for {note} people, {amount} yuan of it for {name} ({id_number}): held by"
        " another, or claimed falsely."
    ),
    query=query,
    key=("account", "id_number"),
    examples=(
        Example(
            title="Two persons' subsidies paid into one account: a lead for each",
            ledger=(
                _paid("SHA-1", FIRST, "2025-01"),
                _paid("SHA-2", FIRST, "2025-02"),
                _paid("SHA-3", SECOND, "2025-01"),
                _paid("SHA-4", SECOND, "2025-02"),
            ),
            expect=(
                Expect(FIRST, ("2025-01", "2025-02"), "933.34", ("SHA-1", "SHA-2")),
                Expect(SECOND, ("2025-01", "2025-02"), "933.34", ("SHA-3", "SHA-4")),
            ),
        ),
    ),
)
