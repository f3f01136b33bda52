"""The case: what is known about one person, as an auditor assembles it.

A case is the input of :func:`~subsidy_rules.programs.eligibility.decide`:
the person (ID number, or birth month and retirement group), their
employment-difficulty categories with dates, flexible-employment
registrations, monthly contributions by insurance type and payer (with
payment date and refund), formal-employment spells, pension start, death,
public-welfare post placements with appraisals, the subsidy payments
actually made (to compare with the entitlement), and the parameter layers
to judge it by.

Cases come from JSON through :func:`~subsidy_rules.programs.eligibility.case_json.load_case`
(documented in ``programs/schemas/case.schema.json``); in Python build them
with the classes here.

Limitations:
    Dates are calendar dates; months are :class:`~subsidy_rules.core.month.Month` values.
    Blank is not zero: an absent ``paid_on`` means "payment date not
    recorded", not "unpaid"; an absent ``end`` means "still running".
"""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

import attrs

from subsidy_rules.core.month import Month
from subsidy_rules.programs.difficulty import CategorySpell
from subsidy_rules.programs.retirement import RetirementGroup


class Insurance(enum.Enum):
    """Social-insurance types."""

    PENSION = "pension"
    MEDICAL = "medical"
    UNEMPLOYMENT = "unemployment"
    WORK_INJURY = "work-injury"
    MATERNITY = "maternity"


class Payer(enum.Enum):
    """In what capacity a contribution was paid."""

    FLEXIBLE_WORKER = "flexible-worker"  #: paid by the person as a flexible worker (灵活就业身份)
    EMPLOYER = "employer"  #: the employer's share (单位缴费)
    EMPLOYEE = "employee"  #: the employee's own share withheld by the employer (个人缴费)


class PlacementEnd(enum.Enum):
    """Why a public-welfare post placement ended."""

    LEFT_POST = "left-post"
    FAILED_APPRAISAL = "failed-appraisal"
    EXPIRED = "expired"
    RETIRED = "retired"
    DIED = "died"
    OTHER = "other"


class SuspensionKind(enum.Enum):
    """Stop events a roster can carry with dates (seed 002: 应停发补贴而未及时停发补贴的情形)."""

    IMPRISONMENT = "imprisonment"  #: 服刑
    INSURED_PLACE_MOVED = "insured-place-moved"  #: 参保关系转出本地
    REPORTING_MISSED = "reporting-missed"  #: 未按规定定期报告就业状况


@attrs.frozen
class Suspension:
    """A dated stop event; every month it touches is not entitled. ``end`` absent: still running."""

    kind: SuspensionKind
    start: date
    end: date | None = None


@attrs.frozen
class Person:
    """Who the case is about. Give ``id_number``, or ``birth_month`` and ``group``."""

    id_number: str | None = None
    birth_month: Month | None = None
    group: RetirementGroup | None = None
    name: str | None = None


@attrs.frozen
class Spell:
    """A span of dates; ``end`` absent means still running."""

    start: date
    end: date | None = None

    def touches(self, first: date, last: date) -> bool:
        """True when the spell covers at least one day of ``first``..``last``."""
        return self.start <= last and (self.end is None or self.end >= first)


@attrs.frozen
class Contribution:
    """One month's contribution to one insurance type."""

    month: Month
    insurance: Insurance
    payer: Payer
    amount: Decimal
    paid_on: date | None = None
    refunded: bool = False
    refunded_on: date | None = None

    def counts_at(self, as_of: date) -> bool:
        """Paid and not refunded as the case stood on ``as_of``.

        An unrecorded payment date counts as paid (the record exists); an
        unrecorded refund date counts as refunded.
        """
        if self.paid_on is not None and self.paid_on > as_of:
            return False
        return not (self.refunded and (self.refunded_on is None or self.refunded_on <= as_of))


@attrs.frozen
class Appraisal:
    """A periodic appraisal (考核) of a person on a post."""

    on: date
    passed: bool


@attrs.frozen
class Placement:
    """A placement on a public-welfare post (公益性岗位安置)."""

    start: date
    end: date | None = None
    end_reason: PlacementEnd | None = None
    employer: str | None = None
    post: str | None = None
    appraisals: tuple[Appraisal, ...] = ()
    #: Re-placement preconditions the file shows met for this placement (codes of the layer parameter
    #: ``public_welfare_post.replacement_preconditions``: ``provincial-filing``, ``three-job-referrals``);
    #: ``three-months-out-of-post`` is computed from the dates.
    preconditions_met: tuple[str, ...] = ()

    @property
    def failed_appraisal(self) -> date | None:
        """The date of the first failed appraisal, if any."""
        failed = [a.on for a in self.appraisals if not a.passed]
        return min(failed) if failed else None


@attrs.frozen
class Payment:
    """A subsidy payment actually made for one month (from the ledger)."""

    program: str
    month: Month
    amount: Decimal
    paid_on: date | None = None


@attrs.frozen
class Case:
    """Everything the rules look at for one person.

    ``jurisdiction`` names a packaged parameter layer (``national``,
    ``hubei``, ``wuhan``, ``jianghan``, ``chongqing``); ``layer_files`` are
    users' TOML layers stacked on top, relative to the case file.
    ``first_approval`` is the first approval (初次核定) of the
    flexible-employment (or graduate) social-insurance subsidy; a post
    placement's start is its own first approval. ``programs`` lists the
    program codes to decide when none is asked for.
    """

    case_id: str
    person: Person
    jurisdiction: str = "national"
    layer_files: tuple[str, ...] = ()
    as_of: date | None = None
    programs: tuple[str, ...] = ()
    difficulty: tuple[CategorySpell, ...] = ()
    flexible_registrations: tuple[Spell, ...] = ()
    first_approval: date | None = None
    left_school_on: date | None = None
    formal_employment: tuple[Spell, ...] = ()
    pension_start: date | None = None
    death: date | None = None
    suspensions: tuple[Suspension, ...] = ()
    contributions: tuple[Contribution, ...] = ()
    placements: tuple[Placement, ...] = ()
    payments: tuple[Payment, ...] = ()
    note: str | None = None
