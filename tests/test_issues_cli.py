"""``subsidy-rules issues tree|show|crosswalk``: output shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from subsidy_rules.cli import cli
from subsidy_rules.demo import STEPS
from subsidy_rules.demo import issues as demo_issues

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_crosswalk_json_gives_all_13_wuhan_columns_each_with_its_nodes() -> None:
    code, out, _ = run("issues", "crosswalk", "wuhan-2022-problem-stats", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == "1.0"
    assert doc["source"]["id"] == "wuhan-2022-problem-stats" and doc["source"]["kind"] == "form"
    assert doc["source"]["citation"]["document_number"] == "武人社办函〔2022〕10号"
    items = doc["items"]
    assert [i["column"] for i in items] == list(range(1, 14))
    assert all(i["nodes"] for i in items)
    assert items[5]["label_zh"] == "超范围超标准发放" and items[5]["nodes"] == ["payment.excess"]
    assert items[12]["measure"] == "cards"
    detail = {"code": "funds.embezzlement", "name_zh": "贪污侵占", "name_en": "Embezzlement"}
    assert items[0]["nodes_detail"] == [detail]


def test_crosswalk_json_of_a_seed_list_has_no_column_numbers() -> None:
    code, out, _ = run("issues", "crosswalk", "jianghan-2022-items", "--format", "json")
    assert code == 0
    items = json.loads(out)["items"]
    assert all(i["column"] is None and i["nodes"] for i in items)
    assert len(items) == 3 + 7 + 3 + 4


def test_crosswalk_text_is_a_table_that_flags_reconstructed_labels() -> None:
    code, out, _ = run("issues", "crosswalk", "tongchuan-2021-problems")
    assert code == 0
    assert "铜残联发〔2021〕63号 附件2" in out
    assert "未进行公示*" in out and "未发放资金未按规定存放的金额*" in out
    assert out.rstrip().endswith("not printed in the seed.")


def test_unknown_source_exits_2_with_one_line_and_no_traceback() -> None:
    code, out, err = run("issues", "crosswalk", "wuhan-2022-problem-stat", "--format", "json")
    assert code == 2
    assert json.loads(out)["error"]["code"] == "cli-unknown-code"  # the JSON error document on stdout
    assert err.count("\n") == 1 and err.startswith("error: unknown crosswalk source")
    assert "did you mean: wuhan-2022-problem-stats" in err and "Traceback" not in err


def test_unknown_code_exits_2_with_one_line_and_suggestions() -> None:
    code, _, err = run("issues", "show", "funds.embezzlment")
    assert code == 2
    assert err.count("\n") == 1 and "funds.embezzlement" in err and "Traceback" not in err


def test_show_text_explains_sources_columns_and_lists() -> None:
    code, out, _ = run("issues", "show", "funds.fraud")
    assert code == 0
    assert "套取骗取  (funds.fraud)" in out
    assert "铜残联发〔2021〕63号 二（三）：“套取骗取”" in out
    assert "tongchuan-2021-problems: 第4栏" in out
    assert "wuhan-2022-problem-stats: — no column reports it" in out
    assert "tongchuan-2021-violations 19: 套取骗取" in out
    assert "移交纪检监察机关" in out


def test_show_text_of_a_parent_lists_children_and_flags_our_wording() -> None:
    code, out, _ = run("issues", "show", "补贴资金发放问题")
    assert code == 0
    assert "下级 children:" in out and "payment.excess  超范围超标准发放" in out
    assert "our wording" in out


def test_show_json_carries_the_record_and_the_reverse_lookup() -> None:
    code, out, _ = run("issues", "show", "payment.excess.beyond-scope", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["issue"]["code"] == "payment.excess.beyond-scope"
    assert doc["issue"]["name_provenance"] == "reconstructed"
    assert doc["ancestors"] == ["payment.excess", "payment"]
    assert doc["columns"]["wuhan-2022-problem-stats"] == [6]
    assert doc["columns"]["tongchuan-2021-problems"] == [8]
    assert any(
        i["source"] == "tongchuan-2021-violations" and i["key"] == "14" and i["label_zh"] == "是否超范围超标准发放"
        for i in doc["items"]
    )


def test_tree_text_indents_children_and_counts_the_nodes() -> None:
    code, out, _ = run("issues", "tree")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("funds  违纪违法问题")
    assert "    payment.excess.beyond-scope  超范围发放*  — Paid beyond the scope" in lines
    assert "issue types, 14 roots" in out


def test_tree_json_nests_children_under_roots() -> None:
    code, out, _ = run("issues", "tree", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    roots = {r["code"]: r for r in doc["issues"]}
    assert len(roots) == 14
    payment = roots["payment"]
    excess = next(c for c in payment["children"] if c["code"] == "payment.excess")
    assert [c["code"] for c in excess["children"]] == ["payment.excess.beyond-standard", "payment.excess.beyond-scope"]

    def count(nodes: list[dict[str, object]]) -> int:
        return sum(1 + count(n["children"]) for n in nodes)  # type: ignore[arg-type]

    assert count(doc["issues"]) == doc["count"]


def test_the_demo_runs_issues_right_after_the_catalogue_and_writes_issues_json(tmp_path: Path) -> None:
    names = [name for name, _ in STEPS]
    assert names[names.index("catalogue") + 1] == "issues"
    lines = demo_issues.run(tmp_path)
    doc = json.loads((tmp_path / "issues.json").read_text("utf-8"))
    assert doc["schema_version"] == "1.0"
    assert len(doc["crosswalks"]) == 10
    assert doc["columns"]["funds.fraud"]["tongchuan-2021-problems"] == [4]
    assert any("wuhan-2022-problem-stats 第6栏" in line for line in lines)
    assert lines[-1].startswith("wrote ")
