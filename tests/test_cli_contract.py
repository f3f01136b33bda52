"""The CLI contract, for every command: exit codes, never a traceback, JSON documents, options, no partial files.

Exit codes: 0 ran and all well, 1 ran and found problems, 2 could not run,
130 interrupted. With ``--format json`` every run prints one JSON document on
stdout — an exit-2 run too — and every document reads back through the
library's own reader (:func:`subsidy_rules.io.json.loads_document`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import subsidy_rules.cli.programs as programs_cli  # the module (its group is programs_cli.programs)
import subsidy_rules.demo as demo_package
from subsidy_rules.cli import cli
from subsidy_rules.core.problem import Place
from subsidy_rules.io.json import SCHEMA_VERSION, from_json, loads_document

runner = CliRunner()
EXAMPLES = resources.files("subsidy_rules.programs").joinpath("eligibility/examples")


def run(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def leaf_commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield " ".join((*path, name)), command


LEAVES = dict(leaf_commands())


def example_case(tmp_path: Path, name: str = "01-plain.json", **changes: Any) -> Path:
    data = json.loads(EXAMPLES.joinpath(name).read_text("utf-8"))
    data.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def error_of(out: str) -> dict[str, Any]:
    doc = loads_document(out, source="stdout")
    error = doc["error"]
    assert set(error) >= {"code", "message", "message_en", "place"}
    assert error["message"] and error["message_en"]
    from_json(error["place"], Place)  # the place is a Place in its one JSON shape
    return error  # type: ignore[no-any-return]


def assert_no_traceback(err: str) -> None:
    assert "Traceback" not in err
    assert err.startswith(("error: ", "Usage: ")), err


# -- options on every command ---------------------------------------------------------------------


#: Commands not yet converted by their owners (strict: the mark fails as soon as the command complies).
PENDING_FORMAT: dict[str, str] = {}


def _pending(names: list[str], pending: dict[str, str]) -> list[Any]:
    return [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=pending[n])) if n in pending else n for n in names
    ]


@pytest.mark.parametrize("name", _pending(sorted(LEAVES), PENDING_FORMAT))
def test_every_command_takes_format_text_or_json(name: str) -> None:
    options = {opt for p in LEAVES[name].params if isinstance(p, click.Option) for opt in p.opts}
    assert "--format" in options


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_every_command_that_writes_files_takes_o_output_and_hides_out(name: str) -> None:
    params = {p.name: p for p in LEAVES[name].params if isinstance(p, click.Option)}
    writes = any(n in params for n in ("output", "output_alias", "out"))
    if writes:
        assert params["output"].opts == ["-o", "--output"]
    visible = [opt for p in params.values() if not p.hidden for opt in p.opts]
    assert "--out" not in visible


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_every_date_option_says_what_it_means(name: str) -> None:
    for p in LEAVES[name].params:
        if isinstance(p, click.Option) and any(o in {"--as-of", "--at", "--law-date"} for o in p.opts):
            assert p.help and len(p.help) > 20, f"{name} {p.opts} needs a --help text saying what the date means"


@pytest.mark.parametrize("name", sorted(LEAVES))
def test_a_usage_error_is_exit_2_with_a_json_error_document_for_every_command(name: str) -> None:
    code, out, err = run(*name.split(), "--no-such-option", "--format", "json")
    assert code == 2
    assert error_of(out)["code"] == "cli-usage"
    assert "No such option" in err


def test_a_bad_choice_is_a_usage_error_in_json_too() -> None:
    code, out, _ = run("programs", "list", "--format", "yaml")
    assert code == 2 and out == ""  # --format itself is wrong: no JSON was asked for
    code, out, _ = run("forms", "list", "--format=json", "--bogus")
    assert code == 2 and error_of(out)["code"] == "cli-usage"


def test_the_root_group_lists_every_command_group_and_exit_codes() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for group in ("programs", "parameters", "issues", "forms", "eligibility", "retirement-age", "demo", "docs"):
        assert group in out
    assert "130" in out and "--debug" in out


# -- never a traceback ----------------------------------------------------------------------------


def _boom(*_: object, **__: object) -> Any:
    raise RuntimeError("the catalogue caught fire")


def test_an_unexpected_exception_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(programs_cli, "catalogue", _boom)
    code, out, err = run("programs", "list")
    assert code == 2 and out == ""
    assert err == (
        "error: 程序内部错误：the catalogue caught fire（加 --debug 查看详情，并请报告此问题）"
        "（internal error: the catalogue caught fire (run with --debug for the traceback, and please report it)）\n"
    )


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(programs_cli, "catalogue", _boom)
    code, _, err = run("--debug", "programs", "list")
    assert code == 2 and "Traceback" in err and "RuntimeError: the catalogue caught fire" in err


def test_an_unexpected_exception_still_prints_the_json_error_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(programs_cli, "catalogue", _boom)
    code, out, _ = run("programs", "list", "--format", "json")
    error = error_of(out)
    assert code == 2 and error["code"] == "cli-unexpected" and "caught fire" in error["message_en"]


def _interrupt(*_: object, **__: object) -> Any:
    raise KeyboardInterrupt


def test_ctrl_c_exits_130_with_a_json_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(programs_cli, "catalogue", _interrupt)
    code, out, err = run("programs", "show", "x", "--format", "json")
    assert code == 130 and error_of(out)["code"] == "cli-interrupted" and "interrupted" in err


def test_ctrl_c_in_the_middle_of_the_demo_leaves_no_partial_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def first(out: Path) -> list[str]:
        (out / "catalogue.json").write_text("{}", "utf-8")
        return ["wrote catalogue.json"]

    def second(out: Path) -> list[str]:
        (out / "issues.json").write_text('{"half": ', "utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(demo_package, "STEPS", (("catalogue", first), ("issues", second)))
    out = tmp_path / "demo"
    code, _, _ = run("demo", "-o", str(out))
    assert code == 130
    assert list(tmp_path.iterdir()) == []


def test_the_console_script_exits_2_without_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from subsidy_rules.cli import main; main()", "programs", "show", "no-such-program"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.startswith("error: ")


# -- known crashers become clear exit-2 errors ----------------------------------------------------


def test_retirement_age_born_9999_12_is_exit_2_not_a_traceback() -> None:
    code, out, err = run("retirement-age", "--birth", "9999-12", "--group", "male", "--format", "json")
    assert code == 2
    assert_no_traceback(err)
    assert error_of(out)["code"] != "cli-unexpected" or "out of range" in err


def test_docs_build_onto_an_existing_file_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.write_text("my notes", "utf-8")
    code, out, err = run("docs", "build", "-o", str(target), "--format", "json")
    assert code == 2 and error_of(out)["code"] == "output-is-a-file"
    assert target.read_text("utf-8") == "my notes"
    assert_no_traceback(err)


def test_demo_onto_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "demo-output"
    target.write_text("x", "utf-8")
    code, _, err = run("demo", "--out", str(target))
    assert code == 2 and "is a file, not a folder" in err
    assert target.read_text("utf-8") == "x" and sorted(p.name for p in tmp_path.iterdir()) == ["demo-output"]


def test_demo_onto_a_folder_holding_a_name_it_writes_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def step(out: Path) -> list[str]:
        (out / "catalogue.json").write_text("{}", "utf-8")
        (out / "issues.json").write_text("{}", "utf-8")
        return []

    monkeypatch.setattr(demo_package, "STEPS", (("catalogue", step),))
    out = tmp_path / "demo"
    (out / "catalogue.json").mkdir(parents=True)
    code, _, err = run("demo", "-o", str(out))
    assert code == 2 and "is a folder, not a file" in err
    assert [p.name for p in out.iterdir()] == ["catalogue.json"]
    assert not any(".partial" in p.name for p in tmp_path.iterdir())


def _deep_toml(path: Path) -> Path:
    path.write_text("a = " + "[" * 200_000 + "]" * 200_000 + "\n", "utf-8")
    return path


def test_a_layer_nested_200000_deep_is_exit_2(tmp_path: Path) -> None:
    layer = _deep_toml(tmp_path / "deep.toml")
    code, out, err = run("parameters", "show", "ssi.flexible.max_ratio", "--layer", str(layer), "--format", "json")
    assert code == 2 and error_of(out)["code"] in {"data-too-deep", "cli-input-too-large"}
    assert_no_traceback(err)


def test_a_layout_nested_200000_deep_is_exit_2(tmp_path: Path) -> None:
    layout = _deep_toml(tmp_path / "deep.toml")
    code, out, err = run("forms", "show", "--layout", str(layout), "--format", "json")
    assert code == 2 and error_of(out)["code"] in {"data-too-deep", "cli-input-too-large"}
    assert_no_traceback(err)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", "[" * 200_000 + "]" * 200_000),
        ("long-int.json", '{"case_id": ' + "9" * 5000 + "}"),
    ],
)
def test_a_hostile_case_file_is_exit_2(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    code, out, err = run("eligibility", "check", str(path), "--format", "json")
    assert code == 2
    assert error_of(out)["code"] != "cli-unexpected"
    assert_no_traceback(err)


def test_a_money_string_of_27_digits_in_a_case_is_exit_2(tmp_path: Path) -> None:
    data = json.loads(EXAMPLES.joinpath("01-plain.json").read_text("utf-8"))
    data["contributions"][0]["amount"] = "1" * 27 + ".00"
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data), "utf-8")
    code, out, err = run("eligibility", "check", str(path), "--format", "json")
    assert code == 2 and error_of(out)["place"].get("path", "").startswith("$.contributions[0]")
    assert_no_traceback(err)


# -- strict case input (through subsidy_rules.io.json.read_json) ---------------------------------


def test_a_duplicate_key_in_a_case_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    text = EXAMPLES.joinpath("01-plain.json").read_text("utf-8").replace("{\n", '{\n  "case_id": "again",\n', 1)
    path.write_text(text, "utf-8")
    code, out, _ = run("eligibility", "check", str(path), "--format", "json")
    assert code == 2 and "case_id" in error_of(out)["message_en"]


def test_a_float_amount_in_a_case_is_refused(tmp_path: Path) -> None:
    text = EXAMPLES.joinpath("01-plain.json").read_text("utf-8")
    data = json.loads(text)
    amount = data["contributions"][0]["amount"]
    path = tmp_path / "float.json"
    path.write_text(text.replace(f'"{amount}"', amount, 1), "utf-8")
    code, out, _ = run("eligibility", "check", str(path), "--format", "json")
    assert code == 2 and "money is a decimal string" in error_of(out)["message_en"]


def test_a_gbk_case_says_save_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.json"
    path.write_bytes(EXAMPLES.joinpath("01-plain.json").read_text("utf-8").encode("gb18030"))
    code, out, _ = run("eligibility", "check", str(path), "--format", "json")
    assert code == 2 and "save it as UTF-8" in error_of(out)["message_en"]


def test_a_dash_reads_the_case_from_standard_input() -> None:
    text = EXAMPLES.joinpath("01-plain.json").read_text("utf-8")
    code, out, _ = run("eligibility", "check", "-", "--format", "json", stdin=text)
    assert code in {0, 1} and loads_document(out)["decisions"]


def test_an_impossible_date_in_a_case_is_said_in_plain_words(tmp_path: Path) -> None:
    path = example_case(tmp_path, first_approval="2023-02-30")
    code, out, err = run("eligibility", "check", str(path), "--format", "json")
    assert code == 2
    assert "2023-02-30" in err and "is not a date" in err
    assert "datetime" not in err and "| None" not in err
    assert error_of(out)["place"]["path"] == "$.first_approval"


def test_an_unknown_group_in_a_case_lists_the_groups(tmp_path: Path) -> None:
    data = json.loads(EXAMPLES.joinpath("01-plain.json").read_text("utf-8"))
    data["person"]["group"] = "female-60"
    path = tmp_path / "g.json"
    path.write_text(json.dumps(data), "utf-8")
    code, _, err = run("eligibility", "check", str(path))
    assert code == 2
    assert "group must be one of male, female-55, female-50" in err and "RetirementGroup" not in err


def test_as_of_refuses_an_impossible_date_in_plain_words(tmp_path: Path) -> None:
    code, _, err = run("eligibility", "check", str(example_case(tmp_path)), "--as-of", "2023-02-30")
    assert code == 2 and "is not a date" in err


# -- every JSON document reads back through the library's reader ---------------------------------


JSON_RUNS: list[tuple[str, ...]] = [
    ("programs", "list"),
    ("programs", "list", "--catalogue", "wuhan-2022"),
    ("programs", "show", "flexible-employment-si-subsidy"),
    ("programs", "find", "见习"),
    ("programs", "find", "火星补贴"),
    ("parameters", "show", "ssi.graduate.window_months", "--at", "2024-06-01"),
    ("parameters", "show", "ssi.graduate.window_months"),
    ("parameters", "list", "--jurisdiction", "wuhan"),
    ("issues", "tree"),
    ("issues", "show", "payment.excess.beyond-scope"),
    ("issues", "crosswalk", "wuhan-2022-problem-stats"),
    ("forms", "list"),
    ("forms", "show", "wuhan-2022-problem-stats"),
    ("forms", "template", "wuhan-2022-problem-stats", "-o", "{tmp}/template.xlsx"),
    ("forms", "validate", "wuhan-2022-problem-stats", "{tmp}/blank.xlsx"),
    ("retirement-age", "--birth", "1970-05", "--group", "male"),
]
PENDING_JSON: dict[str, str] = {}


def _json_run_params() -> list[Any]:
    out: list[Any] = []
    for args in JSON_RUNS:
        name = " ".join(args[:2]) if args[0] in {"programs", "parameters", "issues", "forms"} else args[0]
        marks = [pytest.mark.xfail(strict=True, reason=PENDING_JSON[name])] if name in PENDING_JSON else []
        out.append(pytest.param(args, marks=marks, id=" ".join(args[:4])))
    return out


@pytest.mark.parametrize("args", _json_run_params())
def test_every_json_document_the_cli_prints_reads_back(tmp_path: Path, args: tuple[str, ...]) -> None:
    from subsidy_rules.forms import layout, render

    (tmp_path / "blank.xlsx").write_bytes(render(layout("wuhan-2022-problem-stats")))
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, out, err = run(*argv, "--format", "json")
    assert code in {0, 1}, err
    doc = loads_document(out, source=" ".join(argv))
    assert doc["schema_version"] == SCHEMA_VERSION
    assert "error" not in doc


_BAD_LAYER = (
    '[layer]\nid = "bad"\nname_zh = "区"\nname_en = "d"\nlevel = "user"\n'
    '[parameters."ssi.flexible.max_months"]\ndescription_zh = "期限"\ndescription_en = "months"\nunit = "月"\n'
    'kind = "integer"\n[[parameters."ssi.flexible.max_months".values]]\nfrom = 2019-01-01\nvalue = -5\n'
    'document = "seed-002"\nconfirmed = false\n'
)

#: Every outcome of the parameters, eligibility and retirement-age commands, with its exit code.
ONE_DOCUMENT_RUNS: list[tuple[int, tuple[str, ...]]] = [
    (0, ("parameters", "show", "ssi.flexible.max_ratio")),
    (0, ("parameters", "show", "ssi.flexible.max_ratio", "--as-of", "2024-06-01", "--jurisdiction", "wuhan")),
    (2, ("parameters", "show", "ssi.graduate.window_months", "--at", "1990-01-01")),  # before the first value
    (2, ("parameters", "show", "minimum_wage.monthly.tier4", "--jurisdiction", "hubei", "--at", "2022-01-01")),  # ended
    (2, ("parameters", "show", "ssi.graduate.window_monthz")),  # did you mean
    (2, ("parameters", "show", "ssi.flexible.max_ratio", "--layer", "{tmp}/bad-layer.toml")),
    (2, ("parameters", "show", "ssi.flexible.max_ratio", "--layer", "{tmp}/missing.toml")),
    (2, ("parameters", "show", "ssi.flexible.max_ratio", "--at", "2023-02-30")),
    (2, ("parameters", "show", "ssi.flexible.max_ratio", "--jurisdiction", "mars")),
    (0, ("parameters", "list")),
    (0, ("parameters", "list", "--as-of", "1900-01-01")),  # nothing in force is a listing, not a failure
    (2, ("parameters", "list", "--layer", "{tmp}/bad-layer.toml")),
    (0, ("eligibility", "check", "{examples}/01-plain.json")),
    (1, ("eligibility", "check", "{examples}/03-found-a-job.json")),
    (2, ("eligibility", "check", "{tmp}/bad-case.json")),
    (2, ("eligibility", "check", "{tmp}/missing.json")),
    (2, ("eligibility", "check", "{examples}/01-plain.json", "--program", "entrepreneurship-subsidy")),
    (2, ("eligibility", "check", "{examples}/01-plain.json", "--layer", "{tmp}/bad-layer.toml")),
    (0, ("retirement-age", "--birth", "1970-05", "--group", "female-55", "--law-date", "2026-01-01")),
    (0, ("retirement-age", "--id-number", "420104197002140754")),
    (2, ("retirement-age", "--id-number", "123")),
    (2, ("retirement-age", "--id-number", "420104197002140754", "--group", "female-55")),
    (2, ("retirement-age", "--birth", "1970-05")),
    (2, ("retirement-age", "--group", "male")),
    (2, ("retirement-age", "--birth", "9999-12", "--group", "male")),
]


@pytest.mark.parametrize(
    ("expected", "args"), ONE_DOCUMENT_RUNS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else str(v)
)
def test_each_run_of_parameters_eligibility_and_retirement_prints_exactly_one_document(
    tmp_path: Path, expected: int, args: tuple[str, ...]
) -> None:
    (tmp_path / "bad-layer.toml").write_text(_BAD_LAYER, "utf-8")
    example_case(tmp_path, case_id=12).rename(tmp_path / "bad-case.json")
    examples = Path(str(EXAMPLES))
    argv = [a.replace("{tmp}", str(tmp_path)).replace("{examples}", str(examples)) for a in args]
    code, out, err = run(*argv, "--format", "json")
    assert code == expected, (out, err)
    text = out.strip()
    first, end = json.JSONDecoder().raw_decode(text)
    assert end == len(text), f"more than one document on stdout: {text[end:][:200]!r}"
    doc = loads_document(out, source=" ".join(argv))  # the one document reads back through the library
    assert ("error" in doc) == (expected == 2) and first == doc
    if expected == 2:
        assert_no_traceback(err)


def test_every_case_decision_document_reads_back(tmp_path: Path) -> None:
    for entry in sorted(EXAMPLES.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            code, out, err = run("eligibility", "check", str(entry), "--format", "json")
            assert code in {0, 1}, (entry.name, err)
            assert loads_document(out)["decisions"]


def test_the_demo_writes_documents_that_read_back_and_reports_in_json(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    code, stdout, err = run("demo", "-o", str(out), "--format", "json")
    assert code == 0, err
    doc = loads_document(stdout)
    assert doc["output"] == str(out) and list(doc["steps"]) == [name for name, _ in demo_package.STEPS]
    documents = sorted(out.rglob("*.json"))
    assert documents
    for path in documents:
        if "site" not in path.parts:
            loads_document(path.read_bytes(), source=str(path))
    assert not any(".partial" in p.name for p in tmp_path.iterdir())


def test_docs_build_reports_its_pages_in_json(tmp_path: Path) -> None:
    out = tmp_path / "site"
    code, stdout, err = run("docs", "build", "--out", str(out), "--format", "json")
    assert code == 0, err
    doc = loads_document(stdout)
    assert doc["pages"] and all(Path(p).is_file() for p in doc["pages"])
    assert (out / "index.html").is_file()
