"""Under odd bytes and odd files: the input guard, huge values, overlong integers, far dates, permissions, locks."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import subsidy_rules.cli.docs as docs_cli
from subsidy_rules.cli import _signals, cli
from subsidy_rules.core import files, interrupts
from subsidy_rules.core.datafile import load_toml
from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.files import (
    atomic_path,
    atomic_write_text,
    clean_leftovers,
    guard_input,
    read_stdin_bytes,
    staged_directory,
)
from subsidy_rules.core.problem import FIELD_LIMIT, Problem
from subsidy_rules.issues.audit import workdays
from subsidy_rules.issues.audit.sample import generate

HUBEI = Path(__file__).resolve().parents[1] / "src" / "subsidy_rules" / "parameters" / "data" / "hubei.toml"


def interrupted_line(name: str) -> str:
    """The one line an interrupted run prints: Chinese first, the English beside it."""
    return f"已中断（{name}），未留下不完整的文件（interrupted ({name}); no partial file was left）"


def _error(result: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(result.stdout)["error"]
    return doc


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


# -- the one guard in front of every input --------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.csv"
    os.mkfifo(path)
    return path


@pytest.fixture
def device(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    path.symlink_to("/dev/zero")
    return path


def _commands(path: Path, tmp_path: Path) -> list[list[str]]:
    ledger = generate(tmp_path / "in", persons=1)[0]["ledger"]
    return [
        ["audit", "run", str(path), "-o", str(tmp_path / "out")],
        ["audit", "run", str(ledger), "--roster", f"deaths={path}", "-o", str(tmp_path / "out")],
        ["audit", "run", str(ledger), "--layer", str(path), "-o", str(tmp_path / "out")],
        ["eligibility", "check", str(path)],
        ["forms", "validate", "wuhan-2022-problem-stats", str(path)],
        ["forms", "validate", "--layout", str(path), str(ledger)],
        ["parameters", "show", "minimum_wage.monthly.tier1", "--layer", str(path)],
    ]


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_a_device_given_to_any_command_is_refused_in_one_line(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    path: Path = request.getfixturevalue(kind)
    for args in _commands(path, tmp_path):
        result = CliRunner().invoke(cli, [*args, "--format", "json"])
        assert result.exit_code == 2, (args, result.output)
        assert _error(result)["code"] == "input-not-a-file", args
        assert "not a regular file" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_file_past_its_size_cap_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = tmp_path / "case.json"
    case.write_text("{}" + " " * 2048, encoding="utf-8")
    monkeypatch.setattr(files, "MAX_DOCUMENT_BYTES", 1024)
    result = CliRunner().invoke(cli, ["eligibility", "check", str(case), "--format", "json"])
    assert result.exit_code == 2
    assert _error(result)["code"] == "input-too-large"
    assert "too large (2.0 KiB)" in result.stderr and "1.0 KiB" in result.stderr
    assert files.input_limit("x.csv") == files.MAX_DATA_BYTES
    with pytest.raises(DataFileError, match="too large"):
        guard_input(case, limit=10)


def test_the_guard_lets_regular_and_missing_files_through_and_names_a_socket(tmp_path: Path) -> None:
    import socket

    plain = tmp_path / "a.csv"
    plain.write_text("x", encoding="utf-8")
    assert guard_input(plain) == plain
    assert guard_input(tmp_path / "missing.csv") == tmp_path / "missing.csv"
    sock_path = tmp_path / "s.csv"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(sock_path))
        with pytest.raises(DataFileError, match="a socket"):
            guard_input(sock_path)


def _stdin(monkeypatch: pytest.MonkeyPatch, fileno: int) -> None:
    class Buffer(io.BytesIO):
        def fileno(self) -> int:
            return fileno

    class Stdin:
        buffer = Buffer(b"")

    monkeypatch.setattr(sys, "stdin", Stdin())


def test_standard_input_from_a_device_is_refused_and_a_pipe_is_read_up_to_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open("/dev/zero", "rb") as zero:
        _stdin(monkeypatch, zero.fileno())
        with pytest.raises(DataFileError, match="a character device"):
            read_stdin_bytes()
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 100)
    with big.open("rb") as handle:
        _stdin(monkeypatch, handle.fileno())
        with pytest.raises(DataFileError, match="too large"):
            read_stdin_bytes(limit=10)
    read, write = os.pipe()
    os.write(write, b"{}")
    os.close(write)
    try:
        _stdin(monkeypatch, read)
        sys.stdin.buffer.write(b"[1]")  # type: ignore[attr-defined]
        sys.stdin.buffer.seek(0)  # type: ignore[attr-defined]
        assert read_stdin_bytes(limit=10) == b"[1]"
    finally:
        os.close(read)


# -- huge values are quoted by a short prefix ------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["programs", "show", "x" * 100_000],
        ["issues", "show", "x" * 100_000],
        ["parameters", "show", "x" * 100_000],
        ["programs", "list", "--as-of", "x" * 100_000],
        ["x" * 100_000],
        ["programs", "find", "x" * 100_000],
    ],
)
def test_an_error_quotes_at_most_a_short_prefix_of_a_huge_argument(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (1, 2)
    assert len(result.stderr) + len(result.stdout) < 2_000
    assert "Traceback" not in result.output


@given(st.text(min_size=FIELD_LIMIT + 1, max_size=3 * FIELD_LIMIT))
def test_no_message_field_is_longer_than_the_limit(text: str) -> None:
    problem = Problem.make("cli-cannot-run", reason=text, value=text)
    assert len(problem.message_en) <= FIELD_LIMIT and len(problem.message_zh) <= FIELD_LIMIT
    assert problem.value is not None and len(problem.value) <= 80


# -- a TOML integer of 10**5 digits -----------------------------------------------------------------


def _layer(tmp_path: Path, old: str, new: str) -> Path:
    text = HUBEI.read_text(encoding="utf-8").replace('id = "hubei"', 'id = "mine"').replace(old, new, 1)
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_integer_of_a_hundred_thousand_digits_in_a_layer_is_a_data_problem_at_its_key_path(tmp_path: Path) -> None:
    layer = _layer(tmp_path, "value = 1550", "value = " + "9" * 100_000)
    for args in (
        ["parameters", "show", "minimum_wage.monthly.tier1", "--layer", str(layer)],
        ["audit", "run", str(generate(tmp_path / "in", persons=1)[0]["ledger"]), "--layer", str(layer),
         "-o", str(tmp_path / "out")],
    ):
        result = CliRunner().invoke(cli, [*args, "--format", "json"])
        assert result.exit_code == 2
        error = _error(result)
        assert error["code"] == "data-number-too-long"
        assert error["place"]["path"] == 'parameters."minimum_wage.monthly.tier1".values[0].value'
        assert "100000 digits" in error["message_en"]


def test_overlong_integers_in_an_array_are_each_named(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text(f"a = [1, {'7' * 5000}]\n[b]\nc = -{'1' * 4400}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_toml(path)
    assert [(p.place.path, p.code) for p in caught.value.problems] == [
        ("a[1]", "data-number-too-long"),
        ("b.c", "data-number-too-long"),
    ]


def test_an_exponent_no_policy_could_hold_is_refused(tmp_path: Path) -> None:
    layer = _layer(tmp_path, "value = 1550", "value = 1e999999")
    result = CliRunner().invoke(cli, ["parameters", "show", "minimum_wage.monthly.tier1", "--layer", str(layer)])
    assert result.exit_code == 2 and "finite number of reasonable size" in result.stderr


# -- the working-day calendar and 9999-12-31 --------------------------------------------------------


def test_a_year_outside_the_packages_range_is_not_covered_and_never_computed() -> None:
    workdays._year.cache_clear()
    assert not workdays.covered(9999)
    assert workdays._year.cache_info().currsize == 1  # answered without the holidays package
    assert workdays.uncovered([2025, 9999, 9999, 1]) == [1, 9999]
    with pytest.raises(workdays.CalendarNotCoveredError, match="9999"):
        workdays.is_working_day(date(9999, 12, 31))
    days, _ = workdays.calendar_rows(range(2025, 10_000))
    assert days[0] == date(2025, 1, 1) and days[-1].year < 2200


def test_a_no_end_date_of_9999_12_31_is_a_row_problem_and_costs_no_centuries(tmp_path: Path) -> None:
    import time

    paths, _ = generate(tmp_path / "in", persons=3)
    ledger = paths["ledger"]
    lines = ledger.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    col = header.index("发放日期")
    row = lines[1].split(",")
    row[col] = "9999-12-31"
    lines[1] = ",".join(row)
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    result = CliRunner().invoke(
        cli, ["audit", "run", str(ledger), "--as-of", "2025-12-31", "-o", str(tmp_path / "out"), "--format", "json"]
    )
    seconds = time.perf_counter() - started
    assert result.exit_code in (0, 1), result.output
    problems = json.loads(result.stdout)["problems"]
    # the reader refuses a date outside plausible years as a row problem at its line: it never reaches the calendar
    refused = [(p["code"], p["place"]["line"]) for p in problems if p["value"] == "9999-12-31"]
    assert refused == [("audit-implausible-date", 2)]
    assert not [p for p in problems if p["code"] == "audit-calendar-not-covered"]
    assert seconds < 30  # it took 44 s when the calendar ran to the year 9999


# -- output folders: permissions, relative paths, locks, leftovers ---------------------------------


def test_a_staged_folder_gets_the_users_umask_not_0700(tmp_path: Path, umask_027: None) -> None:
    with staged_directory(tmp_path / "out") as stage:
        assert stage.is_absolute()
        (stage / "a.txt").write_text("x", encoding="utf-8")
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o750
    atomic_write_text(tmp_path / "b.txt", "x")
    assert stat.S_IMODE((tmp_path / "b.txt").stat().st_mode) == 0o640
    assert files.current_umask() == 0o027


def test_audit_and_demo_output_folders_are_readable_as_the_umask_says(tmp_path: Path, umask_027: None) -> None:
    paths, _ = generate(tmp_path / "in", persons=2)
    out = tmp_path / "audit"
    result = CliRunner().invoke(cli, ["audit", "run", str(paths["ledger"]), "--as-of", "2025-12-31", "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert stat.S_IMODE((out / "findings.xlsx").stat().st_mode) == 0o640


def _fake_site(out: Path, **_: object) -> list[Path]:
    out = out.resolve()  # as the real builder does
    (out / "index.html").write_text("<html></html>", encoding="utf-8")
    return sorted(out.rglob("*.html"))


def test_docs_build_with_a_relative_output_folder_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_027: None
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(docs_cli, "build_site", _fake_site)
    result = CliRunner().invoke(cli, ["docs", "build", "-o", "site"])
    assert result.exit_code == 0, result.output
    assert "site/index.html" in result.stdout
    assert stat.S_IMODE((tmp_path / "site").stat().st_mode) == 0o750


def test_a_second_writer_of_the_same_folder_is_refused_and_the_first_wins_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with staged_directory(out) as stage:
        (stage / "first.txt").write_text("1", encoding="utf-8")
        with pytest.raises(DataFileError, match="another run is writing this output"), staged_directory(out):
            pass  # pragma: no cover - refused on entry
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in out.iterdir()] == ["first.txt"]


def test_leftovers_of_a_killed_run_are_removed_by_the_next_run_of_the_same_output(tmp_path: Path) -> None:
    (tmp_path / ".out.abcd1234.partial").mkdir()
    (tmp_path / ".out.abcd1234.partial" / "findings.xlsx").write_bytes(b"half")
    (tmp_path / ".book.xlsx.0badc0de.partial").write_bytes(b"half")
    (tmp_path / ".other.abcd1234.partial").mkdir()
    with staged_directory(tmp_path / "out") as stage:
        (stage / "a").write_text("x", encoding="utf-8")
    with atomic_path(tmp_path / "book.xlsx") as temp:
        temp.write_bytes(b"PK")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.abcd1234.partial", "book.xlsx", "out"]


def test_a_partial_file_a_live_writer_holds_is_left_alone(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "book.xlsx") as temp:
        temp.write_bytes(b"PK")
        assert clean_leftovers(tmp_path / "book.xlsx") == []
        assert temp.exists()
    assert (tmp_path / "book.xlsx").read_bytes() == b"PK"


# -- signals in process: the bookkeeping behind 130 and 143 ------------------------------------------


@pytest.fixture
def clean_signals() -> Iterator[None]:
    _signals.reset()
    yield
    _signals.reset()


def test_the_handler_raises_once_and_lets_a_quick_second_signal_pass(clean_signals: None) -> None:
    with pytest.raises(_signals.Interrupted) as caught:
        _signals._handler(signal.SIGTERM, None)
    assert caught.value.signum == signal.SIGTERM and _signals.received() == signal.SIGTERM
    _signals._handler(signal.SIGINT, None)  # within the grace: the clean-up goes on
    assert _signals.exit_code(signal.SIGTERM) == 143 and _signals.exit_code(signal.SIGINT) == 130
    _signals._first_at[0] -= _signals.GRACE_SECONDS + 1
    with pytest.raises(_signals.Interrupted):
        _signals._handler(signal.SIGINT, None)  # someone insists


def test_an_exception_after_a_signal_counts_as_the_interruption(clean_signals: None) -> None:
    assert _signals.signal_of(RuntimeError("Query interrupted")) is None
    assert _signals.signal_of(KeyboardInterrupt()) == signal.SIGINT
    _signals._received.append(signal.SIGTERM)
    assert _signals.signal_of(RuntimeError("Query interrupted")) == signal.SIGTERM


def test_install_keeps_a_sigint_the_caller_ignores(clean_signals: None) -> None:
    old_int, old_term = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _signals.install()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        assert signal.getsignal(signal.SIGTERM) is _signals._handler
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)


def test_say_interrupted_writes_the_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    _signals.say_interrupted(signal.SIGTERM)
    assert capsys.readouterr().err == f"error: {interrupted_line('SIGTERM')}\n"


def test_a_query_error_after_a_signal_exits_143_not_internal_error(
    clean_signals: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subsidy_rules.cli.programs as programs_cli

    def stopped(*_: object) -> None:
        _signals._received.append(signal.SIGTERM)
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr(programs_cli, "catalogue", stopped)
    result = CliRunner().invoke(cli, ["programs", "list", "--format", "json"])
    assert result.exit_code == 143
    assert _error(result)["code"] == "cli-interrupted"
    assert result.stderr == f"error: {interrupted_line('SIGTERM')}\n"


def test_the_connections_a_stack_holds_are_asked_to_stop() -> None:
    con = duckdb.connect(":memory:")

    class Backend:
        def __init__(self) -> None:
            self.con = con

    backend = Backend()
    frame = sys._getframe()
    assert interrupts.connections_in(frame, duckdb.DuckDBPyConnection) == [con]
    with interrupts.interruptible(con):
        assert interrupts.interrupt_running(frame) == 1
    assert interrupts._registered == []
    del backend
    con.close()


def test_a_signal_in_a_duckdb_query_stops_the_query(clean_signals: None) -> None:
    con = duckdb.connect(":memory:")
    import numpy  # noqa: F401 - with NumPy loaded, DuckDB no longer stops on the handler's exception alone

    old = signal.signal(signal.SIGALRM, lambda s, f: _signals._handler(signal.SIGTERM, f))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.5)
        with pytest.raises((RuntimeError, _signals.Interrupted)):
            con.execute("SELECT count(*) FROM range(100000000000) t(a) WHERE a % 7 = 3").fetchall()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        con.close()


def test_spark_is_quiet_unless_debug_or_the_callers_own_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    from subsidy_rules.cli._common import SPARK_CONF_DIR, quiet_spark

    monkeypatch.delenv("SPARK_CONF_DIR", raising=False)
    quiet_spark(["--debug", "audit", "run"])
    assert "SPARK_CONF_DIR" not in os.environ
    quiet_spark(["audit", "run"])
    assert os.environ["SPARK_CONF_DIR"] == str(SPARK_CONF_DIR)
    assert (SPARK_CONF_DIR / "log4j2.properties").is_file()
    monkeypatch.setenv("SPARK_CONF_DIR", "/theirs")
    quiet_spark(["audit", "run"])
    assert os.environ["SPARK_CONF_DIR"] == "/theirs"


def test_a_rolled_up_form_gets_the_users_umask(tmp_path: Path, umask_027: None) -> None:
    from subsidy_rules.forms.batch import write_atomically

    write_atomically(tmp_path / "roll-up.xlsx", b"PK")
    assert stat.S_IMODE((tmp_path / "roll-up.xlsx").stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["roll-up.xlsx"]


def test_a_control_character_in_the_roll_ups_unit_never_sinks_it(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from subsidy_rules.forms.loader import layout
    from subsidy_rules.forms.template import render

    unit_file = tmp_path / "u.xlsx"
    unit_file.write_bytes(render(layout("wuhan-2022-problem-stats")))
    out = tmp_path / "roll-up.xlsx"
    args = ["forms", "aggregate", "wuhan-2022-problem-stats", str(unit_file), "-o", str(out)]
    result = CliRunner().invoke(cli, [*args, "--unit", "江汉\x01区\x1b[31m"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output
    texts = [c for row in load_workbook(out).active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("江汉区[31m" in t for t in texts)


def test_a_layer_file_a_case_names_passes_the_guard_too(tmp_path: Path) -> None:
    from subsidy_rules.demo.eligibility import example_cases

    case = json.loads(example_cases()[0][1])
    case["layer_files"] = ["zero.toml"]
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["eligibility", "check", str(path), "--format", "json"])
    assert result.exit_code == 2
    assert _error(result)["code"] == "input-not-a-file"


def test_the_query_engine_out_of_memory_or_disk_is_said_not_called_an_internal_error() -> None:
    from subsidy_rules.cli._common import problems_of

    assert problems_of(duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate"))[0].code == (
        "cli-input-too-large"
    )
    io_problem = problems_of(duckdb.IOException("IO Error: No space left on device\nmore"))[0]
    assert io_problem.code == "cli-cannot-run" and "No space left on device" in io_problem.message_en
    assert problems_of(duckdb.BinderException("Binder Error: x"))[0].code == "cli-unexpected"


def test_an_overlong_integer_the_key_path_cannot_be_found_for_is_still_a_data_problem(tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("a = [\n# a comment between\n" + "9" * 5000 + "]\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_toml(path)
    assert [p.code for p in caught.value.problems] == ["data-number-too-long"]


def test_the_console_entry_point_runs_a_command_and_answers_an_interruption_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clean_signals: None
) -> None:
    import subsidy_rules.cli as cli_package
    import subsidy_rules.cli._root as root

    old_int, old_term = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        monkeypatch.setattr(sys, "argv", ["subsidy-rules", "programs", "list", "--format", "json"])
        with pytest.raises(SystemExit) as done:
            cli_package.main()
        assert done.value.code == 0 and json.loads(capsys.readouterr().out)["schema_version"]

        def stopped(**_: object) -> None:
            raise _signals.Interrupted(signal.SIGTERM)

        monkeypatch.setattr(root, "cli", stopped)
        with pytest.raises(SystemExit) as done:
            cli_package.main()
        assert done.value.code == 143
        assert capsys.readouterr().err == f"error: {interrupted_line('SIGTERM')}\n"
    finally:
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)
    with pytest.raises(AttributeError):
        cli_package.no_such_name  # noqa: B018


def test_summary_json_names_the_users_files_never_a_temporary_copy(tmp_path: Path) -> None:
    paths, _ = generate(tmp_path / "in", persons=3)
    gbk = tmp_path / "deaths-gbk.csv"
    gbk.write_bytes(paths["deaths"].read_text(encoding="utf-8-sig").encode("gb18030"))
    out = tmp_path / "out"
    args = ["audit", "run", str(paths["ledger"]), "--roster", f"deaths={gbk}", "--as-of", "2025-12-31"]
    result = CliRunner().invoke(cli, [*args, "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    doc = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [i["file"] for i in doc["inputs"]] == [str(paths["ledger"]), str(gbk)]
    named = {p["place"]["file"] for p in doc["problems"] if p["place"].get("file")}
    assert named <= {str(paths["ledger"]), str(gbk)}


def test_a_signal_while_the_command_line_is_parsed_is_one_line_too(
    monkeypatch: pytest.MonkeyPatch, clean_signals: None
) -> None:
    import click

    def interrupted(*_: object, **__: object) -> None:
        raise _signals.Interrupted(signal.SIGINT)

    monkeypatch.setattr(click.Group, "parse_args", interrupted)
    result = CliRunner().invoke(cli, ["programs", "list"])
    assert result.exit_code == 130
    assert result.stderr == f"error: {interrupted_line('Ctrl-C')}\n"
