"""Detector pages: what it checks, the data it needs, the issue it finds, an example finding."""

from __future__ import annotations

import json
from collections.abc import Sequence

from subsidy_rules.docs.labels import label
from subsidy_rules.docs.md import code, heading, t
from subsidy_rules.docs.model import Entry, PageKind, Site
from subsidy_rules.docs.sources import DetectorSpecLike, Sources
from subsidy_rules.issues.model import Finding

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


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "……"


def _real_finding(spec: DetectorSpecLike) -> Finding | None:
    """The first finding the detector gives on its own examples (a detector of the library's registry)."""
    if not getattr(spec, "examples", None):
        return None
    from subsidy_rules.issues.audit.sample import example_findings

    found = example_findings(spec.name)
    return found[0] if found else None


def example_explanation(spec: DetectorSpecLike) -> str:
    """The detector's explanation sentence on its example (made-up values for a spec without examples)."""
    real = _real_finding(spec)
    return real.explanation_zh if real is not None else spec.explain_zh.format_map(_Blank(_SAMPLE))


def example_finding(spec: DetectorSpecLike) -> str:
    """One line of ``findings.jsonl``: ``to_json`` of a real finding on the detector's example, else its shape."""
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


class DetectorPage:
    def __init__(self, spec: DetectorSpecLike) -> None:
        self.spec = spec

    def __call__(self, site: Site) -> str:
        s = self.spec
        out = [f"{t(s.description_zh)}\n\n", f'<span class="sr-en" lang="en">{t(s.description_en)}</span>\n']
        out.append(heading(2, "发现的问题类型", "issue"))
        out.append(f"{site.link_or_text('issue', s.issue)}。发现的是**疑点**：核实之前不是认定的问题。\n")
        out.append(heading(2, "所需数据", "needs"))
        needs = list(s.needs)
        out.append("\n".join(f"- {label(n)}" for n in needs) + "\n" if needs else "只需发放台账。\n")
        uses = [u for u in s.uses if u not in needs]
        if uses:
            out.append("\n有以下数据时一并使用（没有也能运行）：\n\n" + "\n".join(f"- {label(u)}" for u in uses) + "\n")
        out.append("\n缺少所需名册时，本项核查不运行，并在汇总中列为“未运行”，不会当作通过。\n")
        out.append(heading(2, "依据", "citations"))
        out.append("\n".join(f"- {site.cite(c)}" for c in s.citations) + "\n" if s.citations else "（未列依据）\n")
        out.append(heading(2, "运行", "run"))
        out.append(f"```sh\nsubsidy-rules audit run 台账.csv --only {s.name} -o 核查结果\n```\n")
        out.append(heading(2, "一条疑点的样式", "example"))
        out.append(f"疑点说明的样式（人名、号码、金额为虚构）：\n\n> {t(example_explanation(s))}\n\n")
        out.append(
            "`findings.jsonl` 中每个疑点一行；下面是本项核查对其示例数据（虚构）写出的一行：\n\n"
            if _real_finding(s) is not None
            else "`findings.jsonl` 中每个疑点一行；下面是本项核查写出的一行的结构（“…”处为实际数据）：\n\n"
        )
        out.append(f"```json\n{example_finding(s)}\n```\n")
        out.append(f"\n<small>供脚本使用的核查规则名：{code(s.name)}</small>\n")
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
            "每一项说明它查什么、需要哪些数据、对应哪个问题类型。"
        ),
        entries=entries,
    )
