"""The CLI contract, in one place: options every command shares, errors, exit codes.

Exit codes (other scripts rely on them):

* ``0`` — ran, and everything is valid;
* ``1`` — ran, and found problems (``sys.exit(EXIT_PROBLEMS)`` from the command);
* ``2`` — could not run: bad arguments, unreadable input, any unexpected
  error. Never a traceback (``subsidy-rules --debug …`` shows it);
* ``130`` — interrupted by Ctrl-C; outputs written through
  :mod:`subsidy_rules.io.files` leave no partial file.

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

from subsidy_rules.core.errors import DataFileError, NoValueInForceError, SubsidyRulesError, UnknownCodeError
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import Problem
from subsidy_rules.io.json import dumps, error_payload

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CANNOT_RUN = 2
EXIT_INTERRUPTED = 130

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
    :mod:`subsidy_rules.io.files` so nothing is ever half-written.
    """
    # No existence checks here: io.files says "is a folder, not a file" (and the like) with the contract's codes.
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


def problems_of(exc: BaseException) -> list[Problem]:
    """The problems an exception stands for, in the user's words (never a traceback)."""
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
    if isinstance(exc, KeyboardInterrupt | click.Abort):
        return [Problem.make("cli-interrupted")]
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
    if isinstance(exc, MemoryError):
        return [Problem.make("cli-input-too-large", reason_en="out of memory", reason_zh="内存不足")]
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        reason = f"{where}{exc.strerror or exc}"
        return [Problem.make("cli-cannot-run", reason=reason)]
    return [Problem.make("cli-unexpected", reason=str(exc) or type(exc).__name__)]


def report_failure(exc: BaseException, argv: Sequence[str]) -> int:
    """Say why a run stopped (stderr; stdout JSON document with ``--format json``); return the exit code."""
    code = EXIT_INTERRUPTED if isinstance(exc, KeyboardInterrupt | click.Abort) else EXIT_CANNOT_RUN
    try:
        _report(exc, argv)
    except Exception as inner:  # the handler itself must never end in a traceback
        sys.stderr.write(f"error: {exc!s} (and while reporting it: {inner!s})\n")
    return code


def _report(exc: BaseException, argv: Sequence[str]) -> None:
    problems = problems_of(exc)
    if _wants_debug(argv) and not isinstance(exc, click.ClickException | KeyboardInterrupt | click.Abort):
        traceback.print_exception(exc, file=sys.stderr)
    try:
        if isinstance(exc, click.ClickException):
            exc.show()  # click's own usage text and "Error: …" line
        else:
            for problem in problems:
                click.echo(f"error: {problem}", err=True)
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


class ContractGroup(click.Group):
    """The root group: runs a command and turns anything that escapes it into the contract's answer."""

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
        try:
            rv = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) and not isinstance(rv, bool) else EXIT_OK
        except SystemExit as exc:
            code = _exit_code(exc.code)
        except (Exception, KeyboardInterrupt) as exc:
            code = report_failure(exc, argv)
        finally:
            _FORMAT.reset(token)
        if standalone_mode:
            sys.exit(code)
        return code
