"""Flexible-employment SI subsidy (and the graduate variant): scenarios named as sentences."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from subsidy_rules.core.errors import DataFileError, UnknownCodeError
from subsidy_rules.io.eligibility import decision_to_json, load_case
from subsidy_rules.parameters import jurisdiction, layer_from_toml
from subsidy_rules.programs.difficulty import CategorySpell
from subsidy_rules.programs.eligibility import (
    FLEXIBLE,
    GRADUATE,
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
    Spell,
    decide,
    decide_all,
    decision_text,
    programs_for,
    rule_programs,
)
from subsidy_rules.programs.retirement import RetirementGroup
from tests.policy_layers import PAYS_CEILING, paying_ceiling

EXAMPLES = Path(__file__).resolve().parents[1] / "src/subsidy_rules/programs/eligibility/examples"


def _contributions(
    first: date, count: int, pension: str = "600.00", medical: str = "300.00"
) -> tuple[Contribution, ...]:
    out = []
    for i in range(count):
        m = Month.of(first) + i
        out.append(Contribution(m, Insurance.PENSION, Payer.FLEXIBLE_WORKER, Decimal(pension)))
        out.append(Contribution(m, Insurance.MEDICAL, Payer.FLEXIBLE_WORKER, Decimal(medical)))
    return tuple(out)


def _case(**changes: object) -> Case:
    base = Case(
        case_id="t",
        person=Person(birth_month=Month.of(date(1975, 1, 1)), group=RetirementGroup.MALE),
        difficulty=(CategorySpell("long-term-unemployed", date(2019, 1, 10)),),
        flexible_registrations=(Spell(date(2019, 1, 1)),),
        first_approval=date(2019, 3, 15),
        contributions=_contributions(date(2019, 3, 1), 40),
        as_of=date(2022, 12, 31),
        layer_files=(str(PAYS_CEILING),),  # issue 18: the amounts below are this place's standard (2/3)
    )
    return attrs.evolve(base, **changes)  # type: ignore[arg-type]


def test_a_difficulty_person_paying_900_a_month_is_entitled_to_600_for_36_months() -> None:
    d = decide(_case(), FLEXIBLE)
    assert d.eligible and d.entitled_months == 36
    assert d.period_end == Month(2022, 2) and d.period_end_reason is PeriodEnd.PERIOD_LIMIT
    assert {m.amount for m in d.schedule if m.status is MonthStatus.ENTITLED} == {Decimal("600.00")}
    assert d.total_entitled == Decimal("21600.00")
    assert all(c.outcome is Outcome.HELD for c in d.conditions)


def test_a_case_judged_in_2019_uses_164_and_a_2024_month_uses_181() -> None:
    d = decide(_case(), FLEXIBLE)
    ratio = next(r for r in d.condition("amount").parameters)
    assert ratio.citation.document_number == "财社〔2017〕164号" and ratio.effective_from == date(2017, 10, 13)
    later = decide(
        _case(
            first_approval=date(2023, 6, 1), contributions=_contributions(date(2023, 6, 1), 12), as_of=date(2024, 5, 31)
        ),
        FLEXIBLE,
    )
    numbers = {
        r.citation.document_number for r in later.condition("amount").parameters if r.parameter_id.endswith("max_ratio")
    }
    assert numbers == {"财社〔2017〕164号", "财社〔2023〕181号"}
    period = later.condition("period").parameters[0]
    assert period.citation.document_number == "财社〔2017〕164号"  # the period is fixed at first approval


def test_a_person_who_is_not_a_difficulty_person_is_not_eligible_and_every_paid_month_is_a_problem() -> None:
    payments = (Payment(FLEXIBLE, Month.of(date(2019, 4, 1)), Decimal("600.00")),)
    d = decide(_case(difficulty=(), payments=payments), FLEXIBLE)
    assert not d.eligible and d.period_end is None
    assert d.condition("difficulty-person").outcome is Outcome.FAILED
    # Never eligible: the payment is "不该享受的违规享受" (paid-not-eligible), not a missed stop.
    assert [p.code for p in d.problems] == ["paid-not-eligible"]
    assert d.schedule[0].reasons == ("difficulty-person",)


def test_a_category_the_jurisdiction_does_not_list_does_not_qualify() -> None:
    d = decide(_case(difficulty=(CategorySpell("older-difficulty-person", date(2019, 1, 10)),)), FLEXIBLE)
    assert not d.eligible
    assert decide(
        _case(difficulty=(CategorySpell("older-difficulty-person", date(2019, 1, 10)),), jurisdiction="wuhan"), FLEXIBLE
    ).eligible


def test_a_category_that_ends_stops_the_months_after_it() -> None:
    d = decide(
        _case(difficulty=(CategorySpell("long-term-unemployed", date(2019, 1, 10), date(2020, 6, 30)),)), FLEXIBLE
    )
    july = next(m for m in d.schedule if m.month == Month(2020, 7))
    assert july.status is MonthStatus.NOT_ENTITLED and "difficulty-person" in july.reasons
    assert d.condition("difficulty-person").outcome is Outcome.FAILED


def test_no_first_approval_means_not_eligible() -> None:
    d = decide(_case(first_approval=None), FLEXIBLE)
    assert not d.eligible and d.schedule == ()
    assert d.condition("first-approval").outcome is Outcome.FAILED
    assert decide(_case(first_approval=date(2030, 1, 1)), FLEXIBLE).eligible is False


def test_unregistered_retired_dead_or_pensioned_at_first_approval_is_not_eligible() -> None:
    assert not decide(_case(flexible_registrations=()), FLEXIBLE).eligible
    assert not decide(
        _case(person=Person(birth_month=Month.of(date(1958, 1, 1)), group=RetirementGroup.MALE)), FLEXIBLE
    ).eligible
    assert not decide(_case(death=date(2019, 2, 1)), FLEXIBLE).eligible
    assert not decide(_case(pension_start=date(2019, 3, 1)), FLEXIBLE).eligible


def test_a_man_with_four_years_two_months_to_retirement_at_first_approval_is_subsidised_to_retirement() -> None:
    person = Person(birth_month=Month.of(date(1963, 5, 1)), group=RetirementGroup.MALE)
    d = decide(
        _case(person=person, contributions=_contributions(date(2019, 3, 1), 60), as_of=date(2023, 12, 31)), FLEXIBLE
    )
    assert (d.period_end, d.period_end_reason) == (Month(2023, 4), PeriodEnd.RETIREMENT)
    assert d.entitled_months == 50


def test_a_man_born_1962_03_first_approved_2019_03_runs_to_his_retirement_2022_03_past_36_months() -> None:
    person = Person(birth_month=Month.of(date(1962, 3, 1)), group=RetirementGroup.MALE)
    d = decide(
        _case(person=person, contributions=_contributions(date(2019, 3, 1), 48), as_of=date(2023, 1, 31)), FLEXIBLE
    )
    assert d.period_end_reason is PeriodEnd.RETIREMENT
    assert d.period_end == Month(2022, 2)
    assert d.entitled_months == 36
    facts = {f.name: f.value for f in d.condition("period").facts}
    assert facts["months_to_retirement_at_first_approval"] == "36"


def test_the_period_end_of_a_man_born_1966_03_does_not_flip_with_the_audit_date() -> None:
    # First approved 2022-09: under the law of 2022 he retires at 60, 2026-03 -> 42 months left < 60,
    # so the period runs to retirement. The retirement month is the one in force then: born 1966-03 is
    # 14 months after 1965-01 -> delay 14 // 4 + 1 = 4 -> 2026-07; last month 2026-06. Judged in 2024
    # (before the reform took effect) the period end is the same: the law of 2026-07 decides that month.
    person = Person(birth_month=Month.of(date(1966, 3, 1)), group=RetirementGroup.MALE)
    case = _case(person=person, first_approval=date(2022, 9, 5), contributions=_contributions(date(2022, 9, 1), 50))
    d = decide(case, FLEXIBLE, date(2026, 10, 31))
    assert (d.period_end, d.period_end_reason) == (Month(2026, 6), PeriodEnd.RETIREMENT)
    before_reform = decide(case, FLEXIBLE, date(2024, 6, 30))
    assert before_reform.period_end == Month(2026, 6)


def test_a_month_in_formal_employment_is_not_entitled_and_entitlement_resumes_after() -> None:
    d = decide(_case(formal_employment=(Spell(date(2020, 5, 20), date(2020, 8, 10)),)), FLEXIBLE)
    status = {m.month: m.status for m in d.schedule}
    assert status[Month(2020, 4)] is MonthStatus.ENTITLED
    assert all(status[Month(2020, k)] is MonthStatus.NOT_ENTITLED for k in (5, 6, 7, 8))
    assert status[Month(2020, 9)] is MonthStatus.ENTITLED
    assert d.condition("not-formally-employed").outcome is Outcome.FAILED


def test_a_refunded_month_is_not_entitled_and_a_partly_refunded_one_counts_what_was_kept() -> None:
    contributions = list(_contributions(date(2019, 3, 1), 40))
    contributions[0] = attrs.evolve(contributions[0], refunded=True)  # 2019-03 pension
    contributions[2] = attrs.evolve(contributions[2], refunded=True, refunded_on=date(2019, 6, 1))  # 2019-04 pension
    contributions[3] = attrs.evolve(contributions[3], refunded=True, refunded_on=date(2019, 6, 1))  # 2019-04 medical
    d = decide(_case(contributions=tuple(contributions)), FLEXIBLE)
    assert d.schedule[0].amount == Decimal("200.00")
    assert d.schedule[1].reasons == ("not-refunded",)
    # As of before the refund, the April contributions still counted.
    early = decide(_case(contributions=tuple(contributions)), FLEXIBLE, date(2019, 5, 31))
    assert early.schedule[1].amount == Decimal("600.00")


def test_a_contribution_paid_after_the_as_of_date_does_not_count_yet() -> None:
    contributions = tuple(attrs.evolve(c, paid_on=date(2019, 9, 1)) for c in _contributions(date(2019, 3, 1), 2))
    d = decide(_case(contributions=contributions), FLEXIBLE, date(2019, 4, 30))
    assert [m.reasons for m in d.schedule] == [("contribution-paid",), ("contribution-paid",)]


def test_death_and_pension_end_the_period_and_exclude_their_own_month() -> None:
    d = decide(_case(death=date(2020, 6, 15)), FLEXIBLE)
    assert (d.period_end, d.period_end_reason) == (Month(2020, 5), PeriodEnd.DEATH)
    assert max(m.month for m in d.schedule) == Month(2020, 5)
    p = decide(_case(pension_start=date(2021, 1, 1)), FLEXIBLE)
    assert (p.period_end, p.period_end_reason) == (Month(2020, 12), PeriodEnd.PENSION)


def test_a_local_cap_limits_the_month_and_is_cited() -> None:
    layer = layer_from_toml(
        {
            "layer": {"id": "capped", "name_zh": "某区", "name_en": "A district", "level": "district"},
            "parameters": {
                "ssi.flexible.monthly_cap": {
                    "description_zh": "灵活就业社会保险补贴月上限",
                    "description_en": "Monthly cap",
                    "unit": "元/月",
                    "kind": "decimal",
                    "values": [
                        {"from": date(2019, 1, 1), "value": Decimal("500"), "document": "seed-002", "confirmed": False}
                    ],
                }
            },
        },
        "capped.toml",
        jurisdiction("national"),
    )
    d = decide(_case(), FLEXIBLE, params=paying_ceiling(jurisdiction("national")).with_layer(layer))
    assert {m.amount for m in d.schedule if m.amount is not None} == {Decimal("500")}
    assert "ssi.flexible.monthly_cap" in {r.parameter_id for r in d.condition("amount").parameters}


def test_overpayments_underpayments_and_payments_after_the_period_are_problems() -> None:
    payments = (
        Payment(FLEXIBLE, Month.of(date(2019, 3, 1)), Decimal("650.00")),
        Payment(FLEXIBLE, Month.of(date(2019, 4, 1)), Decimal("500.00")),
        Payment("difficulty-person-si-subsidy", Month.of(date(2022, 3, 1)), Decimal("600.00")),
    )
    d = decide(_case(payments=payments), FLEXIBLE)
    codes = [(p.code, p.place.month, Decimal(p.detail["amount"])) for p in d.problems]
    assert ("paid-above-entitlement", Month(2019, 3), Decimal("50.00")) in codes
    assert ("paid-short", Month(2019, 4), Decimal("100.00")) in codes
    assert ("paid-not-entitled", Month(2022, 3), Decimal("600.00")) in codes
    march_2022 = next(m for m in d.schedule if m.month == Month(2022, 3))
    assert march_2022.reasons == ("period",) and march_2022.paid == Decimal("600.00")


def test_a_graduate_within_the_window_is_entitled_for_two_years_under_181() -> None:
    case = _case(
        difficulty=(),
        left_school_on=date(2023, 6, 30),
        first_approval=date(2024, 3, 1),
        contributions=_contributions(date(2024, 3, 1), 30),
        as_of=date(2026, 12, 31),
    )
    d = decide(case, GRADUATE)
    assert d.eligible and d.entitled_months == 24 and d.period_end == Month(2026, 2)
    window = d.condition("graduate-window").parameters[0]
    assert (window.value, window.citation.document_number) == (24, "财社〔2023〕181号")
    assert "near_retirement" not in {f.name for f in d.condition("period").facts}


def test_a_graduate_14_months_after_leaving_school_is_out_of_the_164_window_but_inside_181s() -> None:
    old = _case(difficulty=(), left_school_on=date(2018, 1, 10), first_approval=date(2019, 3, 15))
    assert not decide(old, GRADUATE).eligible
    new = _case(
        difficulty=(),
        left_school_on=date(2023, 1, 10),
        first_approval=date(2024, 3, 15),
        contributions=_contributions(date(2024, 3, 1), 3),
        as_of=date(2024, 5, 31),
    )
    assert decide(new, GRADUATE).eligible
    assert not decide(attrs.evolve(new, left_school_on=None), GRADUATE).eligible


def test_combined_rows_expand_to_their_parts_and_programs_are_inferred() -> None:
    assert rule_programs("difficulty-person-si-subsidy") == (FLEXIBLE,)
    assert rule_programs("高校毕业生社会保险补贴") == (GRADUATE,)
    assert rule_programs("public-welfare-post-subsidy-and-si") == (
        "public-welfare-post-subsidy",
        "public-welfare-post-si-subsidy",
    )
    with pytest.raises(UnknownCodeError, match="no eligibility rules"):
        rule_programs("entrepreneurship-subsidy")
    with pytest.raises(UnknownCodeError):
        decide(_case(), "difficulty-person-si-subsidy")
    assert programs_for(_case()) == (FLEXIBLE,)
    assert programs_for(_case(left_school_on=date(2018, 6, 30))) == (GRADUATE,)
    assert programs_for(_case(first_approval=None, flexible_registrations=())) == (FLEXIBLE,)
    assert [d.program for d in decide_all(_case(), ["difficulty-person-si-subsidy", FLEXIBLE])] == [FLEXIBLE]


def test_an_invalid_case_built_in_python_is_refused_with_json_paths() -> None:
    with pytest.raises(DataFileError) as info:
        decide(_case(person=Person(id_number="110105194912310021")), FLEXIBLE)
    assert info.value.problems[0].place.path == "$.person.id_number"


def test_the_officer_note_gives_the_verdict_each_condition_with_its_citation_and_unconfirmed_values() -> None:
    d = decide(load_case(EXAMPLES / "02-near-retirement.json"), FLEXIBLE)
    text = decision_text(d)
    assert "结论：符合条件 ELIGIBLE" in text
    assert "三（一）1" in text and "第五十二条" in text and "UNCONFIRMED" in text
    assert "达到法定退休年龄" in text and "paid-not-entitled" in text
    doc = decision_to_json(d)
    assert doc["period_end"] == "2026-06" and doc["period_end_reason"] == "retirement"
    assert all(p["confirmed"] is False for c in doc["conditions"] for p in c["parameters"])
    assert "ssi.flexible.max_ratio" in doc["unconfirmed_parameters"]


def test_a_case_with_layer_files_reads_them_relative_to_the_case(tmp_path: Path) -> None:
    (tmp_path / "cap.toml").write_text(
        '[layer]\nid = "cap"\nname_zh = "区"\nname_en = "d"\nlevel = "user"\nparent = "wuhan"\n'
        '[parameters."ssi.flexible.monthly_cap"]\ndescription_zh = "上限"\ndescription_en = "cap"\nunit = "元/月"\n'
        'kind = "decimal"\n[[parameters."ssi.flexible.monthly_cap".values]]\nfrom = 2019-01-01\nvalue = 100\n'
        'document = "seed-002"\nconfirmed = false\n',
        "utf-8",
    )
    case = _case(jurisdiction="wuhan", layer_files=(str(PAYS_CEILING), "cap.toml"))
    d = decide(case, FLEXIBLE, base_dir=tmp_path)
    assert d.jurisdiction[-1] == "cap" and d.schedule[0].amount == Decimal("100")
    assert decide_all(case, base_dir=tmp_path)[0].schedule[0].amount == Decimal("100")
