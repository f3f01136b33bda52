"""Rule pages: a program's conditions in order, each with its basis and check point; stop events; Limitations."""

from __future__ import annotations

from collections.abc import Sequence

from subsidy_rules.docs.kinds.parameters import today_value
from subsidy_rules.docs.md import code, heading, t, table
from subsidy_rules.docs.model import Entry, PageKind, Site
from subsidy_rules.docs.sources import RuleSpecLike, Sources, cites, texts


def _event_text(event: object) -> str:
    """A stop event: its Chinese text, and whether the rule judges it or only names it."""
    text = getattr(event, "text_zh", None)
    shown = t(text if isinstance(text, str) else event)
    if getattr(event, "modelled", True) is False:
        return shown + "（本库不判断，需人工核查；见下方局限）"
    return shown


class RulePage:
    def __init__(self, key: str, spec: RuleSpecLike) -> None:
        self.key = key
        self.spec = spec

    def __call__(self, site: Site) -> str:
        spec = self.spec
        out = [f"适用项目：{site.link_or_text('program', spec.program)}\n\n"]
        out.append("判定时按顺序检查下列条件；每一条列出其法规依据（依据）和要求核查它的专项治理文件（核查要点）。"
                   "金额、比例、期限取案件所属日期有效的政策参数。\n")
        out.append(heading(2, "条件", "conditions"))
        for n, cond in enumerate(spec.conditions, start=1):
            out.append(heading(3, f"{n}. {t(cond.text_zh)}", f"c-{cond.id}"))
            out.append(f'<span class="sr-en" lang="en">{t(cond.text_en)}</span>\n\n')
            basis = cites(cond.basis)
            check = cites(cond.checkpoint)
            out.append("- **依据**：" + ("；".join(site.cite(c) for c in basis) if basis else "（未列依据）") + "\n")
            checked = "；".join(site.cite(c) for c in check) if check else "（无专项治理文件提及）"
            out.append(f"- **核查要点**：{checked}\n")
            out.append(f"- 条件代码：{code(cond.id)}\n")
        out.append(heading(2, "所用政策参数", "parameters"))
        rows = [[site.link_or_text("parameter", pid), today_value(site, pid, "national") if site.has("parameter", pid)
                 else "—"] for pid in spec.parameters]
        out.append(f"今日（{site.today.isoformat()}）全国层的取值；地方取值见各参数页。\n\n")
        out.append(table(["参数", "今日取值（全国）"], rows))
        excluded = list(spec.excludes)
        if excluded:
            out.append(heading(2, "不得同时享受的项目", "excludes"))
            out.append("同一人同一月份不能既享受本项目、又享受下列项目：\n\n")
            out.append("\n".join(f"- {site.link_or_text('program', c)}" for c in excluded) + "\n")
        out.append(heading(2, "停止享受的情形", "stop-events"))
        events = list(spec.stop_events)
        out.append("\n".join(f"- {_event_text(e)}" for e in events) + "\n" if events else "（规则未列出停止情形。）\n")
        out.append(heading(2, "局限（本规则没有判断的情形）", "limitations"))
        lim_zh = texts(spec.limitations_zh)
        lim_en = texts(spec.limitations_en)
        out.append("\n".join(f"- {t(x)}" for x in lim_zh) + "\n" if lim_zh else "（未列局限。）\n")
        if lim_en:
            out.append("\n" + "\n".join(f'- <span class="sr-en" lang="en">{t(x)}</span>' for x in lim_en) + "\n")
        out.append(f"\n<small>供脚本使用的规则代码：{code(self.key)}</small>\n")
        return "".join(out)


def make(src: Sources) -> PageKind:
    def entries() -> Sequence[Entry]:
        out = []
        for key, spec in src.rules.items():
            cs = tuple(c for cond in spec.conditions for c in (*cites(cond.basis), *cites(cond.checkpoint)))
            out.append(Entry(key=key, title=spec.name_zh, render=RulePage(key, spec), citations=cs,
                             summary=f"{len(spec.conditions)} 项条件", boost=1.5))
        return out

    return PageKind(
        id="rule",
        folder="rules",
        title_zh="享受条件",
        intro_zh="各补贴的享受条件规则：条件按判定顺序列出，每一条都有依据和核查要点，并列出所用参数、停止情形和局限。",
        entries=entries,
    )
