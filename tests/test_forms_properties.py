"""Properties of the forms engine: the round trip through a workbook and the roll-up algebra."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from subsidy_rules.forms import FORM_IDS, FormData, layout, read_bytes, render, roll_up
from subsidy_rules.forms.data import column_sums
from subsidy_rules.forms.model import ColumnKind, HeaderRole, RowAxisKind
from subsidy_rules.forms.rollup import UnitInput
from subsidy_rules.forms.validate import check_relations, validate_data
from tests.strategies import additive_units, form_data

WUHAN = layout("wuhan-2022-problem-stats")
SCREENING = layout("tongchuan-2021-screening")


def _units(forms: list[FormData]) -> list[UnitInput]:
    return [UnitInput(f"{i}-{f.unit}.xlsx", f) for i, f in enumerate(forms)]


def _values(data: FormData) -> dict[tuple[str, int], object]:
    return {(r.key, n): v for r in data.rows for n, v in r.values.items()}


@pytest.mark.parametrize("form_id", FORM_IDS)
@settings(max_examples=25)
@given(data=st.data())
def test_a_filled_template_reads_back_exactly_the_same_values(form_id: str, data: st.DataObject) -> None:
    lay = layout(form_id)
    filled = data.draw(form_data(lay))
    read = read_bytes(lay, render(lay, filled))
    assert read.data is not None
    assert [p for p in read.problems if p.is_error] == []
    assert _values(read.data) == _values(filled)
    assert read.data.totals == filled.totals
    if any(h.role is HeaderRole.REPORTER for h in lay.header_lines):
        assert read.data.unit == filled.unit


@settings(max_examples=60)
@given(units=additive_units(WUHAN))
def test_the_roll_up_is_the_cell_wise_sum_of_the_units(units: list[FormData]) -> None:
    rolled = roll_up(WUHAN, _units(units)).data
    for row in WUHAN.rows.rows:
        for column in WUHAN.additive_columns:
            present = [v for u in units if (v := u.value(row.key, column.number)) is not None]
            expected = sum(present, Decimal(0)) if present else None
            assert rolled.value(row.key, column.number) == expected
    assert rolled.totals == column_sums(WUHAN, rolled.rows)


@settings(max_examples=60)
@given(units=additive_units(WUHAN, min_size=2), seed=st.randoms())
def test_the_order_of_the_units_does_not_matter(units: list[FormData], seed: object) -> None:
    shuffled = list(units)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    first = roll_up(WUHAN, _units(units))
    second = roll_up(WUHAN, [UnitInput(u.path, u.data) for u in sorted(_units(units), key=lambda u: u.path)][::-1])
    assert _values(first.data) == _values(second.data)
    assert first.data.totals == second.data.totals


@settings(max_examples=60)
@given(units=additive_units(WUHAN))
def test_adding_an_all_zero_unit_changes_no_value(units: list[FormData]) -> None:
    zero = FormData.from_values(
        WUHAN, {r.key: {c.number: Decimal(0) for c in WUHAN.additive_columns} for r in WUHAN.rows.rows}, unit="零区"
    )
    before = roll_up(WUHAN, _units(units))
    after = roll_up(WUHAN, [*_units(units), UnitInput("zero.xlsx", zero)])
    for row in WUHAN.rows.rows:
        for column in WUHAN.additive_columns:
            b = before.data.value(row.key, column.number)
            a = after.data.value(row.key, column.number)
            assert (b or Decimal(0)) == a  # a blank cell may become an explicit 0, never another value
    assert "零区" in after.zero_units


@settings(max_examples=40)
@given(units=additive_units(WUHAN, min_size=2, max_size=6), cut=st.integers(1, 5))
def test_a_roll_up_of_roll_ups_equals_the_roll_up_of_all(units: list[FormData], cut: int) -> None:
    cut = min(cut, len(units) - 1)
    left = roll_up(WUHAN, _units(units[:cut]), unit="甲")
    right = roll_up(WUHAN, _units(units[cut:]), unit="乙")
    nested = roll_up(WUHAN, [UnitInput("a", left.data), UnitInput("b", right.data)])
    flat = roll_up(WUHAN, _units(units))
    assert _values(nested.data) == _values(flat.data)
    assert nested.data.totals == flat.data.totals
    assert nested.data.rolled_units == flat.data.rolled_units == len(units)


@st.composite
def _screening_units(draw: st.DrawFn) -> list[FormData]:
    """Units where every relation holds within its rounding tolerance (not necessarily exactly)."""
    cents = st.integers(0, 10**6).map(lambda n: Decimal(n).scaleb(-2))
    slack = st.integers(-2, 2).map(lambda n: Decimal(n).scaleb(-2))  # ≤ the 4-term tolerance of 0.02
    units = []
    for _ in range(draw(st.integers(1, 6))):
        values: dict[str, dict[int, Decimal | None]] = {}
        for row in SCREENING.rows.rows:
            v = {n: draw(cents) for n in (3, 4, 5, 6, 11, 14, 15, 17, 18)}
            v[2] = max(Decimal(0), v[3] + v[4] + v[5] + v[6] + draw(slack))
            v[8] = v[11] + v[14] + v[15]
            v[16] = v[17] + v[18]
            v[1] = v[16] + v[8]
            values[row.key] = dict(v)
        units.append(FormData.from_values(SCREENING, values, unit=f"单位{len(units)}", with_totals=True))
    return units


@settings(max_examples=40)
@given(units=_screening_units())
def test_a_relation_that_holds_on_every_unit_holds_on_the_roll_up_within_tolerance(units: list[FormData]) -> None:
    for unit in units:
        assert check_relations(SCREENING, unit) == []
    rolled = roll_up(SCREENING, _units(units)).data
    assert check_relations(SCREENING, rolled) == []
    assert validate_data(SCREENING, rolled) == []


@settings(max_examples=60)
@given(
    standard=st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False),
    units=additive_units(SCREENING, max_size=4),
)
def test_a_column_that_is_not_summed_never_changes_by_rolling_up(standard: Decimal, units: list[FormData]) -> None:
    with_standard = [
        FormData.from_values(
            SCREENING,
            {r.key: {**r.values, 7: standard} for r in u.rows},
            unit=u.unit,
            with_totals=True,
        )
        for u in units
    ]
    result = roll_up(SCREENING, _units(with_standard))
    assert result.problems == ()
    for row in SCREENING.rows.rows:
        assert result.data.value(row.key, 7) == standard
    assert result.data.totals is not None and 7 not in result.data.totals


@settings(max_examples=25)
@given(data=st.data())
def test_free_row_roll_ups_keep_every_row_of_every_unit(data: st.DataObject) -> None:
    lay = layout("chongqing-2023-problem-list")
    assert lay.rows.kind is RowAxisKind.FREE
    units = [data.draw(form_data(lay)) for _ in range(data.draw(st.integers(1, 4)))]
    rolled = roll_up(lay, _units(units)).data
    serial = [c.number for c in lay.columns if c.kind is ColumnKind.SERIAL]

    def bag(forms: list[FormData]) -> list[str]:
        return sorted(
            repr(sorted((n, v) for n, v in r.values.items() if n not in serial)) for f in forms for r in f.rows
        )

    assert bag([rolled]) == bag(units)
    assert [r.key for r in rolled.rows] == [str(i + 1) for i in range(len(rolled.rows))]
