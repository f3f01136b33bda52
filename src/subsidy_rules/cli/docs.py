"""``subsidy-rules docs build -o FOLDER``: the policy staff's site.

Only the command's plumbing lives here (output folder, ``--format``); the
site itself is :func:`subsidy_rules.docs.build_site`. The site is built in a
temporary folder beside the target and moved into place only when complete.
"""

from __future__ import annotations

from pathlib import Path

import click

from subsidy_rules.cli._common import emit_json, format_option, output_option
from subsidy_rules.core.files import staged_directory
from subsidy_rules.docs import build_site


@click.group()
def docs() -> None:
    """The documentation site generated from the registries."""


@docs.command("build")
@output_option(default=Path("site"), dir_okay=True, help="The folder to write the static site to.")
@format_option
def build(output: Path, fmt: str) -> None:
    """Write the static HTML site (open index.html through a web server)."""
    with staged_directory(output) as stage:
        written = [output / page.relative_to(stage) for page in build_site(stage)]
    if fmt == "json":
        emit_json({"output": str(output), "pages": [str(p) for p in written]})
        return
    for page in written:
        click.echo(str(page))
    click.echo(f"wrote {len(written)} pages under {output}")
