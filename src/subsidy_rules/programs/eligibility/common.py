"""What every rule shares: memoised parameters, indexed case facts, the trace, payments.

Months inside the rules are integers (:func:`~subsidy_rules.programs.months.month_index`)
so a schedule of 36 months costs a few integer comparisons per condition;
they become dates again only in the decision.

Semantics shared by every rule (our reading, stated once):

* a *qualifying* spell (a registration, a category, a placement) holds for
  every month it touches, even by one day;
* a *disqualifying* state (formal employment, drawing a pension, death, a
  failed appraisal, the retirement month) excludes every month it touches,
  so nothing is entitled in or after the month of a stop event;
* parameters are read at the date they govern: the period at the first
  approval, the ratio and the counted insurance types at each month.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, cast

from subsidy_rules.core.errors import NoValueInForceError, UnknownCodeError
from subsidy_rules.parameters import ParameterSet, Resolved
from subsidy_rules.programs.eligibility.case import Case, Contribution, Insurance, Payer, Spell
from subsidy_rules.programs.eligibility.conditions import spec
from subsidy_rules.programs.eligibility.decision import (
    ConditionResult,
    Fact,
    MonthLine,
    MonthStatus,
    Outcome,
    PeriodEnd,
    Problem,
    Severity,
)
from subsidy_rules.programs.idcard import Sex, parse_resident_id
from subsidy_rules.programs.months import format_month, month_from_index, month_index
from subsidy_rules.programs.retirement import Retirement, RetirementGroup, retirement

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
#: A month index later than any real month: an open-ended spell.
OPEN = 10**9


def round_yuan(value: Decimal) -> Decimal:
    """元 to the fen, 四舍五入 (ROUND_HALF_UP)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


_SHARES: dict[tuple[Decimal, int, int], Decimal] = {}


def share_of(amount: Decimal, ratio: Fraction) -> Decimal:
    """``ratio`` × ``amount`` exactly, then rounded to the fen (memoised: the same contributions recur)."""
    key = (amount, ratio.numerator, ratio.denominator)  # ints hash fast; a Fraction's hash does not
    found = _SHARES.get(key)
    if found is None:
        found = round_yuan(amount * ratio.numerator / ratio.denominator)
        if len(_SHARES) < 100_000:
            _SHARES[key] = found
    return found


class ParamMemo:
    """Typed parameter reads of one :class:`ParameterSet`, memoised by (id, date).

    A decision reads the same few parameters for every month; across many
    persons the months repeat, so the memo answers most reads from a dict.
    Equal answers are interned (one object per parameter value in force), so
    a rule can tell "same value as last month" by identity. ``bundles`` is
    a free cache for rules that group several reads per month.
    """

    __slots__ = ("_cache", "_ids", "_interned", "_retirements", "bundles", "params")

    def __init__(self, params: ParameterSet) -> None:
        self.params = params
        self._ids = frozenset(params.ids)
        self._cache: dict[tuple[str, str, date], tuple[Any, Resolved] | None] = {}
        self._interned: dict[tuple[str, str, date, str], tuple[Any, Resolved]] = {}
        self._retirements: dict[tuple[date, RetirementGroup, date], Retirement] = {}
        self.bundles: dict[Any, Any] = {}

    def _get(self, reader: str, pid: str, when: date, optional: bool) -> tuple[Any, Resolved] | None:
        key = (reader, pid, when)
        try:
            found = self._cache[key]
        except KeyError:
            found = None
            if pid in self._ids or not optional:
                try:
                    found = getattr(self.params, reader)(pid, when)
                except (UnknownCodeError, NoValueInForceError):
                    if not optional:
                        raise
                if found is not None:
                    used = found[1]
                    found = self._interned.setdefault((reader, pid, used.effective_from, used.layer), found)
            self._cache[key] = found
        if found is None and not optional:
            # Cached as absent by an optional read: ask again for the error.
            getattr(self.params, reader)(pid, when)
        return found

    def ratio(self, pid: str, when: date) -> tuple[Fraction, Resolved]:
        return cast(tuple[Fraction, Resolved], self._get("ratio", pid, when, False))

    def integer(self, pid: str, when: date) -> tuple[int, Resolved]:
        return cast(tuple[int, Resolved], self._get("integer", pid, when, False))

    def codes(self, pid: str, when: date) -> tuple[tuple[str, ...], Resolved]:
        return cast(tuple[tuple[str, ...], Resolved], self._get("codes", pid, when, False))

    def optional_integer(self, pid: str, when: date) -> tuple[int, Resolved] | None:
        return cast(tuple[int, Resolved] | None, self._get("integer", pid, when, True))

    def optional_decimal(self, pid: str, when: date) -> tuple[Decimal, Resolved] | None:
        return cast(tuple[Decimal, Resolved] | None, self._get("decimal", pid, when, True))

    def optional_ratio(self, pid: str, when: date) -> tuple[Fraction, Resolved] | None:
        return cast(tuple[Fraction, Resolved] | None, self._get("ratio", pid, when, True))

    def retirement(self, birth_month: date, group: RetirementGroup, law_date: date) -> Retirement:
        key = (birth_month, group, law_date)
        found = self._retirements.get(key)
        if found is None:
            found = retirement(birth_month, group, law_date=law_date, params=self.params)
            self._retirements[key] = found
        return found


def month_span(start: date, end: date | None) -> tuple[int, int]:
    """The months a spell touches, as an inclusive index interval."""
    return month_index(start), OPEN if end is None else month_index(end)


def in_any(spans: Iterable[tuple[int, int]], m: int) -> bool:
    return any(lo <= m <= hi for lo, hi in spans)


def person_birth_and_group(case: Case) -> tuple[date, RetirementGroup]:
    """Birth month and retirement group from the ID number or the stated fields.

    The case loader has already refused a case where neither is usable.
    """
    person = case.person
    birth = person.birth_month
    group = person.group
    if person.id_number is not None:
        rid = parse_resident_id(person.id_number)
        birth = birth or rid.birth_month  # type: ignore[assignment]
        if group is None and rid.sex is Sex.MALE:
            group = RetirementGroup.MALE
    if birth is None or group is None:
        raise ValueError("the case gives no usable birth month and retirement group")
    return birth, group


class CaseFacts:
    """A case indexed by month for one as-of date and one parameter set."""

    __slots__ = (
        "as_of",
        "as_of_m",
        "birth_month",
        "case",
        "contributions",
        "death_m",
        "employment",
        "group",
        "memo",
        "pension_m",
        "registrations",
        "retire_m",
        "retirement",
    )

    def __init__(self, case: Case, memo: ParamMemo, as_of: date) -> None:
        self.case = case
        self.memo = memo
        self.as_of = as_of
        self.as_of_m = month_index(as_of)
        self.birth_month, self.group = person_birth_and_group(case)
        # The law on retirement is read as it stands on the as-of date (see retirement.py).
        self.retirement = memo.retirement(self.birth_month, self.group, as_of)
        self.retire_m = month_index(self.retirement.retirement_month)
        self.death_m = OPEN if case.death is None else month_index(case.death)
        self.pension_m = OPEN if case.pension_start is None else month_index(case.pension_start)
        self.employment = [month_span(s.start, s.end) for s in case.formal_employment]
        self.registrations = [month_span(s.start, s.end) for s in case.flexible_registrations]
        by_month: dict[int, list[Contribution]] = {}
        for c in case.contributions:
            by_month.setdefault(c.month.year * 12 + c.month.month - 1, []).append(c)
        self.contributions = by_month

    def spells_text(self, spells: Iterable[Spell]) -> str:
        parts = [f"{s.start.isoformat()}–{s.end.isoformat() if s.end else '…'}" for s in spells]
        return "; ".join(parts) if parts else "none"

    def retirement_facts(self) -> list[Fact]:
        r = self.retirement
        return [
            Fact("birth_month", format_month(r.birth_month)),
            Fact("retirement_group", r.group.value),
            Fact("retirement_age", f"{r.age_years} years {r.age_months} months"),
            Fact("retirement_month", format_month(r.retirement_month)),
        ]

    def paid_by_month(self, codes: frozenset[str]) -> dict[int, Decimal] | None:
        """Payments for any of ``codes`` summed by month; None when the case records none."""
        found: dict[int, Decimal] = {}
        for p in self.case.payments:
            if p.program in codes:
                m = p.month.year * 12 + p.month.month - 1
                found[m] = found.get(m, ZERO) + p.amount
        return found if found else None


class Trace:
    """Collects the judged conditions of one decision, in the order first mentioned."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        # code -> [outcome or None (monthly, judged at build), facts, params by key, failed months, monthly, note]
        self._entries: dict[str, list[Any]] = {}

    def _entry(self, code: str) -> list[Any]:
        entry = self._entries.get(code)
        if entry is None:
            entry = [None, [], {}, [], False, None]
            self._entries[code] = entry
        return entry

    def judge(
        self,
        code: str,
        held: bool | None,
        facts: Iterable[Fact] = (),
        params: Iterable[Resolved] = (),
        note: str | None = None,
    ) -> bool:
        """Record a condition judged once; ``held=None`` is not applicable. Returns ``held is True``."""
        entry = self._entry(code)
        outcome = Outcome.NOT_APPLICABLE if held is None else (Outcome.HELD if held else Outcome.FAILED)
        if entry[0] is None or entry[0] is Outcome.HELD or outcome is Outcome.FAILED:
            entry[0] = outcome
        entry[1].extend(facts)
        self.use(code, *params)
        if note:
            entry[5] = note
        return held is True

    def monthly(self, code: str, facts: Iterable[Fact] = (), params: Iterable[Resolved] = ()) -> None:
        """Declare a condition judged month by month."""
        entry = self._entry(code)
        entry[4] = True
        entry[1].extend(facts)
        self.use(code, *params)

    def use(self, code: str, *params: Resolved) -> None:
        store: dict[tuple[str, date, str], Resolved] = self._entry(code)[2]
        for r in params:
            store.setdefault((r.parameter_id, r.effective_from, r.layer), r)

    def failed_in(self, code: str, m: int) -> None:
        self._entry(code)[3].append(m)

    def build(self, months_judged: bool) -> tuple[ConditionResult, ...]:
        out = []
        for code, (outcome, facts, params, failed, monthly, note) in self._entries.items():
            s = spec(code)
            facts = list(facts)
            if failed:
                # Judged once and also month by month: a failed month fails the condition.
                facts.append(Fact("months_failed", ", ".join(format_month(month_from_index(m)) for m in failed)))
                outcome = Outcome.FAILED
            elif outcome is None:
                outcome = Outcome.HELD if months_judged else Outcome.NOT_APPLICABLE
            resolved = tuple(params.values())
            # One citation per document: each parameter line names its own article.
            cites = list(s.citations)
            known = {c.document_key for c in cites}
            for r in resolved:
                if r.citation.document_key not in known:
                    known.add(r.citation.document_key)
                    cites.append(r.citation)
            out.append(
                ConditionResult(
                    code=code,
                    title_zh=s.title_zh,
                    title_en=s.title_en,
                    outcome=outcome,
                    citations=tuple(cites),
                    facts=tuple(facts),
                    parameters=resolved,
                    monthly=monthly or bool(failed),
                    note=note,
                )
            )
        return tuple(out)


def period_end(
    memo: ParamMemo, start: date, max_months_id: str, retire_m: int, near_retirement: bool
) -> tuple[int, PeriodEnd, list[Resolved], list[Fact]]:
    """The last month of the period from ``start`` (a first approval), and why.

    ``max_months_id`` is read at ``start``. With ``near_retirement``, when
    fewer than ``ssi.near_retirement_years`` years remain to the retirement
    month at ``start`` (the age at first approval decides, 164号/181号), the
    period runs to the month before retirement instead.
    """
    start_m = month_index(start)
    max_months, max_used = memo.integer(max_months_id, start)
    used = [max_used]
    end_m = start_m + max_months - 1
    reason = PeriodEnd.PERIOD_LIMIT
    remaining = retire_m - start_m
    facts = [
        Fact("period_start", format_month(month_from_index(start_m))),
        Fact("months_to_retirement", str(remaining)),
    ]
    if near_retirement:
        years, years_used = memo.integer("ssi.near_retirement_years", start)
        used.append(years_used)
        if remaining < years * 12:
            end_m, reason = retire_m - 1, PeriodEnd.RETIREMENT
            facts.append(Fact("near_retirement", f"fewer than {years} years to retirement at first approval"))
    if retire_m - 1 < end_m:
        end_m, reason = retire_m - 1, PeriodEnd.RETIREMENT
    return end_m, reason, used, facts


def apply_stops(end_m: int, reason: PeriodEnd, stops: Iterable[tuple[int, PeriodEnd]]) -> tuple[int, PeriodEnd]:
    """Cut the period at the earliest stop event (its own month is excluded)."""
    for stop_m, why in sorted(stops, key=lambda s: s[0]):
        if stop_m - 1 < end_m:
            return stop_m - 1, why
    return end_m, reason


def payment_problem(line: MonthLine, got: Decimal | None, program_name: str) -> Problem | None:
    """The problem, if any, in paying ``got`` for ``line`` (``None``: nothing recorded as paid)."""
    if line.status is MonthStatus.NOT_ENTITLED:
        if not got:
            return None
        label = format_month(line.month)
        why = ", ".join(line.reasons)
        return Problem(
            "paid-not-entitled",
            Severity.ERROR,
            line.month,
            got,
            f"{label} 不符合{program_name}条件（{why}）却发放 {got} 元（应停发未停发或违规享受）",
            f"{label}: {got} yuan paid for a month that is not entitled ({why})",
        )
    if line.amount is None:
        return None
    if got is not None and got > line.amount:
        over = got - line.amount
        label = format_month(line.month)
        return Problem(
            "paid-above-entitlement",
            Severity.ERROR,
            line.month,
            over,
            f"{label} 发放 {got} 元，超过应享受的 {line.amount} 元，超标准发放 {over} 元",
            f"{label}: {got} yuan paid, {over} yuan above the entitlement of {line.amount}",
        )
    paid = got or ZERO
    if paid < line.amount:
        short = line.amount - paid
        label = format_month(line.month)
        return Problem(
            "entitled-not-paid",
            Severity.WARNING,
            line.month,
            short,
            f"{label} 应享受 {line.amount} 元，实发 {paid} 元，少发 {short} 元（应享受未享受或未足额发放）",
            f"{label}: entitled to {line.amount} yuan, {paid} paid, {short} short",
        )
    return None


def compare_payments(
    schedule: list[MonthLine], paid: dict[int, Decimal] | None, program_name: str
) -> tuple[list[MonthLine], list[Problem]]:
    """Attach the ledger's payments to the schedule and report every difference.

    The rules extend the schedule over every paid month, so each payment
    meets its month here. With no payments recorded there is nothing to compare.
    """
    if paid is None:
        return schedule, []
    problems: list[Problem] = []
    out: list[MonthLine] = []
    for line in schedule:
        got = paid.get(month_index(line.month))
        if got is not None:
            line = MonthLine(line.month, line.status, line.amount, line.basis, line.reasons, got)
        problem = payment_problem(line, got, program_name)
        if problem is not None:
            problems.append(problem)
        out.append(line)
    return out, problems


def counted_contribution(
    contributions: list[Contribution] | None, payer: Payer, counted: tuple[Insurance, ...], as_of: date
) -> tuple[Decimal, bool]:
    """(sum counted, whether any contribution of this payer was refunded)."""
    total = ZERO
    refunded = False
    if contributions:
        for c in contributions:
            if c.payer is not payer:
                continue
            if c.refunded and (c.refunded_on is None or c.refunded_on <= as_of):
                refunded = True
                continue
            if c.insurance in counted and (c.paid_on is None or c.paid_on <= as_of):
                total += c.amount
    return total, refunded


def insurance_set(codes: tuple[str, ...]) -> tuple[Insurance, ...]:
    """The insurance types a parameter's codes name (codes of no known type are ignored).

    A tuple, not a set: membership of two or three enum members by identity is
    faster than hashing them.
    """
    known = {i.value: i for i in Insurance}
    return tuple(known[c] for c in codes if c in known)


def stop_reasons(cf: CaseFacts, m: int, reasons: list[str]) -> None:
    """Add the codes of the stop events in force in month index ``m``: retirement, death, pension.

    Seed 002 三（一）: 享受养老保险待遇等应停发补贴而未及时停发; death and retirement as
    common stop events (see the conditions' citations).
    """
    if m >= cf.retire_m:
        reasons.append("before-retirement")
    if m >= cf.death_m:
        reasons.append("alive")
    if m >= cf.pension_m:
        reasons.append("no-pension")
