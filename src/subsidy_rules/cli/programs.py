"""``subsidy-rules programs list|show|find``."""

from __future__ import annotations

import sys

import click

from subsidy_rules.cli._common import EXIT_PROBLEMS, emit_json, format_option
from subsidy_rules.core.problem import FIELD_LIMIT, show_value
from subsidy_rules.io.json import to_json
from subsidy_rules.io.text import table
from subsidy_rules.programs import Program, catalogue


@click.group()
def programs() -> None:
    """The program catalogue (项目资金名称)."""


def _row(p: Program, catalogue_id: str | None) -> list[str]:
    src = p.source_in(catalogue_id) if catalogue_id else (p.sources[0] if p.sources else None)
    where = ""
    if src is not None:
        where = src.catalogue + (f" #{src.row}" if src.row else "")
    return [p.code, p.name_zh, p.fund_item.name_zh, where]


@programs.command("list")
@click.option("--catalogue", "catalogue_id", metavar="ID", help="Only one source's list, in its order.")
@format_option
def list_(catalogue_id: str | None, fmt: str) -> None:
    """List programs, all or one catalogue's."""
    cat = catalogue()
    items = cat.programs_in(catalogue_id) if catalogue_id else list(cat)
    if fmt == "json":
        info = cat.catalogue(catalogue_id) if catalogue_id else None
        emit_json(
            {
                "catalogue": catalogue_id,
                "title_zh": info.title_zh if info else None,
                "catalogues": [c.id for c in cat.catalogues],
                "programs": [to_json(p) for p in items],
            }
        )
        return
    if catalogue_id:
        info = cat.catalogue(catalogue_id)
        click.echo(f"{info.title_zh}\n{info.title_en}\n")
    click.echo(table(["code", "名称", "资金项目", "来源"], [_row(p, catalogue_id) for p in items]))
    click.echo(f"\n{len(items)} programs")


def _describe(p: Program) -> str:
    lines = [
        f"{p.name_zh}  ({p.code})",
        p.name_en,
        "",
        f"资金项目 fund item : {p.fund_item.name_zh} ({p.fund_item.value})",
        f"资金来源 fund      : {p.fund.name_zh if p.fund else '（来源未载明 not stated）'}",
        f"层级 level         : {p.level.name_zh if p.level else '—'}",
        f"对象 beneficiary   : {p.beneficiary.name_zh if p.beneficiary else '—'}",
        f"发放渠道 channel   : {p.channel.name_zh if p.channel else '—'}",
    ]
    if p.aliases:
        lines.append(f"别名 aliases       : {'、'.join(p.aliases)}")
    if p.parts:
        lines.append(f"包含 parts         : {', '.join(p.parts)}")
    if p.note:
        lines.append(f"说明 note          : {p.note}")
    lines.append("")
    lines.append("来源 sources:")
    for s in p.sources:
        row = f" 第{s.row}行" if s.row else ""
        seed = f" [seed {s.seed}]" if s.seed else ""
        lines.append(f"  - {s.catalogue}: {s.table or ''}{row} “{s.text}”{seed}")
    lines.append("依据 citations:")
    for c in p.citations:
        flag = "" if c.confirmed else "  (unconfirmed)"
        lines.append(f"  - {c.label} — {c.title}{flag}")
    return "\n".join(lines)


@programs.command("show")
@click.argument("code")
@format_option
def show(code: str, fmt: str) -> None:
    """Show one program by code (or exact name) with its sources and citations."""
    p = catalogue().lookup(code)
    if fmt == "json":
        emit_json({"program": to_json(p)})
    else:
        click.echo(_describe(p))


@programs.command("find")
@click.argument("text")
@format_option
def find(text: str, fmt: str) -> None:
    """Find programs by name, alias or part of a name; exit 1 when nothing matches."""
    cat = catalogue()
    matches = cat.find(text)
    suggestions = [] if matches else cat.suggest(text)
    if fmt == "json":
        emit_json(
            {
                "query": text,
                # Each match keeps the program's one JSON shape, with how it matched beside it.
                "matches": [{"match": m.how, "program": to_json(m.program)} for m in matches],
                "suggestions": suggestions,
            }
        )
    elif matches:
        click.echo(table(["code", "名称", "match"], [[m.program.code, m.program.name_zh, m.how] for m in matches]))
    else:
        hint = f" Did you mean: {'、'.join(suggestions)}?" if suggestions else ""
        click.echo(f"No program matches {show_value(text, FIELD_LIMIT)!r}.{hint}")
    if not matches:
        sys.exit(EXIT_PROBLEMS)
