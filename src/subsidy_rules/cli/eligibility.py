"""``subsidy-rules eligibility check``: decide a case file and explain the decision.

Exit codes: 0 the case was decided and no problem was found (whether or not
the person is eligible — "not eligible" is a decision, not a fault);
1 decided, and the payments recorded in the case differ from the
entitlement (paid when not entitled, above the entitlement, or short);
2 the case or a layer file could not be read (each problem by JSON path or
key path).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from subsidy_rules.cli._common import EXIT_PROBLEMS, emit_json, fail, format_option, handle_errors
from subsidy_rules.programs.eligibility.case_json import load_case
from subsidy_rules.programs.eligibility.engine import case_parameters, decide_all
from subsidy_rules.programs.eligibility.render import decision_text, decision_to_json


@click.group("eligibility")
def eligibility() -> None:
    """Eligibility of a person for the flexible-employment and public-welfare-post subsidies."""


@eligibility.command("check")
@click.argument("case_file", metavar="CASE.json", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--program",
    "programs",
    multiple=True,
    metavar="CODE",
    help="Program to decide (repeatable); a combined row is decided through its parts. Default: the case's.",
)
@click.option(
    "--as-of", "as_of_text", metavar="YYYY-MM-DD", help="Judge as of this date (default: the case's, else today)."
)
@click.option(
    "--layer",
    "layers",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A parameter layer file stacked on the case's layers (repeatable).",
)
@format_option
@handle_errors
def check(
    case_file: Path, programs: tuple[str, ...], as_of_text: str | None, layers: tuple[Path, ...], fmt: str
) -> None:
    """Decide CASE.json: the verdict, each condition with its citation, the schedule and any problems."""
    as_of: date | None = None
    if as_of_text:
        try:
            as_of = date.fromisoformat(as_of_text)
        except ValueError:
            fail(f"--as-of: expected YYYY-MM-DD, got {as_of_text!r}")
    case = load_case(case_file)
    params = case_parameters(case, case_file.parent, layers)
    decisions = decide_all(case, programs, as_of, params=params)
    problems = sum(len(d.problems) for d in decisions)
    if fmt == "json":
        emit_json(
            {
                "case_id": case.case_id,
                "case_file": str(case_file),
                "decisions": [decision_to_json(d) for d in decisions],
                "problem_count": problems,
            }
        )
    else:
        click.echo("\n\n".join(decision_text(d) for d in decisions))
    if problems:
        raise SystemExit(EXIT_PROBLEMS)
