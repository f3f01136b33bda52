"""Assemble the site: one page per registry, an index, written deterministically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import attrs

from subsidy_rules.docs import pages_eligibility, pages_forms, pages_foundation, pages_issues
from subsidy_rules.docs.html import esc, page


@attrs.frozen
class Page:
    """One page of the site: file name, title and a renderer of its body."""

    slug: str
    title: str
    render: Callable[[], str]


#: The pages, in navigation order.
PAGES: tuple[Page, ...] = (
    Page("programs.html", "补贴项目 Programs", pages_foundation.programs_body),
    Page("parameters.html", "政策参数 Parameters", pages_foundation.parameters_body),
    Page("eligibility.html", "享受条件 Eligibility rules", pages_eligibility.eligibility_body),
    Page("issues.html", "问题分类 Issue taxonomy", pages_issues.issues_body),
    Page("crosswalks.html", "对照表 Crosswalks", pages_issues.crosswalks_body),
    Page("forms.html", "统计表式 Forms", pages_forms.forms_body),
    Page("documents.html", "依据文件 Documents", pages_foundation.documents_body),
)


def _index_body() -> str:
    items = "".join(f'<li><a href="{esc(p.slug)}">{esc(p.title)}</a></li>' for p in PAGES)
    return (
        "<p>就业补助资金“一卡通”专项治理的规则库：补贴项目目录、政策参数、问题分类与统计表式。"
        "本站全部内容由代码中的数据生成。</p>"
        '<p class="en">Generated from the library\'s own registries: what you read here is what the code does.'
        " Facts not yet confirmed from a primary text are marked 未核实; form labels the sources lost are"
        " marked 重构.</p>"
        f"<ul>{items}</ul>"
    )


def build_site(out: Path) -> list[Path]:
    """Write the site under ``out``; returns the files written (same input → same bytes)."""
    out.mkdir(parents=True, exist_ok=True)
    nav = [("index.html", "首页 Home")] + [(p.slug, p.title) for p in PAGES]
    written = []
    for slug, title, body in [("index.html", "subsidy_rules 文档", _index_body())] + [
        (p.slug, p.title, p.render()) for p in PAGES
    ]:
        path = out / slug
        path.write_text(page(title, nav, body), encoding="utf-8")
        written.append(path)
    return written
