"""Effective-dated policy parameters (OpenFisca-style).

A :class:`Parameter` is a policy number (an amount, a ratio, a period, a
list of categories) with dated values; each value carries the citation it
comes from and whether it was confirmed. A :class:`Layer` is one
jurisdiction's set (national, a province, a city); a :class:`ParameterSet`
stacks layers, the top one winning *from the dates its own values take
effect* — before a local value starts, the layer below still answers, so
a 2019 case in a city that set its value in 2025 is judged by the 2019
rule.

A dated value whose ``value`` is ``None`` ends the parameter in that layer:
asking after it is an error, not a fall-through.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction

import attrs

from subsidy_rules.core.citation import Citation
from subsidy_rules.core.errors import NoValueInForceError, UnknownCodeError

#: What a dated value may hold; the parameter's :class:`ParamKind` says which.
ParamValue = Decimal | Fraction | int | str | bool | tuple[str, ...]


class ParamKind(enum.Enum):
    """How a parameter's values are written and read."""

    DECIMAL = "decimal"  #: an amount or rate, exact (元, 元/月, 0.20)
    RATIO = "ratio"  #: an exact fraction such as 2/3
    INTEGER = "integer"  #: a count of months, days, years, placements
    TEXT = "text"
    LIST = "list"  #: a list of category codes
    BOOLEAN = "boolean"


@attrs.frozen
class DatedValue:
    """One value of a parameter and the date it takes effect."""

    effective_from: date
    value: ParamValue | None
    citation: Citation
    confirmed: bool
    note: str | None = None

    @property
    def ends(self) -> bool:
        """True when this entry ends the parameter rather than setting a value."""
        return self.value is None


def _sorted_values(values: tuple[DatedValue, ...]) -> tuple[DatedValue, ...]:
    return tuple(sorted(values, key=lambda v: v.effective_from))


@attrs.frozen
class Parameter:
    """A policy number with its dated values, in date order."""

    id: str
    description_zh: str
    description_en: str
    unit: str
    kind: ParamKind
    values: tuple[DatedValue, ...] = attrs.field(converter=_sorted_values)
    layer: str = "national"

    def entry_at(self, when: date) -> DatedValue | None:
        """The entry in force at ``when`` in this parameter alone, or None before the first."""
        found: DatedValue | None = None
        for entry in self.values:
            if entry.effective_from <= when:
                found = entry
            else:
                break
        return found

    def value_at(self, when: date) -> ParamValue:
        """The value in force at ``when``.

        Raises:
            NoValueInForceError: ``when`` is before the first value, or the
                parameter has ended by then.
        """
        entry = self.entry_at(when)
        if entry is None:
            first = self.values[0].effective_from if self.values else None
            raise NoValueInForceError(
                f"parameter {self.id!r} has no value at {when.isoformat()}"
                + (f" (its first value takes effect {first.isoformat()})" if first else "")
            )
        if entry.value is None:
            raise NoValueInForceError(
                f"parameter {self.id!r} ended on {entry.effective_from.isoformat()}"
                f" ({entry.citation.label})"
            )
        return entry.value


@attrs.frozen
class Resolved:
    """A parameter value as a rule used it: for the trace of a decision."""

    parameter_id: str
    value: ParamValue
    effective_from: date
    citation: Citation
    confirmed: bool
    layer: str
    unit: str


@attrs.frozen
class Layer:
    """One jurisdiction's parameters: national, a province, a city, or a user's own."""

    id: str
    name_zh: str
    name_en: str
    level: str
    parameters: Mapping[str, Parameter]
    parent: str | None = None
    source: str | None = None

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters.values())


@attrs.frozen
class ParameterSet:
    """Layers stacked bottom (national) to top (most local)."""

    layers: tuple[Layer, ...]

    def with_layer(self, layer: Layer) -> ParameterSet:
        return ParameterSet((*self.layers, layer))

    @property
    def ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for layer in self.layers:
            for pid in layer.parameters:
                seen.setdefault(pid, None)
        return sorted(seen)

    def definition(self, pid: str) -> Parameter:
        """The most local definition of ``pid`` (descriptions, unit, kind)."""
        for layer in reversed(self.layers):
            if pid in layer.parameters:
                return layer.parameters[pid]
        raise UnknownCodeError(f"unknown parameter {pid!r}", _suggest(pid, self.ids))

    def timeline(self, pid: str) -> list[tuple[Layer, Parameter]]:
        """Every layer's definition of ``pid``, top layer first."""
        found = [(layer, layer.parameters[pid]) for layer in reversed(self.layers) if pid in layer.parameters]
        if not found:
            raise UnknownCodeError(f"unknown parameter {pid!r}", _suggest(pid, self.ids))
        return found

    def resolve(self, pid: str, when: date) -> Resolved:
        """The value in force at ``when``, from the most local layer that has one."""
        earliest: date | None = None
        for layer, param in self.timeline(pid):
            entry = param.entry_at(when)
            if entry is None:
                if param.values:
                    first = param.values[0].effective_from
                    earliest = first if earliest is None else min(earliest, first)
                continue
            if entry.value is None:
                raise NoValueInForceError(
                    f"parameter {pid!r} ended on {entry.effective_from.isoformat()}"
                    f" in layer {layer.id!r} ({entry.citation.label})"
                )
            return Resolved(
                parameter_id=pid,
                value=entry.value,
                effective_from=entry.effective_from,
                citation=entry.citation,
                confirmed=entry.confirmed,
                layer=layer.id,
                unit=param.unit,
            )
        raise NoValueInForceError(
            f"parameter {pid!r} has no value at {when.isoformat()}"
            + (f" (its first value takes effect {earliest.isoformat()})" if earliest else "")
        )

    def value_at(self, pid: str, when: date) -> ParamValue:
        return self.resolve(pid, when).value

    # Typed readers, so rules need no casts.
    def decimal(self, pid: str, when: date) -> tuple[Decimal, Resolved]:
        r = self.resolve(pid, when)
        if isinstance(r.value, bool) or not isinstance(r.value, Decimal | int):
            raise TypeError(f"parameter {pid!r} is not a decimal")
        return Decimal(r.value), r

    def ratio(self, pid: str, when: date) -> tuple[Fraction, Resolved]:
        r = self.resolve(pid, when)
        if isinstance(r.value, bool) or not isinstance(r.value, Fraction | Decimal | int):
            raise TypeError(f"parameter {pid!r} is not a ratio")
        return Fraction(r.value), r

    def integer(self, pid: str, when: date) -> tuple[int, Resolved]:
        r = self.resolve(pid, when)
        if isinstance(r.value, bool) or not isinstance(r.value, int):
            raise TypeError(f"parameter {pid!r} is not an integer")
        return r.value, r

    def codes(self, pid: str, when: date) -> tuple[tuple[str, ...], Resolved]:
        r = self.resolve(pid, when)
        if not isinstance(r.value, tuple):
            raise TypeError(f"parameter {pid!r} is not a list")
        return r.value, r

    def text(self, pid: str, when: date) -> tuple[str, Resolved]:
        r = self.resolve(pid, when)
        if not isinstance(r.value, str):
            raise TypeError(f"parameter {pid!r} is not text")
        return r.value, r


def _suggest(name: str, candidates: list[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
