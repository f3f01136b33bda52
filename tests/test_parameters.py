"""Effective-dated parameters: national values by date, layers, users' files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from subsidy_rules.core.citation import documents
from subsidy_rules.core.errors import DataFileError, NoValueInForceError, UnknownCodeError
from subsidy_rules.io.json import from_json, loads_document
from subsidy_rules.parameters import (
    PACKAGED_LAYERS,
    Parameter,
    ParameterGapError,
    ParamKind,
    Resolved,
    jurisdiction,
    load_layer,
    national,
    packaged_layer,
    parameter_set,
)


def test_a_2019_case_is_judged_by_164_and_a_2024_case_by_181() -> None:
    # The graduates' window: 12 months under 164号 until the 2020 State Council measure
    # (国办发〔2020〕27号, 2020-07-28) widened it to 2 years; 181号 restates 2 years from 2024-01-01.
    ps = national()
    before = ps.resolve("ssi.graduate.window_months", date(2020, 7, 27))
    widened = ps.resolve("ssi.graduate.window_months", date(2023, 12, 31))
    after = ps.resolve("ssi.graduate.window_months", date(2024, 1, 1))
    assert (before.value, before.citation.document_number) == (12, "财社〔2017〕164号")
    assert (widened.value, widened.citation.document_number) == (24, "国办发〔2020〕27号")
    assert (after.value, after.citation.document_number) == (24, "财社〔2023〕181号")
    assert ps.value_at("ssi.flexible.max_ratio", date(2019, 5, 1)) == Fraction(2, 3)


def test_asking_before_the_first_value_is_a_clear_error() -> None:
    with pytest.raises(NoValueInForceError, match="first value takes effect 2017-10-13"):
        national().resolve("ssi.flexible.max_months", date(2010, 1, 1))
    with pytest.raises(LookupError):
        national().definition("ssi.flexible.max_months").value_at(date(2010, 1, 1))


def test_unconfirmed_values_say_so() -> None:
    r = national().resolve("ssi.flexible.max_ratio", date(2025, 1, 1))
    assert r.confirmed is False and r.citation.confirmed is False
    law = national().resolve("difficulty_person.categories", date(2025, 1, 1))
    assert law.confirmed is True and law.citation.article == "第五十二条"


def test_no_packaged_value_claims_more_certainty_than_its_document() -> None:
    registry = documents()
    for layer_id in PACKAGED_LAYERS:
        for param in packaged_layer(layer_id):
            assert param.values, param.id
            for value in param.values:
                assert value.citation.title
                if value.confirmed:
                    assert registry[value.citation.document_key].confirmed, (param.id, value.effective_from)


def test_wuhan_stacks_on_hubei_and_national() -> None:
    ps = jurisdiction("wuhan")
    assert [layer.id for layer in ps.layers] == ["national", "hubei", "wuhan"]
    # Issue 18: Wuhan states its tier (central districts: 1); the wage is Hubei's value for that tier.
    assert ps.integer("minimum_wage.tier", date(2026, 1, 1))[0] == 1
    assert ps.decimal("minimum_wage.monthly.tier1", date(2026, 1, 1))[0] == 2400
    assert ps.integer("public_welfare_post.max_placements", date(2026, 1, 1))[0] == 2
    # 2010 from 2021-09-01; then a gap (an undated 2210 step lies before 2025-12-01): never carried over.
    assert ps.decimal("minimum_wage.monthly.tier1", date(2021, 9, 1))[0] == 2010
    with pytest.raises(ParameterGapError):
        ps.resolve("minimum_wage.monthly.tier1", date(2025, 11, 30))
    with pytest.raises(NoValueInForceError):
        ps.resolve("minimum_wage.monthly.tier1", date(2015, 8, 31))


def test_a_local_value_does_not_hide_the_national_one_before_it_starts(tmp_path: Path) -> None:
    f = tmp_path / "layer.toml"
    f.write_text(
        """
[layer]
id = "my-city"
name_zh = "某市"
name_en = "Some city"
level = "city"

[documents.my-notice]
number = "某人社发〔2025〕1号"
title = "某市灵活就业社会保险补贴实施办法"
issuer = "某市人社局"

[[parameters."ssi.flexible.max_months".values]]
from = 2025-01-01
value = 24
document = "my-notice"
article = "第三条"
confirmed = true
""",
        encoding="utf-8",
    )
    ps = parameter_set(None, [f])
    assert ps.integer("ssi.flexible.max_months", date(2025, 6, 1))[0] == 24
    used = ps.resolve("ssi.flexible.max_months", date(2025, 6, 1))
    assert used.layer == "my-city" and used.citation.document_number == "某人社发〔2025〕1号"
    assert ps.integer("ssi.flexible.max_months", date(2024, 6, 1))[0] == 36
    # the definition is inherited from the national layer
    assert ps.definition("ssi.flexible.max_months").unit == "月"


def test_a_layer_can_end_a_parameter(tmp_path: Path) -> None:
    f = tmp_path / "end.toml"
    f.write_text(
        """
[layer]
id = "ender"
name_zh = "终止"
name_en = "Ender"
level = "user"
parent = "hubei"

[[parameters."public_welfare_post.max_placements".values]]
from = 2026-01-01
end = true
document = "hubei-public-welfare-post-rules"
confirmed = false
""",
        encoding="utf-8",
    )
    ps = parameter_set(None, [f])
    assert [layer.id for layer in ps.layers] == ["national", "hubei", "ender"]
    assert ps.integer("public_welfare_post.max_placements", date(2025, 6, 1))[0] == 2
    with pytest.raises(NoValueInForceError, match="ended on 2026-01-01"):
        ps.resolve("public_welfare_post.max_placements", date(2026, 2, 1))


BROKEN = """
[layer]
id = "Bad Id"
name_zh = "坏"
level = "planet"

[parameters."new.param"]
description_zh = "新"
description_en = "new"
unit = "元"
kind = "decimal"

[[parameters."new.param".values]]
from = "2024-01-01"
value = "abc"
document = "nowhere"
confirmed = "yes"

[parameters."ssi.flexible.max_ratio"]
kind = "integer"

[[parameters."ssi.flexible.max_ratio".values]]
from = 2024-01-01
value = "2/0"
document = "caishe-2023-181"
confirmed = false
"""


def test_a_broken_layer_file_names_file_key_path_and_problem(tmp_path: Path) -> None:
    f = tmp_path / "broken.toml"
    f.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_layer(f)
    paths = {p.place.path: p.message_en for p in info.value.problems}
    assert all(p.place.file == str(f) for p in info.value.problems)
    assert "use lowercase" in paths["layer.id"]
    assert paths["layer.name_en"] == "missing"
    assert "planet" in paths["layer.level"]
    assert "date" in paths['parameters."new.param".values[0].from']
    assert "number" in paths['parameters."new.param".values[0].value']
    assert "true or false" in paths['parameters."new.param".values[0].confirmed']
    assert "defines 'ssi.flexible.max_ratio' as ratio" in paths['parameters."ssi.flexible.max_ratio".kind']
    assert "denominator" in paths['parameters."ssi.flexible.max_ratio".values[0].value']
    assert str(f) in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[layer\nid=1", "not valid TOML"),
        ('[layer]\nid="x"\nname_zh="x"\nname_en="x"\nlevel="user"\nparent="mars"\n', "not a packaged layer"),
        ('[layer]\nid="x"\nname_zh="x"\nname_en="x"\nlevel="user"\n[parameters."a.b"]\nx=1\n', "unknown key"),
        ('[layer]\nid="x"\nname_zh="x"\nname_en="x"\nlevel="user"\n[parameters."A-B"]\n', "lowercase ASCII"),
        (
            '[layer]\nid="x"\nname_zh="x"\nname_en="x"\nlevel="user"\n'
            '[[parameters."ssi.flexible.max_months".values]]\nfrom=2024-01-01\ndocument="seed-000"\nconfirmed=true\n',
            r"missing \(or write end = true",
        ),
        (
            '[layer]\nid="x"\nname_zh="x"\nname_en="x"\nlevel="user"\n'
            '[[parameters."ssi.flexible.max_months".values]]\nfrom=2024-01-01\nvalue=1\nend=true\n'
            'document="seed-000"\nconfirmed=true\n',
            "takes no value",
        ),
        (
            '[layer]\nid="x"\nname_zh="x"\nname_en="x"\nlevel="user"\n'
            '[[parameters."ssi.flexible.max_months".values]]\nfrom=2024-01-01\nvalue=1\ndocument="seed-000"\n'
            'confirmed=true\n[[parameters."ssi.flexible.max_months".values]]\nfrom=2024-01-01\nvalue=2\n'
            'document="seed-000"\nconfirmed=true\n',
            "two values take effect",
        ),
    ],
)
def test_each_kind_of_layer_mistake_is_reported(tmp_path: Path, text: str, expected: str) -> None:
    f = tmp_path / "x.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=expected):
        parameter_set(None, [f])


def test_a_missing_or_non_utf8_layer_file_is_a_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read file"):
        load_layer(tmp_path / "absent.toml")
    bad = tmp_path / "gbk.toml"
    bad.write_bytes("名称".encode("gbk"))
    with pytest.raises(DataFileError, match="not UTF-8"):
        load_layer(bad)


def test_unknown_parameter_and_layer_suggest_close_names() -> None:
    with pytest.raises(UnknownCodeError) as info:
        national().resolve("ssi.flexible.max_month", date(2024, 1, 1))
    assert "ssi.flexible.max_months" in info.value.suggestions
    with pytest.raises(KeyError):
        packaged_layer("atlantis")


def test_typed_readers_refuse_the_wrong_kind() -> None:
    ps = national()
    when = date(2025, 1, 1)
    with pytest.raises(TypeError):
        ps.decimal("fund.items", when)
    with pytest.raises(TypeError):
        ps.ratio("fund.items", when)
    with pytest.raises(TypeError):
        ps.integer("ssi.flexible.max_ratio", when)
    with pytest.raises(TypeError):
        ps.codes("ssi.flexible.max_months", when)
    with pytest.raises(TypeError):
        ps.text("ssi.flexible.max_months", when)
    assert ps.ratio("contribution.flexible.pension_rate", when)[0] == Fraction(1, 5)
    assert "一次性求职补贴" in ps.codes("fund.items", when)[0]


# -- issue 8: one parser, declared ranges, typos; issue 11: layers over time -------------------------

_HEAD = '[layer]\nid = "mine"\nname_zh = "本地"\nname_en = "mine"\nlevel = "user"\n'


def _value(pid: str, value: str, extra: str = "") -> str:
    return (
        f'[parameters."{pid}"]\n[[parameters."{pid}".values]]\n'
        f'from = 2024-01-01\nvalue = {value}\ndocument = "seed-002"\nconfirmed = false\n{extra}'
    )


def _load(text: str, tmp_path: Path) -> DataFileError:
    f = tmp_path / "layer.toml"
    f.write_text(_HEAD + text, "utf-8")
    with pytest.raises(DataFileError) as caught:
        parameter_set("wuhan", [f])
    return caught.value


def test_negative_months_and_a_ratio_above_one_are_refused_by_file_and_key_path(tmp_path: Path) -> None:
    err = _load(_value("ssi.flexible.max_months", "-5") + _value("ssi.flexible.max_ratio", '"5/2"'), tmp_path)
    where = {(p.place.path, p.code) for p in err.problems}
    assert ('parameters."ssi.flexible.max_months".values[0].value', "data-out-of-range") in where
    assert ('parameters."ssi.flexible.max_ratio".values[0].value', "data-out-of-range") in where
    assert all(p.place.file and p.place.file.endswith("layer.toml") for p in err.problems)


def test_a_typo_in_a_parameter_id_says_did_you_mean(tmp_path: Path) -> None:
    err = _load(_value("ssi.flexibel.max_months", "12"), tmp_path)
    assert "did you mean ssi.flexible.max_months" in err.problems[0].message_en
    with pytest.raises(UnknownCodeError) as caught:
        jurisdiction("wuhan").resolve("ssi.flexibel.max_months", date(2024, 1, 1))
    assert "ssi.flexible.max_months" in caught.value.suggestions


def test_toml_and_json_read_parameter_values_with_the_same_parser() -> None:
    from subsidy_rules.io.json import param_value_from_json
    from subsidy_rules.parameters.values import ValueFormatError, parse_value

    for raw in ("2 / 3", "-2/3", "0.6", 1):
        assert parse_value(ParamKind.RATIO, raw) == param_value_from_json(ParamKind.RATIO, raw)
    assert parse_value(ParamKind.RATIO, "2 / 3") == Fraction(2, 3)
    assert parse_value(ParamKind.RATIO, "-2/3") == Fraction(-2, 3)  # the range refuses it, not the reader
    with pytest.raises(ValueFormatError, match="denominator"):
        parse_value(ParamKind.RATIO, "1/0")
    with pytest.raises(ValueFormatError, match="decimal string"):
        parse_value(ParamKind.DECIMAL, 0.1)
    with pytest.raises(ValueFormatError, match="digits"):
        parse_value(ParamKind.DECIMAL, "1" * 30)


def test_every_packaged_numeric_parameter_declares_its_range() -> None:
    for layer_id in ("national", "hubei", "wuhan", "jianghan", "chongqing", "tongliang"):
        ps = jurisdiction(layer_id)
        for pid in ps.ids:
            d = ps.definition(pid)
            if d.kind in (ParamKind.RATIO, ParamKind.INTEGER, ParamKind.DECIMAL):
                assert d.minimum is not None, pid


def test_parameters_list_shows_every_id_with_its_value_in_force() -> None:
    from click.testing import CliRunner

    from subsidy_rules.cli import cli

    result = CliRunner().invoke(
        cli, ["parameters", "list", "--jurisdiction", "wuhan", "--as-of", "2026-01-01", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = loads_document(result.output)
    by_id = {p["id"]: p for p in doc["parameters"]}
    assert set(by_id) == set(jurisdiction("wuhan").ids)
    assert by_id["minimum_wage.monthly.tier1"]["in_force"]["value"] == "2400"
    text = CliRunner().invoke(cli, ["parameters", "list", "--jurisdiction", "tongliang"])
    assert text.exit_code == 0 and "minimum_wage.monthly" in text.output


def test_parameters_show_warns_when_a_local_value_is_older_than_a_newer_one_below(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from subsidy_rules.cli import cli

    f = tmp_path / "old.toml"
    f.write_text(
        _HEAD + 'parent = "wuhan"\n' + _value("minimum_wage.monthly.tier1", "1750").replace("2024-01-01", "2021-01-01"),
        "utf-8",
    )
    args = ["parameters", "show", "minimum_wage.monthly.tier1", "--jurisdiction", "wuhan", "--layer", str(f)]
    result = CliRunner().invoke(cli, [*args, "--as-of", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "本地值早于上级新值，请确认是否仍然有效" in result.output and "2400" in result.output
    doc = loads_document(CliRunner().invoke(cli, [*args, "--at", "2026-01-01", "--format", "json"]).output)
    assert doc["warning"]["message"] == "本地值早于上级新值，请确认是否仍然有效" and doc["in_force"]["value"] == "1750"
    # The newer value is named once, in its one shape, inside the value in force.
    in_force = from_json(doc["in_force"], Resolved)
    assert in_force.newer_below is not None and in_force.newer_below.layer == "hubei"
    assert in_force.newer_below.value == Decimal("2400") and in_force.newer_below.effective_from == date(2025, 12, 1)


def test_parameters_show_json_gives_each_layers_definition_as_a_parameter_that_reads_back() -> None:
    from click.testing import CliRunner

    from subsidy_rules.cli import cli

    args = ["parameters", "show", "minimum_wage.monthly.tier1", "--jurisdiction", "wuhan", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    doc = loads_document(result.output)
    timeline = [from_json(entry, Parameter) for entry in doc["timeline"]]
    assert timeline == [param for _, param in jurisdiction("wuhan").timeline("minimum_wage.monthly.tier1")]
    assert [p.layer for p in timeline] == ["hubei"] and doc["in_force"] is None


def test_the_value_reader_names_what_it_expected_for_every_kind() -> None:
    from subsidy_rules.parameters.values import ValueFormatError, check_range, parse_value, range_text, value_text

    assert parse_value(ParamKind.DECIMAL, Decimal("0.20")) == Decimal("0.20")
    assert parse_value(ParamKind.INTEGER, 36) == 36
    assert parse_value(ParamKind.TEXT, "1965-01") == "1965-01"
    assert parse_value(ParamKind.LIST, ["a", "b"]) == ("a", "b")
    assert parse_value(ParamKind.BOOLEAN, True) is True
    for kind, raw, words in (
        (ParamKind.DECIMAL, True, "number"),
        (ParamKind.DECIMAL, Decimal("NaN"), "finite"),
        (ParamKind.DECIMAL, 10**30, "digits"),
        (ParamKind.RATIO, "two thirds", "ratio"),
        (ParamKind.INTEGER, "36", "whole number"),
        (ParamKind.INTEGER, 10**30, "digits"),
        (ParamKind.TEXT, 5, "text"),
        (ParamKind.LIST, "a", "list"),
        (ParamKind.BOOLEAN, "yes", "true or false"),
    ):
        with pytest.raises(ValueFormatError, match=words):
            parse_value(kind, raw)
    assert value_text(Fraction(2, 3)) == "2/3" and value_text(Fraction(3)) == "3" and value_text(("a",)) == ["a"]
    assert check_range("text", Decimal(0), None) is None
    assert check_range(Fraction(5, 2), Decimal(0), Decimal(1)) == "[0, 1]"
    assert range_text(None, None) == "any" and range_text(Decimal(0), None) == "≥ 0"
