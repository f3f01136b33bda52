"""Rules as specs: what each program's rule reads, judges and cites — as data.

A :class:`RuleSpec` describes one program's rule: the parameters it reads
(by role, so variants of one logic differ only in their data), the
conditions it judges (each a :class:`ConditionSpec` with its Chinese and
English text, its legal basis 依据 and the campaign check point 核查要点),
the stop events it knows (and those it cannot see, listed as limitations),
the category parameter, the programs it excludes for the same month, and
its limitations in both languages.

The specs are read from ``rules/*.toml`` beside this module (one file per
rule; ``rules/conditions.toml`` holds the condition texts, their citations,
the stop events and the problem → taxonomy mapping). The logic a spec names
(``logic = "flexible"``) is a function in ``rules/<logic>.py``.

Usage::

    from subsidy_rules.programs.eligibility import rules
    spec = rules()["flexible-employment-si-subsidy"]
    spec.parameters                   # ('ssi.flexible.max_months', ...)
    [c.id for c in spec.conditions]   # ['first-approval', 'difficulty-person', ...]
    spec.conditions[1].basis[0].label # '《中华人民共和国就业促进法》 第五十二条'

References:
    ``rules/conditions.toml`` (each condition's legal basis and, apart from it,
    the campaign check point it answers).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

import attrs

from subsidy_rules.core.citation import Citation, cite, documents
from subsidy_rules.core.datafile import Node, load_toml

#: The folder (inside ``subsidy_rules.programs.eligibility``) holding the rules' data.
RULES_FOLDER = "rules"
_CONDITIONS_FILE = "conditions.toml"


@attrs.frozen
class ConditionSpec:
    """One condition a rule judges: its text and what it rests on."""

    id: str
    text_zh: str
    text_en: str
    basis: tuple[Citation, ...] = ()  #: the legal rule (依据)
    checkpoint: tuple[Citation, ...] = ()  #: the campaign notice telling auditors to check it (核查要点)

    # Names the decision trace and older callers use.
    @property
    def code(self) -> str:
        return self.id

    @property
    def title_zh(self) -> str:
        return self.text_zh

    @property
    def title_en(self) -> str:
        return self.text_en

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Basis first, then check points."""
        return self.basis + self.checkpoint


@attrs.frozen
class StopEvent:
    """An event that stops a subsidy; ``modelled`` is False when no case field can carry it."""

    id: str
    text_zh: str
    text_en: str
    modelled: bool = True


def _roles(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


@attrs.frozen
class RuleSpec:
    """One program's rule, described."""

    program: str
    name_zh: str
    logic: str
    conditions: tuple[ConditionSpec, ...]
    #: role → parameter id (required: the rule fails loudly when one has no value in force).
    roles: Mapping[str, str] = attrs.field(converter=_roles, hash=False)
    #: role → parameter id read only where a jurisdiction sets it.
    optional_roles: Mapping[str, str] = attrs.field(converter=_roles, hash=False)
    stop_events: tuple[StopEvent, ...] = ()
    category_parameter: str | None = None
    amount: str | None = None  #: how a post rule sets the amount (minimum-wage, employer-contribution, local-standard)
    excludes: tuple[str, ...] = ()  #: programs that cannot be paid for the same person-month
    limitations_zh: str = ""
    limitations_en: str = ""
    source: str = ""

    @property
    def parameters(self) -> tuple[str, ...]:
        """Every parameter id the rule reads (required first, then optional), once each."""
        return tuple(dict.fromkeys([*self.roles.values(), *self.optional_roles.values()]))

    def has(self, role: str) -> bool:
        return role in self.roles or role in self.optional_roles

    def param(self, role: str) -> str:
        """The parameter id of ``role``."""
        found = self.roles.get(role) or self.optional_roles.get(role)
        if found is None:
            raise KeyError(f"rule {self.program!r} has no parameter role {role!r}")
        return found

    def condition(self, cid: str) -> ConditionSpec:
        for c in self.conditions:
            if c.id == cid:
                return c
        raise KeyError(f"rule {self.program!r} has no condition {cid!r}")

    @property
    def unmodelled_stop_events(self) -> tuple[StopEvent, ...]:
        return tuple(s for s in self.stop_events if not s.modelled)


def _citations(node: Node, key: str) -> tuple[Citation, ...]:
    out: list[Citation] = []
    known = documents()
    for cnode in node.get_tables(key):
        cnode.unknown_keys({"document", "article", "quote", "confirmed", "note"})
        doc = cnode.get_str("document")
        article = cnode.get_str("article", required=False)
        quote = cnode.get_str("quote", required=False)
        confirmed = cnode.get_bool("confirmed", default=known[doc].confirmed if doc in known else False)
        cnode.get_str("note", required=False)  # for maintainers: why a citation is read the way it is
        if doc is None:
            continue
        if doc not in known:
            cnode.problem(
                "document",
                "data-unknown-reference",
                value=doc,
                what_en="document",
                what_zh="文件",
                hint_en="",
                hint_zh="",
            )
            continue
        out.append(cite(doc, article, quote=quote, confirmed=confirmed))
    return tuple(out)


def _text(folder: str, name: str) -> str:
    return resources.files("subsidy_rules.programs.eligibility").joinpath(f"{folder}/{name}").read_text("utf-8")


def rule_files() -> tuple[str, ...]:
    """The rule data files on disk (``rules/*.toml`` except the shared conditions file), by name."""
    folder = resources.files("subsidy_rules.programs.eligibility").joinpath(RULES_FOLDER)
    return tuple(sorted(e.name for e in folder.iterdir() if e.name.endswith(".toml") and e.name != _CONDITIONS_FILE))


@cache
def shared_data() -> tuple[dict[str, ConditionSpec], dict[str, StopEvent], dict[str, str]]:
    """Conditions, stop events and the problem → taxonomy mapping from ``rules/conditions.toml``."""
    name = f"subsidy_rules/programs/eligibility/{RULES_FOLDER}/{_CONDITIONS_FILE}"
    root = Node(name, load_toml(name, text=_text(RULES_FOLDER, _CONDITIONS_FILE)))
    root.unknown_keys({"conditions", "stop_events", "taxonomy"})
    conditions: dict[str, ConditionSpec] = {}
    for cid, node in root.get_named_tables("conditions"):
        node.unknown_keys({"text_zh", "text_en", "basis", "checkpoint"})
        zh, en = node.get_str("text_zh"), node.get_str("text_en")
        basis, checkpoint = _citations(node, "basis"), _citations(node, "checkpoint")
        if not basis and not checkpoint:
            node.invalid(None, "a condition cites at least one basis or check point")
        if zh and en:
            conditions[cid] = ConditionSpec(cid, zh, en, basis, checkpoint)
    stops: dict[str, StopEvent] = {}
    for sid, node in root.get_named_tables("stop_events"):
        node.unknown_keys({"text_zh", "text_en", "modelled"})
        zh, en = node.get_str("text_zh"), node.get_str("text_en")
        if zh and en:
            stops[sid] = StopEvent(sid, zh, en, bool(node.get_bool("modelled", default=True)))
    taxonomy: dict[str, str] = {}
    tax = root.get_table("taxonomy")
    if tax is not None:
        for code in tax.table:
            value = tax.get_str(code)
            if value is not None:
                taxonomy[code] = value
    root.raise_if_problems()
    return conditions, stops, taxonomy


def load_rule(file_name: str, name_zh_of: Mapping[str, str]) -> RuleSpec:
    """Read one ``rules/<name>.toml``; ``name_zh_of`` gives program names (the catalogue's)."""
    conditions, stops, _ = shared_data()
    name = f"subsidy_rules/programs/eligibility/{RULES_FOLDER}/{file_name}"
    root = Node(name, load_toml(name, text=_text(RULES_FOLDER, file_name)))
    root.unknown_keys({"rule", "parameters", "optional_parameters"})
    head = root.get_table("rule")
    roles: dict[str, str] = {}
    optional: dict[str, str] = {}
    for key, target in (("parameters", roles), ("optional_parameters", optional)):
        table = root.get_table(key, required=key == "parameters")
        if table is not None:
            for role in table.table:
                pid = table.get_str(role)
                if pid is not None:
                    target[role] = pid
    spec: RuleSpec | None = None
    if head is not None:
        head.unknown_keys(
            {
                "program",
                "logic",
                "category_parameter",
                "amount",
                "conditions",
                "stop_events",
                "excludes",
                "limitations_zh",
                "limitations_en",
            }
        )
        program = head.get_str("program")
        logic = head.get_str("logic")
        conds = []
        for i, cid in enumerate(head.get_str_list("conditions", required=True)):
            if cid in conditions:
                conds.append(conditions[cid])
            else:
                head.problem(
                    i,
                    "data-unknown-reference",
                    value=cid,
                    what_en="condition",
                    what_zh="条件",
                    hint_en=" (define it in conditions.toml)",
                    hint_zh="（请在 conditions.toml 中定义）",
                )
        events = []
        for sid in head.get_str_list("stop_events"):
            if sid in stops:
                events.append(stops[sid])
            else:
                head.problem(
                    "stop_events",
                    "data-unknown-reference",
                    value=sid,
                    what_en="stop event",
                    what_zh="停发情形",
                    hint_en="",
                    hint_zh="",
                )
        if program is not None and program not in name_zh_of:
            head.problem(
                "program",
                "data-unknown-reference",
                value=program,
                what_en="program",
                what_zh="项目",
                hint_en=" (not in the catalogue)",
                hint_zh="（目录中没有）",
            )
        if program and logic and program in name_zh_of:
            spec = RuleSpec(
                program=program,
                name_zh=name_zh_of[program],
                logic=logic,
                conditions=tuple(conds),
                roles=roles,
                optional_roles=optional,
                stop_events=tuple(events),
                category_parameter=head.get_str("category_parameter", required=False),
                amount=head.get_str("amount", required=False),
                excludes=head.get_str_list("excludes"),
                limitations_zh=head.get_str("limitations_zh") or "",
                limitations_en=head.get_str("limitations_en") or "",
                source=name,
            )
    root.raise_if_problems()
    assert spec is not None
    return spec
