"""Cell values: a strict text-number parser, text dates, and bounds on numbers.

Python's own parsers are too lenient for submitted spreadsheets: ``Decimal()``
and ``float()`` accept Arabic-Indic digits, ``1_000``, ``NaN`` and
``Infinity``; NFKC folds ``①`` to ``1``; ``Decimal('1e999999999')`` parses
and converting it can take minutes. This module accepts exactly what an
office types for a number and nothing else.

References:
    ``shared/xlsx-input-hazards.md`` (numbers as text; huge exponents;
    ``1e999``/``nan`` cells; dates as serial numbers).

Limitations:
    Negative text numbers are read (``-5``) so the validator can say
    "negative" rather than "not a number"; parenthesised negatives
    ``(1,234)`` are refused, as the hazards list asks.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import attrs

from subsidy_rules.core.errors import UnknownCodeError
from subsidy_rules.core.text import fold
from subsidy_rules.issues import taxonomy

#: Longest text the number parser looks at; longer text is not a number.
MAX_NUMBER_TEXT = 40
#: Largest magnitude accepted in any numeric cell (a 万元 amount of 10¹⁵ is not a subsidy).
MAX_MAGNITUDE = Decimal(10) ** 15

# ASCII digits only: ``\d`` would also match Arabic-Indic and other digits.
_NUMBER = re.compile(r"(-?)((?:[0-9]{1,3}(?:,[0-9]{3})+)|[0-9]+)(?:\.([0-9]+))?(万|亿)?")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")
_SPACES = " \u3000\t"
_SUFFIX_POWER = {"万": 4, "亿": 8}

_DATE_TEXT = (
    re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"),
    re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})"),
    re.compile(r"([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日"),
)


@attrs.frozen
class TextNumber:
    """A number read from text: ``digits`` as typed and the power of a 万/亿 suffix (0 when none)."""

    digits: Decimal
    suffix_power: int

    def in_unit(self, unit_power: int) -> Decimal:
        """The value in a column stated in 10**unit_power of the base unit.

        Without a suffix the text is already in the column's unit; "12.3万" in
        a 万元 column is 12.3万元, i.e. 12.3; in a 元 or a persons column it
        is 123000. Exact: only the exponent changes.
        """
        if self.suffix_power == 0:
            return self.digits
        return self.digits.scaleb(self.suffix_power - unit_power)


def parse_text_number(text: str) -> TextNumber | None:
    """Read a number typed as text, or ``None`` when it is not one.

    Accepts ASCII or full-width digits, thousands commas in groups of three,
    one decimal point, a leading minus and an optional 万/亿 suffix, with
    spaces around. Refuses exponents, ``NaN``, ``①``, ``²``, ``%``, ``¥``,
    ``(1,234)``, underscores, other scripts' digits and anything longer than
    :data:`MAX_NUMBER_TEXT` characters.
    """
    if len(text) > MAX_NUMBER_TEXT:
        return None
    cleaned = text.strip(_SPACES).translate(_FULL_WIDTH)
    m = _NUMBER.fullmatch(cleaned)
    if m is None:
        return None
    sign, whole, frac, suffix = m.groups()
    literal = f"{sign}{whole.replace(',', '')}" + (f".{frac}" if frac else "")
    value = Decimal(literal)  # the regex admits only plain ASCII decimals: no exponent, no NaN
    return TextNumber(value, _SUFFIX_POWER.get(suffix or "", 0))


def number_from_cell(value: int | float | Decimal) -> Decimal | None:
    """A numeric cell as an exact Decimal, or ``None`` when it is not finite or absurdly large.

    Floats go through ``repr`` (the shortest text that round-trips), so a
    cell typed as 12.3 is ``Decimal('12.3')``, not the binary expansion.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        result = Decimal(repr(value))
    elif isinstance(value, int):
        # Bound before converting: a 5,000-digit int is not a form value.
        if abs(value) >= 10**15:
            return None
        result = Decimal(value)
    else:
        if not value.is_finite():
            return None
        # Bound the exponent before any arithmetic (hazards: Decimal('1e2000000')).
        if value.adjusted() > 15:
            return None
        result = value
    if abs(result) >= MAX_MAGNITUDE:
        return None
    return result


def decimal_places(value: Decimal) -> int:
    """Places after the point with trailing zeros ignored (12.30 → 1, 5 → 0)."""
    if value == 0:
        return 0
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # finite values only reach here
    return max(0, -exponent)


def parse_text_date(text: str) -> date | None:
    """Read 2024-01-31, 2024/1/31, 2024.1.31 or 2024年1月31日; ``None`` otherwise."""
    cleaned = text.strip(_SPACES).translate(_FULL_WIDTH)
    if len(cleaned) > 20:
        return None
    for pattern in _DATE_TEXT:
        m = pattern.fullmatch(cleaned)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def as_date(value: object) -> date | None:
    """A date cell (openpyxl gives datetime for date-formatted cells) as a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def quantize_text(value: Decimal) -> str:
    """A Decimal as plain text without exponent (for messages and JSON)."""
    try:
        return format(value, "f")
    except (InvalidOperation, ValueError):  # pragma: no cover - finite decimals always format
        return str(value)


def issue_type_code(text: str) -> str | None:
    """The taxonomy code a 问题类型 cell names: its code or its Chinese name (folded); None when unknown."""
    try:
        return taxonomy().lookup(text).code
    except UnknownCodeError:
        folded = fold(text)
        for issue in taxonomy():
            if fold(issue.name_zh) == folded:
                return issue.code
        return None
