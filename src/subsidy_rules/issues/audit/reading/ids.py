"""One normalisation of resident ID numbers for the ledger and every roster (Python and SQL alike).

What offices' exports do to an ID column, and what is undone here:

* full-width digits and ``Ｘ`` (typed with a Chinese input method) are folded to ASCII;
* every kind of whitespace is removed — tab, CR/LF, U+3000, NBSP, zero-width space, BOM —
  (an exporter's tab "keeps Excel from turning it into a number");
* a leading apostrophe (Excel's text marker, also ‘ ’ `) and the ``="…"`` wrapper are taken off;
* a lower-case ``x`` becomes ``X``;
* a valid 15-digit number of before 1999 is upgraded to 18 (``19`` inserted before the year,
  the check character computed) — the upgrade is reported, never silent.

What cannot be undone is refused by the reader (not here): an ID Excel wrote in scientific
notation (``4.20103E+17``) or kept as a number (15 significant digits, the rest invented).

References:
    GB 11643-1999 (18-digit numbers, the check character); GB 11643-1989 (15-digit numbers,
    two-digit year); issue 15 ("ID numbers, one normalisation for ledger and rosters").
"""

from __future__ import annotations

import re
from datetime import date

from subsidy_rules.programs.idcard import check_character

_FULL = "０１２３４５６７８９Ｘｘ"
_HALF = "0123456789XX"
_TABLE = str.maketrans(_FULL, _HALF)
#: what :func:`normalise_id` removes anywhere: whitespace of every kind and the invisible marks
_SPACE = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]")
_WRAP = re.compile(r"^[\'‘’`]+|^=\"|^=|\"$")
SCIENTIFIC = re.compile(r"^[0-9](?:\.[0-9]+)?E[+]?[0-9]+$")


def normalise_id(text: str) -> str:
    """The ID number as the joins and the ID check see it (see the module notes)."""
    s = _SPACE.sub("", text.translate(_TABLE))
    s = _WRAP.sub("", s)
    return s.upper()


def upgrade_15(number: str) -> str | None:
    """The 18-digit form of a valid 15-digit number (``19`` + the year, check character); else None."""
    if len(number) != 15 or not (number.isascii() and number.isdigit()):
        return None
    body = number[:6] + "19" + number[6:]
    try:
        date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        return None
    return body + check_character(body)


def sql_normalise_id(raw: str) -> str:
    """The DuckDB expression doing :func:`normalise_id` on the text expression ``raw``.

    A value that is already 17 digits and a digit or ``X`` takes the short path (one regex test).
    """
    folded = f"translate({raw}, '{_FULL}', '{_HALF}')"
    spaced = (
        f"regexp_replace({folded}, '[\\s\\x{{00a0}}\\x{{1680}}\\x{{2000}}-\\x{{200b}}\\x{{2028}}\\x{{2029}}"
        f"\\x{{202f}}\\x{{205f}}\\x{{2060}}\\x{{3000}}\\x{{feff}}]', '', 'g')"
    )
    unwrapped = f"upper(regexp_replace({spaced}, '^[''‘’`]+|^=\"|^=|\"$', '', 'g'))"
    return f"(CASE WHEN regexp_full_match({raw}, '[0-9]{{17}}[0-9X]') THEN {raw} ELSE {unwrapped} END)"


def sql_scientific(norm: str) -> str:
    """True where the normalised ID is a number in scientific notation (Excel turned it into a float)."""
    return f"regexp_full_match({norm}, '[0-9](\\.[0-9]+)?E[+]?[0-9]+')"
