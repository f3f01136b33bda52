"""The JSON edge: one shape per record, round trips, documents with schema_version, the strict reader."""

from __future__ import annotations

import io
import json
import sys
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from subsidy_rules.core.citation import Citation, cite
from subsidy_rules.core.errors import DataFileError, NoValueInForceError
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.forms.problems import FileReport, ValidationReport
from subsidy_rules.io.eligibility import load_case
from subsidy_rules.io.json import (
    MAX_INT_DIGITS,
    SCHEMA_VERSION,
    JsonFloat,
    document,
    dumps,
    error_payload,
    from_json,
    loads_document,
    parse_json,
    read_document,
    read_json,
    to_json,
    write_document,
)
from subsidy_rules.parameters import (
    PACKAGED_LAYERS,
    NewerBelow,
    Parameter,
    ParamKind,
    Resolved,
    jurisdiction,
    national,
)
from subsidy_rules.programs import Program, catalogue
from subsidy_rules.programs.eligibility import Case, Decision, decide, rules
from tests.strategies import citations, edge, eligibility, parameters, programs

EXAMPLES = sorted((Path(__file__).parents[1] / "src/subsidy_rules/programs/eligibility/examples").glob("*.json"))


def _through_text(data: Any) -> Any:
    return json.loads(json.dumps(data))


# -- round trips: structure(unstructure(x)) == x ------------------------------------------------


@given(programs)
def test_a_program_survives_a_json_round_trip(p: Program) -> None:
    assert from_json(_through_text(to_json(p)), Program) == p


@given(parameters())
def test_a_parameter_survives_a_json_round_trip(p: Parameter) -> None:
    assert from_json(_through_text(to_json(p)), Parameter) == p


@given(citations)
def test_a_citation_survives_a_json_round_trip(c: Citation) -> None:
    assert from_json(_through_text(to_json(c)), Citation) == c


@given(edge("problems"))
def test_a_problem_survives_a_json_round_trip(p: Problem) -> None:
    assert from_json(_through_text(to_json(p)), Problem) == p


@given(edge("places"))
def test_a_place_survives_a_json_round_trip(p: Place) -> None:
    assert from_json(_through_text(to_json(p)), Place) == p


@given(edge("file_reports"))
def test_a_file_report_survives_a_json_round_trip(r: FileReport) -> None:
    assert from_json(_through_text(to_json(r)), FileReport) == r


@given(edge("validation_reports"))
def test_a_validation_report_survives_a_json_round_trip(r: ValidationReport) -> None:
    assert from_json(_through_text(to_json(r)), ValidationReport) == r


@given(eligibility("cases"))
def test_a_case_survives_a_json_round_trip(case: Case) -> None:
    assert from_json(_through_text(to_json(case)), Case) == case


@settings(max_examples=40, deadline=None)
@given(eligibility("decisions"))
def test_a_decision_survives_a_json_round_trip(d: Decision) -> None:
    assert from_json(_through_text(to_json(d)), Decision) == d


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_decision_on_a_shipped_example_reads_back_for_every_program(example: Path) -> None:
    case = load_case(example)
    for program in rules():
        d = decide(case, program)
        assert from_json(_through_text(to_json(d)), Decision) == d


def test_a_resolved_value_reads_back_as_its_kind_even_when_its_text_looks_like_another() -> None:
    # "2/3" is a ratio for a ratio parameter but plain text for a text one; ["a"] is a list; 6 an integer.
    ps = national()
    when = date(2024, 6, 1)
    ratio = ps.resolve("ssi.flexible.max_ratio", when)
    assert ratio.kind is ParamKind.RATIO and ratio.value == Fraction(2, 3)
    assert to_json(ratio)["value"] == "2/3"
    assert from_json(to_json(ratio), Resolved) == ratio
    as_text = attrs.evolve(ratio, kind=ParamKind.TEXT, value="2/3")
    assert from_json(to_json(as_text), Resolved).value == "2/3"
    as_list = attrs.evolve(ratio, kind=ParamKind.LIST, value=("older-difficulty-person",))
    assert from_json(to_json(as_list), Resolved).value == ("older-difficulty-person",)
    below = NewerBelow("national", date(2025, 1, 1), Decimal("2400.00"), ratio.citation, ParamKind.DECIMAL)
    with_below = attrs.evolve(ratio, newer_below=below)
    assert to_json(with_below)["newer_below"]["value"] == "2400.00"
    assert from_json(to_json(with_below), Resolved) == with_below


def test_every_value_the_packaged_layers_resolve_round_trips() -> None:
    checked = 0
    for layer_id in PACKAGED_LAYERS:
        ps = jurisdiction(layer_id)
        for pid in ps.ids:
            for when in sorted({e.effective_from for _, p in ps.timeline(pid) for e in p.values}):
                try:
                    r = ps.resolve(pid, when)
                except NoValueInForceError:
                    continue
                assert from_json(_through_text(to_json(r)), Resolved) == r
                checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    ("mutate", "path", "code"),
    [
        (lambda d: d.__setitem__("value", "two thirds"), "$.value", "json-invalid"),
        (lambda d: d.__setitem__("value", None), "$.value", "json-invalid"),
        (lambda d: d.__setitem__("value", JsonFloat("0.5")), "$.value", "json-float"),
        (lambda d: d.__setitem__("kind", "percent"), "$.kind", "json-not-a-choice"),
        (lambda d: d.pop("kind"), "$.kind", "json-missing"),
    ],
)
def test_a_malformed_resolved_value_is_reported_at_its_path(mutate: Any, path: str, code: str) -> None:
    data = to_json(national().resolve("ssi.flexible.max_ratio", date(2024, 6, 1)))
    mutate(data)
    assert [(p.place.path, p.code) for p in _problems_of(data, Resolved)] == [(path, code)]


@given(edge("months"))
def test_a_month_is_written_yyyy_mm_and_read_back(m: Month) -> None:
    assert to_json(m) == str(m)
    assert from_json(to_json(m), Month) == m


@given(st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**6))
def test_a_fraction_is_written_as_a_ratio_string_and_read_back(f: Fraction) -> None:
    text = to_json(f)
    assert isinstance(text, str)
    assert from_json(text, Fraction) == f


def test_every_packaged_program_and_parameter_round_trips() -> None:
    for p in catalogue():
        assert from_json(to_json(p), Program) == p
    ps = national()
    for pid in ps.ids:
        assert from_json(to_json(ps.definition(pid)), Parameter) == ps.definition(pid)


def test_a_citation_has_one_shape_with_every_field_quote_and_issuer_included() -> None:
    c = cite("caishe-2017-164", "第十条", quote="按不超过其实际缴费2/3的标准")
    data = to_json(c)
    assert set(data) == {a.name for a in attrs.fields(Citation)}
    assert data["quote"] == "按不超过其实际缴费2/3的标准" and data["issuer"]
    assert "label" not in data


def test_a_place_names_only_the_parts_that_are_known() -> None:
    assert to_json(Place(file="a.xlsx", cell="C7", month=Month(2024, 5))) == {
        "file": "a.xlsx",
        "cell": "C7",
        "month": "2024-05",
    }
    assert from_json({"file": "a.xlsx"}, Place) == Place(file="a.xlsx")


def test_money_is_written_as_a_decimal_string_and_never_becomes_a_float() -> None:
    assert to_json(Decimal("1234.50")) == "1234.50"
    assert from_json("1234.50", Decimal) == Decimal("1234.50")
    assert from_json(1200, Decimal) == Decimal(1200)


def test_program_json_has_the_public_fields() -> None:
    data = to_json(catalogue().get("flexible-employment-si-subsidy"))
    assert {"code", "name_zh", "name_en", "aliases", "fund_item", "sources"} <= set(data)
    assert data["fund_item"] == "social-insurance"
    assert isinstance(data["aliases"], list)  # tuples are written as JSON lists


# -- structuring errors in the user's words -----------------------------------------------------


def _problems_of(data: Any, cls: type[Any]) -> list[Problem]:
    with pytest.raises(DataFileError) as info:
        from_json(data, cls, source="x.json")
    return list(info.value.problems)


def test_a_malformed_program_is_reported_by_json_path() -> None:
    data = to_json(catalogue().get("skill-assessment-subsidy"))
    data["sources"][1]["row"] = "x"
    data["fund_item"] = "zz"
    found = _problems_of(data, Program)
    assert {p.place.path for p in found} == {"$.fund_item", "$.sources[1].row"}
    assert all(p.place.file == "x.json" for p in found)


def test_an_impossible_date_is_not_a_date_in_plain_words() -> None:
    data = to_json(cite("caishe-2017-164"))
    data["date"] = "2023-02-30"
    (problem,) = _problems_of(data, Citation)
    assert problem.place.path == "$.date" and problem.code == "json-not-a-date"
    assert problem.message_en.startswith('"2023-02-30" is not a date')
    assert "datetime" not in problem.message_en and "|" not in problem.message_en


def test_an_enum_value_outside_the_choices_names_the_field_and_the_choices() -> None:
    data = to_json(national().definition("ssi.flexible.max_ratio"))
    data["kind"] = "percent"
    (problem,) = _problems_of(data, Parameter)
    assert problem.message_en == 'kind must be one of decimal, ratio, integer, text, list, boolean (got "percent")'
    assert "ParamKind" not in problem.message_en


def test_text_numbers_and_booleans_are_strict() -> None:
    data = to_json(cite("caishe-2017-164"))
    data["confirmed"] = "no"
    data["title"] = 12
    found = {p.place.path: p for p in _problems_of(data, Citation)}
    assert found["$.confirmed"].message_en == 'confirmed must be true or false, got "no"'
    assert found["$.title"].message_en == "title must be text in quotes, got 12"


def test_missing_and_unknown_keys_are_reported_each_at_its_path() -> None:
    data = to_json(cite("caishe-2017-164"))
    del data["title"]
    data["titel"] = "x"
    found = {p.place.path: p.message_en for p in _problems_of(data, Citation)}
    assert found["$.title"] == "title is missing"
    assert found["$.titel"].startswith("unknown key titel (allowed: document_key, document_number, title")


@pytest.mark.parametrize(
    ("mutate", "path", "fragment"),
    [
        (lambda d: d["values"][0].__setitem__("value", "two thirds"), "$.values[0].value", "ratio"),
        (lambda d: d["values"][0].__setitem__("effective_from", 20170101), "$.values[0].effective_from", "not a date"),
        (lambda d: d["values"][0].__setitem__("extra", 1), "$.values[0].extra", "unknown key"),
        (lambda d: d.__setitem__("values", {}), "$.values", "a list of dated values"),
        (lambda d: d["values"][0].__setitem__("value", "5/2"), "$.values[0].value", "outside the allowed range"),
    ],
)
def test_a_malformed_parameter_is_reported_at_its_path(mutate: Any, path: str, fragment: str) -> None:
    data = to_json(national().definition("ssi.flexible.max_ratio"))
    mutate(data)
    found = _problems_of(data, Parameter)
    assert [p.place.path for p in found] == [path]
    assert fragment in found[0].message_en


def test_a_float_amount_is_refused_by_the_converter_too() -> None:
    (problem,) = _problems_of(JsonFloat("12.5"), Decimal)
    assert "money is a decimal string" in problem.message_en


def test_a_money_string_of_27_digits_is_refused_before_decimal_arithmetic() -> None:
    (problem,) = _problems_of("1" * 27, Decimal)
    assert problem.code == "json-too-many-digits"
    (problem,) = _problems_of(10**26, Decimal)  # a whole JSON number is held to the same limit
    assert problem.code == "json-too-many-digits"


# -- documents -----------------------------------------------------------------------------------


def test_documents_carry_the_schema_version_first() -> None:
    text = dumps({"a": 1})
    assert json.loads(text) == {"schema_version": SCHEMA_VERSION, "a": 1}
    assert text.index("schema_version") < text.index('"a"')


def test_a_document_unstructures_the_records_it_is_given() -> None:
    c = cite("caishe-2017-164", "第十条")
    assert document(citation=c)["citation"] == to_json(c)


def test_schema_version_is_added_in_one_place_only() -> None:
    with pytest.raises(ValueError, match="schema_version"):
        document({"schema_version": "0.9"})


def test_a_document_is_read_back_and_its_version_checked() -> None:
    c = cite("caishe-2017-164", "第十条")
    doc = loads_document(dumps(citation=c))
    assert from_json(doc["citation"], Citation) == c
    with pytest.raises(DataFileError, match="no schema_version"):
        loads_document('{"a": 1}')
    with pytest.raises(DataFileError, match=r'schema_version "2\.0" is not supported'):
        loads_document('{"schema_version": "2.0"}')
    with pytest.raises(DataFileError, match="must be an object"):
        loads_document("[1]")


def test_a_written_document_is_read_from_its_file(tmp_path: Path) -> None:
    path = write_document(tmp_path / "doc.json", {"n": 1})
    assert read_document(path) == {"schema_version": SCHEMA_VERSION, "n": 1}
    assert path.read_text("utf-8").endswith("}\n")


def test_the_error_document_has_code_messages_and_place() -> None:
    p = Problem.make("json-not-a-date", place=Place(file="c.json", path="$.death"), value='"2023-02-30"', field="death")
    doc = json.loads(dumps(error_payload(p)))
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["error"]["code"] == "json-not-a-date"
    assert doc["error"]["message"] == p.message_zh and doc["error"]["message_en"] == p.message_en
    assert doc["error"]["place"] == {"file": "c.json", "path": "$.death"}
    assert "problems" not in doc["error"]
    two = json.loads(dumps(error_payload(p, [p])))
    assert [from_json(x, Problem) for x in two["error"]["problems"]] == [p, p]


# -- the strict reader ---------------------------------------------------------------------------


def _read_problems(text: str | bytes, tmp_path: Path) -> list[Problem]:
    path = tmp_path / "in.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(DataFileError) as info:
        read_json(path)
    return list(info.value.problems)


def test_a_key_given_twice_is_an_error_naming_the_key(tmp_path: Path) -> None:
    (p,) = _read_problems('{"case_id": "a", "death": null, "death": "2020-01-01"}', tmp_path)
    assert p.code == "data-duplicate-key" and "'death'" in p.message_en


def test_a_float_amount_is_refused_at_its_json_path(tmp_path: Path) -> None:
    found = _read_problems('{"payments": [{"amount": "1.00"}, {"amount": 520.5}], "r": 1e3}', tmp_path)
    assert [(p.place.path, p.value) for p in found] == [("$.payments[1].amount", "520.5"), ("$.r", "1e3")]
    assert 'money is a decimal string — write "520.5" in quotes' in found[0].message_en


def test_floats_can_be_kept_as_exact_text_when_asked() -> None:
    data = parse_json('{"a": 0.1}', allow_floats=True)
    assert isinstance(data["a"], JsonFloat) and data["a"].text == "0.1" and repr(data["a"]) == "0.1"


def test_a_5000_digit_integer_is_a_clear_error(tmp_path: Path) -> None:
    (p,) = _read_problems('{"amount": ' + "9" * 5000 + "}", tmp_path)
    assert p.code == "json-number-too-long" and f"at most {MAX_INT_DIGITS}" in p.message_en
    assert parse_json("9" * MAX_INT_DIGITS) == int("9" * MAX_INT_DIGITS)


def test_nesting_200000_deep_is_a_clear_error(tmp_path: Path) -> None:
    (p,) = _read_problems("[" * 200_000 + "]" * 200_000, tmp_path)
    assert p.code == "json-too-deep"


def test_gbk_text_is_named_and_refused(tmp_path: Path) -> None:
    (p,) = _read_problems('{"name": "灵活就业社会保险补贴"}'.encode("gb18030"), tmp_path)
    assert p.code == "json-not-gbk-utf8" and "save it as UTF-8" in p.message_en and "GBK" in p.message_en


def test_bytes_that_are_neither_utf8_nor_gbk_are_not_utf8(tmp_path: Path) -> None:
    (p,) = _read_problems(b'{"a": "\xff\xff\xff"}', tmp_path)
    assert p.code == "data-not-utf8"


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"a": "1"}')
    assert read_json(path) == ({"a": "1"}, str(path))


def test_nan_and_syntax_errors_are_reported_with_where(tmp_path: Path) -> None:
    (p,) = _read_problems('{"a": NaN}', tmp_path)
    assert p.code == "json-not-a-number"
    (p,) = _read_problems('{"a": 1,\n}', tmp_path)
    assert p.code == "json-syntax" and "line 2" in p.message_en


def test_a_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read file"):
        read_json(tmp_path / "nope.json")


def test_a_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(b'{"a": "1"}'), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", fake)
    assert read_json("-") == ({"a": "1"}, "<stdin>")


def test_dates_are_only_iso_days() -> None:
    assert from_json("2024-02-29", date) == date(2024, 2, 29)
    for bad in ("20240229", "2024-2-29", "2023-02-29"):
        with pytest.raises(DataFileError, match="is not a date"):
            from_json(bad, date)


# -- what the converter says about shapes it does not know ----------------------------------------


def test_an_object_where_a_record_is_expected_is_said_plainly() -> None:
    (problem,) = _problems_of("not an object", Citation)
    assert problem.place.path == "$" and problem.code == "json-wrong-type"
    assert "must be an object" in problem.message_en


def test_a_list_where_an_object_is_expected_inside_a_record_is_said_plainly() -> None:
    data = to_json(catalogue().get("flexible-employment-si-subsidy"))
    data["sources"] = "row 39"
    found = _problems_of(data, Program)
    assert [p.place.path for p in found] == ["$.sources"]
    assert "must be a list" in found[0].message_en and "tuple" not in found[0].message_en


def test_a_parameter_that_is_not_an_object_or_has_no_kind_is_reported() -> None:
    (problem,) = _problems_of([1], Parameter)
    assert problem.message_en == "the document must be an object, got a list"
    data = to_json(national().definition("ssi.flexible.max_ratio"))
    del data["kind"]
    assert [p.message_en for p in _problems_of(data, Parameter)] == ["kind is missing"]


@pytest.mark.parametrize(
    ("value", "kind", "code"),
    [
        (1.5, "decimal", "json-float"),
        ("1,5", "decimal", "json-invalid"),
        ("x", "integer", "json-invalid"),
    ],
)
def test_a_parameter_value_is_read_by_the_parameters_own_reader(value: Any, kind: str, code: str) -> None:
    data = to_json(national().definition("ssi.flexible.max_ratio"))
    data["kind"] = kind
    data["values"] = data["values"][:1]
    data["values"][0]["value"] = value
    data.pop("minimum", None)
    data.pop("maximum", None)
    assert [p.code for p in _problems_of(data, Parameter)] == [code]


@pytest.mark.parametrize(
    ("value", "cls", "code"),
    [
        (True, Decimal, "json-not-a-decimal"),
        ("abc", Decimal, "json-not-a-decimal"),
        ("1/0", Fraction, "json-not-a-ratio"),
        (True, Fraction, "json-not-a-ratio"),
        (7, Fraction, None),
        ("0.6", Fraction, None),
        (202405, Month, "json-not-a-month"),
        ("2024-13", Month, "json-not-a-month"),
        (1, bool, "json-wrong-type"),
        (True, int, "json-wrong-type"),
        (None, str, "json-wrong-type"),
        ([1], str, "json-wrong-type"),
        ({"a": 1}, str, "json-wrong-type"),
        (Decimal("1.5"), str, "json-wrong-type"),
    ],
)
def test_each_value_type_is_strict(value: Any, cls: type[Any], code: str | None) -> None:
    if code is None:
        from_json(value, cls)
        return
    (problem,) = _problems_of(value, cls)
    assert problem.code == code


def test_the_problem_reader_accepts_bytes_with_a_bom() -> None:
    doc = loads_document(b"\xef\xbb\xbf" + dumps(n=1).encode("utf-8"))
    assert doc["n"] == 1


def test_the_converter_is_built_once() -> None:
    from subsidy_rules.io.json import json_converter

    assert json_converter() is json_converter()
