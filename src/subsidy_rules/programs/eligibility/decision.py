"""A decision that explains itself: verdict, period, schedule, trace, problems.

A :class:`Decision` says whether the person is eligible for one program, the
first-approval date, the period end and why, a month-by-month
:class:`MonthLine` schedule (entitled amount in 元, or not entitled with the
failed conditions), a trace of every :class:`ConditionResult` (held, failed
or not applicable; the facts it looked at; the parameter values used, each a
:class:`~subsidy_rules.parameters.Resolved` with its effective date,
citation and confirmed flag), and the :class:`Problem` s found by comparing
the payments actually made with the entitlement.

References:
    the README, "Eligibility" (a decision explains itself: which conditions
    held, which failed, with the parameter values and their effective dates).

Limitations:
    Amounts are rounded to 0.01 元 ROUND_HALF_UP once per month, so a month
    can exceed the exact 2/3 of its contribution by at most 0.005 元.
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

import attrs

from subsidy_rules.core.citation import Citation
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import Problem as Problem
from subsidy_rules.core.problem import Severity as Severity
from subsidy_rules.parameters import Resolved


class Outcome(enum.Enum):
    HELD = "held"
    FAILED = "failed"
    NOT_APPLICABLE = "not-applicable"

    @property
    def name_zh(self) -> str:
        return {Outcome.HELD: "符合", Outcome.FAILED: "不符合", Outcome.NOT_APPLICABLE: "不适用"}[self]


class MonthStatus(enum.Enum):
    ENTITLED = "entitled"
    NOT_ENTITLED = "not-entitled"
    UNDETERMINED = "undetermined"  #: eligible, but no amount can be set (e.g. no minimum wage in force)


class PeriodEnd(enum.Enum):
    """Why the subsidy period ends (or will end)."""

    PERIOD_LIMIT = "period-limit"  #: the maximum period (36 months, 2 years) from first approval
    RETIREMENT = "retirement"  #: the statutory retirement month
    DEATH = "death"
    PENSION = "pension"
    LEFT_POST = "left-post"
    FAILED_APPRAISAL = "failed-appraisal"

    @property
    def name_zh(self) -> str:
        return {
            PeriodEnd.PERIOD_LIMIT: "补贴期限届满",
            PeriodEnd.RETIREMENT: "达到法定退休年龄",
            PeriodEnd.DEATH: "死亡",
            PeriodEnd.PENSION: "领取基本养老金",
            PeriodEnd.LEFT_POST: "离开公益性岗位",
            PeriodEnd.FAILED_APPRAISAL: "考核不合格",
        }[self]


@attrs.frozen
class Fact:
    """One fact of the case a condition looked at, as text for the trace."""

    name: str
    value: str


@attrs.frozen
class ConditionResult:
    """One condition as judged: outcome, citations, facts and parameters used.

    ``basis`` is the legal rule (依据), ``checkpoint`` the campaign notice
    telling auditors to check it (核查要点); ``citations`` is both, then the
    documents of the parameter values used.
    """

    code: str
    title_zh: str
    title_en: str
    outcome: Outcome
    citations: tuple[Citation, ...]
    facts: tuple[Fact, ...] = ()
    parameters: tuple[Resolved, ...] = ()
    monthly: bool = False
    note: str | None = None
    basis: tuple[Citation, ...] = ()
    checkpoint: tuple[Citation, ...] = ()


@attrs.frozen
class MonthLine:
    """One month of the schedule."""

    month: Month
    status: MonthStatus
    amount: Decimal | None = None
    basis: Decimal | None = None  #: the counted contribution or the reference wage the amount is drawn from
    reasons: tuple[str, ...] = ()  #: codes of the conditions that failed this month
    paid: Decimal | None = None  #: what the ledger shows was paid for this month, if payments were given
    #: The national ceiling of the month (元) where the amount due is undetermined (no local standard):
    #: money paid above it is excess under any local rule.
    cap: Decimal | None = None


@attrs.frozen
class Decision:
    """The decision on one program for one case."""

    case_id: str
    program: str
    program_name_zh: str
    as_of: date
    eligible: bool
    first_approval: date | None
    period_start: Month | None
    period_end: Month | None  #: last month of the entitlement period
    period_end_reason: PeriodEnd | None
    schedule: tuple[MonthLine, ...]
    conditions: tuple[ConditionResult, ...]
    problems: tuple[Problem, ...] = ()
    jurisdiction: tuple[str, ...] = ()
    #: Last month of the period by its limit or retirement alone, before any stop event.
    period_limit_end: Month | None = None
    #: Condition ids that failed in the month after the last entitled month (why entitlement ended).
    ended_by: tuple[str, ...] = ()
    #: The date of the event that ended it (formal employment from …, death on …), when known.
    ended_on: date | None = None
    #: Months of the period up to the as-of month (the N of "n of N months entitled").
    months_in_period: int = 0
    #: Which law decided the age questions (which law, which date), for the officer.
    law_applied: tuple[Fact, ...] = ()
    #: Figures derived from the schedule when the decision is made (kept as fields so JSON round-trips).
    entitled_months: int = 0
    total_entitled: Decimal = Decimal("0.00")
    last_entitled: Month | None = None
    unconfirmed_parameters: tuple[str, ...] = ()
    #: Which fund text governed which months (name: the months; value: the text and whether it was read).
    regimes: tuple[Fact, ...] = ()
    #: Months eligible but with no amount that can be set (no local standard, a minimum-wage gap …).
    undetermined_months: int = 0
    #: Notes every output shows (Chinese; values carried over from 181号, placeholders, gaps).
    notices_zh: tuple[str, ...] = ()
    notices_en: tuple[str, ...] = ()  #: the English twins of ``notices_zh``

    def entitled(self) -> dict[Month, Decimal]:
        """Each entitled month and its amount in 元: the set the ledger audit checks against."""
        return {m.month: m.amount for m in self.schedule if m.status is MonthStatus.ENTITLED and m.amount is not None}

    @property
    def parameters_used(self) -> tuple[Resolved, ...]:
        """Every parameter value the decision used, once each."""
        seen: dict[tuple[str, date, str], Resolved] = {}
        for c in self.conditions:
            for r in c.parameters:
                seen.setdefault((r.parameter_id, r.effective_from, r.layer), r)
        return tuple(seen.values())

    @property
    def unconfirmed(self) -> tuple[Resolved, ...]:
        """Parameter values used that are not confirmed in a primary text."""
        return tuple(r for r in self.parameters_used if not r.confirmed)

    def condition(self, code: str) -> ConditionResult:
        for c in self.conditions:
            if c.code == code:
                return c
        raise KeyError(code)
