"""Values as offices write them, read in SQL: amounts, dates, months (DuckDB expressions).

* Digits: full-width (０-９) and Arabic-Indic (٠-٩, ۰-۹) digits are read as ASCII digits, and the
  full-width ．，－／：as . , - / :, in amounts, dates and months alike.
* Amounts: ``466.67``, ``1,234.50``, ``466.67元``, ``￥466.67``, ``¥466.67``, ``RMB 466.67``; a
  unit in the header (万元, 千元) multiplies the column into 元. At most two decimals once in 元.
* Dates: ``2025-09-26``, ``2025/9/26``, ``20250926``, ``2025年9月26日``, ``2025.09.26``, a time after
  the date, a spreadsheet date, or an Excel serial (``45926``, also ``45926.5``) between 1950 and 2099
  — in date columns only (a serial is never looked for in an amount or an ID). A year outside
  1900–2100 (``9999-12-31`` "no end") is a row problem, never a date the calendar sees.
* Months: ``2025-09``, ``2025/09``, ``202509``, ``2025年9月``, ``2025.09``, a full date, or an Excel serial.

Each parser tries the plain cast first and cleans only the rows it left null (a ``CASE``: DuckDB
evaluates a branch only for the rows that take it), so clean files pay for one cast.
"""

from __future__ import annotations

from decimal import Decimal

_DIGITS_FROM = "０１２３４５６７８９٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹．，－／："
_DIGITS_TO = "0123456789" * 3 + ".,-/:"
_DIGITS_PY = str.maketrans(_DIGITS_FROM, _DIGITS_TO)

DATE_FORMATS = (
    "['%Y-%m-%d', '%Y/%m/%d', '%Y%m%d', '%Y年%m月%d日', '%Y.%m.%d', '%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M:%S',"
    " '%Y-%m-%d %H:%M', '%Y/%m/%d %H:%M', '%Y-%m-%dT%H:%M:%S', '%Y年%m月%d号']"
)
MONTH_FORMATS = "['%Y-%m', '%Y/%m', '%Y%m', '%Y年%m月', '%Y.%m', '%Y年%m月份']"
#: Excel serials accepted in date columns: 1950-01-01 .. 2099-12-31 (1900 date system)
SERIAL_MIN, SERIAL_MAX = 18264, 73050
YEAR_MIN, YEAR_MAX = 1900, 2100


def digits(raw: str) -> str:
    return f"translate({raw}, '{_DIGITS_FROM}', '{_DIGITS_TO}')"


def ascii_digits(text: str) -> str:
    """Python twin of :func:`digits` (for the tests and the header notes)."""
    return text.translate(_DIGITS_PY)


def amount(raw: str, factor: Decimal | None) -> str:
    """DECIMAL(38,6) in 元, null when unreadable."""
    cleaned = f"regexp_replace({digits(raw)}, '(?i)\\s|,|元|￥|¥|rmb|cny|人民币', '', 'g')"
    plain = f"TRY_CAST({raw} AS DECIMAL(38,6))"
    wide = f"(CASE WHEN {plain} IS NOT NULL THEN {plain} ELSE TRY_CAST({cleaned} AS DECIMAL(38,6)) END)"
    if factor is not None and factor != 1:
        wide = f"({wide} * {factor})"
    return wide


def _serial(text: str) -> str:
    num = f"TRY_CAST({text} AS DOUBLE)"
    return (
        f"(CASE WHEN regexp_full_match({text}, '[0-9]{{5}}(\\.[0-9]+)?') AND {num} BETWEEN {SERIAL_MIN} AND "
        f"{SERIAL_MAX} THEN CAST(DATE '1899-12-30' + CAST(floor({num}) AS INTEGER) AS DATE) END)"
    )


def date_value(raw: str) -> str:
    """DATE, null when unreadable (a readable but implausible year is still a date: see :func:`plausible`)."""
    d = digits(raw)
    return f"coalesce(TRY_CAST({raw} AS DATE), CAST(try_strptime({d}, {DATE_FORMATS}) AS DATE), {_serial(d)})"


def month_of_text(raw: str) -> str:
    """Month index (year × 12 + month − 1) of a month-only text, null otherwise."""
    d = digits(raw)
    m = f"CAST(try_strptime({d}, {MONTH_FORMATS}) AS DATE)"
    return f"(CASE WHEN {plausible(m)} THEN CAST(year({m}) * 12 + month({m}) - 1 AS INTEGER) END)"


def plausible(date_expr: str) -> str:
    return f"(year({date_expr}) BETWEEN {YEAR_MIN} AND {YEAR_MAX})"


def month_value(raw: str) -> str:
    """Month index of a month column: the usual ``YYYY-MM`` read as two integers, else the other spellings."""
    y, m = f"TRY_CAST(substr({raw}, 1, 4) AS INTEGER)", f"TRY_CAST(substr({raw}, 6, 2) AS INTEGER)"
    full = date_value(raw)
    text = month_of_text(raw)
    return (
        f"CAST(CASE WHEN {plain_month(raw)} THEN {y} * 12 + {m} - 1 WHEN {text} IS NOT NULL THEN {text} "
        f"WHEN {plausible(full)} THEN year({full}) * 12 + month({full}) - 1 END AS INTEGER)"
    )


def plain_month(raw: str) -> str:
    return (
        f"(length({raw}) = 7 AND substr({raw}, 5, 1) = '-'"
        f" AND TRY_CAST(substr({raw}, 6, 2) AS INTEGER) BETWEEN 1 AND 12"
        f" AND TRY_CAST(substr({raw}, 1, 4) AS INTEGER) >= 1000)"
    )
