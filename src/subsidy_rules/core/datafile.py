"""Reading TOML data files with path-addressed problems (the data-file walker).

Every data file the library reads (documents, programs, parameter layers,
form layouts, users' own layers) goes through :func:`load_toml` and a
:class:`Node` walker, so a bad file is always reported the same way: file,
key path, problem — all problems at once, never a traceback.

Decimals are parsed from the TOML text itself (``parse_float=Decimal``), so
``0.2`` in a file is exactly ``Decimal("0.2")``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from subsidy_rules.core.errors import DataFileError
from subsidy_rules.core.problem import Place, Problem

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def key_path(parent: str, key: str | int) -> str:
    """Join a TOML key path the way a person would type it."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    part = key if _BARE_KEY.match(key) else '"' + key.replace('"', '\\"') + '"'
    return f"{parent}.{part}" if parent else part


def load_toml(source: Path | str, *, text: str | None = None) -> dict[str, Any]:
    """Parse a TOML file; any failure becomes a :class:`DataFileError`."""
    name = str(source)
    if text is None:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise DataFileError([_file_problem(name, "data-unreadable", reason=exc.strerror)]) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DataFileError([_file_problem(name, "data-not-utf8", offset=exc.start)]) from None
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError([_file_problem(name, "data-syntax", format="TOML", reason=exc)]) from None
    except RecursionError:
        # tomllib recurses once per nesting level; a hostile file nests 200,000 deep.
        raise DataFileError([_file_problem(name, "data-too-deep", limit="Python's recursion limit")]) from None


def _file_problem(name: str, code: str, **fields: Any) -> Problem:
    return Problem.make(code, place=Place(file=name), **fields)


class Node:
    """A cursor over one table of a parsed file that records problems.

    Accessors return ``None`` (or a safe default) after recording a problem,
    so a loader can walk the whole file and report everything at the end
    with :meth:`raise_if_problems`.
    """

    __slots__ = ("file", "path", "problems", "table")

    def __init__(
        self, file: str, table: dict[str, Any], path: str = "", problems: list[Problem] | None = None
    ) -> None:
        self.file = file
        self.table = table
        self.path = path
        self.problems: list[Problem] = [] if problems is None else problems

    # -- problems -------------------------------------------------------
    def problem(self, key: str | int | None, code: str, *, value: object = None, **fields: Any) -> None:
        """Record a registered problem ``code`` at ``key`` (``None``: this table itself)."""
        path = self.path if key is None else key_path(self.path, key)
        self.problems.append(Problem.make(code, place=Place(file=self.file, path=path), value=value, **fields))

    def invalid(self, key: str | int | None, what_en: str, what_zh: str | None = None, *, value: object = None) -> None:
        """Record a loader's own check (``data-invalid``) in both languages."""
        self.problem(key, "data-invalid", value=value, what_en=what_en, what_zh=what_zh or what_en)

    def wrong_type(self, key: str | int, value: object, expected_en: str, expected_zh: str) -> None:
        self.problem(key, "data-wrong-type", value=repr(value), expected_en=expected_en, expected_zh=expected_zh)

    def raise_if_problems(self) -> None:
        if self.problems:
            raise DataFileError(self.problems)

    def child(self, key: str | int, table: dict[str, Any]) -> Node:
        return Node(self.file, table, key_path(self.path, key), self.problems)

    def unknown_keys(self, allowed: set[str]) -> None:
        """Report keys the format does not define (typos must not pass silently)."""
        for key in self.table:
            if key not in allowed:
                self.problem(key, "data-unknown-key", allowed=", ".join(sorted(allowed)))

    # -- typed accessors ------------------------------------------------
    def _get(self, key: str, required: bool) -> Any:
        if key not in self.table:
            if required:
                self.problem(key, "data-missing")
            return None
        return self.table[key]

    def get_str(self, key: str, *, required: bool = True) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str) or (required and not value.strip()):
            self.wrong_type(key, value, "a non-empty string", "非空文本")
            return None
        return value

    def get_bool(self, key: str, *, default: bool | None = None) -> bool | None:
        value = self._get(key, default is None)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.wrong_type(key, value, "true or false", "true 或 false")
            return default
        return value

    def get_int(self, key: str, *, required: bool = True) -> int | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type(key, value, "a whole number", "整数")
            return None
        return value

    def get_date(self, key: str, *, required: bool = True) -> date | None:
        value = self._get(key, required)
        if value is None:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.wrong_type(key, value, "a date such as 2024-01-01", "日期（如 2024-01-01）")
            return None
        return value

    def get_decimal(self, key: str, *, required: bool = True) -> Decimal | None:
        value = self._get(key, required)
        if value is None:
            return None
        return self.as_decimal(key, value)

    def as_decimal(self, key: str | int, value: Any) -> Decimal | None:
        if isinstance(value, bool):
            self.wrong_type(key, value, "a number", "数字")
            return None
        if isinstance(value, int | Decimal):
            result = Decimal(value)
        elif isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
            try:
                result = Decimal(value.strip())
            except InvalidOperation:  # pragma: no cover - the regex admits only valid text
                self.wrong_type(key, value, "a number", "数字")
                return None
        else:
            self.wrong_type(key, value, "a number", "数字")
            return None
        if not result.is_finite():
            self.wrong_type(key, value, "a finite number", "有限数值")
            return None
        return result

    def get_str_list(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        value = self._get(key, required)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.wrong_type(key, value, "a list of strings", "文本列表")
            return ()
        return tuple(value)

    def get_table(self, key: str, *, required: bool = True) -> Node | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.wrong_type(key, value, "a table", "表（table）")
            return None
        return self.child(key, value)

    def get_tables(self, key: str, *, required: bool = False) -> Iterator[Node]:
        """Iterate an array of tables (``[[key]]``)."""
        value = self._get(key, required)
        if value is None:
            return
        if not isinstance(value, list):
            self.wrong_type(key, value, "an array of tables ([[...]])", "表数组（[[...]]）")
            return
        sub = Node(self.file, {}, key_path(self.path, key), self.problems)
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                sub.wrong_type(i, item, "a table", "表（table）")
                continue
            yield sub.child(i, item)

    def get_named_tables(self, key: str, *, required: bool = False) -> Iterator[tuple[str, Node]]:
        """Iterate a table of tables (``[key.name]``) in file order."""
        node = self.get_table(key, required=required)
        if node is None:
            return
        for name, item in node.table.items():
            if not isinstance(item, dict):
                node.wrong_type(name, item, "a table", "表（table）")
                continue
            yield name, node.child(name, item)

    def get_choice(self, key: str, allowed: dict[str, Any], *, required: bool = True) -> Any:
        raw = self.get_str(key, required=required)
        if raw is None:
            return None
        if raw not in allowed:
            self.problem(key, "data-not-a-choice", value=repr(raw), allowed=", ".join(allowed))
            return None
        return allowed[raw]


def data_problem(file: str, path: str, what_en: str, what_zh: str | None = None, *, value: object = None) -> Problem:
    """A loader's own check (``data-invalid``) at ``file`` and key or JSON ``path``."""
    place = Place(file=file, path=path or None)
    return Problem.make("data-invalid", place=place, value=value, what_en=what_en, what_zh=what_zh or what_en)
