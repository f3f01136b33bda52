"""The demo's audit step: a sample district ledger, its findings explained in Chinese, filled forms."""

from __future__ import annotations

from pathlib import Path

from subsidy_rules.demo import STEPS
from subsidy_rules.demo.audit import run


def test_the_demo_audits_a_sample_district_and_fills_the_forms(tmp_path: Path) -> None:
    lines = run(tmp_path)
    assert "audit" in dict(STEPS)
    assert lines[0].startswith("台账") and "疑点" in lines[0]
    assert any(line.startswith("  例：") and "死亡" in line for line in lines)
    out = tmp_path / "audit" / "output"
    for name in ("findings.jsonl", "findings.xlsx", "summary.json"):
        assert (out / name).exists()
    assert len(list((out / "forms").glob("*.xlsx"))) == 3
