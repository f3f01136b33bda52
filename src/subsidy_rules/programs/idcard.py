"""Resident identity numbers (公民身份号码, GB 11643-1999): validate, read birth date and sex.

An 18-character number is: 6 digits of address code, 8 digits of birth date
(YYYYMMDD), 3 digits of sequence code (odd for men, even for women), and a
check character computed with ISO 7064 MOD 11-2 over the first 17 digits
(``X`` stands for 10).

Usage::

    >>> rid = parse_resident_id("11010519491231002X")
    >>> rid.birth_date.isoformat(), rid.sex.value
    ('1949-12-31', 'female')

References:
    GB 11643-1999《公民身份号码》, sections 5–7 (structure, sequence code, check
    character); ISO 7064:1983 MOD 11-2.

Limitations:
    The address code is checked only for being six digits: the library ships
    no table of administrative divisions. 15-digit numbers issued before 1999
    are refused (ask for the 18-digit form). A lower-case ``x`` is accepted
    and normalised to ``X``.
"""

from __future__ import annotations

import enum
from datetime import date

import attrs

from subsidy_rules.core.errors import SubsidyRulesError
from subsidy_rules.core.month import Month

#: ISO 7064 MOD 11-2 weights for positions 1..17 (2^(18-i) mod 11).
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
#: Check character for each remainder 0..10.
_CHECK = "10X98765432"


class Sex(enum.Enum):
    MALE = "male"
    FEMALE = "female"


class IdProblem(enum.Enum):
    """What is wrong with a number: a stable slug for scripts."""

    LENGTH = "length"
    CHARACTERS = "characters"
    BIRTH_DATE = "birth-date"
    CHECK_DIGIT = "check-digit"


class InvalidResidentIdError(SubsidyRulesError, ValueError):
    """A resident ID number that is not valid; ``problem`` says which part is wrong."""

    def __init__(self, problem: IdProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


@attrs.frozen
class ResidentId:
    """A valid 18-digit resident ID number and what it says."""

    number: str
    region_code: str
    birth_date: date
    sex: Sex

    @property
    def birth_month(self) -> Month:
        return Month.of(self.birth_date)


def check_character(first17: str) -> str:
    """The MOD 11-2 check character of 17 digits."""
    total = sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse_resident_id(text: str) -> ResidentId:
    """Validate ``text`` and read it.

    Raises:
        InvalidResidentIdError: naming the length, the characters, the birth
            date or the check character as what is wrong.
    """
    number = text.strip().upper()
    if len(number) != 18:
        raise InvalidResidentIdError(
            IdProblem.LENGTH, f"a resident ID number has 18 characters; {number!r} has {len(number)}"
        )
    body, check = number[:17], number[17]
    if not (body.isascii() and body.isdigit()) or not (check.isascii() and (check.isdigit() or check == "X")):
        raise InvalidResidentIdError(
            IdProblem.CHARACTERS,
            f"{number!r}: the first 17 characters must be digits and the last a digit or X",
        )
    try:
        born = date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    except ValueError:
        raise InvalidResidentIdError(
            IdProblem.BIRTH_DATE, f"{number!r}: characters 7–14 ({body[6:14]}) are not a valid date YYYYMMDD"
        ) from None
    expected = check_character(body)
    if check != expected:
        raise InvalidResidentIdError(
            IdProblem.CHECK_DIGIT,
            f"{number!r}: the check character is {check}, but the first 17 digits give {expected}",
        )
    return ResidentId(
        number=number,
        region_code=body[:6],
        birth_date=born,
        sex=Sex.MALE if int(body[16]) % 2 == 1 else Sex.FEMALE,
    )


def make_resident_id(region_code: str, birth_date: date, sequence: int) -> str:
    """Compose a valid number (for tests and examples): region, birth date, 3-digit sequence."""
    body = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    if len(body) != 17 or not body.isdigit():
        raise ValueError("region code must be 6 digits, the birth year 4 digits and the sequence 0–999")
    return body + check_character(body)
