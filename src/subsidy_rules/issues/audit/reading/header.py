"""The header of a table: which row it is (under title rows, one or two rows) and what each column names.

References:
    Issue 15 ("Where the table is", "Headers": the nearest synonym and the headers found when a column is missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.issues.audit.reading.synonyms import UNIT_NOTE, synonyms
from subsidy_rules.issues.audit.schema import Kind

#: rows looked at for the header
PREVIEW = 30


class InputError(Exception):
    """An input cannot be read at all (not one bad row: the whole file); ``problems`` say why."""

    def __init__(self, problem: Problem, *more: Problem) -> None:
        super().__init__(problem.message_en)
        self.problem = problem
        self.problems = (problem, *more)


@attrs.frozen
class Header:
    """Where the header is and what it names: column index -> (field, unit factor)."""

    last_row: int  #: 0-based index of the header's last row in the rows looked at
    names: tuple[str, ...]  #: the header text of every column
    fields: dict[int, tuple[str, Decimal | None]]
    duplicates: tuple[tuple[str, str, str], ...]  #: (field, first header, second header)
    unit_note: Decimal | None = None

    def score(self, kind: Kind) -> tuple[int, int]:
        found = {f for f, _ in self.fields.values()}
        return (sum(1 for f in kind.fields if f.required and f.name in found), len(found))


def fail(kind: Kind, path: str, reason: str) -> InputError:
    return InputError(
        Problem.make(
            "audit-file-unreadable", place=Place(file=path), reason=reason, kind_zh=kind.name_zh, kind_en=kind.name_en
        )
    )


Mapped = dict[int, tuple[str, Decimal | None]]


def map_header(kind: Kind, names: Sequence[str]) -> tuple[Mapped, list[tuple[str, str, str]]]:
    """Column index -> (field, unit factor) for the names a synonym knows; and the fields named twice."""
    syn = synonyms()
    out: dict[int, tuple[str, Decimal | None]] = {}
    seen: dict[str, str] = {}
    dups: list[tuple[str, str, str]] = []
    for i, name in enumerate(names):
        if not name:
            continue
        field, factor = syn.match(kind.kind, name)
        if field is None:
            continue
        if field in seen:
            dups.append((field, seen[field], name))
            continue
        seen[field] = name
        out[i] = (field, factor)
    return out, dups


def find_header(kind: Kind, rows: Sequence[Sequence[str | None]]) -> Header | None:
    """The header among ``rows`` (one row, or two rows combined); None when no row names a field."""
    best: Header | None = None
    best_score = (0, 0)
    for i in range(min(len(rows), PREVIEW)):
        single = [c or "" for c in rows[i]]
        options = [(i, single)]
        if i + 1 < len(rows):
            below = list(rows[i + 1])
            width = max(len(single), len(below))
            combined = [
                ((below[j] if j < len(below) else None) or (single[j] if j < len(single) else "") or "")
                for j in range(width)
            ]
            options.append((i + 1, combined))
        for last, names in options:
            fields, dups = map_header(kind, names)
            h = Header(last, tuple(names), fields, tuple(dups))
            score = h.score(kind)
            if score > best_score:
                best, best_score = h, score
    if best is None:
        # no row names a field: the first filled row stands as the header, so that a refusal lists what it says
        first_row = next((i for i, r in enumerate(rows[:PREVIEW]) if any(c for c in r)), None)
        if first_row is None:
            return None
        return Header(first_row, tuple(c or "" for c in rows[first_row]), {}, ())
    note = None
    first = best.last_row - (1 if best.names != tuple(c or "" for c in rows[best.last_row]) else 0)
    for r in rows[:first]:
        for c in r:
            m = UNIT_NOTE.search(c or "")
            if m:
                note = synonyms().units.get(m.group("unit"))
    return attrs.evolve(best, unit_note=note)


def check_header(kind: Kind, h: Header | None, path: str, line: int, sheet: str | None = None) -> None:
    """Refuse a header that names a field twice or lacks a required one (naming what was found)."""
    if h is not None and h.duplicates:
        field, a, b = h.duplicates[0]
        zh = next(f.name_zh for f in kind.fields if f.name == field)
        raise InputError(
            Problem.make(
                "audit-column-twice",
                place=Place(file=path, sheet=sheet, line=line),
                first=a,
                second=b,
                field=field,
                field_zh=zh,
                kind_zh=kind.name_zh,
                kind_en=kind.name_en,
            )
        )
    found = {f for f, _ in (h.fields.values() if h else ())}
    names = [n for n in (h.names if h else ()) if n]
    missing = [f for f in kind.fields if f.required and f.name not in found]
    if not missing:
        return
    syn = synonyms()
    problems = []
    unmapped = [n for i, n in enumerate(h.names if h else ()) if n and i not in (h.fields if h else {})]
    for f in missing:
        near = syn.nearest(kind.kind, f.name, unmapped)
        problems.append(
            Problem.make(
                "audit-missing-column",
                place=Place(file=path, sheet=sheet, line=line, field=f.name_zh),
                field=f.name,
                field_zh=f.name_zh,
                kind_zh=kind.name_zh,
                kind_en=kind.name_en,
                found="、".join(names[:30]) or "（无）",
                accepted="、".join(syn.names(kind.kind, f.name)[2:7]),
                hint_zh=f"；最接近的是“{near}”，如确指此列请改为“{f.name_zh}”" if near else "",
                hint_en=f"; the nearest is {near!r}: rename it to {f.name_zh} if that is the column" if near else "",
            )
        )
    raise InputError(*problems)
