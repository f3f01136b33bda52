"""The TOML walker every data file goes through: paths and problems."""

from __future__ import annotations

from decimal import Decimal

import pytest

from subsidy_rules.core.datafile import Node, data_problem, key_path, load_toml
from subsidy_rules.core.errors import DataFileError


def test_key_paths_quote_only_what_needs_quoting() -> None:
    assert key_path("", "layer") == "layer"
    assert key_path("parameters", "ssi.ratio") == 'parameters."ssi.ratio"'
    assert key_path("values", 3) == "values[3]"
    assert key_path("a", 'say "hi"') == 'a."say \\"hi\\""'


def test_toml_decimals_are_exact() -> None:
    data = load_toml("x.toml", text="a = 0.1\nb = 2400")
    assert data == {"a": Decimal("0.1"), "b": 2400}


def test_every_accessor_records_a_problem_instead_of_raising() -> None:
    node = Node(
        "f.toml",
        {"s": 1, "b": "yes", "i": True, "d": "2024", "n": "1e5", "inf": Decimal("Infinity"), "l": [1], "t": 3,
         "arr": 3, "arr2": [1, {}], "tabs": {"x": 1}, "c": "z", "ok": "2.50"},
    )
    assert node.get_str("s") is None
    assert node.get_bool("b") is None
    assert node.get_int("i") is None
    assert node.get_date("d") is None
    assert node.get_decimal("n") is None
    assert node.get_decimal("inf") is None
    assert node.get_decimal("ok") == Decimal("2.50")
    assert node.get_decimal("absent", required=False) is None
    assert node.get_str_list("l") == ()
    assert node.get_table("t") is None
    assert list(node.get_tables("arr")) == []
    assert len(list(node.get_tables("arr2"))) == 1
    assert list(node.get_named_tables("tabs")) == []
    assert node.get_choice("c", {"a": 1}) is None
    assert node.get_bool("absent", default=True) is True
    assert node.as_decimal("x", True) is None
    paths = [p.place.path for p in node.problems]
    assert paths == ["s", "b", "i", "d", "n", "inf", "l", "t", "arr", "arr2[0]", "tabs.x", "c", "x"]
    with pytest.raises(DataFileError) as info:
        node.raise_if_problems()
    assert "and 12 more" in str(info.value)


def test_a_problem_prints_file_path_and_message() -> None:
    assert str(data_problem("a.toml", "x.y", "bad")) == "a.toml: x.y: bad"
    assert str(data_problem("a.toml", "", "bad")) == "a.toml: bad"
    assert data_problem("a.toml", "x.y", "bad", "坏").message_zh == "坏"
    assert str(DataFileError([])) == "invalid data file"
