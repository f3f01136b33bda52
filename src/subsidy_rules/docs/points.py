"""The 政策要点 box: who qualifies, how much (with the formula), how long, paid how, on what basis.

The words are data (``data/program_points.toml``, one entry per eligibility
rule); the values in them are parameters, shown as in force on the build date
for 全国统一规定, and re-filled in the browser for the jurisdiction and date
the reader picks: every packaged layer's resolved values are written into the
page as periods (from-date → shown text), so the picker needs no server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from html import escape
from importlib import resources

import attrs

from subsidy_rules.core.datafile import Node, load_toml
from subsidy_rules.core.errors import NoValueInForceError, UnknownCodeError
from subsidy_rules.docs.labels import with_unit
from subsidy_rules.parameters import PACKAGED_LAYERS, jurisdiction, packaged_layer

_PARAM = re.compile(r"\{([a-z0-9_.]+)\}")
NOT_SET = "未规定"
#: Shown for 全国统一规定 where only local rules set the value (the reader picks a place).
NATIONAL_NOT_SET = "全国未统一规定，请选择地区"


@attrs.frozen
class Points:
    rule: str
    object: str
    standard: str
    period: str
    basis: tuple[tuple[str, str], ...]
    example: str

    def parameters(self) -> list[str]:
        return list(dict.fromkeys(_PARAM.findall(" ".join((self.object, self.standard, self.period)))))


@cache
def points() -> dict[str, Points]:
    name = "subsidy_rules/docs/data/program_points.toml"
    text = resources.files("subsidy_rules.docs").joinpath("data/program_points.toml").read_text(encoding="utf-8")
    root = Node(name, load_toml(name, text=text))
    out: dict[str, Points] = {}
    table = root.get_table("points")
    if table is not None:
        for key in list(table.table):
            node = table.get_table(key)
            if node is None:
                continue
            raw_basis = node.table.get("basis", [])
            basis = tuple((str(b[0]), str(b[1])) for b in raw_basis if isinstance(b, list) and len(b) == 2)
            out[key] = Points(key, node.get_str("object") or "", node.get_str("standard") or "",
                              node.get_str("period") or "", basis, node.get_str("example") or "")
    root.raise_if_problems()
    return out


@cache
def _defined(pid: str) -> bool:
    return any(pid in packaged_layer(lid).parameters for lid in PACKAGED_LAYERS)


def _shown(pid: str, lid: str, on: date) -> str | None:
    if not _defined(pid):  # an unknown code: no resolve (its error would compute spelling suggestions)
        return None
    try:
        r = jurisdiction(lid).resolve(pid, on)
    except (UnknownCodeError, NoValueInForceError):
        return None
    return with_unit(r.value, r.unit)


def periods(pid: str, lid: str) -> list[tuple[str, str]]:
    """(from date, shown value) in ``lid``'s jurisdiction, oldest first; a value resolved on each boundary."""
    bounds: set[date] = set()
    for layer_id in PACKAGED_LAYERS:
        param = packaged_layer(layer_id).parameters.get(pid)
        if param is None:
            continue
        for v in param.values:
            bounds.add(v.effective_from)
            if v.until is not None:
                bounds.add(v.until + timedelta(days=1))
    out: list[tuple[str, str]] = []
    for b in sorted(bounds):
        text = _shown(pid, lid, b) or (NATIONAL_NOT_SET if lid == "national" else NOT_SET)
        if not out or out[-1][1] != text:
            out.append((b.isoformat(), text))
    return out


def value_span(pid: str, today: date) -> str:
    """A parameter's value in the box: national on the build date, re-filled by the picker."""
    text = _shown(pid, "national", today) or NATIONAL_NOT_SET
    return f'<span class="sr-pv" data-pid="{escape(pid)}">{escape(text)}</span>'


def fill(template: str, today: date) -> str:
    """The box text (HTML-escaped) with each ``{parameter}`` as a value span."""
    out = []
    last = 0
    for m in _PARAM.finditer(template):
        out.append(escape(template[last:m.start()]))
        out.append(value_span(m.group(1), today))
        last = m.end()
    out.append(escape(template[last:]))
    return "".join(out)


def picker(pids: Sequence[str], today: date) -> str:
    """The jurisdiction and date picker with the periods of every value the box shows (JSON in the page)."""
    data = {lid: {pid: periods(pid, lid) for pid in pids} for lid in PACKAGED_LAYERS}
    options = "".join(
        f'<option value="{escape(lid)}">{escape(layer_label(lid))}</option>' for lid in PACKAGED_LAYERS)
    return (
        '<div class="sr-picker">'
        f'<label>地区 <select class="sr-pick-layer" aria-label="选择地区">{options}</select></label> '
        f'<label>日期 <input type="date" class="sr-pick-date" value="{today.isoformat()}" '
        'aria-label="选择日期"></label>'
        '<span class="sr-pick-note">（切换后，框内取值按所选地区在所选日期有效的规定显示）</span>'
        f'<script type="application/json" class="sr-pv-data">{json.dumps(data, ensure_ascii=False)}</script>'
        "</div>"
    )


def layer_label(lid: str) -> str:
    """A layer as officers name it: 全国统一规定; 湖北省（含全国统一规定）…"""
    if lid == "national":
        return "全国统一规定"
    return f"{packaged_layer(lid).name_zh}（地方规定）"
