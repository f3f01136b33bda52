"""Statutory retirement month: the worked examples of policy-facts.md, the pre-reform law, properties, CLI."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from subsidy_rules.cli import cli
from subsidy_rules.core.month import Month
from subsidy_rules.programs.idcard import make_resident_id
from subsidy_rules.programs.retirement import RetirementGroup, retirement, retirement_delay
from tests.strategies import eligibility

LAW = date(2025, 6, 1)
MAX_DELAY = {RetirementGroup.MALE: 36, RetirementGroup.FEMALE_55: 36, RetirementGroup.FEMALE_50: 60}


def _r(y: int, m: int, group: RetirementGroup, law: date = LAW) -> tuple[int, int, Month]:
    r = retirement(Month(y, m), group, law_date=law)
    return r.age_years, r.age_months, r.retirement_month


def test_a_man_born_1964_12_retires_at_60_in_2024_12() -> None:
    assert _r(1964, 12, RetirementGroup.MALE) == (60, 0, Month(2024, 12))


def test_a_man_born_1965_01_retires_at_60_years_1_month_in_2025_02() -> None:
    assert _r(1965, 1, RetirementGroup.MALE) == (60, 1, Month(2025, 2))


def test_a_man_born_1976_09_retires_at_63_in_2039_09() -> None:
    assert _r(1976, 9, RetirementGroup.MALE) == (63, 0, Month(2039, 9))


def test_a_woman_originally_50_born_1975_01_retires_at_50_years_1_month_in_2025_02() -> None:
    assert _r(1975, 1, RetirementGroup.FEMALE_50) == (50, 1, Month(2025, 2))


def test_a_woman_originally_50_born_1984_11_retires_at_55_in_2039_11() -> None:
    assert _r(1984, 11, RetirementGroup.FEMALE_50) == (55, 0, Month(2039, 11))


def test_a_woman_originally_55_born_1970_01_retires_at_55_years_1_month_and_the_delay_stops_at_58() -> None:
    assert _r(1970, 1, RetirementGroup.FEMALE_55) == (55, 1, Month(2025, 2))
    assert _r(1985, 1, RetirementGroup.FEMALE_55)[:2] == (58, 0)


def test_under_the_law_of_2019_a_man_born_1965_01_retires_at_60_without_delay() -> None:
    r = retirement(date(1965, 1, 1), RetirementGroup.MALE, law_date=date(2019, 5, 1))
    assert (r.age_years, r.age_months, r.delay_months) == (60, 0, 0)
    assert r.citation.document_number == "国发〔1978〕104号"
    assert len(r.parameters) == 2


def test_the_reform_cites_the_state_council_measures_the_npcsc_approved_and_is_unconfirmed() -> None:
    r = retirement(date(1970, 5, 1), RetirementGroup.MALE, law_date=LAW)
    # Issue 18: the ages are in the State Council measures (第一条, 附件1–3), approved by item 四 of the decision.
    assert r.citation.document_key == "guowuyuan-2024-retirement-measures"
    assert not r.confirmed
    assert r.months_remaining(date(2025, 1, 15)) == r.retirement_month - Month(2025, 1)


def test_the_default_law_date_is_today() -> None:
    assert retirement(date(1980, 1, 1), RetirementGroup.MALE).law_date == date.today()


def test_the_delay_is_zero_before_the_first_affected_month_or_without_a_reform() -> None:
    assert retirement_delay(Month(1964, 12), Month(1965, 1), 4, 36) == 0
    assert retirement_delay(Month(1970, 12), Month(1965, 1), 4, 0) == 0


@given(
    birth=eligibility("birth_months"),
    later=st.integers(min_value=1, max_value=240),
    group=eligibility("retirement_groups"),
)
def test_the_retirement_month_never_decreases_as_birth_increases_and_the_delay_never_exceeds_its_cap(
    birth: date, later: int, group: RetirementGroup
) -> None:
    a = retirement(birth, group, law_date=LAW)
    b = retirement(Month.of(birth) + later, group, law_date=LAW)
    assert a.retirement_month <= b.retirement_month
    assert 0 <= a.delay_months <= MAX_DELAY[group]
    assert a.age_years * 12 + a.age_months == a.age_total_months


def test_the_cli_prints_the_month_the_age_and_the_citation_as_json() -> None:
    result = CliRunner().invoke(cli, ["retirement-age", "--birth", "1965-01", "--group", "male", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert (doc["retirement_month"], doc["age_years"], doc["age_months"]) == ("2025-02", 60, 1)
    assert doc["citation"]["document_key"] == "guowuyuan-2024-retirement-measures"
    assert doc["confirmed"] is False and doc["schema_version"]


def test_the_cli_reads_text_an_id_number_and_a_law_date() -> None:
    number = make_resident_id("420102", date(1965, 1, 15), 1)
    result = CliRunner().invoke(cli, ["retirement-age", "--id-number", number, "--law-date", "2019-01-01"])
    assert result.exit_code == 0, result.output
    assert "2025-01" in result.output and "60 岁 0 个月" in result.output


def test_the_cli_refuses_bad_input_with_one_line_and_exit_2() -> None:
    runner = CliRunner()
    cases = [
        ["retirement-age", "--birth", "1965-13", "--group", "male"],
        ["retirement-age", "--group", "male"],
        ["retirement-age", "--birth", "1965-01"],
        ["retirement-age", "--birth", "1965-01", "--group", "male", "--law-date", "2025/01/01"],
        ["retirement-age", "--id-number", "110105194912310021"],
        ["retirement-age", "--id-number", "11010519491231002X", "--group", "male"],
        ["retirement-age", "--birth", "9999-12", "--group", "male"],
    ]
    for args in cases:
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        assert result.output.count("error:") + result.output.count("Error:") == 1, result.output
