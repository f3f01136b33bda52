"""The CLI contract, in one place: options every command shares, errors, exit codes.

Exit codes (other scripts rely on them):

* ``0`` — ran, and everything is valid;
* ``1`` — ran, and found problems (``sys.exit(EXIT_PROBLEMS)`` from the command);
* ``2`` — could not run: bad arguments, unreadable input, any unexpected
  error. Never a traceback (``subsidy-rules --debug …`` shows it);
* ``130`` — interrupted by Ctrl-C, ``143`` — stopped by SIGTERM; outputs
  written through :mod:`subsidy_rules.core.files` leave no partial file, and
  the temporary folders of the run are removed (:mod:`subsidy_rules.cli._signals`).
  An interruption that a library turned into its own exception (DuckDB's
  ``Query interrupted``) is still an interruption, never an internal error.
* A closed standard output (``subsidy-rules programs list | head -1``) ends
  the run quietly with exit 0: the reader has what it wanted.

With ``--format json`` an exit-2 (or 130) run still prints a JSON document
on stdout: ``{"schema_version", "error": {"code", "message", "message_en",
"place", "value"}}`` (``error.problems`` when there are several), besides one
line per problem on stderr.

A command module uses :data:`format_option`, :func:`output_option`,
:data:`as_of_option`, :func:`emit_json` and :func:`fail`; the root group
(:class:`ContractGroup`) catches every exception. See ``/work/coord/CLI.md``
and the README's CLI section.
"""

from __future__ import annotations

import contextvars
import decimal
import errno
import functools
import re
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import click

from subsidy_rules.cli import _signals
from subsidy_rules.core import interrupts as _interrupts  # noqa: F401 - the signal handler stops queries through it
from subsidy_rules.core.errors import DataFileError, NoValueInForceError, SubsidyRulesError, UnknownCodeError
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import FIELD_LIMIT, Problem, show_value
from subsidy_rules.core.text import escape_control
from subsidy_rules.io.json import dumps, error_payload

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CANNOT_RUN = 2
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

#: Set by ``--format``'s callback so the error handler knows how to answer.
_FORMAT: contextvars.ContextVar[str | None] = contextvars.ContextVar("subsidy_rules_format", default=None)


def _remember_format(ctx: click.Context, param: click.Parameter, value: str) -> str:
    _FORMAT.set(value)
    return value


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    is_eager=True,
    callback=_remember_format,
    help="Output format; JSON documents carry schema_version, and an exit-2 run still prints one.",
)


# -- parameter types that speak the user's words -------------------------------------------------

_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DateType(click.ParamType[date, Any]):
    """``YYYY-MM-DD``; ``2023-02-30`` is refused as "not a date"."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if _DATE_TEXT.match(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                pass
        self.fail(f"{value} is not a date (expected YYYY-MM-DD, such as 2024-05-31)", param, ctx)


class MonthType(click.ParamType[Month, Any]):
    """``YYYY-MM`` as a :class:`~subsidy_rules.core.month.Month`."""

    name = "YYYY-MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Month:
        if isinstance(value, Month):
            return value
        try:
            return Month.parse(str(value))
        except ValueError:
            self.fail(f"{value} is not a month (expected YYYY-MM, such as 2024-05)", param, ctx)


DATE = DateType()
MONTH = MonthType()

#: The one option for "judge as of this date" (a ``datetime.date`` or ``None``).
as_of_option = click.option(
    "--as-of",
    "as_of",
    type=DATE,
    default=None,
    help="Judge as of this date: the rules, parameters and law in force on it (default: today).",
)


def output_option(
    *,
    required: bool = False,
    default: Path | None = None,
    dir_okay: bool = False,
    help: str = "Write the output here (atomically).",
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """``-o/--output PATH`` (with ``--out`` as a hidden alias) passed to the command as ``output``.

    ``dir_okay=True`` for a folder of outputs. The command writes through
    :mod:`subsidy_rules.core.files` so nothing is ever half-written.
    """
    # No existence checks here: core.files says "is a folder, not a file" (and the like) with the contract's codes.
    path_type = click.Path(path_type=Path)
    shown_default = f" [default: {default}]" if default is not None else ""

    def decorator(func: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(func)
        def wrapper(*args: Any, output: Path | None = None, output_alias: Path | None = None, **kwargs: Any) -> R:
            if output is not None and output_alias is not None and output != output_alias:
                raise click.UsageError("give -o/--output once (--out is the same option)")
            chosen = output if output is not None else output_alias if output_alias is not None else default
            if chosen is None and required:
                raise click.UsageError("missing option -o/--output")
            return func(*args, output=chosen, **kwargs)

        wrapper = click.option("--out", "output_alias", type=path_type, hidden=True)(wrapper)
        wrapper = click.option(
            "-o",
            "--output",
            "output",
            type=path_type,
            metavar="FOLDER" if dir_okay else "FILE",
            help=help + (" [required]" if required else shown_default),
        )(wrapper)
        return wrapper

    return decorator


# -- every file a command reads passes one guard first -------------------------------------------

#: Parameters that name outputs, not inputs (the guard leaves them alone).
_OUTPUT_PARAMS = frozenset({"output", "output_alias"})


def _named_files(param: click.Parameter, value: Any) -> list[str]:
    """The file names an input parameter's value holds (``KIND=FILE`` pairs give their FILE)."""
    values = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in values:
        if item is None:
            continue
        text = str(item)
        if isinstance(param.type, click.Path):
            out.append(text)
        elif param.name == "rosters" and "=" in text:  # audit run --roster KIND=FILE
            out.append(text.partition("=")[2])
    return [name for name in out if name and name != "-"]


def guard_params(command: click.Command, params: dict[str, Any]) -> None:
    """Pass every input file named on the command line through :func:`subsidy_rules.core.files.guard_input`."""
    from subsidy_rules.core.files import guard_input

    for param in command.params:
        if param.name is None or param.name in _OUTPUT_PARAMS or param.name not in params:
            continue
        for name in _named_files(param, params[param.name]):
            guard_input(name)


def guard_inputs(group: click.Group) -> None:
    """Wrap every command under ``group`` so its input files are guarded before it runs (see :func:`guard_params`).

    Commands whose inputs are free arguments (``forms validate FORM_ID FILE...``)
    guard them themselves with :func:`subsidy_rules.core.files.guard_input`.
    """
    for command in group.commands.values():
        if isinstance(command, click.Group):
            guard_inputs(command)
            continue
        callback = command.callback
        if callback is None or getattr(callback, "__guarded__", False):
            continue

        def guarded(
            *args: Any, _guarded_command: click.Command = command, _guarded_callback: Any = callback, **kwargs: Any
        ) -> Any:
            guard_params(_guarded_command, kwargs)
            return _guarded_callback(*args, **kwargs)

        functools.update_wrapper(guarded, callback)
        guarded.__guarded__ = True  # type: ignore[attr-defined]
        command.callback = guarded


# -- failing -------------------------------------------------------------------------------------


class CommandError(SubsidyRulesError):
    """A command cannot run; carries the :class:`Problem` to report (``cli-cannot-run`` by default)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem


def fail(message: str, message_zh: str | None = None) -> NoReturn:
    """Stop the command: exit 2 with ``message`` (one line on stderr; with ``--format json``, the error document)."""
    raise CommandError(Problem.make("cli-cannot-run", reason_en=message, reason_zh=message_zh or message))


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """No longer needed: the root group handles every error. Kept so older command modules still load."""
    return func


def emit_json(payload: dict[str, Any]) -> None:
    """Print a JSON document (``schema_version`` is added by :func:`subsidy_rules.io.json.dumps`)."""
    click.echo(dumps(payload))


# -- the handler behind every command -----------------------------------------------------------


def _wants_json(argv: Sequence[str]) -> bool:
    if _FORMAT.get() == "json":
        return True
    for i, token in enumerate(argv):
        if token == "--":
            break
        if token == "--format=json" or (token == "--format" and i + 1 < len(argv) and argv[i + 1] == "json"):
            return True
    return False


def _wants_debug(argv: Sequence[str]) -> bool:
    for token in argv:
        if not token.startswith("-"):
            return False
        if token == "--debug":
            return True
    return False


def _signal_of(exc: BaseException) -> int | None:
    if isinstance(exc, click.Abort | _Interruption):
        cause = exc.__cause__ or exc.__context__
        found = _signals.signal_of(cause) if cause is not None else None
        return found if found is not None else _signals.signal_of(KeyboardInterrupt())
    return _signals.signal_of(exc)


def _engine_error(exc: BaseException) -> Problem | None:
    """DuckDB out of memory (past ``--memory-limit`` with nowhere to spill) or failing on disk: not a bug of ours."""
    kind = type(exc)
    if not kind.__module__.lstrip("_").startswith("duckdb"):
        return None
    text = str(exc).splitlines()[0] if str(exc) else kind.__name__
    if kind.__name__ == "OutOfMemoryException":
        return Problem.make(
            "cli-input-too-large",
            reason_en=f"out of memory in the query engine ({text}); raise --memory-limit or free disk for spilling",
            reason_zh=f"查询引擎内存不足（{text}）；请调高 --memory-limit 或为溢出腾出磁盘空间",
        )
    if kind.__name__ == "IOException":
        return Problem.make("cli-cannot-run", reason_en=f"the query engine could not read or write: {text}",
                            reason_zh=f"查询引擎读写失败：{text}")
    return None


def problems_of(exc: BaseException) -> list[Problem]:
    """The problems an exception stands for, in the user's words (never a traceback)."""
    signum = _signal_of(exc)
    if signum is not None:
        return [Problem.make("cli-interrupted", signal=_signals.signal_name(signum))]
    if isinstance(exc, CommandError):
        return [exc.problem]
    if isinstance(exc, DataFileError) and exc.problems:
        return list(exc.problems)
    if isinstance(exc, UnknownCodeError):
        hint = ", ".join(exc.suggestions)
        return [
            Problem.make(
                "cli-unknown-code",
                value=None,
                reason=str(exc),
                hint_en=f" — did you mean: {hint}?" if hint else "",
                hint_zh=f"——是否要找：{hint}？" if hint else "",
            )
        ]
    if isinstance(exc, NoValueInForceError):
        return [Problem.make("cli-no-value-in-force", reason=str(exc))]
    if isinstance(exc, SubsidyRulesError):
        return [Problem.make("cli-cannot-run", reason=str(exc))]
    if isinstance(exc, click.ClickException):
        return [Problem.make("cli-usage", reason=exc.format_message())]
    if isinstance(exc, RecursionError):
        return [Problem.make("cli-input-too-large", reason_en="nested too deeply", reason_zh="嵌套层级过深")]
    if isinstance(exc, decimal.InvalidOperation | decimal.Overflow):
        return [
            Problem.make(
                "cli-input-too-large",
                reason_en="a number with too many digits",
                reason_zh="数字位数过多",
            )
        ]
    if isinstance(exc, OverflowError):
        return [
            Problem.make(
                "cli-input-too-large",
                reason_en=f"a date or number out of range ({exc})",
                reason_zh=f"日期或数值超出范围（{exc}）",
            )
        ]
    engine_error = _engine_error(exc)
    if engine_error is not None:
        return [engine_error]
    if isinstance(exc, MemoryError):
        return [Problem.make("cli-input-too-large", reason_en="out of memory", reason_zh="内存不足")]
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        reason = f"{where}{exc.strerror or exc}"
        return [Problem.make("cli-cannot-run", reason=reason)]
    return [Problem.make("cli-unexpected", reason=str(exc) or type(exc).__name__)]


def _ignore_unraisable(unraisable: Any) -> None:
    """``sys.unraisablehook`` after an interruption: say nothing."""


def report_failure(exc: BaseException, argv: Sequence[str]) -> int:
    """Say why a run stopped (stderr; stdout JSON document with ``--format json``); return the exit code."""
    signum = _signal_of(exc)
    code = EXIT_CANNOT_RUN if signum is None else _signals.exit_code(signum)
    if signum is not None:
        # Objects the interruption abandoned (openpyxl's half-written sheets) fail in their finalizers
        # as they are collected; that is the interruption's doing, not news: no "Exception ignored" block.
        sys.unraisablehook = _ignore_unraisable
    try:
        _report(exc, argv)
    except Exception as inner:  # the handler itself must never end in a traceback
        sys.stderr.write(f"error: {exc!s} (and while reporting it: {inner!s})\n")
    return code


def _report(exc: BaseException, argv: Sequence[str]) -> None:
    problems = problems_of(exc)
    interrupted = _signal_of(exc) is not None
    if _wants_debug(argv) and not interrupted and not isinstance(exc, click.ClickException):
        traceback.print_exception(exc, file=sys.stderr)
    try:
        if isinstance(exc, click.ClickException) and not interrupted:
            exc.message = show_value(exc.message, FIELD_LIMIT)  # type: ignore[misc] # a 100 KB argument: its prefix
            exc.show()  # click's own usage text and "Error: …" line
        else:
            for problem in problems:
                click.echo(f"error: {escape_control(problem.line(), lines=True)}", err=True)
        if _wants_json(argv):
            click.echo(dumps(error_payload(problems[0], problems[1:] if len(problems) > 1 else ())))
    except OSError as write_error:  # stdout closed (a broken pipe): nothing more can be said
        if write_error.errno != errno.EPIPE:  # pragma: no cover
            raise


def _exit_code(value: object) -> int:
    if value is None:
        return EXIT_OK
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    return EXIT_CANNOT_RUN  # sys.exit("message") – a command must use fail() instead


#: Spark's configuration for runs without --debug: errors only, no stage bars (``cli/data/spark-conf``).
SPARK_CONF_DIR = Path(__file__).resolve().parent / "data" / "spark-conf"


def quiet_spark(argv: Sequence[str]) -> None:
    """Keep Spark's log lines and stage bars off stderr unless ``--debug`` (or the caller's own SPARK_CONF_DIR).

    Spark reads ``SPARK_CONF_DIR`` when its JVM starts; setting it costs
    nothing when no command starts Spark.
    """
    import os

    if not _wants_debug(argv) and "SPARK_CONF_DIR" not in os.environ and SPARK_CONF_DIR.is_dir():
        os.environ["SPARK_CONF_DIR"] = str(SPARK_CONF_DIR)


class _Interruption(Exception):
    """A signal that stopped a command, carried past click (which would print a blank line for it)."""


class _ReaderGone(Exception):
    """Standard output's reader went away, carried past click (which would exit 1 for it)."""


def _broken_pipe(exc: BaseException) -> bool:
    """True when ``exc`` is stdout's reader going away (``| head -1``)."""
    return isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE)


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the interpreter's final flush says nothing."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # pragma: no cover - stdout without a descriptor
        pass


class ContractGroup(click.Group):
    """The root group: runs a command and turns anything that escapes it into the contract's answer."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt as exc:  # a signal while the command line is parsed
            raise _Interruption() from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise _Interruption() from exc
        except OSError as exc:
            if _broken_pipe(exc):
                raise _ReaderGone() from exc
            raise

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        token = _FORMAT.set(None)
        _signals.reset()
        quiet_spark(argv)
        try:
            rv = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) and not isinstance(rv, bool) else EXIT_OK
            if standalone_mode:
                sys.stdout.flush()  # a reader gone away shows here, while it can still be answered
        except SystemExit as exc:
            code = _exit_code(exc.code)
        except (Exception, KeyboardInterrupt) as exc:
            if isinstance(exc, _ReaderGone) or (_broken_pipe(exc) and _signal_of(exc) is None):
                _silence_stdout()
                code = EXIT_OK
            else:
                code = report_failure(exc, argv)
        finally:
            _FORMAT.reset(token)
        if standalone_mode:
            sys.exit(code)
        return code
