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
    min = 0                     # the declared range; defaults: ratio [0, 1], integer and decimal >= 0
    max = 100000                # (inherited when a layer overrides a parameter defined below)

    [[parameters."minimum_wage.monthly".values]]
    from = 2025-12-01
    until = 2026-11-30          # optional: last day this layer's value applies; the layer below answers after
    value = 2400                # or `end = true` to end the parameter
    document = "my-notice"      # a key in [documents] or the packaged registry
    article = "第二条"
    quote = "…"                 # optional: the document's own words
    confirmed = false
    note = "…"
    anchor = "regime.caishe_2023_181.effective_from"   # optional: take `from` from that parameter
    carried_over_from = "caishe-2023-181"   # optional: the value repeats that document's, unchecked
                                            # against `document` (every output shows the mark)
    # or `gap = true` (no value): from `from` the value is not known; asking raises ParameterGapError

Values are read by :func:`subsidy_rules.parameters.values.parse_value` (the
same reader the JSON edge uses) and checked against the declared range; an
override of an id no layer below defines is refused with "did you mean …".

Every problem is reported with the file and the key path; the loader never
raises anything but :class:`~subsidy_rules.errors.DataFileError`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
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
from subsidy_rules.parameters.values import ValueFormatError, check_range, parse_decimal, parse_value

PARAMETER_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
LAYER_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LEVELS = ("national", "province", "city", "district", "user")
_KINDS = {k.value: k for k in ParamKind}
#: The range a parameter has when its definition declares none (``min``/``max`` keys).
DEFAULT_RANGES: dict[ParamKind, tuple[Decimal | None, Decimal | None]] = {
    ParamKind.RATIO: (Decimal(0), Decimal(1)),
    ParamKind.INTEGER: (Decimal(0), None),
    ParamKind.DECIMAL: (Decimal(0), None),
}

_DATA = "data"


def _packaged_file(layer_id: str) -> tuple[str, dict[str, Any]]:
    """The name and parsed TOML of the packaged layer file ``data/<layer_id>.toml``."""
    name = f"subsidy_rules/parameters/{_DATA}/{layer_id}.toml"
    text = resources.files("subsidy_rules.parameters").joinpath(f"{_DATA}/{layer_id}.toml").read_text("utf-8")
    return name, load_toml(name, text=text)


def declared_parent(data: dict[str, Any]) -> str | None:
    """The ``[layer] parent`` a parsed layer file declares (None: none, or not text)."""
    head = data.get("layer")
    parent = head.get("parent") if isinstance(head, dict) else None
    return parent if isinstance(parent, str) else None


def packaged_parents(folder: Traversable | None = None) -> dict[str, str | None]:
    """Every layer file in ``folder`` (default: the package's ``parameters/data/``), by id, with its parent.

    The id is the file name without ``.toml``. A file that cannot be read
    counts as declaring no parent here (the package must still import);
    loading it (:func:`packaged_layer`) reports its problems.
    """
    folder = folder or resources.files("subsidy_rules.parameters").joinpath(_DATA)
    parents: dict[str, str | None] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        layer_id = entry.name.removesuffix(".toml")
        try:
            parents[layer_id] = declared_parent(load_toml(entry.name, text=entry.read_text("utf-8")))
        except (DataFileError, UnicodeDecodeError):
            parents[layer_id] = None
    return parents


def parents_first(parents: dict[str, str | None]) -> tuple[str, ...]:
    """The ids of ``parents`` ordered so that every parent comes before its children.

    Depth first from the roots (no parent, or a parent that is not there),
    siblings by id; layers caught in a cycle come last, by id, so that the
    registry test names them and loading them reports the bad ``parent``.
    """
    children: dict[str | None, list[str]] = {}
    for layer_id, parent in parents.items():
        key = parent if parent in parents and parent != layer_id else None
        children.setdefault(key, []).append(layer_id)
    order: list[str] = []
    stack = sorted(children.get(None, []), reverse=True)
    while stack:
        current = stack.pop()
        order.append(current)
        stack.extend(sorted(children.get(current, []), reverse=True))
    placed = set(order)
    return (*order, *sorted(layer_id for layer_id in parents if layer_id not in placed))


#: The layers shipped in the package (the files ``parameters/data/*.toml``), parents before children.
PACKAGED_LAYERS: tuple[str, ...] = parents_first(packaged_parents())


def _parse_value(node: Node, kind: ParamKind, raw: Any) -> ParamValue | None:
    try:
        return parse_value(kind, raw)
    except ValueFormatError as exc:
        node.invalid("value", exc.what_en, exc.what_zh, value=repr(raw))
        return None


def _range_bound(node: Node, key: str) -> Decimal | None:
    if key not in node.table:
        return None
    try:
        return parse_decimal(node.table[key])
    except ValueFormatError as exc:
        node.invalid(key, exc.what_en, exc.what_zh)
        return None


def layer_from_toml(data: dict[str, Any], file: str, base: ParameterSet | None = None) -> Layer:
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
        pnode.unknown_keys({"description_zh", "description_en", "unit", "kind", "values", "min", "max"})
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
        if inherited is None and base is not None and "description_zh" not in pnode.table:
            # An override of an id nobody defines: most likely a typo.
            hints = difflib.get_close_matches(pid, base.ids, n=3, cutoff=0.5)
            hint_en = (
                f" — did you mean {', '.join(hints)}?"
                if hints
                else " (a new parameter needs description_zh, description_en, unit and kind)"
            )
            hint_zh = (
                f"，是否指 {'、'.join(hints)}？"
                if hints
                else "（新参数须写明 description_zh、description_en、unit、kind）"
            )
            pnode.problem(
                None,
                "data-unknown-reference",
                value=pid,
                what_en="parameter",
                what_zh="参数",
                hint_en=hint_en,
                hint_zh=hint_zh,
            )
            continue
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
        default_min, default_max = DEFAULT_RANGES.get(kind, (None, None)) if kind is not None else (None, None)
        if inherited is not None:
            default_min, default_max = inherited.minimum, inherited.maximum
        minimum = _range_bound(pnode, "min") if "min" in pnode.table else default_min
        maximum = _range_bound(pnode, "max") if "max" in pnode.table else default_max
        values: list[DatedValue] = []
        seen_dates: set[Any] = set()
        for vnode in pnode.get_tables("values", required=True):
            vnode.unknown_keys(
                {
                    "from",
                    "until",
                    "anchor",
                    "value",
                    "end",
                    "gap",
                    "document",
                    "article",
                    "quote",
                    "confirmed",
                    "note",
                    "carried_over_from",
                }
            )
            when = vnode.get_date("from")
            until = vnode.get_date("until", required=False)
            if until is not None and when is not None and until < when:
                vnode.invalid(
                    "until", f"ends ({until}) before it starts ({when})", f"截止日期 {until} 早于起始日期 {when}"
                )
            anchor = vnode.get_str("anchor", required=False)
            quote = vnode.get_str("quote", required=False)
            ends = vnode.get_bool("end", default=False)
            gap = bool(vnode.get_bool("gap", default=False))
            carried = vnode.get_str("carried_over_from", required=False)
            if gap and ends:
                vnode.invalid("gap", "an entry is a gap or an end, not both")
            doc_key = vnode.get_str("document")
            confirmed = vnode.get_bool("confirmed")
            article = vnode.get_str("article", required=False)
            note = vnode.get_str("note", required=False)
            value: ParamValue | None = None
            if ends or gap:
                if "value" in vnode.table:
                    vnode.invalid("value", "an entry that ends the parameter or marks a gap takes no value")
            elif "value" not in vnode.table:
                vnode.invalid("value", "missing (or write end = true to end the parameter)")
            elif kind is not None:
                value = _parse_value(vnode, kind, vnode.table["value"])
                if value is not None and (bad := check_range(value, minimum, maximum)) is not None:
                    vnode.problem("value", "data-out-of-range", value=vnode.table["value"], range=bad)
                    value = None
                    continue
            if when is not None:
                if when in seen_dates:
                    vnode.invalid("from", f"two values take effect on {when.isoformat()}")
                seen_dates.add(when)
            if doc_key is not None and doc_key not in known_docs:
                vnode.invalid("document", f"unknown document {doc_key!r}; define it under [documents]")
                continue
            if carried is not None and carried not in known_docs:
                vnode.invalid("carried_over_from", f"unknown document {carried!r}; define it under [documents]")
                continue
            if when is None or doc_key is None or confirmed is None or (value is None and not ends and not gap):
                continue
            values.append(
                DatedValue(
                    effective_from=when,
                    value=value,
                    citation=cite(doc_key, article, quote=quote, confirmed=confirmed, extra=local_docs),
                    confirmed=confirmed,
                    note=note,
                    until=until,
                    anchor=anchor,
                    carried_over_from=carried,
                    gap=gap,
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
                minimum=minimum,
                maximum=maximum,
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
        raise UnknownCodeError(f"unknown packaged layer {layer_id!r} (known: {', '.join(PACKAGED_LAYERS)})")
    name, data = _packaged_file(layer_id)
    base: ParameterSet | None = None
    parent = declared_parent(data)
    if parent is not None and parent in PACKAGED_LAYERS:
        base = jurisdiction(parent)
    return layer_from_toml(data, name, base)


@cache
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


def _load_user_file(path: Path | str) -> dict[str, Any]:
    """A user's layer file, through the input guard first (a layer a case file names may be a FIFO or a device)."""
    from subsidy_rules.core.files import guard_input

    guard_input(path)
    return load_toml(path)


def load_layer(path: Path | str, base: ParameterSet | None = None) -> Layer:
    """Load a user's layer file; problems come back as one :class:`DataFileError`."""
    data = _load_user_file(path)
    if base is None:
        parent = declared_parent(data)
        base = jurisdiction(parent) if parent is not None and parent in PACKAGED_LAYERS else national()
    return layer_from_toml(data, str(path), base)


def parameter_set(packaged: str | None = None, files: Iterable[Path | str] = ()) -> ParameterSet:
    """National + a packaged jurisdiction (with parents) + users' files, in order.

    A user file whose ``parent`` names a packaged layer pulls that chain in
    when ``packaged`` is not given.
    """
    pset = jurisdiction(packaged) if packaged else national()
    problems: list[Problem] = []
    for f in files:
        try:
            data = _load_user_file(f)
            parent = declared_parent(data)
            if packaged is None and parent is not None and parent in PACKAGED_LAYERS and len(pset.layers) == 1:
                pset = jurisdiction(parent)
            pset = pset.with_layer(layer_from_toml(data, str(f), pset))
        except DataFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise DataFileError(problems)
    return pset
