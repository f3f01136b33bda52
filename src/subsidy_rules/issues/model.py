"""Records of the issue taxonomy: problem types, crosswalks, findings.

All records are frozen, slotted attrs classes (change them with
``attrs.evolve``); closed sets are enums whose values are the stable JSON
spellings. The registry that loads and indexes them is
:mod:`subsidy_rules.issues.registry`.

References:
    Seeds 000–004 (the documents ``seed-000`` … ``seed-004`` of
    ``core/data/documents.toml``); the handling rules come from seed 000
    四（二）1 and 4, seed 001 五（二）3, seed 002 四（四） and 五（三）,
    seed 003 三（一）.

Limitations:
    ``Gravity`` is the maintainers' ranking, not a seed's: the seeds only
    separate violations of discipline and law (sent to 纪检监察机关) from the
    other problems (rectified, or met with 问责).
"""

from __future__ import annotations

import enum
import hashlib
from decimal import Decimal

import attrs

from subsidy_rules.core.citation import Citation
from subsidy_rules.core.month import Month
from subsidy_rules.core.provenance import Provenance


class NodeKind(enum.Enum):
    """What a node of the tree stands for.

    Seed 000 附件3 and seed 003 附件1 count things that are not problems
    (visits made, banks used, people disciplined); they get their own
    branches so that every form column maps to a node.
    """

    PROBLEM = "problem"
    SCREENING_FACT = "screening-fact"
    OUTCOME = "outcome"

    @property
    def name_zh(self) -> str:
        return {
            NodeKind.PROBLEM: "问题",
            NodeKind.SCREENING_FACT: "排查情况",
            NodeKind.OUTCOME: "整改问责情况",
        }[self]


class Measure(enum.Enum):
    """What a form counts a node (or a column) in."""

    AMOUNT_10K_YUAN = "amount-10k-yuan"
    AMOUNT_YUAN = "amount-yuan"
    #: an amount on a form that prints no unit (seed 000 附件3)
    AMOUNT = "amount"
    PERSONS = "persons"
    HOUSEHOLDS = "households"
    #: seed 003 附件1 注5: 按户补贴的填户数，按人补贴的填人数
    PERSONS_OR_HOUSEHOLDS = "persons-or-households"
    CARDS = "cards"
    BANKS = "banks"
    COUNT = "count"
    YES_NO = "yes-no"
    TEXT = "text"
    #: a rate actually applied, never summed (seed 003 附件1 注3)
    STANDARD = "standard"
    ORDINAL = "ordinal"
    #: a cell holding a taxonomy code (the 问题类型 of a problem list)
    CODE = "code"
    DATE = "date"
    #: the seed text lost the column's label and no note describes it
    UNKNOWN = "unknown"

    @property
    def name_zh(self) -> str:
        return _MEASURE_ZH[self]

    @property
    def is_quantity(self) -> bool:
        """An amount or a count: a column of this measure must report some node."""
        return self in _QUANTITIES


_MEASURE_ZH = {
    Measure.AMOUNT_10K_YUAN: "金额（万元）",
    Measure.AMOUNT_YUAN: "金额（元）",
    Measure.AMOUNT: "金额（单位未载明）",
    Measure.PERSONS: "人数",
    Measure.HOUSEHOLDS: "户数",
    Measure.PERSONS_OR_HOUSEHOLDS: "户数或人数",
    Measure.CARDS: "卡折数量",
    Measure.BANKS: "银行数",
    Measure.COUNT: "个数",
    Measure.YES_NO: "是/否",
    Measure.TEXT: "文字",
    Measure.STANDARD: "执行标准（不汇总）",
    Measure.ORDINAL: "序号",
    Measure.CODE: "问题类型代码",
    Measure.DATE: "日期",
    Measure.UNKNOWN: "未知（栏目名称缺失）",
}

_QUANTITIES = frozenset(
    {
        Measure.AMOUNT_10K_YUAN,
        Measure.AMOUNT_YUAN,
        Measure.AMOUNT,
        Measure.PERSONS,
        Measure.HOUSEHOLDS,
        Measure.PERSONS_OR_HOUSEHOLDS,
        Measure.CARDS,
        Measure.BANKS,
        Measure.COUNT,
    }
)


class Gravity(enum.Enum):
    """The maintainers' ranking (see the module's Limitations).

    high: what the seeds call 违纪违法 / 违法违规 (clues go to 纪检监察机关);
    medium: money or people paid wrongly, late or not at all;
    low: management, disclosure and control weaknesses;
    none: not a problem (a screening fact or an accountability outcome).
    """

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NONE = "none"

    @property
    def name_zh(self) -> str:
        return {Gravity.HIGH: "严重", Gravity.MEDIUM: "较重", Gravity.LOW: "一般", Gravity.NONE: "非问题"}[self]


class Handling(enum.Enum):
    """What the seeds say is done with a problem once found."""

    #: 对发现的违纪违法问题线索，按照干部管理权限及时移交纪检监察机关 (seed 000 四（二）4; seed 001 五（二）3)
    REFER_TO_DISCIPLINE_INSPECTION = "refer-to-discipline-inspection"
    #: 要严格按要求报告相关部门，依法依规从严从实查处 (seed 002 五（三）)
    REPORT_TO_AUTHORITIES = "report-to-authorities"
    #: 及时追回违规发放的补贴资金 (seed 002 四（四）); 及时清退、追缴资金 (seed 003 三（一）)
    RECOVER_FUNDS = "recover-funds"
    #: 对发现的问题要立行立改 … 实行销号管理 (seed 000 四（二）1); 限期整改 (seed 004 二（二）6)
    RECTIFY = "rectify"
    #: 对发现的不担当、不作为等其他问题，将予以严肃问责处理 (seed 000 四（二）4)
    HOLD_ACCOUNTABLE = "hold-accountable"

    @property
    def name_zh(self) -> str:
        return _HANDLING_ZH[self]


_HANDLING_ZH = {
    Handling.REFER_TO_DISCIPLINE_INSPECTION: "移交纪检监察机关",
    Handling.REPORT_TO_AUTHORITIES: "报告相关部门依法依规查处",
    Handling.RECOVER_FUNDS: "追回（追缴）资金",
    Handling.RECTIFY: "立行立改、限期整改",
    Handling.HOLD_ACCOUNTABLE: "严肃问责",
}


class SourceKind(enum.Enum):
    """A crosswalk's source: a seed's own category list, or a form's columns."""

    CATEGORY_LIST = "category-list"
    FORM = "form"


@attrs.frozen
class IssueType:
    """One node of the taxonomy.

    ``code`` is stable ASCII; a child's code is its parent's code, a dot and
    one more segment (``payment.excess.beyond-scope``). ``name_zh`` is the
    seed's own words when ``name_provenance`` is ``source``.
    ``citations[i]`` points at the seed section whose words are quoted in
    ``source_text[i]`` (the two tuples have the same length).
    ``measure`` is what a form most often counts the node in; a form column
    states its own measure (seed 000 counts 应享受未享受 in 万元, seed 003
    in persons).
    """

    code: str
    name_zh: str
    name_en: str
    definition_zh: str
    definition_en: str
    parent: str | None
    kind: NodeKind
    measure: Measure
    gravity: Gravity
    handling: tuple[Handling, ...]
    citations: tuple[Citation, ...]
    source_text: tuple[str, ...]
    name_provenance: Provenance = Provenance.SOURCE

    @property
    def depth(self) -> int:
        """0 for a root."""
        return self.code.count(".")

    @property
    def seeds(self) -> tuple[str, ...]:
        """The document keys this node is cited from, without repeats."""
        return tuple(dict.fromkeys(c.document_key for c in self.citations))


@attrs.frozen
class CrosswalkItem:
    """One item of a source: a column of a form, or an entry of a seed's list.

    ``key`` is the column number as text (``"6"``) for a form and a dotted
    position (``"1.3"``) for a category list; ``column`` is the column
    number (栏次) on a form and ``None`` in a list. ``label_zh`` is the seed's text
    when ``provenance`` is ``source``. ``nodes`` are the taxonomy codes the
    item reports; a column reports a node when it lists the node or one of
    its ancestors. An item with no nodes says why in ``note``;
    ``candidates`` are readings we think likely but do not assert.
    """

    key: str
    label_zh: str
    label_en: str
    nodes: tuple[str, ...]
    provenance: Provenance = Provenance.SOURCE
    measure: Measure | None = None
    group_zh: str | None = None
    article: str | None = None
    note: str | None = None
    candidates: tuple[str, ...] = ()
    column: int | None = None


@attrs.frozen
class Crosswalk:
    """A source's items in its own order, each with the nodes it covers."""

    id: str
    kind: SourceKind
    title_zh: str
    title_en: str
    citation: Citation
    items: tuple[CrosswalkItem, ...]

    def item(self, key: str | int) -> CrosswalkItem:
        """The item with this key (a column number may be given as an int)."""
        wanted = str(key)
        for it in self.items:
            if it.key == wanted:
                return it
        raise KeyError(wanted)


class FindingStatus(enum.Enum):
    """Where a finding stands. The audit only produces leads (疑点): checked on site, a lead becomes a problem."""

    LEAD = "lead"

    @property
    def name_zh(self) -> str:
        return {FindingStatus.LEAD: "疑点"}[self]


def finding_id(detector: str, id_number: str, program: str | None, months: tuple[Month, ...], key: str = "") -> str:
    """A stable id from what the finding is about, so a rectification ledger can match re-runs.

    ``key`` adds what else tells two findings of one detector apart (an account, an operator).
    """
    return finding_id_of_text(detector, id_number, program, ",".join(str(m) for m in months), key)


def finding_id_of_text(detector: str, id_number: str, program: str | None, months: str, key: str = "") -> str:
    """:func:`finding_id` with the months already written (``2024-01,2024-02``): for callers that hold indexes."""
    text = "\x1f".join([detector, id_number, program or "", months, key])
    return detector + "-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@attrs.frozen
class Finding:
    """One audit finding: a lead (疑点) with the payments that prove it, classified once by a taxonomy code.

    ``issue`` is the taxonomy code; ``program`` a catalogue code (``None``
    when the lead spans programs, such as one person's several cards);
    ``months`` the months concerned; ``amount_yuan`` the money at issue in
    元 (the excess, the shortfall, the amount paid late …; forms convert to
    万元 at the edge); ``evidence`` the payment ids (流水号); ``account`` the
    account concerned when the lead is about an account.
    """

    finding_id: str
    detector: str
    issue: str
    program: str | None
    unit: str
    id_number: str
    name: str | None
    months: tuple[Month, ...]
    amount_yuan: Decimal
    evidence: tuple[str, ...]
    explanation_zh: str
    explanation_en: str
    citations: tuple[Citation, ...] = ()
    status: FindingStatus = FindingStatus.LEAD
    account: str | None = None
