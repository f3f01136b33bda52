"""Resident ID numbers (GB 11643-1999): check digit, birth date, sex, clear errors."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subsidy_rules.core.errors import SubsidyRulesError
from subsidy_rules.core.month import Month
from subsidy_rules.programs.idcard import (
    IdProblem,
    InvalidResidentIdError,
    Sex,
    check_character,
    make_resident_id,
    parse_resident_id,
)


def test_the_standard_example_number_is_a_woman_born_1949_12_31() -> None:
    rid = parse_resident_id("11010519491231002X")
    assert (rid.birth_date, rid.sex, rid.region_code) == (date(1949, 12, 31), Sex.FEMALE, "110105")
    assert rid.birth_month == Month(1949, 12)


def test_a_lower_case_x_and_surrounding_spaces_are_accepted() -> None:
    assert parse_resident_id(" 11010519491231002x ").number == "11010519491231002X"


def test_an_odd_sequence_digit_is_a_man() -> None:
    assert parse_resident_id(make_resident_id("420102", date(1965, 1, 15), 1)).sex is Sex.MALE


@pytest.mark.parametrize(
    ("number", "problem", "words"),
    [
        ("1101051949123100", IdProblem.LENGTH, "18 characters"),
        ("110105194912310O2X", IdProblem.CHARACTERS, "digits"),
        ("11010519491231002Y", IdProblem.CHARACTERS, "digit or X"),
        ("110105194902300021", IdProblem.BIRTH_DATE, "19490230"),
        ("110105194912310021", IdProblem.CHECK_DIGIT, "check character is 1"),
    ],
)
def test_a_bad_number_says_which_part_is_wrong(number: str, problem: IdProblem, words: str) -> None:
    with pytest.raises(InvalidResidentIdError) as info:
        parse_resident_id(number)
    assert info.value.problem is problem
    assert words in str(info.value)
    assert isinstance(info.value, SubsidyRulesError) and isinstance(info.value, ValueError)


def test_make_resident_id_refuses_a_bad_region() -> None:
    with pytest.raises(ValueError, match="region code"):
        make_resident_id("4201", date(1965, 1, 1), 1)


@given(
    region=st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    seq=st.integers(min_value=0, max_value=999),
)
def test_every_composed_number_reads_back_and_any_other_check_character_is_refused(
    region: str, born: date, seq: int
) -> None:
    number = make_resident_id(region, born, seq)
    rid = parse_resident_id(number)
    assert (rid.birth_date, rid.sex) == (born, Sex.MALE if seq % 2 else Sex.FEMALE)
    for wrong in "0123456789X":
        if wrong != number[-1]:
            with pytest.raises(InvalidResidentIdError):
                parse_resident_id(number[:17] + wrong)
    assert check_character(number[:17]) == number[-1]
