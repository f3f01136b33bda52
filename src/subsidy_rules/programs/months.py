"""Calendar months as first-of-month dates.

The rules count in whole months (a subsidy month, a retirement month, a
36-month period). A month is the ``date`` of its first day; arithmetic goes
through :class:`dateutil.relativedelta.relativedelta` so month ends never
drift. Hot loops may use :func:`month_index` (``year * 12 + month - 1``),
which is the same arithmetic on integers.

References:
    shared/DESIGN.md, conventions: "Months are ``(year, month)`` values or the
    first day of the month; month arithmetic with ``dateutil.relativedelta``."

Limitations:
    None of the rules here needs days within a month except to tell which
    month a date falls in.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NewType

from dateutil.relativedelta import relativedelta

#: A calendar month, as the date of its first day (``"YYYY-MM"`` in JSON).
Month = NewType("Month", date)

_MONTH_TEXT = re.compile(r"^(\d{4})-(\d{2})$")


def month_of(day: date) -> date:
    """The month (its first day) that ``day`` falls in."""
    return day if day.day == 1 else day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """``month`` moved by ``count`` months (negative goes back)."""
    return month_of(month) + relativedelta(months=count)


def months_between(start: date, end: date) -> int:
    """Whole months from the month of ``start`` to the month of ``end`` (negative if ``end`` is earlier)."""
    delta = relativedelta(month_of(end), month_of(start))
    return delta.years * 12 + delta.months


def month_index(day: date) -> int:
    """The month of ``day`` as one integer, ``year * 12 + month - 1``, for fast comparisons."""
    return day.year * 12 + day.month - 1


_FROM_INDEX: dict[int, date] = {}


def month_from_index(index: int) -> date:
    """The first day of the month :func:`month_index` numbers ``index``."""
    found = _FROM_INDEX.get(index)
    if found is None:
        year, month0 = divmod(index, 12)
        found = date(year, month0 + 1, 1)
        if len(_FROM_INDEX) < 100_000:
            _FROM_INDEX[index] = found
    return found


def parse_month(text: str) -> date:
    """Read ``"YYYY-MM"``; raise ``ValueError`` naming the expected form."""
    m = _MONTH_TEXT.match(text)
    if m is None or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"expected a month YYYY-MM, got {text!r}")
    return date(int(m.group(1)), int(m.group(2)), 1)


def format_month(month: date) -> str:
    """``"YYYY-MM"``."""
    return f"{month.year:04d}-{month.month:02d}"
