"""Program pages: names, sources with the row in each notice, fund item, channel, rules, parameters, forms, issues."""

from __future__ import annotations

from collections.abc import Sequence

from subsidy_rules.core.text import fold
from subsidy_rules.docs.kinds.parameters import today_value
from subsidy_rules.docs.md import code, heading, t, table
from subsidy_rules.docs.model import Entry, PageKind, Site
from subsidy_rules.docs.sources import Sources
from subsidy_rules.forms import FORM_IDS, layout
from subsidy_rules.issues import taxonomy
from subsidy_rules.programs import Program, catalogue


def rule_keys(src: Sources, program: Program) -> list[str]:
    """The rules deciding ``program``: its own, or its parts' when it is a combined row."""
    wanted = {program.code, *program.parts}
    return [key for key, spec in src.rules.items() if spec.program in wanted]


def form_rows(program: Program) -> list[tuple[str, int, str]]:
    """(form id, row number, row key) of every fixed form row that is this program."""
    names = {fold(program.name_zh), *(fold(a) for a in program.aliases), *(fold(s.text) for s in program.sources)}
    out = []
    for form_id in FORM_IDS:
        for row in layout(form_id).rows.rows:
            if fold(row.name) in names:
                out.append((form_id, row.number, row.key))
    return out


def mentioning_issues(program: Program) -> list[str]:
    """Issue types whose definition or quoted source names the program."""
    names = [program.name_zh, *program.aliases]
    out = []
    for node in taxonomy():
        text = " ".join((node.name_zh, node.definition_zh, *node.source_text))
        if any(n in text for n in names):
            out.append(node.code)
    return out


class ProgramPage:
    def __init__(self, program: Program, src: Sources) -> None:
        self.p = program
        self.src = src

    def __call__(self, site: Site) -> str:
        p = self.p
        cat = catalogue()
        facts = [
            ["英文名", t(p.name_en)],
            ["资金项目", t(p.fund_item.name_zh)],
            ["资金来源", t(p.fund.name_zh) if p.fund else "原文未载明"],
            ["层级", t(p.level.name_zh) if p.level else "—"],
            ["发放对象", t(p.beneficiary.name_zh) if p.beneficiary else "—"],
            ["发放渠道", t(p.channel.name_zh) if p.channel else "—"],
        ]
        if p.aliases:
            facts.append(["别名", "、".join(t(a) for a in p.aliases)])
        if p.parts:
            facts.append(["合并行，包含", "、".join(site.link("program", c) for c in p.parts)])
        combined = [q.code for q in cat if p.code in q.parts]
        if combined:
            facts.append(["所属合并行", "、".join(site.link("program", c) for c in combined)])
        out = [table(["项目", "内容"], facts)]
        if p.note:
            out.append(f"\n> 说明：{t(p.note)}\n")
        out.append("\n资金项目、资金来源、对象和渠道是维护者的归类，除非下列依据另有载明。\n")

        out.append(heading(2, "来源：在各文件中的位置", "sources"))
        rows = []
        for s in p.sources:
            info = cat.catalogue(s.catalogue)
            where = "、".join(x for x in (t(s.table) if s.table else "", f"第 {s.row} 行" if s.row else "") if x)
            rows.append([site.link_or_text("document", s.document_key, info.title_zh), where or "—", f"“{t(s.text)}”"])
        out.append(table(["文件", "位置", "原文写法"], rows))
        if p.citations:
            out.append(heading(2, "依据", "citations"))
            out.append("\n".join(f"- {site.cite(c)}" for c in p.citations) + "\n")

        out.append(heading(2, "享受条件（规则）", "rules"))
        keys = rule_keys(self.src, p)
        if keys:
            out.append("\n".join(f"- {site.link('rule', k)}" for k in keys) + "\n")
        else:
            out.append("本库尚未为本项目编写享受条件规则；只收录了项目目录信息。\n")

        params = list(dict.fromkeys(pid for k in keys for pid in self.src.rules[k].parameters))
        if params:
            out.append(heading(2, "规则所用的政策参数", "parameters"))
            prow = []
            for pid in params:
                value = today_value(site, pid, "national")
                prow.append([site.link_or_text("parameter", pid), value])
            out.append(f"今日（{site.today.isoformat()}）全国层适用的取值；地方取值见参数页。\n\n")
            out.append(table(["参数", "今日取值（全国）"], prow))

        out.append(heading(2, "相关表式与问题类型", "forms"))
        frows = form_rows(p)
        if frows:
            out.append("本项目在以下统计表中占一行，按该表各栏填报问题：\n\n")
            out.append("\n".join(
                f"- {site.link('form', f)} 第 {n} 行（{site.link('form', f, '查看该行', anchor=f'row-{n}')}）"
                for f, n, _key in frows) + "\n")
        nodes = mentioning_issues(p)
        if nodes:
            out.append("\n直接提到本项目的问题类型：\n\n")
            out.append("\n".join(f"- {site.link('issue', c)}" for c in nodes) + "\n")
        if not frows and not nodes:
            out.append("没有表式行或问题类型直接提到本项目。\n")
        out.append(f"\n<small>供脚本使用的项目代码：{code(p.code)}</small>\n")
        return "".join(out)


def make(src: Sources) -> PageKind:
    def entries() -> Sequence[Entry]:
        cat = catalogue()
        out = []
        for p in cat:
            first = next(iter(p.sources), None)
            group = cat.catalogue(first.catalogue).title_zh if first else "其他"
            out.append(Entry(
                key=p.code,
                title=p.name_zh,
                render=ProgramPage(p, src),
                summary=p.fund_item.name_zh,
                citations=p.citations,
                # Search: a program outranks the pages that merely mention it; one with
                # eligibility rules (the library's main subjects) outranks one without.
                boost=3.0 if rule_keys(src, p) else 2.0,
                group=group,
            ))
        return out

    return PageKind(
        id="program",
        folder="programs",
        title_zh="补贴项目",
        intro_zh="各文件列出的补贴项目，名称与原文逐字一致。每个项目一页：来源、资金项目、发放渠道、享受条件、所用参数和填报的表式。",
        entries=entries,
    )
