"""The CLI contract for programs and parameters: output shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from subsidy_rules.cli import cli

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_programs_list_json_gives_the_41_wuhan_rows_in_order() -> None:
    code, out, _ = run("programs", "list", "--catalogue", "wuhan-2022", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == "1.0"
    assert len(doc["programs"]) == 41
    assert doc["programs"][23]["name_zh"] == "公益性岗位补贴和社保补贴"
    for p in doc["programs"]:
        assert {"code", "name_zh", "name_en", "aliases", "fund_item", "sources"} <= set(p)


def test_programs_list_text_shows_every_program_and_a_count() -> None:
    code, out, _ = run("programs", "list")
    assert code == 0
    assert "灵活就业社会保险补贴" in out and out.rstrip().endswith("programs")


def test_programs_show_explains_sources_and_citations() -> None:
    code, out, _ = run("programs", "show", "difficulty-person-si-subsidy")
    assert code == 0
    assert "就业困难人员社会保险补贴" in out and "第39行" in out and "武人社办函〔2022〕10号" in out
    code, out, _ = run("programs", "show", "job-seeking-startup-subsidy")
    assert "unconfirmed" in out and "181号" in out
    code, out, _ = run("programs", "show", "flexible-employment-si-subsidy", "--format", "json")
    assert json.loads(out)["program"]["code"] == "flexible-employment-si-subsidy"


def test_an_unknown_code_is_one_line_on_stderr_and_exit_2() -> None:
    code, out, err = run("programs", "show", "市就业实习补贴")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and "市就业见习补贴" in err


def test_find_exits_1_when_nothing_matches_and_0_when_something_does() -> None:
    code, out, _ = run("programs", "find", "见习", "--format", "json")
    assert code == 0 and len(json.loads(out)["matches"]) == 5
    code, out, _ = run("programs", "find", "火星补贴")
    assert code == 1 and "No program matches" in out
    code, out, _ = run("programs", "find", "火星补贴", "--format", "json")
    assert code == 1 and json.loads(out)["matches"] == []
    code, out, _ = run("programs", "find", "市就业实习补贴")
    assert code == 1 and "Did you mean" in out
    code, out, _ = run("programs", "find", "市\u3000就业见习补贴")
    assert code == 0 and "normalised" in out


def test_parameters_show_at_a_date_names_the_value_its_citation_and_status() -> None:
    code, out, _ = run("parameters", "show", "ssi.graduate.window_months", "--at", "2019-06-01")
    assert code == 0
    assert "In force on 2019-06-01: 12" in out and "财社〔2017〕164号" in out and "UNCONFIRMED" in out
    code, out, _ = run("parameters", "show", "ssi.graduate.window_months", "--at", "2024-06-01", "--format", "json")
    doc = json.loads(out)
    assert doc["in_force"]["value"] == 24 and doc["in_force"]["citation"]["document_number"] == "财社〔2023〕181号"
    assert doc["in_force"]["confirmed"] is False


def test_parameters_show_with_a_user_layer(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text(
        '[layer]\nid="mine"\nname_zh="我的"\nname_en="Mine"\nlevel="user"\nparent="wuhan"\n'
        '[[parameters."minimum_wage.monthly".values]]\nfrom=2026-06-01\nvalue="2500.00"\n'
        'document="seed-000"\nconfirmed=false\n',
        encoding="utf-8",
    )
    code, out, _ = run("parameters", "show", "minimum_wage.monthly", "--layer", str(f), "--at", "2026-07-01",
                       "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["layers"] == ["national", "hubei", "wuhan", "mine"]
    assert doc["in_force"]["value"] == "2500.00" and doc["in_force"]["layer"] == "mine"
    # Issue 18: Wuhan states its tier (1); Hubei's tier-1 value is the wage.
    code, out, _ = run("parameters", "show", "minimum_wage.monthly.tier1", "--layer", str(f), "--at", "2026-01-01")
    assert "2400" in out and "hubei" in out


def test_parameter_errors_are_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    code, _, err = run("parameters", "show", "ssi.flexible.max_ratio", "--at", "2010-01-01")
    assert code == 2 and "no value at 2010-01-01" in err
    code, _, err = run("parameters", "show", "ssi.flexible.max_ratio", "--at", "yesterday")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = run("parameters", "show", "ssi.flexible.max_ratios")
    assert code == 2 and "did you mean" in err
    bad = tmp_path / "bad.toml"
    bad.write_text('[layer]\nid="x"\n', encoding="utf-8")
    code, _, err = run("parameters", "show", "ssi.flexible.max_ratio", "--layer", str(bad))
    assert code == 2 and str(bad) in err and "layer.name_zh: 缺少此项（missing）" in err
    assert "Traceback" not in err
    code, _, err = run("parameters", "show", "ssi.flexible.max_ratio", "--jurisdiction", "mars")
    assert code == 2


def test_parameters_show_json_without_a_date_lists_the_timeline() -> None:
    code, out, _ = run("parameters", "show", "ssi.flexible.max_ratio", "--jurisdiction", "wuhan", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["at"] is None and doc["in_force"] is None
    # 164号, 181号, and 财社〔2026〕1号 (carried over from 181号, issue 18)
    assert [v["value"] for v in doc["timeline"][0]["values"]] == ["2/3", "2/3", "2/3"]


def test_the_version_and_help_work() -> None:
    assert run("--version")[0] == 0
    code, out, _ = run("--help")
    assert code == 0 and "programs" in out and "parameters" in out
    assert run("no-such-command")[0] == 2
