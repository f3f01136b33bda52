"""Issue-type pages: definition, sources quoted, the columns that report it on each form, the detectors that find it."""

from __future__ import annotations

from collections.abc import Sequence

from subsidy_rules.core.provenance import Provenance
from subsidy_rules.docs.md import code, heading, t, table
from subsidy_rules.docs.model import Caveat, Entry, PageKind, Site
from subsidy_rules.docs.sources import Sources
from subsidy_rules.issues import IssueType, taxonomy
from subsidy_rules.issues.model import SourceKind


def _name(site: Site, node: IssueType) -> str:
    rec = " " + site.caveat(Caveat.RECONSTRUCTED) if node.name_provenance is Provenance.RECONSTRUCTED else ""
    return t(node.name_zh) + rec


class IssuePage:
    def __init__(self, node: IssueType, src: Sources) -> None:
        self.node = node
        self.src = src

    def __call__(self, site: Site) -> str:
        tx = taxonomy()
        n = self.node
        out = []
        trail = [site.link("issue", a.code) for a in reversed(tx.ancestors(n.code))]
        if trail:
            out.append("上级分类：" + " › ".join(trail) + "\n\n")
        if n.name_provenance is Provenance.RECONSTRUCTED:
            out.append(f"名称：{_name(site, n)}（原文没有这个名称，由维护者根据原文内容拟定）\n\n")
        out.append(f"{t(n.definition_zh)}\n\n")
        out.append(f'<span class="sr-en" lang="en">{t(n.name_en)} — {t(n.definition_en)}</span>\n\n')
        out.append(table(["项目", "内容"], [
            ["类别", t(n.kind.name_zh)],
            ["计量", t(n.measure.name_zh)],
            ["严重程度", t(n.gravity.name_zh)],
            ["处置方式", "、".join(t(h.name_zh) for h in n.handling) or "—"],
        ]))
        children = tx.children(n.code)
        if children:
            out.append(heading(2, "下级问题类型", "children"))
            out.append("\n".join(f"- {site.link('issue', c.code)}" for c in children) + "\n")

        out.append(heading(2, "原文出处", "sources"))
        quotes = [f"- {site.cite(c, quote=False)}：“{t(q)}”" for c, q in zip(n.citations, n.source_text, strict=False)]
        quotes += [f"- {site.cite(c)}" for c in n.citations[len(n.source_text):]]
        out.append("\n".join(quotes) + "\n" if quotes else "（无）\n")

        out.append(heading(2, "在各表式中填报的栏次", "columns"))
        rows = []
        lists = []
        for source_id, item in tx.items_for(n.code):
            cw = tx.crosswalk(source_id)
            rec = " " + site.caveat(Caveat.RECONSTRUCTED) if item.provenance is Provenance.RECONSTRUCTED else ""
            if cw.kind is SourceKind.FORM and site.has("form", source_id):
                col = item.column if item.column is not None else item.key
                rows.append([site.link("form", source_id),
                             site.link("form", source_id, f"第 {col} 栏", anchor=f"col-{col}"),
                             t(item.label_zh) + rec])
            else:
                where = t(item.article) if item.article else f"第 {t(item.key)} 项"
                head = cw.citation.document_number or cw.title_zh
                doc = site.link("document", cw.citation.document_key, head) if site.has(
                    "document", cw.citation.document_key) else t(head)
                lists.append(f"- {doc}（{t(cw.title_zh)}）{where}：“{t(item.label_zh)}”{rec}")
        out.append(table(["表式", "栏次", "栏目"], rows) if rows else "没有表式的栏目填报这一问题类型。\n")
        if lists:
            out.append("\n各专项治理方案中对应的条目：\n\n" + "\n".join(lists) + "\n")

        out.append(heading(2, "发现这一问题的核查规则", "detectors"))
        found = [d.name for d in self.src.detectors if d.issue == n.code]
        out.append("\n".join(f"- {site.link('detector', d)}" for d in found) + "\n" if found
                   else "目前没有从台账自动发现这一问题的核查规则，需人工核查。\n")
        out.append(f"\n<small>供脚本使用的问题类型代码：{code(n.code)}</small>\n")
        return "".join(out)


def make(src: Sources) -> PageKind:
    def entries() -> Sequence[Entry]:
        tx = taxonomy()
        out = []
        for node in tx:
            root = tx.ancestors(node.code)[-1] if tx.ancestors(node.code) else node
            # Search: the issue type (the shared vocabulary) outranks a detector of the same name.
            out.append(Entry(key=node.code, title=node.name_zh, render=IssuePage(node, src), boost=1.2,
                             citations=node.citations, summary=node.definition_zh, group=root.name_zh))
        return out

    def index(site: Site) -> str:
        tx = taxonomy()
        lines = []
        for node in tx:
            indent = "    " * node.depth
            rec = " " + site.caveat(Caveat.RECONSTRUCTED) if node.name_provenance is Provenance.RECONSTRUCTED else ""
            lines.append(f"{indent}- {site.link('issue', node.code)}{rec}")
        return "\n".join(lines) + "\n"

    return PageKind(
        id="issue",
        folder="issues",
        title_zh="问题类型",
        intro_zh="统一的问题分类：一次归类，可在任一专项治理的表式上填报。原文用语逐字引用；由维护者拟定的名称标为“重构”。",
        entries=entries,
        index=index,
    )
