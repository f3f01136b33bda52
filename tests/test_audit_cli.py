"""``subsidy-rules audit run``: exit codes, outputs, JSON summary, error documents."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from subsidy_rules.cli import cli
from subsidy_rules.issues.audit.sample import generate


def _args(paths: dict[str, Path], out: Path) -> list[str]:
    args = ["audit", "run", str(paths["ledger"]), "--as-of", "2025-12-31", "-o", str(out)]
    for kind, path in paths.items():
        if kind != "ledger":
            args += ["--roster", f"{kind}={path}"]
    return args


def test_an_audit_with_findings_exits_1_and_writes_every_output(tmp_path: Path) -> None:
    paths, _ = generate(tmp_path / "in", persons=25)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, [*_args(paths, out), "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["schema_version"] and doc["findings"] > 0
    assert {d["name"] for d in doc["detectors"] if d["ran"]} >= {"duplicate-period", "late-payment"}
    for name in ("findings.jsonl", "findings.xlsx", "summary.json", "forms/wuhan-2022-problem-stats.xlsx"):
        assert (out / name).exists(), name
    first = json.loads((out / "findings.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert set(first) >= {
        "finding_id",
        "detector",
        "issue",
        "status",
        "program",
        "unit",
        "id_number",
        "name",
        "months",
        "amount_yuan",
        "evidence",
        "explanation_zh",
        "explanation_en",
        "citations",
    }
    assert first["status"] == "lead" and isinstance(first["amount_yuan"], str)


def test_a_clean_ledger_exits_0_and_a_missing_roster_is_said(tmp_path: Path) -> None:
    paths, _ = generate(tmp_path / "in", persons=1)  # person 0 is clean
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "audit",
            "run",
            str(paths["ledger"]),
            "--as-of",
            "2025-12-31",
            "-o",
            str(out),
            "--only",
            "duplicate-period,paid-after-death",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "未运行（缺少死亡人员名册）" in result.output  # text mode is Chinese (issue 15)


def test_an_unreadable_ledger_exits_2_with_a_json_error_document(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["audit", "run", str(tmp_path / "none.csv"), "-o", str(tmp_path / "o"), "--format", "json"]
    )
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    assert doc["error"]["code"] == "audit-file-unreadable"
    assert not (tmp_path / "o").exists()


def test_a_malformed_roster_option_exits_2(tmp_path: Path) -> None:
    paths, _ = generate(tmp_path / "in", persons=1)
    result = CliRunner().invoke(
        cli, ["audit", "run", str(paths["ledger"]), "--roster", "deaths", "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    result = CliRunner().invoke(
        cli, ["audit", "run", str(paths["ledger"]), "--roster", "ghosts=x.csv", "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
