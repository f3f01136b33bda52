"""Chinese labels for category codes and parameter values, for people."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources

from subsidy_rules.core.datafile import Node, load_toml
from subsidy_rules.docs.md import code, english, t


def _string_table(file: str, table: str) -> dict[str, str]:
    """The ``[table]`` of strings in the packaged ``data/<file>`` (a data problem names its key)."""
    name = f"subsidy_rules/docs/data/{file}"
    text = resources.files("subsidy_rules.docs").joinpath(f"data/{file}").read_text(encoding="utf-8")
    root = Node(name, load_toml(name, text=text))
    out: dict[str, str] = {}
    node = root.get_table(table)
    if node is not None:
        for key in list(node.table):
            value = node.get_str(key)
            if value is not None:
                out[key] = value
    root.raise_if_problems()
    return out


@cache
def labels() -> dict[str, str]:
    return _string_table("labels.toml", "labels")


@cache
def translations() -> dict[str, str]:
    """English-only notes of the data → their Chinese text (``data/translations.toml``)."""
    return _string_table("translations.toml", "notes")


def mostly_english(text: str) -> bool:
    """English prose, perhaps with a document number in it (“Pays the employer's … (164号/181号)”).

    Latin letters outnumber Chinese characters more than two to one, and there are a dozen of them.
    """
    han = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return latin >= 12 and latin > 2 * han


def note(text: str) -> str:
    """A data note as the page shows it: Chinese as is; English as its Chinese text plus the English collapsed.

    An English note with no translation is shown under the English detail only, after a Chinese
    sentence that says so (and the site's tests fail on it until a translation is added).
    """
    if not mostly_english(text):
        return t(readable(text))
    zh = translations().get(text.strip())
    if zh is not None:
        return t(zh) + " " + english(text)
    return "（本条说明暂无中文译文）" + english(text)


_DOTTED = re.compile(r"(?<![\w.])[a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+(?![\w.])")
_KEBAB_GLOSSED = re.compile(r"(?<![\w-])[a-z]+(?:-[a-z]+)+(?:[：:]\s*|\s+)?(?=[\u4e00-\u9fff])")


@cache
def _parameter_names() -> dict[str, str]:
    from subsidy_rules.parameters import PACKAGED_LAYERS, packaged_layer

    out: dict[str, str] = {}
    for lid in PACKAGED_LAYERS:
        for p in packaged_layer(lid):
            out.setdefault(p.id, p.description_zh)
    return out


def readable(text: str) -> str:
    """Data text as officers read it: a code glossed in Chinese loses the code
    (“actual-contribution：实际缴费” → “实际缴费”), a parameter code becomes the parameter's name."""
    text = _KEBAB_GLOSSED.sub("", text)
    names = _parameter_names()

    def name(m: re.Match[str]) -> str:
        known = names.get(m.group(0))
        if known is None:
            return "相应参数"
        short = _KEBAB_GLOSSED.sub("", known).split("（")[0]
        return f"“{short}”"

    return _DOTTED.sub(name, text)


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
    if isinstance(value, str) and value in labels():
        return label(value)  # a coded choice (actual-contribution → 实际缴费)
    return t(value)


#: Units that name what a value is rather than measure it: not repeated after the value.
_DESCRIPTIVE_UNITS = frozenset({"比例", "类别", "险种", "项目", "日期", "年月", "基础", "读法"})


#: How a count in a unit is said: 20 → 20个工作日, 36 → 36个月, 5 → 5年.
COUNTED = {"工作日": "个工作日", "月": "个月", "年": "年", "日": "日", "次": "次", "档": "档"}


def percent(value: Fraction | Decimal) -> str:
    """A ratio as officers read it: 0.3 → ``30 %``; 2/3 → ``66.7 %（2/3）``; 1 → ``100 %`` (no-break space)."""
    frac = Fraction(value)
    pct = Decimal(frac.numerator * 100) / Decimal(frac.denominator)
    exact = pct == pct.to_integral_value()
    # A no-break space: the sign never wraps away from its number (100 / % on a phone).
    text = f"{pct.to_integral_value()}\u00a0%" if exact else f"{pct.quantize(Decimal('0.1'))}\u00a0%"
    if isinstance(value, Fraction) and value.denominator not in (1, 2, 4, 5, 10, 20, 25, 50, 100):
        text += f"（{value.numerator}/{value.denominator}）"
    return text


def with_unit(value: object, unit: str) -> str:
    """A value and its unit as a cell: ``2010 元/月``, ``36个月``, ``66.7 %（2/3）`` (a ratio as a percentage)."""
    if unit == "比例" and isinstance(value, Fraction | Decimal) and not isinstance(value, bool):
        return percent(value)
    text = shown(value)
    if isinstance(value, int) and not isinstance(value, bool) and unit in COUNTED:
        return f"{value}{COUNTED[unit]}"
    if value is None or not unit or unit in _DESCRIPTIVE_UNITS:
        return text
    return f"{text} {t(unit)}"
