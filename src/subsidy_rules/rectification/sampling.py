"""Spot-check sampling (重点抽查): choose at least the dated minimum share of units, the weakest reporters first.

Rules, in order (seed 000 四（二）2: 重点检查…发现问题偏少甚至“零报送”的责任单位;
seed 001 五（二）2: 按照不低于30%的比例):

1. ``n`` = the share (``--ratio``, at least the minimum in force —
   ``audit.spot_check.min_ratio``, 30 % from seed 001 — never below it) of
   the units, rounded up;
2. every 零报送 unit (no finding reported) is chosen, even past ``n``;
3. of the slots left, half (rounded up) go to the units with the fewest
   findings per payment (units whose payments are unknown are ranked by
   findings alone, after those whose rate is known);
4. the rest are drawn at random from the units not yet chosen;
5. within each chosen unit that has villages or communities (a ``parent``
   column in the units file), ``--villages N`` of them are drawn at random
   (seed 003 四: 每个区县抽查 10 个村（社区）).

Reproducible: the same units and ``--seed`` give the same choice (ties are
broken by name, then by the seeded generator).
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.core.text import fold
from subsidy_rules.io.json import decode_utf8, read_document, read_input_bytes
from subsidy_rules.parameters import jurisdiction
from subsidy_rules.rectification.errors import LedgerError
from subsidy_rules.rectification.model import ChosenUnit, SpotCheck

MIN_RATIO = "audit.spot_check.min_ratio"
DEFAULT_LAYER = "look-back-2022"

REASONS = {
    "zero-report": "零报送：未报送发现的问题",
    "fewest-findings": "发现问题偏少：每千笔发放发现问题 {rate} 个，列第 {rank} 低",
    "fewest-findings-no-payments": "发现问题偏少：发现问题 {findings} 个（发放笔数未知），列第 {rank} 少",
    "random": "随机抽取",
}


@attrs.frozen
class UnitFacts:
    """A unit in the population: its findings and payments (None: unknown) and its parent (for villages)."""

    unit: str
    findings: int | None = None
    payments: int | None = None
    parent: str | None = None
    zero_report: bool = False


_HEADERS = {
    "unit": ("unit", "单位", "单位名称", "被抽查单位"),
    "findings": ("findings", "发现问题数", "问题数", "发现问题个数"),
    "payments": ("payments", "发放笔数", "笔数", "发放人次"),
    "parent": ("parent", "所属单位", "上级单位", "所属区县"),
}


def read_units_csv(path: str | Path) -> list[UnitFacts]:
    """A units file (CSV, UTF-8): 单位 required; 发现问题数, 发放笔数, 所属单位 optional. Bad cells name their line."""
    raw, name = read_input_bytes(path)
    text = decode_utf8(raw, name)
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        raise LedgerError(Problem.make("ledger-no-units", place=Place(file=name)))
    header = {fold(h): i for i, h in enumerate(rows[0])}
    cols: dict[str, int] = {}
    for field, names in _HEADERS.items():
        for n in names:
            if fold(n) in header:
                cols[field] = header[fold(n)]
                break
    if "unit" not in cols:
        raise LedgerError(
            Problem.make(
                "audit-missing-column",
                place=Place(file=name, line=1, field="单位"),
                field="unit",
                field_zh="单位",
                kind_zh="单位清单",
                kind_en="units file",
                accepted="、".join(_HEADERS["unit"][1:]) or "（无）",
                found="、".join(h for h in rows[0] if h) or "（无）",
                hint_zh="",
                hint_en="",
            )
        )
    out: list[UnitFacts] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue

        def cell(field: str, row: list[str] = row) -> str:
            i = cols.get(field)
            return row[i].strip() if i is not None and i < len(row) else ""

        unit = cell("unit")
        if not unit:
            raise LedgerError(
                Problem.make(
                    "audit-missing-value",
                    place=Place(file=name, line=line, field="单位"),
                    field="unit",
                    field_zh="单位",
                )
            )
        numbers: dict[str, int | None] = {}
        for field in ("findings", "payments"):
            value = cell(field).replace(",", "")
            if not value:
                numbers[field] = None
                continue
            if not value.isdigit():
                raise LedgerError(
                    Problem.make(
                        "audit-bad-amount",
                        place=Place(file=name, line=line, field=field),
                        value=value,
                        field=field,
                        field_zh="发现问题数" if field == "findings" else "发放笔数",
                    )
                )
            numbers[field] = int(value)
        findings = numbers["findings"]
        out.append(UnitFacts(unit, findings, numbers["payments"], cell("parent") or None, findings == 0))
    return out


def units_from_aggregate(path: str | Path) -> list[UnitFacts]:
    """The units of a roll-up (``forms aggregate --format json``): 零报送 where the unit's form was all zero."""
    doc = read_document(path)
    units = doc.get("units")
    if not isinstance(units, list):
        raise DataFileError([Problem.make("json-missing", place=Place(file=str(path), path="$.units"), field="units")])
    out: list[UnitFacts] = []
    for i, u in enumerate(units):
        if not isinstance(u, dict) or not isinstance(u.get("unit"), str):
            raise DataFileError(
                [Problem.make("json-missing", place=Place(file=str(path), path=f"$.units[{i}].unit"), field="unit")]
            )
        if u.get("included", True):
            zero = bool(u.get("all_zero"))
            out.append(UnitFacts(u["unit"], 0 if zero else None, None, None, zero))
    return out


def minimum_ratio(as_of: date, layer: str = DEFAULT_LAYER) -> tuple[Fraction, str]:
    """The minimum share in force on ``as_of`` and its citation as text."""
    ratio, used = jurisdiction(layer).ratio(MIN_RATIO, as_of)
    c = used.citation
    return ratio, f"{c.document_number or c.title} {c.article or ''}".strip()


def draw(
    population: Sequence[UnitFacts],
    *,
    seed: int,
    as_of: date,
    ratio: Decimal | None = None,
    villages: int | None = None,
    layer: str = DEFAULT_LAYER,
) -> SpotCheck:
    """Choose the units to spot-check (see the module's rules); the same inputs and seed give the same choice."""
    minimum, cited = minimum_ratio(as_of, layer)
    share = Fraction(ratio) if ratio is not None else minimum
    if share < minimum or share > 1:
        raise LedgerError(
            Problem.make(
                "ledger-ratio-too-low",
                value=str(ratio),
                minimum=str(Decimal(minimum.numerator) / Decimal(minimum.denominator)),
                as_of=as_of.isoformat(),
                cited=cited,
            )
        )
    top = sorted({u.unit: u for u in population if u.parent is None}.values(), key=lambda u: u.unit)
    if not top:
        raise LedgerError(Problem.make("ledger-no-units"))
    children: dict[str, list[str]] = {}
    for u in population:
        if u.parent is not None:
            children.setdefault(u.parent, []).append(u.unit)
    rng = random.Random(seed)
    n = math.ceil(share * len(top))
    chosen: list[ChosenUnit] = []
    taken: set[str] = set()

    def take(u: UnitFacts, code: str, **fields: Any) -> None:
        chosen.append(ChosenUnit(u.unit, REASONS[code].format(**fields), code, u.findings, u.payments))
        taken.add(u.unit)

    for u in top:
        if u.zero_report:
            take(u, "zero-report")
    left = max(0, n - len(chosen))
    weakest = math.ceil(left / 2)
    rated = [u for u in top if u.unit not in taken and u.findings is not None and u.payments]
    counted = [u for u in top if u.unit not in taken and u.findings is not None and not u.payments]
    rated.sort(key=lambda u: (Fraction(u.findings or 0, u.payments or 1), u.unit))
    counted.sort(key=lambda u: (u.findings or 0, u.unit))
    for rank, u in enumerate([*rated, *counted][:weakest], start=1):
        if u.payments:
            rate = (Decimal(u.findings or 0) * 1000 / Decimal(u.payments)).quantize(Decimal("0.01"))
            take(u, "fewest-findings", rate=rate, rank=rank)
        else:
            take(u, "fewest-findings-no-payments", findings=u.findings, rank=rank)
    rest = [u for u in top if u.unit not in taken]
    for u in rng.sample(rest, min(len(rest), max(0, n - len(chosen)))):
        take(u, "random")
    if villages:
        chosen = [
            attrs.evolve(
                c, villages=tuple(sorted(rng.sample(sorted(children[c.unit]), min(villages, len(children[c.unit])))))
            )
            if c.unit in children
            else c
            for c in chosen
        ]
    used_ratio = Decimal(share.numerator) / Decimal(share.denominator)
    return SpotCheck(
        seed=seed,
        ratio=used_ratio.quantize(Decimal("0.0001")).normalize(),
        minimum_ratio=(Decimal(minimum.numerator) / Decimal(minimum.denominator)).normalize(),
        ratio_cited=cited,
        as_of=as_of,
        population=len(top),
        chosen=tuple(chosen),
        villages_per_unit=villages,
    )
