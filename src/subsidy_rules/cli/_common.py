"""What every command shares: the format option, output, errors, exit codes."""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

import click

from subsidy_rules.core.errors import DataFileError, SubsidyRulesError, UnknownCodeError
from subsidy_rules.serialization import dumps

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CANNOT_RUN = 2

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format; JSON documents carry schema_version.",
)


def fail(message: str) -> None:
    """Print one clear line to stderr and exit 2 (could not run)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_CANNOT_RUN)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the library's errors into one line on stderr and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except UnknownCodeError as exc:
            hint = f" — did you mean: {', '.join(exc.suggestions)}?" if exc.suggestions else ""
            fail(f"{exc}{hint}")
        except DataFileError as exc:
            for problem in exc.problems[1:]:
                click.echo(f"error: {problem}", err=True)
            fail(str(exc.problems[0]) if exc.problems else str(exc))
        except SubsidyRulesError as exc:
            fail(str(exc))
        raise AssertionError("unreachable")  # pragma: no cover

    return wrapper


def emit_json(document: dict[str, Any]) -> None:
    click.echo(dumps(document))


def display_width(text: str) -> int:
    """Terminal columns: CJK wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain aligned text table that lines up Chinese text."""
    widths = [display_width(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], display_width(cell))
    lines = ["  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)
