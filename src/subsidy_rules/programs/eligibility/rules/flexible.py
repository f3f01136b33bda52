"""灵活就业社会保险补贴: the flexible-employment SI subsidy, for difficulty persons and for graduates.

One logic, two specs (``flexible.toml``, ``graduate.toml``); the spec's data
decides the variant:

* with a ``category_parameter`` (difficulty persons, seed 000 row 39, seed
  002 三（一）1) the person must hold a listed difficulty category at first
  approval and each month; with a ``window_months`` role (graduates, row
  40) the first approval must fall within that window after leaving school
  (12 months under 164号, 24 from 国办发〔2020〕27号, read at first approval);
* with a ``near_retirement_years`` role the period runs to retirement when,
  *under the retirement law in force at first approval*, fewer than that many
  years remain ("以初次核定其享受社会保险补贴时年龄为准"); the retirement
  month itself is the one the law in force in that month gives (the reformed
  one from 2025-01-01). A man born 1966-03 first approved 2021-05 had 58
  months left under the 2021 law, so his period runs to retirement — which,
  under the reform in force in 2026, is 2026-07 — whatever the audit date.

A month is entitled when, that month, the person meets the category or
window test, is registered as in flexible employment, paid counted
contributions as a flexible worker that were not refunded, is not formally
employed, not placed on a public-welfare post (no-double-subsidy), draws no
pension, is alive and below retirement, and the month lies in the period.
The amount is the **local standard** bounded by the national **ceiling**
(:mod:`subsidy_rules.programs.standards`): the ceiling is ``max_ratio`` (原则上
不超过实际缴费的2/3) of the counted contributions, capped by ``monthly_cap``
where a layer sets one; the standard is what a local layer states (ratio,
counted types, base: actual or lowest-grade contribution). Where no layer
states one the month is *undetermined* (``MonthLine.cap`` carries the
ceiling): money paid above the ceiling is reported (``paid-above-cap``), a
shortfall or an unpaid month is not. The graduates' window is read as the
dated layer parameter ``ssi.graduate.window_reading`` says: ``first-approval``
(the national default) or ``months-within-window`` (only months inside the
window after leaving school, a city's worked example).

References:
    seed 002 三（一）1 (check points); 财社〔2017〕164号, 财社〔2023〕181号, 国办发〔2020〕27号
    (through the conditions' and parameters' citations); 就业促进法 第五十二条.

Limitations:
    See the specs' ``limitations_zh``/``limitations_en`` (shown in the docs).
"""

from __future__ import annotations

from functools import cache

from dateutil.relativedelta import relativedelta

from subsidy_rules.parameters import Resolved
from subsidy_rules.programs.difficulty import held_on
from subsidy_rules.programs.eligibility.case import Insurance, Payer
from subsidy_rules.programs.eligibility.decision import Decision, Fact, MonthLine, MonthStatus, PeriodEnd
from subsidy_rules.programs.eligibility.spec import RuleSpec
from subsidy_rules.programs.eligibility.toolkit import (
    CaseFacts,
    Outline,
    Roles,
    Trace,
    apply_stops,
    finish,
    month_date,
    month_index,
    month_span,
    month_text,
    not_eligible,
    period_from,
    roles,
    stop_reasons,
)

_INSURANCE = {i.value: i for i in Insurance}


@cache
def _plan(spec: RuleSpec) -> Roles:
    """What the rule reads each month, by role (optional roles only where the spec has them)."""
    entries: dict[str, tuple[str, str, bool]] = {
        "ratio": ("ratio", spec.param("max_ratio"), False),
        "counted": ("codes", spec.param("counted_insurance"), False),
    }
    if spec.has("monthly_cap"):
        entries["cap"] = ("decimal", spec.param("monthly_cap"), True)
    if spec.category_parameter is not None:
        entries["listed"] = ("codes", spec.category_parameter, False)
    if spec.has("base_ceiling") and spec.has("pension_rate"):
        entries["ceiling"] = ("decimal", spec.param("base_ceiling"), True)
        entries["pension_rate"] = ("decimal", spec.param("pension_rate"), True)
    return roles(**entries)


def decide(cf: CaseFacts, spec: RuleSpec, paid_codes: frozenset[str]) -> Decision:
    """Decide ``spec``'s program for the case facts ``cf``."""
    case, memo, tr = cf.case, cf.memo, Trace(spec)
    fa = case.first_approval
    paid = cf.paid_by_month(paid_codes)
    eligible = tr.judge(
        "first-approval",
        fa is not None,
        [
            Fact("first_approval", fa.isoformat() if fa else "not recorded (by the as-of date)"),
            Fact("as_of", cf.as_of.isoformat()),
        ],
    )
    fa_m = month_index(fa) if fa is not None else 0
    categories = spec.category_parameter
    window_end_m: int | None = None  #: months-within-window: the last month inside the window
    if fa is not None:
        if spec.has("window_months"):
            window, window_used = memo.integer(spec.param("window_months"), fa)
            left = case.left_school_on
            reading = memo.read("text", "ssi.graduate.window_reading", fa, optional=True)
            if reading is not None and reading[0] == "months-within-window" and left is not None:
                window_end_m = month_index(left + relativedelta(months=window))
            eligible &= tr.judge(
                "graduate-window",
                left is not None and left <= fa <= left + relativedelta(months=window),
                [
                    Fact("left_school_on", left.isoformat() if left else "not recorded"),
                    Fact("first_approval", fa.isoformat()),
                ],
                [window_used, *([reading[1]] if reading is not None else [])],
            )
        if categories is not None:
            listed, list_used = memo.codes(categories, fa)
            held = held_on(case.difficulty, fa)
            eligible &= tr.judge(
                "difficulty-person",
                any(s.category in listed for s in held),
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
            any(lo <= fa_m <= hi for lo, hi in cf.registrations),
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
        return not_eligible(cf, spec, tr, paid, fa)

    period = period_from(cf, spec, fa)
    end_m, reason = apply_stops(
        period.end_m, period.reason, [(cf.death_m, PeriodEnd.DEATH), (cf.pension_m, PeriodEnd.PENSION)]
    )
    tr.monthly(
        "period",
        [*period.facts, Fact("period_end", month_text(end_m)), Fact("period_end_reason", reason.value), *period.law],
        period.used,
    )
    tr.monthly("not-formally-employed", [Fact("formal_employment", cf.spells_text(case.formal_employment))])
    tr.monthly(
        "no-double-subsidy",
        [Fact("public_welfare_posts", "; ".join(f"{p.start}–{p.end or '…'}" for p in case.placements) or "none")],
    )
    tr.monthly(
        "no-suspension",
        [
            Fact(
                "suspensions", "; ".join(f"{x.kind.value} {x.start}–{x.end or '…'}" for x in case.suspensions) or "none"
            )
        ],
    )
    tr.monthly("contribution-paid")
    tr.monthly("not-refunded")
    tr.monthly("amount")
    plan = _plan(spec)
    variant = "graduate" if spec.has("window_months") else "flexible"
    if window_end_m is not None:
        tr.monthly(
            "graduate-window",
            [Fact("window_reading", f"months-within-window: only months to {month_text(window_end_m)}")],
        )

    months = set(range(fa_m, min(end_m, cf.as_of_m) + 1))
    if paid:
        months.update(paid)
    lo_m, hi_m = min(months), max(months)
    registered = cf.covered(cf.registrations, lo_m, hi_m)
    employed = cf.covered(cf.employment, lo_m, hi_m)
    placed = cf.covered(cf.placement_spans, lo_m, hi_m)
    suspended = cf.covered(cf.suspended, lo_m, hi_m)
    spells = [(s.category, *month_span(s.identified_on, s.ended_on)) for s in case.difficulty]
    stop_m = min(cf.retire_m, cf.death_m, cf.pension_m)
    lines: list[MonthLine] = []
    last = None
    last_basis: tuple[Resolved, ...] | None = None
    undetermined: dict[str, tuple[str, str]] = {}
    for m in sorted(months):
        mv = memo.month_values(plan, m)
        if mv is not last:  # record each parameter value in the trace once, not once a month
            tr.use("contribution-paid", *mv.resolved("counted"))
            if categories is not None:
                tr.use("difficulty-person", *mv.resolved("listed"))
            if "types" not in mv.derived:
                mv.derived["types"] = tuple(_INSURANCE[c] for c in mv.get("counted") if c in _INSURANCE)
            last = mv
        reasons: list[str] = []
        if m < fa_m or m > end_m:
            reasons.append("period")
        if window_end_m is not None and m > window_end_m:
            reasons.append("graduate-window")
        if categories is not None:
            listed = mv.get("listed")
            if not any(lo <= m <= hi and cat in listed for cat, lo, hi in spells):
                reasons.append("difficulty-person")
        if m not in registered:
            reasons.append("flexible-registration")
        if m >= stop_m:
            stop_reasons(cf, m, reasons)
        if m in employed:
            reasons.append("not-formally-employed")
        if m in placed:
            reasons.append("no-double-subsidy")
        if m in suspended:
            reasons.append("no-suspension")
        counted, refunded, by_type = cf.counted_with_types(m, Payer.FLEXIBLE_WORKER, mv.derived["types"])
        if not counted:
            reasons.append("not-refunded" if refunded else "contribution-paid")
        if "ceiling" in mv.values and "pension_rate" in mv.values:
            cf.check_ceiling(m, Payer.FLEXIBLE_WORKER, mv.get("ceiling"), mv.get("pension_rate"))
        month = month_date(m)
        if reasons:
            for cid in reasons:
                tr.failed_in(cid, m)
            lines.append(MonthLine(month, MonthStatus.NOT_ENTITLED, None, counted or None, tuple(reasons)))
            continue
        bound = memo.bound(variant, m)
        if bound.basis is not last_basis:  # each distinct basis in the trace once (the memo shares equal ones)
            tr.use("amount", *bound.basis)
            last_basis = bound.basis
        amount = bound.entitlement(by_type)
        if amount is None:
            why = "no-local-standard" if bound.standard is None else "no-minimum-contribution"
            if why not in undetermined:
                undetermined[why] = (bound.undetermined_zh(), bound.undetermined_en())
            cap = bound.cap_amount(by_type)
            lines.append(MonthLine(month, MonthStatus.UNDETERMINED, None, counted, (why,), cap=cap))
            continue
        lines.append(MonthLine(month, MonthStatus.ENTITLED, amount, counted))
    outline = Outline(eligible=True, first_approval=fa, period=period, end_m=end_m, reason=reason)
    return finish(cf, spec, tr, outline, lines, paid, data_problems=True, extra_notices=undetermined.values())
