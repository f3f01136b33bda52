"""Pages for the campaigns' statistical forms: columns, groups, check relations, provenance."""

from __future__ import annotations

from subsidy_rules.core.provenance import Provenance
from subsidy_rules.docs.html import esc, reconstructed_badge, table
from subsidy_rules.forms import FORM_IDS, layout


def _rec(p: Provenance) -> str:
    return reconstructed_badge() if p is Provenance.RECONSTRUCTED else ""


def forms_body() -> str:
    parts = [
        "<p>各专项治理的统计表式。表头与原文逐字一致；原文丢失、由维护者重构的标签、栏次、勾稽关系均标为“重构”，"
        "模板中以“（拟）”标示。</p>"
    ]
    for form_id in FORM_IDS:
        lay = layout(form_id)
        source = " ".join(x for x in (lay.document, lay.attachment) if x)
        parts.append(f'<h2 id="{esc(lay.id)}">{esc(lay.title)}{_rec(lay.provenance)}</h2>'
                     f'<p class="en">{esc(lay.title_en or "")} — <code>{esc(lay.id)}</code>'
                     f"{' · ' + esc(source) if source else ''}"
                     f"{' · seed ' + esc(lay.seed) if lay.seed else ''}</p>")
        if lay.header_lines:
            parts.append("<p>" + "　".join(f"{esc(h.label)}{_rec(h.provenance)}" for h in lay.header_lines) + "</p>")
        group_of = {n: g for g in lay.groups for n in range(g.first, g.last + 1)}
        rows = []
        for col in lay.columns:
            group = group_of.get(col.number)
            unit = esc(col.unit or "")
            rows.append([
                f"{esc(col.number)}{_rec(lay.column_numbers)}",
                f"{esc(group.label)}{_rec(group.provenance)}" if group else "",
                f"{esc(col.label)}{_rec(col.provenance)}"
                + (f'<br><span class="en">{esc(col.label_en)}</span>' if col.label_en else "")
                + (f'<br><span class="en">{esc(col.label_note)}</span>' if col.label_note else ""),
                esc(col.kind.value),
                f"{unit}" + (f"（{esc(col.decimals)}位小数）" if col.decimals else ""),
            ])
        parts.append(table(["栏次", "分组", "栏目", "类型", "单位"], rows))
        if lay.rows.rows:
            names = "、".join(esc(r.name) for r in lay.rows.rows)
            parts.append(f"<p><b>固定行（{len(lay.rows.rows)}）</b>：{names}</p>")
        if lay.relations:
            rel = "".join(
                f"<li><code>{esc(r.text)}</code>{_rec(r.provenance)} "
                f'<span class="en">blank: {esc(r.blank.value)}{("; " + esc(r.note)) if r.note else ""}</span></li>'
                for r in lay.relations
            )
            parts.append(f"<p><b>勾稽关系</b></p><ul>{rel}</ul>")
        if lay.notes:
            parts.append("<p><b>注</b></p><ol>" + "".join(f"<li>{esc(n)}</li>" for n in lay.notes) + "</ol>")
    return "".join(parts)
