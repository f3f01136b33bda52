"""Form pages: a picture of the printed template, columns with 栏次 and provenance, check relations, notes.

The picture is an HTML table drawn from the layout the template writer uses
(title, header lines, grouped headers, numbered columns, the first rows), not
a rendering of the .xlsx file: LibreOffice is not available to the build.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from subsidy_rules.core.provenance import Provenance
from subsidy_rules.docs.md import code, heading, t, table
from subsidy_rules.docs.model import Caveat, Entry, PageKind, Site
from subsidy_rules.forms import FORM_IDS, FormLayout, layout
from subsidy_rules.forms.model import shown_label
from subsidy_rules.issues import taxonomy

_KIND_ZH = {
    "amount": "金额",
    "count": "数量",
    "yes-no": "是/否",
    "text": "文字",
    "standard": "标准（不汇总）",
    "date": "日期",
    "serial": "序号",
    "issue-type": "问题类型",
}

_PICTURE_ROWS = 3
#: More issue types than this for one column are listed under the columns table, not in its cell.
LONG_ISSUE_LIST = 8


def _h(text: str) -> str:
    return escape(text, quote=True)


def picture(lay: FormLayout) -> str:
    """The printed template's head as an HTML table (what a unit sees when it opens the .xlsx).

    A picture, not a data table (``role="presentation"``): the columns table
    below the picture carries the same facts for screen readers.
    """
    label_cols = lay.rows.label_columns
    grouped = {n: g for g in lay.groups for n in range(g.first, g.last + 1)}
    has_groups = bool(lay.groups)
    head1, head2 = [], []
    span = 2 if has_groups else 1
    for lc in label_cols:
        head1.append(f'<td class="h" rowspan="{span}">{_h(lc.label)}</td>')
    done: set[int] = set()
    for col in lay.columns:
        g = grouped.get(col.number)
        label = _h(shown_label(col.label, col.provenance))
        if g is None:
            head1.append(f'<td class="h" rowspan="{span}">{label}</td>')
        else:
            if g.first not in done:
                done.add(g.first)
                width = g.last - g.first + 1
                head1.append(f'<td class="h" colspan="{width}">{_h(shown_label(g.label, g.provenance))}</td>')
            head2.append(f'<td class="h">{label}</td>')
    numbers = "".join("<td></td>" for _ in label_cols) + "".join(f"<td>{c.number}</td>" for c in lay.columns)
    body = []
    width = len(label_cols) + len(lay.columns)
    for row in lay.rows.rows[:_PICTURE_ROWS]:
        cells = [str(row.number), row.name][: len(label_cols)]
        cells += [""] * (len(label_cols) - len(cells))
        body.append("<tr>" + "".join(f"<td>{_h(c)}</td>" for c in cells)
                    + "<td></td>" * len(lay.columns) + "</tr>")
    if len(lay.rows.rows) > _PICTURE_ROWS:
        body.append(f'<tr><td colspan="{width}">…… 共 {len(lay.rows.rows)} 行</td></tr>')
    if not lay.rows.rows:
        for i in range(1, min(lay.rows.blank_rows, _PICTURE_ROWS) + 1):
            first = str(i) if lay.rows.prefill_numbers else ""
            body.append("<tr>" + f"<td>{first}</td>" + "<td></td>" * (width - 1) + "</tr>")
    if lay.rows.totals is not None:
        tot = lay.rows.totals
        body.append(f'<tr><td colspan="{len(label_cols) or 1}">{_h(shown_label(tot.label, tot.provenance))}</td>'
                    + "<td></td>" * len(lay.columns) + "</tr>")
    lines = "".join(f"<span>{_h(shown_label(h.label, h.provenance))}</span>" for h in lay.header_lines)
    return (
        f'<figure class="sr-form-picture">\n'
        f'<div class="sr-form-title">{_h(lay.title)}</div>\n'
        + (f'<div class="sr-form-lines">{lines}</div>\n' if lines else "")
        + f'<div class="sr-scroll" tabindex="0" role="region" aria-label="{_h(lay.title)} 表样">'
        f'<table role="presentation"><tbody><tr>{"".join(head1)}</tr>'
        + (f'<tr>{"".join(head2)}</tr>' if head2 else "")
        + f'<tr class="sr-col-numbers">{numbers}</tr>{"".join(body)}</tbody></table></div>\n'
        "<figcaption>表样示意：按本库的表式定义绘制"
        "（与 <code>subsidy-rules forms template</code> 生成的 Excel 模板同一来源）。"
        f"标“（拟）”的栏目为重构。</figcaption>\n</figure>\n"
    )


def _rec(site: Site, p: Provenance) -> str:
    if p is Provenance.RECONSTRUCTED:
        return " " + site.caveat(Caveat.RECONSTRUCTED)
    if p is Provenance.UNKNOWN:
        return " " + site.caveat(Caveat.LOST)
    return ""


class FormPage:
    def __init__(self, lay: FormLayout) -> None:
        self.lay = lay

    def __call__(self, site: Site) -> str:
        lay = self.lay
        out = []
        facts = [["表名", t(lay.title) + _rec(site, lay.provenance)]]
        if lay.issuer:
            facts.append(["印发机关", t(lay.issuer)])
        if lay.document or lay.attachment:
            doc = lay.document or ""
            shown_doc = site.link("document", doc) if site.has("document", doc) else t(doc)
            facts.append(["出处", " ".join(x for x in (shown_doc, t(lay.attachment or "")) if x)])
        facts.append(["工作表名", t(lay.sheet)])
        out.append(table(["项目", "内容"], facts))
        out.append(heading(2, "表样", "picture"))
        out.append(picture(lay))
        tx = taxonomy()
        items = {}
        if lay.id in tx.sources():
            items = {str(it.key): it for it in tx.crosswalk(lay.id).items}
        out.append(heading(2, "栏目", "columns"))
        if lay.column_numbers is Provenance.RECONSTRUCTED:
            out.append(f"原文没有印出栏次，这里按印刷顺序编号{_rec(site, lay.column_numbers)}。\n\n")
        group_of = {n: g for g in lay.groups for n in range(g.first, g.last + 1)}
        rows = []
        # A column that takes any of many issue types (a 问题类型 column: 40-odd) listed in its cell
        # made a phone row 1,400 px tall; such lists go under the table, the cell links to them.
        long_lists: dict[str, tuple[int, str, list[int]]] = {}  # the list → first column, its label, the others
        for col in lay.columns:
            g = group_of.get(col.number)
            it = items.get(str(col.number))
            nodes = "、".join(
                site.link_or_text("issue", c, tx.get(c).name_zh if c in tx else c) for c in it.nodes
            ) if it else ""
            if it and len(it.nodes) > LONG_ISSUE_LIST:
                first, _, others = long_lists.setdefault(nodes, (col.number, t(col.label), []))
                if first != col.number:
                    others.append(col.number)
                nodes = f"[{len(it.nodes)} 个问题类型（见表下）](#col-{first}-issues)"
            unit = t(col.unit or "") + (f"，{col.decimals} 位小数" if col.decimals else "")
            rows.append([
                f'<span id="col-{col.number}"></span>{col.number}',
                (t(g.label) + _rec(site, g.provenance)) if g else "",
                t(col.label) + _rec(site, col.provenance)
                + (f"<br><small>{t(col.label_note)}</small>" if col.label_note else ""),
                _KIND_ZH.get(col.kind.value, t(col.kind.value)),
                unit,
                nodes,
            ])
        out.append(table(["栏次", "分组", "栏目", "类型", "单位", "对应问题类型"], rows))
        for nodes, (number, label, others) in long_lists.items():
            same = f"（第 {'、'.join(map(str, others))} 栏同）" if others else ""
            out.append(heading(3, f"第 {number} 栏“{label}”{same}可填的问题类型", f"col-{number}-issues"))
            out.append(nodes + "\n")
        if lay.rows.rows:
            out.append(heading(2, "固定行", "rows"))
            rrows = []
            for r in lay.rows.rows:
                name = site.link("program", r.key, r.name) if site.has("program", r.key) else t(r.name)
                rrows.append([f'<span id="row-{r.number}"></span>{r.number}', name])
            out.append(table(["序号", "项目"], rrows))
        if lay.relations:
            out.append(heading(2, "勾稽关系", "relations"))
            rel = []
            for relation in lay.relations:
                blank = "空白按 0 计" if relation.blank.value == "zero" else "有空白的行不检查"
                rel.append([code(relation.text) + _rec(site, relation.provenance), blank, t(relation.note or "")])
            out.append("勾稽关系按显示的小数位取区间容差：保留两位小数的单元格代表 ±0.005 的区间，"
                       "只有区间无法相交时才判为不平。\n\n")
            out.append(table(["关系（栏次）", "空白处理", "说明"], rel))
        if lay.notes:
            out.append(heading(2, "填表说明（原文）", "notes"))
            out.append("\n".join(f"{i}. {t(n)}" for i, n in enumerate(lay.notes, start=1)) + "\n")
        if lay.remarks:
            out.append(heading(2, "维护者说明", "remarks"))
            out.append("\n".join(f"- {t(n)}" for n in lay.remarks) + "\n")
        out.append(f"\n<small>供脚本使用的表式代码：{code(lay.id)}"
                   f"（例如 <code>subsidy-rules forms validate {_h(lay.id)} 各单位.xlsx</code>）</small>\n")
        return "".join(out)


def entries() -> Sequence[Entry]:
    return [Entry(key=fid, title=layout(fid).title, render=FormPage(layout(fid)), summary=layout(fid).attachment or "")
            for fid in FORM_IDS]


KIND = PageKind(
    id="form",
    folder="forms",
    title_zh="统计表式",
    intro_zh="各专项治理的统计表：表样、栏次、勾稽关系和填表说明。表头与原文逐字一致；原文丢失、由维护者重构的标为“重构”。",
    entries=entries,
)
