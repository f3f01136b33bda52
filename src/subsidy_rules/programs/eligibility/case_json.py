"""Case files: their schema, and the checks of meaning of a case read from one, by JSON path.

Reading a case file is the JSON edge's (:func:`subsidy_rules.io.eligibility.load_case`,
``case_from_json``, ``case_to_json``); this module holds what the domain knows of it: the
checks of meaning (:func:`check_case`: ID number, spell order, codes) and the format,
documented by ``programs/schemas/case.schema.json`` (shipped with the package;
:func:`case_schema` returns it). In short::

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
:mod:`subsidy_rules.io.json`, which structures a case before :func:`check_case` runs.

Limitations:
    Problems of type and shape are all reported at once; the checks of
    meaning (ID number, spell order, codes) run once the shape is right.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from subsidy_rules.core.datafile import data_problem
from subsidy_rules.core.errors import UnknownCodeError
from subsidy_rules.core.problem import Problem
from subsidy_rules.parameters import PACKAGED_LAYERS
from subsidy_rules.programs.catalogue import catalogue
from subsidy_rules.programs.eligibility.case import Case
from subsidy_rules.programs.idcard import InvalidResidentIdError, Sex, parse_resident_id
from subsidy_rules.programs.retirement import RetirementGroup


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
                    f"{person.birth_month} differs from the ID number's {rid.birth_month}",
                )
    elif person.birth_month is None:
        add("$.person", "give id_number, or birth_month and group")
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
        if c.amount < 0:
            add(f"$.contributions[{i}].amount", "a contribution cannot be negative")
        if c.refunded_on is not None and not c.refunded:
            add(f"$.contributions[{i}].refunded_on", "a refund date on a contribution not marked refunded")
    for i, x in enumerate(case.suspensions):
        if x.end is not None and x.end < x.start:
            add(f"$.suspensions[{i}].end", f"ends ({x.end}) before it starts ({x.start})")
    for i, p in enumerate(case.placements):
        if p.end is not None and p.end < p.start:
            add(f"$.placements[{i}].end", f"ends ({p.end}) before it starts ({p.start})")
        for k, code in enumerate(p.preconditions_met):
            if code not in PRECONDITION_CODES:
                add(
                    f"$.placements[{i}].preconditions_met[{k}]",
                    f"unknown re-placement precondition {code!r} (known: {', '.join(PRECONDITION_CODES)})",
                )
    codes = _program_codes()
    for i, pay in enumerate(case.payments):
        if pay.program not in codes:
            _check_code(pay.program, f"$.payments[{i}].program", add)
        if pay.amount < 0:
            add(f"$.payments[{i}].amount", "a payment cannot be negative (record recoveries separately)")
    return problems


#: The re-placement preconditions a case can show met (``three-months-out-of-post`` is computed from the dates).
PRECONDITION_CODES = ("provincial-filing", "three-job-referrals")


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
    schema: dict[str, Any] = json.loads(text)  # the package's own file, not an input
    return schema
