"""Parameter pages: history as from–to periods newest first, the value in force today, layers side by side."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from subsidy_rules.core.errors import NoValueInForceError, UnknownCodeError
from subsidy_rules.docs.labels import COUNTED, with_unit
from subsidy_rules.docs.md import code, heading, t, table
from subsidy_rules.docs.model import Caveat, Entry, PageKind, Site
from subsidy_rules.docs.sources import Sources
from subsidy_rules.parameters import PACKAGED_LAYERS, DatedValue, Parameter, jurisdiction, packaged_layer

_KIND_ZH = {
    "decimal": "数额或比率",
    "ratio": "比例",
    "integer": "整数（月数、天数等）",
    "text": "文字",
    "list": "类别清单",
    "boolean": "是/否",
}


def is_placeholder(value: DatedValue) -> bool:
    """A value the data marks as a stand-in for a locally set figure."""
    note = (value.note or "").lower()
    return "placeholder" in note or "占位" in note


def definitions(pid: str) -> list[tuple[str, Parameter]]:
    """(layer id, definition) for every packaged layer that defines ``pid``, national first."""
    return [(lid, packaged_layer(lid).parameters[pid]) for lid in PACKAGED_LAYERS
            if pid in packaged_layer(lid).parameters]


def today_value(site: Site, pid: str, layer_id: str) -> str:
    """The value in force at the site's build date in ``layer_id``'s jurisdiction, for a table cell."""
    try:
        r = jurisdiction(layer_id).resolve(pid, site.today)
    except UnknownCodeError:
        return "本层未定义，由地方规定（见参数页）"
    except NoValueInForceError:
        return "今日无有效取值"
    return with_unit(r.value, r.unit) + _placeholder_mark(site, pid, r.layer)


def _placeholder_mark(site: Site, pid: str, layer_id: str) -> str:
    """The 占位值 mark when the value in force today in ``layer_id`` is a placeholder."""
    entry = packaged_layer(layer_id).parameters[pid].entry_at(site.today)
    return " " + site.caveat(Caveat.PLACEHOLDER) if entry is not None and is_placeholder(entry) else ""


def periods(param: Parameter) -> list[tuple[DatedValue, str]]:
    """Each value with its period text (起–止), newest first."""
    out = []
    values = list(param.values)
    for i, v in enumerate(values):
        nxt = values[i + 1] if i + 1 < len(values) else None
        start = v.effective_from.isoformat()
        # A value ends on its own ``until`` (inclusive) or the day before the next value begins.
        end = v.until if v.until is not None else (nxt.effective_from - timedelta(days=1) if nxt else None)
        out.append((v, f"{start} 起至今" if end is None else f"{start} 至 {end.isoformat()}"))
    return list(reversed(out))


class ParameterPage:
    def __init__(self, pid: str, src: Sources) -> None:
        self.pid = pid
        self.src = src

    def __call__(self, site: Site) -> str:
        defs = definitions(self.pid)
        first = defs[0][1]
        out = [f"{small_en(t(first.description_en))}\n\n"]
        out.append(table(["项目", "内容"], [
            ["单位", t(first.unit) or "—"],
            ["取值类型", _KIND_ZH.get(first.kind.value, t(first.kind.value))],
            ["定义所在层级", "、".join(t(packaged_layer(lid).name_zh) for lid, _ in defs)],
        ]))

        out.append(heading(2, f"今日适用的取值（{site.today.isoformat()}）", "today"))
        out.append("各地区按“全国 → 省 → 市 → 区”逐层叠加：地方值自其生效之日起覆盖上级值，之前仍适用上级值。\n\n")
        rows = []
        for lid in PACKAGED_LAYERS:
            chain = jurisdiction(lid)
            try:
                r = chain.resolve(self.pid, site.today)
            except UnknownCodeError:
                rows.append([t(packaged_layer(lid).name_zh), "本地区未定义", "—", "—"])
                continue
            except NoValueInForceError:
                rows.append([t(packaged_layer(lid).name_zh), "今日无有效取值", "—", "—"])
                continue
            rows.append([
                t(packaged_layer(lid).name_zh),
                f"**{with_unit(r.value, r.unit)}**" + _placeholder_mark(site, self.pid, r.layer),
                f"{t(packaged_layer(r.layer).name_zh)}，{r.effective_from.isoformat()} 起",
                site.cite(r.citation, quote=False) + ("" if r.confirmed or not r.citation.confirmed
                                                      else site.status(False)),
            ])
        out.append(table(["地区", "今日取值", "来自", "依据"], rows))

        out.append(heading(2, "各层取值历史（新在前）", "history"))
        for lid, param in defs:
            layer = packaged_layer(lid)
            out.append(heading(3, t(layer.name_zh), f"history-{lid}"))
            hrows = []
            for v, period in periods(param):
                mark = site.caveat(Caveat.PLACEHOLDER) if is_placeholder(v) else ""
                value = "（本层自此终止）" if v.ends else with_unit(v.value, param.unit)
                note = f"<br>{small_en(t(v.note))}" if v.note else ""
                if v.anchor:
                    note += f"<br>生效日期取自参数 {site.link_or_text('parameter', v.anchor)}（各地可不同）"
                hrows.append([
                    t(period),
                    value + (" " + mark if mark else ""),
                    site.cite(v.citation, quote=False) + ("" if v.confirmed or not v.citation.confirmed
                                                          else site.status(False)),
                    (f"“{t(v.citation.quote)}”" if v.citation.quote else "") + note,
                ])
            out.append(table(["有效期", "取值", "依据文件", "原文摘录 / 说明"], hrows))

        out.append(heading(2, "读取本参数的规则", "rules"))
        users = [k for k, spec in self.src.rules.items() if self.pid in spec.parameters]
        out.append("\n".join(f"- {site.link('rule', k)}" for k in users) + "\n" if users
                   else "本库的享受条件规则目前不读取本参数。\n")
        out.append(f"\n<small>供脚本和本地参数层文件使用的参数代码：{code(self.pid)}</small>\n")
        return "".join(out)


def small_en(text: str) -> str:
    return f'<span class="sr-en" lang="en">{text}</span>'


def value_phrases(param: Parameter) -> tuple[str, ...]:
    """Each whole-number value as people write it (20个工作日), for search."""
    out: dict[str, None] = {}
    for v in param.values:
        if isinstance(v.value, int) and not isinstance(v.value, bool) and param.unit in COUNTED:
            out[with_unit(v.value, param.unit)] = None
    return tuple(out)


def _ids() -> list[str]:
    seen: dict[str, None] = {}
    for lid in PACKAGED_LAYERS:
        for pid in packaged_layer(lid).parameters:
            seen.setdefault(pid, None)
    return list(seen)


_GROUPS = {
    "ssi": "社会保险补贴",
    "public_welfare_post": "公益性岗位",
    "disabled_post": "残疾人公益性岗位",
    "retirement": "退休年龄",
    "difficulty_person": "就业困难人员",
    "fund": "资金管理",
    "payment": "发放时限",
    "graduate": "高校毕业生",
    "contribution": "社会保险缴费",
    "minimum_wage": "最低工资",
    "regime": "制度沿革",
    "audit": "核查",
    "reporting": "报送",
}


def make(src: Sources) -> PageKind:
    def entries() -> Sequence[Entry]:
        out = []
        for pid in _ids():
            defs = definitions(pid)
            cites = tuple(v.citation for _, p in defs for v in p.values)
            out.append(Entry(
                key=pid,
                title=defs[0][1].description_zh,
                render=ParameterPage(pid, src),
                summary=pid,
                citations=cites,
                group=_GROUPS.get(pid.split(".")[0], "其他"),
                keywords=tuple(dict.fromkeys(k for _, p in defs for k in value_phrases(p))),
            ))
        return out

    return PageKind(
        id="parameter",
        folder="parameters",
        title_zh="政策参数",
        intro_zh="金额、比例、期限等由政策规定的数值。案件按其所属日期适用当时有效的取值；地方层自其生效之日起覆盖上级层。",
        entries=entries,
    )
