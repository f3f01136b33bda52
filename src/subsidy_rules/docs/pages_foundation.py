"""Pages for the foundation registries: programs, parameters, documents."""

from __future__ import annotations

from subsidy_rules.core.citation import documents
from subsidy_rules.docs.html import badge, citation, esc, shown_value, table
from subsidy_rules.parameters import PACKAGED_LAYERS, jurisdiction, packaged_layer
from subsidy_rules.programs import Program, catalogue


def _program_cells(p: Program, catalogue_id: str) -> list[str]:
    src = p.source_in(catalogue_id)
    row = esc(src.row) if src and src.row else ""
    parts = "、".join(esc(catalogue().get(c).name_zh) for c in p.parts)
    cites = "<br>".join(citation(c) for c in p.citations)
    return [
        row,
        f'<b id="{esc(p.code)}">{esc(p.name_zh)}</b><br><span class="en">{esc(p.name_en)}</span>'
        + (f"<br>别名：{esc('、'.join(p.aliases))}" if p.aliases else "")
        + (f"<br>包含：{parts}" if parts else ""),
        f"<code>{esc(p.code)}</code>",
        esc(p.fund_item.name_zh),
        esc(p.fund.name_zh if p.fund else "未载明"),
        esc(p.beneficiary.name_zh if p.beneficiary else "—"),
        esc(p.channel.name_zh if p.channel else "—"),
        cites,
    ]


def programs_body() -> str:
    cat = catalogue()
    parts = [
        "<p>按来源文件列出的补贴项目，名称与原文逐字一致。资金项目、对象、发放渠道为维护者的归类，"
        "除非引注另有载明。</p>"
    ]
    for info in cat.catalogues:
        parts.append(f'<h2 id="{esc(info.id)}">{esc(info.title_zh)}</h2><p class="en">{esc(info.title_en)}'
                     f" — <code>{esc(info.id)}</code></p>")
        rows = [_program_cells(p, info.id) for p in cat.programs_in(info.id)]
        parts.append(table(["序号", "项目名称", "代码", "资金项目", "资金来源", "对象", "发放渠道", "依据"], rows))
    return "".join(parts)


def parameters_body() -> str:
    parts = ["<p>政策参数按生效日期取值：案件按其所属日期适用当时有效的规定。地方层覆盖其上位层，"
             "自其生效之日起适用。</p>"]
    for layer_id in PACKAGED_LAYERS:
        layer = packaged_layer(layer_id)
        chain = " → ".join(lay.id for lay in jurisdiction(layer_id).layers)
        parts.append(f'<h2 id="layer-{esc(layer.id)}">{esc(layer.name_zh)} '
                     f'<span class="en">{esc(layer.name_en)} · {esc(chain)}</span></h2>')
        rows = []
        for param in layer:
            for v in param.values:
                shown = "（终止）" if v.value is None else esc(shown_value(v.value))
                rows.append([
                    f"<code>{esc(param.id)}</code><br>{esc(param.description_zh)}"
                    f'<br><span class="en">{esc(param.description_en)}</span>',
                    esc(v.effective_from.isoformat()),
                    f"{shown} {esc(param.unit)}",
                    citation(v.citation) + (f'<br><span class="en">{esc(v.note)}</span>' if v.note else ""),
                ])
        parts.append(table(["参数", "生效日期", "取值", "依据"], rows))
    return "".join(parts)


def documents_body() -> str:
    rows = []
    for doc in documents().values():
        rows.append([
            f"<code>{esc(doc.key)}</code>",
            esc(doc.number or "（无文号）"),
            esc(doc.title),
            esc(doc.issuer),
            esc(doc.date.isoformat() if doc.date else "—"),
            esc(doc.seed or ""),
            badge(doc.confirmed),
        ])
    return "<p>本库引用的全部文件。</p>" + table(["键", "文号", "标题", "发文机关", "日期", "种子文件", "状态"], rows)
