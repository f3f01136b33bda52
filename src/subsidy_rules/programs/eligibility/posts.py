"""公益性岗位补贴 and 公益性岗位社会保险补贴: public-welfare post subsidies.

Three programs share one rule:

* ``public-welfare-post-subsidy`` (公益性岗位补贴) — the person on the post is
  paid with reference to the local minimum wage: ``minimum_wage.monthly`` ×
  ``public_welfare_post.minimum_wage_share`` of the month;
* ``public-welfare-post-si-subsidy`` (公益性岗位社会保险补贴) — the employer's
  actual basic pension, basic medical and unemployment contributions for the
  month (``ssi.employer.counted_insurance``), never the individual's share;
* ``disabled-public-welfare-post-subsidy`` (残疾人公益性岗位补贴, seed 003) —
  as the post subsidy, for a disabled person (``disabled_post.categories``).

The person is an employment-difficulty person placed on a post (Employment
Promotion Law art. 53: the posts go first to them). The period is
``public_welfare_post.max_months`` (36) months from the placement, or to
retirement when fewer than ``ssi.near_retirement_years`` years remain at
that first approval. After the period expires a person of a category in
``public_welfare_post.replacement_categories`` (181号: 大龄就业困难人员,
零就业家庭人员, 重度残疾人) may be placed again and both periods restart;
``public_welfare_post.max_placements`` (Hubei: 2, unconfirmed) limits the
placements in all where a layer sets it. Leaving the post, a failed
appraisal, retirement and death stop the subsidies.

References:
    seed 002 三（一）2 (the check points: eligibility, stop events during the
    post, accuracy and timeliness, attendance and appraisal); seed 003 二（三）;
    seed 000 row 24; 就业促进法 第五十三条; 财社〔2017〕164号 / 财社〔2023〕181号
    (公益性岗位补贴, its period, re-placement) through the parameters.

Limitations:
    *Our reading:* the near-retirement test uses the reform-adjusted
    retirement month at the placement that starts a period (see
    flexible.py). A placement that starts before the period has expired
    continues that period; one that starts after it, for a person not in a
    re-placement category, is not subsidised. The minimum wage is read from
    ``minimum_wage.monthly``; a jurisdiction that only has tiers (the
    packaged Hubei and Chongqing layers) needs a city or user layer naming its
    tier, and months with no minimum wage in force are *undetermined*, not
    zero. The disabled-persons variant uses the general post parameters:
    seed 003 names the program but not its standard or period.
"""

from __future__ import annotations

from datetime import date

import attrs

from subsidy_rules.programs.difficulty import CATEGORIES_PARAMETER, held_on, recognised_on
from subsidy_rules.programs.eligibility.case import Payer, Placement, PlacementEnd
from subsidy_rules.programs.eligibility.common import (
    OPEN,
    CaseFacts,
    Trace,
    apply_stops,
    compare_payments,
    counted_contribution,
    insurance_set,
    period_end,
    round_yuan,
    share_of,
    stop_reasons,
)
from subsidy_rules.programs.eligibility.decision import Decision, Fact, MonthLine, MonthStatus, PeriodEnd
from subsidy_rules.programs.eligibility.flexible import ineligible
from subsidy_rules.programs.months import format_month, month_from_index, month_index

POST = "public-welfare-post-subsidy"
POST_SI = "public-welfare-post-si-subsidy"
DISABLED_POST = "disabled-public-welfare-post-subsidy"

_END_REASONS = {
    PlacementEnd.LEFT_POST: PeriodEnd.LEFT_POST,
    PlacementEnd.FAILED_APPRAISAL: PeriodEnd.FAILED_APPRAISAL,
    PlacementEnd.EXPIRED: PeriodEnd.PERIOD_LIMIT,
    PlacementEnd.RETIRED: PeriodEnd.RETIREMENT,
    PlacementEnd.DIED: PeriodEnd.DEATH,
    PlacementEnd.OTHER: PeriodEnd.LEFT_POST,
}


@attrs.frozen
class _Stint:
    """One placement as the rule sees it: its months, its period and whether it may be subsidised."""

    lo: int
    hi: int
    cycle_end: int
    cycle_reason: PeriodEnd
    refused: str | None  #: the condition code that refuses the whole placement
    failed_m: int


def decide_post(cf: CaseFacts, program: str, name_zh: str, paid_codes: frozenset[str]) -> Decision:
    """Decide one of the three post programs for the case."""
    case, memo, tr = cf.case, cf.memo, Trace()
    paid = cf.paid_by_month(paid_codes)
    placements = sorted(case.placements, key=lambda p: p.start)
    facts = [
        Fact(
            f"placement_{i + 1}",
            f"{p.start}–{p.end or '…'}"
            + (f" ({p.end_reason.value})" if p.end_reason else "")
            + (f" {p.post}" if p.post else ""),
        )
        for i, p in enumerate(placements)
    ]
    eligible = tr.judge("placed-on-post", bool(placements), facts or [Fact("placements", "none")])
    category_code, category_param = (
        ("disabled-person", "disabled_post.categories")
        if program == DISABLED_POST
        else ("difficulty-person", CATEGORIES_PARAMETER)
    )
    if eligible:
        first = placements[0].start
        ok, used = recognised_on(case.difficulty, memo.params, first, category_param)
        eligible &= tr.judge(
            category_code,
            bool(ok),
            [
                Fact(
                    "categories_at_placement",
                    ", ".join(f"{s.category} (认定 {s.identified_on})" for s in ok) or "none listed",
                )
            ],
            [used],
        )
        first_m = month_index(first)
        eligible &= tr.judge(
            "before-retirement", first_m < cf.retire_m, cf.retirement_facts(), cf.retirement.parameters
        )
        eligible &= tr.judge("alive", first_m < cf.death_m, [Fact("death", str(case.death or "none"))])
    if not eligible:
        return ineligible(cf, tr, program, name_zh, paid)

    stints = _stints(cf, tr, placements, category_code, category_param)
    last, last_p = stints[-1], placements[-1]
    end_m, reason = last.cycle_end, last.cycle_reason
    stops = [
        (cf.death_m, PeriodEnd.DEATH),
        (cf.pension_m, PeriodEnd.PENSION),
        (last.failed_m, PeriodEnd.FAILED_APPRAISAL),
    ]
    if last_p.end is not None:
        stops.append((last.hi + 1, _END_REASONS[last_p.end_reason] if last_p.end_reason else PeriodEnd.LEFT_POST))
    end_m, reason = apply_stops(end_m, reason, stops)
    tr.monthly("in-post")
    tr.monthly(
        "appraisal",
        [
            Fact(f"appraisal_{i + 1}", f"{a.on} {'passed' if a.passed else 'FAILED'}")
            for p in placements
            for i, a in enumerate(p.appraisals)
        ],
    )
    tr.monthly("no-pension", [Fact("pension_start", str(case.pension_start or "none"))])
    amount_code = "employer-contribution" if program == POST_SI else "post-amount"
    tr.monthly(amount_code)

    months: set[int] = set()
    common_end = min(cf.death_m, cf.pension_m, cf.retire_m) - 1
    for s in stints:
        months.update(range(s.lo, min(s.hi, s.cycle_end, s.failed_m - 1, common_end, cf.as_of_m) + 1))
    if paid:
        months.update(paid)
    schedule: list[MonthLine] = []
    for m in sorted(months):
        month = month_from_index(m)
        stint = next((s for s in reversed(stints) if s.lo <= m <= s.hi), None)
        reasons: list[str] = []
        if stint is None:
            reasons.append("in-post")
        else:
            if stint.refused:
                reasons.append(stint.refused)
            if m > stint.cycle_end:
                reasons.append("period")
            if m >= stint.failed_m:
                reasons.append("appraisal")
        stop_reasons(cf, m, reasons)
        line = None if reasons else _amount(cf, tr, program, amount_code, m, month)
        if line is None or line.status is MonthStatus.NOT_ENTITLED:
            reasons += list(line.reasons) if line else []
            for code in reasons:
                tr.failed_in(code, m)
            line = MonthLine(month, MonthStatus.NOT_ENTITLED, None, line.basis if line else None, tuple(reasons))
        schedule.append(line)

    lines, problems = compare_payments(schedule, paid, name_zh)
    return Decision(
        case_id=case.case_id,
        program=program,
        program_name_zh=name_zh,
        as_of=cf.as_of,
        eligible=True,
        first_approval=placements[0].start,
        period_start=month_from_index(stints[0].lo),
        period_end=month_from_index(end_m),
        period_end_reason=reason,
        schedule=tuple(lines),
        conditions=tr.build(months_judged=bool(lines)),
        problems=tuple(problems),
        jurisdiction=tuple(layer.id for layer in memo.params.layers),
    )


def _stints(
    cf: CaseFacts, tr: Trace, placements: list[Placement], category_code: str, category_param: str
) -> list[_Stint]:
    """Walk the placements in order: which start a period, which continue one, which are refused."""
    memo = cf.memo
    stints: list[_Stint] = []
    cycle_end = cycle_reason = None
    notes: list[Fact] = []
    for k, p in enumerate(placements):
        lo = month_index(p.start)
        hi = OPEN if p.end is None else month_index(p.end)
        failed = p.failed_appraisal
        failed_m = OPEN if failed is None else month_index(failed)
        refused: str | None = None
        restart = k == 0
        if k > 0:
            limit = memo.optional_integer("public_welfare_post.max_placements", p.start)
            if limit is not None:
                tr.use("re-placement", limit[1])
            ok, used = recognised_on(cf.case.difficulty, memo.params, p.start, category_param)
            tr.use(category_code, used)
            assert cycle_end is not None
            if limit is not None and k + 1 > limit[0]:
                refused = "re-placement"
                notes.append(Fact(f"placement_{k + 1}", f"placement {k + 1} exceeds the limit of {limit[0]}"))
            elif not ok:
                refused = category_code
                notes.append(Fact(f"placement_{k + 1}", "no listed category at this placement"))
            elif lo > cycle_end:
                again, again_used = memo.codes("public_welfare_post.replacement_categories", p.start)
                tr.use("re-placement", again_used)
                held = [s.category for s in held_on(cf.case.difficulty, p.start) if s.category in again]
                if held:
                    restart = True
                    notes.append(
                        Fact(
                            f"placement_{k + 1}",
                            f"re-placed after the period expired ({', '.join(held)}): periods restart",
                        )
                    )
                else:
                    refused = "re-placement"
                    notes.append(
                        Fact(f"placement_{k + 1}", "placed after the period expired, not in a re-placement category")
                    )
            else:
                notes.append(Fact(f"placement_{k + 1}", "continues the period of the earlier placement"))
        if restart:
            cycle_end, cycle_reason, used_p, facts = period_end(
                memo, p.start, "public_welfare_post.max_months", cf.retire_m, near_retirement=True
            )
            tr.monthly(
                "period",
                [
                    *facts,
                    Fact("period_end", format_month(month_from_index(cycle_end))),
                    Fact("period_end_reason", cycle_reason.value),
                ],
                used_p,
            )
        assert cycle_end is not None and cycle_reason is not None
        stints.append(_Stint(lo, hi, cycle_end, cycle_reason, refused, failed_m))
    if len(placements) > 1:
        tr.judge("re-placement", not any(s.refused for s in stints), notes)
    return stints


def _amount(cf: CaseFacts, tr: Trace, program: str, code: str, m: int, month: date) -> MonthLine:
    """The month's amount once every other condition holds."""
    memo = cf.memo
    if program == POST_SI:
        types, used = memo.codes("ssi.employer.counted_insurance", month)
        tr.use(code, used)
        counted, refunded = counted_contribution(
            cf.contributions.get(m), Payer.EMPLOYER, insurance_set(types), cf.as_of
        )
        if not counted:
            return MonthLine(month, MonthStatus.NOT_ENTITLED, None, None, ("not-refunded" if refunded else code,))
        return MonthLine(month, MonthStatus.ENTITLED, round_yuan(counted), counted)
    share, share_used = memo.ratio("public_welfare_post.minimum_wage_share", month)
    tr.use(code, share_used)
    wage = memo.optional_decimal("minimum_wage.monthly", month)
    if wage is None:
        return MonthLine(month, MonthStatus.UNDETERMINED, None, None, ("no-minimum-wage",))
    tr.use(code, wage[1])
    return MonthLine(month, MonthStatus.ENTITLED, share_of(wage[0], share), wage[0])
