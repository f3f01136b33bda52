"""Registries checked against the files on disk (in the style of python-holidays' registry test).

For each registry: everything on disk is registered, and everything
registered exists on disk. A new layout, layer, rule or data file that is
dropped into the package without being registered — or a registration whose
file was deleted — fails here, not in a user's hands.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import subsidy_rules
from subsidy_rules.core.citation import documents
from subsidy_rules.core.problem import problem_kinds
from subsidy_rules.forms import FORM_IDS, layout
from subsidy_rules.issues import SourceKind, taxonomy
from subsidy_rules.parameters import PACKAGED_LAYERS, packaged_layer
from subsidy_rules.parameters.loader import packaged_parents, parents_first
from subsidy_rules.programs.eligibility.registry import rules
from subsidy_rules.programs.eligibility.rules import LOGIC

PACKAGE = Path(subsidy_rules.__file__).parent


def _stems(folder: Path) -> set[str]:
    return {p.stem for p in folder.glob("*.toml")}


# -- forms ---------------------------------------------------------------------------------------


def test_every_layout_file_is_a_registered_form_and_every_form_has_its_file() -> None:
    assert set(FORM_IDS) == _stems(PACKAGE / "forms" / "layouts")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_a_layout_file_is_named_by_the_id_it_declares(form_id: str) -> None:
    assert layout(form_id).id == form_id


# -- parameters ----------------------------------------------------------------------------------


LAYER_FOLDER = PACKAGE / "parameters" / "data"


def _declared_parents() -> dict[str, str | None]:
    """Each layer file's ``[layer] parent``, read here with tomllib (not through the loader under test)."""
    out: dict[str, str | None] = {}
    for path in LAYER_FOLDER.glob("*.toml"):
        head = tomllib.loads(path.read_text("utf-8"))["layer"]
        out[path.stem] = head.get("parent")
    return out


def test_every_parameter_layer_file_is_packaged_and_every_packaged_layer_has_its_file() -> None:
    assert set(PACKAGED_LAYERS) == _stems(LAYER_FOLDER)
    assert len(PACKAGED_LAYERS) == len(set(PACKAGED_LAYERS))


def test_every_layer_file_declares_a_valid_parent_and_every_chain_ends_at_national() -> None:
    parents = _declared_parents()
    assert parents["national"] is None
    for layer_id, parent in parents.items():
        if layer_id == "national":
            continue
        assert parent in parents and parent != layer_id, f"{layer_id}.toml: parent {parent!r} is not a packaged layer"
        seen = {layer_id}
        current: str | None = parent
        while current is not None:
            assert current not in seen, f"{layer_id}.toml: the parents go round in a cycle through {current!r}"
            seen.add(current)
            current = parents[current]
        assert "national" in seen


def test_the_packaged_layers_come_parents_first() -> None:
    position = {layer_id: i for i, layer_id in enumerate(PACKAGED_LAYERS)}
    for layer_id, parent in _declared_parents().items():
        if parent is not None:
            assert position[parent] < position[layer_id], (parent, layer_id)
    assert PACKAGED_LAYERS[0] == "national"


def test_the_parents_first_order_is_derived_from_the_files_not_kept_by_hand() -> None:
    # A made-up family: a district under a city under a province, a second province, and a two-layer cycle.
    parents: dict[str, str | None] = {
        "z-district": "m-city",
        "m-city": "b-province",
        "b-province": "national",
        "a-province": "national",
        "national": None,
        "loop-1": "loop-2",
        "loop-2": "loop-1",
    }
    assert parents_first(parents) == (
        "national",
        "a-province",
        "b-province",
        "m-city",
        "z-district",
        "loop-1",  # a cycle is placed last, so loading it names the bad parent
        "loop-2",
    )
    assert parents_first(packaged_parents()) == PACKAGED_LAYERS


def test_layer_files_are_found_by_name_and_a_broken_one_still_gets_a_place(tmp_path: Path) -> None:
    (tmp_path / "national.toml").write_text('[layer]\nid = "national"\n', "utf-8")
    (tmp_path / "city.toml").write_text('[layer]\nid = "city"\nparent = "national"\n', "utf-8")
    (tmp_path / "broken.toml").write_text("[layer\n", "utf-8")
    (tmp_path / "gbk.toml").write_bytes('[layer]\nname_zh = "湖北省"\n'.encode("gb18030"))
    (tmp_path / "notes.md").write_text("not a layer", "utf-8")
    parents = packaged_parents(tmp_path)
    assert parents == {"broken": None, "city": "national", "gbk": None, "national": None}
    assert parents_first(parents) == ("broken", "gbk", "national", "city")


@pytest.mark.parametrize("layer_id", PACKAGED_LAYERS)
def test_a_layer_file_is_named_by_the_id_it_declares(layer_id: str) -> None:
    layer = packaged_layer(layer_id)
    assert layer.id == layer_id
    assert layer.parent == _declared_parents()[layer_id]


# -- eligibility rules ---------------------------------------------------------------------------

RULES_FOLDER = PACKAGE / "programs" / "eligibility" / "rules"


def test_every_rule_file_is_a_rule_and_every_rule_has_its_file() -> None:
    on_disk = {p.name for p in RULES_FOLDER.glob("*.toml")} - {"conditions.toml"}
    registered = {Path(spec.source).name for spec in rules().values()}
    assert registered == on_disk


def test_every_rule_logic_is_used_and_every_rule_names_a_known_logic() -> None:
    used = {spec.logic for spec in rules().values()}
    assert used == set(LOGIC)


def test_every_rule_is_for_a_catalogued_program() -> None:
    from subsidy_rules.programs import catalogue

    codes = {p.code for p in catalogue()}
    assert set(rules()) <= codes


# -- taxonomy and crosswalks ---------------------------------------------------------------------


def test_the_issue_data_files_on_disk_are_the_two_the_taxonomy_reads() -> None:
    assert {p.name for p in (PACKAGE / "issues" / "data").glob("*.toml")} == {"taxonomy.toml", "crosswalks.toml"}


def test_every_form_crosswalk_is_a_packaged_form_and_every_packaged_form_has_a_crosswalk() -> None:
    tx = taxonomy()
    forms = {sid for sid in tx.sources() if tx.crosswalk(sid).kind is SourceKind.FORM}
    assert forms == set(FORM_IDS)


def test_every_crosswalk_cites_a_registered_document() -> None:
    tx = taxonomy()
    known = set(documents())
    assert {tx.crosswalk(sid).citation.document_key for sid in tx.sources()} <= known


# -- problem codes -------------------------------------------------------------------------------


def test_every_problem_file_on_disk_is_loaded_as_an_area() -> None:
    areas = {kind.area for kind in problem_kinds().values()}
    assert areas == _stems(PACKAGE / "core" / "data" / "problems")
