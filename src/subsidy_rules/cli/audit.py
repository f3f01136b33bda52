"""``subsidy-rules audit run``: payment ledger + rosters → findings (疑点), forms, summary.

Exit 0 when no finding, 1 when findings, 2 when the audit could not run — also when it audited
nothing (an empty ledger, every row rejected) or left out more than ``--max-reject-share`` of an
input's rows (unless ``--accept-rejects``): the outputs are written, and say so loudly.
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from subsidy_rules.cli._common import (
    EXIT_CANNOT_RUN,
    EXIT_PROBLEMS,
    CommandError,
    as_of_option,
    emit_json,
    fail,
    format_option,
    output_option,
)
from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.files import staged_directory
from subsidy_rules.core.problem import Problem
from subsidy_rules.core.text import escape_control
from subsidy_rules.io.json import error_payload, to_json


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


def _share(text: str) -> Decimal:
    try:
        value = Decimal(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except InvalidOperation:
        fail(
            f"--max-reject-share expects a share such as 0.2 or 20%, got {text!r}",
            f"--max-reject-share 应为比例（如 0.2 或 20%），收到 {text!r}",
        )
    if not Decimal(0) <= value <= Decimal(1):
        fail(
            f"--max-reject-share must lie between 0 and 1, got {text!r}",
            f"--max-reject-share 应在0与1之间，收到 {text!r}",
        )
    return value


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def _refuse(code: str, value: object, **fields: Any) -> None:
    raise CommandError(Problem.make(code, value=value, **fields))


def _place_zh(problem: Problem) -> str:
    p = problem.place
    parts = [x for x in (p.file, f"工作表“{p.sheet}”" if p.sheet else None) if x]
    if p.line is not None:
        parts.append(f"第{p.line}行")
    if p.field:
        parts.append(f"“{p.field}”列")
    return "，".join(parts)


def _stop_in_chinese(problems: tuple[Problem, ...] | list[Problem]) -> None:
    """Text mode: the reasons a run cannot go on, one Chinese line each, then exit 2 (JSON mode keeps
    the library's error document: the caller re-raises instead)."""
    for p in problems:
        where = _place_zh(p)
        click.echo(_line(f"错误：{where}：{p.message_zh}" if where else f"错误：{p.message_zh}"), err=True)
    sys.exit(EXIT_CANNOT_RUN)


def _line(text: str) -> str:
    return escape_control(text, lines=True)


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
@click.option(
    "--max-reject-share",
    default="0.2",
    show_default=True,
    help="Refuse the run (exit 2) when an input has more than this share of its rows left out (0.2 or 20%).",
)
@click.option("--accept-rejects", is_flag=True, help="Run on even past --max-reject-share (the outputs say so).")
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
    max_reject_share: str,
    accept_rejects: bool,
    output: Path,
    fmt: str,
) -> None:
    """Run the detectors on LEDGER (CSV/TSV, XLSX/XLS/ODS/ET or Parquet; Chinese or English headers)."""
    try:
        _run(
            ledger,
            rosters,
            jurisdiction,
            layers,
            as_of,
            only,
            memory_limit,
            engine,
            unit,
            max_reject_share,
            accept_rejects,
            output,
            fmt,
        )
    except (CommandError, DataFileError) as exc:
        if fmt == "json":
            raise
        _stop_in_chinese(exc.problems if isinstance(exc, DataFileError) else (exc.problem,))


def _run(
    ledger: Path,
    rosters: tuple[str, ...],
    jurisdiction: str | None,
    layers: tuple[Path, ...],
    as_of: date | None,
    only: str | None,
    memory_limit: str | None,
    engine: str,
    unit: str | None,
    max_reject_share: str,
    accept_rejects: bool,
    output: Path,
    fmt: str,
) -> None:
    from subsidy_rules.forms.fill import fill_from_audit
    from subsidy_rules.io.findings import write_all
    from subsidy_rules.issues.audit import audit as run_audit
    from subsidy_rules.issues.audit.outputs import over_limit, reason_zh, summary

    limit = _share(max_reject_share)
    pairs: dict[str, Path] = {}
    for item in rosters:
        kind, sep, path = item.partition("=")
        if not sep or not path:
            fail(f"--roster expects KIND=FILE, got {item!r}", f"--roster 应为 类别=文件，收到 {item!r}")
        if kind.strip() in pairs:
            _refuse("audit-roster-twice", kind.strip())
        pairs[kind.strip()] = Path(path)
    for given in (ledger, *pairs.values(), *layers):
        if _inside(given, output):
            _refuse("audit-output-holds-input", str(output), input=str(given))
    chosen = [n.strip() for n in only.split(",") if n.strip()] if only is not None else None
    if chosen is not None and not chosen:
        _refuse("audit-only-empty", only)
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
        write_all(result, stage, limit)
        fill_from_audit(result, stage / "forms", unit)
    doc = summary(result, limit)
    too_many = over_limit(result, limit)
    if fmt == "json":
        refused = {} if accept_rejects or not too_many else error_payload(too_many[0], too_many[1:])
        emit_json({"output": str(output), "accept_rejects": accept_rejects, **to_json(doc), **refused})
    else:
        for p in too_many:
            click.echo(_line("！！" + p.message_zh), err=True)
        click.echo(
            f"付款记录 {result.payments} 笔；疑点 {doc.findings} 条，"
            f"涉及金额 {doc.amount_yuan} 元（每笔发放只计一次；均为待核实疑点）"
        )
        for r in doc.detectors:
            state = (
                f"{r.findings:>5} 条 {r.amount_yuan!s:>12} 元" if r.ran else f"未运行（{reason_zh(r.not_run_reason)}）"
            )
            click.echo(f"  {r.name:<26} {r.name_zh:<20} {state}")
        for i in doc.inputs:
            line = f"{i.kind_zh}：读取 {i.rows_read} 行，纳入核查 {i.rows_kept} 行，未纳入 {i.rows_rejected} 行"
            if i.sheets_read:
                line += "；已读工作表 " + "、".join(i.sheets_read)
            if i.sheets_skipped:
                line += "；未读 " + "、".join(f"{s.sheet}（{s.reason_zh}）" for s in i.sheets_skipped)
            click.echo(_line(line))
        for p in result.problems:
            if p.severity.value == "warning" and p.place.line is None:
                click.echo(_line("提示：" + p.message_zh))
        if doc.rows_rejected:
            click.echo(
                f"未纳入核查的行 {doc.rows_rejected} 行（见 findings.xlsx“未纳入核查的行”及 summary.json problems）"
            )
        click.echo(_line(f"输出：{output}"))
    if too_many and not accept_rejects:
        sys.exit(EXIT_CANNOT_RUN)
    if doc.findings:
        sys.exit(EXIT_PROBLEMS)
