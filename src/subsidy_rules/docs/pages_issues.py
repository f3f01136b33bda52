"""Pages for the issue taxonomy and its crosswalks."""

from __future__ import annotations

from subsidy_rules.docs.html import citation, esc, reconstructed_badge, table
from subsidy_rules.issues import Provenance, taxonomy


def issues_body() -> str:
    tx = taxonomy()
    rows = []
    for node in tx:
        indent = "　" * node.depth
        rec = reconstructed_badge() if node.name_provenance is Provenance.RECONSTRUCTED else ""
        quotes = "<br>".join(
            f"{citation(c)}<br>“{esc(q)}”" for c, q in zip(node.citations, node.source_text, strict=False)
        )
        rows.append([
            f'{indent}<b id="{esc(node.code)}">{esc(node.name_zh)}</b>{rec}<br>{indent}'
            f'<span class="en">{esc(node.name_en)}</span>',
            f"<code>{esc(node.code)}</code>",
            f'{esc(node.definition_zh)}<br><span class="en">{esc(node.definition_en)}</span>',
            esc(node.measure.name_zh),
            "、".join(esc(h.name_zh) for h in node.handling) or "—",
            quotes,
        ])
    return (
        "<p>统一的问题分类：一次归类，可在任一专项治理的表式上填报。原文用语逐字引用；"
        "由维护者拟定的名称标为“重构”。</p>"
        + table(["问题类型", "代码", "定义", "计量", "处置", "出处"], rows)
    )


def crosswalks_body() -> str:
    tx = taxonomy()
    parts = ["<p>各专项治理的问题类别与表式栏次，对应到统一分类的节点。</p>"]
    for source_id in tx.sources():
        cw = tx.crosswalk(source_id)
        parts.append(f'<h2 id="{esc(cw.id)}">{esc(cw.title_zh)}</h2>'
                     f'<p class="en">{esc(cw.title_en)} — <code>{esc(cw.id)}</code> · {citation(cw.citation)}</p>')
        rows = []
        for item in cw.items:
            rec = reconstructed_badge() if item.provenance is Provenance.RECONSTRUCTED else ""
            nodes = "<br>".join(
                f'<a href="issues.html#{esc(code)}">{esc(tx.get(code).name_zh)}</a> <code>{esc(code)}</code>'
                for code in item.nodes
            )
            rows.append([
                esc(item.key),
                esc(item.group_zh or ""),
                f"{esc(item.label_zh)}{rec}",
                nodes or f'<span class="en">{esc(item.note or "")}</span>',
            ])
        parts.append(table(["栏次/条目", "分组", "原文", "对应问题类型"], rows))
    return "".join(parts)
