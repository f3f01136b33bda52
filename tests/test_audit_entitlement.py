"""The set-based entitlement checks agree with the eligibility engine's ``decide()``.

Generated persons are eligible flexible-employment subsidy holders (difficulty
person, registered, approved 2024-12, no job, far from retirement); their
contributions (amount, insurance type, refunded or not) and their payments
vary month by month. For every paid month the audit must say what
``decide()`` says. The national 2/3 is a ceiling, not a standard:

* on the national jurisdiction every month is undetermined, with a cap c:
  paid > c → ``above-standard`` for paid − c, nothing otherwise (no
  ``short-payment``: it is reported as not run, with the reason);
* with a layer that states a standard (the test layer ``pays-the-ceiling``,
  or 常州's 50 %): above the entitled amount → ``above-standard`` with the
  excess; below → ``short-payment`` with the shortfall; equal → nothing;
* everywhere: not entitled for want of a counted contribution →
  ``no-flexible-contribution``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from subsidy_rules.core.month import Month
from subsidy_rules.issues.audit import audit
from subsidy_rules.issues.audit.sample import write
from subsidy_rules.programs.difficulty import CategorySpell
from subsidy_rules.programs.eligibility import (
    Case,
    Contribution,
    Insurance,
    MonthStatus,
    Payer,
    Payment,
    Person,
    Spell,
    decide,
)
from subsidy_rules.programs.idcard import make_resident_id
from tests.policy_layers import PAYS_CEILING

FLEX = "flexible-employment-si-subsidy"
AS_OF = date(2025, 12, 31)
MONTHS = [Month(2025, m) for m in range(1, 7)]

cents = st.integers(min_value=0, max_value=90_000).map(lambda c: Decimal(c).scaleb(-2))
month_plan = st.fixed_dictionaries(
    {
        "pension": st.none() | cents,
        "medical": st.none() | cents,
        "unemployment": st.none() | cents,
        "refunded": st.sampled_from(["none", "pension", "all"]),
        "paid": st.none() | cents | st.just("exact"),
    }
)
person_plan = st.lists(month_plan, min_size=len(MONTHS), max_size=len(MONTHS))


def _month(m: Month | date) -> Month:
    return Month.of(m) if isinstance(m, date) else m


def _case(i: int, pid: str, plan: list[dict[str, Any]]) -> Case:
    contributions: list[Contribution] = []
    payments: list[Payment] = []
    for month, p in zip(MONTHS, plan, strict=True):
        for ins in ("pension", "medical", "unemployment"):
            if p[ins] is not None:
                refunded = p["refunded"] == "all" or (p["refunded"] == "pension" and ins == "pension")
                contributions.append(
                    Contribution(month, Insurance(ins), Payer.FLEXIBLE_WORKER, p[ins], month.first_day, refunded)
                )
    return Case(
        case_id=f"p{i}",
        person=Person(id_number=pid),
        as_of=AS_OF,
        difficulty=(CategorySpell("long-term-unemployed", date(2024, 6, 1)),),
        flexible_registrations=(Spell(date(2024, 1, 1)),),
        first_approval=date(2024, 12, 10),
        contributions=tuple(contributions),
        payments=tuple(payments),
    )


#: where the persons live: the national rules (no local standard), a test layer stating 2/3 of the
#: contributions actually paid, 常州 (50 % of pension and medical actually paid)
PLACES = {
    "national": ("national", ()),
    "pays-the-ceiling": ("national", (str(PAYS_CEILING),)),
    "changzhou": ("changzhou", ()),
}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(PLACES)), st.lists(person_plan, min_size=1, max_size=6))
def test_the_entitlement_checks_agree_with_decide_on_generated_persons(
    place: str, plans: list[list[dict[str, Any]]]
) -> None:
    jur, layers = PLACES[place]
    rows: dict[str, list[dict[str, Any]]] = {"ledger": [], "contributions": [], "difficulty": [], "approvals": []}
    expected: set[tuple[str, str, str, Decimal]] = set()
    decisions = []
    paid_months: dict[str, set[Any]] = {}
    for i, plan in enumerate(plans):
        pid = make_resident_id("420103", date(1980, 1, 1 + i), 11)  # men born 1980: far from retirement
        case = attrs.evolve(_case(i, pid, plan), jurisdiction=jur, layer_files=layers)
        decision = decide(case, FLEX, AS_OF)
        decisions.append(decision)
        paid_months[case.case_id] = {m for m, p in zip(MONTHS, plan, strict=True) if p["paid"] is not None}
        lines = {_month(line.month): line for line in decision.schedule}
        rows["difficulty"].append(
            {"id_number": pid, "category": "long-term-unemployed", "identified_on": date(2024, 6, 1)}
        )
        rows["approvals"].append({"id_number": pid, "program": FLEX, "first_approval": date(2024, 12, 10)})
        for n, (month, p) in enumerate(zip(MONTHS, plan, strict=True)):
            for ins in ("pension", "medical", "unemployment"):
                if p[ins] is not None:
                    refunded = p["refunded"] == "all" or (p["refunded"] == "pension" and ins == "pension")
                    rows["contributions"].append(
                        {
                            "id_number": pid,
                            "month": str(month),
                            "insurance": ins,
                            "payer": "flexible-worker",
                            "amount": p[ins],
                            "paid_on": month.first_day,
                            "refunded": "是" if refunded else "否",
                        }
                    )
            if p["paid"] is None:
                continue
            line = lines[month]
            entitled = line.amount if line.status is MonthStatus.ENTITLED else None
            cap = line.cap if line.status is MonthStatus.UNDETERMINED else None
            paid = (entitled or cap or Decimal("1.00")) if p["paid"] == "exact" else p["paid"]
            rows["ledger"].append(
                {
                    "payment_id": f"P{i:02d}{n:02d}",
                    "unit": "江汉区",
                    "program": FLEX,
                    "id_number": pid,
                    "name": "测试",
                    "period": str(month),
                    "amount": paid,
                    "paid_on": month.first_day.replace(day=20),
                    "channel": "social-security-card",
                }
            )
            if cap is not None:  # undetermined: only money above the cap is asserted
                if paid > cap:
                    expected.add(("above-standard", pid, str(month), paid - cap))
            elif entitled is None:
                expected.add(("no-flexible-contribution", pid, str(month), paid))
            elif paid > entitled:
                expected.add(("above-standard", pid, str(month), paid - entitled))
            elif paid < entitled:
                expected.add(("short-payment", pid, str(month), entitled - paid))
    if not rows["ledger"]:
        return
    with TemporaryDirectory() as tmp:
        paths = write(rows, Path(tmp))
        result = audit(
            paths["ledger"],
            {k: v for k, v in paths.items() if k != "ledger"},
            jurisdiction=jur,
            layers=layers,
            as_of=AS_OF,
            only=["above-standard", "short-payment", "no-flexible-contribution"],
        )
    got = {
        (name, r["id_number"], str(Month.from_index(r["pm"])), r["amount"])
        for name, table in result.evidence.items()
        for r in table.to_pylist()
    }
    assert got == expected
    # and the findings carry the same money, month by month summed per person
    assert sum(f.amount_yuan for f in result.findings) == sum((e[3] for e in expected), Decimal(0))
    # the shortfall check runs only where a standard exists; the undetermined months are counted
    undetermined = sum(
        1
        for d in decisions
        for line in d.schedule
        if line.status is MonthStatus.UNDETERMINED and _month(line.month) in paid_months[d.case_id]
    )
    short = next(r for r in result.runs if r.name == "short-payment")
    assert short.skipped == undetermined
    assert short.ran is (place != "national" or undetermined == 0)
