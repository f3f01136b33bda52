"""China's calendar of working days, with statutory holidays and make-up working days (调休).

A day is a working day when it is a Monday–Friday that is not a statutory
holiday (or a day off moved by the State Council's arrangement), or a
Saturday/Sunday declared a working day (调休上班). The data come from the
``holidays`` package (``holidays.China``: holidays plus ``weekend_workdays``).

A year is *covered* only when the package lists its make-up working days:
every year's arrangement since 2001 moves some weekend days, so a year
without any is a year the package does not know yet. Asking about an
uncovered year raises :class:`CalendarNotCoveredError` — it is never
treated as "weekends only".

Only the years asked for are built, and never a year outside the package's
range (``holidays.China``: 1950–2100): a ledger date such as 9999-12-31 (the
"no end" placeholder of HR exports) is answered "not covered" at once — the
audit reports its rows (``audit-calendar-not-covered``) instead of computing
eight thousand years of calendar.

Deadline counting (seed 004 二（三）9 "确保在20个工作日内完成补贴发放"): the
application day is not counted; the next working day is day 1; a payment on
the N-th working day is on time, one later is late.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import holidays

from subsidy_rules.core.errors import SubsidyRulesError


class CalendarNotCoveredError(SubsidyRulesError, LookupError):
    """The working-day calendar does not know this year's holidays and make-up days."""

    def __init__(self, year: int) -> None:
        super().__init__(f"the working-day calendar does not cover {year}")
        self.year = year


#: The years ``holidays.China`` can speak about at all; nothing outside is ever asked of it.
_CHINA = holidays.country_holidays("CN")
PACKAGE_YEARS = range(int(getattr(_CHINA, "start_year", 1950)), int(getattr(_CHINA, "end_year", 2100)) + 1)


@cache
def _year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    if year not in PACKAGE_YEARS:
        return frozenset(), frozenset()
    cn = holidays.country_holidays("CN", years=year)
    off = frozenset(d for d in cn if d.year == year)
    extra = frozenset(d for d in getattr(cn, "weekend_workdays", ()) if d.year == year)
    return off, extra


def covered(year: int) -> bool:
    """True when the package lists this year's make-up working days."""
    return bool(_year(year)[1])


def covered_years() -> tuple[int, ...]:
    return tuple(y for y in range(1990, date.today().year + 3) if covered(y))


def uncovered(years: Iterable[int]) -> list[int]:
    """The years among ``years`` the calendar does not cover, in order (each asked once)."""
    return sorted(y for y in set(years) if not covered(y))


def is_working_day(day: date) -> bool:
    off, extra = _year(day.year)
    if not extra:
        raise CalendarNotCoveredError(day.year)
    if day in extra:
        return True
    return day.weekday() < 5 and day not in off


def working_days_after(start: date, end: date) -> int:
    """Working days in (start, end]: the start day not counted."""
    n = 0
    d = start + timedelta(days=1)
    while d <= end:
        if is_working_day(d):
            n += 1
        d += timedelta(days=1)
    return n


def nth_working_day_after(start: date, n: int) -> date:
    """The n-th working day after ``start`` (the deadline: paid on it is on time)."""
    d = start
    while n > 0:
        d += timedelta(days=1)
        if is_working_day(d):
            n -= 1
    return d


def calendar_rows(years: Iterable[int]) -> tuple[list[date], list[int]]:
    """Each day of the covered ``years`` (consecutive runs) with its running working-day count.

    ``index[d] - index[a]`` is the number of working days in (a, d]. Years
    not covered are left out (callers report them).
    """
    days: list[date] = []
    index: list[int] = []
    n = 0
    for year in sorted(set(years)):
        if not covered(year):
            continue
        d = date(year, 1, 1)
        while d.year == year:
            if is_working_day(d):
                n += 1
            days.append(d)
            index.append(n)
            d += timedelta(days=1)
    return days, index
