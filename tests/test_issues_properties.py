"""Properties: JSON round trips of the taxonomy's records; reverse lookup consistency."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from subsidy_rules.core.month import Month
from subsidy_rules.io.json import from_json, to_json
from subsidy_rules.issues import Crosswalk, CrosswalkItem, Finding, IssueType, finding_id, taxonomy
from tests.strategies import issue_strategy

CODES = [i.code for i in taxonomy()]


@given(issue_strategy("issue_types"))
def test_an_issue_type_survives_a_json_round_trip(issue: IssueType) -> None:
    assert from_json(to_json(issue), IssueType) == issue


@given(issue_strategy("crosswalk_items"))
def test_a_crosswalk_item_survives_a_json_round_trip(item: CrosswalkItem) -> None:
    assert from_json(to_json(item), CrosswalkItem) == item


@given(issue_strategy("findings"))
def test_a_finding_survives_a_json_round_trip(finding: Finding) -> None:
    data = to_json(finding)
    assert all(len(m) == 7 for m in data["months"]) and data["status"] == "lead"
    assert from_json(data, Finding) == finding


def test_every_packaged_node_and_crosswalk_survives_a_json_round_trip() -> None:
    tx = taxonomy()
    for issue in tx:
        assert from_json(to_json(issue), IssueType) == issue
    for sid in tx.sources():
        assert from_json(to_json(tx.crosswalk(sid)), Crosswalk) == tx.crosswalk(sid)


@given(st.sampled_from(CODES))
def test_a_column_reports_a_node_exactly_when_it_lists_the_node_or_an_ancestor(code: str) -> None:
    tx = taxonomy()
    lineage = [code, *(a.code for a in tx.ancestors(code))]
    for form_id, columns in tx.columns_for(code).items():
        for item in tx.crosswalk(form_id).items:
            listed = any(c in item.nodes for c in lineage)
            assert (item.column in columns) == listed


@given(st.sampled_from(CODES))
def test_widening_to_descendants_only_adds_columns(code: str) -> None:
    tx = taxonomy()
    narrow = tx.columns_for(code)
    wide = tx.columns_for(code, include_descendants=True)
    for form_id, columns in narrow.items():
        assert set(columns) <= set(wide[form_id])
        assert wide[form_id] == sorted(wide[form_id])


def test_a_finding_id_is_stable_and_names_what_the_finding_is_about() -> None:
    months = (Month(2022, 6), Month(2022, 7))
    first = finding_id("paid-after-death", "420102199001011234", "flexible-employment-si-subsidy", months)
    assert first == finding_id("paid-after-death", "420102199001011234", "flexible-employment-si-subsidy", months)
    assert first.startswith("paid-after-death-")
    assert first != finding_id("paid-after-death", "420102199001011234", "flexible-employment-si-subsidy", months[:1])
