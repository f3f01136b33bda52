"""Pages of the rectification ledger's states (整改台账状态): what each means and the moves in and out of it.

Read from ``rectification/states.toml`` — the same data the ledger enforces,
so the pages cannot drift from what ``ledger update`` allows.
"""

from __future__ import annotations

from collections.abc import Sequence

from subsidy_rules.docs.labels import note
from subsidy_rules.docs.md import code, heading, t, table
from subsidy_rules.docs.model import Entry, PageKind, Site
from subsidy_rules.rectification.states import Move, State, state_machine

#: What each requirement of a move asks of the person making it (``ledger update`` options).
REQUIREMENTS_ZH = {
    "note": "说明（理由或整改情况，--note）",
    "owner": "责任人（--owner）",
    "measure": "整改措施（--measure）",
    "deadline": "整改时限（--deadline 日期，或 --within N 个工作日，按含调休的工作日历计算）",
    "recovered_yuan": "追回金额（元，--recovered-yuan；涉及资金的问题必填）",
    "other_person": "须由整改情况记录人以外的人员办理",
}


def _needs(m: Move) -> str:
    return "；".join(t(REQUIREMENTS_ZH[r]) for r in m.requires) or "无"


class StatePage:
    def __init__(self, state: State) -> None:
        self.state = state

    def __call__(self, site: Site) -> str:
        sm = state_machine()
        st = self.state
        out = [f"{t(st.description_zh)}\n\n", f'<span class="sr-en" lang="en">{t(st.description_en)}</span>\n']
        rows = [
            ["中文名", t(st.name_zh)],
            ["状态代码（JSON 中的 status）", code(st.code)],
            ["是否终态", "是：除非说明理由重新打开，不再变动" if st.final else "否"],
            ["导入时的初始状态", "是" if st.code == sm.initial else "否"],
        ]
        out.append(table(["项目", "内容"], rows))
        out.append(heading(2, "可以转到", "moves-out"))
        outs = sm.moves_from(st.code)
        out.append(
            table(
                ["办理事项", "转到", "须填写", "依据"],
                [[t(m.name_zh), site.link("ledger-state", m.target, sm.name_zh(m.target)), _needs(m), note(m.cited)]
                 for m in outs],
            )
            if outs
            else "本状态不能再转到其他状态。\n"
        )
        out.append(heading(2, "从哪些状态转来", "moves-in"))
        ins = [m for m in sm.moves if m.target == st.code]
        out.append(
            table(
                ["办理事项", "原状态", "须填写"],
                [[t(m.name_zh), site.link("ledger-state", m.source, sm.name_zh(m.source)), _needs(m)] for m in ins],
            )
            if ins
            else "疑点导入整改台账时即处于本状态。\n"
        )
        out.append(heading(2, "命令", "command"))
        out.append(
            f"```sh\nsubsidy-rules ledger list --status {st.code}\n"
            + "".join(f"subsidy-rules ledger update 问题编号 --status {m.target} --by 姓名 …\n" for m in outs)
            + "```\n"
        )
        out.append(
            "\n其他任何状态变更都会被拒绝（退出码 2，一行说明，不写入任何内容）；"
            "每次变更都记入不可修改的处理记录（办理人、时间、原状态、新状态、说明、附件的 SHA-256）。\n"
        )
        return "".join(out)


def entries() -> Sequence[Entry]:
    return [
        Entry(key=st.code, title=st.name_zh, render=StatePage(st), summary=st.description_zh,
              keywords=(st.code, st.name_en, "整改台账", "销号"))
        for st in state_machine().states
    ]


KIND = PageKind(
    id="ledger-state",
    folder="ledger-states",
    title_zh="整改台账状态",
    intro_zh=(
        "发现问题之后的整改台账（subsidy-rules ledger）：每个问题从疑点到核实、整改、销号所经过的状态，"
        "每个状态能转到哪里、须填写什么。状态和允许的转换是数据，台账按同一份数据执行。"
    ),
    entries=entries,
)
