"""``subsidy-rules docs build -o DIR``: the policy staff's site."""

from __future__ import annotations

from pathlib import Path

import click

from subsidy_rules.cli._common import handle_errors


@click.group()
def docs() -> None:
    """The documentation site generated from the registries."""


@docs.command("build")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
@handle_errors
def build(out: Path) -> None:
    """Write the static HTML site to --out."""
    from subsidy_rules.docs import build_site

    for path in build_site(out):
        click.echo(str(path))
