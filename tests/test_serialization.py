"""JSON round trips and path-addressed structuring errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.parameters import Parameter, national
from subsidy_rules.programs import Program, catalogue
from subsidy_rules.serialization import SCHEMA_VERSION, dumps, from_json, to_json
from tests.strategies import parameters, programs


@given(programs)
def test_a_program_survives_a_json_round_trip(p: Program) -> None:
    data = json.loads(json.dumps(to_json(p)))
    assert from_json(data, Program) == p


@given(parameters())
def test_a_parameter_survives_a_json_round_trip(p: Parameter) -> None:
    data = json.loads(json.dumps(to_json(p)))
    assert from_json(data, Parameter) == p


def test_every_packaged_program_and_parameter_round_trips() -> None:
    for p in catalogue():
        assert from_json(to_json(p), Program) == p
    ps = national()
    for pid in ps.ids:
        assert from_json(to_json(ps.definition(pid)), Parameter) == ps.definition(pid)


def test_program_json_has_the_public_fields() -> None:
    data = to_json(catalogue().get("flexible-employment-si-subsidy"))
    assert {"code", "name_zh", "name_en", "aliases", "fund_item", "sources"} <= set(data)
    assert data["fund_item"] == "social-insurance"


def test_a_malformed_program_is_reported_by_json_path() -> None:
    data = to_json(catalogue().get("skill-assessment-subsidy"))
    data["sources"][1]["row"] = "x"
    data["fund_item"] = "zz"
    with pytest.raises(DataFileError) as info:
        from_json(data, Program, source="p.json")
    paths = {p.place.path for p in info.value.problems}
    assert paths == {"$.fund_item", "$.sources[1].row"}
    assert all(p.place.file == "p.json" for p in info.value.problems)


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d["values"][0].__setitem__("value", "two thirds"), "ratio"),
        (lambda d: d["values"][0].__setitem__("effective_from", 20170101), "date"),
        (lambda d: d["values"][0].__setitem__("extra", 1), "unknown keys"),
        (lambda d: d.__setitem__("values", {}), "expected a list"),
    ],
)
def test_a_malformed_parameter_is_a_data_file_error(mutate, fragment: str) -> None:  # type: ignore[no-untyped-def]
    data = to_json(national().definition("ssi.flexible.max_ratio"))
    mutate(data)
    with pytest.raises(DataFileError, match=fragment):
        from_json(data, Parameter)


def test_documents_carry_the_schema_version_first() -> None:
    text = dumps({"a": 1})
    assert json.loads(text) == {"schema_version": SCHEMA_VERSION, "a": 1}
    assert text.index("schema_version") < text.index('"a"')
