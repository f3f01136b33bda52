"""Issue 18, rules that vary by place: Hubei's minimum wages, the post share, re-placement, graduates' window.

Hand-computed expectations (written before the code ran):

* Hubei 2021-09-01: four tiers 2010/1800/1650/1520 (tier 4 did not end). From 2021-09-02 to 2025-11-30
  every tier is a gap (an undated step with tier 1 = 2210 lies in between); 2025-12-01: 2400/2130/1970
  and tier 4 ends.
* Wuhan's far-suburban 黄陂区 was tier 2 in 2017: a post month of 2018-03 is 1500 × 1 (placeholder
  share) = 1500.00; 江汉区 (central) is tier 1: 1750.00. 黄陂区 from 2021-09-01: tier unknown (gap).
* A Wuhan post in 2023-01 .. 2023-03 is undetermined (gap), never 2010 carried over.
* Re-placement: Hubei needs a provincial filing; Henan 3 months out of the post first (ended
  2024-12-31 → not before 2025-03-31) and counts "fewer than 5 years to retirement" as a category (a man
  born 1967-01 retires 2027-08 under the reform: 30 months left on 2025-02-01); Anhui 3 job referrals.
* 常州's worked example: left school 2022-06, first approved 2023-03: months 2023-03 .. 2024-06 (16)
  only; the national reading gives 24 months, 2023-03 .. 2025-02.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from subsidy_rules.core.errors import NoValueInForceError
from subsidy_rules.core.month import Month
from subsidy_rules.parameters import ParameterGapError, jurisdiction, national
from subsidy_rules.programs.difficulty import CategorySpell
from subsidy_rules.programs.eligibility import (
    GRADUATE,
    POST,
    Case,
    Contribution,
    Insurance,
    MonthStatus,
    Outcome,
    Payer,
    Person,
    Placement,
    PlacementEnd,
    Spell,
    decide,
    decision_text,
)
from subsidy_rules.programs.eligibility.rules.posts import minimum_wage
from subsidy_rules.programs.retirement import RetirementGroup
from tests.policy_layers import paying_ceiling

D = Decimal


# -- Hubei's minimum wages -----------------------------------------------------------------------------


def test_hubei_had_four_tiers_on_2021_09_01_and_tier_4_did_not_end() -> None:
    hubei = jurisdiction("hubei")
    day = date(2021, 9, 1)
    assert [hubei.value_at(f"minimum_wage.monthly.tier{t}", day) for t in (1, 2, 3, 4)] == [
        D(2010),
        D(1800),
        D(1650),
        D(1520),
    ]
    assert hubei.resolve("minimum_wage.monthly.tier4", day).citation.url == "http://hbzqbyyxgs.com/news/621178.html"


def test_the_months_between_2021_and_2025_are_a_gap_not_the_2021_values_carried_over() -> None:
    hubei = jurisdiction("hubei")
    for tier in (1, 2, 3, 4):
        with pytest.raises(ParameterGapError) as caught:
            hubei.resolve(f"minimum_wage.monthly.tier{tier}", date(2023, 6, 1))
        assert caught.value.since == date(2021, 9, 2) and caught.value.layer == "hubei"
        assert caught.value.note is not None and "2210" in caught.value.note
    assert [hubei.value_at(f"minimum_wage.monthly.tier{t}", date(2025, 12, 1)) for t in (1, 2, 3)] == [
        D(2400),
        D(2130),
        D(1970),
    ]
    with pytest.raises(NoValueInForceError) as ended:
        hubei.resolve("minimum_wage.monthly.tier4", date(2025, 12, 1))
    assert not isinstance(ended.value, ParameterGapError)


def test_the_tier_is_chosen_per_district_layer_and_huangpi_was_tier_2_in_2017() -> None:
    march_2018 = date(2018, 3, 1)
    assert minimum_wage(jurisdiction("jianghan"), march_2018)[0] == D(1750)
    wage, used, why = minimum_wage(jurisdiction("huangpi"), march_2018)
    assert (wage, why) == (D(1500), None)
    assert used[0].parameter_id == "minimum_wage.tier" and used[0].value == 2 and used[0].layer == "huangpi"
    assert "第二档的适用区域为武汉市其余4个远城区" in (used[0].citation.quote or "")
    for district in ("caidian", "jiangxia", "xinzhou"):
        assert minimum_wage(jurisdiction(district), march_2018)[0] == D(1500)
    assert minimum_wage(jurisdiction("huangpi"), date(2022, 3, 1)) == (None, (), "minimum-wage-gap")


def _post(jur: str, start: date, as_of: date, **changes: object) -> Case:
    base = Case(
        case_id="post",
        jurisdiction=jur,
        person=Person(birth_month=Month(1975, 1), group=RetirementGroup.FEMALE_55),
        difficulty=(CategorySpell("older-difficulty-person", start),),
        placements=(Placement(start),),
        as_of=as_of,
    )
    import attrs

    return attrs.evolve(base, **changes)  # type: ignore[arg-type]


def test_a_huangpi_post_in_2018_is_paid_at_tier_2_and_says_the_share_is_a_placeholder() -> None:
    d = decide(_post("huangpi", date(2018, 1, 1), date(2018, 3, 31)), POST)
    assert [m.amount for m in d.schedule] == [D("1500.00")] * 3
    assert any("占位值（1）" in n and "参照当地最低工资标准" in n for n in d.notices_zh)
    assert any("placeholder" in n for n in d.notices_en)
    assert "占位值" in decision_text(d)
    central = decide(_post("jianghan", date(2018, 1, 1), date(2018, 3, 31)), POST)
    assert [m.amount for m in central.schedule] == [D("1750.00")] * 3


def test_a_wuhan_post_in_the_gap_is_undetermined_and_the_decision_says_why_in_chinese() -> None:
    d = decide(_post("wuhan", date(2023, 1, 1), date(2023, 3, 31)), POST)
    assert [(m.status, m.reasons) for m in d.schedule] == [(MonthStatus.UNDETERMINED, ("minimum-wage-gap",))] * 3
    gap = next(n for n in d.notices_zh if n.startswith("最低工资标准在这些月份未知"))
    assert "2023-01..2023-03" in gap and "第1档月最低工资标准自2021-09-02起未知" in gap and "2210" in gap
    assert "当月最低工资标准未知" in decision_text(d)


# -- re-placement preconditions --------------------------------------------------------------------------


def _re_placed(jur: str, second: Placement, person: Person | None = None, **changes: object) -> Case:
    import attrs

    base = Case(
        case_id="re",
        jurisdiction=jur,
        person=person or Person(birth_month=Month(1975, 1), group=RetirementGroup.FEMALE_55),
        difficulty=(
            CategorySpell("older-difficulty-person", date(2021, 12, 1)),
            CategorySpell("long-term-unemployed", date(2021, 12, 1)),
        ),
        placements=(Placement(date(2022, 1, 1), date(2024, 12, 31), PlacementEnd.EXPIRED), second),
        as_of=date(2025, 6, 30),
    )
    return attrs.evolve(base, **changes)  # type: ignore[arg-type]


def _months(d: object, reason: str) -> list[Month]:
    return [m.month for m in d.schedule if reason in m.reasons]  # type: ignore[attr-defined]


def test_hubei_re_places_only_with_a_provincial_filing_which_the_case_must_carry() -> None:
    refused = decide(_re_placed("wuhan", Placement(date(2025, 4, 1))), POST)
    assert refused.condition("replacement-preconditions").outcome is Outcome.FAILED
    assert _months(refused, "replacement-preconditions") == [Month(2025, 4), Month(2025, 5), Month(2025, 6)]
    facts = {f.name: f.value for f in refused.condition("replacement-preconditions").facts}
    assert (
        "NOT met" in facts["placement_2_provincial-filing"]
        and "报省人力资源社会保障" in facts["placement_2_provincial-filing"]
    )
    filed = decide(_re_placed("wuhan", Placement(date(2025, 4, 1), preconditions_met=("provincial-filing",))), POST)
    assert filed.condition("replacement-preconditions").outcome is Outcome.HELD
    assert filed.condition("re-placement").outcome is Outcome.HELD
    assert _months(filed, "replacement-preconditions") == []


def test_henan_waits_3_months_out_of_the_post_and_counts_nearness_to_retirement_as_a_category() -> None:
    man = Person(birth_month=Month(1967, 1), group=RetirementGroup.MALE)  # retires 2027-08 under the reform
    only_unemployed = (CategorySpell("long-term-unemployed", date(2021, 12, 1)),)
    early = decide(_re_placed("henan", Placement(date(2025, 2, 1)), man, difficulty=only_unemployed), POST)
    assert early.condition("replacement-preconditions").outcome is Outcome.FAILED
    assert _months(early, "replacement-preconditions")[0] == Month(2025, 2)
    later = decide(_re_placed("henan", Placement(date(2025, 4, 1)), man, difficulty=only_unemployed), POST)
    assert later.condition("re-placement").outcome is Outcome.HELD
    assert later.condition("replacement-preconditions").outcome is Outcome.HELD
    assert {m.status for m in later.schedule if m.month >= Month(2025, 4)} == {MonthStatus.UNDETERMINED}
    assert later.period_end is not None and later.period_end == Month(2027, 7)  # to retirement


def test_anhui_re_places_only_after_three_job_referrals() -> None:
    refused = decide(_re_placed("anhui", Placement(date(2025, 3, 1))), POST)
    assert refused.condition("replacement-preconditions").outcome is Outcome.FAILED
    ok = decide(_re_placed("anhui", Placement(date(2025, 3, 1), preconditions_met=("three-job-referrals",))), POST)
    assert ok.condition("replacement-preconditions").outcome is Outcome.HELD


def test_a_re_placement_outside_the_listed_categories_is_refused_but_the_open_national_list_is_said() -> None:
    only_unemployed = (CategorySpell("long-term-unemployed", date(2021, 12, 1)),)
    d = decide(_re_placed("national", Placement(date(2025, 3, 1)), difficulty=only_unemployed), POST)
    assert d.condition("re-placement").outcome is Outcome.FAILED
    facts = {f.name: f.value for f in d.condition("re-placement").facts}
    assert "等特殊困难人员" in facts["placement_2_open_list"]
    assert national().value_at("public_welfare_post.max_placements_in_principle", date(2025, 1, 1)) is True
    assert jurisdiction("hubei").value_at("public_welfare_post.max_placements_in_principle", date(2025, 1, 1)) is False


# -- graduates' window -----------------------------------------------------------------------------------


def _graduate(jur: str) -> Case:
    contributions = []
    for i in range(30):
        m = Month(2023, 1) + i
        contributions.append(Contribution(m, Insurance.PENSION, Payer.FLEXIBLE_WORKER, D("600.00")))
        contributions.append(Contribution(m, Insurance.MEDICAL, Payer.FLEXIBLE_WORKER, D("300.00")))
    return Case(
        case_id="小李",
        jurisdiction=jur,
        person=Person(birth_month=Month(2001, 5), group=RetirementGroup.MALE),
        left_school_on=date(2022, 6, 30),
        flexible_registrations=(Spell(date(2023, 1, 1)),),
        first_approval=date(2023, 3, 1),
        contributions=tuple(contributions),
        as_of=date(2025, 6, 30),
    )


def test_changzhous_worked_example_pays_only_months_inside_two_years_after_leaving_school() -> None:
    d = decide(_graduate("changzhou"), GRADUATE)
    eligible = [m.month for m in d.schedule if m.status is not MonthStatus.NOT_ENTITLED]
    assert eligible[0] == Month(2023, 3) and eligible[-1] == Month(2024, 6) and len(eligible) == 16
    assert _months(d, "graduate-window") == [Month(2024, 7) + i for i in range(8)]
    reading = next(r for r in d.condition("graduate-window").parameters if r.parameter_id.endswith("window_reading"))
    assert (reading.value, reading.layer) == ("months-within-window", "changzhou")
    assert "小李2022年6月大专毕业" in (reading.citation.quote or "")


def test_the_national_reading_stays_first_approval_then_up_to_24_months_with_its_basis_marked() -> None:
    d = decide(_graduate("national"), GRADUATE, params=paying_ceiling(national()))
    assert d.entitled_months == 24 and d.period_end == Month(2025, 2)
    reading = national().resolve("ssi.graduate.window_reading", date(2023, 3, 1))
    assert (reading.value, reading.confirmed, reading.citation.document_number) == (
        "first-approval",
        False,
        "财社〔2017〕164号",
    )


def test_an_unknown_precondition_in_a_case_is_refused_with_its_json_path() -> None:
    from subsidy_rules.programs.eligibility import check_case

    case = _re_placed("wuhan", Placement(date(2025, 4, 1), preconditions_met=("provincial-filling",)))
    problems = check_case(case)
    assert [p.place.path for p in problems] == ["$.placements[1].preconditions_met[0]"]
    assert "provincial-filing" in problems[0].message_en


def test_a_third_placement_in_hubei_meets_a_firm_limit_and_elsewhere_a_limit_in_principle() -> None:
    third = Placement(date(2025, 6, 1))
    base = _re_placed("wuhan", Placement(date(2025, 4, 1), date(2025, 5, 31), PlacementEnd.LEFT_POST))
    import attrs

    hubei = decide(attrs.evolve(base, placements=(*base.placements, third)), POST)
    facts = {f.name: f.value for f in hubei.condition("re-placement").facts}
    assert "a firm limit here: no 原则上" in facts["placement_3"]
    nat = decide(attrs.evolve(base, jurisdiction="national", placements=(*base.placements, third)), POST)
    assert (
        "原则上: an office may have exceeded it"
        in {f.name: f.value for f in nat.condition("re-placement").facts}["placement_3"]
    )
