"""JSON at the edge: the one cattrs converter for this library's records.

Models never import cattrs; this module teaches the converter the library's
value types once:

* ``Decimal`` ↔ string (``"1234.50"``): money never passes through float;
* ``Fraction`` ↔ string (``"2/3"``);
* ``date`` ↔ ISO string; ``Month`` ↔ ``"YYYY-MM"``; enums ↔ their values; tuples ↔ lists;
* a parameter's dated values are read according to the parameter's kind.

Structuring errors become :class:`~subsidy_rules.errors.DataFileError` whose
problems carry JSON paths such as ``$.values[3].effective_from``
(``cattrs.transform_error``).

All JSON documents the library writes carry :data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn

from subsidy_rules.core.citation import Citation
from subsidy_rules.core.datafile import data_problem
from subsidy_rules.core.errors import DataFileError
from subsidy_rules.parameters.model import DatedValue, Parameter, ParamKind, ParamValue
from subsidy_rules.programs.model import Program
from subsidy_rules.programs.months import Month, format_month, parse_month

#: Version of every JSON document this library writes (CLI output, reports).
SCHEMA_VERSION = "1.0"

T = TypeVar("T")
_DECIMAL_TEXT = re.compile(r"^-?\d+(\.\d+)?$")
_RATIO_TEXT = re.compile(r"^(-?\d+)/(\d+)$")


def _decimal_from(value: Any, _: Any = None) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"expected a decimal string, got {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and _DECIMAL_TEXT.match(value):
        try:
            return Decimal(value)
        except InvalidOperation:  # pragma: no cover - regex admits only valid text
            pass
    raise ValueError(f"expected a decimal string such as \"12.50\", got {value!r}")


def _fraction_from(value: Any, _: Any = None) -> Fraction:
    if isinstance(value, str):
        m = _RATIO_TEXT.match(value)
        if m and int(m.group(2)) != 0:
            return Fraction(int(m.group(1)), int(m.group(2)))
        if _DECIMAL_TEXT.match(value):
            return Fraction(Decimal(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    raise ValueError(f"expected a ratio such as \"2/3\", got {value!r}")


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _date_from(value: Any, _: Any = None) -> date:
    if not isinstance(value, str):
        raise ValueError(f"expected a date string YYYY-MM-DD, got {value!r}")
    return date.fromisoformat(value)


def _month_from(value: Any, _: Any = None) -> Month:
    if not isinstance(value, str):
        raise ValueError(f"expected a month YYYY-MM, got {value!r}")
    return Month(parse_month(value))


def param_value_to_json(value: ParamValue | None) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return _fraction_text(value)
    return list(value)


def param_value_from_json(kind: ParamKind, raw: Any) -> ParamValue | None:
    """Read one dated value's JSON according to the parameter's kind."""
    if raw is None:
        return None
    if kind is ParamKind.DECIMAL:
        return _decimal_from(raw)
    if kind is ParamKind.RATIO:
        return _fraction_from(raw)
    if kind is ParamKind.INTEGER and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if kind is ParamKind.TEXT and isinstance(raw, str):
        return raw
    if kind is ParamKind.BOOLEAN and isinstance(raw, bool):
        return raw
    if kind is ParamKind.LIST and isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        return tuple(raw)
    raise ValueError(f"expected a {kind.value} value, got {raw!r}")


@attrs.frozen
class _ParameterHead:
    """The scalar fields of a Parameter, structured by cattrs before its values."""

    id: str
    description_zh: str
    description_en: str
    unit: str
    layer: str = "national"


def make_json_converter() -> cattrs.Converter:
    """Build the JSON converter; call :func:`json_converter` for the shared one."""
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, _decimal_from)
    conv.register_unstructure_hook(Fraction, _fraction_text)
    conv.register_structure_hook(Fraction, _fraction_from)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_structure_hook(date, _date_from)
    conv.register_structure_hook(Month, _month_from)
    conv.register_unstructure_hook(Month, format_month)

    def unstructure_dated(v: DatedValue) -> dict[str, Any]:
        return {
            "effective_from": v.effective_from.isoformat(),
            "value": param_value_to_json(v.value),
            "citation": conv.unstructure(v.citation),
            "confirmed": v.confirmed,
            "note": v.note,
        }

    conv.register_unstructure_hook(DatedValue, unstructure_dated)

    def structure_parameter(d: Any, _: Any) -> Parameter:
        if not isinstance(d, dict):
            raise ValueError("expected an object")
        kind = conv.structure(d.get("kind"), ParamKind)
        raw_values = d.get("values")
        if not isinstance(raw_values, list):
            raise ValueError("values: expected a list")
        values = []
        for item in raw_values:
            if not isinstance(item, dict):
                raise ValueError("values: expected objects")
            extra = set(item) - {"effective_from", "value", "citation", "confirmed", "note"}
            if extra:
                raise ValueError(f"values: unknown keys {sorted(extra)}")
            values.append(
                DatedValue(
                    effective_from=_date_from(item.get("effective_from")),
                    value=param_value_from_json(kind, item.get("value")),
                    citation=conv.structure(item.get("citation"), Citation),
                    confirmed=conv.structure(item.get("confirmed"), bool),
                    note=conv.structure(item.get("note"), str | None),  # type: ignore[arg-type]
                )
            )
        base = {k: v for k, v in d.items() if k not in {"values", "kind"}}
        head = make_dict_structure_fn(_ParameterHead, conv)(base, _ParameterHead)
        return Parameter(
            id=head.id,
            description_zh=head.description_zh,
            description_en=head.description_en,
            unit=head.unit,
            kind=kind,
            values=tuple(values),
            layer=head.layer,
        )

    conv.register_structure_hook(Parameter, structure_parameter)
    return conv


_CONVERTER = make_json_converter()


def json_converter() -> cattrs.Converter:
    """The shared JSON converter."""
    return _CONVERTER


def to_json(obj: Any) -> Any:
    """Unstructure any library record into JSON-ready data."""
    return _CONVERTER.unstructure(obj)


def from_json(data: Any, cls: type[T], *, source: str = "<json>") -> T:
    """Structure JSON data into ``cls``; problems are reported by JSON path."""
    try:
        return _CONVERTER.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError) as exc:
        if isinstance(exc, cattrs.BaseValidationError):
            messages = cattrs.transform_error(exc, path="$")
        else:
            messages = [f"{exc} @ $"]
        problems = []
        for msg in messages:
            text, _, path = msg.rpartition(" @ ")
            problems.append(data_problem(source, path or "$", text or msg))
        raise DataFileError(problems) from None


def program_to_json(p: Program) -> dict[str, Any]:
    """A program as JSON: the stable public shape (``code``, ``name_zh``, …)."""
    data: dict[str, Any] = _CONVERTER.unstructure(p)
    return data


def dumps(document: dict[str, Any]) -> str:
    """Serialise a JSON document with the schema version first, UTF-8 kept readable."""
    return json.dumps({"schema_version": SCHEMA_VERSION, **document}, ensure_ascii=False, indent=2)
