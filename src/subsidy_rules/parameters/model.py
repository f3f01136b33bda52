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
asking after it is an error, not a fall-through. A value with ``until``
stops applying after that day (inclusive): the layer below answers again.

Layers over time: "the most local layer wins", even when its value is older
than a newer value of a layer below. Such a use is not hidden: the
:class:`Resolved` carries :attr:`Resolved.newer_below`, and decisions and
``parameters show`` warn "本地值早于上级新值，请确认是否仍然有效".

Anchored dates: a dated value may take its effective date from another
parameter (``anchor``), so a province layer can move the date on which a
national text takes effect for it (e.g. 财社〔2023〕181号, see
``regime.caishe_2023_181.effective_from``) without copying its values.

Carried-over values: where a text revises another (财社〔2026〕1号 revises
181号) and the new articles could not be read, the value dated from the
revision repeats the old one and names it in ``carried_over_from``; every
:class:`Resolved` carries the mark, so every output can say "沿用181号，尚未与
2026年文本核对".

Gaps: a dated entry with ``gap = true`` says that from its date the value is
*not known* (a later step whose date was not found lies in between); asking
in a gap raises :class:`ParameterGapError` (a :class:`NoValueInForceError`),
so a rule reports the month as undetermined instead of carrying an older
value over it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

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
    until: date | None = None  #: last day this value applies in its layer (inclusive); None: until replaced
    anchor: str | None = None  #: a parameter id whose value (YYYY-MM-DD) moves ``effective_from``
    #: A document key: this value repeats that document's, not yet checked against its own (newer) text.
    carried_over_from: str | None = None
    #: True: from ``effective_from`` the value is not known (see :class:`ParameterGapError`).
    gap: bool = False

    @property
    def ends(self) -> bool:
        """True when this entry ends the parameter rather than setting a value."""
        return self.value is None and not self.gap


class ParameterGapError(NoValueInForceError):
    """A parameter asked for inside a known gap: its value there is not known (``note`` says why)."""

    def __init__(self, message: str, pid: str, since: date, note: str | None, layer: str | None = None) -> None:
        super().__init__(message)
        self.parameter_id = pid
        self.since = since
        self.note = note
        self.layer = layer  #: the layer whose entry is the gap (None: asked of one parameter alone)


def _gap_error(pid: str, entry: DatedValue, layer: str | None = None) -> ParameterGapError:
    where = f" in layer {layer!r}" if layer else ""
    return ParameterGapError(
        f"parameter {pid!r} is not known from {entry.effective_from.isoformat()}{where}"
        f" ({entry.citation.label}): {entry.note or 'a gap in the known values'}",
        pid,
        entry.effective_from,
        entry.note,
        layer,
    )


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
    minimum: Decimal | None = None  #: the declared range (inclusive); None: open at that end
    maximum: Decimal | None = None

    def entry_at(self, when: date) -> DatedValue | None:
        """The entry in force at ``when`` in this parameter alone, or None (before the first, after ``until``)."""
        found: DatedValue | None = None
        for entry in self.values:
            if entry.effective_from <= when:
                found = entry
            else:
                break
        if found is not None and found.until is not None and found.until < when:
            return None
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
        if entry.gap:
            raise _gap_error(self.id, entry)
        if entry.value is None:
            raise NoValueInForceError(
                f"parameter {self.id!r} ended on {entry.effective_from.isoformat()} ({entry.citation.label})"
            )
        return entry.value


@attrs.frozen
class NewerBelow:
    """A newer value in a layer below the one that answered (see :attr:`Resolved.newer_below`)."""

    layer: str
    effective_from: date
    value: ParamValue
    citation: Citation
    kind: ParamKind  #: how ``value`` is written (so JSON reads it back as the same type)

    WARNING_ZH = "本地值早于上级新值，请确认是否仍然有效"
    WARNING_EN = "the local value is older than a newer value in a layer below: check it is still in force"


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
    kind: ParamKind  #: how ``value`` is written (so JSON reads it back as the same type)
    #: Set when this (local) value is older than a value a layer below puts in force later, by ``when``.
    newer_below: NewerBelow | None = None
    #: A document key when the value repeats that older document's, not yet checked against ``citation``'s text.
    carried_over_from: str | None = None

    @property
    def carried_over_note_zh(self) -> str | None:
        """``"沿用财社〔2023〕181号，尚未与2026年文本核对"``-style mark, or None."""
        return carried_over_text(self.carried_over_from, self.citation)[0] if self.carried_over_from else None


def carried_over_text(old_key: str, new: Citation) -> tuple[str, str]:
    """The mark of a value carried over from ``old_key`` into the text ``new`` (Chinese, English)."""
    from subsidy_rules.core.citation import documents

    old = documents().get(old_key)
    old_label = (old.number or f"《{old.title}》") if old else old_key
    new_label = new.document_number or f"《{new.title}》"
    return (
        f"沿用{old_label}，尚未与{new_label}文本核对",
        f"carried over from {old_label}, not yet checked against the text of {new_label}",
    )


class FrozenMap(Mapping[str, Any]):
    """A read-only, hashable mapping (so layers and parameter sets can key ``functools.cache``)."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, Any] = ()) -> None:  # type: ignore[assignment]
        self._data = dict(data)
        self._hash: int | None = None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._data) == dict(other)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


def _frozen_parameters(value: Mapping[str, Parameter]) -> FrozenMap:
    return value if isinstance(value, FrozenMap) else FrozenMap(value)


@attrs.frozen(cache_hash=True)
class Layer:
    """One jurisdiction's parameters: national, a province, a city, or a user's own."""

    id: str
    name_zh: str
    name_en: str
    level: str
    parameters: Mapping[str, Parameter] = attrs.field(converter=_frozen_parameters)
    parent: str | None = None
    source: str | None = None

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters.values())


def _anchor_date(layers: tuple[Layer, ...], pid: str) -> date | None:
    for layer in reversed(layers):
        param = layer.parameters.get(pid)
        if param is not None and param.values and isinstance(param.values[-1].value, str):
            try:
                return date.fromisoformat(param.values[-1].value)
            except ValueError:
                return None
    return None


def _apply_anchors(layers: tuple[Layer, ...]) -> tuple[Layer, ...]:
    """Move anchored values to the date their anchor parameter gives in this stack of layers."""
    out: list[Layer] = []
    for layer in layers:
        changed: dict[str, Parameter] = {}
        for pid, param in layer.parameters.items():
            if not any(v.anchor for v in param.values):
                continue
            moved = []
            for v in param.values:
                when = _anchor_date(layers, v.anchor) if v.anchor else None
                moved.append(v if when is None or when == v.effective_from else attrs.evolve(v, effective_from=when))
            changed[pid] = attrs.evolve(param, values=tuple(moved))
        out.append(layer if not changed else attrs.evolve(layer, parameters={**layer.parameters, **changed}))
    return tuple(out)


@attrs.frozen(cache_hash=True)
class ParameterSet:
    """Layers stacked bottom (national) to top (most local); hashable, so rules can cache per set."""

    layers: tuple[Layer, ...] = attrs.field(converter=_apply_anchors)

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
        raise _unknown(pid, self.ids)

    def timeline(self, pid: str) -> list[tuple[Layer, Parameter]]:
        """Every layer's definition of ``pid``, top layer first."""
        found = [(layer, layer.parameters[pid]) for layer in reversed(self.layers) if pid in layer.parameters]
        if not found:
            raise _unknown(pid, self.ids)
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
            if entry.gap:
                raise _gap_error(pid, entry, layer.id)
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
                newer_below=self._newer_below(pid, layer, entry, when),
                kind=param.kind,
                carried_over_from=entry.carried_over_from,
            )
        raise NoValueInForceError(
            f"parameter {pid!r} has no value at {when.isoformat()}"
            + (f" (its first value takes effect {earliest.isoformat()})" if earliest else "")
        )

    def _newer_below(self, pid: str, top: Layer, used: DatedValue, when: date) -> NewerBelow | None:
        """The newest value a layer below ``top`` puts in force after ``used`` took effect, by ``when``."""
        newest: NewerBelow | None = None
        below = False
        for layer in reversed(self.layers):
            if layer is top:
                below = True
                continue
            if not below or pid not in layer.parameters:
                continue
            entry = layer.parameters[pid].entry_at(when)
            if entry is None or entry.value is None or entry.effective_from <= used.effective_from:
                continue
            if newest is None or entry.effective_from > newest.effective_from:
                newest = NewerBelow(
                    layer.id, entry.effective_from, entry.value, entry.citation, layer.parameters[pid].kind
                )
        return newest

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

    def boolean(self, pid: str, when: date) -> tuple[bool, Resolved]:
        r = self.resolve(pid, when)
        if not isinstance(r.value, bool):
            raise TypeError(f"parameter {pid!r} is not a boolean")
        return r.value, r

    def text(self, pid: str, when: date) -> tuple[str, Resolved]:
        r = self.resolve(pid, when)
        if not isinstance(r.value, str):
            raise TypeError(f"parameter {pid!r} is not text")
        return r.value, r


def _unknown(pid: str, ids: list[str]) -> UnknownCodeError:
    """ "unknown parameter …"; the close matches ride along as ``suggestions`` (the CLI prints "did you mean")."""
    return UnknownCodeError(f"unknown parameter {pid!r}", _suggest(pid, ids))


def _suggest(name: str, candidates: list[str]) -> list[str]:
    import difflib

    return difflib.get_close_matches(name, candidates, n=3, cutoff=0.5)
