"""``subsidy-rules forms …``: templates, validation and roll-up of the campaigns' forms.

Exit codes: 0 all files valid (and, for ``aggregate``, the roll-up clean and
written), 1 a file or the roll-up has an error-severity problem (the same
unit given twice included), 2 could not run (an unknown form, a missing
file, a broken ``--layout``, an output equal to an input or with the wrong
extension). Every command takes ``--format text|json``; files are written
atomically (``-o/--output``, ``--out`` a hidden alias).

Every command takes a packaged FORM_ID, or ``--layout FILE.toml`` for a
district's own form (then no FORM_ID is given). Input files are read by
content: .xlsx, .xlsm, .xls, .ods and WPS .et.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from subsidy_rules.cli._common import EXIT_OK, EXIT_PROBLEMS, emit_json, fail, format_option, output_option
from subsidy_rules.forms import batch
from subsidy_rules.forms.loader import FORM_IDS, layout, load_layout
from subsidy_rules.forms.model import FormLayout
from subsidy_rules.forms.problems import FileReport, Problem
from subsidy_rules.forms.template import render
from subsidy_rules.io.files import atomic_write_bytes, check_extension, refuse_same_path
from subsidy_rules.io.json import to_json
from subsidy_rules.io.text import table

layout_option = click.option(
    "--layout",
    "layout_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Use the form defined in this TOML file instead of a packaged FORM_ID.",
)
workers_option = click.option(
    "--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default: one per core)."
)


def _resolve(args: Sequence[str], layout_file: Path | None, *, want_files: bool) -> tuple[FormLayout, list[Path]]:
    """The layout (from FORM_ID or --layout) and the remaining arguments as existing files."""
    rest = list(args)
    if layout_file is not None:
        chosen = load_layout(layout_file)
    else:
        if not rest:
            fail(f"give a FORM_ID ({', '.join(FORM_IDS)}) or --layout FILE.toml")
        chosen = layout(rest.pop(0))
    files = [Path(a) for a in rest]
    if want_files and not files:
        fail("give at least one FILE.xlsx")
    if not want_files and files:
        fail(f"unexpected argument(s): {' '.join(rest)}")
    for f in files:
        if not f.is_file():
            fail(f"no such file: {f}", f"文件不存在：{f}")
    return chosen, files


@click.group()
def forms() -> None:
    """Statistical forms (问题统计表 …): templates, validation, roll-up."""


@forms.command("list")
@format_option
def list_forms(fmt: str) -> None:
    """List the packaged forms."""
    items = [layout(fid) for fid in FORM_IDS]
    if fmt == "json":
        emit_json({"forms": [_layout_summary(lay) for lay in items]})
        return
    rows = [[lay.id, lay.attachment or "", lay.provenance.value, lay.title] for lay in items]
    click.echo(table(["id", "attachment", "provenance", "title"], rows))


def _layout_summary(lay: FormLayout) -> dict[str, Any]:
    return {
        "id": lay.id,
        "title": lay.title,
        "document": lay.document,
        "attachment": lay.attachment,
        "provenance": lay.provenance.value,
        "columns": len(lay.columns),
    }


@forms.command("show")
@click.argument("form_id", required=False)
@layout_option
@format_option
def show(form_id: str | None, layout_file: Path | None, fmt: str) -> None:
    """Show a form's layout (columns, 栏次, provenance of each label, relations)."""
    lay, _ = _resolve([form_id] if form_id else [], layout_file, want_files=False)
    if fmt == "json":
        emit_json({"layout": to_json(lay)})
        return
    click.echo(f"{lay.id}: {lay.title}  [{lay.provenance.value}]")
    rows = []
    for c in lay.columns:
        group = lay.group_of(c.number)
        unit = c.unit or ""
        rows.append([str(c.number), c.label, c.kind.value, unit, group.label if group else "", c.provenance.value])
    click.echo(table(["栏次", "label", "kind", "unit", "group", "provenance"], rows))
    for rel in lay.relations:
        click.echo(f"relation: {rel.text} (blank: {rel.blank.value}, {rel.provenance.value})")


@forms.command("template")
@click.argument("form_id", required=False)
@output_option(required=True, help="FILE.xlsx")
@layout_option
@format_option
def template(form_id: str | None, output: Path, layout_file: Path | None, fmt: str) -> None:
    """Write the blank form FORM_ID to FILE.xlsx (byte-identical for the same layout)."""
    lay, _ = _resolve([form_id] if form_id else [], layout_file, want_files=False)
    check_extension(output, [".xlsx"])
    if layout_file is not None:
        refuse_same_path(output, [layout_file])
    atomic_write_bytes(output, render(lay))
    if fmt == "json":
        emit_json({"output": str(output), "form": lay.id})
    else:
        click.echo(f"wrote {output} ({lay.id})")


def _problem_line(p: Problem) -> str:
    where = " ".join(
        part
        for part in (
            "!".join(x for x in (p.place.sheet, p.place.cell) if x),
            f"row {p.place.row_key}" if p.place.row_key else "",
            f"col {p.place.column}" if p.place.column is not None else "",
        )
        if part
    )
    return f"    [{p.severity.value}] {p.code} {where}: {p.message_zh}"


def _echo_report(report: FileReport) -> None:
    errors = len(report.errors)
    warnings = len(report.problems) - errors
    mark = "OK  " if report.valid else "FAIL"
    unit = f" ({report.unit})" if report.unit else ""
    click.echo(f"{mark} {report.path}{unit}: {errors} error(s), {warnings} warning(s)")
    for p in report.problems:
        click.echo(_problem_line(p))


@forms.command("validate")
@click.argument("args", nargs=-1, metavar="[FORM_ID] FILE...")
@layout_option
@workers_option
@format_option
def validate(args: tuple[str, ...], layout_file: Path | None, workers: int | None, fmt: str) -> None:
    """Validate filled forms; exit 0 when all are valid, 1 when any has an error."""
    lay, files = _resolve(args, layout_file, want_files=True)
    results = batch.validate_files(lay, files, workers=workers)
    report = batch.report_of(results)
    if fmt == "json":
        emit_json(to_json(report))
    else:
        for file_report in report.files:
            _echo_report(file_report)
        valid = sum(1 for f in report.files if f.valid)
        click.echo(f"{valid} of {len(report.files)} file(s) valid")
    sys.exit(EXIT_OK if report.valid else EXIT_PROBLEMS)


@forms.command("aggregate")
@click.argument("args", nargs=-1, metavar="[FORM_ID] FILE...")
@output_option(required=True, help="OUT.xlsx")
@click.option("--include-invalid", is_flag=True, help="Also add up files that failed validation (loudly flagged).")
@click.option(
    "--allow-duplicates",
    is_flag=True,
    help="Write the roll-up even when a unit or a file is given twice (said as warnings).",
)
@click.option("--unit", "unit_name", default=None, help="The roll-up's 填表单位 (default: 汇总（N个单位）).")
@layout_option
@workers_option
@format_option
def aggregate(
    args: tuple[str, ...],
    output: Path,
    include_invalid: bool,
    allow_duplicates: bool,
    unit_name: str | None,
    layout_file: Path | None,
    workers: int | None,
    fmt: str,
) -> None:
    """Add up the units' forms into one form of the same layout (区 → 市); each file is read once."""
    lay, files = _resolve(args, layout_file, want_files=True)
    check_extension(output, [".xlsx"])
    refuse_same_path(output, [*files, *([layout_file] if layout_file else [])])
    results = batch.validate_files(lay, files, workers=workers)
    agg = batch.aggregate(
        lay, results, include_invalid=include_invalid, unit=unit_name, output=None,
        allow_duplicates=allow_duplicates, relative_to=output,
    )  # fmt: skip
    if agg.raw is not None:
        atomic_write_bytes(output, agg.raw)
    invalid = [f.path for f in agg.inputs.files if not f.valid]
    if include_invalid and invalid:
        click.echo(
            f"WARNING: --include-invalid: {len(invalid)} file(s) that FAILED validation are INCLUDED in the roll-up: "
            + ", ".join(invalid),
            err=True,
        )
    if fmt == "json":
        emit_json(to_json(agg.report(str(output))))
    else:
        for file_report in agg.inputs.files:
            _echo_report(file_report)
        _echo_rollup(agg, output)
    sys.exit(EXIT_OK if agg.ok else EXIT_PROBLEMS)




def _echo_rollup(agg: batch.Aggregation, output: Path) -> None:
    for p in agg.problems:
        click.echo(_problem_line(p))
    if agg.rollup is None:
        if any(p.is_error for p in agg.problems):
            click.echo("nothing written: a unit or a file is given twice (use --allow-duplicates if that is intended)")
        else:
            click.echo("no valid file to add up; nothing written")
        return
    included = sum(1 for u in agg.units if u.included)
    click.echo(f"roll-up of {included} of {len(agg.units)} file(s) written to {output}")
    for u in agg.units:
        if not u.included:
            click.echo(f"left out: {u.path} ({u.reason})")
    if agg.rollup.zero_units:
        click.echo(f"零报送 (all zero, check closely): {'、'.join(agg.rollup.zero_units)}")
    for p in agg.rollup.problems:
        click.echo(_problem_line(p))
    if agg.output_report is not None and not agg.output_report.valid:
        click.echo("the roll-up itself does not validate:")
        for p in agg.output_report.problems:
            click.echo(_problem_line(p))
