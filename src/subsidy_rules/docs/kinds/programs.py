"""Program pages: names, sources with the row in each notice, fund item, channel, rules, parameters, forms, issues."""

from __future__ import annotations

from collections.abc import Sequence

from subsidy_rules.core.text import fold
from subsidy_rules.docs.guidance import detectors_checking
from subsidy_rules.docs.kinds.parameters import today_value
from subsidy_rules.docs.labels import note
from subsidy_rules.docs.md import code_line, english, heading, t, table
from subsidy_rules.docs.model import Entry, PageKind, Site, article_text
from subsidy_rules.docs.points import fill, layer_label, picker, points
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
        keys = rule_keys(self.src, p)
        out = [self.points_box(site, k) for k in keys]
        if keys:
            out.append(heading(2, "项目信息", "facts"))
        out.append(table(["项目", "内容"], facts))
        if p.note:
            out.append(f"\n> 说明：{note(p.note)}\n")
        out.append("\n资金项目、资金来源、对象和渠道是本库的归类，除非下列依据另有载明。\n")
        out.append("\n" + english(p.name_en) + "\n")

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
            out.append(f"今日（{site.today.isoformat()}）按全国统一规定适用的取值；各地取值见参数页。\n\n")
            out.append(table(["参数", "今日取值（全国统一规定）"], prow))

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
        out.append(heading(2, "核查本项目的规则", "detectors"))
        wanted = {p.code, *p.parts}
        own = [d for d in detectors_checking(wanted, general=False) if site.has("detector", d)]
        general = [d for d in detectors_checking(wanted) if d not in own and site.has("detector", d)]
        if own:
            out.append("审计时，下列核查规则专门检查本项目的发放台账，发现的疑点按各规则页的“核实要点”核实：\n\n")
            out.append("\n".join(f"- {site.link('detector', d)}" for d in own) + "\n")
        else:
            out.append("目前没有专门核查本项目的规则。\n")
        if general:
            out.append(f"\n此外，{len(general)} 项通用核查（如重复发放、死亡后仍发放、一人多卡）"
                       "适用于经台账发放的全部项目，"
                       f"见{site.page_href('detectors/index.md').join(('[核查规则](', ')'))}。\n")
        out.append(code_line("项目", p.code))
        return "".join(out)

    def points_box(self, site: Site, rule: str) -> str:
        """The 政策要点 box of one rule, with the picker and a worked example."""
        pts = points().get(rule)
        name = site.entry("rule", rule).title if site.has("rule", rule) else rule
        out = [heading(2, f"政策要点：{t(name)}", f"points-{rule}")]
        if pts is None:
            return "".join(out) + "（本规则尚未编写政策要点。）\n"
        p = self.p
        basis = "；".join(
            (site.link("document", doc) if site.has("document", doc) else t(doc))
            + (f" {t(article_text(art))}" if art else "") for doc, art in pts.basis)
        rows = [
            ["对象", fill(pts.object, site.today)],
            ["标准", fill(pts.standard, site.today)],
            ["期限", fill(pts.period, site.today)],
            ["发放渠道", t(p.channel.name_zh) if p.channel else "原文未载明"],
            ["依据", basis or "（未列依据）"],
        ]
        out.append('<div class="sr-points" markdown>\n\n')
        out.append(f"按 **全国统一规定**、**{site.today.isoformat()}** 有效的取值显示；可在下方改选地区和日期。"
                   f"完整条件见{site.link('rule', rule, '享受条件')}。\n\n")
        out.append(table(["要点", "内容"], rows))
        out.append("\n" + picker(pts.parameters(), site.today) + "\n\n</div>\n")
        out.append(worked_example(site, rule, pts.example))
        return "".join(out)


_STATUS_ZH = {"entitled": "应享受", "not-entitled": "不应享受", "undetermined": "无法判定"}
#: Why a month could not be judged (the engine's reason codes), as the officer's note says it.
_UNDETERMINED_ZH = {
    "no-local-standard": "当地未设定补贴标准",
    "no-minimum-wage": "当月无当地最低工资标准",
    "minimum-wage-gap": "当月无当地最低工资标准",
}


def _why(codes: Sequence[str]) -> str:
    missing = "缺少判定所需的数据"
    return "；".join(dict.fromkeys(_UNDETERMINED_ZH.get(c, missing) for c in codes)) or missing


def worked_example(site: Site, rule: str, example: str) -> str:
    """A real decision of the engine on one of its example cases, month by month (first and last months)."""
    if not example:
        return ""
    from importlib import resources

    from subsidy_rules.io.eligibility import load_case
    from subsidy_rules.programs.eligibility import decide

    ref = resources.files("subsidy_rules.programs.eligibility").joinpath("examples", example)
    with resources.as_file(ref) as path:
        case = load_case(path)
    as_of = case.as_of or site.today
    d = decide(case, rule, as_of)
    where = layer_label(case.jurisdiction) if case.jurisdiction else "全国统一规定"
    out = [heading(3, "算例：本库判定引擎的一次真实判定", f"example-{rule}")]
    first = f"初次核定 {d.first_approval.isoformat()}，" if d.first_approval else ""
    out.append(f"示例案件 <code>{t(example)}</code>（随本库发布），按{t(where)}、判定日 {as_of.isoformat()}："
               f"{first}")
    if d.eligible:
        out.append(f"**符合条件**，期内截至判定日应享受 {d.entitled_months} / {d.months_in_period} 个月，"
                   f"合计 **{d.total_entitled:.2f} 元**")
        if d.period_start and d.period_limit_end:
            out.append(f"；补贴期限 {d.period_start} 至 {d.period_limit_end}")
        open_months = [m for m in d.schedule if m.status.value == "undetermined"]
        if open_months:
            reasons = [r for m in open_months for r in m.reasons]
            out.append(f"；其中 **{len(open_months)} 个月无法判定**（{t(_why(reasons))}），"
                       "在本地参数中设定后才能算出金额")
        out.append("。\n\n")
    else:
        out.append("**不符合条件**（理由见判定说明）。\n\n")
    lines = list(d.schedule)
    shown = lines if len(lines) <= 8 else [*lines[:4], None, *lines[-3:]]
    rows = []
    for m in shown:
        if m is None:
            rows.append(["……", "", "", ""])
            continue
        rows.append([str(m.month), f"{m.basis:.2f}" if m.basis is not None else "—",
                     f"{m.amount:.2f}" if m.amount is not None else "—",
                     _STATUS_ZH.get(m.status.value, m.status.value)
                     + (f"（{t(_why(m.reasons))}）" if m.status.value == "undetermined" else "")])
    out.append(table(["月份", "计算基数（元）", "应享受（元）", "判定"], rows))
    out.append(f"\n逐月依据和每一条件的判定，用 `subsidy-rules eligibility check {t(example)}` 生成经办说明"
               "（做法见使用指南中的政策经办人员指南）。\n")
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
                summary=f"{p.name_zh}：{p.fund_item.name_zh}"
                + (f"，发放对象为{p.beneficiary.name_zh}" if p.beneficiary else "")
                + (f"，通过{p.channel.name_zh}发放" if p.channel else "") + "。",
                citations=p.citations,
                # Search: a program outranks the pages that merely mention it; one with
                # eligibility rules (the library's main subjects) outranks one without.
                boost=3.0 if rule_keys(src, p) else 2.0,
                group=group,
                keywords=tuple(p.aliases),
            ))
        return out

    return PageKind(
        id="program",
        folder="programs",
        title_zh="补贴项目",
        intro_zh="各文件列出的补贴项目，名称与原文逐字一致。每个项目一页：来源、资金项目、发放渠道、享受条件、所用参数和填报的表式。",
        entries=entries,
    )
