"""The demo's ledger step: findings imported, walked to 销号 (one rejected once), reported, filled, sampled."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from subsidy_rules.demo import audit, ledger
from subsidy_rules.rectification import Ledger


def test_the_demo_walks_findings_to_closed_reports_fills_and_samples(tmp_path: Path) -> None:
    audit.run(tmp_path)
    lines = ledger.run(tmp_path)
    text = "\n".join(lines)
    assert "李四 已整改→整改中" in text and "李四 已整改→已销号" in text
    assert "应于 2025-10-20 前报送" in text and "逾期 1" in text
    assert text.count("校验通过") == 3 and "校验未通过" not in text
    assert "零报送" in text and "已记入台账（第 1 次）" in text
    db = tmp_path / "ledger" / "整改台账.db"
    assert stat.S_IMODE(os.stat(db).st_mode) == 0o600
    assert (tmp_path / "ledger" / "forms" / "chongqing-2023-problem-list.xlsx").is_file()
    with Ledger.open(db) as lg:
        assert [i.status for i in lg.items(status="closed")] == ["closed", "closed"]
        assert len(lg.spot_checks()) == 1
    assert ledger.run(tmp_path) == lines  # the same on every run
