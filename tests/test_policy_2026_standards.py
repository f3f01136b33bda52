"""Issue 18, a ceiling is not a standard: the national cap, the local standard, and what the audit may assert.

Hand-computed expectations (written before the code ran), a month with pension 900.00 and medical
300.00 paid as a flexible worker (unemployment 50.00 where said):

* national cap: 2/3 × (900 + 300) = 800.00 (unemployment does not count);
* 常州 (50 % of pension + medical actually paid): 600.00 ≤ 800.00 → entitled 600.00; paid 600.00 is
  right (no short payment), paid 650.00 is 50.00 above the entitlement;
* 武汉 (no local standard): undetermined, cap 800.00; paid 600.00 → nothing asserted; paid 850.00 →
  50.00 above the cap; an unpaid month → nothing asserted;
* 乌海 (2/3 of the lowest grade's pension + medical, to the whole yuan) with a user layer giving the
  lowest grade as pension 700.00 and medical 250.00: 2/3 × 950 = 633.33 → 633; pension only (900):
  2/3 × 700 = 466.67 → 467 (≤ cap 600.00); with a lowest grade of 1200 + 300 the standard 1000 is
  bounded by the cap 800.00. Without the grade's amounts the month is undetermined.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from subsidy_rules.core.month import Month
from subsidy_rules.parameters import ParameterSet, jurisdiction, load_layer
from subsidy_rules.programs.difficulty import CategorySpell
from subsidy_rules.programs.eligibility import (
    FLEXIBLE,
    GRADUATE,
    Case,
    Contribution,
    Decision,
    Insurance,
    MonthStatus,
    Payer,
    Payment,
    Person,
    Spell,
    decide,
    decision_text,
)
from subsidy_rules.programs.retirement import RetirementGroup
from subsidy_rules.programs.standards import bound_rows, subsidy_bound

D = Decimal
MAR = Month(2026, 3)


def _case(jur: str, paid: dict[Month, str] | None = None, *, pension: str = "900.00", medical: str = "300.00") -> Case:
    contributions = []
    for i in range(3):
        m = Month(2026, 1) + i
        contributions.append(Contribution(m, Insurance.PENSION, Payer.FLEXIBLE_WORKER, D(pension)))
        if medical:
            contributions.append(Contribution(m, Insurance.MEDICAL, Payer.FLEXIBLE_WORKER, D(medical)))
        contributions.append(Contribution(m, Insurance.UNEMPLOYMENT, Payer.FLEXIBLE_WORKER, D("50.00")))
    payments = tuple(Payment(FLEXIBLE, m, D(a)) for m, a in (paid or {}).items())
    return Case(
        case_id="std",
        jurisdiction=jur,
        person=Person(birth_month=Month(1975, 1), group=RetirementGroup.MALE),
        difficulty=(CategorySpell("long-term-unemployed", date(2025, 12, 1)),),
        flexible_registrations=(Spell(date(2025, 12, 1)),),
        first_approval=date(2026, 1, 5),
        contributions=tuple(contributions),
        payments=payments,
        as_of=date(2026, 3, 31),
    )


def _line(d: Decision, month: Month) -> Any:
    return next(m for m in d.schedule if m.month == month)


def test_changzhou_pays_its_own_standard_of_half_and_gets_no_short_payment_lead() -> None:
    d = decide(_case("changzhou", {Month(2026, 1): "600.00", Month(2026, 2): "650.00"}), FLEXIBLE)
    assert {m.month: m.amount for m in d.schedule} == {Month(2026, k): D("600.00") for k in (1, 2, 3)}
    codes = [(p.code, p.place.month, D(p.detail["amount"])) for p in d.problems if p.detail]
    assert ("paid-above-entitlement", Month(2026, 2), D("50.00")) in codes
    assert not any(c[0] == "paid-short" for c in codes)
    # the month without a payment is entitled and unpaid: that may be asserted where a standard exists
    assert ("entitled-not-paid", Month(2026, 3), D("600.00")) in codes
    assert "ssi.flexible.standard.ratio" in {r.parameter_id for r in d.condition("amount").parameters}


def test_wuhan_without_a_local_standard_is_undetermined_and_only_money_above_the_cap_is_found() -> None:
    d = decide(_case("wuhan", {Month(2026, 1): "600.00", Month(2026, 2): "850.00"}), FLEXIBLE)
    assert {m.status for m in d.schedule} == {MonthStatus.UNDETERMINED}
    first = d.schedule[0]
    assert (first.amount, first.cap, first.reasons) == (None, D("800.00"), ("no-local-standard",))
    assert [(p.code, p.place.month, D(p.detail["amount"])) for p in d.problems] == [
        ("paid-above-cap", Month(2026, 2), D("50.00"))
    ]
    assert d.entitled_months == 0 and d.undetermined_months == 3 and d.total_entitled == D("0.00")
    assert any("应享受金额待定" in n and "不是标准" in n for n in d.notices_zh)
    text = decision_text(d)
    assert "金额待定 undetermined：3 个月" in text and "上限 800.00" in text


def _wuhai(tmp_path: Path, pension: str, medical: str) -> ParameterSet:
    f = tmp_path / "grade.toml"
    f.write_text(
        '[layer]\nid = "grade"\nname_zh = "乌海最低档"\nname_en = "grade"\nlevel = "user"\nparent = "wuhai"\n'
        '[documents.grade]\ntitle = "测试：乌海当年最低档缴费额"\nissuer = "测试"\n'
        + "".join(
            f'[[parameters."ssi.flexible.standard.minimum_contribution.{t}".values]]\n'
            f'from = 2025-07-02\nvalue = "{v}"\ndocument = "grade"\nconfirmed = false\n'
            for t, v in (("pension", pension), ("medical", medical))
        ),
        "utf-8",
    )
    return jurisdiction("wuhai").with_layer(load_layer(f, jurisdiction("wuhai")))


def test_wuhai_pays_two_thirds_of_the_lowest_grade_rounded_to_the_yuan(tmp_path: Path) -> None:
    ps = _wuhai(tmp_path, "700.00", "250.00")
    both = decide(_case("wuhai"), FLEXIBLE, params=ps)
    assert _line(both, MAR).amount == D("633")
    pension_only = decide(_case("wuhai", medical=""), FLEXIBLE, params=ps)
    assert _line(pension_only, MAR).amount == D("467")
    high = decide(_case("wuhai"), FLEXIBLE, params=_wuhai(tmp_path, "1200.00", "300.00"))
    assert _line(high, MAR).amount == D("800.00")  # the standard (1000) bounded by the cap


def test_wuhai_without_the_lowest_grades_amounts_is_undetermined() -> None:
    d = decide(_case("wuhai"), FLEXIBLE)
    assert _line(d, MAR).status is MonthStatus.UNDETERMINED and _line(d, MAR).reasons == ("no-minimum-contribution",)
    b = subsidy_bound(jurisdiction("wuhai"), "flexible", date(2026, 3, 1))
    assert b.standard is not None and b.standard.rounding == "yuan" and b.standard.base == "minimum-contribution"
    assert "最低档" in b.undetermined_zh()


def test_before_wuhais_page_there_is_no_standard_and_the_gap_says_why() -> None:
    b = subsidy_bound(jurisdiction("wuhai"), "flexible", date(2025, 6, 1))
    assert b.standard is None and b.no_standard_reason is not None and "ceiling" in b.no_standard_reason


def test_the_audit_rows_carry_the_cap_the_standard_and_why_a_shortfall_is_not_run() -> None:
    wuhan = {(r["variant"], r["pm"]): r for r in bound_rows(jurisdiction("wuhan"), [MAR])}
    row = wuhan[("flexible", 2026 * 12 + 2)]
    assert (row["cap_num"], row["cap_den"], row["cap_fen"], row["has_standard"]) == (2, 3, None, False)
    assert row["cap_counted"] == ["pension", "medical"]
    assert row["not_run_zh"] is not None and "不判断少发和应享未享" in row["not_run_zh"]
    assert (row["regime"], row["regime_verified"]) == ("财社〔2026〕1号", False)
    assert "尚未与2026年文本核对" in row["unverified_zh"]
    cz = {(r["variant"], r["pm"]): r for r in bound_rows(jurisdiction("changzhou"), [MAR])}
    row = cz[("flexible", 2026 * 12 + 2)]
    assert (row["has_standard"], row["std_num"], row["std_den"], row["std_base"]) == (True, 1, 2, "actual-contribution")
    assert row["std_counted"] == ["pension", "medical"] and row["not_run_zh"] is None
    assert cz[("graduate", 2026 * 12 + 2)]["has_standard"] is False  # Changzhou's graduate standard is not known
    assert bound_rows(jurisdiction("wuhan"), [Month(2010, 1)]) == []  # before any cap


# -- the agreement the audit's set-based checks must keep with decide() ------------------------------

cents = st.integers(min_value=0, max_value=150_000).map(lambda c: D(c).scaleb(-2))
month_plan = st.fixed_dictionaries(
    {"pension": st.none() | cents, "medical": st.none() | cents, "paid": st.none() | cents}
)


def _set_based(rows: list[dict[str, Any]], plan: list[dict[str, Any]]) -> set[tuple[str, Month, Decimal]]:
    """What the audit should find, from ``bound_rows`` and the ledger alone (integers in fen, as SQL would)."""
    by_pm = {r["pm"]: r for r in rows if r["variant"] == "flexible"}
    found: set[tuple[str, Month, Decimal]] = set()
    if all(p["paid"] is None for p in plan):
        return found  # a person the ledger does not pay at all is not in the audit (nor compared by decide)
    for k, p in enumerate(plan):
        month = Month(2026, 1) + k
        r = by_pm[month.year * 12 + month.month - 1]
        paid = {t: int(p[t] * 100) for t in ("pension", "medical") if p[t] is not None}
        counted = sum(v for t, v in paid.items() if t in r["cap_counted"])
        if counted == 0:
            continue  # no counted contribution: another check (no-flexible-contribution) reports it
        cap = (counted * r["cap_num"] * 2 + r["cap_den"]) // (r["cap_den"] * 2)
        if r["cap_fen"] is not None:
            cap = min(cap, r["cap_fen"])
        entitled = None
        if r["has_standard"] and r["std_base"] == "actual-contribution":
            base = sum(v for t, v in paid.items() if t in r["std_counted"])
            entitled = min((base * r["std_num"] * 2 + r["std_den"]) // (r["std_den"] * 2), cap)
        got = None if p["paid"] is None else int(p["paid"] * 100)
        if entitled is None:
            if got is not None and got > cap:
                found.add(("above-cap", month, D(got - cap) / 100))
            continue
        if got is None or got == 0:
            found.add(("entitled-not-paid", month, D(entitled) / 100))
        elif got > entitled:
            found.add(("above-standard", month, D(got - entitled) / 100))
        elif got < entitled:
            found.add(("short-payment", month, D(entitled - got) / 100))
    return found


_NAMES = {
    "paid-above-cap": "above-cap",
    "paid-above-entitlement": "above-standard",
    "paid-short": "short-payment",
    "entitled-not-paid": "entitled-not-paid",
}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["wuhan", "changzhou"]), st.lists(month_plan, min_size=3, max_size=3))
def test_the_set_based_checks_on_bound_rows_agree_with_decide(jur: str, plan: list[dict[str, Any]]) -> None:
    contributions = []
    payments = []
    for k, p in enumerate(plan):
        m = Month(2026, 1) + k
        for t in ("pension", "medical"):
            if p[t] is not None:
                contributions.append(Contribution(m, Insurance(t), Payer.FLEXIBLE_WORKER, p[t]))
        if p["paid"] is not None:
            payments.append(Payment(FLEXIBLE, m, p["paid"]))
    case = Case(
        case_id="agree",
        jurisdiction=jur,
        person=Person(birth_month=Month(1975, 1), group=RetirementGroup.MALE),
        difficulty=(CategorySpell("long-term-unemployed", date(2025, 12, 1)),),
        flexible_registrations=(Spell(date(2025, 12, 1)),),
        first_approval=date(2026, 1, 5),
        contributions=tuple(contributions),
        payments=tuple(payments),
        as_of=date(2026, 3, 31),
    )
    d = decide(case, FLEXIBLE)
    from_decide = {
        (_NAMES[p.code], p.place.month, D(p.detail["amount"])) for p in d.problems if p.code in _NAMES and p.detail
    }
    rows = bound_rows(jurisdiction(jur), [Month(2026, k) for k in (1, 2, 3)])
    assert from_decide == _set_based(rows, plan)
    # and the invariants: an entitlement never exceeds the cap; no standard, no entitlement
    for line in d.schedule:
        if line.status is MonthStatus.ENTITLED:
            assert jur == "changzhou" and line.amount is not None
        if line.status is MonthStatus.UNDETERMINED:
            assert jur == "wuhan" and line.cap is not None


def test_the_graduate_variant_has_its_own_bound_and_the_same_cap() -> None:
    b = subsidy_bound(jurisdiction("wuhan"), "graduate", date(2026, 3, 1))
    assert b.standard is None and b.cap_ratio.numerator == 2 and b.cap_base == "actual-contribution"
    assert GRADUATE.startswith("graduate")
