"""The engine: registries → Markdown pages → mkdocs-material → a static site that works offline.

:func:`build_site` writes one Markdown page per registry entry (the page
kinds of :mod:`subsidy_rules.docs.kinds`), copies the hand-written Chinese
guides from the repository's ``docs/`` folder beside them, writes
``mkdocs.yml`` and runs ``mkdocs build`` in process, in strict mode: a link
to a page or an anchor that does not exist fails the build.

Offline by design: no web fonts (``theme.font: false``), no CDN, the search
index and its Chinese segmentation (jieba at build time; material's segmenter
over the index's own words in the browser) ship with the site.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from subsidy_rules import __version__
from subsidy_rules.docs.kinds import all_kinds
from subsidy_rules.docs.labels import with_unit
from subsidy_rules.docs.md import heading, t, table
from subsidy_rules.docs.model import Caveat, PageKind, Site, caveat_legend, group_entries
from subsidy_rules.docs.sources import Sources, default_sources
from subsidy_rules.docs.style import EXTRA_CSS, EXTRA_JS
from subsidy_rules.parameters import PACKAGED_LAYERS, packaged_layer

#: Where the hand-written guides live in a source checkout (``docs/`` at the repository root).
REPO_DOCS = Path(__file__).resolve().parents[3] / "docs"

#: The separator material's search needs for jieba-segmented Chinese (zero-width space).
SEARCH_SEPARATOR = r'[\s\u200b\-_,:!=\[\]()"`/]+|\.(?!\d)|&[lg]t;|(?!\b)(?=[A-Z][a-z])'


def build_date() -> date:
    """The data build date: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).date()
    return datetime.now(UTC).date()


def _front(title: str, boost: float | None = None, keywords: Sequence[str] = ()) -> str:
    import json

    head = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n"
    if boost is not None:
        head += f"search:\n  boost: {boost}\n"
    if keywords:
        head += f"tags: {json.dumps(list(keywords), ensure_ascii=False)}\n"
    return head + "---\n\n"


def _page(
    site: Site,
    depth: int,
    title: str,
    body_fn: Callable[[Site], str],
    boost: float | None = None,
    keywords: Sequence[str] = (),
) -> str:
    site.begin_page(depth)
    body = body_fn(site)
    legend = caveat_legend(site.used_caveats(), site.root())
    return _front(title, boost, keywords) + f"# {t(title)}\n\n" + legend + body


def _kind_index(kind: PageKind, site: Site) -> str:
    out = [f"{kind.intro_zh}\n\n"]
    if kind.index is not None:
        out.append(kind.index(site))
        return "".join(out)
    entries = list(site.entries[kind.id].values())
    if not entries:
        return "".join(out) + "（本库目前没有这一类条目。）\n"
    groups = group_entries(entries)
    for n, (group, items) in enumerate(groups.items(), start=1):
        if group:
            out.append(heading(2, t(group), f"g{n}"))
        out.append(table(["名称", "说明"], [[site.link(kind.id, e.key), t(e.summary)] for e in items]))
    return "".join(out)


def _guides(guides_dir: Path | None) -> list[tuple[str, str, str]]:
    """(file name, title, text) of each hand-written guide, in file-name order."""
    if guides_dir is None or not (guides_dir / "guides").is_dir():
        return []
    out = []
    for path in sorted((guides_dir / "guides").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
        out.append((path.name, title, text))
    return out


def _home(site: Site, kinds: Sequence[PageKind], guides: list[tuple[str, str, str]]) -> str:
    out = [
        "就业补助资金“一卡通”专项治理的规则库：补贴项目、享受条件、政策参数、问题类型、核查规则、统计表式和依据文件。"
        "本站全部条目由代码中的数据生成，读到的就是程序实际执行的内容；每个取值、条件和问题类型都注明出处。\n\n"
        "在页面顶部的搜索框输入中文即可查找，例如“公益性岗位”“灵活就业”“一人多卡”“20个工作日”。\n",
    ]
    if guides:
        out.append(heading(2, "从这里开始", "start"))
        out.append("\n".join(f"- [{t(title)}](guides/{name})" for name, title, _ in guides) + "\n")
    rules = site.entries.get("rule", {})
    if rules:
        out.append(heading(2, "有享受条件规则的补贴", "rules"))
        out.append("\n".join(f"- {site.link('rule', k)}" for k in rules) + "\n")
    out.append(heading(2, "目录", "sections"))
    out.append(table(["栏目", "条目数", "内容"], [
        [f"[{t(k.title_zh)}]({k.folder}/index.md)", str(len(site.entries[k.id])), t(k.intro_zh)] for k in kinds
    ]))
    out.append(heading(2, "标记的含义", "marks"))
    out.append("\n".join(f"- **{c.label_zh}**：{c.explanation_zh}" for c in Caveat) + "\n")
    out.append("\n详见[标记说明](about/legend.md)。版本与数据日期见[变更记录](changelog.md)。\n")
    return "".join(out)


def _legend_page() -> str:
    out = ["本站用下列标记提醒读者：这一条内容的来源有什么需要注意的地方。标记出现在哪一页，"
           "那一页顶部就会列出它的说明。\n"]
    for c in Caveat:
        out.append(heading(2, c.label_zh, c.value))
        out.append(c.explanation_zh + "\n")
    out.append(heading(2, "代码", "codes"))
    out.append("页面底部灰色小字的代码（如项目代码、参数代码）是给脚本和本地参数层文件用的，"
               "阅读时可以忽略；页面正文一律使用中文名称。\n")
    return "".join(out)


def _changelog(site: Site, guides_dir: Path | None) -> str:
    from subsidy_rules.io.json import SCHEMA_VERSION

    out = [f"当前版本：**subsidy_rules {t(site.version)}**，数据生成日期 **{site.today.isoformat()}**，"
           f"JSON 文档的 `schema_version` 为 **{t(SCHEMA_VERSION)}**。\n"]
    if guides_dir is not None and (guides_dir / "changelog.md").is_file():
        text = (guides_dir / "changelog.md").read_text(encoding="utf-8")
        out.append(heading(2, "本库的变更", "library"))
        out.append("\n".join(line for line in text.splitlines() if not line.startswith("# ")) + "\n")
    out.append(heading(2, "政策取值的变化（新在前）", "policy"))
    out.append("各层政策参数每一次取值变化，按生效日期排列。\n\n")
    events = []
    for lid in PACKAGED_LAYERS:
        layer = packaged_layer(lid)
        for param in layer:
            if not site.has("parameter", param.id):
                continue
            for v in param.values:
                value = "终止" if v.ends else with_unit(v.value, param.unit)
                events.append((v.effective_from, lid, [
                    v.effective_from.isoformat(), t(layer.name_zh), site.link("parameter", param.id),
                    value, site.cite(v.citation, quote=False)]))
    events.sort(key=lambda e: (e[0], e[1]), reverse=True)
    out.append(table(["生效日期", "层级", "参数", "取值", "依据"], [e[2] for e in events]))
    return "".join(out)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_sources(
    src_dir: Path,
    *,
    sources: Sources | None = None,
    today: date | None = None,
    guides_dir: Path | None = REPO_DOCS,
) -> tuple[Site, list[Any]]:
    """Write the Markdown pages under ``src_dir``; returns the site and the mkdocs ``nav``."""
    kinds = all_kinds(sources if sources is not None else default_sources())
    site = Site(kinds, today or build_date(), __version__)
    guides = _guides(guides_dir)
    _write(src_dir / "index.md", _page(site, 0, "就业补助资金规则库", lambda s: _home(s, kinds, guides)))
    nav: list[Any] = [{"首页": "index.md"}]
    if guides:
        for name, _title, text in guides:
            _write(src_dir / "guides" / name, text)
        nav.append({"使用指南": [f"guides/{name}" for name, _, _ in guides]})
    for kind in kinds:
        _write(src_dir / kind.folder / "index.md",
               _page(site, 1, kind.title_zh, functools.partial(_kind_index, kind)))
        pages: list[Any] = [f"{kind.folder}/index.md"]
        for entry in site.entries[kind.id].values():
            _write(src_dir / site.path(kind.id, entry.key),
                   _page(site, 1, entry.title, entry.render, entry.boost, entry.keywords))
            pages.append(site.path(kind.id, entry.key))
        nav.append({kind.title_zh: pages})
    _write(src_dir / "about" / "legend.md", _page(site, 1, "标记说明", lambda s: _legend_page()))
    _write(src_dir / "changelog.md", _page(site, 0, "变更记录", lambda s: _changelog(s, guides_dir)))
    _write(src_dir / "assets" / "extra.css", EXTRA_CSS)
    _write(src_dir / "assets" / "extra.js", EXTRA_JS)
    nav.append({"关于": ["about/legend.md", "changelog.md"]})
    return site, nav


def mkdocs_config(src_dir: Path, out: Path, site: Site, nav: list[Any]) -> dict[str, Any]:
    """The mkdocs.yml content (a dict; written as JSON, which YAML reads)."""
    return {
        "site_name": "就业补助资金规则库",
        "site_description": "就业补助资金“一卡通”专项治理规则库：补贴项目、享受条件、政策参数、问题类型、统计表式",
        "docs_dir": str(src_dir),
        "site_dir": str(out),
        "use_directory_urls": False,
        "strict": True,
        "validation": {
            "nav": {"omitted_files": "warn", "not_found": "warn", "absolute_links": "warn"},
            "links": {"not_found": "warn", "anchors": "warn", "absolute_links": "warn", "unrecognized_links": "warn"},
        },
        "copyright": f"subsidy_rules {site.version} · 数据生成日期 {site.today.isoformat()} · 本站由代码中的数据生成",
        "theme": {
            "name": "material",
            "language": "zh",
            "font": False,
            "features": [
                "navigation.tabs",
                "navigation.indexes",
                "navigation.prune",
                "navigation.top",
                "navigation.footer",
                # not "search.highlight": material cuts a Chinese query into index words minus its
                # last character (公益性岗位 → 公益性* 岗), so it marked a lone 岗 on the page opened.
                "toc.follow",
                "content.code.copy",
            ],
            "palette": [
                {"media": "(prefers-color-scheme: light)", "scheme": "default", "primary": "indigo",
                 "toggle": {"icon": "material/weather-night", "name": "切换到深色模式"}},
                {"media": "(prefers-color-scheme: dark)", "scheme": "slate", "primary": "indigo",
                 "toggle": {"icon": "material/weather-sunny", "name": "切换到浅色模式"}},
            ],
        },
        "extra": {"generator": False},
        "extra_css": ["assets/extra.css"],
        "extra_javascript": ["assets/extra.js"],
        "plugins": [{"search": {"lang": "zh", "separator": SEARCH_SEPARATOR}}],
        "markdown_extensions": [
            "attr_list",
            "admonition",
            "tables",
            "md_in_html",
            "pymdownx.superfences",
            {"toc": {"permalink": True, "permalink_title": "本节链接"}},
        ],
        "nav": nav,
    }


def build_site(
    out: Path,
    *,
    sources: Sources | None = None,
    today: date | None = None,
    guides_dir: Path | None = REPO_DOCS,
    keep_sources: Path | None = None,
) -> list[Path]:
    """Build the site into ``out``; returns the HTML pages written.

    ``keep_sources`` keeps the generated Markdown and ``mkdocs.yml`` in that
    folder (for reading or for ``mkdocs serve``); otherwise they live in a
    temporary folder. Raises ``mkdocs.exceptions.Abort`` when a link or an
    anchor does not resolve (strict mode).
    """
    import json

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = out.resolve()
    with tempfile.TemporaryDirectory(prefix="subsidy-rules-docs-") as tmp:
        work = keep_sources.resolve() if keep_sources is not None else Path(tmp)
        src_dir = work / "docs"
        if src_dir.exists():
            shutil.rmtree(src_dir)
        site, nav = write_sources(src_dir, sources=sources, today=today, guides_dir=guides_dir)
        yml = work / "mkdocs.yml"
        yml.write_text(json.dumps(mkdocs_config(src_dir, out, site, nav), ensure_ascii=False, indent=1),
                       encoding="utf-8")
        config = load_config(str(yml))
        logging.getLogger("jieba").setLevel(logging.WARNING)  # imported by the search plugin; quiet its banner
        build(config)
    return sorted(out.rglob("*.html"))
