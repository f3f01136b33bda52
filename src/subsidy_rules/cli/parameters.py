"""``subsidy-rules parameters show ID`` and ``parameters list``: effective-dated parameters and their citations.

``--as-of DATE`` (also ``--at``) shows the value in force on that date. A
local value used although a layer below has a newer one is flagged
"本地值早于上级新值，请确认是否仍然有效" (in JSON: ``warning`` holds the words,
``in_force.newer_below`` the newer value).

Exit codes: 0 shown; 2 could not show — an unknown id ("did you mean …"), no
value in force on the date asked (before the first value, or after the
parameter ended), an unreadable or invalid layer file. Nothing is printed
before the value is resolved, so a run prints one document, never a document
and then an error.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from subsidy_rules.cli._common import DATE, emit_json, format_option
from subsidy_rules.core.errors import NoValueInForceError
from subsidy_rules.io.json import param_value_to_json, to_json
from subsidy_rules.io.text import table
from subsidy_rules.parameters import PACKAGED_LAYERS, ParameterSet, parameter_set
from subsidy_rules.parameters.model import NewerBelow, Resolved
from subsidy_rules.parameters.values import range_text

_AS_OF_HELP = "Show the value in force on this date (the parameter's law as of that day). --at is the same option."
_layer_option = click.option(
    "--layer",
    "layers",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Your own layer file (TOML); repeat to stack several.",
)
_jurisdiction_option = click.option(
    "--jurisdiction",
    type=click.Choice(PACKAGED_LAYERS),
    help="A packaged jurisdiction layered over the national set (with its parents).",
)


@click.group()
def parameters() -> None:
    """Effective-dated policy parameters and their citations."""


def _warning(below: NewerBelow | None) -> dict[str, object] | None:
    """The warning's words; the newer value itself is ``in_force.newer_below`` (a NewerBelow in its one shape)."""
    if below is None:
        return None
    return {"message": NewerBelow.WARNING_ZH, "message_en": NewerBelow.WARNING_EN}


def _in_force(pset: ParameterSet, pid: str, when: date) -> Resolved | None:
    try:
        return pset.resolve(pid, when)
    except NoValueInForceError:
        return None


@parameters.command("show")
@click.argument("parameter_id", metavar="ID")
@click.option("--as-of", "--at", "as_of", type=DATE, help=_AS_OF_HELP)
@_jurisdiction_option
@_layer_option
@format_option
def show(parameter_id: str, as_of: date | None, jurisdiction: str | None, layers: tuple[Path, ...], fmt: str) -> None:
    """Show a parameter: every dated value by layer, or the one in force --as-of a date.

    Exit 2 when the id is unknown ("did you mean …") or no value is in force on the date.
    """
    pset = parameter_set(jurisdiction, layers)
    definition = pset.definition(parameter_id)
    timeline = pset.timeline(parameter_id)
    resolved = pset.resolve(parameter_id, as_of) if as_of is not None else None
    if fmt == "json":
        emit_json(
            {
                "parameter": {
                    "id": definition.id,
                    "description_zh": definition.description_zh,
                    "description_en": definition.description_en,
                    "unit": definition.unit,
                    "kind": definition.kind.value,
                    "range": range_text(definition.minimum, definition.maximum),
                },
                "layers": [layer.id for layer in pset.layers],
                # Each layer's definition, top layer first, as a Parameter in its one shape (``layer`` names it).
                "timeline": [param for _, param in timeline],
                "at": as_of.isoformat() if as_of else None,  # key kept from the first release of this document
                "in_force": None if resolved is None else to_json(resolved),
                "warning": None if resolved is None else _warning(resolved.newer_below),
            }
        )
        return
    click.echo(
        f"{definition.id}  [{definition.unit}; range {range_text(definition.minimum, definition.maximum)}]\n"
        f"{definition.description_zh}\n{definition.description_en}\n"
    )
    rows = []
    for layer, param in timeline:
        for v in param.values:
            shown = "（终止 ended）" if v.value is None else str(param_value_to_json(v.value))
            until = f" – {v.until.isoformat()}" if v.until else ""
            rows.append(
                [
                    layer.id,
                    v.effective_from.isoformat() + until,
                    shown,
                    v.citation.label,
                    "confirmed" if v.confirmed else "UNCONFIRMED",
                ]
            )
    click.echo(table(["layer", "from", "value", "citation", "status"], rows))
    if resolved is not None and as_of is not None:
        flag = "" if resolved.confirmed else " (unconfirmed)"
        click.echo(
            f"\nIn force on {as_of.isoformat()}: {param_value_to_json(resolved.value)} {definition.unit}"
            f" — {resolved.layer}, from {resolved.effective_from.isoformat()}, {resolved.citation.label}{flag}"
        )
        below = resolved.newer_below
        if below is not None:
            click.echo(
                f"⚠ {NewerBelow.WARNING_ZH}：{below.layer} 层自 {below.effective_from.isoformat()} 起为 "
                f"{param_value_to_json(below.value)}（{below.citation.label}）\n  {NewerBelow.WARNING_EN}"
            )


@parameters.command("list")
@click.option("--as-of", "--at", "as_of", type=DATE, help="Show the values in force on this date (default: today).")
@_jurisdiction_option
@_layer_option
@format_option
def list_parameters(as_of: date | None, jurisdiction: str | None, layers: tuple[Path, ...], fmt: str) -> None:
    """List every parameter id with its description and the value in force (today or --as-of)."""
    pset = parameter_set(jurisdiction, layers)
    when = as_of or date.today()
    entries = []
    for pid in pset.ids:
        definition = pset.definition(pid)
        resolved = _in_force(pset, pid, when)
        entries.append((definition, resolved))
    if fmt == "json":
        emit_json(
            {
                "layers": [layer.id for layer in pset.layers],
                "as_of": when.isoformat(),
                "parameters": [
                    {
                        "id": d.id,
                        "description_zh": d.description_zh,
                        "description_en": d.description_en,
                        "unit": d.unit,
                        "kind": d.kind.value,
                        "range": range_text(d.minimum, d.maximum),
                        "in_force": None if r is None else to_json(r),
                        "warning": None if r is None else _warning(r.newer_below),
                    }
                    for d, r in entries
                ],
            }
        )
        return
    rows = []
    for d, r in entries:
        if r is None:
            value = "—（无有效值 none in force）"
        else:
            shown = param_value_to_json(r.value)
            value = ", ".join(shown) if isinstance(shown, list) else str(shown)
            value = (value if len(value) <= 40 else value[:37] + "...") + f" {d.unit}"
            value += "" if r.confirmed else " *"
            value += " ⚠" if r.newer_below is not None else ""
        rows.append([d.id, d.description_zh, value, r.layer if r else "-"])
    click.echo(f"layers: {' → '.join(layer.id for layer in pset.layers)}; in force on {when.isoformat()}")
    click.echo(table(["id", "description", "value", "layer"], rows))
    click.echo("* unconfirmed (secondary material only)   ⚠ 本地值早于上级新值，请确认是否仍然有效")
