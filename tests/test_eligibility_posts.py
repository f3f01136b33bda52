"""Public-welfare post subsidy, its SI subsidy and the disabled-persons post subsidy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs

from subsidy_rules.programs.difficulty import CategorySpell
from subsidy_rules.programs.eligibility import (
    DISABLED_POST,
    POST,
    POST_SI,
    Appraisal,
    Case,
    Contribution,
    Insurance,
    Month,
    MonthStatus,
    Outcome,
    Payer,
    Payment,
    PeriodEnd,
    Person,
    Placement,
    PlacementEnd,
    decide,
    decide_all,
)
from subsidy_rules.programs.retirement import RetirementGroup


def _employer(first: date, count: int) -> tuple[Contribution, ...]:
    out = []
    for i in range(count):
        m = Month.of(first) + i
        for ins, amount in (
            ("pension", "700.00"),
            ("medical", "300.00"),
            ("unemployment", "30.00"),
            ("work-injury", "9.00"),
        ):
            out.append(Contribution(m, Insurance(ins), Payer.EMPLOYER, Decimal(amount)))
        out.append(Contribution(m, Insurance.PENSION, Payer.EMPLOYEE, Decimal("350.00")))
    return tuple(out)


def _case(**changes: object) -> Case:
    base = Case(
        case_id="post",
        jurisdiction="wuhan",
        person=Person(birth_month=Month.of(date(1975, 1, 1)), group=RetirementGroup.FEMALE_55),
        difficulty=(CategorySpell("older-difficulty-person", date(2025, 11, 1)),),
        placements=(Placement(date(2025, 12, 1)),),
        contributions=_employer(date(2025, 12, 1), 48),
        as_of=date(2026, 5, 31),
    )
    return attrs.evolve(base, **changes)  # type: ignore[arg-type]


def test_a_placed_difficulty_person_gets_the_wuhan_minimum_wage_each_month() -> None:
    d = decide(_case(), POST)
    assert d.eligible and d.entitled_months == 6
    assert {m.amount for m in d.schedule} == {Decimal("2400.00")}
    used = {r.parameter_id for r in d.condition("post-amount").parameters}
    # Issue 18: Hubei's wage is chosen by the district's tier (Wuhan's central districts: tier 1).
    assert used == {"minimum_wage.tier", "minimum_wage.monthly.tier1", "public_welfare_post.minimum_wage_share"}
    assert d.condition("placed-on-post").basis[0].article == "第五十三条"


def test_the_si_subsidy_pays_the_employers_pension_medical_and_unemployment_shares_only() -> None:
    d = decide(_case(), POST_SI)
    assert {m.amount for m in d.schedule} == {Decimal("1030.00")}
    assert d.schedule[0].basis == Decimal("1030.00")


def test_months_before_the_minimum_wage_parameter_starts_are_undetermined_not_zero() -> None:
    # The national layer has no minimum wage at all: every month is undetermined, never 0.
    early = (CategorySpell("long-term-unemployed", date(2025, 9, 1)),)
    d = decide(_case(placements=(Placement(date(2025, 10, 1)),), difficulty=early, jurisdiction="national"), POST)
    assert [m.status for m in d.schedule[:2]] == [MonthStatus.UNDETERMINED] * 2
    assert d.schedule[0].reasons == ("no-minimum-wage",) and d.schedule[0].amount is None


def test_the_period_is_36_months_or_to_retirement_when_less_than_5_years_remain_at_placement() -> None:
    d = decide(_case(as_of=date(2030, 12, 31)), POST_SI)
    assert (d.period_end, d.period_end_reason) == (Month(2028, 11), PeriodEnd.PERIOD_LIMIT)
    # A woman originally retiring at 50, born 1978-01, retires at 51 y 7 m in 2029-08: 44 months after placement.
    nearer = Person(birth_month=Month.of(date(1978, 1, 1)), group=RetirementGroup.FEMALE_50)
    near = decide(_case(person=nearer, as_of=date(2030, 12, 31)), POST_SI)
    assert (near.period_end, near.period_end_reason) == (Month(2029, 7), PeriodEnd.RETIREMENT)


def test_leaving_the_post_or_failing_an_appraisal_stops_the_subsidy() -> None:
    left = decide(_case(placements=(Placement(date(2025, 12, 1), date(2026, 2, 10), PlacementEnd.LEFT_POST),)), POST)
    assert (left.period_end, left.period_end_reason) == (Month(2026, 2), PeriodEnd.LEFT_POST)
    assert left.entitled_months == 3
    failed = decide(
        _case(placements=(Placement(date(2025, 12, 1), appraisals=(Appraisal(date(2026, 3, 31), False),)),)), POST
    )
    assert (failed.period_end, failed.period_end_reason) == (Month(2026, 2), PeriodEnd.FAILED_APPRAISAL)
    assert failed.condition("appraisal").outcome is Outcome.HELD  # no month was paid after it
    paid = (Payment(POST, Month.of(date(2026, 4, 1)), Decimal("2400.00")),)
    flagged = decide(
        _case(
            placements=(Placement(date(2025, 12, 1), appraisals=(Appraisal(date(2026, 3, 31), False),)),), payments=paid
        ),
        POST,
    )
    assert flagged.condition("appraisal").outcome is Outcome.FAILED
    assert [p.place.month for p in flagged.problems if p.code == "paid-not-entitled"] == [Month(2026, 4)]


def test_a_person_not_listed_as_a_difficulty_person_is_not_eligible_for_a_post() -> None:
    d = decide(_case(difficulty=()), POST)
    assert not d.eligible and d.condition("difficulty-person").outcome is Outcome.FAILED
    assert not decide(_case(placements=()), POST).eligible
    assert not decide(_case(death=date(2025, 11, 1)), POST).eligible


def test_after_expiry_an_older_difficulty_person_may_be_re_placed_and_both_periods_restart() -> None:
    placements = (
        Placement(date(2024, 1, 1), date(2026, 12, 31), PlacementEnd.EXPIRED),
        # Issue 18: Hubei re-places only with a provincial filing (备案), which the file must show.
        Placement(date(2027, 3, 1), preconditions_met=("provincial-filing",)),
    )
    case = _case(
        difficulty=(CategorySpell("older-difficulty-person", date(2023, 12, 1)),),
        placements=placements,
        contributions=_employer(date(2024, 1, 1), 80),
        as_of=date(2027, 6, 30),
    )
    d = decide(case, POST_SI)
    assert d.condition("re-placement").outcome is Outcome.HELD
    # At the re-placement 50 months remain to her retirement (56 y 4 m, 2031-05): the new period runs to it.
    assert (d.period_end, d.period_end_reason) == (Month(2031, 4), PeriodEnd.RETIREMENT)
    assert d.entitled_months == 36 + 4


def test_a_person_not_in_a_re_placement_category_or_over_the_hubei_limit_is_refused() -> None:
    placements = (
        Placement(date(2024, 1, 1), date(2026, 12, 31), PlacementEnd.EXPIRED),
        Placement(date(2027, 3, 1), date(2027, 4, 30), PlacementEnd.LEFT_POST),
        Placement(date(2027, 5, 1)),
    )
    case = _case(
        difficulty=(CategorySpell("long-term-unemployed", date(2023, 12, 1)),),
        placements=placements[:2],
        contributions=_employer(date(2024, 1, 1), 80),
        as_of=date(2027, 6, 30),
    )
    d = decide(case, POST_SI)
    assert d.condition("re-placement").outcome is Outcome.FAILED
    assert all("re-placement" in m.reasons for m in d.schedule if m.month >= Month(2027, 3))
    third = decide(
        attrs.evolve(
            case, difficulty=(CategorySpell("older-difficulty-person", date(2023, 12, 1)),), placements=placements
        ),
        POST_SI,
    )
    refused = [m for m in third.schedule if m.month >= Month(2027, 5)]
    assert refused and all("re-placement" in m.reasons for m in refused)
    assert "exceeds the limit of 2" in " ".join(f.value for f in third.condition("re-placement").facts)


def test_a_second_placement_inside_the_period_continues_it() -> None:
    placements = (Placement(date(2024, 1, 1), date(2024, 6, 30), PlacementEnd.LEFT_POST), Placement(date(2024, 9, 1)))
    case = _case(
        difficulty=(CategorySpell("long-term-unemployed", date(2023, 12, 1)),),
        placements=placements,
        contributions=_employer(date(2024, 1, 1), 80),
        as_of=date(2027, 6, 30),
    )
    d = decide(case, POST_SI)
    assert d.period_end == Month(2026, 12) and d.condition("re-placement").outcome is Outcome.HELD
    months = {m.month for m in d.schedule}
    assert Month(2024, 7) not in months and Month(2024, 9) in months and max(months) == Month(2026, 12)


def test_a_second_placement_without_a_listed_category_is_refused() -> None:
    placements = (Placement(date(2024, 1, 1), date(2024, 6, 30), PlacementEnd.LEFT_POST), Placement(date(2024, 9, 1)))
    case = _case(
        difficulty=(CategorySpell("long-term-unemployed", date(2023, 12, 1), date(2024, 8, 1)),),
        placements=placements,
        contributions=_employer(date(2024, 1, 1), 20),
        as_of=date(2024, 12, 31),
    )
    d = decide(case, POST_SI)
    assert all("difficulty-person" in m.reasons for m in d.schedule if m.month >= Month(2024, 9))


def test_an_si_month_without_employer_contributions_or_with_them_refunded_is_not_entitled() -> None:
    contributions = list(_employer(date(2025, 12, 1), 3))
    contributions = [attrs.evolve(c, refunded=True) if c.month == Month(2026, 1) else c for c in contributions]
    d = decide(_case(contributions=tuple(contributions), as_of=date(2026, 3, 31)), POST_SI)
    assert [m.reasons for m in d.schedule] == [(), ("not-refunded",), (), ("employer-contribution",)]


def test_the_disabled_persons_post_needs_a_disability_category() -> None:
    assert not decide(_case(), DISABLED_POST).eligible
    d = decide(_case(difficulty=(CategorySpell("disabled", date(2025, 1, 1)),)), DISABLED_POST)
    assert d.eligible and d.condition("disabled-person").citations[0].document_key == "seed-003"


def test_the_combined_row_24_decides_both_subsidies_and_pension_stops_them() -> None:
    ds = decide_all(_case(pension_start=date(2026, 3, 1)), ["public-welfare-post-subsidy-and-si"])
    assert [d.program for d in ds] == [POST, POST_SI]
    assert all((d.period_end, d.period_end_reason) == (Month(2026, 2), PeriodEnd.PENSION) for d in ds)
