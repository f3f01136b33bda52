"""The rule toolkit: parameter memo, case facts as of a date, the trace, payments, the decision builder.

Rules (``rules/*.py``) are written against this module and never see its
speed tricks: months are integers (``year * 12 + month - 1``) inside, the
parameter reads of one :class:`~subsidy_rules.parameters.ParameterSet` are
memoised per set (:func:`memo_for` is a :func:`functools.cache` on the
hashable set), and a month's parameter values are interned so equal months
share one :class:`MonthValues`.

Semantics shared by every rule (our reading, stated once):

* **as of a date**: everything dated after ``as_of`` — payments,
  contributions, refunds, events, spells, placements, appraisals — is out of
  the decision (:func:`known_at`), so a decision never changes when later
  facts change, and judging as of an earlier date never invents a problem;
* a *qualifying* spell (a registration, a category, a placement) holds for
  every month it touches, even by one day;
* a *disqualifying* state (formal employment, drawing a pension, death, a
  failed appraisal, the retirement month) excludes every month it touches;
* **retirement law in time**: the near-retirement test ("fewer than 5
  years") is judged under the retirement law in force at first approval
  ("以初次核定其享受社会保险补贴时年龄为准"); the month the person reaches
  retirement (when payments stop) is the one the law in force in that month
  gives — the reformed age from 2025-01-01;
* identical contribution rows are one contribution (reported by JSON path);
  parameters are read at the date they govern.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any, Protocol

import attrs

from subsidy_rules.core.errors import NoValueInForceError, UnknownCodeError
from subsidy_rules.core.month import Month as CoreMonth
from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.parameters import ParameterSet, Resolved, carried_over_text
from subsidy_rules.parameters.model import NewerBelow
from subsidy_rules.parameters.values import value_text
from subsidy_rules.programs.eligibility.case import Case, Contribution, Insurance, Payer, Placement, Spell
from subsidy_rules.programs.eligibility.decision import (
    ConditionResult,
    Decision,
    Fact,
    MonthLine,
    MonthStatus,
    Outcome,
    PeriodEnd,
)
from subsidy_rules.programs.eligibility.spec import RuleSpec, shared_data
from subsidy_rules.programs.idcard import Sex, parse_resident_id
from subsidy_rules.programs.retirement import Retirement, RetirementGroup, retirement
from subsidy_rules.programs.standards import FundRegime, SubsidyBound, fund_regime, subsidy_bound

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: A month index later than any real month: an open-ended spell.
OPEN = 10**9


def month_index(day: date | CoreMonth) -> int:
    """The month of ``day`` (a date or a Month) as one integer, ``year * 12 + month - 1``."""
    return day.year * 12 + day.month - 1


@lru_cache(maxsize=4096)
def month_date(index: int) -> CoreMonth:
    """The month numbered ``index`` (one shared value per month)."""
    return CoreMonth.from_index(index)


def month_text(index: int) -> str:
    year, month0 = divmod(index, 12)
    return f"{year:04d}-{month0 + 1:02d}"


def round_yuan(value: Decimal) -> Decimal:
    """元 to the fen, 四舍五入 (ROUND_HALF_UP)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=65536)
def share_of(amount: Decimal, ratio: Fraction) -> Decimal:
    """``ratio`` × ``amount`` exactly, then rounded to the fen."""
    return round_yuan(amount * ratio.numerator / ratio.denominator)


# ---------------------------------------------------------------------------
# Parameters


@attrs.frozen
class MonthValues:
    """The parameter values one month of a rule reads, by role; equal months share one object."""

    values: Mapping[str, Any] = attrs.field(hash=False)
    used: tuple[Resolved, ...]
    by_role: Mapping[str, Resolved] = attrs.field(hash=False, eq=False)
    #: A rule's own derived values for this combination (e.g. insurance types from codes), computed once.
    derived: dict[str, Any] = attrs.field(factory=dict, hash=False, eq=False)

    def get(self, role: str) -> Any:
        return self.values.get(role)

    def resolved(self, *roles: str) -> tuple[Resolved, ...]:
        """The parameter values behind ``roles`` (those the month has)."""
        return tuple(self.by_role[r] for r in roles if r in self.by_role)


#: The parameters a rule reads each month: (role, reader, parameter id, optional) entries.
Roles = tuple[tuple[str, str, str, bool], ...]


def roles(**entries: tuple[str, str, bool]) -> Roles:
    """``roles(ratio=("ratio", "ssi.flexible.max_ratio", False), ...)``: a hashable month-read plan."""
    return tuple((role, reader, pid, optional) for role, (reader, pid, optional) in entries.items())


class ParamMemo:
    """Typed parameter reads of one :class:`ParameterSet`, memoised by (parameter, date)."""

    __slots__ = ("_bases", "_bounds", "_cache", "_ids", "_interned", "_months", "_regimes", "params")

    def __init__(self, params: ParameterSet) -> None:
        self.params = params
        self._ids = frozenset(params.ids)
        self._cache: dict[tuple[str, str, date], tuple[Any, Resolved] | None] = {}
        self._months: dict[tuple[Roles, int], MonthValues] = {}
        self._interned: dict[tuple[Resolved, ...], MonthValues] = {}
        self._regimes: dict[int, FundRegime] = {}
        self._bounds: dict[tuple[str, int], SubsidyBound] = {}
        self._bases: dict[tuple[Resolved, ...], tuple[Resolved, ...]] = {}

    def regime(self, m: int) -> FundRegime:
        """The fund text governing month index ``m`` (read at its first day)."""
        found = self._regimes.get(m)
        if found is None:
            found = self._regimes[m] = fund_regime(self.params, month_date(m).first_day)
        return found

    def bound(self, variant: str, m: int) -> SubsidyBound:
        """The cap and local standard of ``variant`` in month index ``m`` (read at its first day)."""
        key = (variant, m)
        found = self._bounds.get(key)
        if found is None:
            found = subsidy_bound(self.params, variant, month_date(m).first_day)
            # equal bases share one tuple, so a rule records each distinct basis in its trace once
            shared = self._bases.setdefault(found.basis, found.basis)
            if shared is not found.basis:
                found = attrs.evolve(found, basis=shared)
            self._bounds[key] = found
        return found

    def read(self, reader: str, pid: str, when: date, *, optional: bool = False) -> tuple[Any, Resolved] | None:
        """``(value, resolved)`` of ``pid`` at ``when`` through the set's typed ``reader``.

        ``optional``: None when the set has no such parameter or no value in force.
        """
        key = (reader, pid, when)
        if key not in self._cache:
            found: tuple[Any, Resolved] | None = None
            if pid in self._ids or not optional:
                try:
                    found = getattr(self.params, reader)(pid, when)
                except (UnknownCodeError, NoValueInForceError):
                    if not optional:
                        raise
            self._cache[key] = found
        found = self._cache[key]
        if found is None and not optional:
            getattr(self.params, reader)(pid, when)  # raises the error an optional read swallowed
        return found

    def ratio(self, pid: str, when: date) -> tuple[Fraction, Resolved]:
        found = self.read("ratio", pid, when)
        assert found is not None
        return found

    def integer(self, pid: str, when: date) -> tuple[int, Resolved]:
        found = self.read("integer", pid, when)
        assert found is not None
        return found

    def codes(self, pid: str, when: date) -> tuple[tuple[str, ...], Resolved]:
        found = self.read("codes", pid, when)
        assert found is not None
        return found

    def month_values(self, roles: Roles, m: int) -> MonthValues:
        """Read ``roles`` (see :func:`roles`) at month ``m``; equal months share one interned result."""
        key = (roles, m)
        found = self._months.get(key)
        if found is None:
            when = month_date(m).first_day
            values: dict[str, Any] = {}
            by_role: dict[str, Resolved] = {}
            for role, reader, pid, optional in roles:
                got = self.read(reader, pid, when, optional=optional)
                if got is not None:
                    values[role] = got[0]
                    by_role[role] = got[1]
            same = tuple(by_role.values())
            found = self._interned.get(same)
            if found is None:
                found = self._interned[same] = MonthValues(values, same, by_role)
            self._months[key] = found
        return found

    @lru_cache(maxsize=8)  # noqa: B019 - one memo per parameter set, kept for the process
    def first_law(self, group: RetirementGroup) -> date:
        """The first date any retirement law of ``group`` is in force in this set."""
        return min(
            v.effective_from for _, p in self.params.timeline(f"{group.parameter_prefix}.base_age") for v in p.values
        )

    @lru_cache(maxsize=4096)  # noqa: B019 - one memo per parameter set, kept for the process
    def retirement(self, birth_month: CoreMonth, group: RetirementGroup, law_date: date) -> Retirement:
        return retirement(birth_month, group, law_date=law_date, params=self.params)


@cache
def memo_for(params: ParameterSet) -> ParamMemo:
    """The one memo of a parameter set (sets are hashable values)."""
    return ParamMemo(params)


# ---------------------------------------------------------------------------
# The case as known on a date


def _cut_spell(spells: Iterable[Spell], as_of: date) -> tuple[Spell, ...]:
    return tuple(
        s if s.end is None or s.end <= as_of else attrs.evolve(s, end=None) for s in spells if s.start <= as_of
    )


def _after(day: date | None, as_of: date) -> date | None:
    return None if day is None or day > as_of else day


def known_contribution(c: Contribution, as_of: date) -> Contribution | None:
    """A contribution as known on ``as_of``: None when for a later month or paid later; a later refund undone."""
    if month_index(c.month) > month_index(as_of) or (c.paid_on is not None and c.paid_on > as_of):
        return None
    if c.refunded and c.refunded_on is not None and c.refunded_on > as_of:
        return attrs.evolve(c, refunded=False, refunded_on=None)
    return c


def known_at(case: Case, as_of: date, contributions: tuple[Contribution, ...] | None = None) -> Case:
    """The case as it stood on ``as_of``: everything dated later is left out.

    A spell or placement still running on ``as_of`` is open-ended (its later
    end is not yet known); a refund made later is not yet a refund; a payment
    or contribution for a later month, or paid later, is not yet made.
    """
    difficulty = tuple(
        s if s.ended_on is None or s.ended_on <= as_of else attrs.evolve(s, ended_on=None)
        for s in case.difficulty
        if s.identified_on <= as_of
    )
    if contributions is None:
        contributions = tuple(k for c in case.contributions if (k := known_contribution(c, as_of)) is not None)
    placements = []
    for p in case.placements:
        if p.start > as_of:
            continue
        appraisals = tuple(a for a in p.appraisals if a.on <= as_of)
        if p.end is not None and p.end > as_of:
            p = attrs.evolve(p, end=None, end_reason=None, appraisals=appraisals)
        elif appraisals != p.appraisals:
            p = attrs.evolve(p, appraisals=appraisals)
        placements.append(p)
    last = month_index(as_of)
    payments = tuple(
        p for p in case.payments if month_index(p.month) <= last and (p.paid_on is None or p.paid_on <= as_of)
    )
    return attrs.evolve(
        case,
        difficulty=difficulty,
        flexible_registrations=_cut_spell(case.flexible_registrations, as_of),
        formal_employment=_cut_spell(case.formal_employment, as_of),
        first_approval=_after(case.first_approval, as_of),
        left_school_on=_after(case.left_school_on, as_of),
        pension_start=_after(case.pension_start, as_of),
        death=_after(case.death, as_of),
        contributions=contributions,
        suspensions=tuple(
            x if x.end is None or x.end <= as_of else attrs.evolve(x, end=None)
            for x in case.suspensions
            if x.start <= as_of
        ),
        placements=tuple(placements),
        payments=payments,
    )


def person_birth_and_group(case: Case) -> tuple[CoreMonth, RetirementGroup]:
    """Birth month and retirement group from the ID number or the stated fields."""
    person = case.person
    birth = person.birth_month
    group = person.group
    if person.id_number is not None:
        rid = parse_resident_id(person.id_number)
        birth = birth or rid.birth_month
        if group is None and rid.sex is Sex.MALE:
            group = RetirementGroup.MALE
    if birth is None or group is None:
        raise ValueError("the case gives no usable birth month and retirement group")
    return birth, group


def month_span(start: date, end: date | None) -> tuple[int, int]:
    """The months a spell touches, as an inclusive index interval."""
    return month_index(start), OPEN if end is None else month_index(end)


class _Dated(Protocol):
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date | None: ...


def start_covering(spells: Iterable[_Dated], m: int) -> date | None:
    """The start date of the first spell that touches month index ``m``."""
    for spell in spells:
        lo, hi = month_span(spell.start, spell.end)
        if lo <= m <= hi:
            return spell.start
    return None


class CaseFacts:
    """A case as known on ``as_of``, indexed by month, with its data problems."""

    __slots__ = (
        "as_of",
        "as_of_m",
        "birth_month",
        "case",
        "contributions",
        "data_problems",
        "death_m",
        "employment",
        "group",
        "memo",
        "original",
        "pension_m",
        "placement_spans",
        "registrations",
        "retire_m",
        "retirement",
        "source",
        "suspended",
    )

    def __init__(self, case: Case, memo: ParamMemo, as_of: date, source: str | None = None) -> None:
        self.original = case
        self.memo = memo
        self.as_of = as_of
        self.as_of_m = month_index(as_of)
        self.source = source
        self.data_problems: list[Problem] = []
        known = self._index_contributions()
        self.case = case = known_at(case, as_of, known)
        self.birth_month, self.group = person_birth_and_group(case)
        self.retirement = self._retirement_in_force()
        self.retire_m = month_index(self.retirement.retirement_month)
        self.death_m = OPEN if case.death is None else month_index(case.death)
        self.pension_m = OPEN if case.pension_start is None else month_index(case.pension_start)
        self.employment = [month_span(s.start, s.end) for s in case.formal_employment]
        self.registrations = [month_span(s.start, s.end) for s in case.flexible_registrations]
        self.placement_spans = [month_span(p.start, p.end) for p in case.placements]
        self.suspended = [month_span(x.start, x.end) for x in case.suspensions]

    # -- retirement --------------------------------------------------------
    def retirement_under(self, law_date: date) -> Retirement:
        """The statutory retirement the law in force on ``law_date`` gives this person."""
        return self.memo.retirement(self.birth_month, self.group, law_date)

    def _retirement_in_force(self) -> Retirement:
        """The retirement month under the law in force *in that month* (a fixed point: ages only rise)."""
        # Start from the earliest law that exists: the smallest fixed point is the first month retired.
        first_law = min(
            v.effective_from
            for _, p in self.memo.params.timeline(f"{self.group.parameter_prefix}.base_age")
            for v in p.values
        )
        r = self.retirement_under(max(self.birth_month.first_day, first_law))
        for _ in range(12):
            later = self.retirement_under(r.retirement_month.first_day)
            if later.retirement_month == r.retirement_month:
                return later
            r = later
        return r  # pragma: no cover - the law would have to change a dozen times

    def retirement_facts(self) -> list[Fact]:
        r = self.retirement
        return [
            Fact("birth_month", month_text(month_index(r.birth_month))),
            Fact("retirement_group", r.group.value),
            Fact("retirement_age", f"{r.age_years} years {r.age_months} months"),
            Fact("retirement_month", month_text(self.retire_m)),
            Fact("retirement_law", f"law in force in {month_text(self.retire_m)}: {r.citation.label}"),
        ]

    # -- contributions -----------------------------------------------------
    def _index_contributions(self) -> tuple[Contribution, ...]:
        """Index the contributions known on ``as_of`` by month; identical rows count once and are reported."""
        by_month: dict[int, list[Contribution]] = {}
        first_index: dict[int, list[int]] = {}
        known: list[Contribution] = []
        last = self.as_of_m
        as_of = self.as_of
        for index, c in enumerate(self.original.contributions):
            m = c.month.year * 12 + c.month.month - 1
            if m > last or (c.paid_on is not None and c.paid_on > as_of):
                continue
            if c.refunded and c.refunded_on is not None and c.refunded_on > as_of:
                c = attrs.evolve(c, refunded=False, refunded_on=None)
            rows = by_month.get(m)
            if rows is None:
                by_month[m] = [c]
                first_index[m] = [index]
                known.append(c)
                continue
            # Identical rows of one month: compared within the month only (a few rows), never hashed.
            twin = next((k for k, other in enumerate(rows) if other == c), None)
            if twin is not None:
                self.data_problems.append(
                    Problem.make(
                        "duplicate-contribution",
                        place=Place(file=self.source, path=f"$.contributions[{index}]", month=c.month),
                        first=f"$.contributions[{first_index[m][twin]}]",
                    )
                )
                continue
            rows.append(c)
            first_index[m].append(index)
            known.append(c)
        self.contributions = by_month
        return tuple(known)

    def counted(self, m: int, payer: Payer, counted: tuple[Insurance, ...]) -> tuple[Decimal, bool]:
        """(sum of counted contributions of ``payer`` in month ``m``, whether any was refunded)."""
        total = ZERO
        refunded = False
        for c in self.contributions.get(m, ()):
            if c.payer is not payer:
                continue
            if c.refunded:
                refunded = True
                continue
            if c.insurance in counted:
                total += c.amount
        return total, refunded

    def counted_with_types(
        self, m: int, payer: Payer, counted: tuple[Insurance, ...]
    ) -> tuple[Decimal, bool, dict[str, Decimal]]:
        """:meth:`counted` and :meth:`counted_by_type` in one pass over the month's contributions."""
        total = ZERO
        refunded = False
        by_type: dict[str, Decimal] = {}
        for c in self.contributions.get(m, ()):
            if c.payer is not payer:
                continue
            if c.refunded:
                refunded = True
                continue
            key = c.insurance.value
            by_type[key] = by_type.get(key, ZERO) + c.amount
            if c.insurance in counted:
                total += c.amount
        return total, refunded, by_type

    def counted_by_type(self, m: int, payer: Payer) -> dict[str, Decimal]:
        """``payer``'s contributions of month ``m`` that were not refunded, summed by insurance type."""
        out: dict[str, Decimal] = {}
        for c in self.contributions.get(m, ()):
            if c.payer is payer and not c.refunded:
                out[c.insurance.value] = out.get(c.insurance.value, ZERO) + c.amount
        return out

    def check_ceiling(self, m: int, payer: Payer, ceiling: Decimal, rate: Decimal) -> None:
        """Flag a pension contribution of month ``m`` above the legal base ceiling × pension rate."""
        limit = round_yuan(ceiling * rate)
        for c in self.contributions.get(m, ()):
            if c.payer is payer and c.insurance is Insurance.PENSION and c.amount > limit:
                self.data_problems.append(
                    Problem.make(
                        "contribution-above-ceiling",
                        place=Place(file=self.source, month=c.month),
                        value=c.amount,
                        month=month_text(m),
                        insurance_en="pension",
                        insurance_zh="养老保险",
                        ceiling=ceiling,
                        rate=rate,
                        limit=limit,
                    )
                )

    @staticmethod
    def covered(spans: Iterable[tuple[int, int]], lo: int, hi: int) -> frozenset[int]:
        """The months in ``lo``..``hi`` that any of ``spans`` covers."""
        found: set[int] = set()
        for a, b in spans:
            found.update(range(max(a, lo), min(b, hi) + 1))
        return frozenset(found)

    # -- payments ----------------------------------------------------------
    def paid_by_month(self, codes: frozenset[str]) -> dict[int, Decimal] | None:
        """Payments for any of ``codes`` summed by month; None when the case records none."""
        found: dict[int, Decimal] = {}
        for p in self.case.payments:
            if p.program in codes:
                m = month_index(p.month)
                found[m] = found.get(m, ZERO) + p.amount
        return found if found else None

    def spells_text(self, spells: Iterable[Spell]) -> str:
        parts = [f"{s.start.isoformat()}–{s.end.isoformat() if s.end else '…'}" for s in spells]
        return "; ".join(parts) if parts else "none"

    def in_placement(self, m: int) -> Placement | None:
        for (lo, hi), p in zip(self.placement_spans, self.case.placements, strict=True):
            if lo <= m <= hi:
                return p
        return None

    def event_date(self, cid: str, m: int) -> date | None:
        """The date of the event behind condition ``cid`` failing in month ``m``, when the case has one."""
        case = self.case
        if cid == "not-formally-employed" or cid == "not-employed-elsewhere":
            return start_covering(case.formal_employment, m)
        if cid == "alive":
            return case.death
        if cid == "no-suspension":
            return start_covering(case.suspensions, m)
        if cid == "no-pension":
            return case.pension_start
        if cid == "before-retirement":
            return month_date(self.retire_m).first_day
        if cid == "no-double-subsidy":
            p = self.in_placement(m)
            return p.start if p else None
        if cid == "in-post":
            ended = [p.end for p in case.placements if p.end is not None and month_index(p.end) < m]
            return max(ended) if ended else None
        if cid == "appraisal":
            failed = [a.on for p in case.placements for a in p.appraisals if not a.passed]
            return min(failed) if failed else None
        if cid == "difficulty-person":
            ended = [s.ended_on for s in case.difficulty if s.ended_on is not None and month_index(s.ended_on) < m]
            return max(ended) if ended else None
        return None


# ---------------------------------------------------------------------------
# The trace


class ConditionRecord:
    """What the trace knows of one condition while a rule runs."""

    __slots__ = ("facts", "failed_months", "monthly", "note", "outcome", "params")

    def __init__(self) -> None:
        self.outcome: Outcome | None = None  #: None: judged month by month, settled at build
        self.facts: list[Fact] = []
        self.params: dict[tuple[str, date, str], Resolved] = {}
        self.failed_months: list[int] = []
        self.monthly = False
        self.note: str | None = None


class Trace:
    """Collects the judged conditions of one decision, in the order first mentioned."""

    __slots__ = ("_records", "spec")

    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        self._records: dict[str, ConditionRecord] = {}

    def _record(self, cid: str) -> ConditionRecord:
        found = self._records.get(cid)
        if found is None:
            self.spec.condition(cid)  # a rule may judge only the conditions its spec declares
            found = self._records[cid] = ConditionRecord()
        return found

    def judge(
        self,
        cid: str,
        held: bool | None,
        facts: Iterable[Fact] = (),
        params: Iterable[Resolved] = (),
        note: str | None = None,
    ) -> bool:
        """Record a condition judged once; ``held=None`` is not applicable. Returns ``held is True``."""
        rec = self._record(cid)
        outcome = Outcome.NOT_APPLICABLE if held is None else (Outcome.HELD if held else Outcome.FAILED)
        if rec.outcome is None or rec.outcome is Outcome.HELD or outcome is Outcome.FAILED:
            rec.outcome = outcome
        rec.facts.extend(facts)
        self.use(cid, *params)
        if note:
            rec.note = note
        return held is True

    def monthly(self, cid: str, facts: Iterable[Fact] = (), params: Iterable[Resolved] = ()) -> None:
        """Declare a condition judged month by month."""
        rec = self._record(cid)
        rec.monthly = True
        rec.facts.extend(facts)
        self.use(cid, *params)

    def use(self, cid: str, *params: Resolved) -> None:
        store = self._record(cid).params
        for r in params:
            store.setdefault((r.parameter_id, r.effective_from, r.layer), r)

    def failed_in(self, cid: str, m: int) -> None:
        self._record(cid).failed_months.append(m)

    def build(self, months_judged: bool) -> tuple[ConditionResult, ...]:
        out = []
        for cid, rec in self._records.items():
            spec = self.spec.condition(cid)
            facts = list(rec.facts)
            outcome = rec.outcome
            if rec.failed_months:
                months = sorted(set(rec.failed_months))
                facts.append(Fact("months_failed", ", ".join(month_text(m) for m in months)))
                outcome = Outcome.FAILED
            elif outcome is None:
                outcome = Outcome.HELD if months_judged else Outcome.NOT_APPLICABLE
            resolved = tuple(rec.params.values())
            cites = list(spec.citations)
            known = {c.document_key for c in cites}
            for r in resolved:
                if r.citation.document_key not in known:
                    known.add(r.citation.document_key)
                    cites.append(r.citation)
            out.append(
                ConditionResult(
                    code=cid,
                    title_zh=spec.text_zh,
                    title_en=spec.text_en,
                    outcome=outcome,
                    citations=tuple(cites),
                    facts=tuple(facts),
                    parameters=resolved,
                    monthly=rec.monthly or bool(rec.failed_months),
                    note=rec.note,
                    basis=spec.basis,
                    checkpoint=spec.checkpoint,
                )
            )
        return tuple(out)


# ---------------------------------------------------------------------------
# Periods


@attrs.frozen
class Period:
    """A subsidy period from a first approval (or a placement that starts one)."""

    start_m: int
    end_m: int
    reason: PeriodEnd
    used: tuple[Resolved, ...]
    facts: tuple[Fact, ...]
    law: tuple[Fact, ...]


def period_from(cf: CaseFacts, spec: RuleSpec, start: date) -> Period:
    """The period from ``start``: ``max_months`` read at ``start``; to retirement when near it.

    Near retirement: when, under the retirement law in force at ``start``
    (the first approval), fewer than ``near_retirement_years`` years remain,
    the period runs to the month before the retirement month *in force then*
    (the reformed one from 2025). Without a ``max_months`` value in the
    jurisdiction (a local program), the period is open until retirement.
    """
    memo = cf.memo
    start_m = month_index(start)
    used: list[Resolved] = []
    facts = [Fact("period_start", month_text(start_m))]
    law: list[Fact] = []
    found = memo.read("integer", spec.param("max_months"), start, optional="max_months" not in spec.roles)
    if found is not None:
        end_m = start_m + found[0] - 1
        used.append(found[1])
        reason = PeriodEnd.PERIOD_LIMIT
    else:
        end_m, reason = OPEN - 1, PeriodEnd.RETIREMENT
        facts.append(Fact("period_limit", "none set in this jurisdiction: the period runs while the conditions hold"))
    if spec.has("near_retirement_years"):
        years, years_used = memo.integer(spec.param("near_retirement_years"), start)
        used.append(years_used)
        then = cf.retirement_under(start)
        then_m = month_index(then.retirement_month)
        remaining = then_m - start_m
        facts.append(Fact("months_to_retirement_at_first_approval", str(remaining)))
        law.append(
            Fact(
                "near_retirement_test",
                f"judged under the law in force on {start.isoformat()} (first approval): retirement "
                f"{month_text(then_m)} at {then.age_years} y {then.age_months} m ({then.citation.label}); "
                f"{remaining} months left, limit {years * 12}",
            )
        )
        if remaining < years * 12:
            end_m, reason = cf.retire_m - 1, PeriodEnd.RETIREMENT
            facts.append(Fact("near_retirement", f"fewer than {years} years to retirement at first approval"))
    if cf.retire_m - 1 < end_m:
        end_m, reason = cf.retire_m - 1, PeriodEnd.RETIREMENT
    law.append(
        Fact(
            "retirement_month",
            f"{month_text(cf.retire_m)} under the law in force in that month ({cf.retirement.citation.label})",
        )
    )
    return Period(start_m, end_m, reason, tuple(used), tuple(facts), tuple(law))


def apply_stops(end_m: int, reason: PeriodEnd, stops: Iterable[tuple[int, PeriodEnd]]) -> tuple[int, PeriodEnd]:
    """Cut the period at the earliest stop event (its own month is excluded)."""
    for stop_m, why in sorted(stops, key=lambda s: s[0]):
        if stop_m - 1 < end_m:
            return stop_m - 1, why
    return end_m, reason


def stop_reasons(cf: CaseFacts, m: int, reasons: list[str]) -> None:
    """Add the conditions failing in month ``m`` because of retirement, death or a pension."""
    if m >= cf.retire_m:
        reasons.append("before-retirement")
    if m >= cf.death_m:
        reasons.append("alive")
    if m >= cf.pension_m:
        reasons.append("no-pension")


# ---------------------------------------------------------------------------
# Payments and the decision


def _why(spec: RuleSpec, reasons: Iterable[str]) -> tuple[str, str]:
    conditions, _, _ = shared_data()
    zh = "；".join(conditions[r].text_zh if r in conditions else r for r in reasons)
    en = "; ".join(conditions[r].text_en if r in conditions else r for r in reasons)
    return zh, en


def payment_problem(spec: RuleSpec, line: MonthLine, got: Decimal | None, eligible: bool) -> Problem | None:
    """The problem, if any, in paying ``got`` for ``line`` (``None``: nothing recorded as paid)."""
    label = str(line.month)
    place = Place(month=line.month)
    if line.status is MonthStatus.NOT_ENTITLED:
        if not got:
            return None
        why_zh, why_en = _why(spec, line.reasons)
        return Problem.make(
            "paid-not-entitled" if eligible else "paid-not-eligible",
            place=place,
            value=got,
            detail={"amount": got, "program": spec.program, "reasons": ",".join(line.reasons)},
            month=label,
            amount=got,
            program=spec.name_zh,
            why_zh=why_zh,
            why_en=why_en,
        )
    if line.amount is None:
        if line.status is MonthStatus.UNDETERMINED and line.cap is not None and got is not None and got > line.cap:
            # No local standard: only money above the national ceiling is excess (under any local rule).
            over = got - line.cap
            return Problem.make(
                "paid-above-cap",
                place=place,
                value=got,
                detail={"amount": over, "program": spec.program, "cap": line.cap},
                month=label,
                amount=over,
                paid=got,
                cap=line.cap,
            )
        return None
    if got is not None and got > line.amount:
        over = got - line.amount
        return Problem.make(
            "paid-above-entitlement",
            place=place,
            value=got,
            detail={"amount": over, "program": spec.program, "entitled": line.amount},
            month=label,
            amount=over,
            paid=got,
            entitled=line.amount,
        )
    if not got:
        return Problem.make(
            "entitled-not-paid",
            place=place,
            detail={"amount": line.amount, "program": spec.program, "entitled": line.amount},
            month=label,
            entitled=line.amount,
        )
    if got < line.amount:
        short = line.amount - got
        return Problem.make(
            "paid-short",
            place=place,
            value=got,
            detail={"amount": short, "program": spec.program, "entitled": line.amount},
            month=label,
            amount=short,
            paid=got,
            entitled=line.amount,
        )
    return None


def stale_parameter_problems(conditions: Iterable[ConditionResult]) -> list[Problem]:
    """One warning per local parameter value used although a layer below has a newer one."""
    out: dict[tuple[str, date, str], Problem] = {}
    for c in conditions:
        for r in c.parameters:
            below: NewerBelow | None = r.newer_below
            key = (r.parameter_id, r.effective_from, r.layer)
            if below is None or key in out:
                continue
            out[key] = Problem.make(
                "parameter-older-than-below",
                place=Place(path=f"parameters.{r.parameter_id}"),
                value=value_text(r.value),
                parameter=r.parameter_id,
                layer=r.layer,
                used=value_text(r.value),
                used_from=r.effective_from.isoformat(),
                below_layer=below.layer,
                below=value_text(below.value),
                below_from=below.effective_from.isoformat(),
            )
    return list(out.values())


@attrs.frozen
class Outline:
    """What a rule found besides its schedule: the period and the first approval."""

    eligible: bool
    first_approval: date | None = None
    period: Period | None = None
    end_m: int | None = None
    reason: PeriodEnd | None = None


def finish(
    cf: CaseFacts,
    spec: RuleSpec,
    trace: Trace,
    outline: Outline,
    lines: list[MonthLine],
    paid: dict[int, Decimal] | None,
    *,
    data_problems: bool = False,
    extra_notices: Iterable[tuple[str, str]] = (),
) -> Decision:
    """Compare payments, settle the trace and build the one :class:`Decision` shape every rule returns.

    ``extra_notices``: (Chinese, English) notes the rule wants every output to show (a placeholder
    used, why months are undetermined); the fund text of each month and the values carried over
    from 181号 are added here for every rule.
    """
    problems: list[Problem] = list(cf.data_problems) if data_problems else []
    out: list[MonthLine] = []
    for line in lines:
        got = paid.get(month_index(line.month)) if paid else None
        if got is not None and line.paid != got:
            line = MonthLine(line.month, line.status, line.amount, line.basis, line.reasons, got, line.cap)
        if paid is not None and got != line.amount:
            problem = payment_problem(spec, line, got, outline.eligible)
            if problem is not None:
                problems.append(problem)
        out.append(line)
    conditions = trace.build(months_judged=outline.eligible and bool(out))
    problems += stale_parameter_problems(conditions)
    period = outline.period
    ended_by: tuple[str, ...] = ()
    ended_on: date | None = None
    months_in_period = 0
    if outline.eligible and period is not None and outline.end_m is not None:
        months_in_period = max(0, min(outline.end_m, cf.as_of_m) - period.start_m + 1)
        entitled = [month_index(m.month) for m in out if m.status is MonthStatus.ENTITLED]
        last = max(entitled) if entitled else None
        after = next(
            (
                m
                for m in out
                if m.status is MonthStatus.NOT_ENTITLED
                and (last is None or month_index(m.month) > last)
                and month_index(m.month) >= period.start_m
            ),
            None,
        )
        if after is not None:
            ended_by = after.reasons
            ended_on = next((d for d in (cf.event_date(r, month_index(after.month)) for r in after.reasons) if d), None)
    entitled_lines = [m for m in out if m.status is MonthStatus.ENTITLED]
    unconfirmed = sorted({r.parameter_id for c in conditions for r in c.parameters if not r.confirmed})
    regimes, notices_zh, notices_en = _notices(cf, out, conditions, extra_notices)
    return Decision(
        case_id=cf.case.case_id,
        program=spec.program,
        program_name_zh=spec.name_zh,
        as_of=cf.as_of,
        eligible=outline.eligible,
        first_approval=outline.first_approval,
        period_start=month_date(period.start_m) if outline.eligible and period else None,
        period_end=month_date(outline.end_m) if outline.eligible and outline.end_m is not None else None,
        period_end_reason=outline.reason if outline.eligible else None,
        schedule=tuple(out),
        conditions=conditions,
        problems=tuple(problems),
        jurisdiction=tuple(layer.id for layer in cf.memo.params.layers),
        period_limit_end=month_date(period.end_m) if outline.eligible and period else None,
        ended_by=ended_by,
        ended_on=ended_on,
        months_in_period=months_in_period,
        law_applied=period.law if period else (),
        entitled_months=len(entitled_lines),
        total_entitled=sum((m.amount for m in out if m.amount is not None), ZERO),
        last_entitled=entitled_lines[-1].month if entitled_lines else None,
        unconfirmed_parameters=tuple(unconfirmed),
        regimes=regimes,
        undetermined_months=sum(1 for m in out if m.status is MonthStatus.UNDETERMINED),
        notices_zh=notices_zh,
        notices_en=notices_en,
    )


def _month_ranges(months: list[int]) -> str:
    """``2026-01..2026-06, 2026-09`` from sorted month indexes."""
    parts: list[str] = []
    start = prev = None
    for m in months:
        if start is None:
            start = prev = m
        elif prev is not None and m == prev + 1:
            prev = m
        else:
            parts.append(month_text(start) if start == prev else f"{month_text(start)}..{month_text(prev or start)}")
            start = prev = m
    if start is not None:
        parts.append(month_text(start) if start == prev else f"{month_text(start)}..{month_text(prev or start)}")
    return ", ".join(parts)


def _notices(
    cf: CaseFacts, lines: list[MonthLine], conditions: Iterable[ConditionResult], extra: Iterable[tuple[str, str]]
) -> tuple[tuple[Fact, ...], tuple[str, ...], tuple[str, ...]]:
    """Which fund text governed which months of the schedule, and the notes every output shows."""
    by_text: dict[str, tuple[FundRegime, list[int]]] = {}
    for line in lines:
        m = month_index(line.month)
        regime = cf.memo.regime(m)
        found = by_text.get(regime.document_key)
        if found is None:
            by_text[regime.document_key] = (regime, [m])
        else:
            found[1].append(m)
    regimes = tuple(Fact(_month_ranges(sorted(ms)), r.note_zh) for r, ms in by_text.values())
    zh: list[str] = []
    en: list[str] = []
    for r, ms in by_text.values():
        if not r.verified:
            zh.append(f"{_month_ranges(sorted(ms))}：{r.note_zh}")
            en.append(f"{_month_ranges(sorted(ms))}: {r.note_en}")
    carried: dict[str, tuple[str, str]] = {}
    for c in conditions:
        for p in c.parameters:
            if p.carried_over_from is not None and p.parameter_id not in carried:
                carried[p.parameter_id] = carried_over_text(p.carried_over_from, p.citation)
    for pid, (czh, cen) in sorted(carried.items()):
        zh.append(f"参数 {pid}：{czh}")
        en.append(f"parameter {pid}: {cen}")
    for xzh, xen in extra:
        if xzh not in zh:
            zh.append(xzh)
            en.append(xen)
    return regimes, tuple(zh), tuple(en)


def not_eligible(
    cf: CaseFacts, spec: RuleSpec, trace: Trace, paid: dict[int, Decimal] | None, first_approval: date | None
) -> Decision:
    """Not eligible: the schedule lists only paid months, each not entitled for the failed conditions."""
    failed = tuple(c.code for c in trace.build(months_judged=False) if c.outcome is Outcome.FAILED)
    lines = [MonthLine(month_date(m), MonthStatus.NOT_ENTITLED, None, None, failed) for m in sorted(paid or {})]
    return finish(cf, spec, trace, Outline(eligible=False, first_approval=first_approval), lines, paid)
