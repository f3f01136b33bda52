"""The one reader of parameter values, for TOML layers and JSON documents alike.

A dated value is written according to its parameter's :class:`ParamKind`:

* ``decimal`` — an exact amount or rate: a whole number, a TOML decimal
  (read as :class:`~decimal.Decimal`, never float) or a decimal string
  ``"2400"``, ``"0.20"``, ``"-1.5"``;
* ``ratio`` — a fraction string ``"2/3"`` (spaces allowed: ``"2 / 3"``, a
  sign allowed: ``"-2/3"``), a decimal string ``"0.6"``, a whole number or a
  TOML decimal;
* ``integer`` — a whole number (not ``true``/``false``);
* ``text`` — a string; ``list`` — a list of strings; ``boolean`` — true/false.

A JSON float is refused (``0.1`` is not exactly a tenth): write a string.
Sign and size are not this reader's business: the parameter's declared
range (:func:`check_range`) refuses ``-5`` months or a ratio of ``5/2``, so
the same value is refused the same way from TOML and from JSON.

Usage::

    >>> parse_value(ParamKind.RATIO, "2 / 3")
    Fraction(2, 3)
    >>> parse_value(ParamKind.RATIO, "-2/3")
    Fraction(-2, 3)

References:
    one parser for parameter values, used by the TOML layers
    (:mod:`~subsidy_rules.parameters.loader`) and by JSON
    (:mod:`subsidy_rules.io.json`) alike.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from subsidy_rules.parameters.model import ParamKind, ParamValue

#: More digits than any policy number has: refuse before Decimal arithmetic gets slow or fails.
MAX_DIGITS = 24

_DECIMAL_TEXT = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*$")
_RATIO_TEXT = re.compile(r"^\s*([+-]?\d+)\s*/\s*(\d+)\s*$")


class ValueFormatError(ValueError):
    """A value that cannot be read as its kind; ``what_en``/``what_zh`` say what was expected."""

    def __init__(self, what_en: str, what_zh: str) -> None:
        super().__init__(what_en)
        self.what_en = what_en
        self.what_zh = what_zh


def _too_long(text: str) -> bool:
    return sum(ch.isdigit() for ch in text) > MAX_DIGITS


def parse_decimal(raw: Any) -> Decimal:
    """An exact decimal from an int, a Decimal or a decimal string."""
    if isinstance(raw, bool):
        raise ValueFormatError(f"expected a number, got {raw!r}", f"应为数字，实际为 {raw!r}")
    if isinstance(raw, float):
        raise ValueFormatError(
            f'{raw!r} is a floating-point number: write the value as a decimal string such as "0.20"',
            f'{raw!r} 为浮点数：请写成十进制字符串，如 "0.20"',
        )
    if isinstance(raw, int):
        if _too_long(str(raw)):
            raise ValueFormatError(f"more than {MAX_DIGITS} digits", f"位数超过 {MAX_DIGITS} 位")
        return Decimal(raw)
    if isinstance(raw, Decimal):
        # 1e999999 has few digits but no place in a policy (and 10**999999 cannot be computed with)
        if not raw.is_finite() or _too_long(str(raw)) or not -MAX_DIGITS <= raw.adjusted() <= MAX_DIGITS:
            raise ValueFormatError("expected a finite number of reasonable size", "应为有限且位数合理的数值")
        return raw
    if isinstance(raw, str) and (m := _DECIMAL_TEXT.match(raw)):
        if _too_long(m.group(1)):
            raise ValueFormatError(f"more than {MAX_DIGITS} digits", f"位数超过 {MAX_DIGITS} 位")
        try:
            return Decimal(m.group(1))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
            pass
    raise ValueFormatError(
        f'expected a number such as 2400 or "0.20", got {raw!r}', f'应为数字（如 2400 或 "0.20"），实际为 {raw!r}'
    )


def parse_ratio(raw: Any) -> Fraction:
    """An exact fraction from ``"a/b"``, a decimal string, an int or a Decimal."""
    if isinstance(raw, str) and (m := _RATIO_TEXT.match(raw)):
        if _too_long(raw):
            raise ValueFormatError(f"more than {MAX_DIGITS} digits", f"位数超过 {MAX_DIGITS} 位")
        num, den = int(m.group(1)), int(m.group(2))
        if den == 0:
            raise ValueFormatError("a ratio's denominator cannot be 0", "比例的分母不能为0")
        return Fraction(num, den)
    try:
        return Fraction(parse_decimal(raw))
    except ValueFormatError:
        raise ValueFormatError(
            f'expected a ratio such as "2/3" or "0.6", got {raw!r}', f'应为比例（如 "2/3" 或 "0.6"），实际为 {raw!r}'
        ) from None


def parse_value(kind: ParamKind, raw: Any) -> ParamValue:
    """Read one dated value according to ``kind``; :class:`ValueFormatError` says what was expected."""
    if kind is ParamKind.DECIMAL:
        return parse_decimal(raw)
    if kind is ParamKind.RATIO:
        return parse_ratio(raw)
    if kind is ParamKind.INTEGER:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueFormatError(f"expected a whole number, got {raw!r}", f"应为整数，实际为 {raw!r}")
        if _too_long(str(raw)):
            raise ValueFormatError(f"more than {MAX_DIGITS} digits", f"位数超过 {MAX_DIGITS} 位")
        return raw
    if kind is ParamKind.TEXT:
        if not isinstance(raw, str):
            raise ValueFormatError(f"expected text, got {raw!r}", f"应为文本，实际为 {raw!r}")
        return raw
    if kind is ParamKind.LIST:
        if not isinstance(raw, list | tuple) or not all(isinstance(v, str) for v in raw):
            raise ValueFormatError(f"expected a list of strings, got {raw!r}", f"应为文本列表，实际为 {raw!r}")
        return tuple(raw)
    if not isinstance(raw, bool):
        raise ValueFormatError(f"expected true or false, got {raw!r}", f"应为 true 或 false，实际为 {raw!r}")
    return raw


def value_text(value: ParamValue | None) -> Any:
    """A value as TOML/JSON writes it: fractions ``"2/3"``, decimals as strings, lists as lists."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    return list(value)


def check_range(value: ParamValue, minimum: Decimal | None, maximum: Decimal | None) -> str | None:
    """``None`` when ``value`` lies in [minimum, maximum] (either end open when None), else the range as text."""
    if isinstance(value, bool) or not isinstance(value, Decimal | Fraction | int):
        return None
    number = Fraction(value)
    if (minimum is not None and number < Fraction(minimum)) or (maximum is not None and number > Fraction(maximum)):
        return range_text(minimum, maximum)
    return None


def range_text(minimum: Decimal | None, maximum: Decimal | None) -> str:
    lo = "-∞" if minimum is None else str(minimum)
    hi = "+∞" if maximum is None else str(maximum)
    return f"[{lo}, {hi}]" if maximum is not None else f"≥ {lo}" if minimum is not None else "any"
