"""Spot-check sampling (重点抽查) as properties, the masking of personal data, and the states' docs pages."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from subsidy_rules.rectification import LedgerError
from subsidy_rules.rectification.masking import mask_id, mask_name, mask_text
from subsidy_rules.rectification.sampling import UnitFacts, draw, minimum_ratio

AUG = date(2025, 8, 1)

units = st.lists(
    st.tuples(st.integers(0, 30), st.one_of(st.none(), st.integers(1, 5000))), min_size=1, max_size=40
).map(lambda rows: [UnitFacts(f"单位{i:02d}", f, p, None, f == 0) for i, (f, p) in enumerate(rows)])


@given(population=units, seed=st.integers(0, 2**32), extra=st.integers(0, 70))
def test_a_draw_takes_at_least_the_minimum_share_every_zero_reporter_first_and_is_reproducible(
    population: list[UnitFacts], seed: int, extra: int
) -> None:
    ratio = Decimal("0.3") + Decimal(extra) / 100
    check = draw(population, seed=seed, as_of=AUG, ratio=ratio)
    chosen = [c.unit for c in check.chosen]
    zero = sorted(u.unit for u in population if u.zero_report)
    assert len(set(chosen)) == len(chosen)
    assert len(chosen) >= min(len(population), math.ceil(ratio * len(population)))
    assert chosen[: len(zero)] == zero
    assert all(c.reason and c.reason_code for c in check.chosen)
    assert draw(population, seed=seed, as_of=AUG, ratio=ratio) == check


def test_the_fewest_findings_per_payment_come_before_the_random_ones() -> None:
    population = [
        UnitFacts("甲", 10, 1000),
        UnitFacts("乙", 1, 1000),
        UnitFacts("丙", 5, 100),
        UnitFacts("丁", 2, 100),
        UnitFacts("戊", 8, 100),
        UnitFacts("己", 9, 100),
        UnitFacts("庚", 7, 100),
        UnitFacts("辛", 6, 100),
        UnitFacts("壬", 4, 100),
        UnitFacts("癸", 3, 100),
    ]
    check = draw(population, seed=1, as_of=AUG, ratio=Decimal("0.5"))
    # 5 slots, no 零报送: ceil(5/2) = 3 by rate — 乙 1.00‰, 甲 10.00‰, 丁 20.00‰ — then 2 at random
    assert [c.unit for c in check.chosen[:3]] == ["乙", "甲", "丁"]
    assert [c.reason_code for c in check.chosen] == ["fewest-findings"] * 3 + ["random"] * 2
    assert "1.00" in check.chosen[0].reason and "第 1 低" in check.chosen[0].reason


def test_the_minimum_share_is_the_dated_parameter_of_seed_001() -> None:
    ratio, cited = minimum_ratio(AUG)
    assert ratio == Decimal("0.3") and "江财〔2022〕10号" in cited
    with pytest.raises(LedgerError, match="below the minimum"):
        draw([UnitFacts("甲", 1, 1)], seed=1, as_of=AUG, ratio=Decimal("0.29"))
    with pytest.raises(LedgerError):
        draw([], seed=1, as_of=AUG)


def test_villages_are_drawn_within_a_chosen_unit_only() -> None:
    population = [UnitFacts("甲区", 0, 10, None, True), UnitFacts("乙区", 5, 10)]
    population += [UnitFacts(f"甲区{i}村", None, None, "甲区") for i in range(15)]
    population += [UnitFacts(f"乙区{i}村", None, None, "乙区") for i in range(15)]
    check = draw(population, seed=3, as_of=AUG, villages=10)
    assert check.population == 2 and [c.unit for c in check.chosen] == ["甲区"]
    assert len(check.chosen[0].villages) == 10 and all(v.startswith("甲区") for v in check.chosen[0].villages)


def test_personal_data_is_masked_as_the_offices_do() -> None:
    assert mask_id("420103197802071017") == "420103********1017"
    assert mask_id("12345") == "*****"
    assert mask_name("欧阳娜娜") == "欧***" and mask_name(None) is None
    text = "李磊（42010319780207101X）重复领取"
    assert mask_text(text, "李磊") == "李*（420103********101X）重复领取"


def test_every_state_has_a_page_with_its_moves() -> None:
    from subsidy_rules.docs.kinds.ledger_states import KIND
    from subsidy_rules.docs.model import Site

    site = Site([KIND], date(2025, 10, 1), "test")
    pages = {}
    for entry in KIND.entries():
        site.begin_page(1)
        pages[entry.key] = entry.render(site)
    assert set(pages) == {"lead", "verified", "excluded", "rectifying", "rectified", "closed"}
    assert "审核销号" in pages["rectified"] and "须由整改情况记录人以外的人员办理" in pages["rectified"]
    assert "本状态不能再转到其他状态" not in pages["closed"]  # closed can be reopened with a reason
    assert "疑点导入整改台账时即处于本状态" in pages["lead"] or "重新打开" in pages["lead"]
