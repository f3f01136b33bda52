"""Loading parameter layers from TOML: packaged ones and users' own files.

File format (see ``data/national.toml`` for a full example)::

    [layer]
    id = "my-district"          # ASCII
    name_zh = "某区"
    name_en = "Some district"
    level = "district"          # national | province | city | district | user
    parent = "wuhan"            # optional: a packaged layer to stack on

    [documents.my-notice]       # optional: documents this file cites
    number = "某人社发〔2025〕1号"
    title = "…"
    issuer = "…"

    [parameters."minimum_wage.monthly"]
    description_zh = "…"        # required for a new id, inherited on override
    description_en = "…"
    unit = "元/月"
    kind = "decimal"            # decimal | ratio | integer | text | list | boolean

    [[parameters."minimum_wage.monthly".values]]
    from = 2025-12-01
    value = 2400                # or `end = true` to end the parameter
    document = "my-notice"      # a key in [documents] or the packaged registry
    article = "第二条"
    confirmed = false
    note = "…"

Every problem is reported with the file and the key path; the loader never
raises anything but :class:`~subsidy_rules.errors.DataFileError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from subsidy_rules.core.citation import Document, cite, documents, documents_from_node
from subsidy_rules.core.datafile import Node, load_toml
from subsidy_rules.core.errors import DataFileError, UnknownCodeError
from subsidy_rules.core.problem import Problem
from subsidy_rules.parameters.model import (
    DatedValue,
    Layer,
    Parameter,
    ParameterSet,
    ParamKind,
    ParamValue,
)

PARAMETER_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
LAYER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LEVELS = ("national", "province", "city", "district", "user")
_KINDS = {k.value: k for k in ParamKind}
_RATIO = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")

#: The layers shipped in the package, by id.
PACKAGED_LAYERS = ("national", "hubei", "wuhan", "jianghan", "chongqing")


def _parse_value(node: Node, kind: ParamKind, raw: Any) -> ParamValue | None:
    if kind is ParamKind.DECIMAL:
        return node.as_decimal("value", raw)
    if kind is ParamKind.RATIO:
        if isinstance(raw, str) and (m := _RATIO.match(raw)):
            num, den = int(m.group(1)), int(m.group(2))
            if den == 0:
                node.invalid("value", "a ratio's denominator cannot be 0")
                return None
            return Fraction(num, den)
        dec = node.as_decimal("value", raw)
        return None if dec is None else Fraction(dec)
    if kind is ParamKind.INTEGER:
        if isinstance(raw, bool) or not isinstance(raw, int):
            node.invalid("value", f"expected a whole number, got {raw!r}")
            return None
        return raw
    if kind is ParamKind.TEXT:
        if not isinstance(raw, str):
            node.invalid("value", f"expected text, got {raw!r}")
            return None
        return raw
    if kind is ParamKind.LIST:
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            node.invalid("value", f"expected a list of strings, got {raw!r}")
            return None
        return tuple(raw)
    if not isinstance(raw, bool):
        node.invalid("value", f"expected true or false, got {raw!r}")
        return None
    return raw


def layer_from_toml(
    data: dict[str, Any], file: str, base: ParameterSet | None = None
) -> Layer:
    """Build a :class:`Layer` from parsed TOML; ``base`` resolves inherited definitions."""
    root = Node(file, data)
    root.unknown_keys({"layer", "documents", "parameters"})
    head = root.get_table("layer")
    layer_id = name_zh = name_en = level = parent = None
    if head is not None:
        head.unknown_keys({"id", "name_zh", "name_en", "level", "parent"})
        layer_id = head.get_str("id")
        if layer_id is not None and not LAYER_ID.match(layer_id):
            head.invalid("id", "use lowercase ASCII letters, digits, '-' or '_'")
        name_zh = head.get_str("name_zh")
        name_en = head.get_str("name_en")
        level = head.get_choice("level", {lv: lv for lv in LEVELS})
        parent = head.get_str("parent", required=False)
        if parent is not None and parent not in PACKAGED_LAYERS:
            head.invalid("parent", f"{parent!r} is not a packaged layer ({', '.join(PACKAGED_LAYERS)})")
    local_docs: dict[str, Document] = {}
    if "documents" in data:
        try:
            local_docs = documents_from_node(Node(file, {"documents": data["documents"]}))
        except DataFileError as exc:
            root.problems.extend(exc.problems)
    known_docs = {**documents(), **local_docs}

    params: dict[str, Parameter] = {}
    for pid, pnode in root.get_named_tables("parameters"):
        pnode.unknown_keys({"description_zh", "description_en", "unit", "kind", "values"})
        if not PARAMETER_ID.match(pid):
            pnode.invalid(None, "parameter ids are lowercase ASCII words joined by dots")
            continue
        inherited: Parameter | None = None
        if base is not None:
            try:
                inherited = base.definition(pid)
            except UnknownCodeError:
                inherited = None
        required = inherited is None
        desc_zh = pnode.get_str("description_zh", required=required)
        desc_en = pnode.get_str("description_en", required=required)
        unit = pnode.get_str("unit", required=required)
        kind: ParamKind | None = pnode.get_choice("kind", _KINDS, required=required)
        if inherited is not None:
            if kind is not None and kind is not inherited.kind:
                pnode.invalid("kind", f"the layer below defines {pid!r} as {inherited.kind.value}")
            kind = inherited.kind
            desc_zh = desc_zh or inherited.description_zh
            desc_en = desc_en or inherited.description_en
            unit = unit or inherited.unit
        values: list[DatedValue] = []
        seen_dates: set[Any] = set()
        for vnode in pnode.get_tables("values", required=True):
            vnode.unknown_keys({"from", "value", "end", "document", "article", "confirmed", "note"})
            when = vnode.get_date("from")
            ends = vnode.get_bool("end", default=False)
            doc_key = vnode.get_str("document")
            confirmed = vnode.get_bool("confirmed")
            article = vnode.get_str("article", required=False)
            note = vnode.get_str("note", required=False)
            value: ParamValue | None = None
            if ends:
                if "value" in vnode.table:
                    vnode.invalid("value", "a value that ends the parameter (end = true) takes no value")
            elif "value" not in vnode.table:
                vnode.invalid("value", "missing (or write end = true to end the parameter)")
            elif kind is not None:
                value = _parse_value(vnode, kind, vnode.table["value"])
            if when is not None:
                if when in seen_dates:
                    vnode.invalid("from", f"two values take effect on {when.isoformat()}")
                seen_dates.add(when)
            if doc_key is not None and doc_key not in known_docs:
                vnode.invalid("document", f"unknown document {doc_key!r}; define it under [documents]")
                continue
            if when is None or doc_key is None or confirmed is None or (value is None and not ends):
                continue
            values.append(
                DatedValue(
                    effective_from=when,
                    value=value,
                    citation=cite(doc_key, article, confirmed=confirmed, extra=local_docs),
                    confirmed=confirmed,
                    note=note,
                )
            )
        if pnode.table.get("values") == []:
            pnode.invalid("values", "needs at least one dated value")
        if desc_zh and desc_en and unit and kind is not None and values:
            params[pid] = Parameter(
                id=pid,
                description_zh=desc_zh,
                description_en=desc_en,
                unit=unit,
                kind=kind,
                values=tuple(values),
                layer=layer_id or "?",
            )
    root.raise_if_problems()
    assert layer_id and name_zh and name_en and level  # guaranteed by raise_if_problems
    return Layer(
        id=layer_id,
        name_zh=name_zh,
        name_en=name_en,
        level=level,
        parameters=params,
        parent=parent,
        source=file,
    )


@cache
def packaged_layer(layer_id: str) -> Layer:
    """A layer shipped with the package (see :data:`PACKAGED_LAYERS`)."""
    if layer_id not in PACKAGED_LAYERS:
        raise UnknownCodeError(
            f"unknown packaged layer {layer_id!r} (known: {', '.join(PACKAGED_LAYERS)})"
        )
    name = f"subsidy_rules/parameters/data/{layer_id}.toml"
    text = resources.files("subsidy_rules.parameters").joinpath(f"data/{layer_id}.toml").read_text("utf-8")
    data = load_toml(name, text=text)
    base: ParameterSet | None = None
    parent = data.get("layer", {}).get("parent")
    if isinstance(parent, str) and parent in PACKAGED_LAYERS:
        base = jurisdiction(parent)
    return layer_from_toml(data, name, base)


def jurisdiction(layer_id: str) -> ParameterSet:
    """The national set with the packaged layer ``layer_id`` and its parents on top."""
    chain: list[Layer] = []
    current: str | None = layer_id
    while current is not None:
        layer = packaged_layer(current)
        chain.append(layer)
        current = layer.parent
    return ParameterSet(tuple(reversed(chain)))


def national() -> ParameterSet:
    """The national parameters alone."""
    return jurisdiction("national")


def load_layer(path: Path | str, base: ParameterSet | None = None) -> Layer:
    """Load a user's layer file; problems come back as one :class:`DataFileError`."""
    data = load_toml(path)
    if base is None:
        parent = data.get("layer", {}).get("parent") if isinstance(data.get("layer"), dict) else None
        base = jurisdiction(parent) if isinstance(parent, str) and parent in PACKAGED_LAYERS else national()
    return layer_from_toml(data, str(path), base)


def parameter_set(
    packaged: str | None = None, files: Iterable[Path | str] = ()
) -> ParameterSet:
    """National + a packaged jurisdiction (with parents) + users' files, in order.

    A user file whose ``parent`` names a packaged layer pulls that chain in
    when ``packaged`` is not given.
    """
    pset = jurisdiction(packaged) if packaged else national()
    problems: list[Problem] = []
    for f in files:
        try:
            data = load_toml(f)
            head = data.get("layer")
            parent = head.get("parent") if isinstance(head, dict) else None
            if packaged is None and isinstance(parent, str) and parent in PACKAGED_LAYERS and len(pset.layers) == 1:
                pset = jurisdiction(parent)
            pset = pset.with_layer(layer_from_toml(data, str(f), pset))
        except DataFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataFileError(problems)
    return pset
