"""The detectors' toolkit: program groups, the evidence shape, and expressions several queries share.

Keys are computed as plain columns before any join (a join on a key
computed inside the join can explode); every join is an equality join on
such columns, plus range filters afterwards. Ranks (``row_number``) start
at 0 in Ibis. Months are integers, :attr:`~subsidy_rules.core.month.Month.index`
(``year * 12 + month - 1``); :func:`month_index` computes the same number
from a date column.

Limitations:
    The entitlement (``entitlement_months``) is computed for the
    flexible-employment social-insurance subsidy and its graduate variant
    only; for the public-welfare post subsidy the standard is a share of the
    local minimum wage that the parameters hold as a placeholder
    (unconfirmed), so no excess or shortfall is asserted for it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.expr.types import Table

from subsidy_rules.issues.audit.spec import Context

#: payments under these codes count as the flexible-employment SI subsidy (the combined row 39 counts for its part)
FLEXIBLE_CODES = ("flexible-employment-si-subsidy", "difficulty-person-si-subsidy")
GRADUATE_CODES = ("graduate-flexible-employment-si-subsidy", "graduate-si-subsidy")
POST_CODES = ("public-welfare-post-subsidy", "public-welfare-post-si-subsidy", "public-welfare-post-subsidy-and-si")
#: programs paid monthly to a person whose entitlement stops at pension, retirement and death
PERIODIC_CODES = (*FLEXIBLE_CODES, *GRADUATE_CODES, *POST_CODES, "disabled-public-welfare-post-subsidy")
#: programs for employment-difficulty persons only
DIFFICULTY_CODES = (*FLEXIBLE_CODES, *POST_CODES)
#: a month index later than any ledger's
FAR_FUTURE = 10**6


def evidence(t: Table, amount: Any = None, note: Any = None) -> Table:
    """The evidence rows of ``t``: the payment, the money at issue (default: the amount paid), a note."""
    return t.select(
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


def joined(*parts: ir.Value) -> ir.StringValue:
    """The parts as text joined by ``|`` (a blank part is empty text)."""
    out: ir.StringValue = parts[0].cast("string").fill_null("")
    for p in parts[1:]:
        out = out.concat("|", p.cast("string").fill_null(""))
    return out


def month_index(d: ir.DateValue) -> ir.IntegerValue:
    """The :attr:`Month.index` of a date column."""
    return d.year().cast("int64") * 12 + d.month().cast("int64") - 1


def of_programs(t: Table, codes: tuple[str, ...]) -> ir.BooleanValue:
    return t.program.isin(codes)


def first_date(roster: Table, col: str) -> Table:
    """Per person, the earliest ``col`` of a roster."""
    return roster.group_by("id_number").aggregate(**{col: roster[col].min()})


def within_spell(t: Table) -> ir.BooleanValue:
    """The payment's month lies in the spell ``s_start`` .. ``s_end`` (month indexes; open when blank)."""
    return (t.s_start <= t.period) & (t.s_end.isnull() | (t.s_end >= t.period))


def with_birth(t: Table) -> Table:
    """Birth month index and sex from the ID (null when the ID has no readable birth month)."""
    y = t.id_number.substr(6, 4).try_cast("int64")
    m = t.id_number.substr(10, 2).try_cast("int64")
    sex = t.id_number.substr(16, 1).try_cast("int64")
    return t.mutate(
        birth_pm=ibis.ifelse((m >= 1) & (m <= 12) & (t.id_number.length() == 18), y * 12 + m - 1, ibis.null("int64")),
        male=(sex % 2) == 1,
    )


def with_retirement_group(c: Context, t: Table) -> Table:
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


# -- the entitlement (set-based) ------------------------------------------------


def variant(t: Table) -> ir.StringValue:
    """Which rule's parameters a payment is judged by: ``graduate`` or ``flexible``."""
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


def subsidy_payments(c: Context) -> Table:
    """The payments of the flexible-employment SI subsidy and its graduate variant, with ``variant`` and fen."""
    led = c.ledger.filter(lambda t: of_programs(t, FLEXIBLE_CODES + GRADUATE_CODES))
    return led.mutate(variant=variant(led), amount_fen=(led.amount * 100).cast("int64"))


def entitlement_months(c: Context) -> Table:
    """Per person, variant and paid month: paid and entitled amounts in fen (entitled null: no counted contribution)."""
    led = subsidy_payments(c)
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


def entitlement(c: Context) -> Table:
    """The months some entitlement check can report, computed once per run and kept (``Context.shared``).

    Only the months with no entitlement, or paid other than entitled: writing every person-month
    into the kept table cost more than the three checks reading it.
    """
    if "entitlement" not in c.shared:
        expr = entitlement_months(c)
        expr = expr.filter(lambda t: t.entitled_fen.isnull() | (t.paid_fen != t.entitled_fen))
        c.shared["entitlement"] = expr if c.materialise is None else c.materialise("entitlement_months", expr)
    return c.shared["entitlement"]


def entitlement_check(c: Context, cond: Callable[[Table], ir.BooleanValue], at_issue: Callable[[Table], Any]) -> Table:
    """Evidence of the months ``cond`` picks; the money ``at_issue`` (fen) on the month's last payment."""
    ent = entitlement(c).filter(cond)
    led = subsidy_payments(c)
    j = led.join(ent, [led.id_number == ent.e_id, led.variant == ent.e_variant, led.period == ent.e_pm])
    w = ibis.window(group_by=[j.id_number, j.variant, j.period], order_by=[j.paid_on.desc(), j.payment_id.desc()])
    j = j.mutate(rank=ibis.row_number().over(w))
    money = ibis.ifelse(j.rank == 0, at_issue(j), 0) / 100
    return evidence(j, money.cast("decimal(18, 2)"), joined(j.entitled_fen, j.paid_fen, j.ratio_confirmed))


def entitlement_note(note: str) -> tuple[str, str]:
    """``entitled|paid|confirmed`` (fen) in words."""
    ent, paid, confirmed = note.split("|")
    e, p = Decimal(ent) / 100, Decimal(paid) / 100
    unconfirmed = confirmed != "true"
    return (
        f"应发{e:.2f}元，实发{p:.2f}元" + ("；所用补贴比例或上限参数未经确认，请核实" if unconfirmed else ""),
        f"entitled {e:.2f}, paid {p:.2f} yuan"
        + ("; the ratio or cap used is unconfirmed: verify" if unconfirmed else ""),
    )
