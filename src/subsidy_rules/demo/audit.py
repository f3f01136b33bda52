"""Demo step: a sample district ledger with rosters and planted problems → audit → findings and forms."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from subsidy_rules.forms.fill import fill_from_audit
from subsidy_rules.io.findings import write_all
from subsidy_rules.issues import Finding
from subsidy_rules.issues.audit import audit
from subsidy_rules.issues.audit.outputs import summary
from subsidy_rules.issues.audit.sample import SAMPLE_LAYER, generate


def run(out: Path) -> list[str]:
    folder = out / "audit"
    paths, _ = generate(folder / "input", persons=300)
    # the sample district states its own standard (a made-up layer): the national 2/3 is only a ceiling
    result = audit(
        paths["ledger"],
        {k: v for k, v in paths.items() if k != "ledger"},
        as_of=date(2025, 12, 31),
        layers=[SAMPLE_LAYER],
    )
    write_all(result, folder / "output")
    forms_written = fill_from_audit(result, folder / "output" / "forms", "江汉区")
    doc = summary(result)
    lines = [
        f"台账 {result.payments} 笔（另有 {doc.rows_rejected} 行无法读取，已逐行报告）；"
        f"疑点 {doc.findings} 条，涉及 {doc.amount_yuan} 元（待核实）",
    ]
    lines += [f"  {r.name_zh}：{r.findings} 条，{r.amount_yuan} 元" for r in doc.detectors if r.ran]
    shown: dict[str, Finding] = {}
    for f in result.iter_findings():
        shown.setdefault(f.detector, f)
    for name in ("paid-after-death", "late-payment", "above-standard"):
        if name in shown:
            lines.append("  例：" + shown[name].explanation_zh)
    lines += [f"  已填报表：{p}" for p in forms_written.values()]
    return lines
