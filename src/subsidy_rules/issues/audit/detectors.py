"""The detectors: each written once as an Ibis expression, run on DuckDB or PySpark.

Every detector returns *evidence rows* of one shape — one row per payment
that proves the lead, with the money at issue for that payment — and the
engine groups them into findings by ``fkey``:

    fkey, id_number, program, unit, name, pm (month index), payment_id,
    amount (money at issue, 元), note, account

Keys are computed as plain columns before any join (a join on a key
computed inside the join can explode); every join is an equality join on
such columns, plus range filters afterwards. Ranks (``row_number``) start
at 0 in Ibis.

References:
    Each :class:`DetectorSpec` cites the seed sentence it enforces.

Limitations:
    ``above-standard`` / ``short-payment`` compute the entitlement of the
    flexible-employment social-insurance subsidy (and its graduate variant)
    only; for the public-welfare post subsidy the standard is a share of the
    local minimum wage that the parameters hold as a placeholder
    (unconfirmed), so no excess or shortfall is asserted for it.
    ``beyond-max-period`` covers the flexible-employment subsidy (with the
    near-retirement extension) and the graduate variant; post placements
    have their own periods and are not checked here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import attrs
import ibis
import ibis.expr.types as ir
from ibis.expr.types import Table

from subsidy_rules.core.citation import Citation, cite

#: payments under these codes count as the flexible-employment SI subsidy (the combined row 39 counts for its part)
FLEXIBLE_CODES = ("flexible-employment-si-subsidy", "difficulty-person-si-subsidy")
GRADUATE_CODES = ("graduate-flexible-employment-si-subsidy", "graduate-si-subsidy")
POST_CODES = ("public-welfare-post-subsidy", "public-welfare-post-si-subsidy", "public-welfare-post-subsidy-and-si")
#: programs paid monthly to a person whose entitlement stops at pension, retirement and death
PERIODIC_CODES = (*FLEXIBLE_CODES, *GRADUATE_CODES, *POST_CODES, "disabled-public-welfare-post-subsidy")
#: programs for employment-difficulty persons only
DIFFICULTY_CODES = (*FLEXIBLE_CODES, *POST_CODES)

EVIDENCE_COLUMNS = ("fkey", "id_number", "program", "unit", "name", "pm", "payment_id", "amount", "note", "account")


@attrs.frozen
class DetectorSpec:
    """A detector as the docs and the engine see it."""

    name: str
    name_zh: str
    issue: str  #: taxonomy code the findings are classified under
    needs: tuple[str, ...]  #: roster kinds it cannot run without
    citations: tuple[Citation, ...]
    description_zh: str
    description_en: str
    explain_zh: str  #: template: {name} {id_number} {program_zh} {months} {amount} {note} {count}
    explain_en: str
    uses: tuple[str, ...] = ()  #: roster kinds used when present
    issue_note: str | None = None  #: why this node (when the nearest parent was chosen)


@attrs.frozen
class Context:
    """What the expressions read: the ledger, the rosters present, helper tables."""

    ledger: Table
    rosters: Mapping[str, Table]
    helpers: Mapping[str, Table]
    as_of: date
    as_of_pm: int
    #: how to keep a table several detectors read: a temp table on DuckDB, a view on Spark
    materialise: Callable[[str, Table], Table] | None = None
    shared: dict[str, Table] = attrs.field(factory=dict)


def _ev(t: Table, fkey: ir.StringValue, amount: Any = None, note: Any = None) -> Table:
    return t.select(
        fkey=fkey,
        id_number=t.id_number,
        program=t.program,
        unit=t.unit,
        name=t.name,
        pm=t.period.cast("int64"),
        payment_id=t.payment_id,
        amount=(t.amount if amount is None else amount).cast("decimal(18, 2)"),
        note=ibis.null("string") if note is None else note.cast("string"),
        account=t.account,
    )


def _key(*parts: ir.Value) -> ir.StringValue:
    out: ir.StringValue = parts[0].cast("string").fill_null("")
    for p in parts[1:]:
        out = out.concat("|", p.cast("string").fill_null(""))
    return out


def _pm(d: ir.DateValue) -> ir.IntegerValue:
    return d.year().cast("int64") * 12 + d.month().cast("int64") - 1


def _person_program(t: Table) -> ir.StringValue:
    return _key(t.id_number, t.program)


def _in(t: Table, codes: tuple[str, ...]) -> ir.BooleanValue:
    return t.program.isin(codes)


# ---------------------------------------------------------------------------
# the expressions


def duplicate_period(c: Context) -> Table:
    led = c.ledger
    dup = led.group_by(["id_number", "program", "period"]).aggregate(n=led.count()).filter(lambda g: g.n > 1)
    dup = dup.select(d_id=dup.id_number, d_prog=dup.program, d_pm=dup.period)
    j = led.join(dup, [led.id_number == dup.d_id, led.program == dup.d_prog, led.period == dup.d_pm])
    w = ibis.window(group_by=[j.id_number, j.program, j.period], order_by=[j.paid_on, j.payment_id])
    j = j.mutate(rank=ibis.row_number().over(w))
    at_issue = ibis.ifelse(j.rank == 0, ibis.literal(0).cast("decimal(18, 2)"), j.amount)
    return _ev(j, _key(j.id_number, j.program, j.period), at_issue, (j.rank + 1).cast("string"))


def _first_date(r: Table, col: str) -> Table:
    return r.group_by("id_number").aggregate(**{col: r[col].min()})


def paid_after_death(c: Context) -> Table:
    d = _first_date(c.rosters["deaths"], "died_on")
    d = d.select(d_id=d.id_number, died_on=d.died_on, death_pm=_pm(d.died_on))
    led = c.ledger
    j = led.join(d, led.id_number == d.d_id).filter(lambda t: t.period > t.death_pm)
    return _ev(j, _person_program(j), note=j.died_on)


def paid_after_pension(c: Context) -> Table:
    p = _first_date(c.rosters["pensions"], "pension_start")
    p = p.select(p_id=p.id_number, pension_start=p.pension_start, pension_pm=_pm(p.pension_start))
    led = c.ledger.filter(lambda t: _in(t, PERIODIC_CODES))
    j = led.join(p, led.id_number == p.p_id).filter(lambda t: t.period >= t.pension_pm)
    return _ev(j, _person_program(j), note=j.pension_start)


def _with_birth(t: Table) -> Table:
    """Birth month index and sex from the ID (null when the ID has no readable birth month)."""
    y = t.id_number.substr(6, 4).try_cast("int64")
    m = t.id_number.substr(10, 2).try_cast("int64")
    sex = t.id_number.substr(16, 1).try_cast("int64")
    return t.mutate(
        birth_pm=ibis.ifelse((m >= 1) & (m <= 12) & (t.id_number.length() == 18), y * 12 + m - 1, ibis.null("int64")),
        male=(sex % 2) == 1,
    )


def _retirement_group(c: Context, t: Table) -> Table:
    """Add ``grp`` (the retirement group) and ``grp_assumed`` (a woman with no group given)."""
    persons = c.rosters.get("persons")
    if persons is not None:
        pg = persons.group_by("id_number").aggregate(g_grp=persons.retirement_group.max())
        pg = pg.select(g_id=pg.id_number, g_grp=pg.g_grp)
        t = t.left_join(pg, t.id_number == pg.g_id)
        given = t.g_grp
    else:
        given = ibis.null("string")
    grp = ibis.ifelse(t.male, "male", given.fill_null("female-55"))
    assumed = (~t.male) & given.isnull()
    return t.mutate(grp=grp, grp_assumed=assumed)


def paid_past_retirement(c: Context) -> Table:
    led = _with_birth(c.ledger.filter(lambda t: _in(t, PERIODIC_CODES)))
    led = _retirement_group(c, led).filter(lambda t: t.birth_pm.notnull())
    ret = c.helpers["retirement"]
    j = led.join(ret, [led.birth_pm == ret.r_birth_pm, led.grp == ret.r_grp]).filter(lambda t: t.period >= t.retire_pm)
    note = j.retire_pm.cast("string").concat(ibis.ifelse(j.grp_assumed, "|assumed", ""))
    return _ev(j, _person_program(j), note=note)


def paid_while_employed(c: Context) -> Table:
    e = c.rosters["employment"]
    e = e.select(e_id=e.id_number, e_start=_pm(e.start), e_end=_pm(e.end), employer=e.employer)
    led = c.ledger.filter(lambda t: _in(t, FLEXIBLE_CODES + GRADUATE_CODES))
    j = led.join(e, led.id_number == e.e_id).filter(
        lambda t: (t.e_start <= t.period) & (t.e_end.isnull() | (t.e_end >= t.period))
    )
    j = j.distinct(on=["payment_id"], keep="first")
    return _ev(j, _person_program(j), note=j.employer)


def public_payroll(c: Context) -> Table:
    e = c.rosters["public-payroll"]
    e = e.select(e_id=e.id_number, e_start=_pm(e.start), e_end=_pm(e.end), employer=e.employer)
    led = c.ledger
    j = led.join(e, led.id_number == e.e_id).filter(
        lambda t: (t.e_start <= t.period) & (t.e_end.isnull() | (t.e_end >= t.period))
    )
    j = j.distinct(on=["payment_id"], keep="first")
    return _ev(j, _person_program(j), note=j.employer)


def staff_beneficiary(c: Context) -> Table:
    s = c.rosters["staff"]
    s = s.group_by("id_number").aggregate(s_unit=s.unit.max(), staff_id=s.staff_id.max())
    s = s.select(s_id=s.id_number, s_unit=s.s_unit, staff_id=s.staff_id)
    led = c.ledger
    j = led.join(s, led.id_number == s.s_id)
    return _ev(j, _person_program(j), note=_key(j.staff_id, j.s_unit))


def not_difficulty_person(c: Context) -> Table:
    d = c.rosters["difficulty"]
    cats = c.helpers["categories"]
    d = d.select(d_id=d.id_number, cat=d.category, d_start=_pm(d.identified_on), d_end=_pm(d.ended_on))
    led = c.ledger.filter(lambda t: _in(t, DIFFICULTY_CODES))
    j = led.join(d, led.id_number == d.d_id).filter(
        lambda t: (t.d_start <= t.period) & (t.d_end.isnull() | (t.d_end >= t.period))
    )
    j = j.left_join(cats, [j.cat == cats.c_cat, j.period == cats.c_pm])
    known = cats.select(k_cat=cats.c_cat).distinct()
    j = j.left_join(known, j.cat == known.k_cat)
    # A blank category, or a text that is no category code the parameters know (a local word, say),
    # cannot prove a problem: the spell covers the month. A known code not listed that month does not.
    ok = j.filter(lambda t: t.cat.isnull() | t.c_cat.notnull() | t.k_cat.isnull()).select(ok_pid=j.payment_id)
    ok = ok.distinct()
    miss = led.anti_join(ok, led.payment_id == ok.ok_pid)
    return _ev(miss, _person_program(miss))


def not_one_card(c: Context) -> Table:
    progs = c.helpers["card_programs"]
    led = c.ledger.filter(lambda t: t.channel.isin(("cash", "bank-account")))
    j = led.join(progs, led.program == progs.cp_code)
    return _ev(j, _person_program(j), note=j.channel)


def person_many_accounts(c: Context) -> Table:
    led = c.ledger.filter(lambda t: t.account.notnull() & (t.channel.isnull() | (t.channel != "social-security-card")))
    many = led.group_by("id_number").aggregate(n=led.account.nunique()).filter(lambda g: g.n > 1)
    many = many.select(m_id=many.id_number, n=many.n)
    j = led.join(many, led.id_number == many.m_id)
    return _ev(j, j.id_number, note=j.n.cast("string"))


def account_many_persons(c: Context) -> Table:
    led = c.ledger.filter(lambda t: t.account.notnull())
    many = led.group_by("account").aggregate(n=led.id_number.nunique()).filter(lambda g: g.n > 1)
    many = many.select(m_acct=many.account, n=many.n)
    j = led.join(many, led.account == many.m_acct)
    return _ev(j, _key(j.account, j.id_number), note=j.n.cast("string"))


def late_payment(c: Context) -> Table:
    cal = c.helpers["calendar"]
    a = cal.select(a_day=cal.day, a_wd=cal.wd, deadline=cal.deadline)
    p = cal.select(p_day=cal.day, p_wd=cal.wd)
    led = c.ledger.filter(lambda t: t.applied_on.notnull() & (t.paid_on > t.applied_on))
    j = led.join(a, led.applied_on == a.a_day).join(p, led.paid_on == p.p_day)
    j = j.filter(lambda t: t.deadline.notnull() & ((t.p_wd - t.a_wd) > t.deadline))
    return _ev(j, _person_program(j), note=(j.p_wd - j.a_wd).cast("string").concat("/", j.deadline.cast("string")))


def accept_and_approve(c: Context) -> Table:
    led = c.ledger.filter(lambda t: t.accepted_by.notnull() & (t.accepted_by == t.approved_by))
    return _ev(led, _key(led.accepted_by, led.id_number, led.program), note=led.accepted_by)


def date_order(c: Context) -> Table:
    led = c.ledger
    paid_early = led.approved_on.notnull() & (led.paid_on < led.approved_on)
    approved_early = led.approved_on.notnull() & led.applied_on.notnull() & (led.approved_on < led.applied_on)
    led = led.filter(paid_early | approved_early)
    note = ibis.ifelse(
        led.approved_on.notnull() & (led.paid_on < led.approved_on), "paid-before-approved", "approved-before-applied"
    )
    return _ev(led, _person_program(led), note=note)


def invalid_id(c: Context) -> Table:
    bad = c.helpers["invalid_ids"]
    led = c.ledger
    j = led.join(bad, led.id_number == bad.bad_id)
    return _ev(j, j.id_number, note=j.reason)


# -- entitlement checks (set-based) --------------------------------------------


def _variant(t: Table) -> ir.StringValue:
    return ibis.ifelse(t.program.isin(GRADUATE_CODES), "graduate", "flexible")


def month_contributions(c: Context) -> Table:
    """Per person and month: counted flexible-worker contributions (in fen) and whether any was refunded."""
    con = c.rosters["contributions"]
    counted = c.helpers["counted_insurance"]
    flex = con.filter(lambda t: t.payer == "flexible-worker")
    refunded = flex.refunded.fill_null(False)
    flex = flex.mutate(k_pm=flex.month.cast("int64"), is_ref=refunded)
    flex = flex.left_join(counted, [flex.k_pm == counted.ci_pm, flex.insurance == counted.ci_insurance])
    counts = (~flex.is_ref) & flex.ci_pm.notnull() & (flex.paid_on.isnull() | (flex.paid_on <= c.as_of))
    cents = (flex.amount * 100).cast("int64")
    return flex.group_by([flex.id_number, flex.k_pm]).aggregate(
        counted_fen=ibis.ifelse(counts, cents, 0).sum(),
        any_refunded=flex.is_ref.any(),
    )


def _paid_months(c: Context) -> Table:
    led = c.ledger.filter(lambda t: _in(t, FLEXIBLE_CODES + GRADUATE_CODES))
    led = led.mutate(variant=_variant(led), amount_fen=(led.amount * 100).cast("int64"))
    return led


def entitlement_months(c: Context) -> Table:
    """Per person, variant and paid month: paid and entitled amounts in fen (entitled null: no counted contribution)."""
    led = _paid_months(c)
    pm = led.group_by([led.id_number, led.variant, led.period]).aggregate(paid_fen=led.amount_fen.sum())
    mc = month_contributions(c)
    mc = mc.select(c_id=mc.id_number, c_pm=mc.k_pm, counted_fen=mc.counted_fen, any_refunded=mc.any_refunded)
    j = pm.left_join(mc, [pm.id_number == mc.c_id, pm.period == mc.c_pm])
    par = c.helpers["ratio"]
    j = j.join(par, [j.variant == par.r_variant, j.period == par.r_pm])
    counted = j.counted_fen.fill_null(0)
    share = (counted * j.num * 2 + j.den) // (j.den * 2)  # ROUND_HALF_UP to the fen, non-negative
    capped = ibis.ifelse(j.cap_fen.notnull() & (j.cap_fen < share), j.cap_fen, share)
    return j.select(
        e_id=j.id_number,
        e_variant=j.variant,
        e_pm=j.period,
        paid_fen=j.paid_fen,
        entitled_fen=ibis.ifelse(counted > 0, capped, ibis.null("int64")),
        any_refunded=j.any_refunded.fill_null(False),
        ratio_confirmed=j.confirmed,
    )


def _entitlement(c: Context) -> Table:
    if "entitlement" not in c.shared:
        # only the months some check can report: no entitlement, or paid other than entitled (kept small:
        # writing every person-month into the temp table cost more than the three checks reading it)
        expr = entitlement_months(c)
        expr = expr.filter(lambda t: t.entitled_fen.isnull() | (t.paid_fen != t.entitled_fen))
        c.shared["entitlement"] = expr if c.materialise is None else c.materialise("entitlement_months", expr)
    return c.shared["entitlement"]


def _month_check(c: Context, cond: Callable[[Table], ir.BooleanValue], at_issue: Callable[[Table], Any]) -> Table:
    ent = _entitlement(c).filter(cond)
    led = _paid_months(c)
    j = led.join(ent, [led.id_number == ent.e_id, led.variant == ent.e_variant, led.period == ent.e_pm])
    w = ibis.window(group_by=[j.id_number, j.variant, j.period], order_by=[j.paid_on.desc(), j.payment_id.desc()])
    j = j.mutate(rank=ibis.row_number().over(w))
    money = ibis.ifelse(j.rank == 0, at_issue(j), 0) / 100
    note = _key(j.entitled_fen, j.paid_fen, j.ratio_confirmed)
    return _ev(j, _person_program(j), money.cast("decimal(18, 2)"), note)


def above_standard(c: Context) -> Table:
    return _month_check(
        c, lambda t: t.entitled_fen.notnull() & (t.paid_fen > t.entitled_fen), lambda t: t.paid_fen - t.entitled_fen
    )


def short_payment(c: Context) -> Table:
    return _month_check(
        c, lambda t: t.entitled_fen.notnull() & (t.paid_fen < t.entitled_fen), lambda t: t.entitled_fen - t.paid_fen
    )


def no_flexible_contribution(c: Context) -> Table:
    ent = _entitlement(c).filter(lambda t: t.entitled_fen.isnull())
    led = _paid_months(c)
    j = led.join(ent, [led.id_number == ent.e_id, led.variant == ent.e_variant, led.period == ent.e_pm])
    return _ev(j, _person_program(j), note=ibis.ifelse(j.any_refunded, "refunded", "none"))


def beyond_max_period(c: Context) -> Table:
    ap = c.rosters["approvals"]
    ap = ap.mutate(a_variant=ibis.ifelse(ap.program.isin(GRADUATE_CODES), "graduate", "flexible"))
    ap = ap.filter(ap.program.isin(FLEXIBLE_CODES + GRADUATE_CODES))
    ap = ap.group_by(["id_number", "a_variant"]).aggregate(first_approval=ap.first_approval.min())
    ap = ap.mutate(fa_pm=_pm(ap.first_approval))
    fap = c.helpers["period_params"]
    ap = ap.join(fap, [ap.a_variant == fap.p_variant, ap.fa_pm == fap.p_pm])
    ap = ap.select(
        a_id=ap.id_number,
        a_variant=ap.a_variant,
        first_approval=ap.first_approval,
        fa_pm=ap.fa_pm,
        max_months=ap.max_months,
        near_years=ap.near_years,
    )
    led = _with_birth(_paid_months(c))
    led = _retirement_group(c, led)
    ret = c.helpers["retirement"]
    led = led.left_join(ret, [led.birth_pm == ret.r_birth_pm, led.grp == ret.r_grp])
    j = led.join(ap, [led.id_number == ap.a_id, led.variant == ap.a_variant])
    limit = j.fa_pm + j.max_months - 1
    near = j.near_years.notnull() & j.retire_pm.notnull() & ((j.retire_pm - j.fa_pm) < j.near_years * 12)
    end = ibis.ifelse(near, j.retire_pm - 1, limit)
    end = ibis.ifelse(j.retire_pm.notnull() & (j.retire_pm - 1 < end), j.retire_pm - 1, end)
    j = j.mutate(end_pm=end, near=near)
    j = j.filter(lambda t: (t.period > t.end_pm) & (t.period < t.retire_pm.fill_null(10**6)))
    note = _key(j.first_approval, j.end_pm, j.near)
    return _ev(j, _person_program(j), note=note)


# ---------------------------------------------------------------------------
# the registry


def _c(key: str, article: str, quote: str) -> Citation:
    return cite(key, article, quote=quote)


_SPECS: tuple[tuple[DetectorSpec, Callable[[Context], Table]], ...] = (
    (
        DetectorSpec(
            "duplicate-period",
            "同期重复发放",
            "payment.excess.beyond-standard",
            (),
            (_c("seed-000", "三（二）1", "超标准超范围发放"), _c("seed-001", "三（一）3", "超标准超范围发放")),
            "同一人同一项目同一所属期发放两次以上：第二笔起的金额为疑点金额。",
            "The same person paid twice or more for the same program and month: the money from the second payme"
            "nt on is at issue.",
            "{name}（{id_number}）的{program_zh}在{months}重复发放，重复金额{amount}元。",
            "{name} ({id_number}) was paid {program_zh} more than once for {months}; {amount} yuan paid twice.",
            issue_note="a second payment for a month pays above the month's standard (超标准)",
        ),
        duplicate_period,
    ),
    (
        DetectorSpec(
            "paid-after-death",
            "死亡后仍发放",
            "eligibility.not-exited.not-stopped",
            ("deaths",),
            (
                _c("seed-000", "三（二）1", "应退出未退出"),
                _c("seed-003", "附件2 注5", "因病故等原因应该退出享受补贴而未退出"),
            ),
            "死亡日期所在月之后的所属期仍有发放。",
            "Payments for months after the month of death.",
            "{name}（{id_number}）已于{note}死亡，其后{months}仍发放{program_zh}{amount}元。",
            "{name} ({id_number}) died on {note}; {program_zh} of {amount} yuan was still paid for {months}.",
        ),
        paid_after_death,
    ),
    (
        DetectorSpec(
            "paid-after-pension",
            "领取养老金后仍发放",
            "eligibility.not-exited.not-stopped",
            ("pensions",),
            (_c("seed-002", "三（一）1", "享受养老保险待遇等应停发补贴而未及时停发补贴的情形"),),
            "按月发放的补贴在养老待遇起始月及以后仍有发放。",
            "A monthly subsidy paid for the month the pension starts or later.",
            "{name}（{id_number}）自{note}起领取养老待遇，{months}仍发放{program_zh}{amount}元。",
            "{name} ({id_number}) draws a pension from {note}; {program_zh} of {amount} yuan was paid for {months}.",
        ),
        paid_after_pension,
    ),
    (
        DetectorSpec(
            "paid-past-retirement",
            "超过法定退休年龄仍发放",
            "eligibility.not-exited.not-stopped",
            (),
            (_c("seed-002", "三（一）1", "应停发补贴而未及时停发补贴的情形"),),
            "按月发放的补贴在法定退休年龄所在月及以后仍有发放（出生年月取自身份证号，退休类别取自人员名册；女性类别不明时按较晚的退休年龄判断）。",
            "A monthly subsidy paid for the statutory retirement month or later (birth month from the ID; group"
            " from the persons roster; a woman of unknown group is judged by the later age).",
            "{name}（{id_number}）已达法定退休年龄（{note}），{months}仍发放{program_zh}{amount}元。",
            "{name} ({id_number}) reached the statutory retirement age ({note}); {program_zh} of {amount} yuan "
            "was paid for {months}.",
            uses=("persons",),
        ),
        paid_past_retirement,
    ),
    (
        DetectorSpec(
            "paid-while-employed",
            "正规就业期间领取灵活就业社保补贴",
            "eligibility.not-exited.not-stopped",
            ("employment",),
            (_c("seed-002", "三（一）1", "是否存在已正规就业、享受养老保险待遇等应停发补贴而未及时停发补贴的情形"),),
            "灵活就业社会保险补贴的所属月内本人在单位正规就业。",
            "Flexible-employment SI subsidy paid for a month in which the person was formally employed.",
            "{name}（{id_number}）{months}在{note}正规就业，仍领取{program_zh}{amount}元。",
            "{name} ({id_number}) was formally employed at {note} in {months} yet drew {program_zh} of {amount} yuan.",
        ),
        paid_while_employed,
    ),
    (
        DetectorSpec(
            "beyond-max-period",
            "超期限发放",
            "payment.excess.beyond-scope",
            ("approvals",),
            (_c("seed-000", "三（二）1", "超标准超范围发放"),),
            "所属期超过自初次核定起的最长补贴期限（距法定退休年龄不足规定年限的，以初次核定时年龄为准可延长至退休）。",
            "A month past the maximum period from first approval (extended to retirement when, at first approva"
            "l, fewer than the set years remained).",
            "{name}（{id_number}）的{program_zh}补贴期限已满（{note}），{months}仍发放{amount}元。",
            "{name} ({id_number}): the {program_zh} period had ended ({note}); {amount} yuan paid for {months}.",
            uses=("persons",),
            issue_note="a month beyond the period is outside the subsidy's scope (超范围)",
        ),
        beyond_max_period,
    ),
    (
        DetectorSpec(
            "above-standard",
            "超标准发放",
            "payment.excess.beyond-standard",
            ("contributions",),
            (
                _c("seed-000", "三（二）1", "超标准超范围发放"),
                _c("seed-003", "附件2 注2", "第7、8栏填写超出标准或范围发放的金额"),
            ),
            "当月发放额超过按实际缴纳的灵活就业社会保险费计算的补贴额（比例及上限按当月参数）。",
            "A month's payment above the share of the counted flexible-worker contributions (ratio and cap as i"
            "n force that month).",
            "{name}（{id_number}）{months}的{program_zh}超标准发放{amount}元（{note}）。",
            "{name} ({id_number}): {program_zh} for {months} exceeds the entitlement by {amount} yuan ({note}).",
        ),
        above_standard,
    ),
    (
        DetectorSpec(
            "short-payment",
            "未足额发放",
            "payment.short",
            ("contributions",),
            (
                _c("seed-000", "三（二）1", "资金发放不及时、不足额"),
                _c("seed-003", "附件2 注3", "第11栏填应发放金额与实际发放金额的差额"),
            ),
            "当月发放额低于按规则计算的应发补贴额。",
            "A month's payment below the entitlement the rules compute.",
            "{name}（{id_number}）{months}的{program_zh}少发{amount}元（{note}）。",
            "{name} ({id_number}): {program_zh} for {months} is {amount} yuan short ({note}).",
        ),
        short_payment,
    ),
    (
        DetectorSpec(
            "no-flexible-contribution",
            "无灵活就业缴费仍发放社保补贴",
            "eligibility.ineligible.contribution-refunded",
            ("contributions",),
            (
                _c(
                    "seed-002",
                    "三（一）1",
                    "是否按规定进行灵活就业登记并以灵活就业身份缴纳社会保险、是否存在因灵活就业社会保险缴费退费原因不符合补贴条件",
                ),
            ),
            "社会保险补贴所属月没有计入的灵活就业身份缴费，或缴费已退费。",
            "SI subsidy for a month with no counted flexible-worker contribution, or with a refunded one.",
            "{name}（{id_number}）{months}无有效灵活就业缴费（{note}），仍发放{program_zh}{amount}元。",
            "{name} ({id_number}) had no counted flexible-worker contribution for {months} ({note}) yet was pai"
            "d {program_zh} of {amount} yuan.",
            issue_note=(
                "no contribution at all is 未以灵活就业身份缴纳社会保险 (not-flexible-insured); the finding records wh"
                "ich in its note, classified under the refund node when refunded"
            ),
        ),
        no_flexible_contribution,
    ),
    (
        DetectorSpec(
            "not-difficulty-person",
            "非就业困难人员享受补贴",
            "eligibility.ineligible.not-difficulty-person",
            ("difficulty",),
            (_c("seed-002", "三（一）1", "重点核查申请人是否为就业困难人员"),),
            "社会保险补贴或公益性岗位补贴的所属月本人不在就业困难人员认定期内（或类别不在当月名单）。",
            "SI or post subsidy for a month in which the person was not an identified employment-difficulty person.",
            "{name}（{id_number}）{months}不是认定的就业困难人员，领取{program_zh}{amount}元。",
            "{name} ({id_number}) was not an identified employment-difficulty person in {months} yet drew {prog"
            "ram_zh} of {amount} yuan.",
        ),
        not_difficulty_person,
    ),
    (
        DetectorSpec(
            "not-one-card",
            "未通过“一卡通”发放",
            "channel.not-one-card",
            (),
            (_c("seed-000", "三（二）1", "应通过“一卡通”发放而不采用“一卡通”发放"),),
            "项目应通过社会保障卡或“一卡通”发放，实际以现金或其他账户发放。",
            "A program paid through the social-security card or one-card paid in cash or to another account.",
            "{name}（{id_number}）的{program_zh}以{note}方式发放{amount}元，未通过“一卡通”。",
            "{name} ({id_number}): {program_zh} of {amount} yuan paid by {note}, not through the one-card.",
        ),
        not_one_card,
    ),
    (
        DetectorSpec(
            "person-many-accounts",
            "一人多卡",
            "cards.multiple",
            (),
            (
                _c("seed-000", "三（二）3", "导致群众“一人多卡”、使用不便的问题"),
                _c("seed-003", "附件2 注6", "第17栏仅指持有两张或两张以上享受惠民惠农财政补贴资金的卡折"),
            ),
            "同一人通过两个以上账户（社保卡除外）领取补贴。",
            "One person paid into two or more accounts (the social-security card not counted).",
            "{name}（{id_number}）通过{note}个账户领取补贴，合计{amount}元。",
            "{name} ({id_number}) was paid into {note} accounts, {amount} yuan in all.",
        ),
        person_many_accounts,
    ),
    (
        DetectorSpec(
            "account-many-persons",
            "一个账户为多人领取",
            "cards.held-by-others",
            (),
            (
                _c("seed-001", "三（三）4", "未经本人同意，私自保管甚至扣押群众“一卡通”的问题"),
                _c("seed-001", "三（三）2", "虚报冒领财政补贴资金"),
            ),
            "同一账户收取两人以上的补贴：代管或冒领线索。",
            "One account receiving money for two or more people: a lead of cards held by others or of false claims.",
            "账户收取{note}人的补贴，其中{name}（{id_number}）{amount}元：疑似代管或冒领。",
            "One account received money for {note} people, {amount} yuan of it for {name} ({id_number}): held b"
            "y another, or claimed falsely.",
        ),
        account_many_persons,
    ),
    (
        DetectorSpec(
            "late-payment",
            "发放不及时",
            "payment.late",
            (),
            (
                _c("seed-004", "二（三）9", "确保在20个工作日内完成补贴发放"),
                _c("seed-000", "三（二）1", "资金发放不及时"),
            ),
            "自申请日次日起按工作日（含法定节假日与调休）计算，超过规定工作日数才发放；第20个工作日发放为按时。",
            "Paid more than the set number of working days after application (statutory holidays and make-up da"
            "ys counted; the application day not counted; paid on the 20th working day is on time).",
            "{name}（{id_number}）的{program_zh}申请后{note}，金额{amount}元。",
            "{name} ({id_number}): {program_zh} paid late after application ({note}), {amount} yuan.",
        ),
        late_payment,
    ),
    (
        DetectorSpec(
            "invalid-id",
            "身份证号无效",
            "management.beneficiary-data",
            (),
            (_c("seed-000", "三（二）1", "没有及时核实更新补贴对象身份信息"),),
            "身份证号校验码错误、出生日期不存在或位数不对。",
            "A resident ID with a wrong check character, an impossible birth date or the wrong length.",
            "{name}的身份证号{id_number}无效（{note}），涉及发放{amount}元。",
            "{name}'s ID {id_number} is invalid ({note}); {amount} yuan paid.",
        ),
        invalid_id,
    ),
    (
        DetectorSpec(
            "accept-and-approve",
            "一人既受理又审核",
            "systems.operations.accept-and-approve",
            (),
            (
                _c("seed-002", "三（三）2", "是否存在一个人既受理又审核业务情况"),
                _c("seed-004", "二（五）14", "推行“受审分离”"),
            ),
            "同一笔发放的受理人与审核人为同一人。",
            "The same operator accepted and approved the payment.",
            "{name}（{id_number}）的{program_zh}由{note}一人受理并审核，涉及{amount}元。",
            "{name} ({id_number}): {program_zh} accepted and approved by the same operator {note}; {amount} yuan.",
        ),
        accept_and_approve,
    ),
    (
        DetectorSpec(
            "staff-beneficiary",
            "经办人员本人领取补贴",
            "conduct.self-dealing",
            ("staff",),
            (_c("seed-000", "三（二）2", "在资金申报审核过程中优亲厚友、吃拿卡要、以权谋私等问题"),),
            "补贴领取人在工作人员名册中。",
            "A beneficiary who is on the staff roster.",
            "{name}（{id_number}）是工作人员（{note}），领取{program_zh}{amount}元。",
            "{name} ({id_number}) is on the staff ({note}) and drew {program_zh} of {amount} yuan.",
        ),
        staff_beneficiary,
    ),
    (
        DetectorSpec(
            "public-payroll",
            "向财政供养人员发放补贴",
            "eligibility.ineligible.public-payroll",
            ("public-payroll",),
            (_c("seed-004", "二（五）13", "坚决防止超范围使用资金、向财政供养人员发放补贴等问题"),),
            "所属月本人为财政供养人员。",
            "Paid for a month in which the person was on the public payroll.",
            "{name}（{id_number}）{months}为财政供养人员（{note}），领取{program_zh}{amount}元。",
            "{name} ({id_number}) was on the public payroll ({note}) in {months} and drew {program_zh} of {amou"
            "nt} yuan.",
        ),
        public_payroll,
    ),
    (
        DetectorSpec(
            "date-order",
            "审批日期顺序异常",
            "management.review-duties",
            (),
            (_c("seed-000", "三（二）1", "没有履行审核审批程序和监督责任"),),
            "发放日期早于审核日期，或审核日期早于申请日期。",
            "Paid before approval, or approved before application.",
            "{name}（{id_number}）的{program_zh}审批顺序异常（{note}），涉及{amount}元。",
            "{name} ({id_number}): {program_zh} dates out of order ({note}); {amount} yuan.",
        ),
        date_order,
    ),
)

EXPRESSIONS: dict[str, Callable[[Context], Table]] = {s.name: f for s, f in _SPECS}


def detectors() -> tuple[DetectorSpec, ...]:
    """Every detector, in the order the engine runs them."""
    return tuple(s for s, _ in _SPECS)


def detector(name: str) -> DetectorSpec:
    for s, _ in _SPECS:
        if s.name == name:
            return s
    raise KeyError(name)
