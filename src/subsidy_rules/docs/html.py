"""Tiny HTML helpers: escaping by default, one stylesheet, status badges."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from subsidy_rules.core.citation import Citation

STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:0;color:#1f2328}
header{background:#0b3d62;color:#fff;padding:12px 24px}header a{color:#fff;margin-right:18px;text-decoration:none}
main{padding:16px 24px;max-width:1200px}h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #c9d1d9;padding:4px 8px;vertical-align:top}
th{background:#f0f4f8;text-align:left;white-space:nowrap}td{min-width:2.5em}
.en{color:#57606a;font-size:.9em}code{background:#f6f8fa;padding:0 3px}
.badge{display:inline-block;border-radius:8px;padding:0 6px;font-size:.8em;margin-left:4px}
.ok{background:#dafbe1;color:#116329}.warn{background:#fff1c2;color:#7a4d00}.rec{background:#ffe3e3;color:#8a1c1c}
"""


def shown_value(value: object) -> str:
    """A parameter value for people: lists joined with 、, ratios as 2/3."""
    from subsidy_rules.serialization import param_value_to_json

    if isinstance(value, tuple):
        return "、".join(str(v) for v in value) or "（空）"
    return str(param_value_to_json(value))  # type: ignore[arg-type]


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def badge(confirmed: bool) -> str:
    if confirmed:
        return '<span class="badge ok">已核实 confirmed</span>'
    return '<span class="badge warn">未核实 unconfirmed</span>'


def reconstructed_badge() -> str:
    return '<span class="badge rec">重构 reconstructed</span>'


def citation(c: Citation) -> str:
    title = f"{c.title}，{c.issuer}" + (f"，{c.date.isoformat()}" if c.date else "")
    seed = f' <span class="en">[seed {esc(c.seed)}]</span>' if c.seed else ""
    return f'<span title="{esc(title)}">{esc(c.label)}</span>{badge(c.confirmed)}{seed}'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Cells are already-escaped HTML; headers are escaped here."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(title: str, nav: Sequence[tuple[str, str]], body: str) -> str:
    links = "".join(f'<a href="{esc(href)}">{esc(label)}</a>' for href, label in nav)
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · subsidy_rules</title><style>{STYLE}</style></head>"
        f"<body><header>{links}</header><main><h1>{esc(title)}</h1>{body}</main></body></html>\n"
    )
