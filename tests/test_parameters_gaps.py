"""Gaps and carried-over values in parameter layers (issue 18), and the edges of the bound API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from subsidy_rules.core.errors import DataFileError, UnknownCodeError
from subsidy_rules.core.month import Month
from subsidy_rules.parameters import ParameterGapError, jurisdiction, load_layer, national
from subsidy_rules.programs.eligibility import POST, Case, Person, Placement, decide
from subsidy_rules.programs.eligibility.rules.posts import minimum_wage
from subsidy_rules.programs.retirement import RetirementGroup
from subsidy_rules.programs.standards import LocalStandard, fund_regime, subsidy_bound

_HEAD = '[layer]\nid = "mine"\nname_zh = "本地"\nname_en = "mine"\nlevel = "user"\nparent = "wuhan"\n'


def _write(tmp_path: Path, body: str) -> Path:
    f = tmp_path / "mine.toml"
    f.write_text(_HEAD + body, "utf-8")
    return f


def test_a_gap_in_one_parameter_alone_raises_with_its_note() -> None:
    tier1 = jurisdiction("hubei").definition("minimum_wage.monthly.tier1")
    assert tier1.value_at(date(2021, 9, 1)) == Decimal(2010)
    with pytest.raises(ParameterGapError, match="not known from 2021-09-02") as caught:
        tier1.value_at(date(2022, 1, 1))
    assert caught.value.layer is None and caught.value.parameter_id == "minimum_wage.monthly.tier1"
    assert not any(v.ends for v in tier1.values if v.gap)


def test_a_layer_entry_cannot_be_both_a_gap_and_an_end_nor_carry_a_value(tmp_path: Path) -> None:
    body = (
        '[[parameters."minimum_wage.monthly.tier1".values]]\nfrom = 2027-01-01\ngap = true\nend = true\n'
        'document = "seed-000"\nconfirmed = false\n'
        '[[parameters."minimum_wage.monthly.tier2".values]]\nfrom = 2027-01-01\ngap = true\nvalue = 1\n'
        'document = "seed-000"\nconfirmed = false\n'
    )
    with pytest.raises(DataFileError) as caught:
        load_layer(_write(tmp_path, body))
    text = " ".join(str(p) for p in caught.value.problems)
    assert "a gap or an end, not both" in text and "marks a gap takes no value" in text


def test_carried_over_from_must_name_a_known_document(tmp_path: Path) -> None:
    body = (
        '[[parameters."ssi.flexible.max_ratio".values]]\nfrom = 2027-01-01\nvalue = "2/3"\n'
        'document = "caishe-2026-1"\ncarried_over_from = "caishe-2099-1"\nconfirmed = false\n'
    )
    with pytest.raises(DataFileError, match="unknown document 'caishe-2099-1'"):
        load_layer(_write(tmp_path, body))


def test_a_user_layer_may_fill_a_gap_and_the_wage_follows(tmp_path: Path) -> None:
    body = (
        '[[parameters."minimum_wage.monthly.tier1".values]]\nfrom = 2023-07-01\nvalue = 2210\n'
        'document = "hubei-minimum-wage-2210-step"\nconfirmed = false\n'
    )
    ps = jurisdiction("wuhan").with_layer(load_layer(_write(tmp_path, body)))
    assert minimum_wage(ps, date(2023, 8, 1))[0] == Decimal(2210)
    assert minimum_wage(ps, date(2023, 6, 1))[2] == "minimum-wage-gap"


def test_a_place_with_no_minimum_wage_at_all_says_so_and_a_local_gap_is_a_gap(tmp_path: Path) -> None:
    assert minimum_wage(national(), date(2024, 1, 1)) == (None, (), "no-minimum-wage")
    body = (
        '[[parameters."minimum_wage.monthly".values]]\nfrom = 2020-01-01\ngap = true\n'
        'document = "seed-000"\nconfirmed = false\n'
    )
    f = tmp_path / "gap.toml"
    f.write_text(body.join(['[layer]\nid = "gap"\nname_zh = "缺"\nname_en = "gap"\nlevel = "user"\n', ""]), "utf-8")
    ps = national().with_layer(load_layer(f))
    assert minimum_wage(ps, date(2024, 1, 1)) == (None, (), "minimum-wage-gap")


def test_a_district_whose_tier_is_unknown_says_so_in_chinese() -> None:
    case = Case(
        case_id="hp",
        jurisdiction="huangpi",
        person=Person(birth_month=Month(1975, 1), group=RetirementGroup.FEMALE_55),
        difficulty=(),
        placements=(Placement(date(2022, 1, 1)),),
        as_of=date(2022, 2, 28),
    )
    import attrs

    from subsidy_rules.programs.difficulty import CategorySpell

    case = attrs.evolve(case, difficulty=(CategorySpell("older-difficulty-person", date(2021, 12, 1)),))
    d = decide(case, POST)
    assert any("本区执行的最低工资档次自2021-09-01起未知" in n for n in d.notices_zh)


def test_the_bound_api_edges() -> None:
    with pytest.raises(UnknownCodeError):
        subsidy_bound(national(), "apprentice", date(2026, 1, 1))
    early = fund_regime(national(), date(2010, 1, 1))
    assert (early.number, early.anchor) == ("财社〔2017〕164号", None) and early.note_zh.startswith("本月适用")
    s = LocalStandard(Fraction(1), "actual-contribution", ("pension",), {}, "fen", (), "x")
    assert s.amount({"pension": Decimal("10.005")}) == Decimal("10.01") and "的1（x 层）" in s.text_zh()
    assert "最低档" in LocalStandard(Fraction(2, 3), "minimum-contribution", ("pension",), {}, "yuan").text_zh()
    wuhai = subsidy_bound(jurisdiction("wuhai"), "flexible", date(2026, 1, 1))
    assert wuhai.standard is not None and "lowest grade" in wuhai.undetermined_en()
