"""The layout model: what one printed statistical form looks like, as data.

A :class:`FormLayout` is everything the template writer, the reader, the
validator and the roll-up need to know about one form: its title and issuer,
the lines printed above the table (填表单位, 单位：万元, 负责人 …), the column
tree (grouped headers over numbered columns, 栏次), each column's kind and
decimals, the row axis (fixed rows such as the 41 programs of seed 000 附件2,
or free rows such as a list of findings), the totals row (合计), the check
relations (勾稽关系) and the notes printed under the table.

Layouts are loaded from TOML (:mod:`subsidy_rules.forms.loader`); this module
holds only the frozen records and the small amount of logic that belongs to
them (where is column 8, which columns are summed).

References:
    Seed 000 附件2/附件3 (武人社办函〔2022〕10号), seed 003 附件1/附件2 and
    their notes (铜残联发〔2021〕63号), seed 002 附件 问题清单; the
    provenance rule of ``shared/DESIGN.md`` (a label the seed lost is
    ``reconstructed``, never presented as the source's).

Limitations:
    One level of grouped headers (a group spans consecutive columns); the
    seeds' forms need no deeper tree. Totals rows exist only on fixed-row
    forms.
"""

from __future__ import annotations

import enum
import re
from decimal import Decimal

import attrs

from subsidy_rules.core.provenance import Provenance

#: What the template appends to a reconstructed label so a reader of the
#: printed form sees it is ours (拟 = "proposed"); the reader accepts the
#: label with or without it.
RECONSTRUCTED_MARK = "（拟）"


class ColumnKind(enum.Enum):
    """What a column holds; decides parsing, checks and how it rolls up."""

    AMOUNT = "amount"  # money in the column's unit with ``decimals`` places; summed
    COUNT = "count"  # persons, cards, cases …; whole numbers; summed
    YES_NO = "yes-no"  # "是" or blank (seed 003 附件2 note 4); rolled up as "any 是"
    TEXT = "text"  # free text; rolled up as the sorted distinct entries
    STANDARD = "standard"  # a rate as applied (seed 003 附件1 note 3: 无需汇总); must agree
    DATE = "date"  # a calendar date (整改时限)
    SERIAL = "serial"  # the row's 序号 when it is itself a numbered column
    ISSUE_TYPE = "issue-type"  # a code of the issue taxonomy (subsidy_rules.issues)

    @property
    def additive(self) -> bool:
        """True when a roll-up adds the units' values."""
        return self in (ColumnKind.AMOUNT, ColumnKind.COUNT)

    @property
    def numeric(self) -> bool:
        return self in (ColumnKind.AMOUNT, ColumnKind.COUNT, ColumnKind.SERIAL)


class HeaderRole(enum.Enum):
    """The role of a line printed above the table."""

    REPORTER = "reporter"  # 填表单位 / 填报单位 / 单位(盖章): the reporting unit's name
    FIELD = "field"  # 负责人, 填表人, 联系电话 …: a value to fill
    UNIT = "unit"  # 单位：万元: fixed text, checked (unit-mismatch)


class RowAxisKind(enum.Enum):
    FIXED = "fixed"  # rows printed by the form (programs with 序号); checked by label
    FREE = "free"  # as many rows as the unit needs (a list of findings)


class LabelRole(enum.Enum):
    NUMBER = "number"  # 序号
    NAME = "name"  # 项目资金名称


class BlankRule(enum.Enum):
    """How a check relation treats blank cells; blank is never silently zero."""

    SKIP = "skip"  # a row with any blank term is not checked
    ZERO = "zero"  # the relation says blank counts as zero


#: Powers of ten of the money units a column may be stated in; a text such
#: as "12.3万" is 12.3 × 10⁴ of the base unit, re-expressed in the column's unit.
UNIT_POWERS: dict[str, int] = {"元": 0, "万元": 4, "亿元": 8}


@attrs.frozen
class HeaderLine:
    """A line above the table: ``label`` is printed; REPORTER/FIELD lines take a value beside it."""

    label: str
    role: HeaderRole
    provenance: Provenance = Provenance.SOURCE


@attrs.frozen
class Column:
    """One numbered column (栏次) of the form.

    ``unit`` is the unit the column's values are stated in (万元, 元, 人, 张 …);
    ``decimals`` the places an amount is kept to (seed 003: 保留两位小数).
    ``choices`` restricts a text column to fixed entries. ``label_note``
    says where a label comes from when the seed does not print it.
    """

    number: int
    label: str
    kind: ColumnKind
    unit: str | None = None
    decimals: int = 0
    provenance: Provenance = Provenance.SOURCE
    choices: tuple[str, ...] = ()
    label_note: str | None = None
    label_en: str | None = None

    @property
    def unit_power(self) -> int:
        """Power of ten of the column's money unit (万元 → 4); 0 for counts and 元."""
        return UNIT_POWERS.get(self.unit or "", 0)

    @property
    def half_width(self) -> Decimal:
        """Half the rounding interval a shown value stands for (2 decimals → 0.005); counts are exact."""
        if self.kind is ColumnKind.AMOUNT:
            return Decimal(5).scaleb(-(self.decimals + 1))
        return Decimal(0)


@attrs.frozen
class ColumnGroup:
    """A grouped header printed over the consecutive columns ``first``…``last``."""

    label: str
    first: int
    last: int
    provenance: Provenance = Provenance.SOURCE


@attrs.frozen
class LabelColumn:
    """A column printed left of the numbered columns that labels the rows (序号, 项目资金名称)."""

    label: str
    role: LabelRole


@attrs.frozen
class FixedRow:
    """One printed row: its stable key (a program code), 序号 and name as printed."""

    key: str
    number: int
    name: str


@attrs.frozen
class TotalsRow:
    """The 合计 row; ``provenance`` is reconstructed when the printed form has none."""

    label: str
    provenance: Provenance = Provenance.SOURCE


@attrs.frozen
class RowAxis:
    """The rows of the table.

    FIXED: ``rows`` are printed in order and each is checked by 序号 and name
    before its values are trusted. FREE: ``blank_rows`` empty rows are printed
    (with 序号 pre-filled when ``prefill_numbers``); a unit may add more.
    """

    kind: RowAxisKind
    label_columns: tuple[LabelColumn, ...]
    rows: tuple[FixedRow, ...] = ()
    blank_rows: int = 0
    prefill_numbers: bool = False
    totals: TotalsRow | None = None


_TERM = re.compile(r"\s*([+-]?)\s*(\d+)\s*")


@attrs.frozen
class Term:
    """``sign`` × column ``column``."""

    sign: int
    column: int


@attrs.frozen
class Relation:
    """A check relation (勾稽关系) between columns of the same row, e.g. ``8 = 11 + 14 + 15``.

    ``text`` is the relation as written; ``blank`` says how blank cells are
    treated. A relation with ``provenance`` reconstructed (its left side was
    lost from the seed) reports failures as warnings.
    """

    text: str
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    blank: BlankRule = BlankRule.SKIP
    provenance: Provenance = Provenance.SOURCE
    note: str | None = None

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        blank: BlankRule = BlankRule.SKIP,
        provenance: Provenance = Provenance.SOURCE,
        note: str | None = None,
    ) -> Relation:
        """Parse ``"16 = 1 - 8"``; raises ValueError on anything else."""
        sides = text.split("=")
        if len(sides) != 2:
            raise ValueError("a relation needs exactly one '='")
        return cls(
            text=text,
            left=_parse_side(sides[0]),
            right=_parse_side(sides[1]),
            blank=blank,
            provenance=provenance,
            note=note,
        )

    @property
    def columns(self) -> tuple[int, ...]:
        return tuple(t.column for t in (*self.left, *self.right))


def _parse_side(text: str) -> tuple[Term, ...]:
    terms: list[Term] = []
    pos = 0
    text = text.strip()
    if not text:
        raise ValueError("an empty side")
    while pos < len(text):
        m = _TERM.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"cannot read {text[pos:]!r}; write column numbers joined by + and -")
        if terms and not m.group(1):
            raise ValueError(f"missing + or - before {m.group(2)}")
        terms.append(Term(-1 if m.group(1) == "-" else 1, int(m.group(2))))
        pos = m.end()
    return tuple(terms)


@attrs.frozen
class FormLayout:
    """One printed form. See the module docstring; build with :func:`~subsidy_rules.forms.loader.load_layout`.

    ``column_numbers`` is the provenance of the 栏次 themselves (seed 000
    prints none, so the Wuhan numbering is ours). ``provenance`` is the whole
    layout's (seed 002's 问题清单 is not reproduced, so that layout is
    reconstructed). ``document`` is a key of the citation registry.
    """

    id: str
    title: str
    sheet: str
    columns: tuple[Column, ...]
    rows: RowAxis
    title_en: str | None = None
    issuer: str | None = None
    document: str | None = None
    attachment: str | None = None
    seed: str | None = None
    header_lines: tuple[HeaderLine, ...] = ()
    groups: tuple[ColumnGroup, ...] = ()
    relations: tuple[Relation, ...] = ()
    notes: tuple[str, ...] = ()
    column_numbers: Provenance = Provenance.SOURCE
    provenance: Provenance = Provenance.SOURCE
    remarks: tuple[str, ...] = ()
    #: True when the notice itself fixes the decimals (seed 003: 保留两位小数): more places are an error.
    #: False when the decimals are the library's choice (seed 000 sets none): more places are a warning.
    decimals_enforced: bool = True

    def column(self, number: int) -> Column:
        for col in self.columns:
            if col.number == number:
                return col
        raise KeyError(number)

    @property
    def additive_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind.additive)

    @property
    def has_reconstructed_labels(self) -> bool:
        return (
            any(c.provenance is Provenance.RECONSTRUCTED for c in self.columns)
            or any(g.provenance is Provenance.RECONSTRUCTED for g in self.groups)
            or self.column_numbers is Provenance.RECONSTRUCTED
            or (self.rows.totals is not None and self.rows.totals.provenance is Provenance.RECONSTRUCTED)
        )

    def group_of(self, number: int) -> ColumnGroup | None:
        for group in self.groups:
            if group.first <= number <= group.last:
                return group
        return None


@attrs.frozen
class UnitEntry:
    """One line of a roll-up's units sheet: a file given to the roll-up and what became of it.

    ``path`` is the file's name relative to the folder of the roll-up (never an absolute local
    path: the workbook travels upward); ``units`` how many unit forms the file adds (1, or a
    roll-up's own count); ``all_zero`` marks a 零报送; ``valid``/``included`` say whether it
    passed validation and whether it was added up, ``reason`` why not.
    """

    unit: str
    path: str
    units: int
    all_zero: bool
    valid: bool
    included: bool = True
    reason: str = ""


def shown_label(label: str, provenance: Provenance) -> str:
    """The label as the template prints it: reconstructed ones carry :data:`RECONSTRUCTED_MARK`."""
    return label + RECONSTRUCTED_MARK if provenance is Provenance.RECONSTRUCTED else label
