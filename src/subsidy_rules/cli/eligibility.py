"""``subsidy-rules eligibility check``: decide a case file and explain the decision.

Exit codes: 0 the case was decided and no problem was found (whether or not
the person is eligible — "not eligible" is a decision, not a fault);
1 decided, and problems were found: payments that differ from the
entitlement (paid when not entitled, above the entitlement, short or
missing), data problems in the case (duplicate contributions, a contribution
above the base ceiling) or a local parameter value older than a newer one
below it; 2 the case or a layer file could not be read (each problem by JSON
path or key path).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from subsidy_rules.cli._common import EXIT_PROBLEMS, as_of_option, emit_json, format_option
from subsidy_rules.io.eligibility import decision_to_json, load_case
from subsidy_rules.programs.eligibility.engine import case_parameters, decide_all
from subsidy_rules.programs.eligibility.render import decision_text


@click.group("eligibility")
def eligibility() -> None:
    """Eligibility of a person for the flexible-employment and public-welfare-post subsidies."""


@eligibility.command("check")
@click.argument("case_file", metavar="CASE.json", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True))
@click.option(
    "--program",
    "programs",
    multiple=True,
    metavar="CODE",
    help="Program to decide (repeatable); a combined row is decided through its parts. Default: the case's.",
)
@as_of_option
@click.option(
    "--layer",
    "layers",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A parameter layer file stacked on the case's layers (repeatable).",
)
@format_option
def check(case_file: Path, programs: tuple[str, ...], as_of: date | None, layers: tuple[Path, ...], fmt: str) -> None:
    """Decide CASE.json ("-" reads standard input): verdict, conditions with citations, schedule, problems.

    --as-of defaults to the case's own as_of, else today; everything dated
    after it (payments, contributions, events) is left out of the decision.
    """
    case = load_case(case_file)
    base = Path.cwd() if str(case_file) == "-" else case_file.parent
    params = case_parameters(case, base, layers)
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
        sys.exit(EXIT_PROBLEMS)
