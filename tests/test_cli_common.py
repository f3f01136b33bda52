"""The shared CLI machinery: date and month options, -o/--output, how each failure is said, exit codes."""

from __future__ import annotations

import decimal
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import subsidy_rules.cli._common as common
from subsidy_rules.cli._common import (
    DATE,
    EXIT_CANNOT_RUN,
    MONTH,
    ContractGroup,
    as_of_option,
    fail,
    format_option,
    output_option,
    problems_of,
)
from subsidy_rules.core.errors import NoValueInForceError, SubsidyRulesError
from subsidy_rules.core.month import Month
from subsidy_rules.io.json import loads_document


def _group(callback: Any, *decorators: Any) -> click.Group:
    @click.group(cls=ContractGroup)
    @click.option("--debug", is_flag=True)
    def root(debug: bool) -> None:
        pass

    command = callback
    for decorate in reversed(decorators):
        command = decorate(command)
    root.command("go")(command)
    return root


def _run(group: click.Group, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(group, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_date_option_refuses_an_impossible_date_in_plain_words() -> None:
    assert DATE.convert("2024-02-29", None, None) == date(2024, 2, 29)
    assert DATE.convert(date(2024, 1, 1), None, None) == date(2024, 1, 1)
    for bad in ("2023-02-30", "20230228", "yesterday"):
        with pytest.raises(click.BadParameter, match="is not a date"):
            DATE.convert(bad, None, None)


def test_a_month_option_reads_yyyy_mm() -> None:
    assert MONTH.convert("2024-05", None, None) == Month(2024, 5)
    assert MONTH.convert(Month(2024, 5), None, None) == Month(2024, 5)
    with pytest.raises(click.BadParameter, match="is not a month"):
        MONTH.convert("2024-13", None, None)


def test_as_of_is_a_date_and_a_bad_one_is_exit_2_with_a_json_document() -> None:
    seen: list[date | None] = []

    def go(as_of: date | None, fmt: str) -> None:
        seen.append(as_of)

    group = _group(go, as_of_option, format_option)
    assert _run(group, "go", "--as-of", "2024-05-31")[0] == 0 and seen == [date(2024, 5, 31)]
    code, out, err = _run(group, "go", "--as-of", "2023-02-30", "--format", "json")
    assert code == 2 and "2023-02-30 is not a date" in err
    assert loads_document(out)["error"]["code"] == "cli-usage"


def test_output_is_o_or_the_hidden_out_alias_and_required_when_asked(tmp_path: Path) -> None:
    seen: list[Path | None] = []

    def go(output: Path | None) -> None:
        seen.append(output)

    required = _group(go, output_option(required=True))
    assert _run(required, "go", "-o", "a.xlsx")[0] == 0
    assert _run(required, "go", "--out", "b.xlsx")[0] == 0
    assert _run(required, "go", "--output", "c.xlsx", "--out", "c.xlsx")[0] == 0
    assert seen == [Path("a.xlsx"), Path("b.xlsx"), Path("c.xlsx")]
    code, _, err = _run(required, "go")
    assert code == 2 and "missing option -o/--output" in err
    code, _, err = _run(required, "go", "-o", "x", "--out", "y")
    assert code == 2 and "give -o/--output once" in err
    optional = _group(go, output_option(default=Path("site"), dir_okay=True))
    assert _run(optional, "go")[0] == 0 and seen[-1] == Path("site")
    help_text = _run(optional, "go", "--help")[1]
    assert "-o, --output FOLDER" in help_text and "--out " not in help_text and "[default: site]" in help_text


def test_fail_is_exit_2_with_both_languages() -> None:
    def go(fmt: str) -> None:
        fail("give a FORM_ID", "请给出表号")

    code, out, err = _run(_group(go, format_option), "go", "--format", "json")
    assert code == 2 and err == "error: 请给出表号（give a FORM_ID）\n"
    error = loads_document(out)["error"]
    assert (error["code"], error["message"], error["message_en"]) == ("cli-cannot-run", "请给出表号", "give a FORM_ID")


@pytest.mark.parametrize(
    ("exc", "code", "fragment"),
    [
        (RecursionError(), "cli-input-too-large", "nested too deeply"),
        (decimal.InvalidOperation(), "cli-input-too-large", "too many digits"),
        (OverflowError("date value out of range"), "cli-input-too-large", "out of range"),
        (MemoryError(), "cli-input-too-large", "out of memory"),
        (FileNotFoundError(2, "No such file or directory", "in.json"), "cli-cannot-run", "in.json: No such file"),
        (PermissionError(13, "Permission denied"), "cli-cannot-run", "Permission denied"),
        (SubsidyRulesError("the ledger has no header"), "cli-cannot-run", "the ledger has no header"),
        (NoValueInForceError("no value at 2001-01-01"), "cli-no-value-in-force", "no value at 2001-01-01"),
        (ValueError(), "cli-unexpected", "ValueError"),
    ],
)
def test_each_failure_is_said_in_plain_words(exc: BaseException, code: str, fragment: str) -> None:
    (problem,) = problems_of(exc)
    assert problem.code == code and fragment in problem.message_en


def test_a_failure_while_reporting_a_failure_is_still_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(exc: BaseException) -> Any:
        raise RuntimeError("report broke")

    monkeypatch.setattr(common, "problems_of", broken)

    def go() -> None:
        raise ValueError("first")

    code, _, err = _run(_group(go), "go")
    assert code == EXIT_CANNOT_RUN and err == "error: first (and while reporting it: report broke)\n"


@pytest.mark.parametrize(("value", "expected"), [(None, 0), (True, 1), (1, 1), ("a message", 2)])
def test_a_command_that_calls_sys_exit_keeps_its_code(value: object, expected: int) -> None:
    def go() -> None:
        sys.exit(value)  # type: ignore[arg-type]

    assert _run(_group(go), "go")[0] == expected


def test_outside_standalone_mode_the_exit_code_is_returned() -> None:
    def go() -> None:
        raise KeyboardInterrupt

    assert _group(go).main(["go"], standalone_mode=False) == 130


def test_json_is_recognised_in_either_spelling_and_not_after_a_double_dash() -> None:
    assert common._wants_json(["x", "--format=json"])
    assert common._wants_json(["x", "--format", "json"])
    assert not common._wants_json(["x", "--", "--format", "json"])
    assert not common._wants_json(["x", "--format"])


def test_debug_counts_only_before_the_command() -> None:
    assert common._wants_debug(["--debug", "programs", "list"])
    assert not common._wants_debug(["programs", "--debug"])
    assert not common._wants_debug([])
