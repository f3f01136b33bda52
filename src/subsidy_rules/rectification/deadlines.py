"""Deadlines in working days on China's calendar with 调休 (the audit's calendar).

``--within N`` counts N working days after the day of the change (that day
not counted), as the audit counts payment deadlines (seed 004 二（三）9).
A year the calendar does not cover is an error, never a guess.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from subsidy_rules.core.problem import Problem
from subsidy_rules.issues.audit.workdays import CalendarNotCoveredError, nth_working_day_after
from subsidy_rules.rectification.errors import LedgerError

#: China Standard Time (no daylight saving): the day of a change is the day in Beijing.
CHINA = timezone(timedelta(hours=8), "CST")


def china_day(at: datetime) -> date:
    """The calendar day in China of a UTC time."""
    return at.astimezone(CHINA).date()


def within_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start``; a year the calendar does not cover is a :class:`LedgerError`."""
    try:
        return nth_working_day_after(start, n)
    except CalendarNotCoveredError as exc:
        raise LedgerError(Problem.make("ledger-calendar-not-covered", value=exc.year)) from None
