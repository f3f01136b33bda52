"""Case files: JSON in, :class:`~subsidy_rules.programs.eligibility.case.Case` out, problems by JSON path.

The format is documented by ``programs/schemas/case.schema.json`` (shipped
with the package; :func:`case_schema` returns it). In short::

    {
      "case_id": "wuhan-0001",
      "jurisdiction": "wuhan",                      // a packaged layer
      "layer_files": ["my-district.toml"],          // optional, relative to the case file
      "as_of": "2026-01-31",                        // optional
      "programs": ["flexible-employment-si-subsidy"],
      "person": {"id_number": "42010219650115001X", "group": "male"},   // or birth_month + group
      "difficulty": [{"category": "older-difficulty-person", "identified_on": "2019-02-20"}],
      "flexible_registrations": [{"start": "2019-02-01", "end": null}],
      "first_approval": "2019-03-15",
      "left_school_on": null,
      "formal_employment": [{"start": "2021-06-10", "end": "2021-12-31"}],
      "pension_start": null, "death": null,
      "contributions": [{"month": "2019-03", "insurance": "pension", "payer": "flexible-worker",
                         "amount": "780.00", "paid_on": "2019-03-20", "refunded": false}],
      "placements": [{"start": "2024-03-01", "end": null, "appraisals": [{"on": "2024-12-31", "passed": true}]}],
      "payments": [{"program": "flexible-employment-si-subsidy", "month": "2019-03", "amount": "520.00"}]
    }

Amounts are decimal strings (or whole numbers): never JSON floats. Months are
``"YYYY-MM"``, dates ``"YYYY-MM-DD"``. Unknown keys are errors.

Months (``"YYYY-MM"``) are taught to the library's one JSON converter in
:mod:`subsidy_rules.serialization`.

Limitations:
    Problems of type and shape are all reported at once; the checks of
    meaning (ID number, spell order, codes) run once the shape is right.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from subsidy_rules.core.datafile import data_problem
from subsidy_rules.core.errors import DataFileError, UnknownCodeError
from subsidy_rules.core.problem import Problem
from subsidy_rules.parameters import PACKAGED_LAYERS
from subsidy_rules.programs.catalogue import catalogue
from subsidy_rules.programs.eligibility.case import Case, Insurance, Payer, PlacementEnd
from subsidy_rules.programs.idcard import InvalidResidentIdError, Sex, parse_resident_id
from subsidy_rules.programs.months import format_month
from subsidy_rules.programs.retirement import RetirementGroup
from subsidy_rules.serialization import from_json, to_json


def case_from_json(data: Any, source: str = "<case>") -> Case:
    """Structure parsed JSON into a :class:`Case`; raise :class:`DataFileError` with JSON paths."""
    if not isinstance(data, dict):
        raise DataFileError([data_problem(source, "$", "a case is a JSON object")])
    loose = _loose_booleans(data, source)
    try:
        case = from_json(data, Case, source=source)
    except DataFileError as exc:
        raise DataFileError(loose + [_plain(p) for p in exc.problems]) from None
    if loose:
        raise DataFileError(loose)
    problems = check_case(case, source)
    if problems:
        raise DataFileError(problems)
    return case


def load_case(path: Path | str) -> Case:
    """Read a case file; every problem (unreadable, not JSON, shape, meaning) is a :class:`DataFileError`."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DataFileError([data_problem(name, "$", f"cannot read file: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        raise DataFileError([data_problem(name, "$", f"not UTF-8 text (byte {exc.start})")]) from None
    try:
        # Money never passes through float (DESIGN.md): 300.5 is read as the text "300.5".
        data = json.loads(text, parse_float=_ExactNumber)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise DataFileError([data_problem(name, "$", f"not valid JSON: {exc.msg} ({where})")]) from None
    return case_from_json(data, name)


class _ExactNumber(str):
    """A JSON number with a fraction, kept as its text so it becomes an exact Decimal (never a float)."""

    __slots__ = ()


def _loose_booleans(data: dict[str, Any], source: str) -> list[Problem]:
    """The converter reads any value as a bool ("no" would be true); refuse all but true and false."""
    found: list[Problem] = []

    def check(item: Any, key: str, path: str) -> None:
        if isinstance(item, dict) and key in item and not isinstance(item[key], bool):
            found.append(data_problem(source, f"{path}.{key}", f"expected true or false, got {item[key]!r}"))

    for i, c in enumerate(_as_list(data.get("contributions"))):
        check(c, "refunded", f"$.contributions[{i}]")
    for i, p in enumerate(_as_list(data.get("placements"))):
        for j, a in enumerate(_as_list(p.get("appraisals") if isinstance(p, dict) else None)):
            check(a, "passed", f"$.placements[{i}].appraisals[{j}]")
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _expected() -> dict[str, str]:
    out = {
        "Month": "expected a month YYYY-MM",
        "date": "expected a date YYYY-MM-DD",
        "Decimal": 'expected an amount such as "300.50" (a decimal string or a number)',
        "str": "expected text",
        "bool": "expected true or false",
    }
    for enum_cls in (Insurance, Payer, PlacementEnd, RetirementGroup):
        out[enum_cls.__name__] = "expected one of " + ", ".join(repr(e.value) for e in enum_cls)
    return out


_EXPECTED = _expected()


def _plain(problem: Problem) -> Problem:
    """cattrs says "invalid value for type, expected Month"; say what to write instead."""
    _, sep, type_name = problem.message_en.rpartition("expected ")
    if sep and type_name in _EXPECTED:
        return data_problem(problem.place.file or "", problem.place.path or "$", _EXPECTED[type_name])
    return problem


def case_to_json(case: Case) -> dict[str, Any]:
    """The case as JSON-ready data (the same format :func:`case_from_json` reads)."""
    data: dict[str, Any] = to_json(case)
    return data


def check_case(case: Case, source: str = "<case>") -> list[Problem]:
    """Problems of meaning in a case, each at its JSON path (empty when the case is usable)."""
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append(data_problem(source, path, message))

    person = case.person
    sex: Sex | None = None
    if person.id_number is not None:
        try:
            rid = parse_resident_id(person.id_number)
        except InvalidResidentIdError as exc:
            add("$.person.id_number", str(exc))
        else:
            sex = rid.sex
            if person.birth_month is not None and person.birth_month != rid.birth_month:
                add(
                    "$.person.birth_month",
                    f"{format_month(person.birth_month)} differs from the ID number's {format_month(rid.birth_month)}",
                )
    elif person.birth_month is None:
        add("$.person", "give id_number, or birth_month and group")
    if person.birth_month is not None and person.birth_month.day != 1:
        add("$.person.birth_month", "a month is the first day of its month")
    if person.group is None and sex is not Sex.MALE and not any(p.place.path == "$.person.id_number" for p in problems):
        add("$.person.group", "give the retirement group (male, female-55 or female-50); a woman's cannot be derived")
    if person.group is not None and sex is not None and (sex is Sex.MALE) != (person.group is RetirementGroup.MALE):
        add("$.person.group", f"{person.group.value} does not match the ID number's sex ({sex.value})")
    if case.jurisdiction not in PACKAGED_LAYERS:
        add("$.jurisdiction", f"unknown layer {case.jurisdiction!r} (packaged: {', '.join(PACKAGED_LAYERS)})")
    for i, code in enumerate(case.programs):
        _check_code(code, f"$.programs[{i}]", add)
    for name in ("flexible_registrations", "formal_employment"):
        for i, spell in enumerate(getattr(case, name)):
            if spell.end is not None and spell.end < spell.start:
                add(f"$.{name}[{i}].end", f"ends ({spell.end}) before it starts ({spell.start})")
    for i, cat in enumerate(case.difficulty):
        if cat.ended_on is not None and cat.ended_on < cat.identified_on:
            add(f"$.difficulty[{i}].ended_on", f"ends ({cat.ended_on}) before it was identified ({cat.identified_on})")
    for i, c in enumerate(case.contributions):
        if c.month.day != 1:
            add(f"$.contributions[{i}].month", "a month is the first day of its month")
        if c.amount < 0:
            add(f"$.contributions[{i}].amount", "a contribution cannot be negative")
        if c.refunded_on is not None and not c.refunded:
            add(f"$.contributions[{i}].refunded_on", "a refund date on a contribution not marked refunded")
    for i, p in enumerate(case.placements):
        if p.end is not None and p.end < p.start:
            add(f"$.placements[{i}].end", f"ends ({p.end}) before it starts ({p.start})")
    codes = _program_codes()
    for i, pay in enumerate(case.payments):
        if pay.month.day != 1:
            add(f"$.payments[{i}].month", "a month is the first day of its month")
        if pay.program not in codes:
            _check_code(pay.program, f"$.payments[{i}].program", add)
        if pay.amount < 0:
            add(f"$.payments[{i}].amount", "a payment cannot be negative (record recoveries separately)")
    return problems


@cache
def _program_codes() -> frozenset[str]:
    return frozenset(p.code for p in catalogue())


def _check_code(code: str, path: str, add: Any) -> None:
    try:
        catalogue().get(code)
    except UnknownCodeError as exc:
        hint = f" — did you mean: {', '.join(exc.suggestions)}?" if exc.suggestions else ""
        add(path, f"unknown program code {code!r}{hint}")


@cache
def case_schema() -> dict[str, Any]:
    """The JSON Schema of case files, as shipped in ``programs/schemas/case.schema.json``."""
    text = resources.files("subsidy_rules.programs").joinpath("schemas/case.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
