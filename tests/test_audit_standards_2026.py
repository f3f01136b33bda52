"""The audit in 2026: a ceiling is not a standard, and the 2026 fund text is named as unverified.

Hand-computed expectations (written before the code ran). Every person pays, as a flexible worker,
900.00 of pension and 300.00 of medical insurance in each month 2026-01..2026-03:

* national cap: 2/3 × (900 + 300) = 800.00 a month;
* 常州's own standard: 50 % × (900 + 300) = 600.00 ≤ 800.00 → entitled 600.00;
* 武汉 states no standard: the amount due is undetermined, only the cap 800.00 is known.

Person A is paid 600.00 (Jan), 650.00 (Feb), 850.00 (Mar); person B 500.00 (Jan) and 600.00 (Feb).

* in 常州: A's January is its own standard (no lead); February is 50.00 and March 250.00 above the
  entitlement → one ``above-standard`` finding of 300.00; B's January is 100.00 short → one
  ``short-payment`` finding of 100.00; nothing else;
* in 武汉: only A's March is found, 850.00 − 800.00 = 50.00 above the cap; ``short-payment`` is not
  run, and says why in Chinese; the five paid person-months are counted as undetermined;
* 财社〔2026〕1号 governs from 2026-01-09, so from the month 2026-02 (a month is judged by its first
  day, as ``decide()`` does): every finding about February or March names it and says its articles
  were not read; B's January shortfall falls under 财社〔2023〕181号 and carries no such note.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from subsidy_rules.core.month import Month
from subsidy_rules.issues.audit import AuditResult, audit
from subsidy_rules.issues.audit.sample import ledger_row, write

A = "420103197501010118"
B = "420103197502020114"
AS_OF = date(2026, 3, 31)
PAID = {
    A: {"2026-01": "600.00", "2026-02": "650.00", "2026-03": "850.00"},
    B: {"2026-01": "500.00", "2026-02": "600.00"},
}
CHECKS = ["above-standard", "short-payment", "no-flexible-contribution"]


def _run(tmp_path: Path, jurisdiction: str) -> AuditResult:
    ledger = [
        ledger_row({"payment_id": f"{who[-4:]}-{month}", "id_number": who, "period": month, "amount": amount})
        for who, months in PAID.items()
        for month, amount in months.items()
    ]
    contributions = [
        {
            "id_number": who,
            "month": f"2026-{m:02d}",
            "insurance": insurance,
            "payer": "flexible-worker",
            "amount": amount,
            "paid_on": f"2026-{m:02d}-03",
            "refunded": "否",
        }
        for who in PAID
        for m in (1, 2, 3)
        for insurance, amount in (("pension", "900.00"), ("medical", "300.00"))
    ]
    paths = write({"ledger": ledger, "contributions": contributions}, tmp_path / jurisdiction, headers="en")
    return audit(
        paths["ledger"], {"contributions": paths["contributions"]}, jurisdiction=jurisdiction, as_of=AS_OF, only=CHECKS
    )


def _found(result: AuditResult) -> set[tuple[str, str, tuple[str, ...], Decimal]]:
    return {(f.detector, f.id_number, tuple(map(str, f.months)), f.amount_yuan) for f in result.findings}


def test_a_district_paying_its_own_lower_standard_gets_no_short_payment_lead_and_excess_is_still_found(
    tmp_path: Path,
) -> None:
    result = _run(tmp_path, "changzhou")
    assert _found(result) == {
        ("above-standard", A, ("2026-02", "2026-03"), Decimal("300.00")),
        ("short-payment", B, ("2026-01",), Decimal("100.00")),
    }
    excess = next(f for f in result.findings if f.detector == "above-standard")
    assert "应发600.00元，实发650.00元" in excess.explanation_zh
    runs = {r.name: r for r in result.runs}
    assert runs["short-payment"].ran and runs["short-payment"].skipped == 0
    assert not [p for p in result.problems if p.code == "audit-months-undetermined"]


def test_without_a_local_standard_only_money_above_the_cap_is_found_and_the_shortfall_check_is_not_run(
    tmp_path: Path,
) -> None:
    result = _run(tmp_path, "wuhan")
    assert _found(result) == {("above-standard", A, ("2026-03",), Decimal("50.00"))}
    (excess,) = result.findings
    assert "应享受金额待定" in excess.explanation_zh and "按上限800.00元检查" in excess.explanation_zh
    assert "undetermined" in excess.explanation_en
    short = next(r for r in result.runs if r.name == "short-payment")
    assert not short.ran and short.skipped == 5
    assert short.reason is not None and "不判断少发和应享未享" in short.reason
    assert short.reason_en is not None and "ceiling" in short.reason_en
    (said,) = [p for p in result.problems if p.code == "audit-months-undetermined"]
    assert "short-payment" in said.message_zh and "5个人月" in said.message_zh


def test_a_finding_about_a_2026_month_names_the_2026_text_and_says_it_is_unverified(tmp_path: Path) -> None:
    seen = 0
    for jurisdiction in ("changzhou", "wuhan"):
        for f in _run(tmp_path, jurisdiction).findings:
            if f.months[-1] < Month(2026, 2):
                assert "2026〕1号" not in f.explanation_zh
                continue
            seen += 1
            assert "财社〔2026〕1号" in f.explanation_zh and "尚未核读" in f.explanation_zh, f.explanation_zh
            assert "财社〔2026〕1号" in f.explanation_en and "not read" in f.explanation_en
    assert seen == 2
    excess = next(f for f in _run(tmp_path, "changzhou").findings if f.detector == "above-standard")
    assert "2026-02、2026-03适用财社〔2026〕1号（自2026-01-09起）" in excess.explanation_zh


def test_a_finding_about_2025_months_carries_no_note_of_the_2026_text(tmp_path: Path) -> None:
    from subsidy_rules.issues.audit import detector
    from subsidy_rules.issues.audit.sample import SAMPLE_LAYER, example_rows

    paths = write(example_rows(detector("above-standard").examples), tmp_path, headers="en")
    result = audit(
        paths["ledger"],
        {"contributions": paths["contributions"]},
        as_of=date(2025, 12, 31),
        layers=[SAMPLE_LAYER],
        only=["above-standard"],
    )
    (f,) = result.findings
    assert "2026" not in f.explanation_zh


def test_a_standard_on_the_lowest_grade_without_its_amounts_runs_the_shortfall_check_and_counts_what_it_skipped(
    tmp_path: Path,
) -> None:
    # 乌海 states a standard (2/3 of the lowest grade's contributions) but not the grade's amounts: every
    # month is undetermined; the check runs (a standard exists), judges nothing and says how much it skipped
    result = _run(tmp_path, "wuhai")
    assert _found(result) == {("above-standard", A, ("2026-03",), Decimal("50.00"))}
    short = next(r for r in result.runs if r.name == "short-payment")
    assert short.ran and short.skipped == 5 and short.findings == 0
    assert short.note_zh is not None and "5个人月" in short.note_zh and "最低档" in short.note_zh
    assert short.note_en is not None and "lowest grade" in short.note_en
    (said,) = [p for p in result.problems if p.code == "audit-months-undetermined"]
    assert "最低档" in said.message_zh
