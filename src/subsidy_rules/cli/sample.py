"""``subsidy-rules sample``: choose the units to spot-check (重点抽查), the weakest reporters first.

At least the dated minimum share (30 %, seed 001 五（二）2) of the units,
every 零报送 unit first, then those with the fewest findings per payment
(seed 000 四（二）2), the rest at random; within a chosen unit, ``--villages N``
villages or communities (seed 003 四). Reproducible from ``--seed``. The units
come from a units file, a roll-up report (``forms aggregate --format json``)
or the ledger; ``--record --by NAME`` keeps the draw in the ledger.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import click

from subsidy_rules.cli._common import DATE, emit_json, fail, format_option, output_option
from subsidy_rules.core.files import atomic_write_text
from subsidy_rules.io.json import dumps, to_json
from subsidy_rules.rectification.deadlines import china_day
from subsidy_rules.rectification.sampling import UnitFacts, draw, read_units_csv, units_from_aggregate
from subsidy_rules.rectification.store import Ledger, now


@click.command()
@click.option(
    "--units",
    "units_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Units CSV: 单位 (required), 发现问题数, 发放笔数, 所属单位 (for villages).",
)
@click.option(
    "--from-aggregate",
    "aggregate",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A roll-up report (forms aggregate --format json): its 零报送 units come first.",
)
@click.option(
    "--db",
    "db",
    default=None,
    metavar="PATH|URL",
    help="The ledger: findings per unit from it (with --units: the ledger's counts replace the file's).",
)
@click.option(
    "--ratio",
    type=click.FloatRange(0, 1),
    default=None,
    help="Share of units to check (default and minimum: the dated parameter, 30 %).",
)
@click.option(
    "--villages",
    type=click.IntRange(1, 1000),
    default=None,
    help="Villages or communities to draw within each chosen unit (seed 003: 10).",
)
@click.option("--seed", type=int, required=True, help="Seed of the random draw (the same seed, the same choice).")
@click.option("--as-of", "as_of", type=DATE, default=None, help="The day whose minimum share applies (default today).")
@click.option("--record", is_flag=True, help="Keep the draw in the ledger (--db) with its reasons.")
@click.option("--by", "by", default=None, help="Who draws (recorded with --record).")
@output_option(help="Write the draw as a JSON document here (atomically).")
@format_option
def sample(
    units_file: Path | None,
    aggregate: Path | None,
    db: str | None,
    ratio: float | None,
    villages: int | None,
    seed: int,
    as_of: date | None,
    record: bool,
    by: str | None,
    output: Path | None,
    fmt: str,
) -> None:
    """Choose the units to spot-check, each with the reason it was chosen."""
    if units_file is None and aggregate is None and db is None:
        fail("give --units FILE.csv, --from-aggregate REPORT.json or --db", "请给出 --units、--from-aggregate 或 --db")
    if units_file is not None and aggregate is not None:
        fail("give --units or --from-aggregate, not both", "--units 与 --from-aggregate 只能给一个")
    if record and (db is None or not by):
        fail("--record needs --db and --by NAME", "--record 须同时给出 --db 和 --by")
    population: list[UnitFacts] = []
    if units_file is not None:
        population = read_units_csv(units_file)
    elif aggregate is not None:
        population = units_from_aggregate(aggregate)
    ledger = Ledger.open(db) if db is not None else None
    try:
        if ledger is not None:
            counts = ledger.unit_counts()
            if population:
                population = [
                    UnitFacts(u.unit, counts.get(u.unit, 0), u.payments, u.parent, counts.get(u.unit, 0) == 0)
                    if u.parent is None
                    else u
                    for u in population
                ]
            else:
                population = [UnitFacts(unit, n, None, None, n == 0) for unit, n in counts.items()]
        check = draw(
            population,
            seed=seed,
            as_of=as_of or china_day(now()),
            ratio=None if ratio is None else Decimal(str(ratio)),
            villages=villages,
        )
        number = ledger.record_spot_check(check, by=by or "") if record and ledger is not None else None
    finally:
        if ledger is not None:
            ledger.close()
    payload = {"spot_check": to_json(check), "chosen": [{"unit": c.unit, "reason": c.reason} for c in check.chosen]}
    if number is not None:
        payload["recorded_as"] = number
    if output is not None:
        atomic_write_text(output, dumps(payload) + "\n")
    if fmt == "json":
        emit_json(payload)
        return
    click.echo(
        f"共 {check.population} 个单位，按不低于 {check.ratio:%} 的比例"
        f"（最低 {check.minimum_ratio:%}，{check.ratio_cited}）"
        f"抽取 {len(check.chosen)} 个（随机种子 {check.seed}）："
    )
    for i, c in enumerate(check.chosen, start=1):
        click.echo(f"  {i}. {c.unit}：{c.reason}")
        if c.villages:
            click.echo(f"     抽查村（社区）：{'、'.join(c.villages)}")
    if number is not None:
        click.echo(f"已记入整改台账（抽查第 {number} 次）")
