"""Detector pages: what it checks, the rosters to prepare (with CSV header templates), how a lead is
verified (核实要点), what is done once it is confirmed (处置, the form columns it is reported in),
where it goes next (the rectification ledger), and the shape of one finding."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from subsidy_rules.docs.downloads import roster_path
from subsidy_rules.docs.guidance import guidance
from subsidy_rules.docs.labels import label, labels
from subsidy_rules.docs.md import code_line, english, heading, t, table
from subsidy_rules.docs.model import Entry, PageKind, Site
from subsidy_rules.docs.sources import DetectorSpecLike, Sources
from subsidy_rules.issues import taxonomy
from subsidy_rules.issues.audit.schema import KINDS, FieldType
from subsidy_rules.issues.model import SourceKind

#: Made-up values for the explanation template of an example finding.
_SAMPLE = {
    "name": "张某",
    "id_number": "420102199001011234",
    "program_zh": "灵活就业社会保险补贴",
    "months": "2024-03",
    "amount": "1000.00",
    "note": "……",
    "count": "2",
}

_TYPE_ZH = {
    FieldType.TEXT: "文字",
    FieldType.DATE: "日期（如 2024-03-15）",
    FieldType.MONTH: "年月（如 2024-03）",
    FieldType.AMOUNT: "金额（元）",
    FieldType.CODE: "规定的选项",
    FieldType.PROGRAM: "项目名称（与目录一致）",
    FieldType.BOOL: "是/否",
}

#: Page kinds of the rectification ledger (added by its own module), linked when present.
LEDGER_KINDS = ("ledger-state", "ledger", "rectification")


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "……"


def _real_finding(spec: DetectorSpecLike) -> Any | None:
    """The first finding the detector gives on its own examples, when its registry carries examples.

    Read through ``subsidy_rules.issues.audit.sample.example_findings`` when that module offers it,
    so the page falls back to the made-up sentence with a registry (or a stand-in spec) without examples.
    """
    if not getattr(spec, "examples", None):
        return None
    from subsidy_rules.issues.audit import sample

    run = getattr(sample, "example_findings", None)
    if run is None:
        return None
    found = run(spec.name)
    return found[0] if found else None


def example_explanation(spec: DetectorSpecLike) -> str:
    """The detector's explanation sentence on its example (made-up values for a spec without examples)."""
    real = _real_finding(spec)
    if real is not None:
        return str(real.explanation_zh)
    return spec.explain_zh.format_map(_Blank(_SAMPLE))


def example_finding(spec: DetectorSpecLike) -> str:
    """One line of ``findings.jsonl``: a real finding on the detector's example, else its shape."""
    real = _real_finding(spec)
    if real is not None:
        from subsidy_rules.io.json import to_json

        return json.dumps(to_json(real), ensure_ascii=False, indent=2)
    record = {
        "finding_id": "…",
        "detector": spec.name,
        "issue": spec.issue,
        "status": "lead",
        "program": "…",
        "unit": "…",
        "id_number": "…",
        "name": "…",
        "months": ["2024-03"],
        "amount_yuan": "…",
        "evidence": ["…"],
        "explanation_zh": example_explanation(spec),
    }
    return json.dumps(record, ensure_ascii=False, indent=2)


def roster_table(site: Site, kind_id: str) -> str:
    """The columns of one input (ledger or roster) and its CSV header template."""
    kind = KINDS.get(kind_id)
    if kind is None:
        return f"**{label(kind_id)}**（本库未定义其栏目）\n\n"
    rows = []
    for f in kind.fields:
        choices = ""
        if f.codes:
            choices = "：" + "、".join(t(spellings[0]) for _code, spellings in f.codes if spellings)
        rows.append([t(f.name_zh), "必填" if f.required else "可空", _TYPE_ZH.get(f.type, "文字") + choices])
    href = site.page_href(roster_path(kind_id))
    known = labels().get(kind_id)
    name = t(known) if known is not None else t(kind.name_zh)
    return (f"**{name}**（[下载表头模板 CSV]({href})）\n\n"
            + table(["栏目（表头）", "是否必填", "填写内容"], rows) + "\n")


def form_columns(site: Site, issue: str) -> list[str]:
    """Where a confirmed finding of ``issue`` is reported: each form and column (linked)."""
    tx = taxonomy()
    if issue not in tx:
        return []
    out = []
    done: set[str] = set()  # forms already placed: each form by the most specific type it reports
    for code in [issue, *(a.code for a in tx.ancestors(issue))]:
        level: set[str] = set()
        for source_id, item in tx.items_for(code):
            cw = tx.crosswalk(source_id)
            if cw.kind is SourceKind.FORM and site.has("form", source_id) and source_id not in done:
                level.add(source_id)
                col = item.column if item.column is not None else item.key
                out.append(f"{site.link('form', source_id)} "
                           f"{site.link('form', source_id, f'第 {col} 栏', anchor=f'col-{col}')}（{t(item.label_zh)}）")
        done |= level
    return list(dict.fromkeys(out))


class DetectorPage:
    def __init__(self, spec: DetectorSpecLike) -> None:
        self.spec = spec

    def __call__(self, site: Site) -> str:
        s = self.spec
        out = [f"{t(s.description_zh)}\n\n", english(s.description_en) + "\n"]
        out.append(heading(2, "发现的问题类型", "issue"))
        out.append(f"{site.link_or_text('issue', s.issue)}。发现的是**疑点**：核实之前不是认定的问题。\n")

        out.append(heading(2, "需要准备的数据（名册及栏目）", "needs"))
        needs = list(s.needs)
        uses = [u for u in s.uses if u not in needs]
        out.append("表头可用下列中文栏目名（也接受英文字段名）；身份证号在台账和各名册中写法一致即可比对。"
                   "下载的模板只有表头一行，用 Excel 或 WPS 打开填写后另存为 CSV 或 XLSX。\n\n")
        out.append(roster_table(site, "ledger"))
        for n in needs:
            out.append(roster_table(site, n))
        if uses:
            out.append("有以下数据时一并使用（没有也能运行）：\n\n")
            for u in uses:
                out.append(roster_table(site, u))
        out.append("缺少所需名册时，本项核查不运行，并在汇总中列为“未运行”，不会当作通过。\n")

        g = guidance().get(s.name)
        out.append(heading(2, "核实要点", "verify"))
        if g and g.verify:
            out.append("\n".join(f"{i}. {t(x)}" for i, x in enumerate(g.verify, start=1)) + "\n")
        else:
            out.append("（本库尚未写出这一核查的核实要点。）\n")
        out.append(heading(2, "处置", "handling"))
        if g and g.handling:
            out.append("疑点经核实确认后：\n\n" + "\n".join(f"- {t(x)}" for x in g.handling) + "\n")
        else:
            out.append("（本库尚未写出这一核查的处置办法。）\n")
        cols = form_columns(site, s.issue)
        out.append("\n**填报**：确认的问题在下列表式栏次中填报：\n\n" + "\n".join(f"- {c}" for c in cols) + "\n"
                   if cols else "\n**填报**：本问题类型没有对应的表式栏次，按专项治理方案的要求另行报告。\n")

        out.append(heading(2, "整改状态", "rectification"))
        ledger = next((k for k in LEDGER_KINDS if k in site.kinds), None)
        if ledger is not None:
            kind = site.kinds[ledger]
            out.append(f"确认的问题记入整改台账，按台账的状态推进直至销号：见[{t(kind.title_zh)}]"
                       f"({site.page_href(kind.folder + '/index.md')})。\n")
        else:
            out.append("确认的问题记入整改台账，逐项跟踪整改、追回和问责，直至销号。\n")

        out.append(heading(2, "依据", "citations"))
        out.append("\n".join(f"- {site.cite(c)}" for c in s.citations) + "\n" if s.citations else "（未列依据）\n")
        out.append(heading(2, "运行", "run"))
        out.append(f"```sh\nsubsidy-rules audit run 台账.csv --only {s.name} -o 核查结果\n```\n")
        out.append(heading(2, "一条疑点的样式", "example"))
        out.append(f"疑点说明的样式（人名、号码、金额为虚构）：\n\n> {t(example_explanation(s))}\n\n")
        out.append("`findings.jsonl` 中每个疑点一行；下面是本项核查对其示例数据（虚构）写出的一行，供系统对接使用：\n\n"
                   if _real_finding(s) is not None else
                   "`findings.jsonl` 中每个疑点一行；下面是本项核查写出的一行的结构"
                   "（“…”处为实际数据），供系统对接使用：\n\n")
        out.append(f"```json\n{example_finding(s)}\n```\n")
        out.append(code_line("核查规则", s.name))
        return "".join(out)


def make(src: Sources) -> PageKind:
    def entries() -> Sequence[Entry]:
        return [Entry(key=s.name, title=s.name_zh, render=DetectorPage(s), citations=tuple(s.citations),
                      summary=s.description_zh) for s in src.detectors]

    return PageKind(
        id="detector",
        folder="detectors",
        title_zh="核查规则",
        intro_zh=(
            "把发放台账变成疑点的核查规则（命令 subsidy-rules audit run）。"
            "每一项说明它查什么、需要准备哪些名册和栏目、疑点怎样核实、确认后怎样处置。"
        ),
        entries=entries,
    )
