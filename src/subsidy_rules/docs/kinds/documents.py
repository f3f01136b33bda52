"""Document pages: number, title, issuer, date, what in the library cites it, what it replaced."""

from __future__ import annotations

from collections.abc import Sequence

from subsidy_rules.core.citation import Document, documents
from subsidy_rules.docs.md import heading, t, table
from subsidy_rules.docs.model import Caveat, Entry, PageKind, Site
from subsidy_rules.parameters import PACKAGED_LAYERS, packaged_layer

#: What each kind's entries are called in the "what cites it" list.
KIND_NAMES = {
    "program": "补贴项目",
    "parameter": "政策参数",
    "rule": "享受条件",
    "issue": "问题类型",
    "form": "统计表式",
    "detector": "核查规则",
}


def supersessions() -> list[tuple[str, str, str, str]]:
    """(newer document, older document, parameter id, layer id) wherever a parameter's value changed documents."""
    out: list[tuple[str, str, str, str]] = []
    for layer_id in PACKAGED_LAYERS:
        for param in packaged_layer(layer_id):
            for older, newer in zip(param.values, param.values[1:], strict=False):
                a, b = newer.citation.document_key, older.citation.document_key
                if a != b:
                    out.append((a, b, param.id, layer_id))
    return out


class DocRender:
    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def __call__(self, site: Site) -> str:
        doc = self.doc
        rows = [
            ["文号", t(doc.number) if doc.number else "（原文未印文号）"],
            ["标题", t(doc.title)],
            ["发文机关", t(doc.issuer)],
            ["日期", t(doc.date.isoformat()) if doc.date else "（原文未印日期）"],
            ["核实情况", "已读原文" if doc.confirmed
             else "尚未读到原文，内容来自二手材料 " + site.caveat(Caveat.UNCONFIRMED)],
        ]
        if doc.seed:
            rows.append(["原文", "本项目收集的原文之一，条目中的引文逐字摘自该原文"])
        if doc.url:
            rows.append(["网址", t(doc.url)])
        out = [table(["项目", "内容"], rows)]
        out.append(heading(2, "本库中引用本文件的条目", "cited-by"))
        cited = site.citing(doc.key)
        if cited:
            rows2 = [
                [KIND_NAMES.get(kind, kind), site.link(kind, entry.key), t(c.article or ""),
                 (f"“{t(c.quote)}”" if c.quote else "") + site.status(c.confirmed)]
                for kind, entry, c in cited
            ]
            out.append(table(["类别", "条目", "条款", "引文"], rows2))
        else:
            out.append("本库目前没有条目引用本文件。\n")
        out.append(heading(2, "替代关系", "replaces"))
        replaced = _pairs(site, doc.key, newer=True)
        replaced_by = _pairs(site, doc.key, newer=False)
        if not replaced and not replaced_by:
            out.append("本库的参数历史中没有显示本文件取代或被取代的关系。\n")
        if replaced:
            out.append("本文件施行后，以下参数不再按旧文件取值：\n\n" + replaced)
        if replaced_by:
            out.append("\n以下参数此后改按新文件取值：\n\n" + replaced_by)
        return "".join(out)


def _pairs(site: Site, key: str, *, newer: bool) -> str:
    lines = []
    for new, old, pid, layer in supersessions():
        if (new if newer else old) != key:
            continue
        other = old if newer else new
        target = site.link_or_text("document", other, _doc_label(other))
        lines.append(f"- {site.link('parameter', pid)}（{t(packaged_layer(layer).name_zh)}）："
                     + ("取代 " if newer else "被取代，新依据 ") + target)
    return "\n".join(dict.fromkeys(lines)) + ("\n" if lines else "")


def _doc_label(key: str) -> str:
    doc = documents().get(key)
    if doc is None:
        return key
    return doc.number or f"《{doc.title}》"


def entries() -> Sequence[Entry]:
    out = []
    for doc in documents().values():
        title = doc.number or doc.title
        out.append(Entry(
            key=doc.key,
            title=title if doc.number else (doc.title if len(doc.title) <= 40 else doc.title[:38] + "…"),
            render=DocRender(doc),
            summary=doc.title,
            group="项目依据的原文（种子文件）" if doc.seed else "法规与政策文件",
        ))
    return out


KIND = PageKind(
    id="document",
    folder="documents",
    title_zh="依据文件",
    intro_zh="本库引用的全部文件：文号、标题、发文机关、日期，以及本库中哪些条目引用了它。",
    entries=entries,
)
