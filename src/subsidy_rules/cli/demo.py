"""``subsidy-rules demo``: the main job behind ``make demo``.

Everything is written under a temporary folder beside ``-o FOLDER`` and
moved into place only when every step succeeded: a failure or Ctrl-C
leaves the folder as it was.
"""

from __future__ import annotations

from pathlib import Path

import click

from subsidy_rules import demo as demo_module
from subsidy_rules.cli._common import emit_json, format_option, output_option
from subsidy_rules.core.files import staged_directory


@click.command()
@output_option(default=Path("demo-output"), dir_okay=True, help="The folder to write the demo's outputs to.")
@format_option
def demo(output: Path, fmt: str) -> None:
    """Run the demo: write the catalogue, taxonomy, forms, decisions and docs site under -o FOLDER."""
    with staged_directory(output) as stage:
        results = demo_module.run(stage)
    steps = {name: [line.replace(str(stage), str(output)) for line in lines] for name, lines in results}
    if fmt == "json":
        emit_json({"output": str(output), "steps": steps})
        return
    for name, lines in steps.items():
        click.echo(f"== {name} ==")
        for line in lines:
            click.echo(line)
        click.echo("")
