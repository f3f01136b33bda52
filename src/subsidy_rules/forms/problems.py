"""Problems found in a submitted workbook, and the validation report.

Every problem has a stable slug code (:class:`ProblemCode`), a severity, the
place (sheet, A1 cell in the submitted file, the row's key, the form's column
number), the offending value as text, and a message in plain Chinese with an
English twin. Validators never raise on bad data; they return these.

References:
    ``shared/DESIGN.md`` (errors: stable slugs, severity, place, zh/en
    messages); issue 4 (the report's JSON shape and the minimum code list);
    ``shared/xlsx-input-hazards.md`` (what each hazard becomes).

Limitations:
    Messages are fixed templates; a caller who needs other wording maps the
    code.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from subsidy_rules.core.problem import Severity as Severity
from subsidy_rules.serialization import to_json


class ProblemCode(enum.Enum):
    """Stable problem codes; the value is the slug used in JSON and docs."""

    # The file as a whole (safe opening, xlsx-input-hazards.md).
    NOT_A_WORKBOOK = "not-a-workbook"
    ENCRYPTED = "encrypted"
    DAMAGED_FILE = "damaged-file"
    TOO_LARGE = "too-large"
    HOSTILE_CONTENT = "hostile-content"
    SHEET_MISSING = "sheet-missing"
    MACROS_PRESENT = "macros-present"
    # The form's shape.
    HEADER_MISMATCH = "header-mismatch"
    ROW_LABEL_MISMATCH = "row-label-mismatch"
    UNIT_MISMATCH = "unit-mismatch"
    UNEXPECTED_DATA = "unexpected-data"
    # Cell values.
    NOT_A_NUMBER = "not-a-number"
    NUMBER_STORED_AS_TEXT = "number-stored-as-text"
    NEGATIVE_AMOUNT = "negative-amount"
    EXCESS_DECIMALS = "excess-decimals"
    NON_INTEGER_COUNT = "non-integer-count"
    FORMULA_NOT_CALCULATED = "formula-not-calculated"
    ERROR_CELL = "error-cell"
    INVALID_VALUE = "invalid-value"
    UNKNOWN_ISSUE_TYPE = "unknown-issue-type"
    TAXONOMY_UNAVAILABLE = "taxonomy-unavailable"
    # Arithmetic.
    CHECK_RELATION_FAILED = "check-relation-failed"
    TOTAL_MISMATCH = "total-mismatch"
    # Roll-up.
    NON_ADDITIVE_MISMATCH = "non-additive-mismatch"
    INVALID_INPUT_INCLUDED = "invalid-input-included"


_WARNINGS = {
    ProblemCode.MACROS_PRESENT,
    ProblemCode.UNEXPECTED_DATA,
    ProblemCode.NUMBER_STORED_AS_TEXT,
    ProblemCode.TAXONOMY_UNAVAILABLE,
    ProblemCode.INVALID_INPUT_INCLUDED,
}

#: code -> (Chinese template, English template); fields are filled with ``str.format``.
MESSAGES: dict[ProblemCode, tuple[str, str]] = {
    ProblemCode.NOT_A_WORKBOOK: ("不是Excel工作簿（.xlsx）：{what}", "not an Excel workbook (.xlsx): {what}"),
    ProblemCode.ENCRYPTED: (
        "文件已加密（设有打开密码），请取消密码后重新保存",
        "the file is encrypted (password-protected); remove the password and save again",
    ),
    ProblemCode.DAMAGED_FILE: ("文件已损坏：{what}", "the file is damaged: {what}"),
    ProblemCode.TOO_LARGE: ("文件超出处理限度：{what}", "the file exceeds the processing limits: {what}"),
    ProblemCode.HOSTILE_CONTENT: ("文件含有不允许的内容：{what}", "the file holds content that is not allowed: {what}"),
    ProblemCode.SHEET_MISSING: (
        "找不到工作表“{name}”（文件中的工作表：{found}）",
        "sheet {name!r} not found (sheets in the file: {found})",
    ),
    ProblemCode.MACROS_PRESENT: (
        "文件含有宏（VBA），已忽略，不会执行或保存",
        "the file contains macros (VBA); they are ignored, never run or kept",
    ),
    ProblemCode.HEADER_MISMATCH: (
        "表头应为“{expected}”，文件中为“{found}”",
        "header should read {expected!r}, found {found!r}",
    ),
    ProblemCode.ROW_LABEL_MISMATCH: ("{what}", "{what_en}"),
    ProblemCode.UNIT_MISMATCH: (
        "计量单位应为“{expected}”，文件中为“{found}”",
        "the unit should be {expected!r}, the file says {found!r}",
    ),
    ProblemCode.UNEXPECTED_DATA: ("{what}", "{what_en}"),
    ProblemCode.NOT_A_NUMBER: ("不是有效数字：{value}", "not a valid number: {value}"),
    ProblemCode.NUMBER_STORED_AS_TEXT: (
        "数字以文本形式录入，已按 {parsed} 读取",
        "a number typed as text, read as {parsed}",
    ),
    ProblemCode.NEGATIVE_AMOUNT: ("不应为负数：{value}", "must not be negative: {value}"),
    ProblemCode.EXCESS_DECIMALS: (
        "小数位数超过{decimals}位：{value}",
        "more than {decimals} decimal places: {value}",
    ),
    ProblemCode.NON_INTEGER_COUNT: ("应为整数：{value}", "must be a whole number: {value}"),
    ProblemCode.FORMULA_NOT_CALCULATED: (
        "公式没有计算结果，请在Excel中打开、重新计算并保存",
        "a formula without a calculated value: open the file in Excel, recalculate and save",
    ),
    ProblemCode.ERROR_CELL: ("单元格为错误值 {value}", "the cell holds the error value {value}"),
    ProblemCode.INVALID_VALUE: ("{what}", "{what_en}"),
    ProblemCode.UNKNOWN_ISSUE_TYPE: ("问题类型代码不存在：{value}", "unknown issue-type code: {value}"),
    ProblemCode.TAXONOMY_UNAVAILABLE: (
        "问题分类库不可用，问题类型未核对",
        "the issue taxonomy is not available; issue types were not checked",
    ),
    ProblemCode.CHECK_RELATION_FAILED: (
        "勾稽关系 {relation} 不成立：左边 {left}，右边 {right}，差额 {difference}，允许误差 {tolerance}",
        "check relation {relation} fails: left {left}, right {right}, difference {difference}, tolerance {tolerance}",
    ),
    ProblemCode.TOTAL_MISMATCH: (
        "合计应为 {expected}，填报为 {found}（允许误差 {tolerance}）",
        "the total should be {expected}, the file says {found} (tolerance {tolerance})",
    ),
    ProblemCode.NON_ADDITIVE_MISMATCH: (
        "不汇总栏各单位填报不一致：{values}",
        "a column that is not summed differs between units: {values}",
    ),
    ProblemCode.INVALID_INPUT_INCLUDED: (
        "未通过校验的文件已按要求计入汇总",
        "a file that failed validation was included on request",
    ),
}


@attrs.frozen
class RelationDetail:
    """The arithmetic of a failed check relation or total."""

    left: Decimal
    right: Decimal
    difference: Decimal
    tolerance: Decimal


@attrs.frozen
class Problem:
    """One problem; build with :meth:`make` so the messages come from :data:`MESSAGES`."""

    code: ProblemCode
    severity: Severity
    sheet: str | None = None
    cell: str | None = None
    row_key: str | None = None
    column: int | None = None
    value: str | None = None
    message: str = ""
    message_en: str = ""
    detail: RelationDetail | None = None

    @classmethod
    def make(
        cls,
        code: ProblemCode,
        *,
        severity: Severity | None = None,
        sheet: str | None = None,
        cell: str | None = None,
        row_key: str | None = None,
        column: int | None = None,
        value: object = None,
        detail: RelationDetail | None = None,
        **fields: Any,
    ) -> Problem:
        shown = None if value is None else _show(value)
        zh, en = MESSAGES[code]
        fmt = {"value": shown, **fields}
        fmt.setdefault("what_en", fmt.get("what", ""))
        return cls(
            code=code,
            severity=severity or (Severity.WARNING if code in _WARNINGS else Severity.ERROR),
            message=zh.format(**fmt),
            message_en=en.format(**fmt),
            sheet=sheet,
            cell=cell,
            row_key=row_key,
            column=column,
            value=shown,
            detail=detail,
        )

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def where(self) -> str:
        parts = [p for p in (self.sheet, self.cell) if p]
        if self.row_key:
            parts.append(f"row {self.row_key}")
        if self.column is not None:
            parts.append(f"col {self.column}")
        return " ".join(parts)


def _show(value: object) -> str:
    text = str(value)
    # A hostile cell can be megabytes long; a report repeats only the start.
    return text if len(text) <= 80 else text[:77] + "..."


@attrs.frozen
class FileReport:
    """The validation outcome of one file: the JSON object of issue 4's report shape."""

    path: str
    valid: bool
    unit: str | None
    problems: tuple[Problem, ...]

    @classmethod
    def from_problems(
        cls, path: str | Path, unit: str | None, problems: list[Problem] | tuple[Problem, ...]
    ) -> FileReport:
        return cls(path=str(path), valid=not any(p.is_error for p in problems), unit=unit, problems=tuple(problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)


@attrs.frozen
class ValidationReport:
    """The report over a batch: ``{"schema_version", "files": [...]}`` once serialised."""

    files: tuple[FileReport, ...]

    @property
    def valid(self) -> bool:
        return all(f.valid for f in self.files)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (without ``schema_version``, which :func:`dumps` adds)."""
        files: list[dict[str, Any]] = to_json(list(self.files))
        return {"files": files}
