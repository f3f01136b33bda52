"""Load the taxonomy and the crosswalks, check them, and answer lookups.

The data are two TOML files beside this module, ``data/taxonomy.toml`` and
``data/crosswalks.toml``. Both are read through
:func:`subsidy_rules.datafile.load_toml` and the :class:`~subsidy_rules.datafile.Node`
walker, so a bad entry is reported by file and key path
(``sources.wuhan-2022-problem-stats.items[5].nodes``), every problem at once.

Checks made on load: codes well formed and unique; parents defined before
their children; a child of the same kind as its parent; problems, and only
problems, ranked above ``none``; every node cites at least one known
document; crosswalk node codes exist; form columns numbered 1..N in order;
an item that maps to no node says why.

References:
    See :mod:`subsidy_rules.issues` for the sources and their ids.

Limitations:
    A column *reports* a node when it lists the node or one of its
    ancestors. A finding classified only at a parent level (e.g.
    ``payment.excess``) therefore has no column on a form that splits the
    parent (seed 003 附件2 columns 7 and 8); classify it more finely, or ask
    :meth:`Taxonomy.columns_for` with ``include_descendants=True`` to see the
    columns of its parts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from functools import cache
from importlib import resources
from typing import Any

from subsidy_rules.core.citation import Citation, cite, documents
from subsidy_rules.core.datafile import Node, load_toml
from subsidy_rules.core.errors import UnknownCodeError
from subsidy_rules.core.provenance import Provenance
from subsidy_rules.issues.model import (
    Crosswalk,
    CrosswalkItem,
    Gravity,
    Handling,
    IssueType,
    Measure,
    NodeKind,
    SourceKind,
)

TAXONOMY_FILE = "subsidy_rules/issues/data/taxonomy.toml"
CROSSWALKS_FILE = "subsidy_rules/issues/data/crosswalks.toml"

_CODE = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$")
_SOURCE_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_LIST_KEY = re.compile(r"^[1-9][0-9]*(\.[1-9][0-9]*)*$")


def _choices(cls: type[NodeKind | Measure | Gravity | Handling | Provenance | SourceKind]) -> dict[str, Any]:
    return {m.value: m for m in cls}


class Taxonomy:
    """The tree of issue types and every crosswalk, indexed for lookup.

    Iterating gives every node in tree order (a parent, then its subtrees,
    in file order).
    """

    def __init__(self, issues: Sequence[IssueType], crosswalks: Sequence[Crosswalk]) -> None:
        self._issues = {i.code: i for i in issues}
        self._children: dict[str | None, list[str]] = {}
        for issue in issues:
            self._children.setdefault(issue.parent, []).append(issue.code)
        self._order = list(self._walk(None))
        self._crosswalks = {c.id: c for c in crosswalks}

    def _walk(self, parent: str | None) -> Iterator[str]:
        for code in self._children.get(parent, ()):
            yield code
            yield from self._walk(code)

    # -- the tree ----------------------------------------------------------
    def __iter__(self) -> Iterator[IssueType]:
        return (self._issues[c] for c in self._order)

    def __len__(self) -> int:
        return len(self._issues)

    def __contains__(self, code: object) -> bool:
        return code in self._issues

    def get(self, code: str) -> IssueType:
        """The node with this exact code."""
        try:
            return self._issues[code]
        except KeyError:
            raise UnknownCodeError(f"unknown issue code {code!r}", self.suggest(code)) from None

    def lookup(self, text: str) -> IssueType:
        """A node by code or by its exact Chinese name."""
        text = text.strip()
        if text in self._issues:
            return self._issues[text]
        for issue in self:
            if issue.name_zh == text:
                return issue
        raise UnknownCodeError(f"no issue type has the code or name {text!r}", self.suggest(text))

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """Up to ``n`` codes whose code or Chinese name is close to ``text``."""
        keys: dict[str, str] = {}
        for issue in self:
            keys.setdefault(issue.code, issue.code)
            keys.setdefault(issue.name_zh, issue.code)
        close = difflib.get_close_matches(text, list(keys), n=n * 2, cutoff=0.5)
        return list(dict.fromkeys(keys[c] for c in close))[:n]

    def roots(self) -> list[IssueType]:
        return [self._issues[c] for c in self._children.get(None, ())]

    def children(self, code: str) -> list[IssueType]:
        self.get(code)
        return [self._issues[c] for c in self._children.get(code, ())]

    def ancestors(self, code: str) -> list[IssueType]:
        """The parent, its parent, … up to the root (nearest first)."""
        out: list[IssueType] = []
        parent = self.get(code).parent
        while parent is not None:
            node = self._issues[parent]
            out.append(node)
            parent = node.parent
        return out

    def descendants(self, code: str) -> list[IssueType]:
        """Every node below ``code``, in tree order."""
        self.get(code)
        return [self._issues[c] for c in self._walk(code)]

    # -- crosswalks ----------------------------------------------------------
    def sources(self) -> list[str]:
        """Every crosswalk source id: the seeds' category lists, then the forms."""
        return list(self._crosswalks)

    def forms(self) -> list[str]:
        """The ids of the sources that are forms."""
        return [c.id for c in self._crosswalks.values() if c.kind is SourceKind.FORM]

    def crosswalk(self, source_id: str) -> Crosswalk:
        try:
            return self._crosswalks[source_id]
        except KeyError:
            raise UnknownCodeError(
                f"unknown crosswalk source {source_id!r} (known: {', '.join(self._crosswalks)})",
                difflib.get_close_matches(source_id, list(self._crosswalks), n=3, cutoff=0.5),
            ) from None

    def _covering(self, code: str, include_descendants: bool) -> frozenset[str]:
        codes = {code, *(a.code for a in self.ancestors(code))}
        if include_descendants:
            codes.update(d.code for d in self.descendants(code))
        return frozenset(codes)

    def columns_for(self, code: str, *, include_descendants: bool = False) -> dict[str, list[int]]:
        """For each form, the columns that report ``code``; an empty list when none does.

        A column reports a node when it lists the node or one of its
        ancestors (seed 000 附件2 column 6 lists ``payment.excess``, so it
        reports ``payment.excess.beyond-scope``). With
        ``include_descendants`` a column listing a part of the node counts
        too.
        """
        wanted = self._covering(code, include_descendants)
        out: dict[str, list[int]] = {}
        for cw in self._crosswalks.values():
            if cw.kind is not SourceKind.FORM:
                continue
            out[cw.id] = [it.column for it in cw.items if it.column is not None and wanted.intersection(it.nodes)]
        return out

    def items_for(self, code: str, *, exact: bool = False) -> list[tuple[str, CrosswalkItem]]:
        """Every (source id, item) whose nodes cover ``code`` (or name it, when ``exact``)."""
        wanted = frozenset({code}) if exact else self._covering(code, False)
        self.get(code)
        return [
            (cw.id, item)
            for cw in self._crosswalks.values()
            for item in cw.items
            if wanted.intersection(item.nodes)
        ]


# ---------------------------------------------------------------------------
# Loading


def _load_issues(root: Node) -> list[IssueType]:
    known_docs = documents()
    root.unknown_keys({"issues"})
    allowed = {
        "code", "name_zh", "name_en", "name_provenance", "definition_zh", "definition_en",
        "kind", "measure", "gravity", "handling", "sources",
    }
    issues: dict[str, IssueType] = {}
    for node in root.get_tables("issues", required=True):
        node.unknown_keys(allowed)
        code = node.get_str("code")
        if code is None:
            continue
        if not _CODE.match(code):
            node.invalid("code", f"{code!r} is not a code (lower-case ASCII segments joined by dots)")
            continue
        if code in issues:
            node.invalid("code", f"duplicate code {code!r}")
            continue
        parent_code = code.rpartition(".")[0] or None
        parent = issues.get(parent_code) if parent_code else None
        if parent_code is not None and parent is None:
            node.invalid("code", f"parent {parent_code!r} is not defined before {code!r}")
            continue
        is_root = parent is None
        kind: NodeKind | None = node.get_choice("kind", _choices(NodeKind), required=is_root)
        measure: Measure | None = node.get_choice("measure", _choices(Measure), required=is_root)
        gravity: Gravity | None = node.get_choice("gravity", _choices(Gravity), required=is_root)
        handling = _handling(node, parent)
        if parent is not None:
            if kind is not None and kind is not parent.kind:
                node.invalid("kind", f"{kind.value!r} differs from the parent's {parent.kind.value!r}")
            kind = kind or parent.kind
            measure = measure or parent.measure
            gravity = gravity or parent.gravity
        if kind is not None and gravity is not None and (kind is NodeKind.PROBLEM) == (gravity is Gravity.NONE):
            node.invalid("gravity", "problems rank high/medium/low; facts and outcomes rank none")
        provenance = node.get_choice(
            "name_provenance",
            {p.value: p for p in (Provenance.SOURCE, Provenance.RECONSTRUCTED)},
            required=False,
        )
        citations, quotes = _sources(node, known_docs)
        texts = [node.get_str(k) for k in ("name_zh", "name_en", "definition_zh", "definition_en")]
        name_zh, name_en, definition_zh, definition_en = texts
        if (
            name_zh and name_en and definition_zh and definition_en and citations
            and kind and measure and gravity and handling is not None
        ):
            issues[code] = IssueType(
                code=code,
                name_zh=name_zh,
                name_en=name_en,
                definition_zh=definition_zh,
                definition_en=definition_en,
                parent=parent_code,
                kind=kind,
                measure=measure,
                gravity=gravity,
                handling=handling,
                citations=citations,
                source_text=quotes,
                name_provenance=provenance or Provenance.SOURCE,
            )
    return list(issues.values())


def _handling(node: Node, parent: IssueType | None) -> tuple[Handling, ...] | None:
    if "handling" not in node.table:
        if parent is None:
            node.invalid("handling", "missing (a root must say how its problems are handled; [] for none)")
            return None
        return parent.handling
    names = node.get_str_list("handling", required=True)
    allowed = _choices(Handling)
    out: list[Handling] = []
    for name in names:
        if name not in allowed:
            node.invalid("handling", f"{name!r} is not one of: {', '.join(allowed)}")
            return None
        out.append(allowed[name])
    return tuple(out)


def _sources(node: Node, known_docs: dict[str, Any]) -> tuple[tuple[Citation, ...], tuple[str, ...]]:
    citations: list[Citation] = []
    quotes: list[str] = []
    entries = 0
    for snode in node.get_tables("sources", required=True):
        entries += 1
        snode.unknown_keys({"document", "article", "text"})
        doc = snode.get_str("document")
        article = snode.get_str("article")
        text = snode.get_str("text")
        if doc is not None and doc not in known_docs:
            snode.invalid("document", f"unknown document {doc!r}")
            continue
        if doc and article and text:
            citations.append(cite(doc, article))
            quotes.append(text)
    if "sources" in node.table and entries == 0:
        node.invalid("sources", "every node needs at least one source")
    return tuple(citations), tuple(quotes)


def _load_crosswalks(root: Node, issues: Sequence[IssueType]) -> list[Crosswalk]:
    known_docs = documents()
    codes = {i.code for i in issues}
    root.unknown_keys({"sources"})
    out: list[Crosswalk] = []
    for sid, snode in root.get_named_tables("sources", required=True):
        snode.unknown_keys({"kind", "title_zh", "title_en", "document", "article", "items"})
        if not _SOURCE_ID.match(sid):
            snode.invalid(None, f"{sid!r} is not a source id (lower-case ASCII and hyphens)")
        kind: SourceKind | None = snode.get_choice("kind", _choices(SourceKind))
        title_zh, title_en = snode.get_str("title_zh"), snode.get_str("title_en")
        doc = snode.get_str("document")
        if doc is not None and doc not in known_docs:
            snode.invalid("document", f"unknown document {doc!r}")
            doc = None
        items = _items(snode, kind, codes, issues)
        if kind and title_zh and title_en and doc and items:
            out.append(
                Crosswalk(
                    id=sid,
                    kind=kind,
                    title_zh=title_zh,
                    title_en=title_en,
                    citation=cite(doc, snode.get_str("article", required=False)),
                    items=tuple(items),
                )
            )
    return out


def _items(
    snode: Node, kind: SourceKind | None, codes: set[str], issues: Sequence[IssueType]
) -> list[CrosswalkItem]:
    allowed = {
        "key", "label_zh", "label_en", "provenance", "measure", "group_zh", "article",
        "nodes", "nodes_cited_by", "note", "candidates",
    }
    parsed: list[tuple[Node, dict[str, Any]]] = []
    seen: set[str] = set()
    for inode in snode.get_tables("items", required=True):
        inode.unknown_keys(allowed)
        key = inode.get_str("key")
        fields: dict[str, Any] = {
            "key": key,
            "label_zh": inode.get_str("label_zh"),
            "label_en": inode.get_str("label_en"),
            "provenance": inode.get_choice("provenance", _choices(Provenance), required=False) or Provenance.SOURCE,
            "measure": inode.get_choice("measure", _choices(Measure), required=kind is SourceKind.FORM),
            "group_zh": inode.get_str("group_zh", required=False),
            "article": inode.get_str("article", required=False),
            "note": inode.get_str("note", required=False),
            "candidates": _codes(inode, "candidates", codes),
        }
        if key is not None:
            if key in seen:
                inode.invalid("key", f"duplicate key {key!r}")
            seen.add(key)
            if kind is SourceKind.FORM and key != str(len(parsed) + 1):
                expected = len(parsed) + 1
                inode.invalid("key", f"form columns are numbered 1..N in order; expected {expected}, got {key!r}")
            elif kind is SourceKind.CATEGORY_LIST and not _LIST_KEY.match(key):
                inode.invalid("key", f"{key!r} is not a position such as 1 or 1.2")
        fields["nodes"] = _item_nodes(inode, codes, issues)
        parsed.append((inode, fields))
    # A list heading without nodes covers what its sub-items cover.
    for inode, fields in parsed:
        if fields["nodes"] is None and fields["key"] is not None:
            prefix = fields["key"] + "."
            union = [n for _, f in parsed if (f["key"] or "").startswith(prefix) for n in (f["nodes"] or ())]
            fields["nodes"] = tuple(dict.fromkeys(union))
        if not fields["nodes"] and not fields["note"]:
            inode.invalid("nodes", "maps to no node: list nodes, or say why in note")
    items: list[CrosswalkItem] = []
    for _, fields in parsed:
        if fields["key"] and fields["label_zh"] and fields["label_en"]:
            fields["nodes"] = fields["nodes"] or ()
            fields["column"] = int(fields["key"]) if kind is SourceKind.FORM and fields["key"].isdigit() else None
            items.append(CrosswalkItem(**fields))
    return items


def _item_nodes(inode: Node, codes: set[str], issues: Sequence[IssueType]) -> tuple[str, ...] | None:
    has_nodes = "nodes" in inode.table
    cited_by = inode.get_str("nodes_cited_by", required=False)
    if has_nodes and cited_by is not None:
        inode.invalid("nodes_cited_by", "give nodes or nodes_cited_by, not both")
        return ()
    if cited_by is not None:
        # Problems only: a problem list's type column never holds a fact or an outcome.
        found = tuple(
            i.code
            for i in issues
            if i.kind is NodeKind.PROBLEM and any(c.document_key == cited_by for c in i.citations)
        )
        if not found:
            inode.invalid("nodes_cited_by", f"no node cites {cited_by!r}")
        return found
    if not has_nodes:
        return None
    return _codes(inode, "nodes", codes)


def _codes(inode: Node, key: str, codes: set[str]) -> tuple[str, ...]:
    out = inode.get_str_list(key)
    for code in out:
        if code not in codes:
            inode.invalid(key, f"unknown issue code {code!r}")
    return tuple(c for c in out if c in codes)


def _read(name: str, text: str | None, resource: str) -> Node:
    if text is None:
        text = resources.files("subsidy_rules.issues").joinpath(resource).read_text("utf-8")
    return Node(name, load_toml(name, text=text))


def load_taxonomy(
    taxonomy_text: str | None = None,
    crosswalks_text: str | None = None,
    *,
    taxonomy_name: str = TAXONOMY_FILE,
    crosswalks_name: str = CROSSWALKS_FILE,
) -> Taxonomy:
    """Load and check the taxonomy; the packaged files unless texts are given.

    Raises :class:`~subsidy_rules.errors.DataFileError` listing every
    problem by file and key path.
    """
    troot = _read(taxonomy_name, taxonomy_text, "data/taxonomy.toml")
    issues = _load_issues(troot)
    troot.raise_if_problems()
    croot = _read(crosswalks_name, crosswalks_text, "data/crosswalks.toml")
    crosswalks = _load_crosswalks(croot, issues)
    croot.raise_if_problems()
    return Taxonomy(issues, crosswalks)


@cache
def taxonomy() -> Taxonomy:
    """The packaged taxonomy and crosswalks (loaded once)."""
    return load_taxonomy()
