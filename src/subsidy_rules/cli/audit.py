"""``subsidy-rules audit run``: payment ledger + rosters → findings (疑点), forms, summary.

Exit 0 when no finding, 1 when findings, 2 when the audit could not run.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from subsidy_rules.cli._common import EXIT_PROBLEMS, as_of_option, emit_json, fail, format_option, output_option
from subsidy_rules.core.files import staged_directory


@click.group()
def audit() -> None:
    """Audit a payment ledger (发放台账) against rosters: findings are leads (疑点) with evidence."""


def _progress(name: str, i: int, n: int) -> None:
    width = 30
    done = int(width * i / n) if n else width
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {i}/{n} {name:<28}")
    if name == "done":
        sys.stderr.write("\n")
    sys.stderr.flush()


@audit.command("run")
@click.argument("ledger", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--roster",
    "rosters",
    multiple=True,
    metavar="KIND=FILE",
    help=(
        "A roster: deaths, pensions, employment, public-payroll, persons, contributions, difficulty, staff, approvals."
    ),
)
@click.option(
    "--jurisdiction", default=None, help="Packaged parameter layer (national, hubei, wuhan, jianghan, chongqing)."
)
@click.option(
    "--layer",
    "layers",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A user's parameter layer (TOML).",
)
@as_of_option
@click.option("--only", default=None, help="Comma-separated detector names to run.")
@click.option("--memory-limit", default=None, help="DuckDB memory limit, e.g. 2GB (larger work spills to disk).")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True)
@click.option("--unit", default=None, help="Reporting unit written on the forms (default: the ledger's units).")
@output_option(required=True, dir_okay=True, help="Output folder")
@format_option
def run(
    ledger: Path,
    rosters: tuple[str, ...],
    jurisdiction: str | None,
    layers: tuple[Path, ...],
    as_of: date | None,
    only: str | None,
    memory_limit: str | None,
    engine: str,
    unit: str | None,
    output: Path,
    fmt: str,
) -> None:
    """Run the detectors on LEDGER (CSV, XLSX or Parquet; Chinese or English headers)."""
    from subsidy_rules.forms.fill import fill_from_audit
    from subsidy_rules.issues.audit import audit as run_audit
    from subsidy_rules.issues.audit.outputs import summary, write_all

    pairs: dict[str, Path] = {}
    for item in rosters:
        kind, sep, path = item.partition("=")
        if not sep or not path:
            fail(f"--roster expects KIND=FILE, got {item!r}", f"--roster 应为 类别=文件，收到 {item!r}")
        pairs[kind.strip()] = Path(path)
    chosen = [n.strip() for n in only.split(",") if n.strip()] if only else None
    show = _progress if sys.stderr.isatty() else None
    result = run_audit(
        ledger,
        pairs,
        jurisdiction=jurisdiction,
        layers=layers,
        as_of=as_of,
        only=chosen,
        memory_limit=memory_limit,
        engine=engine,
        progress=show,
    )
    with staged_directory(output) as stage:
        write_all(result, stage)
        fill_from_audit(result, stage / "forms", unit)
    doc = summary(result)
    if fmt == "json":
        emit_json({"output": str(output), **doc})
    else:
        click.echo(
            f"付款记录 {result.payments} 笔；疑点 {len(result.findings)} 条，"
            f"涉及金额 {doc['amount_yuan']} 元（均为待核实疑点）"
        )
        for r in doc["detectors"]:
            state = (
                f"{r['findings']:>5} 条 {r['amount_yuan']:>12} 元" if r["ran"] else f"未运行（{r['not_run_reason']}）"
            )
            click.echo(f"  {r['name']:<26} {r['name_zh']:<20} {state}")
        rejected = sum(i["rows_rejected"] for i in doc["inputs"])
        if rejected:
            click.echo(f"未纳入核查的行 {rejected} 行（见 summary.json problems）")
        click.echo(f"输出：{output}")
    if result.findings:
        sys.exit(EXIT_PROBLEMS)
