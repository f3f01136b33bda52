"""The root group of ``subsidy-rules`` and its commands (see :mod:`subsidy_rules.cli`)."""

from __future__ import annotations

import click

from subsidy_rules.cli import audit, demo, docs, eligibility, forms, issues, parameters, programs, retirement
from subsidy_rules.cli._common import ContractGroup, guard_inputs
from subsidy_rules.cli.ledger import ledger as ledger_group
from subsidy_rules.cli.sample import sample as sample_command


@click.group(cls=ContractGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="On an unexpected error, print the Python traceback too.")
@click.version_option(package_name="subsidy-rules")
def cli(debug: bool) -> None:
    """Rules, audit taxonomy and forms for China's employment subsidies (就业补助资金).

    Exit codes: 0 all well, 1 problems found, 2 could not run, 130 interrupted (Ctrl-C), 143 stopped (SIGTERM).
    """


# The command modules stay reachable as modules (subsidy_rules.cli.programs is the module, not its group).
for _command in (
    programs.programs,
    parameters.parameters,
    issues.issues,
    forms.forms,
    eligibility.eligibility,
    retirement.retirement_age,
    demo.demo,
    docs.docs,
    audit.audit,
    ledger_group,
    sample_command,
):
    cli.add_command(_command)


guard_inputs(cli)
