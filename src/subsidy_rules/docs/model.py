"""The generator's model: page kinds, entries, and the site context that links them.

A :class:`PageKind` turns one registry into pages: an index page for the
kind and one page per :class:`Entry`. The kinds the site shows are listed in
:mod:`subsidy_rules.docs.kinds`; the engine (:mod:`.site`) knows nothing of
any registry. A later registry (the rectification ledger) gets its pages by
adding a kind module and its data, not by changing the engine.

Pages link to each other only through :meth:`Site.link` / :meth:`Site.href`,
so every link names a page that exists (a missing target is a
``KeyError`` at build time, not a broken link at read time) and every caveat
badge goes through :meth:`Site.caveat`, which also records it for the page's
legend.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

import attrs

from subsidy_rules.core.citation import Citation
from subsidy_rules.docs.md import t


class Caveat(enum.Enum):
    """The marks a page may carry, each explained in plain Chinese."""

    UNCONFIRMED = "unconfirmed"
    RECONSTRUCTED = "reconstructed"
    PLACEHOLDER = "placeholder"
    LOST = "lost"

    @property
    def label_zh(self) -> str:
        return _CAVEAT_TEXT[self][0]

    @property
    def explanation_zh(self) -> str:
        return _CAVEAT_TEXT[self][1]


_CAVEAT_TEXT: dict[Caveat, tuple[str, str]] = {
    Caveat.UNCONFIRMED: (
        "未核实",
        "这一条内容（取值、条款或引文）目前只见于二手材料，维护者尚未读到文件原文核对。"
        "它不表示文件本身有疑问，而是本库对它的引用还待核对；使用前请对照原文。",
    ),
    Caveat.RECONSTRUCTED: (
        "重构",
        "原文没有印出这一名称、栏目或栏次（例如转成文字时表头丢失），由维护者根据原文的说明拟定。"
        "在生成的表格模板中以“（拟）”标示。它不是原文用语。",
    ),
    Caveat.PLACEHOLDER: (
        "占位值",
        "上级文件只规定了原则，具体数额由地方确定；这里的数值是为了让计算能进行而设的临时值，"
        "不是任何文件规定的标准。请在本地参数层中改为本地文件的规定。",
    ),
    Caveat.LOST: (
        "原文缺失",
        "原文在这里的标签已经丢失，且没有其他说明可以据以重构；本库只保留其位置。",
    ),
}


@attrs.frozen
class Entry:
    """One page of a kind: ``key`` is the registry key (and the page's file name)."""

    key: str
    title: str
    render: Callable[[Site], str]
    summary: str = ""
    #: Citations made by this entry: the document pages list them as "what cites it".
    citations: tuple[Citation, ...] = ()
    #: Extra search weight (programs outrank the pages that merely mention them).
    boost: float | None = None
    #: A grouping label for the kind's index page.
    group: str = ""
    #: Words people type for this page that its text does not hold as written
    #: (a parameter's value as a phrase: 20个工作日); indexed as search tags.
    keywords: tuple[str, ...] = ()


@attrs.frozen
class PageKind:
    """One registry's pages: ``folder/index.md`` and ``folder/<key>.md`` for each entry."""

    id: str
    folder: str
    title_zh: str
    intro_zh: str
    entries: Callable[[], Sequence[Entry]]
    #: A custom index body; by default a table of the entries (grouped by ``Entry.group``).
    index: Callable[[Site], str] | None = None


class Site:
    """What every page renderer sees: the entries of all kinds, links, caveats, back-references."""

    def __init__(self, kinds: Sequence[PageKind], today: date, version: str) -> None:
        self.kinds = {k.id: k for k in kinds}
        self.today = today
        self.version = version
        self.entries: dict[str, dict[str, Entry]] = {}
        for kind in kinds:
            seen: dict[str, Entry] = {}
            for entry in kind.entries():
                if entry.key in seen:
                    raise ValueError(f"page kind {kind.id!r}: duplicate key {entry.key!r}")
                seen[entry.key] = entry
            self.entries[kind.id] = seen
        self._depth = 1
        self._used: set[Caveat] = set()

    # -- pages being rendered ------------------------------------------------
    def begin_page(self, depth: int) -> None:
        self._depth = depth
        self._used = set()

    def used_caveats(self) -> list[Caveat]:
        return [c for c in Caveat if c in self._used]

    # -- links ------------------------------------------------------------------
    def has(self, kind: str, key: str) -> bool:
        return key in self.entries.get(kind, {})

    def entry(self, kind: str, key: str) -> Entry:
        return self.entries[kind][key]

    def path(self, kind: str, key: str) -> str:
        """The Markdown file of an entry, from the site root."""
        folder = self.kinds[kind].folder
        if key not in self.entries[kind]:
            raise KeyError(f"no {kind} page for {key!r}")
        return f"{folder}/{key}.md"

    def root(self) -> str:
        return "../" * self._depth

    def href(self, kind: str, key: str, anchor: str | None = None) -> str:
        return self.root() + self.path(kind, key) + (f"#{anchor}" if anchor else "")

    def link(self, kind: str, key: str, label: str | None = None, anchor: str | None = None) -> str:
        """A Markdown link to an entry's page; the label defaults to the entry's title."""
        text = t(label if label is not None else self.entry(kind, key).title)
        return f"[{text}]({self.href(kind, key, anchor)})"

    def link_or_text(self, kind: str, key: str, label: str | None = None) -> str:
        """A link when the page exists, else the label and the code (a name the registry lacks)."""
        if self.has(kind, key):
            return self.link(kind, key, label)
        return f"{t(label or key)}（本库未收录）"

    def page_href(self, path: str) -> str:
        """A link target to a non-kind page (``about/legend.md``, ``changelog.md``)."""
        return self.root() + path

    # -- caveats ----------------------------------------------------------------
    def caveat(self, which: Caveat) -> str:
        self._used.add(which)
        href = self.page_href(f"about/legend.md#{which.value}")
        return f'[{which.label_zh}]({href}){{ .sr-badge .sr-{which.value} title="{which.label_zh}：点击查看说明" }}'

    def status(self, confirmed: bool) -> str:
        return "" if confirmed else " " + self.caveat(Caveat.UNCONFIRMED)

    # -- citations --------------------------------------------------------------
    def cite(self, c: Citation, *, quote: bool = True) -> str:
        """A citation: the document (linked), the article, the status and the words quoted."""
        head = c.document_number or f"《{c.title}》"
        doc = self.link("document", c.document_key, head) if self.has("document", c.document_key) else t(head)
        out = doc + (f" {t(c.article)}" if c.article else "") + self.status(c.confirmed)
        if quote and c.quote:
            out += f"：“{t(c.quote)}”"
        return out

    def citing(self, document_key: str) -> list[tuple[str, Entry, Citation]]:
        """Every entry of every kind that cites ``document_key``: (kind id, entry, citation)."""
        out: list[tuple[str, Entry, Citation]] = []
        for kind_id, entries in self.entries.items():
            for entry in entries.values():
                for c in entry.citations:
                    if c.document_key == document_key:
                        out.append((kind_id, entry, c))
        return out


def caveat_legend(caveats: Iterable[Caveat], root: str) -> str:
    """The legend block a page carries when it shows any caveat mark."""
    items = [f"    - **{c.label_zh}**：{c.explanation_zh}" for c in caveats]
    if not items:
        return ""
    return (
        '!!! info "本页标记说明"\n\n'
        + "\n".join(items)
        + f"\n\n    详见[标记说明]({root}about/legend.md)。\n\n"
    )


def group_entries(entries: Iterable[Entry]) -> Mapping[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for e in entries:
        out.setdefault(e.group, []).append(e)
    return out
