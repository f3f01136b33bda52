"""灵活就业社会保险补贴: flexible-employment social-insurance subsidy, and its graduate variant.

For an employment-difficulty person (program ``flexible-employment-si-subsidy``,
row 39 of seed 000 and seed 002 三（一）1), a month is entitled when, that
month, the person is an identified difficulty person of a listed category,
registered as in flexible employment, has paid contributions as a flexible
worker that were not refunded, is not in formal employment, draws no
pension, is below the statutory retirement age and alive, and the month
lies in the period. The amount is at most ``ssi.flexible.max_ratio`` (2/3)
of the counted contributions actually paid (insurance types per
``ssi.flexible.counted_insurance``) and at most ``ssi.flexible.monthly_cap``
where a local layer sets one.

The period runs ``ssi.flexible.max_months`` (36) months from the month of
first approval — or, when fewer than ``ssi.near_retirement_years`` (5) years
remain to the statutory retirement month *at first approval*, to the month
before retirement ("以初次核定其享受社会保险补贴时年龄为准").

For graduates (``graduate-flexible-employment-si-subsidy``, row 40 of seed
000) the difficulty test is replaced by the window after leaving school
(``ssi.graduate.window_months``: 12 under 164号, 24 under 181号, read at the
first approval), the period is ``ssi.graduate.max_months`` and the share
``ssi.graduate.max_ratio``; there is no near-retirement extension.

References:
    seed 002 三（一）1; 财社〔2017〕164号 and 财社〔2023〕181号 (社会保险补贴, its
    period and the age at first approval), through the parameters' citations;
    就业促进法 第五十二条; NPCSC decision of 2024-09-13 (retirement age).

Limitations:
    *Our reading:* "fewer than 5 years to the statutory retirement age" uses
    the person's reform-adjusted retirement month (the law as it stands on
    the as-of date), measured in whole months from the first-approval month;
    shared/policy-facts.md marks how local offices apply the reform here as
    unconfirmed. The 36 months are calendar months from first approval, not
    a count of months paid. Formal employment in any part of a month excludes
    that month; a later return to flexible employment resumes entitlement
    within the same period. Contributions partly refunded count for the part
    not refunded. 181号's "graduation year" branch is covered only through
    the window from leaving school.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import attrs
from dateutil.relativedelta import relativedelta

from subsidy_rules.parameters import Resolved
from subsidy_rules.programs.difficulty import CATEGORIES_PARAMETER, held_on
from subsidy_rules.programs.eligibility.case import Insurance, Payer
from subsidy_rules.programs.eligibility.common import (
    CaseFacts,
    ParamMemo,
    Trace,
    apply_stops,
    compare_payments,
    counted_contribution,
    in_any,
    insurance_set,
    month_span,
    payment_problem,
    period_end,
    share_of,
    stop_reasons,
)
from subsidy_rules.programs.eligibility.decision import (
    Decision,
    Fact,
    MonthLine,
    MonthStatus,
    Outcome,
    PeriodEnd,
    Problem,
)
from subsidy_rules.programs.months import format_month, month_from_index, month_index

FLEXIBLE = "flexible-employment-si-subsidy"
#: Contributions counted for both variants: paid as a flexible worker, these insurance types.
COUNTED_INSURANCE = "ssi.flexible.counted_insurance"
GRADUATE = "graduate-flexible-employment-si-subsidy"


def decide_flexible(cf: CaseFacts, program: str, name_zh: str, paid_codes: frozenset[str]) -> Decision:
    """Decide the flexible-employment SI subsidy (or its graduate variant when ``program`` is :data:`GRADUATE`)."""
    graduate = program == GRADUATE
    prefix = "ssi.graduate" if graduate else "ssi.flexible"
    case, memo, tr = cf.case, cf.memo, Trace()
    fa = case.first_approval
    eligible = tr.judge(
        "first-approval",
        fa is not None and fa <= cf.as_of,
        [Fact("first_approval", fa.isoformat() if fa else "not recorded"), Fact("as_of", cf.as_of.isoformat())],
    )
    paid = cf.paid_by_month(paid_codes)
    end_m = reason = None
    fa_m = month_index(fa) if fa is not None else 0
    if fa is not None and eligible:
        if graduate:
            window, window_used = memo.integer("ssi.graduate.window_months", fa)
            left = case.left_school_on
            eligible &= tr.judge(
                "graduate-window",
                left is not None and left <= fa <= left + relativedelta(months=window),
                [
                    Fact("left_school_on", left.isoformat() if left else "not recorded"),
                    Fact("first_approval", fa.isoformat()),
                ],
                [window_used],
            )
        else:
            listed, list_used = memo.codes(CATEGORIES_PARAMETER, fa)
            held = held_on(case.difficulty, fa)
            ok = [s for s in held if s.category in listed]
            eligible &= tr.judge(
                "difficulty-person",
                bool(ok),
                [
                    Fact(
                        "categories_held_at_first_approval",
                        ", ".join(f"{s.category} (认定 {s.identified_on})" for s in held) or "none",
                    )
                ],
                [list_used],
            )
        eligible &= tr.judge(
            "flexible-registration",
            in_any(cf.registrations, fa_m),
            [Fact("registrations", cf.spells_text(case.flexible_registrations))],
        )
        eligible &= tr.judge("before-retirement", fa_m < cf.retire_m, cf.retirement_facts(), cf.retirement.parameters)
        eligible &= tr.judge(
            "alive", fa_m < cf.death_m, [Fact("death", case.death.isoformat() if case.death else "none")]
        )
        eligible &= tr.judge(
            "no-pension",
            fa_m < cf.pension_m,
            [Fact("pension_start", case.pension_start.isoformat() if case.pension_start else "none")],
        )
    if fa is None or not eligible:
        return ineligible(cf, tr, program, name_zh, paid)

    assert fa is not None
    end_m, reason, used, facts = period_end(memo, fa, f"{prefix}.max_months", cf.retire_m, near_retirement=not graduate)
    end_m, reason = apply_stops(end_m, reason, [(cf.death_m, PeriodEnd.DEATH), (cf.pension_m, PeriodEnd.PENSION)])
    tr.monthly(
        "period",
        [*facts, Fact("period_end", format_month(month_from_index(end_m))), Fact("period_end_reason", reason.value)],
        used,
    )
    tr.monthly("not-formally-employed", [Fact("formal_employment", cf.spells_text(case.formal_employment))])
    tr.monthly("contribution-paid")
    tr.monthly("not-refunded")
    tr.monthly("amount")

    months = set(range(fa_m, min(end_m, cf.as_of_m) + 1))
    if paid:
        months.update(paid)
    lines: list[MonthLine] = []
    problems: list[Problem] = []
    spells = [(s.category, *month_span(s.identified_on, s.ended_on)) for s in case.difficulty]
    registrations, employment, contributions = cf.registrations, cf.employment, cf.contributions
    stop_m = min(cf.retire_m, cf.death_m, cf.pension_m)
    last: _MonthParams | None = None
    bundles = memo.bundles
    for m in sorted(months):
        month = month_from_index(m)
        mp = bundles.get((prefix, m)) or _month_params(memo, prefix, m, month)
        if mp is not last:
            # Record each parameter value in the trace once, not once a month.
            if not graduate:
                tr.use("difficulty-person", mp.listed_used)
            tr.use("contribution-paid", mp.counted_used)
            tr.use("amount", *mp.amount_used)
            last = mp
        reasons: list[str] = []
        if m < fa_m or m > end_m:
            reasons.append("period")
        if not graduate:
            for cat, lo, hi in spells:
                if lo <= m <= hi and cat in mp.listed:
                    break
            else:
                reasons.append("difficulty-person")
        for lo, hi in registrations:
            if lo <= m <= hi:
                break
        else:
            reasons.append("flexible-registration")
        if m >= stop_m:
            stop_reasons(cf, m, reasons)
        for lo, hi in employment:
            if lo <= m <= hi:
                reasons.append("not-formally-employed")
                break
        counted, refunded = counted_contribution(contributions.get(m), Payer.FLEXIBLE_WORKER, mp.counted, cf.as_of)
        got = paid.get(m) if paid else None
        if not counted:
            reasons.append("not-refunded" if refunded else "contribution-paid")
        if reasons:
            for code in reasons:
                tr.failed_in(code, m)
            line = MonthLine(month, MonthStatus.NOT_ENTITLED, None, counted or None, tuple(reasons), got)
        else:
            amount = share_of(counted, mp.ratio)
            if mp.cap is not None and mp.cap < amount:
                amount = mp.cap
            line = MonthLine(month, MonthStatus.ENTITLED, amount, counted, (), got)
        lines.append(line)
        # Most months are paid exactly as entitled; only the others need a closer look.
        if paid is not None and got != line.amount:
            problem = payment_problem(line, got, name_zh)
            if problem is not None:
                problems.append(problem)

    return Decision(
        case_id=case.case_id,
        program=program,
        program_name_zh=name_zh,
        as_of=cf.as_of,
        eligible=True,
        first_approval=fa,
        period_start=month_from_index(fa_m),
        period_end=month_from_index(end_m),
        period_end_reason=reason,
        schedule=tuple(lines),
        conditions=tr.build(months_judged=bool(lines)),
        problems=tuple(problems),
        jurisdiction=tuple(layer.id for layer in memo.params.layers),
    )


@attrs.frozen
class _MonthParams:
    """The parameter values one month of the rule reads, interned so equal months share one object."""

    listed: frozenset[str]
    listed_used: Resolved
    counted: tuple[Insurance, ...]
    counted_used: Resolved
    ratio: Fraction
    cap: Decimal | None
    amount_used: tuple[Resolved, ...]


def _month_params(memo: ParamMemo, prefix: str, m: int, month: date) -> _MonthParams:
    key = (prefix, m)
    found: _MonthParams | None = memo.bundles.get(key)
    if found is None:
        listed = memo.codes(CATEGORIES_PARAMETER, month)
        counted = memo.codes(COUNTED_INSURANCE, month)
        ratio = memo.ratio(f"{prefix}.max_ratio", month)
        cap = memo.optional_decimal(f"{prefix}.monthly_cap", month)
        # Interned reads are shared objects: their identities name this combination of values.
        same = ("bundle", prefix, id(listed), id(counted), id(ratio), id(cap))
        found = memo.bundles.get(same)
        if found is None:
            found = _MonthParams(
                listed=frozenset(listed[0]),
                listed_used=listed[1],
                counted=insurance_set(counted[0]),
                counted_used=counted[1],
                ratio=ratio[0],
                cap=None if cap is None else cap[0],
                amount_used=(ratio[1],) if cap is None else (ratio[1], cap[1]),
            )
            memo.bundles[same] = found
        memo.bundles[key] = found
    return found


def ineligible(cf: CaseFacts, tr: Trace, program: str, name_zh: str, paid: dict[int, Decimal] | None) -> Decision:
    """Not eligible: the schedule lists only paid months, each not entitled for the failed conditions."""
    conditions = tr.build(months_judged=False)
    failed = tuple(c.code for c in conditions if c.outcome is Outcome.FAILED)
    schedule = [
        MonthLine(month_from_index(m), MonthStatus.NOT_ENTITLED, None, None, failed) for m in sorted(paid or {})
    ]
    lines, problems = compare_payments(schedule, paid, name_zh)
    return Decision(
        case_id=cf.case.case_id,
        program=program,
        program_name_zh=name_zh,
        as_of=cf.as_of,
        eligible=False,
        first_approval=cf.case.first_approval,
        period_start=None,
        period_end=None,
        period_end_reason=None,
        schedule=tuple(lines),
        conditions=conditions,
        problems=tuple(problems),
        jurisdiction=tuple(layer.id for layer in cf.memo.params.layers),
    )
