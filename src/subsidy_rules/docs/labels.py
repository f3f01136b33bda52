"""Chinese labels for category codes and parameter values, for people."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources

from subsidy_rules.core.datafile import Node, load_toml
from subsidy_rules.docs.md import code, t


@cache
def labels() -> dict[str, str]:
    name = "subsidy_rules/docs/data/labels.toml"
    text = resources.files("subsidy_rules.docs").joinpath("data/labels.toml").read_text(encoding="utf-8")
    root = Node(name, load_toml(name, text=text))
    out: dict[str, str] = {}
    node = root.get_table("labels")
    if node is not None:
        for key in list(node.table):
            value = node.get_str(key)
            if value is not None:
                out[key] = value
    root.raise_if_problems()
    return out


def label(value: str) -> str:
    """A category code as Chinese (the code stays visible only when no label is known)."""
    known = labels().get(value)
    return t(known) if known is not None else code(value)


def shown(value: object) -> str:
    """A parameter value as people read it: 2/3, 0.60, 是/否, categories in Chinese."""
    if value is None:
        return "（终止）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)
    if isinstance(value, Decimal | int):
        return t(value)
    if isinstance(value, tuple):
        return "、".join(label(str(v)) for v in value) if value else "（空）"
    return t(value)


#: Units that name what a value is rather than measure it: not repeated after the value.
_DESCRIPTIVE_UNITS = frozenset({"比例", "类别", "险种", "项目", "日期", "年月"})


#: How a count in a unit is said: 20 → 20个工作日, 36 → 36个月, 5 → 5年.
COUNTED = {"工作日": "个工作日", "月": "个月", "年": "年", "日": "日", "次": "次"}


def with_unit(value: object, unit: str) -> str:
    """A value and its unit as a cell: ``2010 元/月``, ``36个月``, ``2/3`` (not ``2/3 比例``)."""
    text = shown(value)
    if isinstance(value, int) and not isinstance(value, bool) and unit in COUNTED:
        return f"{value}{COUNTED[unit]}"
    if value is None or not unit or unit in _DESCRIPTIVE_UNITS:
        return text
    return f"{text} {t(unit)}"
