"""Pages for the eligibility rules: each program's conditions and their sources.

The conditions shown for a program are those the engine judged when it
decided the shipped sample cases (``programs/eligibility/examples``), so the
page shows what the code does, not a description of it.
"""

from __future__ import annotations

import json

from subsidy_rules.docs.html import citation, esc, shown_value, table
from subsidy_rules.programs import catalogue
from subsidy_rules.programs.eligibility.case_json import case_from_json
from subsidy_rules.programs.eligibility.decision import ConditionResult
from subsidy_rules.programs.eligibility.engine import RULES, decide_all


def _judged() -> dict[str, dict[str, ConditionResult]]:
    from subsidy_rules.demo.eligibility import example_cases

    out: dict[str, dict[str, ConditionResult]] = {code: {} for code in RULES}
    for stem, text in example_cases():
        case = case_from_json(json.loads(text), f"examples/{stem}.json")
        for decision in decide_all(case):
            seen = out[decision.program]
            for cond in decision.conditions:
                if cond.code not in seen or (cond.parameters and not seen[cond.code].parameters):
                    seen[cond.code] = cond
    return out


def eligibility_body() -> str:
    cat = catalogue()
    judged = _judged()
    parts = [
        "<p>各补贴的享受条件。每一条件列出其依据；金额、比例、期限等由按日期取值的政策参数决定，"
        "并列出所用参数值及其生效日期。条件取自引擎对示例案件的实际判定。</p>"
    ]
    for code in RULES:
        program = cat.get(code)
        parts.append(f'<h2 id="{esc(code)}">{esc(program.name_zh)}</h2>'
                     f'<p class="en">{esc(program.name_en)} — <code>{esc(code)}</code></p>')
        rows = []
        for cond in judged[code].values():
            params = "<br>".join(
                f"<code>{esc(r.parameter_id)}</code> = {esc(shown_value(r.value))} {esc(r.unit)}"
                f"（{esc(r.effective_from.isoformat())}起，{esc(r.layer)}）{citation(r.citation)}"
                for r in cond.parameters
            )
            rows.append([
                f"<b>{esc(cond.title_zh)}</b><br><span class=\"en\">{esc(cond.title_en)}</span>",
                f"<code>{esc(cond.code)}</code>",
                "<br>".join(citation(c) for c in cond.citations) or "—",
                params or "—",
            ])
        if rows:
            parts.append(table(["条件", "代码", "依据", "所用参数（示例案件）"], rows))
        else:
            parts.append("<p>（示例案件未涉及本项目。）</p>")
    return "".join(parts)
