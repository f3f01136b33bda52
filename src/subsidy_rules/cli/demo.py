"""``subsidy-rules demo``: the main job behind ``make demo``."""

from __future__ import annotations

from pathlib import Path

import click

from subsidy_rules import demo as demo_module
from subsidy_rules.cli._common import handle_errors


@click.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("demo-output"), show_default=True)
@handle_errors
def demo(out: Path) -> None:
    """Run the demo: write the catalogue, forms, reports and decisions under --out."""
    demo_module.run(out, click.echo)
