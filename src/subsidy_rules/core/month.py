"""Calendar months as a validated value: :class:`Month`.

The rules count in whole months (a subsidy month, a retirement month, a
36-month period); ledgers carry a 所属期 ``YYYY-MM``. A :class:`Month` is a
year and a month, validated once when it is made, ordered, hashable, and
written ``"YYYY-MM"`` in JSON and text. Month arithmetic is integer
arithmetic on :attr:`Month.index` (``year * 12 + month - 1``), so month ends
never drift and hot loops can stay on integers.

References:
    shared/DESIGN.md, conventions: "Months are ``(year, month)`` values or the
    first day of the month".

Limitations:
    Years 1–9999, as :class:`datetime.date` allows.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

import attrs

_MONTH_TEXT = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


def _check_year(_: object, __: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 9999:
        raise ValueError(f"year must be a whole number from 1 to 9999, got {value!r}")


def _check_month(_: object, __: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise ValueError(f"month must be a whole number from 1 to 12, got {value!r}")


@attrs.frozen(order=True)
class Month:
    """One calendar month. ``Month(2024, 5)``; ``Month.parse("2024-05")``; ``Month.of(day)``."""

    year: int = attrs.field(validator=_check_year)
    month: int = attrs.field(validator=_check_month)

    # -- named constructors ----------------------------------------------
    @classmethod
    def of(cls, day: date) -> Month:
        """The month ``day`` falls in."""
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read ``"YYYY-MM"`` (also ``2024/5``, ``2024年5月``); ``ValueError`` names the form expected."""
        m = _MONTH_TEXT.match(text) if isinstance(text, str) else None
        if m is None or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1:
            raise ValueError(f"{text!r} is not a month: expected YYYY-MM, such as 2024-05")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def from_index(cls, index: int) -> Month:
        """The month :attr:`index` numbers."""
        year, month0 = divmod(index, 12)
        return cls(year, month0 + 1)

    # -- views -----------------------------------------------------------
    @property
    def index(self) -> int:
        """``year * 12 + month - 1``: consecutive months are consecutive integers."""
        return self.year * 12 + self.month - 1

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    # -- arithmetic ------------------------------------------------------
    def __add__(self, months: int) -> Month:
        if isinstance(months, bool) or not isinstance(months, int):
            return NotImplemented
        return Month.from_index(self.index + months)

    def __sub__(self, other: Month | int) -> Month | int:
        if isinstance(other, Month):
            return self.index - other.index
        if isinstance(other, int) and not isinstance(other, bool):
            return Month.from_index(self.index - other)
        return NotImplemented

    def minus(self, months: int) -> Month:
        """``self`` moved back ``months`` months (typed twin of ``self - n``)."""
        return Month.from_index(self.index - months)

    def months_until(self, other: Month) -> int:
        """Whole months from ``self`` to ``other`` (negative if ``other`` is earlier)."""
        return other.index - self.index

    def contains(self, day: date) -> bool:
        return day.year == self.year and day.month == self.month
