"""Eligibility cases and decisions at the JSON edge: case files in, decisions out.

A case file is read strictly like every JSON input of the library
(:func:`~subsidy_rules.io.json.read_json`) and structured through the one
JSON converter; its problems of meaning are found by
:func:`~subsidy_rules.programs.eligibility.case_json.check_case` (the domain's
own checks, which know no JSON reader). A :class:`Decision` has one JSON
shape, the converter's.

Usage::

    from subsidy_rules.io.eligibility import load_case, decision_to_json
    from subsidy_rules.programs.eligibility import decide_all

    case = load_case("case.json")
    [decision_to_json(d) for d in decide_all(case)]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from subsidy_rules.core.datafile import data_problem
from subsidy_rules.core.errors import DataFileError
from subsidy_rules.io.json import from_json, read_json, to_json
from subsidy_rules.programs.eligibility.case import Case
from subsidy_rules.programs.eligibility.case_json import check_case
from subsidy_rules.programs.eligibility.decision import Decision


def case_from_json(data: Any, source: str = "<case>") -> Case:
    """Structure parsed JSON into a :class:`Case`; raise :class:`DataFileError` with JSON paths.

    Shape problems come from the library's one JSON converter in the user's
    words ("2023-02-30 is not a date", "group must be one of male, female-55,
    female-50"); problems of meaning from :func:`check_case`.
    """
    if not isinstance(data, dict):
        raise DataFileError([data_problem(source, "$", "a case is a JSON object", "案件应为JSON对象")])
    case = from_json(data, Case, source=source)
    problems = check_case(case, source)
    if problems:
        raise DataFileError(problems)
    return case


def load_case(path: Path | str) -> Case:
    """Read a case file (``"-"``: standard input) strictly; every problem is a :class:`DataFileError`.

    Strict like every JSON input of the library (:func:`subsidy_rules.io.json.read_json`):
    a duplicate key is named, a float amount is refused ("money is a decimal
    string"), GBK text is refused with "save it as UTF-8", absurd nesting or
    5,000-digit numbers are refused.
    """
    data, name = read_json(path)
    return case_from_json(data, name)


def case_to_json(case: Case) -> dict[str, Any]:
    """The case as JSON-ready data (the same format :func:`case_from_json` reads)."""
    data: dict[str, Any] = to_json(case)
    return data


def decision_to_json(d: Decision) -> dict[str, Any]:
    """One decision as JSON-ready data (the library's one shape for a Decision)."""
    data: dict[str, Any] = to_json(d)
    return data


__all__ = ["case_from_json", "case_to_json", "decision_to_json", "load_case"]
