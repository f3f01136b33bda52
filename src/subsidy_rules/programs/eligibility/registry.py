"""The public registry of eligibility rules: :func:`rules`, read from ``rules/*.toml``.

Every ``rules/<name>.toml`` on disk is a rule (nothing is registered by
hand); each names its program (a catalogue code) and its logic (a key of
:data:`~subsidy_rules.programs.eligibility.rules.LOGIC`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.programs.catalogue import catalogue
from subsidy_rules.programs.eligibility.rules import LOGIC, Logic
from subsidy_rules.programs.eligibility.spec import RuleSpec, load_rule, rule_files, shared_data

FLEXIBLE = "flexible-employment-si-subsidy"
GRADUATE = "graduate-flexible-employment-si-subsidy"
POST = "public-welfare-post-subsidy"
POST_SI = "public-welfare-post-si-subsidy"
DISABLED_POST = "disabled-public-welfare-post-subsidy"


@cache
def _rules() -> Mapping[str, RuleSpec]:
    names = {p.code: p.name_zh for p in catalogue()}
    found: dict[str, RuleSpec] = {}
    problems: list[Problem] = []
    for file_name in rule_files():
        try:
            spec = load_rule(file_name, names)
        except DataFileError as exc:
            problems.extend(exc.problems)
            continue
        if spec.logic not in LOGIC:
            problems.append(
                Problem.make(
                    "data-not-a-choice",
                    place=Place(file=spec.source, path="rule.logic"),
                    value=spec.logic,
                    allowed=", ".join(LOGIC),
                )
            )
        if spec.program in found:
            problems.append(Problem.make("data-duplicate", place=Place(file=spec.source), name=spec.program))
        found[spec.program] = spec
    if problems:
        raise DataFileError(problems)
    return MappingProxyType(found)


def rules() -> Mapping[str, RuleSpec]:
    """Every program with an eligibility rule, by program code, in file-name order."""
    return _rules()


def logic_of(spec: RuleSpec) -> Logic:
    return LOGIC[spec.logic]


def taxonomy_of(problem_code: str) -> str | None:
    """The taxonomy node (issues/data/taxonomy.toml) a decision's problem code maps to, if any."""
    return shared_data()[2].get(problem_code)
