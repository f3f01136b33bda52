"""JSON at the edge: the one cattrs converter, JSON documents, and the strict JSON reader.

This is the only module of the library that imports cattrs. Models never
do; this module teaches the converter the library's value types once:

* ``Decimal`` ↔ string (``"1234.50"``): money never passes through float;
* ``Fraction`` ↔ string (``"2/3"``);
* ``datetime`` ↔ ISO 8601 with its offset (the ledger's event times);
* ``date`` ↔ ``"YYYY-MM-DD"``; :class:`~subsidy_rules.core.month.Month` ↔ ``"YYYY-MM"``;
* enums ↔ their values; tuples ↔ lists; mappings ↔ objects;
* ``str``, ``int`` and ``bool`` are strict: ``"12"`` is not a number, ``"no"`` is not false;
* a parameter's dated values are read according to the parameter's kind.

Any attrs record unstructures with :func:`to_json` and structures back with
:func:`from_json`; each record has exactly one JSON shape (a
:class:`~subsidy_rules.core.citation.Citation` always carries every field,
``quote`` and ``issuer`` included).

Documents. :func:`document` is the one place ``schema_version`` is added;
:func:`dumps` writes a document; :func:`loads_document` /
:func:`read_document` read one back and check its ``schema_version``.

Reading. Every JSON input (case files, documents, ``-`` for standard input)
goes through :func:`read_json` / :func:`parse_json`, which refuse what a
lenient parser lets through: a key given twice (named in the message), a
number with a fraction (money is a decimal string), an integer longer than
:data:`MAX_INT_DIGITS` digits, ``NaN``, nesting too deep for the parser,
and text that is not UTF-8 (GBK/GB18030 is recognised and named: "save it
as UTF-8" — the file is refused, never guessed at).

Problems are :class:`~subsidy_rules.core.problem.Problem` records with JSON
paths such as ``$.values[3].effective_from``, raised together in one
:class:`~subsidy_rules.core.errors.DataFileError`, with messages in the
user's words ("2023-02-30 is not a date", "group must be one of male,
female-55, female-50"), never Python type names.
"""

from __future__ import annotations

import enum
import json
import re
import types
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.files import atomic_write_text
from subsidy_rules.core.month import Month
from subsidy_rules.core.problem import Place, Problem
from subsidy_rules.parameters.model import DatedValue, NewerBelow, Parameter, ParamKind, ParamValue, Resolved
from subsidy_rules.parameters.values import ValueFormatError, check_range, parse_value, value_text

#: Version of every JSON document this library writes (CLI output, reports, demo files).
SCHEMA_VERSION = "1.0"
#: The longest integer a JSON input may hold (a 5,000-digit number is an attack, not an amount).
MAX_INT_DIGITS = 30
#: The most significant digits a decimal string may hold (the decimal context has 28).
MAX_DECIMAL_DIGITS = 24
#: What ``source`` is called when a document comes from standard input.
STDIN_NAME = "<stdin>"

T = TypeVar("T")
_DECIMAL_TEXT = re.compile(r"^-?\d+(\.\d+)?$")
_RATIO_TEXT = re.compile(r"^\s*(-?\d+)\s*/\s*(\d+)\s*$")
_DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:\d{2}|Z)$")


class JsonInputError(ValueError):
    """A value the converter refuses, said in the user's words (a registered problem ``code``).

    Raised by the hooks; :func:`from_json` turns it into a :class:`Problem`
    at the value's JSON path, filling ``{field}`` with the key's name.
    """

    def __init__(self, code: str, value: object = None, **fields: object) -> None:
        super().__init__(f"{code}: {value!r}")
        self.code = code
        self.value = value
        self.fields = fields


def _shown(value: object) -> str:
    """A JSON value as the user wrote it (``"x"`` quoted, numbers bare, ``null``)."""
    if isinstance(value, JsonFloat):
        return value.text
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return str(value)


def _wrong(value: object, expected_en: str, expected_zh: str) -> JsonInputError:
    return JsonInputError("json-wrong-type", _shown(value), expected_en=expected_en, expected_zh=expected_zh)


# -- value hooks ---------------------------------------------------------------------------------


def decimal_from_json(value: Any, _: Any = None) -> Decimal:
    """A decimal string (or a whole JSON number) as an exact ``Decimal``; floats are refused."""
    if isinstance(value, JsonFloat | float):
        raise JsonInputError("json-float", _shown(value))
    if isinstance(value, int) and not isinstance(value, bool):
        if len(str(abs(value))) > MAX_DECIMAL_DIGITS:
            raise JsonInputError("json-too-many-digits", _shown(value), limit=MAX_DECIMAL_DIGITS)
        return Decimal(value)
    if isinstance(value, str) and _DECIMAL_TEXT.match(value):
        if sum(ch.isdigit() for ch in value) > MAX_DECIMAL_DIGITS:
            raise JsonInputError("json-too-many-digits", _shown(value), limit=MAX_DECIMAL_DIGITS)
        try:
            return Decimal(value)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid text
            pass
    raise JsonInputError("json-not-a-decimal", _shown(value))


def fraction_from_json(value: Any, _: Any = None) -> Fraction:
    """``"2/3"``, ``"0.6"`` or a whole number as an exact ``Fraction``."""
    if isinstance(value, str):
        m = _RATIO_TEXT.match(value)
        if m and int(m.group(2)) != 0 and len(value) <= 2 * MAX_DECIMAL_DIGITS:
            return Fraction(int(m.group(1)), int(m.group(2)))
        if _DECIMAL_TEXT.match(value) and sum(ch.isdigit() for ch in value) <= MAX_DECIMAL_DIGITS:
            return Fraction(Decimal(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    raise JsonInputError("json-not-a-ratio", _shown(value))


def fraction_to_json(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def date_from_json(value: Any, _: Any = None) -> date:
    """``"YYYY-MM-DD"`` and nothing else (``"2023-02-30"`` is not a date)."""
    if isinstance(value, str) and _DATE_TEXT.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise JsonInputError("json-not-a-date", _shown(value))


def datetime_from_json(value: Any, _: Any = None) -> datetime:
    """An ISO 8601 time with its UTC offset (``"2025-10-09T08:30:00+00:00"``); a time without one is refused."""
    if isinstance(value, str) and _DATETIME_TEXT.match(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise JsonInputError("json-not-a-datetime", _shown(value))


def month_from_json(value: Any, _: Any = None) -> Month:
    if isinstance(value, str):
        try:
            return Month.parse(value)
        except ValueError:
            pass
    raise JsonInputError("json-not-a-month", _shown(value))


def _str_from_json(value: Any, _: Any = None) -> str:
    if type(value) is not str:
        raise _wrong(value, "text in quotes", "带引号的文本")
    return value


def _int_from_json(value: Any, _: Any = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(value, "a whole number", "整数")
    return value


def _bool_from_json(value: Any, _: Any = None) -> bool:
    if not isinstance(value, bool):
        raise _wrong(value, "true or false", "true 或 false")
    return value


def _is_list_like(t: Any) -> bool:
    """``list[X]``, ``tuple[X, ...]`` and ``Sequence[X]``: read from a JSON list and nothing else."""
    origin, args = get_origin(t), get_args(t)
    if origin is tuple:
        return len(args) == 2 and args[1] is Ellipsis
    return origin in (list, Sequence)


def _list_hook(t: Any, conv: cattrs.Converter) -> Any:
    element = get_args(t)[0]
    as_tuple = get_origin(t) is tuple or get_origin(t) is Sequence

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, list):  # a string is not a list of its characters
            raise _wrong(value, "a list", "列表")
        items, errors = [], []
        for i, item in enumerate(value):
            try:
                items.append(conv.structure(item, element))
            except Exception as exc:
                errors.append(_at_index(exc, i))
        if errors:
            raise cattrs.IterableValidationError("list", errors, t)
        return tuple(items) if as_tuple else items

    return structure


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def _enum_from_json(value: Any, cls: type[enum.Enum]) -> enum.Enum:
    for member in cls:
        if member.value == value and type(member.value) is type(value):
            return member
    allowed = ", ".join(str(m.value) for m in cls)
    raise JsonInputError("json-not-a-choice", _shown(value), allowed=allowed)


# -- parameter values ----------------------------------------------------------------------------


def param_value_to_json(value: ParamValue | None) -> Any:
    """A parameter value as JSON: decimals and ratios as strings, lists as lists."""
    return value_text(value)


def param_value_from_json(kind: ParamKind, raw: Any) -> ParamValue | None:
    """Read one dated value's JSON with the parameters' own reader (the one TOML uses too)."""
    if raw is None:
        return None
    if isinstance(raw, JsonFloat | float):
        raise JsonInputError("json-float", _shown(raw))
    try:
        return parse_value(kind, raw)
    except ValueFormatError as exc:
        raise JsonInputError("json-invalid", _shown(raw), reason_en=exc.what_en, reason_zh=exc.what_zh) from None


def _required_param_value(kind: ParamKind, raw: Any) -> ParamValue:
    """A value that must be there (a resolved value, a newer value below), read as ``kind``."""
    if isinstance(raw, JsonFloat | float):
        raise JsonInputError("json-float", _shown(raw))
    try:
        return parse_value(kind, raw)
    except ValueFormatError as exc:
        raise JsonInputError("json-invalid", _shown(raw), reason_en=exc.what_en, reason_zh=exc.what_zh) from None


KindedT = TypeVar("KindedT", Resolved, NewerBelow)


def _kinded_hooks(cls: type[KindedT], conv: cattrs.Converter) -> None:
    """Teach ``conv`` a record whose ``value`` is written according to its own ``kind`` field.

    The union ``ParamValue`` cannot be read by shape alone (``"2/3"`` is text
    or a ratio, ``["a"]`` a list): the record's ``kind`` says which, and the
    parameters' own reader (:func:`~subsidy_rules.parameters.values.parse_value`)
    reads it, so ``Resolved`` and ``NewerBelow`` come back exactly as written.
    """
    conv.register_unstructure_hook(
        cls, make_dict_unstructure_fn(cls, conv, value=override(unstruct_hook=param_value_to_json))
    )
    base = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, value=override(struct_hook=_raw))

    def structure(d: Any, _: Any) -> KindedT:
        record = base(d, cls)
        try:
            value = _required_param_value(record.kind, record.value)
        except JsonInputError as exc:
            raise cattrs.ClassValidationError(cls.__name__, [_note(exc, "value", Any)], cls) from None
        return attrs.evolve(record, value=value)

    conv.register_structure_hook(cls, structure)


# -- the converter -------------------------------------------------------------------------------


def make_json_converter() -> cattrs.Converter:
    """Build the JSON converter; the library uses the one built at import (:func:`json_converter`)."""
    conv = cattrs.Converter(forbid_extra_keys=True, unstruct_collection_overrides={tuple: list})
    conv.register_structure_hook(str, _str_from_json)
    conv.register_structure_hook(int, _int_from_json)
    conv.register_structure_hook(bool, _bool_from_json)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, decimal_from_json)
    conv.register_unstructure_hook(Fraction, fraction_to_json)
    conv.register_structure_hook(Fraction, fraction_from_json)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_unstructure_hook(datetime, datetime.isoformat)  # the rectification ledger's event times
    conv.register_structure_hook(datetime, datetime_from_json)
    conv.register_structure_hook(date, date_from_json)
    conv.register_unstructure_hook(Month, str)
    conv.register_structure_hook(Month, month_from_json)
    # A place names only what is known: unset parts are left out, not written as null.
    conv.register_unstructure_hook(Place, make_dict_unstructure_fn(Place, conv, _cattrs_omit_if_default=True))
    conv.register_structure_hook_func(_is_enum, _enum_from_json)
    conv.register_structure_hook_factory(_is_list_like, lambda t: _list_hook(t, conv))
    conv.register_unstructure_hook_func(_is_enum, lambda member: member.value)

    conv.register_unstructure_hook(
        DatedValue, make_dict_unstructure_fn(DatedValue, conv, value=override(unstruct_hook=param_value_to_json))
    )
    structure_dated = make_dict_structure_fn(
        DatedValue, conv, _cattrs_forbid_extra_keys=True, value=override(struct_hook=_raw)
    )
    structure_head = make_dict_structure_fn(
        Parameter,
        conv,
        _cattrs_forbid_extra_keys=True,
        kind=override(struct_hook=_raw),
        values=override(struct_hook=_no_values),
    )

    def structure_parameter(d: Any, _: Any) -> Parameter:
        if not isinstance(d, dict):
            raise _wrong(d, "an object", "对象")
        errors: list[Exception] = []
        head: Parameter | None = None
        try:
            head = structure_head(d, Parameter)
        except cattrs.ClassValidationError as exc:
            errors.extend(exc.exceptions)
        kind: ParamKind | None = None
        if "kind" in d:
            try:
                kind = conv.structure(d["kind"], ParamKind)
            except Exception as exc:
                errors.append(_note(exc, "kind", ParamKind))
        raw_values = d.get("values", [])
        if not isinstance(raw_values, list):
            errors.append(_note(_wrong(raw_values, "a list of dated values", "取值列表"), "values", list))
            raw_values = []
        values: list[DatedValue] = []
        item_errors: list[Exception] = []
        for i, item in enumerate(raw_values):
            try:
                entry = structure_dated(item, DatedValue)
                if kind is None:
                    continue
                value = param_value_from_json(kind, entry.value)
                if value is not None and head is not None:
                    allowed = check_range(value, head.minimum, head.maximum)
                    if allowed is not None:
                        raise JsonInputError("json-out-of-range", _shown(item.get("value")), range=allowed)
            except JsonInputError as exc:
                wrapped = cattrs.ClassValidationError("value", [_note(exc, "value", Any)], DatedValue)
                item_errors.append(_at_index(wrapped, i))
                continue
            except Exception as exc:
                item_errors.append(_at_index(exc, i))
                continue
            values.append(attrs.evolve(entry, value=value))
        if item_errors:
            errors.append(_note(cattrs.IterableValidationError("values", item_errors, list), "values", list))
        if errors or head is None or kind is None:
            raise cattrs.ClassValidationError("Parameter", errors, Parameter)
        return attrs.evolve(head, kind=kind, values=tuple(values))

    conv.register_structure_hook(Parameter, structure_parameter)
    _kinded_hooks(Resolved, conv)
    _kinded_hooks(NewerBelow, conv)
    return conv


def _raw(value: Any, _: Any) -> Any:
    return value


def _no_values(value: Any, _: Any) -> tuple[DatedValue, ...]:
    return ()


def _note(exc: Exception, name: str, t: Any) -> Exception:
    exc.add_note(cattrs.AttributeValidationNote(f"Structuring class @ attribute {name}", name, t))
    return exc


def _at_index(exc: Exception, index: int) -> Exception:
    exc.add_note(cattrs.IterableValidationNote(f"Structuring list @ index {index}", index, dict))
    return exc


_CONVERTER = make_json_converter()


def json_converter() -> cattrs.Converter:
    """The shared JSON converter (built once)."""
    return _CONVERTER


def to_json(obj: Any) -> Any:
    """Unstructure any library record (or a dict/list of them) into JSON-ready data."""
    return _CONVERTER.unstructure(obj)


def from_json(data: Any, cls: type[T], *, source: str = "<json>") -> T:
    """Structure JSON data into ``cls``; every problem is reported at once, by JSON path."""
    try:
        return _CONVERTER.structure(data, cls)
    except DataFileError:
        raise
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DataFileError(_problems(exc, "$", cls, source)) from None


# -- errors in the user's words ------------------------------------------------------------------


def _describe(t: Any) -> tuple[str, str]:
    """What a type expects, as a person would say it (never ``datetime.date | None``)."""
    simple: dict[Any, tuple[str, str]] = {
        str: ("text in quotes", "带引号的文本"),
        int: ("a whole number", "整数"),
        bool: ("true or false", "true 或 false"),
        Decimal: ('a decimal string such as "12.50"', '十进制数值文本（如 "12.50"）'),
        Fraction: ('a ratio such as "2/3"', '比率（如 "2/3"）'),
        date: ("a date YYYY-MM-DD", "日期 YYYY-MM-DD"),
        Month: ("a month YYYY-MM", "月份 YYYY-MM"),
        type(None): ("null", "null"),
    }
    if t in simple:
        return simple[t]
    origin, args = get_origin(t), get_args(t)
    if origin in (Union, types.UnionType):
        parts = [_describe(a) for a in args]
        return " or ".join(p[0] for p in parts), " 或 ".join(p[1] for p in parts)
    if _is_enum(t):
        allowed = ", ".join(str(m.value) for m in t)
        return f"one of {allowed}", f"以下之一：{allowed}"
    if origin in (list, tuple, set, frozenset) or origin is Sequence or origin is Iterable:
        return "a list", "列表"
    if attrs.has(t) or origin in (dict, Mapping) or t is dict:
        return "an object", "对象"
    return "a value of another kind", "其他类型的值"


def _field_name(path: str) -> str:
    if path == "$":
        return "the document"
    return path.rsplit(".", 1)[-1]


def _problems(exc: BaseException, path: str, t: Any, source: str) -> list[Problem]:
    """Walk a cattrs error tree (as :func:`cattrs.transform_error` does) into Problems."""
    out: list[Problem] = []
    if isinstance(exc, cattrs.IterableValidationError):
        indexed, unplaced = exc.group_exceptions()
        for sub, index_note in indexed:
            out.extend(_problems(sub, f"{path}[{index_note.index}]", index_note.type, source))
        for sub in unplaced:
            out.extend(_problems(sub, path, None, source))
        return out
    if isinstance(exc, cattrs.ClassValidationError):
        named, without_notes = exc.group_exceptions()
        for sub, attr_note in named:
            out.extend(_problems(sub, f"{path}.{attr_note.name}", attr_note.type, source))
        for sub in without_notes:
            out.extend(_problems(sub, path, exc.cl, source))
        return out
    if isinstance(exc, DataFileError):
        return list(exc.problems)
    place = Place(file=source, path=path)
    field = _field_name(path)
    if isinstance(exc, JsonInputError):
        fields: dict[str, Any] = {"field": field, **exc.fields}
        return [Problem.make(exc.code, place=place, value=exc.value, **fields)]
    if isinstance(exc, ForbiddenExtraKeysError):
        allowed = ", ".join(a.name for a in attrs.fields(exc.cl)) if attrs.has(exc.cl) else ""
        return [
            Problem.make("json-unknown-key", place=Place(file=source, path=f"{path}.{key}"), value=key, allowed=allowed)
            for key in sorted(exc.extra_fields)
        ]
    if isinstance(exc, KeyError):
        return [Problem.make("json-missing", place=place, field=field)]
    expected_en, expected_zh = _describe(t)
    return [
        Problem.make(
            "json-wrong-type",
            place=place,
            value="a value of another kind",
            field=field,
            expected_en=expected_en,
            expected_zh=expected_zh,
        )
    ]


# -- documents -----------------------------------------------------------------------------------


def document(payload: Mapping[str, Any] | None = None, /, **fields: Any) -> dict[str, Any]:
    """A JSON document: ``schema_version`` first (added here and nowhere else), then the payload.

    Values may be library records; they are unstructured through the converter.
    """
    body = {**(payload or {}), **fields}
    if "schema_version" in body:
        raise ValueError("a payload does not carry its own schema_version")
    data: dict[str, Any] = to_json(body)
    return {"schema_version": SCHEMA_VERSION, **data}


def dumps(payload: Mapping[str, Any] | None = None, /, **fields: Any) -> str:
    """Serialise a document (see :func:`document`), UTF-8 kept readable, two-space indent."""
    return json.dumps(document(payload, **fields), ensure_ascii=False, indent=2)


def error_payload(problem: Problem, more: Sequence[Problem] = ()) -> dict[str, Any]:
    """The payload of the JSON document of a run that could not run (exit 2); :func:`dumps` it.

    ``error`` has ``code``, ``message`` (Chinese), ``message_en``, ``place``
    and ``value``; ``problems`` lists every problem when there was more than one.
    """
    error: dict[str, Any] = {
        "code": problem.code,
        "message": problem.message_zh,
        "message_en": problem.message_en,
        "place": to_json(problem.place),
        "value": problem.value,
    }
    if more:
        error["problems"] = to_json([problem, *more])
    return {"error": error}


def loads_document(text: str | bytes, *, source: str = "<json>") -> dict[str, Any]:
    """Read a JSON document this library wrote: strict parse, then the ``schema_version`` check.

    Returns the whole document (``schema_version`` included); a document of
    another major version, or none, is a :class:`DataFileError`.
    """
    if isinstance(text, bytes):
        text = decode_utf8(text, source)
    data = parse_json(text, source=source)
    if not isinstance(data, dict):
        raise DataFileError(
            [
                Problem.make(
                    "json-wrong-type",
                    place=Place(file=source, path="$"),
                    value=_shown(data),
                    field="the document",
                    expected_en="an object",
                    expected_zh="对象",
                )
            ]
        )
    version = data.get("schema_version")
    place = Place(file=source, path="$.schema_version")
    if version is None:
        raise DataFileError([Problem.make("json-no-schema-version", place=place)])
    if not isinstance(version, str) or version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise DataFileError(
            [Problem.make("json-schema-version", place=place, value=_shown(version), supported=SCHEMA_VERSION)]
        )
    return data


def loads_record(text: str | bytes, cls: type[T], *, source: str = "<json>") -> T:
    """Read a document whose payload is one record of ``cls`` (what ``emit_json(to_json(record))`` printed)."""
    body = {k: v for k, v in loads_document(text, source=source).items() if k != "schema_version"}
    return from_json(body, cls, source=source)


def read_document(source: str | Path) -> dict[str, Any]:
    """:func:`loads_document` of a file (``-``: standard input)."""
    raw, name = read_input_bytes(source)
    return loads_document(decode_utf8(raw, name), source=name)


# -- the strict reader ---------------------------------------------------------------------------


class JsonFloat:
    """A JSON number with a fraction or exponent, kept as its text until it is refused or read exactly."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class _ReadError(ValueError):
    def __init__(self, code: str, **fields: object) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _ReadError("data-duplicate-key", key=key)
        out[key] = value
    return out


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _ReadError("json-number-too-long", digits=digits, limit=MAX_INT_DIGITS)
    return int(text)


def _constant(text: str) -> Any:
    raise _ReadError("json-not-a-number", value=text)


def read_input_bytes(source: str | Path) -> tuple[bytes, str]:
    """The bytes of ``source`` (``"-"``: standard input) and the name to report it by."""
    from subsidy_rules.core.files import guard_input, read_stdin_bytes

    if str(source) == "-":
        return read_stdin_bytes(), STDIN_NAME
    name = str(source)
    guard_input(source)  # a FIFO, a device or an oversized file is refused before it is opened
    try:
        return Path(source).read_bytes(), name
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DataFileError([Problem.make("data-unreadable", place=Place(file=name), reason=reason)]) from None


def decode_utf8(raw: bytes, source: str) -> str:
    """UTF-8 text (a BOM is allowed); GBK/GB18030 is named and refused, anything else too."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            problem = Problem.make("data-not-utf8", place=Place(file=source), offset=exc.start)
        else:
            problem = Problem.make("json-not-gbk-utf8", place=Place(file=source))
        raise DataFileError([problem]) from None


def parse_json(text: str, *, source: str = "<json>", allow_floats: bool = False) -> Any:
    """Parse JSON text strictly; every refusal is a :class:`DataFileError` naming ``source``.

    Numbers with a fraction are refused, each by its JSON path, unless
    ``allow_floats`` — then they are :class:`JsonFloat` markers holding their
    exact text (never a binary float).
    """
    place = Place(file=source)
    try:
        data = json.loads(
            text, object_pairs_hook=_object, parse_int=_integer, parse_float=JsonFloat, parse_constant=_constant
        )
    except _ReadError as exc:
        fields: dict[str, Any] = dict(exc.fields)
        raise DataFileError([Problem.make(exc.code, place=place, **fields)]) from None
    except json.JSONDecodeError as exc:
        raise DataFileError(
            [Problem.make("json-syntax", place=place, reason=exc.msg, line=exc.lineno, column=exc.colno)]
        ) from None
    except RecursionError:
        raise DataFileError([Problem.make("json-too-deep", place=place)]) from None
    except ValueError as exc:  # pragma: no cover - int() limits, should _integer ever let one through
        raise DataFileError([Problem.make("json-syntax", place=place, reason=str(exc), line=1, column=1)]) from None
    if not allow_floats:
        floats = [
            Problem.make("json-float", place=Place(file=source, path=path), value=value.text)
            for path, value in _walk(data)
            if isinstance(value, JsonFloat)
        ]
        if floats:
            raise DataFileError(floats)
    return data


def _walk(data: Any) -> Iterable[tuple[str, Any]]:
    """Every value of a parsed document with its JSON path (iteratively: no recursion limit)."""
    stack: list[tuple[str, Any]] = [("$", data)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend((f"{path}.{k}", v) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(value))))


def read_json(source: str | Path, *, allow_floats: bool = False) -> tuple[Any, str]:
    """Read and strictly parse a JSON file (``"-"``: standard input); return the data and its name."""
    raw, name = read_input_bytes(source)
    return parse_json(decode_utf8(raw, name), source=name, allow_floats=allow_floats), name


def write_document(path: str | Path, payload: Mapping[str, Any] | None = None, /, **fields: Any) -> Path:
    """Write a JSON document (see :func:`document`) to ``path`` atomically; return the path."""
    target = Path(path)
    atomic_write_text(target, dumps(payload, **fields) + "\n")
    return target
