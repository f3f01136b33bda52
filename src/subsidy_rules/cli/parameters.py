"""``subsidy-rules parameters show ID [--at DATE] [--layer FILE]...``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from subsidy_rules.cli._common import emit_json, fail, format_option, handle_errors, table
from subsidy_rules.core.errors import NoValueInForceError
from subsidy_rules.parameters import PACKAGED_LAYERS, parameter_set
from subsidy_rules.serialization import param_value_to_json, to_json


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--at: {value!r} is not a date YYYY-MM-DD")
        raise  # pragma: no cover


@click.group()
def parameters() -> None:
    """Effective-dated policy parameters and their citations."""


@parameters.command("show")
@click.argument("parameter_id", metavar="ID")
@click.option("--at", "at", metavar="YYYY-MM-DD", help="Show the value in force on this date.")
@click.option(
    "--jurisdiction",
    type=click.Choice(PACKAGED_LAYERS),
    help="A packaged jurisdiction layered over the national set (with its parents).",
)
@click.option(
    "--layer",
    "layers",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Your own layer file (TOML); repeat to stack several.",
)
@format_option
@handle_errors
def show(parameter_id: str, at: str | None, jurisdiction: str | None, layers: tuple[Path, ...], fmt: str) -> None:
    """Show a parameter: every dated value by layer, or the one in force --at a date."""
    when = _parse_date(at) if at else None
    pset = parameter_set(jurisdiction, layers)
    definition = pset.definition(parameter_id)
    timeline = pset.timeline(parameter_id)
    resolved = None
    error = None
    if when is not None:
        try:
            resolved = pset.resolve(parameter_id, when)
        except NoValueInForceError as exc:
            error = str(exc)
    if fmt == "json":
        emit_json(
            {
                "parameter": {
                    "id": definition.id,
                    "description_zh": definition.description_zh,
                    "description_en": definition.description_en,
                    "unit": definition.unit,
                    "kind": definition.kind.value,
                },
                "layers": [layer.id for layer in pset.layers],
                "timeline": [
                    {"layer": layer.id, "values": [to_json(v) for v in param.values]} for layer, param in timeline
                ],
                "at": when.isoformat() if when else None,
                "in_force": None
                if resolved is None
                else {
                    "value": param_value_to_json(resolved.value),
                    "effective_from": resolved.effective_from.isoformat(),
                    "layer": resolved.layer,
                    "confirmed": resolved.confirmed,
                    "citation": to_json(resolved.citation),
                },
                "error": error,
            }
        )
    else:
        click.echo(f"{definition.id}  [{definition.unit}]\n{definition.description_zh}\n{definition.description_en}\n")
        rows = []
        for layer, param in timeline:
            for v in param.values:
                shown = "（终止 ended）" if v.value is None else str(param_value_to_json(v.value))
                rows.append(
                    [
                        layer.id,
                        v.effective_from.isoformat(),
                        shown,
                        v.citation.label,
                        "confirmed" if v.confirmed else "UNCONFIRMED",
                    ]
                )
        click.echo(table(["layer", "from", "value", "citation", "status"], rows))
        if resolved is not None and when is not None:
            flag = "" if resolved.confirmed else " (unconfirmed)"
            click.echo(
                f"\nIn force on {when.isoformat()}: {param_value_to_json(resolved.value)} {definition.unit}"
                f" — {resolved.layer}, from {resolved.effective_from.isoformat()}, {resolved.citation.label}{flag}"
            )
    if error is not None:
        fail(error)
