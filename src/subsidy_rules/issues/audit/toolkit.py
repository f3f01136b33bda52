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
    only, and only where a layer states a local standard (the national 2/3
    is a ceiling: elsewhere only money above it is asserted); for the
    public-welfare post subsidy the standard is a share of the local minimum
    wage that the parameters hold as a placeholder (unconfirmed), so no
    excess or shortfall is asserted for it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.expr.types import Table

from subsidy_rules.issues.audit.spec import Context, Coverage
from subsidy_rules.programs.standards import INSURANCE_TYPES, NO_MINIMUM_EN, NO_MINIMUM_ZH

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
    """Per person and month: the flexible-worker contributions by insurance type, not refunded (fen).

    A contribution counts when it was paid by ``as_of`` (or its date is blank) and not refunded;
    ``any_refunded`` says whether any of the month's contributions was refunded (the node of a
    ``no-flexible-contribution`` lead). ``decide()`` reads a case's contributions the same way.
    """
    con = c.rosters["contributions"]
    flex = con.filter(lambda t: (t.payer == "flexible-worker") & (t.paid_on.isnull() | (t.paid_on <= c.as_of)))
    refunded = flex.refunded.fill_null(False)
    kept = ibis.ifelse(refunded, 0, (flex.amount * 100).cast("int64"))
    flex = flex.mutate(k_pm=flex.month.cast("int64"), is_ref=refunded, kept_fen=kept)
    return flex.group_by([flex.id_number, flex.k_pm]).aggregate(
        **{f"{t}_fen": ibis.ifelse(flex.insurance == t, flex.kept_fen, 0).sum() for t in INSURANCE_TYPES},
        any_refunded=flex.is_ref.any(),
    )


def subsidy_payments(c: Context) -> Table:
    """The payments of the flexible-employment SI subsidy and its graduate variant, with ``variant`` and fen."""
    led = c.ledger.filter(lambda t: of_programs(t, FLEXIBLE_CODES + GRADUATE_CODES))
    return led.mutate(variant=variant(led), amount_fen=(led.amount * 100).cast("int64"))


def _half_up(value: ir.IntegerValue, num: ir.IntegerValue, den: ir.IntegerValue) -> ir.IntegerValue:
    """ROUND_HALF_UP of ``value × num / den`` to a whole number (all non-negative integers)."""
    return (value * num * 2 + den) // (den * 2)


def entitlement_months(c: Context) -> Table:
    """Per person, variant and paid month: paid, counted, cap and entitled amounts in fen.

    From the helper table ``bounds`` (:func:`~subsidy_rules.programs.standards.bound_rows`):

    * ``counted_fen``: the contributions of the types the cap counts (0: not entitled, no
      counted contribution);
    * ``limit_fen``: the national cap, half-up of (counted × cap ratio), at most a layer's monthly cap;
    * ``entitled_fen``: the local standard — half-up of (base × standard ratio) to the fen or the
      whole yuan, the base being the contributions actually paid or the lowest grade's minimums of
      the types actually paid — bounded by the cap; null where there is no counted contribution or
      the entitlement is undetermined (no local standard, or no lowest-grade amount for a type paid);
    * ``basis``: ``entitled``, or why the month is undetermined: ``no-standard`` (the bound row's
      ``not_run_zh`` says it in words) or ``no-minimum``.
    """
    led = subsidy_payments(c)
    pm = led.group_by([led.id_number, led.variant, led.period]).aggregate(paid_fen=led.amount_fen.sum())
    mc = month_contributions(c)
    mc = mc.select(
        c_id=mc.id_number,
        c_pm=mc.k_pm,
        any_refunded=mc.any_refunded,
        **{f"{t}_fen": mc[f"{t}_fen"] for t in INSURANCE_TYPES},
    )
    j = pm.left_join(mc, [pm.id_number == mc.c_id, pm.period == mc.c_pm])
    b = c.helpers["bounds"]
    # which types count, as flags computed on the few bound rows (one per variant and month), not per person
    b = b.mutate(
        b_variant=b.variant,
        b_pm=b.pm,
        **{f"cap_has_{t}": b.cap_counted.contains(t).fill_null(False) for t in INSURANCE_TYPES},
        **{f"std_has_{t}": b.std_counted.contains(t).fill_null(False) for t in INSURANCE_TYPES},
    ).drop("variant", "pm", "cap_counted", "std_counted")
    j = j.join(b, [j.variant == b.b_variant, j.period == b.b_pm])
    paid = {t: j[f"{t}_fen"].fill_null(0) for t in INSURANCE_TYPES}

    def base_of(prefix: str) -> ir.IntegerValue:
        out: ir.IntegerValue = ibis.literal(0, "int64")
        for t in INSURANCE_TYPES:
            out = out + ibis.ifelse(j[f"{prefix}_has_{t}"], paid[t], 0)
        return out

    counted = base_of("cap")
    share = _half_up(counted, j.cap_num, j.cap_den)
    limit = ibis.ifelse(j.cap_fen.notnull() & (j.cap_fen < share), j.cap_fen, share)
    minimum: ir.IntegerValue = ibis.literal(0, "int64")
    missing: ir.BooleanValue = ibis.literal(False)
    for t in INSURANCE_TYPES:
        used = j[f"std_has_{t}"] & (paid[t] > 0)
        lowest = j[f"std_min_{t}_fen"]
        minimum = minimum + ibis.ifelse(used, lowest.fill_null(0), 0)
        missing = missing | (used & lowest.isnull())
    actual = j.std_base == "actual-contribution"
    base = ibis.ifelse(actual, base_of("std"), minimum)
    standard = ibis.ifelse(
        j.std_round == "yuan", _half_up(base, j.std_num, j.std_den * 100) * 100, _half_up(base, j.std_num, j.std_den)
    )
    determined = j.has_standard & (actual | ~missing)
    basis = ibis.ifelse(determined, "entitled", ibis.ifelse(j.has_standard, "no-minimum", "no-standard"))
    return j.select(
        e_id=j.id_number,
        e_variant=j.variant,
        e_pm=j.period,
        paid_fen=j.paid_fen,
        counted_fen=counted,
        limit_fen=limit,
        entitled_fen=ibis.ifelse((counted > 0) & determined, ibis.least(standard, limit), ibis.null("int64")),
        basis=basis,
        any_refunded=j.any_refunded.fill_null(False),
        confirmed=j.confirmed,
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
    """Evidence of the months ``cond`` picks; the money ``at_issue`` (fen) on the month's last payment.

    The note is ``basis|reference|paid|confirmed``: the reference is the entitled amount, or the cap
    where the month is undetermined (fen).
    """
    ent = entitlement(c).filter(cond)
    led = subsidy_payments(c)
    j = led.join(ent, [led.id_number == ent.e_id, led.variant == ent.e_variant, led.period == ent.e_pm])
    w = ibis.window(group_by=[j.id_number, j.variant, j.period], order_by=[j.paid_on.desc(), j.payment_id.desc()])
    j = j.mutate(rank=ibis.row_number().over(w))
    money = ibis.ifelse(j.rank == 0, at_issue(j), 0) / 100
    reference = j.entitled_fen.fill_null(j.limit_fen)
    return evidence(j, money.cast("decimal(18, 2)"), joined(j.basis, reference, j.paid_fen, j.confirmed))


def entitlement_note(note: str) -> tuple[str, str]:
    """``basis|reference|paid|confirmed`` (fen) in words."""
    basis, ref, paid, confirmed = note.split("|")
    r, p = Decimal(ref) / 100, Decimal(paid) / 100
    unconfirmed = confirmed != "true"
    if basis == "entitled":
        zh, en = f"应发{r:.2f}元，实发{p:.2f}元", f"entitled {r:.2f}, paid {p:.2f} yuan"
    else:
        why_zh = "当地未规定（或本库未收录）补贴标准" if basis == "no-standard" else "本地标准所需的最低档缴费额未知"
        why_en = "no local standard is stated" if basis == "no-standard" else "the lowest grade's amount is unknown"
        zh = f"{why_zh}，应享受金额待定；按上限{r:.2f}元检查，实发{p:.2f}元"
        en = f"{why_en}: the amount due is undetermined; checked against the cap {r:.2f}, paid {p:.2f} yuan"
    return (
        zh + ("；所用补贴比例或上限参数未经确认，请核实" if unconfirmed else ""),
        en + ("; the ratio or cap used is unconfirmed: verify" if unconfirmed else ""),
    )


def entitlement_coverage(c: Context) -> Coverage:
    """The paid months a check against the entitled amount cannot judge (undetermined), and why.

    ``judged`` is False when no month in the ledger's range has a local standard at all: then
    such a check does not run (reported as not run, with the reason).
    """
    ent = entitlement(c)
    und = ent.filter(lambda t: t.entitled_fen.isnull() & (t.counted_fen > 0))
    counts = und.group_by([und.e_variant, und.e_pm, und.basis]).aggregate(n=und.count()).to_pyarrow().to_pylist()
    b = c.helpers["bounds"]
    bounds = b.select(b.variant, b.pm, b.has_standard, b.not_run_zh, b.not_run_en).to_pyarrow().to_pylist()
    said = {(r["variant"], r["pm"]): (r["not_run_zh"], r["not_run_en"]) for r in bounds}
    why: dict[tuple[str, str], int] = {}
    for r in counts:
        text = (NO_MINIMUM_ZH, NO_MINIMUM_EN)
        stated = said.get((r["e_variant"], r["e_pm"]))
        if r["basis"] == "no-standard" and stated is not None and stated[0]:
            text = stated
        why[text] = why.get(text, 0) + int(r["n"])
    judged = any(r["has_standard"] for r in bounds)
    skipped = sum(why.values())
    texts = sorted(why)
    return Coverage(
        judged=judged,
        skipped=skipped,
        why_zh="；".join(zh for zh, _ in texts) or None,
        why_en="; ".join(en for _, en in texts) or None,
    )
