"""Bad taxonomy or crosswalk data is reported by file and key path, all problems at once."""

from __future__ import annotations

import re

import pytest

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.issues import Handling, Measure, load_taxonomy

ROOT = """
[[issues]]
code = "a"
name_zh = "甲"
name_en = "A"
definition_zh = "甲问题"
definition_en = "Problem A"
kind = "problem"
measure = "count"
gravity = "low"
handling = ["rectify"]
sources = [{ document = "seed-000", article = "三（二）1", text = "多头管理" }]
"""

CHILD = """
[[issues]]
code = "a.b"
name_zh = "乙"
name_en = "B"
definition_zh = "乙问题"
definition_en = "Problem B"
sources = [{ document = "seed-002", article = "三（三）1", text = "工作人员共用账户的" }]
"""

FACT = """
[[issues]]
code = "f"
name_zh = "丙"
name_en = "F"
definition_zh = "丙情况"
definition_en = "Fact F"
kind = "screening-fact"
measure = "persons"
gravity = "none"
handling = []
sources = [{ document = "seed-000", article = "附件3", text = "人数" }]
"""

LIST = """
[sources.a-list]
kind = "category-list"
title_zh = "清单"
title_en = "A list"
document = "seed-000"
article = "三（二）"

[[sources.a-list.items]]
key = "1"
label_zh = "甲类"
label_en = "Heading"

[[sources.a-list.items]]
key = "1.1"
label_zh = "甲"
label_en = "A"
nodes = ["a"]

[[sources.a-list.items]]
key = "1.2"
label_zh = "乙"
label_en = "B"
nodes = ["a.b", "a"]
"""

FORM = """
[sources.a-form]
kind = "form"
title_zh = "表"
title_en = "A form"
document = "seed-002"

[[sources.a-form.items]]
key = "1"
label_zh = "问题类型"
label_en = "Type"
provenance = "reconstructed"
measure = "code"
nodes_cited_by = "seed-002"

[[sources.a-form.items]]
key = "2"
label_zh = "说明"
label_en = "Note"
measure = "text"
nodes = []
note = "free text"
"""


def _problems(taxonomy_text: str, crosswalks_text: str = LIST) -> list[str]:
    with pytest.raises(DataFileError) as err:
        load_taxonomy(taxonomy_text, crosswalks_text, taxonomy_name="t.toml", crosswalks_name="c.toml")
    return [str(p) for p in err.value.problems]


def test_a_small_valid_pair_of_files_loads_and_a_child_inherits_from_its_parent() -> None:
    tx = load_taxonomy(ROOT + CHILD + FACT, LIST + FORM)
    child = tx.get("a.b")
    assert child.parent == "a" and child.measure is Measure.COUNT and child.handling == (Handling.RECTIFY,)
    assert tx.crosswalk("a-list").item("1").nodes == ("a", "a.b")
    assert tx.crosswalk("a-form").item(1).nodes == ("a.b",)
    assert tx.crosswalk("a-form").item(1).column == 1
    assert tx.columns_for("a.b") == {"a-form": [1]}
    assert tx.columns_for("a") == {"a-form": []}


def test_not_toml_names_the_file() -> None:
    assert _problems("[[issues]\n")[0].startswith("t.toml: not valid TOML")


def test_duplicate_and_malformed_codes_and_orphans_are_all_reported_at_once() -> None:
    text = ROOT + ROOT.replace('code = "a"', 'code = "A!"') + ROOT + CHILD.replace('"a.b"', '"x.b"')
    problems = _problems(text)
    assert "t.toml: issues[1].code: 'A!' is not a code" in problems[0]
    assert problems[1] == "t.toml: issues[2].code: duplicate code 'a'"
    assert problems[2] == "t.toml: issues[3].code: parent 'x' is not defined before 'x.b'"


def test_unknown_keys_documents_and_handling_are_path_addressed() -> None:
    text = ROOT.replace('kind = "problem"', 'kind = "problem"\ncolour = "red"').replace(
        'handling = ["rectify"]', 'handling = ["shrug"]'
    ) + CHILD.replace("seed-002", "seed-999")
    problems = _problems(text)
    assert any(p.startswith("t.toml: issues[0].colour: unknown key") for p in problems)
    assert any(p.startswith("t.toml: issues[0].handling: 'shrug' is not one of") for p in problems)


def test_a_child_source_pointing_at_an_unknown_document_is_reported() -> None:
    problems = _problems(ROOT + CHILD.replace("seed-002", "seed-999"))
    assert problems == ["t.toml: issues[1].sources[0].document: unknown document 'seed-999'"]


def test_a_root_must_say_its_kind_measure_severity_and_handling() -> None:
    text = "\n".join(
        line for line in ROOT.splitlines() if not line.startswith(("kind", "measure", "gravity", "handling"))
    )
    problems = _problems(text)
    for key in ("kind", "measure", "gravity", "handling"):
        assert any(p.startswith(f"t.toml: issues[0].{key}: missing") for p in problems), key


def test_a_child_of_another_kind_and_a_problem_ranked_none_are_refused() -> None:
    text = ROOT.replace('gravity = "low"', 'gravity = "none"') + CHILD.replace(
        'name_zh = "乙"', 'name_zh = "乙"\nkind = "outcome"'
    )
    problems = _problems(text)
    assert "t.toml: issues[0].gravity: problems rank high/medium/low; facts and outcomes rank none" in problems
    assert "t.toml: issues[1].kind: 'outcome' differs from the parent's 'problem'" in problems


def test_a_node_without_any_source_is_refused() -> None:
    text = re.sub(r"sources = \[.*\]", "sources = []", ROOT)
    assert _problems(text) == ["t.toml: issues[0].sources: every node needs at least one source"]


def test_crosswalk_node_codes_must_exist() -> None:
    problems = _problems(ROOT + CHILD, LIST.replace('nodes = ["a"]', 'nodes = ["a", "zz"]'))
    assert problems == ["c.toml: sources.a-list.items[1].nodes: unknown issue code 'zz'"]


def test_form_columns_must_be_numbered_one_to_n_in_order() -> None:
    problems = _problems(ROOT + CHILD, FORM.replace('key = "2"', 'key = "3"'))
    assert problems[0].startswith("c.toml: sources.a-form.items[1].key: form columns are numbered 1..N in order")


def test_list_keys_must_be_positions_and_unique() -> None:
    second = LIST.replace("a-list", "b-list").replace('key = "1"\n', 'key = "x"\n')
    text = LIST.replace('key = "1.2"', 'key = "1.1"') + second
    problems = _problems(ROOT + CHILD, text)
    assert "c.toml: sources.a-list.items[2].key: duplicate key '1.1'" in problems
    assert "c.toml: sources.b-list.items[0].key: 'x' is not a position such as 1 or 1.2" in problems


def test_an_item_that_maps_to_nothing_must_say_why() -> None:
    problems = _problems(ROOT + CHILD, FORM.replace('note = "free text"\n', ""))
    assert problems == ["c.toml: sources.a-form.items[1].nodes: maps to no node: list nodes, or say why in note"]


def test_nodes_and_nodes_cited_by_are_exclusive_and_the_document_must_be_cited() -> None:
    both = FORM.replace('nodes_cited_by = "seed-002"', 'nodes_cited_by = "seed-002"\nnodes = ["a"]')
    problems = _problems(ROOT + CHILD, both)
    assert problems[0] == "c.toml: sources.a-form.items[0].nodes_cited_by: give nodes or nodes_cited_by, not both"
    uncited = FORM.replace('nodes_cited_by = "seed-002"', 'nodes_cited_by = "seed-004"')
    expected = "c.toml: sources.a-form.items[0].nodes_cited_by: no node cites 'seed-004'"
    assert _problems(ROOT + CHILD, uncited)[0] == expected


def test_a_form_column_needs_a_measure_and_a_source_needs_a_known_document_and_a_plain_id() -> None:
    text = FORM.replace('measure = "text"\n', "").replace('document = "seed-002"', 'document = "nope"')
    text = text.replace("[sources.a-form]", "[sources.A_form]").replace("sources.a-form.items", "sources.A_form.items")
    problems = _problems(ROOT + CHILD, text)
    assert "c.toml: sources.A_form: 'A_form' is not a source id (lower-case ASCII and hyphens)" in problems
    assert "c.toml: sources.A_form.document: unknown document 'nope'" in problems
    assert "c.toml: sources.A_form.items[1].measure: missing" in problems


def test_unknown_top_level_keys_are_reported_in_both_files() -> None:
    assert _problems("oops = 1\n" + ROOT)[0] == "t.toml: oops: unknown key (allowed: issues)"
    assert _problems(ROOT, "oops = 1\n" + LIST)[0] == "c.toml: oops: unknown key (allowed: sources)"


def test_a_node_without_a_code_is_reported_and_skipped() -> None:
    text = ROOT.replace('code = "a"\n', "")
    assert _problems(text) == ["t.toml: issues[0].code: missing"]
