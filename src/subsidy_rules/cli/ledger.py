"""``subsidy-rules ledger …``: the rectification ledger (整改台账) — import, verify, rectify, 销号, report.

The ledger is ``--db PATH`` (an SQLite file, created readable by its owner
only on first use), ``--db postgresql://…``, or ``$SUBSIDY_RULES_DB``.
Exit codes: 0 done; 1 ``ledger fill`` wrote a form that does not validate;
2 could not run — an unknown item, a move not allowed, a missing field, a
deadline that is not a date, a conflict with someone else's change, a bad
input line, a file that is not a ledger: one line, and nothing written.
ID numbers and names are masked in every output unless ``--unmasked``.
"""

from __future__ import annotations

import getpass
import hashlib
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import click

from subsidy_rules.cli._common import DATE, EXIT_PROBLEMS, MONTH, emit_json, fail, format_option, output_option
from subsidy_rules.core.files import atomic_output, check_extension
from subsidy_rules.core.month import Month
from subsidy_rules.io.json import to_json
from subsidy_rules.rectification.deadlines import china_day
from subsidy_rules.rectification.importer import detectors_run, read_any
from subsidy_rules.rectification.masking import mask_id, mask_name, mask_text
from subsidy_rules.rectification.model import Attachment, Change, Event, Item, Source
from subsidy_rules.rectification.states import state_machine
from subsidy_rules.rectification.store import ENV, HEAD, Ledger, now

_MONEY = re.compile(r"^\d+(\.\d{1,2})?$")


class MoneyType(click.ParamType[Decimal, Any]):
    """An amount in 元: digits with at most two decimals (``1234.50``), never negative."""

    name = "YUAN"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Decimal:
        text = str(value).strip().replace(",", "")
        if not _MONEY.match(text):
            self.fail(f"{value} is not an amount in yuan (digits, at most two decimals, such as 1234.50)", param, ctx)
        return Decimal(text)


class StatusType(click.ParamType[str, Any]):
    """A state by its English code or its Chinese name (已核实 = verified)."""

    name = "STATUS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        sm = state_machine()
        for st in sm.states:
            if value in (st.code, st.name_zh):
                return st.code
        allowed = ", ".join(f"{st.code} ({st.name_zh})" for st in sm.states)
        self.fail(f"{value} is not a status (one of: {allowed})", param, ctx)


db_option = click.option(
    "--db",
    "db",
    default=None,
    metavar="PATH|URL",
    help=f"The ledger: an SQLite file (created on first use) or postgresql://… [default: ${ENV}]",
)
unmasked_option = click.option(
    "--unmasked", is_flag=True, help="Show ID numbers and names in full (personal data: not for circulation)."
)


@contextmanager
def _open(db: str | None, *, upgrade: bool = False) -> Iterator[Ledger]:
    ledger = Ledger.open(db, upgrade=upgrade)
    try:
        yield ledger
    finally:
        ledger.close()


def shown(item: Item, unmasked: bool) -> Item:
    """The item as circulated: ID number and name masked (also inside the explanations) unless ``unmasked``."""
    if unmasked:
        return item
    return attrs.evolve(
        item,
        id_number=mask_id(item.id_number),
        name=mask_name(item.name),
        explanation_zh=mask_text(item.explanation_zh, item.name),
        explanation_en=mask_text(item.explanation_en, item.name),
    )


def _line(item: Item, today: date) -> str:
    sm = state_machine()
    flags = "【逾期】" if item.overdue(today) else ""
    if not item.detected:
        flags += "【复查未再发现】"
    extra = f"，责任人 {item.owner}，时限 {item.deadline}" if item.owner or item.deadline else ""
    return (
        f"{item.finding_id}  {sm.name_zh(item.status)}{flags}  {item.unit}  {item.name or ''}（{item.id_number}）"
        f"  {item.amount_yuan} 元{extra}"
    )


@click.group()
def ledger() -> None:
    """The rectification ledger (整改台账): import findings, verify, rectify, strike off (销号), report."""


@ledger.command("init")
@db_option
@format_option
def init(db: str | None, fmt: str) -> None:
    """Create the ledger (a new SQLite file is made readable by its owner only)."""
    with _open(db) as lg:
        revision = lg.revision
    if fmt == "json":
        emit_json({"db": _db_name(db), "revision": revision, "head": HEAD})
    else:
        click.echo(f"整改台账已就绪：{_db_name(db)}（结构版本 {revision}）")


@ledger.command("upgrade")
@db_option
@format_option
def upgrade(db: str | None, fmt: str) -> None:
    """Bring an older ledger to this program's schema (SQLite: a copy PATH.rev-OLD.bak is kept first)."""
    with _open(db, upgrade=True) as lg:
        revision = lg.revision
    if fmt == "json":
        emit_json({"db": _db_name(db), "revision": revision, "head": HEAD})
    else:
        click.echo(f"整改台账结构版本：{revision}（最新）")


def _db_name(db: str | None) -> str:
    from subsidy_rules.rectification.store import database_url, shown_url

    return shown_url(database_url(db))


@ledger.command("import")
@click.argument("source", metavar="FILE")
@db_option
@click.option("--by", "by", default=None, help="Who imports (default: the login name).")
@format_option
def import_(source: str, db: str | None, by: str | None, fmt: str) -> None:
    """Import FILE: an audit's findings.jsonl, a ledger export (jsonl), or findings entered by hand (CSV/XLSX).

    Idempotent by finding_id; one transaction; any bad line refuses the whole file.
    """
    read = read_any(source)
    who = by or getpass.getuser()
    with _open(db) as lg:
        if read.is_export:
            summary = lg.import_exported(read.exported, source=read.source)
        else:
            origin = (
                Source.AUDIT
                if source == "-" or source.lower().endswith((".jsonl", ".json", ".ndjson"))
                else (Source.MANUAL)
            )
            ran = detectors_run(source) if origin is Source.AUDIT else None
            summary = lg.import_findings(read.findings, source=read.source, by=who, origin=origin, detectors_run=ran)
    for w in read.warnings:
        click.echo(f"warning: {w}", err=True)
    if fmt == "json":
        emit_json({"import": to_json(summary), "warnings": to_json(list(read.warnings))})
        return
    click.echo(
        f"读入 {summary.read} 条：新增 {summary.added}，变化 {summary.changed}，"
        f"复查未再发现 {summary.no_longer_detected}，"
        f"再次发现 {summary.detected_again}，未变 {summary.unchanged}"
    )


@ledger.command("list")
@db_option
@click.option("--status", type=StatusType(), default=None, help="Only items in this state (code or 中文名).")
@click.option("--unit", default=None, help="Only this unit's items.")
@click.option("--program", default=None, help="Only this program (catalogue code).")
@click.option("--detector", default=None, help="Only this detector's items (manual: entered by hand).")
@click.option("--overdue", is_flag=True, help="Only items being rectified past their deadline.")
@click.option("--as-of", "as_of", type=DATE, default=None, help="Judge overdue as of this day (default: today).")
@unmasked_option
@format_option
def list_(
    db: str | None,
    status: str | None,
    unit: str | None,
    program: str | None,
    detector: str | None,
    overdue: bool,
    as_of: date | None,
    unmasked: bool,
    fmt: str,
) -> None:
    """List items (by unit, then finding id); overdue ones are flagged."""
    today = as_of or china_day(now())
    with _open(db) as lg:
        items = lg.items(
            status=status, unit=unit, program=program, detector=detector, overdue_on=today if overdue else None
        )
    late = [i.finding_id for i in items if i.overdue(today)]
    if fmt == "json":
        emit_json(
            {
                "as_of": today,
                "masked": not unmasked,
                "count": len(items),
                "overdue": late,
                "items": [to_json(shown(i, unmasked)) for i in items],
            }
        )
        return
    for i in items:
        click.echo(_line(shown(i, unmasked), today))
    click.echo(f"共 {len(items)} 条" + (f"，其中逾期 {len(late)} 条" if late else ""))


@ledger.command("show")
@click.argument("finding_id")
@db_option
@unmasked_option
@format_option
def show(finding_id: str, db: str | None, unmasked: bool, fmt: str) -> None:
    """Show one item and the moves open to it."""
    with _open(db) as lg:
        item = lg.get(finding_id)
    sm = state_machine()
    moves = sm.moves_from(item.status)
    today = china_day(now())
    if fmt == "json":
        emit_json(
            {
                "item": to_json(shown(item, unmasked)),
                "overdue": item.overdue(today),
                "moves": [{"to": m.target, "name_zh": m.name_zh, "requires": list(m.requires)} for m in moves],
            }
        )
        return
    it = shown(item, unmasked)
    click.echo(_line(it, today))
    click.echo(
        f"  问题类型：{it.issue}；项目：{it.program or '（多个项目）'}；核查规则：{it.detector}；版本 {it.version}"
    )
    click.echo(f"  {it.explanation_zh}")
    for label, value in (("整改措施", it.measure), ("整改情况", it.done), ("追回金额（元）", it.recovered_yuan)):
        if value is not None:
            click.echo(f"  {label}：{value}")
    if moves:
        click.echo(
            "  可办理：" + "；".join(f"{m.name_zh} → {sm.name_zh(m.target)}（--status {m.target}）" for m in moves)
        )


def _attachment(path: Path) -> Attachment:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return Attachment(path.name, digest.hexdigest(), size)


@ledger.command("update")
@click.argument("finding_id")
@db_option
@click.option("--status", type=StatusType(), default=None, help="The new state (code or 中文名); none: an edit.")
@click.option("--by", "by", required=True, help="Who makes the change (recorded in the history).")
@click.option("--note", default=None, help="The reason, or what was done.")
@click.option("--owner", default=None, help="The person responsible for the rectification (责任人).")
@click.option("--measure", default=None, help="The rectification measure (整改措施).")
@click.option("--deadline", type=DATE, default=None, help="The deadline (整改时限), YYYY-MM-DD.")
@click.option(
    "--within", type=click.IntRange(1, 366), default=None, help="The deadline in N working days (调休 counted)."
)
@click.option("--recovered-yuan", "recovered", type=MoneyType(), default=None, help="Money recovered, in 元.")
@click.option(
    "--attach",
    "attach",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file to record (by name and SHA-256); repeatable.",
)
@click.option("--expect-version", type=int, default=None, help="Refuse if the item is no longer at this version.")
@unmasked_option
@format_option
def update_(
    finding_id: str,
    db: str | None,
    status: str | None,
    by: str,
    note: str | None,
    owner: str | None,
    measure: str | None,
    deadline: date | None,
    within: int | None,
    recovered: Decimal | None,
    attach: tuple[Path, ...],
    expect_version: int | None,
    unmasked: bool,
    fmt: str,
) -> None:
    """Move an item to another state (or edit it), with its event in the same transaction."""
    if deadline is not None and within is not None:
        fail("give --deadline or --within, not both", "--deadline 与 --within 只能给一个")
    if not by.strip():
        fail("--by must name a person", "--by 须填写办理人")
    change = Change(
        by=by.strip(),
        status=status,
        note=note,
        owner=owner,
        measure=measure,
        deadline=deadline,
        within_working_days=within,
        recovered_yuan=recovered,
        attachments=tuple(_attachment(p) for p in attach),
        expect_version=expect_version,
    )
    with _open(db) as lg:
        item = lg.update(finding_id, change)
    if fmt == "json":
        emit_json({"item": to_json(shown(item, unmasked))})
        return
    click.echo(_line(shown(item, unmasked), china_day(now())))


def _event_line(e: Event) -> str:
    sm = state_machine()
    move = f"{sm.name_zh(e.from_status)} → {sm.name_zh(e.to_status)}" if e.from_status and e.to_status else ""
    parts = [f"#{e.seq}", e.at.astimezone().strftime("%Y-%m-%d %H:%M"), e.by, e.kind.name_zh, move]
    if e.note:
        parts.append(f"说明：{e.note}")
    if e.changes:
        parts.append("；".join(f"{k}={v}" for k, v in sorted(e.changes.items())))
    parts += [f"附件：{a.file_name}（sha256 {a.sha256[:12]}…）" for a in e.attachments]
    return "  ".join(p for p in parts if p)


@ledger.command("history")
@click.argument("finding_id")
@db_option
@format_option
def history(finding_id: str, db: str | None, fmt: str) -> None:
    """Every event of an item, oldest first (append-only)."""
    with _open(db) as lg:
        events = lg.history(finding_id)
    if fmt == "json":
        emit_json({"finding_id": finding_id, "history": to_json(list(events))})
        return
    for e in events:
        click.echo(_event_line(e))


@ledger.command("export")
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "xlsx"]),
    default="jsonl",
    show_default=True,
    help="jsonl: every item with its history (import reads it back); xlsx: for people.",
)
@output_option(help="Write here (atomically); jsonl without -o goes to standard output.")
@unmasked_option
def export(db: str | None, fmt: str, output: Path | None, unmasked: bool) -> None:
    """Export the whole ledger; ID numbers and names masked unless --unmasked (a masked export cannot be imported)."""
    from subsidy_rules.rectification.exporting import export_jsonl_lines, write_export_xlsx

    with _open(db) as lg:
        if fmt == "xlsx":
            if output is None:
                fail("ledger export --format xlsx needs -o FILE.xlsx", "导出 xlsx 须用 -o 指定文件")
            check_extension(output, [".xlsx"])
            write_export_xlsx(lg, output, unmasked=unmasked)
            click.echo(str(output), err=True)
            return
        lines = export_jsonl_lines(lg, unmasked=unmasked)
        if output is None:
            for line in lines:
                sys.stdout.write(line + "\n")
            return
        with atomic_output(output) as fh:
            for line in lines:
                fh.write((line + "\n").encode("utf-8"))


@ledger.command("report")
@db_option
@click.option("--month", type=MONTH, required=True, help="The month reported, YYYY-MM.")
@click.option("--as-of", "as_of", type=DATE, default=None, help="Today, for the current month (default: today).")
@click.option("--jurisdiction", default=None, help="Parameter layer of the due day (default: look-back-2022).")
@output_option(help="Also write the report as a workbook for people (.xlsx).")
@unmasked_option
@format_option
def report(
    db: str | None,
    month: Month,
    as_of: date | None,
    jurisdiction: str | None,
    output: Path | None,
    unmasked: bool,
    fmt: str,
) -> None:
    """The month's report: new, verified, excluded, rectifying, rectified, closed and overdue items; money."""
    from subsidy_rules.rectification.report import DEFAULT_JURISDICTION, monthly_report, report_lines, write_report_xlsx

    if output is not None:
        check_extension(output, [".xlsx"])
    with _open(db) as lg:
        rep = monthly_report(lg, month, today=as_of, unmasked=unmasked, layer=jurisdiction or DEFAULT_JURISDICTION)
    if output is not None:
        write_report_xlsx(rep, output)
    if fmt == "json":
        emit_json({"report": to_json(rep)})
        return
    for line in report_lines(rep):
        click.echo(line)


@ledger.command("fill")
@db_option
@click.option("--unit", "unit", required=True, help="The reporting unit written on the forms (填报单位).")
@click.option("--form", "forms", multiple=True, help="Only these forms (default: the three the ledger fills).")
@click.option("--only-unit", default=None, help="Only this unit's items (default: every unit in the ledger).")
@output_option(required=True, dir_okay=True, help="The folder to write the filled forms to.")
@unmasked_option
@format_option
def fill(
    db: str | None,
    unit: str,
    forms: tuple[str, ...],
    only_unit: str | None,
    output: Path,
    unmasked: bool,
    fmt: str,
) -> None:
    """Fill the campaigns' forms from the verified items, then validate each (exit 1 if one does not)."""
    from subsidy_rules.forms import batch
    from subsidy_rules.forms.loader import layout
    from subsidy_rules.rectification.filling import LEDGER_FORMS, fill_from_ledger

    with _open(db) as lg:
        paths = fill_from_ledger(lg, output, unit, forms=forms or LEDGER_FORMS, only_unit=only_unit, unmasked=unmasked)
    valid: dict[str, bool] = {}
    for form_id, path in paths.items():
        result = batch.validate_files(layout(form_id), [path])
        valid[form_id] = batch.report_of(result).valid
    if fmt == "json":
        emit_json({"forms": {k: {"path": str(p), "valid": valid[k]} for k, p in paths.items()}})
    else:
        for k, p in paths.items():
            click.echo(f"{k}: {p}（{'校验通过' if valid[k] else '校验未通过'}）")
    if not all(valid.values()):
        sys.exit(EXIT_PROBLEMS)
