"""What a detector declares, and what its query reads.

A detector is one file, ``detectors/<name>.py``, that defines ``SPEC``, a
:class:`DetectorSpec` written with keywords: its names, the taxonomy node
its findings are classified under (and a rule for a finer node where it has
one), the rosters it needs and uses, its citations with their quotes, its
descriptions, the helper tables it reads **by name** (built by
:mod:`~subsidy_rules.issues.audit.helpers`), its finding key, its
explanation templates, its query, and its **examples**: rows given, findings
expected. The engine reads only these declarations.

The query takes a :class:`Context` and returns *evidence rows*, one per
payment that proves the lead, with the money at issue for that payment
(:data:`EVIDENCE_COLUMNS`; :func:`~subsidy_rules.issues.audit.toolkit.evidence`
selects them). The engine groups them into findings by the columns of
``key``.

The explanation templates are :meth:`str.format` strings over
:data:`TEMPLATE_VALUES`; ``note`` is the evidence note of the finding's first
row put into words by the spec's ``note_text`` (the note as written when it
has none).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs
from ibis.expr.types import Table

from subsidy_rules.core.citation import Citation

#: the columns of a query's evidence rows (``pm`` is the month index of :attr:`Month.index`)
EVIDENCE_COLUMNS = ("id_number", "program", "unit", "name", "pm", "payment_id", "amount", "note", "account")
#: the evidence columns a finding key may be made of
KEY_COLUMNS = frozenset({"id_number", "program", "pm", "account", "note"})
#: the values an explanation template may use
TEMPLATE_VALUES = frozenset({"name", "id_number", "program_zh", "months", "amount", "note", "count"})


@attrs.frozen
class Context:
    """What the queries read: the ledger, the rosters present, the helper tables built."""

    ledger: Table
    rosters: Mapping[str, Table]
    helpers: Mapping[str, Table]
    as_of: date
    #: how to keep a table several detectors read: a temp table on DuckDB, a view on Spark
    materialise: Callable[[str, Table], Table] | None = None
    #: expressions several detectors share within one run (see ``toolkit.shared``)
    shared: dict[str, Table] = attrs.field(factory=dict)


def _frozen_rows(rows: Any) -> tuple[Mapping[str, str | None], ...]:
    return tuple(MappingProxyType(dict(r)) for r in rows)


def _frozen_rosters(rosters: Any) -> Mapping[str, tuple[Mapping[str, str | None], ...]]:
    return MappingProxyType({k: _frozen_rows(v) for k, v in dict(rosters).items()})


@attrs.frozen
class Coverage:
    """How much of its subject a detector can judge in a run (see ``DetectorSpec.coverage``)."""

    judged: bool  #: some subject month can be judged (False: the detector is reported as not run)
    skipped: int  #: subject person-months it cannot judge (an undetermined entitlement, say)
    why_zh: str | None = None  #: why, in Chinese
    why_en: str | None = None


@attrs.frozen
class Expect:
    """One finding an example expects: whose, which months, how much (元, as written), which payments."""

    id_number: str
    months: tuple[str, ...]
    amount: str
    evidence: tuple[str, ...]
    #: the taxonomy node, when the detector's rule picks a finer one than its ``issue``
    issue: str | None = None


@attrs.frozen
class Example:
    """A worked example: a few ledger and roster rows, and the findings the detector must give for them.

    Rows are data: English field names of :mod:`~subsidy_rules.issues.audit.schema`, values as a
    person would type them. A ledger row names at least ``payment_id``, ``id_number`` and ``period``;
    :func:`~subsidy_rules.issues.audit.sample.ledger_row` fills the rest as a clean payment of the
    flexible-employment SI subsidy (466.67 元, applied on the 5th, approved on the 10th, paid on the
    20th, to the social-security card). ``also`` names the other detectors that find the same persons
    once the example is planted among clean rosters (a duplicated month is also above the standard).
    """

    title: str
    ledger: tuple[Mapping[str, str | None], ...] = attrs.field(converter=_frozen_rows)
    rosters: Mapping[str, tuple[Mapping[str, str | None], ...]] = attrs.field(factory=dict, converter=_frozen_rosters)
    expect: tuple[Expect, ...] = ()
    also: tuple[str, ...] = ()


@attrs.frozen
class DetectorSpec:
    """A detector as the engine, the sample district and the docs see it."""

    name: str
    name_zh: str
    issue: str  #: taxonomy code the findings are classified under
    citations: tuple[Citation, ...]
    description_zh: str
    description_en: str
    explain_zh: str  #: template over :data:`TEMPLATE_VALUES`
    explain_en: str
    query: Callable[[Context], Table] = attrs.field(eq=False)
    needs: tuple[str, ...] = ()  #: roster kinds it cannot run without
    uses: tuple[str, ...] = ()  #: roster kinds used when present
    #: optional ledger columns it cannot run without (absent: "not run: no 发放方式 column", never "0 found")
    columns: tuple[str, ...] = ()
    helpers: tuple[str, ...] = ()  #: helper tables it reads, by name
    #: the evidence columns whose values make one finding (rows with equal values are one lead)
    key: tuple[str, ...] = ("id_number", "program")
    issue_note: str | None = None  #: why this node (when the nearest parent was chosen)
    #: the finer taxonomy node for a finding, from its first evidence note
    issue_of: Callable[[str | None], str] | None = attrs.field(default=None, eq=False)
    #: the evidence note in words, Chinese and English
    note_text: Callable[[str], tuple[str, str]] | None = attrs.field(default=None, eq=False)
    examples: tuple[Example, ...] = ()
    #: what of its subject the detector can judge in this run; ``None``: all of it. A detector that
    #: can judge nothing is reported as not run with the reason; one that can judge part runs on that
    #: part, and the months skipped are reported (``DetectorRun.skipped`` and a run problem)
    coverage: Callable[[Context], Coverage] | None = attrs.field(default=None, eq=False)
    #: its findings name the fund text that governs their months where that text's articles were not
    #: read (the engine builds the ``regimes`` helper table and appends the note to the explanation)
    regime_note: bool = False

    def issue_for(self, note: str | None) -> str:
        """The taxonomy node of a finding whose first evidence row carries ``note``."""
        return self.issue if self.issue_of is None else self.issue_of(note)

    def note_words(self, note: str | None) -> tuple[str, str]:
        """The evidence note in Chinese and in English (blank when there is none)."""
        if note is None:
            return "", ""
        return (note, note) if self.note_text is None else self.note_text(note)

    @property
    def key_in_id(self) -> bool:
        """Whether the key holds more than the person, program and months (then it joins the finding id)."""
        return bool(set(self.key) - {"id_number", "program", "pm"})
