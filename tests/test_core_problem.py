"""One Problem for every report: codes and templates as data, both languages, plain places."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import subsidy_rules
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import Place, Problem, Severity, problem_kind, problem_kinds

PACKAGE = Path(subsidy_rules.__file__).parent
PROBLEM_FILES = sorted((PACKAGE / "core" / "data" / "problems").glob("*.toml"))
_FORMATTER = string.Formatter()


def _fields(template: str) -> list[str]:
    return [name for _, name, _, _ in _FORMATTER.parse(template) if name is not None]


def test_make_fills_both_languages_from_the_registered_templates() -> None:
    p = Problem.make("data-unknown-key", place=Place(file="a.toml", path="x.y"), allowed="a, b")
    assert p.code == "data-unknown-key" and p.severity is Severity.ERROR
    assert p.message_en == "unknown key (allowed: a, b)"
    assert p.message_zh == "未知的键（允许的键：a, b）"
    assert str(p) == "a.toml: x.y: unknown key (allowed: a, b)"


def test_a_field_falls_back_to_its_language_twin() -> None:
    p = Problem.make("cli-usage", reason_en="no such option", reason_zh="没有此选项")
    assert (p.message_en, p.message_zh) == ("no such option", "命令用法有误：没有此选项")
    one = Problem.make("cli-usage", reason_en="only English")
    assert one.message_zh == "命令用法有误：only English"  # the twin stands in when one language is missing
    plain = Problem.make("cli-usage", reason="both")
    assert (plain.message_en, plain.message_zh) == ("both", "命令用法有误：both")


def test_the_value_is_text_cut_at_80_characters_and_usable_in_templates() -> None:
    p = Problem.make("data-wrong-type", value="x" * 1000, expected_en="a number", expected_zh="数字")
    assert p.value is not None and len(p.value) == 80 and p.value.endswith("...")
    assert p.message_en.startswith("expected a number, got xxx")


def test_severity_can_be_lowered_and_detail_keeps_figures_as_text() -> None:
    from decimal import Decimal

    p = Problem.make(
        "data-invalid", what_en="x", what_zh="x", severity=Severity.WARNING, detail={"amount": Decimal("1.50")}
    )
    assert not p.is_error and p.detail == {"amount": "1.50"}


def test_an_unregistered_code_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="not registered"):
        Problem.make("no-such-code")
    with pytest.raises(KeyError, match="not registered"):
        problem_kind("no-such-code")


def test_a_missing_template_field_is_a_programming_error() -> None:
    with pytest.raises(KeyError, match="allowed"):
        Problem.make("data-unknown-key")


@pytest.mark.parametrize("path", PROBLEM_FILES, ids=lambda p: p.name)
def test_every_code_in_a_problem_file_has_a_severity_and_both_templates_and_nothing_else(path: Path) -> None:
    data = tomllib.loads(path.read_text("utf-8"))
    assert set(data) == {"problems"}, "a problems file holds only [problems.CODE] tables"
    for code, entry in data["problems"].items():
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", code), code
        assert set(entry) == {"severity", "zh", "en"}, code
        assert entry["severity"] in {s.value for s in Severity}, code
        assert entry["zh"].strip() and entry["en"].strip(), code
        for template in (entry["zh"], entry["en"]):
            for name in _fields(template):
                assert re.fullmatch(r"[a-z_]+", name), f"{code}: template field {{{name}}} must be a plain name"


def test_no_code_is_registered_twice_across_files() -> None:
    seen: dict[str, str] = {}
    for path in PROBLEM_FILES:
        for code in tomllib.loads(path.read_text("utf-8"))["problems"]:
            assert code not in seen, f"{code} in {path.name} and {seen[code]}"
            seen[code] = path.name
    assert set(seen) == set(problem_kinds())


@pytest.mark.parametrize("code", sorted(problem_kinds()))
def test_every_template_can_be_filled(code: str) -> None:
    kind = problem_kind(code)
    names = set(_fields(kind.message_zh)) | set(_fields(kind.message_en))
    p = Problem.make(code, **{n: "X" for n in names if n != "value"}, value="V")
    assert p.message_zh and p.message_en and "{" not in p.message_en.replace("{}", "")


@pytest.mark.parametrize("area", ["io", "cli"])
def test_the_edge_codes_say_the_same_in_both_languages(area: str) -> None:
    def base(name: str) -> str:
        return re.sub(r"_(zh|en)$", "", name)

    for kind in problem_kinds().values():
        if kind.area == area:
            assert {base(n) for n in _fields(kind.message_zh)} == {base(n) for n in _fields(kind.message_en)}, kind.code


# -- every code the source uses is registered (keeps every package honest) -----------------------

_MAKE = re.compile(r"""Problem\.make\(\s*["']([^"']+)["']""")
_NODE = re.compile(r"""\.problem\(\s*[^,()]+,\s*["']([^"']+)["']""")
_EDGE = re.compile(r"""(?:JsonInputError|_ReadError)\(\s*["']([^"']+)["']""")


def _used_codes() -> dict[str, str]:
    used: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text("utf-8")
        for pattern in (_MAKE, _NODE, _EDGE):
            for code in pattern.findall(text):
                used.setdefault(code, str(path.relative_to(PACKAGE)))
    return used


def test_the_source_scan_finds_the_codes_it_should() -> None:
    used = _used_codes()
    assert {"cli-cannot-run", "json-float", "data-unknown-key"} <= set(used)


def test_every_literal_problem_code_in_the_source_is_registered() -> None:
    registered = set(problem_kinds())
    missing = {code: where for code, where in _used_codes().items() if code not in registered}
    assert missing == {}


# -- places --------------------------------------------------------------------------------------


def test_a_place_reads_as_a_person_would_say_it() -> None:
    assert str(Place()) == ""
    assert str(Place(file="case.json", path="$.payments[3].amount")) == "case.json: $.payments[3].amount"
    in_a_form = Place(file="区.xlsx", sheet="附件2", cell="C7", row_key="5", column=3)
    assert str(in_a_form) == "区.xlsx: 附件2!C7 row 5 col 3"
    in_a_ledger = Place(file="ledger.csv", line=12, field="金额", record="T-1")
    assert str(in_a_ledger) == "ledger.csv: line 12 column 金额 record T-1"
    assert str(Place(month=Month(2024, 5))) == "2024-05"


@given(st.text(max_size=200))
def test_any_value_is_shown_as_at_most_80_characters(text: str) -> None:
    p = Problem.make("data-invalid", value=text, what_en="x", what_zh="x")
    assert p.value is not None and len(p.value) <= 80
