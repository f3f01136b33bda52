"""Properties of the flexible-employment rule over generated cases (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import given, settings

from subsidy_rules.core.month import Month
from subsidy_rules.io.eligibility import decision_to_json
from subsidy_rules.parameters import jurisdiction, layer_from_toml
from subsidy_rules.programs.eligibility import FLEXIBLE, Case, MonthStatus, Payer, decide
from subsidy_rules.programs.eligibility.toolkit import share_of
from subsidy_rules.programs.retirement import retirement
from tests.strategies import eligibility

TWO_THIRDS = Fraction(2, 3)


def _counted(case: Case, month: Month) -> Decimal:
    as_of = case.as_of
    assert as_of is not None
    total = Decimal(0)
    for c in case.contributions:
        if c.month != month or c.payer is not Payer.FLEXIBLE_WORKER or c.insurance.value not in ("pension", "medical"):
            continue
        if c.refunded and (c.refunded_on is None or c.refunded_on <= as_of):
            continue
        total += c.amount
    return total


@given(case=eligibility("flexible_cases"))
def test_no_month_is_entitled_to_more_than_two_thirds_of_its_counted_contribution(case: Case) -> None:
    for line in decide(case, FLEXIBLE).schedule:
        if line.amount is None:
            continue
        counted = _counted(case, line.month)
        assert line.amount <= share_of(counted, TWO_THIRDS)
        assert line.amount - counted * 2 / 3 <= Decimal("0.005")


@given(case=eligibility("flexible_cases"))
def test_nothing_is_entitled_after_a_stop_event_retirement_or_the_period_end(case: Case) -> None:
    d = decide(case, FLEXIBLE)
    assert case.as_of is not None and case.person.birth_month is not None and case.person.group is not None
    retire = _retirement_in_force(case)
    stops = [retire]
    stops += [Month.of(x) for x in (case.death, case.pension_start) if x is not None]
    for line in d.schedule:
        if line.status is not MonthStatus.ENTITLED:
            continue
        assert d.period_end is not None and d.period_start is not None
        assert d.period_start <= line.month <= d.period_end
        assert all(line.month < stop for stop in stops)
        assert not any(
            s.start <= line.month.last_day and (s.end is None or s.end >= line.month.first_day)
            for s in case.formal_employment
        )


@given(case=eligibility("flexible_cases"))
def test_the_near_retirement_extension_depends_only_on_the_age_at_first_approval(case: Case) -> None:
    d = decide(case, FLEXIBLE)
    if not d.eligible:
        return
    assert case.first_approval is not None and case.as_of is not None
    assert case.person.birth_month is not None and case.person.group is not None
    later = attrs.evolve(case, contributions=(), payments=(), formal_employment=(), death=None, pension_start=None)
    facts = _period_facts(d)
    assert facts == _period_facts(decide(later, FLEXIBLE))
    # The age test uses the retirement law in force at first approval (issue 11 point 1).
    then = retirement(case.person.birth_month, case.person.group, law_date=case.first_approval).retirement_month
    remaining = Month.of(case.first_approval).months_until(then)
    assert ("near_retirement" in facts) == (remaining < 60)


@settings(max_examples=40)
@given(case=eligibility("flexible_cases"))
def test_changing_a_parameter_after_the_cases_dates_changes_nothing(case: Case) -> None:
    base = jurisdiction(case.jurisdiction)
    after = _last_date(case) + timedelta(days=1)

    def value(v: Any) -> dict[str, Any]:
        return {"values": [{"from": after, "value": v, "document": "caishe-2023-181", "confirmed": False}]}

    layer = layer_from_toml(
        {
            "layer": {"id": "later", "name_zh": "后", "name_en": "later", "level": "user"},
            "parameters": {
                "ssi.flexible.max_ratio": value("1/2"),
                "ssi.flexible.max_months": value(12),
                "ssi.near_retirement_years": value(10),
                "ssi.flexible.counted_insurance": value(["pension"]),
                "difficulty_person.categories": value([]),
                # Not the retirement law: the retirement month is, by design, the one the law in force
                # in that (possibly later) month gives (issue 11 point 1).
            },
        },
        "later.toml",
        base,
    )
    plain = decision_to_json(decide(case, FLEXIBLE, params=base))
    changed = decision_to_json(decide(case, FLEXIBLE, params=base.with_layer(layer)))
    plain.pop("jurisdiction")
    changed.pop("jurisdiction")
    assert plain == changed


def _period_facts(d: Any) -> dict[str, str]:
    facts = {f.name: f.value for f in d.condition("period").facts}
    facts.pop("period_end", None)
    facts.pop("period_end_reason", None)
    facts.pop("months_failed", None)
    return facts


def _last_date(case: Case) -> date:
    assert case.as_of is not None
    found = [case.as_of]
    for c in case.contributions:
        found.append(c.month.last_day)
    for p in case.payments:
        found.append(p.month.last_day)
    for x in (case.death, case.pension_start, case.first_approval):
        if x is not None:
            found.append(x)
    for s in (*case.formal_employment, *case.flexible_registrations):
        found += [s.start] + ([s.end] if s.end else [])
    return max(found)


def _retirement_in_force(case: Case) -> Month:
    """The first month m with m >= the retirement month the law in force in m gives (hand-iterated)."""
    assert case.person.birth_month is not None and case.person.group is not None
    birth, group = case.person.birth_month, case.person.group
    r = retirement(birth, group, law_date=max(birth.first_day, date(1978, 6, 2))).retirement_month
    while (nxt := retirement(birth, group, law_date=r.first_day).retirement_month) != r:
        r = nxt
    return r
