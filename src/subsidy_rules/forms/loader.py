"""Layouts from TOML: the five packaged forms and a user's own files.

A district defines its own form by writing a TOML file in the same format
as the packaged ones in ``forms/layouts/`` (see ``wuhan-2022-problem-stats.toml``
for a commented example) and passing it with ``--layout``; no Python needed.
A bad file is reported by file and key path, all problems at once
(:class:`~subsidy_rules.errors.DataFileError`).

References:
    :mod:`subsidy_rules.datafile` (the shared path-addressed TOML walker).

Limitations:
    Fixed rows come either from a program catalogue (``rows.catalogue``) or
    from ``[[rows.items]]``; a layout cannot mix both.
"""

from __future__ import annotations

import itertools
from functools import cache
from importlib import resources
from pathlib import Path

from subsidy_rules.core.datafile import Node, load_toml
from subsidy_rules.core.errors import UnknownCodeError
from subsidy_rules.core.provenance import Provenance
from subsidy_rules.forms.model import (
    UNIT_POWERS,
    BlankRule,
    Column,
    ColumnGroup,
    ColumnKind,
    FixedRow,
    FormLayout,
    HeaderLine,
    HeaderRole,
    LabelColumn,
    LabelRole,
    Relation,
    RowAxis,
    RowAxisKind,
    TotalsRow,
)


def _packaged_ids() -> tuple[str, ...]:
    folder = resources.files("subsidy_rules.forms").joinpath("layouts")
    return tuple(sorted(e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml")))


#: The packaged forms: one per TOML file in ``forms/layouts/`` (the file name is the id), sorted.
FORM_IDS: tuple[str, ...] = _packaged_ids()

_PROVENANCE = {p.value: p for p in Provenance}
_KINDS = {k.value: k for k in ColumnKind}
_ROLES = {r.value: r for r in HeaderRole}
_LABEL_ROLES = {r.value: r for r in LabelRole}
_AXES = {a.value: a for a in RowAxisKind}
_BLANKS = {b.value: b for b in BlankRule}
_MAX_COLUMNS = 200
_MAX_ROWS = 5000

_TOP_KEYS = {
    "id", "title", "title_en", "issuer", "document", "attachment", "seed", "sheet", "provenance",
    "column_numbers", "notes", "remarks", "amount_unit", "amount_decimals", "header_lines", "rows",
    "groups", "columns", "relations", "decimals_enforced",
}  # fmt: skip


def load_layout(path: Path | str) -> FormLayout:
    """Load a layout from a TOML file; raises DataFileError naming file and key path."""
    data = load_toml(path)
    return layout_from_toml(Node(str(path), data))


def layout_from_text(text: str, name: str = "<layout>") -> FormLayout:
    """Load a layout from TOML text (tests, embedded layouts)."""
    return layout_from_toml(Node(name, load_toml(name, text=text)))


def layout_from_toml(node: Node) -> FormLayout:
    """Build a :class:`FormLayout` from a parsed TOML table, collecting every problem."""
    node.unknown_keys(_TOP_KEYS)
    form_id = node.get_str("id")
    title = node.get_str("title")
    sheet = node.get_str("sheet")
    if sheet is not None and (len(sheet) > 31 or any(ch in sheet for ch in "[]:*?/\\")):
        node.invalid("sheet", "an Excel sheet name has at most 31 characters and none of []:*?/\\")
    amount_unit = node.get_str("amount_unit", required=False)
    if amount_unit is not None and amount_unit not in UNIT_POWERS:
        node.invalid("amount_unit", f"expected one of {', '.join(UNIT_POWERS)}")
    amount_decimals = node.get_int("amount_decimals", required=False)
    provenance = node.get_choice("provenance", _PROVENANCE, required=False) or Provenance.SOURCE
    column_numbers = node.get_choice("column_numbers", _PROVENANCE, required=False) or Provenance.SOURCE

    header_lines = tuple(_header_line(h) for h in node.get_tables("header_lines"))
    columns = tuple(
        c for c in (_column(c, amount_unit, amount_decimals) for c in node.get_tables("columns", required=True)) if c
    )
    numbers = [c.number for c in columns]
    if columns and numbers != sorted(set(numbers)):
        node.invalid("columns", "column numbers must be unique and in increasing order")
    if len(columns) > _MAX_COLUMNS:
        node.invalid("columns", f"at most {_MAX_COLUMNS} columns")
    known = set(numbers)
    groups = tuple(g for g in (_group(g, known) for g in node.get_tables("groups")) if g)
    for a, b in itertools.pairwise(groups):
        if b.first <= a.last:
            node.invalid("groups", f"groups {a.label!r} and {b.label!r} overlap or are out of order")
    additive = {c.number for c in columns if c.kind.additive}
    relations = tuple(r for r in (_relation(r, additive) for r in node.get_tables("relations")) if r)
    rows_node = node.get_table("rows")
    rows = _rows(rows_node) if rows_node else None
    notes = node.get_str_list("notes")
    remarks = node.get_str_list("remarks")
    has_serial = any(c.kind is ColumnKind.SERIAL for c in columns)
    has_number = rows is not None and any(lc.role is LabelRole.NUMBER for lc in rows.label_columns)
    if rows is not None and rows.kind is RowAxisKind.FREE and not has_serial and not has_number:
        node.invalid("rows", "free rows need a 序号: a label column with role 'number' or a 'serial' column")
    if sum(1 for h in header_lines if h.role is HeaderRole.UNIT) > 1:
        node.invalid("header_lines", "at most one line with role 'unit'")
    node.raise_if_problems()
    assert form_id and title and sheet and rows is not None  # guaranteed by raise_if_problems
    return FormLayout(
        id=form_id,
        title=title,
        sheet=sheet,
        columns=columns,
        rows=rows,
        title_en=node.get_str("title_en", required=False),
        issuer=node.get_str("issuer", required=False),
        document=node.get_str("document", required=False),
        attachment=node.get_str("attachment", required=False),
        seed=node.get_str("seed", required=False),
        header_lines=header_lines,
        groups=groups,
        relations=relations,
        notes=notes,
        column_numbers=column_numbers,
        provenance=provenance,
        remarks=remarks,
        decimals_enforced=bool(node.get_bool("decimals_enforced", default=True)),
    )


def _header_line(node: Node) -> HeaderLine:
    node.unknown_keys({"label", "role", "provenance"})
    return HeaderLine(
        label=node.get_str("label") or "",
        role=node.get_choice("role", _ROLES) or HeaderRole.FIELD,
        provenance=node.get_choice("provenance", _PROVENANCE, required=False) or Provenance.SOURCE,
    )


def _column(node: Node, amount_unit: str | None, amount_decimals: int | None) -> Column | None:
    node.unknown_keys(
        {"number", "label", "kind", "unit", "decimals", "provenance", "choices", "label_note", "label_en"}
    )
    number = node.get_int("number")
    label = node.get_str("label")
    kind = node.get_choice("kind", _KINDS)
    unit = node.get_str("unit", required=False)
    decimals = node.get_int("decimals", required=False)
    if number is not None and not 1 <= number <= 999:
        node.invalid("number", "a column number is between 1 and 999")
    if kind is ColumnKind.AMOUNT:
        unit = unit or amount_unit
        if unit is None:
            node.invalid("unit", "an amount column needs a unit (or a top-level amount_unit)")
        elif unit not in UNIT_POWERS:
            node.invalid("unit", f"an amount is stated in one of {', '.join(UNIT_POWERS)}")
        decimals = decimals if decimals is not None else amount_decimals
        if decimals is None:
            node.invalid("decimals", "an amount column needs decimals (or a top-level amount_decimals)")
    elif decimals is not None and kind is not None:
        node.invalid("decimals", f"only amount columns have decimals, not {kind.value}")
    if decimals is not None and not 0 <= decimals <= 6:
        node.invalid("decimals", "between 0 and 6")
    choices = node.get_str_list("choices")
    if choices and kind is not ColumnKind.TEXT:
        node.invalid("choices", "only text columns have choices")
    if number is None or label is None or kind is None:
        return None
    return Column(
        number=number,
        label=label,
        kind=kind,
        unit=unit,
        decimals=decimals or 0,
        provenance=node.get_choice("provenance", _PROVENANCE, required=False) or Provenance.SOURCE,
        choices=choices,
        label_note=node.get_str("label_note", required=False),
        label_en=node.get_str("label_en", required=False),
    )


def _group(node: Node, known: set[int]) -> ColumnGroup | None:
    node.unknown_keys({"label", "first", "last", "provenance"})
    label = node.get_str("label")
    first = node.get_int("first")
    last = node.get_int("last")
    if first is not None and last is not None:
        if first > last:
            node.invalid("last", "a group ends at or after its first column")
        for key, number in (("first", first), ("last", last)):
            if number not in known:
                node.invalid(key, f"no column {number}")
    if label is None or first is None or last is None:
        return None
    return ColumnGroup(
        label, first, last, node.get_choice("provenance", _PROVENANCE, required=False) or Provenance.SOURCE
    )


def _relation(node: Node, additive: set[int]) -> Relation | None:
    node.unknown_keys({"text", "blank", "provenance", "note"})
    text = node.get_str("text")
    blank = node.get_choice("blank", _BLANKS)
    if text is None or blank is None:
        return None
    try:
        relation = Relation.from_text(
            text,
            blank=blank,
            provenance=node.get_choice("provenance", _PROVENANCE, required=False) or Provenance.SOURCE,
            note=node.get_str("note", required=False),
        )
    except ValueError as exc:
        node.invalid("text", str(exc))
        return None
    for number in relation.columns:
        if number not in additive:
            node.invalid("text", f"column {number} is not an amount or count column of this form")
    return relation


def _rows(node: Node) -> RowAxis | None:
    node.unknown_keys(
        {"kind", "label_columns", "catalogue", "items", "blank_rows", "prefill_numbers", "totals", "totals_provenance"}
    )
    kind = node.get_choice("kind", _AXES)
    label_columns = []
    for lc in node.get_tables("label_columns"):
        lc.unknown_keys({"label", "role"})
        label, role = lc.get_str("label"), lc.get_choice("role", _LABEL_ROLES)
        if label is not None and role is not None:
            label_columns.append(LabelColumn(label, role))
    roles = [lc.role for lc in label_columns]
    if len(roles) != len(set(roles)):
        node.invalid("label_columns", "at most one label column per role")
    rows: tuple[FixedRow, ...] = ()
    totals_label = node.get_str("totals", required=False)
    totals = None
    if totals_label is not None:
        totals = TotalsRow(
            totals_label, node.get_choice("totals_provenance", _PROVENANCE, required=False) or Provenance.SOURCE
        )
    blank_rows = node.get_int("blank_rows", required=False) or 0
    if kind is RowAxisKind.FIXED:
        if LabelRole.NAME not in roles or LabelRole.NUMBER not in roles:
            node.invalid("label_columns", "fixed rows need a 'number' (序号) and a 'name' label column")
        rows = _fixed_rows(node)
        if not rows:
            node.invalid("items", "fixed rows need rows.catalogue or [[rows.items]]")
    elif kind is RowAxisKind.FREE:
        if totals is not None:
            node.invalid("totals", "a totals row is supported on fixed rows only")
            totals = None
        if not 0 <= blank_rows <= _MAX_ROWS:
            node.invalid("blank_rows", f"between 0 and {_MAX_ROWS}")
    if kind is None:
        return None
    return RowAxis(
        kind=kind,
        label_columns=tuple(label_columns),
        rows=rows,
        blank_rows=blank_rows,
        prefill_numbers=bool(node.get_bool("prefill_numbers", default=False)),
        totals=totals,
    )


def _fixed_rows(node: Node) -> tuple[FixedRow, ...]:
    catalogue_id = node.get_str("catalogue", required=False)
    items = list(node.get_tables("items"))
    if catalogue_id is not None and items:
        node.invalid("items", "give rows.catalogue or [[rows.items]], not both")
        return ()
    rows: list[FixedRow] = []
    if catalogue_id is not None:
        from subsidy_rules.programs import catalogue

        try:
            programs = catalogue().programs_in(catalogue_id)
        except KeyError:
            node.invalid("catalogue", f"no program catalogue {catalogue_id!r}")
            return ()
        for i, program in enumerate(programs, start=1):
            src = program.source_in(catalogue_id)
            # 序号 and the name as the seed prints them (seed 000 附件2 numbers 1–41).
            number = src.row if src and src.row is not None else i
            rows.append(FixedRow(program.code, number, src.text if src else program.name_zh))
    for item in items:
        item.unknown_keys({"key", "number", "name"})
        key, item_number, name = item.get_str("key"), item.get_int("number"), item.get_str("name")
        if key is not None and item_number is not None and name is not None:
            rows.append(FixedRow(key, item_number, name))
    if len({r.key for r in rows}) != len(rows) or len({r.number for r in rows}) != len(rows):
        node.invalid("items", "row keys and 序号 must be unique")
    if len(rows) > _MAX_ROWS:
        node.invalid("items", f"at most {_MAX_ROWS} rows")
    return tuple(rows)


@cache
def layout(form_id: str) -> FormLayout:
    """A packaged layout by id; unknown ids raise UnknownCodeError with suggestions."""
    if form_id not in FORM_IDS:
        import difflib

        raise UnknownCodeError(
            f"no packaged form {form_id!r} (known: {', '.join(FORM_IDS)})",
            difflib.get_close_matches(form_id, FORM_IDS, n=3, cutoff=0.4),
        )
    ref = resources.files("subsidy_rules.forms").joinpath("layouts").joinpath(f"{form_id}.toml")
    text = ref.read_text("utf-8")
    return layout_from_text(text, name=f"forms/layouts/{form_id}.toml")


def layouts() -> tuple[FormLayout, ...]:
    """All packaged layouts, in :data:`FORM_IDS` order."""
    return tuple(layout(form_id) for form_id in FORM_IDS)
