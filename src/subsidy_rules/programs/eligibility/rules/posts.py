"""公益性岗位补贴, 公益性岗位社会保险补贴 and 残疾人公益性岗位补贴: one logic, three specs.

The spec's ``amount`` says how a month's amount is set:

* ``minimum-wage`` (``post.toml``) — ``minimum_wage`` × ``minimum_wage_share``
  of the month (参照当地最低工资标准); a month with no minimum wage in force
  is *undetermined*, never 0;
* ``employer-contribution`` (``post_si.toml``) — the employer's actual
  pension, medical and unemployment contributions of the month, never the
  individual's share;
* ``local-standard`` (``disabled_post.toml``, seed 003, a 残联 program) — the
  local ``monthly_amount``; seed 003 states no standard, so without a local
  value the month is undetermined. The employment fund's period and
  re-placement rules are not applied to it: its period is ``max_months`` only
  where a local layer sets one.

The person is placed on a post and holds a listed category at the placement
(Employment Promotion Law art. 53). The period is ``max_months`` from the
placement that starts it, or to retirement when, under the retirement law in
force at that placement, fewer than ``near_retirement_years`` years remain.
After the period expires a person of a ``replacement_categories`` category
may be placed again and both periods restart (人社部发〔2019〕124号 from
2019-12-04, restated by 181号); ``max_placements`` (2 in all, in principle,
since 2019) limits placements. Leaving the post, a failed appraisal,
retirement (law in force that month), a pension and death stop the subsidy;
formal employment elsewhere excludes the month (not-employed-elsewhere).

References:
    seed 002 三（一）2; seed 003 二（三）; seed 000 row 24; 就业促进法 第五十三条;
    人社部发〔2019〕124号; 财社〔2017〕164号 / 财社〔2023〕181号 — through the citations.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache, lru_cache

import attrs
from dateutil.relativedelta import relativedelta

from subsidy_rules.core.errors import NoValueInForceError, UnknownCodeError
from subsidy_rules.parameters import ParameterGapError, ParameterSet, Resolved
from subsidy_rules.parameters.values import value_text
from subsidy_rules.programs.difficulty import held_on, recognised_on
from subsidy_rules.programs.eligibility.case import Insurance, Payer, Placement, PlacementEnd
from subsidy_rules.programs.eligibility.decision import Decision, Fact, MonthLine, MonthStatus, PeriodEnd
from subsidy_rules.programs.eligibility.spec import RuleSpec
from subsidy_rules.programs.eligibility.toolkit import (
    OPEN,
    CaseFacts,
    MonthValues,
    Outline,
    Period,
    Roles,
    Trace,
    apply_stops,
    finish,
    month_date,
    month_index,
    month_text,
    not_eligible,
    period_from,
    roles,
    round_yuan,
    share_of,
    stop_reasons,
)

_END_REASONS = {
    PlacementEnd.LEFT_POST: PeriodEnd.LEFT_POST,
    PlacementEnd.FAILED_APPRAISAL: PeriodEnd.FAILED_APPRAISAL,
    PlacementEnd.EXPIRED: PeriodEnd.PERIOD_LIMIT,
    PlacementEnd.RETIRED: PeriodEnd.RETIREMENT,
    PlacementEnd.DIED: PeriodEnd.DEATH,
    PlacementEnd.OTHER: PeriodEnd.LEFT_POST,
}
_INSURANCE = {i.value: i for i in Insurance}


@attrs.frozen
class _Stint:
    """One placement as the rule sees it: its months, its period and whether it may be subsidised."""

    lo: int
    hi: int
    period: Period
    refused: str | None  #: the condition that refuses the whole placement
    failed_m: int


def _category_condition(spec: RuleSpec) -> str:
    return "disabled-person" if any(c.id == "disabled-person" for c in spec.conditions) else "difficulty-person"


def decide(cf: CaseFacts, spec: RuleSpec, paid_codes: frozenset[str]) -> Decision:
    """Decide one of the post programs for the case facts ``cf``."""
    case, tr = cf.case, Trace(spec)
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
    cat_cid = _category_condition(spec)
    assert spec.category_parameter is not None
    if eligible:
        first = placements[0].start
        ok, used = recognised_on(case.difficulty, cf.memo.params, first, spec.category_parameter)
        eligible &= tr.judge(
            cat_cid,
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
        return not_eligible(cf, spec, tr, paid, placements[0].start if placements else None)

    stints = _stints(cf, spec, tr, placements, cat_cid)
    last, last_p = stints[-1], placements[-1]
    stops = [
        (cf.death_m, PeriodEnd.DEATH),
        (cf.pension_m, PeriodEnd.PENSION),
        (last.failed_m, PeriodEnd.FAILED_APPRAISAL),
    ]
    if last_p.end is not None:
        stops.append((last.hi + 1, _END_REASONS[last_p.end_reason] if last_p.end_reason else PeriodEnd.LEFT_POST))
    end_m, reason = apply_stops(last.period.end_m, last.period.reason, stops)
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
    tr.monthly("not-employed-elsewhere", [Fact("formal_employment", cf.spells_text(case.formal_employment))])
    tr.monthly(
        "no-suspension",
        [
            Fact(
                "suspensions", "; ".join(f"{x.kind.value} {x.start}–{x.end or '…'}" for x in case.suspensions) or "none"
            )
        ],
    )
    amount_cid = {"employer-contribution": "employer-contribution", "local-standard": "disabled-post-amount"}.get(
        spec.amount or "", "post-amount"
    )
    tr.monthly(amount_cid)
    plan = _amount_roles(spec)

    months: set[int] = set()
    common_end = min(cf.death_m, cf.pension_m, cf.retire_m) - 1
    for s in stints:
        # A refused placement's months are listed (not entitled, with why) so the officer sees the refusal.
        last_m = (
            min(s.hi, common_end, cf.as_of_m)
            if s.refused
            else min(s.hi, s.period.end_m, s.failed_m - 1, common_end, cf.as_of_m)
        )
        months.update(range(s.lo, last_m + 1))
    if paid:
        months.update(paid)
    lines: list[MonthLine] = []
    notices: dict[str, tuple[str, str]] = {}
    gap_months: list[int] = []
    for m in sorted(months):
        stint = next((s for s in reversed(stints) if s.lo <= m <= s.hi), None)
        reasons: list[str] = []
        if stint is None:
            reasons.append("in-post")
        else:
            if stint.refused:
                reasons.append(stint.refused)
            if m > stint.period.end_m and not stint.refused:
                reasons.append("period")
            if m >= stint.failed_m:
                reasons.append("appraisal")
        stop_reasons(cf, m, reasons)
        if any(lo <= m <= hi for lo, hi in cf.employment):
            reasons.append("not-employed-elsewhere")
        if any(lo <= m <= hi for lo, hi in cf.suspended):
            reasons.append("no-suspension")
        month = month_date(m)
        if reasons:
            line = MonthLine(month, MonthStatus.NOT_ENTITLED, None, None, tuple(reasons))
        else:
            mv = cf.memo.month_values(plan, m)
            tr.use(amount_cid, *mv.used)
            if spec.amount not in ("employer-contribution", "local-standard"):
                tr.use(amount_cid, *minimum_wage(cf.memo.params, month.first_day)[1])
                share = mv.by_role.get("share")
                if share is not None and share.layer == "national":
                    notices.setdefault("share", _fmt(PLACEHOLDER_NOTICE, share=value_text(share.value)))
            line = _amount(cf, spec, mv, m)
            if "minimum-wage-gap" in line.reasons:
                gap_months.append(m)
        for cid in line.reasons:
            if cid in {c.id for c in spec.conditions}:
                tr.failed_in(cid, m)
        lines.append(line)
    outline = Outline(
        eligible=True, first_approval=placements[0].start, period=stints[0].period, end_m=end_m, reason=reason
    )
    if gap_months:
        why_zh, why_en = _gap_reason(cf.memo.params, month_date(gap_months[0]).first_day)
        notices["gap"] = _fmt(GAP_NOTICE, months=_ranges(gap_months), why=why_zh, why_en=why_en)
    return finish(
        cf,
        spec,
        tr,
        outline,
        lines,
        paid,
        data_problems=spec.amount == "employer-contribution",
        extra_notices=notices.values(),
    )


def _fmt(pair: tuple[str, str], **fields: str) -> tuple[str, str]:
    return pair[0].format(**fields), pair[1].format(**fields)


def _ranges(months: list[int]) -> str:
    first, last = min(months), max(months)
    return month_text(first) if first == last else f"{month_text(first)}..{month_text(last)}"


def _gap_reason(params: ParameterSet, when: date) -> tuple[str, str]:
    """Why ``when`` is undetermined: the district's tier or the tier's value is a gap (Chinese, English)."""
    try:
        tier = params.resolve("minimum_wage.tier", when)
    except ParameterGapError as exc:
        return (
            f"本区执行的最低工资档次自{exc.since.isoformat()}起未知（该年各档适用区域未查到）",
            f"the district's tier is not known from {exc.since.isoformat()}: {exc.note or 'a gap'}",
        )
    except (NoValueInForceError, UnknownCodeError):
        tier = None
    pid = f"minimum_wage.monthly.tier{tier.value}" if tier is not None else "minimum_wage.monthly"
    try:
        params.resolve(pid, when)
    except ParameterGapError as exc:
        which = f"第{tier.value}档" if tier is not None else "当地"
        return (
            f"{which}月最低工资标准自{exc.since.isoformat()}起未知：此前一次调整之后、下一次已知调整之前另有一次"
            "日期未查到的调整（湖北：第一档2210元），不沿用旧标准",
            f"{which} minimum wage not known from {exc.since.isoformat()}: {exc.note or 'a gap'}",
        )
    except (NoValueInForceError, UnknownCodeError):
        pass
    return "数值缺失", "a gap"


@cache
def _amount_roles(spec: RuleSpec) -> Roles:
    if spec.amount == "employer-contribution":
        return roles(counted=("codes", spec.param("counted_insurance"), False))
    if spec.amount == "local-standard":
        return roles(standard=("decimal", spec.param("monthly_amount"), True))
    return roles(share=("ratio", spec.param("minimum_wage_share"), False))


#: Notices a post decision shows (Chinese, English).
PLACEHOLDER_NOTICE = (
    "公益性岗位补贴占当地最低工资标准的比例为占位值（{share}）：国家只规定“补贴标准参照当地最低工资标准执行”，"
    "本地未查到比例；按此计算的应享受金额仅供参考，超发、少发须按当地实际标准核实",
    "the post subsidy's share of the minimum wage ({share}) is a placeholder: the national text says only "
    "“参照当地最低工资标准”, no local share was found; amounts computed with it are indicative only",
)
GAP_NOTICE = (
    "最低工资标准在这些月份未知（{months}）：{why}；不沿用旧标准，月份列为“待定”",
    "the minimum wage is not known in these months ({months}): {why_en}; no older value is carried over",
)


@lru_cache(maxsize=8192)
def minimum_wage(params: ParameterSet, when: date) -> tuple[Decimal | None, tuple[Resolved, ...], str | None]:
    """The local minimum wage at ``when``: (value or None, values used, why None).

    A tiered province (Hubei) states ``minimum_wage.tier`` per district layer and
    ``minimum_wage.monthly.tierN`` per tier; elsewhere a layer states
    ``minimum_wage.monthly`` directly. The more local of the two answers. A gap
    in either (a district's tier or a tier's value not known) gives None with
    the reason ``minimum-wage-gap``; nothing stated gives ``no-minimum-wage``.
    """
    order = {layer.id: i for i, layer in enumerate(params.layers)}
    direct: Resolved | None = None
    direct_gap = False
    try:
        direct = params.resolve("minimum_wage.monthly", when)
    except ParameterGapError as exc:
        direct_gap = exc.layer != "national"  # the national entry only says: no national minimum wage
    except (NoValueInForceError, UnknownCodeError):
        pass
    tier: Resolved | None = None
    tier_gap = False
    try:
        tier = params.resolve("minimum_wage.tier", when)
    except ParameterGapError:
        tier_gap = True
    except (NoValueInForceError, UnknownCodeError):
        pass
    if direct is not None and (tier is None or order.get(direct.layer, 0) >= order.get(tier.layer, 0)):
        return Decimal(str(direct.value)), (direct,), None
    if tier is not None:
        try:
            wage = params.resolve(f"minimum_wage.monthly.tier{tier.value}", when)
        except ParameterGapError:
            return None, (tier,), "minimum-wage-gap"
        except (NoValueInForceError, UnknownCodeError):
            return None, (tier,), "no-minimum-wage"
        return Decimal(str(wage.value)), (tier, wage), None
    if tier_gap or direct_gap:
        return None, (), "minimum-wage-gap"
    return None, (), "no-minimum-wage"


def _amount(cf: CaseFacts, spec: RuleSpec, mv: MonthValues, m: int) -> MonthLine:
    """The month's amount once every other condition holds."""
    month = month_date(m)
    if spec.amount == "employer-contribution":
        types = tuple(_INSURANCE[c] for c in mv.get("counted") if c in _INSURANCE)
        counted, refunded = cf.counted(m, Payer.EMPLOYER, types)
        if not counted:
            why = "not-refunded" if refunded else "employer-contribution"
            return MonthLine(month, MonthStatus.NOT_ENTITLED, None, None, (why,))
        return MonthLine(month, MonthStatus.ENTITLED, round_yuan(counted), counted)
    if spec.amount == "local-standard":
        standard: Decimal | None = mv.get("standard")
        if standard is None:
            return MonthLine(month, MonthStatus.UNDETERMINED, None, None, ("no-local-standard",))
        return MonthLine(month, MonthStatus.ENTITLED, round_yuan(standard), standard)
    wage, _, gap = minimum_wage(cf.memo.params, month.first_day)
    if wage is None:
        return MonthLine(month, MonthStatus.UNDETERMINED, None, None, (gap or "no-minimum-wage",))
    return MonthLine(month, MonthStatus.ENTITLED, share_of(wage, mv.get("share")), wage)


def _stints(cf: CaseFacts, spec: RuleSpec, tr: Trace, placements: list[Placement], cat_cid: str) -> list[_Stint]:
    """Walk the placements in order: which start a period, which continue one, which are refused."""
    memo = cf.memo
    assert spec.category_parameter is not None
    stints: list[_Stint] = []
    period: Period | None = None
    notes: list[Fact] = []
    precondition_facts: list[Fact] = []
    for k, p in enumerate(placements):
        lo = month_index(p.start)
        hi = OPEN if p.end is None else month_index(p.end)
        failed = p.failed_appraisal
        failed_m = OPEN if failed is None else month_index(failed)
        refused: str | None = None
        restart = k == 0
        if k > 0:
            assert period is not None
            ok, used = recognised_on(cf.case.difficulty, memo.params, p.start, spec.category_parameter)
            tr.use(cat_cid, used)
            limit = (
                memo.read("integer", spec.param("max_placements"), p.start, optional=True)
                if spec.has("max_placements")
                else None
            )
            if limit is not None:
                tr.use("re-placement", limit[1])
            if not spec.has("replacement_categories"):
                # A program without the fund's re-placement rule: every placement continues one open period.
                notes.append(Fact(f"placement_{k + 1}", "continues the period (no re-placement rule for this program)"))
            elif limit is not None and k + 1 > limit[0]:
                refused = "re-placement"
                firm = memo.read("boolean", "public_welfare_post.max_placements_in_principle", p.start, optional=True)
                how = ""
                if firm is not None:
                    tr.use("re-placement", firm[1])
                    how = (
                        " (原则上: an office may have exceeded it by procedure — check the file)"
                        if firm[0]
                        else " (a firm limit here: no 原则上)"
                    )
                notes.append(
                    Fact(f"placement_{k + 1}", f"placement {k + 1} exceeds the limit of {limit[0]} in all{how}")
                )
            elif not ok:
                refused = cat_cid
                notes.append(Fact(f"placement_{k + 1}", "no listed category at this placement"))
            elif lo > period.end_m:
                again, again_used = memo.codes(spec.param("replacement_categories"), p.start)
                tr.use("re-placement", again_used)
                held = [s.category for s in held_on(cf.case.difficulty, p.start) if s.category in again]
                if "near-retirement" in again and _near_retirement(cf, p.start):
                    held.append("near-retirement")  # Henan: 距法定退休年龄不足5年人员, computed
                if held:
                    missing = _preconditions(cf, tr, spec, placements, k, precondition_facts)
                    if missing:
                        refused = "replacement-preconditions"
                        notes.append(
                            Fact(
                                f"placement_{k + 1}",
                                f"re-placement preconditions not shown met: {', '.join(missing)}",
                            )
                        )
                    else:
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
                        Fact(
                            f"placement_{k + 1}",
                            "placed after the period expired, not in a re-placement category "
                            f"in force on {p.start} ({again_used.citation.label})",
                        )
                    )
                    open_list = memo.read(
                        "boolean", "public_welfare_post.replacement_list_open", p.start, optional=True
                    )
                    if open_list is not None and open_list[0] is True:
                        tr.use("re-placement", open_list[1])
                        notes.append(
                            Fact(
                                f"placement_{k + 1}_open_list",
                                "the national list is open (“…等特殊困难人员”): an office may have re-placed another "
                                "特殊困难人员 — check the file before treating this as a violation",
                            )
                        )
            else:
                notes.append(Fact(f"placement_{k + 1}", "continues the period of the earlier placement"))
        if restart:
            period = period_from(cf, spec, p.start)
            tr.monthly(
                "period",
                [
                    *period.facts,
                    Fact("period_end", month_text(period.end_m)),
                    Fact("period_end_reason", period.reason.value),
                    *period.law,
                ],
                period.used,
            )
        assert period is not None
        stints.append(_Stint(lo, hi, period, refused, failed_m))
    if len(placements) > 1 and spec.has("replacement_categories"):
        tr.judge("re-placement", not any(s.refused == "re-placement" for s in stints), notes)
    if precondition_facts:
        tr.judge(
            "replacement-preconditions",
            not any(s.refused == "replacement-preconditions" for s in stints),
            precondition_facts,
        )
    return stints


#: Preconditions a case shows through ``Placement.preconditions_met`` (the others are computed).
PRECONDITION_TEXT = {
    "provincial-filing": ("报省人力资源社会保障、财政部门备案", "filed with the provincial HR and finance departments"),
    "three-months-out-of-post": ("退出公益性岗位满3个月后", "3 months out of the post first"),
    "three-job-referrals": ("经职业指导并推荐3次以上就业岗位", "career guidance and at least 3 job referrals first"),
}


def _near_retirement(cf: CaseFacts, when: date) -> bool:
    """Fewer than ``ssi.near_retirement_years`` years to retirement on ``when`` (law in force then)."""
    years = cf.memo.read("integer", "ssi.near_retirement_years", when, optional=True)
    if years is None:
        return False
    then = cf.retirement_under(when)
    limit: int = years[0] * 12
    return month_index(then.retirement_month) - month_index(when) < limit


def _preconditions(
    cf: CaseFacts, tr: Trace, spec: RuleSpec, placements: list[Placement], k: int, facts: list[Fact]
) -> list[str]:
    """The layer's re-placement preconditions in force at placement ``k``'s start that the case does not show met."""
    p = placements[k]
    found = cf.memo.read("codes", "public_welfare_post.replacement_preconditions", p.start, optional=True)
    if found is None or not found[0]:
        return []
    tr.use("replacement-preconditions", found[1])
    missing: list[str] = []
    for code in found[0]:
        if code == "three-months-out-of-post":
            before = placements[k - 1].end
            met = before is not None and p.start >= before + relativedelta(months=3)
            shown = f"previous placement ended {before or 'not recorded'}, this one starts {p.start}"
        else:
            met = code in p.preconditions_met
            shown = "shown in the file" if met else "not shown in the case (Placement.preconditions_met)"
        zh = PRECONDITION_TEXT.get(code, (code, code))[0]
        facts.append(Fact(f"placement_{k + 1}_{code}", f"{zh}: {'met' if met else 'NOT met'} ({shown})"))
        if not met:
            missing.append(code)
    return missing
