"""Eligibility rules: flexible-employment and public-welfare-post subsidies, explained and cited.

Usage::

    from datetime import date
    from subsidy_rules.io.eligibility import load_case   # case files are read at the JSON edge
    from subsidy_rules.programs.eligibility import decide, decision_text

    case = load_case("case.json")                     # problems reported by JSON path
    d = decide(case, "flexible-employment-si-subsidy", date(2026, 1, 31))
    d.eligible, d.period_end, d.period_end_reason     # True, 2029-02-01, PeriodEnd.PERIOD_LIMIT
    [(m.month, m.amount) for m in d.schedule][:2]     # month-by-month 元 as Decimal
    print(decision_text(d))                           # the officer's note, every condition cited

    rules()["flexible-employment-si-subsidy"].conditions  # each with text, basis, checkpoint

Modules: ``case`` (the case model), ``case_json`` (a case file's schema and
checks of meaning; reading and writing JSON is :mod:`subsidy_rules.io.eligibility`'s),
``decision`` (the decision model), ``spec`` (rules as specs: :class:`RuleSpec`,
:class:`ConditionSpec`), ``registry`` (:func:`rules`, read from ``rules/*.toml``),
``toolkit`` (trace, case facts as of a date, parameter memo, decision builder),
``rules/`` (the specs' data and their logic), ``engine`` (``decide``),
``render`` (the officer's note).

For set-based entitlement checks (the ledger audit): ``decide(case, program,
as_of).entitled()`` is ``{month: amount}`` for every entitled month; the
``schedule`` has every month judged with its status and failed conditions.
"""

from subsidy_rules.core.month import Month
from subsidy_rules.programs.eligibility.case import (
    Appraisal,
    Case,
    Contribution,
    Insurance,
    Payer,
    Payment,
    Person,
    Placement,
    PlacementEnd,
    Spell,
    Suspension,
    SuspensionKind,
)
from subsidy_rules.programs.eligibility.case_json import case_schema, check_case
from subsidy_rules.programs.eligibility.decision import (
    ConditionResult,
    Decision,
    Fact,
    MonthLine,
    MonthStatus,
    Outcome,
    PeriodEnd,
    Problem,
    Severity,
)
from subsidy_rules.programs.eligibility.engine import RULES, decide, decide_all, programs_for, rule_programs
from subsidy_rules.programs.eligibility.registry import (
    DISABLED_POST,
    FLEXIBLE,
    GRADUATE,
    POST,
    POST_SI,
    rules,
    taxonomy_of,
)
from subsidy_rules.programs.eligibility.render import decision_text
from subsidy_rules.programs.eligibility.spec import ConditionSpec, RuleSpec, StopEvent

__all__ = [
    "DISABLED_POST",
    "FLEXIBLE",
    "GRADUATE",
    "POST",
    "POST_SI",
    "RULES",
    "Appraisal",
    "Case",
    "ConditionResult",
    "ConditionSpec",
    "Contribution",
    "Decision",
    "Fact",
    "Insurance",
    "Month",
    "MonthLine",
    "MonthStatus",
    "Outcome",
    "Payer",
    "Payment",
    "PeriodEnd",
    "Person",
    "Placement",
    "PlacementEnd",
    "Problem",
    "RuleSpec",
    "Severity",
    "Spell",
    "StopEvent",
    "Suspension",
    "SuspensionKind",
    "case_schema",
    "check_case",
    "decide",
    "decide_all",
    "decision_text",
    "programs_for",
    "rule_programs",
    "rules",
    "taxonomy_of",
]
