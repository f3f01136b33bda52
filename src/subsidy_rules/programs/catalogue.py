"""The program registry: load the catalogue data, look programs up.

Lookup order for a text: exact code, exact Chinese name, exact alias, then
the normalised name (see :mod:`subsidy_rules.programs.normalise`). An
unknown text raises :class:`~subsidy_rules.errors.UnknownCodeError` with up
to three suggestions.

References:
    Seed 000 附件2 (41 rows), seed 002 三, seed 003 二（一）, seed 004, and
    the fund items of 财社〔2017〕164号 art. 3 / 财社〔2023〕181号.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import date
from functools import cache
from importlib import resources

import attrs

from subsidy_rules.core.citation import Citation, cite, documents
from subsidy_rules.core.datafile import Node, load_toml
from subsidy_rules.core.errors import UnknownCodeError
from subsidy_rules.core.text import fold
from subsidy_rules.programs.model import (
    Beneficiary,
    Channel,
    Fund,
    FundItem,
    Level,
    Program,
    Source,
)


@attrs.frozen
class CatalogueInfo:
    """One source's list of programs, in the source's order."""

    id: str
    title_zh: str
    title_en: str
    document_key: str
    codes: tuple[str, ...]
    table: str | None = None


@attrs.frozen
class Match:
    """A lookup result: the program and how the text matched it."""

    program: Program
    how: str  # code | name | alias | normalised | contains


def _enum(cls: type[FundItem | Fund | Level | Beneficiary | Channel]) -> dict[str, object]:
    return {m.value: m for m in cls}


class Catalogue:
    """All programs, every source catalogue, and the lookup indices."""

    def __init__(self, programs: list[Program], catalogues: list[CatalogueInfo]) -> None:
        self._programs = {p.code: p for p in programs}
        self._catalogues = {c.id: c for c in catalogues}
        self._by_name: dict[str, Program] = {}
        self._by_alias: dict[str, Program] = {}
        self._by_norm: dict[str, Program] = {}
        for p in programs:
            self._by_name[p.name_zh] = p
            for alias in p.aliases:
                self._by_alias[alias] = p
            for text in (p.name_zh, *p.aliases, *(s.text for s in p.sources)):
                key = fold(text)
                other = self._by_norm.setdefault(key, p)
                if other.code != p.code:
                    raise ValueError(f"normalised name {key!r} would merge {other.code} and {p.code}")

    # -- iteration --------------------------------------------------------
    def __iter__(self) -> Iterator[Program]:
        return iter(self._programs.values())

    def __len__(self) -> int:
        return len(self._programs)

    @property
    def catalogues(self) -> list[CatalogueInfo]:
        return list(self._catalogues.values())

    def catalogue(self, catalogue_id: str) -> CatalogueInfo:
        try:
            return self._catalogues[catalogue_id]
        except KeyError:
            raise UnknownCodeError(
                f"unknown catalogue {catalogue_id!r} (known: {', '.join(self._catalogues)})",
                difflib.get_close_matches(catalogue_id, list(self._catalogues), n=3),
            ) from None

    def programs_in(self, catalogue_id: str) -> list[Program]:
        """The programs of one catalogue, in the source's order."""
        return [self._programs[c] for c in self.catalogue(catalogue_id).codes]

    # -- lookup -----------------------------------------------------------
    def get(self, code: str) -> Program:
        """The program with this exact code."""
        try:
            return self._programs[code]
        except KeyError:
            raise UnknownCodeError(f"unknown program code {code!r}", self.suggest(code)) from None

    def ended(self, code: str, when: date) -> Program | None:
        """The program ``code`` when ``when`` is after its end date (a lead: paid after the program ended)."""
        program = self.get(code)
        return program if program.ended_by(when) else None

    def end_dates(self) -> dict[str, tuple[date, str]]:
        """Every program with an end date: code → (last day, the citation that states it), for a set-based check."""
        out: dict[str, tuple[date, str]] = {}
        for p in self._programs.values():
            if p.ends_on is not None:
                label = p.citations[-1].label if p.citations else ""
                out[p.code] = (p.ends_on, label)
        return out

    def match(self, text: str) -> Match | None:
        """Code, exact name, alias, then normalised name; None if nothing matches."""
        if text in self._programs:
            return Match(self._programs[text], "code")
        if text in self._by_name:
            return Match(self._by_name[text], "name")
        if text in self._by_alias:
            return Match(self._by_alias[text], "alias")
        key = fold(text)
        if key in self._by_norm:
            return Match(self._by_norm[key], "normalised")
        if key.casefold() in self._programs:
            return Match(self._programs[key.casefold()], "code")
        return None

    def lookup(self, text: str) -> Program:
        """Like :meth:`match` but raises with suggestions when nothing matches."""
        found = self.match(text)
        if found is None:
            raise UnknownCodeError(f"no program is named {text!r}", self.suggest(text))
        return found.program

    def find(self, text: str) -> list[Match]:
        """Every program the text names: the exact match if any, else all whose names contain it."""
        exact = self.match(text)
        if exact is not None:
            return [exact]
        key = fold(text)
        if not key:
            return []
        out: list[Match] = []
        for p in self._programs.values():
            names = (p.name_zh, *p.aliases, p.name_en)
            if any(key in fold(n) for n in names):
                out.append(Match(p, "contains"))
        return out

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """Up to ``n`` program names close to ``text``, best first."""
        key = fold(text)
        names = {fold(p.name_zh): p.name_zh for p in self._programs.values()}
        names.update({p.code: p.code for p in self._programs.values()})
        close = difflib.get_close_matches(key, list(names), n=n, cutoff=0.4)
        return [names[c] for c in close]


def _load() -> Catalogue:
    name = "subsidy_rules/programs/data/programs.toml"
    text = resources.files("subsidy_rules.programs").joinpath("data/programs.toml").read_text("utf-8")
    root = Node(name, load_toml(name, text=text))
    root.unknown_keys({"catalogues", "programs"})
    known_docs = documents()
    cat_meta: dict[str, tuple[str, str, str, str | None]] = {}
    for cid, node in root.get_named_tables("catalogues", required=True):
        node.unknown_keys({"title_zh", "title_en", "document", "table"})
        tz, te, cat_doc = node.get_str("title_zh"), node.get_str("title_en"), node.get_str("document")
        if cat_doc is not None and cat_doc not in known_docs:
            node.invalid("document", f"unknown document {cat_doc!r}")
        if tz and te and cat_doc:
            cat_meta[cid] = (tz, te, cat_doc, node.get_str("table", required=False))
    members: dict[str, list[tuple[int, int, str]]] = {cid: [] for cid in cat_meta}
    programs: list[Program] = []
    seen: set[str] = set()
    allowed = {
        "code",
        "name_zh",
        "name_en",
        "aliases",
        "fund_item",
        "fund",
        "level",
        "beneficiary",
        "channel",
        "parts",
        "note",
        "sources",
        "citations",
        "ends_on",
        "note_zh",
    }
    for index, node in enumerate(root.get_tables("programs", required=True)):
        node.unknown_keys(allowed)
        code = node.get_str("code")
        if code is not None:
            if code in seen:
                node.invalid("code", f"duplicate code {code!r}")
            seen.add(code)
        name_zh, name_en = node.get_str("name_zh"), node.get_str("name_en")
        fund_item = node.get_choice("fund_item", _enum(FundItem))
        sources: list[Source] = []
        citations: list[Citation] = []
        for snode in node.get_tables("sources", required=True):
            snode.unknown_keys({"catalogue", "document", "table", "row", "text"})
            source_cat = snode.get_str("catalogue")
            if source_cat is None or source_cat not in cat_meta:
                snode.invalid("catalogue", f"unknown catalogue {source_cat!r}")
                continue
            cid = source_cat
            tz, te, cdoc, ctable = cat_meta[cid]
            doc = snode.get_str("document", required=False) or cdoc
            if doc not in known_docs:
                snode.invalid("document", f"unknown document {doc!r}")
                continue
            row = snode.get_int("row", required=False)
            table = snode.get_str("table", required=False) or ctable
            src = Source(
                catalogue=cid,
                document_key=doc,
                text=snode.get_str("text", required=False) or name_zh or "",
                seed=known_docs[doc].seed,
                table=table,
                row=row,
            )
            sources.append(src)
            article = " ".join(x for x in (table, f"第{row}行" if row else None) if x) or None
            citations.append(cite(doc, article))
            if code is not None:
                members[cid].append((row if row is not None else 10_000, index, code))
        for cnode in node.get_tables("citations"):
            cnode.unknown_keys({"document", "article", "confirmed", "quote"})
            cited = cnode.get_str("document")
            if cited is None or cited not in known_docs:
                cnode.invalid("document", f"unknown document {cited!r}")
                continue
            article = cnode.get_str("article", required=False)
            quote = cnode.get_str("quote", required=False)
            citations.append(cite(cited, article, quote=quote, confirmed=cnode.get_bool("confirmed", default=None)))
        if code and name_zh and name_en and fund_item is not None:
            programs.append(
                Program(
                    code=code,
                    name_zh=name_zh,
                    name_en=name_en,
                    fund_item=fund_item,
                    aliases=node.get_str_list("aliases"),
                    fund=node.get_choice("fund", _enum(Fund), required=False),
                    level=node.get_choice("level", _enum(Level), required=False),
                    beneficiary=node.get_choice("beneficiary", _enum(Beneficiary), required=False),
                    channel=node.get_choice("channel", _enum(Channel), required=False),
                    citations=tuple(dict.fromkeys(citations)),
                    sources=tuple(sources),
                    parts=node.get_str_list("parts"),
                    note=node.get_str("note", required=False),
                    ends_on=node.get_date("ends_on", required=False),
                    note_zh=node.get_str("note_zh", required=False),
                )
            )
    codes = {p.code for p in programs}
    for i, p in enumerate(programs):
        for part in p.parts:
            if part not in codes:
                root.invalid(f"programs[{i}].parts", f"unknown program code {part!r}")
    root.raise_if_problems()
    infos = []
    for cid, (tz, te, doc, table) in cat_meta.items():
        ordered = [code for _, _, code in sorted(members[cid])]
        infos.append(CatalogueInfo(cid, tz, te, doc, tuple(dict.fromkeys(ordered)), table))
    return Catalogue(programs, infos)


@cache
def catalogue() -> Catalogue:
    """The packaged catalogue (loaded once)."""
    return _load()
