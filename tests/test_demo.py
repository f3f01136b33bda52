"""The main job runs end to end and writes what it says."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from subsidy_rules.cli import cli


def test_the_demo_writes_the_catalogue_forms_decisions_and_site(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    catalogue = json.loads((out / "catalogue.json").read_text("utf-8"))
    assert len([p for p in catalogue["programs"] if any(s["catalogue"] == "wuhan-2022" for s in p["sources"])]) == 41
    report = json.loads((out / "forms" / "validation-report.json").read_text("utf-8"))
    assert [f["valid"] for f in report["files"]].count(False) == 1
    assert (out / "forms" / "rollup-wuhan-2022-problem-stats.xlsx").exists()
    assert len(list((out / "eligibility").glob("*.txt"))) == 7
    assert (out / "site" / "index.html").exists()
    for step in ("== catalogue ==", "== issues ==", "== forms ==", "== eligibility ==", "== docs =="):
        assert step in result.output
