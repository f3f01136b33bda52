"""One vocabulary for every report: :class:`Problem`, its :class:`Place` and :class:`Severity`.

A form validation, an eligibility decision, a broken data file and the
ledger audit's rejected rows all report what is wrong the same way: a stable
slug ``code``, a ``severity``, the ``place`` (a JSON or key path, a file and
cell, a ledger line and field, a month), the offending ``value`` as text, and
a message in plain Chinese with an English twin.

The codes and their message templates are data
(``core/data/problems/*.toml``, one file per area), so a code cannot be used
without its two messages, and the docs list every code from the same files.

References:
    shared/DESIGN.md, "Errors": stable slug codes, severity, place, value,
    zh/en messages; validators return reports, they do not raise.

Limitations:
    Messages are fixed templates filled with ``str.format``; a caller who
    needs other wording maps the code. Each field is cut to
    :data:`FIELD_LIMIT` characters (``value`` to 80): a message never
    repeats more than a short prefix of a huge input.
"""

from __future__ import annotations

import enum
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import attrs

from subsidy_rules.core.month import Month


class Severity(enum.Enum):
    """``error`` makes a report fail (exit 1); ``warning`` is said and does not."""

    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Place:
    """Where a problem is; every part is optional and only the known ones are set.

    ``path`` is a JSON path (``$.contributions[3].amount``) or a TOML key path
    (``parameters."ssi.ratio".values[1].from``); ``sheet``/``cell`` an A1 place
    in a workbook; ``row_key``/``column`` a form's 行次 key and 栏次;
    ``line``/``field`` a line of a ledger file and its column header;
    ``record`` a ledger record id (流水号); ``month`` the month concerned.
    """

    file: str | None = None
    path: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row_key: str | None = None
    column: int | None = None
    line: int | None = None
    field: str | None = None
    record: str | None = None
    month: Month | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.path:
            parts.append(self.path)
        if self.sheet or self.cell:
            parts.append("!".join(p for p in (self.sheet, self.cell) if p))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"column {self.field}")
        if self.record:
            parts.append(f"record {self.record}")
        if self.row_key:
            parts.append(f"row {self.row_key}")
        if self.column is not None:
            parts.append(f"col {self.column}")
        if self.month is not None:
            parts.append(str(self.month))
        return ": ".join(parts[:2]) + (" " + " ".join(parts[2:]) if len(parts) > 2 else "")


NOWHERE = Place()


@attrs.frozen
class ProblemKind:
    """A registered code: its default severity and its two message templates."""

    code: str
    severity: Severity
    message_zh: str
    message_en: str
    area: str


@attrs.frozen
class Problem:
    """One problem. Build it with :meth:`make`, which takes the messages from the registry.

    ``detail`` holds named figures a script may want besides the message
    (a failed check relation's ``left``/``right``/``difference``/``tolerance``,
    the ``amount`` of a payment problem), each as text so money keeps its digits.
    """

    code: str
    severity: Severity
    place: Place = NOWHERE
    value: str | None = None
    message_zh: str = ""
    message_en: str = ""
    detail: Mapping[str, str] = attrs.field(factory=dict, hash=False)

    @classmethod
    def make(
        cls,
        code: str,
        *,
        place: Place = NOWHERE,
        value: object = None,
        severity: Severity | None = None,
        detail: Mapping[str, object] | None = None,
        **fields: Any,
    ) -> Problem:
        """A problem of a registered ``code``; ``fields`` fill its message templates.

        ``value`` is shown as text (cut at 80 characters: a hostile cell can
        be megabytes long) and is available to templates as ``{value}``.
        A template field ``x`` not given falls back to ``x_en``/``x_zh``
        twins, so ``what``/``what_en`` pairs work.
        """
        kind = problem_kind(code)
        shown = None if value is None else show_value(value)
        values: dict[str, object] = {"value": shown, **fields}
        return cls(
            code=code,
            severity=severity or kind.severity,
            place=place,
            value=shown,
            message_zh=_fill(kind.message_zh, values, "zh"),
            message_en=_fill(kind.message_en, values, "en"),
            detail={k: str(v) for k, v in (detail or {}).items()},
        )

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = str(self.place)
        return f"{where}: {self.message_en}" if where else self.message_en

    def line(self) -> str:
        """The problem as a person reads it on one line: the place, the Chinese message, the English in brackets."""
        where = str(self.place)
        text = self.message_en
        if self.message_zh and self.message_zh != self.message_en:
            text = f"{self.message_zh}（{self.message_en}）"
        return f"{where}: {text}" if where else text


def show_value(value: object, limit: int = 80) -> str:
    """A value as a report repeats it: text, at most ``limit`` characters (a short prefix of a huge one)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


#: Longest text a message template takes from one field: a reason quoting a 100 KB argument stays short.
FIELD_LIMIT = 240


_FORMATTER = string.Formatter()


def _fill(template: str, values: Mapping[str, object], lang: str) -> str:
    twin = {"zh": "en", "en": "zh"}[lang]

    def lookup(name: str) -> object:
        for key in (f"{name}_{lang}", name, f"{name}_{twin}"):
            if key in values:
                return values[key]
        raise KeyError(f"message field {name!r} not given")

    out: list[str] = []
    for literal, name, spec, conversion in _FORMATTER.parse(template):
        out.append(literal)
        if name is None:
            continue
        value: Any = lookup(name)
        if conversion == "r":
            value = repr(value)
        elif conversion == "s":
            value = str(value)
        out.append(show_value(format(value, spec or ""), FIELD_LIMIT))
    return "".join(out)


@cache
def problem_kinds() -> dict[str, ProblemKind]:
    """Every registered problem code, from the data files beside this module.

    Read with plain :mod:`tomllib` rather than the data-file walker, which
    itself reports through :class:`Problem` (the registry sits below it).
    A malformed file is a packaging bug: ``ValueError`` naming file and code.
    """
    out: dict[str, ProblemKind] = {}
    folder = resources.files("subsidy_rules.core").joinpath("data/problems")
    severities = {s.value: s for s in Severity}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        area = entry.name.removesuffix(".toml")
        table = tomllib.loads(entry.read_text(encoding="utf-8")).get("problems", {})
        for code, spec in table.items():
            where = f"core/data/problems/{entry.name}: problems.{code}"
            if code in out:
                raise ValueError(f"{where}: defined twice (also in {out[code].area}.toml)")
            if not isinstance(spec, dict) or set(spec) != {"severity", "zh", "en"}:
                raise ValueError(f"{where}: needs exactly severity, zh and en")
            if spec["severity"] not in severities:
                raise ValueError(f"{where}: severity must be one of {', '.join(severities)}")
            out[code] = ProblemKind(code, severities[spec["severity"]], str(spec["zh"]), str(spec["en"]), area)
    return out


def problem_kind(code: str) -> ProblemKind:
    """The registered kind of ``code``; an unregistered code is a programming error."""
    try:
        return problem_kinds()[code]
    except KeyError:
        raise KeyError(f"problem code {code!r} is not registered in core/data/problems/") from None
