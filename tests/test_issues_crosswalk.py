"""Crosswalks: every seed item and every form column mapped; the reverse lookup."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import subsidy_rules
from subsidy_rules.core.errors import UnknownCodeError
from subsidy_rules.issues import Measure, NodeKind, Provenance, SourceKind, taxonomy

FORMS = {
    "wuhan-2022-problem-stats": 13,
    "wuhan-2022-summary": 14,
    "tongchuan-2021-screening": 21,
    "tongchuan-2021-problems": 19,
    "chongqing-2023-problem-list": 9,
}
LISTS = [
    "wuhan-2022-areas",
    "jianghan-2022-items",
    "chongqing-2023-checkpoints",
    "tongchuan-2021-violations",
    "inner-mongolia-2023-problems",
]


def test_the_five_form_ids_fixed_with_the_forms_issue_are_all_there_with_their_column_counts() -> None:
    tx = taxonomy()
    assert tx.forms() == list(FORMS)
    for form_id, n in FORMS.items():
        cw = tx.crosswalk(form_id)
        assert cw.kind is SourceKind.FORM
        assert [it.column for it in cw.items] == list(range(1, n + 1))
    assert tx.sources() == LISTS + list(FORMS)


@pytest.mark.parametrize("source_id", LISTS)
def test_every_item_of_every_seed_list_maps_to_at_least_one_node(source_id: str) -> None:
    cw = taxonomy().crosswalk(source_id)
    assert cw.kind is SourceKind.CATEGORY_LIST
    for item in cw.items:
        assert item.nodes, (source_id, item.key, item.label_zh)
        assert item.column is None


@pytest.mark.parametrize("form_id", list(FORMS))
def test_every_amount_or_count_column_maps_to_at_least_one_node(form_id: str) -> None:
    for item in taxonomy().crosswalk(form_id).items:
        assert item.measure is not None
        if item.measure.is_quantity:
            assert item.nodes, (form_id, item.key)


@pytest.mark.parametrize("form_id", list(FORMS))
def test_a_column_that_maps_to_no_node_says_why(form_id: str) -> None:
    for item in taxonomy().crosswalk(form_id).items:
        if not item.nodes:
            assert item.note and item.measure is not None and not item.measure.is_quantity


def test_wuhan_problem_statistics_gives_all_13_columns_in_printed_order_with_their_nodes() -> None:
    cw = taxonomy().crosswalk("wuhan-2022-problem-stats")
    labels = [it.label_zh for it in cw.items]
    assert labels == [
        "贪污侵占", "截留挪用", "虚报冒领", "私存私分", "克扣索要", "超范围超标准发放", "发放不及时",
        "未足额发放", "结存资金未按规定存放", "未按规定形式发放", "未按规定公示公告", "应享受未享受",
        "违规代管“一卡通”数量",
    ]
    assert all(it.provenance is Provenance.SOURCE and it.group_zh == "检查发现存在问题" for it in cw.items)
    assert [it.measure for it in cw.items] == [Measure.AMOUNT_10K_YUAN] * 12 + [Measure.CARDS]
    assert cw.item(13).nodes == ("cards.held-by-others",)


def test_seed_003_keeps_beyond_standard_and_beyond_scope_apart() -> None:
    tx = taxonomy()
    problems = tx.crosswalk("tongchuan-2021-problems")
    assert problems.item(7).nodes == ("payment.excess.beyond-standard",)
    assert problems.item(8).nodes == ("payment.excess.beyond-scope",)
    assert tx.columns_for("payment.excess.beyond-standard")["tongchuan-2021-problems"] == [7]
    assert tx.columns_for("payment.excess.beyond-scope")["tongchuan-2021-problems"] == [8]


def test_seed_000_counts_beyond_standard_and_beyond_scope_in_one_column() -> None:
    tx = taxonomy()
    assert tx.crosswalk("wuhan-2022-problem-stats").item(6).nodes == ("payment.excess",)
    for code in ("payment.excess.beyond-standard", "payment.excess.beyond-scope"):
        assert tx.columns_for(code)["wuhan-2022-problem-stats"] == [6]


def test_a_finding_at_the_parent_level_has_no_single_column_on_a_form_that_splits_it() -> None:
    tx = taxonomy()
    assert tx.columns_for("payment.excess")["tongchuan-2021-problems"] == []
    assert tx.columns_for("payment.excess", include_descendants=True)["tongchuan-2021-problems"] == [7, 8]


def test_fraud_has_a_column_in_tongchuan_but_none_in_wuhan() -> None:
    columns = taxonomy().columns_for("funds.fraud")
    assert columns["tongchuan-2021-problems"] == [4]
    assert columns["wuhan-2022-problem-stats"] == []


def test_reverse_lookup_names_every_form_and_agrees_with_the_columns() -> None:
    tx = taxonomy()
    for issue in tx:
        covering = {issue.code, *(a.code for a in tx.ancestors(issue.code))}
        columns = tx.columns_for(issue.code)
        assert list(columns) == list(FORMS)
        for form_id in FORMS:
            expected = [it.column for it in tx.crosswalk(form_id).items if covering & set(it.nodes)]
            assert columns[form_id] == expected


def test_every_screening_fact_and_outcome_is_reported_by_some_form_column() -> None:
    tx = taxonomy()
    for issue in tx:
        if issue.kind is not NodeKind.PROBLEM:
            columns = tx.columns_for(issue.code, include_descendants=True)
            assert any(columns.values()), issue.code


def test_wuhan_summary_columns_are_facts_and_outcomes_not_problems() -> None:
    tx = taxonomy()
    cw = tx.crosswalk("wuhan-2022-summary")
    kinds = [tx.get(it.nodes[0]).kind for it in cw.items]
    assert kinds[:5] == [NodeKind.SCREENING_FACT] * 5
    assert kinds[5:] == [NodeKind.OUTCOME] * 9
    assert cw.item(6).nodes == ("accountability.voluntary.statement",)
    assert cw.item(8).label_zh == "移交纪检监察部门问题线索数"
    assert cw.item(11).nodes == cw.item(12).nodes == ("accountability.public-exposure",)


def test_tongchuan_screening_column_7_is_the_standard_applied_and_every_label_is_reconstructed() -> None:
    cw = taxonomy().crosswalk("tongchuan-2021-screening")
    assert cw.item(7).measure is Measure.STANDARD
    assert cw.item(7).nodes == ("screening.coverage.standard",)
    assert all(it.provenance is Provenance.RECONSTRUCTED for it in cw.items)
    others = [it for it in cw.items if it.key != "7"]
    assert all(it.nodes == ("screening.coverage",) for it in others)
    assert "8=11+14+15" in (cw.item(14).note or "")


def test_tongchuan_problem_columns_9_and_12_are_reconstructed_readings_with_other_candidates() -> None:
    tx = taxonomy()
    cw = tx.crosswalk("tongchuan-2021-problems")
    assert cw.item(9).nodes == ("management.unspent-funds",)
    assert cw.item(12).nodes == ("channel",)
    for n in (9, 12):
        item = cw.item(n)
        assert item.provenance is Provenance.RECONSTRUCTED and item.candidates
        assert "no note describes" in (item.note or "")
    # Candidates never enter the reverse lookup.
    assert tx.columns_for("eligibility.ineligible")["tongchuan-2021-problems"] == []
    assert all(cw.item(n).provenance is Provenance.RECONSTRUCTED for n in range(1, 20))


def test_form_column_labels_match_the_forms_layouts_letter_for_letter() -> None:
    layouts = Path(subsidy_rules.__file__).parent / "forms" / "layouts"
    tx = taxonomy()
    for form_id in FORMS:
        path = layouts / f"{form_id}.toml"
        if not path.exists():
            pytest.skip(f"forms layout {form_id} not shipped")
        columns = {c["number"]: c["label"] for c in tomllib.loads(path.read_text("utf-8"))["columns"]}
        ours = {it.column: it.label_zh for it in tx.crosswalk(form_id).items}
        assert ours == columns, form_id


def test_chongqing_problem_list_type_column_reports_every_problem_seed_002_names() -> None:
    tx = taxonomy()
    cw = tx.crosswalk("chongqing-2023-problem-list")
    from_002 = {
        i.code for i in tx if i.kind is NodeKind.PROBLEM and "seed-002" in {c.document_key for c in i.citations}
    }
    assert set(cw.item(2).nodes) == from_002
    assert cw.item(2).measure is Measure.CODE
    assert cw.item(4).nodes == cw.item(5).nodes == cw.item(2).nodes
    assert cw.item(5).measure is Measure.AMOUNT_YUAN
    assert all(not cw.item(n).nodes for n in (1, 3, 6, 7, 8, 9))
    assert all(it.provenance is Provenance.RECONSTRUCTED for it in cw.items)
    assert tx.columns_for("systems.accounts.shared")["chongqing-2023-problem-list"] == [2, 4, 5]


def test_jianghan_has_seven_plus_three_plus_four_numbered_items() -> None:
    cw = taxonomy().crosswalk("jianghan-2022-items")
    leaves = [it.key for it in cw.items if "." in it.key]
    assert [k for k in leaves if k.startswith("1.")] == [f"1.{i}" for i in range(1, 8)]
    assert [k for k in leaves if k.startswith("2.")] == [f"2.{i}" for i in range(1, 4)]
    assert [k for k in leaves if k.startswith("3.")] == [f"3.{i}" for i in range(1, 5)]
    assert cw.item("3.4").nodes == ("cards.held-by-others",)


def test_a_list_heading_covers_what_its_items_cover() -> None:
    cw = taxonomy().crosswalk("wuhan-2022-areas")
    area2 = cw.item("2")
    assert area2.label_zh == "违法违规问题"
    below = [n for it in cw.items if it.key.startswith("2.") for n in it.nodes]
    assert list(area2.nodes) == list(dict.fromkeys(below))


def test_inner_mongolia_lists_deadlines_arrears_misconduct_and_misuse() -> None:
    cw = taxonomy().crosswalk("inner-mongolia-2023-problems")
    labels = [it.label_zh for it in cw.items]
    for phrase in (
        "申请后超期未受理", "受理后超期未审核", "审核后资金超期未拨付", "内外勾结", "违规操作", "弄虚作假",
        "虚报冒领", "贪污挪用", "吃拿卡要", "优亲厚友", "玩忽职守", "超范围使用资金", "向财政供养人员发放补贴",
    ):
        assert phrase in labels
    assert cw.item(16).nodes == ("funds.embezzlement", "funds.diversion")


def test_tongchuan_list_has_the_six_violations_in_order() -> None:
    cw = taxonomy().crosswalk("tongchuan-2021-violations")
    six = ["贪污侵占", "截留挪用", "虚报冒领", "套取骗取", "私存私分", "克扣索要"]
    assert [it.label_zh for it in cw.items][-6:] == six


def test_items_for_finds_where_the_seeds_name_a_node() -> None:
    tx = taxonomy()
    exact = tx.items_for("funds.fraud", exact=True)
    assert ("tongchuan-2021-violations", "19") in [(sid, it.key) for sid, it in exact]
    assert ("tongchuan-2021-problems", "4") in [(sid, it.key) for sid, it in exact]
    covering = tx.items_for("payment.excess.beyond-scope")
    assert ("wuhan-2022-problem-stats", "6") in [(sid, it.key) for sid, it in covering]


def test_an_unknown_source_raises_with_suggestions_and_an_unknown_item_is_a_key_error() -> None:
    tx = taxonomy()
    with pytest.raises(UnknownCodeError) as err:
        tx.crosswalk("wuhan-2022-problem-stat")
    assert "wuhan-2022-problem-stats" in err.value.suggestions
    with pytest.raises(KeyError):
        tx.crosswalk("wuhan-2022-problem-stats").item(14)
    with pytest.raises(UnknownCodeError):
        tx.columns_for("no.such.code")
