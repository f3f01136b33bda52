"""``subsidy-rules``: the command line, thin over the library.

Exit codes (a contract other scripts rely on): 0 ran and all is well,
1 ran and found problems, 2 could not run (bad arguments, unreadable input).
Every reporting command takes ``--format json``; JSON documents carry
``schema_version``.

Subcommands live in their own modules and load lazily, so ``--help`` and a
single command start fast.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

#: command name -> "module:attribute" (each module is small and owns one command group).
COMMANDS: dict[str, str] = {
    "programs": "subsidy_rules.cli.programs:programs",
    "parameters": "subsidy_rules.cli.parameters:parameters",
    "issues": "subsidy_rules.cli.issues:issues",
    "forms": "subsidy_rules.cli.forms:forms",
    "eligibility": "subsidy_rules.cli.eligibility:eligibility",
    "retirement-age": "subsidy_rules.cli.retirement:retirement_age",
    "demo": "subsidy_rules.cli.demo:demo",
    "docs": "subsidy_rules.cli.docs:docs",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        module = importlib.import_module(module_name)
        command: Any = getattr(module, attr)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="subsidy-rules")
def cli() -> None:
    """Rules, audit taxonomy and forms for China's employment subsidies (就业补助资金)."""


def main() -> None:
    """Console entry point."""
    cli(prog_name="subsidy-rules")
