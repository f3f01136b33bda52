"""Demo step: the audit's findings into the rectification ledger, walked to 销号, reported, filed, spot-checked.

Imports the demo audit's ``findings.jsonl`` (the step before), verifies a few
leads, gives them an owner, a measure and a deadline in working days, records
the rectification and strikes them off — one rejected once on the way —,
excludes one with its reason and leaves one overdue; then prints September's
report (due 20 October), fills the Chongqing problem list (and the Wuhan
forms) from the verified items, validates them, and draws a spot-check
sample that it records in the ledger. Times are fixed (September 2025), so
the output is the same on every run.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from subsidy_rules.core.month import Month
from subsidy_rules.forms import batch
from subsidy_rules.forms.loader import layout
from subsidy_rules.rectification import Change, Ledger
from subsidy_rules.rectification.filling import fill_from_ledger
from subsidy_rules.rectification.importer import detectors_run, read_jsonl
from subsidy_rules.rectification.report import monthly_report, report_lines, write_report_xlsx
from subsidy_rules.rectification.sampling import UnitFacts, draw
from subsidy_rules.rectification.states import state_machine


def _at(day: int, month: int = 9) -> datetime:
    return datetime(2025, month, day, 2, tzinfo=UTC)  # 10:00 in Beijing


#: Units with no finding at all (零报送), beside the ledger's own; and communities of one street (seed 003).
ZERO_UNITS = ("江汉区唐家墩街道", "江汉区北湖街道")
COMMUNITIES = tuple(f"唐家墩街道第{i:02d}社区" for i in range(1, 13))


def run(out: Path) -> list[str]:
    findings = out / "audit" / "output" / "findings.jsonl"
    folder = out / "ledger"
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "整改台账.db"
    db.unlink(missing_ok=True)
    read = read_jsonl(findings)
    sm = state_machine()
    lines: list[str] = []
    with Ledger.open(db) as lg:
        s = lg.import_findings(read.findings, source="findings.jsonl", by="核查组", at=_at(5),
                               detectors_run=detectors_run(findings))
        again = lg.import_findings(read.findings, source="findings.jsonl", by="核查组", at=_at(5))
        lines.append(f"导入疑点 {s.added} 条；同一结果再导入一次：新增 {again.added}，未变 {again.unchanged}")
        by_detector = {f.detector: f for f in sorted(read.findings, key=lambda f: f.finding_id)}
        a = by_detector["paid-after-death"].finding_id
        b = by_detector["duplicate-period"].finding_id
        c = by_detector["date-order"].finding_id
        d = by_detector["above-standard"].finding_id
        for fid in (a, b, d):
            lg.update(fid, Change(by="张三", status="verified", note="经入户核实"), at=_at(8))
        lg.update(c, Change(by="张三", status="excluded", note="系录入时日期笔误，发放合规"), at=_at(8))
        for fid in (a, b):
            lg.update(fid, Change(by="张三", status="rectifying", owner="王五", measure="追回违规发放资金",
                                  within_working_days=10), at=_at(9))
        lg.update(d, Change(by="张三", status="rectifying", owner="赵六", measure="按标准重新核定",
                            deadline=date(2025, 9, 19)), at=_at(9))
        amount = {fid: lg.get(fid).amount_yuan for fid in (a, b)}
        lg.update(a, Change(by="王五", status="rectified", note="已追回", recovered_yuan=amount[a]), at=_at(15))
        lg.update(a, Change(by="李四", status="rectifying", note="缺少银行退款凭证，退回补充"), at=_at(16))
        lg.update(a, Change(by="王五", status="rectified", note="已追回，附银行退款凭证",
                            recovered_yuan=amount[a]), at=_at(18))
        lg.update(b, Change(by="王五", status="rectified", note="已追回", recovered_yuan=amount[b]), at=_at(18))
        for fid in (a, b):
            lg.update(fid, Change(by="李四", status="closed", note="审核通过，予以销号"), at=_at(22))
        walk = [f"{e.by} {sm.name_zh(e.from_status or '')}→{sm.name_zh(e.to_status or '')}"
                for e in lg.history(a) if e.to_status]
        lines.append(f"{a}：" + "；".join(walk))
        rep = monthly_report(lg, Month(2025, 9), today=date(2025, 10, 5))
        write_report_xlsx(rep, folder / "2025-09整改月报.xlsx")
        lines += report_lines(rep)
        forms = fill_from_ledger(lg, folder / "forms", "江汉区")
        for form_id, path in forms.items():
            valid = batch.report_of(batch.validate_files(layout(form_id), [path], isolate=False)).valid
            lines.append(f"已填报表（已核实问题）：{path}（{'校验通过' if valid else '校验未通过'}）")
        counts = lg.unit_counts()
        population = [UnitFacts(u, n, None, None, n == 0) for u, n in counts.items()]
        population += [UnitFacts(u, 0, None, None, True) for u in ZERO_UNITS]
        population += [UnitFacts(c_, None, None, "江汉区唐家墩街道") for c_ in COMMUNITIES]
        check = draw(population, seed=20250801, as_of=date(2025, 8, 1), ratio=Decimal("0.6"), villages=10)
        number = lg.record_spot_check(check, by="督查组", at=_at(1, 8))
    lines.append(
        f"重点抽查（随机种子 {check.seed}，比例 {check.ratio:%}，{check.ratio_cited}）："
        f"{check.population} 个单位抽 {len(check.chosen)} 个，已记入台账（第 {number} 次）"
    )
    for unit in check.chosen:
        lines.append(f"  {unit.unit}：{unit.reason}" + (f"；抽查 {'、'.join(unit.villages)}" if unit.villages else ""))
    lines.append(f"整改台账：{db}")
    return lines


__all__ = ["run"]
