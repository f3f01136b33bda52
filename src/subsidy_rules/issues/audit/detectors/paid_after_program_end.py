"""政策到期后仍发放: a payment made after the end date of its program.

A program with an end date in the catalogue (``Program.ends_on``; today 一次性扩岗补助, "执行期限截至
2025年12月底") is not paid after that date: a payment dated later (发放日期 after the end date) is a
lead — it may still be a late payment of an application made in time, which the person checking it
decides. The end dates are read from the catalogue when the query runs
(:meth:`~subsidy_rules.programs.catalogue.Catalogue.end_dates`), with the citation that states each.
"""

from __future__ import annotations

import ibis
from ibis.expr.types import Table

from subsidy_rules.core.citation import cite
from subsidy_rules.issues.audit.spec import Context, DetectorSpec, Example, Expect
from subsidy_rules.issues.audit.toolkit import evidence, joined
from subsidy_rules.programs.catalogue import catalogue

PERSON = "420103198106150111"
IN_TIME = "420103198106160125"
EXPANSION = "one-off-job-expansion-subsidy"


def query(c: Context) -> Table:
    # a few programs end: their end dates are a CASE over the program code, no table to join
    ends = catalogue().end_dates()
    led = c.ledger
    if not ends:  # pragma: no cover - the catalogue names programs that ended
        return evidence(led.filter(ibis.literal(False)))
    ends_on = ibis.cases(*((led.program == code, ibis.date(day)) for code, (day, _) in ends.items()))
    basis = ibis.cases(*((led.program == code, ibis.literal(label)) for code, (_, label) in ends.items()))
    j = led.mutate(pe_ends_on=ends_on, pe_basis=basis).filter(lambda t: t.program.isin(list(ends)))
    j = j.filter(j.paid_on > j.pe_ends_on)
    return evidence(j, note=joined(j.pe_ends_on, j.pe_basis))


def note_text(note: str) -> tuple[str, str]:
    """``end date|citation`` in words."""
    ends_on, basis = note.split("|", 1)
    where_zh = f"（{basis}）" if basis else ""
    where_en = f" ({basis})" if basis else ""
    return f"执行期限截至{ends_on}{where_zh}", f"the program ended on {ends_on}{where_en}"


def _payment(person: str, payment_id: str, paid_on: str, applied_on: str, approved_on: str) -> dict[str, str | None]:
    return {
        "payment_id": payment_id,
        "id_number": person,
        "period": "2025-12",
        "program": EXPANSION,
        "amount": "1500.00",
        "channel": "bank-account",
        "paid_on": paid_on,
        "applied_on": applied_on,
        "approved_on": approved_on,
    }


SPEC = DetectorSpec(
    name="paid-after-program-end",
    name_zh="政策到期后仍发放",
    issue="payment.excess.beyond-scope",
    issue_note=(
        "a payment of a program past its end date is paid outside the scope the policy set (超范围发放); the"
        " taxonomy has no finer node"
    ),
    citations=(
        cite("seed-000", "三（二）1", quote="超标准超范围发放"),
        cite(
            "expansion-subsidy-notice",
            quote="可按每招用1人不超过1500元的标准发放一次性扩岗补助。执行期限截至2025年12月底。",
        ),
    ),
    description_zh="项目执行期限届满（项目目录所载截止日期）后仍有发放。",
    description_en="A payment dated after the end date of its program (the catalogue's end date).",
    explain_zh="{name}（{id_number}）的{program_zh}{note}，其后仍发放{amount}元（所属期{months}，共{count}笔）。",
    explain_en=(
        "{name} ({id_number}): {program_zh} of {amount} yuan for {months} was paid after the end of the program"
        " ({note}); payments: {count}."
    ),
    query=query,
    note_text=note_text,
    examples=(
        Example(
            title=(
                "一次性扩岗补助 ended on 2025-12-31: one hire's subsidy paid on that day is in time; another's paid on"
                " 2026-01-15 is a lead"
            ),
            ledger=(
                _payment(IN_TIME, "END-1", "2025-12-31", "2025-12-15", "2025-12-22"),
                _payment(PERSON, "END-2", "2026-01-15", "2026-01-05", "2026-01-08"),
            ),
            expect=(Expect(PERSON, ("2025-12",), "1500.00", ("END-2",)),),
        ),
    ),
)
