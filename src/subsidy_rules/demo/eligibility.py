"""Demo step: decide the sample cases and write their explanations (text and JSON).

The samples ship in ``subsidy_rules/programs/eligibility/examples``: a plain
case judged under 164号, one near retirement (reform-adjusted, period to
retirement), one that found a job, one with refunded months, and a
public-welfare post. Each decision goes to ``<out>/eligibility/<case>.txt``
(the officer's note) and ``.json``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from subsidy_rules.core.files import atomic_write_text
from subsidy_rules.io.eligibility import case_from_json, decision_to_json
from subsidy_rules.io.json import parse_json, write_document
from subsidy_rules.io.text import table
from subsidy_rules.programs.eligibility.engine import decide_all
from subsidy_rules.programs.eligibility.render import decision_text


def example_cases() -> list[tuple[str, str]]:
    """(file stem, JSON text) of every shipped sample case, in name order."""
    folder = resources.files("subsidy_rules.programs").joinpath("eligibility/examples")
    found = [(entry.name, entry) for entry in folder.iterdir() if entry.name.endswith(".json")]
    return [(name.removesuffix(".json"), entry.read_text("utf-8")) for name, entry in sorted(found)]


def run(out: Path) -> list[str]:
    target = out / "eligibility"
    target.mkdir(parents=True, exist_ok=True)
    rows: list[list[str]] = []
    for stem, text in example_cases():
        name = f"examples/{stem}.json"
        case = case_from_json(parse_json(text, source=name), name)
        decisions = decide_all(case)
        note = "\n\n".join(decision_text(d) for d in decisions)
        atomic_write_text(target / f"{stem}.txt", note + "\n")
        write_document(
            target / f"{stem}.json", case_id=case.case_id, decisions=[decision_to_json(d) for d in decisions]
        )
        for d in decisions:
            period = f"{d.period_start}–{d.period_end}" if d.period_start and d.period_end else "-"
            rows.append(
                [
                    stem,
                    d.program,
                    "yes" if d.eligible else "no",
                    period,
                    d.period_end_reason.value if d.period_end_reason else "-",
                    f"{d.total_entitled:.2f}",
                    str(len(d.problems)),
                ]
            )
    lines = [table(["case", "program", "eligible", "period", "ends by", "entitled 元", "problems"], rows)]
    lines.append(f"wrote {len(rows)} decisions under {target} (.txt officer's notes, .json)")
    return lines
