"""Header synonyms as data: which field of an input kind a printed header names, and in what unit.

The table is ``synonyms.toml`` beside this module (data, not code). A header is compared after
:func:`~subsidy_rules.core.text.fold` and after a unit in brackets at its end is taken off
(``发放金额（万元）`` → ``发放金额`` in 万元). The contract's own names (``amount``, ``发放金额``) are
always accepted.

References:
    Issue 15 ("Headers": the names real systems print; a unit in the header converts the column).
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from decimal import Decimal
from importlib import resources

import attrs

from subsidy_rules.core.datafile import load_toml
from subsidy_rules.core.text import fold
from subsidy_rules.issues.audit.schema import KINDS, Field, Kind

#: a unit in brackets at the end of a folded header: (万元) 【元】 [元]
_UNIT_TAIL = re.compile(r"[(\[【〔](?P<unit>[^()\[\]【】〔〕]{1,6})[)\]】〕]$")
#: the 单位：万元 note on a title line above a table
UNIT_NOTE = re.compile(r"单位[:：]\s*(?P<unit>万元|千元|元)")


@attrs.frozen
class Synonyms:
    """Per kind: folded header -> field name; the units and their factors to 元."""

    by_kind: dict[str, dict[str, str]]
    shown: dict[tuple[str, str], tuple[str, ...]]  #: (kind, field) -> the names as printed
    units: dict[str, Decimal]

    def names(self, kind: str, field: str) -> tuple[str, ...]:
        return self.shown.get((kind, field), ())

    def match(self, kind: str, header: str) -> tuple[str | None, Decimal | None]:
        """(field, unit factor or None) for a printed header; (None, None) when it names no field."""
        key = fold(header)
        table = self.by_kind[kind]
        if key in table:
            return table[key], None
        m = _UNIT_TAIL.search(key)
        if m is not None:
            unit = m.group("unit")
            base = key[: m.start()]
            if base in table:
                return table[base], self.units.get(unit)
        return None, None

    def nearest(self, kind: str, field: str, headers: Sequence[str]) -> str | None:
        """The found header closest to one of the field's names (for "did you mean")."""
        best: tuple[float, str] | None = None
        for h in headers:
            key = fold(h)
            for name in self.names(kind, field):
                r = difflib.SequenceMatcher(None, key, fold(name)).ratio()
                if r >= 0.6 and (best is None or r > best[0]):
                    best = (r, h)
        return best[1] if best else None


def _fields(kind: Kind) -> dict[str, Field]:
    return {f.name: f for f in kind.fields}


def synonyms() -> Synonyms:
    """The packaged synonym table, for the input kinds registered now (read once per set of kinds: a
    kind registered for one reading, such as the ledger's hand-entered findings, gets its table too)."""
    return _synonyms(tuple(KINDS))


@functools.cache
def _synonyms(kinds: tuple[str, ...]) -> Synonyms:
    name = "subsidy_rules/issues/audit/reading/synonyms.toml"
    text = resources.files("subsidy_rules.issues.audit.reading").joinpath("synonyms.toml").read_text("utf-8")
    raw = load_toml(name, text=text)
    units = {str(k): Decimal(str(v)) for k, v in raw.get("units", {}).items()}
    extra: dict[tuple[str, str], list[str]] = {}
    for section, entries in raw.items():
        if section == "units":
            continue
        targets = list(kinds) if section == "any" else [section]
        if section != "any" and section not in KINDS:
            raise ValueError(f"{name}: unknown input kind {section!r}")
        for field, body in entries.items():
            for k in targets:
                if field in _fields(KINDS[k]):
                    extra.setdefault((k, field), []).extend(body["headers"])
                elif section != "any":
                    raise ValueError(f"{name}: the {k} has no field {field!r}")
    by_kind: dict[str, dict[str, str]] = {}
    shown: dict[tuple[str, str], tuple[str, ...]] = {}
    for k, kind in KINDS.items():
        table: dict[str, str] = {}
        for f in kind.fields:
            names = (f.name, f.name_zh, *extra.get((k, f.name), ()))
            shown[(k, f.name)] = tuple(dict.fromkeys(names))
            for n in names:
                table.setdefault(fold(n), f.name)
        by_kind[k] = table
    return Synonyms(by_kind, shown, units)
