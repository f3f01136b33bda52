"""``subsidy-rules issues tree|show|crosswalk``: the issue taxonomy and its crosswalks."""

from __future__ import annotations

from typing import Any

import click

from subsidy_rules.cli._common import emit_json, format_option
from subsidy_rules.io.json import to_json
from subsidy_rules.io.text import table
from subsidy_rules.issues import Crosswalk, IssueType, Provenance, SourceKind, Taxonomy, taxonomy

_RECONSTRUCTED = "*"


@click.group()
def issues() -> None:
    """The issue taxonomy (问题类型) and its crosswalks to each campaign's lists and forms."""


def _subtree(tx: Taxonomy, issue: IssueType) -> dict[str, Any]:
    """An issue type in its one JSON shape, with its children nested under ``children``."""
    data: dict[str, Any] = to_json(issue)
    return {**data, "children": [_subtree(tx, c) for c in tx.children(issue.code)]}


def _name(issue: IssueType) -> str:
    mark = _RECONSTRUCTED if issue.name_provenance is not Provenance.SOURCE else ""
    return issue.name_zh + mark


@issues.command("tree")
@format_option
def tree(fmt: str) -> None:
    """Show the whole tree, roots first, children indented."""
    tx = taxonomy()
    if fmt == "json":
        emit_json({"count": len(tx), "issues": [_subtree(tx, r) for r in tx.roots()]})
        return
    for issue in tx:
        click.echo(f"{'  ' * issue.depth}{issue.code}  {_name(issue)}  — {issue.name_en}")
    click.echo(f"\n{len(tx)} issue types, {len(tx.roots())} roots. {_RECONSTRUCTED} = our wording, not the seed's.")


def _describe(tx: Taxonomy, issue: IssueType) -> str:
    parent = tx.get(issue.parent) if issue.parent else None
    lines = [
        f"{_name(issue)}  ({issue.code})",
        issue.name_en,
        "",
        f"上级 parent      : {f'{parent.name_zh} ({parent.code})' if parent else '—'}",
        f"类别 kind        : {issue.kind.name_zh} ({issue.kind.value})",
        f"计量 measure     : {issue.measure.name_zh} ({issue.measure.value})",
        f"严重程度 gravity: {issue.gravity.name_zh} ({issue.gravity.value})",
        f"处理 handling    : {'；'.join(h.name_zh for h in issue.handling) or '—'}",
        "",
        f"定义：{issue.definition_zh}",
        f"Definition: {issue.definition_en}",
    ]
    children = tx.children(issue.code)
    if children:
        lines.append("")
        lines.append("下级 children:")
        lines.extend(f"  - {c.code}  {_name(c)}" for c in children)
    lines.append("")
    lines.append("依据 sources:")
    for citation, quote in zip(issue.citations, issue.source_text, strict=True):
        lines.append(f"  - {citation.label}：“{quote}”")
    lines.append("")
    lines.append("报表栏次 form columns:")
    for form_id, columns in tx.columns_for(issue.code).items():
        where = "、".join(f"第{c}栏" for c in columns) if columns else "— no column reports it"
        lines.append(f"  - {form_id}: {where}")
    lists = [(sid, it) for sid, it in tx.items_for(issue.code) if tx.crosswalk(sid).kind is SourceKind.CATEGORY_LIST]
    if lists:
        lines.append("")
        lines.append("种子清单 seed lists:")
        lines.extend(f"  - {sid} {it.key}: {it.label_zh}" for sid, it in lists)
    if issue.name_provenance is not Provenance.SOURCE:
        lines.append("")
        lines.append(f"{_RECONSTRUCTED} The Chinese name is our wording; the seed's words are quoted under sources.")
    return "\n".join(lines)


@issues.command("show")
@click.argument("code")
@format_option
def show(code: str, fmt: str) -> None:
    """Show one issue type (by code or exact Chinese name) with its sources and form columns."""
    tx = taxonomy()
    issue = tx.lookup(code)
    if fmt == "json":
        emit_json(
            {
                "issue": to_json(issue),
                "ancestors": [a.code for a in tx.ancestors(issue.code)],
                "children": [c.code for c in tx.children(issue.code)],
                "columns": tx.columns_for(issue.code),
                "items": [{"source": sid, **to_json(it)} for sid, it in tx.items_for(issue.code)],
            }
        )
    else:
        click.echo(_describe(tx, issue))


def _crosswalk_json(tx: Taxonomy, cw: Crosswalk) -> dict[str, Any]:
    items = []
    for item in cw.items:
        data: dict[str, Any] = to_json(item)
        data["nodes_detail"] = [
            {"code": code, "name_zh": tx.get(code).name_zh, "name_en": tx.get(code).name_en} for code in item.nodes
        ]
        items.append(data)
    source: dict[str, Any] = to_json(cw)
    del source["items"]
    return {"source": source, "items": items}


@issues.command("crosswalk")
@click.argument("source")
@format_option
def crosswalk(source: str, fmt: str) -> None:
    """Show a seed's category list or a form's columns with the nodes each maps to.

    SOURCE is a category-list id (e.g. jianghan-2022-items) or a form id
    (e.g. wuhan-2022-problem-stats).
    """
    tx = taxonomy()
    cw = tx.crosswalk(source)
    if fmt == "json":
        emit_json(_crosswalk_json(tx, cw))
        return
    click.echo(f"{cw.title_zh}\n{cw.title_en}\n{cw.citation.label}\n")
    rows = []
    for item in cw.items:
        label = item.label_zh + ("" if item.provenance is Provenance.SOURCE else _RECONSTRUCTED)
        nodes = ", ".join(item.nodes) or f"— ({item.note})"
        measure = item.measure.value if item.measure else ""
        rows.append([item.key, label, measure, nodes])
    head = "栏次 column" if cw.kind is SourceKind.FORM else "item"
    click.echo(table([head, "label", "measure", "nodes"], rows))
    click.echo(f"\n{len(cw.items)} items. {_RECONSTRUCTED} = label reconstructed or lost, not printed in the seed.")
